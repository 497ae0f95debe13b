#!/bin/sh
# Must work #1 in a zone (memory=256M, cpus=1): free, nproc, cpuinfo, cpu/online and uptime
# show the zone; lxzone exec sees the same page as the zone's init; the page is read-only to
# the guest and removed at halt.
. "$(dirname "$0")/lib.sh"
need_root
need_lxzone
need_cgroup_caps

zone_up capped --memory 256M --cpus 1
zx() { "$LXZONE" exec capped -- "$@"; }
page=$(find "$LXZONE_ROOT" -name zone-page | head -1)
[ -n "$page" ] && ok "zone page $page" || fail "no zone page in the store"

total=$(zx /usr/bin/free -m | free_total)
in_range "$total" 250 256 && ok "free -m total $total" || fail "free -m total '$total', want ~256"
n=$(zx /usr/bin/nproc)
[ "$n" = 1 ] && ok "nproc 1" || fail "nproc '$n', want 1"
n=$(zx /bin/grep -c ^processor /proc/cpuinfo)
[ "$n" = 1 ] && ok "cpuinfo: 1 processor" || fail "cpuinfo: '$n' processors"
# /proc/diskstats: no device given, so no host line; at most lines of the zone's own counts
# (test_diskstats.sh writes and finds them)
zx /bin/cat /proc/diskstats >"$WORK/ds0"
awk 'NF != 20 || $5 + $7 + $9 + $11 + $12 + $13 + $14 != 0 {bad = 1} END {exit bad}' \
	"$WORK/ds0" && ok "/proc/diskstats: no host line ($(wc -l <"$WORK/ds0") of the zone's)" ||
	fail "/proc/diskstats shows lines not the zone's: $(cat "$WORK/ds0")"
online=$(zx /bin/cat /sys/devices/system/cpu/online)
[ "$online" = 0 ] && ok "cpu/online 0" || fail "cpu/online '$online', want 0"
# Descriptors of synthesized files (read, lseek, fstat/statx size, mmap refused, writes,
# relative opens) as Linux's, for root and for a user: lxproc_fd in the zone.  exec --user
# runs with no_new_privs, so the brand can stack its descriptor filter there too.
bin=$LXZONE_BUILD/tests/bin/it_lxproc_fd_static
if [ -x "$bin" ]; then
	zx /bin/sh -c 'cat >/tmp/lxproc_fd && chmod 755 /tmp/lxproc_fd' <"$bin" ||
		fail "copy lxproc_fd into the zone"
	for u in 0 65534; do
		out=$("$LXZONE" exec capped --user $u -- /tmp/lxproc_fd --memtotal 262144 --cpus 1 2>&1) &&
			ok "lxproc_fd in the zone as uid $u: $(echo "$out" | grep -c '^ok:') checks" || {
			fail "lxproc_fd in the zone as uid $u"
			echo "$out" | grep -v '^ok:'
		}
	done
else
	fail "$bin not built"
fi
sleep 2
up=$(zx /usr/bin/cut -d. -f1 /proc/uptime)
hup=$(host_uptime_s)
in_range "$up" 2 60 && ok "uptime $up s since boot (host $hup s)" || fail "uptime '$up', want 2..60 (host $hup)"
# busybox uptime prints the zone's "up N min" too: never the host's days or hours
zx /usr/bin/uptime | grep -q "up 0 min\|up  *0:0[01]\|up [0-9]* sec\|up 1 min" &&
	ok "uptime(1): $(zx /usr/bin/uptime)" || fail "uptime(1): $(zx /usr/bin/uptime)"
# loadavg: the zone's tasks only (the init and the idle program, plus this one)
la=$(zx /bin/cat /proc/loadavg)
threads=$(echo "$la" | awk '{ split($4, a, "/"); print a[2] }')
in_range "$threads" 1 20 && ok "loadavg counts the zone's tasks: $la" || fail "loadavg '$la'"
# the last pid is the zone's latest, as Linux's is: cat's own (after its shell's), never a
# host pid (a host-side lxzone exec sits in the zone's cgroup) nor a second-old sample's
out=$(zx /bin/sh -c 'cat /proc/loadavg; echo $$' | tr '\n' ' ')
last=$(echo "$out" | awk '{ print $5 }')
shpid=$(echo "$out" | awk '{ print $6 }')
[ -n "$shpid" ] && in_range "$last" $((shpid + 1)) 999 && ok "loadavg last pid $last after the shell's $shpid" ||
	fail "loadavg last pid '$last', want the cat after the shell $shpid: $out"
running=$(echo "$out" | awk '{ split($4, a, "/"); print a[1] }')
in_range "$running" 1 20 && ok "loadavg counts the running reader ($running)" ||
	fail "loadavg running '$running', the reader runs"

if zx /bin/sh -c 'echo x >/dev/.lxzone-page' 2>/dev/null; then
	fail "the zone page is writable in the zone"
else
	ok "the zone page is read-only in the zone"
fi

"$LXZONE" halt capped
[ -e "$page" ] && fail "zone page $page left after halt" || ok "zone page removed at halt"
finish
