#!/usr/bin/env bats
# OCI hooks: each kind runs, in order, with the state on stdin.

load helpers

# The hook directory and the log directory are bind-mounted into the
# container at their host paths: startContainer (and, per runtime,
# createContainer) hooks run in the container's mount namespace and must
# find the script and the log there.  The script's mount is read-only: a
# writable mount would be noexec under hardened.
setup_hooks() {
  HOOKDIR=$BATS_TEST_TMPDIR/hooks
  local logdir=$BATS_TEST_TMPDIR/hooklog
  HOOKLOG=$logdir/log
  mkdir -p "$HOOKDIR" "$logdir"
  # POSIX sh and sed only: the script runs on the host (dash) and in the
  # container (busybox).  It logs its kind and the container id it was given.
  cat >"$HOOKDIR/hook.sh" <<HOOK
#!/bin/sh
id=\$(tr -d '\n' | sed -n 's/.*"id" *: *"\([^"]*\)".*/\1/p')
echo "\$1 \$id" >>"$HOOKLOG"
HOOK
  chmod 755 "$HOOKDIR" "$HOOKDIR/hook.sh"
  chmod 777 "$logdir"
  : >"$HOOKLOG"
  chmod 666 "$HOOKLOG"
  allow_hooks "$HOOKDIR/hook.sh" /bin/false /bin/sh /bin/sleep
  update_config '.mounts += [
      {destination: $h, type: "bind", source: $h, options: ["rbind", "ro"]},
      {destination: $l, type: "bind", source: $l, options: ["rbind", "rw"]}]' \
    --arg h "$HOOKDIR" --arg l "$logdir"
}

# The hook kinds a test adds, in spec order, minus createContainer under
# hardened: it refuses those (rule "hooks"; they would run as root before
# pivot_root), which its own test below checks.
kinds() {
  local k
  for k in "$@"; do
    [[ $k == createContainer ]] && is_hardened && continue
    echo "$k"
  done
}

# The log lines those kinds write: "<kind> <id>".
expected_log() {
  local k
  for k in $(kinds "$@"); do
    echo "$k $CID"
  done
}

# create, start, wait for the end, delete; then `run` cat of the log.
run_to_end_and_read_log() {
  hd_create "$CID"
  hd start "$CID"
  wait_for_status "$CID" stopped
  hd delete "$CID"
  run -0 cat "$HOOKLOG"
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
  local all=(prestart createRuntime createContainer startContainer poststart poststop)
  for k in $(kinds "${all[@]}"); do
    add_hook "$k"
  done
  set_args /bin/sh -c 'echo main >>'"$HOOKLOG"
  run_to_end_and_read_log
  # poststart may run before or after the (short) process writes "main".
  assert_equal "$(grep -v '^main$' <<<"$output")" "$(expected_log "${all[@]}")"
  assert_line main
  # startContainer runs right before the user process.
  assert_equal "$(grep -A1 '^startContainer' <<<"$output" | tail -n1)" \
    "$(grep -m1 -E '^(main|poststart)' <<<"$output")"
}

@test "create runs prestart/createRuntime/createContainer, not startContainer" {
  skip_for_runc_before_1_2 "runs poststart hooks during create"
  setup_hooks
  local k
  for k in $(kinds prestart createRuntime createContainer startContainer poststart); do
    add_hook "$k"
  done
  set_args /bin/sleep 1000
  hd_create "$CID"
  run -0 cat "$HOOKLOG"
  assert_equal "$output" "$(expected_log prestart createRuntime createContainer)"
}

@test "hooks run with the state on stdin (runc-compatible subset)" {
  setup_hooks
  local k
  local all=(prestart createRuntime createContainer startContainer poststop)
  for k in $(kinds "${all[@]}"); do
    add_hook "$k"
  done
  set_args /bin/true
  run_to_end_and_read_log
  assert_equal "$output" "$(expected_log "${all[@]}")"
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
  # A duration no other process on the machine has, so the pgrep below
  # cannot see someone else's `sleep 30` (a VM running other suites).
  local duration=30.$$$BATS_TEST_NUMBER
  update_config '.hooks.createRuntime = [{path: "/bin/sleep", args: ["sleep", $d], timeout: 1}]' \
    --arg d "$duration"
  set_args /bin/sleep 1000
  run ! hd_create "$CID"
  if is_hardened; then
    assert_output --partial "timed out after 1 s"
  fi
  run ! hd state "$CID"
  # The hook was killed, not left running.
  run pgrep -f "^sleep $duration\$"
  assert_failure
}

@test "a hook that is not absolute or does not exist fails create" {
  allow_hooks /no/such/hook
  update_config '.hooks.createRuntime = [{path: "/no/such/hook"}]'
  run ! hd_create "$CID"
  run ! hd state "$CID"
}

@test "a failing startContainer hook stops the container before its process runs" {
  setup_hooks
  update_config '.hooks.startContainer = [{path: "/bin/false", args: ["false"]}]'
  set_args /bin/sh -c 'echo main >>'"$HOOKLOG"
  hd_create "$CID"
  run hd start "$CID"
  # Whether start reports it or not, the process never runs; the container
  # ends up stopped (or already gone).
  local i status
  for ((i = 0; i < 100; i++)); do
    status=$(hd state "$CID" 2>/dev/null | jq -r .status)
    [[ $status == stopped || -z $status ]] && break
    sleep 0.1
  done
  [[ $status == stopped || -z $status ]]
  run ! grep -q '^main$' "$HOOKLOG"
}

@test "hardened refuses createContainer hooks, naming the field" {
  hardened_only
  setup_hooks
  add_hook createContainer
  run ! hd_create "$CID"
  assert_output --partial "refused by policy (hooks): hooks.createContainer[0].path"
  run ! hd state "$CID"
  [[ ! -s $HOOKLOG ]]
}

@test "a startContainer hook runs as hardened as the process (user, capabilities, no_new_privs, seccomp)" {
  hardened_only
  setup_hooks
  cat >"$HOOKDIR/status.sh" <<HOOK
#!/bin/sh
grep -E '^(Uid|CapEff|NoNewPrivs|Seccomp):' /proc/self/status >>"$HOOKLOG"
HOOK
  chmod 755 "$HOOKDIR/status.sh"
  allow_hooks "$HOOKDIR/status.sh"
  update_config '.hooks.startContainer = [{path: $p, args: [$p]}]' \
    --arg p "$HOOKDIR/status.sh"
  set_args /bin/true
  run_to_end_and_read_log
  refute_line --regexp '^Uid:[[:space:]]+0[[:space:]]'
  assert_line --regexp '^CapEff:[[:space:]]+0+$'
  assert_line --regexp '^NoNewPrivs:[[:space:]]+1$'
  assert_line --regexp '^Seccomp:[[:space:]]+2$'
}

@test "a hook's PATH is the host's system PATH, not the one the spec asks for" {
  hardened_only
  setup_hooks
  cat >"$HOOKDIR/path.sh" <<HOOK
#!/bin/sh
echo "\$PATH" >>"$HOOKLOG"
HOOK
  chmod 755 "$HOOKDIR/path.sh"
  allow_hooks "$HOOKDIR/path.sh"
  update_config '.hooks.createRuntime = [{path: $p, env: ["PATH=/tmp/evil"]}]' \
    --arg p "$HOOKDIR/path.sh"
  set_args /bin/true
  hd_create "$CID"
  hd delete -f "$CID"
  run -0 cat "$HOOKLOG"
  assert_output /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
}

@test "a hook named /proc/<pid>/exe of a host process runs that process's binary (docker's setkey way)" {
  setup_hooks
  # A host process of an allowed, root-owned binary, as dockerd is.
  /bin/sleep 1000 &
  local host_pid=$!
  allow_hooks /bin/sleep
  update_config '.hooks.createRuntime = [{path: $p, args: ["sleep", "0"]}]' \
    --arg p "/proc/$host_pid/exe"
  set_args /bin/true
  run hd_create "$CID"
  kill "$host_pid"
  wait "$host_pid" || true
  assert_success
  hd delete -f "$CID"
}
