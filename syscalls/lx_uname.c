/*
 * uname: the zone's kernel-version as the release; the rest (nodename and domainname from
 * the zone's uts namespace, the host kernel's build string as the version) from the host.
 *
 * Asked of the kernel on every call: the uts namespace is the truth, and any process of the
 * zone may change the host name at any moment (sethostname, hostnamectl, a DHCP client), so
 * an answer cached in the process would show an old name until it expired.  The kernel's
 * uname costs a fraction of the trap around it (docs/performance.md).
 */
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
	/* the release is the zone's; the version (the build string) stays the host kernel's, as
	 * /proc/version and /proc/sys/kernel/version show it */
	if (lx_proc.kver[0])
		lx_strlcpy(u.release, lx_proc.kver, sizeof(u.release));
	return lx_copy_to_guest(c->a[0], &u, sizeof(u)) ? -LX_EFAULT : 0;
}
