#!/bin/sh
# Issue 11: a Debian image (bookworm; `test_init_systemd.sh trixie` for trixie, which
# test_init_systemd_trixie.sh runs) with systemd (systemd-sysv, dbus, nginx-light, made by
# images/debian-image.sh from the machine's apt mirror, cached in /var/cache/lxzone-test)
# boots in a zone with init=auto: `boot` returns once systemd said READY=1, `list` shows
# booting until then; `systemctl is-system-running` is running with no failed unit (and the
# same failed units as systemd-nspawn --boot on the same image, when nspawn is installed:
# Debian's systemd-container); journald, logind and dbus run, the journal has the boot, nginx
# serves; /dev/console is a terminal whose getty takes a login through `lxzone console`, and
# `lxzone login` gives root a shell; `systemctl reboot` in the zone reboots it (a new init,
# READY=1 again, running, nginx and login back); `lxzone shutdown` powers it off by systemd's
# own request (SIGRTMIN+4), and the zone is running or installed in `list` and state.json at
# every step.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nspawn.sh"
need_brand
command -v zstd >/dev/null || skip "zstd is not installed"

suite=${1:-bookworm}
debian_test_image "debian-$suite-systemd" systemd-sysv,dbus,nginx-light "$suite"

# one zone name per suite, so that the two tests can run at once
case $suite in
bookworm) z=h1sdz ;;
trixie) z=h1sdt ;;
*) z=h1sd-$suite ;;
esac
# a failed check must not leave the zone running (its cgroup path is reused by the next run)
trap 'lxzone halt "$z" >/dev/null 2>&1 || true; cleanup' EXIT
zx() {
	lxzone exec "$z" -- /bin/sh -c "$1"
}
# nginx's page on the zone's loopback
web() {
	lxzone exec "$z" -- /bin/bash -c \
		'exec 3<>/dev/tcp/127.0.0.1/80; printf "GET / HTTP/1.0\r\n\r\n" >&3; cat <&3' || true
}

lxzone create "$z" --init auto --memory 1G >/dev/null
lxzone install "$z" "$image" 2>/dev/null
lxzone configure "$z" boot-timeout=120

# boot returns when systemd is ready; meanwhile the zone is booting
lxzone boot "$z" &
bootpid=$!
seen=
for i in $(seq 1 100); do
	s=$(state "$z")
	[ "$s" = booting ] && seen=booting
	[ "$s" = running ] && break
	sleep 0.1
done
wait $bootpid || fail "boot failed: $(tail -5 "$LXZONE_ROOT/$z/console.log")"
[ "$seen" = booting ] || echo "note: boot was ready before list saw it booting"
expect_state "$z" running
[ "$(recorded "$z")" = running ] || fail "state.json says $(recorded "$z")"
grep -q "zone $z ready" "$LXZONE_ROOT/$z/console.log" || fail "no READY=1 recorded"

# systemd's view: running, nothing failed, the services up
sys=$(zx 'systemctl is-system-running' || true)
failed=$(zx 'systemctl --failed --plain --no-legend' || true)
[ "$sys" = running ] || fail "is-system-running: $sys; failed: $failed"
[ -z "$failed" ] || fail "failed units: $failed"
for u in systemd-journald systemd-logind dbus nginx; do
	[ "$(zx "systemctl is-active $u" || true)" = active ] || fail "$u is not active"
done
zx 'journalctl -b --no-pager -q' | grep -q 'Startup finished' ||
	fail "journalctl -b does not show the boot"
[ "$(zx 'systemd-detect-virt -c' || true)" != none ] || fail "systemd does not see a container"
zx 'test -c /dev/console && test "$(cat /run/systemd/container)" = lxzone' ||
	fail "no console or no container interface"
# nginx answers on the zone's loopback
page=$(web)
echo "$page" | grep -q '200 OK' || fail "nginx does not answer: $(echo "$page" | head -3)"
echo "ok: systemd running, no failed unit, journald/logind/dbus/nginx up"

# a login on the console's getty, through `lxzone console` (Ctrl-a q detaches)
zx 'echo root:zone-console-pw | chpasswd'
# each step waits for what the console printed, not a fixed time (a loaded machine takes
# seconds to log in), and the command is typed again until its answer shows: what is typed
# before the shell reads its terminal can be lost
seen() { tr -d '\r' <"$T/console.out" 2>/dev/null | grep -c -- "$1" || true; }
await() { # PATTERN COUNT SECONDS
	_end=$(($(date +%s) + $3))
	while [ "$(seen "$1")" -lt "$2" ] && [ "$(date +%s)" -lt $_end ]; do sleep 0.3; done
}
: >"$T/console.out"
(sleep 1; printf '\r'; await 'login: ' 1 30; printf 'root\r'
	await 'Password: ' 1 30; printf 'zone-console-pw\r'
	for i in 1 2 3 4 5 6; do
		printf 'echo logged-$((2*21)); tty\r'
		await 'logged-42' 1 5
		[ "$(seen 'logged-42')" = 0 ] || break
	done
	sleep 1; printf '\001q') |
	timeout 90 "$LXZONE" console "$z" >"$T/console.out" 2>&1 || true
tr -d '\r' <"$T/console.out" | grep -q 'logged-42' ||
	fail "no login on the console: $(tail -5 "$T/console.out")"
tr -d '\r' <"$T/console.out" | grep -q '/dev/console$' || fail "the login is not on /dev/console"
expect_state "$z" running
echo "ok: getty login on the console"
# and no getty respawns: console-getty is systemd's only one in a container (getty@ttyN needs
# /dev/tty0; container-getty@ takes the ptys container_ttys names, lxzone names none)
gs=$(zx 'systemctl list-units --plain --no-legend "getty@*" "container-getty@*" "serial-getty@*"' || true)
[ -z "$gs" ] || fail "gettys besides the console's: $gs"
[ "$(zx 'systemctl show -p NRestarts --value console-getty' || true)" = 0 ] ||
	fail "console-getty restarted: $(zx 'systemctl status --no-pager console-getty' || true)"
login_check "$z"

# reboot inside the zone: a new init, ready again
old=$(init_pid "$z")
zx 'systemctl reboot' || true
# a deadline, not a count: each look costs a python start, seconds on a loaded machine
end=$(($(date +%s) + 150))
while [ "$(date +%s)" -lt $end ]; do
	new=$(init_pid "$z")
	[ "$new" != 0 ] && [ "$new" != "$old" ] && [ "$(state "$z")" = running ] && break
	sleep 0.5
done
[ "$new" != "$old" ] || fail "the zone did not reboot: $(tail -5 "$LXZONE_ROOT/$z/console.log")"
expect_state "$z" running
grep -q "zone $z rebooting, init status 129" "$LXZONE_ROOT/$z/console.log" ||
	fail "the reboot was not a SIGHUP end of init"
[ "$(recorded "$z")" = running ] || fail "state.json says $(recorded "$z") after the reboot"
ready_after_reboot "$z"
sys=$(zx 'systemctl is-system-running' || true)
[ "$sys" = running ] ||
	fail "after the reboot: $sys; failed: $(zx 'systemctl --failed --plain --no-legend' || true)"
web | grep -q '200 OK' || fail "nginx does not answer after the reboot"
login_check "$z"
echo "ok: systemctl reboot in the zone reboots it"

# shutdown: systemd's poweroff (the kernel ends it with SIGINT), then installed everywhere
lxzone shutdown "$z" --timeout 60
expect_state "$z" installed
[ "$(recorded "$z")" = installed ] || fail "state.json says $(recorded "$z")"
grep -q '"status": 130' "$LXZONE_ROOT/$z/exit-status" ||
	fail "not a power-off: $(cat "$LXZONE_ROOT/$z/exit-status")"
grep -q 'Powering off' "$LXZONE_ROOT/$z/console.log" || fail "systemd did not power off"
no_cgroup_left "$z"
echo "ok: shutdown powers systemd off"

# the same image under systemd-nspawn: the same (no) failed units
nspawn_compare "$image" "$failed"
lxzone destroy "$z"
no_mount_left
echo PASS
