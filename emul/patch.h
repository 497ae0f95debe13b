/*
 * Syscall-site patching: a trapped call enters the brand once by SIGSYS, and its site stops
 * trapping (docs/architecture.md, "Syscall-site patching"; docs/security.md says why the
 * boundary does not move).
 *
 * When a call the process's table marks as patchable (lx_patch_nr) traps from a site whose
 * seven bytes are `mov $nr, %eax; syscall` (b8 imm32 0f 05) in a private executable mapping,
 * the brand writes a trampoline for the site into a table within 2 GiB of it (a 64 KiB
 * mapping where the kernel places one, beside the libraries, whose page tables exist; for a
 * program's own text, just below or above it) and rewrites the site into `jmp rel32` to the
 * trampoline (e9 imm32), then hlt (byte 5); byte 6 keeps its 05.  The trampoline sets rax,
 * points rcx at itself and jumps to kernel-shim/entry.S's lx_fast_entry, which runs the call
 * on the emulation stack (lx_fastcall) with the same handler the SIGSYS path runs, and
 * returns to the site's next instruction.
 * The trampoline also keeps the site's own `syscall`, the ordinary trap, for whatever the fast
 * path declines.
 *
 * The rewrite goes through /proc/self/mem (the code stays read-only) in four writes, each
 * followed by a membarrier core sync, so another thread never executes a torn instruction:
 * 1. byte 5 (syscall's first) becomes 0xf4 (hlt: #GP, SIGSEGV): a thread between the mov and
 *    the syscall faults there, and lx_patch_fault sends it to the trampoline's syscall with
 *    its rax (whatever mov or jump brought it there);
 * 2. byte 0 becomes 0xf4: a thread arriving at the site faults and retries until the end;
 * 3. bytes 1..4 become the jump's offset;
 * 4. byte 0 becomes 0xe9: the jump.
 * While no other task has run in this memory (lx_patch_gs_handoff notes the first thread, or
 * CLONE_VM child that is not a vfork child, before it starts), nothing can run the site
 * meanwhile: the patching thread is in the SIGSYS path with every signal blocked, and a vfork
 * child (clone3's, which the brand starts, or one of vfork or clone, which it does not) runs
 * only while its parent sleeps in the kernel.  Then bytes 0..5 are one write and no core
 * sync: no core has the site's old bytes in flight (none runs another task of this memory),
 * and x86 keeps instruction fetch coherent with stores, as for self-modifying code.  (The
 * core sync also costs its first caller a registration, which in memory with two tasks, a
 * vfork child's, waits for an RCU grace period: ~9 ms here, stop 40.)
 */
#ifndef LXZONE_PATCH_H
#define LXZONE_PATCH_H

#include "emul/lx_abi.h"
#include "emul/state.h"

#define LX_FAST_FLUSH_NR 1023 /* kernel-shim/entry.S: no filter knows it, so it traps */
#define LX_TRAMP_SIZE	 48
#define LX_TRAMP_SYSCALL 17 /* from the trampoline's mov to its syscall (entry.S) */
/* LX_BF_PATCH_LAZY: the trap of a site that patches it (patch.c says why this many) */
#define LX_PATCH_LAZY_TRAPS 32

/* The guest's registers lx_fast_entry saves on the emulation stack (entry.S's push order). */
struct lx_fastframe {
	uint64_t ax; /* lahf; seto %al: the arithmetic flags before lx_fast_entry's compares */
	uint64_t rdi, rsi, rdx, r10, r8, r9, rflags, rsp;
};

/* Boot: patching on when the hand-over asks for it (LX_BF_PATCH: at a site's first trap;
 * LX_BF_PATCH_LAZY: at its LX_PATCH_LAZY_TRAPS-th). */
void lx_patch_init(unsigned flags);
int lx_patch_enabled(void);

/* Is nr, with futex command op, run by the fast path in this process?  0: the trampoline's
 * own syscall (the filter decides, as for any call). */
int lx_patch_nr(int nr, uint64_t op);

/* A trapped call from uc's site: bind the thread's GS base and patch the site when it
 * qualifies.  Called from the SIGSYS path with every signal blocked. */
void lx_patch_trap(struct lx_thread *t, int nr, struct lx_ucontext *uc);

/* A SIGSEGV from a patched or half-patched site (hlt): resume the thread; 1 if handled. */
int lx_patch_fault(const struct lx_siginfo *si, struct lx_ucontext *uc);

/* lx_fast_flush_entry's trap: the call's result and the stashed signals, on a kernel frame. */
void lx_patch_flush(struct lx_thread *t, struct lx_ucontext *uc);

/* Is uc the trap of lx_fast_flush_entry (a SIGSYS with the brand's mark)? */
int lx_patch_is_flush(const struct lx_ucontext *uc);

/* GS base around the brand's thread clone: the child inherits it, so the parent's is the
 * child's struct for the clone.  Every thread the brand starts is bound from its first
 * instruction, and its parent with it (lx_patch_init says when the first one is): a thread
 * whose GS base is 0 would fault in lx_fast_entry's probe, and one that blocks SIGSEGV (a new
 * thread or glibc's posix_spawn child, which start with every signal blocked) would be killed
 * by the kernel for it.  handoff returns what attach restores (the parent's binding); a clone3
 * vfork child of memory nobody bound starts unbound, and if it patched a site meanwhile, attach
 * binds the parent (t) before it goes back to the guest. */
uint64_t lx_patch_gs_handoff(struct lx_thread *parent, struct lx_thread *child);
void lx_patch_gs_attach(struct lx_thread *t, uint64_t gs);

/* Patched sites so far (tests read it through the site's bytes; this is for the report). */
extern unsigned lx_patch_sites;

#endif
