/*
 * zone_probe OPERATION...: tries privileged or escaping operations (the table at the end)
 * and prints one line per try, "NAME ok" or "NAME ERRNO-NAME", so a shell test can compare a
 * zone with the host.  Static, so it runs in any zone image (the busybox one has no libc).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#ifndef CLOCK_BOOTTIME_ALARM
#define CLOCK_BOOTTIME_ALARM 9
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
struct mount_attr {
	unsigned long long attr_set, attr_clr, propagation, userns_fd;
};
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif

static const char *ename(int e)
{
	static const struct {
		int e;
		const char *n;
	} names[] = {{EPERM, "EPERM"},	   {EACCES, "EACCES"}, {EROFS, "EROFS"},
		     {ETXTBSY, "ETXTBSY"}, {EXDEV, "EXDEV"},   {ENOENT, "ENOENT"},
		     {EINVAL, "EINVAL"},   {ENOSYS, "ENOSYS"}, {EOPNOTSUPP, "EOPNOTSUPP"},
		     {EBUSY, "EBUSY"},	   {ENODEV, "ENODEV"}, {EEXIST, "EEXIST"}};
	static char buf[16];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == e)
			return names[i].n;
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

static void show(const char *what, long r)
{
	printf("%s %s\n", what, r < 0 ? ename(errno) : "ok");
}

static int gethost(char *name, size_t sz)
{
	memset(name, 0, sz);
	return gethostname(name, sz - 1);
}

/* Each needs one capability. */
static long op_sethostname(void) /* CAP_SYS_ADMIN (the zone's own uts namespace) */
{
	char name[65];

	return gethost(name, sizeof(name)) < 0 ? -1 : sethostname(name, strlen(name));
}

static long op_nice(void) /* CAP_SYS_NICE */
{
	return setpriority(PRIO_PROCESS, 0, -5);
}

static long op_mknod_chr(void) /* CAP_MKNOD */
{
	long r;

	int e;

	unlink("/tmp/.probe-null");
	r = mknod("/tmp/.probe-null", S_IFCHR | 0600, makedev(1, 3));
	e = errno;
	unlink("/tmp/.probe-null");
	errno = e;
	return r;
}

static long op_chown(void) /* CAP_CHOWN */
{
	int fd = open("/tmp/.probe-own", O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	long r = fd < 0 ? -1 : fchown(fd, 1, 1);
	int e = errno;

	if (fd >= 0)
		close(fd);
	unlink("/tmp/.probe-own");
	errno = e;
	return r;
}

static long op_wake_alarm(void) /* CAP_WAKE_ALARM */
{
	int fd = timerfd_create(CLOCK_BOOTTIME_ALARM, TFD_CLOEXEC);

	if (fd >= 0)
		close(fd);
	return fd;
}

static long op_clock_settime(void) /* CAP_SYS_TIME; sets the clock to what it reads */
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return clock_settime(CLOCK_REALTIME, &now);
}

/* The brand image, as every zone process runs it (/proc/self/exe). */
static long op_open_write(void)
{
	return open("/proc/self/exe", O_WRONLY | O_CLOEXEC);
}

static long op_open_trunc(void)
{
	return open("/proc/self/exe", O_WRONLY | O_TRUNC | O_CLOEXEC);
}

static long op_truncate(void)
{
	return truncate("/proc/self/exe", 0);
}

/* CVE-2019-5736's way in: an O_PATH descriptor reopened for writing. */
static long op_reopen_rdwr(void)
{
	int pfd = open("/proc/self/exe", O_PATH | O_CLOEXEC);
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", pfd);
	return pfd < 0 ? -1 : open(path, O_RDWR | O_CLOEXEC);
}

/* A name for it in the zone's own file system, to replace or write later. */
static long op_link_out(void)
{
	char path[64];
	int pfd;

	unlink("/tmp/.probe-brand");
	pfd = open("/proc/self/exe", O_PATH | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", pfd);
	return pfd < 0 ? -1
		       : linkat(AT_FDCWD, path, AT_FDCWD, "/tmp/.probe-brand", AT_SYMLINK_FOLLOW);
}

static long op_remount_rw(void) /* no MS_RDONLY: read-write */
{
	return mount(NULL, "/proc/self/exe", NULL, MS_REMOUNT | MS_BIND, NULL);
}

static long op_mount_setattr_rw(void)
{
	struct mount_attr rw = {.attr_clr = MOUNT_ATTR_RDONLY};
	int pfd = open("/proc/self/exe", O_PATH | O_CLOEXEC);

	return pfd < 0 ? -1 : syscall(SYS_mount_setattr, pfd, "", AT_EMPTY_PATH, &rw, sizeof(rw));
}

static const struct {
	const char *name;
	long (*fn)(void);
} ops[] = {
    {"sethostname", op_sethostname},
    {"nice", op_nice},
    {"mknod-chr", op_mknod_chr},
    {"chown", op_chown},
    {"wake-alarm", op_wake_alarm},
    {"clock-settime", op_clock_settime},
    {"open-write", op_open_write},
    {"open-trunc", op_open_trunc},
    {"truncate", op_truncate},
    {"reopen-rdwr", op_reopen_rdwr},
    {"link-out", op_link_out},
    {"remount-rw", op_remount_rw},
    {"mount-setattr-rw", op_mount_setattr_rw},
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: zone_probe OPERATION...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		size_t k;

		for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
			if (!strcmp(ops[k].name, argv[i]))
				break;
		if (k == sizeof(ops) / sizeof(ops[0])) {
			fprintf(stderr, "zone_probe: unknown operation %s\n", argv[i]);
			return 2;
		}
		show(argv[i], ops[k].fn());
	}
	return 0;
}
