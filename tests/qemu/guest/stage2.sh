#!/bin/sh
# stage2.sh: PID 1 of the QEMU guest after the initramfs switch_root (see
# tests/qemu/run-guest.sh). Root = overlay(host / over 9p read-only, tmpfs).
# Mounts the writable places, sets up the test library (library-up.sh), runs
# the test named in /run/out/guest.env and writes its exit status to
# /run/out/rc, then powers off. POSIX sh: this runs under the host's /bin/sh.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8
up() { cut -d' ' -f1 /proc/uptime; }
K=$(uname -r)
echo "GUEST: stage 2 at uptime $(up) s, kernel $K"
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs -o mode=755 tmpfs /run
mkdir -p /run/lock /run/out /run/scratch
mount -t tmpfs -o mode=1777 tmpfs /var/tmp
# /tmp stays the host's /tmp (overlaid): a build directory or cache may live there.
mount -t 9p -o trans=virtio,version=9p2000.L out /run/out || { echo "GUEST: cannot mount the out share"; poweroff -f; }
hostname openrsm-guest
ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up

rc=99
if ! . /run/out/guest.env; then
  echo "GUEST: cannot read /run/out/guest.env"
else
  export OPENRSM_SRC OPENRSM_BUILD QEMU_CACHE
  export SCRATCH=/run/scratch GUEST_OUT=/run/out
  # The guest kernel's modules at the standard place (modprobe, iscsid's libkmod).
  mkdir -p "/lib/modules/$K" && mount --bind "$QEMU_CACHE/kroot/lib/modules/$K" "/lib/modules/$K"
  export VTL_DIR=/run/vtl VTL_PORT=3260 TGT_IPC_SOCKET=/run/vtl/tgtsock
  lib_ok=1
  if [ "$QEMU_VTL" != 0 ]; then
    bash "$OPENRSM_SRC/tests/qemu/guest/library-up.sh" 2>&1 | tee /run/out/library.log
    grep -q '^library-up: ready' /run/out/library.log || lib_ok=0
  fi
  if [ $lib_ok = 0 ]; then
    echo "GUEST: library set-up failed (see library.log)"; rc=97
  elif [ -z "$QEMU_TEST" ]; then
    echo "GUEST: no test given, starting a shell (exit or ctrl-d powers off)"
    cd /run/scratch && setsid -c bash -l; rc=0
  else
    echo "GUEST: running $QEMU_TEST $* at uptime $(up) s"
    # the script's status through the pipe: a file in tmpfs
    { cd /run/scratch && bash "$QEMU_TEST" "$@"; echo $? >/run/test-rc; } 2>&1 | tee /run/out/guest.log
    rc=$(cat /run/test-rc 2>/dev/null || echo 99)
  fi
fi
echo "$rc" >/run/out/rc
echo "GUEST-RESULT rc=$rc uptime $(up) s"
sync
umount /run/out 2>/dev/null
# poweroff -f is synchronous; sysrq 'o' is not (init would exit first and panic)
/bin/busybox poweroff -f
