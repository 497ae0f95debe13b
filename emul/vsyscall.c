/* The vsyscall page on vsyscall=none hosts (emul/vsyscall.h). */
#include "emul/vsyscall.h"
#include "emul/lx_abi.h"
#include "emul/lx_errno.h"

#define LX_SEGV_MAPERR 1
#define LX_SEGV_ACCERR 2

int lx_vsyscall_decode(int signo, int si_code, uint64_t si_addr, uint64_t rip)
{
	/* the entries, by (address >> 10) & 3, as the kernel's emulate_vsyscall numbers them */
	static const short nrs[3] = {96 /* gettimeofday */, 201 /* time */, 309 /* getcpu */};
	uint64_t slot = (rip & 0xc00) >> 10;

	/* a fault raised by the kernel (not kill or sigqueue: si_code <= 0) on fetching the
	 * instruction at rip, inside the page */
	if (signo != LX_SIGSEGV || (si_code != LX_SEGV_MAPERR && si_code != LX_SEGV_ACCERR))
		return -1;
	if (si_addr != rip || (rip & ~0xc00ULL) != LX_VSYSCALL_ADDR || slot > 2)
		return -1;
	return nrs[slot];
}

int lx_vsyscall_emulate(int nr, struct lx_sigcontext *m, const struct lx_vsyscall_ops *ops)
{
	uint64_t caller;
	long r;

	if (ops->read_u64(m->rsp, &caller) != 0)
		return 0; /* the kernel: "vsyscall with bad stack (exploit attempt?)" -> SIGSEGV */
	switch (nr) {
	case 96:
		r = ops->call(nr, m->rdi, m->rsi, 0);
		break;
	case 201:
		r = ops->call(nr, m->rdi, 0, 0);
		break;
	case 309: /* the kernel passes no cache pointer */
		r = ops->call(nr, m->rdi, m->rsi, 0);
		break;
	default:
		return 0;
	}
	if (r == -LX_EFAULT)
		return 0; /* a bad output pointer: SIGSEGV, and no ret emulated */
	m->rax = (uint64_t)r;
	m->rip = caller;
	m->rsp += 8;
	return 1;
}
