/*
 * The zone store: $LXZONE_ROOT (default /var/lib/lxzone), one directory per zone:
 *
 *   NAME/config.json   the configuration (zone/config.h)
 *   NAME/state.json    state, zone path, origin, supervisor pid
 *   NAME/.lock         flock(2) target: one lifecycle command per zone at a time
 *   ZONEPATH/root/     the root file system (whole-root), or the overlay mount point
 *   ZONEPATH/upper/, ZONEPATH/work/   the overlay's private layer (sparse-root)
 *   ZONEPATH/snapshots/SNAP/          snapshots
 *
 * ZONEPATH is the zone's directory unless `lxzone move` put it elsewhere.
 */
#ifndef LXZONE_ZONE_STORE_H
#define LXZONE_ZONE_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "lib/error.h"
#include "zone/state.h"

struct zone_store {
	char root[4096];
};

struct zone {
	struct zone_store *store;
	char name[64];
	char dir[4096 + 128];
	int dirfd;
	int lockfd;
	json_t *config;
	json_t *state; /* the state.json object */
	/* ZONE_OPEN_BROKEN: why config.json or state.json could not be loaded, one line ("" when
	 * both were); the unloadable one is an empty object.  state_broken: state.json is. */
	char broken[512];
	bool state_broken;
};

enum {
	ZONE_OPEN_LOCK = 1, /* take the per-zone lock (waits up to LXZONE_LOCK_TIMEOUT s) */
	/* open a zone whose config.json or state.json is corrupt (z->broken says why): for the
	 * commands that must still see it or end it (list, info, halt, destroy) */
	ZONE_OPEN_BROKEN = 2,
};

int zone_store_init(struct zone_store *s, struct zone_error *err);
/* Names of all zones, sorted; free with zone_names_free. */
int zone_store_list(struct zone_store *s, char ***names, size_t *n, struct zone_error *err);
void zone_names_free(char **names, size_t n);

int zone_open(struct zone_store *s, const char *name, unsigned flags, struct zone **out,
	      struct zone_error *err);
/* Create a new zone in state `configured` with `config` (ownership passes); locked. */
int zone_new(struct zone_store *s, const char *name, json_t *config, struct zone **out,
	     struct zone_error *err);
void zone_free(struct zone *z);
#define cleanup_zone __attribute__((cleanup(zone_freep)))
void zone_freep(struct zone **z);

int zone_lock(struct zone *z, struct zone_error *err);

enum zone_state zone_get_state(struct zone *z);
/* Change state along a legal edge of the table; written atomically. */
int zone_set_state(struct zone *z, enum zone_state to, struct zone_error *err);
int zone_save_state(struct zone *z, struct zone_error *err);
int zone_save_config(struct zone *z, struct zone_error *err);

/* ZONEPATH, and ZONEPATH/<sub> (malloc'd). */
const char *zone_path(struct zone *z);
char *zone_subpath(struct zone *z, const char *sub);

/* A state.json string field ("" when absent) and setter (not saved until zone_save_state). */
const char *zone_state_get(struct zone *z, const char *key);
void zone_state_put(struct zone *z, const char *key, json_t *value);

/* Start time of a process (field 22 of /proc/PID/stat), 0 if it does not exist. */
unsigned long long zone_proc_starttime(pid_t pid);

/* Supervisor pid recorded in state.json, 0 if none or no longer alive. */
pid_t zone_supervisor_pid(struct zone *z);

/* Remove the zone's metadata directory (destroy). The zone must be `configured`. */
int zone_remove(struct zone *z, struct zone_error *err);

/* Summary as JSON, for list / info. */
/* The state as a user should read it: "detached" for a detached zone, and for an incomplete
 * one "incomplete (interrupted move: run lxzone verify NAME ...)"; else the state's name.
 * Returns buf or a constant string. */
const char *zone_state_hint(struct zone *z, char *buf, size_t len);
json_t *zone_info_json(struct zone *z);

#endif
