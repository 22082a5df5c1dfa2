#!/usr/bin/env bats
# Escaping limits: the pids limit holds whatever the config or update says.

load security-helpers

@test "fork bomb with pids limit -1 stops at the policy limit" {
  printf '{ "pids_max": 40 }\n' >"$BATS_TEST_TMPDIR/policy.conf"
  is_hardened && HD_GLOBAL_FLAGS=(--policy "$BATS_TEST_TMPDIR/policy.conf")
  update_config '.linux.resources.pids.limit = -1'
  run_ctr probe forks 200
  strict_checks || { echo "# runc: $output"; return 0; }
  assert_success
  assert_output --partial "stopped=EAGAIN"
  local n=${output#forks=}
  n=${n%% *}
  # sh itself and the loop's subshells count against the limit too.
  ((n < 40)) || fail "forks=$n: the pids limit did not hold"
  ((n > 5)) || fail "forks=$n: the container could barely fork"
}

@test "pids limit -1 gives the built-in limit in the cgroup" {
  update_config '.linux.resources.pids.limit = -1'
  set_args sleep 60
  run_detached "$CID"
  local f
  f=$(cgroup_dir pids "$CGPATH")/pids.max
  [[ -f $f ]] || f=$(cgroup_dir unified "$CGPATH")/pids.max
  run cat "$f"
  if ! strict_checks; then echo "# runc: pids.max=$output"; return 0; fi
  assert_output 1024
}

@test "update raising the pids limit is refused or clamped" {
  set_args sleep 60
  run_detached "$CID"
  run hd update --pids-limit -1 "$CID"
  local f
  f=$(cgroup_dir pids "$CGPATH")/pids.max
  [[ -f $f ]] || f=$(cgroup_dir unified "$CGPATH")/pids.max
  local after
  after=$(cat "$f")
  if ! strict_checks; then echo "# runc: pids.max after update=$after"; return 0; fi
  [[ $after != max ]]
  ((after <= 1024))
}

@test "update with a resources file asking for no pids limit" {
  set_args sleep 60
  run_detached "$CID"
  echo '{"pids": {"limit": 0}}' >"$BATS_TEST_TMPDIR/r.json"
  run hd update -r "$BATS_TEST_TMPDIR/r.json" "$CID"
  local f
  f=$(cgroup_dir pids "$CGPATH")/pids.max
  [[ -f $f ]] || f=$(cgroup_dir unified "$CGPATH")/pids.max
  strict_checks || return 0
  run cat "$f"
  refute_output max
  ((output <= 1024))
}
