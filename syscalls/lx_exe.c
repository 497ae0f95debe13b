/*
 * The exe link: /proc/<pid>/exe names the guest's program, not the brand.
 *
 * The kernel executes the brand, so its exe link names the brand.  readlink of
 * /proc/<pid>/exe is emulated for that (syscalls/lx_readlink.c), and since a filter cannot see
 * a path, that used to trap every readlink: glibc's realpath calls it on every component, so a
 * compiler makes hundreds per file (docs/performance.md).  In a zone with a user namespace
 * (lx_filter_opts.exe_kernel, LX_BF_EXE_KERNEL) the kernel's own link is made right instead,
 * and readlink passes:
 *
 *  - Naming.  PR_SET_MM_MAP with exe_fd replaces the link (kernel/sys.c).  It needs
 *    CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE in the process's user namespace (the zone's root
 *    has both there), and the kernel refuses (EBUSY) while the old exe file is still mapped:
 *    the brand's file-backed segments (124 KiB of code, one data page) become anonymous copies
 *    of themselves first, each moved over the original in one mremap.  The program's file must
 *    be executable and not open for writing (the kernel denies writes to it from then on, as
 *    it does for any program it executes).  Later execs run the readable brand the zone binds
 *    at LX_ZONE_BRAND, as /proc/self/exe is the program now.
 *
 *  - The others.  A process that may not name its exe (a zone user other than root) must
 *    still have its readlink trapped, by a second filter (emul/exefilter.h).  Stacking a
 *    filter needs CAP_SYS_ADMIN or no_new_privs, which such a process has not (and must not be
 *    given: it would break its set-user-ID programs), so the filter goes in while the process
 *    can still stack it: when a root process gives up its uid or capabilities (setuid,
 *    setreuid, setresuid to a non-zero id, capset: trapped only in these zones, handlers
 *    below), when the launcher starts a session as a user (zone/launch/launch_enter.c), or at
 *    the brand's start when naming failed and stacking is possible.  LX_BF_EXEFILTER tells
 *    later images it is there.  Who can do what is unchanged: the brand names the exe only
 *    with the process's own capability, as any process holding it could (docs/security.md).
 *
 * Known difference: a process that a non-root user executed shows the brand (LX_ZONE_BRAND)
 * to a reader whose readlink is not trapped (a root process): root's readlink of such a
 * process's /proc/<pid>/exe names the brand, not the program.  Its own /proc/self/exe, and
 * any non-root reader's view, are right.
 */
#include "emul/exefilter.h"
#include "emul/lx_elf.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "emul/state.h"
#include "kernel-shim/brand_abi.h"
#include "syscalls/handlers.h"

#define LX_SYS_seccomp		  317
#define LX_SYS_setuid		  105
#define LX_SYS_setreuid		  113
#define LX_SYS_setresuid	  117
#define LX_SYS_capset		  126
#define SECCOMP_SET_MODE_FILTER	  1
#define SECCOMP_FILTER_FLAG_TSYNC 1
#define CAP_V3			  0x20080522 /* _LINUX_CAPABILITY_VERSION_3 */
#define CAP_SYS_ADMIN		  21
#define CAP_CHECKPOINT_RESTORE	  40

/*
 * What PR_SET_MM_MAP replaces, as the kernel set it when it executed the brand (it has to be
 * given back whole).  Reading it from /proc/self/stat cost an open, a read (the kernel formats
 * the whole line) and a close per exec; everything in it is known here instead:
 *  - code and data: load_elf_binary's start_code/end_code (lowest executable p_vaddr, highest
 *    executable p_vaddr + p_filesz) and start_data/end_data (highest p_vaddr, highest
 *    p_vaddr + p_filesz) over the brand's PT_LOADs (ET_EXEC: no bias);
 *  - brk: start_brk where the start put the program's heap (lx_mm_heap), else the brand's
 *    (the kernel's, after the brand's image), and brk the current break;
 *  - the stack and the strings: start_stack is where argc sits (ksp), the argv strings and
 *    then the environment strings are contiguous from argv[0] (create_elf_tables), so each
 *    area ends one past its last string's NUL.
 * tests/integration/zone/test_exec_brand_ro.sh checks the result against the stack, cmdline
 * and environ the kernel shows.
 */
static struct {
	uint64_t start_stack, arg_start, arg_end, env_start, env_end, start_brk;
} layout LX_BSS_HOT;

void lx_mm_layout(const uint64_t *ksp)
{
	char **argv = (char **)(ksp + 1), **envp = argv + ksp[0] + 1, **e = envp;

	layout.start_stack = (uintptr_t)ksp;
	layout.arg_start = layout.arg_end = (uintptr_t)argv[0];
	if (ksp[0])
		layout.arg_end = (uintptr_t)argv[ksp[0] - 1] + lx_strlen(argv[ksp[0] - 1]) + 1;
	layout.env_start = layout.env_end = layout.arg_end;
	for (; *e; e++)
		;
	/* the hand-over is the last string (syscalls/lx_exec.c): the area ends before it, so
	 * /proc/<pid>/environ shows only the guest's environment */
	if (e > envp && lx_startswith(e[-1], LX_BRAND_ENV "="))
		layout.env_end = (uintptr_t)e[-1];
	else if (e > envp)
		layout.env_end = (uintptr_t)e[-1] + lx_strlen(e[-1]) + 1;
}

static long mm_map(uint64_t arg_start, long exe_fd, uint64_t start_brk, uint64_t brk)
{
	const struct lx_elf64_ehdr *eh = (const void *)(uintptr_t)LX_BRAND_BASE;
	const struct lx_elf64_phdr *ph = (const void *)((uintptr_t)LX_BRAND_BASE + eh->e_phoff);
	struct {
		uint64_t start_code, end_code, start_data, end_data, start_brk, brk, start_stack;
		uint64_t arg_start, arg_end, env_start, env_end, auxv;
		uint32_t auxv_size, exe_fd;
	} m;
	long r;

	if (!layout.start_stack)
		return -LX_EINVAL;
	if (!arg_start)
		arg_start = layout.arg_start;
	if (arg_start < layout.arg_start || arg_start > layout.arg_end)
		return -LX_EINVAL;
	memset(&m, 0, sizeof(m));
	m.start_code = ~0ULL;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		uint64_t lo = ph[i].p_vaddr, hi = ph[i].p_vaddr + ph[i].p_filesz;
		if (ph[i].p_type != LX_PT_LOAD)
			continue;
		if ((ph[i].p_flags & LX_PF_X) && lo < m.start_code)
			m.start_code = lo;
		if ((ph[i].p_flags & LX_PF_X) && hi > m.end_code)
			m.end_code = hi;
		if (lo > m.start_data)
			m.start_data = lo;
		if (hi > m.end_data)
			m.end_data = hi;
	}
	m.start_brk = start_brk, m.brk = brk;
	m.start_stack = layout.start_stack;
	m.arg_start = arg_start, m.arg_end = layout.arg_end;
	m.env_start = layout.env_start, m.env_end = layout.env_end;
	m.exe_fd = (uint32_t)exe_fd;
	r = lx_sys4(LX_SYS_prctl, LX_PR_SET_MM, LX_PR_SET_MM_MAP, &m, sizeof(m));
	if (r == 0)
		layout.arg_start = arg_start; /* a later call keeps what this one showed */
	return r;
}

long lx_mm_map(uint64_t arg_start, long exe_fd)
{
	uint64_t brk = (uint64_t)lx_sys1(LX_SYS_brk, 0);

	return mm_map(arg_start, exe_fd, layout.start_brk ? layout.start_brk : brk, brk);
}

long lx_mm_heap(uint64_t at)
{
	long r = mm_map(0, -1, at, at);

	if (r == 0)
		layout.start_brk = at;
	return r;
}

/* Does this process hold CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE, effective (in its user
 * namespace: what PR_SET_MM_MAP's exe_fd and stacking a filter check)? */
static int may_name_exe(void)
{
	struct {
		uint32_t version;
		int pid;
	} hdr = {CAP_V3, 0};
	struct {
		uint32_t effective, permitted, inheritable;
	} d[2];

	if (lx_sys2(LX_SYS_capget, &hdr, d) < 0)
		return 0;
	return (d[0].effective >> CAP_SYS_ADMIN & 1) ||
	       (d[1].effective >> (CAP_CHECKPOINT_RESTORE - 32) & 1);
}

/*
 * No mapping may keep the exe's mount and dentry: the brand's code is mapped again, over
 * itself, from LX_ZONE_BRAND_MAP (the same file through another mount: the same page-cache
 * pages, nothing copied, and the bytes this code runs from do not change).  Its data is all
 * zero-initialized, so anonymous (tests/unit/check_brand_segments.sh); a brand with a
 * file-backed writable segment, or a map file that is not this brand (a zone booted by
 * another build), is refused.  Done first thing (lx_exe_prepare), before the brand has touched
 * most of its code, so what it faults in afterwards it faults in once.  0 or -errno.
 */
#define EARLY	   __attribute__((section(".text.lxearly"), noinline))
#define EARLY_DATA __attribute__((section(".rodata.lxearly")))
static const char early_map[] EARLY_DATA = LX_ZONE_BRAND_MAP;
static const char early_brand[] EARLY_DATA = LX_ZONE_BRAND;
static const char early_self[] EARLY_DATA = "/proc/self/exe";

static EARLY long brand_remap(void)
{
	const struct lx_elf64_ehdr *eh = (const void *)(uintptr_t)LX_BRAND_BASE;
	const struct lx_elf64_phdr *ph = (const void *)((uintptr_t)LX_BRAND_BASE + eh->e_phoff);
	struct lx_stat st;
	long fd, r = 0;

	for (unsigned i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == LX_PT_LOAD && ph[i].p_filesz && (ph[i].p_flags & LX_PF_W))
			return -LX_EBUSY;
	if ((fd = lx_sys3(LX_SYS_open, early_map, LX_O_RDONLY | LX_O_CLOEXEC, 0)) < 0)
		return fd;
	if (lx_sys2(LX_SYS_fstat, fd, &st) < 0 || !lx_proc.brand_known ||
	    st.dev != lx_proc.brand_dev || st.ino != lx_proc.brand_ino)
		r = -LX_EBUSY; /* mapping another file would run other code */
	for (unsigned i = 0; r == 0 && i < eh->e_phnum; i++) {
		if (ph[i].p_type != LX_PT_LOAD || !ph[i].p_filesz)
			continue;
		uint64_t a = ph[i].p_vaddr & ~(LX_PAGE - 1);
		uint64_t len =
		    ((ph[i].p_vaddr + ph[i].p_filesz + LX_PAGE - 1) & ~(LX_PAGE - 1)) - a;
		int prot = (ph[i].p_flags & LX_PF_R ? LX_PROT_READ : 0) |
			   (ph[i].p_flags & LX_PF_X ? LX_PROT_EXEC : 0);
		/* populated: one call fills the page table from the page cache, where each of
		 * the pages the start runs would otherwise fault on its own (a fault costs
		 * ~10x a populated page on this kind of VM, docs/performance.md) */
		r = lx_sys6(LX_SYS_mmap, a, len, prot,
			    LX_MAP_PRIVATE | LX_MAP_FIXED | LX_MAP_POPULATE, fd,
			    ph[i].p_offset & ~(LX_PAGE - 1));
		r = r < 0 ? r : 0;
	}
	lx_sys1(LX_SYS_close, fd);
	return r;
}

static int remapped LX_BSS_HOT;	      /* brand_remap succeeded: the exe may be named */
static int ran_zone_brand LX_BSS_HOT; /* the kernel executed LX_ZONE_BRAND (its AT_EXECFN) */
static int early_remapped LX_BSS_HOT; /* lx_start_early did brand_remap */

/*
 * The brand's first call (kernel-shim/entry.S), before anything else of it runs.  When the
 * kernel executed the zone's readable brand (AT_EXECFN, the kernel's copy of the path, is
 * LX_ZONE_BRAND: every exec in a zone that names exes but a process's first), the code is
 * mapped from the second bind now.  This function, brand_remap and their strings sit in the
 * first 64 KiB of the image (brand.ld), which the kernel's first fault maps whole (fault-around):
 * the rest of the code is then mapped populated before anything touches it, instead of
 * faulting twice more from the kernel's mapping first (each fault ~40 µs here).  Mapping it
 * where naming turns out not to be wanted is harmless: the same bytes.
 */
EARLY void lx_start_early(const uint64_t *ksp)
{
	const uint64_t *p = ksp + 1 + ksp[0] + 1;
	const char *fn = 0, *a, *b;
	struct lx_stat st;

	while (*p++)
		; /* the environment */
	for (; p[0] != LX_AT_NULL; p += 2)
		if (p[0] == LX_AT_EXECFN)
			fn = (const char *)(uintptr_t)p[1];
	for (a = fn, b = early_brand; a && *a && *a == *b; a++, b++)
		;
	if (!a || *a || *b)
		return;
	ran_zone_brand = 1;
	if (lx_sys4(LX_SYS_newfstatat, LX_AT_FDCWD, early_self, &st, 0) < 0)
		return;
	lx_proc.brand_exe = early_brand;
	lx_proc.brand_dev = st.dev;
	lx_proc.brand_ino = st.ino;
	lx_proc.brand_known = 1;
	early_remapped = brand_remap() == 0;
}

void lx_exe_prepare(void)
{
	if (!(lx_proc.flags & LX_BF_EXE_KERNEL))
		return;
	/* the identity while the link still names the brand: AT_EXECFN gave it when the kernel
	 * ran the zone's readable brand, which also says it exists (later execs need it) */
	lx_brand_identity();
	remapped = may_name_exe() && (early_remapped || brand_remap() == 0);
}

/* Stacks the exe filter on this process (all its threads), once.  0 or -errno. */
static long exefilter_stack(void)
{
	struct lx_sock_filter prog[LX_EXEFILTER_LEN];
	struct {
		unsigned short len;
		struct lx_sock_filter *filter;
	} fprog = {LX_EXEFILTER_LEN, prog};
	long r;

	if (!(lx_proc.flags & LX_BF_EXE_KERNEL) || (lx_proc.flags & LX_BF_EXEFILTER))
		return 0;
	lx_exefilter_build(prog);
	r = lx_sys3(LX_SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &fprog);
	if (r == 0)
		lx_proc.flags |= LX_BF_EXEFILTER;
	return r;
}

void lx_exe_becomes_program(long fd)
{
	/* the brand's identity was taken in lx_exe_prepare, while the link named it; where the
	 * link is never changed it is taken on first use */
	if (!(lx_proc.flags & LX_BF_EXE_KERNEL))
		return;
	if (remapped && (ran_zone_brand || lx_sys2(LX_SYS_access, LX_ZONE_BRAND, LX_X_OK) == 0) &&
	    lx_mm_map(0, fd) == 0) {
		lx_proc.exe_program = 1;
		return;
	}
	/* the link names the brand: readlink must trap here (possible with no_new_privs, or
	 * when naming failed for another reason than the capability) */
	exefilter_stack();
}

/* A uid that gives up root: any id but 0 and "unchanged" (-1). */
static int drops(uint64_t id)
{
	return (uint32_t)id != 0 && (uint32_t)id != (uint32_t)-1;
}

static long before_drop(int drop, long nr, const struct lx_sysctx *c)
{
	if (drop)
		exefilter_stack(); /* a refusal (no capability left) changes nothing here */
	return lx_sys3(nr, c->a[0], c->a[1], c->a[2]);
}

long lx_sys_setuid(struct lx_sysctx *c)
{
	return before_drop(drops(c->a[0]), LX_SYS_setuid, c);
}

long lx_sys_setreuid(struct lx_sysctx *c)
{
	return before_drop(drops(c->a[0]) || drops(c->a[1]), LX_SYS_setreuid, c);
}

long lx_sys_setresuid(struct lx_sysctx *c)
{
	return before_drop(drops(c->a[0]) || drops(c->a[1]) || drops(c->a[2]), LX_SYS_setresuid, c);
}

/* capset can only lower what the process holds (or raise effective bits from permitted):
 * stacked whatever it asks, which costs only readlink traps in a root process that lowers
 * an unrelated capability. */
long lx_sys_capset(struct lx_sysctx *c)
{
	return before_drop(1, LX_SYS_capset, c);
}
