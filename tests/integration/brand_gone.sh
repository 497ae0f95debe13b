#!/bin/sh
# A process whose brand is gone dies at once: brand_gone.c unmaps, protects or moves the
# brand image or its emulation stack, then makes an emulated call (or takes a signal).
# Under lxrun each case must end within 2 s with 128+11 (SIGSEGV) or 128+31 (SIGSYS), as
# lxrun reports a death by signal. Before the fix the process spun at 100% CPU with every
# signal but SIGSEGV blocked, deaf to SIGTERM.
. "$(dirname "$0")/lib.sh"
need_root
prog=$LXZONE_BUILD/tests/bin/it_brand_gone
[ -x "$prog" ] || skip "$prog not built"
have_lxrun || skip "lxrun not built"

cd "$WORK" || exit 1
# the control: the regions are found and an intact brand serves the call
timeout -k 1 10 "$LXRUN" -- "$prog" none >none.out 2>&1
st=$?
if [ "$st" = 0 ] && grep -qx survived none.out; then
	echo "ok   none: regions found, the intact brand answers"
else
	fail "none: exit status $st, expected 0: $(cat none.out)"
fi

for c in brand-munmap brand-munmap-signal text-munmap text-mprotect text-mremap \
	data-munmap data-mprotect estack-munmap estack-mprotect estack-mremap; do
	start=$(date +%s%N)
	# SIGKILL at 5 s: a spinning process ignores everything else
	timeout -s KILL 5 "$LXRUN" -- "$prog" "$c" >"$c.out" 2>&1
	st=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	case $st in
	139 | 159)
		if [ "$ms" -le 2000 ]; then
			echo "ok   $c: died with $st in $ms ms"
		else
			fail "$c: died with $st but only after $ms ms (limit 2000)"
		fi
		;;
	137) fail "$c: still running after 5 s (killed by the test)" ;;
	*) fail "$c: exit status $st, expected 139 or 159: $(cat "$c.out")" ;;
	esac
done

# The same in a zone (lxrun --root: pid namespace, the zone's init as parent), where the
# spin hung `lxzone exec` too.
if [ -x "$IMAGE/bin/busybox" ]; then
	root=$(make_root brand)
	cp "$prog" "$root/t/brand_gone"
	for c in none brand-munmap text-mprotect; do
		timeout -s KILL 10 "$LXRUN" --root "$root" -- /t/brand_gone "$c" >"root-$c.out" 2>&1
		st=$?
		want=139
		[ "$c" = none ] && want=0
		if [ "$st" = "$want" ]; then
			echo "ok   $c in a zone root: exit status $st"
		else
			fail "$c in a zone root: exit status $st, expected $want: $(cat "root-$c.out")"
		fi
	done
else
	echo "note: no busybox image; the zone-root cases did not run"
fi
finish
