/*
 * One table, with reasons: for every x86_64 system call, what the brand does with it, when it
 * is trapped, who handles it, and since which Linux it exists.
 *
 * The rows are in emul/systable.def (one line of data per call).  The seccomp filter
 * (filter/filter.c), the dispatch (syscalls/dispatch.c), the coverage table
 * (docs/syscalls.md) and `--report-unsupported` all come from them; there is no other list of
 * trapped calls.  Pure data, compiled into the freestanding brand and into host tools.
 */
#ifndef LXZONE_SYSTABLE_H
#define LXZONE_SYSTABLE_H

#define LX_NSYSCALLS 470 /* x86_64 numbers 0 .. 469 (file_setattr, Linux 6.17) */

enum lx_sys_class {
	LX_SYS_NONE = 0, /* no system call has this number (holes in the x86_64 table) */
	LX_SYS_PASS,	 /* allowed by the filter: straight to the host kernel */
	LX_SYS_EMUL,	 /* trapped: the brand emulates it in user space */
	LX_SYS_REFUSE,	 /* the security policy: fails with `err` in the kernel, never trapped */
	LX_SYS_UNSUP,	 /* trapped: the brand answers ENOSYS and records it; `reason` says why */
};

/* When the filter traps (or otherwise diverts) a call, beyond its class. */
enum lx_sys_trap {
	LX_TRAP_NEVER = 0, /* PASS and REFUSE rows: decided by number, in the kernel */
	LX_TRAP_ALWAYS,	   /* EMUL, UNSUP: every call from outside the gate */
	LX_TRAP_ARGS,	   /* an argument rule in filter/filter.c (clone's flags, setns) */
	LX_TRAP_CAPS,	   /* only in zones with a zone page (lx_filter_opts.lxproc): lxproc */
	LX_TRAP_FDFILTER,  /* only in processes holding a synthesized file (emul/fdfilter.h) */
	LX_TRAP_MOUNTD,	   /* in zones: a user notification to the zone's mount service */
	LX_TRAP_HARDENED,  /* only in the hardened profile (cls_hardened EMUL) */
	LX_TRAP_NETVIEW,   /* shared-IP zones, netlink sockets only (netlink/nlfilter.h) */
	/* zones whose processes name their program as their exe (lx_filter_opts.exe_kernel,
	 * emul/exefilter.h): there an EMUL row (readlink) passes, except in a process carrying the
	 * exe filter, and a PASS row (a call that can drop the capability that naming takes)
	 * traps; elsewhere the row's class holds */
	LX_TRAP_EXE,
	LX_TRAP_USERNS, /* REFUSE_IF: passed to the kernel in user-namespaced zones
			 * (lx_filter_opts.userns), default profile; refused elsewhere */
};

enum lx_sys_reason {
	LX_WHY_NONE = 0,
	LX_WHY_NOT_YET,	      /* could be emulated; not written yet */
	LX_WHY_NO_HOST_EQUIV, /* needs something the host cannot give a zone */
	LX_WHY_HOST_STATE,    /* would change state shared with the host */
	LX_WHY_OBSOLETE,      /* removed from Linux or never implemented on x86_64 */
	LX_WHY_BYPASS,	      /* would let the guest bypass the brand (io_uring ...) */
	LX_WHY_SECURITY,      /* refused by the zone's security policy */
};

/* A Linux release, as LINUX_VERSION_CODE numbers it (major << 16 | minor << 8 | patch). */
#define LX_KV(a, b, c) (((unsigned)(a) << 16) | ((unsigned)(b) << 8) | (unsigned)(c))

struct lx_sysent {
	const char *name;
	unsigned char cls;	    /* enum lx_sys_class, default profile */
	unsigned char cls_hardened; /* enum lx_sys_class, hardened profile */
	unsigned char trap;	    /* enum lx_sys_trap */
	unsigned char reason;	    /* enum lx_sys_reason (REFUSE, UNSUP) */
	unsigned short err;	    /* errno returned for REFUSE */
	unsigned since;		    /* LX_KV: first Linux release with the call on x86_64 */
	const char *family;	    /* "lx_<family>.c" in syscalls/, holding lx_sys_<name>; or 0 */
	const char *note;	    /* one sentence: what the brand does, or why not */
};

extern const struct lx_sysent lx_systable[LX_NSYSCALLS];

/*
 * A kernel-version string ("X.Y", "X.Y.Z", with any suffix after Z: "5.15.0-91-generic") as
 * LX_KV; 0 for NULL, "" or anything else (0 means "the host's": nothing is gated).  Patch
 * levels above 255 are clamped, as LINUX_VERSION_CODE does.
 */
unsigned lx_sys_kv_parse(const char *s);

/* Does a zone claiming kernel kv (LX_KV, 0: the host's) lack the call e?  Then the call
 * answers ENOSYS, as that kernel would (filter/filter.c). */
static inline int lx_sys_newer(const struct lx_sysent *e, unsigned kv)
{
	return kv != 0 && e->since > kv;
}

const char *lx_sys_reason_name(unsigned reason);
const char *lx_sys_class_name(unsigned cls);
const char *lx_sys_trap_name(unsigned trap);

#endif
