#!/usr/bin/env bats
# Reaching the host: host namespaces, host devices, host binds, sysctls.

load security-helpers

# The container must not be in the host's namespace NS: either the spec is
# refused, or it runs in its own.
assert_own_namespace() {
  local ns=$1
  if [[ $status -ne 0 ]]; then
    # Refused, or (nested test runner) /proc/1 out of reach: either way
    # nothing ran and nothing is left.
    strict_checks && { run ls -A "$ROOT"; assert_output ""; }
    return 0
  fi
  local host
  host=$(readlink "/proc/$$/ns/$ns") # the test shell: host namespaces
  if strict_checks; then
    refute_output "$host"
  else
    [[ $output == "$host" ]] && echo "# runc: shares the host $ns namespace"
  fi
  return 0
}

@test "spec without a pid namespace (--pid host)" {
  update_config '.linux.namespaces |= map(select(.type != "pid"))'
  run_ctr readlink /proc/self/ns/pid
  assert_own_namespace pid
}

@test "spec without a network namespace (--net host)" {
  update_config '.linux.namespaces |= map(select(.type != "network"))'
  run_ctr readlink /proc/self/ns/net
  assert_own_namespace net
}

@test "spec without an ipc namespace (--ipc host)" {
  update_config '.linux.namespaces |= map(select(.type != "ipc"))'
  run_ctr readlink /proc/self/ns/ipc
  assert_own_namespace ipc
}

@test "spec without a uts namespace (--uts host)" {
  update_config '.linux.namespaces |= map(select(.type != "uts"))'
  run_ctr readlink /proc/self/ns/uts
  assert_own_namespace uts
}

@test "spec joining the host net namespace by path" {
  # /proc/1 may be out of reach of a nested test runner; the test shell is
  # in the host namespaces too.
  update_config '(.linux.namespaces[] | select(.type == "network")) += {path: $p}' \
    --arg p "/proc/$$/ns/net"
  run_ctr readlink /proc/self/ns/net
  if strict_checks; then
    expect_refused "namespace"
  else
    echo "# runc: $output"
  fi
}

@test "spec joining /proc/1/ns/net fails" {
  update_config '(.linux.namespaces[] | select(.type == "network")) += {path: "/proc/1/ns/net"}'
  run_ctr readlink /proc/self/ns/net
  assert_own_namespace net
}

@test "spec joining the host pid namespace by path" {
  # /proc/1 may be out of reach of a nested test runner; the test shell is
  # in the host namespaces too.
  update_config '(.linux.namespaces[] | select(.type == "pid")) += {path: $p}' \
    --arg p "/proc/$$/ns/pid"
  run_ctr readlink /proc/self/ns/pid
  if strict_checks; then
    expect_refused "namespace"
  else
    echo "# runc: $output"
  fi
}

@test "spec joining /proc/1/ns/pid fails" {
  update_config '(.linux.namespaces[] | select(.type == "pid")) += {path: "/proc/1/ns/pid"}'
  run_ctr readlink /proc/self/ns/pid
  assert_own_namespace pid
}

# The first real block device of the host (e.g. vda, sda, nvme0n1).
host_disk() {
  local d
  for d in /sys/block/*; do
    [[ $d == */loop* || $d == */ram* || $d == */zram* ]] && continue
    [[ -b /dev/${d##*/} ]] && { echo "/dev/${d##*/}"; return; }
  done
  return 1
}

@test "a host disk in linux.devices is refused" {
  local disk major minor
  disk=$(host_disk) || skip "no block device on this host"
  major=$((16#$(stat -c %t "$disk")))
  minor=$((16#$(stat -c %T "$disk")))
  update_config '.linux.devices = [{path: $p, type: "b", major: $ma, minor: $mi}]
    | .linux.resources.devices += [{allow: true, type: "b", major: $ma,
                                    minor: $mi, access: "rwm"}]' \
    --arg p "$disk" --argjson ma "$major" --argjson mi "$minor"
  run_ctr sh -c "head -c 512 $disk | wc -c"
  if ! strict_checks; then echo "# runc: $output"; return 0; fi
  expect_refused "device"
}

@test "a host disk under another name in linux.devices is refused" {
  local disk major minor
  disk=$(host_disk) || skip "no block device on this host"
  major=$((16#$(stat -c %t "$disk")))
  minor=$((16#$(stat -c %T "$disk")))
  update_config '.linux.devices = [{path: "/dev/innocent", type: "b",
    major: $ma, minor: $mi}]' --argjson ma "$major" --argjson mi "$minor"
  run_ctr true
  strict_checks || return 0
  expect_refused "device"
}

@test "a bind of / is refused" {
  update_config '.mounts += [{destination: "/host", type: "bind", source: "/",
    options: ["rbind", "rw"]}]'
  run_ctr ls /host
  if ! strict_checks; then echo "# runc: ran with status $status"; return 0; fi
  expect_refused "bind"
}

@test "a bind of /var/run/docker.sock is refused" {
  update_config '.mounts += [{destination: "/var/run/docker.sock", type: "bind",
    source: "/var/run/docker.sock", options: ["rbind", "rw"]}]'
  run_ctr true
  strict_checks || return 0
  expect_refused "bind"
}

@test "a bind of a directory holding the docker socket is refused" {
  update_config '.mounts += [{destination: "/r", type: "bind",
    source: "/run", options: ["rbind", "rw"]}]'
  run_ctr true
  strict_checks || return 0
  expect_refused "bind"
}

@test "sysctl net.ipv4.ip_unprivileged_port_start=0: port 80 still refused" {
  update_config '.linux.sysctl = {"net.ipv4.ip_unprivileged_port_start": "0"}'
  run_ctr probe bind 80
  if ! strict_checks; then echo "# runc: $output"; return 0; fi
  if ((status == 0)); then
    assert_output "bind: EACCES"
  else
    expect_refused "sysctl"
  fi
}

@test "port 80 without any sysctl is refused (baseline)" {
  run_ctr probe bind 80
  assert_success
  assert_output "bind: EACCES"
}
