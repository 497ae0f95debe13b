/*
 * Per-process and per-thread state of the brand.
 *
 * The brand has no TLS (the guest's libc owns %fs) and no heap.  Per-process state is one
 * static object in the brand's .bss: threads share it, fork copies it, execve replaces it.
 * Per-thread state lives at the top of the thread's emulation stack, a region aligned to its
 * own size, so code running on that stack (every signal handler: the stack is the thread's
 * sigaltstack) finds it by masking the stack pointer.  Layout of one region:
 *
 *   base            the signals stashed during a blocking or patched call (lx_thread_stash)
 *   base + 4 KiB    guard page (PROT_NONE): an overflow faults before it reaches the stash
 *   base + 8 KiB    stack, growing down from the struct lx_thread
 *   base + LX_ESTACK_SIZE - LX_THREAD_SIZE   struct lx_thread
 *
 * The struct sits right above the stack so that the kernel's signal frame, which lands at the
 * stack's top, shares its page: a trap writes the struct (t->depth), and in a fork child, or
 * the first trap of a new image, each page it writes is a fresh copy (15-25 us on this kind of
 * VM).  The stash, written only when a signal interrupts a blocking or patched call, keeps
 * the struct small enough for that (docs/architecture.md, "Threads and stacks").
 *
 * The first thread's region is MADV_WIPEONFORK whole (lx_estack_first): a fork, which leaves
 * every page its parent has written copy-on-write in both, made the parent's next patched call
 * (t->fast) and its next signal frame copy the region's top pages, one or two faults per fork
 * in a shell.  A fork child finds the region zero: its first signal entry fills the struct
 * again (lx_thread_first), from lx_proc's copies of what a fork keeps (lx_thread_kept); a
 * patched call before it finds no magic and takes the trap (once).  The child writes the same
 * pages as before, each a fresh page instead of a copy.  So no brand frame may be live on that
 * region when a fork is made: forks are not trapped, and the one the brand makes itself
 * (clone3's) asks for a copy first (lx_estack_fork_copy).  Other threads' regions are copied:
 * their fields would need copies of their own, and a fork from a second thread is rare.
 */
#ifndef LXZONE_STATE_H
#define LXZONE_STATE_H

#include "emul/lx_abi.h"

#define LX_ESTACK_SIZE	(128UL * 1024)
#define LX_THREAD_MAGIC 0x6c787a6f6e657468ULL
#define LX_ESTACK_FREE	32
#define LX_STASH_N	8

struct lx_thread {
	uint64_t magic;
	/* Patched system call sites (emul/patch.h) enter the brand without a signal, through
	 * kernel-shim/entry.S's lx_fast_entry, which finds this struct through the GS base and
	 * addresses these fields at fixed offsets (LX_T_* below). */
	int fast;	      /* 1 while a patched call runs on this stack (signals are stashed) */
	int depth;	      /* lx_sigentry frames on this stack: the fast path stays out */
	uint64_t fast_tramp;  /* the trampoline that entered (its mov, patch.h) */
	uint64_t fast_exit;   /* where lx_fast_entry returns: the guest, a flush or a fallback */
	uint64_t fast_resume; /* the guest's rip after the call (rcx, as syscall leaves it) */
	uint64_t fast_result; /* rax for the guest, kept for the flush trap */
	uint64_t self;	      /* this struct's address: the GS base, for entry.S */
	int sigsys_blocked;   /* the guest's view: SIGSYS in its mask (the real one never is) */
	int sigsys_pending;   /* a guest-sent SIGSYS arrived while it was blocked */
	struct lx_stack vss;  /* the guest's sigaltstack (the real one is this region) */
	/* A blocking emulated call (epoll_wait over ppoll) opens the guest's signal mask while
	 * it sleeps: the signals that interrupt it are kept here by lx_sigentry and delivered to
	 * the guest when the call returns (lx_signal_flush), as the kernel would on its way
	 * out; the brand's own stack is no place for a guest handler. */
	int waiting;
	int nstash;
	int tid; /* gettid(), cached (a lock owner's name; after fork the parent's) */
	/* a patched rt_sigprocmask may have blocked what the stash holds: lx_signal_flush
	 * queues those again instead of delivering them */
	int fast_masked;
	/* lent by clone3 to a CLONE_VM|CLONE_VFORK child (syscalls/lx_clone.c): that child, and
	 * the fork children it may make, are the only processes that run here */
	int vfork_lent;
	int stash_wiped; /* the stash's page is MADV_WIPEONFORK (lx_thread_stash_page) */
};

#define LX_THREAD_SIZE ((sizeof(struct lx_thread) + 63) & ~63UL)

/* lx_thread offsets used by kernel-shim/entry.S (checked in emul/fastcall.c) */
#define LX_T_FAST   8
#define LX_T_TRAMP  16
#define LX_T_EXIT   24
#define LX_T_RESUME 32
#define LX_T_SELF   48

struct lx_vsigaction {
	uint64_t handler, flags, restorer, mask;
};

/*
 * The process's state.  Its head, up to exe's first bytes, is what the start of every exec
 * writes (and every trap reads): brand.ld puts it in one page with the hot statics
 * (LX_BSS_HOT), right after them, so that a start writes one page of the brand's memory and a
 * fork child reads no page its parent has not made present.  Written only on occasion, after
 * exe: the free emulation stacks (a thread's exit), the report and zone page paths when they
 * are not the usual ones, the brand's own path (lx_brand_identity).  Each further page a start
 * writes is a fresh page per exec (docs/performance.md).
 */
struct lx_proc {
	int pid;	/* the process that owns this memory: a vfork child sees another getpid() */
	unsigned flags; /* LX_BF_* */
	char kver[65];	/* uname release; empty: the host's */
	unsigned kv;	/* kver as LX_KV (emul/systable.h); 0: the host's, nothing gated */
	const char *report;	       /* the report file; "": none (set by every start) */
	const char *page_path;	       /* the zone page (proc/lxzonepage.h); "": no zone caps */
	uint64_t brand_dev, brand_ino; /* the brand image file, to recognise it when opened */
	int brand_known;	       /* brand_exe/dev/ino filled (lx_brand_identity) */
	const char *brand_exe;	       /* what the host's /proc/self/exe shows: this image */
	int binfmt; /* started by the kernel through the zone's binfmt_misc entry (brand_abi.h) */
	int exe_program;     /* the kernel's exe link names the program (kernel-shim/start.c) */
	uint64_t fork_probe; /* lx_in_vfork_child's token */
	int code_forks;	     /* forks copy the brand's code mapping (lx_fork_seen) */
	/* The first thread's guest view of SIGSYS blocked and its guest sigaltstack (ss_size 0:
	 * none), for its struct, which its first signal entry fills (lx_thread_first): in a new
	 * image, whose start does not write the emulation stack, and in a fork child, where the
	 * region reads zero (lx_estack_first).  Kept up to date by lx_thread_kept. */
	int boot_sigsys_blocked;
	struct lx_stack boot_vss;
	/* every signal a vfork child of this process set to SIG_IGN, which the table (its
	 * parent's) does not show; only ever added to (syscalls/lx_signal.c), and named in its
	 * exec's hint of the ignored signals beside the table's (syscalls/lx_exec.c) */
	uint64_t vfork_ign;
	struct lx_vsigaction act[LX_NSIG + 1]; /* the guest's dispositions */
	volatile int act_lock;
	/* What /proc/self/exe shows the guest (syscalls/lx_readlink.c: lx_proc_exe), learnt when
	 * first asked, into exe_path: most processes never ask, and the start saves a /proc
	 * lookup per exec.  Where the kernel's link names the program, from it; elsewhere (an OCI
	 * container, lxrun) the file mapped at exe_map, the program's first segment, which the
	 * start records with the name it was executed by in exe, the answer while exe_path is
	 * not known (a program that unmapped its first segment). */
	uint64_t exe_map;
	volatile int exe_known; /* exe_path holds the answer */
	char exe[4096];
	/* emulation stacks of exited threads, reused once their tid is gone: creating and
	 * unmapping one per thread costs TLB shootdowns across the VM's CPUs */
	volatile int estack_lock;
	struct lx_estack_free {
		uintptr_t base;
		int tid;
	} estack_free[LX_ESTACK_FREE];
	char report_buf[512], page_path_buf[512]; /* report and page_path, when not constants */
	char brand_exe_buf[4096]; /* brand_exe, read from the host's /proc/self/exe */
	char exe_path[4096];
};

/* The hot statics and lx_proc's head share one page (brand.ld checks the statics' size): room
 * for both, and for the first LX_PROC_EXE_ROOM bytes of exe, a usual program path. */
#define LX_BSS_HOT_MAX	 0x400
#define LX_PROC_EXE_ROOM 512
_Static_assert(LX_BSS_HOT_MAX + __builtin_offsetof(struct lx_proc, exe) + LX_PROC_EXE_ROOM <= 4096,
	       "lx_proc's head, the hot statics and a path fit one page");

extern struct lx_proc lx_proc;

static inline struct lx_thread *lx_thread_self(void)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);

	return (struct lx_thread *)((sp & ~(LX_ESTACK_SIZE - 1)) + LX_ESTACK_SIZE - LX_THREAD_SIZE);
}

/* The region of t: its base (what is mapped, unmapped and kept for reuse), and the top of its
 * stack (the struct itself). */
static inline uintptr_t lx_estack_base(const struct lx_thread *t)
{
	return (uintptr_t)t & ~(LX_ESTACK_SIZE - 1);
}

static inline uintptr_t lx_estack_top(const struct lx_thread *t)
{
	return (uintptr_t)t;
}

/* The signals stashed on t: LX_STASH_N at the region's base. */
static inline struct lx_siginfo *lx_thread_stash(const struct lx_thread *t)
{
	return (struct lx_siginfo *)lx_estack_base(t);
}

/* Before t's first stash: its page becomes one the kernel wipes in fork children (the first
 * thread's is from the start, with its whole region).  A stash holds signals only between a
 * blocking or patched call's start and its flush, so a fork (untrapped, or clone3's inside a
 * trap) never copies one; but its page, once written, was copied on write by the next stash
 * after every fork: a process that forks and is sent SIGCHLD during a patched call (a shell)
 * paid a fresh page per child for nothing. */
void lx_thread_stash_page(struct lx_thread *t);

/* A new emulation stack region; NULL when out of memory. */
struct lx_thread *lx_estack_alloc(void);
/* The first thread's, for the start: a region of its own, with no look at the free ones (there
 * are none in a new image, and their list is not in the page the start writes), its struct
 * left unwritten, so that a process that never enters the brand writes no page of it; the
 * first signal entry fills it (lx_thread_first), in the page the kernel's signal frame has
 * just made present.  The region is wiped in fork children (the top of this file says why),
 * which fill it the same way. */
struct lx_thread *lx_estack_first(void);
void lx_thread_first(struct lx_thread *t);
/* t's sigsys_blocked or vss may have changed: where t is the first thread's, lx_proc's copies
 * follow (written only when they differ: after a fork their page is shared with the child). */
void lx_thread_kept(struct lx_thread *t);
/* A fork made on t's region, inside a trap, returns through it in the child: copy 1 before such
 * a fork has the region copied, copy 0 after it (in both processes) wipes it again. */
void lx_estack_fork_copy(struct lx_thread *t, int copy);
void lx_estack_stack(struct lx_thread *t, struct lx_stack *ss);
/* Keeps an exiting thread's region for reuse; 0 when the list is full (unmap it). */
int lx_estack_retire(struct lx_thread *t, int tid);

/* Fills lx_proc.brand_exe/dev/ino on first use: most processes never need them, and every
 * exec would otherwise pay two /proc lookups. */
void lx_brand_identity(void);
/* (lx_start_early fills them without the readlink when the kernel ran the zone's readable
 * brand, syscalls/lx_exe.c.) */


/* A page the kernel wipes in fork children (MADV_WIPEONFORK), mapped on first use; NULL where
 * it cannot be made.  What a process writes there is seen by every process sharing its memory
 * (threads, vfork children) and by no fork child, which finds zeros: a fact about this very
 * memory, where a copy of lx_proc would carry its parent's.  One int per user: */
#define LX_WIPED_PID   0 /* the epoll emulation's owner pid (syscalls/lx_epoll_host.c) */
#define LX_WIPED_OWNER 1 /* lx_proc.pid, once a vfork child was told apart (lx_in_vfork_child) */
int *lx_fork_wiped(void);

/* A SIGCHLD reached the brand: this process makes children.  A fork child runs the brand's code
 * (its first patched call, its trapped execve) where the kernel did not copy its page-table
 * entries: fork copies them only for mappings with anonymous pages, and the code is the
 * brand file's, so each fork child faulted its first 64 KiB window in again.  The first
 * SIGCHLD gives the code mapping one anonymous page (the ELF header's, rewritten with its
 * own bytes through /proc/self/mem, as a patched site is), so later forks copy the code's
 * entries.  Once per process (its fork children inherit the mapping so); a process whose
 * children share its memory (vfork, posix_spawn) pays it for nothing, once. */
void lx_fork_seen(void);

/* Is this a native vfork child running on its parent's memory? */
int lx_in_vfork_child(void);
/* The same question without writing lx_proc (a fork child's copy of its page would be one more
 * fresh page of its exec) and without adopting the pid: the token goes on the caller's stack,
 * the emulation stack a vfork child borrows from its parent.  1 in a vfork child, 0 in a process
 * of its own, -1 when it cannot tell (the parent is gone or may not be read: not dumpable).
 * *ppid is getppid() where it was asked (0 in a process of its own). */
int lx_vfork_probe(long *ppid);

#endif
