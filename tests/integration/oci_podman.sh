#!/bin/sh
# podman with lxzone-oci as its runtime (conmon drives it as it drives runc): an image from
# `podman import` of the busybox tarball, `run --rm` with output and exit status, a detached
# container, `podman exec` in it, `podman stop` and `rm`.  Podman's storage and its tmpdir
# (the exits directory, the alive/refresh state) are private to the test, under the work
# directory, so nothing of the host's podman is touched and every run is podman's first.
# On this machine podman needs cgroupfs, no network and explicit ulimits (docs/oci.md).
. "$(dirname "$0")/lib.sh"
need_root
command -v podman >/dev/null 2>&1 || skip "podman not installed (apt-get install podman)"
OCI=$LXZONE_BUILD/bin/lxzone-oci
TARBALL=$LXZONE_BUILD/images/busybox.tar.gz
[ -x "$OCI" ] || skip "lxzone-oci not built at $OCI"
[ -f "$TARBALL" ] || skip "busybox tarball not built at $TARBALL (target image-busybox)"
export LXZONE_CGROUP_PARENT=${LXZONE_CGROUP_PARENT:-lxzone-oci-test}
# Each podman call gets 40 s (ctest gives the whole test 120): a call that hangs is named,
# with the processes it left and where each waits in the kernel, instead of ctest's bare
# "Timeout" (CI once hung after the first step and said nothing more).
PODMAN_T=${PODMAN_T:-40}
hung() {
	echo "HUNG ($PODMAN_T s): podman $*"
	ps -eo pid,ppid,stat,wchan:24,args | grep -F "$WORK" | grep -v grep | cut -c1-240
	for pid in $(pgrep -f "$WORK"); do
		echo "--- $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
		cat "/proc/$pid/stack" 2>/dev/null | head -8
		ls -l "/proc/$pid/fd" 2>/dev/null | sed 1d | awk '{print $9, $10, $11}' | head -12
	done
}
P() {
	timeout "$PODMAN_T" podman --root "$WORK/storage" --runroot "$WORK/run" --tmpdir "$WORK/tmp" --storage-driver vfs \
		--cgroup-manager cgroupfs --events-backend file --runtime "$OCI" "$@"
	rc=$?
	[ $rc = 124 ] && hung "$@" >&2
	return $rc
}
RUNOPTS="--network none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096"
NAME=h7podman$$
# a call that timed out leaves conmon and the container behind: end them before the work
# directory goes
trap 'P rm -f -t 0 "$NAME" >/dev/null 2>&1; pkill -KILL -f "$WORK/"; cleanup_work' EXIT

P import "$TARBALL" localhost/lxzone-oci-busybox >/dev/null || fail "podman import exited $?"

# shellcheck disable=SC2086
out=$(P run --rm $RUNOPTS localhost/lxzone-oci-busybox sh -c 'echo hello; cat /proc/sys/net/ipv4/ping_group_range')
rc=$?
[ $rc = 0 ] || fail "podman run --rm exited $rc"
[ "$(echo "$out" | head -1)" = hello ] || fail "podman run output: $out"
# shellcheck disable=SC2086
P run --rm $RUNOPTS localhost/lxzone-oci-busybox sh -c 'exit 5'
rc=$?
[ $rc = 5 ] || fail "podman run's status: $rc (want the program's 5)"
echo "ok   podman run --rm (output, sysctl, exit status)"

# shellcheck disable=SC2086
P run -d --name "$NAME" $RUNOPTS localhost/lxzone-oci-busybox sleep 300 >/dev/null ||
	fail "podman run -d exited $?"
[ "$(P inspect -f '{{.State.Status}}' "$NAME")" = running ] ||
	fail "detached container: $(P inspect -f '{{.State.Status}}' "$NAME" 2>&1)"
out=$(P exec "$NAME" sh -c 'echo in-$(hostname | cut -c1-4)')
[ -n "$out" ] && echo "$out" | grep -q '^in-' || fail "podman exec: $out"
P exec "$NAME" sh -c 'exit 4'
rc=$?
[ $rc = 4 ] || fail "podman exec's status: $rc (want 4)"
# -it: conmon's console socket, for run (create) and exec, under a terminal of its own.  Not
# script(1): with its standard input at end-of-file (/dev/null under ctest) script writes the
# terminal's EOF character to it at once; the line discipline keeps an EOF as a NUL byte,
# which becomes data when podman puts the terminal in raw mode (TCSETS, no flush) before
# reading it, and reaches the container's terminal, which echoes "^@" (one run in three, by
# timing).  This terminal is given no input at all.  timeout --foreground: a timeout that is
# not the terminal's session leader puts podman in a background process group, and podman's
# raw-mode tcsetattr then stops it (SIGTTOU) for good: a hang, not a failure.
pty_run() {
	python3 -c '
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        b = os.read(fd, 4096)
    except OSError:
        break
    if not b:
        break
    out += b
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(st))' "$@"
}
PT() {
	pty_run timeout --foreground -k 5 "$PODMAN_T" podman --root "$WORK/storage" --runroot "$WORK/run" \
		--tmpdir "$WORK/tmp" --storage-driver vfs --cgroup-manager cgroupfs --events-backend file \
		--runtime "$OCI" "$@"
}
out=$(PT exec -it "$NAME" sh -c 'tty; echo exec-it; exit 2')
rc=$?
[ $rc = 124 ] && hung exec -it >&2
echo "$out" | grep -q "^exec-it" && echo "$out" | grep -q "/dev/pts/" || fail "podman exec -it: $out"
[ $rc = 2 ] || fail "podman exec -it's status: $rc (want 2)"
# shellcheck disable=SC2086
out=$(PT run -it --rm $RUNOPTS localhost/lxzone-oci-busybox sh -c 'tty; echo run-it; exit 3')
rc=$?
[ $rc = 124 ] && hung run -it >&2
case $out in *"^@"*) fail "podman run -it: a NUL reached the terminal: $out" ;; esac
echo "$out" | grep -q "^run-it" && echo "$out" | grep -q "/dev/pts/" || fail "podman run -it: $out"
[ $rc = 3 ] || fail "podman run -it's status: $rc (want 3)"
echo "ok   podman run -it, exec -it (a terminal over the console socket, no stray input)"
P stop -t 1 "$NAME" >/dev/null || fail "podman stop exited $?"
[ "$(P inspect -f '{{.State.Status}}' "$NAME")" = exited ] ||
	fail "after stop: $(P inspect -f '{{.State.Status}}' "$NAME" 2>&1)"
P rm "$NAME" >/dev/null || fail "podman rm exited $?"
echo "ok   podman run -d, exec (output, status), stop, rm"

[ $failures = 0 ] || exit 1
echo PASS
