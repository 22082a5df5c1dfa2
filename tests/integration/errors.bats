#!/usr/bin/env bats
# Bad input: a non-zero exit, one line that says what is wrong, and nothing
# left behind (teardown checks the state dir and the cgroup).

load helpers

# The error from the last `run` is one line (hardened's contract; runc's
# logrus lines are one line too).
assert_one_line() {
  assert_equal "${#lines[@]}" 1
}

@test "truncated config.json fails and leaves nothing" {
  head -c 200 "$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
  run ! hd run --bundle "$BUNDLE" "$CID"
  assert_one_line
  run ! hd state "$CID"
}

@test "truncated config.json: the error names config.json" {
  hardened_only
  head -c 200 "$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
  run ! hd create --bundle "$BUNDLE" "$CID"
  assert_one_line
  assert_output --partial config.json
}

@test "wrong type for process.user.uid fails and leaves nothing" {
  update_config '.process.user.uid = "nobody"'
  run ! hd run --bundle "$BUNDLE" "$CID"
  assert_one_line
  run ! hd state "$CID"
}

@test "wrong type for process.user.uid: the error names the field" {
  hardened_only
  update_config '.process.user.uid = "nobody"'
  run ! hd create --bundle "$BUNDLE" "$CID"
  assert_one_line
  assert_output --partial "process.user.uid"
}

@test "config.json that is not an object fails" {
  echo '[1, 2]' >"$BUNDLE/config.json"
  run ! hd run --bundle "$BUNDLE" "$CID"
  assert_one_line
}

@test "missing process.args fails" {
  update_config 'del(.process.args)'
  run ! hd run --bundle "$BUNDLE" "$CID"
  assert_one_line
  run ! hd state "$CID"
}

@test "missing bundle directory fails" {
  run ! hd run --bundle "$BATS_TEST_TMPDIR/no-such-bundle" "$CID"
  assert_one_line
  assert_output --partial no-such-bundle
  run ! hd state "$CID"
}

@test "missing rootfs fails and leaves nothing" {
  rm -rf "$BUNDLE/rootfs"
  run ! hd run --bundle "$BUNDLE" "$CID"
  run ! hd state "$CID"
}

@test "an id with '/' is refused" {
  run ! hd run --bundle "$BUNDLE" "a/b"
  run ! hd run --bundle "$BUNDLE" "../$CID"
  [[ ! -e $ROOT/a ]]
  [[ ! -e $BATS_TEST_TMPDIR/$CID ]]
}

@test "the ids '..' and '.' are refused" {
  run ! hd run --bundle "$BUNDLE" ".."
  run ! hd run --bundle "$BUNDLE" "."
}

@test "an empty id is refused" {
  run ! hd run --bundle "$BUNDLE" ""
}

@test "a command on an unknown id fails with one line" {
  local cmd
  for cmd in start state delete; do
    run ! hd "$cmd" no-such-container
    assert_one_line
  done
  run ! hd kill no-such-container KILL
  assert_one_line
}

@test "an unknown mount type fails and leaves nothing" {
  update_config '.mounts += [{destination: "/x", type: "nosuchfs", source: "none"}]'
  run ! hd run --bundle "$BUNDLE" "$CID"
  run ! hd state "$CID"
}

@test "an impossible cgroup value fails and leaves nothing" {
  update_config '.linux.resources.cpu = {shares: 1, quota: 1, period: 1}'
  run ! hd run --bundle "$BUNDLE" "$CID"
  run ! hd state "$CID"
}
