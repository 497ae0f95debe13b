#!/bin/sh
# Must work #4: a busy loop in a zone makes its /proc/loadavg rise toward 1 at the kernel's
# 1-minute rate and its /proc/stat user time grow; an idle zone next to it stays near 0.
# (Slow: ~40 s.)
. "$(dirname "$0")/lib.sh"
need_root
need_lxzone
need_cgroup_caps

zone_up busy --memory 256M --cpus 1
zone_up idle --memory 256M --cpus 1
statuser() { "$LXZONE" exec "$1" -- /usr/bin/awk '/^cpu / { print $2 + $3 }' /proc/stat; }
load1() { "$LXZONE" exec "$1" -- /usr/bin/cut -d' ' -f1 /proc/loadavg; }
# The zone's CPU time in ticks as the kernel counts it, read on the host: its cgroup's usage
# (cpuacct.usage in ns under v1, cpu.stat's usage_usec under v2).  On a loaded host the busy
# loop gets less than its CPU, and the zone's /proc/stat must then grow by what it got.
cgticks() {
	for f in /sys/fs/cgroup/cpuacct/"$LXZONE_CGROUP_PARENT/$1"/cpuacct.usage \
		/sys/fs/cgroup/cpu,cpuacct/"$LXZONE_CGROUP_PARENT/$1"/cpuacct.usage; do
		[ -r "$f" ] && { echo $(($(cat "$f") / 10000000)); return; }
	done
	f=/sys/fs/cgroup/"$LXZONE_CGROUP_PARENT/$1"/cpu.stat
	[ -r "$f" ] && awk '$1 == "usage_usec" { printf "%d\n", $2 / 10000 }' "$f"
}

sleep 2 # the supervisor's once-a-second sample has caught up with the boot
c0=$(cgticks busy)
u0=$(statuser busy)
"$LXZONE" exec busy -- /bin/sh -c 'while :; do :; done' &
spin=$!
sleep 35
u1=$(statuser busy)
c1=$(cgticks busy)
lb=$(load1 busy)
li=$(load1 idle)
kill $spin 2>/dev/null
echo "busy zone: load1 $lb, user ticks $u0 -> $u1; idle zone: load1 $li"
# after 35 s of one runnable task the kernel's 1-min average is 1 - e^(-35/60) = 0.44, 0.39
# when the supervisor's 5 s sample lags: the band checks the rate as well as the rise
awk -v l="$lb" 'BEGIN { exit !(l >= 0.3 && l <= 0.6) }' && ok "busy zone load1 $lb rose toward 1" ||
	fail "busy zone load1 '$lb', want 0.3..0.6 after 35 s of a busy loop"
awk -v l="$li" 'BEGIN { exit !(l < 0.3) }' && ok "idle zone load1 $li stays near 0" ||
	fail "idle zone load1 '$li', want < 0.3"
[ -n "$c0" ] && [ -n "$c1" ] || fail "no CPU usage of the zone's cgroup $LXZONE_CGROUP_PARENT/busy"
c=$((c1 - c0))
# what the loop got (at least 5 s of the 35), and /proc/stat's user time within 20% of it
# (and 2 s: the zone's figures are sampled once a second)
in_range "$c" 500 100000 || fail "the busy loop got $c ticks of CPU in 35 s: machine too loaded"
in_range "$((u1 - u0))" $((c * 8 / 10 - 200)) $((c * 12 / 10 + 200)) &&
	ok "busy zone user time grew by $((u1 - u0)) ticks; its cgroup used $c" ||
	fail "busy zone /proc/stat user+nice grew by '$((u1 - u0))' ticks, its cgroup used $c"
"$LXZONE" halt busy
"$LXZONE" halt idle
finish
