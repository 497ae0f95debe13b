/*
 * One table, with reasons: for every x86_64 system call, what the brand does with it.
 *
 * Pure data, compiled into the freestanding brand and into host tools.  The seccomp filter
 * (kernel-shim/filter.c), the coverage table (docs/syscalls.md), `--report-unsupported` and
 * the brand's dispatch all come from this table.
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

enum lx_sys_reason {
	LX_WHY_NONE = 0,
	LX_WHY_NOT_YET,	      /* could be emulated; not written yet */
	LX_WHY_NO_HOST_EQUIV, /* needs something the host cannot give a zone */
	LX_WHY_HOST_STATE,    /* would change state shared with the host */
	LX_WHY_OBSOLETE,      /* removed from Linux or never implemented on x86_64 */
	LX_WHY_BYPASS,	      /* would let the guest bypass the brand (io_uring ...) */
	LX_WHY_SECURITY,      /* refused by the zone's security policy */
};

struct lx_sysent {
	const char *name;
	unsigned char cls;	    /* enum lx_sys_class, default profile */
	unsigned char cls_hardened; /* enum lx_sys_class, hardened profile */
	unsigned char reason;	    /* enum lx_sys_reason (REFUSE, UNSUP) */
	unsigned short err;	    /* errno returned for REFUSE */
	const char *note;	    /* one sentence: what the brand does, or why not */
};

extern const struct lx_sysent lx_systable[LX_NSYSCALLS];

/*
 * lxproc's calls: pass-through, unless the zone has a zone page (caps to show), when the
 * filter traps them so the brand can answer from the zone's view: open, openat and openat2
 * (of the synthesized /proc and /sys files only; every other path goes straight on), lseek to
 * 0 and pread64 at 0 (a re-read of a synthesized file shows fresh text), sysinfo,
 * sched_getaffinity.
 */
int lx_sys_is_lxproc(int nr);

/*
 * The mount service's calls (mount, umount2): refused by the table; in a zone the filter
 * instead sends them to the zone's mount service, outside the zone, as seccomp user
 * notifications (lx_filter_opts.mount_notify, zone/mountd.h), which decides and performs them.
 */
int lx_sys_is_mountd(int nr);

const char *lx_sys_reason_name(unsigned reason);
const char *lx_sys_class_name(unsigned cls);

#endif
