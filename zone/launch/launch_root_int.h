/* What launch_root.c and launch_mount.c share; nothing else includes it. */
#ifndef LXZONE_LAUNCH_ROOT_INT_H
#define LXZONE_LAUNCH_ROOT_INT_H

#include "zone/launch/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/openat2.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* The root being set up: what every operation needs */
struct root_ctx {
	const char *root; /* host path, for messages */
	int rootfd;
	const struct launch_userns *userns; /* the zone's, or NULL */
	int go_fd;			    /* LOP_SPAWN_INIT: init waits for a byte on it */
	int init_pidns;			    /* LOP_SPAWN_INIT: init's pid namespace */
	const struct launch_plan *plan;
	struct zone_error *err;
	const char *report_path; /* LOP_REPORT_BIND's source, or NULL */
	int *brand_fd;		 /* LOP_BRAND_BIND's result */
	int *init_fd;		 /* LOP_INIT_IMAGE's result, or NULL */
	/* LOP_JOIN_MNTNS done: the namespace is someone else's, so a plan that fails before
	 * the pivot takes back the root and brand binds it made there */
	int mnt_joined, root_bound, pivoted;
};

/* launch_root.c */
int launch_root_open(const struct root_ctx *c, const char *zpath, int flags);
int launch_root_mkpath(const struct root_ctx *c, const char *zpath, mode_t mode, int last_is_file);
int launch_mount_point(const struct root_ctx *c, const char *zpath, int is_file);
void launch_fd_path(int fd, char *buf, size_t len);
int launch_set_readonly(const struct root_ctx *c, const char *zpath, const char *what);
int launch_proc_of(int pidns, int tfd, unsigned long flags);

/* launch_mount.c: the operations; each 0 or -1 with c->err filled */
int launch_do_mount(struct root_ctx *c, const struct launch_op *op);
int launch_idmapped_tree(const char *src, int userns_fd, int ro, int how);
/* idmap: the LOP_BIND whose idmapping to make (its idmap_how, its own maps or the zone's U);
 * NULL: a plain bind */
int launch_do_bind(const struct root_ctx *c, const char *src, const char *dest, int ro,
		   const struct launch_op *idmap);
int launch_do_binfmt(struct root_ctx *c, const struct launch_op *op);
int launch_do_exec_links(struct root_ctx *c, const struct launch_op *op);
int launch_lxproc_files(const struct root_ctx *c);
int launch_do_write_file(struct root_ctx *c, const struct launch_op *op);
int launch_do_symlink(struct root_ctx *c, const struct launch_op *op);
int launch_do_mknod(struct root_ctx *c, const struct launch_op *op);
int launch_loopback_up(struct zone_error *err);
int launch_join_cgroup(const char *procs, struct zone_error *err);
int launch_brand_bind(const char *path, int *brand_fd, struct zone_error *err);
int launch_do_path_rule(struct root_ctx *c, const struct launch_op *op);

#endif
