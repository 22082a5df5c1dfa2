#!/usr/bin/env bats
# Who the process is on the host: user namespace maps, supplementary
# groups, its session, its rlimits, the namespaces it joins and its LSM
# label. Each attack of issue 10's identity classes, at the bundle level.

load security-helpers

# A 0700 root directory and a 0640 root:adm file on the host.
host_secrets() {
  SECRET_DIR=$BATS_TEST_TMPDIR/secret-dir
  mkdir -m 0700 "$SECRET_DIR"
  ADM_FILE=$BATS_TEST_TMPDIR/adm-file
  echo admsecret >"$ADM_FILE"
  chown 0:4 "$ADM_FILE"
  chmod 0640 "$ADM_FILE"
}

@test "user namespace: uid 65534 mapped to host root is refused (user-namespace)" {
  host_secrets
  update_config '.linux.namespaces += [{type: "user"}]
    | .linux.uidMappings = [{containerID: 65534, hostID: 0, size: 1}]
    | .linux.gidMappings = [{containerID: 65534, hostID: 0, size: 1}]
    | .process.user = {uid: 65534, gid: 65534}
    | .mounts += [{destination: "/secret", type: "bind", source: $s,
                   options: ["rbind", "rw"]}]' --arg s "$SECRET_DIR"
  run_ctr sh -c 'touch /secret/owned && echo WROTE'
  refute_output --partial WROTE
  [[ ! -e $SECRET_DIR/owned ]]
  ! is_hardened ||
    assert_output --partial "linux.uidMappings[0] maps container uid 65534 to host uid 0 (root)"
  expect_refused user-namespace
}

@test "user namespace: a map onto a login user's ids is refused (user-namespace)" {
  update_config '.linux.namespaces += [{type: "user"}]
    | .linux.uidMappings = [{containerID: 0, hostID: 1000, size: 65536}]
    | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
    | .process.user = {uid: 1000, gid: 1000}'
  run_ctr id -u
  expect_refused user-namespace
}

@test "user namespace: a map in the policy's range runs, as the mapped host uid" {
  update_config '.linux.namespaces += [{type: "user"}]
    | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
    | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
    | .process.user = {uid: 1000, gid: 1000}'
  run_ctr sh -c 'cat /proc/self/uid_map; id -u'
  assert_success
  assert_equal "$(echo ${lines[0]})" "0 100000 65536"
  assert_line -n 1 1000
}

groups_of() { # the Groups: line of /proc/self/status in $output
  echo $(sed -n 's/^Groups://p' <<<"$output" | head -n1)
}

@test "supplementary groups: additionalGids [4] does not read the host's adm files (supplementary-groups)" {
  host_secrets
  update_config '.process.user = {uid: 1000, gid: 1000, additionalGids: [4, 1000, 2000]}
    | .mounts += [{destination: "/adm-file", type: "bind", source: $f,
                   options: ["bind", "ro"]}]' --arg f "$ADM_FILE"
  run_ctr sh -c 'cat /proc/self/status; cat /adm-file'
  refute_output --partial admsecret
  strict_checks || return 0
  assert_equal "$(groups_of)" "1000 2000"
}

@test "supplementary groups: exec --additional-gids 4 and exec --process drop it too" {
  host_secrets
  update_config '.process.user = {uid: 1000, gid: 1000}
    | .mounts += [{destination: "/adm-file", type: "bind", source: $f,
                   options: ["bind", "ro"]}]' --arg f "$ADM_FILE"
  set_args sleep 1000
  run_detached "$CID"
  run hd exec --additional-gids 4 "$CID" sh -c 'cat /proc/self/status; cat /adm-file'
  refute_output --partial admsecret
  ! strict_checks || [[ " $(groups_of) " != *" 4 "* ]]
  jq -n '{cwd: "/", args: ["sh", "-c", "cat /proc/self/status; cat /adm-file"],
          user: {uid: 1000, gid: 1000, additionalGids: [4]}}' >"$BATS_TEST_TMPDIR/p.json"
  run hd exec --process "$BATS_TEST_TMPDIR/p.json" "$CID"
  refute_output --partial admsecret
  ! strict_checks || assert_equal "$(groups_of)" ""
  hd kill "$CID" KILL
}

# script(1) gives the pty's CRLF line ends
strip_cr() {
  output=$(tr -d '\r' <<<"$output")
  mapfile -t lines <<<"$output"
}

# Runs the container with a pty as stdin, stdout and controlling terminal
# of the runtime (as an admin's shell would), without process.terminal.
run_on_caller_tty() {
  set_args "$@"
  local cmd
  printf -v cmd '%q ' timeout -k 5 60 "$HARDENED_BINARY" --root "$ROOT" \
    run --bundle "$BUNDLE" "$CID"
  run script -qec "$cmd" /dev/null </dev/null
}

@test "terminal: without process.terminal the init gets its own session; TIOCSTI cannot type into the caller's tty (own-session)" {
  command -v script >/dev/null || skip "no script(1)"
  update_config '.process.terminal = false'
  run_on_caller_tty sh -c '/bin/probe session; /bin/probe tiocsti 0'
  strip_cr
  # The test is meaningful only when the container's stdin is the pty
  # (runc hands the process pipes instead).
  is_hardened || [[ $output == *"stdin is a tty: yes"* ]] ||
    skip "${HARDENED_BINARY##*/} does not give the process the caller's tty"
  assert_line "stdin is a tty: yes"
  strict_checks || return 0
  assert_success
  # The init (sh, pid 1 in its pid namespace) leads its own session; in
  # the caller's it would see sid 0 (the leader is outside the namespace).
  assert_line "sid=1"
  assert_line --regexp '^ctty: (ENXIO|EIO)$'
  assert_line --regexp '^tiocsti: (EPERM|EIO)$'
}

@test "terminal: an exec'd process gets its own session too (own-session)" {
  update_config '.process.terminal = false'
  set_args sleep 1000
  run_detached "$CID"
  local cmd
  printf -v cmd '%q ' timeout -k 5 60 "$HARDENED_BINARY" --root "$ROOT" \
    exec "$CID" sh -c 'echo "sh=$$"; /bin/probe session; /bin/probe tiocsti 0'
  run script -qec "$cmd" /dev/null </dev/null
  strip_cr
  if ! is_hardened && [[ $output != *"stdin is a tty: yes"* ]]; then
    hd kill "$CID" KILL
    skip "${HARDENED_BINARY##*/} does not give the process the caller's tty"
  fi
  assert_line "stdin is a tty: yes"
  if strict_checks; then
    assert_success
    # the exec'd sh leads its own session
    local sh
    sh=$(sed -n 's/^sh=//p' <<<"$output")
    assert_line "sid=$sh"
    assert_line --regexp '^ctty: (ENXIO|EIO)$'
    assert_line --regexp '^tiocsti: (EPERM|EIO)$'
  fi
  hd kill "$CID" KILL
}

# limit_of NAME: "soft hard" of a /proc/PID/limits line in $output
limit_of() {
  local line
  line=$(grep "^$1 " <<<"$output")
  line=${line#"$1"}
  echo $line | cut -d' ' -f1,2
}

# Raising a hard limit needs CAP_SYS_RESOURCE, which some sandboxes take
# from root: the runtime, like runc, then fails to set a value above its own.
can_raise_rlimits() {
  local eff
  eff=$(awk '/^CapEff:/ {print $2}' /proc/self/status)
  (((0x$eff >> 24) & 1))
}

@test "rlimits: rtprio 99 is 0 (rlimits)" {
  update_config '.process.rlimits = [{type: "RLIMIT_RTPRIO", soft: 99, hard: 99},
      {type: "RLIMIT_NOFILE", soft: 1024, hard: 1024}]'
  run_ctr cat /proc/self/limits
  strict_checks || { echo "# rtprio: $(limit_of 'Max realtime priority')"; return 0; }
  assert_success
  assert_equal "$(limit_of 'Max realtime priority')" "0 0"
  assert_equal "$(limit_of 'Max open files')" "1024 1024"
}

@test "rlimits: nice 40 and unlimited memlock are capped (rlimits)" {
  can_raise_rlimits || skip "root here lacks CAP_SYS_RESOURCE"
  update_config '.process.rlimits = [
      {type: "RLIMIT_NICE", soft: 40, hard: 40},
      {type: "RLIMIT_MEMLOCK", soft: 123454321, hard: 123454321}]'
  set_args cat /proc/self/limits
  # unlimited, which jq would round to a double
  sed -i 's/123454321/18446744073709551615/g' "$BUNDLE/config.json"
  run hd run --bundle "$BUNDLE" "$CID" </dev/null
  strict_checks || return 0
  assert_success
  assert_equal "$(limit_of 'Max nice priority')" "20 20"
  assert_equal "$(limit_of 'Max locked memory')" "67108864 67108864"
}

@test "rlimits: left out, rtprio is 0 all the same (rlimits)" {
  update_config 'del(.process.rlimits)'
  run_ctr cat /proc/self/limits
  assert_success
  strict_checks || return 0
  assert_equal "$(limit_of 'Max realtime priority')" "0 0"
}

@test "rlimits: an unknown rlimit is refused (rlimits)" {
  update_config '.process.rlimits = [{type: "RLIMIT_BOGUS", soft: 1, hard: 1}]'
  run_ctr true
  ! is_hardened ||
    assert_output --partial 'process.rlimits[0].type "RLIMIT_BOGUS" is not an rlimit'
  expect_refused rlimits
}

@test "rlimits: exec --process asking for rtprio 99 gets 0 (rlimits)" {
  set_args sleep 1000
  run_detached "$CID"
  jq -n '{cwd: "/", args: ["cat", "/proc/self/limits"], user: {uid: 1000, gid: 1000},
          rlimits: [{type: "RLIMIT_RTPRIO", soft: 99, hard: 99}]}' >"$BATS_TEST_TMPDIR/p.json"
  run hd exec --process "$BATS_TEST_TMPDIR/p.json" "$CID"
  assert_success
  ! strict_checks || assert_equal "$(limit_of 'Max realtime priority')" "0 0"
  hd kill "$CID" KILL
}

# What a test started on the host, stopped whatever the test's outcome.
teardown() {
  [[ -z ${HOST_PID:-} ]] || kill -9 "$HOST_PID" 2>/dev/null || true
  [[ -z ${NETNS:-} ]] || ip netns delete "$NETNS" 2>/dev/null || true
  hd_teardown
}

@test "joined namespaces: the mount namespace of a host service is refused (host-namespace)" {
  command -v unshare >/dev/null || skip "no unshare(1)"
  # A host process with a private mount namespace (like a systemd service
  # with PrivateTmp): not the host's own, so the old check let it through.
  unshare -m --propagation private sleep 1000 &
  HOST_PID=$!
  local i
  for ((i = 0; i < 100; i++)); do
    [[ $(readlink "/proc/$HOST_PID/ns/mnt") != "$(readlink /proc/self/ns/mnt)" ]] && break
    sleep 0.1
  done
  update_config '(.linux.namespaces[] | select(.type == "mount")) += {path: $p}' \
    --arg p "/proc/$HOST_PID/ns/mnt"
  run_ctr true
  ! is_hardened ||
    assert_output --partial "is neither a namespace of a container of this runtime's state root nor the host's own"
  expect_refused host-namespace
  # its root is still the host's
  [[ $(stat -c %i "/proc/$HOST_PID/root/") == $(stat -c %i /) ]]
}

@test "joined namespaces: /proc/1/ns/mnt is refused (host-namespace)" {
  stat -L /proc/1/ns/mnt >/dev/null 2>&1 || skip "pid 1's namespaces are out of reach here"
  update_config '(.linux.namespaces[] | select(.type == "mount")) += {path: "/proc/1/ns/mnt"}'
  run_ctr true
  expect_refused host-namespace
}

@test "joined namespaces: another container's ipc namespace (--ipc container:X) is allowed" {
  set_args sleep 1000
  run_detached "$CID"
  local pid
  pid=$(state_pid "$CID")
  local b=${CID}b
  CG_CHECK+=("/hardened-test-$b")
  update_config '.linux.cgroupsPath = $cg
    | (.linux.namespaces[] | select(.type == "ipc")) += {path: $p}' \
    --arg cg "/hardened-test-$b" --arg p "/proc/$pid/ns/ipc"
  set_args readlink /proc/self/ns/ipc
  run hd run --bundle "$BUNDLE" "$b" </dev/null
  assert_success
  assert_output "$(readlink "/proc/$pid/ns/ipc")"
  hd kill "$CID" KILL
}

@test "joined namespaces: a pinned netns file (ip netns) is allowed" {
  command -v ip >/dev/null || skip "no ip(8)"
  NETNS=hd-test-$CID
  ip netns add "$NETNS" || skip "ip netns add failed"
  update_config '(.linux.namespaces[] | select(.type == "network")) += {path: $p}' \
    --arg p "/run/netns/$NETNS"
  run_ctr readlink /proc/self/ns/net
  assert_success
  assert_output "$(ip netns exec "$NETNS" readlink /proc/self/ns/net)"
}

host_runs_lsm() { # host_runs_lsm NAME
  grep -qw "$1" /sys/kernel/security/lsm 2>/dev/null
}

@test "lsm: apparmorProfile on a host without AppArmor: the drop is recorded (lsm)" {
  host_runs_lsm apparmor && skip "the host runs AppArmor"
  update_config '.process.apparmorProfile = "docker-default"'
  set_args sleep 1000
  run_detached "$CID"
  is_hardened || { hd kill "$CID" KILL; return 0; }
  run hd state "$CID"
  assert_success
  run jq -r '.annotations["org.hardened.overrides"] | fromjson[]
             | select(.rule == "lsm") | "\(.field) \(.requested) \(.enforced)"' <<<"$output"
  assert_output "process.apparmorProfile docker-default (not applied: the host does not run AppArmor)"
  hd kill "$CID" KILL
}

# On a stock AppArmor host (the VM suite): the profile is in force, and one
# the host lacks fails the start, as with runc.
@test "lsm: apparmorProfile is applied where the host runs AppArmor (lsm)" {
  host_runs_lsm apparmor || skip "the host does not run AppArmor"
  command -v apparmor_parser >/dev/null || skip "no apparmor_parser"
  local profile=hardened-test-$CID
  printf 'profile %s flags=(attach_disconnected,mediate_deleted) {\n  file,\n  deny /etc/hostname r,\n}\n' \
    "$profile" | apparmor_parser -r -q || skip "cannot load a profile"
  update_config '.process.apparmorProfile = $p' --arg p "$profile"
  run_ctr sh -c 'cat /proc/self/attr/current; cat /etc/hostname && echo READ'
  apparmor_parser -R /dev/stdin <<<"profile $profile {}" 2>/dev/null || true
  assert_line --index 0 "$profile (enforce)"
  refute_output --partial READ
}

@test "lsm: an AppArmor profile the host lacks fails, leaving nothing (lsm)" {
  host_runs_lsm apparmor || skip "the host does not run AppArmor"
  update_config '.process.apparmorProfile = "hardened-no-such-profile"'
  run_ctr true
  assert_failure
  assert_output --partial "process.apparmorProfile"
  run ls -A "$ROOT"
  assert_output ""
}
