/*
 * The signal calls that touch SIGSYS or the brand's stack: rt_sigaction, rt_sigprocmask,
 * sigaltstack, signalfd, signalfd4.  The guest sees its own dispositions, mask and alternate
 * stack; the kernel sees the brand's entry point, a mask without SIGSYS and the emulation
 * stack.  Argument checks and their order follow Linux, EFAULT included.
 */
#include "emul/guestmem.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "emul/signal.h"
#include "syscalls/handlers.h"

#define SIGSYS_BIT  LX_SIG_BIT(LX_SIGSYS)
#define UNBLOCKABLE (LX_SIG_BIT(LX_SIGKILL) | LX_SIG_BIT(LX_SIGSTOP))

/*
 * The short path of rt_sigaction: a guest that re-installs a handler (or swaps one handler
 * for another with the same restart/child flags) changes nothing the kernel holds, since
 * the kernel's action for any guest handler is the brand's entry, so the real rt_sigaction
 * is skipped.  That is right while the kernel's table is the one lx_proc.act describes: in
 * every process but a vfork child (its own table, the parent's memory), which always
 * programs; the compare is made under act_lock, against the entry it replaces.
 */
static int kernel_unchanged(int sig, const struct lx_vsigaction *cur,
			    const struct lx_vsigaction *nva)
{
	struct lx_kernel_sigaction a, b;

	lx_signal_kernel_action(sig, cur, &a);
	lx_signal_kernel_action(sig, nva, &b);
	return a.handler == b.handler && a.flags == b.flags && a.restorer == b.restorer &&
	       a.mask == b.mask;
}

long lx_sys_rt_sigaction(struct lx_sysctx *c)
{
	int sig = (int)c->a[0];
	uint64_t act = c->a[1], oact = c->a[2];
	struct lx_vsigaction nva, old, cur;
	long r = 0;

	if (c->a[3] != 8 || sig < 1 || sig > LX_NSIG)
		return -LX_EINVAL;
	if (act && (sig == LX_SIGKILL || sig == LX_SIGSTOP))
		return -LX_EINVAL;
	if (act && lx_copy_from_guest(&nva, act, sizeof(nva)))
		return -LX_EFAULT;
	old = lx_proc.act[sig];
	if (act) {
		nva.mask &= ~UNBLOCKABLE;
		if (lx_in_vfork_child()) {
			/* a vfork child shares the parent's memory: its dispositions are its own;
			 * one it ignores, which the table does not show, joins the set its exec
			 * names beside the table's (lx_exec.c).  Another thread's vfork child may
			 * add to it at once; nobody takes from it. */
			if (nva.handler == LX_SIG_IGN)
				__atomic_fetch_or(&lx_proc.vfork_ign, LX_SIG_BIT(sig), __ATOMIC_RELAXED);
			if (sig != LX_SIGSYS)
				r = lx_signal_program(sig, &nva);
		} else {
			lx_spin_lock(&lx_proc.act_lock);
			cur = lx_proc.act[sig];
			lx_proc.act[sig] = nva;
			if (!kernel_unchanged(sig, &cur, &nva))
				r = lx_signal_program(sig, &nva);
			if (r < 0)
				lx_proc.act[sig] = cur;
			lx_spin_unlock(&lx_proc.act_lock);
		}
		if (r < 0)
			return r;
	}
	if (oact && lx_copy_to_guest(oact, &old, sizeof(old)))
		return -LX_EFAULT;
	return 0;
}

/* The guest's new mask from its how and set (LX_SIG_* and the set it passed). */
static int mask_apply(int how, uint64_t cur, uint64_t s, uint64_t *next)
{
	switch (how) {
	case LX_SIG_BLOCK:
		*next = cur | s;
		break;
	case LX_SIG_UNBLOCK:
		*next = cur & ~s;
		break;
	case LX_SIG_SETMASK:
		*next = s;
		break;
	default:
		return -LX_EINVAL;
	}
	*next &= ~UNBLOCKABLE;
	return 0;
}

/* The guest unblocked SIGSYS: a guest-sent one held meanwhile is sent again. */
static void sigsys_release(struct lx_thread *t)
{
	if (!t->sigsys_blocked && t->sigsys_pending) {
		t->sigsys_pending = 0;
		lx_sys3(LX_SYS_tgkill, lx_sys0(LX_SYS_getpid), lx_sys0(LX_SYS_gettid), LX_SIGSYS);
	}
}

/*
 * A patched site's rt_sigprocmask (emul/patch.c): no trap frame whose mask sigreturn would
 * install, so one real call with the guest's own how sets the kernel's mask, SIGSYS taken out
 * of the set (the guest's bit is t->sigsys_blocked).  A signal the new mask unblocks is
 * delivered on that call's way out, into lx_sigentry, which stashes it for the fast path's
 * flush; one that arrived just before and is now blocked is queued again by the flush
 * (t->fast_masked), as if it had come just after.
 */
static long sigprocmask_fast(struct lx_sysctx *c, int how, uint64_t set, uint64_t oset)
{
	uint64_t s = 0, k, old = 0, cur, next = 0;
	long r;

	if (set && lx_copy_from_guest(&s, set, sizeof(s)))
		return -LX_EFAULT;
	if (set && how != LX_SIG_BLOCK && how != LX_SIG_UNBLOCK && how != LX_SIG_SETMASK)
		return -LX_EINVAL;
	k = s & ~SIGSYS_BIT;
	r = lx_sys4(LX_SYS_rt_sigprocmask, how, set ? &k : 0, &old, 8);
	if (r < 0)
		return r;
	cur = (old & ~SIGSYS_BIT) | (c->t->sigsys_blocked ? SIGSYS_BIT : 0);
	if (set) {
		mask_apply(how, cur, s, &next);
		c->t->sigsys_blocked = (next & SIGSYS_BIT) != 0;
		lx_thread_kept(c->t);
		if (how != LX_SIG_UNBLOCK)
			c->t->fast_masked = 1;
		sigsys_release(c->t);
	}
	if (oset && lx_copy_to_guest(oset, &cur, sizeof(cur)))
		return -LX_EFAULT;
	return 0;
}

long lx_sys_rt_sigprocmask(struct lx_sysctx *c)
{
	int how = (int)c->a[0];
	uint64_t set = c->a[1], oset = c->a[2], s, cur, next;

	if (c->a[3] != 8)
		return -LX_EINVAL;
	if (c->t->fast)
		return sigprocmask_fast(c, how, set, oset);
	/* the interrupted context's mask is what sigreturn will install: edit it there */
	cur = c->uc->uc_sigmask | (c->t->sigsys_blocked ? SIGSYS_BIT : 0);
	next = cur;
	if (set) {
		if (lx_copy_from_guest(&s, set, sizeof(s)))
			return -LX_EFAULT;
		if (mask_apply(how, cur, s, &next) < 0)
			return -LX_EINVAL;
	}
	c->t->sigsys_blocked = (next & SIGSYS_BIT) != 0;
	lx_thread_kept(c->t);
	c->uc->uc_sigmask = next & ~SIGSYS_BIT;
	sigsys_release(c->t);
	if (oset && lx_copy_to_guest(oset, &cur, sizeof(cur)))
		return -LX_EFAULT;
	return 0;
}

long lx_sys_sigaltstack(struct lx_sysctx *c)
{
	struct lx_stack *v = &c->t->vss, ss, old;
	uint64_t sp = c->uc->uc_mcontext.rsp;
	int on = !(v->ss_flags & LX_SS_DISABLE) && sp > v->ss_sp && sp <= v->ss_sp + v->ss_size;

	old = *v;
	old.ss_flags = on ? LX_SS_ONSTACK : (v->ss_flags & (LX_SS_DISABLE | (int)LX_SS_AUTODISARM));
	if (old.ss_flags & LX_SS_DISABLE) {
		old.ss_sp = 0;
		old.ss_size = 0;
	}
	if (c->a[0]) {
		if (lx_copy_from_guest(&ss, c->a[0], sizeof(ss)))
			return -LX_EFAULT;
		if (on)
			return -LX_EPERM;
		int mode = ss.ss_flags & ~(int)LX_SS_AUTODISARM;
		if (mode != LX_SS_DISABLE && mode != LX_SS_ONSTACK && mode != 0)
			return -LX_EINVAL;
		if (mode == LX_SS_DISABLE) {
			v->ss_sp = 0;
			v->ss_size = 0;
			v->ss_flags = LX_SS_DISABLE;
		} else {
			if (ss.ss_size < LX_MINSIGSTKSZ)
				return -LX_ENOMEM;
			v->ss_sp = ss.ss_sp;
			v->ss_size = ss.ss_size;
			v->ss_flags = ss.ss_flags & (int)LX_SS_AUTODISARM;
		}
		lx_thread_kept(c->t);
	}
	if (c->a[1] && lx_copy_to_guest(c->a[1], &old, sizeof(old)))
		return -LX_EFAULT;
	return 0;
}

long lx_sys_rt_sigpending(struct lx_sysctx *c)
{
	uint64_t set;
	long r;

	if (c->a[1] > 8)
		return -LX_EINVAL;
	r = lx_sys2(LX_SYS_rt_sigpending, &set, 8);
	if (r < 0)
		return r;
	if (c->t->sigsys_pending)
		set |= SIGSYS_BIT;
	return lx_copy_to_guest(c->a[0], &set, c->a[1]) ? -LX_EFAULT : 0;
}

static long signalfd_common(struct lx_sysctx *c, int nr, uint64_t flags)
{
	uint64_t mask;

	if (c->a[2] != 8)
		return -LX_EINVAL;
	if (lx_copy_from_guest(&mask, c->a[1], sizeof(mask)))
		return -LX_EFAULT;
	/* the real SIGSYS belongs to the brand: a signalfd never takes it from us */
	mask &= ~SIGSYS_BIT;
	if (nr == LX_SYS_signalfd)
		return lx_sys3(nr, c->a[0], &mask, 8);
	return lx_sys4(nr, c->a[0], &mask, 8, flags);
}

long lx_sys_signalfd(struct lx_sysctx *c)
{
	return signalfd_common(c, LX_SYS_signalfd, 0);
}

long lx_sys_signalfd4(struct lx_sysctx *c)
{
	return signalfd_common(c, LX_SYS_signalfd4, c->a[3]);
}
