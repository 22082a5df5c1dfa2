#!/bin/bash
# Run every unit test binary (UNIT_DIR/test-*) under valgrind's memcheck.
# One check per binary; it passes when
#   - the binary's own tests all pass under valgrind (exit 0, last line
#     "N passed, 0 failed"),
#   - memcheck reports no error in it or in any process it forked (invalid
#     reads and writes, uses of uninitialised values, bad frees, and the
#     leaks picked below),
#   - it leaves no file descriptor open at exit that it opened itself.
# The last line is "valgrind: N passed, M failed" (run-tests.sh's run_tool).
#
#   tests/valgrind.sh _build/tests/unit
#
# HD_VALGRIND_TIMEOUT bounds each binary (seconds, default 600); each takes
# about a second on its own.  VALGRIND_FLAGS adds options (e.g. "-s").
#
# The flags:
#   --error-exitcode=99   memcheck's own verdict, apart from the tests'
#                         exit status 1;
#   --leak-check=full --errors-for-leak-kinds=definite,indirect,possible
#                         every lost block is an error.  "possible" is
#                         there too: none of the binaries has any, and an
#                         interior pointer being the only one left is a
#                         leak here.  "still reachable" is not: the cgroup
#                         layout is detected once and cached in a static
#                         (hd_cg_get_layout) for the process's lifetime;
#   --track-origins=yes   say where an uninitialised value came from;
#   --track-fds=yes       list the fds open at exit.  valgrind 3.19
#                         (Debian 12) does not count them as errors, so
#                         this script does: any fd open at exit that is not
#                         "<inherited from parent>" fails the binary;
#   --log-file=DIR/vg.%p  one log per process: forked children get a log
#                         of their own, checked for errors as well (their
#                         fd lists are not: a forked child holds its
#                         parent's fds by design).
# No suppression file: the unit tests are clean without one.  valgrind
# cannot run seccomp(2), so test-overlay skips its baseline filter tests
# when it sees valgrind's preload (tested in the plain unit run instead).

set -uo pipefail

unit_dir=${1:-${UNIT_DIR:-}}
timeout_s=${HD_VALGRIND_TIMEOUT:-600}

if ! command -v valgrind >/dev/null; then
  echo "valgrind not installed"
  echo "valgrind: 0 passed, 1 failed"
  exit 1
fi
if [[ -z $unit_dir || ! -d $unit_dir ]]; then
  echo "no unit test directory (${unit_dir:-unset})"
  echo "valgrind: 0 passed, 1 failed"
  exit 1
fi

passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The fds still open when a process exited that it did not inherit: one
# "fd N" per line, from one valgrind log.
fds_opened() {
  awk '
    /== Open (file descriptor|AF_[A-Z0-9]+ socket) [0-9]+:/ {
      desc = $0; sub(/^==[0-9]+== /, "", desc); pending = 1; next
    }
    pending {
      if ($0 !~ /<inherited from parent>/) print desc
      pending = 0
    }' "$1"
}

# The log of the process valgrind started (the others are forked children):
# the one whose parent is not itself a logged process.
main_log() {
  local dir=$1 f ppid
  for f in "$dir"/vg.*; do
    ppid=$(sed -n 's/^==[0-9]*== Parent PID: \([0-9]*\)$/\1/p' "$f")
    [[ -e $dir/vg.$ppid ]] || {
      echo "$f"
      return
    }
  done
}

for bin in "$unit_dir"/test-*; do
  [[ -f $bin && -x $bin ]] || continue
  name=${bin##*/}
  logs=$tmp/$name
  mkdir -p "$logs"
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  out=$(timeout "$timeout_s" valgrind --error-exitcode=99 \
    --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
    --track-origins=yes --track-fds=yes --num-callers=30 \
    --log-file="$logs/vg.%p" ${VALGRIND_FLAGS:-} "$bin" 2>&1)
  rc=$?
  secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  why=()
  last=$(printf '%s\n' "$out" | tail -n1)
  case $rc in
  0) ;;
  99) ;; # counted from the logs below
  124) why+=("timed out after ${timeout_s}s") ;;
  *) why+=("exit status $rc") ;;
  esac
  [[ $last =~ ^[0-9]+\ passed,\ 0\ failed ]] ||
    why+=("unit tests: ${last:-no summary line}")
  errs=0
  for f in "$logs"/vg.*; do
    [[ -e $f ]] || continue
    n=$(sed -n 's/^==[0-9]*== ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$f")
    errs=$((errs + ${n:-0}))
  done
  ((errs > 0 || rc != 99)) || errs=1
  ((errs == 0)) || why+=("$errs memcheck errors")
  main=$(main_log "$logs")
  if [[ -z $main ]]; then
    why+=("no valgrind log")
  else
    grep -q "ERROR SUMMARY:" "$main" || why+=("valgrind did not finish")
    fds=$(fds_opened "$main")
    [[ -z $fds ]] || why+=("left open at exit: $(paste -sd, <<<"$fds")")
  fi
  if ((${#why[@]} == 0)); then
    echo "ok $name (${secs}s): $last"
    passed=$((passed + 1))
  else
    printf 'FAIL %s (%ss): %s' "$name" "$secs" "${why[0]}"
    for w in "${why[@]:1}"; do printf '; %s' "$w"; done
    echo
    printf '%s\n' "$out" | sed 's/^/  | /'
    for f in "$logs"/vg.*; do
      [[ -e $f ]] && sed 's/^/  ! /' "$f"
    done
    failed=$((failed + 1))
  fi
done

((passed + failed > 0)) || {
  echo "no test-* binaries in $unit_dir"
  failed=1
}
echo "valgrind: $passed passed, $failed failed"
((failed == 0))
