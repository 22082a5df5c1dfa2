# Shared by the docker escape suite: the engine suite's helpers (dk,
# run_flags, hardening, wait_for_log, docker_cgroup, with_tty,
# docker_teardown) plus the verdict logic of the bundle-level suite.
#
# The runtime under test is HD_DOCKER_RUNTIME (default hardened).  With
# HD_DOCKER_RUNTIME=runc the same tests drive dockerd's runc: they only
# record what happened, unless HD_STRICT=1, which applies hardened's
# assertions to runc as well (compare.sh builds its table that way).

# shellcheck disable=SC2034 # the globals here are the test files'
load ../../engines/helpers

ENGINE_RUNTIME=${HD_DOCKER_RUNTIME:-hardened}
BATS_TEST_NAME_PREFIX="docker/$ENGINE_RUNTIME: "
IMAGE=hd-escape:test
# The default policy's pids limit (src/libhardened/policy.c).
POLICY_PIDS_MAX=1024

setup() {
  engines_required
  read -ra RUN <<<"$(run_flags)"
  C=hd-sec-$ENGINE_RUNTIME-$BATS_TEST_NUMBER
}

teardown() {
  [[ -z ${HD_ENGINES_SKIP:-} ]] || return 0
  local vols
  docker_teardown || return 1
  mapfile -t vols < <(dk volume ls -q --filter "label=$TEST_LABEL")
  ((${#vols[@]} == 0)) || dk volume rm -f "${vols[@]}" >/dev/null
}

# Whether the hardening assertions apply to this run.
strict_checks() {
  hardening || [[ ${HD_STRICT:-0} == 1 ]]
}

# Non-strict runc run: say what runc did and end the test (it passes).
# shellcheck disable=SC2154 # status, output: set by bats' run
record_only() {
  strict_checks && return 1
  echo "# $ENGINE_RUNTIME: status=$status ${output//$'\n'/ | }" >&3
  return 0
}

# docker's own exit statuses for "the container never started" (run: 125,
# exec: 126 with the runtime's message).
runtime_error() {
  [[ $output == *"OCI runtime"* || $output == *"Error response from daemon"* ]]
}

# After `run dk run ...` or `run dk exec ...` of a hostile request, sets
# STARTED:
#   - refused by hardened's policy: the message names RULE (when given);
#     STARTED=0, there is nothing more to check;
#   - the runtime failed to start it for another reason: a failure for
#     hardened (it must refuse by policy or confine), a skip for runc
#     with the runtime's own error as the reason, since "did not start"
#     is not a defence;
#   - it ran: STARTED=1, the caller checks that the attempt failed inside.
# Call it as a statement, never in a condition: its assertions must be
# able to fail the test.
check_started() {
  local rule=${1:-}
  STARTED=1
  if [[ $output == *"refused by policy ("* ]]; then
    echo "# $(grep -o 'refused by policy ([a-z-]*)' <<<"$output" | head -n1)" >&3
    [[ -z $rule ]] || assert_output --partial "refused by policy ($rule)"
    STARTED=0
    return 0
  fi
  if ((status == 125 || status == 126)) && runtime_error; then
    if hardening; then
      fail "hardened did not start it and named no policy rule: $output"
    fi
    skip "$ENGINE_RUNTIME fails to start it: $(start_error)"
  fi
}

# The runtime's error, shortened, with the known cause on this host.
start_error() {
  local msg
  # runc nests its errors ("unable to start container process: unable
  # to apply caps: ..."): the innermost one says what went wrong.
  if [[ $output == *"unable to "* ]]; then
    msg="unable to ${output##*unable to }"
    msg=${msg%%$'\n'*}
    msg=${msg%%: unknown*}
  else
    msg=$(head -n1 <<<"$output")
  fi
  if [[ $msg == *"apply caps"* ]] && ! host_has_cap 24; then
    msg+=" (the host's bounding set lacks CAP_SYS_RESOURCE)"
  fi
  echo "$msg"
}

host_has_cap() { # host_has_cap BIT: in this shell's bounding set
  local bnd
  bnd=$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)
  (((0x$bnd >> $1) & 1))
}

# status_field NAME: the value of "NAME:" in $output (a /proc/PID/status).
status_field() {
  sed -n "s/^$1:[[:space:]]*//p" <<<"$output" | tr -d '\r' | head -n1
}

# The container process is confined: not root, no capabilities in any set,
# no_new_privs, a seccomp filter.  $output holds its /proc/self/status.
assert_confined() {
  local uid
  uid=$(status_field Uid)
  [[ -n $uid ]] || fail "no Uid line in: $output"
  [[ $uid != 0* ]] || fail "uid 0: $uid"
  [[ $(awk '{ print $2 }' <<<"$uid") != 0 ]] || fail "euid 0: $uid"
  local set
  for set in CapInh CapPrm CapEff CapBnd CapAmb; do
    assert_equal "$set=$(status_field "$set")" "$set=0000000000000000"
  done
  assert_equal "NoNewPrivs=$(status_field NoNewPrivs)" NoNewPrivs=1
  assert_equal "Seccomp=$(status_field Seccomp)" Seccomp=2
}

# The kernel-attack-surface probes, as one shell command.  open_by_handle_at
# is tried against /etc/hosts, which docker bind-mounts from the host's
# filesystem (the way the "shocker" exploit used /.dockerinit).
KERNEL_PROBES=(userns mount bpf io_uring keyctl open_by_handle_at)
kernel_probes() {
  echo "probe userns; probe mount; probe bpf; probe io_uring; probe keyctl;" \
    "probe open_by_handle_at /etc/hosts"
}

assert_kernel_probes_fail() {
  local p
  for p in "${KERNEL_PROBES[@]}"; do
    assert_line --regexp "^$p: E[A-Z0-9]+\$"
  done
}

# The host's namespace of TYPE, as readlink prints it.
host_ns() {
  readlink "/proc/self/ns/$1"
}

# A host directory a container may write into (any uid).
shared_dir() {
  local d=$BATS_TEST_TMPDIR/$1
  mkdir -p "$d"
  chmod 1777 "$d"
  echo "$d"
}
