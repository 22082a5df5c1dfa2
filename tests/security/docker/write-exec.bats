#!/usr/bin/env bats
# Write, then execute: nothing the container can write can be run, whatever
# docker asks for the mounts.

load docker-security-helpers

# The helpers' teardown, after unmounting what a test mounted on the host.
eval "helpers_$(declare -f teardown)"
teardown() {
  local rc=0
  if [[ -n ${SUBMOUNT:-} ]] && mountpoint -q "$SUBMOUNT"; then
    umount "$SUBMOUNT" || rc=1
  fi
  helpers_teardown || rc=1
  return $rc
}

# $output of a run that copied the probe to a writable place and ran it:
# the copy must not have run.
assert_copy_did_not_run() {
  refute_output --regexp '^uid='
  assert_output --regexp '(Permission denied|not found)'
}

# run_copied_probe DIR DOCKER_ARGS...: in a container made with
# DOCKER_ARGS, copy the probe into DIR and run the copy. Sets ASSERT=1
# when the outcome is to be asserted (not refused by policy, not a runtime
# that only records). Called as a plain command, never in a || list, so
# that check_started's own assertions still fail the test.
run_copied_probe() {
  local dir=$1
  shift
  ASSERT=0
  run dk run --rm "${RUN[@]}" "$@" "$IMAGE" \
    sh -c "cp /bin/probe $dir/p && $dir/p ids"
  check_started
  ((STARTED)) || return 0
  record_only && return 0
  ASSERT=1
}

@test "--tmpfs /tmp:exec: /tmp stays noexec, a copied binary does not run" {
  run dk run --rm "${RUN[@]}" --tmpfs /tmp:exec,mode=1777 "$IMAGE" \
    sh -c 'grep " /tmp " /proc/mounts; cp /bin/probe /tmp/p && /tmp/p ids'
  check_started
  ((STARTED)) || return 0
  record_only && return 0
  assert_line --regexp '^tmpfs /tmp tmpfs .*noexec'
  assert_copy_did_not_run
}

@test "--tmpfs /dev/shm:exec: a copied binary does not run" {
  run_copied_probe /dev/shm --tmpfs /dev/shm:exec,mode=1777
  ((ASSERT)) || return 0
  assert_copy_did_not_run
}

@test "a writable bind volume: a binary copied into it does not run" {
  local vol
  vol=$(shared_dir vol)
  run_copied_probe /data -v "$vol:/data"
  ((ASSERT)) || return 0
  [[ -e $vol/p ]] || fail "the copy was not even written: $output"
  assert_copy_did_not_run
}

@test "-v of a directory holding a tmpfs: a binary copied into the submount does not run" {
  local vol
  vol=$(shared_dir vol)
  mkdir -p "$vol/sub"
  SUBMOUNT=$vol/sub
  mount -t tmpfs -o rw,exec,suid,dev,mode=1777 tmpfs "$SUBMOUNT"
  run_copied_probe /data/sub -v "$vol:/data"
  ((ASSERT)) || return 0
  [[ -e $vol/sub/p ]] || fail "the copy was not even written: $output"
  assert_copy_did_not_run
}

@test "a named volume: a binary copied into it does not run" {
  dk volume create --label "$TEST_LABEL" "$C" >/dev/null
  chmod 1777 "$(dk volume inspect -f '{{.Mountpoint}}' "$C")"
  run_copied_probe /data -v "$C:/data"
  ((ASSERT)) || return 0
  assert_copy_did_not_run
}

@test "a binary placed in a volume by the host does not run either" {
  local vol
  vol=$(shared_dir vol)
  gcc -static -O1 -o "$vol/p" "$BATS_TEST_DIRNAME/../helpers/probe.c"
  run dk run --rm "${RUN[@]}" -v "$vol:/data" "$IMAGE" sh -c "/data/p ids"
  check_started
  ((STARTED)) || return 0
  record_only && return 0
  refute_output --regexp '^uid='
}

@test "memfd_create + execveat does not run code" {
  run dk run --rm "${RUN[@]}" "$IMAGE" probe memfd_exec
  check_started
  ((STARTED)) || return 0
  record_only && return 0
  assert_output --regexp '^memfd_exec: E[A-Z]+$'
}
