#!/usr/bin/env bats
# Kernel attack surface: the syscalls behind most container escapes fail
# from inside a docker container, even one that asked for the capabilities
# and the seccomp profile that would let them through.

load docker-security-helpers

# What an attacker would ask docker for, short of --privileged (which
# hardened refuses for its devices, and runc cannot start on every host).
ASK_ALL=(-u 0 --security-opt seccomp=unconfined --security-opt apparmor=unconfined
  --cap-add SYS_ADMIN --cap-add SYS_PTRACE --cap-add DAC_READ_SEARCH)

@test "userns, mount, bpf, io_uring, keyctl, open_by_handle_at fail" {
  run dk run --rm "${RUN[@]}" "$IMAGE" sh -c "$(kernel_probes)"
  check_started
  ((STARTED)) || return 0
  record_only && return 0
  assert_success
  assert_kernel_probes_fail
}

@test "-u 0, seccomp=unconfined, --cap-add SYS_ADMIN,SYS_PTRACE,DAC_READ_SEARCH: the same syscalls fail" {
  run dk run --rm "${RUN[@]}" "${ASK_ALL[@]}" "$IMAGE" sh -c "$(kernel_probes)"
  check_started
  ((STARTED)) || return 0
  record_only && return 0
  assert_success
  assert_kernel_probes_fail
}

@test "ptrace of a sibling process fails" {
  run dk run --rm "${RUN[@]}" "$IMAGE" sh -c 'sleep 30 & probe ptrace $!; kill $!'
  check_started
  ((STARTED)) || return 0
  record_only && return 0
  assert_output --regexp '^ptrace: E[A-Z]+$'
}

@test "--cap-add SYS_PTRACE, seccomp=unconfined: ptrace of a sibling still fails" {
  run dk run --rm "${RUN[@]}" "${ASK_ALL[@]}" "$IMAGE" \
    sh -c 'sleep 30 & probe ptrace $!; kill $!'
  check_started
  ((STARTED)) || return 0
  record_only && return 0
  assert_output --regexp '^ptrace: E[A-Z]+$'
}

@test "shocker: --cap-add DAC_READ_SEARCH, open_by_handle_at from a host-backed file fails" {
  # /etc/hosts is a bind from the host's filesystem: a handle to inode 2
  # (ext4's root) opened relative to it would be the host's /.
  run dk run --rm "${RUN[@]}" --cap-add DAC_READ_SEARCH "$IMAGE" \
    sh -c 'probe open_by_handle_at /etc/hosts; probe open_by_handle_at /etc/hostname'
  check_started
  ((STARTED)) || return 0
  record_only && return 0
  assert_success
  refute_output --partial "open_by_handle_at: ok"
  assert_line --index 0 --regexp '^open_by_handle_at: E[A-Z]+$'
}
