#!/bin/bash
# Build the libFuzzer targets with clang and run each for a bounded time.
#
#   tests/fuzz/run-fuzz.sh [OUTDIR]     (`make fuzz` calls it)
#   FUZZ_SECONDS=20 (default 60): time per target
#
# The seed corpus (tests/fuzz/corpus/<target>/) is read, never written:
# new inputs go to OUTDIR/work-<target>. A crash leaves OUTDIR/crash-* and
# makes the exit status non-zero; add the input to tests/unit/test-ocispec.c
# as a regression case once fixed. Prints "fuzz: N passed, M failed".

set -uo pipefail

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${1:-$PWD/fuzz}
SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
CLANG=${CLANG:-clang}

if ! command -v "$CLANG" >/dev/null; then
  echo "fuzz: $CLANG not found (apt-get install clang)" >&2
  echo "fuzz: 0 passed, 1 failed"
  exit 1
fi
mkdir -p "$OUT" || exit 1

# shellcheck disable=SC2207
YAJL=($(pkg-config --cflags --libs yajl 2>/dev/null || echo -lyajl))
FLAGS=(-g -O1 -fsanitize=fuzzer,address,undefined
  -fno-sanitize-recover=undefined
  -I"$SRCDIR/libocispec" -iquote "$SRCDIR/src/libhardened")
OCISPEC=("$SRCDIR"/libocispec/*.c)
LIBHD=("$SRCDIR"/src/libhardened/{error,utils,log,rlimits}.c)

build() { # build NAME EXTRA_SOURCES...
  local name=$1
  shift
  "$CLANG" "${FLAGS[@]}" -o "$OUT/$name" "$SRCDIR/tests/fuzz/$name.c" \
    "${OCISPEC[@]}" "$@" "${YAJL[@]}"
}

passed=0
failed=0
run_target() { # run_target NAME CORPUS
  local name=$1 corpus=$2
  mkdir -p "$OUT/work-$corpus"
  echo "# fuzz: $name for ${SECONDS_PER_TARGET}s"
  # -timeout: one input taking over 10 s is a hang, reported as a crash.
  if "$OUT/$name" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$OUT/crash-$corpus-" \
    "$OUT/work-$corpus" "$SRCDIR/tests/fuzz/corpus/$corpus" \
    >"$OUT/$name.log" 2>&1; then
    grep -E '^(Done|stat::number_of_executed_units)' "$OUT/$name.log" |
      sed 's/^/#   /'
    passed=$((passed + 1))
  else
    echo "# fuzz: $name FAILED; last lines of $OUT/$name.log:"
    tail -n 40 "$OUT/$name.log" | sed 's/^/#   /'
    failed=$((failed + 1))
  fi
}

if build fuzz-spec "$SRCDIR/src/libhardened/error.c"; then
  run_target fuzz-spec spec
else
  echo "# fuzz: building fuzz-spec failed"
  failed=$((failed + 1))
fi
if build fuzz-policy "$SRCDIR/src/libhardened/policy.c" "${LIBHD[@]}"; then
  run_target fuzz-policy policy
else
  echo "# fuzz: building fuzz-policy failed"
  failed=$((failed + 1))
fi
echo "fuzz: $passed passed, $failed failed"
((failed == 0))
