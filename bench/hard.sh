#!/bin/sh
# The hardened profile's figures in one run: lxbench-hard natively, under lxrun --hardened (epoll
# readiness from the brand's own host epoll instance, syscalls/lx_epoll_host.c) and under
# lxrun --hardened --epoll-ppoll (epoll over ppoll only, no host eventpoll for the brand), with
# the ratios and the issue's targets (epoll_wait100 <= x3, pi_uncontended <= x1.1,
# pi_contended <= x4), and the parts of the emulated epoll_wait (uname: the trap's floor;
# fstat; ppoll100) with no target: their native figures bound what the emulation can reach.
# A fourth run, lxrun --hardened --syscall-patching off, shows the same calls taking the SIGSYS
# trap every time (the hardened profile patches trapped call sites by default: emul/patch.h).
# The four runs are interleaved, round by round (-r ROUNDS, default 3), and each figure is the
# median of its rounds, so machine load falls on all three alike; the load average is printed.
# --cpu times CPU time instead of the wall clock (lxbench-hard -c), for a loaded machine.
#   bench/hard.sh [--quick] [--cpu] [-r ROUNDS] BUILD_DIR
quick= cpu= rounds=3
while :; do
	case $1 in
	--quick) quick=1 ;;
	--cpu) cpu=-c ;;
	-r) rounds=$2; shift ;;
	*) break ;;
	esac
	shift
done
b=${1:-build}
args="-t 200 -b 7"
[ -n "$quick" ] && args="-t 20 -b 3"
args="$args $cpu"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
i=0
while [ "$i" -lt "$rounds" ]; do
	"$b/bin/lxbench-hard" $args >>"$tmp/nat" || { echo "native run failed" >&2; exit 1; }
	"$b/bin/lxrun" --hardened -- "$b/bin/lxbench-hard" $args >>"$tmp/hard" ||
		{ echo "lxrun --hardened run failed" >&2; exit 1; }
	"$b/bin/lxrun" --hardened --epoll-ppoll -- "$b/bin/lxbench-hard" $args >>"$tmp/ppoll" ||
		{ echo "lxrun --hardened --epoll-ppoll run failed" >&2; exit 1; }
	"$b/bin/lxrun" --hardened --syscall-patching off -- "$b/bin/lxbench-hard" $args >>"$tmp/off" ||
		{ echo "lxrun --hardened --syscall-patching off run failed" >&2; exit 1; }
	i=$((i + 1))
done
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)"
med() { # $1 file, $2 name: the median of its rounds
	awk -v n="$2" '$1 == n {print $2}' "$1" | sort -g | awk '{v[NR] = $1} END {
		if (NR == 0) print "NA"; else if (NR % 2) print v[(NR + 1) / 2];
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
printf '%-16s %10s %11s %8s %11s %8s %11s %8s %7s\n' operation native_ns eventpoll_ns ratio \
	ppoll_ns ratio unpatched_ns ratio target
for name in $(awk '{print $1}' "$tmp/nat" | awk '!seen[$0]++'); do
	a=$(med "$tmp/nat" "$name") h=$(med "$tmp/hard" "$name") p=$(med "$tmp/ppoll" "$name")
	o=$(med "$tmp/off" "$name")
	case $name in
	epoll_wait100) t=3 ;; pi_uncontended) t=1.1 ;; pi_contended) t=4 ;; *) t=- ;;
	esac
	awk -v n="$name" -v a="$a" -v h="$h" -v p="$p" -v o="$o" -v t="$t" 'BEGIN {
		r = (a > 0 && h != "NA") ? h / a : 0; q = (a > 0 && p != "NA") ? p / a : 0
		u = (a > 0 && o != "NA") ? o / a : 0
		printf "%-16s %10s %11s %8.2f %11s %8.2f %11s %8.2f %7s %s\n", n, a, h, r, p, q, o, u,
			"x" t,
			(t != "-" && r > t) ? "MISSED" : "ok" }'
done
