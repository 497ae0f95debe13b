#!/bin/sh
# net=exclusive with several interfaces, IPv6 and DNS (issue 12, item 4): a Debian zone with
# eth0 routed (an IPv4 and an IPv6 address, a default route of each family via the host
# end), eth1 a port of a host bridge (IPv4) and eth2 a macvlan of that bridge, its
# resolv.conf from the dns key. Inside,
# iproute2's `ip -j addr` / `ip -j route` are checked against the configuration; the host
# side of each interface is pinged from the zone (a static busybox from the host) and the
# zone from the host; create/configure refuse what boot would (an address a running zone
# has, a missing bridge, a gateway off the subnets), boot refuses a bridge that went away
# since and leaves nothing behind; halt takes every host end away. The addresses are
# private ranges held on this host only; the bridge is the test's own.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand
command -v ip >/dev/null || skip "no iproute2 on the host"
command -v zstd >/dev/null || skip "zstd is not installed"
bb=$(command -v busybox || true)
[ -n "$bb" ] && file -L "$bb" 2>/dev/null | grep -q "statically linked" ||
	skip "no static busybox on the host (ping inside the Debian zone)"
debian_test_image net-bench-bookworm iproute2,nginx-light

BR=h3xbr$(($$ % 100000))
A4=10.231.92.2 H4=10.231.92.1 A6=fd77:0:92::2 H6=fd77:0:92::1
B4=10.231.93.2 BH4=10.231.93.1 M4=10.231.98.2
cleanup_multi() {
	for z in h3mx h3my h3mz; do lxzone halt "$z" >/dev/null 2>&1 || true; done
	ip link del "$BR" 2>/dev/null || true
	ip link del "${BR}g" 2>/dev/null || true
	cleanup
}
trap cleanup_multi EXIT
ip link add "$BR" type bridge 2>/dev/null || skip "the kernel makes no bridge"
ip addr add "$BH4/24" dev "$BR"
ip link set "$BR" up
mkdir "$T/bb"
cp "$bb" "$T/bb/busybox"

lxzone create h3mx --net exclusive \
	--interface "eth0,address=$A4/24,address=$A6/64,gateway=$H4,gateway=$H6" \
	--interface "eth1,address=$B4/24,bridge=$BR" \
	--interface "eth2,address=$M4/24,macvlan=$BR" \
	--dns "$H4,$H6,lab.example,corp.example" --mount "$T/bb:/t:ro"
lxzone install h3mx "$image" >/dev/null
lxzone config h3mx | grep -q "^interface=eth1,address=$B4/24,bridge=$BR$" ||
	fail "config does not list eth1: $(lxzone config h3mx | grep interface)"

# the plan names both pairs and the routes
lxzone boot h3mx --dry-run >"$T/plan"
grep -q "^supervisor veth lxz[0-9a-f]* ($H4/24,$H6/64) <-> eth0 ($A4/24,$A6/64)$" "$T/plan" ||
	fail "plan: eth0's pair: $(grep veth "$T/plan")"
grep -q "^supervisor veth lxz[0-9a-f]*n1 on bridge $BR <-> eth1 ($B4/24)$" "$T/plan" ||
	fail "plan: eth1's pair: $(grep veth "$T/plan")"
grep -q "^supervisor route -6 default via $H6 dev eth0$" "$T/plan" || fail "plan: no IPv6 route"
grep -q "^supervisor macvlan on $BR <-> eth2 ($M4/24)$" "$T/plan" || fail "plan: no macvlan"

lxzone boot h3mx
host0=$(ip -o addr show to "$H4/24" | awk '{print $2}')
[ -n "$host0" ] || fail "no host end holds $H4"
ip -o addr show dev "$host0" | grep -q "inet6 $H6/64" || fail "host end $host0 has no $H6"
ip -o link show master "$BR" | grep -q "lxz[0-9a-f]*n1@" || fail "no host end on $BR"

lxzone exec h3mx -- ip -j addr >"$T/addr.json" || fail "ip -j addr failed"
lxzone exec h3mx -- ip -j -4 route >"$T/route4.json" || fail "ip -j -4 route failed"
lxzone exec h3mx -- ip -j -6 route >"$T/route6.json" || fail "ip -j -6 route failed"
lxzone exec h3mx -- ip -j -d link show eth2 >"$T/eth2.json" || fail "ip -j -d link failed"
python3 - "$T" "$A4" "$A6" "$H4" "$H6" "$B4" "$M4" <<'EOF' || fail "ip -j disagrees with the zone's config"
import json, sys
t, a4, a6, h4, h6, b4, m4 = sys.argv[1:]
load = lambda n: json.load(open("%s/%s.json" % (t, n)))
addr = load("addr")
links = sorted(x["ifname"] for x in addr)
assert links == ["eth0", "eth1", "eth2", "lo"], links
glob = sorted((x["ifname"], i["local"], i["prefixlen"]) for x in addr for i in x["addr_info"]
              if i.get("scope") == "global")
assert glob == sorted([("eth0", a4, 24), ("eth0", a6, 64), ("eth1", b4, 24),
                       ("eth2", m4, 24)]), glob
kind = load("eth2")[0]["linkinfo"]["info_kind"]
assert kind == "macvlan", kind
assert all(x["operstate"] == "UP" for x in addr if x["ifname"] != "lo"), addr
r4 = sorted((r["dst"], r["dev"], r.get("gateway", "")) for r in load("route4"))
assert r4 == sorted([("default", "eth0", h4), ("10.231.92.0/24", "eth0", ""),
                     ("10.231.93.0/24", "eth1", ""), ("10.231.98.0/24", "eth2", "")]), r4
r6 = [(r["dst"], r["dev"], r.get("gateway", "")) for r in load("route6")]
assert ("default", "eth0", h6) in r6, r6
assert ("fd77:0:92::/64", "eth0", "") in r6, r6
assert [r for r in r6 if r[0] == "default"] == [("default", "eth0", h6)], r6
assert all(r[0] in ("default", "fd77:0:92::/64") or r[0].startswith("fe80") for r in r6), r6
print("ok: ip -j addr %s; routes %s; %s" % (glob, r4, r6))
EOF

# the host side of each interface, both ways
for dst in "$H4" "$BH4"; do
	lxzone exec h3mx -- /t/busybox ping -c1 -W2 "$dst" >/dev/null || fail "zone cannot ping $dst"
done
lxzone exec h3mx -- /t/busybox ping -6 -c1 -W2 "$H6" >/dev/null || fail "zone cannot ping6 $H6"
for dst in "$A4" "$A6" "$B4"; do
	busybox ping -c1 -W2 "$dst" >/dev/null || fail "host cannot ping the zone's $dst"
done
echo "ok: pings over eth0 (v4, v6) and eth1 (bridge)"

# resolv.conf is the dns key's, in place of the image's own
lxzone exec h3mx -- cat /etc/resolv.conf >"$T/resolv"
printf '%s\n' "# written by lxzone at boot from the zone's dns key" "nameserver $H4" \
	"nameserver $H6" "search lab.example corp.example" >"$T/resolv.want"
diff -u "$T/resolv.want" "$T/resolv" || fail "resolv.conf is not the dns key's"
echo "ok: resolv.conf from the dns key"

# what boot would refuse, refused at create and configure, in one line naming the cause (an
# address a running zone has, a routed subnet the host routes already: a running zone's host
# end, the test's bridge)
refused() { # WANT CMD...: the command fails with WANT in its one-line message
	want=$1
	shift
	! "$@" >/dev/null 2>"$T/err" || fail "accepted: $*"
	grep -qF "$want" "$T/err" || fail "$*: '$(cat "$T/err")', wanted '$want'"
	[ "$(wc -l <"$T/err")" = 1 ] || fail "more than one line: $(cat "$T/err")"
	echo "ok: refused: $(cat "$T/err")"
}
refused "address $A4 is zone h3mx's (running)" \
	lxzone create h3my --image builtin:busybox --net exclusive --address "$A4/24"
refused "address $B4 is zone h3mx's (running)" \
	lxzone create h3my --image builtin:busybox --net shared --address "$B4/32"
lxzone create h3my --net exclusive --address 10.231.94.2/24
refused "address $A6 is zone h3mx's (running)" lxzone configure h3my "interface+=eth1,address=$A6/64"
refused "bridge h3nosuchbr: no such interface on the host" \
	lxzone configure h3my "interface+=eth1,address=10.231.95.2/24,bridge=h3nosuchbr"
refused "macvlan parent h3nosuchif: no such interface on the host" \
	lxzone configure h3my "interface+=eth1,macvlan=h3nosuchif"
refused "$host0 is not a bridge" lxzone configure h3my "interface+=eth1,bridge=$host0"
refused "eth1: 10.231.93.7/24 overlaps $BH4/24 on the host's $BR" \
	lxzone configure h3my "interface+=eth1,address=10.231.93.7/24"
refused "eth0: 10.231.92.9/24 overlaps $H4/24 on the host's $host0 (zone h3mx's host end)" \
	lxzone configure h3my address=10.231.92.9/24
refused "gateway 10.231.96.1 is on none of its IPv4 subnets" \
	lxzone configure h3my "interface+=eth1,address=10.231.95.2/24,gateway=10.231.96.1"
refused "two IPv4 default routes" \
	lxzone configure h3my "interface+=eth1,address=10.231.95.2/24,gateway=10.231.95.1"
refused "two interfaces named eth0" lxzone configure h3my "interface+=eth0,address=10.231.95.2/24"
refused "at most 3 nameservers" lxzone configure h3my dns=1.1.1.1,1.0.0.1,9.9.9.9,8.8.8.8
refused "interface is for net=exclusive" lxzone configure h3my net=none "interface+=eth1,address=10.231.95.2/24"
lxzone config h3my | grep -q "^address=10.231.94.2/24$" || fail "a refused configure changed the zone"

# a bridge that went away after configure: boot says so and leaves no host end
ip link add "${BR}g" type bridge
lxzone create h3mz --image builtin:busybox --net exclusive --address 10.231.97.2/24 \
	--interface "eth1,bridge=${BR}g"
ip link del "${BR}g"
links_before=$(ip -o link | wc -l)
! lxzone boot h3mz 2>"$T/err" || fail "booted with its bridge gone"
grep -q "bridge ${BR}g: no such interface on the host" "$T/err" || fail "boot: $(cat "$T/err")"
echo "ok: boot refused: $(cat "$T/err")"
[ "$(ip -o link | wc -l)" = "$links_before" ] || fail "a refused boot left links: $(ip -o link | grep lxz)"
expect_state h3mz installed

lxzone halt h3mx
! ip -o link | grep -q "$host0" || fail "eth0's host end left after halt"
[ -z "$(ip -o link show master "$BR")" ] || fail "eth1's host end left on $BR after halt"
! ip -o addr | grep -q "$H6/64" || fail "host end address left after halt"
no_cgroup_left h3mx
echo PASS
