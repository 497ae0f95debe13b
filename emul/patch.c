/*
 * Syscall-site patching (emul/patch.h): which calls, the trampoline table, the rewrite, the
 * faults of half-patched sites, and the fast path's C half (lx_fastcall).
 */
#include "emul/patch.h"
#include "emul/guestmem.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "emul/path.h"
#include "emul/signal.h"
#include "emul/systable.h"
#include "kernel-shim/brand_abi.h"

extern char lx_brand_end[]; /* brand.ld */
void lx_fast_entry(void);
void lx_fast_flush_entry(void);
extern char lx_fast_flush_ret[];
long lx_fastcall(struct lx_fastframe *f);

#define SYS_membarrier	 324
#define MB_SYNC_CORE	 32 /* MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE */
#define MB_REG_SYNC_CORE 64 /* MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE */
#define SI_KERNEL	 0x80
#define AUDIT_X86_64	 0xc000003eU
#define SITE_LEN	 7
#define ARITH_FLAGS	 0xd5UL /* SF ZF AF PF CF: what lahf saves */
#define OF		 0x800UL
#define HLT		 0xf4
#define TABLE_SIZE	 0x10000UL
#define NTABLES		 8 /* one per 2 GiB the patched sites span: in practice one or two */
#define JMP_REL32	 0xe9
#define TRAMP_RET	 33	     /* the trampoline's .quad: the site's next instruction */
#define SKIP_N		 32	     /* with HOT_N: P fits the hot statics' 1 KiB (brand.ld) */
#define FUTEX_CMD_BITS	 0xfffffe7fU /* op without PRIVATE and CLOCK_REALTIME (filter/rules.c) */
#define HOT_N		 16	     /* sites trapping in one process: libc's few */

/* What the fast path runs, by number: the calls every filter of such a process traps from
 * outside the gate whatever their arguments (the SIGSYS path would run the same handler:
 * uname, readlink, rt_sigaction and rt_sigprocmask in every zone, the hardened profile's
 * epoll and inotify),
 * and futex, whose command decides (filter/rules.c: WAIT, WAKE and the rest pass, and at a
 * patched site they take the trampoline's own syscall, which the filter passes). */
enum { NOFAST, ANY, HARD, HARD_FUTEX };
static const unsigned char fast_nr[LX_NSYSCALLS] = {
    [13] = ANY,		/* rt_sigaction: the guest's dispositions (syscalls/lx_signal.c) */
    [14] = ANY,		/* rt_sigprocmask: one real call, SIGSYS kept the brand's */
    [63] = ANY,		/* uname */
    [89] = ANY,		/* readlink: /proc/<pid>/exe is the guest's (syscalls/lx_readlink.c) */
    [267] = ANY,	/* readlinkat */
    [202] = HARD_FUTEX, /* futex */
    [213] = HARD,	/* epoll_create */
    [232] = HARD,	/* epoll_wait */
    [233] = HARD,	/* epoll_ctl */
    [253] = HARD,	/* inotify_init */
    [254] = HARD,	/* inotify_add_watch */
    [255] = HARD,	/* inotify_rm_watch */
    [281] = HARD,	/* epoll_pwait */
    [291] = HARD,	/* epoll_create1 */
    [294] = HARD,	/* inotify_init1 */
    [441] = HARD,	/* epoll_pwait2 */
};
static const uint32_t futex_passed[] = {0, 1, 2, 5, 9, 10}; /* lx_filter_futex_passed */

static struct {
	int on, hardened;
	struct {
		uintptr_t base;
		unsigned next; /* trampolines used */
	} tab[NTABLES];	       /* the trampolines, each table within 2 GiB of its sites */
	unsigned ntab;	       /* tables in use: written after the table, read before it */
	int full;
	volatile int lock;
	volatile uintptr_t busy, busy_tramp; /* the site being rewritten, and its trampoline */
	uintptr_t skip[SKIP_N];		     /* sites that do not qualify: not examined again */
	unsigned nskip;
	int membarrier; /* 0 unknown, 1 registered, -1 unavailable */
	/* another task may run in this memory: set before the brand starts a thread (or a
	 * CLONE_VM child that is not a vfork child: lx_patch_gs_handoff), never cleared; a fork
	 * copies it */
	volatile int shared_mm;
	int lazy; /* LX_BF_PATCH_LAZY: a site is patched at its LX_PATCH_LAZY_TRAPS-th trap */
	/* every thread of this process has its GS base bound (lx_patch_init): set once
	 * a site is patched here or a thread started, never cleared; a fork copies it with the
	 * forking thread's GS base, which the child's only thread then has */
	volatile int bound;
	struct {
		uintptr_t site;
		unsigned n;
	} hot[HOT_N]; /* traps per site, lazy mode (approximate: threads race, harmlessly) */
	unsigned nhot;
	int hot_pid; /* whose memory counted: a fork child starts its own (hot) */
} P LX_BSS_HOT;	     /* read by every trap: in the page a fork child already has (lx_libc.h) */
unsigned lx_patch_sites LX_BSS_HOT; /* every patching process writes it: no page of its own */

/* The GS base, through arch_prctl: it works whether or not the kernel lets user code run
 * rdgsbase (this host's AT_HWCAP2 does not say FSGSBASE although the CPU has it). */
#define SYS_arch_prctl 158
#define ARCH_SET_GS    0x1001
#define ARCH_GET_GS    0x1004

static uint64_t gs_get(void)
{
	uint64_t v = 0;

	lx_sys2(SYS_arch_prctl, ARCH_GET_GS, &v);
	return v;
}

static void gs_set(uint64_t v)
{
	lx_sys2(SYS_arch_prctl, ARCH_SET_GS, v);
}

void lx_patch_init(unsigned flags)
{
	P.on = !!(flags & (LX_BF_PATCH | LX_BF_PATCH_LAZY));
	P.lazy = !(flags & LX_BF_PATCH) && (flags & LX_BF_PATCH_LAZY);
	P.hot_pid = lx_proc.pid;
	/*
	 * execve left GS 0.  Where every site is patched at its first trap, the first thread is
	 * bound from the start, as clone binds every later one (lx_patch_gs_handoff).  In lazy
	 * mode most processes never patch a site, and a binding costs each of them on this kind
	 * of VM an arch_prctl (~9 us) at the start, one read and two writes of the GS base
	 * (~23 us) at every posix_spawn, and a write of the MSR at every switch to the process
	 * (~2.5 us): there the first thread is bound when a site is first patched or a thread
	 * first started, and not before, so that nobody runs a patched site unbound, which
	 * would take its probe's fault, fatally where SIGSEGV is blocked (glibc's and musl's
	 * spawns block every signal around the child).  A vfork child in memory nobody bound
	 * patches only where its parent comes back through the brand before the guest: clone3's
	 * (GS_UNBOUND, lx_patch_gs_attach); one of vfork or clone does not, and its parent's
	 * next trap at the site, past the mark, patches it.
	 */
	if (P.on && !P.lazy && lx_signal_boot_thread) {
		gs_set((uintptr_t)lx_signal_boot_thread);
		P.bound = 1;
	}
	P.hardened = !!(flags & LX_BF_HARDENED);
}

int lx_patch_enabled(void)
{
	return P.on;
}

int lx_patch_nr(int nr, uint64_t op)
{
	unsigned k;

	if (!P.on || nr < 0 || nr >= LX_NSYSCALLS)
		return 0;
	k = fast_nr[nr];
	if (k == ANY)
		return 1;
	if (k == NOFAST || !P.hardened)
		return 0;
	if (k == HARD_FUTEX)
		for (size_t i = 0; i < sizeof(futex_passed) / sizeof(futex_passed[0]); i++)
			if (((uint32_t)op & FUTEX_CMD_BITS) == futex_passed[i])
				return 0;
	return 1;
}

/* The thread's GS base names its struct lx_thread, unless the guest uses GS itself. */
static void bind(struct lx_thread *t)
{
	uint64_t g = gs_get(), magic;

	if (g == (uintptr_t)t)
		return;
	if (g && (lx_copy_from_guest(&magic, g, 8) || magic != LX_THREAD_MAGIC))
		return;
	gs_set((uintptr_t)t);
}

/* handoff's answer for a vfork child of unbound memory: no GS base to restore, and the
 * parent's to set if the child patched a site */
#define GS_UNBOUND 1

uint64_t lx_patch_gs_handoff(struct lx_thread *parent, struct lx_thread *child)
{
	uint64_t g, magic;

	/* a vfork child runs only while its parent sleeps in the kernel (clone3's CLONE_VFORK),
	 * as one of vfork or clone does, which the brand never sees: it does not share the
	 * memory with a running task, and its rewrites stay one write (emul/patch.h) */
	if (!child->vfork_lent && !__atomic_exchange_n(&P.shared_mm, 1, __ATOMIC_SEQ_CST) && P.on)
		/* before the child exists: the core sync's registration, while no other task runs
		 * in this memory; with one, the kernel waits for an RCU grace period (~10 ms here,
		 * stop 40), which a thread's first rewrite would otherwise wait */
		lx_sys3(SYS_membarrier, MB_REG_SYNC_CORE, 0, 0);
	if (!P.on)
		return 0;
	if (!__atomic_load_n(&P.bound, __ATOMIC_SEQ_CST)) {
		/* a vfork child of memory nobody bound starts unbound, as its parent is (if it
		 * patches a site, lx_patch_gs_attach binds the parent); a thread binds the
		 * process: the child below, the parent when the clone returns */
		if (child->vfork_lent)
			return GS_UNBOUND;
		if (lx_in_vfork_child())
			return 0;
		__atomic_store_n(&P.bound, 1, __ATOMIC_SEQ_CST);
	}
	g = gs_get();
	if (g && g != (uintptr_t)parent &&
	    (lx_copy_from_guest(&magic, g, 8) || magic != LX_THREAD_MAGIC))
		return 0; /* the guest's GS: the child inherits it, as on Linux */
	gs_set((uintptr_t)child);
	return (uintptr_t)parent;
}

void lx_patch_gs_attach(struct lx_thread *t, uint64_t gs)
{
	if (gs == GS_UNBOUND) {
		if (__atomic_load_n(&P.bound, __ATOMIC_SEQ_CST))
			bind(t); /* the child patched: this, the only thread, runs the sites next */
	} else if (gs) {
		gs_set(gs);
	}
}

/* The table holding address a, or -1. */
static int table_of(uintptr_t a)
{
	unsigned n = __atomic_load_n(&P.ntab, __ATOMIC_ACQUIRE);

	for (unsigned i = 0; i < n; i++)
		if (a >= P.tab[i].base && a < P.tab[i].base + TABLE_SIZE)
			return (int)i;
	return -1;
}

static int in_table(uintptr_t a)
{
	return table_of(a) >= 0;
}

static int skipped(uintptr_t site)
{
	for (unsigned i = 0; i < SKIP_N; i++)
		if (P.skip[i] == site)
			return 1;
	return 0;
}

static void skip(uintptr_t site)
{
	P.skip[P.nskip++ % SKIP_N] = site;
}

/*
 * Lazy mode: has site trapped often enough to be worth a rewrite?  On this kind of VM a
 * rewrite costs a process ~0.15 ms (the copy of the code page, the table's first page, their
 * first use, 8 system calls), some 32 traps' worth, so a site is patched once it has trapped
 * that often in this memory (the ski-rental rule: never pay more than twice the best), and
 * short-lived processes, a shell's dozen signal calls, never pay (docs/performance.md).
 *
 * The counts are the memory's, as the rewrite is: the traps of its threads and of the vfork
 * children that run on it (posix_spawn's, whose signal calls run at the parent's libc sites)
 * add up, and the one that reaches the mark patches the site for all of them.  A fork child's
 * copy of the counts is its parent's history, not its own: the first site to reach the mark
 * in it finds the counts recorded for another process (P.hot_pid, lx_proc.pid when they
 * started, which a fork child's lx_in_vfork_child replaces by its own pid and a vfork child's
 * leaves), and the child starts its own.  Only at the mark is this asked: one getpid in the
 * process itself, none in a child on a region clone3 lent (lx_in_vfork_child).
 */
static int hot(uintptr_t site)
{
	unsigned i;

	for (i = 0; i < HOT_N && P.hot[i].site != site; i++)
		;
	if (i == HOT_N) {
		i = P.nhot++ % HOT_N;
		P.hot[i].site = site;
		P.hot[i].n = 0;
	}
	if (++P.hot[i].n < LX_PATCH_LAZY_TRAPS)
		return 0;
	if (lx_in_vfork_child() || P.hot_pid == lx_proc.pid)
		return 1;
	P.hot_pid = lx_proc.pid;
	memset(P.hot, 0, sizeof(P.hot));
	return 0;
}

static uint64_t hex(const char **p)
{
	uint64_t v = 0;

	for (;; (*p)++) {
		char c = **p;
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (d < 0)
			return v;
		v = v << 4 | (uint64_t)d;
	}
}

/* One line of /proc/self/maps: 1 when it holds [site, site + SITE_LEN) in a private
 * executable mapping that is not a kernel one ([vdso], [vsyscall]...), 0 when it holds the site
 * otherwise, -1 when it is not the site's line. */
static int maps_line(const char *l, uintptr_t site)
{
	const char *p = l;
	uint64_t lo = hex(&p), hi;
	int field;

	if (*p++ != '-')
		return -1;
	hi = hex(&p);
	if (site < lo || site >= hi)
		return -1;
	if (site + SITE_LEN > hi || p[0] != ' ' || p[3] != 'x' || p[4] != 'p')
		return 0;
	for (field = 0; *p && field < 5; field++) { /* perms, offset, dev, inode: the name */
		while (*p == ' ')
			p++;
		while (*p && *p != ' ')
			p++;
	}
	while (*p == ' ')
		p++;
	return *p != '[';
}

/* The text of /proc/self/maps (fd), line by line: does it show site in a private executable
 * mapping that is not a kernel one?  Kernels before 6.11 have no PROCMAP_QUERY; not inlined,
 * so that its buffer deepens the emulation stack (a fresh page, ~20 us here) only then. */
static __attribute__((noinline)) int maps_text(long fd, uintptr_t site)
{
	char buf[4096];
	size_t have = 0;
	int skipping = 0, found = 0;
	long n;

	while (found == 0 &&
	       (n = lx_sys3(LX_SYS_read, fd, buf + have, sizeof(buf) - 1 - have)) > 0) {
		char *l = buf, *nl;
		have += (size_t)n;
		buf[have] = '\0';
		while (found == 0 && (nl = lx_memchr(l, '\n', have - (size_t)(l - buf)))) {
			*nl = '\0';
			if (!skipping) {
				int r = maps_line(l, site);
				found = r < 0 ? 0 : r ? 1 : -1;
			}
			skipping = 0;
			l = nl + 1;
		}
		have -= (size_t)(l - buf);
		memmove(buf, l, have);
		if (have == sizeof(buf) - 1) { /* a line longer than the buffer: not a code line */
			have = 0;
			skipping = 1;
		}
	}
	return found == 1;
}

/* maps_line's question put to the kernel: 1 yes, 0 no, -1 it cannot say (no PROCMAP_QUERY, or
 * a name longer than the buffer).  A program's or library's text is one query: the executable
 * file-backed mapping there; anonymous code is asked again with its name, since the kernel's
 * own ([vdso], [uprobes]) and named ones ([anon:...]) are anonymous too. */
static int maps_query(long fd, uintptr_t site, uintptr_t *lo, uintptr_t *hi)
{
	char name[128]; /* "[anon:" + 80 + "]": the longest name an anonymous mapping has */
	struct lx_procmap_query q;
	long r;

	r = lx_procmap_query(fd, &q, PMQ_FILE_BACKED | PMQ_EXECUTABLE, site, NULL, 0);
	if (r == -LX_ENOENT) {
		r = lx_procmap_query(fd, &q, PMQ_EXECUTABLE, site, name, sizeof(name));
		if (r == 0 && q.vma_name_size && name[0] == '[')
			return 0;
	}
	if (r == -LX_ENOENT)
		return 0; /* nothing executable there */
	if (r < 0)
		return -1;
	*lo = q.vma_start;
	*hi = q.vma_end;
	return q.vma_start <= site && site + SITE_LEN <= q.vma_end && !(q.vma_flags & PMQ_SHARED);
}

/* Is [site, site + SITE_LEN) in one private executable mapping that is not a kernel one?
 * Asked of the kernel at the rewrite, never remembered: the guest may remap it meanwhile.
 * [lo, hi): the mapping (from the maps text: the site's page). */
static int private_exec(uintptr_t site, uintptr_t *lo, uintptr_t *hi)
{
	long fd = lx_sys3(LX_SYS_open, "/proc/self/maps", LX_O_RDONLY | LX_O_CLOEXEC, 0);
	int r;

	if (fd < 0)
		return 0;
	r = maps_query(fd, site, lo, hi);
	if (r < 0) {
		*lo = site & ~(LX_PAGE - 1);
		*hi = *lo + LX_PAGE;
		r = maps_text(fd, site);
	}
	lx_sys1(LX_SYS_close, fd);
	return r == 1;
}

static void sync_cores(void)
{
	long r;

	if (P.membarrier < 0)
		return;
	r = lx_sys3(SYS_membarrier, MB_SYNC_CORE, 0, 0);
	if (r == -LX_EPERM) { /* not registered (yet, or since fork: the mm's state is new) */
		r = lx_sys3(SYS_membarrier, MB_REG_SYNC_CORE, 0, 0);
		if (r == 0)
			r = lx_sys3(SYS_membarrier, MB_SYNC_CORE, 0, 0);
	}
	if (r < 0)
		P.membarrier = -1; /* x86 still snoops its code: the hlt steps keep it safe */
}

/* Does a rel32 jump from site reach every trampoline of a table at base? */
static int reaches(uintptr_t site, uintptr_t base)
{
	int64_t lo = (int64_t)(base - (site + 5)), hi = (int64_t)(base + TABLE_SIZE - (site + 5));

	return lo >= INT32_MIN && hi <= INT32_MAX;
}

/*
 * A new table within a rel32 jump of site, whose mapping is [lo, hi): first where the kernel
 * puts a mapping of its own choice, beside those it made last (for a library's site, the
 * libraries: the page tables there exist, where an address below 2 GiB in a PIE process
 * needed three new page-table pages, ~45 us here); then, for a program's own text far from
 * them, just below or above its mapping (hints: the kernel takes them when they are free).
 */
static int map_table(uintptr_t site, uintptr_t lo, uintptr_t hi)
{
	uintptr_t down = lo & ~(TABLE_SIZE - 1), up = (hi + TABLE_SIZE - 1) & ~(TABLE_SIZE - 1);
	uintptr_t hint[] = {0, down - TABLE_SIZE, down - 0x1000000, up + 0x1000000,
			    down - 0x40000000, up + 0x40000000};
	unsigned n = P.ntab;

	if (n == NTABLES)
		return -1;
	for (size_t i = 0; i < sizeof(hint) / sizeof(hint[0]); i++) {
		long r;
		if (i && (hint[i] < 0x100000 || hint[i] >= 1UL << 47))
			continue; /* below mmap_min_addr's usual range, or wrapped around */
		r = lx_sys6(LX_SYS_mmap, hint[i], TABLE_SIZE, LX_PROT_READ | LX_PROT_EXEC,
			    LX_MAP_PRIVATE | LX_MAP_ANONYMOUS, -1, 0);
		if (lx_is_err(r))
			continue;
		if (reaches(site, (uintptr_t)r)) {
			P.tab[n].base = (uintptr_t)r;
			P.tab[n].next = 0;
			__atomic_store_n(&P.ntab, n + 1, __ATOMIC_RELEASE);
			return (int)n;
		}
		lx_sys2(LX_SYS_munmap, r, TABLE_SIZE);
	}
	return -1;
}

/* A table with room within reach of site, or a new one: its index, or -1. */
static int table_for(uintptr_t site, uintptr_t lo, uintptr_t hi)
{
	for (unsigned i = 0; i < P.ntab; i++)
		if ((P.tab[i].next + 2) * LX_TRAMP_SIZE <= TABLE_SIZE && reaches(site, P.tab[i].base))
			return (int)i;
	return map_table(site, lo, hi);
}

static void put32(uint8_t *b, uint32_t v)
{
	memcpy(b, &v, 4);
}

static void put64(uint8_t *b, uint64_t v)
{
	memcpy(b, &v, 8);
}

/*
 *  +0  int3 x 8                  (the slot of the `jmp *imm32` sites once had)
 *  +8  mov $nr, %eax             where the site's jmp lands
 * +13  lea -12(%rip), %rcx       rcx: +8, for lx_fast_entry
 * +20  jmp table + 0             the far jump to lx_fast_entry (far_jump_build)
 * +25  syscall                   the ordinary trap (LX_TRAMP_SYSCALL from +8)
 * +27  jmp *0(%rip)
 * +33  .quad site + 7
 */
static void tramp_build(uint8_t *b, uintptr_t table, uintptr_t at, int nr, uintptr_t ret)
{
	memset(b, 0xcc, LX_TRAMP_SIZE);
	b[8] = 0xb8;
	put32(b + 9, (uint32_t)nr);
	b[13] = 0x48, b[14] = 0x8d, b[15] = 0x0d;
	put32(b + 16, (uint32_t)-12);
	b[20] = 0xe9;
	put32(b + 21, (uint32_t)(table - (at + 25)));
	b[25] = 0x0f, b[26] = 0x05;
	b[27] = 0xff, b[28] = 0x25;
	put32(b + 29, 0);
	put64(b + TRAMP_RET, ret);
}

/*
 * A table's first entry: `jmp *0(%rip); .quad lx_fast_entry`.  The table sits within 2 GiB of
 * its sites (their rel32 jumps) and the brand at LX_BRAND_BASE, out of a rel32 jump's reach
 * from most: the trampolines jump here, 64-bit onwards.
 */
static void far_jump_build(uint8_t *b)
{
	memset(b, 0xcc, LX_TRAMP_SIZE);
	b[0] = 0xff, b[1] = 0x25;
	put32(b + 2, 0);
	put64(b + 6, (uint64_t)(uintptr_t)lx_fast_entry);
}

static int site_bytes_ok(const uint8_t *b, int nr)
{
	uint32_t imm;

	memcpy(&imm, b + 1, 4);
	return b[0] == 0xb8 && imm == (uint32_t)nr && b[5] == 0x0f && b[6] == 0x05;
}

/* The four writes of patch.h, each seen by every core before the next; or, while no other
 * task has run in this memory, one write of the whole jump (patch.h says why).  The site
 * becomes `jmp rel32` to the trampoline's mov, then hlt (byte 5); byte 6 keeps syscall's. */
static int rewrite(long fd, uintptr_t site, uintptr_t tramp)
{
	uint8_t jmp[6] = {JMP_REL32, 0, 0, 0, 0, HLT}, hlt = HLT, e9 = JMP_REL32;

	put32(jmp + 1, (uint32_t)(tramp + 8 - (site + 5)));
	if (!__atomic_load_n(&P.shared_mm, __ATOMIC_SEQ_CST)) {
		if (lx_self_mem_write(fd, site, jmp, sizeof(jmp)) == 0)
			return 0;
		goto undo; /* a site across two pages may be half written */
	}
	if (lx_self_mem_write(fd, site + 5, &hlt, 1) < 0)
		return -1;
	sync_cores();
	if (lx_self_mem_write(fd, site, &hlt, 1) < 0)
		goto undo;
	sync_cores();
	if (lx_self_mem_write(fd, site + 1, jmp + 1, 4) < 0)
		goto undo;
	sync_cores();
	if (lx_self_mem_write(fd, site, &e9, 1) < 0)
		goto undo;
	sync_cores();
	return 0;
undo:
	/* cannot happen once a first write went through; the trampoline stays valid, so a jump
	 * is still the safest end state to aim for */
	lx_self_mem_write(fd, site + 1, jmp + 1, sizeof(jmp) - 1);
	lx_self_mem_write(fd, site, &e9, 1);
	return -1;
}

static void patch_site(uintptr_t site, int nr)
{
	uint8_t b[SITE_LEN], tr[2 * LX_TRAMP_SIZE];
	uintptr_t tramp, at, lo, hi;
	size_t len = LX_TRAMP_SIZE;
	long fd;
	int ti;

	if (site < LX_PAGE || (site + SITE_LEN > LX_BRAND_BASE && site < (uintptr_t)lx_brand_end) ||
	    in_table(site) || P.full)
		return;
	if (lx_copy_from_guest(b, site, SITE_LEN) || !site_bytes_ok(b, nr))
		return;
	if (__atomic_exchange_n(&P.lock, 1, __ATOMIC_ACQUIRE))
		return; /* another thread is patching (or a fork copied its lock): next time */
	if (skipped(site) || lx_copy_from_guest(b, site, SITE_LEN) || !site_bytes_ok(b, nr))
		goto out;
	if (!private_exec(site, &lo, &hi) || (ti = table_for(site, lo, hi)) < 0) {
		skip(site); /* or no table within its reach: it keeps trapping */
		goto out;
	}
	fd = lx_self_mem_open();
	if (fd < 0) {
		P.full = 1; /* no /proc, or a kernel that refuses forced writes */
		goto out;
	}
	if (P.tab[ti].next == 0) { /* the table's first write: its far jump and this trampoline */
		far_jump_build(tr);
		P.tab[ti].next = 1;
		len = 2 * LX_TRAMP_SIZE;
	}
	tramp = P.tab[ti].base + P.tab[ti].next * LX_TRAMP_SIZE;
	at = tramp + LX_TRAMP_SIZE - len;
	tramp_build(tr + len - LX_TRAMP_SIZE, P.tab[ti].base, tramp, nr, site + SITE_LEN);
	if (lx_self_mem_write(fd, at, tr, len) == 0) {
		P.tab[ti].next++;
		P.busy_tramp = tramp;
		P.busy = site;
		if (rewrite(fd, site, tramp) == 0)
			lx_patch_sites++;
		P.busy = 0;
	} else {
		P.full = 1;
	}
	lx_sys1(LX_SYS_close, fd);
out:
	__atomic_store_n(&P.lock, 0, __ATOMIC_RELEASE);
}

void lx_patch_trap(struct lx_thread *t, int nr, struct lx_ucontext *uc)
{
	uintptr_t rip = uc->uc_mcontext.rip;
	uint8_t b[SITE_LEN];

	if (t->fast || !lx_patch_nr(nr, uc->uc_mcontext.rsi))
		return;
	/* a trampoline's own syscall (the fast path declined, or this thread has no binding
	 * yet): bind; a site to patch: bind and patch; anything else (a `syscall` whose rax
	 * came from a register: Go, glibc's syscall()) keeps trapping without further cost */
	if (in_table(rip)) {
		bind(t);
		return;
	}
	if (rip < LX_PAGE + SITE_LEN || lx_copy_from_guest(b, rip - SITE_LEN, SITE_LEN) ||
	    !site_bytes_ok(b, nr) || P.full || skipped(rip - SITE_LEN))
		return;
	if (P.lazy && !hot(rip - SITE_LEN))
		return;
	if (!__atomic_load_n(&P.bound, __ATOMIC_SEQ_CST)) {
		/* the only thread is this one, or the parent of this clone3 vfork child, bound
		 * when the clone returns; a vfork or clone child's parent would meet the patched
		 * site unbound (lx_patch_init) */
		if (!t->vfork_lent && lx_in_vfork_child())
			return;
		__atomic_store_n(&P.bound, 1, __ATOMIC_SEQ_CST);
	}
	bind(t);
	patch_site(rip - SITE_LEN, nr);
}

/* The trampoline a patched site's bytes jump to (8 bytes before the mov they land on), or 0. */
static uintptr_t patched_tramp(uintptr_t site)
{
	uint8_t b[5];
	int32_t rel;
	uintptr_t tramp;
	uint64_t ret;
	int i;

	if (lx_copy_from_guest(b, site, sizeof(b)) || b[0] != JMP_REL32)
		return 0;
	memcpy(&rel, b + 1, 4);
	tramp = site + 5 + (uintptr_t)(intptr_t)rel - 8;
	i = table_of(tramp);
	if (i < 0 || (tramp - P.tab[i].base) % LX_TRAMP_SIZE ||
	    (tramp - P.tab[i].base) / LX_TRAMP_SIZE >= P.tab[i].next)
		return 0; /* not a trampoline written (whose return address is in the table) */
	memcpy(&ret, (const void *)(tramp + TRAMP_RET), 8);
	return ret == site + SITE_LEN ? tramp : 0;
}

int lx_patch_fault(const struct lx_siginfo *si, struct lx_ucontext *uc)
{
	uintptr_t rip = uc->uc_mcontext.rip, tramp;

	if (si->si_code != SI_KERNEL || !__atomic_load_n(&P.ntab, __ATOMIC_ACQUIRE))
		return 0;
	if (rip == P.busy) /* arrived while the site is rewritten: again */
		return 1;
	if (P.busy && rip == P.busy + 5) {
		uc->uc_mcontext.rip = P.busy_tramp + 8 + LX_TRAMP_SYSCALL;
		return 1;
	}
	if (patched_tramp(rip)) /* saw the half-patched site, which is now whole */
		return 1;
	if ((tramp = patched_tramp(rip - 5))) {
		/* between the mov and the syscall, or jumped to the syscall: make it, with
		 * whatever number rax holds, where the filter sees it as at the site */
		uc->uc_mcontext.rip = tramp + 8 + LX_TRAMP_SYSCALL;
		return 1;
	}
	return 0;
}

void lx_patch_flush(struct lx_thread *t, struct lx_ucontext *uc)
{
	uc->uc_mcontext.rax = t->fast_result;
	uc->uc_mcontext.rip = t->fast_resume;
	uc->uc_mcontext.rcx = t->fast_resume;
	lx_signal_flush(t, uc);
}

int lx_patch_is_flush(const struct lx_ucontext *uc)
{
	return uc->uc_mcontext.rip == (uintptr_t)lx_fast_flush_ret;
}

/* Where lx_fast_entry goes next: exit, unless signals were stashed; then the flush trap
 * delivers them on a kernel frame whose context resumes at resume with rax. */
static long leave(struct lx_thread *t, uintptr_t exit, uintptr_t resume, uint64_t rax)
{
	t->fast_resume = resume;
	t->fast_result = rax;
	t->fast_exit = exit;
	if (t->nstash)
		t->fast_exit = (uintptr_t)lx_fast_flush_entry;
	return (long)rax;
}

/* epoll's waits run here only as far as they need not sleep: the timeout made 0 (patch.h).
 * 1 when c's wait was made non-blocking, 0 when it is one already, -1 when it cannot be
 * (the trap then makes the whole call). */
static int nonblocking(struct lx_sysctx *c)
{
	static const int64_t zero_ts[2];
	int64_t ts[2];

	if (c->nr == 232 || c->nr == 281) { /* epoll_wait, epoll_pwait: int milliseconds */
		if ((int)c->a[3] == 0)
			return 0;
		c->a[3] = 0;
		return 1;
	}
	if (c->nr != 441) /* epoll_pwait2: a timespec, NULL for none */
		return 0;
	if (!c->a[3] || lx_copy_from_guest(ts, c->a[3], sizeof(ts)) || ts[0] < 0 || ts[1] < 0 ||
	    ts[1] >= 1000000000)
		return -1; /* sleeps for ever, or an error the trap reports */
	if (ts[0] == 0 && ts[1] == 0)
		return 0;
	c->a[3] = (uintptr_t)zero_ts;
	return 1;
}

/*
 * The call of a patched site, on the emulation stack (kernel-shim/entry.S's lx_fast_entry),
 * by the handler the SIGSYS path runs, on a context built like the trap's (the guest's
 * registers, rip the site's next instruction).  Unlike the trap, no signal is blocked: the
 * real mask stays the guest's, so the call must not sleep (an epoll wait runs with timeout 0
 * and, finding nothing, leaves the sleep to the trap; futex PI's waits are not interrupted by
 * signals on either path), and what arrives meanwhile is stashed (t->fast) and delivered by
 * the flush trap on the way out.  A signal that came before the call ran is delivered first,
 * on a context that enters the trampoline again, as Linux delivers it before the syscall.  No
 * system call here but the handler's own: on this host one costs about a microsecond.
 */
long lx_fastcall(struct lx_fastframe *f)
{
	struct lx_thread *t = lx_thread_self();
	uintptr_t tramp = t->fast_tramp, sys = tramp + LX_TRAMP_SYSCALL;
	struct lx_ucontext uc;
	struct lx_siginfo si;
	struct lx_sigcontext *m = &uc.uc_mcontext;
	struct lx_sysctx c;
	uint64_t ret;
	uint32_t nr;
	int nb;
	long r;

	t->fast_masked = 0;
	memcpy(&ret, (const void *)(tramp - 8 + TRAMP_RET), 8);
	memcpy(&nr, (const void *)(tramp + 1), 4);
	/* the flags as the guest left them: popfq puts them back */
	f->rflags = (f->rflags & ~(uint64_t)(ARITH_FLAGS | OF)) | ((f->ax >> 8) & ARITH_FLAGS) |
		    ((f->ax & 0xff) ? OF : 0);
	if (!lx_patch_nr((int)nr, f->rsi))
		return leave(t, sys, sys, nr);
	if (t->nstash)
		return leave(t, (uintptr_t)lx_fast_flush_entry, tramp, nr);
	memset(&uc, 0, sizeof(uc));
	m->rdi = f->rdi, m->rsi = f->rsi, m->rdx = f->rdx;
	m->r10 = f->r10, m->r8 = f->r8, m->r9 = f->r9;
	m->rax = nr, m->rsp = f->rsp, m->rip = ret, m->rcx = ret;
	m->eflags = f->rflags, m->r11 = f->rflags;
	memset(&si, 0, sizeof(si));
	si.si_signo = LX_SIGSYS;
	si.si_errno = LX_TRAP_DATA;
	si.si_code = LX_SYS_SECCOMP;
	si.u.sigsys.call_addr = ret;
	si.u.sigsys.syscall = (int32_t)nr;
	si.u.sigsys.arch = AUDIT_X86_64;
	c = (struct lx_sysctx){
	    &uc, &si, t, (int)nr, {f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9}};
	nb = nonblocking(&c);
	if (nb < 0)
		return leave(t, sys, sys, nr);
	r = lx_sysctx_run(&c);
	if (nb > 0 && r == 0) /* nothing ready: the trap sleeps */
		return leave(t, sys, sys, nr);
	if (nb == 0 && r == -LX_EINTR && (nr == 232 || nr == 281 || nr == 441))
		r = 0; /* a signal during a wait of timeout 0: Linux returns 0, then delivers */
	return leave(t, ret, ret, (uint64_t)r);
}

_Static_assert(__builtin_offsetof(struct lx_thread, fast) == LX_T_FAST, "entry.S: fast");
_Static_assert(__builtin_offsetof(struct lx_thread, depth) == LX_T_FAST + 4, "entry.S: depth");
_Static_assert(__builtin_offsetof(struct lx_thread, fast_tramp) == LX_T_TRAMP, "entry.S: tramp");
_Static_assert(__builtin_offsetof(struct lx_thread, fast_exit) == LX_T_EXIT, "entry.S: exit");
_Static_assert(__builtin_offsetof(struct lx_thread, fast_resume) == LX_T_RESUME, "entry.S");
_Static_assert(__builtin_offsetof(struct lx_thread, self) == LX_T_SELF, "entry.S: self");
_Static_assert(LX_THREAD_MAGIC == 0x6c787a6f6e657468ULL, "entry.S: the magic's words");
