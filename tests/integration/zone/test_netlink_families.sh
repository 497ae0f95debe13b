#!/bin/sh
# NETLINK_AUDIT and NETLINK_KOBJECT_UEVENT in zones (issue 12, part 3) answer as in a Linux
# container with a user namespace (runc, nspawn): audit refuses (ECONNREFUSED: the kernel
# serves audit only to the initial user namespace; auditd and login programs take that as
# "no audit"), and a uevent socket binds and then stays quiet, even while the host adds and
# removes a link, rather than hanging or failing. Natively the audit request is answered.
# A net=shared zone is in the host's network namespace, where the kernel delivers the host's
# uevents: its uevent sockets join no group (the netlink view, docs/network.md), so they stay
# quiet too.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand
command -v ip >/dev/null || skip "no iproute2"
probe_dir="${LXZONE_BUILD:-}/tests/bin"
[ -x "$probe_dir/it_zone_probe" ] || skip "no $probe_dir/it_zone_probe (build it_zone_probe)"

result() { # ZONE OP -> ok or the errno name
	lxzone exec "$1" -- /t/it_zone_probe "$2" | awk -v op="$2" '$1 == op {print $2}'
}
# the host adds and removes a link while the probe listens (a uevent in the host's namespace)
with_host_event() {
	(sleep 0.2 && ip link add "lxzfam$$" type bridge 2>/dev/null &&
		ip link del "lxzfam$$" 2>/dev/null) &
	"$@"
	wait
}

native=$("$probe_dir/it_zone_probe" audit | awk '{print $2}')
echo "native audit: $native"

lxzone create h7fn --image builtin:busybox --mount "$probe_dir:/t:ro"
lxzone boot h7fn
[ "$(result h7fn audit)" = ECONNREFUSED ] || fail "net=none zone: audit answered $(result h7fn audit)"
got=$(with_host_event result h7fn uevent)
[ "$got" = ok ] || fail "net=none zone: uevent socket $got (want bound and quiet)"
echo "ok: net=none zone: audit ECONNREFUSED, uevent quiet"
lxzone halt h7fn

if grep -q cgroup2 /proc/filesystems; then
	lxzone create h7fs --image builtin:busybox --net shared --address 198.51.100.$((10 + $$ % 40))/32 \
		--mount "$probe_dir:/t:ro"
	lxzone boot h7fs
	[ "$(result h7fs audit)" = ECONNREFUSED ] || fail "net=shared zone: audit answered"
	got=$(with_host_event result h7fs uevent)
	[ "$got" = ok ] || fail "net=shared zone: uevent socket $got (want bound and quiet)"
	echo "ok: net=shared zone: audit ECONNREFUSED, uevent quiet"
	lxzone halt h7fs
fi
echo PASS
