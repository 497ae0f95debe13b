#!/bin/sh
# Syscall-site patching (emul/patch.h): patch_sites.c natively (its sites stay `mov; syscall`),
# under lxrun --hardened (patching's default there: every site patched after its first trap,
# and uname, registers, flags, red zone, epoll_wait in 4 threads under a stream of signals and
# a blocked epoll_wait woken with EINTR all right), also over --epoll-ppoll, and switched off
# both ways (--syscall-patching off, LXZONE_SYSCALL_PATCHING=off): the bytes stay and the
# results are the same.
. "$(dirname "$0")/lib.sh"
need_root
bin=$LXZONE_BUILD/tests/bin
[ -x "$bin/it_patch_sites" ] || skip "$bin/it_patch_sites not built"
check() { # NAME EXPECT COMMAND...
	name=$1 expect=$2
	shift 2
	if out=$(timeout "${LXZONE_IT_TIMEOUT:-60}" "$@" "$expect" 2>&1); then
		echo "ok   patch-sites $name"
	else
		echo "$out" | sed 's/^/     /'
		fail "patch-sites $name"
	fi
}
check native plain "$bin/it_patch_sites"
have_lxrun || finish
check hardened patched "$LXRUN" --hardened -- "$bin/it_patch_sites"
check hardened-ppoll patched "$LXRUN" --hardened --epoll-ppoll -- "$bin/it_patch_sites"
check hardened-off plain "$LXRUN" --hardened --syscall-patching off -- "$bin/it_patch_sites"
check hardened-env-off plain env LXZONE_SYSCALL_PATCHING=off "$LXRUN" --hardened -- "$bin/it_patch_sites"
# across exec and fork: a shell that runs it (the flag travels with the brand's execve)
check hardened-exec patched "$LXRUN" --hardened -- /bin/sh -c 'exec "$0" "$1"' "$bin/it_patch_sites"
finish
