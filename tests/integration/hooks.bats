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

# hardened only runs hooks its policy allows (the built-in policy allows
# none of these); give every call a policy that allows the test's hooks.
allow_hooks() {
  is_hardened || return 0
  local policy=$BATS_TEST_TMPDIR/policy.json
  # Both spellings: on a merged-/usr host /bin/false is /usr/bin/false.
  local p paths=()
  for p in "$@"; do
    paths+=("$p")
    [[ -e $p && $(realpath "$p") != "$p" ]] && paths+=("$(realpath "$p")")
  done
  jq -n '{hooks_allowed: $ARGS.positional}' --args -- "${paths[@]}" >"$policy"
  HD_GLOBAL_FLAGS=(--policy "$policy")
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
