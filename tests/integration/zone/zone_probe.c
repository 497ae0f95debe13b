/*
 * zone_probe OPERATION[=ARG]...: tries privileged or escaping operations (the table at the
 * end) and prints one line per try, "NAME ok" or "NAME ERRNO-NAME", so a shell test can
 * compare a zone with the host.  Static, so it runs in any zone image (the busybox one has no
 * libc).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
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
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif

/* The ARG of OPERATION=ARG, "" when none. */
static const char *arg = "";

static const char *ename(int e)
{
	static const struct {
		int e;
		const char *n;
	} names[] = {{EPERM, "EPERM"},
		     {EACCES, "EACCES"},
		     {EROFS, "EROFS"},
		     {ETXTBSY, "ETXTBSY"},
		     {EXDEV, "EXDEV"},
		     {ENOENT, "ENOENT"},
		     {EINVAL, "EINVAL"},
		     {ENOSYS, "ENOSYS"},
		     {EOPNOTSUPP, "EOPNOTSUPP"},
		     {EBUSY, "EBUSY"},
		     {ENODEV, "ENODEV"},
		     {EEXIST, "EEXIST"},
		     {EADDRNOTAVAIL, "EADDRNOTAVAIL"},
		     {ECONNREFUSED, "ECONNREFUSED"},
		     {ENETUNREACH, "ENETUNREACH"},
		     {ETIMEDOUT, "ETIMEDOUT"}};
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

/* mknod-blk=MAJOR:MINOR:PATH: a block device node at PATH (left for open=; a zone's /tmp is
 * nodev, its /dev is not) */
static long op_mknod_blk(void) /* CAP_MKNOD; the devices cgroup allows m of any node */
{
	unsigned maj, min;
	int at = 0;

	if (sscanf(arg, "%u:%u:%n", &maj, &min, &at) != 2 || at == 0 || arg[at] != '/') {
		errno = EINVAL;
		return -1;
	}
	unlink(arg + at);
	return mknod(arg + at, S_IFBLK | 0600, makedev(maj, min));
}

/* open=PATH: open it read-only (the devices cgroup decides for a device node) */
static long op_open(void)
{
	int fd = open(arg, O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
	return fd;
}

/*
 * timens: a time namespace of our own with CLOCK_MONOTONIC one day ahead (an offset needs
 * CAP_SYS_TIME), entered by a child, which must see the offset while its parent does not.
 */
static long op_timens(void)
{
	struct timespec before, after;
	int fd, status;
	pid_t pid;

	if (unshare(CLONE_NEWTIME) < 0)
		return -1;
	fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, "monotonic 86400 0", 17) != 17) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	clock_gettime(CLOCK_MONOTONIC, &before);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		clock_gettime(CLOCK_MONOTONIC, &after);
		_exit(after.tv_sec - before.tv_sec >= 86400 && after.tv_sec - before.tv_sec < 86460
			  ? 0
			  : 1);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &after);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || after.tv_sec - before.tv_sec > 60) {
		errno = EINVAL; /* the offset did not show, or showed in the parent */
		return -1;
	}
	return 0;
}

/*
 * A child in a time namespace of its own with CLOCK_BOOTTIME 3600 s ahead: sysinfo().uptime
 * and /proc/uptime agree, as on Linux (LTP sysinfo03), and both show the offset.
 */
static long op_timens_uptime(void)
{
	int fd, status;
	pid_t pid;

	if (unshare(CLONE_NEWTIME) < 0)
		return -1;
	fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, "boottime 3600 0", 15) != 15) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct sysinfo si;
		char buf[64] = "";
		long up;

		fd = open("/proc/uptime", O_RDONLY | O_CLOEXEC);
		if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0 || sysinfo(&si) < 0)
			_exit(1);
		up = strtol(buf, NULL, 10);
		_exit(up >= 3600 && si.uptime >= up && si.uptime <= up + 2 ? 0 : 1);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		errno = EINVAL; /* /proc/uptime and sysinfo disagree, or lack the offset */
		return -1;
	}
	return 0;
}

/*
 * clocks: "monotonic S boottime S uptime S", the whole seconds of CLOCK_MONOTONIC and
 * CLOCK_BOOTTIME (vDSO reads: what a time namespace offsets) and sysinfo().uptime (the
 * brand's, in a zone), so a test compares them with the host's.
 */
static long op_clocks(void)
{
	struct timespec m, b;
	struct sysinfo si;

	if (clock_gettime(CLOCK_MONOTONIC, &m) < 0 || clock_gettime(CLOCK_BOOTTIME, &b) < 0 ||
	    sysinfo(&si) < 0)
		return -1;
	printf("monotonic %lld boottime %lld uptime %ld\n", (long long)m.tv_sec,
	       (long long)b.tv_sec, si.uptime);
	return 0;
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

/* PID 1's image (lxzone-init's read-only copy): EROFS, never ETXTBSY (a writable file) */
static long op_init_open_write(void)
{
	return open("/proc/1/exe", O_WRONLY | O_CLOEXEC);
}

static long op_init_open_trunc(void)
{
	return open("/proc/1/exe", O_WRONLY | O_TRUNC | O_CLOEXEC);
}

/* ARG "ADDR" or "ADDR:PORT" (IPv4), "[ADDR]:PORT" or "ADDR" (IPv6) -> a socket address */
static socklen_t sockaddr_of(const char *spec, struct sockaddr_storage *ss)
{
	char a[64];
	const char *port = NULL;

	memset(ss, 0, sizeof(*ss));
	snprintf(a, sizeof(a), "%s", spec[0] == '[' ? spec + 1 : spec);
	if (spec[0] == '[') {
		char *close = strchr(a, ']');
		if (close) {
			*close = '\0';
			port = close[1] == ':' ? close + 2 : NULL;
		}
	} else if (strchr(a, ':') == strrchr(a, ':') && strchr(a, ':')) {
		port = strchr(a, ':') + 1;
		*strchr(a, ':') = '\0';
	}
	if (strchr(a, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port ? (unsigned short)atoi(port) : 0);
		return inet_pton(AF_INET6, a, &s6->sin6_addr) == 1 ? sizeof(*s6) : 0;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	s4->sin_port = htons(port ? (unsigned short)atoi(port) : 0);
	return inet_pton(AF_INET, a, &s4->sin_addr) == 1 ? sizeof(*s4) : 0;
}

static void print_addr(const char *what, const struct sockaddr_storage *ss)
{
	char a[64] = "?";
	unsigned port = 0;

	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, a, sizeof(a));
		port = ntohs(((const struct sockaddr_in *)ss)->sin_port);
	} else {
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, a, sizeof(a));
		port = ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	}
	printf("%s %s %u\n", what, a, port);
}

/* A TCP socket to arg, through fn (bind or connect); prints "LABEL ADDR PORT", the address
 * the kernel gave the socket, before the result line */
static long sock_op(int (*fn)(int, const struct sockaddr *, socklen_t), const char *label)
{
	struct sockaddr_storage ss, got;
	socklen_t len = sockaddr_of(arg, &ss), gl = sizeof(got);
	int fd;

	if (len == 0) {
		errno = EINVAL;
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || fn(fd, (struct sockaddr *)&ss, len) < 0)
		return -1;
	if (getsockname(fd, (struct sockaddr *)&got, &gl) == 0)
		print_addr(label, &got);
	close(fd);
	return 0;
}

/* bind=ADDR[:PORT]: prints "bound ADDR PORT" (what the kernel made of it) */
static long op_bind(void)
{
	return sock_op(bind, "bound");
}

/* connect=ADDR:PORT: prints "local ADDR PORT" (the source the kernel gave) */
static long op_connect(void)
{
	return sock_op(connect, "local");
}

/* audit: AUDIT_GET (1000) to NETLINK_AUDIT; ok when the kernel answered, its errno when it
 * refused (a container's: ECONNREFUSED outside the initial user namespace) */
static long op_audit(void)
{
	struct {
		struct nlmsghdr h;
		char pad[64];
	} m = {.h = {.nlmsg_len = NLMSG_HDRLEN, .nlmsg_type = 1000, .nlmsg_flags = NLM_F_REQUEST}};
	char buf[1024];
	struct pollfd p;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	long r;

	if (fd < 0)
		return -1;
	r = send(fd, &m, m.h.nlmsg_len, 0);
	if (r >= 0) {
		p = (struct pollfd){.fd = fd, .events = POLLIN};
		r = poll(&p, 1, 2000) == 1 ? recv(fd, buf, sizeof(buf), 0)
					   : (errno = ETIMEDOUT, -1);
		if (r >= (long)NLMSG_HDRLEN &&
		    ((struct nlmsghdr *)buf)->nlmsg_type == NLMSG_ERROR) {
			int e = -((struct nlmsgerr *)NLMSG_DATA(buf))->error;
			if (e) {
				errno = e;
				r = -1;
			}
		}
	}
	close(fd);
	return r < 0 ? -1 : 0;
}

/* uevent: a NETLINK_KOBJECT_UEVENT socket bound to the kernel's group; ok when it binds and
 * then stays quiet for half a second (what a container gets), EEXIST when an event came */
static long op_uevent(void)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = 1};
	struct pollfd p;
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	int n;

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	p = (struct pollfd){.fd = fd, .events = POLLIN};
	n = poll(&p, 1, 500);
	close(fd);
	if (n > 0) {
		errno = EEXIST;
		return -1;
	}
	return 0;
}

static long op_raw_socket(void)
{
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (fd >= 0)
		close(fd);
	return fd < 0 ? -1 : 0;
}

static const struct {
	const char *name;
	long (*fn)(void);
} ops[] = {
    {"bind", op_bind},
    {"connect", op_connect},
    {"raw-socket", op_raw_socket},
    {"audit", op_audit},
    {"uevent", op_uevent},
    {"sethostname", op_sethostname},
    {"nice", op_nice},
    {"mknod-chr", op_mknod_chr},
    {"chown", op_chown},
    {"wake-alarm", op_wake_alarm},
    {"clock-settime", op_clock_settime},
    {"open-write", op_open_write},
    {"init-open-write", op_init_open_write},
    {"init-open-trunc", op_init_open_trunc},
    {"open-trunc", op_open_trunc},
    {"truncate", op_truncate},
    {"reopen-rdwr", op_reopen_rdwr},
    {"link-out", op_link_out},
    {"remount-rw", op_remount_rw},
    {"mount-setattr-rw", op_mount_setattr_rw},
    {"mknod-blk", op_mknod_blk},
    {"open", op_open},
    {"timens", op_timens},
    {"timens-uptime", op_timens_uptime},
    {"clocks", op_clocks},
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: zone_probe OPERATION...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		size_t k, len = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);

		arg = eq ? eq + 1 : "";
		for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
			if (strlen(ops[k].name) == len && !strncmp(ops[k].name, argv[i], len))
				break;
		if (k == sizeof(ops) / sizeof(ops[0])) {
			fprintf(stderr, "zone_probe: unknown operation %s\n", argv[i]);
			return 2;
		}
		show(argv[i], ops[k].fn());
	}
	return 0;
}
