#!/bin/sh
# Issue 11: `lxzone console NAME --tty K` attaches to the zone's /dev/ttyK (a terminal whose
# master the supervisor holds, zone/ttys.h), as `lxc console -t K`: busybox init runs a shell
# on tty2 (not a getty: the busybox image has no login database); what is typed reaches it,
# what it prints comes back, Ctrl-a q detaches and leaves it running; what the shell printed
# while nobody was attached is shown on the next attach; a second client of the same tty is
# refused; a tty the zone does not have is one clear error.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand

z=h1ttyz
trap 'lxzone halt "$z" >/dev/null 2>&1 || true; cleanup' EXIT
lxzone create "$z" --init /sbin/init >/dev/null
lxzone install "$z" builtin:busybox
lxzone configure "$z" ttys=3 >/dev/null
r="$LXZONE_ROOT/$z/root"
"$r/bin/busybox" --list | grep -qx init || skip "busybox has no init applet"
ln -sf ../bin/busybox "$r/sbin/init"
printf '::sysinit:/bin/echo sysinit done\ntty2::respawn:/bin/sh\n' >"$r/etc/inittab"

if lxzone console "$z" --tty 2 </dev/null 2>"$T/err"; then fail "a tty of a halted zone"; fi
grep -q "not running" "$T/err" || fail "unclear error: $(cat "$T/err")"

lxzone boot "$z"
(sleep 1; echo 'echo tty-$((6*7)); tty'; sleep 1; printf '\001q') |
	timeout 20 "$LXZONE" console "$z" --tty 2 >"$T/out" 2>"$T/err" || fail "console --tty 2: $(cat "$T/err")"
cat "$T/out"
grep -q '^tty-42' "$T/out" || fail "the shell on tty2 did not answer"
grep -q '^/dev/tty2' "$T/out" || fail "the shell's terminal is not /dev/tty2"
grep -q "Detached from /dev/tty2" "$T/err" || fail "no detach: $(cat "$T/err")"
grep -q '^tty-42' "$LXZONE_ROOT/$z/console.log" && fail "tty2's output went to the console log"
expect_state "$z" running
echo "ok: typed on tty2, its shell answered; Ctrl-a q detached, the zone runs on"

# written while nobody is attached: kept in the terminal, shown on the next attach
lxzone exec "$z" -- sh -c 'echo while-away-$((6*7)) >/dev/tty2'
(sleep 1; printf '\001q') | timeout 20 "$LXZONE" console "$z" -t 2 >"$T/out3" 2>/dev/null ||
	fail "console -t 2 failed"
grep -q 'while-away-42' "$T/out3" || fail "what tty2 got while detached was lost: $(cat "$T/out3")"
echo "ok: output written while detached is shown on the next attach"

# one client per tty
(sleep 3; printf '\001q') | timeout 20 "$LXZONE" console "$z" --tty 2 >/dev/null 2>&1 &
first=$!
sleep 1
if timeout 10 "$LXZONE" console "$z" --tty 2 </dev/null >/dev/null 2>"$T/err2"; then
	fail "a second client of tty2 was let in"
fi
grep -q "in use" "$T/err2" || fail "unclear refusal: $(cat "$T/err2")"
wait $first || true
echo "ok: a second client of the same tty is refused"

# a tty the zone does not have (ttys=3), and a bad number
if lxzone console "$z" --tty 5 </dev/null 2>"$T/err4"; then fail "attached to tty5 of ttys=3"; fi
grep -q "no /dev/tty5" "$T/err4" || fail "unclear error: $(cat "$T/err4")"
if lxzone console "$z" --tty x </dev/null 2>/dev/null; then fail "--tty x accepted"; fi
echo "ok: a missing tty and a bad number are refused"

lxzone halt "$z"
lxzone destroy "$z"
no_mount_left
echo PASS
