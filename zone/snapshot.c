/*
 * Snapshots and rollback (move: zone/move.c).
 *
 * A snapshot of a whole-root zone is a copy of its root (reflinked where the file system can)
 * in ZONEPATH/snapshots/SNAP. A snapshot of an overlay zone is a copy of its upper layer only:
 * the lower layer never changes while the zone depends on it, so upper + lower is the whole
 * root at that moment. Snapshots are built under a temporary name and renamed into place.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "zone/progress.h"
#include "zone/clone.h"
#include "zone/config.h"
#include "zone/copy.h"
#include "zone/fsutil.h"
#include "zone/install.h"
#include "zone/journal.h"

int zone_snapshot_name_validate(const char *snap, struct zone_error *err)
{
	if (zone_name_validate(snap, err) < 0)
		return zone_error_set(
		    err, 0, "invalid snapshot name '%s': letters, digits, '-', '_', '.'", snap);
	return 0;
}

static int copy_layer(struct zone *z, const char *phase, const char *from, const char *to,
		      struct zone_error *err)
{
	struct zone_progress p;
	struct zone_copy_opts o = {.reflink = zone_reflink_supported(from, to),
				   .progress = zone_progress_copy_cb,
				   .progress_arg = &p};
	int r;

	if (mkdir(to, 0755) < 0)
		return zone_error_set(err, errno, "mkdir %s", to);
	zone_progress_start(&p, z->name, phase);
	zone_progress_measure(&p, zone_progress_tree_bytes, (void *)from);
	r = zone_copy_tree(from, to, &o, NULL, err);
	if (r < 0)
		zone_progress_end(&p);
	else
		zone_progress_finish(&p);
	return r;
}

int zone_snapshot_create(struct zone *z, const char *snap, struct zone_error *err)
{
	enum zone_state s = zone_get_state(z);
	cleanup_free char *dir = zone_subpath(z, "snapshots");
	cleanup_free char *src = zone_subpath(z, zone_overlay_lower(z) ? "upper" : "root");
	char tmp[4200], final[4200], meta[4200];
	struct stat st;

	if (zone_snapshot_name_validate(snap, err) < 0)
		return -1;
	if (s == ZONE_CONFIGURED || s == ZONE_INCOMPLETE)
		return zone_error_set(err, 0, "zone %s is %s; nothing to snapshot", z->name,
				      zone_state_name(s));
	if (zone_mkdir_p(dir, 0700, err) < 0)
		return -1;
	snprintf(final, sizeof(final), "%s/%s", dir, snap);
	snprintf(tmp, sizeof(tmp), "%s/.%s.partial", dir, snap);
	snprintf(meta, sizeof(meta), "%s.json", snap);
	if (stat(final, &st) == 0)
		return zone_error_set(err, 0, "zone %s already has a snapshot %s", z->name, snap);
	if (zone_rmtree(tmp, err) < 0)
		return -1;
	if (copy_layer(z, "snapshot", src, tmp, err) < 0) {
		zone_rmtree(tmp, NULL);
		return zone_error_wrap(err, "snapshot %s of zone %s", snap, z->name);
	}
	cleanup_close int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char ts[64];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_t *m = json_pack("{s:s, s:s, s:s}", "name", snap, "created", ts, "layer",
			      zone_overlay_lower(z) ? "upper" : "root");
	int r = zone_json_write_atomic(dfd, meta, m, err);
	json_decref(m);
	if (r < 0)
		return -1;
	if (rename(tmp, final) < 0)
		return zone_error_set(err, errno, "snapshot %s of zone %s", snap, z->name);
	return 0;
}

/*
 * Rollback is journaled like move (zone/move.c): state.json's "rollback" {layer, phase} is
 * written, with the zone `incomplete`, once a stale set-aside copy is gone and before the
 * current layer is set aside as LAYER.rollback-old.  Phase copy: the snapshot is being copied
 * to LAYER; the set-aside layer (when the rename happened) is the whole one, so recovery puts
 * it back.  Phase cleanup (the copy is whole and synced): recovery removes the set-aside
 * layer.  A snapshot is never touched.
 */
/* The last steps of a rollback, and of its recovery forward. */
static int rollback_finish(struct zone *z, const char *old, struct zone_error *err)
{
	if (zone_rmtree(old, err) < 0)
		return zone_error_wrap(err, "rollback zone %s", z->name);
	if (zone_overlay_lower(z) != NULL) {
		cleanup_free char *work = zone_subpath(z, "work");
		if (zone_rmtree(work, err) < 0 || mkdir(work, 0755) < 0)
			return zone_error_wrap(err, "rollback zone %s: reset work dir", z->name);
	}
	zone_state_put(z, "rollback", NULL);
	return zone_set_state(z, ZONE_INSTALLED, err);
}

bool zone_rollback_pending(struct zone *z)
{
	return zone_journal_pending(z, "rollback");
}

int zone_rollback_recover(struct zone *z, enum zone_recovery *out, struct zone_error *err)
{
	json_t *j = json_object_get(z->state, "rollback");
	const char *layer = json_string_value(json_object_get(j, "layer")) ?: "";
	const char *phase = json_string_value(json_object_get(j, "phase")) ?: "";
	cleanup_free char *cur = NULL;
	char old[4200];
	struct stat st;

	*out = ZONE_RECOVERED_NOTHING;
	if (j == NULL)
		return 0;
	if (strcmp(layer, "root") != 0 && strcmp(layer, "upper") != 0)
		return zone_error_set(err, 0, "zone %s: rollback journal names layer '%s'", z->name,
				      layer);
	cur = zone_subpath(z, layer);
	snprintf(old, sizeof(old), "%s/%s.rollback-old", zone_path(z), layer);
	if (strcmp(phase, "cleanup") == 0) {
		*out = ZONE_ROLLED_FORWARD;
		return rollback_finish(z, old, err);
	}
	if (strcmp(phase, "copy") != 0)
		return zone_error_set(err, 0, "zone %s: rollback journal in unknown phase '%s'",
				      z->name, phase);
	/* the set-aside layer is the whole one; without it the rename never happened */
	if (lstat(old, &st) == 0) {
		if (zone_rmtree(cur, err) < 0)
			return zone_error_wrap(err, "zone %s: remove the partial rollback",
					       z->name);
		if (rename(old, cur) < 0)
			return zone_error_set(err, errno, "zone %s: put %s back", z->name, cur);
	}
	*out = ZONE_ROLLED_BACK;
	zone_state_put(z, "rollback", NULL);
	return zone_set_state(z, ZONE_INSTALLED, err);
}

int zone_snapshot_rollback(struct zone *z, const char *snap, struct zone_error *err)
{
	enum zone_state s = zone_get_state(z);
	const char *layer = zone_overlay_lower(z) ? "upper" : "root";
	char from[4200], old[4200];
	cleanup_free char *cur = zone_subpath(z, layer);
	cleanup_close int fd = -1;
	struct stat st;

	if (zone_snapshot_name_validate(snap, err) < 0)
		return -1;
	if (s != ZONE_INSTALLED)
		return zone_error_set(err, 0,
				      "zone %s is %s; rollback needs it installed and halted",
				      z->name, zone_state_name(s));
	snprintf(from, sizeof(from), "%s/snapshots/%s", zone_path(z), snap);
	if (stat(from, &st) < 0)
		return zone_error_set(err, 0, "zone %s has no snapshot %s", z->name, snap);
	snprintf(old, sizeof(old), "%s/%s.rollback-old", zone_path(z), layer);
	if (zone_rmtree(old, err) < 0)
		return zone_error_wrap(err, "rollback zone %s", z->name);
	zone_state_put(
	    z, "rollback",
	    json_pack("{s:s, s:s, s:s}", "snapshot", snap, "layer", layer, "phase", "copy"));
	if (zone_set_state(z, ZONE_INCOMPLETE, err) < 0)
		return -1;
	if (rename(cur, old) < 0 && errno != ENOENT)
		return zone_error_set(err, errno, "rollback zone %s: set aside %s", z->name, cur);
	zone_test_crashpoint("rollback-aside");
	if (copy_layer(z, "rollback", from, cur, err) < 0)
		return zone_error_wrap(err, "rollback zone %s to %s (lxzone verify %s undoes it)",
				       z->name, snap, z->name);
	fd = open(cur, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || syncfs(fd) < 0)
		return zone_error_set(err, errno, "rollback zone %s: sync %s", z->name, cur);
	if (zone_journal_phase(z, "rollback", "cleanup", err) < 0)
		return -1;
	zone_test_crashpoint("rollback-copied");
	return rollback_finish(z, old, err);
}

static int cmp_json_names(const void *a, const void *b)
{
	return strcmp(json_string_value(json_object_get(*(json_t *const *)a, "name")),
		      json_string_value(json_object_get(*(json_t *const *)b, "name")));
}

int zone_snapshot_list(struct zone *z, json_t **list, struct zone_error *err)
{
	cleanup_free char *dir = zone_subpath(z, "snapshots");
	cleanup_closedir DIR *d = opendir(dir);
	struct dirent *de;
	json_t *items[1024];
	size_t n = 0;

	*list = json_array();
	if (d == NULL)
		return errno == ENOENT ? 0 : zone_error_set(err, errno, "open %s", dir);
	while ((de = readdir(d)) != NULL && n < 1024) {
		char meta[300];
		json_t *m = NULL;
		struct zone_error ignored;
		if (de->d_name[0] == '.' || strstr(de->d_name, ".json") != NULL)
			continue;
		snprintf(meta, sizeof(meta), "%s.json", de->d_name);
		if (zone_json_read(dirfd(d), meta, &m, &ignored) < 0)
			m = json_pack("{s:s}", "name", de->d_name);
		items[n++] = m;
	}
	qsort(items, n, sizeof(items[0]), cmp_json_names);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(*list, items[i]);
	return 0;
}
