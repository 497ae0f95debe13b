#!/bin/sh
# The Debian package, built and used as a user would: dpkg-buildpackage on a copy of the
# source tree, dpkg -i, then the installed lxzone and lxrun from /usr (not the build tree):
# a zone from builtin:busybox created, booted, exec'ed into, halted and destroyed, lxrun run
# in that image, the manual pages and the completion where they belong; dpkg --purge after.
# Skipped (77) when an lxzone package is installed already (it is not ours to replace).
# usage: test_deb.sh SOURCE_DIR
set -u
src=$(realpath "$1")
fail() { echo "FAIL: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (dpkg -i)"; exit 77; }
command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null ||
	{ echo "SKIP: dpkg-dev and debhelper not installed (make deps installs them)"; exit 77; }
if dpkg-query -W -f='${Status}' lxzone 2>/dev/null | grep -q 'install ok installed'; then
	echo "SKIP: an lxzone package is installed already; not replacing it"
	exit 77
fi

tmp=$(mktemp -d /tmp/lxzone-deb.XXXXXX)
store=$tmp/store
cleanup() {
	[ -x /usr/sbin/lxzone ] && LXZONE_ROOT=$store /usr/sbin/lxzone halt debtest >/dev/null 2>&1
	dpkg --purge lxzone >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

# the tracked and new (not ignored) files of the tree, as a source package would hold them
mkdir -p "$tmp/lxzone"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$src" && git ls-files -co --exclude-standard -z | xargs -0 tar cf - 2>/dev/null) |
		tar xf - -C "$tmp/lxzone" || fail "copy the source tree"
else
	tar cf - -C "$src" --exclude='./build*' . | tar xf - -C "$tmp/lxzone" ||
		fail "copy the source tree"
fi
echo "building the package (dpkg-buildpackage -b, Release, unit tests skipped here: CI runs them)"
(cd "$tmp/lxzone" && DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" \
	dpkg-buildpackage -b -us -uc >"$tmp/build.log" 2>&1) ||
	{ tail -30 "$tmp/build.log"; fail "dpkg-buildpackage"; }
deb=$(ls "$tmp"/lxzone_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || fail "no .deb made"
dpkg -i "$deb" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "dpkg -i"; }

for f in /usr/sbin/lxzone /usr/bin/lxrun /usr/libexec/lxzone/lxzone-brand \
	/usr/libexec/lxzone/lxzone-init /usr/libexec/lxzone/lxzone-idle \
	/usr/share/lxzone/images/busybox.tar.gz /usr/share/man/man8/lxzone.8.gz \
	/usr/share/man/man5/lxzone.conf.5.gz /usr/share/man/man1/lxrun.1.gz \
	/usr/share/bash-completion/completions/lxzone; do
	[ -e "$f" ] || fail "$f not installed"
done

# the installed commands, from a directory that is not the build tree
cd /
export LXZONE_ROOT=$store
/usr/sbin/lxzone create debtest --image builtin:busybox --memory 64M >"$tmp/out" 2>&1 ||
	{ cat "$tmp/out"; fail "lxzone create --image builtin:busybox"; }
/usr/sbin/lxzone boot debtest >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "lxzone boot"; }
got=$(/usr/sbin/lxzone exec debtest -- /bin/sh -c 'echo in-zone; readlink /proc/self/exe; free -m | awk "/Mem/ {print \$2}"' 2>&1)
want="in-zone
/bin/busybox
64"
[ "$got" = "$want" ] || fail "lxzone exec: got [$got], want [$want]"
/usr/sbin/lxzone halt debtest >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "lxzone halt"; }
/usr/sbin/lxzone destroy debtest >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "lxzone destroy"; }

mkdir "$tmp/root" && tar xzf /usr/share/lxzone/images/busybox.tar.gz -C "$tmp/root" ||
	fail "unpack the installed image"
got=$(/usr/bin/lxrun --root "$tmp/root" --memory 128M -- /bin/sh -c 'free -m | awk "/Mem/ {print \$2}"' 2>&1)
[ "$got" = 128 ] || fail "lxrun --root from /usr/bin: got [$got], want [128]"

man -w lxzone >/dev/null 2>&1 || ! command -v man >/dev/null || fail "man -w lxzone"
echo "package built, installed and run: $(basename "$deb")"
