#!/bin/bash
# PID 1 of each lab dom0 (packed into the per-run overlay cpio as /init), and of a plain host's
# Linux (LAB_KIND=plain: the same image without Xen, so none of Xen's drivers and daemons).
# Brings up Xen's user space without systemd or udev, the two NICs, and the command agent,
# then prints "LAB-READY" on the console and becomes busybox init (which reaps orphans).
# Machine-readable lines on the console start with "LAB-".
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LANG=C LC_ALL=C HOME=/root
# No bytecode caches written next to Xen's python (pygrub): /usr stays as booted (guest/reset.sh checks).
export PYTHONDONTWRITEBYTECODE=1
. /lab/config   # LAB_HOST, LAB_KIND, LAB_REPL_IP, LAB_REPL_MAC, LAB_CTL_MAC, LAB_AGENT_PORT, LAB_SCRIPT, LAB_DRBD

say() { echo "LAB-$*"; }
step() { say "STEP $*"; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /run /tmp /var/run /var/log /var/lock
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mkdir -p /run/lock /run/xen /run/xenstored /run/xen-hotplug /run/lvm
# No udev: the links shells and Xen's locking.sh expect.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
[ -L /var/run ] || { rm -rf /var/run; ln -s /run /var/run; }
hostname "host$(echo "$LAB_HOST" | tr 'A-Z' 'a-z')"
echo 1 > /proc/sys/kernel/panic 2>/dev/null || true

step modules
# DRBD 9 (LAB_DRBD=9): LINBIT's modules from /lab/drbd9 instead of the kernel's 8.4 drbd, which
# must never load first (both register the same genetlink family and /proc/drbd).
drbd84=drbd
[ "${LAB_DRBD:-8.4}" = 9 ] && drbd84=
# xen-blkfront: libxl attaches script-based disks to dom0 itself when a bootloader (pygrub) runs.
XEN_MODULES="xenfs xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xen-blkback xen-blkfront"
[ "$LAB_KIND" = xen ] || XEN_MODULES=
for m in $XEN_MODULES e1000 virtio_pci virtio_net loop $drbd84 dm-mod ext4; do
  modprobe "$m" 2>&1 | sed "s/^/LAB-WARN modprobe $m: /"
done
if [ "${LAB_DRBD:-8.4}" = 9 ]; then
  modprobe lru_cache && modprobe libcrc32c || say "FATAL modprobe lru_cache libcrc32c failed"
  for k in handshake drbd drbd_transport_tcp; do
    insmod "/lab/drbd9/$k.ko" 2>&1 | sed "s/^/LAB-FATAL insmod $k.ko: /"
  done
  say "INFO $(head -n 1 /proc/drbd)"
fi

mkdir -p /var/run/xen /var/run/xenstored /var/lib/xen /var/lib/xenstored /var/log/xen/console /var/run/xen-hotplug
if [ "$LAB_KIND" = xen ]; then
  mount -t xenfs xenfs /proc/xen
  step xenstore
  XENBIN=/usr/lib/xen-4.17/bin
  if [ -x $XENBIN/oxenstored ]; then
    $XENBIN/oxenstored --pid-file /var/run/xenstored.pid 2>&1 | sed 's/^/LAB-WARN oxenstored: /'
  elif [ -x /usr/sbin/oxenstored ]; then
    /usr/sbin/oxenstored --pid-file /var/run/xenstored.pid
  else
    say "FATAL no oxenstored"
  fi
  for i in $(seq 1 100); do xenstore-read / >/dev/null 2>&1 && break; sleep 0.1; done
  $XENBIN/xen-init-dom0 2>&1 | sed 's/^/LAB-INFO xen-init-dom0: /'
  $XENBIN/xenconsoled --pid-file=/var/run/xenconsoled.pid --log=guest --log-dir=/var/log/xen/console
  xenstore-write /local/domain/0/name Domain-0 2>/dev/null || true
  # dom0 before the guests on the lab's one CPU, as Xen's tuning advice has it for dom0 serving
  # I/O: with equal weights a guest that keeps writing halved the CPU of a migration's save, whose
  # memory copy took 27-51 s instead of 17-22 (test/lab/README.md, "Timings").
  xl sched-credit2 -d Domain-0 -w 2048 || say "WARN could not raise dom0's credit2 weight"
fi

# DRBD backing files live in their own tmpfs: the initramfs root is nearly full.
mkdir -p /var/lib/lab && mount -t tmpfs -o size=448M tmpfs /var/lib/lab

step network
nic_by_mac() { for d in /sys/class/net/*; do [ "$(cat "$d/address")" = "$1" ] && basename "$d"; done; }
ip link set lo up
REPL=$(nic_by_mac "$LAB_REPL_MAC"); CTL=$(nic_by_mac "$LAB_CTL_MAC")
if [ -n "$REPL" ]; then ip link set "$REPL" up; ip addr add "$LAB_REPL_IP/24" dev "$REPL"; else say "FATAL no replication NIC"; fi
if [ -n "$CTL" ]; then ip link set "$CTL" up; ip addr add 10.0.2.15/24 dev "$CTL"; else say "FATAL no control NIC"; fi

mkdir -p /var/log/lab
step hotplug-script
if [ "$LAB_SCRIPT" = dist ] && [ -f /lab/install-cache/files.tar ]; then
  # What dpkg -i of this very package (and libvirt binding) left in an earlier boot of this image
  # (lib/install-cache.ts): the same files, without building the start-up snapshots again.
  t0=${EPOCHREALTIME/./}
  if bash /lab/install-cache.sh restore > /var/log/lab/dpkg-install.log 2>&1; then
    say "INFO xen-drbd's installed state restored from the lab's install cache in $(( (${EPOCHREALTIME/./} - t0) / 1000 )) ms"
  else
    say "FATAL restoring xen-drbd's installed state failed: $(tail -n 5 /var/log/lab/dpkg-install.log | tr '\n' ' ')"
  fi
  rm -rf /lab/install-cache # the initramfs root is nearly full
elif [ "$LAB_SCRIPT" = dist ]; then
  # Our package, installed as an admin would: it diverts Debian's block-drbd.
  [ "${LAB_INSTALL_CAPTURE:-0}" = 1 ] && bash /lab/install-cache.sh begin
  t0=${EPOCHREALTIME/./}
  if dpkg -i /lab/xen-drbd.deb > /var/log/lab/dpkg-install.log 2>&1; then
    say "INFO dpkg -i xen-drbd.deb took $(( (${EPOCHREALTIME/./} - t0) / 1000 )) ms"
  else
    say "FATAL dpkg -i xen-drbd.deb failed: $(tail -n 5 /var/log/lab/dpkg-install.log | tr '\n' ' ')"
  fi
  # A libvirt lab's dom0 also gets the libvirt binding's package (it needs libvirt0 from libvirt.cpio).
  if [ -f /lab/xen-drbd-libvirt.deb ]; then
    if dpkg -i /lab/xen-drbd-libvirt.deb >> /var/log/lab/dpkg-install.log 2>&1; then
      say "INFO dpkg -i xen-drbd-libvirt.deb done"
    else
      say "FATAL dpkg -i xen-drbd-libvirt.deb failed: $(tail -n 5 /var/log/lab/dpkg-install.log | tr '\n' ' ')"
    fi
  fi
  # The runner takes the capture for the next boots (lib/install-cache.ts).
  if [ "${LAB_INSTALL_CAPTURE:-0}" = 1 ]; then
    bash /lab/install-cache.sh end || say "WARN install-cache.sh end failed: the next boots run dpkg -i again"
  fi
else
  install -m 0755 /etc/xen/scripts/block-drbd.debian /etc/xen/scripts/block-drbd
fi
say "INFO block-drbd=$LAB_SCRIPT sha256=$(sha256sum /etc/xen/scripts/block-drbd | cut -c1-16)"

# The tiny guest's initramfs: cached busybox base + this run's init (and payload).
cat /lab/domu/base.cpio /lab/domu/overlay.cpio > /lab/domu/initrd.cpio

step agent
mkdir -p /var/log/lab
# Respawned if it ever exits; each exit is reported on the console (LAB-WARN).
(
  trap '' HUP
  while true; do
    node /lab/agent.js "$LAB_AGENT_PORT" >> /var/log/lab/agent.log 2>&1
    rc=$?
    echo "LAB-WARN agent exited rc=$rc; restarting; last log: $(tail -n 3 /var/log/lab/agent.log | tr '\n' ' '); mem: $(free -m | awk '/^Mem/ {print "used=" $3 "M free=" $4 "M avail=" $7 "M"}'); root: $(df -m / | awk 'NR==2 {print $4 "M free"}'); dmesg: $(dmesg | tail -n 3 | tr '\n' ' ')" > /dev/console
    sleep 1
  done
) &
for i in $(seq 1 300); do
  grep -q listening /var/log/lab/agent.log 2>/dev/null && break
  sleep 0.2
done
grep -q listening /var/log/lab/agent.log || { say "FATAL agent did not start"; cat /var/log/lab/agent.log; }

say "READY host=$LAB_HOST kind=$LAB_KIND kernel=$(uname -r) xen=$(xl info 2>/dev/null | awk '/^xen_version/ {print $3}') mem=$(awk '/MemTotal/ {print $2}' /proc/meminfo)"
cat > /etc/inittab <<'EOF'
::ctrlaltdel:/sbin/poweroff -f
EOF
exec /bin/busybox init
