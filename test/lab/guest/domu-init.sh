#!/bin/busybox sh
# PID 1 of the tiny lab guest (busybox + xen-blkfront). Its kernel command line (xl `extra=`)
# says what to do:
#   lab_action=write|verify|hold   write /payload.bin to each disk, read it back and compare, or idle
#   lab_disks=xvda[,xvdb...]        disks to use (default xvda)
#   lab_poweroff=1                  power off when done (default 1; hold never powers off)
#   lab_then=watch                  afterwards, re-read every disk every 2 s forever and print
#                                   "LAB-GUEST disk=xvda op=watch sha256=<hex> rc=0 tick=N"
#                                   (shows that the guest still runs and reads its disk, e.g.
#                                   after a live migration)
#   lab_then=writeloop              afterwards, keep writing: tick N writes "xen-drbd-lab tick=N"
#                                   into 4 KiB slot N mod 256 of a journal at 8 MiB, reads it back
#                                   past the page cache and prints "LAB-GUEST op=tick tick=N rc=0"
#                                   (rc=1 if the read-back differs); every 20 ticks it re-reads
#                                   the payload too (op=watch)
# Result lines go to the console (hvc0), which xenconsoled logs in dom0:
#   LAB-GUEST disk=xvda op=write sha256=<hex> rc=0
#   LAB-GUEST done rc=<n>
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
# `xl shutdown` makes the kernel run /sbin/poweroff; PID 1 is this shell, so power off directly.
mkdir -p /sbin
printf '#!/bin/sh\necho "LAB-GUEST shutdown requested"\nsync\nexec /bin/busybox poweroff -f\n' > /sbin/poweroff
chmod 755 /sbin/poweroff

arg() { for w in $(cat /proc/cmdline); do case $w in "$1"=*) echo "${w#*=}"; return;; esac; done; echo "$2"; }
ACTION=$(arg lab_action verify)
DISKS=$(arg lab_disks xvda | tr ',' ' ')
POWEROFF=$(arg lab_poweroff 1)
echo "LAB-GUEST start action=$ACTION disks=$DISKS"
echo "LAB-GUEST cmdline $(cat /proc/cmdline)"
echo "LAB-GUEST memory $(grep -E '^Mem(Total|Available)' /proc/meminfo | tr -s ' ' | tr '\n' ' ')"

# The lab's PVH kernel has blkfront built in; Debian's (the pygrub scenario's PV guest) loads it.
[ -d /sys/module/xen_blkfront ] || modprobe xen-blkfront 2>/dev/null || insmod $(find /lib/modules -name 'xen-blkfront.ko*' | head -n1)
SIZE=$(wc -c < /payload.bin)
BLOCKS=$((SIZE / 65536))
rc=0
for d in $DISKS; do
  i=0
  while [ ! -b /dev/$d ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
  if [ ! -b /dev/$d ]; then echo "LAB-GUEST disk=$d op=$ACTION error=no-device rc=1"; rc=1; continue; fi
  case $ACTION in
    write)
      dd if=/payload.bin of=/dev/$d bs=65536 count=$BLOCKS conv=fsync 2>/dev/null; r=$?
      sync
      echo 3 > /proc/sys/vm/drop_caches
      sum=$(dd if=/dev/$d bs=65536 count=$BLOCKS 2>/dev/null | sha256sum | cut -d' ' -f1)
      echo "LAB-GUEST disk=$d op=write sha256=$sum rc=$r"
      [ $r = 0 ] || rc=1
      ;;
    verify)
      sum=$(dd if=/dev/$d bs=65536 count=$BLOCKS 2>/dev/null | sha256sum | cut -d' ' -f1)
      echo "LAB-GUEST disk=$d op=verify sha256=$sum rc=0"
      ;;
    hold)
      echo "LAB-GUEST disk=$d op=hold rc=0"
      ;;
  esac
done
echo "LAB-GUEST done rc=$rc"
if [ "$(arg lab_then none)" = watch ]; then
  tick=0
  while true; do
    tick=$((tick + 1))
    for d in $DISKS; do
      echo 3 > /proc/sys/vm/drop_caches
      sum=$(dd if=/dev/$d bs=65536 count=$BLOCKS 2>/dev/null | sha256sum | cut -d' ' -f1)
      echo "LAB-GUEST disk=$d op=watch sha256=$sum rc=0 tick=$tick"
    done
    sleep 2
  done
fi
if [ "$(arg lab_then none)" = writeloop ]; then
  set -- $DISKS
  d=$1
  tick=0
  while true; do
    tick=$((tick + 1))
    slot=$((2048 + tick % 256))
    printf 'xen-drbd-lab tick=%d\n' $tick | dd of=/dev/$d bs=4096 seek=$slot conv=sync,fsync 2>/dev/null
    echo 3 > /proc/sys/vm/drop_caches
    got=$(dd if=/dev/$d bs=4096 skip=$slot count=1 2>/dev/null | head -n 1)
    if [ "$got" = "xen-drbd-lab tick=$tick" ]; then r=0; else r=1; fi
    echo "LAB-GUEST op=tick tick=$tick rc=$r"
    if [ $((tick % 20)) = 0 ]; then
      sum=$(dd if=/dev/$d bs=65536 count=$BLOCKS 2>/dev/null | sha256sum | cut -d' ' -f1)
      echo "LAB-GUEST disk=$d op=watch sha256=$sum rc=0 tick=$tick"
    fi
    sleep 0.2
  done
fi
if [ "$ACTION" = hold ] || [ "$POWEROFF" != 1 ]; then
  while true; do sleep 3600; done
fi
sync
poweroff -f
