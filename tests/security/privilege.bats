#!/usr/bin/env bats
# Regaining privilege: whatever config.json asks for, the process is not
# root, has no capabilities, cannot gain privileges and is filtered.

load security-helpers

status_field() { # status_field NAME: the value of NAME: in $output
  sed -n "s/^$1:[[:space:]]*//p" <<<"$output" | head -n1
}

@test "privileged config (uid 0, all caps, no NNP, no seccomp, no masks) still confined" {
  make_privileged
  run_ctr sh -c 'cat /proc/self/status; id -u'
  if ! strict_checks; then
    # runc does what it was told: record it.
    echo "# ${HARDENED_BINARY##*/}: CapEff=$(status_field CapEff)"
    return 0
  fi
  assert_success
  [[ $(status_field Uid) != 0* ]]
  [[ $(status_field Uid) =~ ^65534 ]]
  [[ $(status_field Gid) =~ ^65534 ]]
  assert_equal "$(status_field CapEff)" 0000000000000000
  assert_equal "$(status_field CapPrm)" 0000000000000000
  assert_equal "$(status_field CapBnd)" 0000000000000000
  assert_equal "$(status_field CapAmb)" 0000000000000000
  assert_equal "$(status_field NoNewPrivs)" 1
  assert_equal "$(status_field Seccomp)" 2
}

@test "privileged config: masked paths are masked anyway" {
  make_privileged
  [[ -e /proc/timer_list && -d /sys/firmware ]] || skip "host lacks them"
  run_ctr sh -c 'wc -c </proc/timer_list; ls /sys/firmware | wc -l'
  strict_checks || return 0
  assert_success
  assert_equal "${lines[0]}" 0
  assert_equal "${lines[1]}" 0
}

@test "privileged config: rootfs is read-only anyway" {
  make_privileged
  run_ctr sh -c 'touch /written && echo WROTE'
  strict_checks || return 0
  refute_output --partial WROTE
  [[ ! -e $BUNDLE/rootfs/written ]]
}

@test "a setuid-root busybox in the image gives no root" {
  # busybox picks the applet from argv[0] unless it is called "busybox".
  mkdir "$BUNDLE/rootfs/suid"
  cp "$BUNDLE/rootfs/bin/busybox" "$BUNDLE/rootfs/suid/busybox"
  chown 0:0 "$BUNDLE/rootfs/suid/busybox"
  chmod 4755 "$BUNDLE/rootfs/suid/busybox"
  cp "$BUNDLE/rootfs/bin/probe" "$BUNDLE/rootfs/bin/suid-probe"
  chmod 4755 "$BUNDLE/rootfs/bin/suid-probe"
  run_ctr sh -c '/suid/busybox id -u; /bin/suid-probe ids; /bin/suid-probe setuid0'
  assert_success
  assert_line --index 0 65534
  assert_line --index 1 "uid=65534,65534,65534 gid=65534,65534,65534"
  assert_line --index 2 "setuid0: EPERM"
}

@test "chmod u+s on a written file gives nothing" {
  run_ctr sh -c 'cp /bin/probe /dev/shm/p 2>/dev/null || cp /bin/probe /tmp/p;
    f=/tmp/p; [ -e /dev/shm/p ] && f=/dev/shm/p; chmod u+s $f; $f ids; echo done'
  assert_success
  refute_output --partial "uid=0"
  assert_line done
}

@test "exec -u 0 --cap CAP_SYS_ADMIN: still non-root, no caps, NNP, seccomp" {
  set_args sleep 60
  run_detached "$CID"
  run hd exec -u 0 --cap CAP_SYS_ADMIN "$CID" cat /proc/self/status
  if ! strict_checks; then
    echo "# ${HARDENED_BINARY##*/}: CapEff=$(status_field CapEff) Uid=$(status_field Uid)"
    return 0
  fi
  assert_success
  [[ $(status_field Uid) =~ ^65534 ]]
  assert_equal "$(status_field CapEff)" 0000000000000000
  assert_equal "$(status_field CapBnd)" 0000000000000000
  assert_equal "$(status_field NoNewPrivs)" 1
  assert_equal "$(status_field Seccomp)" 2
}

@test "exec with a process.json asking for root and all caps" {
  set_args sleep 60
  run_detached "$CID"
  jq -n --argjson c "$ALL_CAPS" '{args: ["cat", "/proc/self/status"], cwd: "/",
    user: {uid: 0, gid: 0}, env: ["PATH=/bin"], noNewPrivileges: false,
    capabilities: {bounding: $c, effective: $c, permitted: $c}}' \
    >"$BATS_TEST_TMPDIR/process.json"
  run hd exec --process "$BATS_TEST_TMPDIR/process.json" "$CID"
  strict_checks || return 0
  assert_success
  [[ $(status_field Uid) =~ ^65534 ]]
  assert_equal "$(status_field CapEff)" 0000000000000000
  assert_equal "$(status_field NoNewPrivs)" 1
  assert_equal "$(status_field Seccomp)" 2
}

@test "exec -u 0: setuid-root binary in the image gives no root" {
  cp "$BUNDLE/rootfs/bin/probe" "$BUNDLE/rootfs/bin/suid-probe"
  chmod 4755 "$BUNDLE/rootfs/bin/suid-probe"
  set_args sleep 60
  run_detached "$CID"
  run hd exec -u 0 "$CID" /bin/suid-probe ids
  strict_checks || return 0
  assert_success
  assert_output "uid=65534,65534,65534 gid=65534,65534,65534"
}
