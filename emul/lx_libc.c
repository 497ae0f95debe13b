/* The brand's mini libc (see lx_libc.h). */
#include "emul/lx_libc.h"
#include "emul/lx_abi.h"
#include "kernel-shim/brand_abi.h"

void *memcpy(void *d, const void *s, size_t n)
{
	void *r = d;

	/* rep movsb: fast on every x86_64 this runs on (ERMS), and one instruction */
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
	return r;
}

void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	if (dp < sp)
		return memcpy(d, s, n);
	while (n--)
		dp[n] = sp[n];
	return d;
}

void *memset(void *d, int c, size_t n)
{
	void *r = d;

	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return r;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

int lx_strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int lx_strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

int lx_startswith(const char *s, const char *prefix)
{
	return lx_strncmp(s, prefix, lx_strlen(prefix)) == 0;
}

char *lx_strrchr(const char *s, int c)
{
	const char *r = NULL;

	for (; *s; s++)
		if (*s == (char)c)
			r = s;
	return (char *)r;
}

void *lx_memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

size_t lx_strlcpy(char *d, const char *s, size_t cap)
{
	size_t n = lx_strlen(s);

	if (cap) {
		size_t k = n < cap - 1 ? n : cap - 1;
		memcpy(d, s, k);
		d[k] = '\0';
	}
	return n;
}

static int utoa_base(uint64_t v, char *buf, unsigned base)
{
	char tmp[24];
	int n = 0, i;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return n;
}

int lx_utoa(uint64_t v, char *buf)
{
	return utoa_base(v, buf, 10);
}

int lx_xtoa(uint64_t v, char *buf)
{
	return utoa_base(v, buf, 16);
}

int lx_atou(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/*
 * The brand's own memory goes below the brand image, not where the guest's mmap(NULL) would
 * land: a guest that unmaps a hole to let a MAP_GROWSDOWN stack grow into it (LTP mmap18)
 * must not find an emulation stack there.  The hint is only a hint: when the area is taken,
 * the kernel places the mapping as usual.
 */
#define BRAND_HEAP_LO (LX_BRAND_BASE - 0x10000000UL) /* the 256 MiB below the image */
#define BRAND_HEAP_HI LX_BRAND_BASE
/* The first regions go right after the brand's .bss, inside the 2 MiB the image starts in: its
 * page table is there already.  In the heap below, the main thread's emulation stack cost every
 * exec (and every fork) a page table of its own, a zeroed page, which on this kind of VM costs
 * as much as a dozen system calls (docs/performance.md, "The brand's cost per exec"). */
#define BRAND_NEAR_HI (LX_BRAND_BASE + 0x200000UL)
extern char lx_brand_end[]; /* brand.ld */

long lx_mmap_brand(size_t len, int flags)
{
	/* zero-initialized: the brand has no file-backed data (syscalls/lx_exe.c) */
	static uintptr_t used LX_BSS_HOT, near_used LX_BSS_HOT;
	/* 128 KiB steps keep emulation stack regions aligned to their size */
	size_t step = (len + 0x1ffff) & ~(size_t)0x1ffff;
	uintptr_t near = ((uintptr_t)lx_brand_end + 0x1ffff) & ~(uintptr_t)0x1ffff, hint;

	if (near + __atomic_load_n(&near_used, __ATOMIC_RELAXED) + step <= BRAND_NEAR_HI) {
		hint = near + __atomic_fetch_add(&near_used, step, __ATOMIC_RELAXED);
		if (hint + step <= BRAND_NEAR_HI)
			return lx_sys6(LX_SYS_mmap, hint, len, LX_PROT_READ | LX_PROT_WRITE,
				       LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | flags, -1, 0);
	}
	hint = BRAND_HEAP_LO + __atomic_fetch_add(&used, step, __ATOMIC_RELAXED);
	if (hint + len > BRAND_HEAP_HI || hint < BRAND_HEAP_LO)
		hint = 0;
	return lx_sys6(LX_SYS_mmap, hint, len, LX_PROT_READ | LX_PROT_WRITE,
		       LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | flags, -1, 0);
}

void *lx_mmap_anon(size_t len)
{
	long r = lx_mmap_brand(len, 0);

	return lx_is_err(r) ? NULL : (void *)r;
}

void lx_munmap(void *p, size_t len)
{
	lx_sys2(LX_SYS_munmap, p, len);
}

/* Appends s to line[*n], keeping room for the newline; truncates what does not fit. */
static void msg_put(char *line, size_t cap, size_t *n, const char *s)
{
	while (*s && *n < cap - 1)
		line[(*n)++] = *s++;
}

void lx_msg(const char *const *parts)
{
	char line[512];
	size_t n = 0;

	msg_put(line, sizeof(line), &n, "lxzone-brand: ");
	for (; *parts; parts++)
		msg_put(line, sizeof(line), &n, *parts);
	line[n++] = '\n';
	lx_sys3(LX_SYS_write, 2, line, n);
}

void lx_exit_group(int code)
{
	for (;;)
		lx_sys1(231, code);
}
