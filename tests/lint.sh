#!/bin/bash
# Static analysis: cppcheck and clang-tidy over src/ and libocispec/.
# Clean means no finding outside tests/lint-suppressions.txt (each entry
# there says why it is not a bug). Prints "lint: N passed, M failed" with
# one test per tool; non-zero exit on any new finding.
#
#   tests/lint.sh            (BUILD_DIR=dir with config.h, default: a
#                             temporary configure-free include of nothing)

set -uo pipefail

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$SRCDIR" || exit 1
SUPPRESS=tests/lint-suppressions.txt
JOBS=${JOBS:-$(nproc)}

# clang-analyzer finds real bugs; its insecureAPI family flags every
# memcpy/snprintf for lacking C11 Annex K (_s) variants, which glibc does
# not have. bugprone minus the checks that are style, not bugs, here.
TIDY_CHECKS='-*,clang-analyzer-*,-clang-analyzer-security.insecureAPI.*,bugprone-*,-bugprone-easily-swappable-parameters,-bugprone-narrowing-conversions,-bugprone-reserved-identifier,-bugprone-assignment-in-if-condition,-bugprone-multi-level-implicit-pointer-conversion'

# shellcheck disable=SC2207
CFLAGS=(-std=gnu11 -D_GNU_SOURCE -Ilibocispec -iquote src/libhardened
  -DHD_VERSION=\"lint\" -DHD_SECCOMP_CACHE_DIR=\"/var/cache/hardened/seccomp\"
  $(pkg-config --cflags yajl libseccomp libcap 2>/dev/null))
[[ -n ${BUILD_DIR:-} ]] && CFLAGS+=(-I"$BUILD_DIR")

FILES=(src/*.c src/libhardened/*.c libocispec/*.c)

# Drop findings whose "<path>:<check>" is listed in the suppression file.
filter() {
  local allowed
  allowed=$(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$SUPPRESS")
  while IFS= read -r line; do
    local path check
    path=${line%%:*}
    path=${path#"$SRCDIR/"}
    check=$(sed -n 's/.*\[\([^]]*\)\]$/\1/p' <<<"$line")
    [[ -n $check ]] && grep -qxF "$path:$check" <<<"$allowed" && continue
    echo "$line"
  done
}

passed=0
failed=0
count() { # count NAME FINDINGS_FILE
  if [[ -s $2 ]]; then
    echo "# lint: $1: $(wc -l <"$2") finding(s):"
    sed 's/^/#   /' "$2"
    failed=$((failed + 1))
  else
    echo "# lint: $1: clean"
    passed=$((passed + 1))
  fi
}

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

if command -v cppcheck >/dev/null; then
  cppcheck --quiet --enable=warning,portability,performance --std=c11 \
    --inline-suppr -D__GNUC__ -Ilibocispec -Isrc/libhardened \
    --template='{file}:{line}: {severity}: {message} [{id}]' \
    src libocispec 2>&1 | filter >"$out/cppcheck"
  count cppcheck "$out/cppcheck"
else
  echo "# lint: cppcheck not installed"
  failed=$((failed + 1))
fi

if command -v clang-tidy >/dev/null; then
  printf '%s\n' "${FILES[@]}" |
    xargs -P "$JOBS" -I{} clang-tidy --quiet -checks="$TIDY_CHECKS" {} -- \
      "${CFLAGS[@]}" 2>/dev/null |
    grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' | sort -u |
    filter >"$out/clang-tidy"
  count clang-tidy "$out/clang-tidy"
else
  echo "# lint: clang-tidy not installed"
  failed=$((failed + 1))
fi

echo "lint: $passed passed, $failed failed"
((failed == 0))
