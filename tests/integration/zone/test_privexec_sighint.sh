#!/bin/sh
# The ignored signals a hand-over claims (kernel-shim/brand_abi.h, "<flags>:<ignored>") against
# a start with AT_SECURE. The brand's execve tells the new image which signals its caller had
# ignored, so the start asks the kernel about those only; any guest can call execve through the
# gate with a hand-over of its own, so a start with AT_SECURE (set-user-ID, file capabilities)
# disregards the hint and reads the kernel's set (kernel-shim/start.c). Here a zone user
# ignores SIGUSR1, leaves SIGUSR2 at its default and execs through the gate with a hint that
# says the reverse: the set-user-ID program must read the kernel's dispositions (its rt_sigaction
# answers as /proc/self/status's SigIgn). A start without AT_SECURE uses the hint only to
# narrow its questions: a hint that claims more than the kernel holds is answered by the kernel.
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand
P="$LXZONE_BUILD/tests/bin/it_privexec"
[ -x "$P" ] || skip "no $P: build the it_privexec target"

Z=sighint
lxzone create $Z --image builtin:busybox
lxzone boot $Z
lxzone exec $Z -- cat /proc/sys/fs/binfmt_misc/lxzone >/dev/null 2>&1 ||
	skip "no binfmt_misc entry in the zone (kernel without per-user-namespace binfmt_misc, < 6.7)"

B="$LXZONE_ROOT/$Z/root/usr/local/bin"
mkdir -p "$B"
for p in privexec suid fcap xo; do cp "$P" "$B/$p"; done
chmod 4755 "$B/suid"
chmod 0111 "$B/xo"
have_fcap=0
if command -v setcap >/dev/null && setcap cap_net_raw+ep "$B/fcap"; then have_fcap=1; fi

asuser() {
	lxzone exec $Z -- /usr/local/bin/privexec drop 1234 99 "$@"
}
# SIGUSR1 (bit 9) ignored, SIGUSR2 (bit 11) not: what the caller really holds.  The rest of the
# set is whatever the test inherited (ctest under a shell that ignores signals 32 and 33, say):
# the kernel's answer, which the program's view must equal.
check() { # NAME OUTPUT: the program's view is the kernel's, and the kernel's is the caller's
	echo "$1: $2"
	case $2 in
	"view="*" kernel="*) ;;
	*) fail "$1: unexpected: $2" ;;
	esac
	view=${2#view=}
	view=${view%% *}
	kernel=${2##*kernel=}
	[ $((0x$kernel & 0xa00)) -eq $((0x200)) ] ||
		fail "$1: the kernel does not hold the caller's SIGUSR1 ignored, SIGUSR2 not: $2"
	[ "$view" = "$kernel" ] || fail "$1: the program's dispositions are not the kernel's: $2"
}

out=$(asuser /usr/local/bin/suid who)
echo "$out" | grep -q ' euid=0 .* secure=1 ' || fail "the set-user-ID copy did not start with AT_SECURE: $out"

# the brand's own hand-over, set-user-ID and not
check "suid, the brand's hint" "$(asuser /usr/local/bin/privexec ign /usr/local/bin/suid sigs)"
check "plain, the brand's hint" "$(asuser /usr/local/bin/privexec ign /usr/local/bin/privexec sigs)"

# forged: SIGUSR2 claimed ignored, SIGUSR1 hidden; the exec is the kernel's, set-user-ID
out=$(asuser /usr/local/bin/privexec forge 800 /usr/local/bin/suid who)
echo "$out" | grep -q ' euid=0 .* secure=1 ' || fail "the forged exec did not start the set-user-ID copy: $out"
check "suid, forged hint 800" "$(asuser /usr/local/bin/privexec forge 800 /usr/local/bin/suid sigs)"
# forged: nothing ignored, and everything
check "suid, forged hint 0" "$(asuser /usr/local/bin/privexec forge 0 /usr/local/bin/suid sigs)"
check "suid, forged hint ffff..." \
	"$(asuser /usr/local/bin/privexec forge ffffffffffffffff /usr/local/bin/suid sigs)"
if [ $have_fcap = 1 ]; then
	check "fcap, forged hint 800" "$(asuser /usr/local/bin/privexec forge 800 /usr/local/bin/fcap sigs)"
else
	echo "note: no setcap on the host, the file-capability start not checked"
fi
# an execute-only program: no AT_SECURE, but started by the kernel (AT_EXECFD) and not dumpable,
# so not its caller's to trace: the hint is disregarded there too
check "xo, forged hint 800" "$(asuser /usr/local/bin/privexec forge 800 /usr/local/bin/xo sigs)"
# without AT_SECURE the hint narrows the questions: one that claims SIGUSR2 as well as the
# true SIGUSR1 is answered by the kernel
check "plain, forged hint a00" "$(asuser /usr/local/bin/privexec forge a00 /usr/local/bin/privexec sigs)"

lxzone halt $Z
lxzone destroy $Z
echo "all checks passed"
