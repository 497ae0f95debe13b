#!/bin/sh
# The gate's page is the launcher's from before main (zone/launch/launch_exec.c,
# gate_reserve): a launcher whose libraries cover it at its start runs itself again, with a
# new layout, and launches.  gate_take.so, preloaded, takes the page once, as a library the
# kernel placed there would; lxrun must still run the program, where before it failed with
# "map the gate at 0x7ff000001000: File exists".  Under setarch -R (no new layout to get) it
# does not start again: that one line, as before.
. "$(dirname "$0")/lib.sh"
need_root
have_lxrun || skip "lxrun not built at $LXRUN"
so=$LXZONE_BUILD/tests/bin/gate_take.so
[ -f "$so" ] || skip "$so not built"
flag=$WORK/gate-taken
: >"$flag"
out=$(GATE_TAKE=$flag LD_PRELOAD=$so "$LXRUN" -- /bin/sh -c 'echo branded-ran' 2>&1) ||
	fail "lxrun with its gate page taken at start: $out"
echo "$out" | grep -qx branded-ran || fail "no output from the program: $out"
[ "$(cat "$flag.log" 2>/dev/null)" = taken ] || fail "the preload did not take the page"
echo "ok   gate page taken at start: lxrun started again and ran the program"

if command -v setarch >/dev/null; then
	: >"$flag"
	rm -f "$flag.log"
	if out=$(setarch -R env GATE_TAKE="$flag" LD_PRELOAD="$so" "$LXRUN" -- /bin/true 2>&1); then
		fail "lxrun under setarch -R with the page taken launched: $out"
	fi
	echo "$out" | grep -q "map the gate at 0x7ff000001000: File exists" ||
		fail "unclear error under setarch -R: $out"
	[ "$(cat "$flag.log")" = taken ] || fail "the preload did not take the page under setarch -R"
	echo "ok   setarch -R: one start, one line"
fi
finish
