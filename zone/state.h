/*
 * Zone states and the legal transitions between them, in one table.
 *
 *   configured -> incomplete -> installed -> ready -> booting -> running -> shutting_down
 *                                                                          -> installed
 *
 * `booting`: the zone's init runs but has not said it is ready (systemd's READY=1; other
 * inits are ready at once, zone/boot_init.h).
 *
 * `incomplete` marks an install, clone, move, rollback, attach or uninstall that has not
 * finished: a zone in that state is never mistaken for a good one.  `verify` recovers a
 * journaled one (move, rollback, attach: zone/journal.h), `uninstall` cleans up the others.
 */
#ifndef LXZONE_ZONE_STATE_H
#define LXZONE_ZONE_STATE_H

#include <stdbool.h>

enum zone_state {
	ZONE_CONFIGURED,
	ZONE_INCOMPLETE,
	ZONE_INSTALLED,
	ZONE_READY,
	ZONE_BOOTING,
	ZONE_RUNNING,
	ZONE_SHUTTING_DOWN,
	ZONE_STATE_COUNT,
};

struct zone_transition {
	enum zone_state from, to;
	const char *why; /* which operation takes this edge */
};

extern const struct zone_transition zone_transitions[];
extern const unsigned zone_ntransitions;

const char *zone_state_name(enum zone_state s);
/* -1 when the name is not a state. */
int zone_state_from_name(const char *name);
bool zone_state_transition_ok(enum zone_state from, enum zone_state to);

#endif
