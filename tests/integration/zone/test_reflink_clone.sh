#!/bin/sh
# lxzone clone --method reflink on loop-backed btrfs and xfs stores: the clone's files share
# the source's extents (same physical extents, free space barely moves), the clone is
# independent after writes, boots and runs.  On a file system that cannot reflink (the test
# directory's own), --method reflink fails with one line and leaves no zone.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand
command -v losetup >/dev/null || skip "no losetup"
command -v filefrag >/dev/null || skip "no filefrag (e2fsprogs)"

LOOPS=""
reflink_cleanup() {
	grep " $T" /proc/self/mounts | awk '{print $2}' | sort -r | while read -r m; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done
	for l in $LOOPS; do losetup -d "$l" 2>/dev/null || true; done
	cleanup
}
trap reflink_cleanup EXIT

# first_extent FILE -> the physical start of its first extent (filefrag -v)
first_extent() {
	filefrag -v "$1" | awk '$1 == "0:" {sub(/\.\..*/, "", $4); print $4; exit}'
}

# used_kib MOUNTPOINT
used_kib() {
	sync
	df -k --output=used "$1" | tail -1 | tr -d ' '
}

# --- a file system without reflink: one line, no zone ----------------------------------------
lxzone create rsrc --image builtin:busybox
echo x >"$T/probe.a"
if cp --reflink=always "$T/probe.a" "$T/probe.b" 2>/dev/null; then
	echo "note: $T can reflink; the refusal case is not tested here"
else
	set +e
	err=$(lxzone clone rsrc rdst --method reflink 2>&1)
	st=$?
	set -e
	[ $st != 0 ] || fail "--method reflink succeeded on a file system without reflink"
	[ "$(echo "$err" | wc -l)" = 1 ] || fail "not one line: $err"
	echo "$err" | grep -q "reflink" || fail "the error does not say why: $err"
	lxzone info rdst >/dev/null 2>&1 && fail "a refused reflink clone left zone rdst"
	[ ! -e "$LXZONE_ROOT/rdst" ] || fail "a refused reflink clone left $LXZONE_ROOT/rdst"
	ls -a "$LXZONE_ROOT" | grep -q rdst && fail "a refused clone left $(ls -a "$LXZONE_ROOT")"
	expect_state rsrc installed
	echo "ok: no reflink on $(df -T "$T" | awk 'NR == 2 {print $2}'): one line, no zone: $err"
fi
lxzone destroy rsrc

# --- btrfs and xfs ----------------------------------------------------------------------------
tested=""
for fs in btrfs xfs; do
	if ! grep -qw "$fs" /proc/filesystems && ! modprobe "$fs" 2>/dev/null; then
		echo "note: the kernel has no $fs"
		continue
	fi
	if ! command -v "mkfs.$fs" >/dev/null; then
		echo "note: no mkfs.$fs (Debian package ${fs}-progs / xfsprogs)"
		continue
	fi
	img="$T/$fs.img"
	mnt="$T/mnt-$fs"
	truncate -s 320M "$img"
	if ! loop=$(losetup -f --show "$img" 2>/dev/null); then
		echo "note: no loop device for $fs"
		continue
	fi
	LOOPS="$LOOPS $loop"
	case $fs in
	btrfs) mkfs.btrfs -q -f "$loop" >/dev/null ;;
	xfs) mkfs.xfs -q -f -m reflink=1 "$loop" >/dev/null ;;
	esac
	mkdir -p "$mnt"
	mount "$loop" "$mnt"
	export LXZONE_ROOT="$mnt/store"

	lxzone create src --image builtin:busybox
	# 32 MiB of data, so shared and copied extents show in the free space
	head -c 33554432 /dev/urandom >"$LXZONE_ROOT/src/root/big"
	srcsum=$(sha256sum "$LXZONE_ROOT/src/root/big" | cut -d' ' -f1)
	treesum=$(tree_sum "$LXZONE_ROOT/src/root")
	u0=$(used_kib "$mnt")
	lxzone clone src cl --method reflink
	u1=$(used_kib "$mnt")
	expect_state cl installed
	[ "$(lxzone info cl --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["origin"]["type"])')" = reflink ] ||
		fail "$fs: the clone's origin is not reflink"
	a=$(first_extent "$LXZONE_ROOT/src/root/big")
	b=$(first_extent "$LXZONE_ROOT/cl/root/big")
	[ -n "$a" ] && [ "$a" = "$b" ] || fail "$fs: the clone's big file does not share extents ($a vs $b)"
	filefrag -v "$LXZONE_ROOT/cl/root/big" | grep -q shared || fail "$fs: extents not flagged shared"
	[ $((u1 - u0)) -lt 8192 ] || fail "$fs: the clone used $((u1 - u0)) KiB for 32 MiB of shared data"
	cmp -s "$LXZONE_ROOT/src/root/big" "$LXZONE_ROOT/cl/root/big" || fail "$fs: contents differ"
	echo "ok: $fs: reflink clone shares extents (first at $a; $((u1 - u0)) KiB used for 32 MiB)"

	# independent after writes, both ways
	printf 'clone wrote this' | dd of="$LXZONE_ROOT/cl/root/big" conv=notrunc,fsync 2>/dev/null
	sync
	echo changed >"$LXZONE_ROOT/cl/root/etc/motd"
	[ "$(sha256sum "$LXZONE_ROOT/src/root/big" | cut -d' ' -f1)" = "$srcsum" ] ||
		fail "$fs: a write to the clone changed the source"
	[ "$(sha256sum "$LXZONE_ROOT/cl/root/big" | cut -d' ' -f1)" != "$srcsum" ] ||
		fail "$fs: the write to the clone did not land"
	[ "$(first_extent "$LXZONE_ROOT/cl/root/big")" != "$a" ] ||
		fail "$fs: the written extent is still shared"
	[ "$(tree_sum "$LXZONE_ROOT/src/root")" = "$treesum" ] || fail "$fs: the source tree changed"
	echo more >>"$LXZONE_ROOT/src/root/etc/passwd"
	grep -qx more "$LXZONE_ROOT/cl/root/etc/passwd" && fail "$fs: a write to the source reached the clone"
	echo "ok: $fs: the clone is independent after writes"

	# a usable zone with its own identity
	lxzone boot cl
	[ "$(lxzone exec cl -- hostname)" = cl ] || fail "$fs: the clone's hostname is not its own"
	lxzone exec cl -- /bin/sh -c 'test -s /big' || fail "$fs: the clone's root lacks /big"
	lxzone halt cl
	lxzone destroy cl
	lxzone destroy src
	# destroy's removal runs in the background (zone/fsutil.h): the file system is busy
	# until it ends
	for i in $(seq 1 60); do
		[ -z "$(ls -d "$LXZONE_ROOT"/.gone-* 2>/dev/null)" ] && break
		sleep 0.5
	done
	umount "$mnt"
	losetup -d "$loop"
	LOOPS=$(echo "$LOOPS" | sed "s|$loop||")
	tested="$tested $fs"
done
[ -n "$tested" ] || skip "neither btrfs nor xfs could be set up on a loop device here"
echo "all checks passed (reflink tested on:$tested)"
