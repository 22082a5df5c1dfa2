#!/usr/bin/env bats
# Load: many lifecycles in a row leave no fds, mounts, cgroups, state dirs
# or zombies behind; parallel runs against one --root do not corrupt state.

load ../integration/helpers

# STRESS_CYCLES: create/start/delete cycles (default 500). On this 2-core
# test machine 500 cycles take well under the 3-minute budget.
: "${STRESS_CYCLES:=500}"

count_fds() { ls /proc/$$/fd | wc -l; }
count_own_mounts() { grep -cF -- "$BATS_TEST_TMPDIR" /proc/self/mountinfo || true; }
count_cgroups() {
  local n=0 ctrl
  for ctrl in "${CG_CONTROLLERS[@]}" unified; do
    [[ -d $(cgroup_dir "$ctrl" "$CGPATH") ]] && n=$((n + 1))
  done
  echo "$n"
}
# Zombies whose parent is this test shell (a runtime that forgot to reap
# leaves them with its own parent, the test, once it exits).
count_zombies() {
  local n=0 f
  for f in /proc/[0-9]*/stat; do
    read -r _ _ state ppid _ <"$f" 2>/dev/null || continue
    [[ $state == Z && ($ppid == $$ || $ppid == 1) ]] && n=$((n + 1))
  done
  echo "$n"
}

@test "$STRESS_CYCLES create/start/delete cycles leave nothing behind" {
  set_args true
  local fds mounts cgroups zombies i
  fds=$(count_fds)
  mounts=$(count_own_mounts)
  cgroups=$(count_cgroups)
  zombies=$(count_zombies)
  for ((i = 0; i < STRESS_CYCLES; i++)); do
    hd create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/err" ||
      fail "cycle $i: create: $(cat "$BATS_TEST_TMPDIR/err")"
    hd start "$CID" 2>"$BATS_TEST_TMPDIR/err" ||
      fail "cycle $i: start: $(cat "$BATS_TEST_TMPDIR/err")"
    # delete --force: the init may still be running `true`.
    hd delete --force "$CID" 2>"$BATS_TEST_TMPDIR/err" ||
      fail "cycle $i: delete: $(cat "$BATS_TEST_TMPDIR/err")"
  done
  assert_equal "$(count_fds)" "$fds"
  assert_equal "$(count_own_mounts)" "$mounts"
  assert_equal "$(count_cgroups)" "$cgroups"
  run ls -A "$ROOT"
  assert_output ""
  # Zombies of a container's init are reaped by whoever adopted them; give
  # the system a bounded moment, then compare.
  for ((i = 0; i < 50; i++)); do
    (($(count_zombies) <= zombies)) && break
    sleep 0.1
  done
  (($(count_zombies) <= zombies)) || fail "zombies: $zombies -> $(count_zombies)"
}

@test "20 parallel runs against one --root" {
  set_args sh -c 'echo out-$0' x
  local i pids=()
  for ((i = 0; i < 20; i++)); do
    # Each its own id and cgroup; the same --root and bundle.
    mkdir -p "$BATS_TEST_TMPDIR/b$i"
    jq --arg cg "$CGPATH-$i" --arg a "p$i" \
      '.linux.cgroupsPath = $cg | .process.args[3] = $a' \
      "$BUNDLE/config.json" >"$BATS_TEST_TMPDIR/b$i/config.json"
    ln -s "$BUNDLE/rootfs" "$BATS_TEST_TMPDIR/b$i/rootfs"
    CG_CHECK+=("$CGPATH-$i")
  done
  for ((i = 0; i < 20; i++)); do
    hd run --bundle "$BATS_TEST_TMPDIR/b$i" "$CID-$i" </dev/null \
      >"$BATS_TEST_TMPDIR/out$i" 2>&1 &
    pids+=($!)
  done
  local failed=0
  for ((i = 0; i < 20; i++)); do
    wait "${pids[$i]}" || { failed=1; echo "run $i failed: $(cat "$BATS_TEST_TMPDIR/out$i")"; }
  done
  ((failed == 0))
  for ((i = 0; i < 20; i++)); do
    assert_equal "$(cat "$BATS_TEST_TMPDIR/out$i")" "out-p$i"
  done
  # Every run removed its own state (no -d, no --keep) and list still works.
  run hd list -q
  assert_success
  assert_output ""
  run ls -A "$ROOT"
  assert_output ""
}

@test "20 parallel detached runs, then list and state agree" {
  set_args sleep 60
  local i pids=()
  for ((i = 0; i < 20; i++)); do
    mkdir -p "$BATS_TEST_TMPDIR/b$i"
    jq --arg cg "$CGPATH-$i" '.linux.cgroupsPath = $cg' \
      "$BUNDLE/config.json" >"$BATS_TEST_TMPDIR/b$i/config.json"
    ln -s "$BUNDLE/rootfs" "$BATS_TEST_TMPDIR/b$i/rootfs"
    CG_CHECK+=("$CGPATH-$i")
  done
  for ((i = 0; i < 20; i++)); do
    hd run -d --bundle "$BATS_TEST_TMPDIR/b$i" "$CID-$i" </dev/null \
      >/dev/null 2>"$BATS_TEST_TMPDIR/err$i" &
    pids+=($!)
  done
  for ((i = 0; i < 20; i++)); do
    wait "${pids[$i]}" || fail "run -d $i: $(cat "$BATS_TEST_TMPDIR/err$i")"
  done
  run hd list -q
  assert_success
  assert_equal "${#lines[@]}" 20
  for ((i = 0; i < 20; i++)); do
    run hd state "$CID-$i"
    assert_success
    assert_equal "$(jq -r .status <<<"$output")" running
  done
  for ((i = 0; i < 20; i++)); do
    hd delete --force "$CID-$i" &
  done
  wait
  run ls -A "$ROOT"
  assert_output ""
}
