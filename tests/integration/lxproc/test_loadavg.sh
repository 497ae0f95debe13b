#!/bin/sh
# Must work #4: a busy loop in a zone makes its /proc/loadavg rise toward 1 within a minute
# and its /proc/stat user time grow; an idle zone next to it stays near 0. (Slow: ~70 s.)
. "$(dirname "$0")/lib.sh"
need_root
need_lxzone
need_cgroup_caps

zone_up busy --memory 256M --cpus 1
zone_up idle --memory 256M --cpus 1
statuser() { "$LXZONE" exec "$1" -- /usr/bin/awk '/^cpu / { print $2 + $3 }' /proc/stat; }
load1() { "$LXZONE" exec "$1" -- /usr/bin/cut -d' ' -f1 /proc/loadavg; }

u0=$(statuser busy)
"$LXZONE" exec busy -- /bin/sh -c 'while :; do :; done' &
spin=$!
sleep 65
u1=$(statuser busy)
lb=$(load1 busy)
li=$(load1 idle)
kill $spin 2>/dev/null
echo "busy zone: load1 $lb, user ticks $u0 -> $u1; idle zone: load1 $li"
# after 60 s of one runnable task the kernel's 1-min average is 1 - e^-1 = 0.63
awk -v l="$lb" 'BEGIN { exit !(l >= 0.5 && l <= 1.5) }' && ok "busy zone load1 $lb rose toward 1" ||
	fail "busy zone load1 '$lb', want 0.5..1.5 after 65 s of a busy loop"
awk -v l="$li" 'BEGIN { exit !(l < 0.3) }' && ok "idle zone load1 $li stays near 0" ||
	fail "idle zone load1 '$li', want < 0.3"
in_range "$((u1 - u0))" 3000 100000 2>/dev/null && ok "busy zone user time grew by $((u1 - u0)) ticks" ||
	fail "busy zone /proc/stat user+nice grew by '$((u1 - u0))' ticks, want >= 3000 (30 s)"
"$LXZONE" halt busy
"$LXZONE" halt idle
finish
