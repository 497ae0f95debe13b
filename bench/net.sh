#!/bin/sh
# bench/net.sh: the network figures of issue 12, in one run, on a private store.
#
#   bench/net.sh [-d SECONDS] [-r ROUNDS] BUILD_DIR
#
# nginx (from a Debian bookworm image made by images/debian-image.sh with nginx, cached) serving
# a 612-byte page, loaded by wrk (-t1 -c16, SECONDS each) three ways, alternating for ROUNDS
# rounds: natively (the same image's nginx, chrooted, on 127.0.0.1), in a net=shared zone (on
# its address on lxzone0: the host's stack, its socket hooks) and in a net=exclusive zone (over
# its veth). Prints each run, the medians and the ratios to native (issue 12 wants >= 0.95 for
# shared). Then an RTM_GETLINK + RTM_GETADDR dump (`ip -j link; ip -j addr`, 200 times) in the
# shared zone against natively (issue 12: <= x3), and getifaddrs() alone (the same two dumps
# without the exec of ip, tests/bin/it_netview_probe). The addresses are documentation and private
# ranges held on this host only: no packet leaves it. Needs root, wrk and the image.
set -eu

d=5 rounds=3
while [ $# -gt 1 ]; do
	case "$1" in
	-d) d=$2; shift 2 ;;
	-r) rounds=$2; shift 2 ;;
	*) break ;;
	esac
done
if [ $# -ne 1 ]; then
	sed -n '4p' "$0" >&2
	exit 2
fi
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "net.sh: needs root" >&2; exit 77; }
command -v wrk >/dev/null || { echo "net.sh: needs wrk (Debian package wrk)" >&2; exit 77; }
image=$("$src/images/debian-image.sh" --suite bookworm --include nginx-light,iproute2 \
	--name net-bench-bookworm) || exit $?

T=$(mktemp -d "${TMPDIR:-/tmp}/lxzone-netbench.XXXXXX")
export LXZONE_ROOT="$T/store" LXZONE_BUILTIN_IMAGES="$build/images"
export LXZONE_CGROUP_PARENT="${LXZONE_CGROUP_PARENT:-lxzone-bench}"
L="$build/bin/lxzone"
S=benchs$$ X=benchx$$
SA=198.51.100.$((150 + $$ % 50)) XA=10.231.$((90 + $$ % 50))
nativepid=""
cleanup() {
	[ -z "$nativepid" ] || kill "$(cat "$T/root/run/lxbench.pid" 2>/dev/null)" 2>/dev/null || true
	for z in $S $X; do "$L" halt "$z" >/dev/null 2>&1 || true; done
	grep " $T" /proc/self/mounts | awk '{print $2}' | sort -r | while read -r m; do
		umount -l "$m" 2>/dev/null || true
	done
	rm -rf "$T"
}
trap cleanup EXIT

# one nginx.conf for all three: LISTEN is filled in per run
conf='user root; worker_processes 1; pid /run/lxbench.pid; error_log /tmp/lxbench.err;
events { worker_connections 1024; }
http { access_log off; server { listen LISTEN; root /srv/lxbench; } }'
setup='mkdir -p /srv/lxbench /run && head -c 612 /dev/zero | tr "\0" x >/srv/lxbench/index.html'

# (the install's notes on the device nodes it leaves out go to a log, shown if it fails)
"$L" create $S --image "$image" --net shared --address "$SA/32" >"$T/create.log" 2>&1 ||
	{ tail -5 "$T/create.log"; exit 1; }
"$L" create $X --image "$image" --net exclusive --address "$XA.2/24" >"$T/create.log" 2>&1 ||
	{ tail -5 "$T/create.log"; exit 1; }
"$L" boot $S
"$L" boot $X
for z in $S $X; do
	"$L" exec $z -- sh -c "$setup && echo '$conf' | sed 's/LISTEN/80/' >/etc/nginx/lxbench.conf &&
		/usr/sbin/nginx -c /etc/nginx/lxbench.conf"
done
mkdir -p "$T/root"
zstd -dc "$image" | tar -C "$T/root" -x 2>/dev/null
mount --bind /proc "$T/root/proc"
chroot "$T/root" sh -c "$setup && echo '$conf' | sed 's/LISTEN/127.0.0.1:18980/' \
	>/etc/nginx/lxbench.conf && /usr/sbin/nginx -c /etc/nginx/lxbench.conf"
nativepid=1
sleep 0.5

run() { # MODE URL -> requests/s
	wrk -t1 -c16 -d"${d}s" "$2" | awk '/Requests\/sec/ {print $2}'
}
: >"$T/runs"
for r in $(seq 1 "$rounds"); do
	for m in native:http://127.0.0.1:18980/ shared:http://$SA/ exclusive:http://$XA.2/; do
		v=$(run "${m%%:*}" "${m#*:}")
		echo "round $r ${m%%:*} $v req/s"
		echo "${m%%:*} $v" >>"$T/runs"
	done
done
median() {
	awk -v m="$1" '$1 == m {print $2}' "$T/runs" | sort -n |
		awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
n=$(median native) s=$(median shared) x=$(median exclusive)
echo "nginx+wrk medians: native $n, shared $s, exclusive $x req/s"
awk -v n="$n" -v s="$s" -v x="$x" 'BEGIN {
	printf "nginx+wrk shared/native %.2f (target >= 0.95), exclusive/native %.2f\n", s / n, x / n }'

# netlink dumps: 200 x (ip -j link; ip -j addr), in the shared zone and natively
loop='i=0; while [ $i -lt 200 ]; do ip -j link >/dev/null; ip -j addr >/dev/null; i=$((i + 1)); done'
t0=$(date +%s%N)
chroot "$T/root" sh -c "$loop" 2>/dev/null || { echo "no ip in the image: netlink figure skipped"; exit 0; }
t1=$(date +%s%N)
"$L" exec $S -- sh -c "$loop"
t2=$(date +%s%N)
awk -v a="$((t1 - t0))" -v b="$((t2 - t1))" 'BEGIN {
	printf "RTM_GETLINK+GETADDR dumps: native %.2f ms, shared %.2f ms a pair, x%.2f (target <= 3)\n",
		a / 200e6, b / 200e6, b / a }'

# the dumps alone, without the exec of ip: getifaddrs() (an RTM_GETLINK and an RTM_GETADDR
# dump) 500 times in one process, natively and in the shared zone, alternating, best of 3
probe="$build/tests/bin/it_netview_probe"
if [ -x "$probe" ]; then
	cp "$probe" "$LXZONE_ROOT/$S/root/usr/local/bin/it_netview_probe"
	for r in 1 2 3; do
		"$probe" bench 500 | awk '{print "native", $2}'
		"$L" exec $S -- /usr/local/bin/it_netview_probe bench 500 | awk '{print "shared", $2}'
	done >"$T/gifa"
	awk 'END { if (!best["native"] || !best["shared"]) {
			print "getifaddrs figure: a run failed"; exit } }
	{ if (!($1 in best) || $2 < best[$1]) best[$1] = $2 } END {
		printf "getifaddrs (GETLINK+GETADDR dumps): native %.1f us, shared %.1f us, x%.2f (target <= 3)\n",
			best["native"], best["shared"], best["shared"] / best["native"] }' "$T/gifa"
else
	echo "no $probe (build it_netview_probe): getifaddrs figure skipped"
fi
