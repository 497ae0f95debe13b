/*
 * The escape probes' contract (tests/escape/README.md): a probe tries one escape and ends with
 * one line on stdout and its exit status:
 *
 *     safe: WHAT HELD        exit 0
 *     ESCAPED: WHAT WORKED   exit 1
 *     skip: WHY              exit 77
 *
 * A probe never changes host state, whether the escape works or not: it opens for writing and
 * closes without writing, uses arguments the kernel would reject had the call got through, and
 * undoes what it made inside the zone.  Header-only, so each probe is one static binary.
 */
#ifndef LXZONE_ESCAPE_PROBE_H
#define LXZONE_ESCAPE_PROBE_H

#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#define PROBE_SAFE    0
#define PROBE_ESCAPED 1
#define PROBE_SKIP    77

__attribute__((noreturn, format(printf, 2, 3))) static inline void probe_end(int status,
									     const char *fmt, ...)
{
	static const char *const word[] = {[PROBE_SAFE] = "safe", [PROBE_ESCAPED] = "ESCAPED"};
	va_list ap;

	fflush(stdout);
	printf("%s: ", status == PROBE_SKIP ? "skip" : word[status]);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	exit(status);
}

#define probe_safe(...)	   probe_end(PROBE_SAFE, __VA_ARGS__)
#define probe_escaped(...) probe_end(PROBE_ESCAPED, __VA_ARGS__)
#define probe_skip(...)	   probe_end(PROBE_SKIP, __VA_ARGS__)

/* The text of a (/proc) file, NUL-terminated, at most len - 1 bytes; its length, or -1. */
static inline ssize_t probe_read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r, got = 0;

	if (fd < 0)
		return -1;
	while (got < (ssize_t)len - 1 && (r = read(fd, buf + got, len - 1 - (size_t)got)) > 0)
		got += r;
	close(fd);
	buf[got] = '\0';
	return got;
}

/* "EPERM" for EPERM: the names the lines print (strerrorname_np needs glibc 2.32). */
/*
 * Is this process in a zone's pid namespace (its PID 1 is lxzone's minimal init, which is
 * never the host's)?  There reboot(2) passes the filter by design: the kernel only ends the
 * zone's init with it (reboot_pid_ns), and answers EINVAL to an unknown command.
 */
static inline int probe_in_zone_pidns(void)
{
	char buf[32] = {0};
	int fd = open("/proc/1/cmdline", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	return n > 0 && strcmp(buf, "lxzone-init") == 0;
}

static inline const char *probe_errname(int e)
{
	static const struct {
		int e;
		const char *name;
	} names[] = {
	    {0, "ok"},
	    {EPERM, "EPERM"},
	    {ENOENT, "ENOENT"},
	    {ESRCH, "ESRCH"},
	    {EINTR, "EINTR"},
	    {EIO, "EIO"},
	    {ENXIO, "ENXIO"},
	    {E2BIG, "E2BIG"},
	    {ENOEXEC, "ENOEXEC"},
	    {EBADF, "EBADF"},
	    {EAGAIN, "EAGAIN"},
	    {ENOMEM, "ENOMEM"},
	    {EACCES, "EACCES"},
	    {EFAULT, "EFAULT"},
	    {EBUSY, "EBUSY"},
	    {EEXIST, "EEXIST"},
	    {EXDEV, "EXDEV"},
	    {ENODEV, "ENODEV"},
	    {ENOTDIR, "ENOTDIR"},
	    {EISDIR, "EISDIR"},
	    {EINVAL, "EINVAL"},
	    {ETXTBSY, "ETXTBSY"},
	    {EROFS, "EROFS"},
	    {ENOSYS, "ENOSYS"},
	    {EOPNOTSUPP, "EOPNOTSUPP"},
	    {EAFNOSUPPORT, "EAFNOSUPPORT"},
	    {ENOTBLK, "ENOTBLK"},
	    {ELOOP, "ELOOP"},
	    {ESTALE, "ESTALE"},
	    {ENOKEY, "ENOKEY"},
	    {EMFILE, "EMFILE"},
	};
	static char other[24];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == e)
			return names[i].name;
	snprintf(other, sizeof(other), "errno %d", e);
	return other;
}

/* One pass over the processes this /proc shows: fn for each but this one and skip (0: none);
 * a /proc that cannot be listed is a skip. */
static inline void probe_each_pid(void (*fn)(pid_t), pid_t skip)
{
	pid_t self = getpid();
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (!d)
		probe_skip("opendir /proc: %s", probe_errname(errno));
	while ((e = readdir(d))) {
		pid_t pid = (pid_t)atoi(e->d_name);

		if (pid > 0 && pid != self && pid != skip)
			fn(pid);
	}
	closedir(d);
}

#endif
