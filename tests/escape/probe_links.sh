#!/bin/sh
# probe_links: symlinks and hard links in images and in --mount.
# Safe outcome: an archive's symlink out of the root with a file written through it, and its
# hard links to a host file (absolute and ../), leave the host untouched; a directory image
# holding a hard link to a host file installs a copy, not the host's inode; a `mount` whose
# zone path goes through a symlink in the image (absolute, or ../ climbing out) is refused or
# lands inside the zone's root -- never on the host's path, in any mount namespace.
# Everything it makes is under its scratch directory (ESCAPE_TMP) and its zones.
set -u
: "${LXZONE:?} ${ESCAPE_TMP:?} ${LXZONE_BUILTIN_IMAGES:?}"
t=$ESCAPE_TMP
out="$t/outside"
mkdir -p "$out/sub" "$out/sub2" "$t/bindsrc"
echo original >"$out/victim"
echo bound >"$t/bindsrc/marker"
touch "$t/stamp"
sleep 1
z1=esc$$a
z2=esc$$b
cleanup() {
	for z in $z1 $z2; do
		"$LXZONE" halt $z >/dev/null 2>&1
		"$LXZONE" destroy $z >/dev/null 2>&1
	done
}
trap cleanup EXIT
escaped() {
	echo "ESCAPED: $*"
	exit 1
}
victim_ok() { # WHEN
	[ "$(cat "$out/victim")" = original ] || escaped "$1: the host file's content changed"
	[ "$(stat -c %h "$out/victim")" = "$2" ] || escaped "$1: the host file has $(stat -c %h "$out/victim") links, not $2 (a zone file is the host's inode)"
	new=$(find "$out" -newer "$t/stamp" ! -path "$out" ! -path "$out/sub" ! -path "$out/sub2")
	[ -z "$new" ] || escaped "$1: written outside the zone root: $new"
}

# 1. an archive: a symlink out then a file through it, hard links to the host file
python3 - "$t/evil.tar" "$out" <<'PY'
import io, sys, tarfile
path, out = sys.argv[1], sys.argv[2]
def add(t, name, data=None, **kw):
    ti = tarfile.TarInfo(name)
    for k, v in kw.items():
        setattr(ti, k, v)
    if data is not None:
        ti.size = len(data)
    t.addfile(ti, io.BytesIO(data) if data is not None else None)
with tarfile.open(path, "w") as t:
    add(t, "abs", type=tarfile.SYMTYPE, linkname=out)
    add(t, "abs/pwned", b"through an absolute symlink")
    add(t, "rel", type=tarfile.SYMTYPE, linkname="../" * 16 + out.lstrip("/"))
    add(t, "rel/pwned2", b"through a relative symlink")
    add(t, "hl", type=tarfile.LNKTYPE, linkname=out + "/victim")
    add(t, "hl2", type=tarfile.LNKTYPE, linkname="../" * 16 + out.lstrip("/") + "/victim")
    add(t, "hl3", b"after the hard link")
PY
"$LXZONE" create $z1 --image "$t/evil.tar" >"$t/install1.log" 2>&1
victim_ok "install of a crafted archive" 1
for f in hl hl2; do
	[ -e "$LXZONE_ROOT/$z1/root/$f" ] && [ "$(stat -c %i "$LXZONE_ROOT/$z1/root/$f")" = "$(stat -c %i "$out/victim")" ] &&
		escaped "archive hard link $f is the host file"
done
"$LXZONE" destroy $z1 >/dev/null 2>&1

# 2. a directory image (p2v) with a hard link to the host file and symlinks out
img="$t/image"
cp -a "$LXZONE_BUILTIN_IMAGES/busybox" "$img"
ln "$out/victim" "$img/victim-link"
ln -s "$out" "$img/abs"
ln -s "$(echo "$img" | sed 's|/[^/]*|../|g')..$out" "$img/up"
"$LXZONE" create $z2 --image "$img" >"$t/install2.log" 2>&1 || escaped "cannot install the directory image: $(tail -n 2 "$t/install2.log")"
victim_ok "install of a directory image" 2
[ "$(stat -c %i "$LXZONE_ROOT/$z2/root/victim-link")" = "$(stat -c %i "$out/victim")" ] &&
	escaped "the zone's victim-link is the host's inode"

# 3. mounts whose zone path goes through those symlinks
"$LXZONE" configure $z2 "mount+=$t/bindsrc:/abs/sub:ro" "mount+=$t/bindsrc:/up$out/sub2:ro" >/dev/null 2>&1 ||
	escaped "cannot configure the mounts"
if "$LXZONE" boot $z2 >"$t/boot.log" 2>&1; then
	booted=1
else
	booted=0
fi
victim_ok "boot with mounts through symlinks" 2
# a bind on the host's path, in the namespace of any process whose root is the host's /
hostroot=$(stat -L -c %d:%i /)
for p in /proc/[0-9]*; do
	[ "$(stat -L -c %d:%i "$p/root" 2>/dev/null)" = "$hostroot" ] || continue
	for s in sub sub2; do
		[ -e "$p/root$out/$s/marker" ] && escaped "a zone mount landed on the host path $out/$s (seen by pid ${p#/proc/})"
	done
done
if [ $booted = 1 ]; then
	inside=$("$LXZONE" exec $z2 -- /bin/sh -c "cat /abs/sub/marker /up$out/sub2/marker" 2>&1)
	victim_ok "exec in the zone" 2
	echo "safe: archive and directory links stay in the root; the symlinked mounts landed inside the zone's root (${inside:-nothing mounted} there), nothing on the host"
else
	echo "safe: archive and directory links stay in the root; boot refused mounts through image symlinks: $(grep -v "boot failed" "$LXZONE_ROOT/$z2/console.log" 2>/dev/null | tail -n 1)"
fi
exit 0
