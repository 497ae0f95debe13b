#!/bin/sh
# bench/cli.sh: how fast the lxzone command answers (issue 17), on a private store.
#
#   sh bench/cli.sh [-n N] [--zones Z] BUILD_DIR
#
# Prints the median of N runs (21 by default) of:
#   - `lxzone list` with Z configured zones in the store (200 by default), target <= 100 ms;
#   - `lxzone info` of one of them, target <= 20 ms;
#   - `lxzone halt` of a booted busybox zone (minimal init), target <= 200 ms;
#   - `lxzone shutdown` of the same, for comparison;
# and, for each, the CPU time the command used (user+sys), which the machine's load does
# not inflate: on a loaded machine the wall time is mostly waiting for a CPU.  Needs root.
set -eu

n=21 zones=200
while [ $# -gt 1 ]; do
	case "$1" in
	-n) n=$2; shift 2 ;;
	--zones) zones=$2; shift 2 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { sed -n '4p' "$0" >&2; exit 2; }
build=$(cd "$1" && pwd)
[ -x "$build/bin/lxzone" ] || { echo "cli.sh: $build/bin/lxzone not built" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "cli.sh: needs root" >&2; exit 77; }

T=$(mktemp -d "${TMPDIR:-/tmp}/lxzone-bench-cli.XXXXXX")
export LXZONE_ROOT="$T/store" LXZONE_BUILTIN_IMAGES="$build/images"
export LXZONE_CGROUP_PARENT=${LXZONE_CGROUP_PARENT:-lxzone-bench-cli}
lx=$build/bin/lxzone
cleanup() {
	"$lx" halt clib >/dev/null 2>&1 || true
	rm -rf "$T"
}
trap cleanup EXIT

# time_ms CMD... -> "WALL_MS CPU_MS" of one run (GNU time's %e and %U+%S are too coarse)
time_ms() {
	python3 - "$@" <<'PY'
import os, resource, subprocess, sys, time
r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
t0 = time.monotonic()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
t1 = time.monotonic()
r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
print("%.1f %.1f" % ((t1 - t0) * 1e3, cpu * 1e3))
PY
}

# report LABEL TARGET_MS FILE: the medians of the file's "wall cpu" lines
report() {
	sort -n "$3" | awk -v l="$1" -v t="$2" '{ w[NR] = $1 } END { m = w[int((NR + 1) / 2)];
		printf "%-34s median %7.1f ms (target <= %s ms) ", l, m, t }'
	sort -n -k2 "$3" | awk '{ c[NR] = $2 } END { printf "cpu %5.1f ms\n", c[int((NR + 1) / 2)] }'
}

i=0
while [ $i -lt "$zones" ]; do
	i=$((i + 1))
	"$lx" create "cliz$i" -q
done
for _ in $(seq "$n"); do time_ms "$lx" list; done >"$T/list"
report "list ($zones zones)" 100 "$T/list"
for _ in $(seq "$n"); do time_ms "$lx" info cliz7; done >"$T/info"
report "info" 20 "$T/info"

"$lx" create clib --image builtin:busybox -q
: >"$T/halt"
: >"$T/shutdown"
for _ in $(seq "$n"); do
	"$lx" boot clib -q
	time_ms "$lx" halt clib -q >>"$T/halt"
	"$lx" boot clib -q
	time_ms "$lx" shutdown clib -q >>"$T/shutdown"
done
report "halt (minimal init)" 200 "$T/halt"
report "shutdown (minimal init)" - "$T/shutdown"
