#!/bin/bash
# Start and stop a private containerd and dockerd for the engine tests.
#
#   daemons.sh start DIR [PID]
#                           start both daemons with all their state under DIR;
#                           writes DIR/env (source it for DOCKER_HOST etc.).
#                           With PID, a guard stops them once PID is gone, so
#                           a killed test run cannot leak them.
#   daemons.sh stop DIR     stop them by the pids recorded in DIR, remove
#                           the engines' parent cgroups that start did not
#                           find (non-zero when one is still in use), then
#                           remove DIR
#
# Nothing is shared with a system docker or containerd: each daemon gets its
# own root, state, socket and pid file under DIR, so the tests run the same on
# a fresh machine where docker.io and containerd were only just installed
# (and the packaged daemons may or may not be running).
#
# Network: this machine (and CI) must not send traffic to private ranges, so
# dockerd never gets a bridge and never touches iptables or forwarding.
# Every test container is started with --network none on top of that.
#
# HARDENED_BINARY is registered as the runtime "hardened"; runc, when
# installed, stays available as dockerd's built-in "runc".

set -euo pipefail

die() {
  echo "daemons.sh: $*" >&2
  exit 1
}

# Wait up to ~60 s for a command to succeed; show the log on failure.
wait_for() {
  local what=$1 log=$2 i
  shift 2
  for ((i = 0; i < 600; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "daemons.sh: $what did not come up; its log:" >&2
  tail -n 40 "$log" >&2
  return 1
}

start_containerd() {
  local dir=$1
  # Only what the tests use: no CRI plugin (it wants CNI and a network).
  cat >"$dir/containerd.toml" <<EOF
version = 2
root = "$dir/containerd-root"
state = "$dir/containerd-state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$dir/containerd.sock"
[ttrpc]
  address = "$dir/containerd.sock.ttrpc"
[debug]
  address = "$dir/containerd-debug.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/containerd-opt"
EOF
  # 3>&-: bats waits for fd 3 to close; a daemon must not hold it.
  containerd --config "$dir/containerd.toml" </dev/null >"$dir/containerd.log" 2>&1 3>&- &
  echo $! >"$dir/containerd.pid"
  wait_for containerd "$dir/containerd.log" \
    ctr --address "$dir/containerd.sock" version
}

start_dockerd() {
  local dir=$1 runtime=$2
  # --bridge=none and the three network flags are not optional: see above.
  dockerd \
    --bridge=none --iptables=false --ip6tables=false --ip-forward=false \
    --ip-masq=false \
    --containerd="$dir/containerd.sock" \
    --data-root="$dir/docker-data" --exec-root="$dir/docker-exec" \
    --pidfile="$dir/docker.pid" -H "unix://$dir/docker.sock" \
    --config-file="$dir/daemon.json" \
    --add-runtime "hardened=$runtime" \
    </dev/null >"$dir/dockerd.log" 2>&1 3>&- &
  echo $! >"$dir/dockerd.bgpid"
  wait_for dockerd "$dir/dockerd.log" \
    docker -H "unix://$dir/docker.sock" version
}

# Stops the daemons when the process that asked for them is gone.
start_guard() {
  local dir=$1 pid=$2 self
  self=$(readlink -f "${BASH_SOURCE[0]}")
  # shellcheck disable=SC2016 # expanded by the guard's own shell
  setsid bash -c 'while kill -0 "$1" 2>/dev/null && [[ -d $2 ]]; do sleep 1; done
    exec "$3" stop "$2"' guard "$pid" "$dir" "$self" \
    </dev/null >/dev/null 2>&1 3>&- &
}

# The parent cgroups the engines driven through these daemons put their
# containers under and never remove: dockerd's /docker, podman's
# /libpod_parent (with conmon's cgroup in it) and containerd's namespace
# of tests/engines/ctr.bats, /hardened-test.  The runtime removes each
# container's own directory; the parents are the engines'.
ENGINE_CGROUP_PARENTS=(docker libpod_parent hardened-test)

# Every such directory there is now, one a line, in every hierarchy.
engine_cgroup_parents() {
  local p
  for p in "${ENGINE_CGROUP_PARENTS[@]}"; do
    compgen -G "/sys/fs/cgroup/*/$p/" || true
    compgen -G "/sys/fs/cgroup/$p/" || true
  done
}

# Remove the parents that were not there at start, children first.  One
# that cannot be removed still holds a process: status 1.
remove_new_cgroup_parents() {
  local before=$1/cgroups.before d left rc=0
  [[ -f $before ]] || return 0
  while IFS= read -r d; do
    grep -qxF -- "$d" "$before" && continue
    find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
    if [[ -d $d ]]; then
      left=$(find "$d" -type d | tr '\n' ' ')
      echo "daemons.sh: cgroups still in use after the engines stopped: $left" >&2
      rc=1
    fi
  done < <(engine_cgroup_parents)
  return $rc
}

cmd_start() {
  local dir=$1 guard_pid=${2:-}
  local runtime=${HARDENED_BINARY:?set HARDENED_BINARY to the built binary}
  runtime=$(readlink -f "$runtime")
  [[ -x $runtime ]] || die "HARDENED_BINARY $runtime is not executable"
  command -v containerd >/dev/null || die "containerd is not installed"
  command -v dockerd >/dev/null || die "dockerd (docker.io) is not installed"
  mkdir -p "$dir"
  engine_cgroup_parents >"$dir/cgroups.before"
  # Our own daemon.json (the system's /etc/docker/daemon.json is not read):
  # contrib/docker/daemon.json with the paths of this build and this run,
  # so the shipped snippet is what the tests use for "hardened-strict".
  local contrib
  contrib=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../contrib/docker" && pwd)
  cp "$contrib/strict.conf" "$dir/strict.conf"
  sed -e "s|/usr/local/bin/hardened|$runtime|" \
    -e "s|/etc/hardened/strict.conf|$dir/strict.conf|" \
    -e '/"hardened": {/,/},/d' \
    "$contrib/daemon.json" >"$dir/daemon.json"
  [[ -n $guard_pid ]] && start_guard "$dir" "$guard_pid"
  start_containerd "$dir"
  start_dockerd "$dir" "$runtime"
  cat >"$dir/env" <<EOF
export DOCKER_HOST=unix://$dir/docker.sock
export CONTAINERD_ADDRESS=$dir/containerd.sock
export HD_ENGINE_DIR=$dir
EOF
}

# SIGTERM, then SIGKILL after ~20 s; only the pid we started.
stop_pid() {
  local pid=$1 i
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 200; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

# The containerd shims are separate processes (containerd-shim-runc-v2
# -address DIR/containerd.sock); they outlive containerd on purpose, so stop
# the ones that belong to this private containerd.
stop_shims() {
  local dir=$1 pid cmdline
  for pid in $(pgrep containerd-shim 2>/dev/null); do
    cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || continue
    [[ $cmdline == *"$dir/containerd.sock"* ]] && stop_pid "$pid"
  done
  return 0
}

cmd_stop() {
  local dir=$1
  [[ -d $dir ]] || return 0
  if [[ -S $dir/docker.sock ]]; then
    # Containers first, so their shims exit on their own.
    local ids
    mapfile -t ids < <(docker -H "unix://$dir/docker.sock" ps -aq 2>/dev/null)
    ((${#ids[@]} == 0)) || timeout 60 docker -H "unix://$dir/docker.sock" \
      rm -f "${ids[@]}" >/dev/null 2>&1 || true
  fi
  stop_pid "$(cat "$dir/dockerd.bgpid" 2>/dev/null)"
  stop_shims "$dir"
  stop_pid "$(cat "$dir/containerd.pid" 2>/dev/null)"
  # dockerd leaves its data root mounted (overlay2 layers, netns files).
  local m
  while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done < <(awk -v d="$dir/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
  local rc=0
  remove_new_cgroup_parents "$dir" || rc=1
  rm -rf "$dir"
  return $rc
}

case ${1:-} in
start) cmd_start "${2:?usage: daemons.sh start DIR [PID]}" "${3:-}" ;;
stop) cmd_stop "${2:?usage: daemons.sh stop DIR}" ;;
*) die "usage: daemons.sh start|stop DIR" ;;
esac
