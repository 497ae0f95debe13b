# Shared helpers for the lxproc integration tests (sourced, POSIX sh): the zone's /proc and
# /sys as the brand synthesizes them from the zone page (issue 4, "Must work").
#
# Environment (set by ctest, see CMakeLists.txt):
#   LXZONE_BUILD  build directory (bin/lxrun, bin/lxzone, images/busybox)
#   LXRUN, LXZONE optional overrides of the binaries
set -u

SKIP=77
: "${LXZONE_BUILD:?LXZONE_BUILD must name the build directory}"
LXRUN=${LXRUN:-$LXZONE_BUILD/bin/lxrun}
LXZONE=${LXZONE:-$LXZONE_BUILD/bin/lxzone}
IMAGE=$LXZONE_BUILD/images/busybox
MiB=1048576
# python3 as the interpreter itself, not a version manager's shim (tests/CMakeLists.txt)
if [ -x "${LXZONE_BUILD:-}/tests/python/python3" ]; then
	PATH="$LXZONE_BUILD/tests/python:$PATH"
fi
failures=0

skip() {
	echo "SKIP: $*"
	exit $SKIP
}

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

ok() {
	echo "ok: $*"
}

finish() {
	[ "$failures" = 0 ] || {
		echo "$failures check(s) failed"
		exit 1
	}
	echo "all checks passed"
	exit 0
}

need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root (cgroups, namespaces, mounts)"
}

need_lxrun() {
	[ -x "$LXRUN" ] || skip "lxrun not built at $LXRUN"
	[ -x "$(dirname "$LXRUN")/lxzone-brand" ] || [ -n "${LXZONE_BRAND_IMAGE:-}" ] ||
		skip "brand image not built (target lxzone-brand)"
}

need_image() {
	[ -x "$IMAGE/bin/busybox" ] || skip "busybox image not built at $IMAGE (target image-busybox)"
}

need_cgroup_caps() {
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
		grep -qw memory /sys/fs/cgroup/cgroup.controllers &&
			grep -qw cpu /sys/fs/cgroup/cgroup.controllers ||
			skip "cgroup v2 without the memory and cpu controllers"
	else
		[ -d /sys/fs/cgroup/memory ] && [ -d /sys/fs/cgroup/cpu ] ||
			skip "no memory and cpu cgroup controllers"
	fi
}

# The host's view, for comparisons (read natively, never under the brand).
host_ncpus() {
	# the CPUs this test may run on, as nproc counts them
	nproc
}

host_memtotal_kb() {
	awk '/^MemTotal:/ { print $2 }' /proc/meminfo
}

host_uptime_s() {
	cut -d. -f1 /proc/uptime
}

# The second column of free's "Mem:" line (busybox and procps agree on it).
free_total() {
	awk '/^Mem:/ { print $2 }'
}

# in_range VALUE LOW HIGH
in_range() {
	[ -n "$1" ] && [ "$1" -ge "$2" ] 2>/dev/null && [ "$1" -le "$3" ]
}

# A private cgroup parent and page directory: what this test's runs leave is theirs alone.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lxproc-it.XXXXXX")
export LXZONE_CGROUP_PARENT="lxproc-it-$$"
export LXZONE_RUN_DIR="$WORK/run"
ZONES=""
cleanup_work() {
	for z in $ZONES; do
		"$LXZONE" halt "$z" >/dev/null 2>&1
	done
	for m in $(awk -v w="$WORK" 'index($2, w) == 1 { print $2 }' /proc/self/mounts | sort -r); do
		umount -l "$m" 2>/dev/null
	done
	# an lxrun killed with its terminal removes its transient cgroup as it exits: give it 2 s
	for d in /sys/fs/cgroup/*/"$LXZONE_CGROUP_PARENT" /sys/fs/cgroup/"$LXZONE_CGROUP_PARENT"; do
		for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
			[ -d "$d" ] && ! rmdir "$d" 2>/dev/null || break
			sleep 0.1
		done
	done
	rm -rf "$WORK"
}
trap cleanup_work EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# No transient cgroup or zone page of an lxrun of this test is left (lxrun's filter cache,
# .filter-KEY.bpf, stays by design).
no_lxrun_leftovers() {
	left=$( (find /sys/fs/cgroup/*/"$LXZONE_CGROUP_PARENT" /sys/fs/cgroup/"$LXZONE_CGROUP_PARENT" \
		-mindepth 1 -maxdepth 1 -type d
		find "$LXZONE_RUN_DIR" -mindepth 1 ! -name '.filter-*.bpf') 2>/dev/null)
	if [ -z "$left" ]; then
		ok "no cgroup or zone page left behind"
	else
		fail "left behind: $left"
	fi
}

# htop_screen SESSION COMMAND: COMMAND (an htop) in a detached 160x40 tmux session; waits up
# to 10 s for its header with a real uptime and prints the screen.  The caller ends the
# session.
htop_screen() {
	tmux new-session -d -s "$1" -x 160 -y 40 "TERM=xterm $2"
	hs=""
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		sleep 1
		hs=$(tmux capture-pane -t "$1" -p)
		# htop prints "(unknown)" for an uptime under one second: wait for a real one
		echo "$hs" | grep -q "Mem\[" && echo "$hs" | grep -q "Uptime: 00" && break
	done
	echo "$hs"
}

# htop_header_checks SCREEN: one CPU bar (htop draws one CPU as "CPU[", several as "0[",
# "1[", ...), a memory total of 256M, an uptime under a minute.
htop_header_checks() {
	bars=$(echo "$1" | grep -Ec '^ *(CPU|[0-9]+)\[')
	[ "$bars" = 1 ] && ok "htop: one CPU bar" || fail "htop: $bars CPU bars, expected 1"
	echo "$1" | grep -Eq 'Mem\[.*/256M\]' && ok "htop: memory total 256M" ||
		fail "htop: memory total is not 256M"
	echo "$1" | grep -Eq 'Uptime: 00:00:[0-5][0-9]' && ok "htop: the zone's uptime (under a minute)" ||
		fail "htop: uptime is not the zone's"
}

# zone_up NAME [lxzone create options...]: a booted zone in this test's store, of the image
# $ZONE_IMAGE (default: the built-in busybox).
zone_up() {
	z=$1
	shift
	"$LXZONE" create "$z" --image "${ZONE_IMAGE:-builtin:busybox}" "$@" >/dev/null || {
		fail "create zone $z"
		finish
	}
	ZONES="$ZONES $z"
	"$LXZONE" boot "$z" || {
		fail "boot zone $z"
		finish
	}
}

need_lxzone() {
	[ -x "$LXZONE" ] || skip "lxzone not built at $LXZONE"
	[ -x "$(dirname "$LXZONE")/lxzone-brand" ] || [ -n "${LXZONE_BRAND_IMAGE:-}" ] ||
		skip "brand image not built (target lxzone-brand)"
	[ -f "$LXZONE_BUILD/images/busybox.tar.gz" ] ||
		skip "busybox image not built at $LXZONE_BUILD/images (target image-busybox)"
	export LXZONE_ROOT="$WORK/store"
	export LXZONE_BUILTIN_IMAGES="$LXZONE_BUILD/images"
}
