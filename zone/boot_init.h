/*
 * The zone's init, by its own protocol (issue 11): which init an image has, how it is asked
 * to power off, and how it says it is ready.
 *
 *   kind      found as                         shutdown request          ready
 *   minimal   lxzone's (init=minimal, or none) SIGTERM (to its program)  at once
 *   systemd   /sbin/init -> .../systemd        SIGRTMIN+4 (poweroff)     READY=1 on NOTIFY_SOCKET
 *   busybox   /sbin/init -> .../busybox        SIGUSR2 (poweroff)        at once
 *   sysvinit  an init with /run/initctl        runlevel 0 on /run/initctl its runlevel's rc done
 *   other     anything else                    SIGTERM                   at once
 *
 * Power-off itself is the kernel's: the init's last step is reboot(2), which in the zone's
 * pid namespace ends the init with SIGINT (SIGHUP for a restart), and the supervisor halts
 * (or boots again).  An init that ignores the request is killed after the shutdown timeout.
 */
#ifndef LXZONE_ZONE_BOOT_INIT_H
#define LXZONE_ZONE_BOOT_INIT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum zone_init_kind {
	ZONE_INIT_MINIMAL,
	ZONE_INIT_SYSTEMD,
	ZONE_INIT_BUSYBOX,
	ZONE_INIT_SYSVINIT,
	ZONE_INIT_OTHER,
	ZONE_INIT_NKINDS,
};

/* Where systemd finds the supervisor's notification socket in the zone (NOTIFY_SOCKET): in
 * the zone's /dev, a tmpfs of lxzone's that systemd does not mount over as it does /run. */
#define ZONE_NOTIFY_PATH "/dev/.lxzone-notify"
/* The socket in the zone directory, bound on ZONE_NOTIFY_PATH. */
#define ZONE_NOTIFY_FILE "notify"

const char *zone_init_kind_name(enum zone_init_kind k);
/* -1 when name is not a kind. */
int zone_init_kind_from_name(const char *name);

/* Does the kind say it is ready by itself (READY=1), rather than at once? */
bool zone_init_notifies(enum zone_init_kind k);
/* Is the kind's readiness polled (zone_init_sysv_ready), rather than at once? */
bool zone_init_polled(enum zone_init_kind k);

/* sysvinit (host pid init) has reached its runlevel: its command line shows a numeric
 * runlevel ("init [2]", which it sets on entering one) and no child of it runs the rc
 * scripts any more (Debian's inittab starts its gettys after `rc N` finished). */
bool zone_init_sysv_ready(pid_t init);

/* The kind of the init at path (absolute, in the zone) inside the root directory root,
 * resolved as the zone would (symlinks inside the root).  ZONE_INIT_OTHER when it cannot be
 * told. */
enum zone_init_kind zone_init_kind_detect(const char *root, const char *path);

/* Ask the zone's init (host pid init) to power off, by its protocol.  0, or -errno. */
int zone_init_request_poweroff(enum zone_init_kind k, pid_t init);

/*
 * The notification socket (sd_notify's datagrams) in dir: bound at dir/ZONE_NOTIFY_FILE,
 * mode 0666 (the zone's root may be an unmapped id's "other"), credentials passed, and
 * raising SIGIO at this process when a datagram arrives.  Returns the descriptor or -errno.
 */
int zone_init_notify_open(const char *dir);
/* Read every datagram waiting; true when init (host pid) sent READY=1 among them.  Datagrams
 * from any other process of the zone are dropped. */
bool zone_init_notify_ready(int fd, pid_t init);

#endif
