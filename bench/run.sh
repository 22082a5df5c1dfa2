#!/bin/bash
# bench/run.sh: hardened against crun and runc, side by side, in one run.
#
#   bench/run.sh [-n N] [-q] [-r "hardened crun runc"] [-H PATH] [-o FILE] [-D]
#
#   -n N      iterations per sequential figure (default 50)
#   -q        quick mode: N=10, concurrency 1 and 10 only, one round each
#   -r LIST   runtimes to compare (default "hardened crun runc")
#   -H PATH   the hardened binary (default: `hardened` in PATH)
#   -o FILE   also write the table (markdown) to FILE
#   -k        keep the work directory (raw samples in results.txt)
#   -b DIR    only write the bench bundle (rootfs + config.json running
#             /bin/true, cgroup /hardened-bench/ID) to DIR, for profiling
#   -D        then also run bench/docker.sh (end to end through docker)
#
# Every figure alternates the runtimes inside each iteration (the order
# rotates every iteration) so drift of the machine hits all of them alike.
# Reported: median and p90 per runtime and the ratios hardened/crun and
# hardened/runc of the medians, all from this one run.  See bench/README.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
N=50
QUICK=0
RUNTIMES="hardened crun runc"
HARDENED=$(command -v hardened || true)
OUT=""
KEEP=0
BUNDLE_ONLY=""
DOCKER=0
while getopts "n:qr:H:o:kb:Dh" opt; do
  case $opt in
  n) N=$OPTARG ;;
  q) QUICK=1 ;;
  r) RUNTIMES=$OPTARG ;;
  H) HARDENED=$OPTARG ;;
  o) OUT=$OPTARG ;;
  k) KEEP=1 ;;
  b) BUNDLE_ONLY=$OPTARG ;;
  D) DOCKER=1 ;;
  *) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
((QUICK)) && N=10
[[ $(id -u) == 0 ]] || { echo "bench: needs root" >&2; exit 1; }
[[ -n $HARDENED && -x $HARDENED ]] || {
  echo "bench: no hardened binary (use -H PATH)" >&2
  exit 1
}
HARDENED=$(readlink -f "$HARDENED")

# crun 1.8 refuses a hybrid host whose cgroup2 hierarchy still holds a
# controller (hugetlb here).  Moving hugetlb to v1 would change the host for
# everyone; instead the whole benchmark runs in a private mount namespace
# where /sys/fs/cgroup/unified is unmounted, so all three runtimes see the
# same pure cgroup v1 layout and do the same cgroup work.
if [[ -z ${HD_BENCH_NS:-} ]]; then
  exec unshare -m --propagation private env HD_BENCH_NS=1 "$0" "$@"
fi
CGROUP_NOTE="host layout"
if [[ $(stat -f -c %T /sys/fs/cgroup 2>/dev/null) == tmpfs ]] &&
  mountpoint -q /sys/fs/cgroup/unified &&
  [[ -n $(</sys/fs/cgroup/unified/cgroup.controllers) ]]; then
  umount /sys/fs/cgroup/unified
  CGROUP_NOTE="hybrid host; cgroup2 (unified) unmounted in the bench's private mount namespace: cgroup v1 for all"
fi

WORK=$(mktemp -d /tmp/hdbench.XXXXXX)
RESULTS=$WORK/results.txt
LOG=$WORK/runtime.log
: >"$RESULTS"
SPAWN=$WORK/spawn-time
cc -O2 -o "$SPAWN" "$here/spawn-time.c"
cc -O2 -o "$WORK/seccomp-profile" "$here/seccomp-profile.c" -lseccomp

cleanup() {
  local rt
  for rt in $RUNTIMES; do
    local ids
    ids=$(rt_cmd "$rt" list -q 2>/dev/null || true)
    for id in $ids; do
      rt_cmd "$rt" delete -f "$id" >/dev/null 2>&1 || true
    done
  done
  remove_crun_unified_leftovers hardened-bench
  local d
  for d in /sys/fs/cgroup/*/hardened-bench; do
    [[ -d $d ]] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
  if ((KEEP)); then
    echo "bench: raw samples in $RESULTS" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

# The runtime binary for a name, with a private state directory.
rt_bin() {
  case $1 in
  hardened) echo "$HARDENED" ;;
  *) command -v "$1" ;;
  esac
}
declare -A BIN
for rt in $RUNTIMES; do
  BIN[$rt]=$(rt_bin "$rt") || { echo "bench: $rt not found" >&2; exit 1; }
  mkdir -p "$WORK/state-$rt"
done
rt_cmd() {
  local rt=$1
  shift
  "${BIN[$rt]}" --root "$WORK/state-$rt" "$@"
}

# --- the bundle -----------------------------------------------------------
# One busybox rootfs shared (read-only) by every container; each container
# gets its own bundle directory with a config.json naming its own cgroup.
# The config already satisfies hardened's policy (non-root, no capabilities,
# read-only root, noexec /tmp, pids limit, masked paths, own namespaces), so
# all three runtimes do the same work; hardened still runs its overlay and
# policy checks over it, and that cost is in its figures.
ROOTFS=$WORK/rootfs
make_rootfs() {
  mkdir -p "$ROOTFS"/{bin,etc,proc,sys,dev,tmp,run}
  cp /bin/busybox "$ROOTFS/bin/busybox"
  local a
  for a in true sh sleep cat; do ln -s busybox "$ROOTFS/bin/$a"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' \
    >"$ROOTFS/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$ROOTFS/etc/group"
  chmod 1777 "$ROOTFS/tmp"
}
config_template() {
  jq -n --arg root "$ROOTFS" '{
    ociVersion: "1.0.2",
    process: {
      terminal: false,
      user: {uid: 65534, gid: 65534},
      args: ["@ARGS@"],
      env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/"],
      cwd: "/",
      capabilities: {bounding: [], effective: [], inheritable: [],
                     permitted: [], ambient: []},
      rlimits: [{type: "RLIMIT_NOFILE", hard: 1024, soft: 1024}],
      noNewPrivileges: true
    },
    root: {path: $root, readonly: true},
    hostname: "bench",
    mounts: [
      {destination: "/proc", type: "proc", source: "proc"},
      {destination: "/dev", type: "tmpfs", source: "tmpfs",
       options: ["nosuid", "strictatime", "mode=755", "size=65536k"]},
      {destination: "/dev/pts", type: "devpts", source: "devpts",
       options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666",
                 "mode=0620"]},
      {destination: "/dev/shm", type: "tmpfs", source: "shm",
       options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
      {destination: "/dev/mqueue", type: "mqueue", source: "mqueue",
       options: ["nosuid", "noexec", "nodev"]},
      {destination: "/sys", type: "sysfs", source: "sysfs",
       options: ["nosuid", "noexec", "nodev", "ro"]},
      {destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup",
       options: ["nosuid", "noexec", "nodev", "relatime", "ro"]},
      {destination: "/tmp", type: "tmpfs", source: "tmpfs",
       options: ["nosuid", "noexec", "nodev", "mode=1777", "size=16m"]}
    ],
    linux: {
      cgroupsPath: "/hardened-bench/@ID@",
      resources: {
        devices: [{allow: false, access: "rwm"}],
        pids: {limit: 100}
      },
      namespaces: [{type: "pid"}, {type: "network"}, {type: "ipc"},
                   {type: "uts"}, {type: "mount"}, {type: "cgroup"}],
      maskedPaths: ["/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys",
                    "/proc/latency_stats", "/proc/timer_list",
                    "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
                    "/sys/firmware"],
      readonlyPaths: ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                      "/proc/sysrq-trigger"]
    }
  }'
}
if [[ -n $BUNDLE_ONLY ]]; then
  mkdir -p "$BUNDLE_ONLY"
  ROOTFS=$(readlink -f "$BUNDLE_ONLY")/rootfs
  make_rootfs
  c=$(config_template)
  c=${c//@ID@/bench}
  printf '%s\n' "${c//\"@ARGS@\"/\"/bin/true\"}" >"$BUNDLE_ONLY/config.json"
  exit 0
fi
make_rootfs
TEMPLATE=$(config_template)
# The same config with an engine-sized linux.seccomp (bench/seccomp-profile.c):
# what docker, podman and Kubernetes' RuntimeDefault pass to every container.
SECCOMP_TEMPLATE=$(jq --argjson s "$("$WORK/seccomp-profile")" \
  '.linux.seccomp = $s' <<<"$TEMPLATE")

# bundle ID ARGS_JSON: write $WORK/b/ID/config.json (no fork: this runs
# between timed calls, but keeps the loop short).
bundle() {
  local id=$1 args=$2 dir=$WORK/b/$1 template=${3:-$TEMPLATE}
  mkdir -p "$dir"
  local c=${template//@ID@/$id}
  printf '%s\n' "${c//\"@ARGS@\"/$args}" >"$dir/config.json"
  BUNDLE=$dir
}

# timed TAG RT ARGS...: one timed call of the runtime.
timed() {
  local tag=$1 rt=$2
  shift 2
  "$SPAWN" -o "$RESULTS" -t "$tag $rt" "${BIN[$rt]}" --root "$WORK/state-$rt" \
    "$@" >>"$LOG" 2>&1 || echo "bench: $rt $1 failed (see $LOG)" >&2
}

# The runtimes in a rotated order for iteration $1.
wait_gone() { # wait until pid $1 has exited (zombie or reaped)
  local s i
  for ((i = 0; i < 20000; i++)); do
    read -r s <"/proc/$1/stat" 2>/dev/null || return 0
    s=${s##*) }
    [[ ${s:0:1} == Z ]] && return 0
  done
  return 1
}

# --- lifecycle --------------------------------------------------------------
bench_run() {
  local i rt
  for ((i = 0; i < N; i++)); do
    progress "run $((i + 1))/$N"
    for rt in $(order "$i"); do
      bundle "r-$rt-$i" '"/bin/true"'
      timed run "$rt" run --bundle "$BUNDLE" "r-$rt-$i"
      rm -rf "$BUNDLE"
    done
  done
}

# The profile is the same for every container, as an engine's is: a runtime
# that caches the compiled filter pays for the compile once (in the
# warm-up run), one that does not pays it every time.
bench_run_seccomp() {
  local i rt
  for ((i = 0; i < N; i++)); do
    progress "run with seccomp $((i + 1))/$N"
    for rt in $(order "$i"); do
      bundle "s-$rt-$i" '"/bin/true"' "$SECCOMP_TEMPLATE"
      timed runsc "$rt" run --bundle "$BUNDLE" "s-$rt-$i"
      rm -rf "$BUNDLE"
    done
  done
}

bench_create_start_delete() {
  local i rt id pid
  for ((i = 0; i < N; i++)); do
    progress "create/start/delete $((i + 1))/$N"
    for rt in $(order "$i"); do
      id=c-$rt-$i
      bundle "$id" '"/bin/true"'
      timed create "$rt" create --bundle "$BUNDLE" --pid-file "$BUNDLE/pid" "$id"
      pid=$(<"$BUNDLE/pid")
      timed start "$rt" start "$id"
      wait_gone "$pid" || echo "bench: $rt: $id did not exit" >&2
      timed delete "$rt" delete "$id"
      rm -rf "$BUNDLE"
    done
  done
}

bench_exec() {
  local i rt
  for rt in $RUNTIMES; do
    bundle "e-$rt" '"/bin/sleep", "3600"'
    rt_cmd "$rt" create --bundle "$BUNDLE" "e-$rt" >>"$LOG" 2>&1
    rt_cmd "$rt" start "e-$rt" >>"$LOG" 2>&1
  done
  for ((i = 0; i < N; i++)); do
    progress "exec $((i + 1))/$N"
    for rt in $(order "$i"); do
      timed exec "$rt" exec "e-$rt" /bin/true
    done
  done
  for rt in $RUNTIMES; do
    rt_cmd "$rt" kill "e-$rt" KILL >>"$LOG" 2>&1 || true
    rt_cmd "$rt" delete -f "e-$rt" >>"$LOG" 2>&1 || true
    rm -rf "$WORK/b/e-$rt"
  done
}

# --- concurrency --------------------------------------------------------------
# K containers started at once (each a `run` of /bin/true); the figure is the
# wall time until the last one is gone, divided by K.
bench_concurrent() {
  local k=$1 rounds=$2 r rt j t0 t1
  for ((r = 0; r < rounds; r++)); do
    for rt in $(order "$r"); do
      progress "concurrency $k, round $((r + 1))/$rounds, $rt"
      for ((j = 0; j < k; j++)); do bundle "p-$rt-$r-$j" '"/bin/true"'; done
      t0=${EPOCHREALTIME/./}
      for ((j = 0; j < k; j++)); do
        rt_cmd "$rt" run --bundle "$WORK/b/p-$rt-$r-$j" "p-$rt-$r-$j" \
          >>"$LOG" 2>&1 &
      done
      local failed=0
      for ((j = 0; j < k; j++)); do wait -n || failed=$((failed + 1)); done
      t1=${EPOCHREALTIME/./}
      ((failed)) && echo "bench: $rt: $failed of $k concurrent runs failed" >&2
      echo "conc$k $rt $(((t1 - t0) / k)) 0 $failed" >>"$RESULTS"
      for ((j = 0; j < k; j++)); do rm -rf "$WORK/b/p-$rt-$r-$j"; done
    done
  done
}

# --- report -----------------------------------------------------------------
# shellcheck source=bench/table.sh
. "$here/table.sh"
report() {
  bench_table \
    "run|run /bin/true (ms)|3|1000" \
    "runsc|run /bin/true, engine-sized seccomp profile (ms)|3|1000" \
    "create|create (ms)|3|1000" \
    "start|start (ms)|3|1000" \
    "delete|delete (ms)|3|1000" \
    "exec|exec /bin/true (ms)|3|1000" \
    "conc1|1 at once, per container (ms)|3|1000" \
    "conc10|10 at once, per container (ms)|3|1000" \
    "conc100|100 at once, per container (ms)|3|1000" \
    "run|peak RSS of run (MB)|4|1024"
}

machine() {
  machine_line
  echo "- cgroups: $CGROUP_NOTE"
  local rt
  for rt in $RUNTIMES; do
    echo "- $rt: $("${BIN[$rt]}" --version 2>/dev/null | head -n1)"
  done
  echo "- N=$N$( ((QUICK)) && echo ' (quick mode)'), $(date -u +%Y-%m-%dT%H:%MZ)"
}

# --- main -----------------------------------------------------------------------
# Warm the page cache and every runtime once, untimed.
for rt in $RUNTIMES; do
  for t in "$TEMPLATE" "$SECCOMP_TEMPLATE"; do
    bundle "w-$rt" '"/bin/true"' "$t"
    rt_cmd "$rt" run --bundle "$BUNDLE" "w-$rt" >>"$LOG" 2>&1 ||
      { echo "bench: $rt cannot run the bundle:" >&2; tail -n 5 "$LOG" >&2; exit 1; }
    rm -rf "$BUNDLE"
  done
done

bench_run
bench_run_seccomp
bench_create_start_delete
bench_exec
if ((QUICK)); then
  bench_concurrent 1 3
  bench_concurrent 10 1
else
  bench_concurrent 1 10
  bench_concurrent 10 3
  bench_concurrent 100 2
fi
progress ""
{
  report
  echo
  machine
} | tee ${OUT:+"$OUT"}
if ((DOCKER)); then
  {
    echo
    "$here/docker.sh" -n "$N" -r "$RUNTIMES" -H "$HARDENED"
  } | tee ${OUT:+-a "$OUT"}
fi
