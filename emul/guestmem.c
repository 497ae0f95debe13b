#include "emul/guestmem.h"
#include "emul/lx_abi.h"
#include "emul/lx_errno.h"

long lx_copy_user(void *dst, const void *src, size_t n);
long lx_strncpy_user(char *dst, const char *src, size_t cap);
extern char lx_copy_user_insn[], lx_copy_user_fixup[];
extern char lx_strncpy_user_insn[], lx_strncpy_user_fixup[];
long lx_cas_user(uint32_t *uaddr, uint32_t old, uint32_t new);
extern char lx_cas_user_insn[], lx_cas_user_fixup[];
extern char lx_fast_probe_insn[], lx_fast_probe_fixup[]; /* kernel-shim/entry.S */

/* user addresses end below the non-canonical hole; the vsyscall page is kernel-emulated */
#define USER_END 0x00007ffffffff000ULL

static int range_ok(uint64_t p, size_t n)
{
	return p + n >= p && p + n <= USER_END;
}

int lx_copy_from_guest(void *dst, uint64_t src, size_t n)
{
	if (!range_ok(src, n))
		return -LX_EFAULT;
	return n ? (int)lx_copy_user(dst, (const void *)(uintptr_t)src, n) : 0;
}

int lx_copy_to_guest(uint64_t dst, const void *src, size_t n)
{
	if (!range_ok(dst, n))
		return -LX_EFAULT;
	return n ? (int)lx_copy_user((void *)(uintptr_t)dst, src, n) : 0;
}

long lx_strncpy_from_guest(char *dst, uint64_t src, size_t cap)
{
	if (src >= USER_END)
		return -LX_EFAULT;
	if (cap > USER_END - src)
		cap = (size_t)(USER_END - src);
	return lx_strncpy_user(dst, (const char *)(uintptr_t)src, cap);
}

long lx_cas_guest(uint64_t uaddr, uint32_t old, uint32_t new)
{
	if (!range_ok(uaddr, 4) || (uaddr & 3))
		return -LX_EFAULT;
	return lx_cas_user((uint32_t *)(uintptr_t)uaddr, old, new);
}

int lx_guestmem_fixup(struct lx_ucontext *uc)
{
	uint64_t ip = uc->uc_mcontext.rip;

	if (ip == (uintptr_t)lx_copy_user_insn)
		uc->uc_mcontext.rip = (uintptr_t)lx_copy_user_fixup;
	else if (ip == (uintptr_t)lx_strncpy_user_insn)
		uc->uc_mcontext.rip = (uintptr_t)lx_strncpy_user_fixup;
	else if (ip == (uintptr_t)lx_cas_user_insn)
		uc->uc_mcontext.rip = (uintptr_t)lx_cas_user_fixup;
	else if (ip == (uintptr_t)lx_fast_probe_insn) /* a guest's GS base (emul/patch.h) */
		uc->uc_mcontext.rip = (uintptr_t)lx_fast_probe_fixup;
	else
		return 0;
	return 1;
}
