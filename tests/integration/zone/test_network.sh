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
echo PASS
