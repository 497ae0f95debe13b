#!/bin/sh
# `ss` in a net=shared zone (issue 12, "the view"): iproute2's own ss -tan, -uan and -xa in a
# Debian zone show the zone's listeners and neither another shared zone's nor the host's.
# Needs the brand's NETLINK_SOCK_DIAG wiring (netlink/sockdiag.h, "THE HOOK"): skipped while
# the brand does not link the filter. The addresses are documentation ones held on lxzone0
# for the test only; no packet leaves the host.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand
command -v nm >/dev/null || skip "no nm to tell whether the brand has the SOCK_DIAG filter"
nm "$(dirname "$LXZONE")/lxzone-brand" 2>/dev/null | grep -q " lx_sd_filter_reply$" ||
	skip "the brand does not link the SOCK_DIAG filter yet (its wiring: netlink/sockdiag.h)"
grep -q cgroup2 /proc/filesystems || skip "no cgroup2: net=shared needs its socket hooks"
command -v python3 >/dev/null || skip "no python3 for the host's listeners"
image=$("$(dirname "$0")/../../../images/debian-image.sh" --suite bookworm \
	--include nginx-light,iproute2 --name net-bench-bookworm) || exit $?

A=198.51.100.185
B=198.51.100.186
PA=$((22000 + $$ % 1000))
PB=$((PA + 1))
PH=$((PA + 2))
PU=$((PA + 3))

hostpid=""
cleanup_ss() {
	[ -z "$hostpid" ] || kill "$hostpid" 2>/dev/null || true
	for z in h3ssa h3ssb; do lxzone halt "$z" >/dev/null 2>&1 || true; done
	cleanup
}
trap cleanup_ss EXIT

python3 - "$PH" "$PU" <<'EOF' &
import socket, sys, time
t = socket.socket(); t.bind(("127.0.0.1", int(sys.argv[1]))); t.listen(1)
d = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); d.bind(("127.0.0.1", int(sys.argv[2])))
u = socket.socket(socket.AF_UNIX); u.bind(b"\0lxzone-h3-ss-host"); u.listen(1)
time.sleep(600)
EOF
hostpid=$!

lxzone create h3ssa --image "$image" --net shared --address "$A/32" >"$T/create.log" 2>&1 ||
	{ tail -5 "$T/create.log"; fail "create h3ssa"; }
lxzone create h3ssb --image builtin:busybox --net shared --address "$B/32"
lxzone boot h3ssa
lxzone boot h3ssb
lxzone exec h3ssb -- sh -c "mkdir -p /tmp/w && httpd -p $B:$PB -h /tmp/w"
# zone a: a TCP listener, a UDP socket and an abstract unix listener of its own
lxzone exec h3ssa -- sh -c "mkdir -p /tmp/w && echo 'events {} http { server { listen $A:$PA;
	root /tmp/w; } }' >/tmp/ng.conf && nginx -c /tmp/ng.conf -e /tmp/ng.err"
i=0 # (python3 may start slowly on a loaded machine: a pyenv shim)
while [ "$(ss -Htln "sport = :$PH" | wc -l)" != 1 ] && [ $i -lt 100 ]; do
	sleep 0.3
	i=$((i + 1))
done
[ "$(ss -Htln "sport = :$PH" | wc -l)" = 1 ] || fail "the host's listener is not up"

lxzone exec h3ssa -- ss -Htan >"$T/tcp" || fail "ss -tan in the zone"
lxzone exec h3ssa -- ss -Huan >"$T/udp" || fail "ss -uan in the zone"
lxzone exec h3ssa -- ss -Hxa >"$T/unix" || fail "ss -xa in the zone"
sed 's/^/  tcp: /' "$T/tcp"
grep -q "$A:$PA " "$T/tcp" || fail "ss -tan does not show the zone's own $A:$PA"
! grep -q ":$PB " "$T/tcp" || fail "ss -tan shows the other zone's $B:$PB"
! grep -q ":$PH " "$T/tcp" || fail "ss -tan shows the host's 127.0.0.1:$PH"
! grep -q ":$PU " "$T/udp" || fail "ss -uan shows the host's UDP 127.0.0.1:$PU"
! grep -q "lxzone-h3-ss-host" "$T/unix" || fail "ss -xa shows the host's unix listener"
# what the kernel answers the host: all of them (so the checks above can fail)
ss -Htan | grep -q ":$PB " || fail "the host does not see $B:$PB either"
echo "ok: ss in h3ssa shows $(wc -l <"$T/tcp") TCP, $(wc -l <"$T/udp") UDP," \
	"$(wc -l <"$T/unix") unix sockets: its own, not h3ssb's or the host's"

lxzone halt h3ssa
lxzone halt h3ssb
echo "PASS"
