#!/usr/bin/env bats
# create returns only once the process is set up: a cwd, user or
# capability failure is create's error, and leaves nothing behind. The
# same file runs against runc (HARDENED_BINARY=runc) for comparison.

load helpers

# create_to_file: create with output to a file, then `run cat` it (a
# created container's init would hold a pipe open). Sets CREATE_RC.
create_to_file() {
  local out=$BATS_TEST_TMPDIR/create.out
  CREATE_RC=0
  hd create --bundle "$BUNDLE" "$CID" </dev/null >"$out" 2>&1 || CREATE_RC=$?
  run cat "$out"
}

@test "cwd only root can enter: the process starts there, as runc does" {
  mkdir "$BUNDLE/rootfs/secret"
  chmod 0700 "$BUNDLE/rootfs/secret"
  update_config '.process.cwd = "/secret"'
  set_args sh -c 'pwd; ls . >/dev/null 2>&1 || echo "cannot list"'
  run hd run --bundle "$BUNDLE" "$CID" </dev/null
  assert_success
  assert_output $'/secret\ncannot list'
}

# runc 1.1 makes a missing cwd in the rootfs; hardened does not write to
# the image (root.readonly is forced by read-only-root), it refuses.
@test "cwd that does not exist: create fails, naming it, and leaves nothing" {
  hardened_only
  update_config '.process.cwd = "/no/such/dir"'
  set_args sleep 60
  create_to_file
  [[ $CREATE_RC != 0 ]] || fail "create succeeded: $output"
  assert_output --partial "/no/such/dir"
  assert_output --partial "No such file or directory"
  run ls -A "$ROOT"
  assert_output ""
}

@test "cwd that is a file: create fails, naming it, and leaves nothing" {
  update_config '.process.cwd = "/etc/passwd"'
  set_args sleep 60
  create_to_file
  [[ $CREATE_RC != 0 ]] || fail "create succeeded: $output"
  assert_output --partial "/etc/passwd"
  assert_output --regexp "[Nn]ot a directory"
  run ls -A "$ROOT"
  assert_output ""
}

@test "run with a bad cwd fails with the cwd's error, not a vague one" {
  update_config '.process.cwd = "/etc/passwd"'
  run hd run --bundle "$BUNDLE" "$CID" </dev/null
  assert_failure
  assert_output --partial "/etc/passwd"
  refute_output --partial "exited before start"
  refute_output --partial "it is stopped"
}
