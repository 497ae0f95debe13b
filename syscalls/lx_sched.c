/* sched_getaffinity: trapped only in zones with a zone page; the mask shows the zone's CPUs. */
#include "emul/guestmem.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "emul/zoneview.h"
#include "syscalls/handlers.h"

#define LX_SYS_sched_getaffinity 204

long lx_sys_sched_getaffinity(struct lx_sysctx *c)
{
	uint8_t host[128], mask[128];
	size_t len = c->a[1] < sizeof(mask) ? (size_t)c->a[1] : sizeof(mask);
	long r = lx_sys3(LX_SYS_sched_getaffinity, c->a[0], len, host);

	if (r < 0 || !lx_zone_active())
		goto out;
	r = lx_zone_affinity(host, (size_t)r, mask, len);
	if (r < 0)
		return r;
	return lx_copy_to_guest(c->a[2], mask, (size_t)r) ? -LX_EFAULT : r;
out:
	if (r < 0)
		return r;
	return lx_copy_to_guest(c->a[2], host, (size_t)r) ? -LX_EFAULT : r;
}
