/*
 * The brand's seccomp filter: built from the syscall table (emul/systable.c) with libseccomp,
 * then rewritten so that every trap goes through the gate check (kernel-shim/filter.c).
 * Host side only (libc, libseccomp): lxrun builds and installs it before exec'ing the brand.
 */
#ifndef LXZONE_FILTER_H
#define LXZONE_FILTER_H

#include <stddef.h>

#include <linux/filter.h>

struct lx_filter_opts {
	int hardened; /* use the table's hardened profile (cls_hardened) */
	int lxproc;   /* the zone has a zone page: trap lxproc's calls (lx_sys_is_lxproc) */
};

/*
 * Placeholders libseccomp emits before the post-pass (SCMP_ACT_TRACE data).  None survives in
 * a built filter; exported for the tests.
 */
#define LX_FILTER_MARK_GATED 0x1a70 /* trap unless the call comes from the gate */
#define LX_FILTER_MARK_PLAIN 0x1a71 /* trap always (unknown / unsupported calls) */

/*
 * The post-pass, exposed for its tests: rewrites the placeholders in prog[0..len) and appends
 * the gate check at prog[len], which must have room for LX_FILTER_GATE_BLOCK_LEN more
 * instructions.  Returns the new length, or -1 with a message in err (a stray TRACE return,
 * a `ret A`, no gated trap at all, or a program too long for the kernel).
 */
#define LX_FILTER_GATE_BLOCK_LEN 7
long lx_filter_gate_pass(struct sock_filter *prog, size_t len, char *err, size_t errlen);

/*
 * Builds the filter.  On success returns 0 and out->filter is malloc'ed (the caller frees it);
 * on failure returns -1 with a message in err.
 */
int lx_filter_build(const struct lx_filter_opts *o, struct sock_fprog *out, char *err,
		    size_t errlen);

/*
 * Installs prog on the calling thread.  Sets PR_SET_NO_NEW_PRIVS first unless the caller has
 * CAP_SYS_ADMIN (which lets it install a filter without).  0, or -1 with a message in err.
 */
int lx_filter_install(const struct sock_fprog *prog, char *err, size_t errlen);

#endif
