#!/bin/sh
# lxzone exec --user: the user is the zone's (its /etc/passwd and /etc/group), by name or
# UID[:GID]; the process holds that identity and no root privilege; an unknown user fails
# with one line and runs nothing.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand

lxzone create u1 --image builtin:busybox
lxzone boot u1
out=$(lxzone exec u1 --user nobody -- /bin/sh -c 'id -u; id -g; echo "$HOME $USER"; touch /root/x 2>/dev/null && echo wrote || echo refused')
echo "$out"
[ "$(echo "$out" | sed -n 1p)" = 65534 ] || fail "uid is not nobody's"
[ "$(echo "$out" | sed -n 2p)" = "$(grep '^nobody:' "$LXZONE_ROOT/u1/root/etc/passwd" | cut -d: -f4)" ] ||
	fail "gid is not nobody's primary group from the zone's /etc/passwd"
echo "$out" | grep -q " nobody$" || fail "USER is not set"
echo "$out" | grep -qx refused || fail "nobody could write /root"
out=$(lxzone exec u1 --user 1234:99 -- /bin/sh -c 'id -u; id -g')
[ "$(echo "$out" | tr '\n' ' ')" = "1234 99 " ] || fail "numeric UID:GID not applied: $out"
set +e
err=$(lxzone exec u1 --user nosuchuser -- /bin/sh -c 'echo ran' 2>&1)
st=$?
set -e
[ $st != 0 ] || fail "an unknown user ran"
echo "$err" | grep -q ran && fail "the command ran for an unknown user"
[ "$(echo "$err" | wc -l)" = 1 ] || fail "not one line: $err"
[ "$(lxzone exec u1 -- id -u)" = 0 ] || fail "without --user the command is not root"
lxzone halt u1
lxzone destroy u1
echo "all checks passed"
