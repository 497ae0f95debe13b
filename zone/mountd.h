/*
 * The zone's mount service: mount(2) and umount2(2) from inside a zone, decided and performed
 * outside it.
 *
 * In a zone the brand's filter sends mount and umount2 to a seccomp user-notification listener
 * (filter/filter.h, mount_notify).  The in-process brand cannot grant a conditional
 * permission (a guest can jump to its gate), so the decision is taken by a process outside
 * the zone, as Incus does with security.syscalls.intercept.mount.  That process (one per boot
 * for init's tree, one per `lxzone exec` / `login`) reads the arguments from the caller's
 * memory, decides, and performs the call in the caller's namespaces and root.
 *
 * Split in two: the policy (zone/mountd_policy.c: pure functions over the request and the
 * facts about the paths it names, unit-tested) and the plumbing (zone/mountd.c: the listener,
 * /proc/<pid>/mem, the helper process that joins the caller's namespaces).
 */
#ifndef LXZONE_ZONE_MOUNTD_H
#define LXZONE_ZONE_MOUNTD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"

#define MOUNTD_MAX_DEVS	 64
#define MOUNTD_MAX_BOOT	 256
#define MOUNTD_BOOT_FILE "mounts.boot" /* in the zone's directory, written at boot */

/* One mount lxzone set up at boot (from /proc/<init>/mountinfo once the root is in place). */
struct mountd_mnt {
	uint64_t id;	   /* mount id, as mountinfo and statx(STATX_MNT_ID) give it */
	unsigned long dev; /* the superblock's device (mountinfo's major:minor) */
	int ro;		   /* per-mount read-only */
};

/* What the policy knows about the zone. */
struct mountd_zone {
	unsigned long devs[MOUNTD_MAX_DEVS]; /* rdev of the block devices given to the zone */
	size_t ndevs;
	struct mountd_mnt boot[MOUNTD_MAX_BOOT]; /* the mounts the zone did not make */
	size_t nboot;
	int boot_known; /* 0: no record of them, so no mount counts as the zone's own */
};

/* A request as the caller made it (strings read from its memory; NULL: a NULL pointer). */
struct mountd_req {
	int umount;	     /* umount2 rather than mount */
	unsigned long flags; /* mount's MS_* flags, or umount2's flags */
	const char *source, *target, *fstype, *data;
};

enum mountd_kind {
	MOUNTD_NEW = 1,	     /* a new filesystem instance */
	MOUNTD_BIND,	     /* MS_BIND (MS_REC) */
	MOUNTD_MOVE,	     /* MS_MOVE */
	MOUNTD_PROPAGATION,  /* MS_SHARED / PRIVATE / SLAVE / UNBINDABLE */
	MOUNTD_REMOUNT,	     /* MS_REMOUNT: the superblock and the mount */
	MOUNTD_REMOUNT_BIND, /* MS_REMOUNT|MS_BIND: the mount's flags only */
	MOUNTD_UMOUNT,	     /* umount2 */
};

enum mountd_fs {
	MOUNTD_FS_NONE = 0,
	MOUNTD_FS_VIRTUAL, /* tmpfs, ramfs, devpts, mqueue: any source */
	MOUNTD_FS_SYSFS,   /* the zone's network namespace's; always read-only */
	MOUNTD_FS_PROC,	   /* the caller's pid namespace's */
	MOUNTD_FS_BLOCK,   /* ext2/3/4, xfs, btrfs, vfat, exfat: only on the zone's devices */
	MOUNTD_FS_OVERLAY, /* overlay: layers resolved in the caller's root, no magic links */
};

struct mountd_op {
	int kind;	     /* enum mountd_kind */
	int fs;		     /* enum mountd_fs, for MOUNTD_NEW */
	unsigned long flags; /* what to pass: MS_MGC_VAL stripped, MS_RDONLY added for sysfs,
				MS_NODEV for a block filesystem */
	int err;	     /* mount(2) refused with this -errno, once the target resolves and
				the caller is privileged (the kernel checks those first) */
};

/*
 * What the request is, from its arguments alone.  Returns -errno for what the kernel refuses
 * before it looks at any path (umount2's flags), else 0 and *op.  A mount(2) the policy or the
 * kernel refuses from its arguments gets op->err: EPERM (refused whatever the paths name),
 * EINVAL (bad flags, no filesystem type or source), ENODEV (a type the host kernel does not
 * have, allowed or not: known_fs is /proc/filesystems' text, or NULL to skip that test; a
 * zone reads the same file, so the answer tells it nothing new, and no type it names is ever
 * passed to the kernel for a module to be loaded).
 */
int mountd_classify(const struct mountd_req *r, const char *known_fs, struct mountd_op *op);

/* A block device source as stat(2) found it in the caller's root: mount(2)'s source, and
 * fsconfig's "source" key (mountd_src_stat, zone/mountd_fs.c). */
struct mountd_src {
	int err;	    /* stat failed with this (0: found) */
	unsigned mode;	    /* ... else its st_mode */
	unsigned long rdev; /* ... and st_rdev */
};

/* mount(2)'s check of a block source: 0 when it is one of the zone's block devices, else the
 * lookup's -errno, -ENOTBLK or -EPERM. */
int mountd_src_check(const struct mountd_zone *z, const struct mountd_src *s);

/* What the paths a request names are, looked up in the caller's mount namespace and root. */
struct mountd_facts {
	int admin;		   /* the caller has CAP_SYS_ADMIN (the kernel's may_mount) */
	int tgt_errno;		   /* the target's lookup failed with this (umount2: its own) */
	struct mountd_src src;	   /* MOUNTD_NEW block: the source */
	int mnt_errno;		   /* the path's lookup failed with this (0: found) */
	uint64_t mnt_id;	   /* MOVE: the mount at the source; REMOUNT*, UMOUNT: at target */
	int mnt_is_root;	   /* the path is that mount's root */
	int mnt_in_ns;		   /* the mount is in the caller's namespace (its mountinfo) */
	unsigned long mnt_dev;	   /* its superblock's device */
	int mnt_ro;		   /* it is read-only */
	int mnt_nodev;		   /* it is nodev */
	unsigned long layer_flags; /* OVERLAY: MS_NODEV/NOSUID/NOEXEC of any layer's mount */
	int src_boot_below;	   /* BIND: a boot mount sits on a path under the source, on the
				      source's mount (mountd_boot_below) */
	int mnt_lxproc;		   /* the mount is one of the zone's lxproc files (FUSE) */
};

/*
 * The decision: 0 (perform it) or -errno, in the kernel's order: the target's lookup, the
 * caller's privilege (EPERM), op->err, then what the paths are (the errno a lookup gave,
 * ENOTBLK, EINVAL for a umount2 of a non-mount point, EPERM for what the zone may not touch).
 */
int mountd_check(const struct mountd_zone *z, const struct mountd_op *op, unsigned long flags,
		 const struct mountd_facts *f);

/*
 * The flags to perform an allowed request with: op->flags, plus the nodev/nosuid/noexec of an
 * overlay's layers, plus MS_NODEV for a remount of a mount that has it.  nodev is sticky: a
 * filesystem on a zone device is the zone's to write byte by byte, so it could hold a node
 * for any host device (there is no device cgroup); it is mounted nodev, and neither a remount
 * nor an overlay over it can take that away.
 */
unsigned long mountd_flags(const struct mountd_op *op, const struct mountd_facts *f);

/*
 * An overlay's mount data, split as overlayfs splits it (commas and colons escaped with a
 * backslash), into the layers the helper resolves and the options passed on.
 */
#define MOUNTD_OVL_MAX 64
enum mountd_ovl_kind {
	MOUNTD_OVL_RESET = 1, /* "lowerdir=": forget the lower layers so far (no path) */
	MOUNTD_OVL_LOWER,     /* lowerdir= (each layer) or lowerdir+ */
	MOUNTD_OVL_DATA,      /* lowerdir=...::DATA or datadir+ */
	MOUNTD_OVL_UPPER,
	MOUNTD_OVL_WORK,
	MOUNTD_OVL_FLAG,   /* an option without a value, passed on */
	MOUNTD_OVL_STRING, /* an option with a value, passed on */
};
struct mountd_ovl_opt {
	int kind;	   /* enum mountd_ovl_kind */
	const char *key;   /* FLAG, STRING: the option's name */
	const char *value; /* a layer's path (unescaped), or a STRING's value */
};
struct mountd_ovl {
	char buf[4096]; /* the strings point in here */
	struct mountd_ovl_opt opt[MOUNTD_OVL_MAX];
	size_t n;
};

/*
 * Split data (NULL: none) into *o, in order.  0, or -errno: EINVAL (an option overlayfs does
 * not have, a malformed layer list), EPERM (an option that would make overlayfs trust its
 * xattrs or decode file handles: the zone's root can write trusted.* xattrs, so the service
 * always adds userxattr, index=off and nfs_export=off, and refuses index=on, nfs_export=on).
 */
int mountd_overlay_parse(const char *data, struct mountd_ovl *o);

/*
 * Is one of lxzone's boot mounts (the masks over /proc and /sys, /proc itself) or one of its
 * lxproc binds (also those over a proc the zone mounted, mountd_lxproc.c) mounted on
 * mount id at path or under it (path absolute, as mountinfo's mount points show it)?  The
 * kernel's has_locked_children: a bind of such a path without MS_REC would show what the
 * boot mounts cover (an unmasked /proc), and in a user namespace the kernel refuses it with
 * EINVAL; the service does the same for zones without one.  mountinfo: the caller's text.
 */
int mountd_boot_below(const struct mountd_zone *z, const char *mountinfo, size_t len, uint64_t id,
		      const char *path);

/* Is id one of the mounts lxzone set up (or unknown, when no record exists)? */
int mountd_is_boot(const struct mountd_zone *z, uint64_t id);
/* Does a boot mount sit on the superblock of this device?  (Boot mounts unknown: every one.) */
int mountd_boot_shares_sb(const struct mountd_zone *z, unsigned long dev);

/*
 * Parse /proc/<pid>/mountinfo text: up to max mounts into out (id, device, read-only).
 * Returns how many, or -1 on a malformed line.
 */
int mountd_mountinfo_parse(const char *text, size_t len, struct mountd_mnt *out, size_t max);

/* The boot record: one "<id> <major>:<minor> <ro|rw>" line per mount.  format writes at most
 * len bytes and returns the length (or -1 if it does not fit); parse fills z->boot. */
int mountd_boot_format(const struct mountd_mnt *m, size_t n, char *buf, size_t len);
int mountd_boot_parse(const char *text, size_t len, struct mountd_zone *z);

/* ------------------------------------------------------------------------------------------ */
/* The new mount API (zone/mountd_api_policy.c; plumbing in zone/mountd_api.c) */

/* fsopen's type, as mount(2)'s: 0 and *fs, or -ENODEV (not in known_fs) / -EPERM. */
int mountd_fs_of(const char *type, const char *known_fs, int *fs);

/* The service's class of a mounted superblock (statfs's f_type), for fspick; MOUNTD_FS_NONE
 * for a type the service admits no new mount of. */
int mountd_fs_of_magic(long magic);

#define MOUNTD_FSCONFIG_CREATE_EXCL 8 /* Linux 6.6; not in every uapi header */

/* fsconfig's argument checks, in the kernel's order, before the descriptor is looked at:
 * 0, -EINVAL or -EOPNOTSUPP (an unknown command). */
int mountd_fsconfig_shape(int fd, unsigned cmd, int has_key, int has_value, int aux);

enum mountd_fc_act {
	MOUNTD_FC_PASS = 1,	/* relayed as it is: what mount(2)'s data string carries */
	MOUNTD_FC_SOURCE_BLOCK, /* a block file system's source: checked, later resolved by node */
	MOUNTD_FC_LAYER,	/* an overlay layer (*layer: MOUNTD_OVL_*), resolved in the zone */
	MOUNTD_FC_SBFLAG,	/* a path or descriptor value for a flag key taken by name alone */
	MOUNTD_FC_CREATE,
	MOUNTD_FC_RECONFIGURE,
};

/*
 * One fsconfig on a context of class fs (picked: made by fspick, a reconfiguration): what the
 * service does with it (enum mountd_fc_act), or -errno (EPERM: a key mount(2) would not
 * carry or that names another device or namespace; EINVAL: an overlay option overlayfs does
 * not have, a binary value).  key and value as read from the caller (value NULL for a flag).
 */
int mountd_fsconfig_check(int fs, int picked, unsigned cmd, const char *key, const char *value,
			  int *layer);

/* mount(2)'s data for a new file system of class fs: 1 when one of its comma-separated
 * options is a key that names another device or namespace (the keys fsconfig refuses), so
 * the one rule holds for both APIs. */
int mountd_data_names_elsewhere(int fs, const char *data);

/* struct mount_attr's fields, as mount_setattr and open_tree_attr take them */
struct mountd_attr {
	uint64_t set, clr, propagation, userns_fd;
};

/*
 * Under a mount with id (mountinfo: the caller's text), is there a boot or lxproc mount, or
 * (clr_ro) a read-only mount over a boot superblock?  0, or -EPERM: a recursive
 * mount_setattr that clears a flag is refused over such a tree.
 */
int mountd_tree_check(const struct mountd_zone *z, const char *mountinfo, size_t len, uint64_t id,
		      int clr_ro);

/*
 * mount_setattr (and open_tree_attr's attributes) on the mount f describes (its facts;
 * not in the caller's namespace: a detached one, from fsmount or a clone): 0 with a->clr
 * adjusted (nodev kept), or -errno.  tree_err: mountd_tree_check's answer for a recursive
 * change.
 */
int mountd_setattr_check(const struct mountd_zone *z, const struct mountd_facts *f, int recursive,
			 int tree_err, struct mountd_attr *a);

/* fsmount's attributes with what mount(2) forces on the class: nodev (block), read-only
 * (sysfs), the layers' nodev/nosuid/noexec (overlay; layer_flags as MS_*). */
uint64_t mountd_fsmount_attrs(int fs, unsigned long layer_flags, uint64_t attrs);

/* ------------------------------------------------------------------------------------------ */
/* Plumbing (zone/mountd.c) */

/*
 * Record the mounts of pid's namespace (the zone's init, its root in place and nothing else
 * mounted yet) as the boot mounts, in dirfd/MOUNTD_BOOT_FILE.
 */
int mountd_boot_record(pid_t pid, int dirfd, struct zone_error *err);

/* Read the boot record back into z (boot_known stays 0 when there is none). */
int mountd_boot_load(int dirfd, struct mountd_zone *z, struct zone_error *err);

/* The service's socket in the zone directory, for the listeners of `lxzone exec`. */
#define MOUNTD_SOCK "mountd.sock"

/*
 * Start the service: fork a process, outside the zone and out of the caller's process group,
 * that receives a listener on sock (SCM_RIGHTS, from the launcher) and serves it until no
 * process of the filter is left, or exits if sock reaches end-of-file first.  With lsock (a
 * listening socket from mountd_listen, else -1) it also takes the listeners of later execs:
 * each connection sends one, served until its processes are gone.  It keeps only sock, lsock
 * and the listeners (no lock, no terminal).  *pid: its pid.
 */
int mountd_start(int sock, int lsock, const struct mountd_zone *z, pid_t *pid,
		 struct zone_error *err);

/* Serve listener (and those arriving through lsock, if >= 0) until listener hangs up. */
int mountd_serve(int listener, int lsock, const struct mountd_zone *z);

/*
 * <zone_dir>/mountd.sock, listening (mode 0600); -2 when the path is too long for a socket
 * address (execs then start a service of their own), -1 with err on failure.
 */
int mountd_listen(const char *zone_dir, struct zone_error *err);

/* A connection to a running zone's service, or -1 (none: start one of your own). */
int mountd_connect(const char *zone_dir);

/* Remove the socket of a zone that is no longer running. */
void mountd_unlink(const char *zone_dir);

/*
 * The zone's lxproc files on a proc or sysfs it mounts itself (zone/mountd_lxproc.c).
 * mountd_lxproc_take, in the helper once it is in the zone's mount namespace and before it
 * goes to the caller's root: clones of the zone's lxproc binds for a new mount of fs
 * (MOUNTD_FS_PROC or MOUNTD_FS_SYSFS; none where the brand serves the files).
 * mountd_lxproc_cover: binds them over the new mount m (detached, fs_root "/proc" or "/sys")
 * before it is attached.  Returns an errno.
 */
#define MOUNTD_LXPROC_MAX 16
void mountd_lxproc_take(int fs);
int mountd_lxproc_cover(int m, const char *fs_root);

/* A mountinfo line (without its newline) is one of the zone's lxproc files: a FUSE mount of
 * source "lxproc". */
int mountd_lxproc_line(const char *line, size_t len);

#endif
