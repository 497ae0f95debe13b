# podman with lxzone-oci as its runtime, for the podman tests (sourced after lib.sh): the
# checks that skip without podman, lxzone-oci or the busybox tarball; P, podman with its
# storage, run root and tmpdir (the exits directory, the alive/refresh state) private to the
# test under the work directory, so nothing of the host's podman is touched and every run is
# podman's first; PT, the same on a terminal of its own (pty_run.py); RUNOPTS, the ulimits
# this machine needs (docs/oci.md).
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
# timeout --foreground: a timeout that is not the terminal's session leader puts podman in a
# background process group, and podman's raw-mode tcsetattr then stops it (SIGTTOU) for good:
# a hang, not a failure.
PT() {
	python3 "$LXZONE_SRC/pty_run.py" timeout --foreground -k 5 "$PODMAN_T" podman \
		--root "$WORK/storage" --runroot "$WORK/run" --tmpdir "$WORK/tmp" --storage-driver vfs \
		--cgroup-manager cgroupfs --events-backend file --runtime "$OCI" "$@"
}
RUNOPTS="--ulimit nofile=1024:1024 --ulimit nproc=4096:4096"
