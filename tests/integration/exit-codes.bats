#!/usr/bin/env bats
# Exit codes as runc gives them (runc 1.1.5, measured): a runtime error
# of exec is 255, so that it cannot be taken for the process's own
# status; a usage error is 1; run's runtime errors are 1.

load helpers

@test "exec into a missing container exits 255" {
  run hd exec nosuch /bin/true
  assert_failure 255
  assert_output --partial "does not exist"
}

@test "exec with a bad --process JSON exits 255" {
  set_args sleep 60
  run_detached "$CID"
  echo '{bad' >"$BATS_TEST_TMPDIR/process.json"
  run hd exec -p "$BATS_TEST_TMPDIR/process.json" "$CID"
  assert_failure 255
}

@test "exec of a missing executable exits 255; the process's status passes" {
  set_args sleep 60
  run_detached "$CID"
  run hd exec "$CID" /no/such/binary
  assert_failure 255
  assert_output --partial "/no/such/binary"
  run hd exec "$CID" sh -c 'exit 3'
  assert_failure 3
  run hd exec "$CID" sh -c 'exit 1'
  assert_failure 1
}

@test "exec with no container id is a usage error: 1" {
  run hd exec
  assert_failure 1
}

@test "run with a missing bundle exits 1, as runc" {
  run hd run --bundle "$BATS_TEST_TMPDIR/nosuch" "$CID" </dev/null
  assert_failure 1
}
