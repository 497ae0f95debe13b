#!/bin/sh
# lxzone-oci on a host without FUSE: the brand serves lxproc's files, trapping opens, as in a
# zone (docs/oci.md, "lxproc's files are the kernel's"). The runtime runs in a private mount
# namespace where /dev/null is bound over /dev/fuse (what a sandbox that hides FUSE does: the
# path opens, but it is not FUSE's node), so create must not plan the FUSE mount: the
# container still shows its 64 MiB as MemTotal (program and exec) with no lxproc mount, the
# page daemon runs without an lxprocfs server, and delete leaves no daemon, state or mount.
. "$(dirname "$0")/lib.sh"
need_root
need_image
need_cmd unshare
ID=h3nofuse$$
OCI_IDS="d r"
. "$(dirname "$0")/oci_lib.sh"
[ -c /dev/fuse ] || echo "note: no /dev/fuse on this host: the bind below hides nothing"

nofuse() { # COMMAND...: run as lxzone-oci in a mount namespace where /dev/fuse is /dev/null
	unshare -m --propagation private sh -c 'mount --bind /dev/null /dev/fuse 2>/dev/null ||
		[ ! -e /dev/fuse ] || exit 125; root=$1; shift; exec "$0" --root "$root" "$@"' \
		"$OCI" "$STATE" "$@"
}
daemon_of() { # ID: the page daemon holding the container's state directory (or its name)
	for p in $(pgrep -x lxzone-oci-page); do
		ls -l "/proc/$p/fd" 2>/dev/null | grep -q " $STATE/$1\( (deleted)\)\?\$" && echo "$p"
	done
}
config '["sh", "-c", "head -1 /proc/meminfo > /out/meminfo; grep -c \" - fuse lxproc \" /proc/self/mountinfo > /out/fusemounts; exec sleep 300"]' '
c["linux"]["resources"]["memory"] = {"limit": 64 * 1024 * 1024}'

nofuse run -d --bundle "$B" "${ID}d" || fail "run -d without FUSE exited $?"
wait_file "$WORK/out/fusemounts"
grep -q "^MemTotal: *65536 kB" "$WORK/out/meminfo" || fail "meminfo without FUSE: $(cat "$WORK/out/meminfo")"
[ "$(cat "$WORK/out/fusemounts")" = 0 ] || fail "lxproc FUSE mounts without FUSE: $(cat "$WORK/out/fusemounts")"
out=$(R exec "${ID}d" head -1 /proc/meminfo)
echo "$out" | grep -q "^MemTotal: *65536 kB" || fail "meminfo in exec without FUSE: $out"
daemon=$(daemon_of "${ID}d")
[ -n "$daemon" ] || fail "no page daemon holds $STATE/${ID}d"
[ -z "$(pgrep -P "$daemon" lxprocfs)" ] || fail "an lxprocfs server runs without FUSE"
echo "ok   run -d without FUSE: MemTotal 65536 kB from the brand (program and exec), no lxproc mount, no server"

R delete --force "${ID}d" || fail "delete --force exited $?"
[ ! -e "$STATE/${ID}d" ] || fail "state left after delete"
# delete returns once the daemon let go of the state directory, which it does as it exits:
# within a moment gone, or a zombie its reaper has not reaped yet
alive() { [ -n "$1" ] && [ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
i=0; while alive "$daemon" && [ $i -lt 10 ]; do sleep 0.1; i=$((i + 1)); done
alive "$daemon" && fail "the page daemon $daemon outlived delete: $(grep State "/proc/$daemon/status")"
grep -q "$B/rootfs" /proc/self/mounts && fail "a mount on the rootfs is left"

# run in the foreground, then nothing left
rm -f "$WORK/out/meminfo"
config '["sh", "-c", "head -1 /proc/meminfo > /out/meminfo; exit 3"]' '
c["linux"]["resources"]["memory"] = {"limit": 64 * 1024 * 1024}'
nofuse run --bundle "$B" "${ID}r"
st=$?
[ $st = 3 ] || fail "run without FUSE: status $st (want 3)"
grep -q "^MemTotal: *65536 kB" "$WORK/out/meminfo" || fail "meminfo in run without FUSE: $(cat "$WORK/out/meminfo")"
[ ! -e "$STATE/${ID}r" ] || fail "state left after run"
[ -z "$(daemon_of "${ID}r")" ] || fail "a page daemon left after run"
echo "ok   run without FUSE: status 3, MemTotal 65536 kB, nothing left"
[ $failures = 0 ] || exit 1
echo PASS
