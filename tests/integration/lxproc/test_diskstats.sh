#!/bin/sh
# A zone's /proc/diskstats shows its own I/O (docs/architecture.md, "Disks"): a zone whose root
# is on a new loop disk (one no throttle rule has ever touched, so Linux 6.9+ counts no v1
# blkio cgroup's I/O there until the zone's cgroup makes blk-throttle active on it) writes 2
# MiB; its /proc/diskstats then has that disk's line with the zone's own sectors, fewer than
# the host's, and no line of a disk the zone did not use, nor of the host's counts.
. "$(dirname "$0")/lib.sh"
need_root
need_lxzone
need_cgroup_caps
[ -f /sys/fs/cgroup/blkio/blkio.throttle.io_service_bytes_recursive ] ||
	grep -qw io /sys/fs/cgroup/cgroup.controllers 2>/dev/null ||
	skip "neither a v1 blkio hierarchy nor cgroup2's io controller: no cgroup counts the zone's I/O"
command -v losetup >/dev/null && command -v mkfs.ext4 >/dev/null || skip "no losetup or mkfs.ext4"

# A loop device of its own, made for this run and removed after it: a loop device keeps its
# blk-throttle state while it exists, so one an earlier run (or anything else) used could
# count the zone's I/O without this lxzone doing anything
n=$((200 + $$ % 800))
while [ -e "/sys/block/loop$n" ]; do n=$((n + 1)); done
loop=""
cleanup_disk() {
	cleanup_work
	[ -z "$loop" ] || losetup -d "$loop" 2>/dev/null
	[ -z "$loop" ] || python3 -c 'import fcntl, os, sys
fcntl.ioctl(os.open("/dev/loop-control", os.O_RDWR), 0x4C81, int(sys.argv[1]))  # LOOP_CTL_REMOVE
' "$n" 2>/dev/null
}
trap cleanup_disk EXIT

truncate -s 96M "$WORK/disk.img"
losetup "/dev/loop$n" "$WORK/disk.img" 2>/dev/null || skip "cannot make /dev/loop$n"
loop=/dev/loop$n
mkfs.ext4 -q -F "$loop" >/dev/null 2>&1 || fail "mkfs.ext4 $loop"
mkdir -p "$WORK/disk"
mount "$loop" "$WORK/disk" || skip "mount $loop"
name=${loop#/dev/}
export LXZONE_ROOT="$WORK/disk/store"

zone_up dz --memory 256M --cpus 1
zx() { "$LXZONE" exec dz -- "$@"; }
zx /bin/dd if=/dev/zero of=/ds-probe bs=64k count=32 conv=fsync 2>/dev/null
zx /bin/rm -f /ds-probe
i=0 # the zone page is sampled once a second
while :; do
	zx /bin/cat /proc/diskstats >"$WORK/ds"
	w=$(awk -v d="$name" '$3 == d {print $10}' "$WORK/ds")
	{ [ -n "$w" ] && [ "$w" -ge 4096 ]; } || [ $i -ge 15 ] && break
	sleep 0.3
	i=$((i + 1))
done
hw=$(awk -v d="$name" '$3 == d {print $10}' /proc/diskstats)
if [ -n "$w" ] && [ "$w" -ge 4096 ] && [ "$w" -lt "$hw" ]; then
	ok "/proc/diskstats: $name with the zone's $w sectors written (the host's $hw)"
else
	fail "/proc/diskstats after 2 MiB written: $name '$w' sectors (host '$hw'): $(cat "$WORK/ds")"
fi
# every line is a host disk's, with the zone's counts: merges, times and in-flight 0, and no
# more sectors than the host's line of it shows (requests are not compared: the cgroup counts
# bios as submitted, the host requests as completed and merged)
while read -r ma mi dn _ _ rs _ _ _ ws _; do
	hline=$(awk -v d="$dn" '$3 == d' /proc/diskstats)
	[ -n "$hline" ] || fail "/proc/diskstats: $dn is not a host disk"
	echo "$hline" | awk -v rs="$rs" -v ws="$ws" '{exit !($6 >= rs && $10 >= ws)}' ||
		fail "/proc/diskstats: $dn shows more sectors than the host's: $ma $mi $rs $ws / $hline"
done <"$WORK/ds"
awk 'NF != 20 || $5 + $7 + $9 + $11 + $12 + $13 + $14 != 0 {bad = 1} END {exit bad}' "$WORK/ds" &&
	ok "/proc/diskstats: $(wc -l <"$WORK/ds") line(s), the zone's counts only" ||
	fail "/proc/diskstats has lines that are not the zone's: $(cat "$WORK/ds")"
"$LXZONE" halt dz
finish
