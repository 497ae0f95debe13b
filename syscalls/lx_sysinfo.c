/* sysinfo: trapped only in zones with a zone page; memory, swap and load from the zone's view. */
#include "emul/guestmem.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "emul/zoneview.h"
#include "syscalls/handlers.h"

#define LX_SYS_sysinfo 99

long lx_sys_sysinfo(struct lx_sysctx *c)
{
	struct lx_sysinfo si;
	long r;

	if (!lx_zone_active()) {
		r = lx_sys1(LX_SYS_sysinfo, &si);
	} else {
		r = lx_zone_sysinfo(&si);
	}
	if (r < 0)
		return r;
	return lx_copy_to_guest(c->a[0], &si, sizeof(si)) ? -LX_EFAULT : 0;
}
