#!/usr/bin/env bats
# hardened against runc: exec, ps, the terminal.

load helpers

@test "compat: ps: the same header, the container's pid, options passed to ps(1)" {
  set_args /bin/sleep 1000
  both_run_detached "$CID"
  both ps "$CID"
  same_rc
  assert_equal "$(head -n1 <<<"$H_OUT")" "$(head -n1 <<<"$R_OUT")"
  [[ $(sed -n 2p <<<"$H_OUT") == *"sleep 1000"* ]] || fail "$H_OUT"
  [[ $(sed -n 2p <<<"$R_OUT") == *"sleep 1000"* ]] || fail "$R_OUT"
  # Words after the id go to ps(1); rows are the container's only.
  both ps "$CID" -e -o pid,comm
  same_rc
  assert_equal "$(head -n1 <<<"$H_OUT")" "$(head -n1 <<<"$R_OUT")"
  assert_equal "$(tail -n +2 <<<"$H_OUT" | awk '{print $2}')" sleep
  assert_equal "$(tail -n +2 <<<"$R_OUT" | awk '{print $2}')" sleep
  both ps --format json "$CID"
  same_rc
  assert_equal "$(jq -c 'map(type)' <<<"$H_OUT")" "$(jq -c 'map(type)' <<<"$R_OUT")"
  # A bad ps option: ps's own error, non-zero, on both.
  both ps "$CID" --no-such-ps-option
  same_rc
}

@test "compat: ps of a stopped container: the header alone (json: null), exit 0" {
  set_args /bin/sleep 1000
  both_run_detached "$CID"
  both kill "$CID" KILL
  both_wait_status "$CID" stopped
  both ps "$CID"
  same_rc
  ((H_RC == 0))
  same_out
  both ps --format json "$CID"
  same_rc
  same_out
}

@test "compat: exec returns the process's exit status" {
  set_args /bin/sleep 1000
  both_run_detached "$CID"
  both exec "$CID" /bin/sh -c 'exit 3'
  same_rc
  ((H_RC == 3))
  both exec --cwd /tmp -e FOO=bar "$CID" /bin/sh -c 'echo $FOO; pwd'
  same_rc
  same_out
  # What follows the id is the command, flags included (as in runc).
  both exec "$CID" /bin/echo --cwd /tmp
  same_rc
  same_out
}

@test "compat: exec into a paused container: refused, --ignore-paused runs it on resume" {
  set_args /bin/sleep 1000
  both_run_detached "$CID"
  both pause "$CID"
  same_rc
  both_status "$CID" paused
  both exec "$CID" /bin/true
  # The exit code of a runtime error in exec is issue 11 #5 (runc: 255).
  both_fail_in_one_line
  [[ $H_ERR == *--ignore-paused* && $R_ERR == *--ignore-paused* ]] ||
    fail "$H_ERR / $R_ERR"
  # With --ignore-paused the process joins the frozen cgroup and runs
  # once the container is resumed; exec waits (on both) until then.
  local t=$BATS_TEST_TMPDIR
  hd exec --ignore-paused "$CID" /bin/touch /tmp/ran </dev/null >"$t/he" 2>&1 &
  local hpid=$!
  ref exec --ignore-paused "$CID" /bin/touch /tmp/ran </dev/null >"$t/re" 2>&1 &
  local rpid=$!
  both resume "$CID"
  same_rc
  wait "$hpid" || fail "hardened exec --ignore-paused: $(<"$t/he")"
  wait "$rpid" || fail "reference exec --ignore-paused: $(<"$t/re")"
  both exec "$CID" /bin/ls /tmp/ran
  same_rc
  ((H_RC == 0))
}

@test "compat: exec --cgroup: / is the container's cgroup, SUB a cgroup below it" {
  set_args /bin/sleep 1000
  both_run_detached "$CID"
  both exec --cgroup / "$CID" /bin/true
  same_rc
  ((H_RC == 0))
  # A sub-cgroup that does not exist: refused by both.
  both exec --cgroup sub "$CID" /bin/true
  ((H_RC != 0 && R_RC != 0))
  make_sub_cgroup "$CGPATH" sub
  make_sub_cgroup "$RCGPATH" sub
  both exec --cgroup sub "$CID" /bin/cat /proc/self/cgroup
  same_rc
  ((H_RC == 0))
  # Inside the container's cgroup namespace: every hierarchy says /sub.
  assert_equal "$(cut -d: -f3 <<<"$H_OUT" | sort -u)" /sub
  assert_equal "$(cut -d: -f3 <<<"$R_OUT" | sort -u)" /sub
  # Never above the container's cgroup.
  both exec --cgroup ../x "$CID" /bin/true
  ((H_RC != 0 && R_RC != 0))
  both exec --cgroup /../.. "$CID" /bin/true
  ((H_RC != 0 && R_RC != 0))
}

@test "compat: exec -t without --console-socket uses the caller's terminal, LF line ends" {
  set_args /bin/sleep 1000
  both_run_detached "$CID"
  local h r
  h=$(under_tty "$HARDENED_BINARY" --root "$ROOT" exec -t "$CID" /bin/sh -c 'tty; echo two')
  r=$(under_tty "$HD_COMPAT_REFERENCE" --root "$RROOT" exec -t "$CID" /bin/sh -c 'tty; echo two')
  assert_equal "$(printf %q "$h")" "$(printf %q "$r")"
  assert_equal "$h" $'/dev/pts/0\ntwo'
}

@test "compat: run in the foreground on a terminal: the output keeps LF (no ONLCR)" {
  update_config '.process.terminal = true'
  set_args /bin/sh -c 'echo one; echo two'
  ref_bundle
  local h r
  h=$(under_tty "$HARDENED_BINARY" --root "$ROOT" run --bundle "$BUNDLE" "$CID")
  r=$(under_tty "$HD_COMPAT_REFERENCE" --root "$RROOT" run --bundle "$RBUNDLE" "$CID")
  assert_equal "$(printf %q "$h")" "$(printf %q "$r")"
  assert_equal "$h" $'one\ntwo'
}

@test "compat: exec -t -d without --console-socket is refused by both" {
  set_args /bin/sleep 1000
  both_run_detached "$CID"
  both exec -t -d "$CID" /bin/true
  both_fail_in_one_line
}
