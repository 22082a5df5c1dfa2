#!/usr/bin/env bats
# Runtime bugs: ways out through the runtime itself rather than the kernel.

load security-helpers

@test "process.cwd /proc/self/fd/N does not reach the host" {
  local n
  for n in 3 4 5 6 7; do
    update_config '.process.cwd = $c' --arg c "/proc/self/fd/$n"
    run_ctr sh -c 'pwd; ls ../../../ 2>/dev/null | head -n 50'
    if strict_checks; then
      # Either refused, or the cwd is not a leaked host directory: the
      # container sees only its own rootfs (its /bin/probe is there).
      if ((status == 0)); then
        refute_output --partial "$BATS_RUN_TMPDIR"
        [[ $output != *"bats"* ]]
      fi
    else
      echo "# runc fd $n: status=$status ${lines[0]:-}"
    fi
  done
  hd_teardown
}

@test "process.cwd /proc/self/cwd/.. is confined too" {
  update_config '.process.cwd = "/proc/self/cwd/../../../.."'
  run_ctr sh -c 'ls /proc/1/root/ | head; readlink /proc/self/cwd'
  if ((status == 0)); then
    assert_line --partial probe >/dev/null 2>&1 || true
    refute_output --partial "$BATS_RUN_TMPDIR"
  fi
}

@test "exec --cwd /proc/self/fd/N does not reach the host" {
  set_args sleep 60
  run_detached "$CID"
  local n
  for n in 3 4 5 6 7; do
    run hd exec --cwd "/proc/self/fd/$n" "$CID" sh -c 'ls -a ../../..; readlink /proc/self/cwd'
    refute_output --partial "$BATS_RUN_TMPDIR"
    refute_output --partial "state"
  done
}

@test "the container process has only fds 0, 1, 2" {
  run_ctr probe fds
  assert_success
  assert_equal "${#lines[@]}" 3
  assert_line --index 0 --regexp '^fd 0 -> '
  assert_line --index 1 --regexp '^fd 1 -> '
  assert_line --index 2 --regexp '^fd 2 -> '
}

@test "create + start: the container process has only fds 0, 1, 2" {
  set_args probe fds
  hd_create "$CID"
  # fds the runtime itself had open while creating.
  exec 7>"$BATS_TEST_TMPDIR/leak-bait"
  run hd start "$CID"
  exec 7>&-
  assert_success
  local i
  for ((i = 0; i < 100; i++)); do
    [[ $(wc -l <"$BATS_TEST_TMPDIR/$CID.out") -ge 3 ]] && break
    sleep 0.1
  done
  run cat "$BATS_TEST_TMPDIR/$CID.out"
  assert_equal "${#lines[@]}" 3
  refute_output --partial leak-bait
}

@test "exec: the process has only fds 0, 1, 2 (runtime fds not leaked)" {
  set_args sleep 60
  run_detached "$CID"
  run hd exec "$CID" probe fds
  assert_success
  assert_equal "${#lines[@]}" 3
  run hd exec -u 0 --cap CAP_SYS_ADMIN "$CID" probe fds
  assert_success
  assert_equal "${#lines[@]}" 3
}

@test "an fd inherited by the runtime is not passed into the container" {
  exec 9<"$BATS_TEST_DIRNAME"
  run_ctr probe fds
  exec 9<&-
  assert_success
  refute_output --partial "fd 9"
  refute_output --partial "$BATS_TEST_DIRNAME"
}

@test "CVE-2019-5736: a runtime entering a container runs from a read-only image" {
  hardened_only
  set_args sleep 60
  run_detached "$CID"
  # A long exec keeps its runtime process alive while we look at it.
  "$HARDENED_BINARY" --root "$ROOT" exec "$CID" sleep 30 \
    </dev/null >/dev/null 2>&1 &
  local pid=$! i exe=""
  # It re-executes itself from a private read-only mount (exe reads "/")
  # or, where the mount API is refused, from a sealed memfd.
  for ((i = 0; i < 100; i++)); do
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null)
    [[ $exe == / || $exe == /memfd:* ]] && break
    sleep 0.05
  done
  [[ $exe == / || $exe == /memfd:* ]] || fail "exe of the exec runtime: '$exe'"
  # Hold the image the way an attacker in the container would, let the
  # runtime exit (no more ETXTBSY), then try to open it for writing.
  exec 8<"/proc/$pid/exe"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  run -1 bash -c 'exec 9>>/proc/self/fd/8' 2>&1
  exec 8<&-
  assert_output --regexp '(Read-only file system|Text file busy|Operation not permitted)'
}

@test "CVE-2019-5736: the container cannot write the runtime during exec" {
  set_args sleep 60
  run_detached "$CID"
  # Inside, every process it can see is the container's own; /proc/PID/exe
  # of each must refuse a write (they run from a read-only image anyway).
  run hd exec -u 0 --cap CAP_SYS_ADMIN "$CID" sh -c \
    'for p in /proc/[0-9]*; do probe exe-write ${p#/proc/}; done'
  strict_checks || return 0
  refute_output --partial "exe-write: ok"
}

@test "a symlinked mount target in the image does not reach the host" {
  ln -s /etc "$BUNDLE/rootfs/evil"
  ln -s ../../../../../../etc "$BUNDLE/rootfs/evil2"
  local before
  before=$(grep -c ' /etc ' /proc/self/mountinfo || true)
  update_config '.mounts += [
    {destination: "/evil", type: "tmpfs", source: "tmpfs", options: ["size=1m"]},
    {destination: "/evil2/x", type: "tmpfs", source: "tmpfs", options: ["size=1m"]}]'
  run_ctr sh -c 'touch /evil/hd-escape-marker 2>&1; touch /evil2/hd-escape-marker 2>&1; echo ran'
  echo "# status=$status $output"
  [[ ! -e /etc/hd-escape-marker ]]
  [[ ! -e /etc/x ]]
  assert_equal "$(grep -c ' /etc ' /proc/self/mountinfo || true)" "$before"
  run grep -c hd-escape-marker /proc/self/mountinfo
  assert_output 0
}

@test "a bind target symlinked out of the rootfs does not reach the host" {
  ln -s /tmp "$BUNDLE/rootfs/evilbind"
  mkdir -p "$BATS_TEST_TMPDIR/src"
  update_config '.mounts += [{destination: "/evilbind", type: "bind",
    source: $s, options: ["rbind", "ro"]}]' --arg s "$BATS_TEST_TMPDIR/src"
  local before
  before=$(wc -l </proc/self/mountinfo)
  run_ctr true
  assert_equal "$(wc -l </proc/self/mountinfo)" "$before"
  run grep -F " /tmp " /proc/self/mountinfo
  refute_output --partial "$BATS_TEST_TMPDIR/src"
}

@test "/dev/null a symlink in the image: masked paths stay masked" {
  # Without a /dev mount the image's own /dev is what the runtime sees.
  update_config '.mounts |= map(select(.destination | startswith("/dev") | not))'
  rm -f "$BUNDLE/rootfs/dev/null"
  ln -s /proc/sys/kernel/core_pattern "$BUNDLE/rootfs/dev/null"
  local core
  core=$(cat /proc/sys/kernel/core_pattern)
  [[ -e /proc/timer_list ]] || skip "host lacks /proc/timer_list"
  run_ctr sh -c 'wc -c </proc/timer_list; echo "|/tmp/pwn" >/proc/timer_list; echo done'
  echo "# status=$status $output"
  assert_equal "$(cat /proc/sys/kernel/core_pattern)" "$core"
  if ((status == 0)); then
    assert_line --index 0 0
  fi
}

@test "/dev/null a symlink to a host file: the host file is untouched" {
  update_config '.mounts |= map(select(.destination | startswith("/dev") | not))'
  echo original >"$BATS_TEST_TMPDIR/victim"
  rm -f "$BUNDLE/rootfs/dev/null"
  ln -s "$BATS_TEST_TMPDIR/victim" "$BUNDLE/rootfs/dev/null"
  run_ctr sh -c 'echo pwned >/dev/null; echo pwned >/proc/timer_list; echo done'
  assert_equal "$(cat "$BATS_TEST_TMPDIR/victim")" original
}
