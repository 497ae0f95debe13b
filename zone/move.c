/*
 * lxzone move, journaled: a move killed at any point is rolled back or forward by the next
 * `verify` or `move`, and nothing ever deletes the one intact copy of a zone's root.
 *
 * The journal is state.json's "move" object {from, to, stage, phase, made}, written (with
 * the state `incomplete`) before anything is touched.  Its phase says which copy is the good
 * one:
 *
 *   copy     the layers (root, upper, work, snapshots) are being copied to `stage`, a
 *            directory inside the destination (so on its file system).  The source is the
 *            good copy: recovery rolls back (removes the stage, and the destination when
 *            the move created it).
 *   place    the copy is whole and synced; each layer is renamed from `stage` into the
 *            destination.  Renames on one file system cannot be partial, so recovery rolls
 *            forward: the remaining renames, then the commit.  A move within one mount has
 *            no copy phase: `stage` is the source itself and `place` renames from there.
 *   cleanup  committed: zonepath names the destination and the zone is `installed`.  The
 *            commit is the one state.json write that switches both.  What remains of the
 *            source is removed; recovery finishes that.
 *
 * `uninstall` (and `destroy`) refuse a zone with a move in the copy or place phase, saying
 * to run verify: the state is `incomplete`, but its root is intact, and removing "the
 * incomplete zone" would remove it.  The cleanup phase never removes the path zonepath names.
 *
 * LXZONE_TEST_CRASH=move-copied|move-placed-one|move-committed makes the move SIGKILL itself
 * at that point: the tests' kill -9 at a known moment (tests/integration/zone/).  The journal
 * helpers are shared with rollback and attach (zone/journal.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zone/clone.h"
#include "zone/copy.h"
#include "zone/fsutil.h"
#include "zone/install.h"
#include "zone/journal.h"
#include "zone/progress.h"

static const char *const layers[] = {"root", "upper", "work", "snapshots"};
#define NLAYERS (sizeof(layers) / sizeof(layers[0]))
#define STAGE	".lxzone-move"

/* A name the move creates in a zone path (the store directory holds more: back home, only
 * these must be absent). */
static bool is_layer(const char *name)
{
	for (size_t i = 0; i < NLAYERS; i++)
		if (strcmp(name, layers[i]) == 0)
			return true;
	return strcmp(name, STAGE) == 0;
}

static int exists(const char *p)
{
	struct stat st;
	return lstat(p, &st) == 0;
}

static int layer_path(char *buf, size_t sz, const char *dir, const char *layer,
		      struct zone_error *err)
{
	if ((size_t)snprintf(buf, sz, "%s/%s", dir, layer) >= sz)
		return zone_error_set(err, ENAMETOOLONG, "%s/%s", dir, layer);
	return 0;
}

/* Can rename(2) move a directory from a to b (one mount)? */
static int same_mount(const char *a, const char *b)
{
	struct statx x, y;

	if (statx(AT_FDCWD, a, 0, STATX_MNT_ID, &x) < 0 ||
	    statx(AT_FDCWD, b, 0, STATX_MNT_ID, &y) < 0 || !(x.stx_mask & STATX_MNT_ID) ||
	    !(y.stx_mask & STATX_MNT_ID))
		return 0;
	return x.stx_mnt_id == y.stx_mnt_id && x.stx_dev_major == y.stx_dev_major &&
	       x.stx_dev_minor == y.stx_dev_minor;
}

static const char *journal(struct zone *z, const char *key)
{
	return zone_journal_str(z, "move", key);
}

/* A copy of directory `from` at `to`, owner and mode included; cs adds up over the calls
 * (the bytes p shows are those of all the layers). */
static int copy_dir(const char *from, const char *to, struct zone_progress *p,
		    struct zone_copy_stats *cs, struct zone_error *err)
{
	struct zone_copy_opts o = {.reflink = zone_reflink_supported(from, to),
				   .progress = zone_progress_copy_cb,
				   .progress_arg = p};
	struct stat st;

	if (stat(from, &st) < 0)
		return zone_error_set(err, errno, "stat %s", from);
	if (mkdir(to, 0700) < 0)
		return zone_error_set(err, errno, "mkdir %s", to);
	if (zone_copy_tree(from, to, &o, cs, err) < 0)
		return zone_error_wrap(err, "copy %s to %s", from, to);
	if (chown(to, st.st_uid, st.st_gid) < 0 || chmod(to, st.st_mode & 07777) < 0)
		return zone_error_set(err, errno, "copy %s to %s", from, to);
	return 0;
}

/* The bytes of every layer of a zone path (progress measure). */
static uint64_t layers_bytes(void *from, uint64_t done)
{
	char p[4200];
	uint64_t n = 0;

	(void)done;
	for (size_t i = 0; i < NLAYERS; i++) {
		snprintf(p, sizeof(p), "%s/%s", (const char *)from, layers[i]);
		n += zone_tree_bytes(p);
	}
	return n;
}

/* The entries of every layer of a zone path, with those removed already (progress measure). */
static uint64_t layers_entries(void *from, uint64_t done)
{
	cleanup_close int fd = open(from, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	for (size_t i = 0; fd >= 0 && i < NLAYERS; i++)
		done += zone_tree_count_at(fd, layers[i]);
	return done;
}

/* Phase copy: every layer of `from` copied into `stage`, synced to its disk. */
static int stage_copy(const char *name, const char *from, const char *stage, struct zone_error *err)
{
	cleanup_close int fd = -1;
	char a[4200], b[4200];
	struct zone_progress p;
	struct zone_copy_stats st = {0};

	if (mkdir(stage, 0700) < 0)
		return zone_error_set(err, errno, "mkdir %s", stage);
	zone_progress_start(&p, name, "move");
	zone_progress_measure(&p, layers_bytes, (void *)from);
	for (size_t i = 0; i < NLAYERS; i++) {
		if (layer_path(a, sizeof(a), from, layers[i], err) < 0 ||
		    layer_path(b, sizeof(b), stage, layers[i], err) < 0 ||
		    (exists(a) && copy_dir(a, b, &p, &st, err) < 0)) {
			zone_progress_end(&p);
			return -1;
		}
	}
	zone_progress_finish(&p);
	fd = open(stage, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || syncfs(fd) < 0)
		return zone_error_set(err, errno, "sync %s", stage);
	return 0;
}

/* Phase place: each layer still in `stage` renamed into `to`; safe to repeat. */
static int place(const char *stage, const char *to, struct zone_error *err)
{
	char a[4200], b[4200];

	for (size_t i = 0; i < NLAYERS; i++) {
		if (layer_path(a, sizeof(a), stage, layers[i], err) < 0 ||
		    layer_path(b, sizeof(b), to, layers[i], err) < 0)
			return -1;
		if (!exists(a))
			continue;
		if (exists(b))
			return zone_error_set(err, 0, "%s and %s both exist", a, b);
		if (rename(a, b) < 0)
			return zone_error_set(err, errno, "rename %s to %s", a, b);
		zone_test_crashpoint("move-placed-one");
	}
	return 0;
}

/* The commit point: zonepath switches to `to` and the zone is installed, in one write. */
static int commit(struct zone *z, const char *to, struct zone_error *err)
{
	if (strcmp(to, z->dir) == 0)
		zone_state_put(z, "zonepath", NULL);
	else
		zone_state_put(z, "zonepath", json_string(to));
	json_object_set_new(json_object_get(z->state, "move"), "phase", json_string("cleanup"));
	return zone_set_state(z, ZONE_INSTALLED, err);
}

/* Phase cleanup: what is left of the source goes, never the path zonepath names. */
static int cleanup(struct zone *z, struct zone_error *err)
{
	char from[4096], stage[4096];

	snprintf(from, sizeof(from), "%s", journal(z, "from"));
	snprintf(stage, sizeof(stage), "%s", journal(z, "stage"));
	if (!*from || zone_path_within(zone_path(z), from) || zone_path_within(from, zone_path(z)))
		return zone_error_set(err, 0, "zone %s: move journal names its own path %s",
				      z->name, zone_path(z));
	struct zone_progress pr;
	uint64_t done = 0;
	cleanup_close int ffd = open(from, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	zone_progress_start(&pr, z->name, "remove the moved-from copy");
	pr.unit = "files";
	zone_progress_measure(&pr, layers_entries, from);
	for (size_t i = 0; ffd >= 0 && i < NLAYERS; i++) {
		if (zone_rmtree_counted_at(ffd, layers[i], &pr, &done, err) < 0) {
			zone_progress_end(&pr);
			return zone_error_wrap(err, "zone %s: remove the moved-from copy", z->name);
		}
	}
	zone_progress_finish(&pr);
	if (*stage && strcmp(stage, from) != 0)
		rmdir(stage);
	if (strcmp(from, z->dir) != 0) {
		/* a path outside the store goes, with what the zone's boots left there */
		cleanup_close int fd = open(from, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0)
			zone_path_remove_boot_files(fd);
		rmdir(from);
	}
	zone_state_put(z, "move", NULL);
	return zone_save_state(z, err);
}

/* Phase copy interrupted: the source is whole; the partial copy and what we made go. */
static int rollback(struct zone *z, struct zone_error *err)
{
	const char *stage = journal(z, "stage"), *to = journal(z, "to");

	if (*stage && strcmp(stage, zone_path(z)) != 0 && exists(stage) &&
	    zone_rmtree(stage, err) < 0)
		return zone_error_wrap(err, "zone %s: remove the partial copy", z->name);
	if (zone_journal_bool(z, "move", "made") && *to)
		rmdir(to);
	zone_state_put(z, "move", NULL);
	return zone_set_state(z, ZONE_INSTALLED, err);
}

bool zone_move_pending(struct zone *z)
{
	return zone_journal_pending(z, "move");
}

bool zone_move_unfinished(struct zone *z)
{
	const char *phase = journal(z, "phase");
	return zone_move_pending(z) && (strcmp(phase, "copy") == 0 || strcmp(phase, "place") == 0);
}

int zone_move_recover(struct zone *z, enum zone_recovery *out, struct zone_error *err)
{
	const char *phase = journal(z, "phase");
	char to[4096], stage[4096];

	*out = ZONE_RECOVERED_NOTHING;
	if (!zone_move_pending(z))
		return 0;
	snprintf(to, sizeof(to), "%s", journal(z, "to"));
	snprintf(stage, sizeof(stage), "%s", journal(z, "stage"));
	if (strcmp(phase, "copy") == 0) {
		*out = ZONE_ROLLED_BACK;
		return rollback(z, err);
	}
	if (strcmp(phase, "place") == 0) {
		if (!*to || !*stage || place(stage, to, err) < 0 || commit(z, to, err) < 0)
			return zone_error_wrap(err, "zone %s: finish the move to %s", z->name, to);
	} else if (strcmp(phase, "cleanup") != 0) {
		return zone_error_set(err, 0, "zone %s: move journal in unknown phase '%s'",
				      z->name, phase);
	}
	*out = ZONE_ROLLED_FORWARD;
	return cleanup(z, err);
}

int zone_move(struct zone *z, const char *newpath, struct zone_error *err)
{
	enum zone_recovery done;
	char oldpath[4096], stage[4200];
	char **dep = NULL;
	size_t ndep = 0;
	bool made = false;
	struct stat st;

	if (zone_move_recover(z, &done, err) < 0)
		return -1;
	if (zone_get_state(z) != ZONE_INSTALLED)
		return zone_error_set(err, 0, "zone %s is %s; move needs it installed and halted",
				      z->name, zone_state_name(zone_get_state(z)));
	if (newpath[0] != '/')
		return zone_error_set(err, 0, "new path must be absolute: %s", newpath);
	snprintf(oldpath, sizeof(oldpath), "%s", zone_path(z));
	if (strcmp(oldpath, newpath) == 0)
		return 0;
	if (zone_path_within(newpath, oldpath) || zone_path_within(oldpath, newpath))
		return zone_error_set(err, 0, "cannot move zone %s from %s into %s", z->name,
				      oldpath, newpath);
	if (zone_dependents(z, &dep, &ndep, err) < 0)
		return -1;
	if (ndep > 0) {
		zone_error_set(
		    err, 0,
		    "zone %s has %zu overlay clone%s over it (first: %s), which read%s its "
		    "root where it is; destroy them first",
		    z->name, ndep, ndep == 1 ? "" : "s", dep[0], ndep == 1 ? "s" : "");
		zone_names_free(dep, ndep);
		return -1;
	}
	if (stat(newpath, &st) == 0) {
		cleanup_closedir DIR *d = opendir(newpath);
		struct dirent *de;
		while (d != NULL && (de = readdir(d)) != NULL)
			if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 &&
			    (strcmp(newpath, z->dir) != 0 || is_layer(de->d_name)))
				return zone_error_set(err, 0, "%s exists and is not empty",
						      newpath);
	} else if (zone_mkdir_p(newpath, 0700, err) < 0) {
		return -1;
	} else {
		made = true;
	}
	/* Within one mount the layers are renamed (no copy phase); else staged on the
	 * destination's file system first. */
	if (same_mount(oldpath, newpath))
		snprintf(stage, sizeof(stage), "%s", oldpath);
	else if (layer_path(stage, sizeof(stage), newpath, STAGE, err) < 0)
		return -1;
	zone_state_put(z, "move",
		       json_pack("{s:s, s:s, s:s, s:s, s:b}", "from", oldpath, "to", newpath,
				 "stage", stage, "phase",
				 strcmp(stage, oldpath) == 0 ? "place" : "copy", "made", made));
	if (zone_set_state(z, ZONE_INCOMPLETE, err) < 0)
		return -1;
	if (strcmp(stage, oldpath) != 0) {
		if (stage_copy(z->name, oldpath, stage, err) < 0) {
			struct zone_error e2;
			zone_error_wrap(err, "move zone %s", z->name);
			if (rollback(z, &e2) < 0)
				fprintf(stderr, "lxzone: move %s: %s\n", z->name, e2.msg);
			return -1;
		}
		if (zone_journal_phase(z, "move", "place", err) < 0)
			return -1;
		zone_test_crashpoint("move-copied");
	}
	if (place(stage, newpath, err) < 0 || commit(z, newpath, err) < 0)
		return zone_error_wrap(err, "move zone %s (lxzone verify %s finishes it)", z->name,
				       z->name);
	zone_test_crashpoint("move-committed");
	return cleanup(z, err);
}
