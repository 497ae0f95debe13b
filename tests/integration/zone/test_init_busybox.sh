#!/bin/sh
# Issue 11: busybox's own init as the zone's PID 1 (/sbin/init -> busybox, an inittab with a
# service): boot is ready at once, the service answers, exec and login work, `reboot` in the
# zone ends init with SIGHUP (reboot(2) in a pid namespace) and lxzone boots the zone again (a
# new init; the service, exec and login back), `lxzone shutdown` asks busybox to power off
# (SIGUSR2), whose reboot(2) ends it with SIGINT: running or installed in list and state.json
# at every step.  An image without the asked-for init is one clear error at boot, and the zone
# stays installed; an init that hangs before it is ready or exits fails the boot (boot-timeout)
# with its console's last lines, the zone installed.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand

z=h1bbinit
# a failed check must not leave the zone running (its cgroup path is reused by the next run)
trap 'lxzone halt "$z" >/dev/null 2>&1 || true; cleanup' EXIT

lxzone create "$z" --init /sbin/init >/dev/null
lxzone install "$z" builtin:busybox
r="$LXZONE_ROOT/$z/root"
[ -x "$r/bin/busybox" ] && "$r/bin/busybox" --list | grep -qx init || skip "busybox has no init applet"

# the asked-for init is missing: one clear error, still installed
lxzone configure "$z" init=/sbin/no-such-init
if lxzone boot "$z" 2>"$T/err"; then fail "booted without its init"; fi
cat "$T/err"
[ "$(wc -l <"$T/err")" = 1 ] && grep -q "init /sbin/no-such-init not found" "$T/err" ||
	fail "unclear error: $(cat "$T/err")"
expect_state "$z" installed
[ "$(recorded "$z")" = installed ] || fail "state.json says $(recorded "$z")"
lxzone configure "$z" init=/sbin/init

ln -sf ../bin/busybox "$r/sbin/init"
mkdir -p "$r/www"
echo hello-from-busybox-init >"$r/www/index.html"
cat >"$r/etc/inittab" <<'IT'
::sysinit:/bin/echo sysinit done
::respawn:/bin/busybox httpd -f -p 8080 -h /www
::shutdown:/bin/echo shutdown actions
IT

lxzone boot "$z"
expect_state "$z" running
[ "$(recorded "$z")" = running ] || fail "state.json says $(recorded "$z")"
grep -q "init pid .* (busybox)" "$LXZONE_ROOT/$z/console.log" || fail "init not seen as busybox"
for i in $(seq 1 50); do
	page=$(lxzone exec "$z" -- wget -qO- http://127.0.0.1:8080/ 2>/dev/null || true)
	[ -n "$page" ] && break
	sleep 0.1
done
[ "$page" = hello-from-busybox-init ] || fail "the service does not answer: $page"
[ "$(lxzone exec "$z" -- readlink /proc/1/exe)" = /bin/busybox ] ||
	fail "PID 1 is not busybox's init: $(lxzone exec "$z" -- readlink /proc/1/exe)"
echo "ok: busybox init runs its inittab; the service answers"
[ "$(lxzone exec "$z" -- id -u)" = 0 ] || fail "exec is not root in the zone"
login_check "$z"
expect_state "$z" running

old=$(init_pid "$z")
lxzone exec "$z" -- reboot || true
for i in $(seq 1 100); do
	new=$(init_pid "$z")
	[ "$new" != 0 ] && [ "$new" != "$old" ] && [ "$(state "$z")" = running ] && break
	sleep 0.1
done
[ "$new" != "$old" ] || fail "no reboot: $(tail -5 "$LXZONE_ROOT/$z/console.log")"
grep -q "zone $z rebooting, init status 129" "$LXZONE_ROOT/$z/console.log" ||
	fail "the reboot was not a SIGHUP end of init"
page=
for i in $(seq 1 50); do
	page=$(lxzone exec "$z" -- wget -qO- http://127.0.0.1:8080/ 2>/dev/null || true)
	[ -n "$page" ] && break
	sleep 0.1
done
[ "$page" = hello-from-busybox-init ] || fail "the service is not back after the reboot"
expect_state "$z" running
[ "$(recorded "$z")" = running ] || fail "state.json says $(recorded "$z") after the reboot"
[ "$(lxzone exec "$z" -- readlink /proc/1/exe)" = /bin/busybox ] || fail "PID 1 after the reboot"
login_check "$z"
echo "ok: reboot in the zone boots it again"

lxzone shutdown "$z" --timeout 10
expect_state "$z" installed
[ "$(recorded "$z")" = installed ] || fail "state.json says $(recorded "$z")"
grep -q '"status": 130' "$LXZONE_ROOT/$z/exit-status" ||
	fail "not a power-off: $(cat "$LXZONE_ROOT/$z/exit-status")"
grep -q "shutdown actions" "$LXZONE_ROOT/$z/console.log" || fail "inittab's shutdown did not run"
no_cgroup_left "$z"
echo "ok: shutdown is busybox's poweroff"

# fewer ttys than the inittab's gettys want: the zone has tty1..ttyN as the key says, and boot
# names the entries init will respawn on the ttys it lacks (LXC leaves those to the image too)
printf '::respawn:/bin/busybox getty 38400 tty3\ntty2::respawn:/bin/sh\n' >>"$r/etc/inittab"
lxzone configure "$z" ttys=2
lxzone boot "$z" 2>"$T/err" || fail "boot with ttys=2: $(cat "$T/err")"
cat "$T/err"
grep -q "inittab respawns gettys on tty3, which the zone does not have (ttys=2)" "$T/err" ||
	fail "no warning of the getty on tty3: $(cat "$T/err")"
lxzone exec "$z" -- /bin/sh -c 'test -c /dev/tty1 && test -c /dev/tty2 && ! test -e /dev/tty3' ||
	fail "the zone's ttys are not tty1..tty2: $(lxzone exec "$z" -- ls /dev)"
lxzone halt "$z"
lxzone configure "$z" ttys=6
echo "ok: ttys=2 gives tty1..tty2, and boot warns of the inittab's getty on tty3"

# an init that never says it is ready (a "systemd" that hangs), and one that exits first:
# boot fails with the console's last lines, the zone halted and installed
mkdir -p "$r/lib/systemd"
printf '#!/bin/sh\necho hanging-init-says-hello\nexec sleep 1000\n' >"$r/lib/systemd/systemd"
chmod 755 "$r/lib/systemd/systemd"
lxzone configure "$z" init=/lib/systemd/systemd boot-timeout=3
if lxzone boot "$z" 2>"$T/err"; then fail "a hanging init booted"; fi
cat "$T/err"
grep -q "not ready after 3s" "$T/err" && grep -q hanging-init-says-hello "$T/err" ||
	fail "unclear timeout: $(cat "$T/err")"
expect_state "$z" installed
[ "$(recorded "$z")" = installed ] || fail "state.json says $(recorded "$z")"
no_cgroup_left "$z"
printf '#!/bin/sh\necho dying-init-says-bye\nexit 3\n' >"$r/lib/systemd/systemd"
if lxzone boot "$z" 2>"$T/err"; then fail "an init that exits booted"; fi
grep -q "exited before it was ready" "$T/err" && grep -q dying-init-says-bye "$T/err" ||
	fail "unclear error: $(cat "$T/err")"
expect_state "$z" installed
[ "$(recorded "$z")" = installed ] || fail "state.json says $(recorded "$z")"
no_cgroup_left "$z"
# an init that exits the moment it starts (a static binary: busybox, named as no applet) can
# be gone before the supervisor reads its mounts; that is still the exit before readiness,
# never a mount service error (seen 3 times in 100 boots on a loaded machine before the fix)
cp "$r/bin/busybox" "$r/lib/systemd/systemd"
i=0
while [ $i -lt 20 ]; do
	if lxzone boot "$z" 2>"$T/err"; then fail "an init that exits at once booted"; fi
	grep -q "exited before it was ready" "$T/err" || fail "boot $i: $(cat "$T/err")"
	i=$((i + 1))
done
expect_state "$z" installed
no_cgroup_left "$z"
echo "ok: an init that hangs or exits at boot fails the boot with its last words"

# the zone cannot be set up (its /dev is a file, where the plan mounts a tmpfs): boot says
# what the zone's PID 1 could not do, in its one line and in the console log
lxzone configure "$z" init=/sbin/init
mv "$r/dev" "$r/dev.h30" && : >"$r/dev"
if lxzone boot "$z" 2>"$T/err"; then fail "a zone whose /dev is a file booted"; fi
[ "$(wc -l <"$T/err")" = 1 ] && grep -q "init could not set the zone up: mount tmpfs on .*/dev: Not a directory" "$T/err" ||
	fail "unclear set-up error: $(cat "$T/err")"
grep -q "mount tmpfs on .*/dev: Not a directory" "$LXZONE_ROOT/$z/console.log" ||
	fail "the console log lacks the reason: $(tail -3 "$LXZONE_ROOT/$z/console.log")"
rm "$r/dev" && mv "$r/dev.h30" "$r/dev"
expect_state "$z" installed
no_cgroup_left "$z"
echo "ok: a zone that cannot be set up fails the boot with PID 1's reason"

lxzone destroy "$z"
no_mount_left
echo PASS
