# Shared helpers for the engine tests.  setup_suite.bash started the
# daemons and exported DOCKER_HOST, CONTAINERD_ADDRESS and HD_ENGINE_DIR.

bats_require_minimum_version 1.5.0

for _dir in /usr/lib/bats /usr/local/lib/bats /usr/lib/node_modules; do
  if [[ -f $_dir/bats-support/load.bash ]]; then
    load "$_dir/bats-support/load.bash"
    load "$_dir/bats-assert/load.bash"
    break
  fi
done
unset _dir

# shellcheck disable=SC2034 # used by the test files
IMAGE=hd-busybox:test
# Every container the tests make carries this label, so teardown finds
# them whatever the test did.
TEST_LABEL=org.hardened.engine-test=1

engines_required() {
  [[ -z ${HD_ENGINES_SKIP:-} ]] || skip "$HD_ENGINES_SKIP"
}

# Every engine call is bounded: a hung shim or runtime fails its test
# instead of stalling the suite (exit status 124 when the bound fires).
dk() {
  timeout -k 5 "${HD_TIMEOUT:-120}" docker "$@"
}

# `docker run`/`create` flags for every test container: never a network,
# and never a registry (--pull never: a missing image fails instead of
# reaching out). ENGINE_RUNTIME is set by the test file (hardened, or runc
# side by side).
run_flags() {
  echo --network none --pull never --runtime "$ENGINE_RUNTIME" --label "$TEST_LABEL"
}

# True when the runtime under test is hardened (the hardening applies).
hardening() {
  [[ $ENGINE_RUNTIME == hardened ]]
}

# Wait (bounded, ~30 s) until `docker logs NAME` contains TEXT.
wait_for_log() {
  local name=$1 text=$2 i
  for ((i = 0; i < 300; i++)); do
    dk logs "$name" 2>&1 | grep -qF -- "$text" && return 0
    sleep 0.1
  done
  echo "\"$text\" never appeared in the logs of $name:" >&2
  dk logs "$name" >&2
  return 1
}

# Wait (bounded) until the container's State.Status is STATUS.
wait_for_status() {
  local name=$1 status=$2 i
  for ((i = 0; i < 300; i++)); do
    [[ $(dk inspect -f '{{.State.Status}}' "$name" 2>/dev/null) == "$status" ]] &&
      return 0
    sleep 0.1
  done
  echo "$name never reached status $status" >&2
  return 1
}

# The cgroup directory of a docker container for CONTROLLER (v1 hierarchy
# when the controller is mounted there, else the unified one).
docker_cgroup() {
  local name=$1 ctrl=$2 id
  id=$(dk inspect -f '{{.Id}}' "$name") || return 1
  if [[ -d /sys/fs/cgroup/$ctrl/docker/$id ]]; then
    echo "/sys/fs/cgroup/$ctrl/docker/$id"
  elif [[ -d /sys/fs/cgroup/docker/$id ]]; then
    echo "/sys/fs/cgroup/docker/$id"
  else
    echo "no $ctrl cgroup for $name ($id)" >&2
    return 1
  fi
}

# Run a command under a pseudo-terminal of ROWSxCOLS: docker -t needs its
# client to sit on a tty.  `script` is util-linux, present everywhere.
# script(1) hands its -c string to $SHELL, and printf %q may quote with
# bash's $'...' (for a newline, say), which dash reads as a literal '$'
# followed by a quoted string: so the shell is pinned to bash here, not
# taken from whoever runs the tests (CI's is /bin/sh).
with_tty() {
  local rows=$1 cols=$2 cmd
  shift 2
  cmd=$(printf '%q ' "$@")
  SHELL=$BASH timeout -k 5 "${HD_TIMEOUT:-120}" \
    script -qec "stty rows $rows cols $cols; $cmd" /dev/null </dev/null
}

# teardown: remove this test's containers, then fail the test when the
# runtime kept state for a container that no longer exists.
docker_teardown() {
  [[ -z ${HD_ENGINES_SKIP:-} ]] || return 0
  local ids
  mapfile -t ids < <(dk ps -aq --filter "label=$TEST_LABEL")
  ((${#ids[@]} == 0)) || dk rm -f "${ids[@]}" >/dev/null
  local left
  left=$(find "$HD_ENGINE_DIR/docker-exec" -mindepth 3 -maxdepth 3 \
    -path '*/runtime-*/moby/*' 2>/dev/null)
  if [[ -n $left ]]; then
    echo "runtime state left behind after docker rm: $left" >&2
    return 1
  fi
}
