/*
 * The zone's console log, bounded.  See console.h for the contract.
 *
 * Why a pipe read by the supervisor, not the file itself as init's stdout (as before): a
 * descriptor of a host file in the zone lets any zone process fill the host's disk through
 * /proc/1/fd/1, and no cap can be kept on a file others append to.  Docker, podman (conmon)
 * and LXC keep container output the same way, outside the container.
 *
 * Why the cap is checked with fstat before every write rather than counted: the supervisor's
 * own lines and a console.log left by an earlier boot count too, and a fstat per read of up to
 * 64 KiB costs nothing next to the write.
 *
 * Never blocking the zone for good: the supervisor reads whenever it waits (for signals or
 * the next zone-page sample), a write that fails drops the data instead of retrying, and the
 * final drain reads at most DRAIN_BUDGET bytes, so a zone process the cgroup kill missed
 * cannot keep the supervisor from reporting the zone's end.
 */
#include "zone/console.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <unistd.h>

#define READ_CHUNK   65536
#define WAIT_BUDGET  (1u << 20) /* bytes copied per wait, so signals are never held back */
#define DRAIN_BUDGET (64u << 20)

static void log_name(unsigned i, char *buf, size_t len)
{
	if (i == 0)
		snprintf(buf, len, "%s", ZONE_CONSOLE_LOG);
	else
		snprintf(buf, len, "%s.%u", ZONE_CONSOLE_LOG, i);
}

static int log_open(struct zone_console *c)
{
	return openat(c->dirfd, ZONE_CONSOLE_LOG,
		      O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
}

static void stdio_follow(struct zone_console *c)
{
	if (!c->own_stdio)
		return;
	dup2(c->logfd, STDOUT_FILENO);
	dup2(c->logfd, STDERR_FILENO);
}

/* console.log -> console.log.1 -> ... -> console.log.(files-1), a new console.log; with one
 * file, console.log emptied.  A rename or open that fails empties the current file: the cap
 * holds whatever happens. */
static void rotate(struct zone_console *c)
{
	char from[64], to[64];
	int fd;

	if (c->files > 1) {
		for (unsigned i = c->files - 1; i >= 1; i--) {
			log_name(i - 1, from, sizeof(from));
			log_name(i, to, sizeof(to));
			if (renameat(c->dirfd, from, c->dirfd, to) < 0 && errno != ENOENT)
				break;
		}
		fd = log_open(c);
		if (fd >= 0) {
			close(c->logfd);
			c->logfd = fd;
			stdio_follow(c);
			return;
		}
	}
	if (ftruncate(c->logfd, 0) < 0)
		return; /* nothing left to try: zone_console_write drops what does not fit */
}

/* Rotated files past the count (a zone configured with fewer files since): removed. */
static void remove_extra(struct zone_console *c)
{
	char name[64];

	for (unsigned i = c->files; i < ZONE_CONSOLE_MAX_FILES; i++) {
		log_name(i, name, sizeof(name));
		if (unlinkat(c->dirfd, name, 0) < 0 && errno == ENOENT)
			break;
	}
}

static uint64_t log_size(struct zone_console *c)
{
	struct stat st;

	return fstat(c->logfd, &st) == 0 ? (uint64_t)st.st_size : 0;
}

void zone_console_write(struct zone_console *c, const char *buf, size_t len)
{
	while (len > 0) {
		size_t chunk = len;
		ssize_t n;

		if (c->max_size != UINT64_MAX) {
			uint64_t size = log_size(c);

			if (size >= c->max_size) {
				rotate(c);
				size = log_size(c);
			}
			if (size >= c->max_size)
				break; /* could not start a new file: drop, never grow */
			if (chunk > c->max_size - size)
				chunk = (size_t)(c->max_size - size);
		}
		n = write(c->logfd, buf, chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* disk full, I/O error: drop */
		buf += n;
		len -= (size_t)n;
	}
	c->dropped += len;
}

int zone_console_open(struct zone_console *c, const char *dir, uint64_t max_size, unsigned files,
		      struct zone_error *err)
{
	memset(c, 0, sizeof(*c));
	c->logfd = c->rfd = c->wfd = c->sigfd = c->slave = c->listen_fd = c->client = -1;
	c->max_size = max_size;
	c->files = files < 1 ? 1 : files > ZONE_CONSOLE_MAX_FILES ? ZONE_CONSOLE_MAX_FILES : files;
	c->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->dirfd < 0)
		return zone_error_set(err, errno, "console log: %s", dir);
	c->logfd = log_open(c);
	if (c->logfd < 0) {
		int e = errno;

		zone_console_close(c);
		return zone_error_set(err, e, "console log: %s/%s", dir, ZONE_CONSOLE_LOG);
	}
	remove_extra(c);
	if (max_size != UINT64_MAX && log_size(c) >= max_size)
		rotate(c);
	return 0;
}

void zone_console_own_stdio(struct zone_console *c)
{
	c->own_stdio = 1;
	stdio_follow(c);
}

int zone_console_pipe_stdio(struct zone_console *c, struct zone_error *err)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return zone_error_set(err, errno, "console pipe");
	if (fcntl(p[0], F_SETFL, O_NONBLOCK) < 0) {
		int e = errno;

		close(p[0]);
		close(p[1]);
		return zone_error_set(err, e, "console pipe");
	}
	fflush(NULL);
	c->rfd = p[0];
	c->wfd = p[1];
	c->own_stdio = 0;
	/* dup2 clears close-on-exec: init inherits these two */
	dup2(c->wfd, STDOUT_FILENO);
	dup2(c->wfd, STDERR_FILENO);
	return 0;
}

int zone_console_pty_open(struct zone_console *c, uid_t uid, gid_t gid, char *path, size_t len,
			  struct zone_error *err)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), sl = -1;

	if (m < 0)
		return zone_error_set(err, errno, "console: /dev/ptmx");
	if (unlockpt(m) < 0 || ptsname_r(m, path, len) != 0 ||
	    (sl = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0 ||
	    (uid != (uid_t)-1 && fchown(sl, uid, gid) < 0) || fchmod(sl, 0600) < 0 ||
	    fcntl(m, F_SETFL, O_NONBLOCK) < 0) {
		int e = errno;

		if (sl >= 0)
			close(sl);
		close(m);
		return zone_error_set(err, e, "console terminal");
	}
	c->rfd = m;
	c->slave = sl;
	return 0;
}

void zone_console_pty_stdio(struct zone_console *c)
{
	fflush(NULL);
	c->own_stdio = 0;
	/* dup2 clears close-on-exec: init inherits these three */
	dup2(c->slave, STDIN_FILENO);
	dup2(c->slave, STDOUT_FILENO);
	dup2(c->slave, STDERR_FILENO);
}

/* O_ASYNC: SIGIO at this process when fd has something. */
static int async_io(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETOWN, getpid()) < 0 ||
	    fcntl(fd, F_SETFL, fl | O_ASYNC | O_NONBLOCK) < 0)
		return -1;
	return 0;
}

int zone_console_listen(struct zone_console *c, const char *dir, struct zone_error *err)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int fd;

	if ((size_t)snprintf(a.sun_path, sizeof(a.sun_path), "%s/%s", dir, ZONE_CONSOLE_SOCK) >=
	    sizeof(a.sun_path))
		return zone_error_set(err, ENAMETOOLONG, "console socket in %s", dir);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return zone_error_set(err, errno, "console socket");
	unlink(a.sun_path);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || chmod(a.sun_path, 0600) < 0 ||
	    listen(fd, 2) < 0 || async_io(fd) < 0) {
		int e = errno;

		close(fd);
		return zone_error_set(err, e, "console socket %s", a.sun_path);
	}
	c->listen_fd = fd;
	return 0;
}

void zone_console_serve(struct zone_console *c)
{
	static const char busy[] = "lxzone: the zone's console is in use\r\n";
	char buf[4096];
	int fd;

	while (c->listen_fd >= 0 &&
	       (fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
		if (c->client >= 0 || async_io(fd) < 0) {
			send(fd, busy, sizeof(busy) - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
			close(fd);
			continue;
		}
		c->client = fd;
	}
	while (c->client >= 0) {
		ssize_t n = recv(c->client, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) { /* detached */
			close(c->client);
			c->client = -1;
			break;
		}
		/* to the terminal; a full one drops the rest rather than block the supervisor */
		if (c->rfd >= 0 && write(c->rfd, buf, (size_t)n) < 0 && errno != EAGAIN)
			break;
	}
}

void zone_console_unlink(const char *dir)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s/%s", dir, ZONE_CONSOLE_SOCK);
	unlink(p);
}

void zone_console_log_stdio(struct zone_console *c)
{
	fflush(NULL);
	c->own_stdio = 1;
	stdio_follow(c);
	if (c->slave >= 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			close(null);
		}
	}
	if (c->wfd >= 0) {
		close(c->wfd);
		c->wfd = -1;
	}
}

/* Drop each CR that comes before an LF. */
static size_t strip_cr(char *buf, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++)
		if (!(buf[i] == '\r' && i + 1 < n && buf[i + 1] == '\n'))
			buf[o++] = buf[i];
	return o;
}

/* Copy up to budget bytes from the pipe to the log.  At the pipe's end (every writer gone)
 * the read end is closed: nothing will come any more. */
static void pump(struct zone_console *c, size_t budget)
{
	char buf[READ_CHUNK];

	while (c->rfd >= 0 && budget > 0) {
		ssize_t n = read(c->rfd, buf, sizeof(buf));

		if (n > 0) {
			/* the attached console sees the terminal's bytes; a client that does
			 * not keep up loses them, the zone is never held up for it */
			if (c->client >= 0 &&
			    send(c->client, buf, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
			    errno != EAGAIN) {
				close(c->client);
				c->client = -1;
			}
			if (c->slave >= 0) /* the terminal's CR LF, a log's LF */
				n = (ssize_t)strip_cr(buf, (size_t)n);
			zone_console_write(c, buf, (size_t)n);
			budget = (size_t)n >= budget ? 0 : budget - (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		close(c->rfd);
		c->rfd = -1;
	}
}

int zone_console_sigwait(struct zone_console *c, const sigset_t *set, siginfo_t *si,
			 const struct timespec *timeout)
{
	static const struct timespec zero = {0, 0};
	/* without a signalfd, look for signals every 100 ms */
	static const struct timespec poll_max = {0, 100 * 1000 * 1000};
	const struct timespec *t = timeout;
	struct pollfd p[2];
	int sig = sigtimedwait(set, si, &zero);

	if (sig > 0)
		return sig;
	if (c->rfd < 0)
		return sigtimedwait(set, si, timeout);
	if (c->sigfd < 0)
		c->sigfd = signalfd(-1, set, SFD_CLOEXEC | SFD_NONBLOCK);
	p[0] = (struct pollfd){.fd = c->rfd, .events = POLLIN};
	p[1] = (struct pollfd){.fd = c->sigfd, .events = POLLIN};
	if (c->sigfd < 0 && (!t || t->tv_sec > 0 || t->tv_nsec > poll_max.tv_nsec))
		t = &poll_max;
	if (ppoll(p, c->sigfd >= 0 ? 2 : 1, t, NULL) > 0 && p[0].revents)
		pump(c, WAIT_BUDGET);
	sig = sigtimedwait(set, si, &zero);
	return sig > 0 ? sig : -1;
}

void zone_console_drain(struct zone_console *c)
{
	pump(c, DRAIN_BUDGET);
}

void zone_console_printf(struct zone_console *c, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	size_t len;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
	/* the supervisor's line is one record: a line that would cross the cap starts the next
	 * file whole ("zone Z halted" is the last line of console.log, never its tail after a
	 * rotation), where the zone's bytes fill each file to the byte */
	if (c->max_size != UINT64_MAX && len <= c->max_size && log_size(c) + len > c->max_size)
		rotate(c);
	zone_console_write(c, line, len);
}

void zone_console_close(struct zone_console *c)
{
	int *fds[] = {&c->dirfd, &c->logfd, &c->rfd,	   &c->wfd,
		      &c->sigfd, &c->slave, &c->listen_fd, &c->client};

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}
