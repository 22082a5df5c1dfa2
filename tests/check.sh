#!/bin/bash
# Build hardened out of tree and run every test suite (`make check`).
#
#   tests/check.sh              build in ./_build, test
#   BUILD_DIR=/tmp/b tests/check.sh
#
# Needs root (containers) and the packages .ci/run installs.  The last line
# printed is always "N passed, M failed" (", K skipped" when some were);
# the exit status is non-zero when anything failed, including the build.

set -uo pipefail

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$SRCDIR/_build}
JOBS=${JOBS:-$(nproc)}

fail_build() {
  echo "build failed: $1" >&2
  echo "0 passed, 1 failed"
  exit 1
}

# configure is generated, not committed; an in-tree configure would break
# out-of-tree builds, so only generate the script here.
if [[ ! -x $SRCDIR/configure ]]; then
  (cd "$SRCDIR" && ./autogen.sh) || fail_build "autogen.sh"
fi
mkdir -p "$BUILD_DIR" || fail_build "mkdir $BUILD_DIR"
cd "$BUILD_DIR" || fail_build "cd $BUILD_DIR"
if [[ ! -f Makefile ]]; then
  "$SRCDIR/configure" -q || fail_build "configure (see $BUILD_DIR/config.log)"
fi
make -j"$JOBS" -s || fail_build "make"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
make -j"$JOBS" -s check 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1)
if [[ -z $summary ]]; then
  # make stopped before the driver printed its summary.
  summary="0 passed, 1 failed"
  rc=1
fi

# A second tree built with ASan and UBSan runs the unit and integration
# tests again (HD_SANITIZERS=0 skips it). Leak checking is off for the
# runtime: the container init and the exec child leave the runtime by
# execve() or _exit() with their allocations on purpose; the unit tests
# keep leak checking on (valgrind-clean is checked separately).
if [[ ${HD_SANITIZERS:-1} == 1 ]]; then
  SAN_DIR=$BUILD_DIR-sanitizers
  san_log=$(mktemp)
  if mkdir -p "$SAN_DIR" && cd "$SAN_DIR" &&
    { [[ -f Makefile ]] || "$SRCDIR/configure" -q --enable-sanitizers; } &&
    make -j"$JOBS" -s hardened tests/unit/test-ocispec tests/unit/test-overlay \
      tests/unit/test-cgroup tests/unit/test-seccomp; then
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      HD_SUITES="unit integration" HARDENED_BINARY=$SAN_DIR/hardened \
      UNIT_DIR=$SAN_DIR/tests/unit \
      ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
      "$SRCDIR/tests/run-tests.sh" 2>&1 | sed 's/^/[sanitizers] /' | tee "$san_log"
    san=$(grep -E '^\[sanitizers\] [0-9]+ passed, [0-9]+ failed' "$san_log" | tail -n1)
    san=${san#"[sanitizers] "}
  fi
  [[ -n ${san:-} ]] || san="0 passed, 1 failed"
  rm -f "$san_log"
  # Add the sanitizer run's counts to the main summary.
  if [[ $summary =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed(.*)$ ]]; then
    p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]} rest=${BASH_REMATCH[3]}
    [[ $san =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed ]]
    p=$((p + BASH_REMATCH[1]))
    f=$((f + BASH_REMATCH[2]))
    summary="$p passed, $f failed$rest"
    ((BASH_REMATCH[2] == 0)) || rc=1
  fi
fi

echo "$summary"
exit "$rc"
