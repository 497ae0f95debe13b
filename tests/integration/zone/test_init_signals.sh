#!/bin/sh
# Issue 11, item 4: the minimal init behaves as Linux's pid-namespace init does. A signal sent
# to PID 1 from inside the zone that init has no use for is dropped (it was forwarded to the
# program, which ended the zone); signals from outside (shutdown) still reach the program.
# When the program dies on its own, state.json says `installed` as `list` does, and the zone
# boots again.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand

lxzone create h1sig >/dev/null
lxzone install h1sig builtin:busybox
lxzone boot h1sig
expect_state h1sig running
for sig in USR1 USR2 TERM HUP INT QUIT ALRM PIPE WINCH KILL STOP; do
	lxzone exec h1sig -- kill -$sig 1 || fail "kill -$sig 1 refused"
done
sleep 0.3
expect_state h1sig running
[ "$(recorded h1sig)" = running ] || fail "state.json says $(recorded h1sig)"
out=$(lxzone exec h1sig -- ps -o pid,stat,comm)
echo "$out"
echo "$out" | grep -q "^ *2 .*lxzone-idle" || fail "the program did not survive the signals"
echo "$out" | grep -q "^ *1 *S.*lxzone-init" || fail "init is not sleeping: $out"
echo "ok: signals from inside the zone leave it running"

# the program dies on its own: init ends the zone, and the record follows
# (the exec's own status is not the test's: init ends the zone with the program, and the
# kernel may kill `kill` with it before it exits, 137)
lxzone exec h1sig -- kill -KILL 2 || :
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ "$(recorded h1sig)" = installed ] && break
	sleep 0.3
done
expect_state h1sig installed
[ "$(recorded h1sig)" = installed ] || fail "state.json says $(recorded h1sig), list installed"
grep -q '"status": 137' "$LXZONE_ROOT/h1sig/exit-status" ||
	fail "exit status: $(cat "$LXZONE_ROOT/h1sig/exit-status")"
no_cgroup_left h1sig
echo "ok: a zone whose program died is installed in state.json and list"

# it boots again, and a shutdown from outside still reaches the program
lxzone boot h1sig
expect_state h1sig running
lxzone shutdown h1sig --timeout 5
expect_state h1sig installed
[ "$(recorded h1sig)" = installed ] || fail "state.json says $(recorded h1sig)"
grep -q '"status": 0' "$LXZONE_ROOT/h1sig/exit-status" ||
	fail "shutdown did not end the program cleanly: $(cat "$LXZONE_ROOT/h1sig/exit-status")"
lxzone destroy h1sig
no_mount_left
echo PASS
