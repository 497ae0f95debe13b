#!/bin/sh
# The socket view of net=shared zones (issue 12, "the view"): two shared zones and the host
# each listen; in each zone, the SOCK_DIAG view and the /proc/net files that the brand will
# give (netlink/sockdiag.h, proc/lxproc_net.h; it_sockview does the hook's work with the
# kernel's real answers from inside the zone) show the zone's own listeners and neither the
# other zone's nor the host's, TCP and unix; the same dump without the view (what `ss`
# shows in the zone until the brand filters NETLINK_SOCK_DIAG) does show them, so the view is
# what hides them (with the brand's filter wired, that dump is the zone's too). The addresses are documentation ones held on lxzone0 for the test only.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand
command -v python3 >/dev/null || skip "no python3 for the host's listeners"
probe_dir="${LXZONE_BUILD:-}/tests/bin"
[ -x "$probe_dir/it_sockview" ] || skip "no $probe_dir/it_sockview (build it_sockview)"
grep -q cgroup2 /proc/filesystems || skip "no cgroup2: net=shared needs its socket hooks"
# does the brand filter SOCK_DIAG itself (netlink/sockdiag.h's hook wired)?
wired=$(nm "$(dirname "$LXZONE")/lxzone-brand" 2>/dev/null | grep " lx_sd_filter_reply$" || true)
# does the brand serve the zone's /proc/net (syscalls/lx_procnet.c)? then the raw file is too
procnet=$(nm "$(dirname "$LXZONE")/lxzone-brand" 2>/dev/null | grep " lx_procnet_opened$" || true)

A=198.51.100.183
B=198.51.100.184
PA=$((21000 + $$ % 1000))
PB=$((PA + 1))
PH=$((PA + 2))
hex() { # ADDR PORT -> the address and port as /proc/net/tcp prints them (little-endian)
	echo "$1" | awk -F. -v p="$2" '{printf "%02X%02X%02X%02X:%04X\n", $4, $3, $2, $1, p}'
}

hostpid=""
cleanup_view() {
	[ -z "$hostpid" ] || kill "$hostpid" 2>/dev/null || true
	for z in h3va h3vb; do lxzone halt "$z" >/dev/null 2>&1 || true; done
	cleanup
}
trap cleanup_view EXIT

# the host: a TCP listener on 127.0.0.1 and an abstract unix listener, inodes written out
python3 - "$PH" "$T/host.ino" <<'EOF' 2>"$T/host.err" &
import os, socket, sys, time
t = socket.socket(); t.bind(("127.0.0.1", int(sys.argv[1]))); t.listen(1)
u = socket.socket(socket.AF_UNIX); u.bind(b"\0lxzone-h3-sockview-host"); u.listen(1)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write("%d %d\n" % (os.fstat(t.fileno()).st_ino, os.fstat(u.fileno()).st_ino))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
time.sleep(600)
EOF
hostpid=$!

lxzone create h3va --image builtin:busybox --net shared --address "$A/32" --mount "$probe_dir:/t:ro"
lxzone create h3vb --image builtin:busybox --net shared --address "$B/32" --mount "$probe_dir:/t:ro"
lxzone boot h3va
lxzone boot h3vb
lxzone exec h3va -- sh -c "mkdir -p /tmp/w && httpd -p $A:$PA -h /tmp/w"
lxzone exec h3vb -- sh -c "mkdir -p /tmp/w && httpd -p $B:$PB -h /tmp/w"
i=0 # (python3 may start slowly on a loaded machine: a pyenv shim)
while [ ! -f "$T/host.ino" ] && [ $i -lt 100 ]; do sleep 0.3; i=$((i + 1)); done
read -r host_tcp_ino host_unix_ino <"$T/host.ino" ||
	fail "the host's listeners did not start: $(cat "$T/host.err")"

check() { # ZONE OWN-ADDR OWN-PORT OTHER-ADDR OTHER-PORT
	z=$1
	lxzone exec "$z" -- /t/it_sockview "$2" >"$T/$z.view" || fail "it_sockview in $z"
	lxzone exec "$z" -- /t/it_sockview --raw "$2" >"$T/$z.raw" || fail "it_sockview --raw in $z"
	lxzone exec "$z" -- /t/it_sockview --uid-only "$2" >"$T/$z.uid" ||
		fail "it_sockview --uid-only in $z"
	grep "^view" "$T/$z.view"
	awk '$1 == "view" && $3 > 0 && $5 != "0+4294967295" {ok = 1} END {exit !ok}' "$T/$z.view" ||
		fail "$z: no cgroup or uid range of its own: $(grep "^view" "$T/$z.view")"
	# without the view the zone sees everyone's (so the checks below can fail); once the
	# brand filters SOCK_DIAG itself, even the "raw" dump is the zone's
	if [ -n "$wired" ]; then
		! grep -q "^ss tcp LISTEN $4:$5 " "$T/$z.raw" ||
			fail "$z: the brand's SOCK_DIAG answer shows $4:$5"
		! grep -q "^ss .* $host_tcp_ino$" "$T/$z.raw" || fail "$z: the brand's answer shows the host's"
	else
		grep -q "^ss tcp LISTEN $4:$5 " "$T/$z.raw" || fail "$z: the raw dump lacks $4:$5"
		grep -q "^ss tcp LISTEN 127.0.0.1:$PH $host_tcp_ino$" "$T/$z.raw" ||
			fail "$z: the raw dump lacks the host's listener"
		grep -q " $host_unix_ino$" "$T/$z.raw" ||
			fail "$z: the raw dump lacks the host's unix socket"
	fi
	if [ -n "$procnet" ]; then
		! grep -q "^proc tcp $(hex "$4" "$5") " "$T/$z.raw" ||
			fail "$z: the brand's /proc/net/tcp shows $4:$5"
	else
		grep -q "^proc tcp $(hex "$4" "$5") " "$T/$z.raw" || fail "$z: raw /proc/net/tcp lacks $4"
	fi
	# with it: its own, not the other zone's, not the host's
	grep -q "^ss tcp LISTEN $2:$3 " "$T/$z.view" || fail "$z: ss does not show its $2:$3"
	self=$(awk '$1 == "self" {print $3}' "$T/$z.view")
	grep -q "^ss unix LISTEN - $self$" "$T/$z.view" || fail "$z: ss -x does not show its own"
	grep -q "^proc unix - $self$" "$T/$z.view" || fail "$z: /proc/net/unix does not show its own"
	grep -q "^proc tcp $(hex "$2" "$3") " "$T/$z.view" ||
		fail "$z: /proc/net/tcp does not show its $2:$3"
	! grep -q "^ss tcp LISTEN $4:$5 " "$T/$z.view" || fail "$z: ss shows the other zone's $4:$5"
	! grep -q "^proc tcp $(hex "$4" "$5") " "$T/$z.view" ||
		fail "$z: /proc/net/tcp shows the other zone's $4:$5"
	! grep -q " $host_tcp_ino$" "$T/$z.view" || fail "$z: the host's TCP listener shows"
	! grep -q " $host_unix_ino$" "$T/$z.view" || fail "$z: the host's unix listener shows"
	# nothing in the view is on an address that is not the zone's (TIME-WAIT rows included)
	! awk '$1 == "ss" && $2 != "unix" {sub(/:[0-9]+$/, "", $4); print $4}' "$T/$z.view" |
		grep -v "^$2$" || fail "$z: ss shows sockets on other addresses"
	# the no-I/O view (owners' uids, not cgroup ids) keeps every socket of the zone's; it may
	# show more: a zone of another store (another test run at the same time) can hold the
	# same host id range, since ranges are handed out per store (zone/idmap.h), and its
	# sockets' owners then read as this zone's
	grep '^ss [tu][cd]p' "$T/$z.view" | awk '{print $NF}' | sort >"$T/$z.view.ino"
	grep '^ss [tu][cd]p' "$T/$z.uid" | awk '{print $NF}' | sort >"$T/$z.uid.ino"
	[ -z "$(comm -23 "$T/$z.view.ino" "$T/$z.uid.ino")" ] ||
		fail "$z: the uid view lacks sockets of the zone's: $(grep '^ss' "$T/$z.uid" | tr '\n' ';')"
	echo "ok: $z sees its $2:$3 ($(grep -c '^ss' "$T/$z.view") sockets of" \
		"$(grep -c '^ss' "$T/$z.raw") in ss, $(grep -c '^proc' "$T/$z.view") of" \
		"$(grep -c '^proc' "$T/$z.raw") lines in /proc/net), not $4:$5 nor the host's"
}
check h3va "$A" "$PA" "$B" "$PB"
check h3vb "$B" "$PB" "$A" "$PA"

lxzone halt h3va
lxzone halt h3vb
echo "PASS"
