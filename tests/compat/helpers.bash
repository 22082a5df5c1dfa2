# The compatibility suite: the same scenario against hardened and against
# the reference runtime (runc from apt, `runc --root DIR`), comparing exit
# codes, state transitions and the shapes of outputs and errors.
#
# Both sides get a bundle the overlay does not need to change (the
# integration suite's, tests/integration/helpers.bash), each with its own
# state root and cgroup path, so a difference is a real one.  Where the
# overlay does cause a difference, the test says which rule (and
# README.md's COMPATIBILITY section lists it).
#
# HD_COMPAT_REFERENCE: the reference binary (default: runc in PATH).

load ../integration/helpers.bash

: "${HD_COMPAT_REFERENCE:=$(command -v runc || true)}"

# The reference runtime with its own state root.
ref() {
  timeout -k 5 "${HD_TIMEOUT:-60}" "$HD_COMPAT_REFERENCE" --root "$RROOT" "$@"
}

# The integration suite's setup (state root, id, cgroup path, bundle),
# kept under another name: the compat setup adds the reference's side.
eval "integration_$(declare -f setup)"

setup() {
  [[ -n $HD_COMPAT_REFERENCE && -x $HD_COMPAT_REFERENCE ]] ||
    skip "no reference runtime (install runc, or set HD_COMPAT_REFERENCE)"
  integration_setup
  SUB_CG_DIRS=()
  RROOT=$BATS_TEST_TMPDIR/ref-state
  mkdir -p "$RROOT"
  RCGPATH=$CGPATH-ref
  CG_CHECK+=("$RCGPATH")
  RBUNDLE=$BATS_TEST_TMPDIR/ref-bundle
}

# ref_bundle: the reference's bundle, a copy of $BUNDLE as edited so far
# (call it after the test's update_config/set_args), with its own cgroup.
ref_bundle() {
  rm -rf "$RBUNDLE"
  cp -a "$BUNDLE" "$RBUNDLE"
  jq --arg cg "$RCGPATH" '.linux.cgroupsPath = $cg' "$BUNDLE/config.json" \
    >"$RBUNDLE/config.json"
}

teardown() {
  local id ok=0 d
  # Sub-cgroups a test made (exec --cgroup), deepest first: neither
  # runtime removes what it did not create.
  for ((d = ${#SUB_CG_DIRS[@]} - 1; d >= 0; d--)); do
    rmdir "${SUB_CG_DIRS[d]}" 2>/dev/null || true
  done
  if [[ -n ${RROOT:-} && -d $RROOT ]]; then
    for id in $(HD_TIMEOUT=10 ref list -q 2>/dev/null); do
      HD_TIMEOUT=10 ref delete -f "$id" >/dev/null 2>&1 || true
    done
    [[ -z $(ls -A "$RROOT") ]] || {
      echo "leftover reference state: $(ls -A "$RROOT")" >&2
      ok=1
    }
  fi
  hd_teardown || ok=1
  rm -rf "$RBUNDLE"
  return $ok
}

# both ARGS...: the same command against each runtime, stdin from
# /dev/null.  Sets H_RC/H_OUT/H_ERR and R_RC/R_OUT/R_ERR.  In ARGS, the
# word @B@ becomes each side's bundle.
both() {
  local -a ha=() ra=()
  local a
  for a in "$@"; do
    ha+=("${a//@B@/$BUNDLE}")
    ra+=("${a//@B@/$RBUNDLE}")
  done
  local t=$BATS_TEST_TMPDIR
  H_RC=0 R_RC=0
  hd "${ha[@]}" </dev/null >"$t/h.out" 2>"$t/h.err" || H_RC=$?
  ref "${ra[@]}" </dev/null >"$t/r.out" 2>"$t/r.err" || R_RC=$?
  H_OUT=$(<"$t/h.out") H_ERR=$(<"$t/h.err")
  R_OUT=$(<"$t/r.out") R_ERR=$(<"$t/r.err")
}

# same_rc: both sides exited with the same status.
same_rc() {
  [[ $H_RC == "$R_RC" ]] || {
    printf 'exit status: hardened %s, reference %s\nhardened: %s%s\nreference: %s%s\n' \
      "$H_RC" "$R_RC" "$H_OUT" "$H_ERR" "$R_OUT" "$R_ERR" >&2
    return 1
  }
}

# same_out: both printed the same stdout.
same_out() {
  [[ $H_OUT == "$R_OUT" ]] || {
    printf 'stdout differs\nhardened:\n%s\nreference:\n%s\n' "$H_OUT" "$R_OUT" >&2
    return 1
  }
}

# both_fail_in_one_line: non-zero from both, and one line on stderr each
# (runc's is a logrus record, hardened's "hardened: ..."), with the
# runtime's extra help pages excluded: the shape engines parse.
both_fail_in_one_line() {
  ((H_RC != 0 && R_RC != 0)) || {
    echo "expected both to fail: hardened $H_RC, reference $R_RC" >&2
    return 1
  }
  local hl
  hl=$(grep -c . <<<"$H_ERR")
  ((hl == 1)) || {
    printf 'hardened printed %s lines:\n%s\n' "$hl" "$H_ERR" >&2
    return 1
  }
  [[ -n $R_ERR ]]
}

# both_status ID WANT: `state ID` says WANT on both sides.
both_status() {
  local id=$1 want=$2 h r
  h=$(hd state "$id" 2>/dev/null | jq -r .status)
  r=$(ref state "$id" 2>/dev/null | jq -r .status)
  [[ $h == "$want" && $r == "$want" ]] || {
    echo "status of $id: hardened '$h', reference '$r', wanted '$want'" >&2
    return 1
  }
}

# both_wait_status ID WANT: bounded wait until both sides report WANT.
both_wait_status() {
  local i
  for ((i = 0; i < 100; i++)); do
    both_status "$1" "$2" 2>/dev/null && return 0
    sleep 0.1
  done
  both_status "$1" "$2"
}

# both_run_detached ID: run -d on both sides (stdio to files).
both_run_detached() {
  ref_bundle
  local t=$BATS_TEST_TMPDIR
  hd run -d --bundle "$BUNDLE" "$1" </dev/null >"$t/h-$1.out" 2>"$t/h-$1.err" ||
    fail "hardened run -d: $(<"$t/h-$1.err")"
  ref run -d --bundle "$RBUNDLE" "$1" </dev/null >"$t/r-$1.out" 2>"$t/r-$1.err" ||
    fail "reference run -d: $(<"$t/r-$1.err")"
}

# overrides_name RULE ID: hardened's state records a change by RULE (the
# overlay is what makes this side differ).
overrides_name() {
  hd state "$2" | jq -e --arg r "$1" \
    '.annotations["org.hardened.overrides"] | fromjson | any(.rule == $r)' \
    >/dev/null || fail "hardened's overrides of $2 name no rule $1"
}

# Under a terminal (script(1), bash as its shell, so the quoting below is
# bash's): prints what the terminal showed.  `stty -onlcr` on script's own
# pty, so a CR in the output can only come from the runtime's.  script
# echoes a "^@" for its /dev/null stdin, at a moment that depends on when
# the runtime puts the terminal in raw mode: it is dropped.
under_tty() {
  local cmd
  cmd=$(printf '%q ' "$@")
  SHELL=$BASH timeout -k 5 "${HD_TIMEOUT:-60}" \
    script -qec "stty -onlcr; $cmd" /dev/null </dev/null | sed 's/\^@//g'
}

# make_sub_cgroup CGPATH NAME: NAME below the cgroup CGPATH in every
# hierarchy that has it (cpuset's copies its parent's cpus and mems, or
# nothing could join it).
make_sub_cgroup() {
  local ctrl dir
  for ctrl in "${CG_HIERARCHIES[@]}" unified; do
    dir=$(cgroup_dir "$ctrl" "$1")
    [[ -d $dir ]] || continue
    mkdir "$dir/$2"
    SUB_CG_DIRS+=("$dir/$2")
    if [[ -f $dir/cpuset.cpus && $ctrl == cpuset ]]; then
      cat "$dir/cpuset.cpus" >"$dir/$2/cpuset.cpus"
      cat "$dir/cpuset.mems" >"$dir/$2/cpuset.mems"
    fi
  done
}
