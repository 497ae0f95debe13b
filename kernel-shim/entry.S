/*
 * The brand's fixed-address code: the gate region and the entry points.
 *
 * .lxgate is linked at LX_GATE_ADDR (brand.ld).  The seccomp filter allows a trapped
 * system call whose instruction pointer lies in (LX_GATE_ADDR, LX_GATE_ADDR + LX_GATE_LEN],
 * so every `syscall` instruction of the brand is in here, and nothing else is.
 */
	.section .lxgate, "ax", @progbits
	.globl lx_gate_region
lx_gate_region:
	/* long lx_gate(long nr, long a1..a6): bytes fixed by LX_GATE_STUB_BYTES */
	.globl lx_gate
	.type lx_gate, @function
lx_gate:
	mov %rdi, %rax
	mov %rsi, %rdi
	mov %rdx, %rsi
	mov %rcx, %rdx
	mov %r8, %r10
	mov %r9, %r8
	mov 8(%rsp), %r9
	syscall
	ret
	.size lx_gate, . - lx_gate

	/* sa_restorer of every handler the brand installs; also the first instruction a new
	 * thread runs (see syscalls/lx_clone.c) */
	.globl lx_restorer
	.type lx_restorer, @function
lx_restorer:
	mov $15, %eax		/* rt_sigreturn */
	syscall
	ud2
	.size lx_restorer, . - lx_restorer

	/* void lx_gate_thread_exit(void *base, unsigned long len, long code): unmap the
	 * thread's emulation stack, which we are running on, then exit the thread.  No
	 * stack access after the munmap. */
	.globl lx_gate_thread_exit
	.type lx_gate_thread_exit, @function
lx_gate_thread_exit:
	mov $11, %eax		/* munmap(base, len) */
	syscall
	mov %rdx, %rdi
	mov $60, %eax		/* exit(code) */
	syscall
	ud2
	.size lx_gate_thread_exit, . - lx_gate_thread_exit

	.if . - lx_gate_region > 64
	.error "the gate region outgrew LX_GATE_LEN"
	.endif

	.text
	.globl _start
	.type _start, @function
	/* The start runs on the stack the kernel made, right under its vectors (ksp): the page
	 * they are in is present, and the pages under it are the ones the guest's stack takes
	 * next, so the start's frames cost no page of their own; the guest's vectors are then
	 * rewritten in place (kernel-shim/start.c, start_stack).  ksp is 16-aligned (the ABI). */
_start:
	xor %ebp, %ebp
	mov %rsp, %rbx
	mov %rbx, %rdi
	call lx_start_early
	mov %rbx, %rdi
	call lx_brand_main
	ud2
	.size _start, . - _start

	/* void lx_enter_guest(entry, sp): the registers as the kernel leaves them at exec */
	.globl lx_enter_guest
	.type lx_enter_guest, @function
lx_enter_guest:
	mov %rsi, %rsp
	mov %rdi, %r11
	xor %eax, %eax
	xor %ebx, %ebx
	xor %ecx, %ecx
	xor %edx, %edx
	xor %esi, %esi
	xor %edi, %edi
	xor %ebp, %ebp
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r12d, %r12d
	xor %r13d, %r13d
	xor %r14d, %r14d
	xor %r15d, %r15d
	push %r11
	xor %r11d, %r11d
	ret
	.size lx_enter_guest, . - lx_enter_guest

/*
 * Patched system call sites (emul/patch.h, docs/architecture.md "Syscall-site patching").  A
 * patched site's `jmp rel32` lands in its trampoline, which sets rax to the call's number and
 * rcx to the trampoline's own address and jumps here, on the guest's stack with every other
 * register the guest's.  The thread's struct lx_thread is the GS base (emul/patch.c binds it
 * with arch_prctl, so no FSGSBASE instruction is needed);
 * when it is not (no binding yet, a guest that uses GS, a trap frame on the emulation stack)
 * the trampoline's own `syscall` runs instead: the ordinary trap.  Otherwise the guest's
 * registers go onto the emulation stack (the guest's stack and its red zone are never
 * touched) and lx_fastcall runs the call; signals that arrive meanwhile are stashed
 * (t->fast), and the way out restores every register but rax (the result), rcx (the return
 * address) and r11 (rflags), as `syscall` does, then jumps to t->fast_exit: the guest, the
 * flush trap below when signals were stashed, or the trampoline's `syscall`.
 */
#define LX_T_FAST	8
#define LX_T_EXIT	24
#define LX_T_RESUME	32
#define LX_T_SELF	48
#define LX_TRAMP_SYSCALL 17	/* from the trampoline's mov to its syscall (emul/patch.c) */
#define LX_FAST_FLUSH_NR 1023	/* unknown to every filter: it traps (emul/patch.h) */
	.text
	.globl lx_fast_entry
	.globl lx_fast_probe_insn
	.globl lx_fast_probe_fixup
	.type lx_fast_entry, @function
lx_fast_entry:
	lahf				/* the guest's SF ZF AF PF CF, before the compares */
	seto %al			/* and OF; rax (the number) is read again from the
					 * trampoline's mov */
lx_fast_probe_insn:		/* no GS base (0), or one the guest set, may point anywhere: a
				 * fault here resumes at the fixup (emul/guestmem.c) */
	cmpl $0x6e657468, %gs:0		/* LX_THREAD_MAGIC, low word */
	jne lx_fast_probe_fixup
	cmpl $0x6c787a6f, %gs:4		/* high word */
	jne lx_fast_probe_fixup
	mov %gs:LX_T_SELF, %r11
	cmpq $0, LX_T_FAST(%r11)	/* fast and depth: nothing on the emulation stack */
	jne lx_fast_probe_fixup
	movl $1, LX_T_FAST(%r11)
	mov %rcx, 16(%r11)		/* fast_tramp */
	xchg %r11, %rsp			/* the emulation stack's top, right below the struct
					 * (emul/state.h); r11: the guest's rsp */
	push %r11
	pushfq
	push %r9
	push %r8
	push %r10
	push %rdx
	push %rsi
	push %rdi
	push %rax			/* the guest's arithmetic flags (lx_fastcall merges them) */
	sub $8, %rsp
	cld
	lea 8(%rsp), %rdi
	call lx_fastcall
	add $16, %rsp
	pop %rdi
	pop %rsi
	pop %rdx
	pop %r10
	pop %r8
	pop %r9
	mov (%rsp), %r11
	mov %gs:LX_T_RESUME, %rcx
	popfq
	pop %rsp
	movl $0, %gs:LX_T_FAST
	jmp *%gs:LX_T_EXIT
lx_fast_probe_fixup:
	add $0x7f, %al			/* OF back (al was 0 or 1), then the rest */
	sahf
	mov 1(%rcx), %eax		/* the number, from the trampoline's mov */
	lea LX_TRAMP_SYSCALL(%rcx), %r11
	jmp *%r11
	.size lx_fast_entry, . - lx_fast_entry

	/* Signals stashed during a patched call: trap once, so that lx_sigentry gets a kernel
	 * frame to deliver them on (emul/patch.c, lx_fast_flush). */
	.globl lx_fast_flush_entry
	.globl lx_fast_flush_ret
	.type lx_fast_flush_entry, @function
lx_fast_flush_entry:
	mov $LX_FAST_FLUSH_NR, %eax
	syscall
lx_fast_flush_ret:
	ud2
	.size lx_fast_flush_entry, . - lx_fast_flush_entry

/*
 * Fault-recovering guest memory access (emul/guestmem.c).  A fault on one of the marked
 * instructions is turned by the SIGSEGV/SIGBUS entry into a jump to the matching fixup,
 * which returns -EFAULT.  Nothing else in the brand touches guest memory.
 */
	/* long lx_copy_user(void *dst, const void *src, size_t n): 0 or -EFAULT */
	.globl lx_copy_user
	.globl lx_copy_user_insn
	.globl lx_copy_user_fixup
	.type lx_copy_user, @function
lx_copy_user:
	mov %rdx, %rcx
lx_copy_user_insn:
	rep movsb
	xor %eax, %eax
	ret
lx_copy_user_fixup:
	mov $-14, %rax
	ret
	.size lx_copy_user, . - lx_copy_user

	/* long lx_strncpy_user(char *dst, const char *src, size_t cap): length, -EFAULT or
	 * -ENAMETOOLONG; dst is brand memory, only the load can fault */
	.globl lx_strncpy_user
	.globl lx_strncpy_user_insn
	.globl lx_strncpy_user_fixup
	.type lx_strncpy_user, @function
lx_strncpy_user:
	xor %eax, %eax
1:	cmp %rdx, %rax
	jae 3f
lx_strncpy_user_insn:
	movb (%rsi,%rax), %cl
	movb %cl, (%rdi,%rax)
	test %cl, %cl
	jz 2f
	inc %rax
	jmp 1b
2:	ret
3:	mov $-36, %rax
	ret
lx_strncpy_user_fixup:
	mov $-14, %rax
	ret
	.size lx_strncpy_user, . - lx_strncpy_user

	/* long lx_cas_user(uint32_t *uaddr, uint32_t old, uint32_t new): the value found (the
	 * exchange happened when it equals old), or -EFAULT; syscalls/lx_futex.c's futex words */
	.globl lx_cas_user
	.globl lx_cas_user_insn
	.globl lx_cas_user_fixup
	.type lx_cas_user, @function
lx_cas_user:
	mov %esi, %eax
lx_cas_user_insn:
	lock cmpxchgl %edx, (%rdi)
	ret
lx_cas_user_fixup:
	mov $-14, %rax
	ret
	.size lx_cas_user, . - lx_cas_user

	.section .note.GNU-stack, "", @progbits
