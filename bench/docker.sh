#!/bin/bash
# bench/docker.sh: end to end through docker, hardened against crun and runc.
#
#   bench/docker.sh [-n N] [-r "hardened crun runc"] [-H PATH] [-o FILE] [-k] [-E] [-U]
#
#   -n N      samples per figure and runtime (default 30)
#   -r LIST   runtimes to compare (default "hardened crun runc")
#   -H PATH   the hardened binary (default: `hardened` in PATH)
#   -o FILE   also write the table (markdown) to FILE
#   -k        keep the work directory (raw samples, daemon logs)
#   -E        skip the `docker exec` figure
#   -U        keep the host's cgroup layout (the unified hierarchy stays
#             mounted; crun 1.8 then fails on a hybrid host)
#
# Starts a private containerd + dockerd (tests/engines/daemons.sh: own data
# root, exec root, pid files and sockets under a temp dir; no bridge, no
# iptables, no forwarding; every container --network none), imports a
# busybox image with `docker import`, and times, for every runtime in the
# same run and alternating (the order rotates every iteration):
#   docker run --rm --network none --pull never --runtime RT IMAGE true
#   docker exec CTR true      (CTR: a `sleep` container of that runtime)
# Reported: median and p90 per runtime and the ratios hardened/crun and
# hardened/runc of the medians, all from this one run.  Root only.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
engines=$(cd "$here/../tests/engines" && pwd)
N=30
RUNTIMES="hardened crun runc"
HARDENED=$(command -v hardened || true)
OUT=""
KEEP=0
EXEC=1
UNIFIED=0
while getopts "n:r:H:o:kEUh" opt; do
  case $opt in
  n) N=$OPTARG ;;
  r) RUNTIMES=$OPTARG ;;
  H) HARDENED=$OPTARG ;;
  o) OUT=$OPTARG ;;
  k) KEEP=1 ;;
  E) EXEC=0 ;;
  U) UNIFIED=1 ;;
  *) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
[[ $(id -u) == 0 ]] || { echo "bench/docker: needs root" >&2; exit 1; }
[[ -n $HARDENED && -x $HARDENED ]] || {
  echo "bench/docker: no hardened binary (use -H PATH)" >&2
  exit 1
}
HARDENED=$(readlink -f "$HARDENED")
for c in dockerd containerd docker jq cc unshare; do
  command -v $c >/dev/null || { echo "bench/docker: $c is not installed" >&2; exit 1; }
done

# The same cgroup layout for all three runtimes as in bench/run.sh: crun 1.8
# refuses this hybrid host (hugetlb is bound to the cgroup2 hierarchy at
# /sys/fs/cgroup/unified, and no v1 hierarchy mounts it).  So the daemons
# are started in a private mount namespace where the unified hierarchy is
# unmounted: containerd, its shims and the three runtimes then all see pure
# cgroup v1.  dockerd mounts no cgroup hierarchy itself, and its default
# driver on cgroup v1 is cgroupfs (checked below, in `docker info`).
if [[ -z ${HD_DOCKER_BENCH_NS:-} ]]; then
  exec unshare -m --propagation private env HD_DOCKER_BENCH_NS=1 "$0" "$@"
fi
CGROUP_NOTE="host layout"
# Never in the host's mount namespace, whatever the environment says.
if [[ $(readlink /proc/self/ns/mnt) == "$(readlink /proc/1/ns/mnt)" ]]; then
  echo "bench/docker: not in a private mount namespace" >&2
  exit 1
fi
if ((UNIFIED)); then
  :
elif [[ $(stat -f -c %T /sys/fs/cgroup 2>/dev/null) == tmpfs ]]; then
  if mountpoint -q /sys/fs/cgroup/unified &&
    [[ -n $(</sys/fs/cgroup/unified/cgroup.controllers) ]]; then
    umount /sys/fs/cgroup/unified
    CGROUP_NOTE="hybrid host; cgroup2 (unified) unmounted in the private mount namespace of the daemons: cgroup v1 for all"
  elif ! mountpoint -q /sys/fs/cgroup/unified; then
    CGROUP_NOTE="cgroup v1 for all (the unified hierarchy was already unmounted in this mount namespace, e.g. by bench/run.sh -D)"
  fi
fi

# Short paths: unix socket paths are limited to 108 bytes.
WORK=$(mktemp -d /tmp/hddk.XXXXXX)
ENG=$WORK/e
RESULTS=$WORK/results.txt
LOG=$WORK/docker.log
: >"$RESULTS"
export DOCKER_CONFIG=$WORK/docker-cli # the CLI writes nothing to ~/.docker
mkdir -p "$DOCKER_CONFIG"
SPAWN=$WORK/spawn-time
cc -O2 -o "$SPAWN" "$here/spawn-time.c"

cleanup() {
  local rc=$?
  progress ""
  ((KEEP)) && cp "$ENG"/*.log "$WORK/" 2>/dev/null
  remove_crun_unified_leftovers docker
  # Containers, shims, daemons (by their recorded pids), mounts, ENG.
  "$engines/daemons.sh" stop "$ENG" || true
  if ((KEEP)); then
    echo "bench/docker: raw samples and logs in $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  return $rc
}
trap cleanup EXIT

# --- the daemons ------------------------------------------------------------
# daemons.sh registers "hardened" (and "hardened-strict") in its own
# daemon.json and leaves runc as dockerd's built-in runtime.  crun is added
# to that daemon.json and dockerd reloads its runtimes on SIGHUP, so the
# helper is used as it is (a reload takes the runtimes from the file only,
# dropping daemons.sh's --add-runtime hardened=..., so "hardened" goes into
# the file too, with the same path).  $$ is this script: daemons.sh's guard stops the
# daemons if the script is killed before its EXIT trap runs.
HARDENED_BINARY=$HARDENED "$engines/daemons.sh" start "$ENG" "$$" >&2 || {
  echo "bench/docker: the daemons did not start" >&2
  exit 1
}
# shellcheck disable=SC1091
source "$ENG/env"
export DOCKER_HOST
if [[ " $RUNTIMES " == *" crun "* ]]; then
  CRUN=$(command -v crun) || { echo "bench/docker: crun not found" >&2; exit 1; }
  jq --arg c "$CRUN" --arg h "$HARDENED" \
    '.runtimes.crun = {path: $c} | .runtimes.hardened = {path: $h}' \
    "$ENG/daemon.json" >"$ENG/daemon.json.new"
  mv "$ENG/daemon.json.new" "$ENG/daemon.json"
  kill -HUP "$(<"$ENG/dockerd.bgpid")"
  for ((i = 0; i < 100; i++)); do
    docker info --format '{{json .Runtimes}}' 2>/dev/null | jq -e 'has("crun") and has("hardened")' >/dev/null && break
    sleep 0.1
  done
fi
RTS_JSON=$(docker info --format '{{json .Runtimes}}')
for rt in $RUNTIMES; do
  jq -e --arg r "$rt" 'has($r)' <<<"$RTS_JSON" >/dev/null ||
    { echo "bench/docker: dockerd has no runtime $rt: $RTS_JSON" >&2; exit 1; }
done
DRIVER=$(docker info --format '{{.CgroupDriver}} driver, cgroup v{{.CgroupVersion}}')

# The image: the engine tests' busybox rootfs (setup_suite.bash), imported.
IMAGE=hd-busybox:bench
# shellcheck disable=SC1091
source "$engines/setup_suite.bash"
HD_ENGINE_DIR=$ENG build_busybox_tar "$WORK/rootfs.tar"
docker import --change 'ENV PATH=/bin' "$WORK/rootfs.tar" "$IMAGE" >/dev/null

# --- figures ------------------------------------------------------------------
RUN=(--network none --pull never)

timed() { # timed TAG RT COMMAND...: one timed docker CLI call
  local tag=$1 rt=$2
  shift 2
  "$SPAWN" -o "$RESULTS" -t "$tag $rt" "$@" >>"$LOG" 2>&1 ||
    echo "bench/docker: $rt: $tag failed (see $LOG)" >&2
}

bench_run() {
  local i rt
  for ((i = 0; i < N; i++)); do
    progress "docker run $((i + 1))/$N"
    for rt in $(order "$i"); do
      timed drun "$rt" docker run --rm "${RUN[@]}" --runtime "$rt" "$IMAGE" true
    done
  done
}

bench_exec() {
  local i rt
  for rt in $RUNTIMES; do
    docker run -d --name "hdb-exec-$rt" "${RUN[@]}" --runtime "$rt" "$IMAGE" \
      sleep 3600 >>"$LOG" 2>&1
  done
  for ((i = 0; i < N; i++)); do
    progress "docker exec $((i + 1))/$N"
    for rt in $(order "$i"); do
      timed dexec "$rt" docker exec "hdb-exec-$rt" true
    done
  done
  for rt in $RUNTIMES; do
    docker rm -f "hdb-exec-$rt" >>"$LOG" 2>&1 || true
  done
}

# --- report (bench/run.sh's table) -------------------------------------------
# shellcheck source=bench/table.sh
. "$here/table.sh"
report() {
  local rows=("drun|docker run --rm true (ms)|3|1000")
  ((EXEC)) && rows+=("dexec|docker exec true (ms)|3|1000")
  bench_table "${rows[@]}"
}

machine() {
  machine_line
  echo "- cgroups: $CGROUP_NOTE; dockerd: $DRIVER"
  echo "- engine: dockerd $(docker version --format '{{.Server.Version}}'), containerd $(containerd --version | awk '{print $3}') (runc v2 shim), docker CLI $(docker version --format '{{.Client.Version}}')"
  local rt bin
  for rt in $RUNTIMES; do
    case $rt in hardened) bin=$HARDENED ;; *) bin=$(command -v "$rt") ;; esac
    echo "- $rt: $("$bin" --version 2>/dev/null | head -n1)"
  done
  echo "- N=$N, $(date -u +%Y-%m-%dT%H:%MZ)"
}

# --- main -----------------------------------------------------------------------
# Warm every runtime (and the image's layers, the daemon's caches) untimed.
for rt in $RUNTIMES; do
  for i in 1 2; do
    docker run --rm "${RUN[@]}" --runtime "$rt" "$IMAGE" true >>"$LOG" 2>&1 || {
      echo "bench/docker: $rt cannot run the image:" >&2
      tail -n 5 "$LOG" >&2
      exit 1
    }
  done
done
bench_run
((EXEC)) && bench_exec
progress ""
{
  report
  echo
  machine
} | tee ${OUT:+"$OUT"}
