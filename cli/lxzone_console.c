/*
 * lxzone console NAME [--tty K]: attach to the zone's /dev/console, as `lxc console` and
 * `virsh console` do, or to its /dev/ttyK (`lxc console -t K`).  The supervisor holds the
 * console terminal's master and relays it to one client on ZONEPATH/console.sock
 * (zone/console.h); a tty's master it hands to one client, which reads and writes it itself
 * (zone/ttys.h).  This end puts the caller's terminal in raw mode and copies both ways until
 * the detach sequence, Ctrl-a q (Ctrl-a a sends a Ctrl-a), the zone's end, or the end of its
 * input.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "cli/lxzone.h"
#include "zone/console.h"
#include "zone/ttys.h"

#define DETACH_PREFIX 0x01 /* Ctrl-a */
#define DETACH_KEY    'q'

/* Copy what the user typed to the console, minus the escape; 1 once the user detached. */
static int relay_input(int fd, int is_sock, const char *in, size_t n, int *escaped)
{
	char out[8192]; /* an escape pending from the last read adds one byte */
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (*escaped) {
			*escaped = 0;
			if (in[i] == DETACH_KEY)
				return 1;
			if (in[i] != 'a')
				out[o++] = DETACH_PREFIX;
			out[o++] = in[i] == 'a' ? DETACH_PREFIX : in[i];
		} else if (in[i] == DETACH_PREFIX) {
			*escaped = 1;
		} else {
			out[o++] = in[i];
		}
	}
	if (o == 0)
		return 0;
	return (is_sock ? send(fd, out, o, MSG_NOSIGNAL) : write(fd, out, o)) < 0 ? -1 : 0;
}

/* Copy between the caller's terminal and fd (the console's socket, or a tty's master) until
 * the user detaches or the zone's end closes it. */
static void relay(int fd, int is_sock)
{
	int escaped = 0, done = 0, in_open = 1;

	while (!done) {
		struct pollfd p[2] = {{.fd = fd, .events = POLLIN},
				      {.fd = in_open ? STDIN_FILENO : -1, .events = POLLIN}};
		char buf[4096];
		ssize_t n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents) {
			n = read(fd, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			/* the zone ended, or the console was in use; a tty's master reads EIO
			 * once no slave is left (the supervisor, which holds one, is gone) */
			if (n <= 0)
				break;
			if (write(STDOUT_FILENO, buf, (size_t)n) < 0)
				break;
		}
		if (p[1].revents) {
			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n <= 0)
				in_open = 0; /* keep showing the console until detached or ended */
			else if (relay_input(fd, is_sock, buf, (size_t)n, &escaped) != 0)
				done = 1;
		}
	}
}

/* [--tty K | -t K] NAME: K (0: the console) and NAME; -1 on a usage error. */
static int console_args(int argc, char **argv, unsigned *k, const char **name)
{
	*k = 0;
	*name = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--tty") == 0 || strcmp(argv[i], "-t") == 0) {
			char *end;
			unsigned long v;

			if (i + 1 >= argc)
				return -1;
			v = strtoul(argv[++i], &end, 10);
			if (*end || end == argv[i] || v < 1 || v > ZONE_TTYS_MAX)
				return -1;
			*k = (unsigned)v;
		} else if (!*name && argv[i][0] != '-') {
			*name = argv[i];
		} else {
			return -1;
		}
	}
	return *name ? 0 : -1;
}

int cli_console(struct cli *c, int argc, char **argv, struct zone_error *err)
{
	cleanup_zone struct zone *z = NULL;
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	struct termios saved, raw;
	int tty = isatty(STDIN_FILENO);
	cleanup_close int sock = -1, lock = -1;
	const char *name;
	char what[32] = "the console";
	unsigned k;

	if (console_args(argc, argv, &k, &name) < 0)
		return cli_usage_error(c, err);
	if (zone_open(&c->store, name, 0, &z, err) < 0)
		return -1;
	enum zone_state s = zone_get_state(z);
	if (s != ZONE_BOOTING && s != ZONE_RUNNING && s != ZONE_SHUTTING_DOWN)
		return zone_error_set(err, 0,
				      "zone %s is %s, not running (lxzone boot %s starts it)",
				      z->name, zone_state_name(s), z->name);
	if (k) {
		snprintf(what, sizeof(what), "/dev/tty%u", k);
		if (zone_tty_attach(zone_path(z), k, &sock, &lock, err) < 0)
			return zone_error_wrap(err, "zone %s", z->name);
	} else {
		snprintf(a.sun_path, sizeof(a.sun_path), "%s/%s", zone_path(z), ZONE_CONSOLE_SOCK);
		sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (sock < 0 || connect(sock, (struct sockaddr *)&a, sizeof(a)) < 0)
			return zone_error_set(err, errno, "zone %s: console", z->name);
	}
	fprintf(stderr, "Connected to %s of zone %s; Ctrl-a q to detach\r\n", what, z->name);
	if (tty && tcgetattr(STDIN_FILENO, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	} else {
		tty = 0;
	}
	relay(sock, k == 0);
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	fprintf(stderr, "\r\nDetached from %s of zone %s\r\n", what, z->name);
	return 0;
}
