#!/bin/sh
# bench/net.sh: the network figures of issue 12, in one run, on a private store.
#
#   bench/net.sh [-d SECONDS] [-r ROUNDS] BUILD_DIR
#
# nginx (from a Debian bookworm image made by images/debian-image.sh with nginx, cached) serving
# a 612-byte page, loaded by wrk (-t1 -c16, SECONDS each) five ways (`sides`), in turn for ROUNDS
# rounds: natively (the same image's nginx, chrooted, on 127.0.0.1), in a net=shared zone (on
# its address on lxzone0: the host's stack, its socket hooks) and in a net=exclusive zone (over
# its veth). Prints each run, the medians and the ratios to native (issue 12 wants >= 0.95 for
# shared), how often the shared zone's socket hooks ran, and (with perf) each side's nginx
# worker's system calls, SIGSYS traps and CPU time per request. Then an RTM_GETLINK + RTM_GETADDR dump
# (`ip -j link; ip -j addr`, 200 times) in the shared zone against natively (issue 12: <= x3),
# and getifaddrs() alone (the same two dumps without the exec of ip,
# tests/bin/it_netview_probe). The addresses are documentation and private
# ranges held on this host only: no packet leaves it. Needs root, wrk and the image.
set -eu

d=5 rounds=5
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
LXRUN="$build/bin/lxrun"
S=benchs$$ X=benchx$$
NP=$((23000 + $$ % 1000 * 3)) # native; lxrun on the host's network NP+1, with --shared-ip NP+2
RP=$((NP + 1)) SP=$((NP + 2))
SA=198.51.100.$((150 + $$ % 50)) XA=10.231.$((90 + $$ % 50)) RA=198.51.100.$((100 + $$ % 50))
nativepid="" runpids="" ra="" cgs=""
cleanup() {
	[ -z "$nativepid" ] || kill "$(cat "$T/root/run/lxbench.pid" 2>/dev/null)" 2>/dev/null || true
	for p in $runpids; do kill "$p" 2>/dev/null || true; done
	for p in $runpids; do wait "$p" 2>/dev/null || true; done
	[ -z "$ra" ] || ip addr del "$RA/32" dev lo 2>/dev/null || true
	sleep 0.2
	for c in $cgs; do rmdir "$c" 2>/dev/null || true; done
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
# native nginx in a cgroup of its own beside the zones' (cpu, cpuacct, cgroup2), so that the
# host's CPU scheduler weighs every side's server alike on a busy machine
cgs=$(awk -v p="$LXZONE_CGROUP_PARENT" -v n="netbench-native-$$" '
	$3 == "cgroup2" || ($3 == "cgroup" && $4 ~ /(^|,)cpu(acct)?(,|$)/) {print $2 "/" p "/" n}' \
	/proc/self/mounts)
join='for c in $CGS; do mkdir -p "$c" && echo $$ >"$c/cgroup.procs" || exit 1; done'
CGS=$cgs sh -c "$join"' && exec "$@"' sh chroot "$T/root" sh -c "$setup && echo '$conf' |
	sed 's/LISTEN/127.0.0.1:$NP/' >/etc/nginx/lxbench.conf &&
	/usr/sbin/nginx -c /etc/nginx/lxbench.conf"
nativepid=1
# lxrun on the host's network: the brand alone (127.0.0.1:RP), and the brand with the socket
# hooks of --shared-ip (RA, held on lo for the run, as tests/integration/lxrun_shared_ip.sh does)
ip addr add "$RA/32" dev lo && ra=1
for l in "127.0.0.1:$RP" "$RA:$SP"; do
	echo "$conf" | sed "s/LISTEN/$l/; s|/run/lxbench.pid|/run/lxbench-${l##*:}.pid|" \
		>"$T/root/etc/nginx/lxbench-${l##*:}.conf"
done
# (plain lxrun makes no cgroup: it gets one beside the others, as --shared-ip's transient one is)
cgr=$(echo "$cgs" | sed "s/netbench-native-/netbench-lxrun-/")
cgs="$cgs $cgr"
CGS=$cgr sh -c "$join"' && exec "$@"' sh "$LXRUN" --root "$T/root" --net host -- \
	/usr/sbin/nginx -c "/etc/nginx/lxbench-$RP.conf" -g "daemon off;" &
runpids="$!"
"$LXRUN" --root "$T/root" --net host --shared-ip "$RA/32" -- \
	/usr/sbin/nginx -c "/etc/nginx/lxbench-$SP.conf" -g "daemon off;" &
runpids="$runpids $!"
sleep 1

run() { # MODE URL -> requests/s, or "err" when wrk saw socket errors or non-2xx answers
	wrk -t1 -c16 -d"${d}s" "$2" | awk '/Requests\/sec/ {v = $2} /Socket errors|Non-2xx/ {e = 1}
		END {print (e || v == "") ? "err" : v}'
}
: >"$T/runs"
# The sides, in an order that rotates per round: native, the shared zone (the host's stack,
# its socket hooks), the exclusive zone (its veth), and lxrun --net host without and with
# --shared-ip (the same brand on the host's stack, without and with a shared zone's socket
# hooks on its cgroup: the pair tells the hooks' cost from the brand's). Then the medians, the
# median of the per-round ratios to native, and how often the shared zone's hooks ran during
# one more run (bench/netbpf_stats.py).
sides="native:http://127.0.0.1:$NP/ shared:http://$SA/ exclusive:http://$XA.2/
lxrun-host:http://127.0.0.1:$RP/ lxrun-sharedip:http://$RA:$SP/"
for r in $(seq 1 "$rounds"); do
	# rotate the order per round, so no side always follows the same one
	order=$(echo "$sides" | tr ' ' '\n' | awk -v r="$r" '{l[NR] = $0} END {
		for (i = 0; i < NR; i++) print l[(i + r - 1) % NR + 1] }')
	for m in $order; do
		v=$(run "${m%%:*}" "${m#*:}")
		echo "round $r ${m%%:*} $v req/s"
		# a run with errors is left out of the medians (and its round out of the ratios)
		[ "$v" = err ] || echo "${m%%:*} $v $r" >>"$T/runs"
	done
done
median() {
	awk -v m="$1" '$1 == m {print $2}' "$T/runs" | sort -n |
		awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
ratio() { # SIDE -> the median over rounds of SIDE / native in that round
	awk -v m="$1" '$1 == "native" {n[$3] = $2} $1 == m {v[$3] = $2}
		END {for (r in v) if (n[r] > 0) print v[r] / n[r]}' "$T/runs" | sort -n |
		awk '{v[NR] = $1} END {printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
echo "nginx+wrk medians (req/s): native $(median native), shared $(median shared)," \
	"exclusive $(median exclusive), lxrun-host $(median lxrun-host)," \
	"lxrun-sharedip $(median lxrun-sharedip)"
echo "nginx+wrk / native, median of per-round ratios: shared $(ratio shared) (target >= 0.95)," \
	"exclusive $(ratio exclusive), lxrun-host $(ratio lxrun-host)," \
	"lxrun-sharedip $(ratio lxrun-sharedip)"

# the shared zone's socket hooks during one more run against it: how often they ran at all
zcg=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/self/mounts)/$LXZONE_CGROUP_PARENT/$S
if python3 "$src/bench/netbpf_stats.py" "$zcg" -- wrk -t1 -c16 -d"${d}s" "http://$SA/" \
	>"$T/hooks" 2>&1; then
	awk '{n += $3; t += $5; if ($3 > 0) l = l " " $1 " " $3} END {
		printf "socket hooks in one %ss shared run: %d runs, %.3f ms in all%s\n", d, n, t / 1e6,
			l == "" ? "" : " (" substr(l, 2) ")" }' d="$d" "$T/hooks"
else
	echo "socket hooks not counted: $(tail -1 "$T/hooks")"
fi

# system calls, SIGSYS traps and CPU time per request of each side's nginx worker during one
# more run (perf; the counts, unlike req/s, do not move with the machine's load, the CPU time
# less): a trap is microseconds, the size of the whole gap at these rates (docs/performance.md)
worker() { # a part of its cgroup path -> the nginx worker's pid
	for p in $(pgrep -x nginx); do
		grep -q "$1" "/proc/$p/cgroup" 2>/dev/null && grep -q worker "/proc/$p/cmdline" &&
			echo "$p"
	done | head -1
}
if command -v perf >/dev/null; then
	for m in "native:netbench-native-$$:http://127.0.0.1:$NP/" "shared:/$S/:http://$SA/" \
		"exclusive:/$X/:http://$XA.2/"; do
		n=${m%%:*} u=${m#*:} && c=${u%%:*} && u=${u#*:}
		p=$(worker "$c")
		[ -n "$p" ] && perf stat -x, -o "$T/perf" \
			-e task-clock,raw_syscalls:sys_enter,signal:signal_generate \
			-p "$p" -- wrk -t1 -c16 -d"${d}s" "$u" >"$T/wrk" 2>&1 ||
			{ echo "$n: calls per request not counted"; continue; }
		awk -F, -v n="$n" -v q="$(awk '/requests in/ {print $1}' "$T/wrk")" '
			$3 == "task-clock" {t = $1} $3 ~ /sys_enter/ {s = $1} $3 ~ /signal_generate/ {g = $1}
			END {printf "%s nginx worker per request: %.2f system calls, %.3f traps (SIGSYS), " \
				"%.1f us CPU\n", n, s / q, g / q, t * 1000 / q}' "$T/perf"
	done
else
	echo "calls per request not counted: no perf"
fi

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
