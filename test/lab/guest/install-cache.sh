#!/bin/bash
# What `dpkg -i` of our package leaves in a dom0, captured in the boot that installs it and put back
# in later boots of the same image with the same package (test/lab/lib/install-cache.ts): the
# install's start-up snapshots take ~35 s per boot under TCG, and the result is the same every time.
#   install-cache.sh begin     before dpkg -i: every path, and a time stamp
#   install-cache.sh end       after it: /run/lab-install/{files.tar,links,gone}
#   install-cache.sh restore   from /lab/install-cache/{files.tar,links,gone}
# files.tar: every path whose inode changed since the stamp (new, rewritten, renamed by
# dpkg-divert). links: new hard links to files that were there before (the snapshots' links to
# /usr/bin/node and libnode), as "existing<TAB>new", made again with ln rather than copied, so the
# launcher's -ef tests hold. gone: paths that were there before and are not any more.
# LAB_INSTALL_ROOT (default /): the tree to work on (test/unit/lab/install-cache.test.ts).
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C
R=${LAB_INSTALL_ROOT:-}
R=${R%/}
D=$R/run/lab-install
C=$R/lab/install-cache

# Every path of the tree (as /path, whatever R is) but the runtime trees, logs, caches and the
# lab's own files.
walk() {
  local p prune=()
  for p in /proc /sys /dev /run /tmp /var/log /var/cache /var/lib/lab /var/lib/xen /var/lib/xenstored /lab; do
    prune+=(-path "$R$p" -o)
  done
  find "${R:-/}" -xdev -mindepth 1 \( "${prune[@]}" -false \) -prune -o "$@"
}

case ${1:-} in
  begin)
    mkdir -p "$D"
    walk -printf '/%P\n' | sort > "$D/before"
    touch "$D/stamp"
    sleep 0.1 # past the stamp's time stamp granularity, so that every change after it is newer
    ;;
  end)
    [ -f "$D/stamp" ] || { echo "install-cache.sh: no 'begin' before" >&2; exit 1; }
    walk -printf '/%P\n' | sort > "$D/after"
    comm -23 "$D/before" "$D/after" > "$D/gone"
    stamp=$(find "$D/stamp" -printf '%T@')
    # inode, link count, type, mtime, path: a file with more than one link whose inode was there
    # before and whose content is older than the stamp only gained links.
    walk -cnewer "$D/stamp" -printf '%i %n %y %T@ /%P\n' |
      awk -v stamp="$stamp" -v files="$D/files" -v links="$D/links" '
        NR == FNR { before[$0] = 1; next }
        {
          ino = $1; n = $2; type = $3; t = $4; p = $0; sub(/^[^ ]+ [^ ]+ [^ ]+ [^ ]+ /, "", p)
          if (type == "f" && n > 1) {
            if ((p in before) && t < stamp) { anchor[ino] = p; next }
            linked[ino] = linked[ino] "\n" p; next
          }
          print substr(p, 2) > files
        }
        END {
          printf "" > links
          for (ino in linked) {
            k = split(substr(linked[ino], 2), ps, "\n")
            for (i = 1; i <= k; i++)
              if (ino in anchor) print anchor[ino] "\t" ps[i] > links; else print substr(ps[i], 2) > files
          }
        }' "$D/before" -
    touch "$D/files"
    # POSIX (pax) format: time stamps to the nanosecond (the launchers compare the bundle's and the blob's).
    tar -C "${R:-/}" --no-recursion --format=posix -cpf "$D/files.tar" -T "$D/files"
    ;;
  restore)
    while IFS= read -r p; do rm -rf -- "$R$p"; done < "$C/gone"
    tar -C "${R:-/}" -xpf "$C/files.tar" || exit 1
    while IFS=$'\t' read -r a p; do ln -f -- "$R$a" "$R$p" || exit 1; done < "$C/links"
    ;;
  *)
    echo "usage: install-cache.sh begin|end|restore" >&2
    exit 2
    ;;
esac
