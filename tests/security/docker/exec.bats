#!/usr/bin/env bats
# Both docker exec paths: a process exec'd into a running container is as
# confined as its init, even when docker asks for root and --privileged,
# with or without a terminal, and the escape probes fail from it too.

load docker-security-helpers

# exec_in HOW CMD: `run` CMD (a shell command) in container $C, the way
# HOW says: plain (docker exec), privileged (docker exec -u 0
# --privileged) or tty (the same with -t, under a pseudo-terminal).
exec_in() {
  local how=$1 cmd=$2
  case $how in
  plain) run dk exec "$C" sh -c "$cmd" ;;
  privileged) run dk exec -u 0 --privileged "$C" sh -c "$cmd" ;;
  tty)
    run with_tty 30 100 docker exec -t -u 0 --privileged "$C" sh -c "$cmd"
    # A terminal ends its lines with \r\n.
    output=${output//$'\r'/}
    mapfile -t lines <<<"$output"
    ;;
  esac
}

start_target() {
  dk run -d --name "$C" "${RUN[@]}" "$IMAGE" sleep 600 >/dev/null
}

confined_exec() {
  start_target
  exec_in "$1" 'cat /proc/self/status'
  check_started
  ((STARTED)) || return 0
  record_only && return 0
  assert_success
  assert_confined
}

# The escape probes of the other files, from one exec'd process: the
# kernel syscalls, ptrace of the container's init, memfd_create +
# execveat, a copied binary in /tmp, a setuid-root binary, port 80 and
# the fds it was given.
PROBES="$(kernel_probes)"'
probe ptrace 1
probe memfd_exec
cp /bin/probe /tmp/p 2>&1; /tmp/p ids 2>&1 | sed "s/^/copy: /"
suid-probe ids | sed "s/^/suid: /"
probe bind 80
echo "fds: $(probe fds | wc -l)"'

probes_exec() {
  start_target
  exec_in "$1" "$PROBES"
  check_started
  ((STARTED)) || return 0
  record_only && return 0
  assert_kernel_probes_fail
  assert_line --regexp '^ptrace: E[A-Z]+$'
  assert_line --regexp '^memfd_exec: E[A-Z]+$'
  refute_line --regexp '^copy: uid='
  assert_line --regexp '^suid: uid=[1-9][0-9]*,[1-9][0-9]*,[1-9][0-9]* '
  assert_line "bind: EACCES"
  assert_line "fds: 3"
}

@test "docker exec: not root, no capabilities, NoNewPrivs 1, Seccomp 2" {
  confined_exec plain
}

@test "docker exec -u 0 --privileged: not root, no capabilities, NoNewPrivs 1, Seccomp 2" {
  confined_exec privileged
}

@test "docker exec -t -u 0 --privileged: not root, no capabilities, NoNewPrivs 1, Seccomp 2" {
  confined_exec tty
}

@test "docker exec: the escape probes fail" {
  probes_exec plain
}

@test "docker exec -u 0 --privileged: the escape probes fail" {
  probes_exec privileged
}

@test "docker exec -t -u 0 --privileged: the escape probes fail" {
  probes_exec tty
}
