#!/bin/bash
# Show the runtime a cgroup layout this host is not in, without touching
# the host: a private mount namespace whose /sys/fs/cgroup holds only
#
#   v1   the v1 hierarchies (a hybrid host with its cgroup2 mount removed)
#   v2   cgroup2, mounted at /sys/fs/cgroup itself (pure v2)
#
#   tests/cgroup-layout.sh list          the layouts that can be shown here,
#                                        besides the host's own, one a line
#   tests/cgroup-layout.sh LAYOUT CMD... CMD in that layout
#   tests/cgroup-layout.sh usable LAYOUT true when a container can have its
#                                        pids limit there (the policy
#                                        requires one)
#
# Which layouts a host can show: a hybrid host both; a pure v1 host v2
# (cgroup2 always exists beside v1); a pure v2 host none, since its
# controllers cannot be handed to v1 hierarchies while cgroup2 uses them.
# A controller bound to a v1 hierarchy is not offered in cgroup2, so a v2
# view of a hybrid host may lack pids; the runtime then refuses every
# container, and only that refusal can be tested there.
set -euo pipefail

CG=/sys/fs/cgroup

host_layout() {
  if [[ $(stat -f -c %T "$CG") == cgroup2fs ]]; then
    echo v2
  elif [[ -d $CG/unified && $(stat -f -c %T "$CG/unified") == cgroup2fs ]]; then
    echo hybrid
  else
    echo v1
  fi
}

list() {
  case $(host_layout) in
  hybrid) printf '%s\n' v1 v2 ;;
  v1) grep -qw cgroup2 /proc/filesystems && echo v2 ;;
  v2) ;;
  esac
}

# Runs inside the private namespace.
enter() {
  local layout=$1
  shift
  case $layout in
  v1) umount "$CG/unified" ;;
  v2)
    umount -R "$CG"
    mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 "$CG"
    ;;
  *)
    echo "cgroup-layout.sh: unknown layout '$layout' (v1 or v2)" >&2
    exit 2
    ;;
  esac
  exec "$@"
}

usable() {
  case $1 in
  v1) [[ -f $CG/pids/cgroup.procs ]] ;;
  v2) grep -qw pids "$CG/cgroup.controllers" ;;
  esac
}

case ${1:-} in
list) list ;;
usable) exec unshare -m --propagation private "$0" --enter "$2" "$0" --usable "$2" ;;
--usable) usable "$2" ;;
--enter)
  shift
  enter "$@"
  ;;
v1 | v2)
  list | grep -qx "$1" || {
    echo "cgroup-layout.sh: this $(host_layout) host cannot show layout $1" >&2
    exit 2
  }
  exec unshare -m --propagation private "$0" --enter "$@"
  ;;
*)
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
  ;;
esac
