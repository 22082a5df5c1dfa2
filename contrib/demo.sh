#!/bin/bash
# Quick start on a fresh Debian 12 machine, as root: install what is
# missing, build hardened (out of tree, in ./_build), make a busybox bundle
# and run one container in it.
#
#   contrib/demo.sh
#
# The bundle is left in /tmp/hardened-demo for further experiments.
set -euo pipefail

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$SRCDIR/_build}
DEMO=${DEMO_DIR:-/tmp/hardened-demo}

PACKAGES=(build-essential autoconf automake pkg-config libseccomp-dev
  libyajl-dev libcap-dev busybox-static jq)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
    missing+=("$p")
done
if ((${#missing[@]})); then
  echo "== installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "== building in $BUILD_DIR"
[[ -x $SRCDIR/configure ]] || (cd "$SRCDIR" && ./autogen.sh >/dev/null)
mkdir -p "$BUILD_DIR"
cd "$BUILD_DIR"
[[ -f Makefile ]] || "$SRCDIR/configure" -q
make -s -j"$(nproc)" hardened
HARDENED=$BUILD_DIR/hardened

echo "== bundle in $DEMO"
rm -rf "$DEMO"
mkdir -p "$DEMO/rootfs"/{bin,etc,proc,sys,dev,tmp}
cp /bin/busybox "$DEMO/rootfs/bin/"
for applet in $(/bin/busybox --list); do
  [[ $applet == busybox ]] || ln -s busybox "$DEMO/rootfs/bin/$applet"
done
echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >"$DEMO/rootfs/etc/passwd"
echo 'nogroup:x:65534:' >"$DEMO/rootfs/etc/group"
cd "$DEMO"
"$HARDENED" spec
# The default spec runs `sh` on a terminal; run a script instead.
jq '.process.terminal = false
    | .process.args = ["/bin/sh", "-c",
        "echo \"hello from $(hostname): uid $(id -u), $(grep CapEff /proc/self/status)\"; touch /x 2>&1 || true; grep \" /tmp \" /proc/mounts || echo \"/tmp is not a separate mount\""]' \
  config.json >config.json.new && mv config.json.new config.json

echo "== hardened run --bundle $DEMO demo"
"$HARDENED" --root "$DEMO/state" run --bundle "$DEMO" demo
