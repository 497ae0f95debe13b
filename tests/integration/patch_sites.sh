#!/bin/sh
# Syscall-site patching (emul/patch.h): patch_sites.c natively (its sites stay `mov; syscall`),
# under lxrun --hardened (patching's default there: every site patched after its first trap,
# and uname, registers, flags, red zone, epoll_wait in 4 threads under a stream of signals and
# a blocked epoll_wait woken with EINTR all right), also over --epoll-ppoll, and switched off
# both ways (--syscall-patching off, LXZONE_SYSCALL_PATCHING=off): the bytes stay and the
# results are the same.  With strace: a site is rewritten in one write while the process has
# no other thread (a posix_spawn's vfork child, which runs only while its parent sleeps, does
# not count), and in the four steps with core syncs once it made one (emul/patch.h).
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
if command -v strace >/dev/null 2>&1; then
	trace=$WORK/writes.txt
	strace -f -qq -e trace=pwrite64,membarrier,clone,clone3 -e signal=SIGSYS -o "$trace" \
		"$LXRUN" --hardened -- "$bin/it_patch_sites" patched >/dev/null 2>&1 ||
		fail "patch-sites writes: it_patch_sites under strace"
	# before the guest's first thread (the brand's own clone or clone3 with CLONE_THREAD,
	# whose stack is on the brand's emulation region at LX_BRAND_BASE, 0x7ff0..; the guest's
	# trapped call shows first): whole jumps (offsets 0-5, 6 bytes) and no core sync, also
	# after the posix_spawn's vfork child (clone3 with CLONE_VFORK); after the thread: the
	# jump's 4-byte offset alone and core syncs, never a whole jump
	counts=$(awk '/clone3?\(.*CLONE_VFORK/ { if (!t) v = 1 }
		/clone3?\(.*CLONE_THREAD.*stack=0x7ff0/ { t = 1 }
		/pwrite64\(.*, 6, [0-9]+( <unfinished|\))/ { if (t) late++; else { one++; if (v) sp++ } }
		/pwrite64\(.*, 4, [0-9]+( <unfinished|\))/ { if (t) four++ }
		/membarrier\(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE,/ { if (t) mb++; else early++ }
		/membarrier\(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE,/ { if (t) rl++; else rb++ }
		END { printf "%d %d %d %d %d %d %d %d", one, late, four, mb, sp, early, rb, rl }' "$trace")
	set -- $counts
	# the core sync's registration: once, before the first thread exists (made later, with
	# a thread, it waits for an RCU grace period)
	if [ "$1" -ge 3 ] && [ "$2" -eq 0 ] && [ "$3" -ge 1 ] && [ "$4" -ge 4 ] &&
		[ "$5" -ge 1 ] && [ "$6" -eq 0 ] && [ "$7" -eq 1 ] && [ "$8" -eq 0 ]; then
		echo "ok   patch-sites writes (alone: $1 whole jumps, $5 after a spawn, no sync; registered before the first thread; with threads: $3 four-step, $4 syncs)"
	else
		fail "patch-sites writes: alone $1 whole jumps ($5 after a spawn, $6 syncs), registrations $7 before the first thread and $8 after, with threads $2 whole and $3 four-step, $4 syncs"
	fi
fi
finish
