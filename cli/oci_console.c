/*
 * Terminals (runc's console-socket protocol): the program's terminal is a pty of the
 * container's own devpts; its master goes to the socket the caller named (conmon, a shim)
 * in one SCM_RIGHTS message, its slave becomes the program's stdio and controlling
 * terminal.  For create, PID 1 does it after the plan (oci_console_setup); for exec, the
 * runtime opens the pty through the init's root and sends the master before it returns
 * (oci_exec_tty), and the forked waiter takes the slave (oci_exec_tty_take).
 */
#include "cli/oci.h"
#include "lib/fdpass.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

int oci_send_fd(int sock, int fd)
{
	return zone_fd_send(sock, fd, "/dev/ptmx", 9);
}

/* The terminal: a pty of the container's own devpts, its master sent over the console
 * socket (runc's protocol: one message, SCM_RIGHTS), the slave the program's stdio and
 * controlling terminal. */
int oci_console_setup(int sock, struct zone_error *err)
{
	int master, slave, unlock = 0, n;
	char path[64];

	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || ioctl(master, TIOCSPTLCK, &unlock) < 0 || ioctl(master, TIOCGPTN, &n) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno,
				   "open the container's /dev/ptmx");
	snprintf(path, sizeof(path), "/dev/pts/%d", n);
	slave = open(path, O_RDWR | O_NOCTTY);
	if (slave < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "open %s", path);
	if (oci_send_fd(sock, master) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno,
				   "send the terminal to the "
				   "console socket");
	close(master);
	close(sock);
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno,
				   "make %s the controlling "
				   "terminal",
				   path);
	if (dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "terminal as stdio");
	if (slave > 2)
		close(slave);
	return 0;
}

int oci_console_connect(const char *path, struct zone_error *e)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return oci_fail(e, "console socket %s: path too long", path);
	strcpy(sa.sun_path, path);
	/* connect and the send wait at most this long (AF_UNIX honours SO_SNDTIMEO for both):
	 * a caller whose listener never accepts (a full backlog, a stuck conmon) gets an error,
	 * not a runtime blocked forever */
	struct timeval tmo = {.tv_sec = 30};

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof(tmo));
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int en = errno;

		if (fd >= 0)
			close(fd);
		char msg[128];

		/* Go's words, as runc prints them: lower case */
		snprintf(msg, sizeof(msg), "%s", strerror(en));
		msg[0] = (char)(msg[0] >= 'A' && msg[0] <= 'Z' ? msg[0] + 32 : msg[0]);
		return oci_fail(e, "dial unix %s: connect: %s", path, msg);
	}
	return fd;
}

/*
 * exec --tty: a terminal of the container's own devpts (opened through its init's root),
 * the master sent over the console socket before exec returns (conmon stops listening once
 * the runtime exits) or, with no socket, returned in *master_out for the runtime's own relay,
 * the slave returned: the forked child makes it its stdio and controlling terminal
 * (exec_tty_take), so the program launch_enter forks inherits it.
 */
int oci_exec_tty(pid_t init, const char *socket_path, int *master_out, struct zone_error *e)
{
	char path[64];
	int sock = -1, master, slave, unlock = 0, n;

	if (socket_path && (sock = oci_console_connect(socket_path, e)) < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/root/dev/pts/ptmx", (int)init);
	master = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || ioctl(master, TIOCSPTLCK, &unlock) < 0 || ioctl(master, TIOCGPTN, &n) < 0)
		return oci_fail(e, "open the container's terminal %s: %s", path, strerror(errno));
	snprintf(path, sizeof(path), "/proc/%d/root/dev/pts/%d", (int)init, n);
	slave = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return oci_fail(e, "open %s: %s", path, strerror(errno));
	if (!socket_path) { /* the runtime relays it (oci_tty.c) */
		*master_out = master;
		return slave;
	}
	if (oci_send_fd(sock, master) < 0)
		return oci_fail(e, "send the terminal to the console socket: %s", strerror(errno));
	close(master);
	close(sock);
	return slave;
}

/* In the child, a session leader: the terminal becomes its controlling one and stdio. */
int oci_exec_tty_take(int slave, struct zone_error *e)
{
	if (ioctl(slave, TIOCSCTTY, 0) < 0 || dup2(slave, 0) < 0 || dup2(slave, 1) < 0 ||
	    dup2(slave, 2) < 0)
		return oci_fail(e, "make the terminal the exec's: %s", strerror(errno));
	close(slave);
	return 0;
}
