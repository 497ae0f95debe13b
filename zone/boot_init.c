/*
 * The zone's init, by its own protocol.  See boot_init.h for the table.
 *
 * Why by name and by a string in the binary, not by running it: the image is the zone's,
 * and nothing of it runs on the host.  A /sbin/init that resolves (inside the root) to a file
 * named systemd or busybox is that init; sysvinit is told by /run/initctl, the request FIFO
 * its binary names (telinit writes requests there).  Anything else gets SIGTERM, what most
 * small inits (tini, dumb-init, s6's) take as "stop".
 */
#include "zone/boot_init.h"
#include "lib/openat2.h"
#include "lib/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "zone/fsutil.h"

static const char *const kind_names[ZONE_INIT_NKINDS] = {
    [ZONE_INIT_MINIMAL] = "minimal", [ZONE_INIT_SYSTEMD] = "systemd",
    [ZONE_INIT_BUSYBOX] = "busybox", [ZONE_INIT_SYSVINIT] = "sysvinit",
    [ZONE_INIT_OTHER] = "other",
};

const char *zone_init_kind_name(enum zone_init_kind k)
{
	return (unsigned)k < ZONE_INIT_NKINDS ? kind_names[k] : "other";
}

int zone_init_kind_from_name(const char *name)
{
	for (int k = 0; name && k < ZONE_INIT_NKINDS; k++)
		if (strcmp(name, kind_names[k]) == 0)
			return k;
	return -1;
}

bool zone_init_notifies(enum zone_init_kind k)
{
	return k == ZONE_INIT_SYSTEMD;
}

bool zone_init_polled(enum zone_init_kind k)
{
	return k == ZONE_INIT_SYSVINIT;
}

/* The command line of pid (NULs as spaces), "" when unreadable. */
static void cmdline_of(pid_t pid, char *buf, size_t len)
{
	ssize_t n = zone_read_text(buf, len, "/proc/%d/cmdline", (int)pid);

	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
}

bool zone_init_sysv_ready(pid_t init)
{
	char buf[4096], p[64];
	cleanup_fclose FILE *f = NULL;
	int child;

	cmdline_of(init, buf, sizeof(buf));
	if (strncmp(buf, "init [", 6) != 0 || buf[6] < '0' || buf[6] > '9')
		return false;
	snprintf(p, sizeof(p), "/proc/%d/task/%d/children", (int)init, (int)init);
	f = fopen(p, "re");
	if (f == NULL)
		return false;
	while (fscanf(f, "%d", &child) == 1) {
		cmdline_of(child, buf, sizeof(buf));
		if (strstr(buf, "/etc/init.d/rc") || strstr(buf, "/etc/rc.d/rc"))
			return false;
	}
	return true;
}

/* Does the file at fd hold the bytes of needle (in its first 8 MiB)? */
static bool file_has(int fd, const char *needle)
{
	size_t nl = strlen(needle), have = 0, total = 0;
	char buf[65536];
	ssize_t n;

	while (total < (8u << 20) &&
	       (n = pread(fd, buf + have, sizeof(buf) - have, (off_t)(total + have))) > 0) {
		size_t len = have + (size_t)n;

		if (memmem(buf, len, needle, nl))
			return true;
		/* keep the tail, a needle may straddle two reads */
		have = len < nl ? len : nl - 1;
		total += len - have;
		memmove(buf, buf + len - have, have);
	}
	return false;
}

enum zone_init_kind zone_init_kind_detect(const char *root, const char *path)
{
	cleanup_close int rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	cleanup_close int fd = -1;
	char link[64], target[4096];
	const char *base;
	ssize_t n;

	if (rfd < 0)
		return ZONE_INIT_OTHER;
	fd = lx_openat2(rfd, path, &how);
	if (fd < 0)
		return ZONE_INIT_OTHER;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return ZONE_INIT_OTHER;
	target[n] = '\0';
	base = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
	if (strcmp(base, "systemd") == 0)
		return ZONE_INIT_SYSTEMD;
	if (strcmp(base, "busybox") == 0)
		return ZONE_INIT_BUSYBOX;
	if (file_has(fd, "/run/initctl"))
		return ZONE_INIT_SYSVINIT;
	return ZONE_INIT_OTHER;
}

/* sysvinit's request (initreq.h): 384 bytes, magic, command, runlevel. */
struct initreq {
	int magic;
	int cmd;
	int runlevel;
	int sleeptime;
	char data[368];
};
#define INITREQ_MAGIC	   0x03091969
#define INITREQ_CMD_RUNLVL 1

/*
 * telinit 0, as telinit does it: one request on the zone's /run/initctl, opened through the
 * init's root without following anything out of it, and only if it is a FIFO (a zone that
 * put a file or a link there gets nothing written).
 */
static int sysvinit_runlevel(pid_t init, char level)
{
	char rootp[64], fdp[64];
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	struct initreq req = {
	    .magic = INITREQ_MAGIC, .cmd = INITREQ_CMD_RUNLVL, .runlevel = level, .sleeptime = 5};
	struct stat st;
	cleanup_close int rfd = -1, pfd = -1, wfd = -1;

	snprintf(rootp, sizeof(rootp), "/proc/%d/root", (int)init);
	rfd = open(rootp, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return -errno;
	pfd = lx_openat2(rfd, "run/initctl", &how);
	if (pfd < 0)
		return -errno;
	if (fstat(pfd, &st) < 0 || !S_ISFIFO(st.st_mode))
		return -EINVAL;
	snprintf(fdp, sizeof(fdp), "/proc/self/fd/%d", pfd);
	wfd = open(fdp, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (wfd < 0)
		return -errno;
	if (write(wfd, &req, sizeof(req)) != (ssize_t)sizeof(req))
		return -EIO;
	return 0;
}

int zone_init_request_poweroff(enum zone_init_kind k, pid_t init)
{
	int sig = SIGTERM;

	switch (k) {
	case ZONE_INIT_SYSTEMD:
		sig = SIGRTMIN + 4; /* systemd(1): SIGRTMIN+4, poweroff.target */
		break;
	case ZONE_INIT_BUSYBOX:
		sig = SIGUSR2; /* busybox init: SIGUSR2 powers off, SIGTERM reboots */
		break;
	case ZONE_INIT_SYSVINIT:
		if (sysvinit_runlevel(init, '0') == 0)
			return 0;
		break; /* no request FIFO: SIGTERM, which it ignores, then the kill */
	default:
		break;
	}
	return kill(init, sig) < 0 ? -errno : 0;
}

int zone_init_notify_open(const char *dir)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int one = 1, fd, e;

	if ((size_t)snprintf(a.sun_path, sizeof(a.sun_path), "%s/%s", dir, ZONE_NOTIFY_FILE) >=
	    sizeof(a.sun_path))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	unlink(a.sun_path);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || chmod(a.sun_path, 0666) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0 ||
	    fcntl(fd, F_SETOWN, getpid()) < 0 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_ASYNC | O_NONBLOCK) < 0) {
		e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

bool zone_init_notify_ready(int fd, pid_t init)
{
	bool ready = false;

	for (;;) {
		char buf[4096], cbuf[CMSG_SPACE(sizeof(struct ucred))];
		struct iovec iov = {buf, sizeof(buf) - 1};
		struct msghdr m = {.msg_iov = &iov,
				   .msg_iovlen = 1,
				   .msg_control = cbuf,
				   .msg_controllen = sizeof(cbuf)};
		struct cmsghdr *c;
		pid_t from = 0;
		ssize_t n = recvmsg(fd, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

		if (n < 0)
			return ready;
		buf[n] = '\0';
		for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
				struct ucred u;
				memcpy(&u, CMSG_DATA(c), sizeof(u));
				from = u.pid;
			} else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
				/* fd store: not kept */
				int nfd = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
				int *fds = (int *)CMSG_DATA(c);
				for (int i = 0; i < nfd; i++)
					close(fds[i]);
			}
		}
		if (from != init)
			continue;
		/* newline-separated assignments; READY=1 on a line of its own */
		for (char *l = buf; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
			if (strncmp(l, "READY=1", 7) == 0 && (l[7] == '\n' || l[7] == '\0'))
				ready = true;
	}
}
