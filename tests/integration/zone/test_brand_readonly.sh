#!/bin/sh
# The brand image every zone process runs cannot be changed from inside a zone (the runc
# CVE-2019-5736 class): through /proc/self/exe, /proc/<pid>/exe of another zone process and
# an O_PATH descriptor, it cannot be opened for writing, truncated, linked out to be replaced,
# or remounted read-write; it has no mount point in the zone; and the host's file is
# byte-for-byte unchanged afterwards.  The same for PID 1's image, lxzone-init, which is a
# read-only copy: opens for writing answer EROFS.  In a default zone (root with CAP_SYS_ADMIN)
# and a hardened one.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand
probe_dir="${LXZONE_BUILD:-}/tests/bin"
[ -x "$probe_dir/it_zone_probe" ] || skip "no $probe_dir/it_zone_probe (build it_zone_probe)"
brand=${LXZONE_BRAND_IMAGE:-$(dirname "$LXZONE")/lxzone-brand}
before=$(sha256sum "$brand" | cut -d' ' -f1)
lxzone_before=$(sha256sum "$LXZONE" | cut -d' ' -f1)
init_image=${LXZONE_INIT_IMAGE:-$(dirname "$LXZONE")/lxzone-init}
init_before=$(sha256sum "$init_image" | cut -d' ' -f1)

# in ZONE, OP must fail with one of the errnos given
expect_refused() {
	z=$1 op=$2
	shift 2
	got=$(lxzone exec "$z" -- /t/it_zone_probe "$op" | awk '{print $2}')
	for e in "$@"; do
		if [ "$got" = "$e" ]; then
			echo "ok: zone $z: $op refused ($got)"
			return
		fi
	done
	fail "zone $z: $op gave $got, expected one of: $*"
}

for profile in default hardened; do
	z=brandz-$profile
	lxzone create "$z" --profile $profile --image builtin:busybox --mount "$probe_dir:/t:ro"
	lxzone boot "$z"
	# it is the brand, and readable (every process in the zone execs it)
	lxzone exec "$z" -- /bin/sh -c 'cat /proc/self/exe >/dev/null' || fail "brand image unreadable"
	# ETXTBSY: it is running; EROFS: its mount is read-only, whatever else; EACCES: the zone's
	# root (a user namespace's) is not its owner, host root
	expect_refused "$z" open-write ETXTBSY EROFS EACCES
	expect_refused "$z" open-trunc EROFS EACCES
	expect_refused "$z" truncate EROFS EACCES
	expect_refused "$z" reopen-rdwr ETXTBSY EROFS EACCES
	expect_refused "$z" link-out EXDEV EPERM
	# the mount service resolves /proc/self as itself, which the zone root does not show;
	# in a user-namespaced zone this flag-only remount goes to the kernel instead
	# (docs/security.md, "Flag-only remounts"): the brand's detached bind is in no
	# namespace of the zone's, so EINVAL (check_mnt)
	expect_refused "$z" remount-rw EPERM ENOENT EINVAL
	expect_refused "$z" mount-setattr-rw EPERM ENOSYS # the new mount API answers ENOSYS
	# through another zone process, and from a shell the usual way
	lxzone exec "$z" -- /bin/sh -c 'sleep 30 & p=$!; (echo x >> /proc/$p/exe) 2>/dev/null; r=$?; kill $p; exit $r' &&
		fail "zone $z: appended to another process's brand image"
	lxzone exec "$z" -- /bin/sh -c '(: > /proc/self/exe) 2>/dev/null' &&
		fail "zone $z: truncated its brand image"
	# PID 1 (the minimal init) runs lxzone-init from a read-only copy of its own: EROFS, not
	# the ETXTBSY of a writable file that happens to be running
	exe1=$(lxzone exec "$z" -- readlink /proc/1/exe)
	[ "$exe1" = /lxzone-init ] || fail "zone $z: /proc/1/exe is '$exe1', expected /lxzone-init"
	# its command line is its name alone (the guest's pid it was given is cleared)
	cmd1=$(lxzone exec "$z" -- /bin/sh -c "tr -d '\\0' </proc/1/cmdline")
	[ "$cmd1" = lxzone-init ] || fail "zone $z: PID 1's command line is '$cmd1'"
	echo "ok: zone $z: PID 1 is $exe1, command line '$cmd1'"
	expect_refused "$z" init-open-write EROFS
	expect_refused "$z" init-open-trunc EROFS
	lxzone exec "$z" -- /bin/sh -c '(echo x >> /proc/1/exe) 2>/dev/null' &&
		fail "zone $z: appended to init's executable"
	# PID 1 must not keep the supervisor's descriptors (the store directory among them), or
	# /proc/1/fd/N/.. would lead out of the zone root: lxzone-init holds stdio only
	fds=$(lxzone exec "$z" -- /bin/sh -c 'cd /proc/1/fd && echo *')
	[ "$fds" = "0 1 2" ] || fail "zone $z: PID 1 holds descriptors $fds"
	lxzone exec "$z" -- /bin/sh -c 'for f in /proc/[0-9]*/fd/*; do [ -d "$f" ] && echo "$f"; done; true' >"$T/dirfds"
	[ -s "$T/dirfds" ] && fail "zone $z: a zone process holds a directory descriptor: $(cat "$T/dirfds")"
	# the brand's read-only bind has no mount point in the zone but /dev/.lxzone-brand (the
	# readable brand for processes the kernel started through the zone's binfmt_misc entry,
	# zone/launch/launch_binfmt.c) and /dev/.lxzone-brand-map (the second bind the brand maps
	# its code from before it names its program as its exe, syscalls/lx_exe.c: there
	# /proc/self/exe above is the program, so these two are the brand's image), which are
	# read-only, locked and cannot be written or remounted
	mi=$(lxzone exec "$z" -- cat /proc/self/mountinfo)
	echo "$mi" | grep "$(basename "$brand")" |
		grep -v -e " /dev/.lxzone-brand " -e " /dev/.lxzone-brand-map " &&
		fail "zone $z: the brand image shows in mountinfo"
	for b in /dev/.lxzone-brand /dev/.lxzone-brand-map; do
		echo "$mi" | grep -q " $b " || continue
		echo "$mi" | grep " $b " | grep -q " ro," || fail "zone $z: $b is not read-only"
		lxzone exec "$z" -- mount -o remount,bind,rw $b 2>/dev/null &&
			fail "zone $z: $b remounted read-write"
		lxzone exec "$z" -- /bin/sh -c "echo x >>$b" 2>/dev/null &&
			fail "zone $z: $b written"
		lxzone exec "$z" -- umount $b 2>/dev/null && fail "zone $z: $b unmounted"
		echo "$mi" | grep " $b " | grep -q " ro," || fail "zone $z: $b changed"
		echo "ok: zone $z: $b read-only, not remounted, written or unmounted"
	done
	lxzone halt "$z"
	lxzone destroy "$z"
done

[ "$(sha256sum "$brand" | cut -d' ' -f1)" = "$before" ] || fail "the brand image changed on the host"
[ "$(sha256sum "$LXZONE" | cut -d' ' -f1)" = "$lxzone_before" ] || fail "lxzone changed on the host"
[ "$(sha256sum "$init_image" | cut -d' ' -f1)" = "$init_before" ] || fail "lxzone-init changed on the host"
echo "ok: brand image and lxzone unchanged on the host"
echo "all checks passed"
