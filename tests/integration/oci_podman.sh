#!/bin/sh
# podman with lxzone-oci as its runtime (conmon drives it as it drives runc): an image from
# `podman import` of the busybox tarball, `run --rm` with output and exit status, a detached
# container, `podman exec` in it, `podman stop` and `rm`, a pod with a user namespace.  Podman's storage and its tmpdir
# (the exits directory, the alive/refresh state) are private to the test, under the work
# directory, so nothing of the host's podman is touched and every run is podman's first.
# On this machine podman needs cgroupfs, no network and explicit ulimits (docs/oci.md).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/oci_podman_lib.sh"
RUNOPTS="--network none $RUNOPTS"
NAME=h7podman$$
# a call that timed out leaves conmon and the container behind: end them before the work
# directory goes
trap 'P rm -f -t 0 "$NAME" "${NAME}io" >/dev/null 2>&1; P pod rm -f "${NAME}pod" >/dev/null 2>&1; pkill -KILL -f "$WORK/"; cleanup_work' EXIT

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

# --ulimit core=-1: podman writes RLIM_INFINITY as Go's uint64 18446744073709551615, which
# the JSON reader must take (jansson's integers stop at 2^63 - 1)
# shellcheck disable=SC2086
out=$(P run --rm $RUNOPTS --ulimit core=-1:-1 localhost/lxzone-oci-busybox sh -c 'ulimit -c; ulimit -Hc') ||
	fail "podman run --ulimit core=-1 exited $?: $out"
[ "$(echo $out)" = "unlimited unlimited" ] || fail "--ulimit core=-1: $out"
echo "ok   podman run --ulimit core=-1 (RLIM_INFINITY as Go writes it)"

# --tmpfs and --read-only: podman's tmpfs mounts ask for runc's tmpcopyup (the covered
# directory's files copied in)
# shellcheck disable=SC2086
out=$(P run --rm --read-only --tmpfs /etc:size=2m $RUNOPTS localhost/lxzone-oci-busybox sh -c \
	'head -1 /etc/passwd; touch /x 2>/dev/null || echo ro; touch /tmp/x /run/x && echo tmp-rw; grep -c " /etc tmpfs .*size=2048k" /proc/self/mounts' | tr '\n' ' ')
[ "$out" = "root:x:0:0:root:/root:/bin/sh ro tmp-rw 1 " ] && echo "ok   podman run --read-only --tmpfs /etc (copied up)" ||
	fail "podman run --read-only --tmpfs /etc: '$out'"
# --privileged: podman lists every host device in linux.devices (more than the plan once
# held); the container has the nodes runc gives it
list='find /dev -maxdepth 1 \( -type c -o -type b \) | sort'
# shellcheck disable=SC2086
want=$(podman --root "$WORK/storage" --runroot "$WORK/run" --tmpdir "$WORK/tmp" --storage-driver vfs \
	--cgroup-manager cgroupfs --events-backend file --runtime runc run --rm --privileged $RUNOPTS \
	localhost/lxzone-oci-busybox sh -c "$list" 2>/dev/null)
# shellcheck disable=SC2086
out=$(P run --rm --privileged $RUNOPTS localhost/lxzone-oci-busybox sh -c "$list")
echo "$out" | grep -qx /dev/null && { [ -z "$want" ] || [ "$out" = "$want" ]; } &&
	echo "ok   podman run --privileged ($(echo "$out" | wc -l) device nodes, as under runc)" ||
	fail "podman run --privileged: $(echo "$out" | wc -l) device nodes, runc $(echo "$want" | wc -l)"

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
# timing).  This terminal is given no input at all (pty_run.py, PT).
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
# --pid container:X: the other container's pid namespace by path, without a user namespace
# (its PID 1 forked into it only once set up: launch_joins_pidns_late); the program sees
# X's sleep and is not PID 1, and X's exec sees the program
# shellcheck disable=SC2086
out=$(P run --rm $RUNOPTS --pid "container:$NAME" localhost/lxzone-oci-busybox sh -c \
	'echo $$; cat /proc/1/cmdline | tr "\0" " "; echo; ps -o args | grep -c "^sleep 300"') ||
	fail "podman run --pid container: exited $?: $out"
[ "$(echo $out)" = "$(echo "$out" | head -1) sleep 300 1" ] && [ "$(echo "$out" | head -1)" != 1 ] ||
	fail "podman run --pid container: sees $out"
# and with -it: the terminal is init's controlling terminal though init was forked by a
# setup that exits (the session is init's: container_forked)
# shellcheck disable=SC2086
out=$(PT run -it --rm $RUNOPTS --pid "container:$NAME" localhost/lxzone-oci-busybox sh -c \
	'tty; read -r a b c d e f t r </proc/self/stat; echo "ctty-$t"; echo pid-it; exit 3')
rc=$?
[ $rc = 124 ] && hung run -it --pid >&2
echo "$out" | grep -q "^pid-it" && echo "$out" | grep -q "/dev/pts/" && ! echo "$out" | grep -q "^ctty-0" ||
	fail "podman run -it --pid container: $out"
[ $rc = 3 ] || fail "podman run -it --pid container:'s status: $rc (want 3)"
echo "ok   podman run --pid container:X (its namespace joined; the program not PID 1; -it)"
P stop -t 1 "$NAME" >/dev/null || fail "podman stop exited $?"
[ "$(P inspect -f '{{.State.Status}}' "$NAME")" = exited ] ||
	fail "after stop: $(P inspect -f '{{.State.Status}}' "$NAME" 2>&1)"
P rm "$NAME" >/dev/null || fail "podman rm exited $?"
echo "ok   podman run -d, exec (output, status), stop, rm"

# podman stats' BLOCK I/O: the container's own blkio cgroup counts its synced writes (it read
# 0B / 0B before stop 44, the container being in the blkio hierarchy's root)
# shellcheck disable=SC2086
P run -d --name "${NAME}io" $RUNOPTS localhost/lxzone-oci-busybox \
	sh -c 'dd if=/dev/zero of=/io bs=64k count=16 conv=fsync 2>/dev/null; touch /io-done; exec sleep 300' >/dev/null ||
	fail "podman run -d (block I/O) exited $?"
i=0
until P exec "${NAME}io" test -e /io-done 2>/dev/null || [ $i -ge 50 ]; do
	sleep 0.2
	i=$((i + 1))
done
io=$(P stats --no-stream --format '{{.BlockIO}}' "${NAME}io")
P rm -f -t 0 "${NAME}io" >/dev/null 2>&1
case "$io" in
*" / 0B" | "") fail "podman stats: BLOCK I/O '$io' after 1 MiB written and synced" ;;
esac
echo "ok   podman stats (BLOCK I/O of the container's own writes: $io)"

# a pod with a user namespace (podman pod create --uidmap): its infra container makes it, and
# each container of the pod joins it by path with the infra's network, uts and ipc (as
# Kubernetes' user-namespaced pods do); the infra container takes containers.conf's ulimits
printf '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]\n' >"$WORK/containers.conf"
CONTAINERS_CONF=$WORK/containers.conf P pod create --name "${NAME}pod" --network none \
	--uidmap 0:200000:65536 --gidmap 0:200000:65536 >/dev/null || fail "podman pod create --uidmap exited $?"
P run -d --name "${NAME}c" --pod "${NAME}pod" --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 localhost/lxzone-oci-busybox sleep 300 >/dev/null ||
	fail "podman run --pod (user namespace) exited $?"
infra=$(P pod inspect -f '{{.InfraContainerID}}' "${NAME}pod")
ip=$(P inspect -f '{{.State.Pid}}' "$infra")
cp=$(P inspect -f '{{.State.Pid}}' "${NAME}c")
for n in user net uts ipc; do
	[ -n "$cp" ] && [ "$(readlink "/proc/$cp/ns/$n")" = "$(readlink "/proc/$ip/ns/$n")" ] ||
		fail "pod: the container's $n namespace is not the infra container's"
done
[ "$(awk '/^Uid:/ {print $2}' "/proc/$cp/status" 2>/dev/null)" = 200000 ] || fail "pod: the container's root is not host uid 200000"
[ "$(P exec "${NAME}c" sh -c 'id -u; cat /proc/self/uid_map' | tr -s ' \n' ' ')" = "0 0 200000 65536 " ] ||
	fail "pod: exec: $(P exec "${NAME}c" sh -c 'id -u; cat /proc/self/uid_map' 2>&1)"
# stopped first: `pod rm -f` races conmon's `podman container cleanup` for the infra's shm
# (podman's rm finds the storage marked unmounted while that process is still unmounting it,
# and its unlinkat of userdata/shm fails EBUSY: 3 of 6 here with lxzone-oci, 0 of 6 with
# runc, whose exits come at other times; stop, then rm: 0 of 8 at stop 36, 1 of 6 at stop 37,
# the same build), and rm only once the containers' conmons and the cleanups they start are
# gone (at most 10 s): podman's own work, which `pod stop` does not wait for
P pod stop -t 0 "${NAME}pod" >/dev/null || fail "podman pod stop exited $?"
i=0
while pgrep -f "conmon .*$WORK/|podman .*$WORK/.* container cleanup" >/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
out=$(P pod rm "${NAME}pod" 2>&1) || fail "podman pod rm exited $?: $out"
echo "ok   podman pod with a user namespace (--uidmap): a container joins the infra's by path"

# a user namespace in the host's network namespace: podman binds the host's /sys (the kernel
# refuses a sysfs there to a process of the user namespace), which is taken as the plan's
out=$(P run --rm --uidmap 0:200000:65536 --gidmap 0:200000:65536 --network host \
	--ulimit nofile=1024:1024 --ulimit nproc=4096:4096 localhost/lxzone-oci-busybox \
	sh -c 'readlink /proc/self/ns/net; ls /sys/class/net') || fail "podman run --uidmap --network host exited $?: $out"
[ "$(echo "$out" | head -1)" = "$(readlink /proc/self/ns/net)" ] || fail "--uidmap --network host: in $(echo "$out" | head -1)"
for i in $(ls /sys/class/net); do
	echo "$out" | grep -qx "$i" || fail "--uidmap --network host: /sys/class/net lacks the host's $i"
done
echo "ok   podman run --uidmap --network host (the host's network namespace and its /sys/class/net)"

# a user namespace of its own with a cgroup namespace by path (podman's --cgroupns=ns:PATH),
# one the host's user namespace owns: joined before the user namespace, as runc's nsexec
# does (runc 1.1.5 then fails its own cgroup mount there with EPERM; refused until stop 44)
cgroupns_holder
out=$(P run --rm --uidmap 0:200000:65536 --gidmap 0:200000:65536 --network none \
	--cgroupns "ns:/proc/$CGNS_PID/ns/cgroup" --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 \
	localhost/lxzone-oci-busybox sh -c 'readlink /proc/self/ns/cgroup; id -u; ls /sys/fs/cgroup/pids | grep -c cgroup.procs' 2>&1) ||
	fail "podman run --uidmap --cgroupns ns:PATH exited $?: $out"
kill "$CGNS_PID" "$CGNS_OWNER" 2>/dev/null
[ "$(echo "$out" | tr '\n' ' ')" = "$CGNS 0 1 " ] || fail "podman run --uidmap --cgroupns ns:PATH: $out"
echo "ok   podman run --uidmap --cgroupns ns:PATH (joined, the container's root, its cgroup mount)"

# a set-user-ID root program in an image, run as uid 1000 (podman's default: no user
# namespace, no no-new-privileges): its credentials as under runc, through the host
# binfmt_misc's entry (oci_privexec.sh has the rest); none with --security-opt
# no-new-privileges
PX=$LXZONE_BUILD/tests/bin/it_privexec
if [ -x "$PX" ] && [ -d /proc/sys/fs/binfmt_misc ]; then
	mkdir -p "$WORK/suidroot"
	tar -xzf "$TARBALL" -C "$WORK/suidroot"
	mkdir -p "$WORK/suidroot/usr/local/bin"
	cp "$PX" "$WORK/suidroot/usr/local/bin/suid"
	chown 0:0 "$WORK/suidroot/usr/local/bin/suid"
	chmod 4755 "$WORK/suidroot/usr/local/bin/suid"
	tar -czf "$WORK/suid.tar.gz" -C "$WORK/suidroot" .
	P import "$WORK/suid.tar.gz" localhost/lxzone-oci-suid >/dev/null 2>&1 || fail "podman import (suid) exited $?"
	# shellcheck disable=SC2086
	out=$(P run --rm $RUNOPTS --user 1000:1000 localhost/lxzone-oci-suid /usr/local/bin/suid who)
	echo "$out" | grep -q " euid=0 " && echo "$out" | grep -q "^uid=1000 " &&
		echo "$out" | grep -q " secure=1 " || fail "podman run --user 1000 of a set-user-ID program: $out"
	# shellcheck disable=SC2086
	out=$(P run --rm $RUNOPTS --user 1000:1000 localhost/lxzone-oci-suid sh -c '/usr/local/bin/suid who')
	echo "$out" | grep -q " euid=0 " || fail "podman run --user 1000, a shell's set-user-ID program: $out"
	# shellcheck disable=SC2086
	out=$(P run --rm $RUNOPTS --user 1000:1000 --security-opt no-new-privileges localhost/lxzone-oci-suid \
		/usr/local/bin/suid who)
	echo "$out" | grep -q " euid=1000 " || fail "podman run --security-opt no-new-privileges: $out"
	echo "ok   podman run --user 1000 of a set-user-ID program (euid 0; 1000 under no-new-privileges)"
else
	echo "note: no it_privexec or no binfmt_misc: set-user-ID under podman not checked"
fi

[ $failures = 0 ] || exit 1
echo PASS
