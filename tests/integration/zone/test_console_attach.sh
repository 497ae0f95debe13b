#!/bin/sh
# Issue 11: `lxzone console NAME` attaches to the zone's /dev/console (a terminal whose master
# the supervisor holds): what is typed reaches the program on the console (here busybox
# init's console shell), what it prints comes back and also goes to the console log;
# Ctrl-a q detaches and leaves the zone running; a second client while one is attached is
# refused; a zone that is not running has no console.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand

z=h1conz
# a failed check must not leave the zone running (its cgroup path is reused by the next run)
trap 'lxzone halt "$z" >/dev/null 2>&1 || true; cleanup' EXIT
lxzone create "$z" --init /sbin/init >/dev/null
lxzone install "$z" builtin:busybox
r="$LXZONE_ROOT/$z/root"
"$r/bin/busybox" --list | grep -qx init || skip "busybox has no init applet"
ln -sf ../bin/busybox "$r/sbin/init"
printf '::sysinit:/bin/echo sysinit done\nconsole::respawn:/bin/sh\n' >"$r/etc/inittab"

if lxzone console "$z" </dev/null 2>"$T/err"; then fail "a console for a halted zone"; fi
grep -q "not running" "$T/err" || fail "unclear error: $(cat "$T/err")"

lxzone boot "$z"
(sleep 1; echo 'echo console-$((6*7)); test -c /dev/console && echo tty-ok'; sleep 1; printf '\001q') |
	timeout 20 "$LXZONE" console "$z" >"$T/out" 2>"$T/err" || fail "console: $(cat "$T/err")"
cat "$T/out"
grep -q '^console-42' "$T/out" || fail "the console's output did not come back"
grep -q '^tty-ok' "$T/out" || fail "/dev/console is not a terminal"
grep -q "Detached" "$T/err" || fail "no detach: $(cat "$T/err")"
grep -q '^console-42' "$LXZONE_ROOT/$z/console.log" || fail "the console log lacks it"
expect_state "$z" running
echo "ok: typed, shown, logged; Ctrl-a q detached, the zone runs on"

# one client at a time
(sleep 3; printf '\001q') | timeout 20 "$LXZONE" console "$z" >/dev/null 2>&1 &
first=$!
sleep 1
timeout 10 "$LXZONE" console "$z" </dev/null >"$T/out2" 2>/dev/null || true
grep -q "in use" "$T/out2" || fail "a second client was not refused: $(cat "$T/out2")"
wait $first || true
echo "ok: a second console client is refused"

lxzone halt "$z"
lxzone destroy "$z"
no_mount_left
echo PASS
