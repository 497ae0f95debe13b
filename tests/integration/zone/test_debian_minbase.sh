#!/bin/sh
# Must work #2: a Debian minbase image made with debootstrap from the machine's own apt mirror
# (cached between runs in $LXZONE_TEST_CACHE, default /var/cache/lxzone-test), installed from a
# tar.zst, booted with init=auto: the image has no /sbin/init, so the minimal init runs.
# apt-get --version, and python3 when the image has it, run in the zone.
. "$(dirname "$0")/lib.sh"
need_brand
command -v debootstrap >/dev/null || skip "debootstrap is not installed"
command -v zstd >/dev/null || skip "zstd is not installed"

suite=bookworm
# The mirror the machine's apt uses, read at run time (deb822 first, then one-line format).
mirror=$(awk -v s=$suite '
	/^URIs:/ { uri = $2 }
	/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s) found = uri }
	/^$/ { uri = "" }
	END { print found }' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
[ -n "$mirror" ] || mirror=$(awk -v s=$suite '$1 == "deb" && $3 == s { print $2; exit }' \
	/etc/apt/sources.list 2>/dev/null)
[ -n "$mirror" ] || skip "no $suite mirror in the apt sources"

cache=${LXZONE_TEST_CACHE:-/var/cache/lxzone-test}
image="$cache/debian-$suite-minbase.tar.zst"
mkdir -p "$cache"
(
	flock 9
	if [ ! -s "$image" ]; then
		python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=15)' \
			"$mirror/dists/$suite/Release" 2>/dev/null || exit 77
		echo "debootstrap $suite from $mirror (cached in $image)"
		rm -rf "$cache/rootfs"
		debootstrap --variant=minbase $suite "$cache/rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
			{ tail -5 "$cache/debootstrap.log"; exit 1; }
		tar -C "$cache/rootfs" --numeric-owner --xattrs -cf - . | zstd -q -T2 -o "$image.partial"
		mv "$image.partial" "$image"
		rm -rf "$cache/rootfs"
	fi
) 9>"$cache/.lock" || {
	st=$?
	[ $st = 77 ] && skip "mirror $mirror unreachable"
	fail "could not build the $suite image"
}

lxzone create deb --init auto --memory 512M
lxzone install deb "$image"
expect_state deb installed
lxzone verify deb
[ ! -e "$LXZONE_ROOT/deb/root/sbin/init" ] || skip "this image has /sbin/init; the test wants none"
lxzone boot deb
ps1=$(lxzone exec deb -- /bin/cat /proc/1/cmdline | tr '\0' ' ')
echo "PID 1: $ps1"
echo "$ps1" | grep -q lxzone-init || fail "PID 1 is not the minimal init: $ps1"
out=$(lxzone exec deb -- apt-get --version | head -1)
echo "$out"
echo "$out" | grep -q "^apt " || fail "apt-get --version: $out"
native=$(chroot "$LXZONE_ROOT/deb/root" apt-get --version | head -1)
[ "$out" = "$native" ] || fail "zone and native disagree: '$out' vs '$native'"
if [ -x "$LXZONE_ROOT/deb/root/usr/bin/python3" ]; then
	py=$(lxzone exec deb -- python3 -c 'import os; print(os.cpu_count() > 0)')
	[ "$py" = True ] || fail "python3: $py"
fi
lxzone exec deb -- /bin/sh -c 'cat /etc/debian_version; id -u'
lxzone halt deb
no_cgroup_left deb
lxzone destroy deb
no_mount_left
echo PASS
