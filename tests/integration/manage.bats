#!/usr/bin/env bats
# Commands on a running container: exec, ps, pause/resume, update, events,
# and the foreground terminal proxy of `run`.

load helpers

@test "exec runs in the container's namespaces and cgroup, hardened" {
  set_args /bin/sleep 1000
  run_detached "$CID"
  local pid
  pid=$(state_pid "$CID")
  run -0 hd exec "$CID" /bin/sh -c 'echo $$; readlink /proc/self/ns/pid; readlink /proc/self/ns/net; readlink /proc/self/ns/mnt'
  # pid 1 is the container's init, so the exec'd shell is a later pid
  [[ ${lines[0]} -gt 1 ]]
  assert_equal "${lines[1]}" "$(readlink /proc/$pid/ns/pid)"
  assert_equal "${lines[2]}" "$(readlink /proc/$pid/ns/net)"
  assert_equal "${lines[3]}" "$(readlink /proc/$pid/ns/mnt)"
  # the cgroup, seen from the host: the exec'd process counts against the
  # container's pids limit: the pids line of a v1 or hybrid host, the one
  # unified line ("0::") of pure cgroup v2
  hd exec -d --pid-file "$BATS_TEST_TMPDIR/e.pid" "$CID" /bin/sleep 500 \
    </dev/null >/dev/null 2>&1
  run -0 grep -E "^([0-9]+:pids|0:):$CGPATH\$" \
    "/proc/$(cat "$BATS_TEST_TMPDIR/e.pid")/cgroup"
}

@test "exec -u 0 and --cap stay non-root without capabilities" {
  hardened_only
  set_args /bin/sleep 1000
  run_detached "$CID"
  run -0 hd exec -u 0:0 --cap CAP_SYS_ADMIN "$CID" /bin/sh -c 'id -u; id -g; grep -E "^(CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status'
  assert_line -n 0 65534
  assert_line -n 1 65534
  assert_line "CapEff:	0000000000000000"
  assert_line "CapBnd:	0000000000000000"
  assert_line "NoNewPrivs:	1"
  assert_line "Seccomp:	2"
}

@test "exec --process JSON, -e and --cwd; exit code propagates" {
  set_args /bin/sleep 1000
  run_detached "$CID"
  jq -n '{args: ["/bin/sh", "-c", "echo $FOO; pwd; exit 5"], cwd: "/tmp",
          env: ["PATH=/bin", "FOO=bar"], user: {uid: 1000, gid: 1000}}' \
    >"$BATS_TEST_TMPDIR/p.json"
  run -5 hd exec --process "$BATS_TEST_TMPDIR/p.json" "$CID"
  assert_line -n 0 bar
  assert_line -n 1 /tmp
  run -0 hd exec -e FOO=baz --cwd /dev "$CID" /bin/sh -c 'echo $FOO; pwd'
  assert_line -n 0 baz
  assert_line -n 1 /dev
}

@test "exec of a missing command says not found" {
  set_args /bin/sleep 1000
  run_detached "$CID"
  run ! hd exec "$CID" /no/such/binary
  assert_output --partial "not found"
}

@test "exec -d --pid-file leaves the process running in the container" {
  set_args /bin/sleep 1000
  run_detached "$CID"
  hd exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$CID" /bin/sleep 500 \
    </dev/null >/dev/null 2>&1
  local pid
  pid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
  [[ -d /proc/$pid ]]
  run -0 hd ps --format json "$CID"
  assert_output --partial "$pid"
}

@test "ps --format json lists the container's host pids; table keeps the header" {
  set_args /bin/sleep 1000
  run_detached "$CID"
  local pid
  pid=$(state_pid "$CID")
  run -0 hd ps --format json "$CID"
  assert_equal "$(jq -r '.[0]' <<<"$output")" "$pid"
  run -0 hd ps "$CID"
  assert_line -n 0 --partial PID
  assert_output --partial "$pid"
}

@test "pause freezes, resume thaws, and state says so" {
  set_args /bin/sleep 1000
  run_detached "$CID"
  hd pause "$CID"
  assert_equal "$(hd state "$CID" | jq -r .status)" paused
  run ! hd pause "$CID"
  hd resume "$CID"
  assert_equal "$(hd state "$CID" | jq -r .status)" running
  run ! hd resume "$CID"
}

@test "update changes the pids limit but not above the policy" {
  set_args /bin/sleep 1000
  run_detached "$CID"
  local dir
  dir=$(cgroup_dir pids "$CGPATH")
  [[ -f $dir/pids.max ]] || dir=$(cgroup_dir unified "$CGPATH")
  hd update --pids-limit 50 "$CID"
  assert_equal "$(cat "$dir/pids.max")" 50
  if is_hardened; then
    echo '{"pids": {"limit": 100000}}' | hd update --resources - "$CID"
    assert_equal "$(cat "$dir/pids.max")" 1024
    echo '{"pids": {"limit": -1}}' | hd update -r - "$CID"
    assert_equal "$(cat "$dir/pids.max")" 1024
  fi
}

@test "update --memory sets the memory limit" {
  set_args /bin/sleep 1000
  run_detached "$CID"
  hd update --memory 64m "$CID"
  local dir
  dir=$(cgroup_dir memory "$CGPATH")
  if [[ -f $dir/memory.limit_in_bytes ]]; then
    assert_equal "$(cat "$dir/memory.limit_in_bytes")" $((64 << 20))
  else
    assert_equal "$(cat "$(cgroup_dir unified "$CGPATH")/memory.max")" $((64 << 20))
  fi
}

@test "events --stats prints one stats object with real counters" {
  hardened_only
  set_args /bin/sleep 1000
  run_detached "$CID"
  run -0 hd events --stats "$CID"
  assert_equal "$(jq -r .type <<<"$output")" stats
  assert_equal "$(jq -r .id <<<"$output")" "$CID"
  [[ $(jq -r .data.memory.usage.usage <<<"$output") -gt 0 ]]
  [[ $(jq -r .data.pids.current <<<"$output") -ge 1 ]]
  assert_equal "$(jq -r .data.pids.limit <<<"$output")" 100
}

@test "events of a stopped container fails" {
  hardened_only
  set_args /bin/true
  hd_create "$CID"
  hd start "$CID"
  wait_for_status "$CID" stopped
  run ! hd events --stats "$CID"
}

@test "run with process.terminal and no console socket proxies a pty" {
  hardened_only
  update_config '.process.terminal = true'
  set_args /bin/sh -c 'tty; echo out'
  run -0 hd run --bundle "$BUNDLE" "$CID" </dev/null
  assert_output --partial /dev/pts/0
  assert_output --partial out
}

@test "state shows the overlay's overrides as an annotation" {
  hardened_only
  update_config '.process.user = {uid: 0, gid: 0}'
  set_args /bin/sleep 1000
  run_detached "$CID"
  run -0 hd state "$CID"
  local ov
  ov=$(jq -r '.annotations["org.hardened.overrides"]' <<<"$output")
  assert_equal "$(jq -r '[.[] | select(.field == "process.user.uid")][0].enforced' <<<"$ov")" 65534
}
