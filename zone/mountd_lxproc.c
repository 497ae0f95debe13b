/*
 * The zone's lxproc files on a proc or sysfs the zone mounts itself (zone/mountd.c).
 *
 * A zone whose lxproc files the kernel serves (zone/lxprocfs.h) has them bound over its boot
 * /proc and over the CPU list of its boot /sys.  A fresh procfs or sysfs mounted through the
 * mount service (systemd mounts its own, so do chroot builders and users) is the kernel's
 * own: its meminfo, cpuinfo and stat are the host's, and its devices/system/cpu lists the
 * host's CPUs.  So the service gives a new mount what boot gave the zone's, before the zone
 * ever sees it (as it does the masks, zone/launch/launch_mask.c): each lxproc file bound over the
 * new proc's, and the zone's capped devices/system/cpu (its tmpfs, with the files bound in it) over
 * the new sysfs's.
 *
 * The sources are the zone's own boot binds, taken by the helper right after it joins the
 * zone's mount namespace, whose root is the zone's root (the caller may be chrooted
 * elsewhere, where /proc is anything or nothing), and before it changes to the caller's root.
 * Only what is what boot made is taken: a /proc file that is a FUSE mount (the zone cannot
 * mount FUSE itself: the service admits no such type) and a devices/system/cpu that is the
 * root of a tmpfs mount.  A zone whose files the brand serves has neither, and gets the
 * kernel's files, as before (the brand answers absolute /proc paths by name there).
 *
 * The binds are the zone's to keep: the policy refuses to unmount, move or remount an lxproc
 * mount, and a non-recursive bind of a mount that has one below it (mountd_policy.c), so the
 * host's files under them are never reached.
 *
 * The helper is a process forked for one request, so the taken descriptors live in this
 * file's statics until it exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "proc/lxproc.h"
#include "zone/mountd.h"

#ifndef FUSE_SUPER_MAGIC
#define FUSE_SUPER_MAGIC 0x65735546
#endif

#define SYS_CPU "/sys/devices/system/cpu"

static struct {
	int fd;		  /* open_tree clone of the zone's bind */
	const char *path; /* its zone path: "/proc/meminfo", SYS_CPU */
} taken[MOUNTD_LXPROC_MAX];
static size_t ntaken;

static int is_mount_root(int fd)
{
	struct statx stx;

	return statx(fd, "", AT_EMPTY_PATH, 0, &stx) == 0 &&
	       (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
	       (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

/* A clone of the mount at path if it is a mount root of file system type magic, else -1. */
static int take_one(const char *path, long magic, int recursive)
{
	int t = (int)syscall(SYS_open_tree, AT_FDCWD, path,
			     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW |
				 (recursive ? AT_RECURSIVE : 0));
	struct statfs sf;

	if (t < 0)
		return -1;
	if (fstatfs(t, &sf) < 0 || sf.f_type != magic || !is_mount_root(t)) {
		close(t);
		return -1;
	}
	return t;
}

void mountd_lxproc_take(int fs)
{
	ntaken = 0;
	if (fs == MOUNTD_FS_PROC) {
		for (uint32_t k = 0; k < lxproc_nfiles && ntaken < MOUNTD_LXPROC_MAX; k++) {
			const char *p = lxproc_files[k].path;
			int t;

			if (strncmp(p, "/proc/", 6) != 0 ||
			    (t = take_one(p, FUSE_SUPER_MAGIC, 0)) < 0)
				continue;
			taken[ntaken].fd = t;
			taken[ntaken++].path = p;
		}
	} else if (fs == MOUNTD_FS_SYSFS) {
		int t = take_one(SYS_CPU, TMPFS_MAGIC, 1);

		if (t >= 0) {
			taken[0].fd = t;
			taken[0].path = SYS_CPU;
			ntaken = 1;
		}
	}
}

int mountd_lxproc_cover(int m, const char *fs_root)
{
	size_t n = strlen(fs_root);

	for (size_t i = 0; i < ntaken; i++) {
		const char *p = taken[i].path;
		int tgt, e = 0;

		if (strncmp(p, fs_root, n) != 0 || p[n] != '/')
			continue;
		tgt = openat(m, p + n + 1, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (tgt < 0) {
			if (errno == ENOENT)
				continue; /* not in this kernel's: nothing of the host's to hide */
			return errno;
		}
		if (syscall(SYS_move_mount, taken[i].fd, "", tgt, "",
			    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			e = errno;
		close(tgt);
		if (e)
			return e;
	}
	return 0;
}
