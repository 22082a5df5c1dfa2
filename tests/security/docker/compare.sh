#!/bin/bash
# Run the docker escape suite with --runtime=hardened and with
# --runtime=runc, and print one Markdown row per check:
#
#   tests/security/docker/compare.sh [HARDENED]     (default: ./hardened)
#
# Each run starts its own private containerd and dockerd (the engine
# suite's daemons.sh), so nothing is shared with a system docker.
#
# runc runs with HD_STRICT=1: hardened's assertions apply to it unchanged,
# so a failing test means runc let the attempt through.  Verdicts:
#   refused (RULE)     hardened refused the request, naming the rule
#   blocked            it ran, and the attempt failed inside
#   NOT blocked        it ran, and the attempt succeeded
#   does not start: …  the runtime could not start the container or the
#                      exec'd process at all, for a reason of its own
#                      (not a defence: the request was not refused)
#   n/a: …             skipped for another reason (printed)

set -uo pipefail

DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HARDENED=$(readlink -f "${1:-./hardened}")
[[ -x $HARDENED ]] || {
  echo "compare.sh: $HARDENED is not executable" >&2
  exit 2
}
command -v runc >/dev/null || {
  echo "compare.sh: runc is not installed" >&2
  exit 2
}

# run_suite RUNTIME STRICT OUT: one "name<TAB>verdict" line per test.
run_suite() {
  HARDENED_BINARY=$HARDENED HD_DOCKER_RUNTIME=$1 HD_STRICT=$2 \
    bats --tap "$DIR" 2>/dev/null | awk -v rt="$1" '
    /^# refused by policy \(/ { sub(/^# refused by policy /, ""); refused = $0; next }
    /^(not )?ok [0-9]+ / {
      result = ($1 == "not") ? "NOT blocked" : "blocked"
      if (refused != "") result = "refused " refused
      name = $0
      sub(/^(not )?ok [0-9]+ /, "", name)
      sub("^docker/" rt ": ", "", name)
      if (match(name, / # skip ?/)) {
        reason = substr(name, RSTART + RLENGTH)
        name = substr(name, 1, RSTART - 1)
        if (sub("^" rt " fails to start it: ", "", reason))
          result = "does not start: " reason
        else
          result = "n/a: " reason
      }
      print name "\t" result
      refused = ""
    }' >"$3"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run_suite hardened 0 "$tmp/hardened"
run_suite runc 1 "$tmp/runc"

echo "| check | hardened | runc $(runc --version | awk 'NR == 1 { print $3 }') |"
echo "|---|---|---|"
while IFS=$'\t' read -r name verdict; do
  other=$(awk -F'\t' -v n="$name" '$1 == n { print $2 }' "$tmp/runc")
  echo "| $name | $verdict | ${other:-?} |"
done <"$tmp/hardened"
