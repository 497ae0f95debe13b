/*
 * --preserve-fds N (create, run, exec): the caller's descriptors 3..3+N-1 are the container
 * program's, as runc passes them (podman's socket activation: LISTEN_FDS, LISTEN_PID=1).
 * The launcher keeps every descriptor below 3+N when it hardens (launch_harden.keep_below);
 * here: the number, the gaps filled before anything of ours can land in them, close-on-exec
 * cleared, and create's own copies closed once PID 1 has its.
 */
#include "cli/oci.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The most --preserve-fds may name: the descriptors a process may have. */
static int preserve_fds_max(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur > 1 << 20)
		return 1 << 20;
	return (int)rl.rlim_cur;
}

int oci_preserve_fds_arg(const char *val)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(val, &end, 10);
	if (errno || end == val || *end || n < 0 || n > preserve_fds_max() - 3)
		return -1;
	return (int)n;
}

void oci_preserve_fds_reserve(int argc, char **argv)
{
	int n = 0;

	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--preserve-fds=", 15))
			n = oci_preserve_fds_arg(argv[i] + 15);
		else if (!strcmp(argv[i], "--preserve-fds") && i + 1 < argc)
			n = oci_preserve_fds_arg(argv[++i]);
	}
	for (int fd = 3; fd < 3 + n; fd++) {
		int null;

		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		null = open("/dev/null", O_RDWR);
		if (null >= 0 && null != fd) {
			dup2(null, fd);
			close(null);
		}
	}
}

int oci_preserve_fds_pass(int n, struct zone_error *e)
{
	for (int fd = 3; fd < 3 + n; fd++)
		if (fcntl(fd, F_SETFD, 0) < 0)
			return oci_fail(e, "--preserve-fds: descriptor %d: %s", fd,
					strerror(errno));
	return 0;
}

void oci_preserve_fds_close(int n)
{
	if (n > 0)
		syscall(SYS_close_range, 3U, (unsigned)(3 + n - 1), 0U);
}
