#!/bin/sh
# The GS base bound lazily (lazy_bind.c): natively and under lxrun's default (lazy) patching,
# the same output: no binding at the start, and neither a vfork child nor a posix_spawn
# child that passes the patching mark leaves its parent, every signal blocked, a patched
# site it cannot run (it would be killed by a forced SIGSEGV).
. "$(dirname "$0")/lib.sh"
need_root
bin=$LXZONE_BUILD/tests/bin
[ -x "$bin/it_lazy_bind" ] || skip "$bin/it_lazy_bind not built"
for mode in vfork spawn; do
	want=$(timeout 60 "$bin/it_lazy_bind" $mode 2>/dev/null)
	case "$want" in
	"gs 0 at start
"*"children past the mark: the parent ran on") ;;
	*) fail "lazy-bind $mode natively printed: $want" ;;
	esac
	have_lxrun || continue
	for i in 1 2 3; do
		got=$(timeout "${LXZONE_IT_TIMEOUT:-60}" "$LXRUN" -- "$bin/it_lazy_bind" $mode 2>"$WORK/err")
		st=$?
		if [ $st -eq 0 ] && [ "$got" = "$want" ]; then
			echo "ok   lazy-bind $mode ($i): $(echo "$got" | tr '\n' ';') $(cat "$WORK/err")"
		else
			fail "lazy-bind $mode ($i): exit $st, printed '$got', natively '$want' ($(head -c 300 "$WORK/err"))"
		fi
	done
done
finish
