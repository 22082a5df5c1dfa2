#!/usr/bin/env bats
# Hooks run as root on the host: a hostile config.json must not choose
# the binary (another container's image through /proc/<pid>/exe, a path
# swapped after the check), what it loads (LD_PRELOAD) or its argv.
# Each attack is refused by rule "hooks", or runs harmlessly.

load security-helpers

# A root-owned hook script in a directory of this test: it appends its
# name ($1) to $HOOKOUT.
make_hook() {
  HOOKDIR=${HOOKDIR:-$BATS_TEST_TMPDIR/hooks}
  HOOKOUT=$BATS_TEST_TMPDIR/hook.out
  mkdir -p "$HOOKDIR"
  printf '#!/bin/sh\necho %s >>%s\n' "$1" "$HOOKOUT" >"$HOOKDIR/$1"
  chmod 755 "$HOOKDIR" "$HOOKDIR/$1"
}

@test "hooks: a prestart hook of /proc/<another container's pid>/exe is refused" {
  # The victim: a container whose process is the image's busybox.
  local victim=${CID}v
  set_args /bin/sleep 1000
  run_detached "$victim"
  local pid
  pid=$(state_pid "$victim")
  local marker=$BATS_TEST_TMPDIR/ran-on-host
  # Without the check, /proc/<pid>/exe resolves (through the magic link)
  # to a name an allow-list may hold; busybox run as "sh" on the host
  # would then run as root there.
  allow_hooks "$(readlink "/proc/$pid/exe")" "/proc/$pid/exe" /bin/busybox
  CGPATH=/hardened-test-${CID}a
  CG_CHECK+=("$CGPATH")
  make_bundle "$BATS_TEST_TMPDIR/attacker"
  update_config '.hooks.prestart = [{path: $p, args: ["sh", "-c", $c]}]' \
    --arg p "/proc/$pid/exe" --arg c "touch $marker"
  run hd run --bundle "$BUNDLE" "${CID}a" </dev/null
  local attack_output=$output attack_status=$status
  hd delete -f "$victim"
  if is_hardened; then
    assert_output --partial "hooks.prestart[0].path does not open as a hook: /proc/$pid/exe: process $pid is not a host process"
  fi
  output=$attack_output status=$attack_status expect_refused hooks
  strict_checks || return 0
  [[ ! -e $marker ]]
}

@test "hooks: /proc/self/root/... and /proc/<pid>/root/... are refused" {
  allow_hooks /bin/true
  update_config '.hooks.prestart = [{path: "/proc/self/root/bin/true"}]'
  run hd run --bundle "$BUNDLE" "$CID" </dev/null
  expect_refused hooks
  update_config '.hooks.prestart = [{path: "/proc/1/root/bin/true"}]'
  run hd run --bundle "$BUNDLE" "$CID" </dev/null
  expect_refused hooks
}

@test "hooks: LD_PRELOAD and GCONV_PATH in a hook's env never reach it" {
  make_hook env-hook
  # The hook writes its environment.
  printf '#!/bin/sh\nenv >%s\n' "$HOOKOUT" >"$HOOKDIR/env-hook"
  allow_hooks "$HOOKDIR/env-hook"
  update_config '.hooks.prestart = [{path: $p, args: ["env-hook"],
      env: ["LD_PRELOAD=/nonexistent/evil.so", "GCONV_PATH=/tmp",
            "PATH=/tmp/evil:/bin", "LANG=C"]}]' --arg p "$HOOKDIR/env-hook"
  set_args /bin/true
  run hd run --bundle "$BUNDLE" "$CID" </dev/null
  strict_checks || return 0
  assert_success
  run cat "$HOOKOUT"
  refute_line --partial LD_PRELOAD
  refute_line --partial GCONV_PATH
  refute_line PATH=/tmp/evil:/bin
  assert_line LANG=C
}

@test "hooks: an argv outside the policy's shapes is refused" {
  make_hook shaped
  HOOK_POLICY=$(jq -cn --arg s "$HOOKDIR/shaped shaped --safe" \
    '{hook_args: [$s]}') allow_hooks "$HOOKDIR/shaped"
  update_config '.hooks.prestart = [{path: $p, args: ["shaped", "--evil"]}]' \
    --arg p "$HOOKDIR/shaped"
  run hd run --bundle "$BUNDLE" "$CID" </dev/null
  if is_hardened; then
    assert_output --partial "hooks.prestart[0].args [shaped,--evil]"
  fi
  expect_refused hooks
  [[ ! -e $HOOKOUT ]] || ! strict_checks
}

@test "hooks: dockerd as a hook takes only the libnetwork-setkey argv" {
  local dockerd
  dockerd=$(command -v dockerd) || skip "no dockerd on this host"
  # The built-in policy allows dockerd (docker's setkey hook).
  update_config '.hooks.prestart = [{path: $p, args: ["dockerd", "--version"]}]' \
    --arg p "$dockerd"
  run hd run --bundle "$BUNDLE" "$CID" </dev/null
  expect_refused hooks
}

@test "hooks: a hook path swapped after the check runs the checked binary" {
  make_hook checked
  make_hook swapped
  ln -s "$HOOKDIR/checked" "$HOOKDIR/link"
  allow_hooks "$HOOKDIR/checked" "$HOOKDIR/swapped"
  update_config '.hooks.poststop = [{path: $p}]' --arg p "$HOOKDIR/link"
  set_args /bin/true
  hd_create "$CID"
  # After create checked it, the symlink now names another allowed hook.
  ln -sfn "$HOOKDIR/swapped" "$HOOKDIR/link"
  hd start "$CID"
  wait_for_status "$CID" stopped
  hd delete "$CID"
  run cat "$HOOKOUT"
  strict_checks || return 0
  assert_output checked
}

@test "hooks: a hook path swapped during create (after the check) runs the checked binary" {
  make_hook checked
  make_hook swapped
  ln -s "$HOOKDIR/checked" "$HOOKDIR/link"
  # The first prestart hook swaps the second one's symlink: after the
  # overlay checked it, before it runs.
  printf '#!/bin/sh\nln -sfn %s %s\n' "$HOOKDIR/swapped" "$HOOKDIR/link" \
    >"$HOOKDIR/swapper"
  chmod 755 "$HOOKDIR/swapper"
  allow_hooks "$HOOKDIR/swapper" "$HOOKDIR/checked" "$HOOKDIR/swapped"
  update_config '.hooks.prestart = [{path: $s}, {path: $l}]' \
    --arg s "$HOOKDIR/swapper" --arg l "$HOOKDIR/link"
  set_args /bin/true
  run hd run --bundle "$BUNDLE" "$CID" </dev/null
  [[ $(readlink "$HOOKDIR/link") == "$HOOKDIR/swapped" ]]
  run cat "$HOOKOUT"
  strict_checks || return 0
  assert_output checked
}

@test "hooks: a hook that is not root-owned, or is group-writable, is refused" {
  make_hook loose
  allow_hooks "$HOOKDIR/loose"
  chmod 775 "$HOOKDIR/loose"
  update_config '.hooks.prestart = [{path: $p}]' --arg p "$HOOKDIR/loose"
  run hd run --bundle "$BUNDLE" "$CID" </dev/null
  expect_refused hooks
  chmod 755 "$HOOKDIR/loose"
  chown 1000 "$HOOKDIR/loose"
  run hd run --bundle "$BUNDLE" "$CID" </dev/null
  expect_refused hooks
}
