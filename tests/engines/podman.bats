#!/usr/bin/env bats
# podman --runtime hardened: conmon drives hardened as it drives runc.
# podman's storage lives under HD_ENGINE_DIR (setup_suite.bash removes it),
# never in the system's /var/lib/containers.

load helpers

setup_file() {
  engines_required
  command -v podman >/dev/null || skip "podman is not installed"
  pm import --change 'ENV PATH=/bin' "$HD_ENGINE_DIR/rootfs.tar" "$IMAGE" >/dev/null
}

# cgroupfs and a file event log: no systemd or journald needed.
# --ulimit: podman asks for RLIMIT_NOFILE/NPROC of 1048576, which a host
# without CAP_SYS_RESOURCE in its bounding set cannot grant (runc and crun
# fail the same way there); small explicit limits work everywhere.
pm() {
  timeout -k 5 "${HD_TIMEOUT:-120}" podman \
    --root "$HD_ENGINE_DIR/podman-root" --runroot "$HD_ENGINE_DIR/podman-run" \
    --cgroup-manager cgroupfs --events-backend file \
    --runtime "$HARDENED_BINARY" "$@"
}
PM_RUN=(--network none --pull never --ulimit nofile=1024:1024 --ulimit nproc=4096:4096
  --label "$TEST_LABEL")

setup() {
  engines_required
  command -v podman >/dev/null || skip "podman is not installed"
  C=hd-podman-$BATS_TEST_NUMBER
}

teardown() {
  [[ -z ${HD_ENGINES_SKIP:-} ]] && command -v podman >/dev/null || return 0
  pm rm -f -t 0 "$C" >/dev/null 2>&1 || true
}

@test "podman --runtime hardened runs a hardened container; the exit code propagates" {
  run -4 pm run --rm "${PM_RUN[@]}" "$IMAGE" sh -c 'id -u; grep CapEff /proc/self/status; exit 4'
  assert_line --index 0 65534
  assert_line --index 1 --regexp 'CapEff:[[:space:]]+0+$'
}

@test "podman: a missing command fails with 'not found', exit 127" {
  run -127 pm run --rm "${PM_RUN[@]}" "$IMAGE" no-such-command
  assert_output --partial "not found"
  # The failed create is cleaned up with `delete --force` of a container
  # that may not exist any more: that must not print a second error.
  refute_output --partial "does not exist"
}

@test "podman: exec -u 0 is nobody; stdin; stop runs the SIGTERM trap" {
  pm run -d --name "$C" "${PM_RUN[@]}" "$IMAGE" sh -c \
    'trap "echo got-term; exit 0" TERM; echo started; while :; do sleep 0.1; done' >/dev/null
  run -0 pm exec -u 0 "$C" id -u
  assert_output 65534
  run -0 bash -c "echo piped | $(printf '%q ' podman --root "$HD_ENGINE_DIR/podman-root" \
    --runroot "$HD_ENGINE_DIR/podman-run" --cgroup-manager cgroupfs \
    --events-backend file --runtime "$HARDENED_BINARY") exec -i $C cat"
  assert_output piped
  pm stop -t 30 "$C" >/dev/null
  run -0 pm logs "$C"
  assert_line got-term
  run -0 pm inspect -f '{{.State.ExitCode}}' "$C"
  assert_output 0
}

@test "contrib/podman/containers.conf: podman --runtime hardened finds the binary by name" {
  local conf=$BATS_TEST_TMPDIR/containers.conf
  sed "s|\"/usr/local/bin/hardened\", \"/usr/bin/hardened\"|\"$HARDENED_BINARY\"|" \
    "$BATS_TEST_DIRNAME/../../contrib/podman/containers.conf" >"$conf"
  grep -qF "$HARDENED_BINARY" "$conf" || fail "path not substituted: $(cat "$conf")"
  CONTAINERS_CONF=$conf run -3 timeout -k 5 120 podman \
    --root "$HD_ENGINE_DIR/podman-root" --runroot "$HD_ENGINE_DIR/podman-run" \
    --cgroup-manager cgroupfs --events-backend file --runtime hardened \
    run --rm "${PM_RUN[@]}" "$IMAGE" sh -c 'id -u; exit 3'
  assert_output 65534
}

@test "podman: run -it and exec -it get a terminal of the client's size" {
  run -6 with_tty 30 100 podman --root "$HD_ENGINE_DIR/podman-root" \
    --runroot "$HD_ENGINE_DIR/podman-run" --cgroup-manager cgroupfs \
    --events-backend file --runtime "$HARDENED_BINARY" \
    run --rm -it "${PM_RUN[@]}" "$IMAGE" sh -c 'tty; stty size; exit 6'
  assert_output --regexp '/dev/pts/[0-9]+'
  assert_output --partial "30 100"
  pm run -d --name "$C" "${PM_RUN[@]}" "$IMAGE" sleep 1000 >/dev/null
  run -0 with_tty 40 120 podman --root "$HD_ENGINE_DIR/podman-root" \
    --runroot "$HD_ENGINE_DIR/podman-run" --cgroup-manager cgroupfs \
    --events-backend file --runtime "$HARDENED_BINARY" \
    exec -it "$C" sh -c 'tty; stty size'
  assert_output --partial "40 120"
}

@test "podman: pause and unpause" {
  pm run -d --name "$C" "${PM_RUN[@]}" "$IMAGE" sleep 1000 >/dev/null
  pm pause "$C" >/dev/null
  run -0 pm inspect -f '{{.State.Status}}' "$C"
  assert_output paused
  pm unpause "$C" >/dev/null
  run -0 pm exec "$C" echo thawed
  assert_output thawed
}
