# Shared setup for the integration suite.
#
# Every test gets its own bundle, its own --root state directory and its own
# cgroup path, so tests cannot see each other's containers.  teardown()
# force-deletes whatever the test left and then FAILS the test if a state
# entry or a cgroup directory survived: "bad input leaves nothing behind" is
# checked for every test, not only for the ones about errors.
#
# The bundles are "hardened-compatible": the hardening overlay would not need
# to change anything in them, so the same test passes on runc, crun and
# hardened (HARDENED_BINARY=runc bats tests/integration).

bats_require_minimum_version 1.5.0

for _dir in /usr/lib/bats /usr/local/lib/bats /usr/lib/node_modules; do
  if [[ -f $_dir/bats-support/load.bash ]]; then
    load "$_dir/bats-support/load.bash"
    load "$_dir/bats-assert/load.bash"
    break
  fi
done
unset _dir

: "${HARDENED_BINARY:=hardened}"
# Run again in another cgroup layout (tests/run-tests.sh, run_layouts).
[[ -z ${HD_CGROUP_LAYOUT:-} ]] || BATS_TEST_NAME_PREFIX="cgroup $HD_CGROUP_LAYOUT: "
HD_ORIG_TMPDIR=${BATS_RUN_TMPDIR}
BUSYBOX=${BUSYBOX:-/bin/busybox}
CG_CONTROLLERS=(pids memory cpu cpuacct cpuset devices freezer blkio)
# Every v1 hierarchy mounted here (named ones like name=systemd too); the
# unified one is checked separately.  Teardown looks for leftovers in all.
CG_HIERARCHIES=()
if [[ $(stat -f -c %T /sys/fs/cgroup) != cgroup2fs ]]; then
  for _d in /sys/fs/cgroup/*; do
    [[ -f $_d/cgroup.procs && ${_d##*/} != unified ]] && CG_HIERARCHIES+=("${_d##*/}")
  done
  unset _d
fi

# The cgroups tests read v1 files (memory.limit_in_bytes, cpu.shares).
require_cgroup_v1() {
  [[ -d /sys/fs/cgroup/${1:-pids} && -f /sys/fs/cgroup/${1:-pids}/cgroup.procs ]] ||
    skip "needs the cgroup v1 ${1:-pids} controller"
}

# True when the binary under test is hardened itself (not runc/crun).
is_hardened() {
  "$HARDENED_BINARY" --version 2>/dev/null | head -n1 | grep -q '^hardened'
}

# Tests of hardened's own error texts or refusals that runc does not share.
hardened_only() {
  is_hardened || skip "hardened-specific behaviour (${HARDENED_BINARY##*/})"
}

# The runtime under test, with this test's private state directory.  A hung
# runtime must fail its test, not stall the whole suite: every call is
# bounded (HD_TIMEOUT seconds, default 60; exit status 124 when it fires).
# HD_GLOBAL_FLAGS: extra global flags for every call (e.g. --policy).
hd() {
  timeout -k 5 "${HD_TIMEOUT:-60}" "$HARDENED_BINARY" --root "$ROOT" \
    "${HD_GLOBAL_FLAGS[@]}" "$@"
}

# The cached busybox rootfs: built once per bats run, copied per test.
build_cached_rootfs() {
  local cache=$BATS_RUN_TMPDIR/rootfs-cache
  [[ -f $cache/.complete ]] && return 0
  # Several test files may race here when bats runs with --jobs.
  if ! mkdir "$cache.lock" 2>/dev/null; then
    local i
    for ((i = 0; i < 300; i++)); do
      [[ -f $cache/.complete ]] && return 0
      sleep 0.1
    done
    echo "timed out waiting for the rootfs cache" >&2
    return 1
  fi
  [[ -x $BUSYBOX ]] || { echo "need $BUSYBOX (busybox-static)" >&2; return 1; }
  rm -rf "$cache"
  mkdir -p "$cache"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,root,home}
  cp "$BUSYBOX" "$cache/bin/busybox"
  local applet
  # `--list-full` gives the install dir of every applet (bin/ls, usr/bin/id);
  # fall back to putting everything in /bin.
  if "$BUSYBOX" --list-full >/dev/null 2>&1; then
    while read -r applet; do
      [[ $applet == bin/busybox ]] && continue
      mkdir -p "$cache/$(dirname "$applet")"
      ln -sf /bin/busybox "$cache/$applet"
    done < <("$BUSYBOX" --list-full)
  else
    while read -r applet; do
      [[ $applet == busybox ]] || ln -sf busybox "$cache/bin/$applet"
    done < <("$BUSYBOX" --list)
  fi
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
    >"$cache/etc/passwd"
  printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' >"$cache/etc/group"
  chmod 1777 "$cache/tmp"
  touch "$cache/.complete"
}

# The OCI config every bundle starts from.  Tests edit it with update_config.
base_config() {
  jq -n --arg id "$CID" --arg cg "$CGPATH" '{
    ociVersion: "1.0.2",
    process: {
      terminal: false,
      user: {uid: 65534, gid: 65534},
      args: ["/bin/true"],
      env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/"],
      cwd: "/",
      capabilities: {bounding: [], effective: [], inheritable: [],
                     permitted: [], ambient: []},
      rlimits: [{type: "RLIMIT_NOFILE", hard: 1024, soft: 1024}],
      noNewPrivileges: true
    },
    root: {path: "rootfs", readonly: true},
    hostname: "hdtest",
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
      cgroupsPath: $cg,
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

# update_config JQ_FILTER [jq options, e.g. --arg n v]: edit $BUNDLE/config.json in place.
update_config() {
  local filter=$1
  shift
  local tmp=$BUNDLE/config.json.new
  jq "$@" "$filter" "$BUNDLE/config.json" >"$tmp" && mv "$tmp" "$BUNDLE/config.json"
}

# json_array WORD...: the words as a JSON array of strings.
json_array() {
  # The "--" keeps jq from taking words like "-c" as its own options.
  jq -cn '$ARGS.positional' --args -- "$@"
}

# set_args ARG...: process.args = the given words.
set_args() {
  update_config '.process.args = $a' --argjson a "$(json_array "$@")"
}

# Make every directory from $1 up to / traversable (o+x), so a container
# whose root maps to an unprivileged host uid (user namespaces) can reach
# the bundle.  Only directories this run created are changed.
open_path_to() {
  local d=$1
  while [[ $d == "$HD_ORIG_TMPDIR"* && $d != / ]]; do
    chmod o+x "$d"
    d=$(dirname "$d")
  done
}

# make_bundle [DIR]: a fresh bundle with a copy of the cached rootfs.
make_bundle() {
  BUNDLE=${1:-$BATS_TEST_TMPDIR/bundle}
  build_cached_rootfs
  mkdir -p "$BUNDLE"
  cp -a "$BATS_RUN_TMPDIR/rootfs-cache" "$BUNDLE/rootfs"
  rm -f "$BUNDLE/rootfs/.complete"
  base_config >"$BUNDLE/config.json"
  open_path_to "$BUNDLE"
}

# Wait (bounded) until `state ID` reports STATUS.
wait_for_status() {
  local id=$1 want=$2 i status
  for ((i = 0; i < 100; i++)); do
    status=$(hd state "$id" 2>/dev/null | jq -r .status)
    [[ $status == "$want" ]] && return 0
    sleep 0.1
  done
  echo "container $id: status is '$status', wanted '$want'" >&2
  return 1
}

# Wait (bounded) until a file exists and is non-empty.
wait_for_file() {
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -s $1 ]] && return 0
    sleep 0.1
  done
  echo "$1 did not appear" >&2
  return 1
}

# hardened only runs hooks its policy allows (the built-in policy allows
# none of these); give every call a policy that allows the test's hooks.
# HOOK_POLICY: more policy keys (a jq object) merged into it.
allow_hooks() {
  is_hardened || return 0
  local policy=$BATS_TEST_TMPDIR/policy.json
  # Both spellings: on a merged-/usr host /bin/false is /usr/bin/false.
  local p paths=() extra=${HOOK_POLICY:-'{}'}
  for p in "$@"; do
    paths+=("$p")
    [[ -e $p && $(realpath "$p") != "$p" ]] && paths+=("$(realpath "$p")")
  done
  jq -n '{hooks_allowed: $ARGS.positional} + $extra' \
    --argjson extra "$extra" --args -- "${paths[@]}" >"$policy"
  HD_GLOBAL_FLAGS=(--policy "$policy")
}

# The pid from `state ID`.
state_pid() {
  hd state "$1" | jq -r .pid
}

# create ID with the container's stdio going to files (a created container
# keeps the stdio it was given; a pipe into bats would never close).
hd_create() {
  local id=$1
  shift
  hd create "$@" --bundle "$BUNDLE" "$id" </dev/null \
    >"$BATS_TEST_TMPDIR/$id.out" 2>"$BATS_TEST_TMPDIR/$id.err" || {
    local rc=$?
    cat "$BATS_TEST_TMPDIR/$id.err"
    return $rc
  }
}

# Run a detached long-running container (stdio to files), wait until running.
run_detached() {
  local id=$1
  shift
  hd run -d "$@" --bundle "$BUNDLE" "$id" </dev/null \
    >"$BATS_TEST_TMPDIR/$id.out" 2>"$BATS_TEST_TMPDIR/$id.err" || {
    cat "$BATS_TEST_TMPDIR/$id.err" >&2
    return 1
  }
}

# Host-side directory of controller CTRL for cgroup path P (cgroup v1 hybrid,
# or the unified hierarchy).
cgroup_dir() {
  local ctrl=$1 path=$2
  if [[ $ctrl == unified ]]; then
    if [[ -d /sys/fs/cgroup/unified ]]; then
      echo "/sys/fs/cgroup/unified$path"
    else
      echo "/sys/fs/cgroup$path"
    fi
  else
    echo "/sys/fs/cgroup/$ctrl$path"
  fi
}

setup() {
  ROOT=$BATS_TEST_TMPDIR/state
  mkdir -p "$ROOT"
  HD_GLOBAL_FLAGS=()
  CID=hd$$t${BATS_SUITE_TEST_NUMBER:-$BATS_TEST_NUMBER}
  CGPATH=/hardened-test-$CID
  # Cgroup paths teardown must find gone; tests using other paths add them.
  CG_CHECK=("$CGPATH")
  make_bundle
}

# Remove one leftover cgroup dir (killing what is in it) and report it.
reap_cgroup_dir() {
  local dir=$1 pid
  [[ -d $dir ]] || return 0
  for pid in $(cat "$dir/cgroup.procs" 2>/dev/null); do
    kill -9 "$pid" 2>/dev/null || true
  done
  rmdir "$dir" 2>/dev/null || sleep 0.2
  rmdir "$dir" 2>/dev/null || true
  echo "leftover cgroup directory: $dir" >&2
  return 1
}

# Runtime processes still running with this test's --root (a hung `run`, a
# stuck init before exec) are killed by pid and reported.
reap_runtime_processes() {
  local f pid clean=0
  for f in $(grep -lFa -- "$ROOT" /proc/[0-9]*/cmdline 2>/dev/null); do
    pid=${f#/proc/}
    pid=${pid%/cmdline}
    ((pid == $$ || pid == BASHPID)) && continue
    echo "leftover runtime process $pid: $(tr '\0' ' ' <"$f" 2>/dev/null)" >&2
    kill -9 "$pid" 2>/dev/null
    clean=1
  done
  return $clean
}

# Files that need their own cleanup define teardown() and call this.
teardown() {
  hd_teardown
}

hd_teardown() {
  local ok=0 id entry path ctrl
  [[ -n ${ROOT:-} && -d $ROOT ]] || return 0
  # Every container the runtime still knows about, from both its list and
  # the state directory (in case `list` itself is broken).
  local -A ids=()
  for id in $(HD_TIMEOUT=10 hd list -q 2>/dev/null); do ids[$id]=1; done
  for entry in "$ROOT"/*; do
    [[ -e $entry ]] && ids[${entry##*/}]=1
  done
  for id in "${!ids[@]}"; do
    HD_TIMEOUT=10 hd delete -f "$id" >/dev/null 2>&1 || true
  done
  reap_runtime_processes || ok=1
  for entry in "$ROOT"/*; do
    if [[ -e $entry ]]; then
      echo "leftover state entry: $entry" >&2
      ok=1
    fi
  done
  for path in "${CG_CHECK[@]}"; do
    for ctrl in "${CG_HIERARCHIES[@]}" unified; do
      reap_cgroup_dir "$(cgroup_dir "$ctrl" "$path")" || ok=1
    done
  done
  rm -rf "$BATS_TEST_TMPDIR/bundle"
  return $ok
}

# runtime_supports_namespace NS: the runtime's `features` lists NS.
runtime_supports_namespace() {
  "$HARDENED_BINARY" features 2>/dev/null |
    jq -e --arg ns "$1" '.linux.namespaces | index($ns)' >/dev/null
}

# skip_for_runc_before_1_2 REASON: runc 1.1 deviates from the spec here
# (e.g. it runs poststart hooks during `create`); the test still holds for
# hardened and newer runc.
skip_for_runc_before_1_2() {
  local v
  v=$("$HARDENED_BINARY" --version 2>/dev/null | sed -n 's/^runc version \([0-9]*\.[0-9]*\).*/\1/p')
  [[ -n $v ]] || return 0
  if [[ $(printf '%s\n' "$v" 1.2 | sort -V | head -n1) != 1.2 ]]; then
    skip "runc $v: $1"
  fi
}
