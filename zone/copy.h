/*
 * Tree copy for p2v installs, copy/reflink clones, snapshots and moves. Preserves what a
 * root file system needs: owners, modes (including setuid), timestamps, extended attributes
 * (which carry POSIX ACLs and file capabilities), hard links, holes in sparse files, device
 * nodes, FIFOs and symlinks (copied as links, never followed).
 */
#ifndef LXZONE_ZONE_COPY_H
#define LXZONE_ZONE_COPY_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/error.h"

struct zone_copy_opts {
	bool reflink;	      /* try FICLONE first; fall back to a byte copy */
	bool require_reflink; /* fail instead of falling back */
	bool skip_devices;    /* leave out block and character devices */
	/* Called now and then with the bytes copied so far; may be NULL. */
	void (*progress)(uint64_t bytes, void *arg);
	void *progress_arg;
};

struct zone_copy_stats {
	uint64_t files, dirs, links, hardlinks, devices, bytes, reflinked;
};

/* Copy the contents of src_dir into dst_dir (which must exist and should be empty). */
int zone_copy_tree(const char *src_dir, const char *dst_dir, const struct zone_copy_opts *opts,
		   struct zone_copy_stats *stats, struct zone_error *err);

/* Does dst_dir's file system clone files from src_dir's (FICLONE)? */
bool zone_reflink_supported(const char *src_dir, const char *dst_dir);

#endif
