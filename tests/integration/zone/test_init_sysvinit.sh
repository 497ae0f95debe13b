#!/bin/sh
# Issue 11: a Debian bookworm image with sysvinit-core (and nginx-light; made by
# images/debian-image.sh from the machine's apt mirror, cached in /var/cache/lxzone-test)
# boots with init=auto: `boot` returns once runlevel 2's rc scripts are done, nginx answers,
# the inittab's gettys on tty1..tty6 (the zone's pty-backed /dev/ttyN, config key ttys) keep
# their terminal and do not respawn (agetty without its terminal exits after 10 s and init
# starts another, forever), exec and `lxzone login` give root a shell, /sbin/reboot in the zone
# reboots it (SIGHUP end of init, a new init, ready again at runlevel 2, nginx and login back),
# `lxzone shutdown` asks for runlevel 0 on /run/initctl (as telinit does), whose halt ends init
# with SIGINT; the zone is running or installed in list and state.json at every step.
. "$(dirname "$0")/lib.sh"
need_brand
command -v zstd >/dev/null || skip "zstd is not installed"

debian_test_image debian-bookworm-sysvinit sysvinit-core,nginx-light

z=h1svz
# a failed check must not leave the zone running (its cgroup path is reused by the next run)
trap 'lxzone halt "$z" >/dev/null 2>&1 || true; cleanup' EXIT
web() {
	lxzone exec "$z" -- /bin/bash -c \
		'exec 3<>/dev/tcp/127.0.0.1/80; printf "GET / HTTP/1.0\r\n\r\n" >&3; cat <&3' 2>/dev/null || true
}

lxzone create "$z" --init auto --memory 512M >/dev/null
lxzone install "$z" "$image" 2>/dev/null
lxzone configure "$z" boot-timeout=120
lxzone boot "$z" 2>"$T/boot.err" || fail "boot: $(tail -5 "$LXZONE_ROOT/$z/console.log")"
# Debian's inittab has gettys on tty1..tty6, the zone's default ttys=6: nothing to warn of
! grep -q "warning: /etc/inittab" "$T/boot.err" || fail "$(cat "$T/boot.err")"
expect_state "$z" running
[ "$(recorded "$z")" = running ] || fail "state.json says $(recorded "$z")"
grep -q "init pid .* (sysvinit)" "$LXZONE_ROOT/$z/console.log" || fail "init not seen as sysvinit"
[ "$(lxzone exec "$z" -- runlevel)" = "N 2" ] || fail "runlevel: $(lxzone exec "$z" -- runlevel)"
web | grep -q '200 OK' || fail "nginx does not answer"
echo "ok: sysvinit reached runlevel 2 before boot returned; nginx answers"

# "PID TTY" of each getty (no procps in minbase)
gettys() {
	lxzone exec "$z" -- /bin/sh -c 'for p in /proc/[0-9]*; do
		set -- $(tr "\0" " " <$p/cmdline 2>/dev/null)
		case "$1" in */getty) eval "echo ${p#/proc/} \${$#}" ;; esac
	done' 2>/dev/null | sort -k2
}
lxzone exec "$z" -- /bin/sh -c 'for i in 1 2 3 4 5 6; do test -c /dev/tty$i && test -t 0 </dev/tty$i || exit 1; done' ||
	fail "the zone has no terminals tty1..tty6"
g1=$(gettys)
sleep 15
g2=$(gettys)
echo "gettys: $(echo "$g2" | tr '\n' ' ')"
[ "$(echo "$g2" | awk '{print $2}' | tr '\n' ' ')" = "tty1 tty2 tty3 tty4 tty5 tty6 " ] ||
	fail "not one getty per tty: $g2"
[ "$g1" = "$g2" ] || fail "gettys respawned within 15 s: [$g1] then [$g2]"
! grep -q "respawning too fast" "$LXZONE_ROOT/$z/console.log" || fail "init rate-limited a getty"
echo "ok: the gettys wait on tty1..tty6, none respawned in 15 s"
[ "$(lxzone exec "$z" -- id -u)" = 0 ] || fail "exec is not root in the zone"
login_check "$z"
expect_state "$z" running

old=$(init_pid "$z")
lxzone exec "$z" -- /sbin/reboot || true
for i in $(seq 1 600); do
	new=$(init_pid "$z")
	[ "$new" != 0 ] && [ "$new" != "$old" ] && [ "$(state "$z")" = running ] && break
	sleep 0.2
done
[ "$new" != "$old" ] || fail "no reboot: $(tail -5 "$LXZONE_ROOT/$z/console.log")"
grep -q "zone $z rebooting, init status 129" "$LXZONE_ROOT/$z/console.log" ||
	fail "the reboot was not a SIGHUP end of init"
expect_state "$z" running
[ "$(recorded "$z")" = running ] || fail "state.json says $(recorded "$z") after the reboot"
ready_after_reboot "$z"
[ "$(lxzone exec "$z" -- runlevel)" = "N 2" ] ||
	fail "runlevel after the reboot: $(lxzone exec "$z" -- runlevel)"
web | grep -q '200 OK' || fail "nginx does not answer after the reboot"
login_check "$z"
echo "ok: reboot in the zone boots it again"

lxzone shutdown "$z" --timeout 60
expect_state "$z" installed
[ "$(recorded "$z")" = installed ] || fail "state.json says $(recorded "$z")"
grep -q '"status": 130' "$LXZONE_ROOT/$z/exit-status" ||
	fail "not a halt by init: $(cat "$LXZONE_ROOT/$z/exit-status")"
grep -q "Will now halt" "$LXZONE_ROOT/$z/console.log" || fail "runlevel 0 did not run"
no_cgroup_left "$z"
echo "ok: shutdown is runlevel 0"
lxzone destroy "$z"
no_mount_left
echo PASS
