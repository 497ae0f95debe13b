/*
 * Booting, halting and entering zones, over the launcher (zone/launch/launch.h).
 *
 * `boot` forks a per-zone supervisor outside the zone. The supervisor takes a private mount
 * namespace (where a sparse zone's overlay is mounted, so nothing is ever mounted on the
 * host), creates the zone's cgroup with its caps, prepares the network, and has the launcher
 * start the zone's init in new namespaces. It then holds all of that, with the console log
 * (ZONEPATH/console.log, capped and rotated, zone/console.h: init's stdout and stderr are a
 * pipe it reads), until init exits or it is told to stop:
 *
 *   SIGTERM  halt: kill everything in the zone's cgroup
 *   SIGUSR1  shutdown: SIGTERM to the zone's init (which forwards it to its program)
 *
 * and then kills what is left, removes the cgroup and records init's exit status in
 * ZONEPATH/exit-status. A zone whose recorded supervisor is gone reads as `installed`
 * (zone_get_state), so a crashed supervisor cannot leave a zone that looks running, and the
 * command that stops a zone records its end: the supervisor writes state.json only when its
 * init ended on its own (no command waits for it), under the zone's lock, waited for briefly,
 * so that state.json never disagrees with what `list` says.
 */
#ifndef LXZONE_ZONE_BOOT_H
#define LXZONE_ZONE_BOOT_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "lib/error.h"
#include "zone/store.h"

/* Boot an installed zone (locked by the caller). */
int zone_boot(struct zone *z, struct zone_error *err);

/* What boot would do, one step a line (`lxzone boot --dry-run`): the supervisor's part, then
 * the launcher's plan. Changes nothing. */
int zone_boot_plan_print(struct zone *z, FILE *out, struct zone_error *err);

/* Stop a zone: halt kills at once; shutdown asks init first and halts after timeout_s. */
int zone_halt(struct zone *z, struct zone_error *err);
int zone_shutdown(struct zone *z, int timeout_s, struct zone_error *err);

struct zone_exec_opts {
	const char *workdir; /* NULL: / */
	const char *user;    /* NAME, UID or UID:GID in the zone; NULL: root */
	bool pty;	     /* a terminal from the zone's devpts, relayed to ours (login) */
	char **env;	     /* extra KEY=VALUE, NULL-terminated or NULL */
	bool login;	     /* a login shell */
	bool in_place;	     /* join the zone in this process (saves a fork): the caller only
				waits and exits afterwards, never touches the host again */
};

/* Run argv in a running zone, under the brand; *status gets its exit status. */
int zone_exec(struct zone *z, char **argv, const struct zone_exec_opts *o, int *status,
	      struct zone_error *err);

/* The zone's init pid recorded at boot, 0 when the zone is not running. */
pid_t zone_init_pid(struct zone *z);

/* Kill and remove a cgroup a dead supervisor left behind. */
int zone_cleanup_leftovers(struct zone *z, struct zone_error *err);

#endif
