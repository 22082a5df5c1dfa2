#!/usr/bin/env bats
# Who the process is, asked for through docker: --group-add, --ulimit,
# --security-opt apparmor=. The bundle-level attacks are in
# tests/security/identity.bats.

load docker-security-helpers

# A 0640 root:adm file on the host, outside /tmp (which hardened covers).
adm_file() {
  ADM_FILE=$HD_SEC_OUTSIDE/adm-file-$BATS_TEST_NUMBER
  echo admsecret >"$ADM_FILE"
  chown 0:4 "$ADM_FILE"
  chmod 0640 "$ADM_FILE"
}

@test "--group-add 4 does not read the host's adm files (supplementary-groups)" {
  adm_file
  run dk run --rm "${RUN[@]}" --user 1000:1000 --group-add 4 --group-add 2000 \
    -v "$ADM_FILE:/adm-file:ro" "$IMAGE" sh -c 'grep ^Groups: /proc/self/status; cat /adm-file'
  rm -f "$ADM_FILE"
  check_started
  ((STARTED)) || return 0
  record_only && return 0
  refute_output --partial admsecret
  # docker lists the primary gid too; 4 is gone, 2000 kept
  local groups
  groups=" $(sed -n 's/^Groups://p' <<<"$output" | xargs) "
  [[ $groups != *" 4 "* && $groups == *" 2000 "* ]] || fail "Groups:$groups"
}

@test "--ulimit rtprio=99 gives 0 (rlimits)" {
  run dk run --rm "${RUN[@]}" --ulimit rtprio=99 "$IMAGE" \
    sh -c 'grep "^Max realtime priority" /proc/self/limits'
  check_started
  ((STARTED)) || return 0
  record_only && return 0
  assert_success
  assert_output --regexp '^Max realtime priority +0 +0 *$'
}

@test "--security-opt apparmor=docker-default: applied, or the drop recorded (lsm)" {
  run dk run -d --name "$C" "${RUN[@]}" --security-opt apparmor=docker-default \
    "$IMAGE" sleep 600
  check_started
  ((STARTED)) || return 0
  record_only && return 0
  run dk exec "$C" cat /proc/1/attr/current
  if grep -qw apparmor /sys/kernel/security/lsm 2>/dev/null; then
    assert_output "docker-default (enforce)"
  else
    # docker asks for no profile where the host has no AppArmor; when it
    # does, the container runs and `hardened check` style records say so
    refute_output --partial "(enforce)"
  fi
}

@test "--ipc container:X and --pid container:X join that container (host-namespace)" {
  run dk run -d --name "$C" "${RUN[@]}" --ipc shareable "$IMAGE" sleep 600
  check_started
  ((STARTED)) || return 0
  local ipc pid
  ipc=$(dk exec "$C" readlink /proc/self/ns/ipc)
  pid=$(dk exec "$C" readlink /proc/self/ns/pid)
  run dk run --rm "${RUN[@]}" --ipc "container:$C" --pid "container:$C" "$IMAGE" \
    sh -c 'readlink /proc/self/ns/ipc; readlink /proc/self/ns/pid'
  record_only && return 0
  assert_success
  assert_line --index 0 "$ipc"
  assert_line --index 1 "$pid"
}
