/*
 * The zone's console log: what the zone's init and every process that inherits its stdout and
 * stderr write, kept by the supervisor (outside the zone) in ZONEPATH/console.log with a size
 * cap and rotation (config keys console-log-size and console-log-files).
 *
 * Init's stdout and stderr are a pipe; the supervisor reads it and appends to console.log.
 * When the next byte would take console.log past the cap, console.log becomes console.log.1
 * (console.log.1 becomes .2, ..., the oldest past console-log-files - 1 is dropped) and a new
 * console.log is started; with one file, console.log is emptied instead.  So the zone never
 * holds a descriptor of a host file, and the log never takes more than size x files bytes.
 *
 * The supervisor's own lines ("booted", "halted") go to the same log (zone_console_printf,
 * and its stdout and stderr follow console.log across rotations); a line of its own that
 * would cross the cap is never split: the rotation comes before it.  A write that fails (disk
 * full) drops the data and is counted, never retried: the zone is never held up by the log
 * beyond the pipe's back-pressure while the supervisor writes.
 */
#ifndef LXZONE_ZONE_CONSOLE_H
#define LXZONE_ZONE_CONSOLE_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "lib/error.h"

#define ZONE_CONSOLE_LOG       "console.log"
#define ZONE_CONSOLE_MAX_FILES 100

struct zone_console {
	int dirfd;	   /* the zone's directory */
	int logfd;	   /* console.log, O_APPEND */
	int rfd;	   /* read end of the zone's pipe, non-blocking; -1: none, or at its end */
	int wfd;	   /* write end, until init has it */
	int slave;	   /* the console terminal (zone_console_pty_open), held for the zone's
			      life so its master never reads as ended between two openers */
	int listen_fd;	   /* ZONEPATH/ZONE_CONSOLE_SOCK, for `lxzone console` */
	int client;	   /* the attached `lxzone console`, -1: none */
	int sigfd;	   /* signalfd of the supervisor's wait set (zone_console_sigwait) */
	uint64_t max_size; /* rotate at this size; UINT64_MAX: never */
	unsigned files;	   /* console.log and files - 1 rotated ones */
	int own_stdio;	   /* the process's stdout and stderr follow console.log */
	uint64_t dropped;  /* bytes lost to failed writes */
};

/*
 * Open (create) console.log in the zone directory dir, rotating it first if it is already at
 * the cap, removing rotated files past the count.  max_size: bytes (UINT64_MAX: no cap);
 * files: 1 to ZONE_CONSOLE_MAX_FILES.  0, or -1 with err.
 */
int zone_console_open(struct zone_console *c, const char *dir, uint64_t max_size, unsigned files,
		      struct zone_error *err);

/* The process's stdout and stderr become console.log, and follow it across rotations. */
void zone_console_own_stdio(struct zone_console *c);

/* The zone's pipe: the process's stdout and stderr become its write end, for the zone's init
 * to inherit (launch_spawn).  0, or -1 with err (stdio unchanged). */
int zone_console_pipe_stdio(struct zone_console *c, struct zone_error *err);
/*
 * The zone's console as a terminal, as a machine's is (systemd, sysvinit and getty want one):
 * a pty from the host's /dev/ptmx whose slave, given to uid:gid (the zone's root; -1: left
 * as root's), is bound on the zone's /dev/console (launch opts `console`) and is init's stdin,
 * stdout and stderr; the supervisor reads the master into the log as it reads the pipe.
 * path gets the slave's host path.  0, or -1 with err.
 */
int zone_console_pty_open(struct zone_console *c, uid_t uid, gid_t gid, char *path, size_t len,
			  struct zone_error *err);
/* The process's stdin, stdout and stderr become the console's slave, for init to inherit. */
void zone_console_pty_stdio(struct zone_console *c);

/*
 * `lxzone console NAME` (cli/lxzone_console.c): a stream socket at dir/ZONE_CONSOLE_SOCK,
 * root's only, raising SIGIO at this process on a connection or input (the supervisor has
 * SIGIO in its wait set).  One client at a time, as a machine has one console: what the
 * console prints goes to the log and to the client, what the client types to the console.
 * zone_console_serve, on SIGIO, takes a new client (a second one is told and refused) and
 * copies its input to the terminal.  0, or -1 with err.
 */
#define ZONE_CONSOLE_SOCK "console.sock"
int zone_console_listen(struct zone_console *c, const char *dir, struct zone_error *err);
void zone_console_serve(struct zone_console *c);
/* Remove dir's console socket (the zone has ended). */
void zone_console_unlink(const char *dir);

/* Once init is started: the process's stdout and stderr are console.log again, and the
 * write end is closed (init and the zone hold it now). */
void zone_console_log_stdio(struct zone_console *c);

/*
 * sigtimedwait(set, si, timeout) that also copies what the zone writes into the log while it
 * waits.  Returns the signal, or -1 (timeout, interrupted, or log output handled: the caller
 * loops).  set must be blocked.
 */
int zone_console_sigwait(struct zone_console *c, const sigset_t *set, siginfo_t *si,
			 const struct timespec *timeout);

/* Copy everything the pipe holds now into the log, until it is empty or at its end (every
 * writer gone): before the supervisor reports that the zone ended. */
void zone_console_drain(struct zone_console *c);

/* One line of the supervisor's own, under the same cap. */
void zone_console_printf(struct zone_console *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void zone_console_close(struct zone_console *c);

/* Write buf to the log, rotating at the cap (the part that fits goes first). */
void zone_console_write(struct zone_console *c, const char *buf, size_t len);

#endif
