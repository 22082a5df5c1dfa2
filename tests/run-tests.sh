#!/bin/bash
# Run every test suite and print one closing line: "N passed, M failed"
# (plus ", K skipped" when bats skipped tests).  Exit status is non-zero when
# anything failed.
#
# `make check` calls this with HARDENED_BINARY and UNIT_DIR set.  By hand,
# from a build directory:
#   HARDENED_BINARY=$PWD/hardened UNIT_DIR=$PWD/tests/unit \
#     /path/to/src/tests/run-tests.sh
# Without UNIT_DIR, the unit tests are skipped; without HARDENED_BINARY,
# ./hardened is used.  BATS_FLAGS adds bats options (e.g. "--filter run").

set -uo pipefail

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${HARDENED_BINARY:=$PWD/hardened}"
: "${UNIT_DIR:=}"
export HARDENED_BINARY

passed=0
failed=0
skipped=0

# A command prefix for the test binaries and bats (run_layouts sets it to
# enter another cgroup layout); empty: the host as it is.
RUN_IN=()

# Unit tests: each binary's last line is "N passed, M failed".  With an
# argument, only test-NAME binaries matching that glob.
run_unit_tests() {
  local only=${1:-*} bin out last p f rc
  [[ -n $UNIT_DIR && -d $UNIT_DIR ]] || {
    echo "# no UNIT_DIR: unit tests not run"
    return
  }
  for bin in "$UNIT_DIR"/test-$only; do
    [[ -f $bin && -x $bin ]] || continue
    echo "# unit: ${bin##*/}"
    out=$("${RUN_IN[@]}" "$bin" 2>&1)
    rc=$?
    printf '%s\n' "$out" | sed 's/^/#   /'
    last=$(printf '%s\n' "$out" | tail -n1)
    if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
      p=${BASH_REMATCH[1]}
      f=${BASH_REMATCH[2]}
      # A crash after the summary line still counts against the binary.
      if ((rc != 0 && f == 0)); then f=1; fi
    else
      # Crashed (or never got to its summary): one failure for the binary.
      echo "#   ${bin##*/}: exit status $rc without a summary line"
      p=0
      f=1
    fi
    passed=$((passed + p))
    failed=$((failed + f))
  done
}

# One bats directory, when it holds tests.
run_bats_dir() {
  local dir=$1
  [[ -d $dir ]] || return 0
  compgen -G "$dir/*.bats" >/dev/null || return 0
  run_bats "$dir"
}

# bats on directories or files: TAP on stdout, counted line by line.
run_bats() {
  local line
  if ! command -v bats >/dev/null; then
    echo "# bats not installed: $* counts as one failure"
    failed=$((failed + 1))
    return
  fi
  echo "# bats: $* (HARDENED_BINARY=$HARDENED_BINARY)"
  local tap rc nf=0
  tap=$(mktemp)
  # shellcheck disable=SC2086
  "${RUN_IN[@]}" bats --tap ${BATS_FLAGS:-} "$@" 2>&1 | tee "$tap"
  rc=${PIPESTATUS[0]}
  while IFS= read -r line; do
    case $line in
    "not ok "*) nf=$((nf + 1)) ;;
    "ok "*" # skip"*) skipped=$((skipped + 1)) ;;
    "ok "*) passed=$((passed + 1)) ;;
    esac
  done <"$tap"
  rm -f "$tap"
  # bats failing without a failed test (syntax error, missing helper) is
  # still a failure.
  if ((rc != 0 && nf == 0)); then
    echo "# bats exited with status $rc: counted as one failure"
    nf=1
  fi
  failed=$((failed + nf))
}

# A tool whose last line is "<name>: N passed, M failed" (fuzz, lint).
run_tool() {
  local out last rc
  echo "# tool: $*"
  out=$("$@" 2>&1)
  rc=$?
  printf '%s\n' "$out" | sed 's/^/#   /'
  last=$(printf '%s\n' "$out" | tail -n1)
  if [[ $last =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
    passed=$((passed + BASH_REMATCH[1]))
    failed=$((failed + BASH_REMATCH[2]))
    ((rc != 0 && BASH_REMATCH[2] == 0)) && failed=$((failed + 1))
  else
    failed=$((failed + 1))
  fi
}

# The cgroup layouts this host can show besides its own
# (tests/cgroup-layout.sh: on a hybrid host, v1 alone and cgroup2 alone),
# each in a private mount namespace: the cgroup unit test, and the
# integration files that create, limit, update and delete cgroups, again
# in each.  A layout without a pids controller (cgroup2 of a hybrid host,
# whose controllers v1 holds) cannot give a container the pids limit the
# policy requires, so there only the refusal is tested.
run_layouts() {
  local layout it=$SRCDIR/tests/integration
  for layout in $("$SRCDIR/tests/cgroup-layout.sh" list); do
    echo "# cgroup layout: $layout"
    RUN_IN=(env HD_CGROUP_LAYOUT="$layout" "$SRCDIR/tests/cgroup-layout.sh" "$layout")
    run_unit_tests cgroup
    if "$SRCDIR/tests/cgroup-layout.sh" usable "$layout"; then
      run_bats "$it/cgroups.bats" "$it/lifecycle.bats" "$it/manage.bats" \
        "$it/run.bats"
    else
      run_bats "$SRCDIR/tests/layouts/no-pids-controller.bats"
    fi
    RUN_IN=()
  done
}

# HD_SUITES picks suites (the sanitizer tree in check.sh runs only
# "unit integration"); default: all of them.
: "${HD_SUITES:=unit valgrind integration compat layouts security stress engines fuzz lint}"
want() { [[ " $HD_SUITES " == *" $1 "* ]]; }

want unit && run_unit_tests
# The unit tests again under memcheck: one check per binary (leaks, fds).
[[ -n $UNIT_DIR ]] && want valgrind &&
  run_tool "$SRCDIR/tests/valgrind.sh" "$UNIT_DIR"
want integration && run_bats_dir "$SRCDIR/tests/integration"
# The same scenarios against runc, compared (skipped without runc).
want compat && run_bats_dir "$SRCDIR/tests/compat"
want layouts && run_layouts
# The hardening suite (owned separately); picked up when it exists.
want security && run_bats_dir "$SRCDIR/tests/security"
# The escape suite again against runc: a row where runc holds and hardened
# does not fails (hardened is never weaker than runc on the same spec).
want security && command -v runc >/dev/null &&
  run_tool "$SRCDIR/tests/security/compare.sh" --check "$HARDENED_BINARY" runc
want security && run_bats_dir "$SRCDIR/tests/security/docker" # the same, through dockerd
want stress && run_bats_dir "$SRCDIR/tests/stress" # faults, leaks, load
want engines && run_bats_dir "$SRCDIR/tests/engines" # docker, containerd, podman driving hardened
# Fuzz smoke run (FUZZ_SECONDS per target) and static analysis.
want fuzz && FUZZ_SECONDS=${FUZZ_SECONDS:-20} run_tool \
  "$SRCDIR/tests/fuzz/run-fuzz.sh" "$(dirname "$HARDENED_BINARY")/fuzz"
want lint && BUILD_DIR=$(dirname "$HARDENED_BINARY") run_tool "$SRCDIR/tests/lint.sh"

summary="$passed passed, $failed failed"
((skipped > 0)) && summary+=", $skipped skipped"
echo "$summary"
((failed == 0))
