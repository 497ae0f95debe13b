#!/bin/sh
# The new mount API through the zone's mount service (zone/mountd_api.c): fsopen, fsconfig,
# fsmount, fspick, open_tree, move_mount and mount_setattr are decided with mount(2)'s rules.
# A privileged busybox zone given a loop device (where none of the API may reach the kernel
# directly) mounts the device's ext4 step by step (always nodev), may not name a host device
# it made a node for, nor a type mount(2) refuses, nor a key that names another device;
# clones, moves and flag changes follow mount(2)'s bind, move and remount rules; a proc it
# mounts with fsopen gets the zone's masks and lxproc files.  Then a user-namespaced zone does
# the same with a tmpfs, and its path-level calls (LTP's move_mount03 and mount_setattr02 shapes).
. "$(dirname "$0")/lib.sh"
export LXZONE_CGROUP_PARENT="${LXZONE_CGROUP_PARENT:-lxzone-it-mountapi}"
need_brand
builtin_images
probe="${LXZONE_BUILD:-}/tests/bin/it_mountapi"
[ -x "$probe" ] || skip "no $probe (build the it_mountapi target)"
two_loop_devices mapi5 mapiu

lxzone create mapi5 --image builtin:busybox --device "$given:/dev/vdb" \
	--capabilities default,+mknod --memory 256M --privileged >/dev/null
cp "$probe" "$LXZONE_ROOT/mapi5/root/bin/mountapi"
lxzone boot mapi5

x() { lxzone exec mapi5 -- "$@"; }
expect() { # expect "OUTPUT" COMMAND...: the probe's lines, joined by "; "
	want=$1
	shift
	got=$(x "$@" | paste -sd';' | sed 's/;/; /g')
	[ "$got" = "$want" ] || fail "$*: got '$got', want '$want'"
	echo "ok: $*: $want"
}
M=/bin/mountapi
x mkdir -p /mnt/e /mnt/p /mnt/c /mnt/d /mnt/t

# the zone's device, step by step; nodev is forced as mount(2) forces it
expect "fsopen ok; source ok; create ok; fsmount ok; attach ok" $M new ext4 /dev/vdb /mnt/e
x grep -q " /mnt/e ext4 rw,nodev" /proc/mounts || fail "ext4: $(x grep /mnt/e /proc/mounts)"
x sh -c 'echo api >/mnt/e/f && umount /mnt/e'
echo "ok: the zone's device through fsopen, nodev"
# a tree left unattached lets the device go once its descriptor is closed (not only when
# the process exits): the service sees the last close
expect "fsopen ok; source ok; create ok; fsmount ok; released ok" $M unattached ext4 /dev/vdb
# fspick: a reconfiguration of the zone's own mount only (mount(2)'s MS_REMOUNT rule)
expect "fsopen ok; source ok; create ok; fsmount ok; attach ok" $M new ext4 /dev/vdb /mnt/e
expect "fspick ok; flag ok; reconfigure ok" $M pick /mnt/e ro
x grep -q " /mnt/e ext4 ro," /proc/mounts || fail "fspick ro: $(x grep /mnt/e /proc/mounts)"
expect "fspick EPERM" $M pick / ro
expect "fspick EPERM" $M pick /proc ro
x umount /mnt/e

# a host device the zone made a node for (its major:minor is not the zone's), a path that is
# no block device, and a key that names another device
x mknod /dev/other b $other_mm
expect "fsopen ok; source ok; create EPERM" $M new ext4 /dev/other /mnt/e
expect "fsopen ok; source ok; create ENOTBLK" $M new ext4 /etc/passwd /mnt/e
expect "fsopen ok; key EPERM" $M key ext4 string journal_path /dev/other
expect "fsopen ok; key EPERM" $M key ext4 string journal_dev 1234
expect "fsopen ok; key EPERM" $M key proc string pidns /proc/1/ns/pid
# a path or descriptor value only for a flag key (the VFS takes it by name)
expect "fsopen ok; key ok" $M key ext4 path sync /dev/vdb
expect "fsopen ok; key ok" $M key ext4 fd sync
expect "fsopen ok; key EPERM" $M key ext4 path journal_path /dev/other
# types: as mount(2) answers them
expect "fsopen EPERM" $M fsopen binfmt_misc
expect "fsopen ENODEV" $M fsopen nosuchfs
expect "fsopen EPERM" $M nocap fsopen tmpfs
echo "ok: fsconfig and fsopen refusals"

# proc through fsopen: the zone's masks and lxproc files, as mount(2)'s proc
expect "fsopen ok; create ok; fsmount ok; attach ok" $M new proc - /mnt/p
[ "$(x grep MemTotal /mnt/p/meminfo)" = "$(x grep MemTotal /proc/meminfo)" ] ||
	fail "fsopen's proc: meminfo is not the zone's: $(x grep MemTotal /mnt/p/meminfo)"
x grep -q lxproc /proc/self/mountinfo || skip "no lxproc files in this zone"
# read through the detached mount, before it is attached anywhere
expect "fsopen ok; create ok; fsmount ok; meminfo ok; $(x grep MemTotal /proc/meminfo)" $M procfd
[ -z "$(x cat /mnt/p/timer_list)" ] || fail "fsopen's proc: timer_list not masked"
x sh -c 'exec 3>>/mnt/p/sys/kernel/core_pattern' 2>/dev/null &&
	fail "fsopen's proc: core_pattern opens for writing"
# its masks and lxproc files cannot be shed by a non-recursive clone, nor unmounted
expect "clone EINVAL" $M clone /mnt/p /mnt/c
expect "clone EINVAL" $M clone /proc /mnt/c
x umount /mnt/p/meminfo 2>/dev/null && fail "an lxproc file over fsopen's proc unmounts"
x umount -l /mnt/p
echo "ok: fsopen's proc has the zone's masks and lxproc files"

# sysfs: read-only whatever the caller asks
expect "fsopen ok; rw ok; create ok; fsmount ok; attach ok" $M new sysfs - /mnt/p rw
x grep -q " /mnt/p sysfs ro," /proc/mounts || fail "fsopen's sysfs is writable"
x umount -l /mnt/p

# overlay: layers resolved in the zone (never through a magic link), userxattr added
x mkdir -p /mnt/l /mnt/u /mnt/w /mnt/o
x sh -c 'echo low >/mnt/l/f'
expect "fsopen ok; lowerdir=/mnt/l ok; upperdir=/mnt/u ok; workdir=/mnt/w ok; create ok; fsmount ok; attach ok" \
	$M new overlay - /mnt/o lowerdir=/mnt/l upperdir=/mnt/u workdir=/mnt/w
[ "$(x cat /mnt/o/f)" = low ] || fail "overlay: the lower layer's file"
x grep -q " /mnt/o overlay .*userxattr" /proc/mounts || fail "overlay: $(x grep /mnt/o /proc/mounts)"
x umount /mnt/o
expect "fsopen ok; lowerdir=/proc/1/root/mnt/l EPERM" $M new overlay - /mnt/o lowerdir=/proc/1/root/mnt/l
expect "fsopen ok; index=on EPERM" $M new overlay - /mnt/o index=on
echo "ok: overlay through fsopen"

# clones, moves, flags: mount(2)'s bind, move and remount rules
x mount -t tmpfs none /mnt/t
expect "clone ok; attach ok" $M clone /mnt/t /mnt/c
expect "move ok" $M move /mnt/c /mnt/d
expect "move EPERM" $M move / /mnt/d
expect "move EPERM" $M move /proc /mnt/d
expect "setattr ok" $M setattr /mnt/d 1 0
expect "setattr ok" $M setattr /mnt/d 0 1
# the zone's read-only /sys: clearing read-only on it, a clone of it, or a tree holding it
expect "setattr EPERM" $M setattr /sys 0 1
expect "clone ok; setattr EPERM" $M clonesetattr /sys 0 1
expect "setattr ok" $M setattr /sys 1 0
x mkdir -p /mnt/t/s
x mount --bind /sys/class /mnt/t/s
expect "setattr EPERM" $M setattr /mnt/t 0 1 rec
expect "setattr ok" $M setattr /mnt/t 2 0 rec
x umount /mnt/t/s
# nodev stays (mount(2)'s remount keeps it)
expect "fsopen ok; source ok; create ok; fsmount ok; attach ok" $M new ext4 /dev/vdb /mnt/e
expect "setattr ok" $M setattr /mnt/e 0 4
x grep -q " /mnt/e ext4 rw,nodev" /proc/mounts || fail "nodev cleared: $(x grep /mnt/e /proc/mounts)"
x umount /mnt/e /mnt/d /mnt/t
echo "ok: clones, moves and flags as mount(2)'s"
lxzone halt mapi5

# a user-namespaced zone: no block device, a tmpfs step by step, path-level calls
lxzone create mapiu --image builtin:busybox --memory 256M >/dev/null
cp "$probe" "$LXZONE_ROOT/mapiu/root/bin/mountapi"
lxzone boot mapiu
x() { lxzone exec mapiu -- "$@"; }
x mkdir -p /mnt/t /mnt/c /mnt/d
expect "fsopen EPERM" $M fsopen ext4
expect "fsopen ok; size=1m ok; create ok; fsmount ok; attach ok" $M new tmpfs - /mnt/t size=1m
x grep -q " /mnt/t tmpfs rw,relatime,size=1024k" /proc/mounts ||
	fail "tmpfs: $(x grep /mnt/t /proc/mounts)"
expect "clone ok; attach ok" $M clone /mnt/t /mnt/c
expect "move ok" $M move /mnt/c /mnt/d
expect "move EPERM" $M move / /mnt/d
expect "setattr EPERM" $M setattr /proc/sys 0 1
# a new proc: the kernel's mount_too_revealing refuses it here (the zone's /proc is masked,
# so not fully visible), at fsmount as mount(2)'s
expect "fsopen ok; create ok; fsmount EPERM" $M new proc - /mnt/c
x mount -t proc proc /mnt/c 2>/dev/null && fail "mount(2) of proc works where fsmount does not"
x umount /mnt/d /mnt/t
lxzone halt mapiu
echo "ok: user-namespaced zone"
