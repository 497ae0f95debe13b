/*
 * The brand's libc: the few string, memory, formatting and system call helpers it needs.
 * musl's spirit: small obvious functions.  Every system call goes through lx_gate, the one
 * code region the seccomp filter lets the brand use without being trapped.
 */
#ifndef LXZONE_LX_LIBC_H
#define LXZONE_LX_LIBC_H

#include "emul/lx_abi.h"

#include <stddef.h>
#include <stdint.h>

long lx_gate(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

#define lx_sys0(n)	       lx_gate((n), 0, 0, 0, 0, 0, 0)
#define lx_sys1(n, a)	       lx_gate((n), (long)(a), 0, 0, 0, 0, 0)
#define lx_sys2(n, a, b)       lx_gate((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define lx_sys3(n, a, b, c)    lx_gate((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define lx_sys4(n, a, b, c, d) lx_gate((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define lx_sys5(n, a, b, c, d, e)                                                                  \
	lx_gate((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)
#define lx_sys6(n, a, b, c, d, e, f)                                                               \
	lx_gate((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

static inline int lx_is_err(long r)
{
	return (unsigned long)r > -4096UL;
}

/* The process's own read-only code, written through /proc/self/mem (the kernel's forced
 * write, as a debugger's): a patched site (emul/patch.c) and lx_fork_seen's one byte. */
static inline long lx_self_mem_open(void)
{
	return lx_sys3(LX_SYS_open, "/proc/self/mem", LX_O_RDWR | LX_O_CLOEXEC, 0);
}

static inline int lx_self_mem_write(long fd, uintptr_t at, const void *b, size_t n)
{
	return lx_sys4(LX_SYS_pwrite64, fd, b, n, at) == (long)n ? 0 : -1;
}

void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t lx_strlen(const char *s); /* proc/lxbuf.c: one for both */
int lx_strcmp(const char *a, const char *b);
int lx_strncmp(const char *a, const char *b, size_t n);
int lx_startswith(const char *s, const char *prefix);
char *lx_strrchr(const char *s, int c);
void *lx_memchr(const void *s, int c, size_t n);
/* copies at most cap-1 bytes and always terminates; returns strlen(src) */
size_t lx_strlcpy(char *d, const char *s, size_t cap);
/* decimal / hex into buf (cap >= 21); returns length */
int lx_utoa(uint64_t v, char *buf);
int lx_xtoa(uint64_t v, char *buf);
int lx_atou(const char *s, uint64_t *out); /* 0 on a whole decimal number */

/*
 * The brand's one lock, for state its threads share.  Brand code runs in signal handlers with
 * every signal blocked, so a holder is never interrupted by a handler that wants the lock.
 */
static inline void lx_spin_lock(volatile int *l)
{
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
		;
}

static inline void lx_spin_unlock(volatile int *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

void *lx_mmap_anon(size_t len);
long lx_mmap_brand(size_t len, int flags);
/* A static every exec's start writes: kept in the page of lx_proc's head (kernel-shim/brand.ld,
 * emul/state.h), which the start writes anyway, so that it costs no fresh page of its own. */
#define LX_BSS_HOT                                                                                 \
	__attribute__((section(".bss.lxhot"))) /* mapping or -errno, in the brand's own area */
void lx_munmap(void *p, size_t len);

/* one line to stderr: "lxzone-brand: " and the NULL-terminated parts, cut to 511 bytes */
void lx_msg(const char *const *parts);
__attribute__((noreturn)) void lx_exit_group(int code);

#endif
