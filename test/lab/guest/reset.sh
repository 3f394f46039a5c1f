#!/bin/bash
# Puts a lab dom0 back to the state it had right after boot, so that one boot can serve several
# scenario files (test/lab/lib/shared-lab.ts), and reports the facts the runner checks before a
# scenario starts.
#   reset.sh snapshot   after boot: remember /etc and /root, the last PID, a time stamp
#   reset.sh reset      destroy domains, kill what was started since, take DRBD, LVM and loop
#                       devices down, put /etc and /root back, clear runtime state and logs
#   reset.sh facts      key=value lines: what is left (test/lab/lib/baseline.ts judges them)
# The runner never trusts the reset: `facts` is checked after every reset and after every boot.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C LC_ALL=C
P=/run/lab-pristine
# Runtime directories a scenario may fill: made before the snapshot and emptied by `reset`, never
# removed (removing one would change its parent, which the check reads as a file deleted there).
# /var/lib/lab is the tmpfs of the DRBD backing files; /var/lib/xcp the SR driver's xapi socket.
RUNTIME_DIRS=(/var/lib/lab /var/lib/xcp)
# Trees whose files change by themselves or are put back by `reset` (the rest of / must not change).
VOLATILE=(/proc /sys /dev /run /tmp /var/log /var/lib/drbd /var/lib/xen /var/lib/xenstored /var/lock /etc /root "${RUNTIME_DIRS[@]}")

# User-space processes started after the snapshot, but for this script's session (the agent starts
# each command in a session of its own: this script, its subshells and pipes).
session_of() { # field 6 of /proc/PID/stat, read after "PID (comm) " (comm may hold spaces)
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  set -- $stat # state ppid pgrp session ...
  echo "$4"
}

new_processes() {
  local last sid pid
  last=$(cat "$P/pid")
  sid=$(session_of $$)
  for d in /proc/[0-9]*; do
    pid=${d#/proc/}
    [ "$pid" -gt "$last" ] || continue
    [ -e "$d/exe" ] || continue # kernel threads have no executable
    [ "$(session_of "$pid")" = "$sid" ] && continue
    echo "$pid"
  done
}

files_list() { (cd / && find etc root -depth) | LC_ALL=C sort; }
# Directories at /dev's top level: LVM makes /dev/<VG> itself (dom0 runs no udev) and nothing
# removes it when the VG's devices go, so a later vgcreate of the same VG finds it "already exists".
dev_dirs() { find /dev -mindepth 1 -maxdepth 1 -type d | LC_ALL=C sort; }

case ${1:-} in
  snapshot)
    mkdir -p "$P" "${RUNTIME_DIRS[@]}"
    tar -C / -cpf "$P/etc-root.tar" etc root
    files_list > "$P/files.list"
    dev_dirs > "$P/dev-dirs.list"
    sh -c 'echo $$' > "$P/pid"
    touch "$P/stamp"
    ;;
  reset)
    [ -f "$P/stamp" ] || { echo "reset.sh: no snapshot in $P" >&2; exit 1; }
    for id in $(xl list 2>/dev/null | awk 'NR > 1 && $2 != 0 { print $2 }'); do
      timeout 60 xl destroy "$id" || echo "reset: xl destroy $id failed" >&2
    done
    for pid in $(new_processes); do kill -KILL "$pid" 2>/dev/null; done
    sleep 0.2
    # Storage, top down: device-mapper (LVM on DRBD), DRBD, the loop devices under it.
    dmsetup remove_all --force >/dev/null 2>&1
    drbdadm down all >/dev/null 2>&1
    [ -x /lib/drbd/drbdsetup-84 ] && /lib/drbd/drbdsetup-84 down all >/dev/null 2>&1
    losetup -D
    LC_ALL=C comm -13 "$P/dev-dirs.list" <(dev_dirs) | while IFS= read -r d; do rm -rf "${d:?}"; done
    rm -f /var/lib/drbd/* # drbdadm's last-known backing devices (drbd-minor-N.lkbd)
    for d in "${RUNTIME_DIRS[@]}"; do find "$d" -mindepth 1 -delete; done
    # /etc and /root as they were: the snapshot over them, then whatever was added since removed.
    tar -C / -xpf "$P/etc-root.tar"
    LC_ALL=C comm -13 "$P/files.list" <(files_list) | while IFS= read -r f; do rm -rf "/${f:?}"; done
    # Runtime state: block-drbd's ledger and locks, the SR driver's, the lab's own jobs and marks.
    rm -rf /run/xen-drbd /run/xen-hotplug/* /var/lock/sm /tmp/* 2>/dev/null
    find /run -maxdepth 1 -name 'lab-*' ! -path "$P" -exec rm -rf {} +
    # Logs: the runner keeps each scenario's copy; the next one starts with none.
    : > /var/log/xen/xen-hotplug.log
    rm -f /var/log/xen/xl-*.log /var/log/xen/console/guest-* /var/log/SMlog
    find /var/log/lab -type f ! -name agent.log -delete
    ;;
  facts)
    [ -f "$P/stamp" ] || { echo "snapshot=missing"; exit 0; }
    echo "snapshot=present"
    . /lab/config
    echo "kind=$LAB_KIND"
    # A plain host (no Xen) has no domains and no xenstore to report.
    [ "$LAB_KIND" = xen ] && echo "domains=$(xl list 2>/dev/null | awk 'NR > 1 && $2 != 0 { printf "%s%s", sep, $1; sep = "," }')"
    if grep -q '^version: 9' /proc/drbd 2>/dev/null; then # DRBD 9's /proc/drbd lists no minors
      echo "drbd_minors=$(drbdsetup show 2>/dev/null | awk '$1 == "device" && $2 == "minor" { printf "%s%s", sep, $3; sep = "," }' | tr -d ';')"
    else
      echo "drbd_minors=$(awk '/^ *[0-9]+: cs:/ { printf "%s%s", sep, $1; sep = "," }' /proc/drbd 2>/dev/null | tr -d ':')"
    fi
    echo "drbd_resources=$(ls /etc/drbd.d/ 2>/dev/null | grep '\.res$' | tr '\n' ',' | sed 's/,$//')"
    echo "loop_devices=$(losetup -n -O NAME 2>/dev/null | tr '\n' ',' | sed 's/,$//')"
    echo "dm_devices=$(dmsetup ls 2>/dev/null | awk '$1 != "No" { printf "%s%s", sep, $1; sep = "," }')"
    echo "dev_dirs=$(LC_ALL=C comm -13 "$P/dev-dirs.list" <(dev_dirs) | tr '\n' ',' | sed 's/,$//')"
    [ "$LAB_KIND" = xen ] && echo "backend_keys=$(xenstore-ls -f /local/domain/0/backend 2>/dev/null | wc -l)"
    echo "ledger=$(find /run/xen-drbd -type f 2>/dev/null | tr '\n' ',' | sed 's/,$//')"
    echo "policy=$(ls /etc/xen/xen-drbd.json 2>/dev/null)"
    echo "processes=$(for p in $(new_processes); do printf '%s:%s,' "$p" "$(tr '\0' ' ' < "/proc/$p/cmdline" | cut -c1-60)"; done | sed 's/,$//')"
    prune=()
    for d in "${VOLATILE[@]}"; do prune+=(-path "$d" -o); done
    echo "changed_files=$(find / -xdev \( "${prune[@]}" -false \) -prune -o -newer "$P/stamp" -print 2>/dev/null | head -n 20 | tr '\n' ',' | sed 's/,$//')"
    echo "etc_root=$(LC_ALL=C comm -3 "$P/files.list" <(files_list) | head -n 20 | tr -d '\t' | tr '\n' ',' | sed 's/,$//')"
    ;;
  *)
    echo "usage: reset.sh snapshot|reset|facts" >&2
    exit 2
    ;;
esac
