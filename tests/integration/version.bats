#!/usr/bin/env bats
# Global flags and usage errors.

load helpers

@test "--version prints a version" {
  run -0 "$HARDENED_BINARY" --version
  assert_line -n 0 --regexp 'version [0-9]+\.[0-9]+'
  assert_line --regexp '^spec: [0-9]+\.[0-9]+\.[0-9]+'
}

@test "--help lists the commands" {
  run -0 "$HARDENED_BINARY" --help
  local c
  for c in create start run state kill delete list spec; do
    assert_output --partial "$c"
  done
}

@test "an unknown command fails with one line" {
  run ! --separate-stderr "$HARDENED_BINARY" no-such-command
  assert_equal "${#stderr_lines[@]}" 1
  assert_output ""
  [[ $stderr == *no-such-command* ]]
}

@test "an unknown global flag fails" {
  run ! "$HARDENED_BINARY" --no-such-flag list
}

@test "spec writes a config.json that passes as a bundle" {
  cd "$BATS_TEST_TMPDIR"
  mkdir specdir && cd specdir
  run -0 "$HARDENED_BINARY" spec
  run -0 jq -r '.ociVersion, .root.path, .process.args[0]' config.json
  assert_line -n 1 rootfs
  run ! "$HARDENED_BINARY" spec
}

@test "features prints JSON with the namespaces" {
  run -0 "$HARDENED_BINARY" features
  run -0 jq -e '.linux.namespaces | index("pid") and index("network")' <<<"$output"
}

@test "a --log file receives errors in json with --log-format json" {
  run ! "$HARDENED_BINARY" --root "$ROOT" --log "$BATS_TEST_TMPDIR/log.json" --log-format json state no-such-container
  [[ -s $BATS_TEST_TMPDIR/log.json ]]
  run -0 jq -e 'select(.level == "error") | .msg' "$BATS_TEST_TMPDIR/log.json"
}
