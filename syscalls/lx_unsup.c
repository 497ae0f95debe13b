/* Unsupported and unknown system calls: ENOSYS, one line in the run's report, and in strict
 * mode the process dies by SIGSYS, as under a kernel without the call and a KILL filter. */
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "kernel-shim/brand_abi.h"
#include "syscalls/handlers.h"

long lx_unsupported(struct lx_sysctx *c)
{
	if (lx_proc.report[0]) {
		char line[24];
		int n = lx_utoa((uint64_t)(unsigned)c->nr, line);
		long fd = lx_sys3(LX_SYS_open, lx_proc.report,
				  LX_O_WRONLY | LX_O_APPEND | LX_O_CLOEXEC, 0);

		line[n++] = '\n';
		if (fd >= 0) {
			lx_sys3(LX_SYS_write, fd, line, n);
			lx_sys1(LX_SYS_close, fd);
		}
	}
	if (lx_proc.flags & LX_BF_STRICT)
		lx_signal_default(LX_SIGSYS, c->uc);
	return -LX_ENOSYS;
}
