#!/bin/sh
# An interrupted `lxzone move` is rolled back (killed during the copy) or forward (killed
# after the copy or the commit) by the next `verify` or `move`, and `uninstall`/`destroy`
# never remove the intact root of a zone whose move was interrupted: they refuse, in one
# line, saying to run verify. Cross-file-system moves go to a tmpfs; the kill -9 lands during
# the copy by timing, and just after the copy, after the first rename and after the commit by
# LXZONE_TEST_CRASH (zone/move.c: the move SIGKILLs itself there). After every recovery the
# root is whole (same checksum), in exactly one place, and the zone boots with its data.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand

dst="$T/dst"
mkdir -p "$dst"
mount -t tmpfs -o size=512m lxzone-test "$dst" || skip "cannot mount a tmpfs"

z=h5mv
lxzone create $z >/dev/null
lxzone install $z builtin:busybox >/dev/null
home="$LXZONE_ROOT/$z"
slow_copy_tree "$home/root"
echo moved-data >"$home/root/marker"
sum=$(tree_sum "$home/root")

zonepath() {
	lxzone info $z --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["zonepath"])'
}
# whole_at PATH: the zone is installed at PATH, its root whole, and nothing of it elsewhere
whole_at() {
	expect_state $z installed
	[ "$(zonepath)" = "$1" ] || fail "zonepath $(zonepath), expected $1"
	[ "$(tree_sum "$1/root")" = "$sum" ] || fail "root at $1 differs from the original"
	for p in "$home" "$dst/$z" "$T/same/$z"; do
		[ "$p" = "$1" ] && continue
		[ ! -e "$p/root" ] && [ ! -e "$p/.lxzone-move" ] || fail "a copy is left at $p: $(ls -a "$p")"
	done
	[ ! -e "$1/.lxzone-move" ] || fail "staging directory left in $1"
}
# refuses CMD [DIR]: CMD refuses the interrupted zone in one line naming verify, and the
# root (in DIR, default the zone's home) is untouched
refuses() {
	if lxzone "$1" $z 2>"$T/err"; then fail "$1 went ahead after an interrupted move"; fi
	[ "$(wc -l <"$T/err")" = 1 ] && grep -q "lxzone verify $z" "$T/err" ||
		fail "$1: not one clear line: $(cat "$T/err")"
	[ "$(tree_sum "${2:-$home}/root")" = "$sum" ] || fail "$1 touched the intact root"
	echo "ok: $1 refuses: $(cat "$T/err")"
}

# 1. kill -9 during the copy: verify rolls back, the partial copy goes.
"$LXZONE" move $z "$dst/$z" &
mv_pid=$!
i=0
until [ -d "$dst/$z/.lxzone-move/root/data" ]; do
	i=$((i + 1))
	[ $i -lt 500 ] || fail "the move never started copying"
	sleep 0.01
done
kill -9 $mv_pid
wait $mv_pid 2>/dev/null || true
grep -q '"phase": "copy"' "$home/state.json" || fail "the kill missed the copy: $(cat "$home/state.json")"
expect_state $z incomplete
refuses uninstall
refuses destroy
lxzone verify $z 2>"$T/err" || fail "verify did not recover: $(cat "$T/err")"
grep -q "rolled back" "$T/err" || fail "verify did not say it rolled back: $(cat "$T/err")"
whole_at "$home"
[ ! -e "$dst/$z" ] || fail "the destination the move made is left: $(ls -a "$dst/$z")"
echo "ok: killed during the copy, verify rolled back"

# 2. killed just after the copy (journal says place): verify rolls forward.
LXZONE_TEST_CRASH=move-copied lxzone move $z "$dst/$z" 2>/dev/null && fail "crash point not reached"
expect_state $z incomplete
refuses uninstall
lxzone verify $z 2>"$T/err" || fail "verify did not recover: $(cat "$T/err")"
grep -q "finished" "$T/err" || fail "verify did not say it finished the move: $(cat "$T/err")"
whole_at "$dst/$z"
echo "ok: killed after the copy, verify rolled forward"

# 3. killed after the first rename, moving back: the next move rolls forward and is done.
LXZONE_TEST_CRASH=move-placed-one lxzone move $z "$home" 2>/dev/null && fail "crash point not reached"
expect_state $z incomplete
lxzone move $z "$home" || fail "move did not recover"
whole_at "$home"
echo "ok: killed after the first rename, move rolled forward"

# 4. killed after the commit: the zone is installed there; verify removes the source's rest.
LXZONE_TEST_CRASH=move-committed lxzone move $z "$dst/$z" 2>/dev/null && fail "crash point not reached"
expect_state $z installed
[ -e "$home/root" ] || fail "crash point after the commit but the source is already gone"
lxzone verify $z 2>/dev/null || fail "verify failed after a committed move"
whole_at "$dst/$z"
echo "ok: killed after the commit, verify finished the cleanup"

# 5. within one file system (renames, no copy): killed after the first rename, verify
#    rolls forward.
lxzone move $z "$home"
same="$T/same/$z"
LXZONE_TEST_CRASH=move-placed-one lxzone move $z "$same" 2>/dev/null && fail "crash point not reached"
refuses uninstall "$same"
lxzone verify $z 2>/dev/null || fail "verify did not recover a rename move"
expect_state $z installed
[ "$(zonepath)" = "$same" ] || fail "zonepath $(zonepath), expected $same"
[ "$(tree_sum "$same/root")" = "$sum" ] || fail "root differs after a recovered rename move"
[ ! -e "$home/root" ] || fail "root left at the source of a rename move"
echo "ok: rename move killed midway, verify rolled forward"

# 6. kill -9 at several moments of a cross-file-system move: whatever the moment, verify
#    leaves one whole root.
for d in 0.1 0.5 2 8; do
	[ "$(zonepath)" = "$dst/$z" ] && to="$home" || to="$dst/$z"
	# SIGKILL to the move (not its children, as kill -9 of its pid) after d seconds; a move
	# done before that ends the wait (no sleeping out the rest of d on a finished move)
	timeout --foreground -s KILL $d "$LXZONE" move $z "$to" || true
	lxzone verify $z 2>/dev/null || fail "verify did not recover (kill after ${d}s)"
	p=$(zonepath)
	whole_at "$p"
	echo "ok: killed after ${d}s, recovered at $p"
done

# The zone boots from wherever it ended, with its data.
lxzone boot $z
[ "$(lxzone exec $z -- cat /marker)" = moved-data ] || fail "the zone lost its data"
lxzone halt $z
lxzone destroy $z
[ ! -e "$home" ] || fail "destroy left $home"
echo PASS
