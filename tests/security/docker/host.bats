#!/usr/bin/env bats
# Reaching the host: host namespaces, host devices, binds of / and of the
# docker socket, sysctls.  Refused by name, or the container still cannot
# see the host.  Nothing here sends traffic: --net host is only looked at.

load docker-security-helpers

# ns_attempt TYPE FLAGS...: a container that prints its TYPE namespace.
# FLAGS replace --network none only for --net host (docker refuses both).
ns_attempt() {
  local type=$1
  shift
  run dk run --rm "${RUN[@]}" "$@" "$IMAGE" readlink "/proc/self/ns/$type"
  check_started host-namespace
  ((STARTED)) || return 0
  record_only && return 0
  assert_success
  [[ $output == "$type:["* ]] || fail "no $type namespace link: $output"
  [[ $output != "$(host_ns "$type")" ]] || fail "the host's $type namespace: $output"
}

@test "--pid host: refused, or a pid namespace of its own" {
  ns_attempt pid --pid host
}

@test "--net host: refused, or a network namespace of its own" {
  # docker refuses --net host next to --network none: this one container
  # goes without it (it makes no traffic either way).
  local i
  for i in "${!RUN[@]}"; do
    [[ ${RUN[i]} == --network ]] && unset 'RUN[i]' 'RUN[i+1]'
  done
  RUN=("${RUN[@]}")
  ns_attempt net --net host
}

@test "--ipc host: refused, or an ipc namespace of its own" {
  ns_attempt ipc --ipc host
}

@test "--uts host: refused, or a uts namespace of its own" {
  ns_attempt uts --uts host
}

# The block device holding the host's /, e.g. /dev/vda.
host_disk() {
  local dev name
  dev=$(stat -c '%d' /)
  name=$(sed -n 's/^DEVNAME=//p' "/sys/dev/block/$((dev >> 8)):$((dev & 255))/uevent" 2>/dev/null)
  [[ -n $name && -b /dev/$name ]] && echo "/dev/$name"
}

@test "--device of a host disk: refused, or no such device inside" {
  local disk
  disk=$(host_disk) || skip "no block device found under the host's /"
  # Only looked at: whether the node is there, with the disk's numbers.
  # (Reading it is not a test: on some hosts even root outside cannot.)
  run dk run --rm "${RUN[@]}" --device "$disk:/dev/hd-disk" "$IMAGE" \
    sh -c 'test -b /dev/hd-disk && stat -c "disk-inside %t:%T" /dev/hd-disk; echo done'
  check_started devices
  ((STARTED)) || return 0
  record_only && return 0
  assert_line "done"
  refute_output --partial disk-inside
}

@test "-v /:/host: refused, or the host's / is not there" {
  run dk run --rm "${RUN[@]}" -v /:/host "$IMAGE" stat -c '%d:%i' /host
  check_started host-bind
  ((STARTED)) || return 0
  record_only && return 0
  refute_output "$(stat -c '%d:%i' /)"
}

@test "a docker.sock bind: refused, or no daemon socket inside" {
  # The private dockerd's socket, where images expect the system one.
  run dk run --rm "${RUN[@]}" -v "$HD_ENGINE_DIR/docker.sock:/var/run/docker.sock" \
    "$IMAGE" sh -c 'test -S /var/run/docker.sock && echo socket-inside; echo done'
  check_started host-bind
  ((STARTED)) || return 0
  record_only && return 0
  assert_line "done"
  refute_line socket-inside
}

@test "--sysctl net.ipv4.ip_unprivileged_port_start=0: a non-root user still cannot bind port 80" {
  run dk run --rm "${RUN[@]}" -u 1000 --sysctl net.ipv4.ip_unprivileged_port_start=0 \
    "$IMAGE" sh -c 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start; probe bind 80'
  check_started sysctl
  ((STARTED)) || return 0
  record_only && return 0
  refute_line --index 0 0
  assert_line "bind: EACCES"
}
