/*
 * clone, clone3, exit: process and thread creation under the brand.
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
 * emulation stacks included (but the first thread's, which it finds zero and fills again:
 * emul/state.h), and learns its own pid lazily (lx_in_vfork_child).  Running a
 * fork inside the SIGSYS handler cost copy-on-write faults on the emulation stack in both
 * processes, which on this VM made fork+wait 1.3x native.  vfork-style clones
 * (CLONE_VM|CLONE_VFORK, vfork) are not trapped either: the child borrows the parent's stacks
 * while the parent sleeps.
 *
 * clone3 is always trapped: its flags are behind a pointer the filter cannot read.  The
 * brand copies the argument block as the kernel does (E2BIG above a page or for a nonzero
 * tail it does not know, EINVAL below the first version, EFAULT), then re-issues clone3
 * from the gate with the guest's block, so the kernel checks and applies every field (flags,
 * exit_signal, tls, the tid and pidfd pointers, set_tid, the cgroup) and returns its own
 * errno.  Only the stack is the brand's:
 *   - CLONE_VM children (pthread_create) start on a frame in a new region, as clone threads;
 *   - CLONE_VM|CLONE_VFORK children (posix_spawn, on a stack of their own) too: unlike a
 *     native vfork child they cannot borrow this thread's emulation stack, which the parent
 *     is using, trapped in clone3.  The parent wakes when the child has exec'd or exited,
 *     and then gives the region back (parked under the child's tid, which tgkill never finds
 *     in this thread group, so the next thread takes it at once);
 *   - other (fork-like) children are forked right here, inside the handler: the child
 *     returns 0 through a copy of it (the region copied for this fork, lx_estack_fork_copy),
 *     on the guest's new stack if it asked for one.  libc
 *     forks with clone or fork, which stay untrapped; clone3 forks are LTP's and tools'.
 * A stack the kernel would refuse (size without address, address without size, beyond the
 * user address space) is never replaced: the kernel gets a block with a stack it certainly
 * refuses, so it reports its own first error in its own order, and no child exists.
 * CLONE_CLEAR_SIGHAND resets the child's handlers in the kernel, the brand's SIGSYS, SIGSEGV
 * and SIGBUS entries included: the child re-installs those before it runs the guest.
 *
 * exit (one thread) frees the thread's emulation stack: the gate's thread-exit sequence
 * unmaps it and exits without touching the stack again.
 */
#include "emul/patch.h"
#include "emul/guestmem.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "syscalls/handlers.h"

/* TASK_SIZE_MAX with 4-level paging: a stack ending above it is refused (on a 5-level host
 * the brand refuses stacks above 128 TiB that Linux would take) */
#define LX_USER_TOP 0x00007ffffffff000ULL

void lx_gate_thread_exit(void *base, unsigned long len, long code) __attribute__((noreturn));

/* A CLONE_CLEAR_SIGHAND child that shares our memory starts here, on its new region, with
 * the stack pointer just above its frame: re-arm the brand's signals, then rt_sigreturn
 * into the guest.  (The call keeps the ABI's alignment: the frame sits at 8 mod 16.) */
void lx_clone_rearm_entry(void);
void lx_clone_rearm(void);
__asm__(".text\n"
	".globl lx_clone_rearm_entry\n"
	".type lx_clone_rearm_entry, @function\n"
	"lx_clone_rearm_entry:\n"
	"	call lx_clone_rearm\n"
	"	jmp lx_restorer\n"
	".size lx_clone_rearm_entry, . - lx_clone_rearm_entry\n");

void lx_clone_rearm(void)
{
	/* the guest's dispositions stay the shared table's; only the kernel's were reset */
	lx_signal_program(LX_SIGSYS, &lx_proc.act[LX_SIGSYS]);
	lx_signal_program(LX_SIGSEGV, &lx_proc.act[LX_SIGSEGV]);
	lx_signal_program(LX_SIGBUS, &lx_proc.act[LX_SIGBUS]);
}

/*
 * Builds on region nt the frame a new task starts on: the guest's context at the trap with
 * rax 0, rsp newsp (0: the guest's own), uc_stack the region.  entry is what the gate's
 * `ret` jumps to.  Returns the frame; the child's stack pointer must be its address.
 */
static struct lx_rt_sigframe *child_frame(struct lx_sysctx *c, struct lx_thread *nt, uint64_t newsp,
					  uint64_t entry)
{
	size_t fpsize = lx_fpstate_size(c->uc->uc_mcontext.fpstate);
	uint64_t top = lx_estack_top(nt), fp = (top - fpsize) & ~63ULL;
	struct lx_rt_sigframe *f =
	    (struct lx_rt_sigframe *)(uintptr_t)(((fp - sizeof(*f)) & ~15ULL) - 8);

	nt->sigsys_blocked = c->t->sigsys_blocked;
	if (fpsize)
		memcpy((void *)(uintptr_t)fp, (const void *)(uintptr_t)c->uc->uc_mcontext.fpstate,
		       fpsize);
	memset(f, 0, sizeof(*f));
	f->pretcode = entry;
	f->uc = *c->uc;
	f->uc.uc_link = 0;
	lx_estack_stack(nt, &f->uc.uc_stack);
	f->uc.uc_mcontext.rax = 0;
	f->uc.uc_mcontext.rsp = newsp ? newsp : c->uc->uc_mcontext.rsp;
	f->uc.uc_mcontext.fpstate = fpsize ? fp : 0;
	return f;
}

static long spawn_thread(struct lx_sysctx *c, uint64_t flags, uint64_t newsp)
{
	struct lx_thread *nt = lx_estack_alloc();
	struct lx_rt_sigframe *f;
	uint64_t gs;
	long r;

	if (!nt)
		return -LX_ENOMEM;
	f = child_frame(c, nt, newsp, (uintptr_t)lx_restorer);
	gs = lx_patch_gs_handoff(c->t, nt); /* the child is bound from its start */
	r = lx_sys5(LX_SYS_clone, flags, f, c->a[2], c->a[3], c->a[4]);
	lx_patch_gs_attach(c->t, gs);
	if (r < 0)
		lx_munmap((void *)lx_estack_base(nt), LX_ESTACK_SIZE);
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

/* clone3_stack_valid() of Linux: what the brand may replace */
static int stack_ok(const struct lx_clone_args *a)
{
	uint64_t end = a->stack + a->stack_size;

	if (!a->stack)
		return a->stack_size == 0;
	return a->stack_size && end > a->stack && end <= LX_USER_TOP;
}

/* Bytes [from, to) of the guest's block, beyond what the brand knows: they must be zero. */
static long tail_zero(uint64_t uargs, uint64_t from, uint64_t to)
{
	unsigned char buf[256];

	while (from < to) {
		size_t n = to - from < sizeof(buf) ? (size_t)(to - from) : sizeof(buf);
		if (lx_copy_from_guest(buf, uargs + from, n))
			return -LX_EFAULT;
		for (size_t i = 0; i < n; i++)
			if (buf[i])
				return -LX_E2BIG;
		from += n;
	}
	return 0;
}

/* CLONE_VM: the child starts on a frame on a region of its own. */
static long clone3_vm(struct lx_sysctx *c, struct lx_clone_args *a, size_t ksize)
{
	struct lx_thread *nt = lx_estack_alloc();
	int vfork = (a->flags & LX_CLONE_VFORK) != 0;
	uint64_t entry = a->flags & LX_CLONE_CLEAR_SIGHAND ? (uintptr_t)lx_clone_rearm_entry
							   : (uintptr_t)lx_restorer;
	struct lx_rt_sigframe *f;
	uint64_t gs;
	long r;

	if (!nt)
		return -LX_ENOMEM;
	/* a thread starts without an alternate stack; a vfork child keeps its parent's */
	if (vfork) {
		nt->vss = c->t->vss;
		nt->vfork_lent = 1;
	}
	f = child_frame(c, nt, a->stack ? a->stack + a->stack_size : 0, entry);
	a->stack = lx_estack_base(nt) + 2 * LX_PAGE;
	a->stack_size = (uintptr_t)f - a->stack;
	gs = lx_patch_gs_handoff(c->t, nt);
	r = lx_sys2(LX_SYS_clone3, a, ksize);
	lx_patch_gs_attach(c->t, gs);
	if (r < 0 || (vfork && !lx_estack_retire(nt, (int)r)))
		lx_munmap((void *)lx_estack_base(nt), LX_ESTACK_SIZE);
	return r;
}

/* The rest: fork here; the child returns through a copy of this handler (so a region wiped in
 * fork children is copied for this one, emul/state.h). */
static long clone3_fork(struct lx_sysctx *c, struct lx_clone_args *a, size_t ksize)
{
	uint64_t sp = a->stack ? a->stack + a->stack_size : 0;
	long r;

	a->stack = 0;
	a->stack_size = 0;
	lx_estack_fork_copy(c->t, 1);
	r = lx_sys2(LX_SYS_clone3, a, ksize);
	lx_estack_fork_copy(c->t, 0);
	if (r != 0)
		return r;
	if (a->flags & LX_CLONE_CLEAR_SIGHAND) {
		/* Linux: handlers to SIG_DFL, flags and masks cleared, ignored signals stay
		 * ignored.  The kernel did it; the brand's table and its own entries follow.
		 * No lock: this child has one thread, and a lock a parent's thread held at the
		 * fork would never be released here. */
		for (int sig = 1; sig <= LX_NSIG; sig++) {
			struct lx_vsigaction *va = &lx_proc.act[sig];
			if (va->handler != LX_SIG_IGN)
				va->handler = LX_SIG_DFL;
			va->flags = 0;
			va->mask = 0;
			va->restorer = 0;
		}
		lx_clone_rearm();
	}
	if (sp)
		c->uc->uc_mcontext.rsp = sp;
	return 0;
}

long lx_sys_clone3(struct lx_sysctx *c)
{
	uint64_t uargs = c->a[0], usize = c->a[1];
	struct lx_clone_args a;
	size_t ksize = usize < sizeof(a) ? (size_t)usize : sizeof(a);
	long r;

	if (usize > LX_PAGE)
		return -LX_E2BIG;
	if (usize < LX_CLONE_ARGS_SIZE_VER0)
		return -LX_EINVAL;
	r = tail_zero(uargs, sizeof(a), usize);
	if (r < 0)
		return r;
	memset(&a, 0, sizeof(a));
	if (lx_copy_from_guest(&a, uargs, ksize))
		return -LX_EFAULT;
	if (!stack_ok(&a)) {
		/* the kernel refuses this stack, after its other checks: let it say which */
		a.stack = 0;
		a.stack_size = 1;
		r = lx_sys2(LX_SYS_clone3, &a, ksize);
		return r < 0 ? r : -LX_EINVAL; /* never a child: stack_size without a stack */
	}
	if (a.flags & LX_CLONE_VM)
		return clone3_vm(c, &a, ksize);
	return clone3_fork(c, &a, ksize);
}

long lx_sys_exit(struct lx_sysctx *c)
{
	/* a vfork child's region is its parent's (its own stack, or one clone3 lent): leave it */
	if (lx_in_vfork_child())
		for (;;)
			lx_sys1(LX_SYS_exit, c->a[0]);
	if (lx_estack_retire(c->t, (int)lx_sys0(LX_SYS_gettid)))
		for (;;)
			lx_sys1(LX_SYS_exit, c->a[0]);
	lx_gate_thread_exit((void *)lx_estack_base(c->t), LX_ESTACK_SIZE, (long)c->a[0]);
}
