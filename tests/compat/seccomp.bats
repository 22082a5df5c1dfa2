#!/usr/bin/env bats
# hardened against runc: a spec's seccomp profile that is older than the
# kernel (docker's and Kubernetes' profiles are, sooner or later).

load helpers

# Host-side tools built once per run: the static syscall caller and the
# profile generator (libseccomp's names).
build_seccomp_helpers() {
  local dir=$BATS_RUN_TMPDIR/compat-seccomp
  if [[ ! -x $dir/profile ]]; then
    mkdir -p "$dir"
    gcc -static -O1 -o "$dir/nr" "$BATS_TEST_DIRNAME/helpers/nr.c" &&
      gcc -O1 -o "$dir/profile.tmp" "$BATS_TEST_DIRNAME/helpers/profile.c" \
        -lseccomp && mv "$dir/profile.tmp" "$dir/profile" ||
      return 1
  fi
  cp "$dir/nr" "$BUNDLE/rootfs/bin/nr"
  PROFILE_TOOL=$dir/profile
}

# Numbers on x86_64: getcpu 309 (below the cut-off, left out of the
# profile), io_uring_setup 425 (newer than the profile; the baseline
# denies it), fchmodat2 452 (newer than the profile), 1000 (no syscall).
setup_old_profile() {
  [[ $(uname -m) == x86_64 ]] || skip "syscall numbers are x86_64's"
  build_seccomp_helpers || fail "building the helpers"
  # Newest named: pidfd_send_signal (424), as a profile from before 5.1.
  update_config '.linux.seccomp = $p' \
    --argjson p "$("$PROFILE_TOOL" 425 getcpu)"
  set_args /bin/nr 309 452 1000 425
  ref_bundle
}

@test "compat: a syscall newer than the spec's profile gets ENOSYS, one it leaves out EPERM" {
  setup_old_profile
  both run --bundle @B@ "$CID"
  same_rc
  ((H_RC == 0)) || fail "$H_ERR"
  assert_equal "$(sed -n 1,3p <<<"$H_OUT")" "$(sed -n 1,3p <<<"$R_OUT")"
  assert_equal "$(sed -n 1,3p <<<"$H_OUT")" $'309: EPERM\n452: ENOSYS\n1000: ENOSYS'
}

@test "compat: the baseline's own denials keep their errno (rule seccomp-baseline)" {
  setup_old_profile
  both run --keep --bundle @B@ "$CID"
  same_rc
  # runc: newer than the profile, so ENOSYS.  hardened: the baseline
  # denies io_uring whatever the profile says, with its own EPERM.
  [[ $(sed -n 4p <<<"$R_OUT") == "425: ENOSYS" ]] || fail "reference: $R_OUT"
  [[ $(sed -n 4p <<<"$H_OUT") == "425: EPERM" ]] || fail "hardened: $H_OUT"
  overrides_name seccomp-baseline "$CID"
}

@test "compat: a profile that allows by default gets no ENOSYS stub" {
  [[ $(uname -m) == x86_64 ]] || skip "syscall numbers are x86_64's"
  build_seccomp_helpers || fail "building the helpers"
  update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
    architectures: ["SCMP_ARCH_X86_64"],
    syscalls: [{names: ["getcpu"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}'
  # getcpu denied; 1000 is no syscall: the kernel's own ENOSYS.
  set_args /bin/nr 309 1000
  ref_bundle
  both run --bundle @B@ "$CID"
  same_rc
  same_out
  assert_equal "$H_OUT" $'309: EPERM\n1000: ENOSYS'
}
