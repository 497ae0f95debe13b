#!/bin/sh
# The built-in busybox image (images/mkbusybox.sh): FHS directories, one link per applet
# that resolves to the image's own busybox, the users and groups, hostname, os-release,
# and a tarball with exactly the same tree. Then: the image runs a shell natively (chroot).
. "$(dirname "$0")/lib.sh"
need_image
img=$IMAGE
tarball=$LXZONE_BUILD/images/busybox.tar.gz

for d in bin sbin usr/bin usr/sbin etc root tmp var proc sys dev; do
	[ -d "$img/$d" ] || fail "missing directory /$d"
done
[ "$(stat -c %a "$img/tmp")" = 1777 ] || fail "/tmp mode is $(stat -c %a "$img/tmp"), expected 1777"

want=$("$img/bin/busybox" --list-full | grep -vx bin/busybox | sort)
n=$(echo "$want" | wc -l)
# Every applet has a symlink at the path busybox reports, and every symlink in the image
# resolves (relatively, inside the image) to the image's own busybox.
have=$(cd "$img" && find . -type l | sed 's|^\./||' | sort)
missing=$(echo "$want" | comm -23 - "$(echo "$have" >"$WORK/have"; echo "$WORK/have")" | wc -l)
busybox_real=$(readlink -f "$img/bin/busybox")
bad=$(cd "$img" && find . -type l -exec readlink -f {} + | grep -cvx "$busybox_real")
[ "$missing" = 0 ] && [ "$bad" = 0 ] && echo "ok   $n applet links, all to /bin/busybox" ||
	fail "applet links: $missing missing, $bad pointing elsewhere (of $n)"

for u in root daemon bin nobody; do
	grep -q "^$u:" "$img/etc/passwd" || fail "/etc/passwd has no $u"
done
for g in root daemon bin; do
	grep -q "^$g:" "$img/etc/group" || fail "/etc/group has no $g"
done
grep -q '^root:x:0:0:' "$img/etc/passwd" || fail "root is not uid 0"
[ -s "$img/etc/hostname" ] || fail "/etc/hostname is empty"
grep -q '^ID=' "$img/etc/os-release" && grep -qi busybox "$img/etc/os-release" ||
	fail "/etc/os-release does not say what the image is"
echo "ok   passwd, group, hostname, os-release"

if [ -f "$tarball" ]; then
	(cd "$img" && find . | sort) >"$WORK/dir.list"
	tar -tzf "$tarball" | sed 's|/$||' | sort >"$WORK/tar.list"
	if cmp -s "$WORK/dir.list" "$WORK/tar.list"; then
		echo "ok   tarball holds the same $(wc -l <"$WORK/tar.list") entries"
	else
		fail "tarball and directory differ"
		diff "$WORK/dir.list" "$WORK/tar.list" | head
	fi
	owners=$(tar -tvzf "$tarball" | awk '{ print $2 }' | sort -u)
	[ "$owners" = "0/0" ] && echo "ok   tarball entries owned 0/0" || fail "tarball owners: $owners"
else
	fail "no tarball at $tarball"
fi

if [ "$(id -u)" = 0 ] && command -v chroot >/dev/null; then
	got=$(chroot "$img" /bin/sh -c '. /etc/os-release; echo "$ID $(id -un) $(ls /usr/bin/find)"')
	[ "$got" = "lxzone-busybox root /usr/bin/find" ] && echo "ok   a shell runs in the image: $got" ||
		fail "chroot shell printed '$got'"
fi
[ $failures = 0 ] || exit 1
exit 0
