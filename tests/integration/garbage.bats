#!/usr/bin/env bats
# The CLI fed garbage: every case exits non-zero with a short, clear error
# (the last stderr line starts with "hardened" and names what was wrong),
# and leaves nothing behind: no state entry, cgroup or runtime process
# (teardown checks those for every test) and no mount (checked here).

load helpers

setup() {
  ROOT=$BATS_TEST_TMPDIR/state
  mkdir -p "$ROOT"
  HD_GLOBAL_FLAGS=()
  CID=hg$$t${BATS_SUITE_TEST_NUMBER:-$BATS_TEST_NUMBER}
  CGPATH=/hardened-test-$CID
  CG_CHECK=("$CGPATH")
  make_bundle
}

# Mounts made from this test's files (other suites may run at the same
# time, so the host's total mount count is not this test's to compare).
own_mounts() {
  grep -cF -- "$BATS_TEST_TMPDIR" /proc/self/mountinfo
}

teardown() {
  local ok=0
  if [[ $(own_mounts) != 0 ]]; then
    echo "mounts left behind:" >&2
    grep -F -- "$BATS_TEST_TMPDIR" /proc/self/mountinfo >&2
    ok=1
  fi
  hd_teardown || ok=1
  return $ok
}

# garbage WORD...: run the runtime, expect failure and a short error that
# contains every WORD; nothing in the state dir afterwards.
garbage() {
  local words=()
  while [[ $1 != -- ]]; do words+=("$1"); shift; done
  shift
  # Files, not pipes: if a case wrongly succeeds, the container it made
  # must not hold the test's output pipe open.
  status=0
  hd "$@" </dev/null >"$BATS_TEST_TMPDIR/g.out" 2>"$BATS_TEST_TMPDIR/g.err" ||
    status=$?
  stderr=$(<"$BATS_TEST_TMPDIR/g.err")
  mapfile -t stderr_lines <"$BATS_TEST_TMPDIR/g.err"
  ((status != 0)) || fail "succeeded: $*"
  [[ $status != 124 ]] || fail "timed out"
  # getopt may add its own line before ours; never a page of text.
  local n
  n=$(printf '%s\n' "$stderr" | wc -l)
  ((n <= 2)) || fail "error is $n lines: $stderr"
  local w
  for w in "${words[@]}"; do
    [[ $stderr == *"$w"* ]] || fail "error does not mention '$w': $stderr"
  done
  [[ ${stderr_lines[-1]} == hardened* ]] || fail "last line: ${stderr_lines[-1]}"
  run ls -A "$ROOT"
  assert_output ""
}

@test "garbage: unknown global flag" {
  hardened_only
  garbage "--bogus" -- --bogus list
}

@test "garbage: unknown flag of each command" {
  hardened_only
  local c
  for c in create start run state kill delete list exec ps pause resume update; do
    garbage "$c" "--no-such-flag" -- "$c" --no-such-flag x
  done
}

@test "garbage: unknown command" {
  hardened_only
  garbage "frobnicate" -- frobnicate x
}

@test "garbage: missing id" {
  hardened_only
  local c
  for c in create start run state kill delete exec ps pause resume update; do
    garbage "$c" "id" -- "$c"
  done
}

@test "garbage: ids with / or .." {
  hardened_only
  local id
  for id in a/b ../x .. . x/.. /abs "a b" $'a\nb' ""; do
    garbage "id" -- create --bundle "$BUNDLE" "$id"
    garbage "id" -- state "$id"
    garbage "id" -- delete -f "$id"
  done
}

@test "garbage: an id as long as Linux allows in one argument (128 KiB)" {
  hardened_only
  # One argv string is capped at 128 KiB (MAX_ARG_STRLEN), so a 1 MiB id
  # cannot reach the runtime at all: xargs must split or refuse it.
  local id
  id=$(head -c 131071 /dev/zero | tr '\0' a)
  garbage "id" -- create --bundle "$BUNDLE" "$id"
  garbage "id" -- state "$id"
  head -c 1048576 /dev/zero | tr '\0' a >"$BATS_TEST_TMPDIR/id"
  run xargs -a "$BATS_TEST_TMPDIR/id" "$HARDENED_BINARY" --root "$ROOT" state
  assert_failure
  run ls -A "$ROOT"
  assert_output ""
}

@test "garbage: a bundle that is not a directory" {
  garbage "bundle" "not a directory" -- create --bundle "$BUNDLE/config.json" "$CID"
  garbage "bundle" -- create --bundle "$BATS_TEST_TMPDIR/nonexistent" "$CID"
  garbage "bundle" -- run --bundle /dev/null "$CID"
}

@test "garbage: a rootfs that is a symlink to /" {
  rm -rf "$BUNDLE/rootfs"
  ln -s / "$BUNDLE/rootfs"
  garbage "root" -- create --bundle "$BUNDLE" "$CID"
}

@test "garbage: root.path naming / directly" {
  update_config '.root.path = "/"'
  garbage "root" -- create --bundle "$BUNDLE" "$CID"
}

@test "garbage: root.path climbing out with .." {
  update_config '.root.path = "../../../../../../.."'
  garbage "root" -- create --bundle "$BUNDLE" "$CID"
}

@test "garbage: mount destinations with .." {
  local d
  for d in /../../etc /tmp/../../x ../etc /proc/../..; do
    update_config '.mounts += [{destination: $d, type: "tmpfs", source: "tmpfs"}]' \
      --arg d "$d"
    garbage "mounts" -- create --bundle "$BUNDLE" "$CID"
    base_config >"$BUNDLE/config.json"
  done
}

@test "garbage: a bind source with .. pointing at the host root" {
  update_config '.mounts += [{destination: "/x", type: "bind",
    source: "/tmp/../../../", options: ["rbind"]}]'
  garbage "mounts" -- create --bundle "$BUNDLE" "$CID"
}

@test "garbage: a config.json of 100 MB" {
  # Sparse: 100 MB of NUL bytes costs no disk.
  truncate -s 100M "$BUNDLE/config.json"
  garbage "config.json" -- create --bundle "$BUNDLE" "$CID"
}

@test "garbage: a valid-looking config.json of 100 MB" {
  { printf '{"ociVersion": "1.0.2", "annotations": {"a": "'
    head -c 104857600 /dev/zero | tr '\0' x
    printf '"}}'; } >"$BUNDLE/config.json"
  garbage "config.json" -- create --bundle "$BUNDLE" "$CID"
  rm -f "$BUNDLE/config.json"
}

@test "garbage: config.json deeply nested" {
  { printf '{"a":'; head -c 100000 /dev/zero | tr '\0' '['; } >"$BUNDLE/config.json"
  garbage "config.json" -- create --bundle "$BUNDLE" "$CID"
}

@test "garbage: config.json that is a directory, a fifo, a symlink to /dev/zero" {
  rm "$BUNDLE/config.json"
  mkdir "$BUNDLE/config.json"
  garbage "config.json" -- create --bundle "$BUNDLE" "$CID"
  rmdir "$BUNDLE/config.json"
  ln -s /dev/zero "$BUNDLE/config.json"
  garbage "config.json" -- create --bundle "$BUNDLE" "$CID"
  rm "$BUNDLE/config.json"
  mkfifo "$BUNDLE/config.json"
  # A fifo nobody writes must not hang the runtime (hd bounds it anyway).
  HD_TIMEOUT=20 garbage "config.json" -- create --bundle "$BUNDLE" "$CID"
}

@test "garbage: binary junk as config.json" {
  head -c 65536 /dev/urandom >"$BUNDLE/config.json"
  garbage "config.json" -- create --bundle "$BUNDLE" "$CID"
}

@test "garbage: --pid-file in a directory that does not exist" {
  garbage "pid" -- create --bundle "$BUNDLE" --pid-file /nonexistent/dir/pid "$CID"
}

@test "garbage: a policy file that does not parse" {
  hardened_only
  echo '{ "uid": 0 }' >"$BATS_TEST_TMPDIR/bad.conf"
  HD_GLOBAL_FLAGS=(--policy "$BATS_TEST_TMPDIR/bad.conf")
  garbage "uid" -- create --bundle "$BUNDLE" "$CID"
  HD_GLOBAL_FLAGS=(--policy "$BATS_TEST_TMPDIR/missing.conf")
  garbage "missing.conf" -- create --bundle "$BUNDLE" "$CID"
}
