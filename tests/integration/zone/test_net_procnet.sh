#!/bin/sh
# /proc/net in net=shared zones (issue 12, "the view"): tcp, tcp6, udp, unix, dev, route,
# if_inet6 and snmp show the zone's own sockets, interfaces and addresses, by every path a
# program opens them (/proc/net, /proc/self/net, /proc/thread-self/net, /proc/<pid>/net, a
# directory descriptor, chdir /proc, openat2, an O_PATH descriptor reopened through
# /proc/self/fd); the host's view of the same files has more (so the checks can fail); busybox
# netstat (it reads /proc/net) agrees with the zone's SOCK_DIAG view (what `ss` asks); an open
# blocked on a FIFO still ends on a signal.
# The addresses are documentation ones held on lxzone0 for the test only.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand
grep -q cgroup2 /proc/filesystems || skip "no cgroup2: net=shared needs its socket hooks"
probe="$(dirname "$LXZONE")/../tests/bin/it_procnet_probe"
[ -x "$probe" ] || skip "no $probe: build the it_procnet_probe target"

A=198.51.100.$((120 + $$ % 40))
B=198.51.100.$((160 + $$ % 40))
A6=fd77::$(printf %x $((0x120 + $$ % 64)))
PA=$((24000 + $$ % 1000 * 3))
PB=$((PA + 1))
PH=$((PA + 2))
hex_port() { printf '%04X' "$1"; }
za=h2pna$$ zb=h2pnb$$

hostpid=""
cleanup_pn() {
	[ -z "$hostpid" ] || kill "$hostpid" 2>/dev/null || true
	for z in $za $zb; do lxzone halt "$z" >/dev/null 2>&1 || true; done
	cleanup
}
trap cleanup_pn EXIT

"$probe" listen 127.0.0.1 "$PH" "lxzone-h2pn-host-$$" 600 >"$T/host.out" 2>&1 &
hostpid=$!
lxzone create $za --image builtin:busybox --net shared --address "$A/32,$A6/128" >/dev/null
lxzone create $zb --image builtin:busybox --net shared --address "$B/32" >/dev/null
lxzone boot $za
lxzone boot $zb
for z in $za $zb; do
	lxzone exec $z -- sh -c 'cat >/tmp/probe && chmod 755 /tmp/probe' <"$probe"
done
lxzone exec $za -- sh -c "/tmp/probe listen $A $PA lxzone-h2pn-a-$$ 600 >/tmp/l.out 2>&1 &"
lxzone exec $zb -- sh -c "/tmp/probe listen $B $PB lxzone-h2pn-b-$$ 600 >/tmp/l.out 2>&1 &"
i=0
while ! grep -q ":$(hex_port "$PB") " /proc/net/tcp && [ $i -lt 50 ]; do
	sleep 0.2
	i=$((i + 1))
done
for p in "$PA" "$PB" "$PH"; do
	grep -q ":$(hex_port "$p") " /proc/net/tcp || fail "the host does not see port $p listen"
done

# every path form gives the same view (word 1: the local address; 0: the interface)
forms() { # FILE COL
	lxzone exec $za -- /tmp/probe forms "$1" "$2" >"$T/forms.$1"
	[ "$(wc -l <"$T/forms.$1")" = 10 ] || { cat "$T/forms.$1"; fail "$1: not 10 forms"; }
	[ "$(sed 's/^[a-z0-9-]*://' "$T/forms.$1" | sort -u | wc -l)" = 1 ] ||
		{ cat "$T/forms.$1"; fail "/proc/net/$1 differs between path forms"; }
	! grep -q ": open: " "$T/forms.$1" || { cat "$T/forms.$1"; fail "$1: an open failed"; }
	echo "ok: /proc/net/$1 alike by 10 path forms:$(head -1 "$T/forms.$1" | cut -d: -f2-)"
}
forms tcp 1
forms udp 1
forms unix 7
forms dev 0
forms route 0
forms if_inet6 0
forms tcp6 1

lxzone exec $za -- cat /proc/net/tcp >"$T/tcp"
lxzone exec $za -- cat /proc/net/udp >"$T/udp"
lxzone exec $za -- cat /proc/net/unix >"$T/unix"
lxzone exec $za -- cat /proc/net/dev >"$T/dev"
lxzone exec $za -- cat /proc/net/route >"$T/route"
lxzone exec $za -- cat /proc/net/if_inet6 >"$T/if_inet6"
lxzone exec $za -- cat /proc/net/snmp >"$T/snmp"
grep -q ":$(hex_port "$PA") " "$T/tcp" || fail "tcp: not the zone's own listener ($A:$PA)"
! grep -q ":$(hex_port "$PB") " "$T/tcp" || fail "tcp: the other zone's listener"
! grep -q ":$(hex_port "$PH") " "$T/tcp" || fail "tcp: the host's listener"
grep -q ":$(hex_port "$PA") " "$T/udp" || fail "udp: not the zone's own socket"
! grep -q ":$(hex_port "$PB") \|:$(hex_port "$PH") " "$T/udp" || fail "udp: another's socket"
grep -q "@lxzone-h2pn-a-$$" "$T/unix" || fail "unix: not the zone's own listener"
! grep -q "lxzone-h2pn-b-$$\|lxzone-h2pn-host-$$" "$T/unix" || fail "unix: another's listener"
grep -q "@lxzone-h2pn-host-$$" /proc/net/unix || fail "the host does not see its unix listener"
echo "ok: tcp, udp, unix: $(($(wc -l <"$T/tcp") - 1)), $(($(wc -l <"$T/udp") - 1))," \
	"$(($(wc -l <"$T/unix") - 1)) rows, the zone's (the host's files: $(($(wc -l </proc/net/tcp) - 1))," \
	"$(($(wc -l </proc/net/udp) - 1)), $(($(wc -l </proc/net/unix) - 1)))"

# interfaces: lo and lxzone0; the zone's IPv6 address alone; routes through lxzone0 alone
[ "$(tail -n +3 "$T/dev" | cut -d: -f1 | tr -d ' ' | sort | tr '\n' ' ')" = "lo lxzone0 " ] ||
	{ cat "$T/dev"; fail "dev: not lo and lxzone0"; }
[ "$(tail -n +3 /proc/net/dev | wc -l)" -gt 2 ] || echo "note: the host has no interface but lo and lxzone0"
a6=$(python3 -c "import ipaddress,sys; print(ipaddress.ip_address(sys.argv[1]).exploded.replace(':', ''))" "$A6")
[ "$(cut -d' ' -f1 "$T/if_inet6")" = "$a6" ] || { cat "$T/if_inet6"; fail "if_inet6: not $A6 alone"; }
grep -q "^00000000000000000000000000000001 " /proc/net/if_inet6 ||
	echo "note: the host has no ::1"
! tail -n +2 "$T/route" | grep -v "^lxzone0	" || fail "route: a route of another interface"
if awk 'NR > 1 && $2 == "00000000" && $8 == "00000000"' /proc/net/route | grep -q .; then
	grep -q "^lxzone0	00000000	00000000	0001	" "$T/route" ||
		{ cat "$T/route"; fail "route: no default route through lxzone0 without a gateway"; }
fi
grep -q "^Tcp: [0-9]" "$T/snmp" || fail "snmp: no Tcp counters"
echo "ok: dev, if_inet6, route, snmp are the zone's"

# zone b without IPv6: an empty if_inet6; busybox netstat reads /proc/net/tcp and udp
[ "$(lxzone exec $zb -- cat /proc/net/if_inet6 | wc -l)" = 0 ] || fail "zone b: if_inet6 not empty"
lxzone exec $za -- netstat -tuln | awk '$1 == "tcp" || $1 == "udp" {print $1, $4}' |
	sort >"$T/netstat"
lxzone exec $za -- /tmp/probe diag | sort >"$T/diag"
sed 's/^/  netstat: /' "$T/netstat"
[ -s "$T/netstat" ] && cmp -s "$T/netstat" "$T/diag" ||
	{ sed 's/^/  sock_diag: /' "$T/diag"; fail "netstat and the SOCK_DIAG view differ"; }
echo "ok: busybox netstat agrees with the zone's SOCK_DIAG view"

# a read-only open is trapped in a shared zone: one that blocks (a FIFO without a writer)
# must still end on a signal, as the untrapped call does
lxzone exec $za -- sh -c 'mkfifo /tmp/fifo; cat /tmp/fifo & p=$!; sleep 0.5; kill $p
	sleep 0.5; if kill -0 $p 2>/dev/null; then kill -9 $p; echo alive; else echo ended; fi' \
	>"$T/fifo"
[ "$(cat "$T/fifo")" = ended ] || fail "a cat blocked opening a FIFO outlived SIGTERM"
echo "ok: an open blocked on a FIFO ends on SIGTERM"

# an lxproc file opened read-only traps here too; where the kernel serves those files (FUSE
# binds, zone/lxprocfs.h) the open goes on to the kernel's file, as in any other zone: the brand
# must not serve it and stack its descriptor filter, which traps every fstat after (nginx's,
# one a request: 0.81 of native)
lxzone exec $za -- sh -c 'grep -c " /sys/devices/system/cpu/online .* - fuse " /proc/self/mountinfo
	grep Seccomp_filters /proc/self/status; exec 3</sys/devices/system/cpu/online
	readlink /proc/self/fd/3; grep Seccomp_filters /proc/self/status' >"$T/lxf" 2>&1 || true
if [ "$(head -1 "$T/lxf")" = 1 ]; then
	[ "$(sed -n 3p "$T/lxf")" = /sys/devices/system/cpu/online ] &&
		[ "$(sed -n 2p "$T/lxf")" = "$(sed -n 4p "$T/lxf")" ] ||
		{ cat "$T/lxf"; fail "an lxproc file the kernel serves was served by the brand"; }
	echo "ok: an lxproc file opened blocking is the kernel's (FUSE), no descriptor filter"
else
	echo "note: no FUSE-served lxproc files in the zone: the brand serves them (not checked)"
fi

lxzone halt $za
lxzone halt $zb
echo "PASS"
