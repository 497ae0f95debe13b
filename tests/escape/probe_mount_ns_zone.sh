#!/bin/sh
# probe_mount_ns_zone: probe_mount_ns (listmount of every mount namespace id) in zones that
# claim the host's kernel release, where statmount/listmount are not answered ENOSYS for the
# zone's kernel-version (the suite's zone claims 5.15, older than the calls): a user-namespaced
# zone, where the filter passes them to the kernel, and a privileged one, where it refuses them.
# Safe outcome: the user-namespaced zone lists only its own namespaces (ENOENT for every other
# id, the host's included); the privileged zone gets ENOSYS.
set -u
: "${LXZONE:?} ${ESCAPE_BIN:?}"
zu=esc$$u
zp=esc$$p
cleanup() {
	for z in $zu $zp; do
		"$LXZONE" halt $z >/dev/null 2>&1
		"$LXZONE" destroy $z >/dev/null 2>&1
	done
}
trap cleanup EXIT
rel=$(uname -r)
said=""
for z in $zu $zp; do
	extra=""
	[ $z = $zp ] && extra=--privileged
	if ! "$LXZONE" create $z --image builtin:busybox --kernel-version "$rel" $extra \
		--mount "$ESCAPE_BIN:/escape:ro" >/dev/null 2>&1 || ! "$LXZONE" boot $z >/dev/null 2>&1; then
		echo "skip: cannot make zone $z ($extra)"
		exit 77
	fi
	line=$("$LXZONE" exec $z -- /escape/probe_mount_ns 2>&1 | tail -n 1)
	case $line in
	safe:*) ;;
	ESCAPED:*)
		echo "ESCAPED: ${extra:-user-namespaced} zone: ${line#ESCAPED: }"
		exit 1
		;;
	*)
		echo "skip: ${extra:-user-namespaced} zone: $line"
		exit 77
		;;
	esac
	# the user-namespaced zone must have reached the kernel, or the probe proved nothing
	if [ $z = $zu ] && case $line in *refused*) true ;; *) false ;; esac; then
		echo "ESCAPED: the user-namespaced zone's listmount was refused, so the probe never met the kernel's check: $line"
		exit 1
	fi
	said="$said${said:+; }${extra:-user-namespaced}: ${line#safe: }"
done
echo "safe: $said"
