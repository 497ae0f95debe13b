#!/bin/sh
# lxrun --shared-ip (issue 12, "lxrun"): without it a program under lxrun is on the host's
# network as it would be natively (it binds a host address); with it the kernel holds its
# sockets to the given address (docs/network.md): the wildcard becomes that address, a host
# address is EADDRNOTAVAIL, another 127/8 address is EPERM, raw sockets are refused; and the
# option is refused where the run has a network namespace of its own. The address is a
# documentation one, held on lo for the test only: no packet leaves the host.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd ip
have_lxrun || skip "$LXRUN not built"
probe=$LXZONE_BUILD/tests/bin/it_zone_probe
[ -x "$probe" ] || skip "no $probe (build it_zone_probe)"
grep -q cgroup2 /proc/filesystems || skip "no cgroup2 for the socket hooks"
export LXZONE_CGROUP_PARENT="${LXZONE_CGROUP_PARENT:-lxzone-it}"

A=198.51.100.$((200 + $$ % 50))
hostv4=$(ip -o -4 addr show scope global | awk '{sub("/.*", "", $4); print $4; exit}')
[ -n "$hostv4" ] || skip "no global IPv4 address on the host to try"
ip addr add "$A/32" dev lo
trap 'ip addr del "$A/32" dev lo 2>/dev/null; cleanup_work' EXIT

# natively and under plain lxrun: the host's network
[ "$("$probe" "bind=$hostv4" | awk '$1 ~ /^bind/ {print $2}')" = ok ] || fail "native bind of $hostv4"
[ "$("$LXRUN" -- "$probe" "bind=$hostv4" | awk '$1 ~ /^bind/ {print $2}')" = ok ] ||
	fail "plain lxrun cannot bind the host's $hostv4 (it should be on the host's network)"

out=$("$LXRUN" --shared-ip "$A/32" -- "$probe" bind=0.0.0.0 "bind=$hostv4" "bind=$A" \
	connect=127.0.0.2:9 raw-socket 2>&1) || fail "lxrun --shared-ip: $out"
echo "$out" | sed 's/^/  /'
echo "$out" | grep -q "^bound $A " || fail "the wildcard is not $A"
echo "$out" | grep -q "^bind=$hostv4 EADDRNOTAVAIL" || fail "bound the host's $hostv4"
echo "$out" | grep -q "^bind=$A ok" || fail "cannot bind $A"
echo "$out" | grep -q "^connect=127.0.0.2:9 EPERM" || fail "reached 127.0.0.2"
echo "$out" | grep -q "^raw-socket EPERM" || fail "raw socket allowed"

! "$LXRUN" --root "$IMAGE" --shared-ip "$A/32" -- /bin/true 2>"$WORK/err" ||
	fail "--shared-ip with a network namespace of the run's own was taken"
grep -q "host's network" "$WORK/err" || fail "refusal not said: $(cat "$WORK/err")"
! "$LXRUN" --shared-ip 198.51.100.300/32 -- /bin/true 2>"$WORK/err" || fail "a bad address was taken"
echo "ok: $(cat "$WORK/err")"
finish
