#!/bin/sh
# Must work #1 (lxrun --root IMAGE --memory 256M --cpus 1, and the same on the host): free
# shows ~256 MiB, nproc, cpuinfo and /sys/devices/system/cpu/online show one CPU, uptime
# counts from the run's start, not the host's boot. The page is read-only to the guest,
# and the cgroup and the page are gone after the run, also when lxrun is killed by SIGTERM.
. "$(dirname "$0")/lib.sh"
need_root
need_lxrun
need_image
need_cgroup_caps

run_root() {
	"$LXRUN" --root "$IMAGE" "$@"
}

out=$(run_root --memory 256M --cpus 1 -- /usr/bin/free -m) || fail "free -m failed: $out"
total=$(echo "$out" | free_total)
in_range "$total" 250 256 && ok "free -m total $total" || fail "free -m total '$total', want ~256: $out"

n=$(run_root --memory 256M --cpus 1 -- /usr/bin/nproc)
[ "$n" = 1 ] && ok "nproc 1" || fail "nproc '$n', want 1"

n=$(run_root --memory 256M --cpus 1 -- /bin/grep -c ^processor /proc/cpuinfo)
[ "$n" = 1 ] && ok "cpuinfo: 1 processor" || fail "cpuinfo: '$n' processors, want 1"

online=$(run_root --memory 256M --cpus 1 -- /bin/cat /sys/devices/system/cpu/online)
[ "$online" = 0 ] && ok "cpu/online 0" || fail "cpu/online '$online', want 0"

# The zone's uptime: seconds since the run started (the host has been up far longer).
hup=$(host_uptime_s)
up=$(run_root --memory 256M --cpus 1 -- /bin/sh -c 'sleep 2; cut -d. -f1 /proc/uptime')
if in_range "$up" 1 30; then
	ok "uptime $up s (host $hup s)"
else
	fail "uptime '$up', want 1..30 s since the run started (host: $hup s)"
fi
# /proc/stat's btime agrees with /proc/uptime: btime + uptime = now.
skew=$(run_root --memory 256M --cpus 1 -- /bin/sh -c \
	'b=$(awk "/^btime/ {print \$2}" /proc/stat); u=$(cut -d. -f1 /proc/uptime); echo $(( $(date +%s) - b - u ))')
in_range "${skew#-}" 0 2 && ok "btime + uptime = now (skew $skew)" || fail "btime + uptime - now = '$skew'"

# Fractional CPUs: the quota of 1.5 CPUs is spread over ceil(1.5) = 2 of them.
if [ "$(host_ncpus)" -ge 2 ]; then
	n=$(run_root --cpus 1.5 -- /usr/bin/nproc)
	[ "$n" = 2 ] && ok "--cpus 1.5: nproc 2" || fail "--cpus 1.5: nproc '$n', want 2"
	# Memory is not capped by --cpus alone: the host's total shows.
	total=$(run_root --cpus 1.5 -- /usr/bin/free -m | free_total)
	want=$(($(host_memtotal_kb) / 1024))
	in_range "$total" $((want - 1)) $((want + 1)) && ok "--cpus alone: free -m total is the host's ($total)" ||
		fail "--cpus alone: free -m total '$total', want the host's $want"
fi

# The guest cannot forge its caps: the page is read-only in the zone.
if run_root --memory 256M -- /bin/sh -c 'echo x >/dev/.lxzone-page' 2>/dev/null; then
	fail "the zone page is writable in the zone"
else
	ok "the zone page is read-only in the zone"
fi

# Zone-less: the same caps on the host (busybox from the image, run by path).
BB=$IMAGE/bin/busybox
total=$("$LXRUN" --memory 256M --cpus 1 -- "$BB" free -m | free_total)
in_range "$total" 250 256 && ok "host run: free -m total $total" || fail "host run: free -m total '$total'"
n=$("$LXRUN" --memory 256M --cpus 1 -- "$BB" nproc)
[ "$n" = 1 ] && ok "host run: nproc 1" || fail "host run: nproc '$n', want 1"
# The run's /sys/devices/system/cpu lists its one CPU (htop and lscpu count the cpuN
# directories), read-only, in a mount namespace of its own: the host's stays as it was.
if [ "$(host_ncpus)" -ge 2 ]; then
	dirs=$("$LXRUN" --memory 256M --cpus 1 -- "$BB" sh -c 'ls -d /sys/devices/system/cpu/cpu[0-9]*')
	[ "$dirs" = /sys/devices/system/cpu/cpu0 ] && ok "host run: cpu directories: cpu0" ||
		fail "host run: cpu directories '$(echo $dirs)', want cpu0 only"
	t=$("$LXRUN" --cpus 1 -- "$BB" cat /sys/devices/system/cpu/cpu0/topology/core_id) &&
		[ "$t" = "$(cat /sys/devices/system/cpu/cpu0/topology/core_id)" ] &&
		ok "host run: cpu0 is the host's cpu0 directory" || fail "host run: cpu0/topology/core_id '$t'"
	if "$LXRUN" --cpus 1 -- "$BB" touch /sys/devices/system/cpu/x 2>/dev/null; then
		fail "host run: the cpu directory is writable"
	else
		ok "host run: the cpu directory is read-only"
	fi
	host=$(ls -d /sys/devices/system/cpu/cpu[0-9]* | wc -l)
	[ "$host" = "$(host_ncpus)" ] && ! grep -q " /sys/devices/system/cpu " /proc/self/mountinfo &&
		ok "host run: the host's cpu directory untouched ($host CPUs)" ||
		fail "host run: the host's cpu directory changed: $host cpu dirs, $(grep ' /sys/devices/system/cpu ' /proc/self/mountinfo)"
	n=$("$LXRUN" --cpus 2 -- "$BB" sh -c 'ls -d /sys/devices/system/cpu/cpu[0-9]* | wc -l')
	want=$(host_ncpus)
	[ "$want" -gt 2 ] && want=2
	[ "$n" = "$want" ] && ok "host run: --cpus 2: $n cpu directories" ||
		fail "host run: --cpus 2: $n cpu directories, want $want"
fi
no_lxrun_leftovers

# lxrun caches the brand filter in its run directory (private, one file per key); a cache
# file that is not a good filter is rebuilt, never used.  Runs of other shapes (a root with
# the kernel's lxproc files, a cpuset that is the affinity) cache other filters: the one of the
# run below is the only one left after it.
find "$LXZONE_RUN_DIR" -maxdepth 1 -name '.filter-*.bpf' -delete
"$LXRUN" --memory 256M --cpus 1 -- "$BB" nproc >/dev/null
cache=$(find "$LXZONE_RUN_DIR" -maxdepth 1 -name '.filter-*.bpf' | head -n 1)
if [ -n "$cache" ] && [ "$(stat -c %a "$cache")" = 600 ]; then
	ok "filter cached in the run directory, mode 600"
	cp "$cache" "$WORK/good.bpf"
	head -c "$(stat -c %s "$cache")" /dev/urandom >"$cache"
	n=$("$LXRUN" --memory 256M --cpus 1 -- "$BB" nproc)
	[ "$n" = 1 ] && cmp -s "$cache" "$WORK/good.bpf" &&
		ok "a corrupt cache is not used: the run is unharmed and the cache rebuilt" ||
		fail "run with a corrupt filter cache: nproc '$n', cache rebuilt: $(cmp "$cache" "$WORK/good.bpf")"
else
	fail "no private filter cache in $LXZONE_RUN_DIR: $(ls -la "$LXZONE_RUN_DIR")"
fi

# A run ended by SIGTERM to lxrun cleans up too.
"$LXRUN" --memory 256M --cpus 1 -- "$BB" sleep 30 &
pid=$!
sleep 1
[ -n "$(find "$LXZONE_RUN_DIR" -name '*.page' 2>/dev/null)" ] && ok "page exists during the run" ||
	fail "no zone page in $LXZONE_RUN_DIR during the run"
kill -TERM $pid
wait $pid
st=$?
[ $st -ge 128 ] && ok "SIGTERM ended the run (status $st)" || fail "status $st after SIGTERM"
no_lxrun_leftovers
finish
