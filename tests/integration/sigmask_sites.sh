#!/bin/sh
# Patched rt_sigaction and rt_sigprocmask sites (sigmask_sites.c): natively (the sites stay
# `mov; syscall`), under lxrun's default profile (syscall-patching=auto: patched at a site's
# 32nd trap), with patching on, off both ways, and across a shell's exec: masks, pending
# signals, SIGSYS kept the brand's, dispositions, threads, fork, exec and waits as on Linux.
. "$(dirname "$0")/lib.sh"
need_root
bin=$LXZONE_BUILD/tests/bin
[ -x "$bin/it_sigmask_sites" ] || skip "$bin/it_sigmask_sites not built"
check() { # NAME EXPECT COMMAND...
	name=$1 expect=$2
	shift 2
	if out=$(timeout "${LXZONE_IT_TIMEOUT:-60}" "$@" "$expect" 2>&1); then
		echo "ok   sigmask-sites $name"
	else
		echo "$out" | sed 's/^/     /'
		fail "sigmask-sites $name"
	fi
}
check native plain "$bin/it_sigmask_sites"
have_lxrun || finish
check default patched "$LXRUN" -- "$bin/it_sigmask_sites"
check on patched "$LXRUN" --syscall-patching on -- "$bin/it_sigmask_sites"
check hardened patched "$LXRUN" --hardened -- "$bin/it_sigmask_sites"
check off plain "$LXRUN" --syscall-patching off -- "$bin/it_sigmask_sites"
check env-off plain env LXZONE_SYSCALL_PATCHING=off "$LXRUN" -- "$bin/it_sigmask_sites"
check exec patched "$LXRUN" -- /bin/sh -c 'exec "$0" "$1"' "$bin/it_sigmask_sites"
finish
