#!/bin/sh
# The launch paths that run after the brand's filter is on and before the brand is loaded, in
# whatever build runs this test: lxrun's exec of the brand, an OCI container's PID 1 (armed
# before start, its startContainer hooks spawned through the gate, a missing hook's process
# and PID 1 ending with their status), and an OCI exec's launcher. There only the gate and
# what the filter passes may be called. The sanitized build (`make asan`) runs this test too
# (label "sanitized"): before a call to a noreturn function AddressSanitizer calls
# sigaltstack, which the filter traps, so such code must be left alone by the sanitizers
# (launch_armed_exit, zone/launch/launch.h); a miss kills the process with SIGSYS, status
# 159, where a status of the program's or the runtime's own is wanted.
. "$(dirname "$0")/lib.sh"
need_root
need_image
have_lxrun || skip "lxrun not built at $LXRUN"
ID=armed$$
OCI_IDS="a b c d"
. "$(dirname "$0")/oci_lib.sh"

# launch ID CMD...: out and st of CMD (ID: its container, or -)
# (into a file, not a pipe: a detached container keeps what it inherited open)
launch() {
	shift
	"$@" >"$WORK/launch.out" 2>&1 </dev/null
	st=$?
	out=$(cat "$WORK/launch.out")
}

# status CASE WANT GOT [OUTPUT]
status() {
	if [ "$3" = "$2" ]; then
		echo "ok   $1: status $3"
	elif [ "$3" = 159 ]; then
		fail "$1: killed by SIGSYS (status 159), want $2: a call the filter traps after it went on: $4"
	else
		fail "$1: status $3, want $2: $4"
	fi
}

launch - "$LXRUN" --root "$IMAGE" -- /bin/sh -c 'echo lxrun-armed; exit 3'
status "lxrun" 3 "$st" "$out"
[ "$out" = lxrun-armed ] || fail "lxrun: output '$out', want lxrun-armed"

config '["sh", "-c", "echo oci-armed; exit 4"]' ''
launch "${ID}a" R run --bundle "$B" "${ID}a"
status "OCI run" 4 "$st" "$out"
[ "$out" = oci-armed ] || fail "OCI run: output '$out', want oci-armed"
R delete --force "${ID}a" 2>/dev/null

# a startContainer hook that runs (spawned by the armed PID 1 through the gate), then the program
config '["sh", "-c", "cat /out/hook; exit 6"]' "
c.setdefault('hooks', {})['startContainer'] = [{'path': '/bin/sh', 'args': ['sh', '-c', 'echo hook-ran > /out/hook']}]"
launch "${ID}b" R run --bundle "$B" "${ID}b"
status "OCI run with a startContainer hook" 6 "$st" "$out"
[ "$out" = hook-ran ] || fail "OCI run with a startContainer hook: output '$out', want hook-ran"
R delete --force "${ID}b" 2>/dev/null

# a hook that cannot run: its process says why and exits 127, PID 1 then ends the container
# with the runtime's status (126), as before the filter went on first
config '["true"]' "
c.setdefault('hooks', {})['startContainer'] = [{'path': '/no/such/hook'}]"
launch "${ID}c" R run --bundle "$B" "${ID}c"
status "OCI run with a missing startContainer hook" 126 "$st" "$out"
echo "$out" | grep -q "startContainer hook /no/such/hook: exit status 127" ||
	fail "OCI run with a missing startContainer hook: $out"
R delete --force "${ID}c" 2>/dev/null

# exec's launcher: armed before it forks the program
config '["sleep", "300"]' ''
launch "${ID}d" R run -d --bundle "$B" "${ID}d"
[ "$st" = 0 ] || fail "run -d exited $st: $out"
launch - R exec "${ID}d" sh -c 'echo exec-armed; exit 5'
status "OCI exec" 5 "$st" "$out"
[ "$out" = exec-armed ] || fail "OCI exec: output '$out', want exec-armed"
R delete --force "${ID}d" 2>/dev/null

[ "$failures" = 0 ] || exit 1
echo "PASS"
