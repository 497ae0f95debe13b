#!/bin/sh
# Must work #1-#3 in a zone (memory=256M, cpus=1) of a Debian image with procps, htop and
# python3 (images/debian-image.sh, cached in $LXZONE_TEST_CACHE): procps free, nproc,
# getconf, procps uptime; python's os.cpu_count(), sched_getaffinity, SC_PHYS_PAGES and
# sysinfo() against the files, uptime against sysinfo() and btime, /proc/loadavg's last pid
# and counts against the reader; htop in tmux (one CPU, 256M, the zone's processes by name).
. "$(dirname "$0")/lib.sh"
need_root
need_lxzone
need_cgroup_caps

src=$(cd "$(dirname "$0")/../../.." && pwd)
st=0
image=$("$src/images/debian-image.sh" --suite bookworm --include htop,procps,python3 \
	--name lxproc-bookworm 2>"$WORK/image.log") || st=$?
case $st in
0) ;;
77) skip "$(tail -1 "$WORK/image.log" | sed 's/^debian-image: //')" ;;
*)
	cat "$WORK/image.log"
	fail "could not build the bookworm image"
	finish
	;;
esac

z=lxproc-deb-$$
ZONE_IMAGE=$image zone_up "$z" --memory 256M --cpus 1
zx() { "$LXZONE" exec "$z" -- "$@"; }

# #1: procps free, nproc, getconf (which counts /sys/devices/system/cpu/cpuN), uptime
total=$(zx free -m | free_total)
in_range "$total" 250 256 && ok "procps free -m total $total" || fail "procps free -m total '$total'"
n=$(zx nproc)
[ "$n" = 1 ] && ok "nproc 1" || fail "nproc '$n'"
n=$(zx getconf _NPROCESSORS_CONF)
[ "$n" = 1 ] && ok "getconf _NPROCESSORS_CONF 1" || fail "getconf _NPROCESSORS_CONF '$n'"
up=$(zx uptime)
echo "$up" | grep -Eq "up +0 min" && ok "procps uptime: $up" || fail "procps uptime: '$up' (want up 0 min)"

# #3: every view agrees, and the reader counts in /proc/loadavg
cat "$(dirname "$0")/sysinfo_ctypes.py" - >"$WORK/agree.py" <<'PY'
now = time.time()
up = float(open('/proc/uptime').read().split()[0])
stat = {l.split()[0]: l.split()[1:] for l in open('/proc/stat')}
meminfo = {l.split(':')[0]: int(l.split()[1]) for l in open('/proc/meminfo')}
la = open('/proc/loadavg').read().split()
running, total = map(int, la[3].split('/'))
print("cpu_count", os.cpu_count())
print("affinity", len(os.sched_getaffinity(0)))
print("nprocs_onln", os.sysconf('SC_NPROCESSORS_ONLN'))
print("cpuinfo", sum(1 for l in open('/proc/cpuinfo') if l.startswith('processor')))
print("stat_cpus", sum(1 for k in stat if k.startswith('cpu') and k != 'cpu'))
print("online", open('/sys/devices/system/cpu/online').read().strip())
print("phys_kb", os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') // 1024)
print("meminfo_kb", meminfo['MemTotal'])
print("sysinfo_kb", si.totalram * si.mem_unit // 1024)
print("free_agree", int(si.freeram * si.mem_unit // 1024 == meminfo['MemFree']))
print("uptime_skew", si.uptime - up)
print("btime_skew", int(stat['btime'][0]) + up - now)
print("last_pid_ok", int(int(la[4]) >= os.getpid() and int(la[4]) < 1000))
print("counts_ok", int(1 <= running <= total and int(stat['procs_running'][0]) >= 1))
print("processes_ok", int(int(stat['processes'][0]) >= os.getpid()))
PY
out=$(zx python3 - <"$WORK/agree.py" 2>&1) || fail "python3 failed: $out"
echo "$out"
val() { echo "$out" | awk -v k="$1" '$1 == k { print $2 }'; }
for k in cpu_count affinity nprocs_onln cpuinfo stat_cpus; do
	[ "$(val $k)" = 1 ] && ok "$k 1" || fail "$k '$(val $k)', want 1"
done
[ "$(val online)" = 0 ] && ok "cpu/online 0" || fail "cpu/online '$(val online)'"
[ "$(val phys_kb)" = 262144 ] && [ "$(val meminfo_kb)" = 262144 ] && [ "$(val sysinfo_kb)" = 262144 ] &&
	ok "SC_PHYS_PAGES, MemTotal and sysinfo: 262144 kB" ||
	fail "memory: SC_PHYS_PAGES $(val phys_kb), MemTotal $(val meminfo_kb), sysinfo $(val sysinfo_kb) kB"
[ "$(val free_agree)" = 1 ] && ok "sysinfo freeram = MemFree" || fail "sysinfo freeram and MemFree differ"
awk -v s="$(val uptime_skew)" 'BEGIN { exit !(s >= 0 && s <= 1.05) }' &&
	ok "sysinfo uptime - /proc/uptime = $(val uptime_skew)" ||
	fail "sysinfo uptime - /proc/uptime = '$(val uptime_skew)', want 0..1"
# Linux truncates btime, so btime + uptime lies within the second before now
awk -v s="$(val btime_skew)" 'BEGIN { exit !(s > -1.05 && s <= 0.05) }' &&
	ok "btime + uptime - now = $(val btime_skew)" ||
	fail "btime + uptime - now = '$(val btime_skew)', want -1..0"
[ "$(val last_pid_ok)" = 1 ] && ok "loadavg's last pid is the zone's, the reader's or later" ||
	fail "loadavg's last pid is not the zone's latest: $(zx cat /proc/loadavg)"
[ "$(val counts_ok)" = 1 ] && ok "loadavg and procs_running count the running reader" ||
	fail "running counts without the reader: $(zx cat /proc/loadavg)"
[ "$(val processes_ok)" = 1 ] && ok "/proc/stat processes counts the zone's forks" ||
	fail "/proc/stat processes below the reader's pid: $(zx grep processes /proc/stat)"

# procps ps: start times from the kernel's starttime (the zone's time namespace) and btime
# agree with the zone's clock: nothing starts in the future or before the zone booted
pso=$(zx sh -c 'now=$(date +%s); ps -o pid,lstart,etime,args -p 1,$$
	echo "init_etimes $(ps -o etimes= -p 1)"
	echo "self_etimes $(ps -o etimes= -p $$)"
	echo "self_lstart_skew $(($(date -d "$(ps -o lstart= -p $$)" +%s) - now))"
	echo "zone_uptime $(cut -d. -f1 /proc/uptime)"')
echo "$pso"
pval() { echo "$pso" | awk -v k="$1" '$1 == k { print $2 }'; }
awk -v e="$(pval init_etimes)" -v u="$(pval zone_uptime)" 'BEGIN { exit !(e != "" && e >= 0 && e <= u + 1) }' &&
	ok "ps: init's elapsed time $(pval init_etimes) s, the zone's uptime $(pval zone_uptime) s" ||
	fail "ps: init's elapsed time '$(pval init_etimes)' s, the zone's uptime $(pval zone_uptime) s"
awk -v e="$(pval self_etimes)" 'BEGIN { exit !(e != "" && e >= 0 && e <= 2) }' &&
	ok "ps: a shell started now has elapsed $(pval self_etimes) s" ||
	fail "ps: a shell started now has elapsed '$(pval self_etimes)' s"
awk -v s="$(pval self_lstart_skew)" 'BEGIN { exit !(s != "" && s >= -2 && s <= 1) }' &&
	ok "ps: lstart of a shell started now is $(pval self_lstart_skew) s from now" ||
	fail "ps: lstart of a shell started now is '$(pval self_lstart_skew)' s from now"

# #2: htop in a terminal, in the zone
if command -v tmux >/dev/null; then
	sess=lxproc-deb-$$
	screen=$(htop_screen "$sess" "$LXZONE exec $z -- /usr/bin/htop")
	tmux send-keys -t "$sess" q
	sleep 0.5
	tmux kill-session -t "$sess" 2>/dev/null
	echo "$screen" | head -12
	htop_header_checks "$screen"
	# the zone's processes only: its init, its idle process, htop; never the brand
	list=$(echo "$screen" | sed -n '/PID USER/,$p' | sed 1d | grep -E '^ *[0-9]+ ')
	names=$(echo "$list" | awk '{ print $NF }' | sed 's|.*/||' | sort | tr '\n' ' ')
	[ "$names" = ".lxzone-idle htop lxzone-init " ] && ok "htop lists the zone's processes: $names" ||
		fail "htop lists '$names', want .lxzone-idle htop lxzone-init"
else
	echo "tmux not installed: the htop checks skipped"
fi
"$LXZONE" halt "$z"
finish
