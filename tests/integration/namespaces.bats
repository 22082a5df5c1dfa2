#!/usr/bin/env bats
# Namespaces: checked from inside the container against the host.

load helpers

ns_inode() { # ns_inode FILE: "net:[4026531840]" -> 4026531840
  readlink "$1" | sed 's/.*\[\([0-9]*\)\]/\1/'
}

@test "the container process is pid 1" {
  set_args /bin/sh -c 'echo $$; cat /proc/1/cmdline | tr "\0" " "'
  run -0 hd run --bundle "$BUNDLE" "$CID"
  assert_line -n 0 1
  assert_line -n 1 --partial "/bin/sh -c"
}

@test "only the container's processes are visible in /proc" {
  set_args /bin/sh -c 'ls -d /proc/[0-9]* | wc -l'
  run -0 hd run --bundle "$BUNDLE" "$CID"
  # sh, ls and wc (the last two may be forked and gone) — never hundreds.
  ((output <= 3))
}

@test "hostname comes from the config" {
  update_config '.hostname = "hd-host-name"'
  set_args /bin/hostname
  run -0 hd run --bundle "$BUNDLE" "$CID"
  assert_output hd-host-name
}

@test "a new network namespace has only lo" {
  set_args /bin/sh -c 'ls /sys/class/net'
  run -0 hd run --bundle "$BUNDLE" "$CID"
  assert_output lo
}

@test "ipc, uts, mnt, cgroup, pid and net namespaces differ from the host" {
  set_args /bin/sh -c 'for n in ipc uts mnt cgroup pid net; do echo "$n $(readlink /proc/self/ns/$n)"; done'
  run -0 hd run --bundle "$BUNDLE" "$CID"
  local n inside
  for n in ipc uts mnt cgroup pid net; do
    inside=$(awk -v n=$n '$1 == n {print $2}' <<<"$output")
    [[ -n $inside ]] || fail "no $n namespace printed"
    [[ $inside != "$(readlink /proc/self/ns/$n)" ]] ||
      fail "$n namespace is the host's: $inside"
  done
}

@test "user namespace: uid/gid mappings are applied" {
  update_config '.linux.namespaces += [{type: "user"}]
    | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
    | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
    | .process.user = {uid: 1000, gid: 1000}'
  set_args /bin/sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; id -g'
  run -0 hd run --bundle "$BUNDLE" "$CID"
  assert_equal "$(echo ${lines[0]})" "0 100000 65536"
  assert_equal "$(echo ${lines[1]})" "0 100000 65536"
  assert_line -n 2 1000
  assert_line -n 3 1000
}

@test "user namespace: the host sees the mapped uid" {
  update_config '.linux.namespaces += [{type: "user"}]
    | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
    | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
    | .process.user = {uid: 1000, gid: 1000}'
  set_args /bin/sleep 1000
  run_detached "$CID"
  local pid
  pid=$(state_pid "$CID")
  run -0 awk '/^Uid:/ {print $2}' "/proc/$pid/status"
  assert_output 101000
}

@test "time namespace" {
  runtime_supports_namespace time || skip "runtime does not list the time namespace"
  update_config '.linux.namespaces += [{type: "time"}]'
  set_args /bin/sh -c 'readlink /proc/self/ns/time'
  run -0 hd run --bundle "$BUNDLE" "$CID"
  [[ $output == time:* ]]
  [[ $output != "$(readlink /proc/self/ns/time)" ]]
}

@test "joining an existing network namespace by path" {
  set_args /bin/sleep 1000
  run_detached "$CID-a"
  local pid_a
  pid_a=$(state_pid "$CID-a")
  [[ $(readlink "/proc/$pid_a/ns/net") != "$(readlink /proc/self/ns/net)" ]]

  make_bundle "$BATS_TEST_TMPDIR/bundle-b"
  update_config '.linux.cgroupsPath += "-b"
    | .linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
    --arg p "/proc/$pid_a/ns/net"
  CG_CHECK+=("$CGPATH-b")
  set_args /bin/sh -c 'readlink /proc/self/ns/net'
  run -0 hd run --bundle "$BUNDLE" "$CID-b"
  assert_output "$(readlink "/proc/$pid_a/ns/net")"
}

@test "a namespace path that is not a namespace is refused" {
  update_config '.linux.namespaces |= map(if .type == "network" then .path = "/etc/passwd" else . end)'
  run ! hd run --bundle "$BUNDLE" "$CID"
}
