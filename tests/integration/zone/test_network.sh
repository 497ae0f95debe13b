#!/bin/sh
# Zone networks: net=none (own namespace, loopback only) and net=exclusive (a veth pair with the
# configured address; the host end answers; the pair is gone after halt).
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand
command -v ip >/dev/null || skip "no iproute2"

lxzone create n0 --image builtin:busybox
lxzone boot n0
links=$(lxzone exec n0 -- ip -o link | awk -F': ' '{print $2}' | tr '\n' ' ')
echo "net=none links: $links"
[ "$links" = "lo " ] || fail "net=none zone sees links: $links"
lxzone exec n0 -- ping -c1 -W2 127.0.0.1 >/dev/null || fail "loopback down"
lxzone halt n0

lxzone create nx --image builtin:busybox --net exclusive --address 10.231.77.2/24
lxzone boot nx
lxzone exec nx -- ip -o addr show eth0 | grep -q "inet 10.231.77.2/24" || fail "no address on eth0"
lxzone exec nx -- ping -c1 -W2 10.231.77.1 >/dev/null || fail "zone cannot reach the host end"
busybox ping -c1 -W2 10.231.77.2 >/dev/null || fail "host cannot reach the zone"
hostif=$(ip -o link | awk -F': ' '/lxz/ && /10.231.77/ {print $2}')
ip -o addr | grep -q "10.231.77.1/24" || fail "host end has no address"
echo "ok: exclusive network up"
lxzone halt nx
! ip -o addr | grep -q "10.231.77.1/24" || fail "veth left after halt"
no_cgroup_left nx

# IPv6 (issue 12): an IPv4 and an IPv6 address on eth0, a default route of each family via
# the host end (the subnet's first address), reached both ways; gone after halt
lxzone create nx6 --image builtin:busybox --net exclusive --address 10.231.78.2/24,fd77:0:78::2/64
lxzone boot nx6 --dry-run | grep -q "(10.231.78.1/24,fd77:0:78::1/64) <-> eth0" ||
	fail "the plan does not show both host ends"
lxzone boot nx6
lxzone exec nx6 -- ip -o addr show eth0 | grep -q "inet6 fd77:0:78::2/64" || fail "no IPv6 address on eth0"
lxzone exec nx6 -- ip -6 route | grep -q "default via fd77:0:78::1" || fail "no IPv6 default route"
lxzone exec nx6 -- ip -4 route | grep -q "default via 10.231.78.1" || fail "no IPv4 default route"
lxzone exec nx6 -- ping -c1 -W2 fd77:0:78::1 >/dev/null || fail "zone cannot reach the host end over IPv6"
busybox ping -c1 -W2 fd77:0:78::2 >/dev/null || fail "host cannot reach the zone over IPv6"
lxzone exec nx6 -- ping -c1 -W2 10.231.78.1 >/dev/null || fail "zone cannot reach the host end over IPv4"
echo "ok: exclusive network with IPv6 up"
lxzone halt nx6
! ip -o addr | grep -q "fd77:0:78::1/64" || fail "IPv6 host end left after halt"
# what boot would refuse, refused at create
! lxzone create nx7 --image builtin:busybox --net exclusive --address fd77:0:79::2/127 2>"$T/err" ||
	fail "an exclusive zone without room for the host end was created"
echo "ok: create refuses $(cat "$T/err")"
echo PASS
