#!/bin/sh
# Must work #2: a Debian minbase image made with debootstrap from the machine's own apt mirror
# (images/debian-image.sh: cached between runs in $LXZONE_TEST_CACHE, default
# /var/cache/lxzone-test), installed from a tar.zst, booted with init=auto: the image has no
# /sbin/init, so the minimal init runs. apt-get --version, and python3 when the image has it, run in the zone.
. "$(dirname "$0")/lib.sh"
need_brand
command -v debootstrap >/dev/null || skip "debootstrap is not installed"
command -v zstd >/dev/null || skip "zstd is not installed"

# The image is made (and cached) by images/debian-image.sh; exit 77 there is a reason to skip.
src=$(cd "$(dirname "$0")/../../.." && pwd)
st=0
image=$("$src/images/debian-image.sh" --suite bookworm 2>"$T/image.log") || st=$?
cat "$T/image.log"
case $st in
0) ;;
77) skip "$(tail -1 "$T/image.log" | sed 's/^debian-image: //')" ;;
*) fail "could not build the bookworm image" ;;
esac

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
