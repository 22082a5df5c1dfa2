#!/bin/bash
# Runs inside the guest (hardened-vm-test.service), from the second disk
# that tests/vm/run.sh made: unpack the checkout, build it, run the suites
# named in /mnt/hd/suites, and leave on the disk:
#   results/log      everything the build and the suites printed
#   results/summary  the suites' "N passed, M failed" line
#   results/times    wall seconds per phase (build, each suite)
#   results/host     kernel, cgroup layout, AppArmor state
set -uo pipefail

disk=/mnt/hd
res=$disk/results
mkdir -p "$res"
exec > >(tee "$res/log" >/dev/console) 2>&1

suites=$(cat "$disk/suites" 2>/dev/null || echo "integration")
{
  uname -r
  stat -fc %T /sys/fs/cgroup
  cat /sys/module/apparmor/parameters/enabled 2>/dev/null || echo "no apparmor"
  systemctl is-system-running 2>&1
} >"$res/host"

phase() { # name command...: time one phase into results/times
  local name=$1 start rc
  shift
  start=$(date +%s)
  "$@"
  rc=$?
  echo "$name $(($(date +%s) - start))s rc=$rc" >>"$res/times"
  return "$rc"
}

src=/root/hardened
rm -rf "$src" && mkdir -p "$src" && tar -xf "$disk/src.tar" -C "$src"
build() {
  cd "$src" && ./autogen.sh >/dev/null 2>&1 && mkdir -p _build && cd _build &&
    ../configure -q && make -j"$(nproc)" -s
}
if ! phase build build; then
  echo "0 passed, 1 failed" >"$res/summary"
  exit 0
fi
cd "$src/_build" || exit 0
total_p=0 total_f=0
for suite in $suites; do
  HD_SUITES=$suite HARDENED_BINARY=$PWD/hardened UNIT_DIR=$PWD/tests/unit \
    phase "$suite" "$src/tests/run-tests.sh" | tee "$res/$suite.log"
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$res/$suite.log" | tail -n1)
  if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
    total_p=$((total_p + BASH_REMATCH[1]))
    total_f=$((total_f + BASH_REMATCH[2]))
  else
    total_f=$((total_f + 1))
  fi
done
echo "$total_p passed, $total_f failed" >"$res/summary"
sync
