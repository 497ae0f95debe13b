#!/bin/sh
# debian:SUITE image sources (zone/image_debian.c, images/debian-image.sh): bad input is one
# line and leaves no zone; a bookworm minbase zone made from the cache boots, is Debian, and
# resolves localhost and its own name (/etc/hosts written at boot, zone/identity.c).
# The cache is $LXZONE_TEST_CACHE (default /var/cache/lxzone-test), shared with the other
# Debian tests; without a cached image or a reachable mirror the build part is skipped.
. "$(dirname "$0")/lib.sh"
need_brand
export LXZONE_IMAGE_CACHE="${LXZONE_TEST_CACHE:-/var/cache/lxzone-test}"
export LXZONE_DEBIAN_IMAGE="$(dirname "$0")/../../../images/debian-image.sh"

bad() { # SPEC MESSAGE [ARGS]: one line saying MESSAGE, non-zero, no zone
	spec=$1 msg=$2
	shift 2
	set +e
	err=$(lxzone create h2bad --image "$spec" "$@" 2>&1)
	st=$?
	set -e
	echo "$err"
	[ $st != 0 ] || fail "$spec $*: accepted"
	[ "$(echo "$err" | wc -l)" = 1 ] || fail "$spec $*: not one line"
	echo "$err" | grep -q "$msg" || fail "$spec $*: does not say '$msg'"
	lxzone list | grep -q h2bad && fail "$spec $*: a zone was left"
	true
}
bad debian:buster "unknown Debian suite 'buster'"
bad debian:bookworm+nginx,Bad_Pkg "bad package name 'Bad_Pkg'"
bad "debian:bookworm+" "bad package name"
bad debian:bookworm "upstart" --init upstart

command -v debootstrap >/dev/null || skip "no debootstrap (the build part)"
Z=h2debian
lxzone create $Z --image debian:bookworm 2>"$T/progress" || {
	cat "$T/progress"
	grep -q "unreachable\|no Debian mirror" "$T/progress" && skip "no mirror: $(tail -1 "$T/progress")"
	fail "create from debian:bookworm"
}
lxzone boot $Z
lxzone exec $Z -- cat /etc/debian_version | grep -q '^12\.' || fail "not bookworm"
lxzone exec $Z -- getent hosts localhost | grep -q localhost || fail "localhost does not resolve"
lxzone exec $Z -- getent hosts $Z | grep -q "127.0.1.1" || fail "the zone's name does not resolve"
lxzone halt $Z
lxzone destroy $Z
echo "all checks passed"
