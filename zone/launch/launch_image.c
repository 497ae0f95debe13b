/*
 * Our images as zone processes run them, from where no zone process can write them.
 *
 * launch_image_open_ro: the brand for `lxzone exec` (launch_enter.c), a detached read-only,
 * nosuid, nodev bind of the host file (open_tree): no mount point anywhere, never writable
 * through the mount.  A running executable opened for writing still answers ETXTBSY before
 * EROFS (the kernel checks the inode's writers before the mount), and /proc/PID/exe names "/"
 * (the root of that one-file mount).
 *
 * launch_image_copy_ro: lxzone-init for PID 1 (LOP_INIT_IMAGE).  PID 1 is the one process the
 * brand does not hide (/proc/1/exe is lxzone-init's own, not a guest's), so it gets a private
 * copy on a tmpfs of its own whose superblock is read-only before anything runs from it: an
 * open for writing answers EROFS (inode_permission checks the superblock first), /proc/1/exe
 * names "/lxzone-init", and a later change of the host file (an upgrade) never reaches a
 * running zone.  The copy is ~14 KiB, made once per boot in a few system calls.
 */
#include "zone/launch/launch.h"
#include "kernel-shim/brand_abi.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define IMAGE_MAX (1 << 20) /* lxzone-init is small; anything larger is not it */

int launch_image_open_ro(const char *path, const char *what, int *fd, struct zone_error *err)
{
	struct mount_attr attr = {.attr_set =
				      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
	int f = (int)syscall(SYS_open_tree, AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	if (f < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "bind %s %s", what, path);
	if (syscall(SYS_mount_setattr, f, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0) {
		int e = errno;

		close(f);
		return launch_fail(err, LAUNCH_EXIT_CANNOT, e, "remount %s %s read-only", what,
				   path);
	}
	*fd = f;
	return 0;
}

/* Copy all of src (size bytes) into dst. */
static int copy_all(int src, int dst, off_t size)
{
	off_t off = 0;

	while (off < size) {
		ssize_t n = sendfile(dst, src, &off, (size_t)(size - off));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -1 : (errno = EIO, -1);
	}
	return 0;
}

int launch_tmpfs_copy(int src, off_t size, const struct launch_tmpfs_copy *how, int *fd,
		      struct zone_error *err)
{
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
	cleanup_close int fs = -1, mnt = -1, dst = -1, sb = -1;
	char inodes[16];

	/* a tmpfs of one file (and its links): nosuid, nodev, nothing mounted on or under it */
	snprintf(inodes, sizeof(inodes), "%u", 4 + how->links);
	fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0555", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "size", how->tmpfs_size, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "nr_inodes", inodes, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ||
	    (mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "tmpfs");
	dst = openat(mnt, how->name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, how->mode);
	if (dst < 0 || copy_all(src, dst, size) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "copy");
	if (how->owner != (uid_t)-1 &&
	    (fchown(dst, how->owner, how->group) < 0 || fchmod(dst, how->mode) < 0))
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "the copy's owner");
	close(dst); /* no writer left, or the superblock cannot go read-only */
	dst = -1;
	for (unsigned n = 0; n < how->links; n++) {
		char name[32], target[48];

		snprintf(name, sizeof(name), "%u." LX_EXEC_EXT, n);
		snprintf(target, sizeof(target), "/proc/thread-self/fd/%u", n);
		if (symlinkat(target, mnt, name) < 0)
			return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "link %s", name);
	}
	/* the superblock read-only (EROFS for any open for writing), then the mount too */
	sb = fspick(mnt, "", FSPICK_EMPTY_PATH | FSPICK_CLOEXEC);
	if (sb < 0 || fsconfig(sb, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0 ||
	    fsconfig(sb, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0) < 0 ||
	    mount_setattr(mnt, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "make the copy read-only");
	*fd = openat(mnt, how->name, O_PATH | O_CLOEXEC);
	if (*fd < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "open the copy");
	if (how->mnt) {
		*how->mnt = mnt;
		mnt = -1;
	}
	return 0;
}

int launch_image_copy_ro(const char *path, const char *name, int *fd, struct zone_error *err)
{
	const struct launch_tmpfs_copy how = {
	    .name = name, .tmpfs_size = "2m", .mode = 0555, .owner = (uid_t)-1, .group = (gid_t)-1};
	cleanup_close int src = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;

	if (src < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "init image %s", path);
	if (fstat(src, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > IMAGE_MAX ||
	    !(st.st_mode & 0111))
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno ? errno : EACCES,
				   "init image %s: not a small executable file", path);
	if (launch_tmpfs_copy(src, st.st_size, &how, fd, err) < 0)
		return launch_wrap(err, LAUNCH_EXIT_CANNOT, "init image %s", path);
	return 0;
}
