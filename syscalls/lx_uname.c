/* uname: the zone's kernel-version as release and version; the rest (nodename from the zone's
 * uts namespace) from the host. */
#include "emul/guestmem.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "syscalls/handlers.h"

long lx_sys_uname(struct lx_sysctx *c)
{
	struct lx_utsname u;
	long r = lx_sys1(LX_SYS_uname, &u);

	if (r < 0)
		return r;
	if (lx_proc.kver[0]) {
		lx_strlcpy(u.release, lx_proc.kver, sizeof(u.release));
		lx_strlcpy(u.version, "#1 SMP PREEMPT_DYNAMIC lxzone", sizeof(u.version));
	}
	return lx_copy_to_guest(c->a[0], &u, sizeof(u)) ? -LX_EFAULT : 0;
}
