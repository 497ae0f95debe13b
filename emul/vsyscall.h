/*
 * The vsyscall page on hosts that do not emulate it (vsyscall=none).
 *
 * Old static binaries call time, gettimeofday and getcpu at fixed addresses in the legacy
 * vsyscall page (0xffffffffff600000, +0x400, +0x800).  Hosts booted with vsyscall=emulate or
 * xonly emulate those calls in the kernel (and seccomp sees them with that instruction
 * pointer: filter/filter.c).  Under vsyscall=none the page is not there: the call faults
 * with SIGSEGV, rip and si_addr both the entry's address.  The brand's SIGSEGV entry then does
 * what the kernel's emulate_vsyscall does: decode the entry, make the call, put the result in
 * rax and emulate the `ret` (rip = the caller's return address at [rsp], rsp += 8).  As in the
 * kernel, a misaligned address in the page, an unreadable stack or an output pointer the call
 * cannot write (EFAULT) is not emulated: the guest gets its SIGSEGV.
 *
 * Pure: the system call and the stack read are the caller's (ops), so the unit test
 * (tests/unit/test_vsyscall.c) runs it on the host.
 */
#ifndef LXZONE_VSYSCALL_H
#define LXZONE_VSYSCALL_H

#include <stdint.h>

#define LX_VSYSCALL_ADDR 0xffffffffff600000ULL

struct lx_sigcontext;

/* The x86_64 system call the vsyscall entry at rip stands for, when a SIGSEGV (signo, si_code,
 * si_addr) at rip is a call into the page: 96 (gettimeofday), 201 (time), 309 (getcpu); -1
 * for any other fault (a data access to the page, a misaligned entry, a kill()). */
int lx_vsyscall_decode(int signo, int si_code, uint64_t si_addr, uint64_t rip);

struct lx_vsyscall_ops {
	long (*call)(long nr, uint64_t a0, uint64_t a1, uint64_t a2); /* result or -errno */
	int (*read_u64)(uint64_t addr, uint64_t *out);		      /* 0 or -EFAULT */
};

/* Emulates the call of entry nr (lx_vsyscall_decode) with m's registers: 1 when done (rax,
 * rip, rsp updated), 0 when the guest must get its SIGSEGV (m untouched). */
int lx_vsyscall_emulate(int nr, struct lx_sigcontext *m, const struct lx_vsyscall_ops *ops);

#endif
