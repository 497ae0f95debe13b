#include "emul/state.h"
#include "emul/lx_libc.h"
#include "emul/signal.h"
#include "kernel-shim/brand_abi.h"

/* its head in the hot statics' page (state.h, brand.ld) */
struct lx_proc lx_proc __attribute__((section(".bss.lxproc"), aligned(64)));

_Static_assert(LX_STASH_N * sizeof(struct lx_siginfo) <= LX_PAGE, "the stash fits its page");

/* What a thread's zeroed struct holds besides zeros, but its magic (set last by the callers). */
static void thread_fields(struct lx_thread *t)
{
	t->self = (uintptr_t)t;
	t->vss.ss_flags = LX_SS_DISABLE;
}

static struct lx_thread *init_region(uintptr_t base)
{
	struct lx_thread *t = (struct lx_thread *)(base + LX_ESTACK_SIZE - LX_THREAD_SIZE);

	memset(t, 0, sizeof(*t));
	thread_fields(t);
	t->magic = LX_THREAD_MAGIC;
	return t;
}

/* A region left by a thread that has exited for good (its tid is gone), or 0. */
static uintptr_t reuse(void)
{
	uintptr_t base = 0;

	lx_spin_lock(&lx_proc.estack_lock);
	for (int i = 0; i < LX_ESTACK_FREE && !base; i++) {
		struct lx_estack_free *f = &lx_proc.estack_free[i];
		if (f->base && lx_sys3(LX_SYS_tgkill, lx_proc.pid, f->tid, 0) == -3 /* ESRCH */) {
			base = f->base;
			f->base = 0;
		}
	}
	lx_spin_unlock(&lx_proc.estack_lock);
	return base;
}

/* A new region, mapped and not written: its base, or 0. */
static uintptr_t map_region(void)
{
	uintptr_t p, base;
	long r;

	/* the brand's area hands out size-aligned regions; otherwise take twice the size and
	 * trim, so the region is aligned to its size */
	r = lx_mmap_brand(LX_ESTACK_SIZE, LX_MAP_NORESERVE);
	if (!lx_is_err(r) && !((uintptr_t)r & (LX_ESTACK_SIZE - 1))) {
		base = (uintptr_t)r;
	} else {
		if (!lx_is_err(r))
			lx_sys2(LX_SYS_munmap, r, LX_ESTACK_SIZE);
		r = lx_mmap_brand(2 * LX_ESTACK_SIZE, LX_MAP_NORESERVE);
		if (lx_is_err(r))
			return 0;
		p = (uintptr_t)r;
		base = (p + LX_ESTACK_SIZE - 1) & ~(LX_ESTACK_SIZE - 1);
		if (base > p)
			lx_sys2(LX_SYS_munmap, p, base - p);
		if (base + LX_ESTACK_SIZE < p + 2 * LX_ESTACK_SIZE)
			lx_sys2(LX_SYS_munmap, base + LX_ESTACK_SIZE,
				p + 2 * LX_ESTACK_SIZE - (base + LX_ESTACK_SIZE));
	}
	lx_sys3(LX_SYS_mprotect, base + LX_PAGE, LX_PAGE, LX_PROT_NONE);
	return base;
}

struct lx_thread *lx_estack_alloc(void)
{
	uintptr_t base = reuse();

	if (!base)
		base = map_region();
	return base ? init_region(base) : NULL;
}

#define MADV_WIPEONFORK 18
#define MADV_KEEPONFORK 19
#define SYS_madvise	28

struct lx_thread *lx_estack_first(void)
{
	uintptr_t base = map_region();

	if (!base)
		return NULL;
	/* a kernel without MADV_WIPEONFORK (before 4.14) copies the region, as before */
	lx_sys3(SYS_madvise, base, LX_ESTACK_SIZE, MADV_WIPEONFORK);
	return (struct lx_thread *)(base + LX_ESTACK_SIZE - LX_THREAD_SIZE);
}

void lx_thread_first(struct lx_thread *t)
{
	/* the region is fresh, or a fork child's wiped one: the rest reads zero, which is right
	 * after a fork too (no call in progress, no stash, no pending SIGSYS: a fork child's
	 * pending signals start empty; the cached tid is asked again) */
	thread_fields(t);
	t->sigsys_blocked = lx_proc.boot_sigsys_blocked;
	if (lx_proc.boot_vss.ss_size)
		t->vss = lx_proc.boot_vss;
	t->stash_wiped = 1; /* with the whole region (or never, where the kernel cannot) */
	__atomic_store_n(&t->magic, LX_THREAD_MAGIC, __ATOMIC_RELEASE);
}

void lx_thread_kept(struct lx_thread *t)
{
	struct lx_stack *v = &lx_proc.boot_vss;

	if (t != lx_signal_boot_thread)
		return;
	if (lx_proc.boot_sigsys_blocked != t->sigsys_blocked)
		lx_proc.boot_sigsys_blocked = t->sigsys_blocked;
	if (v->ss_sp != t->vss.ss_sp || v->ss_size != t->vss.ss_size ||
	    v->ss_flags != t->vss.ss_flags)
		*v = t->vss;
}

void lx_fork_seen(void)
{
	unsigned char b;
	long fd;

	if (lx_proc.code_forks)
		return;
	lx_proc.code_forks = 1;
	fd = lx_self_mem_open();
	if (fd < 0)
		return;
	b = *(volatile const unsigned char *)LX_BRAND_BASE;
	lx_self_mem_write(fd, LX_BRAND_BASE, &b, 1);
	lx_sys1(LX_SYS_close, fd);
}

void lx_estack_fork_copy(struct lx_thread *t, int copy)
{
	if (t == lx_signal_boot_thread)
		lx_sys3(SYS_madvise, lx_estack_base(t), LX_ESTACK_SIZE,
			copy ? MADV_KEEPONFORK : MADV_WIPEONFORK);
}

int lx_estack_retire(struct lx_thread *t, int tid)
{
	int kept = 0;

	/* The first thread's region is wiped in fork children, which only lx_proc's copies of
	 * its own thread's fields make right: it is unmapped, never handed to another. */
	if (t == lx_signal_boot_thread) {
		lx_signal_boot_thread = NULL;
		return 0;
	}
	lx_spin_lock(&lx_proc.estack_lock);
	for (int i = 0; i < LX_ESTACK_FREE && !kept; i++) {
		struct lx_estack_free *f = &lx_proc.estack_free[i];
		if (!f->base) {
			f->base = lx_estack_base(t);
			f->tid = tid;
			kept = 1;
		}
	}
	lx_spin_unlock(&lx_proc.estack_lock);
	return kept;
}

void lx_thread_stash_page(struct lx_thread *t)
{
	if (t->stash_wiped)
		return;
	/* a kernel without MADV_WIPEONFORK (before 4.14) copies the page, as before */
	lx_sys3(SYS_madvise, lx_estack_base(t), LX_PAGE, MADV_WIPEONFORK);
	t->stash_wiped = 1;
}

void lx_estack_stack(struct lx_thread *t, struct lx_stack *ss)
{
	ss->ss_sp = lx_estack_base(t) + 2 * LX_PAGE;
	ss->ss_size = lx_estack_top(t) - ss->ss_sp;
	ss->ss_flags = 0;
	ss->pad = 0;
}

/* Does process pid see *addr, this process's, as token (1: it shares our memory), or not
 * (0), or may it not be read (-1: gone, or not ours to read, e.g. not dumpable)? */
static int sees_token(long pid, const volatile uint64_t *addr, uint64_t token)
{
	uint64_t seen = 0;
	struct lx_iovec l, r;

	l.base = (uintptr_t)&seen;
	l.len = sizeof(seen);
	r.base = (uintptr_t)addr;
	r.len = sizeof(seen);
	if (lx_sys6(LX_SYS_process_vm_readv, pid, &l, 1, &r, 1, 0) != (long)sizeof(seen))
		return -1;
	return seen == token;
}

/* The process whose memory a vfork child would share: its parent (the vfork caller sleeps
 * until the child execs or exits), or, after CLONE_PARENT, the recorded pid.  1: shared, 0:
 * not, -1: the parent could not be read (and the recorded pid does not share). */
static int shares_parent_memory(const volatile uint64_t *addr, uint64_t token, long *ppidp)
{
	long ppid = lx_sys0(LX_SYS_getppid);
	int r = sees_token(ppid, addr, token), r2;

	if (ppidp)
		*ppidp = ppid;
	if (r == 1 || lx_proc.pid == ppid)
		return r;
	r2 = sees_token(lx_proc.pid, addr, token);
	return r2 == 1 ? 1 : r; /* the parent's answer, unless the recorded pid shares */
}

/* the pointer survives fork; the page's contents do not.  Every process's first trapped
 * rt_sigaction reads it (lx_in_vfork_child): in the hot page, not a bss page of its own that
 * would cost each new image a fault */
static int *volatile fork_wiped LX_BSS_HOT;

int *lx_fork_wiped(void)
{
	int *p = fork_wiped;
	long r;

	if (p)
		return p;
	r = lx_mmap_brand(LX_PAGE, 0);
	if (lx_is_err(r))
		return NULL;
	if (lx_sys3(SYS_madvise, r, LX_PAGE, MADV_WIPEONFORK) < 0) {
		lx_munmap((void *)(uintptr_t)r, LX_PAGE);
		return NULL;
	}
	p = (int *)(uintptr_t)r;
	if (!__atomic_compare_exchange_n(&fork_wiped, &(int *){0}, p, 0, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		lx_munmap(p, LX_PAGE);
		p = fork_wiped;
	}
	return p;
}

/*
 * fork runs natively, so a child starts with its parent's pid recorded.  A pid that is not
 * ours means a fork child (a private copy of the memory: adopt our pid) or a vfork child (the
 * parent's very memory): write a token and read it back from the parent's memory.  (The
 * parent, not the recorded pid: a fork child that vforks before any call of its own still has
 * its parent's pid recorded, and its vfork child would find that process's copy different and
 * take the fork child's table for its own.)
 *
 * That is three system calls, and posix_spawn's child asks once per signal (glibc resets all
 * 64 dispositions before its exec: 190 calls per spawn).  So the first vfork child told apart
 * leaves the recorded pid in the fork-wiped page, and later ones find it there: a process whose
 * pid is not the recorded one and whose wiped page holds that pid shares this memory, since a
 * fork child's page reads zero.  On a region clone3 lent to a vfork child (posix_spawn's) the
 * owner never runs, so there the page alone answers, without getpid.  (Callers run on an
 * emulation stack: the trapped or patched rt_sigaction and exit.)
 */
int lx_in_vfork_child(void)
{
	int *w = fork_wiped, owner = lx_proc.pid;
	/* (a page that reads zero is a fork child's, or no vfork child was told apart yet) */
	int shared = w && owner && __atomic_load_n(&w[LX_WIPED_OWNER], __ATOMIC_RELAXED) == owner;
	long pid;
	uint64_t token;

	if (shared && lx_thread_self()->vfork_lent)
		return 1;
	pid = lx_sys0(LX_SYS_getpid);
	if (pid == lx_proc.pid)
		return 0;
	if (shared)
		return 1;
	token = __builtin_ia32_rdtsc() | 1;
	__atomic_store_n(&lx_proc.fork_probe, token, __ATOMIC_SEQ_CST);
	if (shares_parent_memory(&lx_proc.fork_probe, token, NULL) == 1) {
		w = lx_fork_wiped();
		if (w)
			__atomic_store_n(&w[LX_WIPED_OWNER], lx_proc.pid, __ATOMIC_RELAXED);
		return 1;
	}
	lx_proc.pid = (int)pid; /* as before when neither may be read: taken for a fork child */
	return 0;
}

int lx_vfork_probe(long *ppid)
{
	volatile uint64_t token;

	*ppid = 0;
	if (lx_sys0(LX_SYS_getpid) == lx_proc.pid)
		return 0;
	token = __builtin_ia32_rdtsc() | 1;
	return shares_parent_memory(&token, token, ppid);
}

void lx_brand_identity(void)
{
	struct lx_stat st;
	long r;

	if (lx_proc.brand_known)
		return;
	r = lx_sys3(LX_SYS_readlink, "/proc/self/exe", lx_proc.brand_exe_buf,
		    sizeof(lx_proc.brand_exe_buf) - 1);
	lx_proc.brand_exe_buf[r > 0 ? r : 0] = '\0';
	lx_proc.brand_exe = lx_proc.brand_exe_buf;
	if (lx_sys4(LX_SYS_newfstatat, LX_AT_FDCWD, "/proc/self/exe", &st, 0) == 0) {
		lx_proc.brand_dev = st.dev;
		lx_proc.brand_ino = st.ino;
	}
	lx_proc.brand_known = 1;
}

