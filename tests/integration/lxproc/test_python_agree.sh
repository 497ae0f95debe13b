#!/bin/sh
# Must work #3, on the host (lxrun --memory 256M --cpus 1, no --root): os.cpu_count(),
# os.sched_getaffinity(0), os.sysconf('SC_PHYS_PAGES') and sysinfo() agree with each other
# and with /proc/meminfo and /proc/cpuinfo, and show the caps.
. "$(dirname "$0")/lib.sh"
need_root
need_lxrun
need_cgroup_caps
command -v python3 >/dev/null || skip "python3 not installed"

cat "$(dirname "$0")/sysinfo_ctypes.py" - >"$WORK/agree.py" <<'PY'
meminfo = {l.split(':')[0]: int(l.split()[1]) for l in open('/proc/meminfo')}
uptime = float(open('/proc/uptime').read().split()[0])
print("cpu_count", os.cpu_count())
print("affinity", len(os.sched_getaffinity(0)))
print("nprocs_conf", os.sysconf('SC_NPROCESSORS_ONLN'))
print("cpuinfo", sum(1 for l in open('/proc/cpuinfo') if l.startswith('processor')))
print("phys_mib", os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') // 2**20)
print("meminfo_mib", meminfo['MemTotal'] // 1024)
print("sysinfo_mib", si.totalram * si.mem_unit // 2**20)
print("uptime_skew", abs(int(uptime) - si.uptime))
PY

out=$("$LXRUN" --memory 256M --cpus 1 -- python3 "$WORK/agree.py" 2>&1) || fail "python3 failed: $out"
echo "$out"
val() { echo "$out" | awk -v k="$1" '$1 == k { print $2 }'; }
for k in cpu_count affinity nprocs_conf cpuinfo; do
	[ "$(val $k)" = 1 ] && ok "$k 1" || fail "$k '$(val $k)', want 1"
done
for k in phys_mib meminfo_mib sysinfo_mib; do
	in_range "$(val $k)" 250 256 && ok "$k $(val $k)" || fail "$k '$(val $k)', want ~256"
done
in_range "$(val uptime_skew)" 0 1 && ok "sysinfo uptime = /proc/uptime" ||
	fail "sysinfo uptime and /proc/uptime differ by '$(val uptime_skew)' s"
no_lxrun_leftovers
finish
