#!/bin/sh
# An interrupted snapshot rollback leaves the zone `incomplete` but loses nothing: `uninstall`
# and `destroy` refuse in one line saying to run verify (they would remove the set-aside root
# and every snapshot), and `verify` puts the old root back (killed before the copy was whole)
# or finishes the rollback (killed after). The kill -9 lands during the copy by timing, and
# just after the set-aside and after the copy by LXZONE_TEST_CRASH (zone/snapshot.c).
. "$(dirname "$0")/lib.sh"
builtin_images

z=h5rb
lxzone create $z >/dev/null
lxzone install $z builtin:busybox >/dev/null
root="$LXZONE_ROOT/$z/root"
echo before >"$root/marker"
lxzone snapshot $z snap
# the snapshot gets big enough that copying it back takes a while to interrupt, and the
# current root differs from it
mkdir -p "$root/data" "$LXZONE_ROOT/$z/snapshots/snap/data"
i=0
while [ $i -lt 30 ]; do
	mkdir "$LXZONE_ROOT/$z/snapshots/snap/data/d$i"
	(cd "$LXZONE_ROOT/$z/snapshots/snap/data/d$i" && seq 1 100 | xargs touch)
	i=$((i + 1))
done
head -c 24M /dev/urandom >"$LXZONE_ROOT/$z/snapshots/snap/data/big"
snapsum=$(tree_sum "$LXZONE_ROOT/$z/snapshots/snap")
echo after >"$root/marker"
cursum=$(tree_sum "$root")

refuses() {
	if lxzone "$1" $z 2>"$T/err"; then fail "$1 went ahead after an interrupted rollback"; fi
	[ "$(wc -l <"$T/err")" = 1 ] && grep -q "lxzone verify $z" "$T/err" ||
		fail "$1: not one clear line: $(cat "$T/err")"
	[ "$(tree_sum "$LXZONE_ROOT/$z/snapshots/snap")" = "$snapsum" ] ||
		fail "$1 touched the snapshot"
	echo "ok: $1 refuses: $(cat "$T/err")"
}
recovered() { # recovered WORD SUM: verify says WORD, the root is SUM, nothing set aside
	lxzone verify $z 2>"$T/err" || fail "verify did not recover: $(cat "$T/err")"
	grep -q "$1" "$T/err" || fail "verify did not say '$1': $(cat "$T/err")"
	expect_state $z installed
	[ "$(tree_sum "$root")" = "$2" ] || fail "root is not what it should be after '$1'"
	[ ! -e "$root.rollback-old" ] || fail "set-aside root left"
}

# killed just after the current root was set aside (no root at all): put back
LXZONE_TEST_CRASH=rollback-aside lxzone rollback $z snap 2>/dev/null && fail "crash point not reached"
[ ! -e "$root" ] || fail "crash point reached with a root in place"
expect_state $z incomplete
refuses uninstall
refuses destroy
recovered "rolled back" "$cursum"
echo "ok: killed after the set-aside, verify put the root back"

# kill -9 during the copy: put back
"$LXZONE" rollback $z snap &
pid=$!
i=0
until [ -d "$root/data/d3" ]; do
	i=$((i + 1))
	[ $i -lt 500 ] || fail "the rollback never started copying"
	sleep 0.01
done
kill -9 $pid
wait $pid 2>/dev/null || true
grep -q '"phase": "copy"' "$LXZONE_ROOT/$z/state.json" || fail "the kill missed the copy"
refuses uninstall
recovered "rolled back" "$cursum"
echo "ok: killed during the copy, verify put the root back"

# killed after the copy was whole: finished
LXZONE_TEST_CRASH=rollback-copied lxzone rollback $z snap 2>/dev/null && fail "crash point not reached"
recovered "finished" "$snapsum"
echo "ok: killed after the copy, verify finished the rollback"
[ "$(cat "$root/marker")" = before ] || fail "the rollback's root is not the snapshot's"
lxzone destroy $z
echo PASS
