#!/bin/sh
# Must work #1: busybox zone from builtin:busybox: boot, exec `uname -a; hostname; ps`, halt,
# boot again, destroy; the state is right at every step, nothing stays mounted, no cgroup left.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand

lxzone create bb1 --kernel-version 5.10.0 --hostname zonebb1 --memory 128M --pids 100 \
	--mount "$T:/mnt/host:ro"
expect_state bb1 configured
lxzone install bb1 builtin:busybox
expect_state bb1 installed
lxzone verify bb1

lxzone boot bb1
expect_state bb1 running
out=$(lxzone exec bb1 -- /bin/sh -c 'uname -a; hostname; ps')
echo "$out"
echo "$out" | grep -q "^Linux zonebb1 5.10.0 " || fail "uname does not show the zone's hostname and kernel-version"
echo "$out" | grep -qx zonebb1 || fail "hostname is not the zone's"
echo "$out" | grep -q "^ *1 .*lxzone-init" || fail "PID 1 is not the zone's init"
nps=$(echo "$out" | grep -c '^ *[0-9]')
[ "$nps" -le 5 ] || fail "ps shows host processes ($nps)"
# The exit status of the command comes back.
set +e
lxzone exec bb1 -- /bin/sh -c 'exit 7'
st=$?
set -e
[ $st = 7 ] || fail "exec exit status $st, expected 7"
# The read-only mount of a host directory is there and read-only.
lxzone exec bb1 -- /bin/sh -c 'test -d /mnt/host/store' || fail "host mount missing"
if lxzone exec bb1 -- /bin/sh -c 'touch /mnt/host/x' 2>/dev/null; then
	fail "read-only mount is writable"
fi
# Caps are in the zone's cgroup.
mem=$(cat /sys/fs/cgroup/memory/$CGP/bb1/memory.limit_in_bytes 2>/dev/null ||
	cat /sys/fs/cgroup/$CGP/bb1/memory.max)
[ "$mem" = 134217728 ] || fail "memory cap $mem"
echo "ok: exec, hostname, kernel-version, ps, mounts, caps"

lxzone halt bb1
expect_state bb1 installed
no_cgroup_left bb1
no_mount_left

lxzone boot bb1
expect_state bb1 running
lxzone exec bb1 -- /bin/true
# A second boot of a running zone is refused clearly.
if lxzone boot bb1 2>"$T/err"; then fail "booted twice"; fi
grep -q "running" "$T/err" || fail "unclear error: $(cat "$T/err")"
lxzone shutdown bb1 --timeout 10
expect_state bb1 installed
no_cgroup_left bb1

if lxzone exec bb1 -- /bin/true 2>"$T/err"; then fail "exec into a halted zone"; fi
grep -q "not running" "$T/err" || fail "unclear error: $(cat "$T/err")"

lxzone destroy bb1
[ ! -e "$LXZONE_ROOT/bb1" ] || fail "destroy left files"
lxzone list | grep -q bb1 && fail "destroyed zone still listed"
no_cgroup_left bb1
no_mount_left
echo PASS
