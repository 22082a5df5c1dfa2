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

# A key given twice: Go's encoding/json (docker, runc) takes the last, a
# C reader may take the first; hardened refuses the document.
@test "a duplicate sysctl key is refused, naming the key and its path" {
  hardened_only
  update_config '.linux.sysctl = {"vm.memfd_noexec": "2"}'
  sed -i 's/"vm.memfd_noexec": "2"/"vm.memfd_noexec": "2", "vm.memfd_noexec": "0"/' \
    "$BUNDLE/config.json"
  run ! hd create --bundle "$BUNDLE" "$CID"
  assert_one_line
  assert_output --partial 'config.json: duplicate key "vm.memfd_noexec" in linux.sysctl'
  run ! hd state "$CID"
  run ! hd check --bundle "$BUNDLE"
  assert_output --partial 'duplicate key "vm.memfd_noexec" in linux.sysctl'
}

@test "a duplicate top-level key is refused" {
  hardened_only
  { printf '{"hostname": "a", '; tail -c +2 "$BUNDLE/config.json"; } >"$BUNDLE/c"
  mv "$BUNDLE/c" "$BUNDLE/config.json"
  grep -q '"hostname": "hdtest"' "$BUNDLE/config.json"
  run ! hd create --bundle "$BUNDLE" "$CID"
  assert_one_line
  assert_output --partial 'duplicate key "hostname" in the top-level object'
  run ! hd state "$CID"
}

@test "check lists the keys hardened does not know; create records them" {
  hardened_only
  update_config '.futureKey = 1 | .linux.netDevices = {} | .mounts[0].tmpcopyup = true'
  run hd check --bundle "$BUNDLE"
  assert_success
  assert_line 'unknown-field: futureKey: a number -> (ignored)'
  assert_line 'unknown-field: linux.netDevices: an object -> (ignored)'
  assert_line 'unknown-field: mounts[0].tmpcopyup: a boolean -> (ignored)'
  hd create --bundle "$BUNDLE" "$CID"
  run hd state "$CID"
  assert_output --partial 'linux.netDevices'
  hd delete --force "$CID"
}

@test "linux.resources.network is refused by rule unsupported" {
  hardened_only
  update_config '.linux.resources.network = {classID: 1048577}'
  run ! hd create --bundle "$BUNDLE" "$CID"
  assert_one_line
  assert_output --partial 'refused by policy (unsupported): linux.resources.network.classID'
  run ! hd state "$CID"
}

@test "check --fields prints one rule per parsed field" {
  hardened_only
  run hd check --fields
  assert_success
  assert_line "$(printf 'process.user.uid\tenforced\tnon-root\t0 becomes the policy'"'"'s uid')"
  assert_line --partial "$(printf 'linux.resources.network.classID\trefused\tunsupported\t')"
  run ! hd check --fields --bundle "$BUNDLE"
}

@test "exec --process and update --resources refuse duplicate keys; update refuses network" {
  hardened_only
  set_args /bin/sleep 1000
  run_detached "$CID"
  printf '%s' '{"args": ["/bin/true"], "cwd": "/", "cwd": "/tmp",
    "user": {"uid": 1000, "gid": 1000}}' >"$BATS_TEST_TMPDIR/p.json"
  run ! hd exec --process "$BATS_TEST_TMPDIR/p.json" "$CID"
  assert_one_line
  assert_output --partial 'duplicate key "cwd" in the top-level object'
  run ! hd update -r - "$CID" <<<'{"pids": {"limit": 10, "limit": 20}}'
  assert_one_line
  assert_output --partial 'duplicate key "limit" in pids'
  run ! hd update -r - "$CID" <<<'{"network": {"classID": 1}}'
  assert_one_line
  assert_output --partial 'refused by policy (unsupported): linux.resources.network.classID'
  hd delete --force "$CID"
}
