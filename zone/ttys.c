#include "zone/ttys.h"
#include "lib/fdpass.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

void zone_ttys_close(struct zone_ttys *t)
{
	for (size_t i = 0; i < t->n; i++) {
		close(t->slave[i]);
		close(t->master[i]);
	}
	t->n = 0;
	if (t->listen_fd >= 0)
		close(t->listen_fd);
	t->listen_fd = -1;
}

int zone_ttys_open(struct zone_ttys *t, size_t n, uid_t uid, gid_t gid, struct zone_error *err)
{
	t->n = 0;
	t->listen_fd = -1;
	if (n > ZONE_TTYS_MAX)
		return zone_error_set(err, EINVAL, "ttys: %zu, at most %d", n, ZONE_TTYS_MAX);
	for (size_t i = 0; i < n; i++) {
		int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), sl = -1;

		if (m < 0 || unlockpt(m) < 0 || ptsname_r(m, t->path[i], sizeof(t->path[i])) != 0 ||
		    (sl = open(t->path[i], O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0 ||
		    (uid != (uid_t)-1 && fchown(sl, uid, gid) < 0) || fchmod(sl, 0600) < 0) {
			int e = errno;

			if (sl >= 0)
				close(sl);
			if (m >= 0)
				close(m);
			zone_ttys_close(t);
			return zone_error_set(err, e, "terminal %s", zone_tty_name(i));
		}
		t->master[i] = m;
		t->slave[i] = sl;
		t->paths[i] = t->path[i];
		t->n = i + 1;
	}
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Host attach: `lxzone console NAME --tty K` */

static int sock_addr(const char *dir, struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	return (size_t)snprintf(a->sun_path, sizeof(a->sun_path), "%s/%s", dir, ZONE_TTYS_SOCK) >=
		       sizeof(a->sun_path)
		   ? -1
		   : 0;
}

int zone_ttys_listen(struct zone_ttys *t, const char *dir, struct zone_error *err)
{
	struct sockaddr_un a;
	int fd, fl;

	t->listen_fd = -1;
	if (t->n == 0)
		return 0;
	if (sock_addr(dir, &a) < 0)
		return zone_error_set(err, ENAMETOOLONG, "terminals' socket in %s", dir);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return zone_error_set(err, errno, "terminals' socket");
	unlink(a.sun_path);
	/* O_ASYNC: SIGIO at the supervisor on a connection (its wait set has SIGIO) */
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || chmod(a.sun_path, 0600) < 0 ||
	    listen(fd, 4) < 0 || fcntl(fd, F_SETOWN, getpid()) < 0 ||
	    (fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl | O_ASYNC) < 0) {
		int e = errno;

		close(fd);
		return zone_error_set(err, e, "terminals' socket %s", a.sun_path);
	}
	t->listen_fd = fd;
	return 0;
}

/* One client: its request (it sends it right after connecting; root's, so a bounded wait
 * is enough), then the master or a reason. */
static void serve_client(struct zone_ttys *t, int fd)
{
	struct timeval tmo = {.tv_sec = 1};
	char req[16] = {0}, reply[96];
	ssize_t n;
	unsigned long k;
	char *end;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof(tmo));
	n = recv(fd, req, sizeof(req) - 1, 0);
	k = n > 0 ? strtoul(req, &end, 10) : 0;
	if (n <= 0 || end == req || *end != '\n' || k < 1 || k > t->n) {
		snprintf(reply, sizeof(reply), "the zone has no /dev/tty%lu (ttys=%zu)\n", k, t->n);
		send(fd, reply, strlen(reply), MSG_NOSIGNAL);
		return;
	}
	zone_fd_send(fd, t->master[k - 1], "+", 1);
}

void zone_ttys_serve(struct zone_ttys *t)
{
	int fd;

	while (t->listen_fd >= 0 && (fd = accept4(t->listen_fd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		serve_client(t, fd);
		close(fd);
	}
}

void zone_ttys_unlink(const char *dir)
{
	struct sockaddr_un a;

	if (sock_addr(dir, &a) == 0)
		unlink(a.sun_path);
}

/* The master from the supervisor's answer; -1 with err. */
static int recv_master(int sock, unsigned k, struct zone_error *err)
{
	char text[96] = {0};
	ssize_t n;
	int fd = zone_fd_recv(sock, text, sizeof(text) - 1, &n);

	if (n <= 0)
		return zone_error_set(err, n < 0 ? errno : 0,
				      "/dev/tty%u: no answer from the zone's supervisor", k);
	if (text[0] != '+' || fd < 0) {
		char *nl = strchr(text, '\n');
		if (fd >= 0)
			close(fd);
		if (nl)
			*nl = '\0';
		return zone_error_set(err, ENOENT, "%s",
				      text[0] && text[0] != '+' ? text : "no terminal");
	}
	return fd;
}

int zone_tty_attach(const char *dir, unsigned k, int *master, int *lock, struct zone_error *err)
{
	struct sockaddr_un a;
	char req[16], lpath[4096];
	int sock, lfd, m;

	if (sock_addr(dir, &a) < 0)
		return zone_error_set(err, ENAMETOOLONG, "terminals' socket in %s", dir);
	snprintf(lpath, sizeof(lpath), "%s/.tty%u.lock", dir, k);
	lfd = open(lpath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lfd < 0)
		return zone_error_set(err, errno, "%s", lpath);
	if (flock(lfd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		close(lfd);
		return zone_error_set(err, e, "/dev/tty%u is in use (another lxzone console)", k);
	}
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || connect(sock, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = errno;
		if (sock >= 0)
			close(sock);
		close(lfd);
		return zone_error_set(err, e, "/dev/tty%u: the zone has no terminals' socket", k);
	}
	snprintf(req, sizeof(req), "%u\n", k);
	if (send(sock, req, strlen(req), MSG_NOSIGNAL) < 0) {
		int e = errno;
		close(sock);
		close(lfd);
		return zone_error_set(err, e, "/dev/tty%u: ask the zone's supervisor", k);
	}
	m = recv_master(sock, k, err);
	close(sock);
	if (m < 0) {
		close(lfd);
		return -1;
	}
	*master = m;
	*lock = lfd;
	return 0;
}
