/* Small file-system helpers shared by the store, install, clone and snapshot code. */
#ifndef LXZONE_ZONE_FSUTIL_H
#define LXZONE_ZONE_FSUTIL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/error.h"

/* Write `len` bytes to dirfd/name atomically: temp file, fsync, rename, fsync the dir. */
int zone_write_atomic(int dirfd, const char *name, const void *data, size_t len,
		      struct zone_error *err);
int zone_json_write_atomic(int dirfd, const char *name, json_t *obj, struct zone_error *err);
/* The same without the directory's fsync: the file is whole (old or new) after a crash, but
 * the rename may be lost, so the old one may come back.  For what a crash makes stale anyway
 * (a zone's runtime state, zone_save_state). */
int zone_json_write_replace(int dirfd, const char *name, json_t *obj, struct zone_error *err);
int zone_json_read(int dirfd, const char *name, json_t **obj, struct zone_error *err);

int zone_mkdir_p(const char *path, mode_t mode, struct zone_error *err);

/*
 * openat2(2) with these flags (O_CLOEXEC added) and resolve, retried on EAGAIN (lx_openat2,
 * lib/openat2.h). Returns the descriptor, or -1 with errno set.
 */
int zone_openat2(int dirfd, const char *path, int flags, unsigned long long resolve);

/*
 * Remove dirfd/name and everything beneath it, never following symlinks and never crossing
 * into another mount (a mount still attached below is an error, not something to empty).
 * A missing name is not an error.
 */
int zone_rmtree_at(int dirfd, const char *name, struct zone_error *err);
int zone_rmtree(const char *path, struct zone_error *err);
/* The same, counting each entry removed into *done and reporting it to p (unit "files"). */
struct zone_progress;
int zone_rmtree_counted_at(int dirfd, const char *name, struct zone_progress *p, uint64_t *done,
			   struct zone_error *err);

/* For a progress's total (zone/progress.h): the entries of dirfd/name (itself included; 0
 * when it is not a directory), and the bytes of the regular files below path, without
 * crossing into another file system. */
uint64_t zone_tree_count_at(int dirfd, const char *name);
uint64_t zone_tree_bytes(const char *path);

/*
 * The same, the deletion handed to a detached process: dirfd/name is first renamed to a
 * hidden ".gone-" name beside it (so the name is free and nothing lists it at once), then a
 * process of its own session removes it and exits; the caller returns without waiting.  On a
 * disk that discards on every unlink a 12k-file root took minutes to remove under load.
 * What cannot be removed (a mount still below) stays under its .gone- name.  Falls back to
 * zone_rmtree_at when the rename or the fork fails.  zone_rmtree_detached removes a name
 * that is already hidden.
 */
int zone_rmtree_later_at(int dirfd, const char *name, struct zone_error *err);
/* Its first half: dirfd/name renamed to a hidden .gone- name (written to gone), for a caller
 * whose own removal of dirfd takes it.  1 when renamed, 0 when there was nothing to hide or it
 * was removed at once (not a directory, or the rename failed), -1 with a message in err. */
int zone_rmtree_hide_at(int dirfd, const char *name, char *gone, size_t len,
			struct zone_error *err);
int zone_rmtree_detached(int dirfd, const char *gone, struct zone_error *err);

/* Join dir and name into a malloc'd string. */
char *zone_path_join(const char *dir, const char *name);

/* Whether an extended attribute is overlayfs's own (trusted.overlay.*: opaque, redirect,
 * origin, metacopy, whiteout...).  Extraction never writes one from an image: a golden zone's
 * root is the lower layer of its overlay clones, mounted by the host, which would read them
 * as overlay metadata written by whoever made the image.  Copies keep them: an overlay zone's
 * upper layer, which snapshots and moves copy, holds overlayfs's own. */
static inline int zone_xattr_is_overlay(const char *name)
{
	return strncmp(name, "trusted.overlay.", 16) == 0;
}

#endif
