#!/bin/sh
# native-root.sh ROOT CMD...: the native counterpart of `lxrun --root ROOT -- CMD...`.
# New mount, pid, uts and ipc namespaces; /proc, /dev nodes and a /tmp tmpfs in the root
# (private to the namespace, gone when it ends); the program runs as a child of a waiting
# PID 1, so it is not itself PID 1, as under lxrun's init. Exit status: the program's,
# 128+N if it was killed by signal N.
root=$1
shift
exec unshare --mount --pid --uts --ipc --fork -- /bin/sh -c '
	set -e
	r=$1; shift
	mount --make-rprivate /
	mount -t proc proc "$r/proc"
	mount -t tmpfs -o mode=0755 dev "$r/dev"
	for d in null zero full random urandom tty; do
		touch "$r/dev/$d"
		mount --bind "/dev/$d" "$r/dev/$d"
	done
	mkdir -p "$r/dev/pts" "$r/dev/shm"
	mount -t tmpfs -o mode=1777 tmp "$r/tmp"
	hostname lxzone
	set +e
	chroot "$r" "$@"
' native-root "$root" "$@"
