/* Paths the brand works out for itself: a descriptor's /proc link and target, and the
 * absolute form of a path relative to a directory descriptor. */
#ifndef LXZONE_PATH_H
#define LXZONE_PATH_H

#include <stddef.h>

#define LX_FD_LINK_MAX 40

/* "/proc/self/fd/<fd>" into buf[LX_FD_LINK_MAX]. */
void lx_fd_link(long fd, char *buf);
/* What the descriptor names (readlink of its /proc link), NUL-terminated: length or -errno. */
long lx_fd_path(long fd, char *out, size_t cap);
/* path made absolute against dirfd (LX_AT_FDCWD: the working directory): 0, or -1 when it
 * cannot be (no /proc, too long) and the caller should leave the path to the kernel. */
int lx_path_absolute(int dirfd, const char *path, char *out, size_t cap);

#endif
