#!/bin/sh
# Must work #5: SIGKILL `lxzone install` midway -> the zone is `incomplete`, `verify` says so,
# `uninstall` cleans it, and a second install succeeds.
. "$(dirname "$0")/lib.sh"
builtin_images

tarball="$LXZONE_BUILTIN_IMAGES/busybox.tar.gz"
size=$(stat -c %s "$tarball")
fifo="$T/feed.tar.gz"
mkfifo "$fifo"

lxzone create z1
# The writer sends half the archive, then holds the pipe open: install blocks midway.
( head -c $((size / 2)) "$tarball"; sleep 60 ) >"$fifo" &
writer=$!
lxzone install z1 "$fifo" &
inst=$!

i=0
while [ "$(state z1)" != incomplete ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "install never reached incomplete"
	sleep 0.1
done
sleep 0.5
[ -d "$LXZONE_ROOT/z1/root" ] || fail "no partial root"
kill -9 $inst
wait $inst 2>/dev/null || true
kill $writer 2>/dev/null || true
wait $writer 2>/dev/null || true

expect_state z1 incomplete
lxzone list | grep -q '^z1 *incomplete' || fail "list does not show incomplete"
if lxzone verify z1 >"$T/verify.out" 2>&1; then
	fail "verify accepted an incomplete zone"
fi
grep -q incomplete "$T/verify.out" || fail "verify does not say incomplete: $(cat "$T/verify.out")"
echo "ok: verify says: $(head -1 "$T/verify.out")"
# The lock died with the killed install: uninstall does not wait.
lxzone uninstall z1
expect_state z1 configured
[ ! -e "$LXZONE_ROOT/z1/root" ] || fail "uninstall left the partial root"
lxzone install z1 "$tarball"
expect_state z1 installed
lxzone verify z1
lxzone destroy z1
[ ! -e "$LXZONE_ROOT/z1" ] || fail "destroy left $LXZONE_ROOT/z1"
echo PASS
