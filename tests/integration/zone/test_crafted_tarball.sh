#!/bin/sh
# Must work #6: a crafted tarball with ../../etc/x, an absolute symlink, a symlink-then-file
# trick and a device node: nothing lands outside the zone root.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/outside"
echo original >"$T/outside/victim"
touch "$T/marker"
sleep 1

python3 - "$T/evil.tar.xz" "$T/outside" <<'PY'
import io, sys, tarfile
out, outside = sys.argv[1], sys.argv[2]
def add(t, name, data=None, **kw):
    ti = tarfile.TarInfo(name)
    for k, v in kw.items():
        setattr(ti, k, v)
    if data is not None:
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
    else:
        t.addfile(ti)
with tarfile.open(out, "w:xz") as t:
    add(t, "bin", type=tarfile.DIRTYPE, mode=0o755)
    add(t, "bin/true", b"#!/bin/sh\n", mode=0o755)
    add(t, "../../etc/x", b"dotdot")
    add(t, "../../../x", b"dotdot3")
    add(t, "/etc/abs", b"absolute name")
    # absolute symlink to the host's outside dir, then a file through it
    add(t, "abs", type=tarfile.SYMTYPE, linkname=outside)
    add(t, "abs/pwned", b"pwned")
    # symlink to the victim, then a regular file of the same name
    add(t, "victim", type=tarfile.SYMTYPE, linkname=outside + "/victim")
    add(t, "victim", b"overwritten?")
    # symlink to /, then a file beneath it
    add(t, "r", type=tarfile.SYMTYPE, linkname="/")
    add(t, "r/etc/through-root-link", b"inside")
    # hard link out of the root
    add(t, "hl", type=tarfile.LNKTYPE, linkname="../../../outside/victim")
    add(t, "dev/kmem", type=tarfile.CHRTYPE, devmajor=1, devminor=2)
PY

lxzone create evil
lxzone install evil "$T/evil.tar.xz" 2>"$T/install.err" || fail "install failed: $(cat "$T/install.err")"
cat "$T/install.err"
root="$LXZONE_ROOT/evil/root"

# Nothing outside the zone root is new or changed.
new=$(find "$T" -mindepth 1 -newer "$T/marker" ! -path "$root*" ! -path "$T/evil.tar.xz" \
	! -path "$LXZONE_ROOT" ! -path "$LXZONE_ROOT/evil" ! -path "$LXZONE_ROOT/evil/*.json" \
	! -path "$LXZONE_ROOT/evil/.lock" ! -path "$LXZONE_ROOT/.idmap.lock" \
	! -path "$T/install.err" -print)
[ -z "$new" ] || fail "written outside the zone root: $new"
[ "$(cat "$T/outside/victim")" = original ] || fail "victim overwritten"
[ ! -e "$T/outside/pwned" ] || fail "file written through an absolute symlink"
[ ! -e /etc/through-root-link ] || fail "file written through a symlink to /"
[ ! -e "$T/x" ] && [ ! -e "$LXZONE_ROOT/etc/x" ] || fail "'..' entry escaped"
echo "ok: nothing outside the root"

# Refusals are reported; confined entries are inside.
grep -q "refused ../../etc/x" "$T/install.err" || fail "'..' entry not reported"
grep -q "skipped 1 device node (a zone's /dev is made at boot)" "$T/install.err" ||
	fail "device node not reported"
grep -q "refused abs/pwned" "$T/install.err" || fail "entry through an outside symlink not reported"
grep -q "refused hl: hard link" "$T/install.err" || fail "hard link out not reported"
[ ! -e "$root/dev/kmem" ] || fail "device node created"
[ "$(cat "$root/etc/abs")" = "absolute name" ] || fail "absolute name not confined"
[ -f "$root/victim" ] && [ ! -L "$root/victim" ] || fail "victim is not a plain file in the root"
[ "$(cat "$root/etc/through-root-link")" = inside ] || fail "symlink-to-/ entry not confined"
echo "ok: refused and confined entries as expected"
expect_state evil installed
lxzone destroy evil
echo PASS
