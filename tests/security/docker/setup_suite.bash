# Once per bats run over tests/security/docker: the engine suite's private
# containerd and dockerd (tests/engines/setup_suite.bash and daemons.sh,
# reused as they are), then an image for the escape attempts on top of
# its busybox tar.  Tests skip, with the reason, when docker or containerd
# is not installed (or the run is not root).

ENGINES_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../engines" && pwd)
# shellcheck source=tests/engines/setup_suite.bash
source "$ENGINES_SRC/setup_suite.bash"
# Keep the engine suite's own functions under other names; ours wrap them.
eval "engines_$(declare -f setup_suite)"
eval "engines_$(declare -f teardown_suite)"

setup_suite() {
  # The engine functions find daemons.sh next to themselves.
  BATS_TEST_DIRNAME=$ENGINES_SRC engines_setup_suite || return 1
  [[ -z ${HD_ENGINES_SKIP:-} ]] || return 0
  if [[ ${HD_DOCKER_RUNTIME:-hardened} == runc ]] && ! command -v runc >/dev/null; then
    export HD_ENGINES_SKIP="runc is not installed: no side-by-side run"
    return 0
  fi
  # A host directory the image's symlinks point at: nothing the
  # containers do may ever show up in it.  Not under /tmp or /var/tmp,
  # which hardened covers with a tmpfs inside the container.
  HD_SEC_OUTSIDE=$(mktemp -d /var/lib/hd-sec-outside.XXXXXX) || return 1
  export HD_SEC_OUTSIDE
  build_escape_image
}

teardown_suite() {
  # The engines' verdict (daemons.sh stop finding a cgroup still in use)
  # is this suite's too.
  local rc=0
  BATS_TEST_DIRNAME=$ENGINES_SRC engines_teardown_suite || rc=1
  [[ -n ${HD_SEC_OUTSIDE:-} && -d $HD_SEC_OUTSIDE ]] || return $rc
  # A runtime that mounted there on the host failed its test; do not let
  # rm descend into the mount.
  local m
  while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done < <(awk -v d="$HD_SEC_OUTSIDE" 'index($5, d) == 1 { print $5 }' \
    /proc/self/mountinfo | sort -r)
  rm -rf "$HD_SEC_OUTSIDE"
  return $rc
}

# The engine suite's busybox image plus what the attempts need:
#   /bin/probe               the static probe of the bundle-level suite
#   /bin/suid-probe          the probe, setuid root
#   /suid/busybox            busybox, setuid root
#   /evil    -> $HD_SEC_OUTSIDE                 (absolute)
#   /evil2   -> ../../../../../..$HD_SEC_OUTSIDE (climbing out)
#   $HD_SEC_OUTSIDE/         also present inside the image, so the
#                            symlinks resolve there when kept inside
#   /gone    -> $HD_SEC_OUTSIDE/missing         (no such path inside)
build_escape_image() {
  local tar=$HD_ENGINE_DIR/escape.tar root
  root=$(mktemp -d "$HD_ENGINE_DIR/escape.XXXXXX")
  # The engine suite's busybox tar, which its setup has just built.
  tar -C "$root" -xf "$HD_ENGINE_DIR/rootfs.tar" || return 1
  mkdir -p "$root/suid" "$root$HD_SEC_OUTSIDE"
  gcc -static -O1 -o "$root/bin/probe" \
    "$ENGINES_SRC/../security/helpers/probe.c" || return 1
  cp "$root/bin/probe" "$root/bin/suid-probe"
  cp "${BUSYBOX:-/bin/busybox}" "$root/suid/busybox"
  chown 0:0 "$root/bin/suid-probe" "$root/suid/busybox"
  chmod 4755 "$root/bin/suid-probe" "$root/suid/busybox"
  ln -s "$HD_SEC_OUTSIDE" "$root/evil"
  ln -s "../../../../../..$HD_SEC_OUTSIDE" "$root/evil2"
  ln -s "$HD_SEC_OUTSIDE/missing" "$root/gone"
  tar -C "$root" -cf "$tar" . &&
    docker import --change 'ENV PATH=/bin' "$tar" hd-escape:test >/dev/null &&
    rm -rf "$root" "$tar"
}
