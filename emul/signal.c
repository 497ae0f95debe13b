#include "emul/signal.h"
#include "emul/guestmem.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "emul/patch.h"
#include "emul/systable.h"
#include "emul/vsyscall.h"
#include "kernel-shim/brand_abi.h"

extern const lx_handler_fn lx_handlers[LX_NSYSCALLS];
extern char lx_brand_end[]; /* brand.ld */
long lx_unsupported(struct lx_sysctx *c);
void lx_fast_flush_entry(void);

#define RED_ZONE 128

static uint64_t tid_self(void)
{
	return (uint64_t)lx_sys0(LX_SYS_gettid);
}

void lx_signal_kernel_action(int sig, const struct lx_vsigaction *va,
			     struct lx_kernel_sigaction *out)
{
	struct lx_kernel_sigaction k;

	if (lx_signal_is_brands(sig) || (va->handler != LX_SIG_DFL && va->handler != LX_SIG_IGN)) {
		/* the brand's entry, whatever the guest's flags: the flags that change what the
		 * kernel does before our handler runs (restart, child stops) are the guest's */
		k.handler = (uintptr_t)lx_sigentry;
		k.flags = LX_SA_SIGINFO | LX_SA_ONSTACK | LX_SA_RESTORER |
			  (va->flags & (LX_SA_RESTART | LX_SA_NOCLDSTOP | LX_SA_NOCLDWAIT));
		if (sig == LX_SIGSYS)
			k.flags = LX_SA_SIGINFO | LX_SA_ONSTACK | LX_SA_RESTORER;
		k.restorer = (uintptr_t)lx_restorer;
		/* everything blocked in the brand, but for the faults its guest copies recover;
		 * the fault entries start with those blocked too (no SA_NODEFER): when the brand
		 * is gone, the entry itself faults with SIGSEGV blocked and the kernel kills (see
		 * lx_sigentry) */
		k.mask = ~(LX_SIG_BIT(LX_SIGSEGV) | LX_SIG_BIT(LX_SIGBUS));
		if (sig == LX_SIGSEGV || sig == LX_SIGBUS)
			k.mask = ~0ULL;
	} else {
		k.handler = va->handler;
		k.flags = va->flags & ~(LX_SA_ONSTACK);
		k.restorer = va->restorer;
		k.mask = va->mask;
	}
	*out = k;
}

long lx_signal_program(int sig, const struct lx_vsigaction *va)
{
	struct lx_kernel_sigaction k;

	lx_signal_kernel_action(sig, va, &k);
	return lx_sys4(LX_SYS_rt_sigaction, sig, &k, 0, 8);
}

/* The ignored signals, from /proc/self/status ("SigIgn:\t<hex>"): one read instead of 64
 * rt_sigaction calls on every exec.  ~0 when /proc cannot tell (ask for each signal). */
static uint64_t ignored_signals(void)
{
	char buf[2048];
	long fd = lx_sys3(LX_SYS_open, "/proc/self/status", LX_O_RDONLY | LX_O_CLOEXEC, 0), n;
	uint64_t mask = 0;
	char *p;

	if (fd < 0)
		return ~0ULL;
	n = lx_sys3(LX_SYS_read, fd, buf, sizeof(buf) - 1);
	lx_sys1(LX_SYS_close, fd);
	if (n <= 0)
		return ~0ULL;
	buf[n] = '\0';
	for (p = buf; *p; p++)
		if (lx_startswith(p, "SigIgn:\t"))
			break;
	if (!*p)
		return ~0ULL;
	for (p += 8; *p && *p != '\n'; p++) {
		int d = *p >= 'a' ? *p - 'a' + 10 : *p - '0';
		if (d < 0 || d > 15)
			return ~0ULL;
		mask = mask << 4 | (uint64_t)d;
	}
	return mask;
}

struct lx_thread *lx_signal_boot_thread LX_BSS_HOT; /* written by every start */

int lx_signal_init(struct lx_thread *t, int sigsys_masked, const uint64_t *ignored)
{
	struct lx_kernel_sigaction old;
	uint64_t sigsys = LX_SIG_BIT(LX_SIGSYS), oldmask = 0;
	uint64_t ign = ignored ? *ignored : ignored_signals();
	long r;

	for (int sig = 1; sig <= LX_NSIG; sig++) {
		struct lx_vsigaction *va = &lx_proc.act[sig];

		memset(va, 0, sizeof(*va));
		if (sig == LX_SIGKILL || sig == LX_SIGSTOP || !(ign & LX_SIG_BIT(sig)))
			continue;
		if (lx_sys4(LX_SYS_rt_sigaction, sig, 0, &old, 8) < 0)
			continue;
		/* after execve only "ignored" survives; anything else is the default */
		va->handler = old.handler == LX_SIG_IGN ? LX_SIG_IGN : LX_SIG_DFL;
		va->flags = old.handler == LX_SIG_IGN ? old.flags : 0;
	}
	for (int sig = 1; sig <= LX_NSIG; sig++) {
		if (!lx_signal_is_brands(sig))
			continue;
		r = lx_signal_program(sig, &lx_proc.act[sig]);
		if (r < 0)
			return (int)r;
	}
	/* the real SIGSYS is never blocked: a blocked SIGSYS at trap time kills the process */
	r = lx_sys4(LX_SYS_rt_sigprocmask, LX_SIG_UNBLOCK, &sigsys, &oldmask, 8);
	if (r < 0)
		return (int)r;
	/* t's struct is filled at its first signal entry (lx_thread_first) */
	lx_proc.boot_sigsys_blocked = sigsys_masked || (oldmask & sigsys);
	lx_signal_boot_thread = t;
	return 0;
}

static int default_ignores(int sig)
{
	return sig == LX_SIGCHLD || sig == LX_SIGCONT || sig == LX_SIGURG || sig == LX_SIGWINCH;
}

void lx_signal_default(int sig, struct lx_ucontext *uc)
{
	struct lx_kernel_sigaction k = {0};

	if (default_ignores(sig))
		return;
	/* let the kernel do it: default disposition, pending, deliverable after sigreturn */
	k.handler = LX_SIG_DFL;
	lx_sys4(LX_SYS_rt_sigaction, sig, &k, 0, 8);
	uc->uc_sigmask &= ~LX_SIG_BIT(sig);
	lx_sys3(LX_SYS_tgkill, lx_sys0(LX_SYS_getpid), tid_self(), sig);
}

size_t lx_fpstate_size(uint64_t fpstate)
{
	struct lx_fpx_sw_bytes sw;

	if (!fpstate)
		return 0;
	memcpy(&sw, (const char *)(uintptr_t)fpstate + 464, sizeof(sw));
	if (sw.magic1 == LX_FP_XSTATE_MAGIC1 && sw.extended_size >= LX_FXSAVE_SIZE &&
	    sw.extended_size <= 64 * 1024)
		return sw.extended_size;
	return LX_FXSAVE_SIZE;
}

static int sync_fault(int sig)
{
	return sig == LX_SIGSEGV || sig == LX_SIGBUS || sig == LX_SIGILL || sig == LX_SIGFPE ||
	       sig == LX_SIGTRAP;
}

static int on_stack(const struct lx_stack *ss, uint64_t sp)
{
	return !(ss->ss_flags & LX_SS_DISABLE) && sp > ss->ss_sp && sp <= ss->ss_sp + ss->ss_size;
}

/* Re-deliver sig to the guest's handler: a Linux rt_sigframe on the guest's stack. */
static void deliver(struct lx_thread *t, int sig, struct lx_siginfo *si, struct lx_ucontext *uc)
{
	struct lx_vsigaction va = lx_proc.act[sig];
	struct lx_rt_sigframe f;
	struct lx_stack brand_ss;
	uint64_t sp = uc->uc_mcontext.rsp, fp, frame;
	size_t fpsize = lx_fpstate_size(uc->uc_mcontext.fpstate);

	if (va.handler == LX_SIG_IGN && !(si->si_code > 0 && sync_fault(sig)))
		return;
	if (va.handler == LX_SIG_IGN) {
		/* an ignored fault would fault again forever: Linux kills, so do we */
		lx_signal_default(sig, uc);
		return;
	}
	if (va.handler == LX_SIG_DFL) {
		lx_signal_default(sig, uc);
		return;
	}
	if (!(va.flags & LX_SA_RESTORER))
		goto segv; /* x86_64 cannot return from a handler without one, like Linux */

	if ((va.flags & LX_SA_ONSTACK) && !(t->vss.ss_flags & LX_SS_DISABLE) &&
	    !on_stack(&t->vss, sp))
		sp = t->vss.ss_sp + t->vss.ss_size;
	else
		sp -= RED_ZONE;
	fp = (sp - fpsize) & ~63ULL;
	frame = ((fp - sizeof(f)) & ~15ULL) - 8;

	lx_estack_stack(t, &brand_ss);
	f.pretcode = va.restorer;
	f.uc = *uc;
	f.uc.uc_link = 0;
	/* rt_sigreturn re-installs uc_stack as the real sigaltstack: it must stay the brand's */
	f.uc.uc_stack = brand_ss;
	f.uc.uc_mcontext.fpstate = fpsize ? fp : 0;
	f.info = *si;
	if (fpsize &&
	    lx_copy_to_guest(fp, (const void *)(uintptr_t)uc->uc_mcontext.fpstate, fpsize))
		goto segv;
	if (lx_copy_to_guest(frame, &f, sizeof(f)))
		goto segv;

	if (va.flags & LX_SA_RESETHAND) {
		lx_spin_lock(&lx_proc.act_lock);
		lx_proc.act[sig].handler = LX_SIG_DFL; /* SA_SIGINFO stays, as in Linux */
		lx_signal_program(sig, &lx_proc.act[sig]);
		lx_spin_unlock(&lx_proc.act_lock);
	}
	uc->uc_mcontext.rip = va.handler;
	uc->uc_mcontext.rsp = frame;
	uc->uc_mcontext.rdi = (uint64_t)sig;
	uc->uc_mcontext.rsi = frame + __builtin_offsetof(struct lx_rt_sigframe, info);
	uc->uc_mcontext.rdx = frame + __builtin_offsetof(struct lx_rt_sigframe, uc);
	uc->uc_mcontext.rax = 0;
	uc->uc_mcontext.eflags &= ~(uint64_t)(LX_EFLAGS_DF | LX_EFLAGS_RF | LX_EFLAGS_TF);
	uc->uc_sigmask |= va.mask;
	if (!(va.flags & LX_SA_NODEFER))
		uc->uc_sigmask |= LX_SIG_BIT(sig);
	uc->uc_sigmask &=
	    ~(LX_SIG_BIT(LX_SIGSYS) | LX_SIG_BIT(LX_SIGKILL) | LX_SIG_BIT(LX_SIGSTOP));
	return;
segv:
	/* the guest's stack cannot take the frame: Linux forces a SIGSEGV (force_sigsegv), which
	 * the guest may handle on another stack; when SIGSEGV itself cannot be delivered, the
	 * default action kills */
	if (sig != LX_SIGSEGV) {
		struct lx_siginfo fault;
		memset(&fault, 0, sizeof(fault));
		fault.si_signo = LX_SIGSEGV;
		fault.si_code = 0x80; /* SI_KERNEL */
		deliver(t, LX_SIGSEGV, &fault, uc);
		return;
	}
	lx_spin_lock(&lx_proc.act_lock);
	lx_proc.act[LX_SIGSEGV].handler = LX_SIG_DFL;
	lx_spin_unlock(&lx_proc.act_lock);
	lx_signal_default(LX_SIGSEGV, uc);
}

/* A stashed signal that may not run now goes back to the kernel, pending.
 * rt_tgsigqueueinfo keeps its siginfo; the kernel refuses that for a kill()- or
 * tgkill()-style siginfo outside the main thread, which then gets a tgkill of its own (the
 * sender's pid is ours). */
static void requeue(const struct lx_siginfo *si)
{
	long pid = lx_sys0(LX_SYS_getpid), tid = (long)tid_self();

	if (lx_sys4(LX_SYS_rt_tgsigqueueinfo, pid, tid, si->si_signo, si) < 0)
		lx_sys3(LX_SYS_tgkill, pid, tid, si->si_signo);
}

void lx_signal_flush(struct lx_thread *t, struct lx_ucontext *uc)
{
	uint64_t held;

	/* a patched call's context is not a kernel frame (no xsave area, no sigreturn): its
	 * signals stay stashed until lx_fast_entry's way out traps (emul/patch.c) */
	if (t->fast)
		return;
	/* What may not run: what the handlers delivered so far block, as Linux checks each
	 * further signal against the mask the last delivery set; and, after a patched
	 * rt_sigprocmask (t->fast_masked), the mask it set, which a signal that came just
	 * before it may not bypass.  (After a wait that opened the guest's mask, epoll_pwait's
	 * own, the mask at the trap is not the test: Linux runs those handlers.) */
	held = t->fast_masked ? uc->uc_sigmask : 0;
	t->fast_masked = 0;
	/* frames are built from the last stashed down, so the first one stashed runs first */
	while (t->nstash > 0) {
		struct lx_siginfo si = lx_thread_stash(t)[--t->nstash];
		uint64_t before = uc->uc_sigmask, rip = uc->uc_mcontext.rip;
		if (si.si_signo == LX_SIGSYS && t->sigsys_blocked) {
			t->sigsys_pending = 1;
			continue;
		}
		if (held & LX_SIG_BIT(si.si_signo)) {
			requeue(&si);
			continue;
		}
		deliver(t, si.si_signo, &si, uc);
		if (uc->uc_mcontext.rip != rip)
			held |= uc->uc_sigmask & ~before;
	}
}

long lx_sysctx_run(struct lx_sysctx *c)
{
	lx_handler_fn h = NULL;

	/* lx_handlers has a handler exactly for the rows that may trap to one (systable.def) */
	if (c->nr >= 0 && c->nr < LX_NSYSCALLS) {
		/* a call the zone's kernel-version lacks is ENOSYS'd by the filter; one trapped
		 * anyway (the descriptor filter's statx outranks an ERRNO) is answered the same */
		if (lx_sys_newer(&lx_systable[c->nr], lx_proc.kv))
			return -LX_ENOSYS;
		h = lx_handlers[c->nr];
	}
	return h ? h(c) : lx_unsupported(c);
}

static void syscall_trap(struct lx_thread *t, struct lx_siginfo *si, struct lx_ucontext *uc)
{
	struct lx_sigcontext *m = &uc->uc_mcontext;
	struct lx_sysctx c = {
	    .uc = uc,
	    .si = si,
	    .t = t,
	    .nr = si->u.sigsys.syscall,
	    .a = {m->rdi, m->rsi, m->rdx, m->r10, m->r8, m->r9},
	};

	lx_patch_trap(t, c.nr, uc);
	m->rax = (uint64_t)lx_sysctx_run(&c);
}

/* Did the brand's own code, on this thread's emulation stack, fault outside a guest copy?
 * Then the brand is broken (the guest unmapped or protected part of it): nothing it would
 * run next can be trusted.  Only a fault (si_code > 0, from the kernel) counts: a SIGSEGV
 * another process sends (kill, sigqueue) may well arrive while the brand runs. */
static int brand_fault(const struct lx_thread *t, const struct lx_siginfo *si,
		       const struct lx_ucontext *uc)
{
	uint64_t ip = uc->uc_mcontext.rip, sp = uc->uc_mcontext.rsp;

	return si->si_code > 0 && ip >= LX_BRAND_BASE && ip < (uintptr_t)lx_brand_end &&
	       sp > lx_estack_base(t) && sp <= lx_estack_base(t) + LX_ESTACK_SIZE;
}

/*
 * A fault entry (SIGSEGV, SIGBUS) starts with both faults blocked, so that a process whose
 * brand is gone dies at once: were the entry's own address unmapped, the kernel's delivery
 * would fault again with SIGSEGV blocked, and a blocked forced SIGSEGV kills.  (With the
 * faults deliverable, each fault nests another frame on the emulation stack until the
 * kernel, finding the stack pointer below the sigaltstack, starts again at its top: a spin
 * with every other signal blocked.)  A fault of the brand's own code kills the same way;
 * only then are the faults unblocked, for the guest copies of the delivery: those the
 * interrupted code had not blocked, which is the mask the kernel gave the entry before.
 */
static int fault_entry(struct lx_thread *t, int sig, const struct lx_siginfo *si,
		       struct lx_ucontext *uc)
{
	uint64_t faults = LX_SIG_BIT(LX_SIGSEGV) | LX_SIG_BIT(LX_SIGBUS);

	if (lx_guestmem_fixup(uc))
		return 1;
	if (brand_fault(t, si, uc)) {
		lx_signal_default(sig, uc);
		return 1;
	}
	/* as the kernel would have: those the interrupted code did not block (a fault the
	 * guest holds stays held, and one pending must not jump ahead) */
	faults &= ~uc->uc_sigmask;
	if (faults)
		lx_sys4(LX_SYS_rt_sigprocmask, LX_SIG_UNBLOCK, &faults, 0, 8);
	return 0;
}

static long vsys_call(long nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	return lx_sys3(nr, a0, a1, a2);
}

static int vsys_read(uint64_t addr, uint64_t *out)
{
	return lx_copy_from_guest(out, addr, sizeof(*out));
}

/* A call into the vsyscall page on a host that does not emulate it (emul/vsyscall.h):
 * emulated here, after fault_entry has unblocked the faults the guest copy may need. */
static int vsyscall_entry(const struct lx_siginfo *si, struct lx_ucontext *uc)
{
	static const struct lx_vsyscall_ops ops = {vsys_call, vsys_read};
	int nr = lx_vsyscall_decode(LX_SIGSEGV, si->si_code, si->u.addr, uc->uc_mcontext.rip);

	return nr >= 0 && lx_vsyscall_emulate(nr, &uc->uc_mcontext, &ops);
}

static void sigentry(struct lx_thread *t, int sig, struct lx_siginfo *si, struct lx_ucontext *uc)
{
	if (sig == LX_SIGCHLD)
		lx_fork_seen();
	if ((sig == LX_SIGSEGV || sig == LX_SIGBUS) && fault_entry(t, sig, si, uc))
		return;
	if (sig == LX_SIGSEGV && (vsyscall_entry(si, uc) || lx_patch_fault(si, uc)))
		return;
	if (sig == LX_SIGSYS && si->si_code == LX_SYS_SECCOMP && si->si_errno == LX_TRAP_DATA) {
		if (lx_patch_is_flush(uc))
			lx_patch_flush(t, uc);
		else
			syscall_trap(t, si, uc);
		return;
	}
	if (t->waiting || t->fast) {
		/* interrupting a blocking emulated call, or a patched call (emul/patch.c):
		 * delivered when it returns; past LX_STASH_N at once, the rest are lost (a
		 * real-time signal may be) */
		lx_thread_stash_page(t);
		if (t->nstash < LX_STASH_N)
			lx_thread_stash(t)[t->nstash++] = *si;
		if (t->fast)
			t->fast_exit = (uintptr_t)lx_fast_flush_entry;
		return;
	}
	if (sig == LX_SIGSYS && t->sigsys_blocked) {
		t->sigsys_pending = 1; /* delivered when the guest unblocks it */
		return;
	}
	deliver(t, sig, si, uc);
}

/* t->depth counts the brand's frames on the emulation stack: a patched site's fast path
 * (kernel-shim/entry.S) must not start on top of one (a vfork child sharing a trapped
 * parent's memory), so it takes the ordinary trap then. */
void lx_sigentry(int sig, struct lx_siginfo *si, struct lx_ucontext *uc)
{
	struct lx_thread *t = lx_thread_self();

	if (__builtin_expect(t->magic != LX_THREAD_MAGIC, 0))
		lx_thread_first(t); /* the first thread's first entry (lx_estack_first) */
	t->depth++;
	sigentry(t, sig, si, uc);
	t->depth--;
}
