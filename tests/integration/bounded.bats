#!/usr/bin/env bats
# No command waits without bound, and none signals what is not the
# container's: a container left in "creating" (pid 0), a create into a
# frozen cgroup, a paused container, a create that holds the lock.

load helpers

# A prestart hook that marks that it runs, then sleeps: create holds the
# container's lock and the state says "creating" with no pid.
add_sleeping_prestart_hook() {
  local sh
  sh=$(readlink -f /bin/sh)
  MARKER=$BATS_TEST_TMPDIR/hook-started
  printf '{ "hooks_allowed": ["%s"] }\n' "$sh" >"$BATS_TEST_TMPDIR/policy.conf"
  is_hardened && HD_GLOBAL_FLAGS=(--policy "$BATS_TEST_TMPDIR/policy.conf")
  update_config '.hooks.prestart = [{path: $sh, args: ["sh", "-c", $script]}]' \
    --arg sh "$sh" --arg script "echo \$\$ >$MARKER; exec sleep 300"
}

# Start `create` in the background, stuck in its prestart hook.
create_stuck_in_hook() {
  add_sleeping_prestart_hook
  "$HARDENED_BINARY" --root "$ROOT" "${HD_GLOBAL_FLAGS[@]}" create \
    --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 &
  CREATE_PID=$!
  wait_for_file "$MARKER"
}

# The hook's sleep runs outside the container: end it by its pid.
stop_hook_and_create() {
  [[ -n ${CREATE_PID:-} ]] && kill -9 "$CREATE_PID" 2>/dev/null
  [[ -s ${MARKER:-/nonexistent} ]] && kill -9 "$(cat "$MARKER")" 2>/dev/null
  [[ -z ${CREATE_PID:-} ]] || wait "$CREATE_PID" 2>/dev/null || true
  CREATE_PID=
  return 0
}

FROZEN_PARENT=
# The parent cgroup the test makes (in every hierarchy, so that hardened
# creates only the leaf), and removes after thawing it.
PARENT_DIRS=()
teardown() {
  stop_hook_and_create
  [[ -z $FROZEN_PARENT ]] || echo THAWED >"$FROZEN_PARENT/freezer.state"
  # A paused container that delete failed on: thawed, teardown can reap it.
  local freezer=/sys/fs/cgroup/freezer$CGPATH/freezer.state
  [[ ! -f $freezer ]] || echo THAWED >"$freezer"
  local dir
  # The container first, so that its parent is empty.
  ((${#PARENT_DIRS[@]} == 0)) || HD_TIMEOUT=10 hd delete -f "$CID" >/dev/null 2>&1
  for dir in "${PARENT_DIRS[@]}"; do
    rmdir "$dir/inner" "$dir" 2>/dev/null
  done
  hd_teardown
}

@test "kill of a container left in creating (pid 0) signals nobody" {
  create_stuck_in_hook
  kill -9 "$CREATE_PID"
  wait "$CREATE_PID" 2>/dev/null || true
  CREATE_PID=
  run hd state "$CID"
  assert_success
  [[ $(jq -r .pid <<<"$output") == 0 ]] || fail "pid is not 0: $output"
  # In a session and process group of its own: kill(0, SIGKILL) would
  # end the shell as well, and "survived" would never be printed.
  run setsid -w sh -c '"$@"; echo "survived $?"' sh \
    "$HARDENED_BINARY" --root "$ROOT" kill "$CID" KILL
  assert_output --partial "survived 1"
  assert_output --partial "not running"
  run setsid -w sh -c '"$@"; echo "survived $?"' sh \
    "$HARDENED_BINARY" --root "$ROOT" kill --all "$CID" KILL
  assert_output --regexp "survived [01]"
}

@test "while create holds the lock, state, list and kill answer at once" {
  create_stuck_in_hook
  HD_TIMEOUT=5 run hd state "$CID"
  assert_success
  assert_equal "$(jq -r .status <<<"$output")" creating
  HD_TIMEOUT=5 run hd list -q
  assert_success
  assert_output "$CID"
  HD_TIMEOUT=5 run hd kill "$CID" KILL
  assert_failure 1
  assert_output --partial "not running"
}

@test "a command that needs the lock gives up, naming the holder" {
  hardened_only
  create_stuck_in_hook
  HD_TIMEOUT=40 run hd delete --force "$CID"
  assert_failure 1
  assert_output --partial "is locked by another hardened command"
  assert_output --partial "pid $CREATE_PID"
  stop_hook_and_create
}

# The container goes to $CGPATH/inner, under a parent the test makes.
make_parent_cgroup() {
  local ctrl
  for ctrl in "${CG_HIERARCHIES[@]}" unified; do
    PARENT_DIRS+=("$(cgroup_dir "$ctrl" "$CGPATH")")
    mkdir "${PARENT_DIRS[-1]}"
  done
  FROZEN_PARENT=/sys/fs/cgroup/freezer$CGPATH
  update_config '.linux.cgroupsPath = $p' --arg p "$CGPATH/inner"
}

@test "exec into a container frozen from outside is refused, not hung" {
  require_cgroup_v1 freezer
  make_parent_cgroup
  set_args sleep 300
  run_detached "$CID"
  echo FROZEN >"$FROZEN_PARENT/freezer.state"
  local out=$BATS_TEST_TMPDIR/exec.out rc=0
  HD_TIMEOUT=20 hd exec "$CID" true </dev/null >"$out" 2>&1 || rc=$?
  echo THAWED >"$FROZEN_PARENT/freezer.state"
  run cat "$out"
  assert_equal "$rc" 255
  assert_output --partial "unexpectedly frozen"
}

@test "create into a frozen cgroup is refused, naming the cgroup" {
  require_cgroup_v1 freezer
  make_parent_cgroup
  echo FROZEN >"$FROZEN_PARENT/freezer.state"
  # Output to a file: a frozen init would hold a pipe open for ever.
  local out=$BATS_TEST_TMPDIR/create.out rc=0
  HD_TIMEOUT=20 hd create --bundle "$BUNDLE" "$CID" </dev/null >"$out" 2>&1 ||
    rc=$?
  run cat "$out"
  assert_equal "$rc" 1
  assert_output --partial "unexpectedly frozen"
  assert_output --partial "$CGPATH/inner"
  run ls -A "$ROOT"
  assert_output ""
}

@test "a paused container: state, list, ps, kill and delete -f return" {
  set_args sleep 300
  run_detached "$CID"
  run hd pause "$CID"
  assert_success
  HD_TIMEOUT=10 run hd state "$CID"
  assert_success
  assert_equal "$(jq -r .status <<<"$output")" paused
  HD_TIMEOUT=10 run hd list -q
  assert_output "$CID"
  HD_TIMEOUT=10 run hd ps "$CID"
  assert_success
  HD_TIMEOUT=10 run hd kill "$CID" TERM
  assert_success
  HD_TIMEOUT=10 run hd delete --force "$CID"
  assert_success
  run ls -A "$ROOT"
  assert_output ""
}
