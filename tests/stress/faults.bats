#!/usr/bin/env bats
# Faults: the runtime killed mid-create, the init killed while paused, a
# full state filesystem, racing deletes. After each, `delete --force`
# cleans up everything and the same id works again.

load ../integration/helpers

# A createRuntime hook that signals it started, then blocks: create is
# caught after the cgroup and the namespaces exist, before the pivot.
BLOCK_HOOK=/bin/sh

allow_hooks() {
  printf '{ "hooks_allowed": ["%s", "/bin/true"] }\n' "$(readlink -f $BLOCK_HOOK)" \
    >"$BATS_TEST_TMPDIR/policy.conf"
  if is_hardened; then
    HD_GLOBAL_FLAGS=(--policy "$BATS_TEST_TMPDIR/policy.conf")
  fi
}

# add_blocking_hook PHASE: a hook of PHASE that touches $marker and sleeps.
add_blocking_hook() {
  local phase=$1
  MARKER=$BATS_TEST_TMPDIR/hook-$phase
  update_config '.hooks[$p] = [{path: $sh, args: ["sh", "-c", $script]}]' \
    --arg p "$phase" --arg sh "$(readlink -f $BLOCK_HOOK)" \
    --arg script "echo started >$MARKER; exec sleep 300"
}

# The runtime process of this test (by its --root in the cmdline).
runtime_pids() {
  local f pid
  for f in $(grep -lFa -- "$ROOT" /proc/[0-9]*/cmdline 2>/dev/null); do
    pid=${f#/proc/}
    pid=${pid%/cmdline}
    ((pid == $$ || pid == BASHPID)) && continue
    # Only runtime processes, not the container's init (it is a child of
    # them but has its own cmdline) nor timeout(1).
    [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == *hardened* ||
      $(readlink "/proc/$pid/exe" 2>/dev/null) == /memfd:* ||
      $(readlink "/proc/$pid/exe" 2>/dev/null) == *runc* ]] && echo "$pid"
  done
}

# After a fault: force delete, nothing left, same id runs again.
assert_recovers() {
  run hd delete --force "$CID"
  run ls -A "$ROOT"
  assert_output ""
  local ctrl
  for ctrl in "${CG_CONTROLLERS[@]}" unified; do
    [[ ! -d $(cgroup_dir "$ctrl" "$CGPATH") ]] ||
      fail "cgroup $ctrl left after delete --force"
  done
  base_config >"$BUNDLE/config.json"
  set_args echo again
  run hd run --bundle "$BUNDLE" "$CID" </dev/null
  assert_success
  assert_output again
}

kill_create_in_hook() {
  local phase=$1
  allow_hooks
  add_blocking_hook "$phase"
  hd create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 &
  local bg=$!
  wait_for_file "$MARKER" || { cat "$BUNDLE/config.json"; false; }
  local pid
  for pid in $(runtime_pids); do kill -9 "$pid"; done
  wait "$bg" 2>/dev/null || true
  # The hook's sleep is in no cgroup of ours when it is a createRuntime
  # hook; kill it by its marker so it does not outlive the test.
  pkill_marker
  assert_recovers
}

# The hook's sleep, found through its parent shell's cmdline (by pid).
pkill_marker() {
  local f pid
  for f in $(grep -lFa -- "$MARKER" /proc/[0-9]*/cmdline 2>/dev/null); do
    pid=${f#/proc/}
    pid=${pid%/cmdline}
    kill -9 "$pid" 2>/dev/null || true
  done
}

@test "kill -9 create in a createRuntime hook (after cgroup and namespaces)" {
  kill_create_in_hook createRuntime
}

@test "kill -9 create in a prestart hook" {
  kill_create_in_hook prestart
}

# No createContainer case: hardened refuses those hooks (rule "hooks",
# tests/integration/hooks.bats), so create never waits in one.

@test "kill -9 create once the state dir exists" {
  set_args sleep 60
  hd create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 &
  local bg=$! i
  for ((i = 0; i < 200; i++)); do
    [[ -n $(ls -A "$ROOT" 2>/dev/null) ]] && break
    sleep 0.01
  done
  local pid
  for pid in $(runtime_pids); do kill -9 "$pid"; done
  wait "$bg" 2>/dev/null || true
  assert_recovers
}

@test "kill -9 of a created container's runtime side while waiting on start" {
  set_args sleep 60
  hd_create "$CID"
  local pid
  for pid in $(runtime_pids); do kill -9 "$pid"; done
  # The init itself, waiting for start, is killed too.
  kill -9 "$(state_pid "$CID")" 2>/dev/null || true
  assert_recovers
}

@test "kill -9 the init while paused, then delete" {
  set_args sleep 60
  run_detached "$CID"
  run hd pause "$CID"
  assert_success
  wait_for_status "$CID" paused
  kill -9 "$(state_pid "$CID")"
  run hd delete --force "$CID"
  assert_success
  assert_recovers
}

@test "kill -9 the init while paused, then delete without --force" {
  set_args sleep 60
  run_detached "$CID"
  hd pause "$CID"
  kill -9 "$(state_pid "$CID")"
  # Frozen, the dying init cannot finish: the container stays paused or
  # becomes stopped; delete must get it out of the way either way.
  run hd delete "$CID"
  [[ $status == 0 ]] || run hd delete --force "$CID"
  assert_success
  assert_recovers
}

@test "a full state filesystem: create fails cleanly" {
  local fs=$BATS_TEST_TMPDIR/small
  mkdir -p "$fs"
  mount -t tmpfs -o size=256k,nr_inodes=256 tmpfs "$fs"
  # Fill it with one file, then ask for a container.
  head -c 300000 /dev/zero >"$fs/filler" 2>/dev/null || true
  local saved=$ROOT
  ROOT=$fs/state
  set_args echo hello
  run hd run --bundle "$BUNDLE" "$CID" </dev/null
  local rc=$status out=$output
  rm -f "$fs/filler"
  # Space again: whatever is left, delete removes it and the id works.
  run hd delete --force "$CID"
  run ls -A "$ROOT" 2>/dev/null
  assert_output ""
  run hd run --bundle "$BUNDLE" "$CID" </dev/null
  umount "$fs" 2>/dev/null || umount -l "$fs"
  ROOT=$saved
  assert_success
  assert_output hello
  if ((rc != 0)); then
    [[ $out == *"No space"* || $out == *"ENOSPC"* || $out == *"Disk quota"* ]] ||
      fail "error does not say the disk is full: $out"
  fi
}

@test "two deletes of the same container racing" {
  set_args sleep 60
  run_detached "$CID"
  local i
  for i in 1 2 3 4; do
    hd delete --force "$CID" >"$BATS_TEST_TMPDIR/del$i" 2>&1 &
  done
  wait
  run ls -A "$ROOT"
  assert_output ""
  local ctrl
  for ctrl in "${CG_CONTROLLERS[@]}" unified; do
    [[ ! -d $(cgroup_dir "$ctrl" "$CGPATH") ]] || fail "cgroup $ctrl left"
  done
  # Nobody crashed: every delete exited 0 or said the container is gone.
  for i in 1 2 3 4; do
    ! grep -qi "segmentation\|abort\|corrupt" "$BATS_TEST_TMPDIR/del$i"
  done
}
