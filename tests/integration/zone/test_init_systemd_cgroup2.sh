#!/bin/sh
# Issue 11: systemd (Debian bookworm, systemd-sysv, dbus, nginx-light) in a zone whose view
# is pure cgroup2, as on a cgroup2-only host: cgroup2 alone at /sys/fs/cgroup, the zone's
# cgroup delegated and writable, systemd in unified mode (init.scope, system.slice and a
# transient service made by systemd in the zone's own subtree on the host), running with no
# failed unit, the same failed units as systemd-nspawn given a unified view; shutdown leaves
# no cgroup.
#
# On a hybrid host (v1 controllers, cgroup2 at /sys/fs/cgroup/unified) the test runs itself
# again in a private mount namespace whose /sys/fs/cgroup is a cgroup2 mount (the host's one
# unified hierarchy, mounted over the tmpfs that holds the v1 mounts): lxzone, its supervisor,
# the zone and systemd-nspawn all see the layout of a cgroup2-only host, found as lxzone
# finds it there (zone/cgroup.c: cgroup.controllers at /sys/fs/cgroup), with no override.
# What that cannot exercise here: controllers under v2 (memory, cpu, pids stay bound to the
# v1 hierarchies, the unified root offers only what v1 left it: hugetlb here), so this zone has no limits;
# their v2 knobs are covered by tests/unit/test_zone_cgroup.c on a fake tree.
if [ -z "${LXZONE_IT_CG2VIEW:-}" ] && [ ! -f /sys/fs/cgroup/cgroup.controllers ] &&
	[ -f /sys/fs/cgroup/unified/cgroup.controllers ] && [ "$(id -u)" = 0 ]; then
	LXZONE_IT_CG2VIEW=1 exec unshare -m --propagation private \
		sh -c 'mount -t cgroup2 cgroup2 /sys/fs/cgroup && exec sh "$0"' "$0"
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nspawn.sh"
need_brand
command -v zstd >/dev/null || skip "zstd is not installed"

[ -f /sys/fs/cgroup/cgroup.controllers ] ||
	skip "no cgroup2 hierarchy at /sys/fs/cgroup, nor one at /sys/fs/cgroup/unified to mount there"
mnt=/sys/fs/cgroup
[ -z "${LXZONE_IT_CG2VIEW:-}" ] || echo "a cgroup2-only view: $(grep ' /sys/fs/cgroup ' /proc/self/mounts | tail -1)"

debian_test_image debian-bookworm-systemd systemd-sysv,dbus,nginx-light

z=h1sdv
trap 'lxzone halt "$z" >/dev/null 2>&1 || true; cleanup' EXIT
zx() {
	lxzone exec "$z" -- /bin/sh -c "$1"
}

lxzone create "$z" --init auto >/dev/null
lxzone install "$z" "$image" 2>/dev/null
lxzone configure "$z" boot-timeout=120
lxzone boot "$z" || fail "boot failed: $(tail -5 "$LXZONE_ROOT/$z/console.log")"
expect_state "$z" running

# the zone's view: cgroup2 alone at /sys/fs/cgroup, systemd in it (unified mode)
[ "$(zx 'stat -fc %T /sys/fs/cgroup')" = cgroup2fs ] || fail "/sys/fs/cgroup is not cgroup2"
cgm=$(zx 'grep -E " cgroup2? " /proc/self/mounts' || true)
[ "$(echo "$cgm" | wc -l)" = 1 ] || fail "more than the one cgroup2 mount: $cgm"
[ "$(zx 'tail -1 /proc/1/cgroup')" = "0::/init.scope" ] ||
	fail "systemd is not in its init.scope: $(zx 'cat /proc/1/cgroup')"

sys=$(zx 'systemctl is-system-running' || true)
failed=$(zx 'systemctl --failed --plain --no-legend' || true)
[ "$sys" = running ] || fail "is-system-running: $sys; failed: $failed"
[ -z "$failed" ] || fail "failed units: $failed"
for u in systemd-journald systemd-logind dbus nginx; do
	[ "$(zx "systemctl is-active $u" || true)" = active ] || fail "$u is not active"
done
echo "ok: systemd running in unified mode, no failed unit"

# the subtree is systemd's: a transient service gets its own cgroup, seen on the host below
# the zone's cgroup
zx 'systemd-run --unit=h1probe --quiet sleep 300'
host=$(find "$mnt/$CGP/$z" -type d -name h1probe.service 2>/dev/null | head -1)
[ -n "$host" ] || fail "no h1probe.service cgroup below $mnt/$CGP/$z"
pid=$(zx 'systemctl show -p MainPID --value h1probe')
[ "$(zx "cat /proc/$pid/cgroup" | tail -1)" = "0::/system.slice/h1probe.service" ] ||
	fail "the service's process is not in its cgroup: $(zx "cat /proc/$pid/cgroup")"
[ -n "$(cat "$host/cgroup.procs")" ] || fail "$host has no process"
zx 'systemctl stop h1probe'
[ ! -d "$host" ] || fail "systemd did not remove $host"
echo "ok: systemd makes and removes cgroups in the zone's delegated subtree ($host)"

lxzone shutdown "$z" --timeout 60
expect_state "$z" installed
[ "$(recorded "$z")" = installed ] || fail "state.json says $(recorded "$z")"
no_cgroup_left "$z"
echo "ok: shutdown, no cgroup left"

nspawn_compare "$image" "$failed" 1
lxzone destroy "$z"
no_mount_left
echo PASS
