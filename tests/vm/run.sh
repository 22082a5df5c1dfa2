#!/bin/bash
# Boot the stock Debian 12 image (tests/vm/build-image.sh) and run
# hardened's suites inside it, on the real layout: systemd as PID 1, pure
# cgroup v2, AppArmor.  The guest has no network device.
#
#   tests/vm/run.sh
#   HD_SUITES="integration security engines"   suites (tests/run-tests.sh names)
#   HD_VM_KERNEL=6.1 | 6.12                     kernel to boot (default 6.1)
#   HD_VM_TIMEOUT=5400                          seconds before qemu is stopped
#   HD_VM_SOURCE=head | worktree                what goes in (default worktree)
#
# The checkout goes in on a second disk, with tests/vm/guest-run.sh; the
# guest writes its results there and powers off; this script reads them
# back (debugfs, no mount), prints them and ends with "N passed, M failed".
set -uo pipefail

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
suites=${HD_SUITES:-integration security engines}
kernel=${HD_VM_KERNEL:-6.1}
limit=${HD_VM_TIMEOUT:-5400}

fail() {
  echo "vm: $1" >&2
  echo "0 passed, 1 failed"
  exit 1
}

image=$("$SRCDIR/tests/vm/build-image.sh" | tail -n1) || fail "building the image"
vmlinuz=$(ls "$image"/vmlinuz-"$kernel".* 2>/dev/null | sort -V | tail -n1)
[[ -n $vmlinuz ]] || fail "no $kernel kernel in $image ($(tr '\n' ' ' <"$image/kernels"))"
initrd=$image/initrd.img-${vmlinuz##*/vmlinuz-}

work=$(mktemp -d)
qemu_pid=
cleanup() {
  [[ -n $qemu_pid ]] && kill "$qemu_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# The guest writes to its root disk: a copy-on-write overlay keeps the
# cached image as built.
qemu-img create -q -f qcow2 -F raw -b "$image/root.raw" "$work/root.qcow2" ||
  fail "qemu-img"

mkdir -p "$work/disk"
if [[ ${HD_VM_SOURCE:-worktree} == head ]]; then
  git -C "$SRCDIR" archive HEAD >"$work/disk/src.tar"
else
  # The work tree as it is, committed or not, without build output.
  (cd "$SRCDIR" && git ls-files -co --exclude-standard -z |
    tar --null -T - -cf "$work/disk/src.tar") 
fi || fail "copying the checkout"
cp "$SRCDIR/tests/vm/guest-run.sh" "$work/disk/"
echo "$suites" >"$work/disk/suites"
mkfs.ext4 -q -L hd-results -d "$work/disk" "$work/results.raw" 4G ||
  fail "mkfs.ext4 for the second disk"

# KVM when /dev/kvm boots a guest: the kernel alone, no disk, must print
# its banner on the serial line within 30 s.  On hosts whose /dev/kvm
# cannot (nested PVM), TCG, 10-20 times slower.
kvm_boots() {
  [[ -w /dev/kvm ]] || return 1
  timeout --kill-after=5 30 qemu-system-x86_64 -accel kvm -cpu host -m 256 \
    -nic none -display none -no-reboot -serial stdio -kernel "$vmlinuz" \
    -append "console=ttyS0 panic=-1" </dev/null 2>/dev/null |
    grep -q -m1 'Linux version'
}
case ${HD_VM_ACCEL:-auto} in
kvm) accel=(-accel kvm -cpu host) ;;
tcg) accel=(-accel tcg,thread=multi -cpu max) ;;
*)
  if kvm_boots; then
    accel=(-accel kvm -cpu host)
  else
    echo "vm: /dev/kvm does not boot a guest here: TCG (10-20x slower)"
    accel=(-accel tcg,thread=multi -cpu max)
  fi
  ;;
esac
echo "vm: kernel ${vmlinuz##*/}, accel ${accel[1]}, suites: $suites"

start=$(date +%s)
timeout --kill-after=30 "$limit" qemu-system-x86_64 "${accel[@]}" \
  -smp 2 -m 4096 -nic none -display none -no-reboot \
  -kernel "$vmlinuz" -initrd "$initrd" \
  -append "root=/dev/vda rw console=ttyS0 systemd.unified_cgroup_hierarchy=1 apparmor=1 security=apparmor" \
  -drive "file=$work/root.qcow2,format=qcow2,if=virtio" \
  -drive "file=$work/results.raw,format=raw,if=virtio" \
  -serial "file:$work/console.log" </dev/null &
qemu_pid=$!
wait "$qemu_pid"
rc=$?
qemu_pid=
echo "vm: qemu exited ($rc) after $(($(date +%s) - start))s"
((rc == 124)) && echo "vm: stopped after HD_VM_TIMEOUT=${limit}s"

mkdir -p "$work/out"
debugfs -R "rdump /results $work/out" "$work/results.raw" >/dev/null 2>&1
res=$work/out/results
if [[ ! -f $res/summary ]]; then
  echo "vm: no results; the console's last lines:"
  tail -n 40 "$work/console.log"
  fail "the guest wrote no summary"
fi
[[ -n ${HD_VM_KEEP:-} ]] && cp -r "$res" "$HD_VM_KEEP"
echo "# guest: $(tr '\n' ' ' <"$res/host")"
sed 's/^/# time: /' "$res/times"
grep -E '^not ok|^# bats exited' "$res"/*.log | sed 's/^/# /'
cat "$res/summary"
grep -q ' 0 failed' "$res/summary"
