/*
 * Per-process and per-thread state of the brand.
 *
 * The brand has no TLS (the guest's libc owns %fs) and no heap.  Per-process state is one
 * static object in the brand's .bss: threads share it, fork copies it, execve replaces it.
 * Per-thread state lives at the base of the thread's emulation stack, a region aligned to its
 * own size, so code running on that stack (every signal handler: the stack is the thread's
 * sigaltstack) finds it by masking the stack pointer.  Layout of one region:
 *
 *   base            struct lx_thread (one page)
 *   base + 4 KiB    guard page (PROT_NONE): an overflow faults before it reaches the state
 *   base + 8 KiB    stack, growing down from base + LX_ESTACK_SIZE
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
	struct lx_siginfo stash[LX_STASH_N];
};

/* lx_thread offsets used by kernel-shim/entry.S (checked in emul/fastcall.c) */
#define LX_T_FAST   8
#define LX_T_TRAMP  16
#define LX_T_EXIT   24
#define LX_T_RESUME 32
#define LX_T_SELF   48

struct lx_vsigaction {
	uint64_t handler, flags, restorer, mask;
};

struct lx_proc {
	int pid;	/* the process that owns this memory: a vfork child sees another getpid() */
	unsigned flags; /* LX_BF_* */
	char kver[65];	/* uname release; empty: the host's */
	unsigned kv;	/* kver as LX_KV (emul/systable.h); 0: the host's, nothing gated */
	char report[512];
	char page_path[512];	       /* the zone page (proc/lxzonepage.h); empty: no zone caps */
	uint64_t brand_dev, brand_ino; /* the brand image file, to recognise it when opened */
	int brand_known;	       /* brand_exe/dev/ino filled (lx_brand_identity) */
	int binfmt; /* started by the kernel through the zone's binfmt_misc entry (brand_abi.h) */
	int exe_program;     /* the kernel's exe link names the program (kernel-shim/start.c) */
	uint64_t fork_probe; /* lx_in_vfork_child's token */
	struct lx_vsigaction act[LX_NSIG + 1]; /* the guest's dispositions */
	volatile int act_lock;
	/* emulation stacks of exited threads, reused once their tid is gone: creating and
	 * unmapping one per thread costs TLB shootdowns across the VM's CPUs */
	struct lx_estack_free {
		uintptr_t base;
		int tid;
	} estack_free[LX_ESTACK_FREE];
	volatile int estack_lock;
	/* Last, the two paths: every field above is written by the start of every exec and fits
	 * one page (the object is page-aligned, state.c) with the head of brand_exe, where the
	 * start writes its short path; exe is written only when it is asked for (lx_proc_exe).
	 * Each further page the start writes is a fresh page per exec. */
	char brand_exe[4096]; /* what the host's /proc/self/exe shows: this image */
	char exe[4096];	      /* what /proc/self/exe shows the guest */
};

extern struct lx_proc lx_proc;

static inline struct lx_thread *lx_thread_self(void)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);

	return (struct lx_thread *)(sp & ~(LX_ESTACK_SIZE - 1));
}

/* A new emulation stack region; NULL when out of memory. */
struct lx_thread *lx_estack_alloc(void);
void lx_estack_stack(struct lx_thread *t, struct lx_stack *ss);
/* Keeps an exiting thread's region for reuse; 0 when the list is full (unmap it). */
int lx_estack_retire(struct lx_thread *t, int tid);

/* Fills lx_proc.brand_exe/dev/ino on first use: most processes never need them, and every
 * exec would otherwise pay two /proc lookups. */
void lx_brand_identity(void);
/* (lx_start_early fills them without the readlink when the kernel ran the zone's readable
 * brand, syscalls/lx_exe.c.) */

/* What /proc/self/exe shows the guest: lx_proc.exe, which the start leaves empty when the
 * kernel's link names the program (then read from it on first use: most processes never
 * ask, and the start saves a /proc lookup per exec). */
const char *lx_proc_exe(void);

/* Is this a native vfork child running on its parent's memory? */
int lx_in_vfork_child(void);

#endif
