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

# A host cgroup with a host process in a child of it, in the pids
# hierarchy (and the unified one where mounted): HOST_CG, HOST_PID. Its
# own cgroup.procs is empty, as a parent's is.  teardown() removes them.
make_host_cgroup() {
  HOST_CG=/hardened-test-$CID-host
  local c dir
  for c in pids unified; do
    dir=$(cgroup_dir "$c" "$HOST_CG")
    [[ -d ${dir%"$HOST_CG"} ]] || continue
    mkdir -p "$dir/inner"
    HOST_DIRS=("$dir/inner" "$dir" "${HOST_DIRS[@]}")
  done
  sleep 1000 </dev/null >/dev/null 2>&1 &
  HOST_PID=$!
  echo "$HOST_PID" >"$(cgroup_dir pids "$HOST_CG")/inner/cgroup.procs"
}

teardown() {
  local rc=0 d
  hd_teardown || rc=$?
  [[ -n ${HOST_PID:-} ]] && kill -9 "$HOST_PID" 2>/dev/null && wait "$HOST_PID" 2>/dev/null
  for d in ${HOST_DIRS[@]+"${HOST_DIRS[@]}"}; do
    rmdir "$d" 2>/dev/null || sleep 0.2
    rmdir "$d" 2>/dev/null || true
  done
  return $rc
}

# The host's process and cgroup are as make_host_cgroup left them.
assert_host_cgroup_untouched() {
  kill -0 "$HOST_PID" || fail "the host process $HOST_PID was killed"
  run -0 cat "$(cgroup_dir pids "$HOST_CG")/inner/cgroup.procs"
  assert_line "$HOST_PID"
  local d
  for d in "${HOST_DIRS[@]}"; do
    [[ -d $d ]] || fail "host cgroup $d was removed"
  done
}

@test "cgroupsPath naming an existing host cgroup is refused; its process and dirs stay" {
  require_cgroup_v1
  HOST_DIRS=()
  make_host_cgroup
  update_config '.linux.cgroupsPath = $p' --arg p "$HOST_CG"
  set_args /bin/sleep 1000
  run hd run -d --bundle "$BUNDLE" "$CID" </dev/null
  assert_failure
  if is_hardened; then
    assert_output --partial "refused by policy (cgroup-path): linux.cgroupsPath \"$HOST_CG\" names an existing cgroup"
  fi
  # What an engine does after a failed create.
  hd delete -f "$CID" >/dev/null 2>&1 || true
  assert_host_cgroup_untouched
  # Nothing of the refused container is left in the other hierarchies.
  local c
  for c in "${CG_HIERARCHIES[@]}"; do
    [[ $c == pids ]] && continue
    [[ ! -d $(cgroup_dir "$c" "$HOST_CG") ]] || fail "left behind: $c$HOST_CG"
  done
}

@test "delete -f kills and removes only the cgroup its create made" {
  hardened_only
  require_cgroup_v1
  HOST_DIRS=()
  make_host_cgroup
  set_args /bin/sleep 1000
  run_detached "$CID"
  local init
  init=$(state_pid "$CID")
  # A state file that names another cgroup than the one create made (a
  # create killed half-way, an edited state): delete must not act on it.
  local state=$ROOT/$CID/state.json
  jq --arg p "$HOST_CG" '.hardened.cgroup_path = $p' "$state" >"$state.new"
  mv "$state.new" "$state"
  # Nor kill --all, pause or update.
  run hd kill --all "$CID" KILL
  assert_failure
  assert_output --partial "no directory of it was made by this container"
  run hd pause "$CID"
  assert_failure
  run hd update --pids-limit 50 "$CID"
  assert_failure
  assert_host_cgroup_untouched
  run -0 hd delete -f "$CID"
  assert_host_cgroup_untouched
  # The init itself is the container's, by pid: gone.
  ! kill -0 "$init" 2>/dev/null
  # Its own cgroup, now unnamed by the state, is left (not removed blind).
  [[ -d $(cgroup_dir pids "$CGPATH") ]]
  for c in "${CG_HIERARCHIES[@]}" unified; do
    rmdir "$(cgroup_dir "$c" "$CGPATH")" 2>/dev/null || true
  done
}

@test "cgroupsPath outside the policy's cgroup_parents is refused" {
  hardened_only
  require_cgroup_v1
  CGPATH=/not-allowed-$CID
  CG_CHECK+=("$CGPATH")
  update_config '.linux.cgroupsPath = $p' --arg p "$CGPATH"
  run hd run --bundle "$BUNDLE" "$CID"
  assert_failure
  assert_output --partial "refused by policy (cgroup-path): linux.cgroupsPath \"$CGPATH\" is not below a parent the policy allows"
  [[ ! -d $ROOT/$CID ]]
  # A site policy admits it.
  echo "{\"cgroup_parents\": [\"/not-allowed-$CID\"]}" >"$BATS_TEST_TMPDIR/policy.json"
  CGPATH=/not-allowed-$CID/c
  CG_CHECK+=("$CGPATH")
  update_config '.linux.cgroupsPath = $p' --arg p "$CGPATH"
  run -0 hd --policy "$BATS_TEST_TMPDIR/policy.json" run --bundle "$BUNDLE" "$CID"
  for c in "${CG_HIERARCHIES[@]}" unified; do
    rmdir "$(cgroup_dir "$c" "/not-allowed-$CID")" 2>/dev/null || true
  done
}

@test "cgroupsPath with an empty component is refused" {
  hardened_only
  update_config '.linux.cgroupsPath = $p' --arg p "/hardened-test-$CID//x"
  run hd run --bundle "$BUNDLE" "$CID"
  assert_failure
  assert_output --partial "refused by policy (cgroup-path): linux.cgroupsPath"
  [[ ! -d $ROOT/$CID ]]
}

# The host process's cgroups, one line per hierarchy.
host_cgroups_of() {
  cat "/proc/$1/cgroup"
}

@test "unified cgroup.procs cannot move a host process into the container (create and update)" {
  require_cgroup_v1
  sleep 1000 </dev/null >/dev/null 2>&1 &
  HOST_PID=$!
  HOST_DIRS=()
  local before
  before=$(host_cgroups_of "$HOST_PID")
  update_config '.linux.resources.unified = {"cgroup.procs": $p}' --arg p "$HOST_PID"
  set_args /bin/sleep 1000
  run hd run -d --bundle "$BUNDLE" "$CID" </dev/null
  assert_failure
  if is_hardened; then
    assert_output --partial "refused by policy (cgroup-unified): linux.resources.unified[\"cgroup.procs\"] is a cgroup interface file, not a resource"
  fi
  hd delete -f "$CID" >/dev/null 2>&1 || true
  assert_equal "$(host_cgroups_of "$HOST_PID")" "$before"
  kill -0 "$HOST_PID"

  # The same through update, on a running container.
  update_config 'del(.linux.resources.unified)'
  run_detached "$CID"
  local r=$BATS_TEST_TMPDIR/resources.json
  jq -n --arg p "$HOST_PID" '{unified: {"cgroup.procs": $p}}' >"$r"
  run hd update --resources "$r" "$CID"
  assert_failure
  if is_hardened; then
    assert_output --partial "refused by policy (cgroup-unified)"
  fi
  jq -n '{unified: {"cgroup.kill": "1"}}' >"$r"
  run hd update --resources "$r" "$CID"
  assert_failure
  hd state "$CID" | jq -e '.status == "running"'
  hd delete -f "$CID"
  assert_equal "$(host_cgroups_of "$HOST_PID")" "$before"
  kill -0 "$HOST_PID"
}

@test "cpu period and quota below a parent with a quota: lowering both works (v1 order)" {
  require_cgroup_v1 cpu
  local parent=/hardened-test-$CID-p
  local pdir
  pdir=$(cgroup_dir cpu "$parent")
  mkdir "$pdir"
  # The runtime makes the parent in the other hierarchies; teardown
  # removes them all, after the container's own leaf.
  local c
  HOST_DIRS=()
  for c in "${CG_HIERARCHIES[@]}" unified; do
    HOST_DIRS+=("$(cgroup_dir "$c" "$parent")")
  done
  echo 100000 >"$pdir/cpu.cfs_period_us"
  echo 50000 >"$pdir/cpu.cfs_quota_us"
  CGPATH=$parent/c
  CG_CHECK+=("$CGPATH")
  update_config '.linux.cgroupsPath = $p | .linux.resources.cpu = {quota: 50000, period: 100000}' --arg p "$CGPATH"
  set_args /bin/sleep 1000
  run_detached "$CID"
  # Period first would make 50000/50000, above the parent's half a CPU.
  run -0 hd update --cpu-quota 25000 --cpu-period 50000 "$CID"
  assert_equal "$(cat "$(cg_file cpu cpu.cfs_quota_us)")" 25000
  assert_equal "$(cat "$(cg_file cpu cpu.cfs_period_us)")" 50000
  # And back up: quota first would make 100000/50000.
  run -0 hd update --cpu-quota 100000 --cpu-period 200000 "$CID"
  assert_equal "$(cat "$(cg_file cpu cpu.cfs_quota_us)")" 100000
  assert_equal "$(cat "$(cg_file cpu cpu.cfs_period_us)")" 200000
  # Above the parent's share: refused, naming the field and why.
  run hd update --cpu-quota 150000 --cpu-period 200000 "$CID"
  assert_failure
  if is_hardened; then
    assert_output --partial "linux.resources.cpu.quota/period: writing cpu.cfs_quota_us: Invalid argument"
    assert_output --partial "no more than the parent cgroup's"
  fi
  hd delete -f "$CID"
}
