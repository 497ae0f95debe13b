#include "emul/path.h"
#include "emul/lx_abi.h"
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
