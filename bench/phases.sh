#!/bin/bash
# bench/phases.sh [-n N] [-H PATH]: where the time of one `hardened run`
# goes, step by step, from syscall timestamps (perf trace, only a handful
# of marker syscalls so that the tracing itself stays cheap).  Prints the
# median of each step over N runs (default 20), in milliseconds.
#
# Steps (marker syscalls in brackets):
#   parse+overlay   re-exec done [execveat] -> state dir made [mkdirat]
#   state+cgroup    state dir, exec.fifo, cgroup dirs and limits, the
#                   compiled seccomp program -> [clone3]
#   clone           clone3 itself (new mount/pid/net/ipc/uts namespaces,
#                   born in the cgroup2 dir where there is one)
#   after clone     id maps, oom_score_adj -> init told to go [sendto GO]
#   init setup      init: joins the v1 cgroups itself, mounts, pivot_root,
#                   sysctls -> [sendto READY]
#   created+start   state/config written, start via exec.fifo, init's
#                   capabilities and seccomp -> [execve of /bin/true]
#   container       /bin/true runs -> [exit_group]
#   teardown        reaped, cgroup and state removed -> runtime [exit_group]
# Not seen by the trace (before the first marker): the runtime's own
# execve and its self-protecting re-exec; bench/README.md measures those
# separately.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
N=20
HARDENED=$(command -v hardened || true)
while getopts "n:H:" opt; do
  case $opt in
  n) N=$OPTARG ;;
  H) HARDENED=$OPTARG ;;
  *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
[[ -x $HARDENED ]] || { echo "phases: need -H PATH" >&2; exit 1; }
HARDENED=$(readlink -f "$HARDENED")
command -v perf >/dev/null || { echo "phases: needs perf" >&2; exit 1; }
if [[ -z ${HD_BENCH_NS:-} ]]; then
  exec unshare -m --propagation private env HD_BENCH_NS=1 "$0" "$@"
fi
if [[ $(stat -f -c %T /sys/fs/cgroup) == tmpfs ]] &&
  mountpoint -q /sys/fs/cgroup/unified &&
  [[ -n $(</sys/fs/cgroup/unified/cgroup.controllers) ]]; then
  umount /sys/fs/cgroup/unified # same layout as bench/run.sh
fi
WORK=$(mktemp -d /tmp/hdphases.XXXXXX)
[[ -n ${KEEP:-} ]] && echo "phases: traces in $WORK" >&2
trap '[[ -n ${KEEP:-} ]] || rm -rf "$WORK"; rmdir /sys/fs/cgroup/*/hardened-bench 2>/dev/null || true' EXIT
HD_BENCH_NS= "$here/run.sh" -b "$WORK/bundle" -H "$HARDENED"
for ((i = 0; i < N; i++)); do
  perf trace -f -e execveat,mkdirat,clone3,sendto,execve,exit_group \
    -o "$WORK/trace.$i" "$HARDENED" --root "$WORK/state" run \
    --bundle "$WORK/bundle" "ph$i" >/dev/null 2>&1
done
# One line per run: the step durations, from the markers' end times.
for ((i = 0; i < N; i++)); do
  awk '
    function t() { return $1 + 0 }
    # "T ( D ms): comm/pid syscall(...) = R"; D is "" while unfinished.
    { dur = ($2 == "(") ? $3 : 0 }
    /execveat\(/ && !reexec { reexec = t() + dur }
    /mkdirat\(/ && !statedir && reexec { statedir = t() }
    # The first clone3 after the state dir is the init.
    /clone3\(/ && statedir && !clone0 { clone0 = t(); clone1 = t() + dur }
    /sendto\(/ && !go { go = t(); next }
    /sendto\(/ && go && !ready { ready = t() }
    /execve\(/ && /true\// { cexec = t() }
    /true\/.*exit_group/ { cexit = t() }
    /hardened\/.*exit_group/ { rexit = t() }
    END {
      if (!(reexec && statedir && clone0 && go && ready && cexec && cexit && rexit)) exit
      printf "%.3f %.3f %.3f %.3f %.3f %.3f %.3f %.3f\n",
        statedir - reexec, clone0 - statedir, clone1 - clone0, go - clone1,
        ready - go, cexec - ready, cexit - cexec, rexit - cexit
    }' "$WORK/trace.$i"
done >"$WORK/steps"
names=("parse+overlay" "state+cgroup" "clone" "after clone" "init setup"
  "created+start" "container" "teardown")
printf '| step | median ms (runs: %s) |\n|---|---|\n' "$(wc -l <"$WORK/steps")"
for c in 1 2 3 4 5 6 7 8; do
  med=$(cut -d' ' -f"$c" "$WORK/steps" | sort -n |
    awk '{v[NR] = $1} END {if (NR) printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}')
  printf '| %s | %s |\n' "${names[c - 1]}" "$med"
done
