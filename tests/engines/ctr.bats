#!/usr/bin/env bats
# containerd directly: `ctr run --runc-binary hardened`, the runc v2 shim
# driving hardened as it drives runc (the same path docker and Kubernetes
# take through containerd).

load helpers

NS=hardened-test
IMAGE_REF=docker.io/library/hd-busybox:test

setup_file() {
  engines_required
  # The image docker built, saved and imported into containerd's own store.
  docker save "$IMAGE" | ctr --address "$CONTAINERD_ADDRESS" -n "$NS" images import - >/dev/null
}

teardown_file() {
  [[ -z ${HD_ENGINES_SKIP:-} ]] || return 0
  ct images rm "$IMAGE_REF" >/dev/null 2>&1 || true
}

ct() {
  timeout -k 5 "${HD_TIMEOUT:-120}" ctr --address "$CONTAINERD_ADDRESS" -n "$NS" "$@"
}

setup() {
  engines_required
  C=hd-ctr-$BATS_TEST_NUMBER
}

teardown() {
  [[ -z ${HD_ENGINES_SKIP:-} ]] || return 0
  ct task kill -s KILL "$C" >/dev/null 2>&1 || true
  ct task rm -f "$C" >/dev/null 2>&1 || true
  ct containers rm "$C" >/dev/null 2>&1 || true
  local left
  left=$(ct containers ls -q)
  [[ -z $left ]] || fail "containers left behind: $left"
}

# `ctr run` gives the container a new, empty network namespace (no
# --net-host): nothing reaches any network.
ctr_run() {
  ct run --runc-binary "$HARDENED_BINARY" "$@"
}

# Wait (bounded) until the task's status is STATUS.
wait_for_task() {
  local status=$1 i
  for ((i = 0; i < 300; i++)); do
    ct task ls | awk -v c="$C" -v s="$status" '$1 == c && $3 == s { f = 1 } END { exit !f }' &&
      return 0
    sleep 0.1
  done
  ct task ls >&2
  return 1
}

@test "ctr run --runc-binary runs a hardened container" {
  run -0 ctr_run --rm "$IMAGE_REF" "$C" sh -c 'id -u; grep CapEff /proc/self/status'
  assert_line --index 0 65534
  assert_line --index 1 --regexp 'CapEff:[[:space:]]+0+$'
}

@test "ctr: the exit code propagates" {
  run -5 ctr_run --rm "$IMAGE_REF" "$C" sh -c 'exit 5'
}

@test "ctr: a missing command fails with 'not found'" {
  run ctr_run --rm "$IMAGE_REF" "$C" no-such-command
  assert_failure
  assert_output --partial "not found"
}

@test "ctr: task exec as root is still nobody; ps, pause, resume, metrics, kill" {
  ct run -d --runc-binary "$HARDENED_BINARY" "$IMAGE_REF" "$C" sleep 1000 >/dev/null
  wait_for_task RUNNING
  run -0 ct task exec --exec-id e1 --user 0 "$C" sh -c 'id -u; grep CapEff /proc/self/status'
  assert_line --index 0 65534
  assert_line --index 1 --regexp 'CapEff:[[:space:]]+0+$'

  run -0 ct task ps "$C"
  [[ ${#lines[@]} -ge 2 ]] || fail "no processes: $output"

  ct task pause "$C"
  wait_for_task PAUSED
  ct task resume "$C"
  wait_for_task RUNNING

  run -0 ct task metrics "$C"
  assert_output --regexp 'pids.current +[1-9]'

  ct task kill -s KILL "$C"
  wait_for_task STOPPED
}

@test "contrib/containerd/config-1.x.toml: containerd reads the hardened runtime handler" {
  containerd --version | grep -q ' v\?1\.' || skip "containerd 2.x reads config-2.x.toml"
  local conf=$BATS_TEST_TMPDIR/config.toml
  sed "s|/usr/local/bin/hardened|$HARDENED_BINARY|" \
    "$BATS_TEST_DIRNAME/../../contrib/containerd/config-1.x.toml" >"$conf"
  run -0 containerd --config "$conf" config dump
  local handler
  handler=$(sed -n '/containerd\.runtimes\.hardened\]/,/^ *\[plugins.*untrusted/p' <<<"$output")
  [[ -n $handler ]] || fail "no runtimes.hardened in: $output"
  grep -qF 'runtime_type = "io.containerd.runc.v2"' <<<"$handler" || fail "$handler"
  grep -qF "BinaryName = \"$HARDENED_BINARY\"" <<<"$handler" || fail "$handler"
}
