/* mmap: trapped by lxproc's descriptor filter (emul/fdfilter.h), file-backed mappings only. */
#include "emul/guestmem.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "syscalls/handlers.h"
#include "syscalls/lx_proc.h"

/* trapped only without MAP_ANONYMOUS: a synthesized file cannot be mapped, as on Linux */
long lx_sys_mmap(struct lx_sysctx *c)
{
	const struct lxproc_file *f = lx_proc_served((long)(int)c->a[4]);

	if (f)
		return lx_startswith(f->path, "/proc/") && !lx_startswith(f->path, "/proc/sys/")
			   ? -LX_EIO
			   : -LX_ENODEV;
	return lx_sys6(LX_SYS_mmap, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5]);
}
