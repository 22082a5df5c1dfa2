#!/usr/bin/env bats
# Resource limits land in the container's cgroup; the cgroup goes away with
# the container.  Checked on the host side (v1 hybrid: per-controller dirs)
# and, for pids, from inside too.

load helpers

cg_file() { # cg_file CONTROLLER FILE [PATH]
  echo "$(cgroup_dir "$1" "${3:-$CGPATH}")/$2"
}

@test "pids limit is set (host side and inside)" {
  require_cgroup_v1
  update_config '.linux.resources.pids.limit = 42'
  set_args /bin/sh -c 'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max; sleep 1000'
  run_detached "$CID"
  assert_equal "$(cat "$(cg_file pids pids.max)")" 42
  wait_for_file "$BATS_TEST_TMPDIR/$CID.out"
  assert_equal "$(cat "$BATS_TEST_TMPDIR/$CID.out")" 42
}

@test "the container process is in its cgroup" {
  require_cgroup_v1
  set_args /bin/sleep 1000
  run_detached "$CID"
  local pid
  pid=$(state_pid "$CID")
  run -0 cat "$(cg_file pids cgroup.procs)"
  assert_line "$pid"
  run -0 grep ':pids:' "/proc/$pid/cgroup"
  assert_output --regexp "^[0-9]+:pids:$CGPATH\$"
}

@test "the pids limit stops a fork bomb" {
  require_cgroup_v1
  update_config '.linux.resources.pids.limit = 10'
  set_args /bin/sh -c 'for i in $(seq 20); do sleep 1000 & done 2>&1; echo started'
  run hd run --bundle "$BUNDLE" "$CID"
  assert_output --partial "can't fork"
}

@test "memory limit" {
  require_cgroup_v1 memory
  update_config '.linux.resources.memory = {limit: 67108864}'
  set_args /bin/sleep 1000
  run_detached "$CID"
  assert_equal "$(cat "$(cg_file memory memory.limit_in_bytes)")" 67108864
}

@test "cpu shares and quota" {
  require_cgroup_v1 cpu
  update_config '.linux.resources.cpu = {shares: 512, quota: 50000, period: 100000}'
  set_args /bin/sleep 1000
  run_detached "$CID"
  assert_equal "$(cat "$(cg_file cpu cpu.shares)")" 512
  assert_equal "$(cat "$(cg_file cpu cpu.cfs_quota_us)")" 50000
  assert_equal "$(cat "$(cg_file cpu cpu.cfs_period_us)")" 100000
}

@test "absolute cgroupsPath with several levels" {
  require_cgroup_v1
  CGPATH=/hardened-test-$CID/sub/leaf
  CG_CHECK+=("$CGPATH" "/hardened-test-$CID/sub")
  update_config '.linux.cgroupsPath = $p' --arg p "$CGPATH"
  set_args /bin/sleep 1000
  run_detached "$CID"
  [[ -f $(cg_file pids pids.max) ]]
  assert_equal "$(cat "$(cg_file pids pids.max)")" 100
  hd delete -f "$CID"
  # The runtime removes the leaf; the levels it created above may stay.
  [[ ! -d $(cgroup_dir pids "$CGPATH") ]]
  rmdir "$(cgroup_dir pids "/hardened-test-$CID/sub")" "$(cgroup_dir pids "/hardened-test-$CID")" 2>/dev/null || true
  local c
  for c in "${CG_HIERARCHIES[@]}" unified; do
    rmdir "$(cgroup_dir "$c" "/hardened-test-$CID/sub")" "$(cgroup_dir "$c" "/hardened-test-$CID")" 2>/dev/null || true
  done
}

@test "relative cgroupsPath is below the runtime's own cgroup" {
  require_cgroup_v1
  local own
  own=$(awk -F: '$2 == "pids" {print $3}' /proc/self/cgroup)
  own=${own%/}
  CGPATH=$own/hardened-rel-$CID
  CG_CHECK+=("$CGPATH")
  update_config '.linux.cgroupsPath = $p' --arg p "hardened-rel-$CID"
  set_args /bin/sleep 1000
  run_detached "$CID"
  assert_equal "$(cat "$(cg_file pids pids.max)")" 100
}

@test "cgroup directories are removed after delete" {
  require_cgroup_v1
  set_args /bin/sleep 1000
  run_detached "$CID"
  local c found=()
  for c in "${CG_CONTROLLERS[@]}"; do
    [[ -d $(cgroup_dir "$c" "$CGPATH") ]] && found+=("$c")
  done
  # At least the controllers the config limits were used.
  [[ " ${found[*]} " == *" pids "* ]]
  [[ " ${found[*]} " == *" devices "* ]]
  hd delete -f "$CID"
  for c in "${CG_HIERARCHIES[@]}" unified; do
    [[ ! -d $(cgroup_dir "$c" "$CGPATH") ]] || fail "left behind: $c"
  done
}

@test "cgroup removed after a container exits and is deleted" {
  require_cgroup_v1
  set_args /bin/true
  run -0 hd run --bundle "$BUNDLE" "$CID"
  local c
  for c in "${CG_HIERARCHIES[@]}" unified; do
    [[ ! -d $(cgroup_dir "$c" "$CGPATH") ]] || fail "left behind: $c"
  done
}
