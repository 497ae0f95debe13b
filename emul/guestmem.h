/*
 * Guest memory access.  A guest may pass any pointer to an emulated call; it gets EFAULT,
 * never a crashed brand.  The copy routines (kernel-shim/entry.S) mark the one instruction
 * that touches guest memory; a fault there reaches the brand's SIGSEGV/SIGBUS entry, which
 * resumes at the routine's fixup returning -EFAULT (the kernel's own exception-table
 * scheme).  Copies therefore cost no system call: an emulated call is a trap and its work.
 */
#ifndef LXZONE_GUESTMEM_H
#define LXZONE_GUESTMEM_H

#include <stddef.h>
#include <stdint.h>

struct lx_ucontext;

int lx_copy_from_guest(void *dst, uint64_t src, size_t n);     /* 0 or -EFAULT */
int lx_copy_to_guest(uint64_t dst, const void *src, size_t n); /* 0 or -EFAULT */
/* NUL-terminated string into dst[cap]: its length, -EFAULT, or -ENAMETOOLONG */
long lx_strncpy_from_guest(char *dst, uint64_t src, size_t cap);

/* Atomic compare-and-exchange of an aligned 32-bit guest word: the value found (the exchange
 * happened when it equals old), or -EFAULT (also for a read-only page). */
long lx_cas_guest(uint64_t uaddr, uint32_t old, uint32_t new);

/* Called by the SIGSEGV/SIGBUS entry: 1 if the fault was a guest copy (now resumed at its
 * fixup), 0 if it belongs to the guest. */
int lx_guestmem_fixup(struct lx_ucontext *uc);

#endif
