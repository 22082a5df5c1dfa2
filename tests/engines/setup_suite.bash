# Once per bats run over tests/engines: start a private containerd and
# dockerd (daemons.sh), build the busybox image, and stop everything at the
# end.  Tests skip (with the reason) when the engines are not installed or
# the run is not root; .ci/run installs docker.io, containerd and podman.

setup_suite() {
  : "${HARDENED_BINARY:=hardened}"
  HARDENED_BINARY=$(command -v "$HARDENED_BINARY" || echo "$HARDENED_BINARY")
  export HARDENED_BINARY
  local reason=
  if [[ $(id -u) != 0 ]]; then
    reason="engine tests need root"
  elif ! command -v dockerd >/dev/null || ! command -v containerd >/dev/null; then
    reason="docker.io and containerd are not installed"
  elif [[ ! -x ${BUSYBOX:-/bin/busybox} ]]; then
    reason="busybox-static is not installed"
  fi
  if [[ -n $reason ]]; then
    export HD_ENGINES_SKIP=$reason
    return 0
  fi
  # Short path: unix socket paths are limited to 108 bytes.
  HD_ENGINE_DIR=$(mktemp -d /tmp/hd-eng.XXXXXX)
  export HD_ENGINE_DIR
  # $$ is the bats process: the guard stops the daemons if it dies.
  if ! "$BATS_TEST_DIRNAME/daemons.sh" start "$HD_ENGINE_DIR" "$$" >&2; then
    "$BATS_TEST_DIRNAME/daemons.sh" stop "$HD_ENGINE_DIR"
    return 1
  fi
  # shellcheck disable=SC1091
  source "$HD_ENGINE_DIR/env"
  export DOCKER_HOST CONTAINERD_ADDRESS
  if ! build_busybox_tar "$HD_ENGINE_DIR/rootfs.tar" ||
    ! docker import --change 'ENV PATH=/bin' "$HD_ENGINE_DIR/rootfs.tar" \
      hd-busybox:test >/dev/null; then
    "$BATS_TEST_DIRNAME/daemons.sh" stop "$HD_ENGINE_DIR"
    return 1
  fi
}

teardown_suite() {
  [[ -n ${HD_ENGINE_DIR:-} ]] || return 0
  # podman keeps its storage (overlay mounts) under HD_ENGINE_DIR too.
  if [[ -d $HD_ENGINE_DIR/podman-root ]] && command -v podman >/dev/null; then
    podman --root "$HD_ENGINE_DIR/podman-root" \
      --runroot "$HD_ENGINE_DIR/podman-run" rm -af >/dev/null 2>&1
    podman --root "$HD_ENGINE_DIR/podman-root" \
      --runroot "$HD_ENGINE_DIR/podman-run" system reset -f >/dev/null 2>&1
  fi
  "$BATS_TEST_DIRNAME/daemons.sh" stop "$HD_ENGINE_DIR"
}

# A busybox rootfs as a tar: /bin/busybox plus its applets, and an
# /etc/passwd with root and nobody (the overlay's default user).
build_busybox_tar() {
  local out=$1 rootfs applet
  rootfs=$(mktemp -d "$HD_ENGINE_DIR/rootfs.XXXXXX")
  mkdir -p "$rootfs"/{bin,etc,tmp,proc,sys,dev,root,run}
  cp "${BUSYBOX:-/bin/busybox}" "$rootfs/bin/busybox"
  for applet in $("$rootfs/bin/busybox" --list); do
    [[ $applet == busybox ]] || ln -sf busybox "$rootfs/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
    >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
  tar -C "$rootfs" -cf "$out" . && rm -rf "$rootfs"
}
