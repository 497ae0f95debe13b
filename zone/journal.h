/*
 * The journals of lxzone's multi-step storage operations (move: zone/move.c, snapshot
 * rollback: zone/snapshot.c, attach: zone/detach.c), in one place.
 *
 * A journal is one object in the zone's state.json, under the operation's name, written
 * (with the zone `incomplete`) before the operation touches anything; its "phase" says which
 * copy of the root is the good one, so the next `verify` (or the same command) can roll the
 * operation back or forward.  Every journal write is state.json's atomic rename.
 */
#ifndef LXZONE_ZONE_JOURNAL_H
#define LXZONE_ZONE_JOURNAL_H

#include <stdbool.h>

#include "zone/store.h"

/* The journal of operation `op` ("move", "rollback", "attach") is in the state. */
bool zone_journal_pending(struct zone *z, const char *op);
/* A string of that journal; "" when absent. */
const char *zone_journal_str(struct zone *z, const char *op, const char *key);
/* A boolean of that journal; false when absent. */
bool zone_journal_bool(struct zone *z, const char *op, const char *key);
/* Record the journal's new phase (one state.json write). */
int zone_journal_phase(struct zone *z, const char *op, const char *phase, struct zone_error *err);

/* Is `in` the directory `dir` or below it (as strings, both absolute and normalized)? */
bool zone_path_within(const char *in, const char *dir);

/* LXZONE_TEST_CRASH=name makes the process SIGKILL itself here: the integration tests' kill
 * -9 at a known moment (tests/integration/zone/test_*_killed.sh). */
void zone_test_crashpoint(const char *name);

#endif
