/*
 * Guest memory access.  A guest may pass any pointer to an emulated call; it gets EFAULT,
 * never a crashed brand.  The brand reads and writes guest memory with process_vm_readv /
 * process_vm_writev on its own process: the kernel does the fault recovery, so the brand
 * needs no SIGSEGV handler and no fixup tables, at the price of one system call per copy
 * (cheap next to the trap that brought us here).
 */
#ifndef LXZONE_GUESTMEM_H
#define LXZONE_GUESTMEM_H

#include <stddef.h>
#include <stdint.h>

int lx_copy_from_guest(void *dst, uint64_t src, size_t n);      /* 0 or -EFAULT */
int lx_copy_to_guest(uint64_t dst, const void *src, size_t n);  /* 0 or -EFAULT */
/* NUL-terminated string into dst[cap]: its length, -EFAULT, or -ENAMETOOLONG */
long lx_strncpy_from_guest(char *dst, uint64_t src, size_t cap);

#endif
