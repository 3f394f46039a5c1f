#!/bin/bash
# Builds (or refreshes) the cached parts of the xen-drbd qemu lab.
#
# Everything large lives in ${XEN_DRBD_LAB_CACHE:-/var/cache/xen-drbd-lab}, never in the repo:
#   boot/xen-4.17-amd64        Xen hypervisor, uncompressed ELF (qemu multiboot loads it)
#   boot/vmlinuz               Debian 6.1 kernel (dom0, and the PV guest of the pygrub scenario)
#   boot/domu-kernel           the PVH guest's small kernel, built from Debian's linux-source-6.1
#                              with guest/domu-kernel.config (boots in 32 MiB)
#   drbd9.cpio                 LINBIT's DRBD 9 modules for the dom0 kernel (/lab/drbd9/*.ko),
#                              appended to a dom0's initramfs only in a DRBD 9 lab
#   libvirt.cpio               libvirtd (libxl driver) and virsh, Debian's packages installed over
#                              the dom0 root; appended only in a lab started with `libvirt: true`
#   dom0-base.cpio             debootstrapped dom0 root (drbd-utils, xen-utils, nodejs, ...)
#   domu-base.cpio             busybox + xen-blkfront for the tiny guest (also inside dom0-base)
#   manifest.env               what was built, read by the runner (test/lab/lib)
#
# Each step leaves a stamp; a second run with a warm cache only checks the stamps (seconds).
# The per-run parts (the freshly built dist/, the dom0 /init, the command agent, the guest's
# init) are NOT built here: the runner packs them into a small overlay cpio at every boot.
#
# Environment:
#   XEN_DRBD_LAB_CACHE   cache directory (default /var/cache/xen-drbd-lab)
#   LAB_KERNEL_PKG       exact kernel package (default: what linux-image-amd64 depends on)
#   LAB_XEN_PKG          exact hypervisor package (default xen-hypervisor-4.17-amd64)
#   LAB_MIRROR           debootstrap mirror (default: the bookworm main mirror apt already uses)
#   LAB_SKIP_APT=1       do not apt-get install host packages
#   LAB_DRBD9_TARBALL    LINBIT's DRBD 9 source (default shared/vendor/drbd-9.2.18.tar.gz in the
#                        repository's parent folder, see the README there); without it only DRBD 8.4 labs can run (CI=true: an error)
set -euo pipefail

CACHE=${XEN_DRBD_LAB_CACHE:-/var/cache/xen-drbd-lab}
SUITE=bookworm
# The mirror this machine's apt is configured with: nothing outside the configured registry.
apt_mirror() { apt-cache policy 2>/dev/null | awk -v s=" $SUITE/main amd64 Packages" 'index($0, s) { print $2; exit }'; }
MIRROR=${LAB_MIRROR:-$(apt_mirror)}
# Bump to force a rebuild of the dom0 root / guest base after changing the steps below.
ROOTFS_RECIPE=6
DOMU_RECIPE=2
DRBD9_RECIPE=1
LIBVIRT_RECIPE=2
REPO=$(cd "$(dirname "$0")/../.." && pwd)
DRBD9_TARBALL=${LAB_DRBD9_TARBALL:-$(dirname "$REPO")/shared/vendor/drbd-9.2.18.tar.gz}

t0=$(date +%s)
log() { printf '[lab-build %4ss] %s\n' "$(( $(date +%s) - t0 ))" "$*" >&2; }
die() { printf '[lab-build] ERROR: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, mknod)"
mkdir -p "$CACHE"/{debs,boot,pkgs}

# --- 1. host packages ------------------------------------------------------------------------
HOST_PKGS=(qemu-system-x86 debootstrap cpio kmod busybox-static socat xz-utils zstd
  gcc make flex bison bc libelf-dev libssl-dev patch)   # the second line: the guest kernel's build
need=()
for p in "${HOST_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  [ "${LAB_SKIP_APT:-0}" = 1 ] && die "missing host packages: ${need[*]}"
  log "apt-get install ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  log "host packages present"
fi

# --- 2. kernel and hypervisor debs -----------------------------------------------------------
KPKG=${LAB_KERNEL_PKG:-}
if [ -z "$KPKG" ]; then
  if [ -f "$CACHE/kernel-pkg" ]; then
    KPKG=$(cat "$CACHE/kernel-pkg")   # keep the cached kernel stable across apt updates
  else
    KPKG=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-6\.1\.0-[0-9]+-amd64$/ {print $2; exit}')
  fi
fi
[[ "$KPKG" =~ ^linux-image-6\.1\.0-[0-9]+-amd64$ ]] || die "cannot determine exact kernel package (got '$KPKG')"
XPKG=${LAB_XEN_PKG:-xen-hypervisor-4.17-amd64}
KVER=${KPKG#linux-image-}

fetch_deb() { # $1 = exact package name, $2 = optional exact version; downloads once into debs/
  local pkg=$1 ver=${2:-} spec=$1 glob
  [ -n "$ver" ] && spec="$pkg=$ver"
  glob="${pkg}_${ver//:/%3a}"
  if ! ls "$CACHE/debs/$glob"*.deb >/dev/null 2>&1; then
    log "apt-get download $spec"
    (cd "$CACHE/debs" && apt-get download -qq "$spec" 2>&1 | { grep -v unsandboxed >&2 || true; })
    ls "$CACHE/debs/$glob"*.deb >/dev/null 2>&1 || { apt-get update -qq; (cd "$CACHE/debs" && apt-get download -qq "$spec" 2>&1 | { grep -v unsandboxed >&2 || true; }); }
  fi
  ls "$CACHE/debs/$glob"*.deb | head -n1
}

if [ ! -f "$CACHE/pkgs/kernel.done" ] || [ "$(cat "$CACHE/pkgs/kernel.done")" != "$KPKG" ]; then
  deb=$(fetch_deb "$KPKG")
  rm -rf "$CACHE/pkgs/kernel"; mkdir -p "$CACHE/pkgs/kernel"
  log "unpacking $(basename "$deb")"
  dpkg -x "$deb" "$CACHE/pkgs/kernel"
  depmod -b "$CACHE/pkgs/kernel" "$KVER"   # the deb ships no modules.dep (postinst makes it)
  cp "$CACHE/pkgs/kernel/boot/vmlinuz-$KVER" "$CACHE/boot/vmlinuz"
  echo "$KPKG" > "$CACHE/kernel-pkg"
  echo "$KPKG" > "$CACHE/pkgs/kernel.done"
  rm -f "$CACHE/rootfs.done"   # modules must be re-copied
else
  log "kernel $KPKG cached"
fi
KMOD_ROOT="$CACHE/pkgs/kernel"
[ -d "$KMOD_ROOT/lib/modules/$KVER" ] || die "no modules for $KVER in $KMOD_ROOT"

# copy_modules DESTROOT mod...: copies modules and their dependencies, then runs depmod.
copy_modules() {
  local dest=$1; shift
  local m line f rel
  mkdir -p "$dest/lib/modules/$KVER"
  for f in modules.builtin modules.builtin.modinfo modules.order; do
    [ -f "$KMOD_ROOT/lib/modules/$KVER/$f" ] && cp "$KMOD_ROOT/lib/modules/$KVER/$f" "$dest/lib/modules/$KVER/"
  done
  for m in "$@"; do
    modprobe -d "$KMOD_ROOT" -S "$KVER" --show-depends "$m" | while read -r line; do
      case $line in
        insmod\ *)
          f=$(echo "$line" | awk '{print $2}')
          rel=${f#"$KMOD_ROOT"}
          mkdir -p "$dest$(dirname "$rel")"
          cp -n "$KMOD_ROOT$rel" "$dest$rel"
          ;;
      esac
    done
  done
  depmod -b "$dest" "$KVER"
}

# --- 3. dom0 root (debootstrap) --------------------------------------------------------------
ROOT="$CACHE/rootfs"
INCLUDE=drbd-utils,xen-utils-4.17,xen-utils-common,xenstore-utils,kmod,iproute2,procps,util-linux,busybox-static,nodejs,lvm2,socat,e2fsprogs,python3
if [ ! -f "$CACHE/debootstrap.done" ] || [ "$(cat "$CACHE/debootstrap.done")" != "$INCLUDE" ]; then
  rm -rf "$ROOT" "$CACHE/rootfs.done"
  if [ -z "$MIRROR" ]; then apt-get update -qq; MIRROR=$(apt_mirror); fi
  [ -n "$MIRROR" ] || die "no $SUITE main mirror in apt's configuration; set LAB_MIRROR"
  log "debootstrap $SUITE (minbase + $INCLUDE) from $MIRROR"
  debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$ROOT" "$MIRROR" > "$CACHE/debootstrap.log" 2>&1 \
    || { tail -n 30 "$CACHE/debootstrap.log" >&2; die "debootstrap failed (log: $CACHE/debootstrap.log)"; }
  echo "$INCLUDE" > "$CACHE/debootstrap.done"
  log "debootstrap done"
else
  log "debootstrap root cached"
fi

# --- 3b. hypervisor: the exact version of the dom0 tools (libxc/libxl ABI) ---------------------
XEN_TOOLS_VER=$(chroot "$ROOT" dpkg-query -W -f='${Version}' xen-utils-4.17)
if [ ! -f "$CACHE/pkgs/xen.done" ] || [ "$(cat "$CACHE/pkgs/xen.done")" != "$XPKG=$XEN_TOOLS_VER" ]; then
  deb=$(fetch_deb "$XPKG" "$XEN_TOOLS_VER")
  rm -rf "$CACHE/pkgs/xen"; mkdir -p "$CACHE/pkgs/xen"
  log "unpacking $(basename "$deb")"
  dpkg -x "$deb" "$CACHE/pkgs/xen"
  xgz=$(ls "$CACHE"/pkgs/xen/boot/xen-4.17*-amd64.gz | head -n1)
  gunzip -c "$xgz" > "$CACHE/boot/xen-4.17-amd64"
  echo "$XPKG=$XEN_TOOLS_VER" > "$CACHE/pkgs/xen.done"
else
  log "hypervisor $XPKG cached"
fi

# --- 4. tiny guest base: busybox + xen-blkfront ----------------------------------------------
DOMU="$CACHE/domu"
if [ ! -f "$CACHE/domu.done" ] || [ "$(cat "$CACHE/domu.done")" != "$DOMU_RECIPE $KPKG" ]; then
  log "building guest base cpio"
  rm -rf "$DOMU"; mkdir -p "$DOMU"/{bin,dev,proc,sys,tmp,etc}
  cp "$ROOT/bin/busybox" "$DOMU/bin/busybox"
  copy_modules "$DOMU" xen-blkfront
  (cd "$DOMU" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) > "$CACHE/domu-base.cpio"
  echo "$DOMU_RECIPE $KPKG" > "$CACHE/domu.done"
  rm -f "$CACHE/rootfs.done"
fi

# --- 4b. the PVH guest's kernel ----------------------------------------------------------------
# Debian's kernel needs ~96 MiB to boot a guest; this one, tinyconfig plus the options in
# guest/domu-kernel.config, needs 32, and a live migration under TCG copies all of it.
KCONF="$(dirname "$0")/guest/domu-kernel.config"
# One patch: no PIT probe in a PVH guest, which has no PIT; under TCG the probe's failing port reads
# cost ~7.6 s of every guest boot (test/lab/README.md, "Timings").
KPATCH="$(dirname "$0")/guest/domu-kernel-pvh-no-pit.patch"
KSRC_VER=$(apt-cache policy linux-source-6.1 2>/dev/null | awk '/Candidate:/ {print $2}')
[ -n "$KSRC_VER" ] && [ "$KSRC_VER" != "(none)" ] || { apt-get update -qq; KSRC_VER=$(apt-cache policy linux-source-6.1 | awk '/Candidate:/ {print $2}'); }
[ -n "$KSRC_VER" ] && [ "$KSRC_VER" != "(none)" ] || die "no linux-source-6.1 package in apt's sources"
DOMU_KERNEL_ID="linux-source-6.1=$KSRC_VER $(cat "$KCONF" "$KPATCH" | sha256sum | cut -c1-16)"
if [ ! -f "$CACHE/boot/domu-kernel.done" ] || [ "$(cat "$CACHE/boot/domu-kernel.done")" != "$DOMU_KERNEL_ID" ]; then
  deb=$(fetch_deb linux-source-6.1 "$KSRC_VER")
  src="$CACHE/pkgs/linux-source"
  rm -rf "$src"; mkdir -p "$src"
  log "unpacking linux-source-6.1 $KSRC_VER"
  dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards '*/linux-source-6.1.tar.xz' | tar -xJ -C "$src" --strip-components=1
  patch -s -p1 -d "$src" < "$KPATCH" || die "guest kernel: $(basename "$KPATCH") does not apply to linux-source-6.1 $KSRC_VER"
  log "building the guest kernel (tinyconfig + $(basename "$KCONF") + $(basename "$KPATCH"), make -j$(nproc))"
  make -C "$src" -s tinyconfig >/dev/null
  opts=()
  while IFS='=' read -r name val; do
    case $val in y) opts+=(--enable "$name");; n) opts+=(--disable "$name");; *) opts+=(--set-val "$name" "$val");; esac
  done < <(grep -Ev '^[[:space:]]*(#|$)' "$KCONF")
  "$src/scripts/config" --file "$src/.config" "${opts[@]}"
  make -C "$src" -s olddefconfig >/dev/null
  while IFS='=' read -r name val; do   # an option Kconfig refused (unmet dependency) fails the build here
    case $val in
      n) ! grep -q "^CONFIG_$name=" "$src/.config" || die "guest kernel: CONFIG_$name is still set (guest/domu-kernel.config)";;
      *) grep -qx "CONFIG_$name=$val" "$src/.config" || die "guest kernel: CONFIG_$name=$val did not hold (unmet dependency?)";;
    esac
  done < <(grep -Ev '^[[:space:]]*(#|$)' "$KCONF")
  make -C "$src" -s -j"$(nproc)" bzImage > "$CACHE/domu-kernel.log" 2>&1 \
    || { tail -n 30 "$CACHE/domu-kernel.log" >&2; die "guest kernel build failed (log: $CACHE/domu-kernel.log)"; }
  cp "$src/arch/x86/boot/bzImage" "$CACHE/boot/domu-kernel"
  rm -rf "$src"   # ~1.2 GB; a rebuild unpacks it again
  echo "$DOMU_KERNEL_ID" > "$CACHE/boot/domu-kernel.done"
  rm -f "$CACHE/rootfs.done"
  log "guest kernel built ($(stat -c %s "$CACHE/boot/domu-kernel") bytes)"
else
  log "guest kernel cached ($DOMU_KERNEL_ID)"
fi

# --- 4c. DRBD 9 kernel module (optional) ------------------------------------------------------
# Debian has no DRBD 9 module; LINBIT's source is built against Debian's headers for the exact lab
# kernel. SPAAS=false: the default sends the compat check to an online service. The tarball holds the
# compat patch for 6.1.0-57; another kernel needs `spatch` (coccinelle) to regenerate it.
# Its own cpio, not part of dom0-base.cpio: DRBD 8.4 labs boot exactly what they booted before.
DRBD9_VERSION=
if [ -f "$DRBD9_TARBALL" ]; then
  DRBD9_ID="$DRBD9_RECIPE $KPKG $(sha256sum "$DRBD9_TARBALL" | cut -c1-16)"
  if [ ! -f "$CACHE/drbd9.done" ] || [ "$(cat "$CACHE/drbd9.done")" != "$DRBD9_ID" ]; then
    if [ ! -f "/lib/modules/$KVER/build/Makefile" ]; then
      [ "${LAB_SKIP_APT:-0}" = 1 ] && die "DRBD 9: missing host package linux-headers-$KVER"
      log "apt-get install linux-headers-$KVER (DRBD 9 module build)"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "linux-headers-$KVER" >/dev/null
    fi
    src="$CACHE/pkgs/drbd9-src"
    rm -rf "$src"; mkdir -p "$src"
    tar -xzf "$DRBD9_TARBALL" -C "$src" --strip-components=1
    # The tarball's cached compat patch comes without the compat.h it was made from: the build puts
    # that (same content) into the cache and then finds the patch older than it, and wants spatch.
    # So the patch is dated ahead, and .timestamps_fixed keeps the Makefile from dating it "now".
    find "$src/drbd/drbd-kernel-compat/cocci_cache" -name compat.patch -exec touch -d '+1 day' {} +
    touch "$src/drbd/.timestamps_fixed"
    log "building DRBD 9 ($(basename "$DRBD9_TARBALL")) for $KVER, make -j$(nproc)"
    make -C "$src/drbd" KDIR="/lib/modules/$KVER/build" KVER="$KVER" SPAAS=false -j"$(nproc)" > "$CACHE/drbd9-build.log" 2>&1 \
      || { tail -n 30 "$CACHE/drbd9-build.log" >&2; die "DRBD 9 module build failed (log: $CACHE/drbd9-build.log)"; }
    stage="$CACHE/pkgs/drbd9"
    rm -rf "$stage"; mkdir -p "$stage/lab/drbd9"
    for ko in "$src/drbd/build-$KVER/drbd.ko" "$src/drbd/build-$KVER/drbd_transport_tcp.ko" \
      "$src/drbd/build-$KVER/drbd-kernel-compat/handshake/handshake.ko"; do
      [ -f "$ko" ] || die "DRBD 9 build made no $ko (log: $CACHE/drbd9-build.log)"
      cp "$ko" "$stage/lab/drbd9/"
    done
    [ "$(modinfo -F vermagic "$stage/lab/drbd9/drbd.ko" | cut -d' ' -f1)" = "$KVER" ] || die "DRBD 9 module not built for $KVER"
    (cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) > "$CACHE/drbd9.cpio"
    modinfo -F version "$stage/lab/drbd9/drbd.ko" > "$CACHE/drbd9.version"
    rm -rf "$src" "$stage"
    echo "$DRBD9_ID" > "$CACHE/drbd9.done"
    log "DRBD 9 modules built"
  else
    log "DRBD 9 modules cached ($DRBD9_ID)"
  fi
  DRBD9_VERSION=$(cat "$CACHE/drbd9.version")
else
  [ "${CI:-}" = true ] && die "DRBD 9 source not found at $DRBD9_TARBALL (set LAB_DRBD9_TARBALL)"
  rm -f "$CACHE/drbd9.cpio" "$CACHE/drbd9.done" "$CACHE/drbd9.version"
  log "DRBD 9 unavailable: no $DRBD9_TARBALL (set LAB_DRBD9_TARBALL); DRBD 8.4 labs only"
fi

# --- 5. dom0 root: modules, guest, trimming, cpio --------------------------------------------
if [ ! -f "$CACHE/rootfs.done" ] || [ "$(cat "$CACHE/rootfs.done")" != "$ROOTFS_RECIPE $KPKG $DOMU_KERNEL_ID" ]; then
  log "preparing dom0 root"
  rm -rf "$ROOT/lib/modules"
  copy_modules "$ROOT" e1000 virtio_net virtio_pci loop drbd xenfs xen-evtchn xen-gntdev xen-gntalloc xen-privcmd \
    xen-blkback xen-blkfront dm-mod ext4 crc32c_generic
  # Debian's bash hotplug script stays available under another name for comparisons.
  [ -f "$ROOT/etc/xen/scripts/block-drbd.debian" ] || cp -p "$ROOT/etc/xen/scripts/block-drbd" "$ROOT/etc/xen/scripts/block-drbd.debian"
  mkdir -p "$ROOT/lab/domu"
  cp "$CACHE/boot/vmlinuz" "$ROOT/lab/domu/vmlinuz"
  cp "$CACHE/boot/domu-kernel" "$ROOT/lab/domu/pvh-kernel"
  cp "$CACHE/domu-base.cpio" "$ROOT/lab/domu/base.cpio"
  # trim: documentation, manuals, locales, apt caches, python bytecode caches, and whatever a chroot
  # left in /tmp (dom0-init.sh mounts a tmpfs there: packed files would only take the root's room,
  # which pygrub's copies and the DRBD 9 and libvirt cpios need)
  rm -rf "$ROOT"/tmp/* "$ROOT"/var/tmp/*
  rm -rf "$ROOT"/usr/share/{doc,man,info,lintian,linda,groff,bug,common-licenses} \
         "$ROOT"/var/cache/apt/*.bin "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/* \
         "$ROOT"/usr/share/zoneinfo/right "$ROOT"/usr/share/zoneinfo/posix \
         "$ROOT"/usr/lib/udev/hwdb.bin "$ROOT"/usr/lib/udev/hwdb.d "$ROOT"/etc/udev/hwdb.bin
  find "$ROOT/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} + 2>/dev/null || true
  find "$ROOT" -name __pycache__ -type d -prune -exec rm -rf {} + 2>/dev/null || true
  log "packing dom0-base.cpio"
  (cd "$ROOT" && find . -mindepth 1 -xdev | LC_ALL=C sort | cpio -o -H newc --quiet) > "$CACHE/dom0-base.cpio.tmp"
  mv "$CACHE/dom0-base.cpio.tmp" "$CACHE/dom0-base.cpio"
  echo "$ROOTFS_RECIPE $KPKG $DOMU_KERNEL_ID" > "$CACHE/rootfs.done"
else
  log "dom0 base cpio cached"
fi

# --- 5b. libvirt with its Xen (libxl) driver, for the labs that ask for it ----------------------
# libvirtd, its libxl driver and virsh from Debian's packages and their Depends (no Recommends),
# installed by dpkg in a chroot over the dom0 root through an overlay mount: the overlay's upper
# directory, packed as libvirt.cpio, holds exactly what the install added or changed (the packages'
# files, dpkg's database). It is appended to a dom0's initramfs only in a lab started with
# `libvirt: true` (lib/lab.ts), so the other labs boot exactly what they booted before. The dom0 has
# no systemd and no D-Bus: nothing is started here; lib/libvirt.ts starts libvirtd when asked.
LIBVIRT_PKGS=(libvirt-daemon-driver-xen libvirt-daemon libvirt-clients)
LIBVIRT_ID="$LIBVIRT_RECIPE ${LIBVIRT_PKGS[*]} $(sha256sum "$ROOT/var/lib/dpkg/status" | cut -c1-16)"
if [ ! -f "$CACHE/libvirt.done" ] || [ "$(cat "$CACHE/libvirt.done")" != "$LIBVIRT_ID" ] || [ ! -f "$CACHE/libvirt.cpio" ]; then
  tl=$(date +%s)
  # What apt would install into the dom0 root (its dpkg database), from this machine's apt lists.
  lv_plan() {
    apt-get -s -q install --no-install-recommends -o Dir::State::status="$ROOT/var/lib/dpkg/status" \
      -o Dir::State::extended_states=/dev/null "${LIBVIRT_PKGS[@]}" 2>&1
  }
  plan=$(lv_plan) || { apt-get update -qq; plan=$(lv_plan); } || die "libvirt: apt cannot install ${LIBVIRT_PKGS[*]} over the dom0 root: $(grep '^E:' <<<"$plan" | head -n 3)"
  mapfile -t lv_specs < <(awk '/^Inst / { v = ($3 ~ /^\[/) ? $4 : $3; sub(/^\(/, "", v); print $2 "=" v }' <<<"$plan")
  [ ${#lv_specs[@]} -gt 0 ] || die "libvirt: apt plans no package to install (${LIBVIRT_PKGS[*]} already in the dom0 root?)"
  lv_debs="$CACHE/debs/libvirt"
  mkdir -p "$lv_debs"
  lv_deb() { ls "$lv_debs/${1%%=*}_$(v=${1#*=}; echo "${v//:/%3a}")_"*.deb 2>/dev/null | head -n1 || true; }
  lv_missing=()
  for spec in "${lv_specs[@]}"; do [ -n "$(lv_deb "$spec")" ] || lv_missing+=("$spec"); done
  if [ ${#lv_missing[@]} -gt 0 ]; then
    log "libvirt: apt-get download ${#lv_missing[@]} packages"
    (cd "$lv_debs" && apt-get download -qq "${lv_missing[@]}" 2>&1 | { grep -v unsandboxed >&2 || true; })
  fi
  lv_files=()
  for spec in "${lv_specs[@]}"; do
    f=$(lv_deb "$spec")
    [ -n "$f" ] || die "libvirt: no .deb for $spec in $lv_debs"
    lv_files+=("$f")
  done
  stage="$CACHE/pkgs/libvirt"
  lv_umount() { umount "$stage/root" 2>/dev/null || true; }
  trap lv_umount EXIT
  lv_umount
  rm -rf "$stage"; mkdir -p "$stage"/{upper,work,root}
  mount -t overlay overlay -o "lowerdir=$ROOT,upperdir=$stage/upper,workdir=$stage/work" "$stage/root" \
    || die "libvirt: cannot mount an overlay over $ROOT (overlayfs needed)"
  mkdir -p "$stage/root/tmp/libvirt-debs"
  cp "${lv_files[@]}" "$stage/root/tmp/libvirt-debs/"
  printf '#!/bin/sh\nexit 101\n' > "$stage/root/usr/sbin/policy-rc.d"; chmod 755 "$stage/root/usr/sbin/policy-rc.d"
  log "libvirt: dpkg -i ${#lv_files[@]} packages in the dom0 root (overlay)"
  chroot "$stage/root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C \
    dpkg -i -R /tmp/libvirt-debs > "$CACHE/libvirt-build.log" 2>&1 \
    || { tail -n 30 "$CACHE/libvirt-build.log" >&2; die "libvirt: dpkg -i failed (log: $CACHE/libvirt-build.log)"; }
  # qemu's TCG CPU (lib/qemu.ts) has no vme, and every x86 model in libvirt's cpu_map has it: the
  # libxl driver then fails the daemon's start ("Cannot find suitable CPU model for given data",
  # "Failed to initialize host cpu features", "cannot create capabilities for libxenlight").
  # The lab's copy of the 486 model does without vme, so the host CPU decodes as a 486 plus features.
  lv_486="$stage/root/usr/share/libvirt/cpu_map/x86_486.xml"
  sed -i "/<feature name='vme'\/>/d" "$lv_486"
  ! grep -q "'vme'" "$lv_486" || die "libvirt: vme still in $lv_486"
  LIBVIRT_VERSION=$(chroot "$stage/root" dpkg-query -W -f='${Version}' libvirt-daemon)
  chroot "$stage/root" /usr/sbin/libvirtd --version >> "$CACHE/libvirt-build.log" 2>&1 || die "libvirt: libvirtd does not run in the dom0 root (log: $CACHE/libvirt-build.log)"
  lv_umount
  trap - EXIT
  up="$stage/upper"
  rm -rf "$up/tmp/libvirt-debs" "$up/usr/sbin/policy-rc.d" \
    "$up"/usr/share/{doc,man,info,lintian,bug,common-licenses} "$up"/usr/share/augeas \
    "$up"/var/cache/apt "$up"/var/log "$up"/var/cache/debconf/*-old "$up"/var/lib/dpkg/*-old
  find "$up/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} + 2>/dev/null || true
  # Whiteouts (files the install deleted from the root) have no form in a cpio: there must be none.
  wh=$(cd "$up" && find . -type c | head -n 5)
  [ -z "$wh" ] || die "libvirt: the install deleted files of the dom0 root (overlay whiteouts): $wh"
  (cd "$up" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) > "$CACHE/libvirt.cpio.tmp"
  mv "$CACHE/libvirt.cpio.tmp" "$CACHE/libvirt.cpio"
  echo "$LIBVIRT_VERSION" > "$CACHE/libvirt.version"
  rm -rf "$stage"
  echo "$LIBVIRT_ID" > "$CACHE/libvirt.done"
  log "libvirt $LIBVIRT_VERSION: ${#lv_files[@]} packages, libvirt.cpio $(stat -c %s "$CACHE/libvirt.cpio") bytes, $(( $(date +%s) - tl )) s"
else
  log "libvirt cpio cached ($(cat "$CACHE/libvirt.version"))"
fi
LIBVIRT_VERSION=$(cat "$CACHE/libvirt.version")

# --- 6. manifest for the runner ---------------------------------------------------------------
DRBD_UTILS=$(chroot "$ROOT" dpkg-query -W -f='${Version}' drbd-utils 2>/dev/null || echo unknown)
XEN_UTILS=$(chroot "$ROOT" dpkg-query -W -f='${Version}' xen-utils-4.17 2>/dev/null || echo unknown)
NODE_VER=$(chroot "$ROOT" dpkg-query -W -f='${Version}' nodejs 2>/dev/null || echo unknown)
cat > "$CACHE/manifest.env.tmp" <<EOF
LAB_CACHE=$CACHE
LAB_KERNEL_PKG=$KPKG
LAB_KERNEL_VERSION=$KVER
LAB_XEN_PKG=$XPKG=$XEN_TOOLS_VER
LAB_XEN=$CACHE/boot/xen-4.17-amd64
LAB_VMLINUZ=$CACHE/boot/vmlinuz
LAB_DOMU_KERNEL=$DOMU_KERNEL_ID
LAB_DOM0_CPIO=$CACHE/dom0-base.cpio
LAB_DRBD_UTILS=$DRBD_UTILS
LAB_XEN_UTILS=$XEN_UTILS
LAB_DOM0_NODEJS=$NODE_VER
LAB_DOM0_CPIO_BYTES=$(stat -c %s "$CACHE/dom0-base.cpio")
LAB_DRBD9_CPIO=${DRBD9_VERSION:+$CACHE/drbd9.cpio}
LAB_DRBD9_VERSION=$DRBD9_VERSION
LAB_LIBVIRT_CPIO=$CACHE/libvirt.cpio
LAB_LIBVIRT_VERSION=$LIBVIRT_VERSION
EOF
mv "$CACHE/manifest.env.tmp" "$CACHE/manifest.env"
log "ready: $(du -h "$CACHE/dom0-base.cpio" | cut -f1) dom0 cpio, kernel $KPKG, guest kernel $DOMU_KERNEL_ID, drbd-utils $DRBD_UTILS, xen-utils $XEN_UTILS, DRBD 9 ${DRBD9_VERSION:-unavailable}, libvirt $LIBVIRT_VERSION"
