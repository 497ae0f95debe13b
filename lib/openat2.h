/*
 * openat2(2) with the retry its manual asks for: a scoped lookup (RESOLVE_IN_ROOT,
 * RESOLVE_BENEATH) that crosses ".." fails with EAGAIN when any rename or mount anywhere on the
 * system raced with it, as the kernel cannot then prove the ".." stayed inside. Every zone path
 * the host side opens is such a lookup (a root's symlinks often hold "..": Debian's
 * /etc/os-release is ../usr/lib/os-release), so without the retry a boot, an install or a clone
 * could fail at random while anything on the host renamed a file.
 */
#ifndef LXZONE_OPENAT2_H
#define LXZONE_OPENAT2_H

#include <linux/openat2.h>

/*
 * openat2(dirfd, path, how), again on EAGAIN, a bounded number of times (a host that renames
 * without pause still gets an error rather than a spin). The descriptor, or -1 with errno set.
 */
int lx_openat2(int dirfd, const char *path, const struct open_how *how);

#endif
