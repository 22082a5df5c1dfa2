#!/usr/bin/env bats
# The audit trail: each override is a syslog (authpriv) line too.

load helpers

teardown() {
  if [[ -n ${SYSLOGD_PID:-} ]]; then
    kill "$SYSLOGD_PID" 2>/dev/null
    wait "$SYSLOGD_PID" 2>/dev/null
    rm -f /dev/log
  fi
  hd_teardown
}

@test "overrides reach syslog (authpriv) when something listens on /dev/log" {
  hardened_only
  [[ ! -e /dev/log ]] || skip "/dev/log exists: the host's syslog is not replaced"
  local log=$BATS_TEST_TMPDIR/syslog i
  "$BUSYBOX" syslogd -n -S -O "$log" &
  SYSLOGD_PID=$!
  for ((i = 0; i < 50; i++)); do [[ -S /dev/log ]] && break; sleep 0.1; done
  update_config '.process.user = {uid: 0, gid: 0}'
  run -0 hd run --bundle "$BUNDLE" "$CID"
  for ((i = 0; i < 50; i++)); do
    grep -q "container $CID: override" "$log" 2>/dev/null && break
    sleep 0.1
  done
  run cat "$log"
  assert_output --partial "container $CID: override (non-root): process.user.uid: 0 -> 65534"
}
