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
#include "lib/openat2.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <linux/magic.h>

int oci_send_fd(int sock, int fd)
{
	return zone_fd_send(sock, fd, "/dev/ptmx", 9);
}

/* The terminal: a pty of the container's own devpts, its master sent over the console
 * socket (runc's protocol: one message, SCM_RIGHTS), the slave the program's stdio and
 * controlling terminal (ctty 0: left to oci_console_ctty, in the process that will lead the
 * session). */
int oci_console_setup(int sock, int ctty, struct zone_error *err)
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
	if (dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "terminal as stdio");
	if (slave > 2)
		close(slave);
	return ctty ? oci_console_ctty(err) : 0;
}

int oci_console_ctty(struct zone_error *err)
{
	if (setsid() < 0 || ioctl(0, TIOCSCTTY, 0) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno,
				   "make the terminal the controlling terminal");
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
 * The container's /dev/pts/ptmx, read-write, or -1 with errno.  The host's root opens it, so
 * the path is resolved as the init's root resolves it (RESOLVE_IN_ROOT): the container's root
 * decides what is at that path (a chroot of its init, a mount over /dev/pts), and an
 * absolute symlink there, followed from the host's root as /proc/PID/root/dev/pts/ptmx
 * followed it, was a host file opened read-write by host root (runc's CVE-2025-52565
 * class).  Opened as a path first and reopened only once it is a devpts ptmx, so nothing
 * else, a device node the container made, is ever opened.
 */
static int container_ptmx(pid_t init)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	char path[64];
	struct stat st;
	struct statfs sf;
	int root, p, m = -1, en;

	snprintf(path, sizeof(path), "/proc/%d/root", (int)init);
	if ((root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	p = lx_openat2(root, "dev/pts/ptmx", &how);
	en = errno;
	close(root);
	if (p < 0)
		return errno = en, -1;
	if (fstat(p, &st) < 0 || fstatfs(p, &sf) < 0 || !S_ISCHR(st.st_mode) ||
	    sf.f_type != DEVPTS_SUPER_MAGIC || st.st_rdev != makedev(5, 2))
		errno = ENOTTY;
	else if (snprintf(path, sizeof(path), "/proc/self/fd/%d", p) > 0)
		m = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	en = errno;
	close(p);
	errno = en;
	return m;
}

/*
 * exec --tty: a terminal of the container's own devpts (its ptmx opened through its init's
 * root, the slave from the master: TIOCGPTPEER, no path), the master sent over the console
 * socket before exec returns (conmon stops listening once the runtime exits) or, with no
 * socket, returned in *master_out for the runtime's own relay, the slave returned: the forked
 * child makes it its stdio and controlling terminal (exec_tty_take), so the program
 * launch_enter forks inherits it.
 */
int oci_exec_tty(pid_t init, const char *socket_path, int *master_out, struct zone_error *e)
{
	int sock = -1, master, slave, unlock = 0;

	if (socket_path && (sock = oci_console_connect(socket_path, e)) < 0)
		return -1;
	master = container_ptmx(init);
	if (master < 0 || ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return oci_fail(e, "open the container's terminal /proc/%d/root/dev/pts/ptmx: %s",
				(int)init, strerror(errno));
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return oci_fail(e, "open the container's terminal's slave: %s", strerror(errno));
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
