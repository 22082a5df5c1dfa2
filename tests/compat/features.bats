#!/usr/bin/env bats
# `features` lists exactly what create accepts: every entry it lists is
# tried here in a container that must run (issue 11 #6).  Engines pick
# options from this list; one that is listed and then refused breaks them.

load helpers

# hardened alone: no reference runtime needed.
setup() {
  integration_setup
  cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/base.json"
  FEATURES=$("$HARDENED_BINARY" features)
}

teardown() {
  hd_teardown
}

# listed JQ_PATH: the entries of one list of `features`.
listed() {
  jq -r "$1 // [] | .[]" <<<"$FEATURES"
}

# accepted WHAT JQ_FILTER [jq args]: the base config edited by the
# filter runs /bin/true, exit 0, and leaves nothing behind.
accepted() {
  local what=$1 filter=$2
  shift 2
  jq "$@" "$filter" "$BATS_TEST_TMPDIR/base.json" >"$BUNDLE/config.json"
  run hd run --bundle "$BUNDLE" "$CID"
  ((status == 0)) || fail "features lists $what, but run fails: $output"
}

# A seccomp profile that allows by default, with one rule on getcpu
# (which /bin/true never calls).
seccomp_rule='.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
  architectures: $archs, flags: $flags,
  syscalls: [{names: ["getcpu"], action: $action, args: $args} +
             (if $action == "SCMP_ACT_ERRNO" then {errnoRet: 1} else {} end)]}'

@test "features: every seccomp action listed is accepted (SCMP_ACT_NOTIFY is not listed)" {
  local a n=0
  while read -r a; do
    accepted "$a" "$seccomp_rule" --arg action "$a" --argjson archs '[]' \
      --argjson flags '[]' --argjson args '[]'
    n=$((n + 1))
  done < <(listed .linux.seccomp.actions)
  ((n > 0))
  run ! grep -qx SCMP_ACT_NOTIFY < <(listed .linux.seccomp.actions)
  # And what is not listed is refused, in one line.
  accepted_notify() {
    jq --arg action SCMP_ACT_NOTIFY --argjson archs '[]' --argjson flags '[]' \
      --argjson args '[]' "$seccomp_rule" "$BATS_TEST_TMPDIR/base.json" \
      >"$BUNDLE/config.json"
    hd run --bundle "$BUNDLE" "$CID"
  }
  run accepted_notify
  ((status != 0))
  assert_output --partial SCMP_ACT_NOTIFY
}

@test "features: every seccomp operator listed is accepted" {
  local op n=0
  while read -r op; do
    accepted "$op" "$seccomp_rule" --arg action SCMP_ACT_ERRNO \
      --argjson archs '[]' --argjson flags '[]' \
      --argjson args "[{\"index\": 0, \"value\": 1, \"valueTwo\": 1, \"op\": \"$op\"}]"
    n=$((n + 1))
  done < <(listed .linux.seccomp.operators)
  ((n == 7))
}

@test "features: every seccomp architecture and flag listed is accepted" {
  local a f
  while read -r a; do
    accepted "$a" "$seccomp_rule" --arg action SCMP_ACT_ERRNO \
      --argjson archs "[\"$a\"]" --argjson flags '[]' --argjson args '[]'
  done < <(listed .linux.seccomp.archs)
  while read -r f; do
    accepted "$f" "$seccomp_rule" --arg action SCMP_ACT_ERRNO \
      --argjson archs '[]' --argjson flags "[\"$f\"]" --argjson args '[]'
  done < <(listed .linux.seccomp.supportedFlags)
  # Every known flag is supported (nothing listed as known is refused).
  assert_equal "$(listed .linux.seccomp.knownFlags | sort)" \
    "$(listed .linux.seccomp.supportedFlags | sort)"
}

@test "features: every mount option listed is accepted" {
  local o n=0 src=$BATS_TEST_TMPDIR/src
  mkdir -p "$src"
  open_path_to "$src"
  while read -r o; do
    case $o in
    remount)
      # Changes the flags of what is mounted there already.
      accepted "$o" '.mounts += [{destination: "/run", type: "tmpfs",
        source: "tmpfs", options: ["nosuid", "nodev", "noexec"]},
        {destination: "/run", type: "tmpfs", source: "tmpfs",
        options: ["remount", "ro"]}]' ;;
    bind | rbind)
      accepted "$o" '.mounts += [{destination: "/run", type: "bind",
        source: $src, options: [$o, "nosuid", "nodev", "noexec"]}]' \
        --arg o "$o" --arg src "$src" ;;
    *)
      accepted "$o" '.mounts += [{destination: "/run", type: "tmpfs",
        source: "tmpfs", options: [$o]}]' --arg o "$o" ;;
    esac
    n=$((n + 1))
  done < <(listed .mountOptions)
  ((n > 0))
}

@test "features: every namespace listed is accepted" {
  local ns
  while read -r ns; do
    case $ns in
    user)
      accepted "$ns" '.linux.namespaces += [{type: "user"}] |
        .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}] |
        .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]' ;;
    *)
      accepted "$ns" '.linux.namespaces |= (map(select(.type != $ns)) + [{type: $ns}])' \
        --arg ns "$ns" ;;
    esac
  done < <(listed .linux.namespaces)
}
