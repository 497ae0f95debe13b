/*
 * lxproc's services for the family files (lx_open.c, lx_read.c, lx_stat.c, lx_mem.c): the
 * synthesized /proc and /sys files, served as sealed memfds (syscalls/lx_proc.c says how).
 */
#ifndef LXZONE_LX_PROC_H
#define LXZONE_LX_PROC_H

#include <stddef.h>
#include <stdint.h>

#include "emul/lx_abi.h"
#include "proc/lxproc.h"

#define LX_PROC_PATH_CAP 256 /* longest path lxproc looks at */

/* Is s (a last path component) the name of an lxproc file?  Only those make a path worth
 * resolving. */
int lx_proc_basename(const char *s);
/* Is f under /sys (sizes and mmap errors differ from /proc's)? */
int lx_proc_is_sysfs(const struct lxproc_file *f);
/* A new read-only descriptor of f's current text, opened with the guest's flags; or -errno. */
long lx_proc_serve(const struct lxproc_file *f, long flags);
/* A new sealed memfd named "lxproc:<path>" holding text (read-write: reopen it read-only
 * through its /proc link), or -errno. */
long lx_proc_memfd(const char *path, struct lx_text text);
/* open or openat (nr) of the guest's path: a synthesized file, or the kernel's own open. */
struct lx_sysctx;
long lx_proc_open(struct lx_sysctx *c, int nr, int dirfd, uint64_t upath, long flags, long mode);
/* If fd is a synthesized descriptor, puts a fresh description of the current text in place
 * (keeping the offset if keep_offset): the re-read of a rewound file. */
void lx_proc_refresh(long fd, int keep_offset);
/* The lxproc file the synthesized descriptor fd serves, or NULL. */
const struct lxproc_file *lx_proc_served(long fd);
/* The lxproc file fd holds, given its native fstat st (a synthesized descriptor, or the
 * kernel's own copy of an lxproc file, which is swapped for the text first), or NULL. */
const struct lxproc_file *lx_proc_fd(long fd, const struct lx_stat *st);

#endif
