# shellcheck shell=bash
# Sourced by bench/run.sh and bench/docker.sh: what both do the same way
# besides the table (bench/table.sh).

# The runtimes of $RUNTIMES in a rotated order for iteration $1, so drift
# of the machine hits all of them alike.
order() {
  local -a rts
  read -ra rts <<<"$RUNTIMES"
  local n=${#rts[@]} i
  for ((i = 0; i < n; i++)); do printf '%s ' "${rts[(($1 + i) % n)]}"; done
}

# A progress line on a terminal, nothing otherwise.
progress() { if [[ -t 2 ]]; then printf '\r\033[K%s' "$*" >&2; fi; }

# The table's first note: CPUs, their model and the kernel.
machine_line() {
  echo "- machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), kernel $(uname -r)"
}

# In the benchmarks' private mount namespace the unified hierarchy is
# unmounted, and /sys/fs/cgroup/unified is a plain directory of the host's
# /sys/fs/cgroup tmpfs.  crun 1.8 still "joins" cgroup2 there: it makes
# unified/$1/ID and writes a regular file cgroup.procs into it, which no
# rmdir removes and which stays on the host, hidden under its unified
# mount.  Removed only while that directory is really not a cgroup mount.
remove_crun_unified_leftovers() {
  local d=/sys/fs/cgroup/unified/$1
  [[ -d $d && $(stat -f -c %T /sys/fs/cgroup/unified) == tmpfs ]] || return 0
  rm -rf "$d"
}
