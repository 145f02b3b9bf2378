#!/usr/bin/env bash
# setup.sh: prepares this (Debian 12) host for QEMU guest tests with a real
# kernel SCSI stack (docs/qemu.md). Idempotent: work already done is skipped,
# so a second run takes well under a second and touches no network.
#
#   * installs the host tools with apt-get --no-install-recommends (qemu,
#     tgt, mtx, mt-st, sg3-utils, lsscsi, busybox-static, kmod, cpio, python3,
#     and the two libraries open-iscsi's iscsid/iscsiadm need);
#   * downloads the Debian kernel and open-iscsi .debs and only unpacks them
#     into the cache: installing either would pull udev, which on our images
#     forces a systemd upgrade, and would build a host initrd;
#   * extracts an uncompressed vmlinux (PVH direct boot, ~4 s faster under TCG
#     than the bzImage) and builds a small busybox initramfs that mounts the
#     host root read-only over 9p with a tmpfs overlay and runs stage 2.
#
# Environment: QEMU_CACHE (default /var/cache/openrsm-qemu). It must be on the
# host root and not under /run, /var/tmp or /tmp/openrsm-guest-*, which the
# guest covers with tmpfs. QEMU_WITH_BACULA=1 also installs bacula-sd (not
# used by OpenRSM's tests). Runs as root. Nothing here starts a host service.
set -euo pipefail
C=${QEMU_CACHE:-/var/cache/openrsm-qemu}
t0=$(date +%s%N)
ms() { echo $((($(date +%s%N) - t0) / 1000000)); }
log() { echo "setup.sh: [$(ms) ms] $*"; }
[ "$(id -u)" -eq 0 ] || { echo "setup.sh: must run as root (apt-get, 9p export of /)" >&2; exit 1; }
mkdir -p "$C"
# One setup at a time (two build directories may run ctest at once).
exec 9>"$C/.lock"
flock 9

PKGS=(qemu-system-x86 tgt mtx mt-st sg3-utils lsscsi busybox-static kmod cpio python3 libopeniscsiusr libisns0)
[ "${QEMU_WITH_BACULA:-0}" = 1 ] && PKGS+=(bacula-sd)
export DEBIAN_FRONTEND=noninteractive
updated=0
apt_update() { [ $updated = 1 ] || { apt-get update -qq; updated=1; }; }

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  apt_update
  # Without --no-install-recommends qemu drags in ~150 GUI/audio packages.
  # policy-rc.d keeps package scripts from starting daemons on the host
  # (tgt, bacula-sd) on images that do not ship one.
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; own_policy=1
  fi
  apt-get install -y -q --no-install-recommends "${missing[@]}" >"$C/apt.log" 2>&1 ||
    { cat "$C/apt.log" >&2; [ $own_policy = 0 ] || rm -f /usr/sbin/policy-rc.d; exit 1; }
  [ $own_policy = 0 ] || rm -f /usr/sbin/policy-rc.d
  log "packages installed"
fi

# ---- guest kernel + open-iscsi (unpacked, not installed) ----------------------
# The kernel is kept once it is unpacked (kver names it). A fresh cache
# resolves the current ABI through the metapackage: old ABIs leave the archive.
if [ ! -f "$C/kver" ] || [ ! -f "$C/vmlinux" ] || [ ! -x "$C/iscsiroot/sbin/iscsid" ]; then
  apt_update
  KPKG=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
  [ -n "$KPKG" ] || { echo "setup.sh: cannot resolve the kernel package of linux-image-amd64" >&2; exit 1; }
  K=${KPKG#linux-image-}
  rm -rf "$C/debs" "$C/kroot" "$C/iscsiroot" "$C/vmlinux" "$C/kver"
  mkdir -p "$C/debs" "$C/kroot" "$C/iscsiroot"
  (cd "$C/debs" && apt-get download -q "$KPKG" open-iscsi >"$C/download.log" 2>&1) ||
    { cat "$C/download.log" >&2; exit 1; }
  log "downloaded $KPKG and open-iscsi"
  # Only what the guest loads: boot/, the module index and the module trees
  # of virtio, 9p, overlay, netfs/fscache, SCSI (sg, st, iscsi_tcp) and their
  # helpers (lib/, crypto/). Saves writing ~350 MB of unused modules.
  M="./lib/modules/$K"
  dpkg-deb --fsys-tarfile "$C"/debs/"$KPKG"_*.deb | tar -x -C "$C/kroot" --wildcards \
    "./boot/vmlinuz-$K" "$M/modules.*" "$M/kernel/drivers/virtio" "$M/kernel/drivers/scsi" \
    "$M/kernel/net/9p" "$M/kernel/fs/9p" "$M/kernel/fs/overlayfs" "$M/kernel/fs/netfs" \
    "$M/kernel/fs/fscache" "$M/kernel/lib" "$M/kernel/crypto"
  dpkg-deb -x "$C"/debs/open-iscsi_*.deb "$C/iscsiroot"
  depmod -b "$C/kroot" "$K"
  log "unpacked kernel $K ($(du -sh "$C/kroot" | cut -f1)) and open-iscsi"
  # PVH direct boot needs the uncompressed ELF: the xz payload of the bzImage.
  python3 - "$C/kroot/boot/vmlinuz-$K" "$C/vmlinux.tmp" <<'PY'
import lzma, sys
data = open(sys.argv[1], 'rb').read()
start = data.find(b'\xfd7zXZ\x00')
if start < 0:
    sys.exit('no xz payload in ' + sys.argv[1])
open(sys.argv[2], 'wb').write(lzma.LZMADecompressor().decompress(data[start:]))
PY
  mv "$C/vmlinux.tmp" "$C/vmlinux"
  rm -rf "$C/debs" "$C/initrd.img"
  echo "$K" >"$C/kver"
  log "vmlinux extracted"
fi
K=$(cat "$C/kver")

# Every module the guest loads must resolve (catches a too narrow unpack).
INITRD_MODS="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci netfs fscache 9pnet 9pnet_virtio 9p overlay"
GUEST_MODS="sg st iscsi_tcp"
for m in $INITRD_MODS $GUEST_MODS; do
  modprobe -d "$C/kroot" -S "$K" --show-depends "$m" >/dev/null 2>&1 ||
    { echo "setup.sh: module $m of kernel $K not found in $C/kroot" >&2; rm -f "$C/kver"; exit 1; }
done

# ---- initramfs ----------------------------------------------------------------
# static busybox + the modules for virtio-pci, 9p and overlay + /init. /init
# mounts the host / (9p, read-only), puts a tmpfs overlay on it, switch_roots
# into it and runs the stage-2 script named by qs.init= through /bin/sh (a
# missing exec bit must not panic the guest).
if [ ! -f "$C/initrd.img" ] || [ /bin/busybox -nt "$C/initrd.img" ]; then
  R=$C/initrd.d
  rm -rf "$R"
  mkdir -p "$R/bin" "$R/mods" "$R/proc" "$R/sys" "$R/dev" "$R/lower" "$R/rw" "$R/newroot"
  cp /bin/busybox "$R/bin/busybox"
  for m in $INITRD_MODS; do
    # the last insmod line of --show-depends is the module itself
    f=$(modprobe -d "$C/kroot" -S "$K" --show-depends "$m" | awk '$1 == "insmod" {p = $2} END {print p}')
    [ -n "$f" ] || { echo "setup.sh: module $m is built in? (no insmod line)" >&2; exit 1; }
    cp "$f" "$R/mods/$m.ko"
  done
  echo "$INITRD_MODS" >"$R/mods/order"
  cat >"$R/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /mods/order); do insmod /mods/$m.ko || echo "initrd: insmod $m failed"; done
STAGE2=
for a in $(cat /proc/cmdline); do case "$a" in qs.init=*) STAGE2=${a#qs.init=};; esac; done
i=0
until mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose hostroot /lower 2>/dev/null; do
  i=$((i+1)); [ $i -gt 50 ] && { echo "initrd: cannot mount the 9p host root"; poweroff -f; }
  sleep 0.1
done
mount -t tmpfs -o size=2g,mode=755 tmpfs /rw
mkdir -p /rw/upper /rw/work
mount -t overlay overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work /newroot ||
  { echo "initrd: overlay mount failed"; poweroff -f; }
mount --move /proc /newroot/proc
mount --move /sys /newroot/sys
mount --move /dev /newroot/dev
exec switch_root /newroot /bin/sh $STAGE2
INIT
  chmod +x "$R/init"
  (cd "$R" && find . | cpio -o -H newc --quiet | gzip -1) >"$C/initrd.img.tmp"
  mv "$C/initrd.img.tmp" "$C/initrd.img"
  rm -rf "$R"
  log "initramfs built ($(stat -c %s "$C/initrd.img") bytes)"
fi
log "ready: kernel $K in $C"
