#!/bin/sh
# Cgroups and /sys inside a zone: the zone has its own cgroup namespace (every line of
# /proc/self/cgroup says "/"), /sys/fs/cgroup shows the zone's own cgroups read-only in the
# host's shape (v1 controllers and cgroup2 at unified on a hybrid host, cgroup2 alone on v2)
# with the zone's caps (and, where the host has v1 devices, its device rules) in them, and
# all of /sys is read-only.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand

lxzone create cgfsz --image builtin:busybox --memory 64M --pids 100
lxzone boot cgfsz
zx() {
	lxzone exec cgfsz -- /bin/sh -c "$1"
}

# --- cgroup namespace ----------------------------------------------------------------------
for pid in self 1; do
	out=$(zx "cat /proc/$pid/cgroup")
	echo "$out" | grep -qv ':/$' && fail "pid $pid sees cgroup paths other than /: $out"
	[ -n "$out" ] || fail "empty /proc/$pid/cgroup"
done
echo "ok: /proc/self/cgroup and /proc/1/cgroup show / in every hierarchy"

# --- the mounts: the host's shape, each read-only --------------------------------------------
mi=$(zx 'cat /proc/self/mountinfo')
cg=$(echo "$mi" | awk '$9 == "cgroup" || $9 == "cgroup2" {print $5, $6, $9}')
echo "$cg"
[ -n "$cg" ] || fail "no cgroup file system in the zone"
echo "$cg" | awk '{print $2}' | grep -qv '^ro,' && fail "a cgroup mount is writable: $cg"
echo "$mi" | awk '($9 == "cgroup" || $9 == "cgroup2") && $4 != "/" {exit 1}' ||
	fail "a cgroup mount's root is not the namespace's /"
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	[ "$(echo "$cg" | awk '{print $1, $3}' | sort -u)" = "/sys/fs/cgroup cgroup2" ] ||
		fail "a v2 host's zone should have cgroup2 at /sys/fs/cgroup"
	memdir=/sys/fs/cgroup
	memmax=memory.max
	pidsdir=/sys/fs/cgroup
else
	echo "$mi" | awk '$5 == "/sys/fs/cgroup" && $9 == "tmpfs"' | grep -q '^' ||
		fail "no tmpfs at /sys/fs/cgroup"
	echo "$mi" | awk '$5 == "/sys/fs/cgroup" {print $6}' | grep -q '^ro,' ||
		fail "/sys/fs/cgroup itself is writable"
	for c in memory pids cpuset; do
		[ -d /sys/fs/cgroup/$c ] || continue
		zx "test -e /sys/fs/cgroup/$c/cgroup.procs" || fail "no $c hierarchy in the zone"
	done
	if [ -f /sys/fs/cgroup/unified/cgroup.controllers ]; then
		echo "$cg" | grep -q '^/sys/fs/cgroup/unified .* cgroup2$' ||
			fail "a hybrid host's zone has no cgroup2 at /sys/fs/cgroup/unified"
	fi
	# hierarchies the zone has no cgroup in (blkio, name=systemd) would show the host's
	# whole tree: they are not mounted
	for c in blkio systemd; do
		echo "$cg" | grep -q "^/sys/fs/cgroup/$c " && fail "host hierarchy $c is mounted in the zone"
	done
	# devices: the zone has a cgroup there (its device rules), shown read-only like the rest
	if [ -f /sys/fs/cgroup/devices/cgroup.procs ]; then
		echo "$cg" | grep -q '^/sys/fs/cgroup/devices ro,.* cgroup$' ||
			fail "the zone's devices cgroup is not mounted read-only"
		list=$(zx 'cat /sys/fs/cgroup/devices/devices.list')
		echo "$list" | grep -qx 'c 1:3 rwm' || fail "the zone's devices.list lacks /dev/null: $list"
		echo "$list" | grep -q '^a ' && fail "the zone's devices cgroup allows everything: $list"
		zx 'echo "a *:* rwm" > /sys/fs/cgroup/devices/devices.allow' 2>/dev/null &&
			fail "the zone wrote its devices.allow"
	fi
	memdir=/sys/fs/cgroup/memory
	memmax=memory.limit_in_bytes
	pidsdir=/sys/fs/cgroup/pids
fi
echo "ok: the zone's cgroup file systems, read-only"

# --- only the zone's subtree, with the zone's caps ------------------------------------------
[ "$(zx "cat $memdir/$memmax")" = 67108864 ] || fail "the zone does not see its memory cap"
[ "$(zx "cat $pidsdir/pids.max")" = 100 ] || fail "the zone does not see its pids cap"
# the processes listed are the zone's, by their pids in its namespace: init, and a sleep
out=$(zx "sleep 30 & echo \$!; cat $memdir/cgroup.procs; kill \$!")
sleeper=$(echo "$out" | sed -n 1p)
procs=$(echo "$out" | sed 1d)
echo "$procs" | grep -qx 1 || fail "zone init is not in the zone's root cgroup: $procs"
echo "$procs" | grep -qx "$sleeper" || fail "the zone's sleep ($sleeper) is not listed: $procs"
[ -z "$(zx "find $memdir -mindepth 1 -type d")" ] || fail "the zone sees cgroups below its own"
echo "ok: the zone sees its own cgroup, its caps and its processes only"

# --- read-only: cgroups and the rest of /sys ------------------------------------------------
zx "mkdir $memdir/escape" 2>/dev/null && fail "created a cgroup in the zone"
zx "echo 200 > $pidsdir/pids.max" 2>/dev/null && fail "raised the zone's pids cap from inside"
[ "$(zx "cat $pidsdir/pids.max")" = 100 ] || fail "pids cap changed"
zx "echo 1 > /sys/kernel/mm/ksm/run" 2>/dev/null && fail "wrote to /sys"
zx "touch /sys/fs/cgroup/x" 2>/dev/null && fail "wrote to /sys/fs/cgroup"
echo "$mi" | awk '$5 == "/sys" {print $6}' | grep -q '^ro,' || fail "/sys is not mounted read-only"
err=$(zx "mkdir $memdir/escape" 2>&1 || true)
echo "$err" | grep -q 'Read-only file system' || fail "expected EROFS, got: $err"
echo "ok: /sys and the cgroup file systems refuse writes (EROFS)"

lxzone halt cgfsz
lxzone destroy cgfsz
no_cgroup_left cgfsz
no_mount_left
echo "all checks passed"
