#!/usr/bin/env bats
# create / start / state / kill / delete / list.

load helpers

# A container init that exits on TERM (init ignores signals it has no
# handler for) and otherwise waits forever.
trap_term_args() {
  set_args /bin/sh -c 'trap "exit 0" TERM; sleep 1000 & wait'
}

@test "create: status created, and the init process exists" {
  set_args /bin/sleep 1000
  hd_create "$CID"
  run -0 hd state "$CID"
  assert_equal "$(jq -r .status <<<"$output")" created
  local pid
  pid=$(jq -r .pid <<<"$output")
  ((pid > 0))
  [[ -d /proc/$pid ]]
  assert_equal "$(jq -r .bundle <<<"$output")" "$BUNDLE"
  [[ -n $(jq -r .ociVersion <<<"$output") ]]
}

@test "create does not run the user program before start" {
  set_args /bin/sh -c 'echo started'
  hd_create "$CID"
  assert_equal "$(cat "$BATS_TEST_TMPDIR/$CID.out")" ""
  run -0 hd start "$CID"
  wait_for_status "$CID" stopped
  assert_equal "$(cat "$BATS_TEST_TMPDIR/$CID.out")" started
}

@test "start: status running" {
  set_args /bin/sleep 1000
  hd_create "$CID"
  run -0 hd start "$CID"
  wait_for_status "$CID" running
}

@test "kill by name TERM stops a container that traps it" {
  trap_term_args
  hd_create "$CID"
  hd start "$CID"
  wait_for_status "$CID" running
  run -0 hd kill "$CID" TERM
  wait_for_status "$CID" stopped
}

@test "kill by number 9 stops the container" {
  set_args /bin/sleep 1000
  hd_create "$CID"
  hd start "$CID"
  run -0 hd kill "$CID" 9
  wait_for_status "$CID" stopped
}

@test "kill by name SIGKILL stops the container" {
  set_args /bin/sleep 1000
  hd_create "$CID"
  hd start "$CID"
  run -0 hd kill "$CID" SIGKILL
  wait_for_status "$CID" stopped
}

@test "kill with no signal sends TERM" {
  trap_term_args
  hd_create "$CID"
  hd start "$CID"
  wait_for_status "$CID" running
  run -0 hd kill "$CID"
  wait_for_status "$CID" stopped
}

@test "kill with an unknown signal fails" {
  set_args /bin/sleep 1000
  hd_create "$CID"
  run ! hd kill "$CID" SIGNOTHING
  wait_for_status "$CID" created
}

@test "delete removes a stopped container from list" {
  set_args /bin/true
  hd_create "$CID"
  hd start "$CID"
  wait_for_status "$CID" stopped
  run -0 hd delete "$CID"
  run -0 hd list -q
  refute_output --partial "$CID"
  run ! hd state "$CID"
}

@test "delete of a running container without -f fails and keeps it" {
  set_args /bin/sleep 1000
  hd_create "$CID"
  hd start "$CID"
  run ! hd delete "$CID"
  wait_for_status "$CID" running
}

@test "delete -f of a running container kills and removes it" {
  set_args /bin/sleep 1000
  hd_create "$CID"
  hd start "$CID"
  local pid
  pid=$(state_pid "$CID")
  run -0 hd delete -f "$CID"
  run ! hd state "$CID"
  # The process is gone (not just reparented); a zombie would still show a
  # /proc entry with state Z, so check the state letter when it is there.
  if [[ -e /proc/$pid/stat ]]; then
    run awk '{print $3}' "/proc/$pid/stat"
    assert_output Z
  fi
}

@test "delete -f of a created container removes it" {
  set_args /bin/sleep 1000
  hd_create "$CID"
  local pid
  pid=$(state_pid "$CID")
  run -0 hd delete -f "$CID"
  run ! hd state "$CID"
  run -0 hd list -q
  refute_output --partial "$CID"
}

@test "delete of a created container (no -f) removes it" {
  set_args /bin/sleep 1000
  hd_create "$CID"
  run -0 hd delete "$CID"
  run ! hd state "$CID"
}

@test "create with an existing id fails and keeps the first container" {
  set_args /bin/sleep 1000
  hd_create "$CID"
  local pid
  pid=$(state_pid "$CID")
  run ! hd_create "$CID"
  run -0 hd state "$CID"
  assert_equal "$(jq -r .pid <<<"$output")" "$pid"
  assert_equal "$(jq -r .status <<<"$output")" created
}

@test "start twice fails the second time" {
  set_args /bin/sleep 1000
  hd_create "$CID"
  run -0 hd start "$CID"
  run ! hd start "$CID"
  wait_for_status "$CID" running
}

@test "state of an unknown id fails" {
  run ! hd state no-such-container
  [[ -n $output ]]
}

@test "list -q prints the ids, one a line" {
  set_args /bin/sleep 1000
  # One cgroup per container: hardened refuses to share one.
  update_config '.linux.cgroupsPath = $p' --arg p "$CGPATH-a"
  hd_create "$CID-a"
  update_config '.linux.cgroupsPath = $p' --arg p "$CGPATH-b"
  hd_create "$CID-b"
  CG_CHECK+=("$CGPATH-a" "$CGPATH-b")
  run -0 hd list -q
  assert_equal "$(sort <<<"$output")" "$(printf '%s\n' "$CID-a" "$CID-b")"
}

@test "list --format json has id, pid and status" {
  set_args /bin/sleep 1000
  hd_create "$CID"
  run -0 hd list --format json
  assert_equal "$(jq -r '.[0].id' <<<"$output")" "$CID"
  assert_equal "$(jq -r '.[0].status' <<<"$output")" created
  assert_equal "$(jq -r '.[0].pid' <<<"$output")" "$(state_pid "$CID")"
  assert_equal "$(jq -r 'length' <<<"$output")" 1
}

@test "list of an empty root is empty" {
  run -0 hd list -q
  assert_output ""
}
