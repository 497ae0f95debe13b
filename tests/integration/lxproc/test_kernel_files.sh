#!/bin/sh
# Issue 13, bad input, in a booted zone with caps (memory=256M, cpus=1) whose lxproc files the
# kernel serves: no path, flag or descriptor trick and no open through the brand's gate reads
# the host's meminfo, cpuinfo, stat or CPU list (lxproc_paths.c); sysinfo agrees with
# /proc/meminfo; a proc and a sysfs the zone mounts itself (through the mount service, as
# systemd or a user would) show the zone's files too, and those binds cannot be unmounted,
# moved, or left behind by a non-recursive bind.  A privileged zone (no user namespace): its
# mount service mounts proc and sysfs; in a default, user-namespaced zone the kernel refuses
# them (EPERM: the zone's /proc and /sys are not fully visible), also checked.
. "$(dirname "$0")/lib.sh"
need_root
need_lxzone
need_cgroup_caps
bin=$LXZONE_BUILD/tests/bin/it_lxproc_paths
[ -x "$bin" ] || skip "$bin not built"
kb=262144

zone_up h4kfu --memory 256M --cpus 1
out=$("$LXZONE" exec h4kfu -- /bin/sh -c 'mkdir -p /mnt/p && mount -t proc proc /mnt/p &&
	grep MemTotal /mnt/p/meminfo' 2>&1)
case "$out" in
*"$kb kB"*) ok "a user-namespaced zone's own proc: the zone's MemTotal" ;;
*MemTotal*) fail "a user-namespaced zone's own proc shows the host's: $out" ;;
*) ok "a user-namespaced zone may not mount proc: $out" ;;
esac
"$LXZONE" halt h4kfu >/dev/null

zone_up h4kf --memory 256M --cpus 1 --privileged
zx() { "$LXZONE" exec h4kf -- "$@"; }
zx /bin/grep -q ' /proc/meminfo fuse' /proc/mounts ||
	skip "the kernel does not serve this zone's files (no FUSE here): the brand's traps are test_fd.sh's"
zx /bin/sh -c 'cat >/tmp/paths && chmod 755 /tmp/paths' <"$bin" || fail "copy lxproc_paths into the zone"
zx /bin/mkdir -p /mnt/p /mnt/s /mnt/b /mnt/r /mnt/x

zx /bin/mount -t proc proc /mnt/p && ok "the zone mounts a proc of its own" ||
	fail "mount -t proc in the zone"
zx /bin/mount -t sysfs sysfs /mnt/s && ok "the zone mounts a sysfs of its own" ||
	fail "mount -t sysfs in the zone"
out=$(zx /tmp/paths --memtotal $kb --cpus 1 --proc /mnt/p 2>&1) &&
	ok "lxproc_paths: $(echo "$out" | grep -c '^ok:') checks" || {
	fail "lxproc_paths"
	echo "$out" | grep -v '^ok:'
}

# the zone's own sysfs lists the zone's CPUs, never the host's
online=$(zx /bin/cat /mnt/s/devices/system/cpu/online)
[ "$online" = 0 ] && ok "its own sysfs: cpu/online 0" || fail "its own sysfs: cpu/online '$online', want 0"
n=$(zx /bin/ls /mnt/s/devices/system/cpu | grep -c '^cpu[0-9]')
[ "$n" = 1 ] && ok "its own sysfs: one cpuN directory" || fail "its own sysfs: $n cpuN directories, want 1"

# what covers the host's files stays: no unmount, no move, no bind without it
zx /bin/umount /mnt/p/meminfo 2>/dev/null && fail "umount of the lxproc bind on its own proc worked" ||
	ok "umount /mnt/p/meminfo refused"
zx /bin/umount /proc/cpuinfo 2>/dev/null && fail "umount of the boot lxproc bind worked" ||
	ok "umount /proc/cpuinfo refused"
zx /bin/mount -o move /mnt/p/stat /mnt/x 2>/dev/null && fail "move of the lxproc bind worked" ||
	ok "move of /mnt/p/stat refused"
zx /bin/mount -o bind /mnt/p /mnt/b 2>/dev/null && fail "a non-recursive bind of its own proc worked" ||
	ok "non-recursive bind of its own proc refused"
total=$(zx /bin/sh -c 'awk "/^MemTotal:/ { print \$2 }" /mnt/p/meminfo')
[ "$total" = $kb ] && ok "its own proc after all that: MemTotal $total kB" ||
	fail "its own proc: MemTotal '$total' kB, want $kb"
if zx /bin/mount -o rbind /mnt/p /mnt/r; then
	total=$(zx /bin/sh -c 'awk "/^MemTotal:/ { print \$2 }" /mnt/r/meminfo')
	[ "$total" = $kb ] && ok "a recursive bind of it: MemTotal $total kB" ||
		fail "a recursive bind of its own proc: MemTotal '$total' kB, want $kb"
	zx /bin/umount -l /mnt/r || fail "umount -l of the recursive bind"
else
	fail "mount -o rbind of its own proc"
fi
zx /bin/umount /mnt/p && ok "its own proc unmounts, binds and all" || fail "umount /mnt/p"
zx /bin/umount /mnt/s && ok "its own sysfs unmounts" || fail "umount /mnt/s"
"$LXZONE" halt h4kf >/dev/null
finish
