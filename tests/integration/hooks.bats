#!/usr/bin/env bats
# OCI hooks: each kind runs, in order, with the state on stdin.

load helpers

# The hook directory is bind-mounted into the container at the same path:
# startContainer (and, per runtime, createContainer) hooks run in the
# container's mount namespace and must find the script and the log there.
setup_hooks() {
  HOOKDIR=$BATS_TEST_TMPDIR/hooks
  HOOKLOG=$HOOKDIR/log
  mkdir -p "$HOOKDIR"
  # POSIX sh and sed only: the script runs on the host (dash) and in the
  # container (busybox).  It logs its kind and the container id it was given.
  cat >"$HOOKDIR/hook.sh" <<'HOOK'
#!/bin/sh
id=$(tr -d '\n' | sed -n 's/.*"id" *: *"\([^"]*\)".*/\1/p')
echo "$1 $id" >>"${0%/*}/log"
HOOK
  chmod 755 "$HOOKDIR" "$HOOKDIR/hook.sh"
  : >"$HOOKLOG"
  chmod 666 "$HOOKLOG"
  update_config '.mounts += [{destination: $d, type: "bind", source: $d,
                              options: ["rbind", "rw"]}]' --arg d "$HOOKDIR"
}

# add_hook KIND [jq object fields]: a hook of KIND running hook.sh KIND.
add_hook() {
  update_config '.hooks[$k] += [{path: $p, args: [$p, $k],
                                 env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]}]' \
    --arg k "$1" --arg p "$HOOKDIR/hook.sh"
}

@test "every hook kind runs once, in order, with the container id" {
  skip_for_runc_before_1_2 "runs poststart hooks during create"
  setup_hooks
  local k
  for k in prestart createRuntime createContainer startContainer poststart poststop; do
    add_hook "$k"
  done
  set_args /bin/sh -c 'echo main >>'"$HOOKLOG"
  hd_create "$CID"
  hd start "$CID"
  wait_for_status "$CID" stopped
  hd delete "$CID"
  run -0 cat "$HOOKLOG"
  # poststart may run before or after the (short) process writes "main".
  assert_equal "$(grep -v '^main$' <<<"$output")" "$(printf '%s\n' \
    "prestart $CID" "createRuntime $CID" "createContainer $CID" \
    "startContainer $CID" "poststart $CID" "poststop $CID")"
  assert_line main
  # startContainer runs right before the user process.
  assert_equal "$(grep -A1 '^startContainer' <<<"$output" | tail -n1)" \
    "$(grep -m1 -E '^(main|poststart)' <<<"$output")"
}

@test "create runs prestart/createRuntime/createContainer, not startContainer" {
  skip_for_runc_before_1_2 "runs poststart hooks during create"
  setup_hooks
  local k
  for k in prestart createRuntime createContainer startContainer poststart; do
    add_hook "$k"
  done
  set_args /bin/sleep 1000
  hd_create "$CID"
  run -0 cat "$HOOKLOG"
  assert_equal "$output" "$(printf '%s\n' "prestart $CID" "createRuntime $CID" "createContainer $CID")"
}

@test "hooks run with the state on stdin (runc-compatible subset)" {
  setup_hooks
  local k
  for k in prestart createRuntime createContainer startContainer poststop; do
    add_hook "$k"
  done
  set_args /bin/true
  hd_create "$CID"
  hd start "$CID"
  wait_for_status "$CID" stopped
  hd delete "$CID"
  run -0 cat "$HOOKLOG"
  assert_equal "$output" "$(printf '%s\n' \
    "prestart $CID" "createRuntime $CID" "createContainer $CID" \
    "startContainer $CID" "poststop $CID")"
}

@test "a failing createRuntime hook fails create and leaves nothing" {
  setup_hooks
  update_config '.hooks.createRuntime = [{path: "/bin/false", args: ["false"]}]'
  add_hook poststop
  set_args /bin/sleep 1000
  run ! hd_create "$CID"
  run ! hd state "$CID"
  [[ ! -e $ROOT/$CID ]]
  # teardown checks the state dir and the cgroup.
}

@test "a failing prestart hook fails run" {
  setup_hooks
  update_config '.hooks.prestart = [{path: "/bin/sh", args: ["sh", "-c", "exit 7"]}]'
  run ! hd run --bundle "$BUNDLE" "$CID"
  run ! hd state "$CID"
}

@test "a hook that exceeds its timeout fails create" {
  setup_hooks
  update_config '.hooks.createRuntime = [{path: "/bin/sleep", args: ["sleep", "30"], timeout: 1}]'
  set_args /bin/sleep 1000
  run ! hd_create "$CID"
  run ! hd state "$CID"
  # The hook was killed, not left running.
  run pgrep -f '^sleep 30$'
  assert_failure
}

@test "a hook that is not absolute or does not exist fails create" {
  update_config '.hooks.createRuntime = [{path: "/no/such/hook"}]'
  run ! hd_create "$CID"
  run ! hd state "$CID"
}
