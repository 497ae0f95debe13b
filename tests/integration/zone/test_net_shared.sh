#!/bin/sh
# net=shared (issue 12): two zones on the host's stack, each with its own addresses on
# lxzone0. A server in one is reached from the host and from the other; neither can bind the
# host's or the other's address (EADDRNOTAVAIL), make raw sockets, or add an address or a
# route; 127.0.0.1 in a zone is the zone's own (a zone's loopback service is not reachable
# from the other zone or as the host's 127.0.0.1, and the host's 127.0.0.1 services are not
# reachable from a zone); an address already held by a running zone is refused at boot naming
# that zone; halt takes the addresses off. The addresses are documentation ranges held on
# this host only: no packet leaves the machine.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand
command -v ip >/dev/null || skip "no iproute2"
probe_dir="${LXZONE_BUILD:-}/tests/bin"
[ -x "$probe_dir/it_zone_probe" ] || skip "no $probe_dir/it_zone_probe (build it_zone_probe)"
grep -q cgroup2 /proc/filesystems || skip "no cgroup2: net=shared needs its socket hooks"

A=198.51.100.71
B=198.51.100.72
V6=fd77:0:12::71
P=$((18000 + $$ % 1000))
hostv4=$(ip -o -4 addr show scope global | awk '$2 != "lxzone0" {sub("/.*", "", $4); print $4; exit}')
hostv6=$(ip -o -6 addr show scope global | awk '$2 != "lxzone0" {sub("/.*", "", $4); print $4; exit}')

fetch() { # URL -> the body, or nothing (no proxy: these are this host's addresses)
	python3 - "$1" <<'EOF' 2>/dev/null || true
import sys, urllib.request
o = urllib.request.build_opener(urllib.request.ProxyHandler({}))
print(o.open(sys.argv[1], timeout=5).read().decode().strip())
EOF
}
probe() { # ZONE OP -> the probe's lines
	lxzone exec "$1" -- /t/it_zone_probe "$2"
}
result() { # ZONE OP -> ok or the errno name
	probe "$1" "$2" | awk -v op="$2" '$1 == op {print $2}'
}

hostpid=""
cleanup_shared() {
	[ -z "$hostpid" ] || kill "$hostpid" 2>/dev/null || true
	for z in h7sa h7sb; do lxzone halt "$z" >/dev/null 2>&1 || true; done
	cleanup
}
trap cleanup_shared EXIT

lxzone create h7sa --image builtin:busybox --net shared --address "$A/32,$V6/128" \
	--mount "$probe_dir:/t:ro"
lxzone create h7sb --image builtin:busybox --net shared --address "$B/32" --mount "$probe_dir:/t:ro"
lxzone create h7sc --image builtin:busybox --net shared --address "$B/24"
# what boot would refuse, refused at create
! lxzone create h7sx --image builtin:busybox --net shared --address "$A/32" --privileged \
	2>"$T/err" || fail "a privileged shared zone was created"
grep -q unprivileged "$T/err" || fail "privileged shared: $(cat "$T/err")"
! lxzone create h7sy --image builtin:busybox --net exclusive --address "$A/24,$B/24" 2>"$T/err" ||
	fail "an exclusive zone with two IPv4 addresses was created (boot refuses it)"
echo "ok: create refuses $(cat "$T/err")"

lxzone boot h7sa --dry-run | grep -q "supervisor shared $A/32,$V6/128 on lxzone0" ||
	fail "the plan does not show the shared addresses"
lxzone boot h7sa
lxzone boot h7sb
ip -o addr show lxzone0 | grep -q "inet $A/32" || fail "$A not on lxzone0"
ip -o addr show lxzone0 | grep -q "inet $B/32" || fail "$B not on lxzone0"
ip -o addr show lxzone0 | grep -q "inet6 $V6/128" || fail "$V6 not on lxzone0"
! lxzone boot h7sc 2>"$T/err" || fail "a zone booted with another running zone's address"
grep -q "address $B is zone h7sb's" "$T/err" || fail "conflict not named: $(cat "$T/err")"
echo "ok: $(cat "$T/err")"

# a server on the zone's address, from the host and from the other zone
lxzone exec h7sa -- sh -c "mkdir -p /tmp/www && echo hello-h7sa >/tmp/www/index.html &&
	httpd -p $A:$P -h /tmp/www && httpd -p 80 -h /tmp/www"
sleep 0.3
[ "$(fetch "http://$A:$P/")" = hello-h7sa ] || fail "host cannot reach the zone's server"
got=$(lxzone exec h7sb -- wget -qO- "http://$A:$P/" || true)
[ "$got" = hello-h7sa ] || fail "the other zone cannot reach the server: $got"
# the wildcard is the zone's first address of the family; zone root binds port 80
[ "$(fetch "http://[$V6]:80/")" = hello-h7sa ] || fail "port 80 on the wildcard (IPv6) not served"
echo "ok: server reached from the host and from h7sb"

# binds: own yes, the other zone's and the host's no
[ "$(result h7sb "bind=$B")" = ok ] || fail "h7sb cannot bind its own address"
[ "$(result h7sb "bind=$A")" = EADDRNOTAVAIL ] || fail "h7sb bound h7sa's address"
[ "$(result h7sb "bind=$hostv4")" = EADDRNOTAVAIL ] || fail "h7sb bound the host's $hostv4"
probe h7sb "bind=0.0.0.0" | grep -q "^bound $B " || fail "the wildcard is not h7sb's address"
[ "$(result h7sa "bind=$V6")" = ok ] || fail "h7sa cannot bind its IPv6 address"
if [ -n "$hostv6" ]; then
	[ "$(result h7sa "bind=$hostv6")" = EADDRNOTAVAIL ] || fail "h7sa bound the host's $hostv6"
fi
[ "$(result h7sb "bind=$V6")" = EADDRNOTAVAIL ] || fail "h7sb bound h7sa's IPv6 address"
# the source of an outgoing connection is the zone's address
probe h7sb "connect=$A:$P" | grep -q "^local $B " || fail "h7sb's connection is not from $B"
[ "$(result h7sb raw-socket)" = EPERM ] || fail "raw socket in a shared zone"
echo "ok: binds and sources confined"

# no address, route or link changes on the host's stack
! lxzone exec h7sb -- ip addr add 198.51.100.99/32 dev lxzone0 2>/dev/null || fail "zone added an address"
! lxzone exec h7sb -- ip route add 203.0.113.0/24 dev lxzone0 2>/dev/null || fail "zone added a route"
! lxzone exec h7sb -- ip link set lxzone0 down 2>/dev/null || fail "zone set a link down"
! ip -o addr | grep -q 198.51.100.99 || fail "198.51.100.99 appeared"
echo "ok: the host's network configuration is not the zone's"

# loopback: each zone's 127.0.0.1 is its own
lxzone exec h7sa -- httpd -p "127.0.0.1:$((P + 1))" -h /tmp/www
sleep 0.3
got=$(lxzone exec h7sa -- wget -qO- "http://127.0.0.1:$((P + 1))/" || true)
[ "$got" = hello-h7sa ] || fail "h7sa cannot reach its own loopback service: $got"
got=$(lxzone exec h7sa -- wget -qO- "http://127.0.0.1:$P/" || true)
[ "$got" = hello-h7sa ] || fail "127.0.0.1 does not reach h7sa's server on its address: $got"
got=$(lxzone exec h7sb -- wget -qO- "http://127.0.0.1:$((P + 1))/" 2>/dev/null || true)
[ -z "$got" ] || fail "h7sb reached h7sa's loopback service"
[ -z "$(fetch "http://127.0.0.1:$((P + 1))/")" ] || fail "h7sa's loopback service is the host's 127.0.0.1"
mkdir -p "$T/hostwww" && echo host-lo >"$T/hostwww/index.html"
python3 -m http.server --bind 127.0.0.1 --directory "$T/hostwww" $((P + 2)) >/dev/null 2>&1 &
hostpid=$!
sleep 0.5
[ "$(fetch "http://127.0.0.1:$((P + 2))/")" = host-lo ] || fail "the host's test server did not start"
got=$(lxzone exec h7sa -- wget -qO- "http://127.0.0.1:$((P + 2))/" 2>/dev/null || true)
[ -z "$got" ] || fail "h7sa reached the host's 127.0.0.1 service"
[ "$(result h7sa "connect=127.0.0.2:$((P + 2))")" = EPERM ] || fail "h7sa connected to 127.0.0.2"
[ "$(result h7sa "connect=[::1]:$((P + 2))")" = ECONNREFUSED ] || fail "h7sa connected to ::1"
echo "ok: loopback is per zone"

lxzone halt h7sa
lxzone halt h7sb
! ip -o addr show lxzone0 | grep -q "$A/32\|$B/32\|$V6" || fail "addresses left on lxzone0 after halt"
no_cgroup_left h7sa
no_cgroup_left h7sb
echo PASS
