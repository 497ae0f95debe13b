#include "lib/openat2.h"

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#define OPENAT2_TRIES 1000

int lx_openat2(int dirfd, const char *path, const struct open_how *how)
{
	int fd = -1;

	for (int i = 0; i < OPENAT2_TRIES; i++) {
		fd = (int)syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	return fd;
}
