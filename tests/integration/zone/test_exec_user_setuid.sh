#!/bin/sh
# Issue 11 #6 from `lxzone exec --user`: in a bookworm zone (sudo, iputils-ping) a user entered
# with exec --user has no no_new_privs, as a session the zone's root started (getty/login,
# su), so sudo takes it to root and to another user and back, su to another user works (PAM
# lets the staff group through without a password: su itself must be set-user-ID root to
# switch), and ping uses its capability. Linux's limits hold: no_new_privs set by the user
# (setpriv) makes sudo gain nothing, a copy of sudo without the set-user-ID bit and a
# set-user-ID copy on the nosuid /tmp gain nothing, the user itself holds no capability. The
# image is the one test_privexec_debian.sh uses (images/debian-image.sh, cached).
. "$(dirname "$0")/lib.sh"
need_brand
command -v zstd >/dev/null || skip "zstd is not installed"
debian_test_image privexec-bookworm iputils-ping,sudo

Z=h1xsu
trap 'lxzone halt "$Z" >/dev/null 2>&1 || true; cleanup' EXIT
lxzone create $Z --image "$image" >/dev/null 2>&1
lxzone boot $Z
lxzone exec $Z -- cat /proc/sys/fs/binfmt_misc/lxzone >/dev/null 2>&1 ||
	skip "no binfmt_misc entry in the zone (kernel without per-user-namespace binfmt_misc)"
lxzone exec $Z -- /bin/sh -c '
	useradd -m -s /bin/sh -G staff alice && useradd -m -s /bin/sh bob &&
	echo "alice ALL=(ALL:ALL) NOPASSWD: ALL" >/etc/sudoers.d/alice &&
	chmod 0440 /etc/sudoers.d/alice &&
	sed -i "1i auth sufficient pam_wheel.so trust group=staff" /etc/pam.d/su &&
	cp /usr/bin/sudo /usr/local/bin/sudo-plain && chmod 0755 /usr/local/bin/sudo-plain &&
	cp -p /usr/bin/sudo /tmp/sudo && chmod 4755 /tmp/sudo'
ax() { lxzone exec $Z --user alice -- /bin/sh -c "$1"; }

st=$(ax 'grep -E "^(NoNewPrivs|CapEff|CapPrm|Uid):" /proc/self/status' | tr -s '\t ' ' ')
echo "$st"
echo "$st" | grep -qx 'NoNewPrivs: 0' || fail "exec --user set no_new_privs"
echo "$st" | grep -qx 'CapEff: 0000000000000000' || fail "the user holds capabilities"
echo "$st" | grep -qx 'CapPrm: 0000000000000000' || fail "the user holds capabilities"
[ "$(echo "$st" | grep '^Uid:' | cut -d' ' -f2-)" = "$(ax 'id -u') $(ax 'id -u') $(ax 'id -u') $(ax 'id -u')" ] ||
	fail "not alice in every uid: $st"

out=$(ax 'id -un; sudo -n id -u; sudo -n -u bob id -un; id -un' 2>&1)
echo "sudo: $(echo "$out" | tr '\n' ' ')"
[ "$(echo "$out" | tr '\n' ' ')" = "alice 0 bob alice " ] || fail "sudo to root, to bob and back: $out"
out=$(ax 'su bob -c "id -un; id -u"' 2>&1)
echo "su: $(echo "$out" | tr '\n' ' ')"
[ "$(echo "$out" | tr '\n' ' ')" = "bob $(lxzone exec $Z -- id -u bob) " ] || fail "su to bob: $out"
out=$(ax 'ping -c1 -W2 127.0.0.1' 2>&1) || fail "ping as alice: $out"
echo "$out" | grep -q '1 received' || fail "ping as alice: $out"
echo "ok: sudo, su and ping from exec --user"

ax 'setpriv --no-new-privs sudo -n true' 2>/dev/null && fail "sudo gained root under no_new_privs"
ax 'sudo-plain -n true' 2>/dev/null && fail "a sudo copy without set-user-ID worked"
ax '/tmp/sudo -n true' 2>/dev/null && fail "set-user-ID on a nosuid mount applied"
echo "ok: no_new_privs, a plain copy and nosuid give nothing"

lxzone halt $Z
lxzone destroy $Z
echo PASS
