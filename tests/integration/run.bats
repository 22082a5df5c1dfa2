#!/usr/bin/env bats
# `run`: exit codes, stdio, env, cwd, detach, pid file, missing executable.

load helpers

@test "run /bin/true exits 0" {
  run -0 hd run --bundle "$BUNDLE" "$CID"
}

@test "run returns the container's exit code" {
  set_args /bin/sh -c 'exit 3'
  run -3 hd run --bundle "$BUNDLE" "$CID"
}

@test "run of a process killed by a signal returns 128+N" {
  # The namespace's init ignores signals from inside the namespace, so the
  # signal comes from the host while `run` waits in the foreground.
  set_args /bin/sleep 1000
  hd run --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 3>&- &
  local runner=$!
  wait_for_status "$CID" running
  hd kill "$CID" KILL
  local rc=0
  wait "$runner" || rc=$?
  assert_equal "$rc" 137
}

@test "stdout and stderr pass through separately" {
  set_args /bin/sh -c 'echo to-out; echo to-err >&2'
  run -0 --separate-stderr hd run --bundle "$BUNDLE" "$CID"
  assert_equal "$output" "to-out"
  assert_equal "$stderr" "to-err"
}

@test "stdin passes through" {
  set_args /bin/cat
  run -0 bash -c 'echo from-stdin | "$0" --root "$1" run --bundle "$2" "$3"' \
    "$HARDENED_BINARY" "$ROOT" "$BUNDLE" "$CID"
  assert_output "from-stdin"
}

@test "env and cwd are honoured" {
  update_config '.process.env += ["HD_TEST_VAR=hello world"] | .process.cwd = "/etc"'
  set_args /bin/sh -c 'echo "$HD_TEST_VAR"; pwd'
  run -0 hd run --bundle "$BUNDLE" "$CID"
  assert_line -n 0 "hello world"
  assert_line -n 1 "/etc"
}

@test "arguments with spaces arrive as single words" {
  set_args /bin/sh -c 'for a in "$@"; do echo "[$a]"; done' sh 'a b' '' ' c '
  run -0 hd run --bundle "$BUNDLE" "$CID"
  assert_equal "${lines[0]}" "[a b]"
  assert_equal "${lines[1]}" "[]"
  assert_equal "${lines[2]}" "[ c ]"
  assert_equal "${#lines[@]}" 3
}

@test "run -d leaves a running container" {
  set_args /bin/sleep 1000
  run_detached "$CID"
  run -0 hd state "$CID"
  assert_equal "$(jq -r .status <<<"$output")" running
  assert_equal "$(jq -r .id <<<"$output")" "$CID"
}

@test "--pid-file holds the host pid of the container process" {
  set_args /bin/sleep 1000
  run_detached "$CID" --pid-file "$BATS_TEST_TMPDIR/pid"
  local pid
  pid=$(cat "$BATS_TEST_TMPDIR/pid")
  assert_equal "$pid" "$(state_pid "$CID")"
  # That pid is really the container's init: same pid namespace as the
  # process we asked for, and its command line is `sleep 1000`.
  run -0 tr '\0' ' ' <"/proc/$pid/cmdline"
  assert_output "/bin/sleep 1000 "
}

@test "missing executable fails with 'not found' and leaves no state" {
  set_args /bin/no-such-program
  run ! hd run --bundle "$BUNDLE" "$CID"
  assert_output --regexp "not found|no such file"
  [[ ! -e $ROOT/$CID ]]
  run -0 hd list -q
  refute_output --partial "$CID"
}
