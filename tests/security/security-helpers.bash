# Shared setup for the escape suite: the integration helpers (bundle,
# per-test --root, teardown leak checks) plus the static probe program.
load ../integration/helpers

# Build the probe once per bats run (several files may race: mkdir lock).
build_probe() {
  local out=$BATS_RUN_TMPDIR/probe i
  [[ -x $out ]] && return 0
  if ! mkdir "$out.lock" 2>/dev/null; then
    for ((i = 0; i < 300; i++)); do
      [[ -x $out ]] && return 0
      sleep 0.1
    done
    return 1
  fi
  gcc -static -O1 -o "$out.tmp" "$BATS_TEST_DIRNAME/helpers/probe.c" &&
    mv "$out.tmp" "$out"
}

setup() {
  ROOT=$BATS_TEST_TMPDIR/state
  mkdir -p "$ROOT"
  HD_GLOBAL_FLAGS=()
  CID=hs$$t${BATS_SUITE_TEST_NUMBER:-$BATS_TEST_NUMBER}
  CGPATH=/hardened-test-$CID
  CG_CHECK=("$CGPATH")
  make_bundle
  build_probe
  cp "$BATS_RUN_TMPDIR/probe" "$BUNDLE/rootfs/bin/probe"
  chmod 755 "$BUNDLE/rootfs/bin/probe"
}

# run_in_container CMD...: `run` the runtime's run with process.args.
run_ctr() {
  set_args "$@"
  run hd run --bundle "$BUNDLE" "$CID" </dev/null
}

# The assertions of this suite apply to hardened. Run against another
# runtime (HARDENED_BINARY=runc) they are skipped and the test only
# records what happened, unless HD_STRICT=1: then they apply to it too,
# and a failing test means "this runtime let the attempt through"
# (tests/security/compare.sh builds its table that way).
strict_checks() {
  is_hardened || [[ ${HD_STRICT:-0} == 1 ]]
}

# A refusal by hardened must name the rule; another runtime has no rules,
# so for it (strict mode) refusing at all is enough.
expect_refused() {
  local rule=$1
  strict_checks || return 0
  assert_failure
  if is_hardened; then
    assert_output --partial "refused by policy"
    [[ -z $rule ]] || assert_output --partial "$rule"
  fi
  # Refused before anything was made.
  run ls -A "$ROOT"
  assert_output ""
}

# A privileged-like process section: what `docker run --privileged -u 0`
# asks for.
ALL_CAPS='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_DAC_READ_SEARCH","CAP_FOWNER",
"CAP_FSETID","CAP_KILL","CAP_SETGID","CAP_SETUID","CAP_SETPCAP",
"CAP_LINUX_IMMUTABLE","CAP_NET_BIND_SERVICE","CAP_NET_BROADCAST",
"CAP_NET_ADMIN","CAP_NET_RAW","CAP_IPC_LOCK","CAP_IPC_OWNER","CAP_SYS_MODULE",
"CAP_SYS_RAWIO","CAP_SYS_CHROOT","CAP_SYS_PTRACE","CAP_SYS_PACCT",
"CAP_SYS_ADMIN","CAP_SYS_BOOT","CAP_SYS_NICE","CAP_SYS_RESOURCE",
"CAP_SYS_TIME","CAP_SYS_TTY_CONFIG","CAP_MKNOD","CAP_LEASE","CAP_AUDIT_WRITE",
"CAP_AUDIT_CONTROL","CAP_SETFCAP","CAP_MAC_OVERRIDE","CAP_MAC_ADMIN",
"CAP_SYSLOG","CAP_WAKE_ALARM","CAP_BLOCK_SUSPEND","CAP_AUDIT_READ",
"CAP_PERFMON","CAP_BPF","CAP_CHECKPOINT_RESTORE"]'

make_privileged() {
  update_config '.process.user = {uid: 0, gid: 0}
    | .process.capabilities = {bounding: $c, effective: $c, permitted: $c,
                               inheritable: $c, ambient: $c}
    | .process.noNewPrivileges = false
    | del(.linux.seccomp)
    | .linux.maskedPaths = [] | .linux.readonlyPaths = []
    | .root.readonly = false' --argjson c "$ALL_CAPS"
}
