#!/usr/bin/env bats
# hardened against runc: the lifecycle, state and list, errors.

load helpers

@test "compat: create, start, kill, delete: same exit codes and status at each step" {
  set_args /bin/sleep 1000
  ref_bundle
  both create --bundle @B@ "$CID"
  same_rc
  both_status "$CID" created
  both start "$CID"
  same_rc
  both_status "$CID" running
  both kill "$CID" KILL
  same_rc
  both_wait_status "$CID" stopped
  both delete "$CID"
  same_rc
  ((H_RC == 0))
  both state "$CID"
  same_rc
  both_fail_in_one_line
}

@test "compat: state has the same keys and types (hardened adds its overrides annotation)" {
  set_args /bin/sleep 1000
  ref_bundle
  both create --bundle @B@ "$CID"
  ((H_RC == 0 && R_RC == 0))
  both state "$CID"
  same_rc
  local shape='with_entries(.value |= type) | del(.annotations)'
  assert_equal "$(jq -cS "$shape" <<<"$H_OUT")" "$(jq -cS "$shape" <<<"$R_OUT")"
  assert_equal "$(jq -r .owner <<<"$H_OUT")" "$(jq -r .owner <<<"$R_OUT")"
  # Allowed difference: every container's state carries the overlay's
  # record (org.hardened.overrides), even when the spec had no annotations.
  jq -e '.annotations["org.hardened.overrides"] | fromjson | type == "array"' \
    <<<"$H_OUT"
}

@test "compat: list, list -q and list --format json have the same shape" {
  set_args /bin/sleep 1000
  both_run_detached "$CID"
  both list
  same_rc
  assert_equal "$(head -n1 <<<"$H_OUT" | xargs)" "$(head -n1 <<<"$R_OUT" | xargs)"
  # ID PID STATUS BUNDLE CREATED OWNER: the same words but the bundle path.
  local cols='NR == 2 {print $1, ($2 > 0), $3, $6}'
  assert_equal "$(awk "$cols" <<<"$H_OUT")" "$(awk "$cols" <<<"$R_OUT")"
  both list -q
  same_rc
  same_out
  both list --format json
  same_rc
  local shape='map(with_entries(.value |= type) | del(.annotations))'
  assert_equal "$(jq -cS "$shape" <<<"$H_OUT")" "$(jq -cS "$shape" <<<"$R_OUT")"
}

@test "compat: an empty state root lists nothing, the same way" {
  both list -q
  same_rc
  same_out
  both list --format json
  same_rc
  assert_equal "$(jq -c . <<<"$H_OUT")" "$(jq -c . <<<"$R_OUT")"
}

@test "compat: commands on a container that does not exist fail the same way" {
  local cmd
  for cmd in state start pause resume ps delete kill; do
    both "$cmd" no-such-container
    same_rc
    both_fail_in_one_line
    [[ $H_ERR == *"does not exist"* && $R_ERR == *"does not exist"* ]] ||
      fail "$cmd: $H_ERR / $R_ERR"
  done
}

@test "compat: delete --force of a container that does not exist succeeds on both" {
  both delete --force no-such-container
  same_rc
  ((H_RC == 0))
}

@test "compat: delete of a running container is refused; --force after the id removes it" {
  set_args /bin/sleep 1000
  both_run_detached "$CID"
  both delete "$CID"
  same_rc
  both_fail_in_one_line
  both_status "$CID" running
  both delete "$CID" --force
  same_rc
  ((H_RC == 0))
  both state "$CID"
  same_rc
}

@test "compat: usage errors exit 1 on both" {
  both state
  same_rc
  both kill
  same_rc
  both state a b
  same_rc
  both state "$CID" --no-such-flag
  same_rc
  ((H_RC == 1))
}

@test "compat: kill ID 0 checks that the process exists; a stopped one is not running" {
  set_args /bin/sleep 1000
  ref_bundle
  both create --bundle @B@ "$CID"
  both kill "$CID" 0
  same_rc
  ((H_RC == 0))
  both_status "$CID" created
  both start "$CID"
  both kill "$CID" 0
  same_rc
  ((H_RC == 0))
  both_status "$CID" running
  both kill "$CID" KILL
  both_wait_status "$CID" stopped
  both kill "$CID" 0
  same_rc
  both_fail_in_one_line
  [[ $H_ERR == *"not running"* && $R_ERR == *"not running"* ]]
}

@test "compat: flags after the container id (kill ID SIG --all, delete ID --force)" {
  set_args /bin/sleep 1000
  both_run_detached "$CID"
  both kill "$CID" KILL --all
  same_rc
  ((H_RC == 0))
  both_wait_status "$CID" stopped
  both delete "$CID" --force
  same_rc
  ((H_RC == 0))
}

@test "compat: create --bundle after the id" {
  set_args /bin/sleep 1000
  ref_bundle
  both create "$CID" --bundle @B@
  same_rc
  ((H_RC == 0))
  both_status "$CID" created
}

@test "compat: checkpoint and restore: both refuse (hardened: not supported, rule unsupported)" {
  set_args /bin/sleep 1000
  both_run_detached "$CID"
  # The reference fails for want of criu (or checkpoints, then the
  # container is gone); hardened never implements them: the refusal
  # names the rule, in one line, and the container is untouched.
  run -1 hd checkpoint "$CID"
  assert_output "hardened: checkpoint is not supported (unsupported): hardened does not implement checkpoint and restore"
  run -1 hd restore --bundle "$BUNDLE" "$CID-2"
  assert_output --partial "restore is not supported (unsupported)"
  run -0 hd state "$CID"
  [[ $(jq -r .status <<<"$output") == running ]]
}

@test "compat: the overlay's differences name their rules (non-root, read-only-root)" {
  # A spec the overlay must change: uid 0 and a writable root.
  update_config '.process.user = {uid: 0, gid: 0} | .root.readonly = false'
  set_args /bin/sh -c 'id -u; touch /x 2>/dev/null && echo wrote || echo read-only'
  ref_bundle
  both run --keep --bundle @B@ "$CID"
  same_rc
  assert_equal "$R_OUT" $'0\nwrote'
  assert_equal "$H_OUT" $'65534\nread-only'
  overrides_name non-root "$CID"
  overrides_name read-only-root "$CID"
}

# listing DIR: "mode type name" of each entry, sorted.
listing() {
  (cd "$1" && stat -c '%a %F %n' -- * | sort)
}

@test "compat: the state directory: same modes, exec.fifo until start, nothing after delete" {
  set_args /bin/sleep 1000
  ref_bundle
  both create --bundle @B@ "$CID"
  ((H_RC == 0 && R_RC == 0))
  assert_equal "$(stat -c %a "$ROOT")" "$(stat -c %a "$RROOT")"
  assert_equal "$(stat -c %a "$ROOT/$CID")" "$(stat -c %a "$RROOT/$CID")"
  # Allowed differences: hardened keeps the spec the overlay produced
  # (config.json, 0600), which exec and delete use instead of the bundle's,
  # and the cgroup dirs create made (cgroup.owned, rule cgroup-path), the
  # only ones delete and kill --all act on.
  assert_equal "$(listing "$ROOT/$CID" | grep -v ' config.json$\| cgroup.owned$')" \
    "$(listing "$RROOT/$CID")"
  assert_equal "$(stat -c %a "$ROOT/$CID/config.json")" 600
  assert_equal "$(stat -c %a "$ROOT/$CID/cgroup.owned")" 600
  both start "$CID"
  assert_equal "$(listing "$ROOT/$CID" | grep -v ' config.json$\| cgroup.owned$')" \
    "$(listing "$RROOT/$CID")"
  both delete --force "$CID"
  same_rc
  assert_equal "$(ls -A "$ROOT")" ""
  assert_equal "$(ls -A "$RROOT")" ""
}
