/*
 * uname: the zone's kernel-version as the release; the rest (nodename from the zone's uts
 * namespace, the host kernel's build string as the version) from the host.
 *
 * The host's answer is cached for about a second of TSC time: uname is called in loops by
 * some programs, and the bench target is "a trap and nothing else".  A hostname changed by
 * another process shows up here within that second; one changed by this process at once
 * (sethostname and setdomainname are rare enough to drop the cache on every trap of ours,
 * and execve starts with an empty cache).
 */
#include "emul/guestmem.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "syscalls/handlers.h"

#define CACHE_TSC (1ULL << 31) /* ~0.5-1 s at 2-4 GHz */

static struct {
	struct lx_utsname u;
	uint64_t tsc;
	volatile int valid;
} cache;

long lx_sys_uname(struct lx_sysctx *c)
{
	uint64_t now = __builtin_ia32_rdtsc();
	struct lx_utsname u;

	if (cache.valid && now - cache.tsc < CACHE_TSC) {
		u = cache.u;
	} else {
		long r = lx_sys1(LX_SYS_uname, &u);
		if (r < 0)
			return r;
		/* the release is the zone's; the version (the build string) stays the host
		 * kernel's, as /proc/version and /proc/sys/kernel/version show it */
		if (lx_proc.kver[0])
			lx_strlcpy(u.release, lx_proc.kver, sizeof(u.release));
		/* threads may race here; each writes a complete, valid answer */
		cache.valid = 0;
		cache.u = u;
		cache.tsc = now;
		cache.valid = 1;
	}
	return lx_copy_to_guest(c->a[0], &u, sizeof(u)) ? -LX_EFAULT : 0;
}
