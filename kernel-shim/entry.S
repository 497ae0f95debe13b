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
_start:
	xor %ebp, %ebp
	mov %rsp, %rdi
	lea lx_boot_stack_top(%rip), %rsp
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

	.bss
	.balign 16
lx_boot_stack:
	.skip 131072
lx_boot_stack_top:

	.section .note.GNU-stack, "", @progbits
