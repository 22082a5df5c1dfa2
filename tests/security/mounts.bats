#!/usr/bin/env bats
# What a bind mount brings in: its submounts, and the object its source
# names at the moment it is opened.

load security-helpers

# A host directory holding another mount: a tmpfs mounted rw, exec, suid
# and dev, as a volume with a mount below it is. On it, a copy of the
# probe and a null device node.
make_volume_with_submount() {
  VOL=$BATS_TEST_TMPDIR/vol
  mkdir -p "$VOL/sub"
  chmod 755 "$VOL"
  mount -t tmpfs -o rw,exec,suid,dev,mode=777 tmpfs "$VOL/sub"
  cp "$BATS_RUN_TMPDIR/probe" "$VOL/sub/p"
  chmod 4755 "$VOL/sub/p"
  mknod -m 666 "$VOL/sub/null" c 1 3
}

teardown() {
  local rc=0
  if [[ -n ${RACER:-} ]]; then
    kill "$RACER" 2>/dev/null
    wait "$RACER" 2>/dev/null
  fi
  hd_teardown || rc=1
  if [[ -n ${VOL:-} ]] && mountpoint -q "$VOL/sub"; then
    umount "$VOL/sub" || rc=1
  fi
  return $rc
}

# The options of MOUNTPOINT in the mountinfo lines captured in $output.
mountinfo_opts() {
  awk -v m="$1" '$5 == m {o = $6} END {print o}' <<<"$output"
}

@test "rbind rw: the submount of a volume is noexec, nosuid and nodev" {
  make_volume_with_submount
  update_config '.mounts += [{destination: "/data", type: "bind", source: $s,
      options: ["rbind", "rw"]}] | .process.noNewPrivileges = false' \
    --arg s "$VOL"
  run_ctr sh -c 'cat /proc/self/mountinfo; /data/sub/p ids; echo exec=$?
    echo x 2>/dev/null >/data/sub/null; echo dev=$?'
  echo "# submount: $(mountinfo_opts /data/sub); $(grep -E '^(exec|dev)=' <<<"$output" | tr '\n' ' ')"
  strict_checks || return 0
  assert_success
  local opts
  opts=$(mountinfo_opts /data/sub)
  [[ ,$opts, == *,noexec,* && ,$opts, == *,nosuid,* && ,$opts, == *,nodev,* ]]
  refute_line --regexp '^uid='
  refute_line exec=0
  refute_line dev=0
}

@test "rbind ro: the submount of a volume is read-only too" {
  make_volume_with_submount
  update_config '.mounts += [{destination: "/data", type: "bind", source: $s,
      options: ["rbind", "ro"]}]' --arg s "$VOL"
  run_ctr sh -c 'cat /proc/self/mountinfo; touch /data/sub/new 2>/dev/null; echo write=$?'
  echo "# submount: $(mountinfo_opts /data/sub); $(grep '^write=' <<<"$output")"
  strict_checks || return 0
  assert_success
  [[ ,$(mountinfo_opts /data/sub), == *,ro,* ]]
  refute_line write=0
  [[ ! -e $VOL/sub/new ]]
}

@test "rbind with rrw, rexec and rsuid: the submount keeps its flags" {
  make_volume_with_submount
  mount -o remount,ro,nosuid,nodev,noexec "$VOL/sub"
  update_config '.mounts += [{destination: "/data", type: "bind", source: $s,
      options: ["rbind", "rrw", "rexec", "rsuid", "rdev"]}]' --arg s "$VOL"
  run_ctr sh -c 'cat /proc/self/mountinfo'
  echo "# submount: $(mountinfo_opts /data/sub)"
  strict_checks || return 0
  assert_success
  local opts
  opts=$(mountinfo_opts /data/sub)
  [[ ,$opts, == *,ro,* && ,$opts, == *,noexec,* && ,$opts, == *,nosuid,* ]]
}

# swap_loop DIR TARGET: until killed, DIR is a real directory, then a
# symlink to the host's TARGET, then the directory again.
swap_loop() {
  local dir=$1 target=$2
  while :; do
    mv -T "$dir" "$dir.off" 2>/dev/null
    ln -s "$target" "$dir" 2>/dev/null
    rm -f "$dir" 2>/dev/null
    mv -T "$dir.off" "$dir" 2>/dev/null
  done
}

@test "a bind source swapped for a symlink to /etc never mounts /etc" {
  local src=$BATS_TEST_TMPDIR/src i mounted=0 refused=0
  mkdir -p "$src"
  touch "$src/benign"
  chmod -R a+rX "$src"
  update_config '.mounts += [{destination: "/data", type: "bind", source: $s,
      options: ["rbind", "ro"]}]' --arg s "$src"
  set_args ls /data
  swap_loop "$src" /etc &
  RACER=$!
  for ((i = 0; i < 40; i++)); do
    run hd run --bundle "$BUNDLE" "$CID-$i" </dev/null
    [[ $output == *passwd* ]] && mounted=$((mounted + 1))
    [[ $output == *"refused by policy (host-bind)"* ]] && refused=$((refused + 1))
    HD_TIMEOUT=10 hd delete -f "$CID-$i" >/dev/null 2>&1 || true
  done
  kill "$RACER"
  wait "$RACER" || true
  RACER=
  echo "# /etc mounted in $mounted of 40 runs, refused $refused"
  strict_checks || return 0
  ((mounted == 0))
}

# Not run against runc: it would create its mount points (/proc, /dev...)
# inside the host directory it was given as the rootfs.
@test "root.path naming a host system directory is refused" {
  hardened_only "runc would write its mount points into the host's directories"
  local dir
  for dir in /usr /run /etc /var/lib /lib /sys/fs "$ROOT"; do
    update_config '.root.path = $p' --arg p "$dir"
    run hd create --bundle "$BUNDLE" "$CID" </dev/null
    echo "# $dir: $output"
    assert_output --partial "root.path"
    expect_refused root-path
  done
}

@test "root.path: a rootfs symlinked to the host's /usr is refused" {
  hardened_only "runc would write its mount points into the host's /usr"
  rm -rf "$BUNDLE/rootfs"
  ln -s /usr "$BUNDLE/rootfs"
  run hd create --bundle "$BUNDLE" "$CID" </dev/null
  assert_output --partial "root.path /usr is, holds or lies in the host's /usr"
  expect_refused root-path
}

@test "a rootfs swapped for a symlink to /usr is never entered" {
  hardened_only "runc would write its mount points into the host's /usr"
  local i entered=0
  set_args ls /
  swap_loop "$BUNDLE/rootfs" /usr &
  RACER=$!
  for ((i = 0; i < 30; i++)); do
    run hd run --bundle "$BUNDLE" "$CID-$i" </dev/null
    [[ $output == *include* ]] && entered=$((entered + 1))
    HD_TIMEOUT=10 hd delete -f "$CID-$i" >/dev/null 2>&1 || true
  done
  kill "$RACER"
  wait "$RACER" || true
  RACER=
  # The racer may have left the rootfs moved away: put it back.
  [[ -d $BUNDLE/rootfs ]] || { rm -f "$BUNDLE/rootfs"; mv -T "$BUNDLE/rootfs.off" "$BUNDLE/rootfs"; }
  echo "# the host's /usr entered in $entered of 30 runs"
  ((entered == 0))
  [[ ! -e /usr/proc && ! -e /usr/dev ]]
}
