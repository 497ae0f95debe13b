/* What zone/mountd_api.c and its helper (zone/mountd_api_helper.c) share; nothing else
 * includes it. */
#ifndef LXZONE_ZONE_MOUNTD_API_INT_H
#define LXZONE_ZONE_MOUNTD_API_INT_H

#include "zone/mountd_int.h"

#ifndef SYS_open_tree_attr
#define SYS_open_tree_attr 467
#endif
#ifndef MOVE_MOUNT_BENEATH
#define MOVE_MOUNT_BENEATH 0x00000200
#endif

/* A file system context the service holds for the zone (mountd_api.c) */
struct api_fc {
	int used;
	int fd;	   /* the context */
	int rd;	   /* the placeholder pipe's read end */
	dev_t dev; /* the pipe's inode: the placeholder's identity */
	ino_t ino;
	int fs, picked;		   /* enum mountd_fs; made by fspick */
	int spent;		   /* fsmount made its mount: the context is closed (do_fsmount) */
	int src_set;		   /* block: a source was given ... */
	struct mountd_src src;	   /* ... and its lookup found this */
	char src_abs[STR_MAX];	   /* ... at this absolute path in the caller's root */
	unsigned long layer_flags; /* overlay: MS_NODEV/NOSUID/NOEXEC of a layer's mount */
};

/* One request's work for the helper: what it is given ... */
struct api_job {
	long nr;
	int fs;		/* the class (fsopen, the context's) */
	int ctx;	/* the context (fsconfig, fsmount), or -1 */
	int dfd, dfd2;	/* the caller's directory descriptors, or AT_FDCWD */
	unsigned flags; /* the call's flags */
	const char *path, *path2;
	unsigned cmd; /* fsconfig */
	const char *key, *value;
	int layer;	/* MOUNTD_FC_LAYER: which */
	uint64_t attrs; /* fsmount */
	int has_attr;	/* open_tree_attr, mount_setattr */
	struct mountd_attr attr;
	const struct api_fc *fc;
};

struct api_reply {
	int err;
	struct mountd_src src;
	unsigned long layer_flags;
	int fs;
	uint64_t mnt_id; /* move_mount: the mount moved */
	char src_abs[STR_MAX];
};

/*
 * Fork the helper for j: it joins the caller's namespaces and root (as mount(2)'s helper),
 * checks and performs the call.  Its answer in *rep, the descriptor it made (or -1) in *out.
 * 0 or -errno (the helper's).
 */
int mountd_api_helper(const struct req_ctx *c, const struct mountd_zone *z, const struct api_job *j,
		      struct api_reply *rep, int *out);

#endif
