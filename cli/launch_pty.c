/*
 * A terminal inside the zone for `lxzone login`, as zlogin gives one: a pseudo-terminal from
 * the zone's own devpts instance (so `tty`, job control and the zone's /dev/pts agree), with
 * the caller's terminal relayed to it in raw mode.  The caller's terminal characters (^C, ^Z)
 * reach the zone's line discipline as bytes and become signals there, for the zone's
 * foreground job; window size changes follow.
 */
#include "cli/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int launch_pty_open(int *master, char *slave, size_t len, struct launch_error *err)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	struct winsize ws;

	if (m < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "open the zone's /dev/ptmx");
	if (grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, slave, len) != 0) {
		launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "set up a pseudo-terminal");
		close(m);
		return -1;
	}
	if (ioctl(0, TIOCGWINSZ, &ws) == 0)
		ioctl(m, TIOCSWINSZ, &ws);
	*master = m;
	return 0;
}

int launch_pty_child(const char *slave)
{
	int s;

	if (setsid() < 0 || (s = open(slave, O_RDWR)) < 0 || ioctl(s, TIOCSCTTY, 0) < 0)
		return -1;
	if (dup2(s, 0) < 0 || dup2(s, 1) < 0 || dup2(s, 2) < 0)
		return -1;
	if (s > 2)
		close(s);
	return 0;
}

static int copy(int from, int to)
{
	char buf[4096];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n <= 0)
		return n < 0 && (errno == EINTR || errno == EAGAIN) ? 0 : -1;
	for (ssize_t off = 0; off < n;) {
		ssize_t w = write(to, buf + off, (size_t)(n - off));
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		off += w;
	}
	return 0;
}

int launch_pty_relay(int master, pid_t pid)
{
	struct termios saved, raw;
	struct winsize ws, last = {0, 0, 0, 0};
	int is_tty = tcgetattr(0, &saved) == 0, st = 0, in_open = 1;

	if (is_tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(0, TCSANOW, &raw);
	}
	for (;;) {
		struct pollfd p[2] = {{master, POLLIN, 0}, {0, POLLIN, 0}};
		int n = poll(p, in_open ? 2 : 1, 250);

		if (is_tty && ioctl(0, TIOCGWINSZ, &ws) == 0 &&
		    (ws.ws_row != last.ws_row || ws.ws_col != last.ws_col)) {
			ioctl(master, TIOCSWINSZ, &ws);
			last = ws;
		}
		if (n < 0 && errno != EINTR)
			break;
		if (n <= 0)
			continue;
		/* EIO on the master: every slave descriptor is closed, the session is over */
		if ((p[0].revents & (POLLIN | POLLHUP | POLLERR)) && copy(master, 1) < 0)
			break;
		if (in_open && (p[1].revents & (POLLIN | POLLHUP | POLLERR)) && copy(0, master) < 0)
			in_open = 0;
	}
	if (is_tty)
		tcsetattr(0, TCSANOW, &saved);
	close(master);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
