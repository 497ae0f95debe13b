#!/bin/sh
# bench/netview.sh: the price of a shared-IP zone's second filter (netlink/nlfilter.h) on the
# hot calls of a server, in one run, on a private store.
#
#   bench/netview.sh [-r ROUNDS] [-t MS] [-b BATCHES] BUILD_DIR
#
# Two busybox zones, one net=shared (the netlink view's filter stacked under the brand's) and
# one net=none (the brand's filter alone), run BUILD_DIR/bin/lxbench-hot (static) in turn for
# ROUNDS rounds, each reporting its fastest batch (-m). Prints per call the median over rounds
# in each zone and the median of the per-round ratios shared/none, then the fastest run of each
# zone and their ratio (on a loaded machine the least disturbed runs), then `uptime`. Needs root.
set -eu

rounds=7 ms=30 batches=5
while [ $# -gt 1 ]; do
	case "$1" in
	-r) rounds=$2; shift 2 ;;
	-t) ms=$2; shift 2 ;;
	-b) batches=$2; shift 2 ;;
	*) break ;;
	esac
done
if [ $# -ne 1 ]; then
	sed -n '5p' "$0" >&2
	exit 2
fi
build=$(cd "$1" && pwd)
[ "$(id -u)" = 0 ] || { echo "netview.sh: needs root" >&2; exit 77; }
[ -x "$build/bin/lxbench-hot" ] || { echo "netview.sh: $build/bin/lxbench-hot not built" >&2; exit 1; }
grep -q cgroup2 /proc/filesystems || { echo "netview.sh: no cgroup2 (net=shared)" >&2; exit 77; }

T=$(mktemp -d "${TMPDIR:-/tmp}/lxzone-nvbench.XXXXXX")
export LXZONE_ROOT="$T/store" LXZONE_BUILTIN_IMAGES="$build/images"
export LXZONE_CGROUP_PARENT="${LXZONE_CGROUP_PARENT:-lxzone-bench}"
L="$build/bin/lxzone"
S=nvbs$$ N=nvbn$$
SA=198.51.100.$((200 + $$ % 50))
cleanup() {
	for z in $S $N; do "$L" halt "$z" >/dev/null 2>&1 || true; done
	grep " $T" /proc/self/mounts | awk '{print $2}' | sort -r | while read -r m; do
		umount -l "$m" 2>/dev/null || true
	done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

"$L" create $S --image builtin:busybox --net shared --address "$SA/32" >/dev/null
"$L" create $N --image builtin:busybox --net none >/dev/null
for z in $S $N; do
	"$L" boot $z
	"$L" exec $z -- sh -c 'cat >/tmp/lxbench-hot && chmod 755 /tmp/lxbench-hot' \
		<"$build/bin/lxbench-hot"
done
: >"$T/runs"
for r in $(seq 1 "$rounds"); do
	# alternate which zone goes first, so drift hits both alike
	if [ $((r % 2)) = 1 ]; then order="shared:$S none:$N"; else order="none:$N shared:$S"; fi
	for side in $order; do
		"$L" exec "${side#*:}" -- /tmp/lxbench-hot -m -t "$ms" -b "$batches" |
			awk -v s="${side%%:*}" -v r="$r" '$2 != "NA" {print s, $1, $2, r}' >>"$T/runs"
	done
done
printf '%-11s %10s %10s %7s %10s %10s %7s\n' call "none ns" "shared ns" ratio \
	"none min" "shared min" "ratio"
for op in $(awk '$1 == "none" {print $2}' "$T/runs" | awk '!s[$0]++'); do
	awk -v op="$op" '
		function med(a, n,   i, j, t) {
			for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
				if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
			return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
		}
		$2 == op && $1 == "none" {nv[++nn] = $3; nr_[$4] = $3; if (!nmin || $3 < nmin) nmin = $3}
		$2 == op && $1 == "shared" {sv[++ns] = $3; sr_[$4] = $3; if (!smin || $3 < smin) smin = $3}
		END {
			for (r in sr_) if (nr_[r] > 0) rt[++nr] = sr_[r] / nr_[r]
			printf "%-11s %10.1f %10.1f %7.2f %10.1f %10.1f %7.2f\n", op, med(nv, nn),
				med(sv, ns), med(rt, nr), nmin, smin, smin / nmin}
	' "$T/runs"
done
echo "rounds $rounds, -t $ms -b $batches, fastest batch per run; $(uptime)"
