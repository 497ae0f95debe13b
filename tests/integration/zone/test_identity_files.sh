#!/bin/sh
# The zone's identity files (zone/identity.c, identity-files): /etc/hostname and /etc/hosts
# (localhost and the host name) written at boot where the image has none, kept where it has
# its own, rewritten with `always`, never written through a link; and a host name set in
# the zone is what uname says at once, in the same process (the brand keeps no cache).
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand
P="$LXZONE_BUILD/tests/bin/it_privexec"
[ -x "$P" ] || skip "no $P: build the it_privexec target"

Z=h2ident
R="$LXZONE_ROOT/$Z/root"
lxzone create $Z --image builtin:busybox
rm -f "$R/etc/hostname" "$R/etc/hosts" "$R/etc/resolv.conf"
lxzone boot $Z
[ "$(lxzone exec $Z -- cat /etc/hostname)" = $Z ] || fail "/etc/hostname: $(cat "$R/etc/hostname")"
hosts=$(lxzone exec $Z -- cat /etc/hosts)
echo "$hosts"
echo "$hosts" | grep -q "^127.0.0.1	localhost$" || fail "no localhost in /etc/hosts"
echo "$hosts" | grep -q "^127.0.1.1	$Z$" || fail "no $Z in /etc/hosts"
[ "$(lxzone exec $Z -- stat -c '%u:%g %a' /etc/hosts)" = "0:0 644" ] ||
	fail "/etc/hosts not root's 0644 in the zone: $(lxzone exec $Z -- stat -c '%u:%g %a' /etc/hosts)"
[ -e "$R/etc/resolv.conf" ] && fail "resolv.conf written for a zone without a network"

# uname sees a new host name at once, in the process that set it and in another
out=$(lxzone exec $Z -- /bin/sh -c "cp /dev/null /tmp/x; exit 0" && cp "$P" "$R/privexec" &&
	lxzone exec $Z -- /privexec rename h2renamed)
[ "$out" = "$Z h2renamed" ] || fail "uname after sethostname in the same process: $out"
[ "$(lxzone exec $Z -- uname -n)" = h2renamed ] || fail "uname in another process"
lxzone halt $Z

# the image's own files stay; `always` rewrites them; a link is replaced, never followed
printf '10.0.0.1\tcustom\n' >"$R/etc/hosts"
lxzone boot $Z
[ "$(cat "$R/etc/hosts")" = "$(printf '10.0.0.1\tcustom')" ] || fail "the image's /etc/hosts was replaced"
lxzone halt $Z
outside="$T/outside"
echo untouched >"$outside"
rm -f "$R/etc/hostname"
ln -s "$outside" "$R/etc/hostname"
lxzone configure $Z identity-files=always
lxzone boot $Z
[ "$(cat "$outside")" = untouched ] || fail "a link in the image led the write out of the root"
[ -L "$R/etc/hostname" ] && fail "/etc/hostname still a link with identity-files=always"
[ "$(lxzone exec $Z -- cat /etc/hostname)" = $Z ] || fail "always: /etc/hostname"
lxzone exec $Z -- grep -q "^127.0.0.1	localhost$" /etc/hosts || fail "always: /etc/hosts not rewritten"
lxzone halt $Z
lxzone configure $Z identity-files=never
rm -f "$R/etc/hosts"
lxzone boot $Z
[ -e "$R/etc/hosts" ] && fail "never: /etc/hosts written"
set +e
err=$(lxzone configure $Z identity-files=sometimes 2>&1)
st=$?
set -e
[ $st != 0 ] && [ "$(echo "$err" | wc -l)" = 1 ] || fail "a bad identity-files value: $err"
lxzone halt $Z
lxzone destroy $Z
echo "all checks passed"
