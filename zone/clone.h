/* Clones, snapshots, rollback, move, detach and attach: the storage side of the lifecycle. */
#ifndef LXZONE_ZONE_CLONE_H
#define LXZONE_ZONE_CLONE_H

#include <jansson.h>
#include <stdbool.h>

#include "lib/error.h"
#include "zone/store.h"

enum zone_clone_method {
	ZONE_CLONE_AUTO, /* overlay for root-type=sparse, else reflink when possible, else copy */
	ZONE_CLONE_COPY,
	ZONE_CLONE_REFLINK,
	ZONE_CLONE_OVERLAY,
};

int zone_clone_method_parse(const char *s, enum zone_clone_method *m, struct zone_error *err);

/*
 * Install `dst` (configured, locked) from zone `src` (installed), from its snapshot `snap`
 * when not NULL. overlay needs a snapshot, or a golden source (its root is then the lower
 * layer, and stays read-only while clones depend on it).
 */
int zone_clone_into(struct zone *src, const char *snap, struct zone *dst,
		    enum zone_clone_method method, struct zone_error *err);

/* The lower directory of an overlay zone, or NULL for a whole-root zone. */
const char *zone_overlay_lower(struct zone *z);

/* Mount an overlay zone's root on ZONEPATH/root (in the caller's mount namespace). */
int zone_overlay_mount(struct zone *z, struct zone_error *err);

/*
 * Run fn with the zone's root readable at a path: for whole-root zones directly; for overlay
 * zones in a child process with a private mount namespace, so nothing stays mounted.
 */
int zone_with_root(struct zone *z, int (*fn)(const char *root, void *arg, struct zone_error *err),
		   void *arg, struct zone_error *err);

int zone_snapshot_create(struct zone *z, const char *snap, struct zone_error *err);
int zone_snapshot_rollback(struct zone *z, const char *snap, struct zone_error *err);
int zone_snapshot_list(struct zone *z, json_t **list, struct zone_error *err);
int zone_snapshot_name_validate(const char *snap, struct zone_error *err);

/* Move the zone's layers to newpath, journaled (zone/move.c): a move killed midway is
 * recovered by zone_move_recover, which the next move and verify run. */
int zone_move(struct zone *z, const char *newpath, struct zone_error *err);

/* What recovering an interrupted move, rollback or attach did. */
enum zone_recovery {
	ZONE_RECOVERED_NOTHING, /* nothing was interrupted */
	ZONE_ROLLED_BACK,	/* the zone is as before the operation; its partial copy gone */
	ZONE_ROLLED_FORWARD,	/* the operation is finished */
};

/* A move journal is in the state. */
bool zone_move_pending(struct zone *z);
/* A move stopped before its commit: the zone is `incomplete` but its root is whole (at the
 * source, or split between source and destination); nothing may remove it. */
bool zone_move_unfinished(struct zone *z);
/* Roll an interrupted move back or forward (the zone locked); *out says which. */
int zone_move_recover(struct zone *z, enum zone_recovery *out, struct zone_error *err);

/* A snapshot rollback that did not finish (zone/snapshot.c): the zone is `incomplete`, but
 * its layer before the rollback is whole, set aside; nothing may remove it. */
bool zone_rollback_pending(struct zone *z);
/* Undo an interrupted rollback, or finish it once its copy was whole (the zone locked). */
int zone_rollback_recover(struct zone *z, enum zone_recovery *out, struct zone_error *err);

int zone_detach(struct zone *z, const char *archive, struct zone_error *err);
/* Attach a root (PATH/root, PATH, or an archive), journaled (zone/detach.c): an attach killed
 * midway is recovered by zone_attach_recover, which the next attach and verify run. */
int zone_attach(struct zone *z, const char *path, const char *archive, struct zone_error *err);
/* An attach journal is in the state. */
bool zone_attach_pending(struct zone *z);
/* An attach of the zone's own root (detached in place) stopped before its commit: the zone
 * is `incomplete` but that root is the user's only copy; nothing may remove it. */
bool zone_attach_only_copy(struct zone *z);
/* Roll an interrupted attach back (to `configured`, the root where it was) or forward. */
int zone_attach_recover(struct zone *z, enum zone_recovery *out, struct zone_error *err);

/* Give a freshly cloned root its own identity: hostname, empty machine-id. */
int zone_reset_identity(struct zone *z, const char *root, struct zone_error *err);

#endif
