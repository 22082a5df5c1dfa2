#!/usr/bin/env bats
# The process: identity, limits, privileges, seccomp, fds.

load helpers

@test "uid, gid and additionalGids" {
  update_config '.process.user = {uid: 1000, gid: 1001, additionalGids: [1010, 1020]}'
  set_args /bin/sh -c 'id -u; id -g; id -G'
  run -0 hd run --bundle "$BUNDLE" "$CID"
  assert_line -n 0 1000
  assert_line -n 1 1001
  # id -G lists the primary gid first, then the supplementary ones.
  assert_equal "$(tr ' ' '\n' <<<"${lines[2]}" | sort -n | xargs)" "1001 1010 1020"
}

@test "additionalGids below supplementary_gid_min: dropped unless allowed_gids names them" {
  echo '{"allowed_gids": [20]}' >"$BATS_TEST_TMPDIR/policy.json"
  HD_GLOBAL_FLAGS=(--policy "$BATS_TEST_TMPDIR/policy.json")
  update_config '.process.user = {uid: 1000, gid: 1001, additionalGids: [10, 20, 1010]}'
  set_args /bin/sh -c 'id -G'
  run -0 hd run --bundle "$BUNDLE" "$CID"
  assert_equal "$(tr ' ' '\n' <<<"${lines[0]}" | sort -n | xargs)" "20 1001 1010"
}

@test "no supplementary groups beyond the config's" {
  set_args /bin/sh -c 'grep ^Groups: /proc/self/status'
  run -0 hd run --bundle "$BUNDLE" "$CID"
  assert_equal "$(echo $output)" "Groups:"
}

@test "umask" {
  update_config '.process.user.umask = 23'
  set_args /bin/sh -c 'umask; touch /tmp/f; stat -c %a /tmp/f'
  run -0 hd run --bundle "$BUNDLE" "$CID"
  assert_line -n 0 0027
  assert_line -n 1 640
}

@test "rlimits" {
  update_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 123, hard: 456}]'
  set_args /bin/sh -c 'ulimit -n; ulimit -H -n'
  run -0 hd run --bundle "$BUNDLE" "$CID"
  assert_line -n 0 123
  assert_line -n 1 456
}

@test "noNewPrivileges is set" {
  set_args /bin/grep NoNewPrivs /proc/self/status
  run -0 hd run --bundle "$BUNDLE" "$CID"
  assert_equal "$(echo $output)" "NoNewPrivs: 1"
}

@test "no capabilities in any set" {
  set_args /bin/grep ^Cap /proc/self/status
  run -0 hd run --bundle "$BUNDLE" "$CID"
  local set
  for set in CapInh CapPrm CapEff CapBnd CapAmb; do
    assert_line --regexp "^$set:[[:space:]]+0000000000000000\$"
  done
}

@test "seccomp from the spec: mkdir denied with EPERM" {
  update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
    architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
    syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO",
                errnoRet: 1}]}'
  set_args /bin/sh -c 'mkdir /tmp/d; echo rc=$?; touch /tmp/f && echo touched; grep ^Seccomp: /proc/self/status'
  run -0 hd run --bundle "$BUNDLE" "$CID"
  assert_line --partial "Operation not permitted"
  assert_line rc=1
  assert_line touched
  assert_line --regexp '^Seccomp:[[:space:]]+2$'
}

@test "seccomp from the spec: rule with an argument comparison" {
  # kill(pid, SIGUSR1) fails; kill(pid, 0) still works.
  update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
    architectures: ["SCMP_ARCH_X86_64"],
    syscalls: [{names: ["kill"], action: "SCMP_ACT_ERRNO", errnoRet: 1,
                args: [{index: 1, value: 10, op: "SCMP_CMP_EQ"}]}]}'
  set_args /bin/sh -c 'trap "" USR1
    kill -USR1 $$ 2>/dev/null && echo usr1-sent || echo usr1-denied
    kill -0 $$ && echo sig0-sent || echo sig0-denied'
  run -0 hd run --bundle "$BUNDLE" "$CID"
  assert_line usr1-denied
  assert_line sig0-sent
}

@test "oom_score_adj" {
  update_config '.process.oomScoreAdj = 500'
  set_args /bin/cat /proc/self/oom_score_adj
  run -0 hd run --bundle "$BUNDLE" "$CID"
  assert_output 500
}

@test "sysctl in the container's network namespace" {
  update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
  set_args /bin/cat /proc/sys/net/ipv4/ip_forward
  local host_before
  host_before=$(cat /proc/sys/net/ipv4/ip_forward)
  run -0 hd run --bundle "$BUNDLE" "$CID"
  assert_output 1
  assert_equal "$(cat /proc/sys/net/ipv4/ip_forward)" "$host_before"
}

@test "only fds 0, 1 and 2 are open in the container" {
  # ls lists the shell's fds (pid 1), not its own.  No pipe: the shell
  # would hold its ends while ls runs.
  set_args /bin/sh -c 'ls /proc/$$/fd; true'
  # Open extra fds on purpose; the runtime must not pass them on.
  run -0 hd run --bundle "$BUNDLE" "$CID" 5</dev/null 7>/dev/null
  assert_equal "$(echo $output)" "0 1 2"
}

@test "--preserve-fds 1 passes fd 3" {
  echo through-fd-3 >"$BATS_TEST_TMPDIR/fd3"
  chmod a+r "$BATS_TEST_TMPDIR/fd3"
  set_args /bin/sh -c 'cat <&3; ls /proc/$$/fd; true'
  run -0 hd run --preserve-fds 1 --bundle "$BUNDLE" "$CID" 3<"$BATS_TEST_TMPDIR/fd3"
  assert_line -n 0 through-fd-3
  assert_equal "$(echo ${lines[@]:1})" "0 1 2 3"
}

@test "the container cannot read the host's environment" {
  export HD_SECRET_FROM_HOST=leak
  set_args /bin/sh -c 'env; cat /proc/1/environ | tr "\0" "\n"'
  run -0 hd run --bundle "$BUNDLE" "$CID"
  refute_output --partial HD_SECRET_FROM_HOST
}
