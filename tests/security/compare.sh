#!/bin/bash
# Run the escape suite against hardened and against runc, side by side,
# and print one row per check: "blocked", "NOT blocked" or "n/a".
#
#   tests/security/compare.sh [--check] [HARDENED] [RUNC]   (defaults: ./hardened, runc)
#
# With --check (make check runs it this way), each row is also a check: it
# fails when runc holds ("blocked") and hardened does not, since hardened is
# never to be weaker than runc on the same spec. The last line is then
# "security-vs-runc: N passed, M failed".
#
# Against runc the suite runs with HD_STRICT=1: hardened's assertions
# apply unchanged, so a failing test means runc let the attempt through
# (or, for "refused" checks, ran a spec hardened refuses). Skipped tests
# (hardened-only mechanisms, such as the memfd self-copy) show "n/a".
# Output is a Markdown table, ready for SECURITY.md.

set -uo pipefail

check=0
if [[ ${1:-} == --check ]]; then
  check=1
  shift
fi
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

((check)) || exit 0
weaker=$(awk -F'\t' 'NR == FNR { h[$1] = $2; next }
  $2 == "blocked" && h[$1] != "blocked" { print $1 }' "$tmp/hardened" "$tmp/runc")
rows=$(wc -l <"$tmp/runc")
if [[ -n $weaker ]]; then
  printf 'weaker than runc: %s\n' "$weaker"
fi
nweaker=$(printf '%s' "$weaker" | grep -c . || true)
echo "security-vs-runc: $((rows - nweaker)) passed, $nweaker failed"
