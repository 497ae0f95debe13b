/*
 * The runtime's own terminal relay (runc's tty.go): `run` in the foreground (and `exec --tty`
 * not detached) with process.terminal and no --console-socket.  The caller's terminal is the
 * console: the container's pty master comes to us instead of to a console socket (create's
 * PID 1 sends it over a socketpair we hold the other end of; exec opens it itself), and we
 * copy between it and our stdin/stdout until the program ends.
 *
 * As runc: the caller's terminal is the first of stderr, stdout, stdin that is one, else
 * /dev/tty ("open /dev/tty: no such device or address" when there is none); it is put in raw
 * mode with output processing kept (OPOST: runc's SetRaw), the container's pty loses ONLCR
 * (so a newline is translated once, by the caller's terminal), the container's window size is
 * the caller's from the start and follows it on every SIGWINCH, the signals a foreground run
 * forwards (launch_forward_sigset) go to the program, and at the end the rest of the output
 * is drained and the caller's terminal restored.  Not as runc: a SIGINT is forwarded, where
 * runc's tty.go also restores the terminal and exits 0 at once, leaving the container.
 *
 * One thread, one poll: input read only when what was read before reached the master
 * (O_NONBLOCK), so a program that does not read its terminal never stalls its output.
 */
#include "cli/oci.h"
#include "lib/fdpass.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

/* Go's error words, as runc prints them: "open /dev/tty: no such device or address". */
static int go_fail(struct zone_error *e, const char *what, int en)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "%s", strerror(en));
	if (msg[0] >= 'A' && msg[0] <= 'Z')
		msg[0] = (char)(msg[0] + 32);
	return oci_fail(e, "%s: %s", what, msg);
}

int oci_tty_host(struct oci_tty *t, struct zone_error *e)
{
	static const int fds[] = {2, 1, 0};

	memset(t, 0, sizeof(*t));
	t->host = t->sock = t->master = -1;
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (isatty(fds[i])) {
			t->host = fds[i];
			return 0;
		}
	/* every stream redirected, yet a controlling terminal: /dev/tty is it */
	t->host = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (t->host < 0)
		return go_fail(e, "open /dev/tty", errno);
	t->host_owned = 1;
	return 0;
}

int oci_tty_pair(struct oci_tty *t, int *child_end, struct zone_error *e)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return oci_fail(e, "console socketpair: %s", strerror(errno));
	t->sock = sv[0];
	*child_end = sv[1];
	return 0;
}

/* Our window size to the container's terminal (runc's resize: errors ignored, the caller's
 * terminal may be gone). */
static void tty_resize(const struct oci_tty *t)
{
	struct winsize ws;

	if (ioctl(t->host, TIOCGWINSZ, &ws) == 0)
		ioctl(t->master, TIOCSWINSZ, &ws);
}

int oci_tty_use(struct oci_tty *t, int master, struct zone_error *e)
{
	struct termios tio;

	t->master = master;
	/* the caller's terminal translates newlines (OPOST stays on below): not twice */
	if (tcgetattr(master, &tio) == 0) {
		tio.c_oflag &= ~(tcflag_t)ONLCR;
		tcsetattr(master, TCSANOW, &tio);
	}
	tty_resize(t);
	if (tcgetattr(t->host, &t->saved) < 0)
		return oci_fail(e, "failed to set the terminal from the stdin: %s",
				strerror(errno));
	tio = t->saved;
	cfmakeraw(&tio);
	tio.c_oflag |= OPOST;
	if (tcsetattr(t->host, TCSANOW, &tio) < 0)
		return oci_fail(e, "failed to set the terminal from the stdin: %s",
				strerror(errno));
	t->raw = 1;
	fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
	return 0;
}

int oci_tty_recv(struct oci_tty *t, struct zone_error *e)
{
	char buf[64];
	ssize_t n;
	int fd = zone_fd_recv(t->sock, buf, sizeof(buf), &n);

	if (fd < 0)
		return oci_fail(e, "receive the container's terminal: %s",
				n < 0 ? strerror(errno) : "no descriptor");
	close(t->sock);
	t->sock = -1;
	return oci_tty_use(t, fd, e);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The container's output to our stdout: 0 while it may say more, -1 at its end (EIO: every
 * holder of the slave closed it) or nothing left for now (EAGAIN, when draining). */
static int copy_out(const struct oci_tty *t)
{
	char buf[8192];
	ssize_t n = read(t->master, buf, sizeof(buf));

	if (n < 0 && errno == EINTR)
		return 0;
	if (n <= 0)
		return -1;
	write_all(1, buf, (size_t)n); /* a stdout gone: the output is lost, as under runc */
	return 0;
}

int oci_tty_relay(struct oci_tty *t, pid_t pid)
{
	char in[4096];
	size_t in_len = 0, in_off = 0;
	int in_open = 1, out_open = 1, st = 0, sfd;
	sigset_t set, old;

	launch_forward_sigset(&set);
	sigaddset(&set, SIGWINCH);
	sigprocmask(SIG_BLOCK, &set, &old);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	tty_resize(t); /* a resize before we listened */
	for (;;) {
		struct pollfd p[3] = {{.fd = sfd, .events = POLLIN},
				      {.fd = out_open ? t->master : -1,
				       .events = (short)(POLLIN | (in_len ? POLLOUT : 0))},
				      {.fd = in_open && !in_len ? 0 : -1, .events = POLLIN}};
		struct signalfd_siginfo si;
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid || (r < 0 && errno == ECHILD))
			break;
		if (poll(p, 3, -1) < 0 && errno != EINTR)
			break;
		while (sfd >= 0 && read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			if (si.ssi_signo == SIGWINCH)
				tty_resize(t);
			else if (si.ssi_signo != SIGCHLD)
				kill(pid, (int)si.ssi_signo);
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR) && copy_out(t) < 0)
			out_open = 0; /* the program closed its terminal; it may still run */
		if (p[2].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(0, in, sizeof(in));

			if (n > 0)
				in_len = (size_t)n, in_off = 0;
			else if (n == 0 || errno != EINTR)
				in_open = 0; /* our input ended: the container's does not (runc) */
		}
		if (in_len && out_open) {
			ssize_t w = write(t->master, in + in_off, in_len);

			if (w > 0)
				in_off += (size_t)w, in_len -= (size_t)w;
			else if (w < 0 && errno != EAGAIN && errno != EINTR)
				in_len = 0;
		}
	}
	/* what the program wrote before it ended */
	while (out_open && copy_out(t) == 0)
		;
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return launch_status_code(st);
}

void oci_tty_close(struct oci_tty *t)
{
	if (t->raw)
		tcsetattr(t->host, TCSANOW, &t->saved);
	t->raw = 0;
	if (t->master >= 0)
		close(t->master);
	if (t->sock >= 0)
		close(t->sock);
	if (t->host_owned)
		close(t->host);
	t->master = t->sock = t->host = -1;
	t->host_owned = 0;
}
