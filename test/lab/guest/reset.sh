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
# each command in a session of its own: this script, its subshells and pipes), into `procs`.
# Builtins only, as in `facts` below.
session_of() { # sets `sid` to field 6 of /proc/PID/stat, read after "PID (comm) " (comm may hold spaces)
  local stat
  { IFS= read -r stat < "/proc/$1/stat"; } 2>/dev/null || return 1
  stat=${stat##*) }
  set -- $stat # state ppid pgrp session ...
  sid=$4
}

new_processes() {
  local last mine pid sid
  read -r last < "$P/pid"
  session_of $$
  mine=$sid
  procs=()
  for d in /proc/[0-9]*; do
    pid=${d#/proc/}
    [ "$pid" -gt "$last" ] || continue
    [ -e "$d/exe" ] || continue # kernel threads have no executable
    session_of "$pid" || continue
    [ "$sid" = "$mine" ] || procs+=("$pid")
  done
}

# Paths under /etc and /root, relative to / (children first), into `now`.
etc_root_now() { mapfile -t now < <(cd / && find etc root -depth); }
# Directories at /dev's top level, into `now`: LVM makes /dev/<VG> itself (dom0 runs no udev) and
# nothing removes it when the VG's devices go, so a later vgcreate of the same VG finds it "already
# exists".
dev_dirs_now() { mapfile -t now < <(find /dev -mindepth 1 -maxdepth 1 -type d); }

# facts' helpers. `fact NAME ITEM...`: one line, the items joined by commas.
fact() {
  local IFS=,
  echo "$1=${*:2}"
}
# `extra KNOWN NEW` (two array names): sets `list` to the members of NEW that KNOWN lacks.
extra() {
  local -n _known=$1 _new=$2
  local -A seen=()
  local x
  for x in "${_known[@]}"; do [ -n "$x" ] && seen[$x]=1; done
  list=()
  for x in "${_new[@]}"; do [ -n "$x" ] && [ -z "${seen[$x]+set}" ] && list+=("$x"); done
}
# `added_since FILE`: sets `list` to the members of `now` missing from the snapshot's list FILE.
added_since() {
  mapfile -t was < "$P/$1"
  extra was now
}

case ${1:-} in
  snapshot)
    mkdir -p "$P" "${RUNTIME_DIRS[@]}"
    tar -C / -cpf "$P/etc-root.tar" etc root
    etc_root_now
    printf '%s\n' "${now[@]}" > "$P/files.list"
    dev_dirs_now
    printf '%s\n' "${now[@]}" > "$P/dev-dirs.list"
    sh -c 'echo $$' > "$P/pid"
    touch "$P/stamp"
    ;;
  reset)
    [ -f "$P/stamp" ] || { echo "reset.sh: no snapshot in $P" >&2; exit 1; }
    for id in $(xl list 2>/dev/null | awk 'NR > 1 && $2 != 0 { print $2 }'); do
      timeout 60 xl destroy "$id" || echo "reset: xl destroy $id failed" >&2
    done
    new_processes
    for pid in "${procs[@]}"; do kill -KILL "$pid" 2>/dev/null; done
    sleep 0.2
    # Storage, top down: device-mapper (LVM on DRBD), DRBD, the loop devices under it.
    dmsetup remove_all --force >/dev/null 2>&1
    drbdadm down all >/dev/null 2>&1
    losetup -D
    dev_dirs_now
    added_since dev-dirs.list
    for d in "${list[@]}"; do rm -rf "${d:?}"; done
    rm -f /var/lib/drbd/* # drbdadm's last-known backing devices (drbd-minor-N.lkbd)
    for d in "${RUNTIME_DIRS[@]}"; do find "$d" -mindepth 1 -delete; done
    # /etc and /root as they were: the snapshot over them, then whatever was added since removed.
    tar -C / -xpf "$P/etc-root.tar"
    etc_root_now
    added_since files.list
    for f in "${list[@]}"; do rm -rf "/${f:?}"; done
    # Runtime state: block-drbd's ledger and locks, the SR driver's, the lab's own jobs and marks.
    rm -rf /run/xen-drbd /run/xen-hotplug/* /var/lock/sm /tmp/* 2>/dev/null
    find /run -maxdepth 1 -name 'lab-*' ! -path "$P" -exec rm -rf {} +
    # Logs: the runner keeps each scenario's copy; the next one starts with none.
    : > /var/log/xen/xen-hotplug.log
    rm -f /var/log/xen/xl-*.log /var/log/xen/console/guest-* /var/log/SMlog
    find /var/log/lab -type f ! -name agent.log -delete
    ;;
  facts)
    # Builtins wherever they do the job: each process started costs ~40-70 ms in a PV dom0 under
    # TCG, and this runs before every scenario file on every host.
    [ -f "$P/stamp" ] || { echo "snapshot=missing"; exit 0; }
    echo "snapshot=present"
    . /lab/config
    echo "kind=$LAB_KIND"
    shopt -s nullglob dotglob globstar
    # A plain host (no Xen) has no domains and no xenstore to report.
    if [ "$LAB_KIND" = xen ]; then
      list=()
      while read -r name id _; do [[ $id =~ ^[0-9]+$ && $id != 0 ]] && list+=("$name"); done < <(xl list 2>/dev/null)
      fact domains "${list[@]}"
    fi
    list=()
    if grep -q '^version: 9' /proc/drbd 2>/dev/null; then # DRBD 9's /proc/drbd lists no minors
      while read -r a b c _; do [ "$a $b" = "device minor" ] && list+=("${c%;}"); done < <(drbdsetup show 2>/dev/null)
    elif [ -r /proc/drbd ]; then
      while read -r a b _; do [[ $a =~ ^[0-9]+:$ && $b == cs:* ]] && list+=("${a%:}"); done < /proc/drbd
    fi
    fact drbd_minors "${list[@]}"
    list=(/etc/drbd.d/*.res)
    fact drbd_resources "${list[@]##*/}"
    mapfile -t list < <(losetup -n -O NAME 2>/dev/null)
    fact loop_devices "${list[@]}"
    list=()
    while read -r name _; do [ "$name" != No ] && list+=("$name"); done < <(dmsetup ls 2>/dev/null)
    fact dm_devices "${list[@]}"
    dev_dirs_now
    added_since dev-dirs.list
    fact dev_dirs "${list[@]}"
    if [ "$LAB_KIND" = xen ]; then
      mapfile -t list < <(xenstore-ls -f /local/domain/0/backend 2>/dev/null)
      echo "backend_keys=${#list[@]}"
    fi
    list=()
    for f in /run/xen-drbd/**; do [ -f "$f" ] && [ ! -L "$f" ] && list+=("$f"); done
    fact ledger "${list[@]}"
    list=()
    { [ -e /etc/xen/xen-drbd.json ] || [ -L /etc/xen/xen-drbd.json ]; } && list=(/etc/xen/xen-drbd.json)
    fact policy "${list[@]}"
    new_processes
    list=()
    for pid in "${procs[@]}"; do
      { mapfile -t -d '' args < "/proc/$pid/cmdline"; } 2>/dev/null || continue
      cmdline="${args[*]}"
      list+=("$pid:${cmdline:0:60}")
    done
    fact processes "${list[@]}"
    prune=()
    for d in "${VOLATILE[@]}"; do prune+=(-path "$d" -o); done
    mapfile -t -n 20 list < <(find / -xdev \( "${prune[@]}" -false \) -prune -o -newer "$P/stamp" -print 2>/dev/null)
    fact changed_files "${list[@]}"
    etc_root_now
    added_since files.list
    added=("${list[@]}")
    extra now was # `was` holds the snapshot's list: what is gone since
    list=("${list[@]}" "${added[@]}")
    fact etc_root "${list[@]:0:20}"
    ;;
  *)
    echo "usage: reset.sh snapshot|reset|facts" >&2
    exit 2
    ;;
esac
