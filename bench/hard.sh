#!/bin/sh
# The hardened profile's figures in one run: lxbench-hard natively and under lxrun --hardened,
# with the ratios and the targets (epoll_wait100 <= x3, pi_uncontended <= x1.1,
# pi_contended <= x4), and the parts of the emulated epoll_wait (uname: the trap's floor;
# fstat; ppoll100) with no target: their native figures bound what the emulation can reach.
# --cpu times CPU time instead of the wall clock (lxbench-hard -c), for a loaded machine.
#   bench/hard.sh [--quick] [--cpu] BUILD_DIR
quick= cpu=
while :; do
	case $1 in
	--quick) quick=1 ;;
	--cpu) cpu=-c ;;
	*) break ;;
	esac
	shift
done
b=${1:-build}
args="-t 200 -b 7"
[ -n "$quick" ] && args="-t 20 -b 3"
args="$args $cpu"
nat=$("$b/bin/lxbench-hard" $args) || { echo "native run failed" >&2; exit 1; }
hard=$("$b/bin/lxrun" --hardened -- "$b/bin/lxbench-hard" $args) || { echo "lxrun --hardened run failed" >&2; exit 1; }
printf '%-16s %12s %12s %8s %8s\n' operation native_ns hardened_ns ratio target
echo "$nat" | while read -r name ns; do
	h=$(echo "$hard" | awk -v n="$name" '$1 == n {print $2}')
	case $name in
	epoll_wait100) t=3 ;; pi_uncontended) t=1.1 ;; pi_contended) t=4 ;; *) t=- ;;
	esac
	awk -v n="$name" -v a="$ns" -v h="$h" -v t="$t" 'BEGIN {
		r = (a > 0 && h != "NA") ? h / a : 0
		printf "%-16s %12s %12s %8.2f %8s %s\n", n, a, h, r, "x" t, (t != "-" && r > t) ? "MISSED" : "ok" }'
done
