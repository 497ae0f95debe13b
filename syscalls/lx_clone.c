/*
 * clone, fork, exit: process and thread creation under the brand.
 *
 * Threads (CLONE_VM without CLONE_VFORK).  The new thread needs its own emulation stack
 * before it runs a single guest instruction: a SIGSYS on a stack it shares would corrupt
 * both threads.  The brand allocates the region, builds on it a Linux rt_sigframe whose
 * context is the guest's at the clone call (rax = 0, rsp = the guest's new stack, the
 * guest's mask, FPU state and registers, uc_stack = the new region), and asks the kernel to
 * start the child with its stack pointer at that frame.  The child returns from the gate's
 * `syscall` into the gate's `ret`, which pops the frame's return address: lx_restorer, whose
 * rt_sigreturn installs the whole guest context and the new sigaltstack atomically.  No
 * brand C code runs in the child.
 *
 * fork-style clones and fork are not trapped: the child gets a copy of the parent's memory,
 * emulation stacks included, and learns its own pid lazily (lx_in_vfork_child).  Running a
 * fork inside the SIGSYS handler cost copy-on-write faults on the emulation stack in both
 * processes, which on this VM made fork+wait 1.3x native.  vfork-style clones
 * (CLONE_VM|CLONE_VFORK, vfork) are not trapped either: the child borrows the parent's stacks
 * while the parent sleeps.
 *
 * exit (one thread) frees the thread's emulation stack: the gate's thread-exit sequence
 * unmaps it and exits without touching the stack again.
 */
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "syscalls/handlers.h"

void lx_gate_thread_exit(void *base, unsigned long len, long code) __attribute__((noreturn));

static long spawn_thread(struct lx_sysctx *c, uint64_t flags, uint64_t newsp)
{
	struct lx_thread *nt = lx_estack_alloc();
	struct lx_rt_sigframe *f;
	uint64_t top, fp;
	size_t fpsize = lx_fpstate_size(c->uc->uc_mcontext.fpstate);
	long r;

	if (!nt)
		return -LX_ENOMEM;
	nt->sigsys_blocked = c->t->sigsys_blocked;
	top = (uintptr_t)nt + LX_ESTACK_SIZE;
	fp = (top - fpsize) & ~63ULL;
	f = (struct lx_rt_sigframe *)(uintptr_t)(((fp - sizeof(*f)) & ~15ULL) - 8);
	if (fpsize)
		memcpy((void *)(uintptr_t)fp, (const void *)(uintptr_t)c->uc->uc_mcontext.fpstate,
		       fpsize);
	memset(f, 0, sizeof(*f));
	f->pretcode = (uintptr_t)lx_restorer;
	f->uc = *c->uc;
	f->uc.uc_link = 0;
	lx_estack_stack(nt, &f->uc.uc_stack);
	f->uc.uc_mcontext.rax = 0;
	f->uc.uc_mcontext.rsp = newsp ? newsp : c->uc->uc_mcontext.rsp;
	f->uc.uc_mcontext.fpstate = fpsize ? fp : 0;

	r = lx_sys5(LX_SYS_clone, flags, f, c->a[2], c->a[3], c->a[4]);
	if (r < 0)
		lx_munmap(nt, LX_ESTACK_SIZE);
	return r;
}

long lx_sys_clone(struct lx_sysctx *c)
{
	uint64_t flags = c->a[0], newsp = c->a[1];

	/* the filter traps only threads; anything else here is a filter bug, not a guest's */
	if ((flags & (LX_CLONE_VM | LX_CLONE_VFORK)) != LX_CLONE_VM)
		return -LX_ENOSYS;
	return spawn_thread(c, flags, newsp);
}

long lx_sys_exit(struct lx_sysctx *c)
{
	/* a vfork child runs on its parent's emulation stack: leave it alone */
	if (lx_in_vfork_child())
		for (;;)
			lx_sys1(LX_SYS_exit, c->a[0]);
	if (lx_estack_retire(c->t, (int)lx_sys0(LX_SYS_gettid)))
		for (;;)
			lx_sys1(LX_SYS_exit, c->a[0]);
	lx_gate_thread_exit(c->t, LX_ESTACK_SIZE, (long)c->a[0]);
}
