/*
 * lseek, pread64, preadv, preadv2: trapped only in zones with a zone page, and only at offset
 * 0 (filter/filter.c): the rewind and re-read procps does, after which a synthesized file
 * shows its current text (lx_proc_refresh).
 */
#include "emul/guestmem.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "syscalls/handlers.h"
#include "syscalls/lx_proc.h"

#define LX_SYS_lseek   8
#define LX_SYS_preadv  295
#define LX_SYS_preadv2 327

long lx_sys_lseek(struct lx_sysctx *c)
{
	if (c->a[1] == 0 && (uint32_t)c->a[2] == 0 /* SEEK_SET */)
		lx_proc_refresh((long)c->a[0], 0);
	return lx_sys3(LX_SYS_lseek, c->a[0], c->a[1], c->a[2]);
}

long lx_sys_pread64(struct lx_sysctx *c)
{
	if (c->a[3] == 0)
		lx_proc_refresh((long)c->a[0], 1);
	return lx_sys4(LX_SYS_pread64, c->a[0], c->a[1], c->a[2], c->a[3]);
}

long lx_sys_preadv(struct lx_sysctx *c)
{
	/* pos_l alone is the offset on a 64-bit kernel */
	if (c->a[3] == 0)
		lx_proc_refresh((long)c->a[0], 1);
	return lx_sys5(LX_SYS_preadv, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4]);
}

long lx_sys_preadv2(struct lx_sysctx *c)
{
	if (c->a[3] == 0)
		lx_proc_refresh((long)c->a[0], 1);
	return lx_sys6(LX_SYS_preadv2, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5]);
}
