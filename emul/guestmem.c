#include "emul/guestmem.h"
#include "emul/lx_abi.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "emul/state.h"

static long vm_copy(int nr, void *local, uint64_t remote, size_t n)
{
	struct lx_iovec l = {(uintptr_t)local, n}, r = {remote, n};
	long got;

	if (n == 0)
		return 0;
	if (remote + n < remote)
		return -LX_EFAULT;
	got = lx_sys6(nr, lx_proc.pid, &l, 1, &r, 1, 0);
	if (lx_is_err(got) || (size_t)got != n)
		return -LX_EFAULT;
	return 0;
}

int lx_copy_from_guest(void *dst, uint64_t src, size_t n)
{
	return (int)vm_copy(LX_SYS_process_vm_readv, dst, src, n);
}

int lx_copy_to_guest(uint64_t dst, const void *src, size_t n)
{
	return (int)vm_copy(LX_SYS_process_vm_writev, (void *)src, dst, n);
}

long lx_strncpy_from_guest(char *dst, uint64_t src, size_t cap)
{
	size_t done = 0;

	while (done < cap) {
		/* never read across a page the string may not reach */
		size_t chunk = LX_PAGE - ((src + done) & (LX_PAGE - 1));
		if (chunk > cap - done)
			chunk = cap - done;
		if (vm_copy(LX_SYS_process_vm_readv, dst + done, src + done, chunk))
			return -LX_EFAULT;
		for (size_t i = 0; i < chunk; i++)
			if (dst[done + i] == '\0')
				return (long)(done + i);
		done += chunk;
	}
	return -LX_ENAMETOOLONG;
}
