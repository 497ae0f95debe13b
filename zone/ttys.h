/*
 * The zone's terminals /dev/tty1..N, as LXC gives a container (lxc.tty.max): each a pty from
 * the host's /dev/ptmx whose slave, given to the zone's root, is bound on the zone's
 * /dev/ttyK (launch opts `ttys`), while the supervisor holds the master for the zone's life.
 * An image's inittab runs a getty on tty1..tty6 (Debian's sysvinit, busybox's default): with
 * no such terminal each getty fails and is respawned for as long as the zone runs; on these
 * it opens its terminal and waits for a login.  Only an attached `lxzone console --tty K`
 * reads a master: what a program writes to a tty nobody attached to stays in the pty's
 * buffer (shown on the next attach), and a writer that fills it waits, as on LXC's ttys with
 * no console attached.  systemd runs no getty on them (its
 * getty@ needs /dev/tty0, a virtual console; its console getty uses /dev/console).
 */
#ifndef LXZONE_ZONE_TTYS_H
#define LXZONE_ZONE_TTYS_H

#include <stddef.h>
#include <sys/types.h>

#include "lib/error.h"

#define ZONE_TTYS_MAX 12

struct zone_ttys {
	size_t n;
	int master[ZONE_TTYS_MAX];
	int slave[ZONE_TTYS_MAX]; /* held, so that a getty's last close never hangs the tty up
				     for the next one */
	char path[ZONE_TTYS_MAX][64];
	const char *paths[ZONE_TTYS_MAX]; /* path[i], for launch opts `ttys` */
	int listen_fd;			  /* ZONE_TTYS_SOCK (zone_ttys_listen), -1: none */
};

/* Open n (at most ZONE_TTYS_MAX) terminals whose slaves belong to uid:gid (-1: root's).
 * 0, or -1 with err (none left open). */
int zone_ttys_open(struct zone_ttys *t, size_t n, uid_t uid, gid_t gid, struct zone_error *err);
void zone_ttys_close(struct zone_ttys *t);

/*
 * `lxzone console NAME --tty K` (cli/lxzone_console.c), as `lxc console -t K`: the supervisor
 * listens on dir/ZONE_TTYS_SOCK (root's only, SIGIO at this process on a connection, as the
 * console's socket); a client sends "K\n" and gets the master of /dev/ttyK as SCM_RIGHTS
 * with a "+" byte, or a one-line reason.  The client then reads and writes the master
 * itself (nothing else reads it), holding dir/.ttyK.lock (flock) so that one client at a
 * time has it.  zone_ttys_serve answers every pending connection.
 */
#define ZONE_TTYS_SOCK "ttys.sock"
int zone_ttys_listen(struct zone_ttys *t, const char *dir, struct zone_error *err);
void zone_ttys_serve(struct zone_ttys *t);
void zone_ttys_unlink(const char *dir);
/* The client: the master of the zone's /dev/ttyK, locked for this process (*lock: the lock's
 * descriptor).  0, or -1 with err (no such terminal, in use, the zone's supervisor gone). */
int zone_tty_attach(const char *dir, unsigned k, int *master, int *lock, struct zone_error *err);

/* "/dev/ttyK" for K = i + 1, i < ZONE_TTYS_MAX, else NULL (inline: the launcher's plan
 * uses it without the zone library) */
static inline const char *zone_tty_name(size_t i)
{
	static const char *const names[ZONE_TTYS_MAX] = {
	    "/dev/tty1", "/dev/tty2", "/dev/tty3", "/dev/tty4",	 "/dev/tty5",  "/dev/tty6",
	    "/dev/tty7", "/dev/tty8", "/dev/tty9", "/dev/tty10", "/dev/tty11", "/dev/tty12",
	};

	return i < ZONE_TTYS_MAX ? names[i] : NULL;
}

#endif
