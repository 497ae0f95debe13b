#include "emul/state.h"
#include "emul/lx_libc.h"

struct lx_proc lx_proc;

struct lx_thread *lx_estack_alloc(void)
{
	/* twice the size, then trim, so the region is aligned to its size */
	uintptr_t p, base;
	long r = lx_mmap_brand(2 * LX_ESTACK_SIZE, LX_MAP_NORESERVE);

	if (lx_is_err(r))
		return NULL;
	p = (uintptr_t)r;
	base = (p + LX_ESTACK_SIZE - 1) & ~(LX_ESTACK_SIZE - 1);
	if (base > p)
		lx_sys2(LX_SYS_munmap, p, base - p);
	if (base + LX_ESTACK_SIZE < p + 2 * LX_ESTACK_SIZE)
		lx_sys2(LX_SYS_munmap, base + LX_ESTACK_SIZE,
			p + 2 * LX_ESTACK_SIZE - (base + LX_ESTACK_SIZE));
	lx_sys3(LX_SYS_mprotect, base + LX_PAGE, LX_PAGE, LX_PROT_NONE);
	struct lx_thread *t = (struct lx_thread *)base;
	t->magic = LX_THREAD_MAGIC;
	t->vss.ss_flags = LX_SS_DISABLE;
	return t;
}

void lx_estack_stack(struct lx_thread *t, struct lx_stack *ss)
{
	ss->ss_sp = (uintptr_t)t + 2 * LX_PAGE;
	ss->ss_size = LX_ESTACK_SIZE - 2 * LX_PAGE;
	ss->ss_flags = 0;
	ss->pad = 0;
}

int lx_in_vfork_child(void)
{
	return lx_sys0(LX_SYS_getpid) != lx_proc.pid;
}
