/*
 * The x86_64 system call table: for every number 0 .. LX_NSYSCALLS-1, its name, what the
 * brand does with it, when it is trapped, its handler's family file and the first Linux that
 * has it (emul/systable.h).  The rows are in emul/systable.def.
 *
 * Why a table and not a switch: the seccomp filter (filter/filter.c), docs/syscalls.md
 * (docs/gen_syscalls.c), `--report-unsupported` and the brand's dispatch all read this one
 * array, so they cannot disagree.  tests/unit/test_systable.c checks the names against the
 * host's <asm/unistd_64.h> and the invariants of each class.
 *
 * How calls are classed (default profile):
 *  - PASS: straight to the host kernel, decided by number only, so the kernel's per-syscall
 *    action cache makes it cost nothing.
 *  - EMUL: the brand must see the call (exec re-entry, threads, SIGSYS ownership, uname).
 *    clone is EMUL with one argument rule (trap ARGS): only threads (CLONE_VM without
 *    CLONE_VFORK) trap; clone3, whose flags the filter cannot see, always traps.
 *  - PASS rows with a trap condition (TRAPS): lxproc's calls, trapped only in zones with a
 *    zone page (CAPS) or by the descriptor filter (FDFILTER); HARDENED rows pass in the
 *    default profile and are emulated in the hardened one.
 *  - REFUSE: the security policy, enforced in the kernel (ERRNO), never trapped: calls that
 *    reach host-wide state (kernel, clock, swap, modules, keyring) or that let a process leave
 *    or see past the zone (mounts, setns, open_by_handle_at).  runc's default seccomp profile
 *    was the reference.  Calls that libraries probe and then fall back from (io_uring,
 *    statmount/listmount, the new mount API) answer ENOSYS rather than EPERM so that the
 *    fallback happens.  setns has one argument rule: nstype CLONE_NEWTIME passes
 *    (filter/filter.c, trap ARGS).  In zones, mount and umount2 are the exception
 *    (trap MOUNTD): the filter sends them to the zone's mount service as user notifications.
 *    Rows with trap USERNS (statmount, listmount) are refused in lxrun and privileged zones
 *    but passed in a user-namespaced zone of the default profile: there the kernel confines
 *    them to what the zone's own user namespace owns (docs/security.md).
 *  - UNSUP: trapped; the brand answers ENOSYS and records the call, with a reason.
 *  - NONE: numbers x86_64 never assigned (335 .. 423 were left for other architectures'
 *    numbering to catch up); the filter traps them like any unknown number.
 *
 * Pure data: no libc, because the freestanding brand links this file too (errno values come
 * from emul/lx_errno.h, not <errno.h>).
 */
#include "emul/systable.h"
#include "emul/lx_errno.h"

#define K(a, b, c) LX_KV(a, b, c)
#define ROW(nr, n, cls, hcls, trap, fam, since, e, why, note)                                      \
	[nr] = {#n, LX_SYS_##cls, LX_SYS_##hcls, LX_TRAP_##trap, why, e, since, fam, note},
#define PASS(nr, n, since) ROW(nr, n, PASS, PASS, NEVER, 0, since, 0, LX_WHY_NONE, 0)
#define TRAPS(nr, n, since, trap, fam, note)                                                       \
	ROW(nr, n, PASS, PASS, trap, "lx_" #fam ".c", since, 0, LX_WHY_NONE, note)
#define EMUL(nr, n, since, trap, fam, note)                                                        \
	ROW(nr, n, EMUL, EMUL, trap, "lx_" #fam ".c", since, 0, LX_WHY_NONE, note)
#define HARDENED(nr, n, since, fam, note)                                                          \
	ROW(nr, n, PASS, EMUL, HARDENED, "lx_" #fam ".c", since, 0, LX_WHY_NONE, note)
#define REFUSE(nr, n, since, e, why, note) ROW(nr, n, REFUSE, REFUSE, NEVER, 0, since, e, why, note)
#define REFUSE_IF(nr, n, since, e, why, trap, note)                                                \
	ROW(nr, n, REFUSE, REFUSE, trap, 0, since, e, why, note)
#define HARDENED_UNSUP(nr, n, since, why, note)                                                    \
	ROW(nr, n, PASS, UNSUP, HARDENED, 0, since, 0, why, note)
#define UNSUP(nr, n, since, why, note) ROW(nr, n, UNSUP, UNSUP, ALWAYS, 0, since, 0, why, note)

const struct lx_sysent lx_systable[LX_NSYSCALLS] = {
#include "emul/systable.def"
};

const char *lx_sys_reason_name(unsigned reason)
{
	static const char *const names[] = {
	    [LX_WHY_NONE] = "none",
	    [LX_WHY_NOT_YET] = "not-yet",
	    [LX_WHY_NO_HOST_EQUIV] = "no-host-equivalent",
	    [LX_WHY_HOST_STATE] = "host-state",
	    [LX_WHY_OBSOLETE] = "obsolete",
	    [LX_WHY_BYPASS] = "bypass",
	    [LX_WHY_SECURITY] = "security",
	};
	if (reason >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[reason];
}

const char *lx_sys_class_name(unsigned cls)
{
	static const char *const names[] = {
	    [LX_SYS_NONE] = "none",	[LX_SYS_PASS] = "pass",		[LX_SYS_EMUL] = "emulate",
	    [LX_SYS_REFUSE] = "refuse", [LX_SYS_UNSUP] = "unsupported",
	};
	if (cls >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[cls];
}

const char *lx_sys_trap_name(unsigned trap)
{
	static const char *const names[] = {
	    [LX_TRAP_NEVER] = "never",	      [LX_TRAP_ALWAYS] = "always",
	    [LX_TRAP_ARGS] = "arguments",     [LX_TRAP_CAPS] = "zones with caps",
	    [LX_TRAP_FDFILTER] = "fd filter", [LX_TRAP_MOUNTD] = "mount service",
	    [LX_TRAP_HARDENED] = "hardened",  [LX_TRAP_NETVIEW] = "netlink view",
	    [LX_TRAP_EXE] = "exe link",	      [LX_TRAP_USERNS] = "user-namespaced zones",
	};
	if (trap >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[trap];
}

/* Pure, freestanding: the brand parses its kernel-version with it too. */
unsigned lx_sys_kv_parse(const char *s)
{
	unsigned v[3] = {0, 0, 0};
	int i = 0;

	if (!s || *s < '0' || *s > '9')
		return 0;
	for (;;) {
		unsigned n = 0;
		int digits = 0;

		while (*s >= '0' && *s <= '9') {
			if (n < 100000)
				n = n * 10 + (unsigned)(*s - '0');
			s++;
			digits++;
		}
		if (!digits)
			return 0;
		v[i++] = n;
		if (i == 3 || *s != '.')
			break;
		s++;
	}
	if (i < 2 || v[0] == 0 || v[0] > 255 || v[1] > 255)
		return 0;
	return LX_KV(v[0], v[1], v[2] > 255 ? 255 : v[2]);
}
