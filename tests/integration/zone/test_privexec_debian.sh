#!/bin/sh
# Issue 11 #6 with Debian's own programs: in a bookworm zone (sudo, iputils-ping; passwd is in
# minbase) a user that root left through su (no no_new_privs, as a login session) runs sudo to
# root and to another user and is itself again after, reads its own shadow entry with passwd
# -S, pings with ping's capability or set-user-ID bit, and runs an execute-only program;
# without them (a copy of sudo that is not set-user-ID, a nosuid /tmp) it gets what Linux
# gives: nothing.  The image is made and cached by images/debian-image.sh.
. "$(dirname "$0")/lib.sh"
need_brand
command -v debootstrap >/dev/null || skip "debootstrap is not installed"
command -v zstd >/dev/null || skip "zstd is not installed"
src=$(cd "$(dirname "$0")/../../.." && pwd)
st=0
image=$("$src/images/debian-image.sh" --suite bookworm --include iputils-ping,sudo \
	--name privexec-bookworm 2>"$T/image.log") || st=$?
case $st in
0) ;;
77) skip "$(tail -1 "$T/image.log" | sed 's/^debian-image: //')" ;;
*) cat "$T/image.log"; fail "could not build the bookworm image with sudo and ping" ;;
esac

Z=h2privdeb
lxzone create $Z --image "$image" >/dev/null 2>&1
lxzone boot $Z
lxzone exec $Z -- cat /proc/sys/fs/binfmt_misc/lxzone >/dev/null 2>&1 ||
	skip "no binfmt_misc entry in the zone (kernel without per-user-namespace binfmt_misc)"
lxzone exec $Z -- /bin/sh -c '
	useradd -m -s /bin/sh alice && useradd -m -s /bin/sh bob &&
	echo "alice ALL=(ALL:ALL) NOPASSWD: ALL" >/etc/sudoers.d/alice &&
	chmod 0440 /etc/sudoers.d/alice &&
	cp /bin/true /usr/local/bin/xtrue && chmod 0111 /usr/local/bin/xtrue &&
	cp /usr/bin/sudo /usr/local/bin/sudo-plain && chmod 0755 /usr/local/bin/sudo-plain'
as_alice() { lxzone exec $Z -- su alice -s /bin/sh -c "$1"; }

out=$(as_alice 'id -un; sudo -n id -u; sudo -n -u bob id -un; id -un')
echo "sudo: $(echo "$out" | tr '\n' ' ')"
[ "$(echo "$out" | tr '\n' ' ')" = "alice 0 bob alice " ] || fail "sudo to root, to bob and back: $out"
as_alice 'sudo-plain -n true' 2>/dev/null && fail "a sudo copy without set-user-ID worked"
as_alice 'grep -q NoNewPrivs:.0 /proc/self/status' || fail "the su session has no_new_privs"

out=$(as_alice 'passwd -S alice' 2>&1)
echo "passwd: $out"
echo "$out" | grep -q '^alice [LNP] ' || fail "passwd -S as alice: $out"

ls -l "$LXZONE_ROOT/$Z/root/usr/bin/ping"
getcap "$LXZONE_ROOT/$Z/root/usr/bin/ping" 2>/dev/null || true
out=$(as_alice 'ping -c1 -W2 127.0.0.1' 2>&1) || fail "ping as alice: $out"
echo "$out" | grep -q '1 received' || fail "ping as alice: $out"
echo "ok: ping as alice"

as_alice '/usr/local/bin/xtrue' || fail "an execute-only program did not run for alice"
as_alice 'cat /usr/local/bin/xtrue >/dev/null 2>&1' && fail "alice could read the execute-only program"
echo "ok: execute-only"

lxzone exec $Z -- /bin/sh -c 'cp -p /usr/bin/sudo /tmp/sudo && chmod 4755 /tmp/sudo'
as_alice '/tmp/sudo -n true' 2>/dev/null && fail "set-user-ID on a nosuid mount applied"
echo "ok: nosuid /tmp"
lxzone halt $Z
lxzone destroy $Z
echo "all checks passed"
