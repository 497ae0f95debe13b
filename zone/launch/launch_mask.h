/*
 * The /proc and /sys table of zone/launch/launch_mask.c, apart from launch.h (which includes
 * it) to keep that header readable: what is masked, made read-only, or writable again.
 */
#ifndef LXZONE_LAUNCH_MASK_H
#define LXZONE_LAUNCH_MASK_H

#include <sched.h>
#include <stddef.h>
#include <stdio.h>

struct launch_opts;

/*
 * /proc and /sys as a zone sees them (zone/launch/launch_mask.c): one table of paths, each masked,
 * made read-only, or made writable again under a read-only one.  The plan turns the rows
 * into LOP_MASK / LOP_READ_ONLY / LOP_READ_WRITE right after the file system is mounted,
 * the mount service applies the /proc rows to a proc the zone mounts itself, and
 * docs/security-paths.md is generated from it.
 */
enum launch_path_rule {
	LAUNCH_PATH_MASK = 1,  /* an empty read-only file (or directory) over it */
	LAUNCH_PATH_RO,	       /* read-only */
	LAUNCH_PATH_RW_OWN_NS, /* writable again under a read-only parent, only when the zone
				  owns the row's namespace (ns); else left read-only */
};

struct launch_path {
	const char *path; /* absolute: /proc/... or /sys/... */
	int rule;	  /* enum launch_path_rule */
	int ns;		  /* LAUNCH_PATH_RW_OWN_NS: the CLONE_NEW* namespace whose knobs it holds */
	const char *why;  /* one line, for the docs */
	const char *peers; /* what runc/Docker, Podman and LXC/Incus do with it, for the docs */
};

/* The namespaces of a zone made by lxzone (its mount service's view): network, IPC, UTS and
 * pid are always its own; the user namespace only where it is not privileged, which the
 * mount service does not pass on, so a proc the zone mounts itself keeps /proc/sys/user
 * read-only (stricter, never wider). */
#define LAUNCH_ZONE_NS (CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWPID)

/* The namespaces opts gives the zone of its own (CLONE_NEW*): those whose rows of the table
 * may be made writable.  0 without a root. */
int launch_owned_ns(const struct launch_opts *opts);

extern const struct launch_path launch_paths[];
extern const size_t launch_npaths;

/*
 * Apply rule (enum launch_path_rule; RW_OWN_NS makes it writable) to the path open at fd
 * (O_PATH, in an attached or a detached mount tree), covering it with a new mount.  A masked
 * directory gets a fresh read-only tmpfs, a masked file a read-only bind of an empty file
 * (of /dev/null, read-only, as runc does, where the kernel cannot clone a detached mount).
 * Returns 0 or an errno.
 */
int launch_path_apply(int fd, int rule);
/* Close what launch_path_apply keeps between calls (the empty file's detached mount), so no
 * process visible in the zone holds it: after the plan's last operation. */
void launch_paths_done(void);

/*
 * Apply every row under fs_root ("/proc") to the mount tree at tree_fd, whose root is that
 * path (rows missing in it are skipped); owned_ns (CLONE_NEW*): the RW_OWN_NS rows of those
 * namespaces too.  For a proc the zone's mount service makes, before it is attached.  0 or an
 * errno.
 */
int launch_paths_apply_tree(int tree_fd, const char *fs_root, int owned_ns);

/* docs/security-paths.md, from the table. */
void launch_paths_doc(FILE *out);

#endif
