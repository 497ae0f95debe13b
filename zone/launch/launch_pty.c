/*
 * A terminal inside the zone for `lxzone login`, as zlogin gives one: a pseudo-terminal from
 * the zone's own devpts instance (so `tty`, job control and the zone's /dev/pts agree), with
 * the caller's terminal relayed to it in raw mode.  The caller's terminal characters (^C, ^Z)
 * reach the zone's line discipline as bytes and become signals there, for the zone's
 * foreground job; window size changes follow.
 *
 * The process that relays is the one that forks the program into the zone, so it is under
 * the zone's filter by then (launch_harden.c): the relay and the child's side make their
 * calls through the gate.  The master and the slave are opened before, with libc.
 */
#include "zone/launch/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int launch_pty_open(int *master, char *slave, size_t len, struct zone_error *err)
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

/* Before arming: the slave opened here (it is the zone's, from the zone's devpts), the
 * caller's terminal saved as the kernel keeps it and put in raw mode. */
int launch_pty_raw(struct launch_pty *t)
{
	struct termios raw;

	t->is_tty = tcgetattr(0, &raw) == 0 && ioctl(0, TCGETS, t->saved) == 0;
	if (t->is_tty) {
		cfmakeraw(&raw);
		tcsetattr(0, TCSANOW, &raw);
	}
	return 0;
}

/* The child, in the zone: a session of its own with the slave as controlling terminal on
 * 0, 1, 2.  Through the gate (after launch_exec_arm). */
__attribute__((no_sanitize("address", "undefined"))) int
launch_pty_child_armed(const struct launch_pty *t)
{
	if (LAUNCH_GATE(SYS_setsid, 0, 0, 0, 0, 0, 0) < 0 ||
	    LAUNCH_GATE(SYS_ioctl, t->slave, TIOCSCTTY, 0, 0, 0, 0) < 0)
		return -1;
	for (int fd = 0; fd < 3; fd++)
		if (LAUNCH_GATE(SYS_dup2, t->slave, fd, 0, 0, 0, 0) < 0)
			return -1;
	if (t->slave > 2)
		LAUNCH_GATE(SYS_close, t->slave, 0, 0, 0, 0, 0);
	LAUNCH_GATE(SYS_close, t->master, 0, 0, 0, 0, 0);
	return 0;
}

/* Copy what from has to to; -1 when from is done (EOF, EIO: every slave is closed). */
__attribute__((no_sanitize("address", "undefined"))) static int copy(int from, int to)
{
	char buf[4096];
	long n = LAUNCH_GATE(SYS_read, from, (long)buf, sizeof(buf), 0, 0, 0);

	if (n <= 0)
		return n == -EINTR || n == -EAGAIN ? 0 : -1;
	for (long off = 0; off < n;) {
		long w = LAUNCH_GATE(SYS_write, to, (long)(buf + off), n - off, 0, 0, 0);
		if (w == -EINTR)
			continue;
		if (w < 0)
			return -1;
		off += w;
	}
	return 0;
}

__attribute__((no_sanitize("address", "undefined"))) int
launch_pty_relay_armed(const struct launch_pty *t, pid_t pid)
{
	struct winsize ws, last = {0, 0, 0, 0};
	int st = 0, in_open = 1;
	long r;

	LAUNCH_GATE(SYS_close, t->slave, 0, 0, 0, 0, 0);
	for (;;) {
		struct pollfd p[2] = {{t->master, POLLIN, 0}, {0, POLLIN, 0}};
		long n = LAUNCH_GATE(SYS_poll, (long)p, in_open ? 2 : 1, 250, 0, 0, 0);

		if (t->is_tty && LAUNCH_GATE(SYS_ioctl, 0, TIOCGWINSZ, (long)&ws, 0, 0, 0) == 0 &&
		    (ws.ws_row != last.ws_row || ws.ws_col != last.ws_col)) {
			LAUNCH_GATE(SYS_ioctl, t->master, TIOCSWINSZ, (long)&ws, 0, 0, 0);
			last = ws;
		}
		if (n < 0 && n != -EINTR)
			break;
		if (n <= 0)
			continue;
		/* EIO on the master: every slave descriptor is closed, the session is over */
		if ((p[0].revents & (POLLIN | POLLHUP | POLLERR)) && copy(t->master, 1) < 0)
			break;
		if (in_open && (p[1].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    copy(0, t->master) < 0)
			in_open = 0;
	}
	if (t->is_tty)
		LAUNCH_GATE(SYS_ioctl, 0, TCSETS, (long)t->saved, 0, 0, 0);
	LAUNCH_GATE(SYS_close, t->master, 0, 0, 0, 0, 0);
	while ((r = LAUNCH_GATE(SYS_wait4, pid, (long)&st, 0, 0, 0, 0)) == -EINTR)
		;
	if (r < 0)
		return LAUNCH_EXIT_CANNOT;
	return launch_status_code(st);
}
