#!/bin/sh
# The network a net=shared zone sees (issue 12, the netlink view): in a Debian zone with
# iproute2, `ip -j addr/link/route`, glibc's getifaddrs and if_nameindex, `hostname -I`
# and `ls /sys/class/net` show the zone's addresses on the shared interface and loopback, nothing of
# the host's (eth0, its addresses) nor of a second shared zone; routes out of the host show as
# `default dev lxzone0`; adding an address or a route is refused by the kernel (EPERM, in
# the netlink reply: "RTNETLINK answers: Operation not permitted"); a malformed request is
# EINVAL; a KOBJECT_UEVENT socket stays quiet. The addresses are documentation ranges held on
# this host only.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand
command -v ip >/dev/null || skip "no iproute2 on the host"
command -v zstd >/dev/null || skip "zstd is not installed"
probe_dir="${LXZONE_BUILD:-}/tests/bin"
[ -x "$probe_dir/it_netview_probe" ] || skip "no $probe_dir/it_netview_probe (build it)"
grep -q cgroup2 /proc/filesystems || skip "no cgroup2: net=shared needs its socket hooks"
debian_test_image net-bench-bookworm iproute2,nginx-light

A=198.51.100.91
V6=fd77:0:91::91
B=198.51.100.92
cleanup_view() {
	for z in h2va h2vb; do lxzone halt "$z" >/dev/null 2>&1 || true; done
	cleanup
}
trap cleanup_view EXIT

lxzone create h2va --net shared --address "$A/32,$V6/128" --mount "$probe_dir:/t:ro"
lxzone install h2va "$image" >/dev/null
lxzone create h2vb --image builtin:busybox --net shared --address "$B/32"
lxzone boot h2va
lxzone boot h2vb
idx=$(cat /sys/class/net/lxzone0/ifindex)

# ip -j: exactly lo and lxzone0, the zone's addresses and 127.0.0.1
lxzone exec h2va -- ip -j addr >"$T/addr.json" || fail "ip -j addr failed"
lxzone exec h2va -- ip -j link >"$T/link.json" || fail "ip -j link failed"
lxzone exec h2va -- ip -j route >"$T/route.json" || fail "ip -j route failed"
lxzone exec h2va -- ip -j -6 route >"$T/route6.json" || fail "ip -j -6 route failed"
python3 - "$T" "$A" "$V6" "$idx" <<'EOF' || fail "ip -j disagrees with the zone's config"
import json, sys
t, a, v6, idx = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
load = lambda n: json.load(open("%s/%s.json" % (t, n)))
links = sorted((l["ifname"], l["ifindex"]) for l in load("link"))
assert links == sorted([("lo", 1), ("lxzone0", idx)]), links
addrs = sorted((x["ifname"], i["local"]) for x in load("addr") for i in x["addr_info"])
assert addrs == sorted([("lo", "127.0.0.1"), ("lxzone0", a), ("lxzone0", v6)]), addrs
for fam in ("route", "route6"):
    routes = load(fam)
    assert all(r.get("dev") in ("lo", "lxzone0") for r in routes), routes
    assert not any("gateway" in r for r in routes), routes
    assert any(r["dst"] == "default" and r["dev"] == "lxzone0" for r in routes), routes
    assert not any(r.get("prefsrc") not in (None, a, v6) for r in routes), routes
print("ok: ip -j link %s, addr %s" % (links, addrs))
EOF
lxzone exec h2va -- ip route get 192.0.2.200 | grep -q "dev lxzone0 src $A" ||
	fail "ip route get: $(lxzone exec h2va -- ip route get 192.0.2.200)"
# one link the zone does not see: not there
! lxzone exec h2va -- ip link show eth0 >"$T/out" 2>&1 || fail "ip link show eth0: $(cat "$T/out")"
grep -qE "does not exist|No such device" "$T/out" || fail "ip link show eth0: $(cat "$T/out")"
echo "ok: ip link show eth0: $(head -1 "$T/out")"

# glibc: getifaddrs, if_nameindex, hostname -I
lxzone exec h2va -- /t/it_netview_probe >"$T/glibc" || fail "getifaddrs in the zone failed"
sort "$T/glibc" >"$T/glibc.sorted"
printf '%s\n' "addr lo 127.0.0.1" "addr lxzone0 $A" "addr lxzone0 $V6" "index $idx lxzone0" \
	"index 1 lo" "link lo" "link lxzone0" | sort >"$T/glibc.want"
diff "$T/glibc.want" "$T/glibc.sorted" || fail "getifaddrs / if_nameindex show more than the zone's"
got=$(lxzone exec h2va -- hostname -I | xargs)
[ "$got" = "$A $V6" ] || fail "hostname -I: '$got', want '$A $V6'"
echo "ok: getifaddrs, if_nameindex, hostname -I: $got"
# the busybox zone's applet (its own netlink code, recv rather than recvmsg)
got=$(lxzone exec h2vb -- ip -4 addr | awk '/inet /{print $2}' | xargs)
[ "$got" = "127.0.0.1/8 $B/32" ] || fail "busybox ip -4 addr in h2vb: '$got'"
echo "ok: busybox ip in the other zone: $got"

# /sys/class/net: lo and the shared interface, read-only
got=$(lxzone exec h2va -- ls /sys/class/net | xargs)
[ "$got" = "lo lxzone0" ] || fail "/sys/class/net in the zone: '$got'"
[ "$(lxzone exec h2va -- cat /sys/class/net/lxzone0/ifindex)" = "$idx" ] ||
	fail "/sys/class/net/lxzone0 does not lead to the host's lxzone0"
! lxzone exec h2va -- touch /sys/class/net/x 2>/dev/null || fail "/sys/class/net is writable"
echo "ok: /sys/class/net: $got"

# changes: the kernel's EPERM in its reply
for c in "addr add 198.51.100.99/32 dev lxzone0" "route add 10.91.0.0/24 dev lxzone0" \
	"link set lxzone0 mtu 1400" "addr del $A/32 dev lxzone0"; do
	! lxzone exec h2va -- ip $c >"$T/out" 2>&1 || fail "ip $c succeeded in a shared zone"
	grep -q "Operation not permitted" "$T/out" || fail "ip $c: $(cat "$T/out")"
done
ip -o addr show lxzone0 | grep -q "inet $A/32" || fail "the zone's address is gone from lxzone0"
! ip -o addr show | grep -q 198.51.100.99 || fail "the zone added an address to the host"
echo "ok: ip addr/route/link changes: $(cat "$T/out")"

# a malformed request (nlmsg_len past what was sent) is EINVAL (the host's kernel ignores it
# silently); a uevent socket hears nothing of the host's devices, where a native one does
got=$(lxzone exec h2va -- /t/it_netview_probe malformed)
[ "$got" = "malformed EINVAL" ] || fail "malformed request: $got"
uevents() { # PROBE... -> the uevents it heard while the host made and removed a bridge
	"$@" uevent 1500 >"$T/uev" &
	up=$!
	for _ in 1 2 3 4 5 6 7 8 9 10; do grep -q ready "$T/uev" 2>/dev/null && break; sleep 0.2; done
	ip link add h2vbr0 type bridge 2>/dev/null && ip link del h2vbr0
	wait $up
	awk '$1 == "uevents" {print $2}' "$T/uev"
}
native=$(uevents "$probe_dir/it_netview_probe")
zone=$(uevents lxzone exec h2va -- /t/it_netview_probe)
echo "ok: malformed request EINVAL; uevents heard: native ${native:-?}, zone $zone"
[ "$zone" = 0 ] || fail "the zone heard $zone host uevents"
[ "${native:-0}" -gt 0 ] || echo "note: no uevent natively either (the check above proves little here)"
echo "ok: the shared zone's network view"
