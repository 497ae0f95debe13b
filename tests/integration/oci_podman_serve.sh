#!/bin/sh
# podman with lxzone-oci, the rest of issue 16's podman recipes: an image from an OCI archive
# (`podman run oci-archive:FILE`, made here by hand: two layers, a whiteout, an opaque
# directory, a zstd layer, Entrypoint/Cmd/Env/WorkingDir/User in its config) compared with
# `lxzone create --image oci-archive:` of the same file; and a detached web server (busybox
# httpd, under the brand: uname -r is the annotation's) on podman's default network (rootful:
# a bridge, CNI or netavark) with its port published on the host's loopback, its page fetched
# with curl through the published port, and the port closed again after `podman rm`.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/oci_podman_lib.sh"
need_cmd curl
[ -x /bin/busybox ] || skip "no /bin/busybox (busybox-static) to build the test image from"
[ -x "$LXZONE_BUILD/bin/lxzone" ] || skip "lxzone not built"
NAME=h7serve$$
ZONE=h7ociarch$$
export LXZONE_ROOT=$WORK/store
trap 'P rm -f -t 0 "$NAME" >/dev/null 2>&1; "$LXZONE_BUILD/bin/lxzone" halt "$ZONE" >/dev/null 2>&1
	"$LXZONE_BUILD/bin/lxzone" destroy "$ZONE" >/dev/null 2>&1; pkill -KILL -f "$WORK/"; cleanup_work' EXIT

# --- an OCI archive: podman and lxzone create each take it -----------------------------------
I=$WORK/img
sh "$LXZONE_SRC/zone/make_oci_image.sh" "$I" /bin/busybox >/dev/null || fail "make_oci_image.sh exited $?"
# shellcheck disable=SC2086
out=$(P run --rm --network none $RUNOPTS "oci-archive:$I/image.oci.tar" 2>"$WORK/err")
rc=$?
out=$(echo "$out" | tr '\n' ' ')
[ "$out" = "hi-from-oci /work 1000 " ] ||
	fail "podman run oci-archive: (the config's Entrypoint, Cmd, Env, WorkingDir, User) printed '$out' ($rc): $(tail -3 "$WORK/err")"
# the layers as podman applied them; the tag names the manifest
# shellcheck disable=SC2086
layers=$(P run --rm --network none $RUNOPTS --user 0 --entrypoint /bin/sh "oci-archive:$I/image.oci.tar:v1" \
	-c 'ls /opq; [ -e /etc/gone ] || echo gone; cat /hello /keep/a; exit 7')
rc=$?
layers=$(echo "$layers" | tr '\n' ' ')
[ "$layers" = "new gone hello a " ] || fail "podman: the archive's layers: '$layers'"
[ $rc = 7 ] || fail "podman run oci-archive:'s status: $rc (want 7)"
echo "ok   podman run oci-archive:FILE[:TAG] (config, layers, whiteout, opaque directory, status)"

L() { timeout "$PODMAN_T" "$LXZONE_BUILD/bin/lxzone" "$@"; }
L create "$ZONE" --image "oci-archive:$I/image.oci.tar" >/dev/null || fail "lxzone create --image oci-archive: exited $?"
L boot "$ZONE" >/dev/null || fail "lxzone boot exited $?"
zout=$(L exec "$ZONE" | tr '\n' ' ')
[ "$zout" = "$out" ] || fail "lxzone create --image oci-archive: ran '$zout', podman '$out'"
zlayers=$(L exec "$ZONE" --user 0 --workdir / -- /bin/sh -c 'ls /opq; [ -e /etc/gone ] || echo gone; cat /hello /keep/a' | tr '\n' ' ')
[ "$zlayers" = "new gone hello a " ] || fail "lxzone: the archive's layers: '$zlayers'"
L halt "$ZONE" >/dev/null
L destroy "$ZONE" >/dev/null || fail "lxzone destroy exited $?"
echo "ok   lxzone create --image oci-archive: of the same file: the same program, output and layers"

# --- a published port ------------------------------------------------------------------------
P import "$TARBALL" localhost/lxzone-oci-busybox >/dev/null || fail "podman import exited $?"
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
PORT2=$(free_port)
# a second port published on every address, fetched through the host's own address
HOSTIP=$(ip -4 -o addr show scope global 2>/dev/null | awk '{ sub("/.*", "", $4); print $4; exit }')
TOKEN=lxzone-served-$$-$(date +%s%N)
# shellcheck disable=SC2086
P run -d --name "$NAME" -p "127.0.0.1:$PORT:80" -p "$PORT2:80" $RUNOPTS --annotation io.lxzone.kernel-version=4.19.0 \
	localhost/lxzone-oci-busybox sh -c "mkdir -p /www && echo $TOKEN >/www/index.html && exec httpd -f -p 80 -h /www" \
	>/dev/null 2>"$WORK/err" || fail "podman run -d -p exited $?: $(tail -3 "$WORK/err")"
[ "$(P inspect -f '{{.State.Status}}' "$NAME")" = running ] ||
	fail "web server container: $(P inspect -f '{{.State.Status}}' "$NAME" 2>&1)"
P port "$NAME" | grep -q "^80/tcp -> 127.0.0.1:$PORT\$" || fail "podman port: $(P port "$NAME" 2>&1)"
P port "$NAME" | grep -q "^80/tcp -> 0.0.0.0:$PORT2\$" || fail "podman port: $(P port "$NAME" 2>&1)"
[ "$(P exec "$NAME" uname -r)" = 4.19.0 ] || fail "the server's container is not under the brand: uname -r $(P exec "$NAME" uname -r 2>&1)"
# the server may take a moment to listen
i=0
while ! page=$(curl -sS -m 5 "http://127.0.0.1:$PORT/" 2>"$WORK/curl") && [ $i -lt 20 ]; do
	sleep 0.5
	i=$((i + 1))
done
[ "$page" = "$TOKEN" ] || fail "curl through the published port: '$page' $(cat "$WORK/curl")"
if [ -n "$HOSTIP" ]; then
	page=$(curl -sS -m 5 "http://$HOSTIP:$PORT2/" 2>"$WORK/curl")
	[ "$page" = "$TOKEN" ] || fail "curl through $HOSTIP:$PORT2: '$page' $(cat "$WORK/curl")"
fi
P rm -f -t 0 "$NAME" >/dev/null || fail "podman rm -f exited $?"
curl -sS -m 5 "http://127.0.0.1:$PORT/" >/dev/null 2>&1 && fail "port $PORT still served after podman rm"
[ -n "$HOSTIP" ] && curl -sS -m 5 "http://$HOSTIP:$PORT2/" >/dev/null 2>&1 && fail "port $PORT2 still served after podman rm"
echo "ok   podman run -d -p 127.0.0.1:PORT:80 -p PORT2:80 (httpd under the brand, its page through both ports${HOSTIP:+, the second at $HOSTIP}, closed after rm)"

[ $failures = 0 ] || exit 1
echo PASS
