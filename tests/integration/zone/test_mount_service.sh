#!/bin/sh
# The zone's mount service (zone/mountd.c): mount and umount2 in a zone are decided outside it.
# A busybox zone given a loop device (device=HOSTDEV:/dev/vdb) mounts and unmounts a tmpfs,
# mounts the device's ext4 (always nodev), may not mount a host device it was not given, may
# not unmount or remount what lxzone set up (/proc, /sys, the root), binds and moves paths of
# its own, mounts an overlay of its own directories (not through a magic link), gets EFAULT for
# bad pointers, EPERM without CAP_SYS_ADMIN, ENODEV for a type the host lacks, in the kernel's
# order; its init (PID 1, the image's program) is served too.  Then, when the
# Debian minbase image is in the test cache, a zone runs mkfs.ext4 and mount(8) on its device.
. "$(dirname "$0")/lib.sh"
export LXZONE_CGROUP_PARENT="${LXZONE_CGROUP_PARENT:-lxzone-it-mountd}"
need_brand
builtin_images
probe="${LXZONE_BUILD:-}/tests/bin/it_mountprobe"
[ -x "$probe" ] || skip "no $probe (build the it_mountprobe target)"
two_loop_devices mnt5 mnt5deb

# a device that is not a block device, or missing, is refused at configuration
! lxzone create bad5 --device /etc/passwd:/dev/x 2>"$T/err" || fail "device=/etc/passwd accepted"
grep -q "not a block device" "$T/err" || fail "device=/etc/passwd: $(cat "$T/err")"
! lxzone create bad5 --device "$given:/etc/vdb" 2>/dev/null || fail "zone path outside /dev accepted"

# +mknod: the zone makes its own node for a host disk below, which the policy must refuse
# by major:minor (on a host without a devices cgroup the default set has no mknod)
# privileged: a user-namespaced zone may not mount a block device's file system (EPERM, see
# zone/mountd.c); the mount service in a default zone is tested by test_userns.sh
lxzone create mnt5 --image builtin:busybox --device "$given:/dev/vdb" --capabilities default,+mknod \
	--memory 256M --privileged
lxzone config mnt5 | grep -qx "device=$given:/dev/vdb" || fail "device not in the config"
root="$LXZONE_ROOT/mnt5/root"
cp "$probe" "$root/bin/mountprobe"
mkdir -p "$root/sbin"
# PID 1 mounts a tmpfs at boot: init's tree has its own service (the supervisor's)
cat >"$root/sbin/mountinit" <<'EOF'
#!/bin/sh
mkdir -p /mnt/init
mountprobe call init mount none /mnt/init tmpfs 0 >/tmp/init-mount 2>&1
exec /bin/sleep 100000
EOF
chmod 755 "$root/sbin/mountinit"
lxzone configure mnt5 init=/sbin/mountinit
lxzone boot mnt5

x() { lxzone exec mnt5 -- "$@"; }
expect() { # expect "NAME RESULT" COMMAND...
	want=$1
	shift
	got=$(x "$@")
	[ "$got" = "$want" ] || fail "$*: got '$got', want '$want'"
	echo "ok: $want"
}
P="/bin/mountprobe call"

got=""
for i in $(seq 50); do # PID 1 runs its script after boot returns
	got=$(x cat /tmp/init-mount 2>/dev/null || true)
	[ -z "$got" ] || break
	sleep 0.1
done
[ "$got" = "init ok" ] || fail "mount by init: $got"
x grep -q " /mnt/init tmpfs" /proc/mounts || fail "init's tmpfs is not mounted"
echo "ok: init's mount"

# the device node, as configured
x stat -c '%F %t:%T %a' /dev/vdb >"$T/node"
want_node=$(stat -c 'block special file %t:%T' "$given")
[ "$(cat "$T/node")" = "$want_node 660" ] || fail "/dev/vdb: $(cat "$T/node"), want $want_node 660"
echo "ok: /dev/vdb $(cat "$T/node")"

# /proc/diskstats (lxproc: the zone has a cap) shows the zone's one device, by its kernel name
x cat /proc/diskstats >"$T/diskstats"
[ "$(awk '{ print $3 }' "$T/diskstats")" = "$(basename "$given")" ] ||
	fail "/proc/diskstats: '$(cat "$T/diskstats")', want only $(basename "$given")"
echo "ok: /proc/diskstats: $(awk '{ print $1, $2, $3 }' "$T/diskstats")"

# bad pointers
x mountprobe efault >"$T/efault"
for k in type source target data unterminated umount null-target prot-none-source prot-none-type; do
	grep -qx "$k EFAULT" "$T/efault" || fail "bad pointer ($k): $(cat "$T/efault")"
done
echo "ok: bad pointers give EFAULT"

# a tmpfs, mounted and unmounted (in two commands: the zone's own mounts outlive an exec)
x mkdir -p /mnt/t /mnt/d /mnt/a /mnt/b /mnt/c
expect "tmpfs ok" $P tmpfs mount none /mnt/t tmpfs 0 size=1m
x sh -c 'echo hello >/mnt/t/f && grep -q " /mnt/t tmpfs .*size=1024k" /proc/mounts' ||
	fail "tmpfs not usable or options lost"
expect "umount ok" $P umount umount /mnt/t 0
! x grep -q " /mnt/t " /proc/mounts || fail "/mnt/t still mounted"
# execs hand their listeners to the zone's own service (its socket in the zone directory):
# two at once, each mounting; without the socket (a zone booted by an older lxzone) an exec
# starts a service of its own
[ -S "$LXZONE_ROOT/mnt5/mountd.sock" ] || fail "no mount service socket"
x sh -c "$P tmpfs mount none /mnt/t tmpfs 0 size=1m" >"$T/c1" &
c1=$!
x sh -c "$P tmpfs mount none /mnt/a tmpfs 0 size=1m" >"$T/c2"
wait $c1
[ "$(cat "$T/c1") $(cat "$T/c2")" = "tmpfs ok tmpfs ok" ] ||
	fail "concurrent exec mounts: $(cat "$T/c1") / $(cat "$T/c2")"
mv "$LXZONE_ROOT/mnt5/mountd.sock" "$T/mountd.sock"
expect "umount ok" $P umount umount /mnt/a 0
mv "$T/mountd.sock" "$LXZONE_ROOT/mnt5/mountd.sock"
expect "umount ok" $P umount umount /mnt/t 0
echo "ok: execs through the zone's service, concurrently, and with a service of their own"
expect "proc ok" $P proc mount proc /mnt/t proc 0
x sh -c 'test -e /mnt/t/1 && ! test -e /mnt/t/'"$$" || fail "the zone's proc shows host pids"
# the zone's own proc has the masks of its /proc (zone/launch/launch_mask.c); an open for appending
# writes nothing, even where it succeeds
x sh -c 'exec 3>>/mnt/t/sys/kernel/core_pattern' 2>"$T/err" &&
	fail "the zone's own proc: /proc/sys/kernel/core_pattern opens for writing"
grep -q "Read-only file system" "$T/err" || fail "core_pattern: $(cat "$T/err")"
x sh -c 'exec 3>>/mnt/t/sys/net/ipv4/ip_forward' ||
	fail "the zone's own proc: its netns's /proc/sys/net is not writable"
[ -z "$(x cat /mnt/t/timer_list)" ] || fail "the zone's own proc: timer_list not masked"
echo "ok: the zone's own proc is masked"
expect "umount-proc ok" $P umount-proc umount /mnt/t 0
expect "sysfs ok" $P sysfs mount sysfs /mnt/t sysfs 0
x grep -q " /mnt/t sysfs ro," /proc/mounts || fail "sysfs mounted read-write"
[ -z "$(x ls -A /mnt/t/firmware)" ] || fail "the zone's own sysfs: firmware not masked"
expect "umount-sysfs ok" $P umount-sysfs umount /mnt/t 0

# refusals and the kernel's own errors, in the kernel's order: the target's lookup, the
# caller's privilege (may_mount), then the type
expect "unknown ENODEV" $P unknown mount none /mnt/t nosuchfs 0
expect "unknown-missing ENOENT" $P unknown-missing mount none /mnt/nosuch nosuchfs 0
expect "cgroup2 EPERM" $P cgroup2 mount none /mnt/t cgroup2 0
U="/bin/mountprobe nocap call"
expect "nocap-tmpfs EPERM" $U nocap-tmpfs mount none /mnt/t tmpfs 0
expect "nocap-unknown EPERM" $U nocap-unknown mount none /mnt/t nosuchfs 0
expect "nocap-missing ENOENT" $U nocap-missing mount none /mnt/nosuch tmpfs 0
expect "nocap-bind EPERM" $U nocap-bind mount /mnt/a /mnt/b - 0x1000
expect "nocap-umount EPERM" $U nocap-umount umount /mnt/init 0
# an allowed type the host kernel does not have is ENODEV (LTP probes with /dev/zero), and
# the kernel never sees it (no module is loaded for a zone)
for fs in vfat exfat xfs btrfs; do
	grep -qw "$fs" /proc/filesystems && continue
	expect "$fs-zero ENODEV" $P $fs-zero mount /dev/zero /mnt/t $fs 0
done
expect "ext4-zero ENOTBLK" $P ext4-zero mount /dev/zero /mnt/t ext4 0
expect "notblk ENOTBLK" $P notblk mount /etc/passwd /mnt/d ext4 0
expect "missing ENOENT" $P missing mount /dev/nosuch /mnt/d ext4 0
x mknod /tmp/other b $other_mm
expect "other-dev EPERM" $P other-dev mount /tmp/other /mnt/d ext4 0
expect "umount-proc EPERM" $P umount-proc umount /proc 0
expect "umount-tmp EPERM" $P umount-tmp umount /tmp 2
expect "remount-root EPERM" $P remount-root mount - / - 0x20 # MS_REMOUNT
expect "remount-sys EPERM" $P remount-sys mount - /sys - 0x20
# a directory that is no mount point: the kernel's EINVAL comes before ownership (mount02)
expect "remount-dir EINVAL" $P remount-dir mount - /mnt/a - 0x20
expect "move-tmp EPERM" $P move-tmp mount /tmp /mnt/c - 0x2000 # MS_MOVE
expect "not-mount EINVAL" $P not-mount umount /mnt/a 0

# binds and moves of the zone's own paths; a bind of read-only /sys stays read-only
x sh -c 'echo bound >/mnt/a/f'
expect "bind ok" $P bind mount /mnt/a /mnt/b - 0x1000 # MS_BIND
[ "$(x cat /mnt/b/f)" = bound ] || fail "bind: /mnt/b/f"
expect "move ok" $P move mount /mnt/b /mnt/c - 0x2000
[ "$(x cat /mnt/c/f)" = bound ] || fail "move: /mnt/c/f"
expect "umount-c ok" $P umount-c umount /mnt/c 0
# without MS_REC, a bind of /proc or /sys would leave their masks behind: EINVAL, as the
# kernel answers for locked mounts in a user namespace
expect "bind-sys EINVAL" $P bind-sys mount /sys /mnt/b - 0x1000
expect "bind-proc EINVAL" $P bind-proc mount /proc /mnt/b - 0x1000
expect "bind-root EINVAL" $P bind-root mount / /mnt/b - 0x1000
expect "rbind-sys ok" $P rbind-sys mount /sys /mnt/b - 0x5000 # MS_BIND|MS_REC
[ -z "$(x ls -A /mnt/b/firmware)" ] || fail "a recursive bind of /sys lost its masks"
expect "rw-sys EPERM" $P rw-sys mount - /mnt/b - 0x1020 # MS_REMOUNT|MS_BIND, no MS_RDONLY
expect "umount-b ok" $P umount-b umount /mnt/b 2 # MNT_DETACH: its submounts go with it
expect "private ok" $P private mount - / - 0x44000 # MS_REC|MS_PRIVATE

# overlay of the zone's own directories; the layers resolved in its root, never through a
# magic link; userxattr always; a layer's nosuid/nodev carried over
if grep -qw overlay /proc/filesystems; then
	x mkdir -p /mnt/o/l /mnt/o/u /mnt/o/w /mnt/o/m /tmp/ol /tmp/ou /tmp/ow
	x sh -c 'echo lower >/mnt/o/l/f'
	O=lowerdir=/mnt/o/l,upperdir=/mnt/o/u,workdir=/mnt/o/w
	expect "overlay ok" $P overlay mount overlay /mnt/o/m overlay 0 $O
	x sh -c 'echo upper >/mnt/o/m/g && cat /mnt/o/m/f' | grep -qx lower || fail "overlay: lower file"
	[ "$(x cat /mnt/o/u/g)" = upper ] || fail "overlay: write did not reach the upper layer"
	x grep -q " /mnt/o/m overlay .*userxattr" /proc/mounts || fail "overlay without userxattr"
	expect "overlay-umount ok" $P overlay-umount umount /mnt/o/m 0
	# relative layers resolve from the caller's working directory
	got=$(x sh -c 'cd /mnt/o && mountprobe call rel mount overlay m overlay 0 lowerdir=l,upperdir=u,workdir=w')
	[ "$got" = "rel ok" ] || fail "overlay with relative layers: $got"
	expect "umount-rel ok" $P umount-rel umount /mnt/o/m 0
	expect "overlay-magic EPERM" $P overlay-magic mount overlay /mnt/o/m overlay 0 \
		lowerdir=/proc/1/root/etc
	expect "overlay-magic-upper EPERM" $P overlay-magic-upper mount overlay /mnt/o/m overlay 0 \
		lowerdir=/mnt/o/l,upperdir=/proc/1/cwd/mnt/o/u,workdir=/mnt/o/w
	expect "overlay-missing ENOENT" $P overlay-missing mount overlay /mnt/o/m overlay 0 \
		lowerdir=/mnt/o/nosuch
	expect "overlay-file EINVAL" $P overlay-file mount overlay /mnt/o/m overlay 0 \
		lowerdir=/mnt/o/l/f
	expect "overlay-opt EINVAL" $P overlay-opt mount overlay /mnt/o/m overlay 0 "$O,bogus"
	expect "overlay-index EPERM" $P overlay-index mount overlay /mnt/o/m overlay 0 "$O,index=on"
	expect "overlay-nocap EPERM" $U overlay-nocap mount overlay /mnt/o/m overlay 0 "$O"
	# a read-only upper layer: overlayfs' own EINVAL (nothing is made writable)
	expect "bind-ro ok" $P bind-ro mount /mnt/o/u /mnt/b - 0x1000
	expect "ro ok" $P ro mount - /mnt/b - 0x1021 # MS_REMOUNT|MS_BIND|MS_RDONLY
	expect "overlay-ro-upper EINVAL" $P overlay-ro-upper mount overlay /mnt/o/m overlay 0 \
		lowerdir=/mnt/o/l,upperdir=/mnt/b,workdir=/mnt/o/w
	expect "umount-b2 ok" $P umount-b2 umount /mnt/b 0
	# /tmp is nosuid,nodev: an overlay with a layer there is too
	expect "overlay-tmp ok" $P overlay-tmp mount overlay /mnt/o/m overlay 0 \
		lowerdir=/tmp/ol,upperdir=/mnt/o/u,workdir=/mnt/o/w
	x grep " /mnt/o/m overlay" /proc/mounts | grep -q "nosuid,nodev" ||
		fail "overlay over /tmp lost nosuid,nodev: $(x grep /mnt/o/m /proc/mounts)"
	expect "overlay-tmp-umount ok" $P overlay-tmp-umount umount /mnt/o/m 0
	echo "ok: overlay"
else
	echo "note: the host has no overlay; overlay not tested"
fi

# the device given to the zone: ext4 made on the host, written in the zone
expect "dev ok" $P dev mount /dev/vdb /mnt/d ext4 0
# nodev: the zone writes the device byte by byte, so it could hold a node for any host device
x grep -q "^/dev/vdb /mnt/d ext4 rw,nodev" /proc/mounts || fail "mountinfo: $(x grep /mnt/d /proc/mounts)"
x sh -c 'echo from-zone >/mnt/d/hello'
expect "dev-ro ok" $P dev-ro mount - /mnt/d - 0x21 # MS_REMOUNT|MS_RDONLY
! x sh -c 'echo x >/mnt/d/nope' 2>/dev/null || fail "remount read-only did not take"
x grep -q "^/dev/vdb /mnt/d ext4 ro,nodev" /proc/mounts || fail "a remount cleared nodev"
expect "dev-bind ok" $P dev-bind mount /mnt/d /mnt/b - 0x1000
expect "dev-bind-dev ok" $P dev-bind-dev mount - /mnt/b - 0x1021 # MS_REMOUNT|MS_BIND|MS_RDONLY
x grep -q " /mnt/b ext4 ro,nodev" /proc/mounts || fail "a bind remount cleared nodev"
expect "umount-b3 ok" $P umount-b3 umount /mnt/b 0
expect "dev-umount ok" $P dev-umount umount /mnt/d 0
got=$(debugfs -R "cat /hello" "$T/given.img" 2>/dev/null || true)
[ -z "$got" ] || [ "$got" = from-zone ] || fail "the device's file: '$got'"
echo "ok: device mounted, written, unmounted ($got)"

lxzone halt mnt5
no_cgroup_left mnt5
no_mount_left

# mkfs.ext4 and mount(8) inside a zone, on a glibc image (when the test cache has it)
image="${LXZONE_TEST_CACHE:-/var/cache/lxzone-test}/debian-bookworm-minbase.tar.zst"
if [ -s "$image" ] && command -v zstd >/dev/null; then
	lxzone create mnt5deb --device "$given:/dev/vdb" --memory 512M --privileged
	lxzone install mnt5deb "$image"
	lxzone boot mnt5deb
	lxzone exec mnt5deb -- /sbin/mkfs.ext4 -q -F /dev/vdb || fail "mkfs.ext4 in the zone"
	lxzone exec mnt5deb -- /bin/sh -c 'mkdir -p /mnt/d && mount /dev/vdb /mnt/d &&
		echo deb >/mnt/d/x && cat /mnt/d/x && umount /mnt/d' >"$T/deb" 2>&1 ||
		fail "mount(8) in the zone: $(cat "$T/deb")"
	[ "$(cat "$T/deb")" = deb ] || fail "mount(8) in the zone: $(cat "$T/deb")"
	lxzone exec mnt5deb -- /bin/sh -c 'mount -t tmpfs none /mnt && umount /mnt' ||
		fail "mount(8) of a tmpfs in the zone"
	! lxzone exec mnt5deb -- /bin/umount /proc 2>/dev/null || fail "umount /proc allowed"
	echo "ok: mkfs.ext4, mount and umount (util-linux) in a Debian zone"
	lxzone halt mnt5deb
	lxzone destroy mnt5deb
else
	echo "note: no Debian minbase image in the test cache; mkfs.ext4 in a zone not run"
fi
lxzone destroy mnt5
no_mount_left
echo PASS
