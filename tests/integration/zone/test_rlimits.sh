#!/bin/sh
# A zone's RLIMIT_MEMLOCK and RLIMIT_NICE (config keys rlimit-memlock, rlimit-nice;
# zone/rlimits.c): an exact value is init's and every exec's, also when `lxzone exec` is run
# with a lower limit of its own; `auto` gives a user-namespaced zone with a memory cap that cap
# as its memlock limit and, with a CPU task group of its own, nice down to -20 (as far as the
# host lets lxzone raise limits: without CAP_SYS_RESOURCE it stops at the inherited hard
# limit); a privileged zone keeps the inherited limits (the kernel honours its capabilities);
# an exact value above what lxzone may set fails the boot with one line, the zone left
# installed.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand

# lim RESOURCE-WORDS [FILE]: "soft hard" of /proc/self/limits (or FILE's), as printed there
lim() {
	awk -v r="$1" 'index($0, r) == 1 { n = split(substr($0, 27), f, " +"); print f[1], f[2] }' \
		"${2:-/proc/self/limits}"
}
eff=$(awk '/^CapEff/ { print $2 }' /proc/self/status)
host_can_raise=$((0x$eff >> 24 & 1)) # CAP_SYS_RESOURCE
set -- $(lim "Max locked memory")
mem_soft=$1 mem_hard=$2
set -- $(lim "Max nice priority")
nice_soft=$1 nice_hard=$2

# expect SOFT HARD WANT: the soft limit `auto` (raise only) ends with, "unlimited" as 2^64-1
expect_auto() {
	s=$1 h=$2 w=$3
	[ "$s" = unlimited ] && { echo unlimited; return; }
	[ "$s" -ge "$w" ] && { echo "$s"; return; }
	if [ "$h" = unlimited ] || [ "$h" -ge "$w" ] || [ "$host_can_raise" = 1 ]; then
		echo "$w"
	else
		echo "$h"
	fi
}
zlim() { # ZONE WORDS: the soft limit of a process exec'd in the zone
	lxzone exec "$1" -- /bin/cat /proc/self/limits >"$T/limits" || fail "exec in $1"
	lim "$2" "$T/limits" | awk '{ print $1 }'
}

z=h3rlim
trap 'lxzone halt $z >/dev/null 2>&1 || true; lxzone halt h3rlimp >/dev/null 2>&1 || true; cleanup' EXIT
lxzone create $z --image builtin:busybox >/dev/null

# --- exact: 4M (below the inherited hard limit, so any host may set it) ----------------------
if [ "$mem_hard" = unlimited ] || [ "$mem_hard" -ge 4194304 ]; then
	lxzone configure $z rlimit-memlock=4M >/dev/null
	lxzone boot $z >/dev/null
	got=$(lxzone exec $z -- /bin/cat /proc/1/limits | lim "Max locked memory" /dev/stdin)
	[ "$got" = "4194304 4194304" ] || fail "zone $z: init's memlock '$got', want '4194304 4194304'"
	[ "$(zlim $z "Max locked memory")" = 4194304 ] || fail "zone $z: an exec's memlock is not 4M"
	# lxzone exec with a lower soft limit of its own: the program still gets the zone's
	got=$(ulimit -S -l 1024 && lxzone exec $z -- /bin/cat /proc/self/limits |
		lim "Max locked memory" /dev/stdin)
	[ "$got" = "4194304 4194304" ] || fail "zone $z: exec from a caller with 1M: '$got'"
	echo "ok: zone $z: rlimit-memlock=4M is init's and every exec's"
	lxzone halt $z >/dev/null
else
	echo "note: the inherited memlock hard limit $mem_hard is below 4M: exact case skipped"
fi

# --- auto with a memory cap, nice with the zone's own CPU task group -------------------------
lxzone configure $z rlimit-memlock=auto memory=64M >/dev/null
lxzone boot $z >/dev/null
want=$(expect_auto "$mem_soft" "$mem_hard" 67108864)
got=$(zlim $z "Max locked memory")
[ "$got" = "$want" ] || fail "zone $z: auto memlock with memory=64M is $got, want $want"
cpu_group=0
for f in /sys/fs/cgroup/$CGP/$z/cgroup.controllers /sys/fs/cgroup/cpu/$CGP/$z/cgroup.procs; do
	[ -f "$f" ] || continue
	case "$f" in
	*controllers) grep -qw cpu "$f" && cpu_group=1 ;;
	*) cpu_group=1 ;;
	esac
done
if [ $cpu_group = 1 ]; then
	nwant=$(expect_auto "$nice_soft" "$nice_hard" 40)
else
	nwant=$nice_soft
fi
got=$(zlim $z "Max nice priority")
[ "$got" = "$nwant" ] || fail "zone $z: auto nice limit $got, want $nwant (task group: $cpu_group)"
if [ "$nwant" = 40 ]; then
	got=$(lxzone exec $z -- /bin/sh -c 'nice -n -5 cat /proc/self/stat' | awk '{ print $19 }')
	[ "$got" = -5 ] || fail "zone $z: nice -n -5 runs at nice '$got'"
fi
echo "ok: zone $z: auto: memlock $want (memory=64M), nice limit $nwant (task group $cpu_group, host CAP_SYS_RESOURCE $host_can_raise)"
lxzone halt $z >/dev/null

# --- exact, above what lxzone may set: one line, no boot ----------------------------------
if [ "$host_can_raise" = 0 ] && [ "$nice_hard" != unlimited ] && [ "$nice_hard" -lt 40 ]; then
	lxzone configure $z rlimit-nice=40 >/dev/null
	if lxzone boot $z 2>"$T/err"; then
		fail "zone $z: booted with rlimit-nice=40 above the hard limit $nice_hard"
	fi
	[ "$(wc -l <"$T/err")" = 1 ] && grep -q "rlimit-nice: 40 is above the hard limit" "$T/err" ||
		fail "zone $z: rlimit-nice=40: '$(cat "$T/err")'"
	expect_state $z installed
	echo "ok: zone $z: rlimit-nice=40 without CAP_SYS_RESOURCE: $(cat "$T/err")"
	lxzone configure $z rlimit-nice=auto >/dev/null
fi
lxzone destroy $z >/dev/null

# --- a privileged zone: auto leaves the inherited limits -------------------------------------
z=h3rlimp
lxzone create $z --image builtin:busybox >/dev/null
lxzone configure $z privileged=true memory=64M >/dev/null
lxzone boot $z >/dev/null
got=$(zlim $z "Max locked memory")
[ "$got" = "$mem_soft" ] || fail "zone $z (privileged): memlock $got, want the inherited $mem_soft"
got=$(zlim $z "Max nice priority")
[ "$got" = "$nice_soft" ] || fail "zone $z (privileged): nice limit $got, want the inherited $nice_soft"
echo "ok: zone $z (privileged): auto keeps the inherited limits"
lxzone halt $z >/dev/null
lxzone destroy $z >/dev/null
