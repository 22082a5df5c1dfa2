#!/usr/bin/env bats
# Run by tests/run-tests.sh in a cgroup layout that offers no pids
# controller (cgroup2 alone on a hybrid host, whose pids controller the v1
# hierarchy holds; see tests/cgroup-layout.sh).  The policy's pids limit
# cannot be enforced there, so every container must be refused, in one
# line naming the controller, before anything exists: no state entry, no
# cgroup directory (teardown checks both), no process.

load ../integration/helpers

no_pids_controller() {
  [[ $(stat -f -c %T /sys/fs/cgroup) == cgroup2fs ]] &&
    ! grep -qw pids /sys/fs/cgroup/cgroup.controllers ||
    skip "this layout has a pids controller (tests/cgroup-layout.sh)"
}

# run FROM_SPEC: the refusal names the pids controller, once.
assert_refused_for_pids() {
  assert_failure
  assert_equal "${#lines[@]}" 1
  assert_output --partial "pids controller not available"
  run ! hd state "$CID"
  run ! test -d "/sys/fs/cgroup$CGPATH"
}

@test "no pids controller: run with a pids limit in the spec is refused" {
  no_pids_controller
  run hd run --bundle "$BUNDLE" "$CID"
  assert_refused_for_pids
}

@test "no pids controller: a spec without resources gets the policy's limit, and is refused" {
  no_pids_controller
  update_config 'del(.linux.resources)'
  run hd run --bundle "$BUNDLE" "$CID"
  assert_refused_for_pids
}

@test "no pids controller: create is refused the same way" {
  no_pids_controller
  run hd create --bundle "$BUNDLE" "$CID"
  assert_refused_for_pids
  run ! pgrep -f "$BUNDLE"
}
