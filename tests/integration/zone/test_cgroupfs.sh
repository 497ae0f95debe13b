#!/bin/sh
# Cgroups and /sys inside a zone.  The zone has its own cgroup namespace (every line of
# /proc/self/cgroup says "/"), rooted at the child of the zone's cgroup that is delegated to
# it (zone/cgroup.h: the caps stay in the zone's cgroup, host-owned, above the namespace's
# root).  /sys/fs/cgroup shows the zone's own hierarchies in the host's shape (v1 controllers
# and cgroup2 at unified on a hybrid host, cgroup2 alone on v2), writable, with a copy of the
# zone's caps at the top; hierarchies the zone has no cgroup in are not there; the rest of
# /sys is read-only.  Root in the zone can make cgroups, move its processes into them and
# set their limits, which the kernel bounds by the zone's caps; another user cannot; halt
# removes every cgroup the zone made.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand

# a CPU cap where the host has CPUs to spare: the zone's cpuset is then a strict subset
ncpu=$(nproc)
cpus=
[ "$ncpu" -ge 2 ] && cpus="--cpus 1"
# shellcheck disable=SC2086
lxzone create cgfsz --image builtin:busybox --memory 64M --pids 100 $cpus
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

# --- the mounts: the host's shape, the cgroup file systems writable --------------------------
mi=$(zx 'cat /proc/self/mountinfo')
cg=$(echo "$mi" | awk '$9 == "cgroup" || $9 == "cgroup2" {print $5, $6, $9}')
echo "$cg"
[ -n "$cg" ] || fail "no cgroup file system in the zone"
echo "$cg" | awk '{print $2}' | grep -qv '^rw,' && fail "a cgroup mount is read-only: $cg"
echo "$cg" | awk '{print $2}' | grep -v 'nosuid,nodev,noexec' && fail "a cgroup mount lacks nosuid,nodev,noexec"
echo "$mi" | awk '($9 == "cgroup" || $9 == "cgroup2") && $4 != "/" {exit 1}' ||
	fail "a cgroup mount's root is not the namespace's /"
v2=0
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	v2=1
	[ "$(echo "$cg" | awk '{print $1, $3}' | sort -u)" = "/sys/fs/cgroup cgroup2" ] ||
		fail "a v2 host's zone should have cgroup2 at /sys/fs/cgroup"
	memdir=/sys/fs/cgroup
	memmax=memory.max
	pidsdir=/sys/fs/cgroup
	cpudir=/sys/fs/cgroup
	csdir=/sys/fs/cgroup
else
	echo "$mi" | awk '$5 == "/sys/fs/cgroup" && $9 == "tmpfs"' | grep -q '^' ||
		fail "no tmpfs at /sys/fs/cgroup"
	echo "$mi" | awk '$5 == "/sys/fs/cgroup" {print $6}' | grep -q '^ro,' ||
		fail "/sys/fs/cgroup itself is writable"
	for c in memory pids cpuset blkio; do
		[ -d /sys/fs/cgroup/$c ] || continue
		zx "test -e /sys/fs/cgroup/$c/cgroup.procs" || fail "no $c hierarchy in the zone"
	done
	if [ -f /sys/fs/cgroup/unified/cgroup.controllers ]; then
		echo "$cg" | grep -q '^/sys/fs/cgroup/unified .* cgroup2$' ||
			fail "a hybrid host's zone has no cgroup2 at /sys/fs/cgroup/unified"
	fi
	# hierarchies the zone has no cgroup in (init in the host's root there) would show the
	# host's whole tree: they are not mounted
	ipid=$(init_pid cgfsz)
	for c in $(awk -F: '$2 != "" && $3 == "/" {print $2}' "/proc/$ipid/cgroup" | tr , ' '); do
		echo "$mi" | awk -v c="$c" '$9 == "cgroup" {n = split($NF, o, ","); for (i = 1; i <= n; i++) if (o[i] == c || o[i] == "name=" c) exit 1}' ||
			fail "host hierarchy $c, where the zone has no cgroup, is mounted in the zone"
	done
	# blkio is the zone's own (as runc and LXC join every v1 controller): init is in the
	# zone's delegated child, the zone's /sys/fs/cgroup/blkio shows it as 1, and the zone's
	# synced writes are counted there, not in the hierarchy's root
	if [ -f /sys/fs/cgroup/blkio/cgroup.procs ]; then
		bdir=/sys/fs/cgroup/blkio/$CGP/cgfsz/payload
		grep -qx "$ipid" "$bdir/cgroup.procs" ||
			fail "zone init ($ipid) not in $bdir: $(grep blkio "/proc/$ipid/cgroup")"
		[ "$(zx 'cat /sys/fs/cgroup/blkio/cgroup.procs' | head -1)" = 1 ] ||
			fail "the zone's /sys/fs/cgroup/blkio does not list its init"
		zx 'dd if=/dev/zero of=/blkio-probe bs=64k count=16 conv=fsync 2>/dev/null; rm -f /blkio-probe'
		if [ "$(stat -f -c %T "$LXZONE_ROOT")" = tmpfs ]; then
			echo "skip: the zone's writes to blkio: its root is on tmpfs"
		elif [ -f "$bdir/blkio.throttle.io_service_bytes" ]; then
			w=$(awk '$2 == "Write" {s += $3} END {print s + 0}' "$bdir/blkio.throttle.io_service_bytes")
			[ "$w" -gt 0 ] || fail "the zone's writes are not counted in $bdir: $(cat "$bdir/blkio.throttle.io_service_bytes")"
			echo "ok: the zone's synced writes counted in its blkio cgroup ($w bytes)"
		fi
	fi
	# name=systemd is: a systemd in the zone needs it (issue 11), and the zone has its own
	# cgroup there, so it sees only its subtree, writable
	if [ -f /sys/fs/cgroup/systemd/cgroup.procs ]; then
		echo "$cg" | grep -q '^/sys/fs/cgroup/systemd rw,.* cgroup$' ||
			fail "no writable name=systemd hierarchy in the zone"
		zx "test ! -e /sys/fs/cgroup/systemd/$CGP" ||
			fail "the zone's name=systemd hierarchy shows the host's tree"
		zx "grep -qx '[0-9]*:name=systemd:/' /proc/self/cgroup" ||
			fail "name=systemd is not namespaced: $(zx 'cat /proc/self/cgroup')"
	fi
	memdir=/sys/fs/cgroup/memory
	memmax=memory.limit_in_bytes
	pidsdir=/sys/fs/cgroup/pids
	cpudir=/sys/fs/cgroup/cpu
	csdir=/sys/fs/cgroup/cpuset
fi
echo "ok: the zone's cgroup file systems, writable, in a read-only /sys/fs/cgroup"

# --- only the zone's subtree, with the zone's caps ------------------------------------------
[ "$(zx "cat $memdir/$memmax")" = 67108864 ] || fail "the zone does not see its memory cap"
[ "$(zx "cat $pidsdir/pids.max")" = 100 ] || fail "the zone does not see its pids cap"
# the processes listed are the zone's, by their pids in its namespace: init, and a sleep
out=$(zx "sleep 30 & echo \$!; cat $memdir/cgroup.procs; kill \$!")
sleeper=$(echo "$out" | sed -n 1p)
procs=$(echo "$out" | sed 1d)
echo "$procs" | grep -qx 1 || fail "zone init is not in the zone's root cgroup: $procs"
echo "$procs" | grep -qx "$sleeper" || fail "the zone's sleep ($sleeper) is not listed: $procs"
[ -z "$(zx "find $memdir -mindepth 1 -type d")" ] || fail "a fresh zone has cgroups below its own"
# above the namespace's root there is only the tmpfs: no host cgroup to write or join
[ "$v2" = 1 ] || [ -z "$(zx "ls $memdir/.. | grep cgroup")" ] || fail "cgroup files above the zone's root"
err=$(zx 'mount -t cgroup -o memory cgroup /tmp' 2>&1) && fail "the zone mounted a cgroup file system"
echo "ok: the zone sees its own cgroup, its caps and its processes only (mount: $err)"

# --- delegation: root makes cgroups, moves processes, sets limits ----------------------------
if [ "$v2" = 1 ]; then
	# no internal processes: the root's processes move to a leaf before the root hands
	# controllers down (what systemd does)
	zx "mkdir $memdir/init && for p in \$(cat $memdir/cgroup.procs); do echo \$p > $memdir/init/cgroup.procs 2>/dev/null; done; echo '+memory +pids' > $memdir/cgroup.subtree_control" ||
		fail "could not enable memory and pids for the zone's children"
fi
zx "mkdir $memdir/kid" || fail "root in the zone could not make a memory cgroup"
zx "echo 33554432 > $memdir/kid/$memmax" || fail "could not set the child's memory limit"
[ "$(zx "cat $memdir/kid/$memmax")" = 33554432 ] || fail "the child's limit did not stick"
out=$(zx "echo \$\$ > $memdir/kid/cgroup.procs && cat /proc/self/cgroup && grep MemTotal /proc/meminfo")
echo "$out"
echo "$out" | grep -q ':/kid$' || fail "the shell did not move into the child: $out"
# lxproc shows the zone's cap (its cgroup's), wherever in the zone the reader is
echo "$out" | grep -q '^MemTotal: *65536 kB$' || fail "meminfo in a child does not show the zone's cap: $out"
echo "ok: root in the zone made a cgroup, set its limit and moved a process into it"

# --- the caps bind, whatever the zone writes below them --------------------------------------
alloc() { # alloc MiB: a process that takes about that much memory, in the child
	zx "echo \$\$ > $memdir/kid/cgroup.procs; awk 'BEGIN{s=\"x\"; while (length(s) < $1*1024*1024) s = s s; print length(s)}' >/dev/null"
}
alloc 4 || fail "4 MiB in a 32 MiB child failed"
# a child allowed more than the zone (and the copy of the cap at the root raised too, swap
# limit first where there is one): the kernel still stops the zone at its cap
if [ "$v2" = 1 ]; then
	zx "echo max > $memdir/$memmax; echo max > $memdir/kid/$memmax" || fail "raising the copies failed"
else
	zx "for d in $memdir $memdir/kid; do echo -1 > \$d/memory.memsw.limit_in_bytes 2>/dev/null; echo 1073741824 > \$d/$memmax || exit 1; done" ||
		fail "raising the copies failed"
fi
[ "$(zx "cat $memdir/kid/$memmax")" = 67108864 ] && fail "the child's limit was not raised"
st=0
alloc 128 || st=$?
[ $st = 137 ] || fail "128 MiB in a child allowed 1 GiB of a 64 MiB zone: status $st, not SIGKILL"
host_mem=$(cat /sys/fs/cgroup/memory/$CGP/cgfsz/memory.limit_in_bytes 2>/dev/null ||
	cat /sys/fs/cgroup/$CGP/cgfsz/memory.max)
[ "$host_mem" = 67108864 ] || fail "the zone's own cap changed: $host_mem"
echo "ok: a child allowed 1 GiB is killed at the zone's 64 MiB cap (status $st); the cap is untouched"

# pids: a child allowed 1000 still counts against the zone's 100
zx "mkdir $pidsdir/many && echo 1000 > $pidsdir/many/pids.max" || fail "could not make a pids cgroup"
# busybox sh gives up at its first failed fork, so the sleeps start in a subshell; after it,
# only builtins (at the cap nothing else could fork)
n=$(zx "echo \$\$ > $pidsdir/many/cgroup.procs; (i=0; while [ \$i -lt 150 ]; do sleep 30 & i=\$((i+1)); done) 2>/dev/null; n=0; while read p; do n=\$((n+1)); [ \$p = \$\$ ] || kill \$p; done < $pidsdir/many/cgroup.procs; echo \$n")
[ "$n" -le 100 ] || fail "$n processes in a zone capped at 100"
[ "$n" -ge 50 ] || fail "only $n processes started: the check proves nothing"
echo "ok: a child allowed 1000 pids holds $n (zone cap 100)"

if [ -n "$cpus" ]; then
	# v1 refuses a child's CFS quota above an ancestor's; v2 takes it and throttles at the
	# zone's
	if [ "$v2" = 0 ]; then
		zx "mkdir $cpudir/kid" || fail "could not make a cpu cgroup"
		err=$(zx "echo 200000 > $cpudir/kid/cpu.cfs_quota_us" 2>&1) &&
			fail "a child took a CPU quota above the zone's"
		echo "$err" | grep -q 'Invalid argument' || fail "expected EINVAL, got: $err"
		zx "echo 50000 > $cpudir/kid/cpu.cfs_quota_us" || fail "a child could not take a lower quota"
		# a child's CPUs must be the zone's
		zx "mkdir $csdir/kid" || fail "could not make a cpuset cgroup"
		[ "$(zx "cat $csdir/kid/cpuset.cpus")" = "$(zx "cat $csdir/cpuset.cpus")" ] ||
			fail "a new cpuset child does not start with the zone's CPUs"
		err=$(zx "echo 0-$((ncpu - 1)) > $csdir/kid/cpuset.cpus" 2>&1) &&
			fail "a child took CPUs outside the zone's"
		echo "ok: a child's CPU quota and CPUs stay within the zone's ($err)"
	fi
fi

# devices: the zone's rules, and a child cannot allow what they deny
if [ "$v2" = 0 ] && [ -f /sys/fs/cgroup/devices/cgroup.procs ]; then
	echo "$cg" | grep -q '^/sys/fs/cgroup/devices rw,.* cgroup$' ||
		fail "the zone's devices cgroup is not mounted"
	list=$(zx 'cat /sys/fs/cgroup/devices/devices.list')
	echo "$list" | grep -qx 'c 1:3 rwm' || fail "the zone's devices.list lacks /dev/null: $list"
	echo "$list" | grep -q '^a ' && fail "the zone's devices cgroup allows everything: $list"
	zx 'echo "a *:* rwm" > /sys/fs/cgroup/devices/devices.allow' 2>/dev/null &&
		fail "the zone allowed every device"
	zx 'mkdir /sys/fs/cgroup/devices/kid' || fail "could not make a devices cgroup"
	zx 'echo a > /sys/fs/cgroup/devices/kid/devices.allow' 2>/dev/null &&
		fail "a child of the zone allowed every device"
	zx 'echo "b 8:0 rwm" > /sys/fs/cgroup/devices/kid/devices.allow' 2>/dev/null &&
		fail "a child of the zone allowed a host disk"
	zx 'cat /sys/fs/cgroup/devices/kid/devices.list' | grep -q '^a \|^b 8:0' &&
		fail "a child's device list grew"
	echo "ok: the zone's device rules bound its children"
fi

# --- another user cannot --------------------------------------------------------------------
lxzone exec cgfsz --user 1234:1234 -- /bin/sh -c "mkdir $memdir/u" 2>/dev/null &&
	fail "a non-root user made a cgroup"
lxzone exec cgfsz --user 1234:1234 -- /bin/sh -c "echo 1 > $memdir/kid/$memmax" 2>/dev/null &&
	fail "a non-root user wrote a limit"
err=$(lxzone exec cgfsz --user 1234:1234 -- /bin/sh -c "echo \$\$ > $memdir/kid/cgroup.procs" 2>&1) &&
	fail "a non-root user moved a process"
echo "ok: a non-root user cannot make cgroups, set limits or move processes ($err)"

# --- the rest of /sys, and the tmpfs, stay read-only -----------------------------------------
zx "echo 1 > /sys/kernel/mm/ksm/run" 2>/dev/null && fail "wrote to /sys"
echo "$mi" | awk '$5 == "/sys" {print $6}' | grep -q '^ro,' || fail "/sys is not mounted read-only"
if [ "$v2" = 0 ]; then
	err=$(zx "touch /sys/fs/cgroup/x" 2>&1) && fail "wrote to /sys/fs/cgroup"
	echo "$err" | grep -q 'Read-only file system' || fail "expected EROFS, got: $err"
fi
echo "ok: /sys and the /sys/fs/cgroup tmpfs refuse writes"

# --- halt removes every cgroup the zone made, with processes in them, even frozen ones -------
hier="memory pids cpu freezer unified"
[ "$v2" = 1 ] && hier=.
zx "for h in $hier; do d=/sys/fs/cgroup/\$h; [ \$h = . ] && d=$memdir; [ -d \$d ] && mkdir -p \$d/a/b/c; done
sleep 1000 </dev/null >/dev/null 2>&1 &
for h in $hier; do d=/sys/fs/cgroup/\$h; [ \$h = . ] && d=$memdir; [ -d \$d ] && echo \$! > \$d/a/b/c/cgroup.procs; done
[ -f /sys/fs/cgroup/freezer/a/freezer.state ] && echo FROZEN > /sys/fs/cgroup/freezer/a/freezer.state
exit 0" || fail "could not make nested cgroups"
nested=$(find /sys/fs/cgroup/*/$CGP/cgfsz /sys/fs/cgroup/$CGP/cgfsz -path '*/a/b/c' -type d 2>/dev/null | wc -l)
[ "$nested" -ge 1 ] || fail "the nested cgroups are not on the host"
lxzone halt cgfsz
no_cgroup_left cgfsz
echo "ok: halt removed $nested nested cgroup trees and the zone's cgroups"

# --- the zone's cgroup is where its boot put it, whatever a later command's environment says --
alt=$CGP-alt$$
LXZONE_CGROUP_PARENT=$alt lxzone boot cgfsz
[ -n "$(ls -d /sys/fs/cgroup/*/"$alt"/cgfsz /sys/fs/cgroup/"$alt"/cgfsz 2>/dev/null)" ] ||
	fail "the boot under LXZONE_CGROUP_PARENT=$alt made no cgroup there"
for env in "LXZONE_CGROUP_PARENT=$CGP" "-u LXZONE_CGROUP_PARENT"; do
	# shellcheck disable=SC2086
	out=$(env $env "$LXZONE" exec cgfsz -- /bin/sh -c 'echo in-zone' 2>&1) ||
		fail "exec with $env into a zone booted under $alt: $out"
	[ "$out" = in-zone ] || fail "exec with $env: $out"
done
env -u LXZONE_CGROUP_PARENT "$LXZONE" halt cgfsz
left=$(ls -d /sys/fs/cgroup/*/"$alt"/cgfsz /sys/fs/cgroup/"$alt"/cgfsz 2>/dev/null || true)
[ -z "$left" ] || fail "halt from another environment left the zone's cgroup: $left"
for d in /sys/fs/cgroup/*/"$alt" /sys/fs/cgroup/"$alt"; do [ -d "$d" ] && rmdir "$d"; done
echo "ok: exec and halt find the zone's cgroup where its boot made it ($alt)"

lxzone destroy cgfsz
no_cgroup_left cgfsz
no_mount_left
echo "all checks passed"
