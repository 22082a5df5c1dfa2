#!/usr/bin/env bats
# Kernel attack surface: the syscalls behind most container escapes fail
# from inside, even for a config that asked for everything.

load security-helpers

PROBES=(userns mount bpf io_uring keyctl open_by_handle_at)

check_probes() {
  local p
  for p in "${PROBES[@]}"; do
    assert_line --regexp "^$p: E[A-Z0-9]+\$"
  done
}

probe_all() {
  local p s=""
  for p in "${PROBES[@]}"; do s+="probe $p; "; done
  echo "$s"
}

@test "userns, mount, bpf, io_uring, keyctl, open_by_handle_at fail" {
  run_ctr sh -c "$(probe_all)"
  assert_success
  if ! strict_checks; then echo "# runc: ${lines[*]}"; return 0; fi
  check_probes
}

@test "privileged config: the same syscalls still fail" {
  make_privileged
  run_ctr sh -c "$(probe_all)"
  if ! strict_checks; then echo "# runc: ${lines[*]}"; return 0; fi
  assert_success
  check_probes
}

@test "ptrace of a sibling process fails" {
  run_ctr sh -c 'sleep 30 & probe ptrace $!; kill $!'
  if ! strict_checks; then echo "# runc: $output"; return 0; fi
  assert_output --regexp '^ptrace: E[A-Z]+$'
}

@test "privileged config: ptrace of a sibling process fails" {
  make_privileged
  run_ctr sh -c 'sleep 30 & probe ptrace $!; kill $!'
  if ! strict_checks; then echo "# runc: $output"; return 0; fi
  assert_output --regexp '^ptrace: E[A-Z]+$'
}

@test "exec -u 0 --cap CAP_SYS_ADMIN: the same syscalls fail" {
  set_args sleep 60
  run_detached "$CID"
  run hd exec -u 0 --cap CAP_SYS_ADMIN --cap CAP_SYS_PTRACE "$CID" \
    sh -c "$(probe_all) probe ptrace 1"
  if ! strict_checks; then echo "# runc: ${lines[*]}"; return 0; fi
  assert_success
  check_probes
  assert_line --regexp '^ptrace: E[A-Z]+$'
}
