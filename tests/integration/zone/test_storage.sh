#!/bin/sh
# Storage lifecycle without booting: p2v install from a directory, copy clones, snapshots and
# rollback, move, detach/attach (with the brand/architecture checks), busy-zone locking, and
# the --json outputs.
. "$(dirname "$0")/lib.sh"
builtin_images

# p2v from a directory with a hard link, a sparse file, a setuid file and an xattr.
src="$T/p2v"
mkdir -p "$src"
tar -C "$src" -xzf "$LXZONE_BUILTIN_IMAGES/busybox.tar.gz"
echo data >"$src/etc/a"
ln "$src/etc/a" "$src/etc/b"
truncate -s 100M "$src/sparse"
cp "$src/bin/busybox" "$src/bin/suid" && chmod 4755 "$src/bin/suid"
setfattr -n user.zone -v yes "$src/etc/a" 2>/dev/null || true
lxzone create p --image "$src"
r="$LXZONE_ROOT/p/root"
[ "$(stat -c %i "$r/etc/a")" = "$(stat -c %i "$r/etc/b")" ] || fail "hard link lost"
[ "$(stat -c %a "$r/bin/suid")" = 4755 ] || fail "setuid bit lost"
[ "$(du -k "$r/sparse" | cut -f1)" -lt 1024 ] || fail "sparse file filled in"
[ "$(tree_sum "$src")" = "$(tree_sum "$r")" ] || fail "p2v copy differs from its source"
echo "ok: p2v copy is faithful"

# Copy clone: a fresh identity.
lxzone clone p p2
[ "$(cat "$LXZONE_ROOT/p2/root/etc/hostname")" = p2 ] || fail "clone kept the source's hostname"
lxzone info p2 --json | grep -q '"zone":"p"' || fail "origin not recorded"

# Snapshot, change, rollback.
lxzone snapshot p2 before
echo changed >"$LXZONE_ROOT/p2/root/etc/a"
rm "$LXZONE_ROOT/p2/root/etc/b"
lxzone snapshots p2 --json | grep -q '"name":"before"' || fail "snapshot not listed"
lxzone rollback p2 before
[ "$(cat "$LXZONE_ROOT/p2/root/etc/a")" = data ] || fail "rollback did not restore etc/a"
[ -e "$LXZONE_ROOT/p2/root/etc/b" ] || fail "rollback did not restore etc/b"
if lxzone rollback p2 nosuch 2>/dev/null; then fail "rollback to a missing snapshot"; fi
echo "ok: snapshot and rollback"

# Overlay clone over a snapshot; the source refuses to go away under it.
lxzone clone p2 o1 --snapshot before --method overlay
lxzone verify o1
if lxzone uninstall p2 2>"$T/err"; then fail "uninstalled a zone with clones"; fi
grep -q "dependent" "$T/err" || fail "unclear error: $(cat "$T/err")"
lxzone destroy o1

# Move across directories.
lxzone move p2 "$T/elsewhere/p2"
lxzone info p2 | grep -q "zonepath *$T/elsewhere/p2" || fail "move did not record the path"
[ -d "$T/elsewhere/p2/root/bin" ] || fail "root not moved"
lxzone verify p2
echo "ok: move"

# Detach to an archive, attach under another name.
lxzone detach p2 --archive "$T/p2.tar.zst"
expect_state p2 configured
lxzone attach p3 --archive "$T/p2.tar.zst"
expect_state p3 installed
lxzone verify p3
# Detach in place and attach again.
lxzone detach p3
expect_state p3 configured
lxzone attach p3 "$LXZONE_ROOT/p3"
expect_state p3 installed

# Attach refuses an image of another architecture.
mkdir -p "$T/arm/root/bin"
{ printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000\002\000\267\000'; head -c 44 /dev/zero; } >"$T/arm/root/bin/sh"
if lxzone attach armz "$T/arm" 2>"$T/err"; then fail "attached an aarch64 image"; fi
[ "$(cat "$T/err")" = "lxzone: attach armz: $T/arm/root refused: image architecture aarch64 does not run on this x86_64 host" ] ||
	fail "unclear error: $(cat "$T/err")"
# a refused attach is rolled back: the zone it made for the image is gone (as a failed
# create's), the image where it was
! lxzone info armz 2>/dev/null || fail "a refused attach left zone armz"
[ -f "$T/arm/root/bin/sh" ] || fail "the refused attach touched the image"
echo "ok: detach/attach, architecture check"

# Two lifecycle commands on one zone: the second waits, then fails clearly.
(flock 9; sleep 3) 9>"$LXZONE_ROOT/p/.lock" &
sleep 0.5
if LXZONE_LOCK_TIMEOUT=1 lxzone uninstall p 2>"$T/err"; then fail "ran under another's lock"; fi
[ "$(cat "$T/err")" = "lxzone: uninstall p: zone p is busy: another lxzone command holds its lock (waited 1s); try again when it is done, or wait longer with LXZONE_LOCK_TIMEOUT" ] ||
	fail "unclear error: $(cat "$T/err")"
wait
lxzone uninstall p
expect_state p configured

lxzone list --json | python3 -c 'import json,sys; z = json.load(sys.stdin); assert {x["name"] for x in z} >= {"p", "p3"}, z'
for z in p p3 armz p2 p2; do lxzone destroy $z 2>/dev/null || true; done
[ -z "$(lxzone list --json | python3 -c 'import json,sys; print(" ".join(x["name"] for x in json.load(sys.stdin)))')" ] || fail "zones left"
echo PASS
