# The host binfmt_misc's lxzone-oci entry, which containers without a user namespace and
# privileged zones run set-user-ID programs through (zone/launch/launch_binfmt.c); sourced by
# oci_privexec.sh and zone/test_privexec.sh.

# binfmt_others N [ZONE]: true when more than N live page daemons (lxzone-oci-page; not the
# exited ones) or a booted zone other than ZONE run: they would register the entry again too.
binfmt_others() {
	daemons=$(ps -C lxzone-oci-page -o stat= | grep -vc '^Z' || true)
	[ "$daemons" -gt "$1" ] || pgrep -af "lxzone boot " | grep -qv " ${2:-}\$"
}

# binfmt_flush_back: remove the entry, as a flush of the host's entries does; true when it is
# registered again within 2 s.
binfmt_flush_back() {
	echo -1 > /proc/sys/fs/binfmt_misc/lxzone-oci
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		[ -f /proc/sys/fs/binfmt_misc/lxzone-oci ] && return 0
		sleep 0.1
	done
	return 1
}
