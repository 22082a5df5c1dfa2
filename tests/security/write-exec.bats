#!/usr/bin/env bats
# Write, then execute: nothing the container can write can be executed.

load security-helpers

@test "tmpfs /tmp asked with exec is still noexec" {
  update_config '(.mounts[] | select(.destination == "/tmp") | .options) =
    ["rw", "exec", "suid", "dev", "mode=1777"]'
  run_ctr sh -c 'grep " /tmp " /proc/self/mountinfo; cp /bin/probe /tmp/p && /tmp/p ids'
  if ! strict_checks; then echo "# runc: $output"; return 0; fi
  assert_line --regexp ' /tmp .*noexec'
  refute_output --partial "uid="
}

@test "a writable bind volume: a copied binary does not run" {
  mkdir -p "$BATS_TEST_TMPDIR/vol"
  chmod 777 "$BATS_TEST_TMPDIR/vol"
  update_config '.mounts += [{destination: "/data", type: "bind", source: $s,
    options: ["rbind", "rw", "exec"]}]' --arg s "$BATS_TEST_TMPDIR/vol"
  run_ctr sh -c 'cp /bin/probe /data/p && chmod 755 /data/p && /data/p ids; echo rc=$?'
  if ! strict_checks; then echo "# runc: $output"; return 0; fi
  assert_line --regexp '^rc=(126|127|1)$'
  refute_output --partial "uid="
  # The write half worked: this is the execute half being stopped.
  [[ -f $BATS_TEST_TMPDIR/vol/p ]]
}

@test "a binary placed in a volume by the host does not run either" {
  mkdir -p "$BATS_TEST_TMPDIR/vol"
  cp "$BATS_RUN_TMPDIR/probe" "$BATS_TEST_TMPDIR/vol/p"
  update_config '.mounts += [{destination: "/data", type: "bind", source: $s,
    options: ["rbind", "rw"]}]' --arg s "$BATS_TEST_TMPDIR/vol"
  run_ctr /data/p ids
  strict_checks || return 0
  assert_failure
  refute_output --partial "uid="
}

@test "/dev/shm asked with exec is still noexec" {
  update_config '(.mounts[] | select(.destination == "/dev/shm") | .options) =
    ["rw", "exec", "mode=1777"]'
  run_ctr sh -c 'cp /bin/probe /dev/shm/p && /dev/shm/p ids'
  strict_checks || return 0
  refute_output --partial "uid="
}

@test "memfd_create + execveat does not run code" {
  run_ctr probe memfd_exec
  if ! strict_checks; then echo "# runc: $output"; return 0; fi
  assert_output --regexp '^memfd_exec: E[A-Z]+$'
}

@test "exec: memfd_create + execveat does not run code" {
  set_args sleep 60
  run_detached "$CID"
  run hd exec -u 0 --cap CAP_SYS_ADMIN "$CID" probe memfd_exec
  strict_checks || return 0
  assert_output --regexp '^memfd_exec: E[A-Z]+$'
}
