#!/bin/bash
# Run the escape suite against hardened and against runc, side by side,
# and print one row per check: "blocked", "NOT blocked" or "n/a".
#
#   tests/security/compare.sh [HARDENED] [RUNC]     (defaults: ./hardened, runc)
#
# Against runc the suite runs with HD_STRICT=1: hardened's assertions
# apply unchanged, so a failing test means runc let the attempt through
# (or, for "refused" checks, ran a spec hardened refuses). Skipped tests
# (hardened-only mechanisms, such as the memfd self-copy) show "n/a".
# Output is a Markdown table, ready for SECURITY.md.

set -uo pipefail

DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HARDENED=$(readlink -f "${1:-./hardened}")
RUNC=$(command -v "${2:-runc}")

run_suite() { # run_suite BINARY STRICT OUT
  HARDENED_BINARY=$1 HD_STRICT=$2 bats --tap "$DIR" 2>/dev/null |
    sed -n 's/^\(not ok\|ok\) [0-9]* \(.*\)$/\1\t\2/p' |
    while IFS=$'\t' read -r result name; do
      case $result/$name in
      ok/*"# skip"*) echo "${name%% # skip*}"$'\t'"n/a" ;;
      ok/*) echo "$name"$'\t'"blocked" ;;
      *) echo "$name"$'\t'"NOT blocked" ;;
      esac
    done >"$3"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run_suite "$HARDENED" 0 "$tmp/hardened"
run_suite "$RUNC" 1 "$tmp/runc"

echo "| check | hardened | runc $("$RUNC" --version | head -n1 | awk '{print $3}') |"
echo "|---|---|---|"
while IFS=$'\t' read -r name verdict; do
  other=$(awk -F'\t' -v n="$name" '$1 == n {print $2}' "$tmp/runc")
  echo "| $name | $verdict | ${other:-?} |"
done <"$tmp/hardened"
