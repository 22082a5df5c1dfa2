#!/usr/bin/env bats
# Regaining privilege through docker's flags: whatever `docker run` asks
# for, the container process is not root, has no capabilities, cannot gain
# privileges and is filtered, or hardened refuses the request by name.

load docker-security-helpers

# run_status FLAGS...: `run` a container with FLAGS that prints its status.
run_status() {
  run dk run --rm "${RUN[@]}" "$@" "$IMAGE" cat /proc/self/status
}

@test "--privileged: refused by policy, or still not root and unprivileged" {
  # docker adds every host device to a --privileged spec: hardened refuses
  # the first one that is not a standard character device.
  run_status --privileged
  check_started devices
  ((STARTED)) || return 0
  record_only && return 0
  assert_success
  assert_confined
}

@test "--cap-add ALL: no capabilities" {
  run_status --cap-add ALL
  check_started
  ((STARTED)) || return 0
  record_only && return 0
  assert_success
  assert_confined
}

@test "-u 0: not root" {
  run_status -u 0
  check_started
  ((STARTED)) || return 0
  record_only && return 0
  assert_success
  assert_confined
}

@test "--security-opt seccomp=unconfined: filtered anyway, the syscalls still fail" {
  run dk run --rm "${RUN[@]}" --security-opt seccomp=unconfined "$IMAGE" \
    sh -c "grep '^Seccomp:' /proc/self/status; $(kernel_probes)"
  check_started
  ((STARTED)) || return 0
  record_only && return 0
  assert_success
  assert_line --regexp '^Seccomp:[[:space:]]+2$'
  assert_kernel_probes_fail
}

@test "--security-opt no-new-privileges=false: NoNewPrivs 1, a setuid-root binary gives nothing" {
  run dk run --rm "${RUN[@]}" --security-opt no-new-privileges=false -u 1000 \
    "$IMAGE" sh -c "grep '^NoNewPrivs:' /proc/self/status; suid-probe ids"
  check_started
  ((STARTED)) || return 0
  record_only && return 0
  assert_success
  assert_line --regexp '^NoNewPrivs:[[:space:]]+1$'
  assert_line --regexp '^uid=1000,1000,1000 gid='
}

@test "a setuid-root binary in the image gives no root" {
  # busybox picks its applet from argv[0] unless it is called "busybox".
  run dk run --rm "${RUN[@]}" -u 1000 "$IMAGE" \
    sh -c '/suid/busybox id -u; suid-probe ids; suid-probe setuid0'
  check_started
  ((STARTED)) || return 0
  record_only && return 0
  assert_success
  assert_line --index 0 1000
  assert_line --index 1 --regexp '^uid=1000,1000,1000 gid='
  assert_line --index 2 "setuid0: EPERM"
}

@test "chmod u+s on a written file: no setuid-root file reaches a host volume" {
  # Container root writes a setuid-root copy of the probe into a volume
  # shared with the host: a host user running it would become root.
  local vol
  vol=$(shared_dir vol)
  run dk run --rm "${RUN[@]}" -u 0 -v "$vol:/data" "$IMAGE" sh -c \
    'cp /bin/probe /data/p; chown 0:0 /data/p; chmod 4755 /data/p; /data/p ids; echo done'
  check_started
  ((STARTED)) || return 0
  record_only && return 0
  assert_line "done"
  refute_output --partial "uid=0"
  if [[ -e $vol/p ]]; then
    run stat -c '%u %A' "$vol/p"
    refute_output --regexp '^0 ...s'
  fi
}
