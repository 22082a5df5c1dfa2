#!/usr/bin/env bats
# Escaping limits: the pids limit holds whatever docker run or docker
# update asks for.

load docker-security-helpers

# The pids.max of container $C.
pids_max() {
  cat "$(docker_cgroup "$C" pids)/pids.max"
}

# $output of `probe forks N`: it was stopped by the limit, below POLICY_PIDS_MAX.
assert_forks_stopped() {
  assert_output --regexp '^forks=[0-9]+ stopped=EAGAIN$'
  local n=${output#forks=}
  n=${n%% *}
  ((n < POLICY_PIDS_MAX)) || fail "forks=$n: the pids limit did not hold"
  ((n > 5)) || fail "forks=$n: the container could barely fork"
}

@test "fork bomb with --pids-limit -1 stops at the policy limit" {
  # The probe forks at most 3000 sleeping children and then kills them,
  # so a runtime without a limit still finishes.
  run dk run --rm "${RUN[@]}" --pids-limit -1 "$IMAGE" probe forks 3000
  check_started
  ((STARTED)) || return 0
  record_only && return 0
  assert_success
  assert_forks_stopped
}

@test "--pids-limit -1: the cgroup's pids.max is the policy's" {
  run dk run -d --name "$C" "${RUN[@]}" --pids-limit -1 "$IMAGE" sleep 600
  check_started
  ((STARTED)) || return 0
  run pids_max
  record_only && return 0
  assert_output "$POLICY_PIDS_MAX"
}

@test "docker update raising the pids limit: refused or held at the policy's" {
  dk run -d --name "$C" "${RUN[@]}" --pids-limit 100 "$IMAGE" sleep 600 >/dev/null
  run pids_max
  assert_output 100
  local ask
  for ask in -1 100000; do
    # Refused or accepted: what counts is the limit in the cgroup.
    run dk update --pids-limit "$ask" "$C"
    echo "# update --pids-limit $ask: status=$status" >&3
    run pids_max
    if ! strict_checks; then
      echo "# $ENGINE_RUNTIME: pids.max after update --pids-limit $ask: $output" >&3
      continue
    fi
    [[ $output != max ]] || fail "update --pids-limit $ask: pids.max=max"
    ((output <= POLICY_PIDS_MAX)) || fail "update --pids-limit $ask: pids.max=$output"
  done
  run dk exec "$C" probe forks 3000
  record_only && return 0
  assert_success
  assert_forks_stopped
}

# Where the runtime makes the container's cgroup is the policy's
# (cgroup_parents): docker's --cgroup-parent cannot put it below a host
# service's cgroup.
@test "--cgroup-parent outside the policy's cgroup_parents is refused" {
  local parent=/hd-sec-parent-$BATS_TEST_NUMBER d left=()
  run dk run --rm "${RUN[@]}" --cgroup-parent "$parent" "$IMAGE" true
  # runc makes the parent and leaves it (it is not the container's).
  for d in /sys/fs/cgroup/*"$parent" /sys/fs/cgroup"$parent"; do
    [[ -d $d ]] || continue
    left+=("$d")
    rmdir "$d" 2>/dev/null || true
  done
  check_started cgroup-path
  record_only && return 0
  ((STARTED == 0)) || fail "started below $parent"
  ((${#left[@]} == 0)) || fail "left behind: ${left[*]}"
}
