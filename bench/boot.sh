#!/bin/sh
# bench/boot.sh: the minimal init's boot (issue 11, target <= 50 ms), against anchors that start
# the same busybox root, interleaved, in one run.
#
#   bench/boot.sh [-n N] [--base BASE_BUILD_DIR] BUILD_DIR
#
# Per round, wall time of:
#   lxzone   `lxzone boot` of a busybox zone (create'd and installed once): returns with the
#            zone running (its minimal init ready); then `lxzone halt` (not timed);
#   nspawn   `systemd-nspawn -q --register=no --keep-unit -D ROOT /bin/true`;
#   bwrap    `bwrap --unshare-all --uid 0 --gid 0 --bind ROOT / --proc /proc --dev /dev /bin/true`;
#   runc     `runc run` of a bundle on ROOT running /bin/true (a container created, started,
#            waited for and deleted).
#   base     with --base, `lxzone boot` by BASE_BUILD_DIR's lxzone (an earlier commit's
#            build: bin/ with lxzone, lxzone-brand, lxzone-init, lxzone-idle) of a second zone
#            in the same store, for a before/after in one run;
# An anchor that is not installed is left out.  Prints each median with its range, the CPU
# time (user+sys) of the lxzone boot's processes where perf can count them, and the load
# average before and after.  Needs root.
set -eu

n=21 base=""
while [ $# -gt 1 ]; do
	case "$1" in
	-n) n=$2; shift 2 ;;
	--base) base=$(cd "$2" && pwd); shift 2 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { sed -n '4p' "$0" >&2; exit 2; }
build=$(cd "$1" && pwd)
L=$build/bin/lxzone
[ -x "$L" ] || { echo "bench/boot.sh: $L not built" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "bench/boot.sh: needs root" >&2; exit 77; }

T=$(mktemp -d "${TMPDIR:-/tmp}/lxzone-bench-boot.XXXXXX")
export LXZONE_ROOT="$T/store" LXZONE_BUILTIN_IMAGES="$build/images"
export LXZONE_CGROUP_PARENT=${LXZONE_CGROUP_PARENT:-lxzone-bench}
z=bboot$$
cleanup() {
	"$L" halt "$z" >/dev/null 2>&1 || true
	[ -z "$base" ] || "$base/bin/lxzone" halt "${z}b" >/dev/null 2>&1 || true
	runc delete -f "bb$$" >/dev/null 2>&1 || true
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

"$L" create "$z" >/dev/null
"$L" install "$z" builtin:busybox >/dev/null
root=$T/root
mkdir -p "$root"
tar -C "$root" -xzf "$build/images/busybox.tar.gz"
mkdir -p "$root/proc" "$root/dev" "$root/sys" "$root/tmp"

anchors=""
if [ -n "$base" ]; then
	"$L" create "${z}b" >/dev/null
	"$L" install "${z}b" builtin:busybox >/dev/null
	anchors="base"
fi
command -v systemd-nspawn >/dev/null && anchors="$anchors nspawn"
command -v bwrap >/dev/null && anchors="$anchors bwrap"
if command -v runc >/dev/null; then
	mkdir -p "$T/bundle"
	(cd "$T/bundle" && runc spec)
	python3 - "$T/bundle/config.json" "$root" <<'PY'
import json, sys
p, root = sys.argv[1], sys.argv[2]
c = json.load(open(p))
c["root"] = {"path": root, "readonly": True}
c["process"]["args"] = ["/bin/true"]
c["process"]["terminal"] = False
json.dump(c, open(p, "w"))
PY
	anchors="$anchors runc"
fi

ns() { date +%s%N; }
one() {
	case "$1" in
	lxzone) "$L" boot "$z" >/dev/null ;;
	base) "$base/bin/lxzone" boot "${z}b" >/dev/null ;;
	nspawn) systemd-nspawn -q --register=no --keep-unit -D "$root" /bin/true </dev/null \
		>/dev/null 2>&1 ;;
	bwrap) bwrap --unshare-all --uid 0 --gid 0 --bind "$root" / --proc /proc --dev /dev \
		/bin/true ;;
	runc) runc run --bundle "$T/bundle" "bb$$" </dev/null >/dev/null ;;
	esac
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
for k in lxzone $anchors; do : >"$T/$k"; done
for i in $(seq 1 "$n"); do
	for k in lxzone $anchors; do
		t0=$(ns)
		one "$k"
		t1=$(ns)
		echo "$(( (t1 - t0) / 1000 ))" >>"$T/$k"
		[ "$k" = lxzone ] && "$L" halt "$z" >/dev/null
		[ "$k" = base ] && "$base/bin/lxzone" halt "${z}b" >/dev/null
	done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

# CPU time of a boot: perf counts the children (the supervisor and everything it forks) once
# they have exited, so a boot and its halt are counted together, then a halt alone.
cpu=""
if command -v perf >/dev/null && perf stat -e task-clock true >/dev/null 2>&1; then
	tc() { perf stat -x, -e task-clock -- sh -c "$1" 2>&1 >/dev/null | awk -F, '/task-clock/ {print $1}'; }
	: >"$T/cpu"
	for i in 1 2 3 4 5; do
		bh=$(tc "'$L' boot $z && '$L' halt $z")
		echo "$bh" >>"$T/cpu"
	done
	cpu=$(sort -n "$T/cpu" | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]}')
fi

med() { sort -n "$1" | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)] / 1000}'; }
rng() { sort -n "$1" | awk 'NR==1 {lo=$1} {hi=$1} END {printf "%.1f .. %.1f", lo / 1000, hi / 1000}'; }
echo "minimal init boot (busybox zone), $n interleaved rounds, ms (median, range):"
printf '  %-40s %7s   (%s)   target <= 50\n' "lxzone boot" "$(med "$T/lxzone")" "$(rng "$T/lxzone")"
for k in $anchors; do
	case "$k" in
	base) label="lxzone boot, base build" ;;
	nspawn) label="systemd-nspawn -D ROOT /bin/true" ;;
	bwrap) label="bwrap --unshare-all ROOT /bin/true" ;;
	runc) label="runc run (ROOT, /bin/true)" ;;
	esac
	printf '  %-40s %7s   (%s)\n' "$label" "$(med "$T/$k")" "$(rng "$T/$k")"
done
[ -n "$cpu" ] && echo "  CPU time of boot + halt (perf task-clock, median of 5): $cpu ms"
echo "load average: $load0 before, $load1 after (2 vCPUs)"
