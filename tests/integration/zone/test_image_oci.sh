#!/bin/sh
# OCI images (zone/oci.c): a layout, an oci-archive and a docker-archive built here by
# make_oci_image.sh (two layers, a whiteout, an opaque directory, a static busybox), each made
# into a zone whose root has the layers applied and whose exec and run --from default to the
# config's Entrypoint/Cmd, Env, WorkingDir and User. Bad input is one line and leaves no zone.
# With podman installed, an oci-archive podman saves is also taken.
. "$(dirname "$0")/lib.sh"
need_brand
[ -x /bin/busybox ] || skip "no /bin/busybox (busybox-static) to build the test image from"
I="$T/img"
sh "$(dirname "$0")/make_oci_image.sh" "$I" /bin/busybox >/dev/null

check_root() { # ZONE: the layers applied, whiteouts and opaque directory honoured
	r="$LXZONE_ROOT/$1/root"
	[ -x "$r/bin/busybox" ] && [ -f "$r/hello" ] && [ -f "$r/keep/a" ] && [ -f "$r/opq/new" ] ||
		fail "$1: a layer's files are missing"
	[ ! -e "$r/etc/gone" ] || fail "$1: etc/gone survived its whiteout"
	[ ! -e "$r/opq/old" ] || fail "$1: opq/old survived the opaque directory"
	ls -a "$r/etc" "$r/opq" | grep -q '^\.wh\.' && fail "$1: a whiteout file was installed"
	echo "ok: $1: layers, whiteout and opaque directory"
}

n=0
for src in "oci:$I/layout:v1" "oci:$I/layout" "oci-archive:$I/image.oci.tar:v1" \
	"docker-archive:$I/image.docker.tar"; do
	n=$((n + 1))
	Z=h9oci$n
	lxzone create $Z --image "$src" >/dev/null
	check_root $Z
	lxzone boot $Z >/dev/null
	out=$(lxzone exec $Z | tr '\n' ' ')
	[ "$out" = "hi-from-oci /work 1000 " ] || fail "$src: exec with no command printed '$out'"
	echo "ok: $src: exec runs the config's Entrypoint+Cmd with its Env, WorkingDir, User"
	out=$(lxzone exec $Z --user 0 --workdir / -- sh -c 'pwd; id -u' | tr '\n' ' ')
	[ "$out" = "/ 0 " ] || fail "$src: --user/--workdir did not override: '$out'"
	lxzone halt $Z >/dev/null
done
lxzone info h9oci1 | grep -q '"entrypoint":\["/bin/sh","-c"\]' || fail "info does not show the config"
lxzone configure h9oci2 golden=true >/dev/null
out=$(lxzone run --from h9oci2 | tr '\n' ' ')
[ "$out" = "hi-from-oci /work 1000 " ] || fail "run --from printed '$out'"
echo "ok: run --from an image zone runs its command"
for z in 1 2 3 4; do lxzone destroy h9oci$z >/dev/null; done

bad() { # SRC MESSAGE: one line, non-zero, no zone (create), still configured (install)
	set +e
	err=$(lxzone create h9ocibad --image "$1" 2>&1)
	st=$?
	set -e
	[ $st != 0 ] || fail "$1: accepted"
	[ "$(echo "$err" | wc -l)" = 1 ] || fail "$1: not one line: $err"
	echo "$err" | grep -q "$2" || fail "$1: '$err' does not say '$2'"
	lxzone list | grep -q h9ocibad && fail "$1: a zone was left"
	lxzone create h9ocibad >/dev/null
	lxzone install h9ocibad "$1" 2>/dev/null && fail "$1: install accepted it"
	expect_state h9ocibad configured >/dev/null
	lxzone destroy h9ocibad >/dev/null
	echo "ok: refused: $err"
}
bad "$I/layout" "an OCI image layout, not a root file system; use --image oci:"
bad "oci:$I/layout:v2" "no manifest tagged v2"
B="$T/bad"
cp -r "$I/layout" "$B"
h=$(ls "$B/blobs/sha256" | head -1)
f="$B/blobs/sha256/$h"
cp "$f" "$T/saved"
printf 'Z' | dd of="$f" bs=1 count=1 conv=notrunc 2>/dev/null
cmp -s "$f" "$T/saved" && printf 'Y' | dd of="$f" bs=1 count=1 conv=notrunc 2>/dev/null
bad "oci:$B" "digest mismatch"
rm "$f"
bad "oci:$B" "No such file or directory"
cp "$T/saved" "$f"
sed -i 's/image.manifest.v1+json/image.manifest.v9+json/' "$B/index.json"
bad "oci:$B" "unsupported media type"
echo '{' >"$B/index.json"
bad "oci:$B" "bad JSON"
bad "docker-archive:$I/image.oci.tar" "not a docker-archive"
echo junk >"$T/junk.tar"
bad "oci-archive:$T/junk.tar" "not an image"

# A real tool's output, when one is installed (no network: busybox imported as a tarball).
if command -v podman >/dev/null; then
	tar -C "$I/l1" -cf "$T/bb.tar" .
	P="--root $T/podman --runroot $T/podman-run --storage-driver vfs"
	podman $P import -q -c 'CMD ["/bin/sh","-c","echo from-podman"]' "$T/bb.tar" lxzone-h9-bb >/dev/null
	podman $P save -q --format oci-archive -o "$T/podman.tar" lxzone-h9-bb
	lxzone create h9ocipod --image "oci-archive:$T/podman.tar" >/dev/null
	lxzone boot h9ocipod >/dev/null
	out=$(lxzone exec h9ocipod)
	[ "$out" = from-podman ] || fail "podman's image ran '$out'"
	lxzone halt h9ocipod >/dev/null
	echo "ok: podman save --format oci-archive"
else
	echo "note: podman not installed; the podman-made image part is not run"
fi
echo "all checks passed"
