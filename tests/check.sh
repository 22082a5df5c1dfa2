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
echo "$summary"
exit "$rc"
