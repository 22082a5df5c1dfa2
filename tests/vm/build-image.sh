#!/bin/bash
# Build a bootable stock Debian 12 image for tests/vm/run.sh: systemd as
# PID 1, pure cgroup v2, AppArmor, docker.io, containerd, podman and the
# build dependencies, from Debian's packages with mmdebstrap.  Two kernels:
# bookworm's 6.1 and bookworm-backports' 6.12 (run.sh picks one with
# HD_VM_KERNEL).  Nothing but the apt mirror is used.
#
#   tests/vm/build-image.sh            print the image directory (built if
#                                      not cached)
#   HD_VM_CACHE=/var/cache/hardened-vm (default)
#
# The image is cached by a hash of this script (its package list and the
# way it builds): an unchanged script reuses the image.  The directory
# holds root.raw (ext4, no partition table) and the kernels and initrds
# copied out of its /boot, since qemu boots them directly (-kernel).

# shellcheck disable=SC2016 # the hooks expand $1 inside mmdebstrap
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${HD_VM_CACHE:-/var/cache/hardened-vm}
MIRROR=${HD_VM_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${HD_VM_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

# The stock host: what a Debian 12 docker host has.
PACKAGES=(
  systemd-sysv udev dbus linux-image-amd64 initramfs-tools
  apparmor docker.io containerd podman runc crun busybox-static
  e2fsprogs util-linux procps kmod iproute2 ca-certificates
  # .ci/run's build and test dependencies
  build-essential autoconf automake pkg-config
  libseccomp-dev libyajl-dev libcap-dev libsystemd-dev
  bats bats-assert bats-support jq go-md2man git
)

hash=$(cat "${BASH_SOURCE[0]}" "$HERE/hardened-vm-test.service" | sha256sum | cut -c1-16)
out=$CACHE/bookworm-$hash
if [[ -f $out/done ]]; then
  echo "$out"
  exit 0
fi

command -v mmdebstrap >/dev/null || {
  echo "build-image.sh: mmdebstrap is not installed" >&2
  exit 1
}
mkdir -p "$CACHE"
work=$(mktemp -d "$CACHE/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root

# bookworm-backports only for the second kernel: pinned low, so nothing
# else comes from it.
mmdebstrap --variant=apt --mode=root \
  --include="$(
    IFS=,
    echo "${PACKAGES[*]}"
  )" \
  --aptopt='APT::Install-Recommends "false"' \
  --setup-hook='mkdir -p "$1/etc/apt/preferences.d"' \
  --setup-hook='printf "Package: *\nPin: release a=bookworm-backports\nPin-Priority: 100\n" >"$1/etc/apt/preferences.d/backports"' \
  --customize-hook='chroot "$1" apt-get install -y -q -t bookworm-backports linux-image-amd64' \
  --customize-hook="cp '$HERE/hardened-vm-test.service' \"\$1/etc/systemd/system/\"" \
  --customize-hook='chroot "$1" systemctl enable hardened-vm-test.service' \
  --customize-hook='chroot "$1" systemctl mask systemd-networkd-wait-online.service apt-daily.timer apt-daily-upgrade.timer man-db.timer e2scrub_all.timer fstrim.timer' \
  --customize-hook='echo "/dev/vda / ext4 rw,errors=remount-ro 0 1" >"$1/etc/fstab"' \
  --customize-hook='echo hardened-vm >"$1/etc/hostname"' \
  --customize-hook='chroot "$1" passwd -d root' \
  bookworm "$root" \
  "deb $MIRROR bookworm main" \
  "deb $MIRROR bookworm-updates main" \
  "deb $MIRROR bookworm-backports main" \
  "deb $SECURITY_MIRROR bookworm-security main"

mkdir -p "$work/image"
cp "$root"/boot/vmlinuz-* "$root"/boot/initrd.img-* "$work/image/"
ls "$root/boot" >"$work/image/kernels"
# 12 GiB sparse: the build tree, docker's and podman's images and layers.
mkfs.ext4 -q -L hardened-vm -d "$root" "$work/image/root.raw" 12G
touch "$work/image/done"
rm -rf "$out"
mv "$work/image" "$out"
echo "$out"
