#!/bin/sh
# An interrupted `lxzone attach` is rolled back (before its commit: the zone is `configured`
# again, the root exactly where the user had it) or forward (after the commit) by the next
# `verify` or `attach`, and `uninstall`/`destroy` never remove a root that is the user's only
# copy: a root detached in place and attached there again. They refuse, in one line, saying
# to run verify. The kill -9 lands by LXZONE_TEST_CRASH (zone/detach.c: attach-journaled,
# attach-copied, attach-committed) and, for a root copied from another directory, by timing
# during the copy. After every recovery the root is whole (same checksum) and the zone boots
# with its data.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand

z=h9at
lxzone create $z >/dev/null
lxzone install $z builtin:busybox >/dev/null
home="$LXZONE_ROOT/$z"
slow_copy_tree "$home/root"
echo attached-data >"$home/root/marker"
sum=$(tree_sum "$home/root")

# whole ROOT: ROOT has the original tree
whole() {
	[ -d "$1" ] || fail "root $1 is gone"
	[ "$(tree_sum "$1")" = "$sum" ] || fail "root $1 differs from the original"
}
# crash POINT ARGS...: attach with a crash point; it must die there
crash() {
	p=$1
	shift
	if LXZONE_TEST_CRASH=$p lxzone attach $z "$@" 2>/dev/null; then
		fail "attach $*: crash point $p not reached"
	fi
}
# refuses CMD ROOT: CMD refuses the interrupted zone in one line naming verify; ROOT intact
refuses() {
	if lxzone "$1" $z 2>"$T/err"; then fail "$1 went ahead after an interrupted attach"; fi
	[ "$(wc -l <"$T/err")" = 1 ] && grep -q "lxzone verify $z" "$T/err" ||
		fail "$1: not one clear line: $(cat "$T/err")"
	whole "$2"
	echo "ok: $1 refuses: $(cat "$T/err")"
}
# recovers WORD: verify recovers the zone and says it (rolled back / finished)
recovers() {
	lxzone verify $z 2>"$T/err" >"$T/out" || fail "verify did not recover: $(cat "$T/err" "$T/out")"
	grep -q "$1 an interrupted attach" "$T/err" || fail "verify did not say '$1': $(cat "$T/err")"
}
journal_says() {
	grep -q "$1" "$home/state.json" || fail "state.json lacks $1: $(cat "$home/state.json")"
}

# 1. A root detached in place, attached in place: killed after the journal (nothing touched
#    yet), the zone is incomplete but its root is the only copy.
lxzone detach $z
expect_state $z configured
lxzone verify $z >/dev/null || fail "verify calls a zone detached in place broken"
crash attach-journaled "$home"
expect_state $z incomplete
journal_says '"only-copy": true'
refuses uninstall "$home/root"
refuses destroy "$home/root"
recovers "rolled back"
expect_state $z configured
whole "$home/root"
[ -f "$home/detached.json" ] || fail "the rollback lost the detach manifest"
echo "ok: in-place attach killed before its commit, verify rolled back"

# 2. The same, the path spelled differently ($home/ and $home/root/): still the zone's own
#    root, never removed or copied over itself; the next attach recovers and attaches.
crash attach-journaled "$home/"
refuses uninstall "$home/root"
lxzone attach $z "$home/root/" || fail "attach did not recover an interrupted attach"
expect_state $z installed
whole "$home/root"
[ ! -e "$home/detached.json" ] || fail "manifest left after attach"
echo "ok: in-place attach (path spelled otherwise) recovered by the next attach"

# 3. Killed after the commit: installed; verify finishes the cleanup.
lxzone detach $z
crash attach-committed "$home"
expect_state $z installed
recovers finished
[ ! -e "$home/detached.json" ] || fail "verify left the manifest"
whole "$home/root"
grep -q '"attach": {' "$home/state.json" && fail "journal left: $(cat "$home/state.json")"
echo "ok: in-place attach killed after its commit, verify finished it"

# 4. A root from another directory is copied, never moved: killed during the copy, the
#    partial copy in the store is disposable and the source stays whole.
lxzone detach $z
away="$T/away"
mkdir -p "$away"
mv "$home/root" "$away/root"
mv "$home/detached.json" "$away/"
"$LXZONE" attach $z "$away" &
at_pid=$!
i=0
until [ -d "$home/root/data" ]; do
	i=$((i + 1))
	[ $i -lt 500 ] || fail "the attach never started copying"
	sleep 0.01
done
kill -9 $at_pid
wait $at_pid 2>/dev/null || true
journal_says '"phase": "copy"'
journal_says '"only-copy": false'
expect_state $z incomplete
[ "$(tree_sum "$home/root")" != "$sum" ] || fail "the kill missed the copy (the copy is whole)"
whole "$away/root"
recovers "rolled back"
expect_state $z configured
[ ! -e "$home/root" ] || fail "the partial copy is left: $(ls "$home/root")"
whole "$away/root"
echo "ok: attach killed during the copy, verify rolled back, the source whole"

# 5. Killed during the copy again: uninstall removes only the partial copy (the journal says
#    the source is elsewhere) and leaves the zone configured; destroy would too.
"$LXZONE" attach $z "$away" &
at_pid=$!
i=0
until [ -d "$home/root/data" ]; do
	i=$((i + 1))
	[ $i -lt 500 ] || fail "the attach never started copying"
	sleep 0.01
done
kill -9 $at_pid
wait $at_pid 2>/dev/null || true
lxzone uninstall $z || fail "uninstall refused a partial copy"
expect_state $z configured
[ ! -e "$home/root" ] || fail "uninstall left the partial copy"
whole "$away/root"
echo "ok: uninstall of an interrupted copy removes only the copy"

# 6. Killed with the copy whole but not committed: rolled back; the source is still there.
crash attach-copied "$away"
expect_state $z incomplete
recovers "rolled back"
[ ! -e "$home/root" ] || fail "the uncommitted copy is left"
whole "$away/root"
# A root from elsewhere never lands on a root already in the zone's path.
mkdir "$home/root" && echo mine >"$home/root/keep"
if lxzone attach $z "$away" 2>"$T/err"; then fail "attach copied over a root in place"; fi
grep -q "already has a root" "$T/err" || fail "unclear error: $(cat "$T/err")"
[ "$(cat "$home/root/keep")" = mine ] || fail "attach touched the root in place"
rm -r "$home/root"
expect_state $z configured
lxzone attach $z "$away" || fail "attach from $away failed"
expect_state $z installed
whole "$home/root"
whole "$away/root"
echo "ok: attach killed after the copy rolled back; attached again, both copies whole"

# 7. From an archive (the extraction is disposable: the archive is still there).
lxzone detach $z --archive "$T/$z.tar.gz"
expect_state $z configured
for p in attach-journaled attach-copied; do
	crash $p --archive "$T/$z.tar.gz"
	expect_state $z incomplete
	journal_says '"only-copy": false'
	recovers "rolled back"
	expect_state $z configured
	[ ! -e "$home/root" ] && [ ! -e "$home/.attach" ] || fail "$p: extraction left: $(ls -a "$home")"
	[ -f "$T/$z.tar.gz" ] || fail "the archive is gone"
	echo "ok: archive attach killed at $p, verify rolled back"
done
crash attach-committed --archive "$T/$z.tar.gz"
expect_state $z installed
recovers finished
[ ! -e "$home/.attach" ] || fail "extraction directory left"
whole "$home/root"
echo "ok: archive attach killed after its commit, verify finished it"

# The zone boots with its data.
lxzone boot $z
[ "$(lxzone exec $z -- cat /marker)" = attached-data ] || fail "the zone lost its data"
[ "$(lxzone exec $z -- sha256sum /data/big | cut -d' ' -f1)" = "$(sha256sum "$away/root/data/big" | cut -d' ' -f1)" ] ||
	fail "the zone's data differs"
lxzone halt $z
lxzone destroy $z
[ ! -e "$home" ] || fail "destroy left $home"
echo PASS
