/*
 * Signals under the brand.
 *
 * Every guest handler is registered with the kernel as the brand's one entry point
 * (lx_sigentry) on the thread's emulation stack (the real sigaltstack), with all signals
 * blocked.  The entry point either emulates a trapped system call (a seccomp SIGSYS carrying
 * LX_TRAP_DATA) or re-delivers the signal to the guest: it writes a Linux rt_sigframe on the
 * guest's stack, or on the guest's own (virtual) sigaltstack, points the saved context at the
 * guest's handler and returns; the kernel's rt_sigreturn then enters the handler with the mask
 * the guest asked for.  When the handler returns, its restorer runs rt_sigreturn on the
 * frame we built, exactly as after a kernel delivery.  See docs/architecture.md.
 */
#ifndef LXZONE_SIGNAL_H
#define LXZONE_SIGNAL_H

#include "emul/lx_abi.h"
#include "emul/state.h"

struct lx_sysctx {
	struct lx_ucontext *uc;
	struct lx_siginfo *si;
	struct lx_thread *t;
	int nr;
	uint64_t a[6];
};

typedef long (*lx_handler_fn)(struct lx_sysctx *c);

void lx_sigentry(int sig, struct lx_siginfo *si, struct lx_ucontext *uc);
void lx_restorer(void); /* rt_sigreturn, inside the gate region */

/* Boot: the real SIGSYS handler, the guest's inherited dispositions. 0 or -errno.  ignored:
 * the signals the caller of execve had ignored (the hand-over's hint, kernel-shim/brand_abi.h),
 * or NULL to read the kernel's set from /proc/self/status.  Either way only the kernel's own
 * answer for each of them (rt_sigaction) makes the brand treat a signal as ignored. */
int lx_signal_init(struct lx_thread *t, int sigsys_masked, const uint64_t *ignored);
extern struct lx_thread *lx_signal_boot_thread; /* the t lx_signal_init was given */

/* Signals whose real disposition is always the brand's entry: SIGSYS (the trap) and the
 * faults a guest-memory copy recovers from. */
static inline int lx_signal_is_brands(int sig)
{
	return sig == LX_SIGSYS || sig == LX_SIGSEGV || sig == LX_SIGBUS;
}

/* What the kernel must hold for the guest's disposition va of sig (the brand's entry for a
 * handler, the guest's own action for SIG_DFL / SIG_IGN). */
void lx_signal_kernel_action(int sig, const struct lx_vsigaction *va,
			     struct lx_kernel_sigaction *out);

/* Programs the kernel for the guest's disposition of sig. */
long lx_signal_program(int sig, const struct lx_vsigaction *va);

/* The default action of sig for the guest: die, stop, or nothing. */
void lx_signal_default(int sig, struct lx_ucontext *uc);

/* Delivers to the guest the signals that interrupted a blocking emulated call (struct
 * lx_thread's stash), on top of the trapped call's context uc, whose result is already set. */
void lx_signal_flush(struct lx_thread *t, struct lx_ucontext *uc);

/* Runs c's call by the table's handler: the result (-errno).  The SIGSYS path, and the fast
 * path of patched sites (emul/patch.c), which gives it a context built like the trap's. */
long lx_sysctx_run(struct lx_sysctx *c);

/* The size of the xsave area a kernel frame carries (its fpstate). */
size_t lx_fpstate_size(uint64_t fpstate);

#endif
