#!/usr/bin/env bats
# Runtime bugs, driven through docker: a leaked fd as the working directory
# (CVE-2024-21626), fds leaked into the container, /proc/PID/exe of the
# runtime during exec (CVE-2019-5736), image symlinks where mounts land,
# and a /dev/null that is a symlink when paths are masked (CVE-2025-31133).

load docker-security-helpers

# try CMD...: like bats' run, for commands expected to fail in any way
# (127 included, which run would warn about).
try() {
  status=0
  output=$("$@" 2>&1) || status=$?
  mapfile -t lines <<<"$output"
}

# $output of `stat -c %d:%i ../../../..` (and more) run from the cwd under
# test: the walk up must not have reached the host's /.
refute_host_root() {
  refute_output --partial "$(stat -c '%d:%i' /)"
}

@test "run -w /proc/self/fd/N does not reach the host" {
  local n
  for n in 3 4 5 6 7 8 9; do
    try dk run --rm "${RUN[@]}" -w "/proc/self/fd/$n" "$IMAGE" \
      sh -c 'stat -c %d:%i ../../../../../..; ls ../../../../../.. | head -n 50'
    echo "# -w /proc/self/fd/$n: status=$status ${lines[0]:-}" >&3
    # Not starting is a defence here: the fd was not a way out.
    ((status == 0)) || continue
    strict_checks || continue
    refute_host_root
  done
}

@test "exec -w /proc/self/fd/N does not reach the host" {
  dk run -d --name "$C" "${RUN[@]}" "$IMAGE" sleep 600 >/dev/null
  local n
  for n in 3 4 5 6 7 8 9; do
    try dk exec -w "/proc/self/fd/$n" "$C" \
      sh -c 'stat -c %d:%i ../../../../../..; ls ../../../../../.. | head -n 50'
    echo "# exec -w /proc/self/fd/$n: status=$status ${lines[0]:-}" >&3
    ((status == 0)) || continue
    strict_checks || continue
    refute_host_root
  done
}

@test "run: the container process has only fds 0, 1, 2" {
  run dk run --rm "${RUN[@]}" "$IMAGE" probe fds
  assert_success
  record_only && return 0
  assert_equal "${#lines[@]}" 3
  assert_line --index 0 --regexp '^fd 0 -> '
  assert_line --index 1 --regexp '^fd 1 -> '
  assert_line --index 2 --regexp '^fd 2 -> '
}

@test "CVE-2019-5736: no /proc/PID/exe seen during docker exec can be opened for writing" {
  # Inside, a loop tries to open /proc/PID/exe of every process it sees
  # for writing, runtime processes joining the container included, while
  # the host runs docker exec (plain and -u 0) again and again.
  dk run -d --name "$C" "${RUN[@]}" -u 0 "$IMAGE" sh -c \
    'while :; do for p in /proc/[0-9]*; do probe exe-write ${p#/proc/}; done; done >/tmp/log 2>&1' \
    >/dev/null
  local i
  for ((i = 0; i < 15; i++)); do
    dk exec "$C" true
    dk exec -u 0 "$C" true
  done
  run dk exec "$C" sh -c 'sort /tmp/log | uniq -c'
  assert_success
  echo "# ${output//$'\n'/ |}" >&3
  assert_output --partial "exe-write:"
  record_only && return 0
  refute_output --partial "exe-write: ok"
}

# Nothing landed in the host directory the image's symlinks point at:
# no file, and no mount in the host's mount namespace (which only a
# runtime mounting before it entered the container's could make).
assert_outside_untouched() {
  run ls -A "$HD_SEC_OUTSIDE"
  assert_output ""
  run grep -F " $HD_SEC_OUTSIDE" /proc/self/mountinfo
  assert_output ""
}

# After `run dk run ... echo done` of a symlinked-target request: the host
# is untouched, and hardened either refused the spec, by a policy rule or
# as bad input naming the mount (a target it cannot make inside the
# rootfs is not a policy matter), or ran it to the end: the mounts were
# made inside and the writes into them worked.
assert_mounted_inside() {
  local ran_status=$status ran_output=$output
  assert_outside_untouched
  status=$ran_status output=$ran_output
  mapfile -t lines <<<"$output"
  record_only && return 0
  if [[ $output == *"refused by policy ("* ||
    $output =~ "OCI runtime create failed: mounts["[0-9]+"] (" ]]; then
    echo "# refused: ${output%%$'\n'*}" >&3
    return 0
  fi
  assert_success
  assert_line done
}

@test "symlinked mount targets in the image (/evil -> host dir) do not reach the host" {
  # The targets exist inside the image too: mounts follow them there.
  local src
  src=$(shared_dir src)
  run dk run --rm "${RUN[@]}" --tmpfs /evil --tmpfs /evil2/t -v "$src:/evil2/b" \
    "$IMAGE" sh -c 'touch /evil/m1 /evil2/t/m2 /evil2/b/m3; echo done'
  echo "# status=$status ${output//$'\n'/ | }" >&3
  assert_mounted_inside
}

@test "a symlinked mount target missing inside the image: refused or made inside, never on the host" {
  local src
  src=$(shared_dir src)
  run dk run --rm "${RUN[@]}" --tmpfs /gone -v "$src:/gone/b" \
    "$IMAGE" sh -c 'touch /gone/m1 /gone/b/m2; echo done'
  echo "# status=$status ${output//$'\n'/ | }" >&3
  assert_mounted_inside
}

@test "/dev/null a symlink (a volume over /dev): masked paths stay masked, the target is untouched" {
  # The volume's null points at a file in a second volume: a runtime that
  # follows it binds that file over the masked paths (CVE-2025-31133,
  # where the target is /proc/sys/kernel/core_pattern).
  [[ -e /proc/timer_list ]] || skip "the host has no /proc/timer_list to mask"
  local dev victim
  dev=$(shared_dir dev)
  victim=$(shared_dir victim)
  echo original >"$victim/f"
  chmod 666 "$victim/f"
  ln -s /victim/f "$dev/null"
  run dk run --rm "${RUN[@]}" -v "$dev:/dev" -v "$victim:/victim" "$IMAGE" \
    sh -c 'echo "timer_list:$(head -c 100 /proc/timer_list)"; echo pwned >/proc/timer_list; echo done'
  echo "# status=$status ${output//$'\n'/ | }" >&3
  check_started
  if ((STARTED)) && strict_checks; then
    assert_line "timer_list:"
  fi
  run cat "$victim/f"
  record_only && return 0
  assert_output original
}
