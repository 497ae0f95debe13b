#!/bin/sh
# Set-user-ID, set-group-ID, file capabilities and execute-only programs in a zone, run by a
# zone user that root left as login and su do (no no_new_privs): the kernel applies them
# through the zone's binfmt_misc entry (zone/launch/launch_binfmt.c) exactly as Linux would, and
# gives nothing where Linux gives nothing (no_new_privs, a nosuid mount, the owner itself).
# The zone cannot change or disable the entry.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../binfmt_lib.sh"
builtin_images
need_brand
P="$LXZONE_BUILD/tests/bin/it_privexec"
[ -x "$P" ] || skip "no $P: build the it_privexec target"

Z=h2priv
lxzone create $Z --image builtin:busybox
lxzone boot $Z
entry=$(lxzone exec $Z -- cat /proc/sys/fs/binfmt_misc/lxzone 2>/dev/null) ||
	skip "no binfmt_misc entry in the zone (kernel without per-user-namespace binfmt_misc, < 6.7)"
echo "$entry" | grep -qx "flags: POCF" || fail "entry flags: $entry"
echo "$entry" | grep -qx enabled || fail "entry not enabled: $entry"

B="$LXZONE_ROOT/$Z/root/usr/local/bin"
mkdir -p "$B"
for p in privexec suid sgid xo fcap; do cp "$P" "$B/$p"; done
chmod 4755 "$B/suid"
chgrp 50 "$B/sgid" && chmod 2755 "$B/sgid"
chmod 0111 "$B/xo"
have_fcap=0
if command -v setcap >/dev/null && setcap cap_net_raw+ep "$B/fcap"; then have_fcap=1; fi

# as user 1234:99, dropped from root by a program (as login does)
asuser() {
	lxzone exec $Z -- /usr/local/bin/privexec drop 1234 99 "$@"
}
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

out=$(asuser /usr/local/bin/privexec who a b)
echo "plain: $out"
[ "$(field "$out" euid)" = 1234 ] && [ "$(field "$out" dumpable)" = 1 ] || fail "plain: $out"

out=$(asuser /usr/local/bin/suid who a b)
echo "suid: $out"
[ "$(field "$out" uid)" = 1234 ] || fail "suid: real uid changed: $out"
[ "$(field "$out" euid)" = 0 ] || fail "suid: effective uid not the owner's: $out"
[ "$(field "$out" secure)" = 1 ] || fail "suid: AT_SECURE not set: $out"
[ "$(field "$out" dumpable)" = 0 ] || fail "suid: dumpable: $out"
[ "$(field "$out" cmdline)" = "/usr/local/bin/suid|who|a|b|" ] || fail "suid: cmdline: $out"
[ "$(field "$out" exe)" = /usr/local/bin/suid ] || fail "suid: /proc/self/exe: $out"
[ "$(field "$out" argv0)" = /usr/local/bin/suid ] || fail "suid: argv[0]: $out"

out=$(asuser /usr/local/bin/sgid who)
echo "sgid: $out"
[ "$(field "$out" egid)" = 50 ] && [ "$(field "$out" gid)" = 99 ] &&
	[ "$(field "$out" euid)" = 1234 ] || fail "sgid: $out"

out=$(asuser /usr/local/bin/xo who x)
echo "xo: $out"
[ "$(field "$out" euid)" = 1234 ] || fail "execute-only: did not run as the user: $out"
[ "$(field "$out" dumpable)" = 0 ] || fail "execute-only: dumpable (its text readable): $out"
[ "$(field "$out" cmdline)" = "/usr/local/bin/xo|who|x|" ] || fail "execute-only: cmdline: $out"
asuser /bin/cat /usr/local/bin/xo >/dev/null 2>&1 && fail "execute-only: the user could read it"
out=$(lxzone exec $Z -- /bin/sh -c '/usr/local/bin/xo who')
[ "$(field "$out" dumpable)" = 1 ] || fail "execute-only as root: not dumpable: $out"

# no gain where Linux gives none
out=$(asuser /usr/local/bin/privexec nnp /usr/local/bin/suid who)
echo "nnp: $out"
[ "$(field "$out" euid)" = 1234 ] && [ "$(field "$out" dumpable)" = 1 ] ||
	fail "no_new_privs not honoured: $out"
lxzone exec $Z -- /bin/sh -c 'cp -p /usr/local/bin/suid /tmp/suid && chmod 4755 /tmp/suid'
lxzone exec $Z -- /bin/sh -c 'grep " /tmp " /proc/self/mounts' | grep -q nosuid || fail "/tmp not nosuid"
out=$(asuser /tmp/suid who)
echo "nosuid: $out"
[ "$(field "$out" euid)" = 1234 ] || fail "a nosuid mount's set-user-ID applied: $out"
out=$(lxzone exec $Z -- /bin/sh -c '/usr/local/bin/suid who')
[ "$(field "$out" dumpable)" = 1 ] || fail "root running its own set-user-ID program: $out"

if [ $have_fcap = 1 ]; then
	out=$(asuser /usr/local/bin/fcap raw)
	[ "$out" = "raw ok" ] || fail "cap_net_raw+ep not applied: $out"
	out=$(asuser /usr/local/bin/privexec raw)
	[ "$out" = "raw Operation not permitted" ] || fail "raw socket without the capability: $out"
	out=$(asuser /usr/local/bin/privexec nnp /usr/local/bin/fcap raw)
	[ "$out" = "raw Operation not permitted" ] || fail "file capability under no_new_privs: $out"
	echo "ok: file capabilities"
else
	echo "note: no setcap on the host, file capabilities not checked"
fi

# su back: a set-user-ID program that drops to another user and execs a plain one
out=$(asuser /usr/local/bin/suid drop 4321 98 /usr/local/bin/privexec who)
echo "su-like: $out"
[ "$(field "$out" uid)" = 4321 ] && [ "$(field "$out" euid)" = 4321 ] &&
	[ "$(field "$out" dumpable)" = 1 ] || fail "exec after dropping from a set-user-ID program: $out"

# the program an exec session starts is judged as any exec (kernel-shim/start.c,
# start_launched): a set-user-ID one run directly by `lxzone exec --user`
out=$(lxzone exec $Z --user 1234 -- /usr/local/bin/suid who e)
echo "exec --user, directly: $out"
[ "$(field "$out" uid)" = 1234 ] && [ "$(field "$out" euid)" = 0 ] &&
	[ "$(field "$out" secure)" = 1 ] && [ "$(field "$out" cmdline)" = "/usr/local/bin/suid|who|e|" ] ||
	fail "a set-user-ID program started by exec --user: $out"

# a set-user-ID program that keeps its ids apart (mount's helpers): what it execs starts with
# AT_SECURE, as under Linux, through the entry (the brand takes AT_SECURE from no other start)
out=$(asuser /usr/local/bin/suid ign /usr/local/bin/privexec who m)
echo "ids apart: $out"
[ "$(field "$out" uid)" = 1234 ] && [ "$(field "$out" euid)" = 0 ] &&
	[ "$(field "$out" secure)" = 1 ] && [ "$(field "$out" dumpable)" = 0 ] &&
	[ "$(field "$out" cmdline)" = "/usr/local/bin/privexec|who|m|" ] ||
	fail "a plain program exec'd by a process whose ids are apart: $out"

# the zone's root cannot change or disable the entry
lxzone exec $Z -- /bin/sh -c 'echo 0 > /proc/sys/fs/binfmt_misc/lxzone' 2>/dev/null &&
	fail "the zone disabled the entry"
lxzone exec $Z -- /bin/sh -c 'echo -1 > /proc/sys/fs/binfmt_misc/status' 2>/dev/null &&
	fail "the zone removed the entries"
lxzone exec $Z -- /bin/sh -c 'echo ":x:E::x::/bin/sh:" > /proc/sys/fs/binfmt_misc/register' \
	2>/dev/null && fail "the zone registered an entry"
lxzone exec $Z -- /bin/sh -c 'mount -t binfmt_misc none /mnt' 2>/dev/null &&
	fail "the zone mounted binfmt_misc"
lxzone exec $Z -- cat /proc/sys/fs/binfmt_misc/lxzone | grep -qx enabled || fail "entry changed"
lxzone halt $Z
lxzone destroy $Z

# a privileged zone (no user namespace, no binfmt_misc instance of its own): the host's
# entry for the exec links (launch_binfmt.c, LOP_EXEC_LINKS), as an OCI container without one
if [ -d /proc/sys/fs/binfmt_misc ]; then
	ZP=h2privp
	lxzone create $ZP --image builtin:busybox --privileged
	lxzone boot $ZP
	grep -qx "flags: POC" /proc/sys/fs/binfmt_misc/lxzone-oci ||
		fail "privileged zone: no lxzone-oci entry in the host's binfmt_misc after boot"
	BP="$LXZONE_ROOT/$ZP/root/usr/local/bin"
	mkdir -p "$BP"
	for p in privexec suid xo; do cp "$P" "$BP/$p"; done
	chmod 4755 "$BP/suid"
	chmod 0111 "$BP/xo"
	out=$(lxzone exec $ZP -- /usr/local/bin/privexec drop 1234 99 /usr/local/bin/suid who p)
	echo "privileged zone, suid: $out"
	[ "$(field "$out" uid)" = 1234 ] && [ "$(field "$out" euid)" = 0 ] &&
		[ "$(field "$out" secure)" = 1 ] && [ "$(field "$out" dumpable)" = 0 ] &&
		[ "$(field "$out" cmdline)" = "/usr/local/bin/suid|who|p|" ] ||
		fail "privileged zone: a set-user-ID program: $out"
	out=$(lxzone exec $ZP -- /usr/local/bin/privexec drop 1234 99 /usr/local/bin/xo who)
	echo "privileged zone, xo: $out"
	[ "$(field "$out" euid)" = 1234 ] && [ "$(field "$out" dumpable)" = 0 ] ||
		fail "privileged zone: an execute-only program: $out"
	out=$(lxzone exec $ZP -- /usr/local/bin/privexec drop 1234 99 /usr/local/bin/privexec nnp /usr/local/bin/suid who)
	[ "$(field "$out" euid)" = 1234 ] || fail "privileged zone: no_new_privs not honoured: $out"
	# a flush of the host's entries: the zone's supervisor registers it again within its
	# second, and a set-user-ID exec runs under the brand again (only where nothing else
	# would register the host's entry: no container's daemon, no other zone)
	if binfmt_others 0 "$ZP"; then
		echo "skip the flush check: other containers or zones run on this host"
	else
		binfmt_flush_back || fail "privileged zone: the host's entry not registered again 2 s after a flush"
		out=$(lxzone exec $ZP -- /usr/local/bin/privexec drop 1234 99 /usr/local/bin/suid who f)
		[ "$(field "$out" uid)" = 1234 ] && [ "$(field "$out" euid)" = 0 ] ||
			fail "privileged zone: a set-user-ID program after a flush: $out"
		echo "ok: after a flush of the host's entries, the entry is back and a set-user-ID exec runs"
	fi
	lxzone halt $ZP
	lxzone destroy $ZP
else
	echo "note: no binfmt_misc on this host: the privileged zone's set-user-ID programs not checked"
fi
echo "all checks passed"
