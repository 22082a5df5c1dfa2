#!/usr/bin/env bats
# terminal: true with --console-socket.

load helpers

teardown() {
  [[ -n ${RECV_PID:-} ]] && kill "$RECV_PID" 2>/dev/null
  hd_teardown
}

# Build the receiver once per run.
recvtty_bin() {
  local bin=$BATS_RUN_TMPDIR/recvtty
  if [[ ! -x $bin ]]; then
    gcc -O2 -Wall -o "$bin.tmp.$$" "$BATS_TEST_DIRNAME/helpers/recvtty.c" &&
      mv "$bin.tmp.$$" "$bin"
  fi
  echo "$bin"
}

# start_receiver: recvtty in the background, its output in $RECV_OUT.
start_receiver() {
  local bin
  bin=$(recvtty_bin)
  SOCK=$BATS_TEST_TMPDIR/console.sock
  RECV_OUT=$BATS_TEST_TMPDIR/console.out
  # 3>&-: bats waits for fd 3 to close before it finishes a test.
  "$bin" "$SOCK" >"$RECV_OUT" 2>"$RECV_OUT.err" 3>&- &
  RECV_PID=$!
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -S $SOCK ]] && return 0
    sleep 0.05
  done
  fail "recvtty did not create $SOCK"
}

@test "terminal: the process has a pty, /dev/pts/0, on fds 0-2" {
  update_config '.process.terminal = true'
  set_args /bin/sh -c 'tty; ls -l /proc/self/fd/0 /proc/self/fd/2 | sed "s/.*-> //"'
  start_receiver
  run -0 hd run -d --console-socket "$SOCK" --bundle "$BUNDLE" "$CID"
  wait "$RECV_PID"
  run -0 tr -d '\r' <"$RECV_OUT"
  assert_line -n 0 /dev/pts/0
  assert_line -n 1 /dev/pts/0
  assert_line -n 2 /dev/pts/0
}

@test "terminal: the pty belongs to the process user" {
  update_config '.process.terminal = true'
  set_args /bin/sh -c 'stat -c "%u" /dev/pts/0'
  start_receiver
  run -0 hd run -d --console-socket "$SOCK" --bundle "$BUNDLE" "$CID"
  wait "$RECV_PID"
  run -0 tr -d '\r' <"$RECV_OUT"
  assert_output 65534
}

@test "terminal: create + start with --console-socket" {
  update_config '.process.terminal = true'
  set_args /bin/sh -c 'echo hello-tty'
  start_receiver
  run -0 hd create --console-socket "$SOCK" --bundle "$BUNDLE" "$CID"
  run -0 hd start "$CID"
  wait "$RECV_PID"
  run -0 tr -d '\r' <"$RECV_OUT"
  assert_output hello-tty
}

@test "terminal without --console-socket fails for create" {
  update_config '.process.terminal = true'
  run ! hd create --bundle "$BUNDLE" "$CID"
  run ! hd state "$CID"
}
