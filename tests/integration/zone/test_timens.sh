#!/bin/sh
# A booted zone's clocks count from its boot: its time namespace's CLOCK_BOOTTIME (which the
# kernel uses for /proc/<pid>/stat's starttime) and the brand's /proc/uptime and /proc/stat
# btime all agree, so `ps -o lstart,etime` is right (the lxproc Debian test runs procps' ps);
# `lxzone exec` joins that namespace, and CLOCK_MONOTONIC is the host's.  With boottime=host
# a user-namespaced zone's time namespace has no offsets (the host's clocks); a privileged one
# has none.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand
[ -e /proc/self/ns/time ] || skip "the kernel has no time namespaces (CONFIG_TIME_NS)"
export LXZONE_CGROUP_PARENT="${LXZONE_CGROUP_PARENT:-lxzone-it-timens}"

HZ=100 # USER_HZ, what /proc/<pid>/stat counts in (100 on x86_64)

# a failed check must not leave the zone running
trap 'lxzone halt tns1 >/dev/null 2>&1 || true
	lxzone halt tns2 >/dev/null 2>&1 || true
	lxzone halt tns3 >/dev/null 2>&1 || true
	rmdir /sys/fs/cgroup/*/"$LXZONE_CGROUP_PARENT" /sys/fs/cgroup/"$LXZONE_CGROUP_PARENT" 2>/dev/null || true
	cleanup' EXIT

lxzone create tns1 --image builtin:busybox --memory 128M
lxzone boot tns1 --dry-run | grep -Eq '^namespaces (user,)?pid,mount,uts,ipc,net(,cgroup)?,time( |$)' ||
	fail "the boot plan has no time namespace: $(lxzone boot tns1 --dry-run | grep '^namespaces')"
lxzone boot tns1
expect_state tns1 running
sleep 2

# One shell in the zone: a fresh process's starttime, then the uptime (read after that process
# started, so a loaded machine's delay between the two cannot put the start after it), init's
# starttime, btime and the wall clock.
# The stat line's fields after the ") " of comm: 3 state ... 22 starttime is the 20th.
out=$(lxzone exec tns1 -- /bin/sh -c '
	start=$(cat /proc/self/stat | sed "s/.*) //" | cut -d" " -f20)
	read up idle </proc/uptime
	init=$(sed "s/.*) //" /proc/1/stat | cut -d" " -f20)
	btime=$(sed -n "s/^btime //p" /proc/stat)
	echo "up=$up start=$start init=$init btime=$btime now=$(date +%s)"
	echo "ns_self=$(readlink /proc/self/ns/time) ns_init=$(readlink /proc/1/ns/time)"
	cat /proc/self/timens_offsets')
echo "$out"
host_up=$(cut -d' ' -f1 /proc/uptime)
host_ns=$(readlink /proc/self/ns/time)
eval "$(echo "$out" | sed -n 's/^up=/up=/p' | tr ' ' '\n' | grep -E '^(up|start|init|btime|now)=[0-9.]+$')"
[ -n "${up:-}" ] && [ -n "${start:-}" ] && [ -n "${init:-}" ] && [ -n "${btime:-}" ] || fail "no figures in: $out"

# python3 does the arithmetic (busybox's sh has integers only); exits 1 with the reason.
python3 - "$up" "$start" "$init" "$btime" "$now" "$host_up" "$HZ" <<'EOF' || fail "clocks disagree"
import sys
up, start, init, btime, now, host_up, hz = map(float, sys.argv[1:])
s = start / hz
bad = []
if not 2 <= up < 60:
    bad.append(f"zone uptime {up} s, expected the seconds since boot (2 .. 60)")
if host_up > 120 and up > host_up - 60:
    bad.append(f"zone uptime {up} s is the host's ({host_up} s)")
if s > up + 0.02:
    bad.append(f"starttime {s} s is after the uptime {up} s")
if up - s > 2:
    bad.append(f"starttime {s} s is {up - s:.2f} s before the uptime {up} s")
if abs(btime + s - now) > 2:
    bad.append(f"btime {btime:.0f} + starttime {s} s is {btime + s - now:+.2f} s from now {now:.0f}")
if not 0 <= init / hz < 2:
    bad.append(f"init started {init / hz} s after the zone's boot, expected 0 .. 2")
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
EOF
echo "ok: uptime, starttime and btime count from the zone's boot"

self=$(echo "$out" | sed -n 's/^ns_self=\([^ ]*\) .*/\1/p')
init_ns=$(echo "$out" | sed -n 's/.* ns_init=//p')
# a user-namespaced zone's PID 1 is not dumpable (it became the zone's root without an exec):
# its namespaces are read from the host
if [ -z "$init_ns" ]; then
	ipid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["init-pid"])' \
		"$LXZONE_ROOT/tns1/state.json")
	init_ns=$(readlink /proc/$ipid/ns/time)
fi
[ -n "$self" ] && [ "$self" = "$init_ns" ] || fail "exec is in time namespace $self, init in $init_ns"
[ "$self" != "$host_ns" ] || fail "the zone is in the host's time namespace $host_ns"
echo "$out" | grep -Eq '^boottime +-[1-9][0-9]* ' || fail "no boottime offset: $out"
echo "$out" | grep -Eq '^monotonic +0 +0$' || fail "CLOCK_MONOTONIC is offset: $out"
echo "ok: exec joins the zone's time namespace ($self); only CLOCK_BOOTTIME is offset"

# A zone rebooted later counts from its new boot.
lxzone halt tns1
sleep 1
lxzone boot tns1
up2=$(lxzone exec tns1 -- /bin/sh -c 'cut -d" " -f1 /proc/uptime')
python3 -c "import sys; sys.exit(0 if float('$up2') < 2 else 1)" ||
	fail "uptime after a reboot is $up2 s"
echo "ok: a reboot starts the clock again ($up2 s)"
lxzone halt tns1
lxzone destroy tns1
no_cgroup_left tns1

# boottime=host: no time namespace (the host's CLOCK_BOOTTIME), the brand's uptime is still
# the zone's
lxzone create tns2 --image builtin:busybox --boottime host
lxzone boot tns2 --dry-run | grep -Eq '^namespaces (user,)?pid,mount,uts,ipc,net(,cgroup)?( |$)' ||
	fail "boottime=host plans a time namespace: $(lxzone boot tns2 --dry-run | grep '^namespaces')"
lxzone boot tns2
out=$(lxzone exec tns2 -- /bin/sh -c 'readlink /proc/self/ns/time; cut -d" " -f1 /proc/uptime')
echo "$out"
# a user-namespaced zone has a time namespace of its own all the same, owned by its user
# namespace (its root may setns back into it) and without offsets: the host's clocks
[ "$(echo "$out" | head -1)" != "$host_ns" ] || fail "boottime=host: the host's time namespace in a user-namespaced zone"
offs=$(lxzone exec tns2 -- /bin/cat /proc/self/timens_offsets)
echo "$offs" | grep -Eq '^boottime +0 +0$' || fail "boottime=host: offsets '$offs', want none"
python3 -c "import sys; sys.exit(0 if float('$(echo "$out" | tail -1)') < 30 else 1)" ||
	fail "boottime=host: /proc/uptime is not the zone's"
echo "ok: boottime=host keeps the host's clock, and the zone's uptime"
lxzone halt tns2
lxzone destroy tns2
no_cgroup_left tns2

# A process in a time namespace of its own sees its offset in /proc/uptime as in sysinfo():
# with a kernel-version, /proc/uptime comes from the zone's file server, outside the zone's
# time namespace, which must add the reader's offset (LTP sysinfo03).
probe_dir="${LXZONE_BUILD:-}/tests/bin"
if [ -x "$probe_dir/it_zone_probe" ]; then
	lxzone create tns3 --image builtin:busybox --boottime host --kernel-version 6.1.0 \
		--mount "$probe_dir:/t:ro"
	lxzone boot tns3
	got=$(lxzone exec tns3 -- /t/it_zone_probe timens-uptime)
	[ "$got" = "timens-uptime ok" ] || fail "a nested time namespace: $got"
	echo "ok: /proc/uptime and sysinfo() agree in a nested time namespace"
	lxzone halt tns3
	lxzone destroy tns3
	no_cgroup_left tns3
else
	echo "skipped the nested time namespace check: no $probe_dir/it_zone_probe"
fi
no_mount_left
