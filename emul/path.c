#include "emul/path.h"
#include "emul/lx_abi.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"

void lx_fd_link(long fd, char *buf)
{
	lx_strlcpy(buf, "/proc/self/fd/", LX_FD_LINK_MAX);
	lx_utoa((uint64_t)(unsigned long)fd, buf + 14);
}

long lx_fd_path(long fd, char *out, size_t cap)
{
	char link[LX_FD_LINK_MAX];
	long r;

	lx_fd_link(fd, link);
	r = lx_sys3(LX_SYS_readlink, link, out, cap - 1);
	if (r >= 0)
		out[r] = '\0';
	return r;
}

int lx_path_absolute(int dirfd, const char *path, char *out, size_t cap)
{
	size_t k, n = lx_strlen(path);
	long r;

	if (path[0] == '/')
		return lx_strlcpy(out, path, cap) < cap ? 0 : -1;
	if (dirfd == LX_AT_FDCWD)
		r = lx_sys2(LX_SYS_getcwd, out, cap);
	else
		r = lx_fd_path(dirfd, out, cap);
	if (r < 0)
		return -1;
	k = lx_strlen(out);
	if (k + n + 2 > cap)
		return -1;
	if (k == 0 || out[k - 1] != '/')
		out[k++] = '/';
	memcpy(out + k, path, n + 1);
	return 0;
}

#define SYS_ioctl     16
#define PROCMAP_QUERY 0xc0686611UL /* _IOWR('f', 17, struct procmap_query) */

long lx_procmap_query(long fd, struct lx_procmap_query *q, uint64_t flags, uintptr_t addr,
		      char *name, uint32_t name_size)
{
	memset(q, 0, sizeof(*q));
	q->size = sizeof(*q);
	q->query_flags = flags;
	q->query_addr = addr;
	q->vma_name_size = name_size;
	q->vma_name_addr = (uintptr_t)name;
	return lx_sys3(SYS_ioctl, fd, PROCMAP_QUERY, q);
}

long lx_map_path(uintptr_t addr, char *out, size_t cap)
{
	struct lx_procmap_query q;
	long fd = lx_sys3(LX_SYS_open, "/proc/self/maps", LX_O_RDONLY | LX_O_CLOEXEC, 0), r;

	if (fd < 0)
		return fd;
	r = lx_procmap_query(fd, &q, PMQ_FILE_BACKED, addr, out, (uint32_t)cap);
	lx_sys1(LX_SYS_close, fd);
	if (r < 0)
		return r;
	if (!q.vma_name_size || out[0] != '/') /* (without COVERING_OR_NEXT: the one at addr) */
		return -LX_ENOENT;
	return (long)q.vma_name_size - 1; /* the kernel counts the NUL */
}
