/*
 * probe_mount_api: the new mount API from inside a zone, where the mount service decides it
 * with mount(2)'s rules (zone/mountd_api.c; docs/security.md, "The new mount API"):
 *   1. fsopen of a type mount(2) refuses: binfmt_misc (FS_USERNS_MOUNT since Linux 6.7: a
 *      writable view of the instance the brand trusts) and cgroup (v1 hierarchies);
 *   2. fsconfig of a source that is the host's root file system's device (a node made for
 *      it, or found in /dev), then CMD_CREATE;
 *   3. open_tree(OPEN_TREE_CLONE) of a mount with boot mounts below (/proc, /sys) without
 *      AT_RECURSIVE: a clone that would show what the masks cover;
 *   4. mount_setattr clearing the read-only flag of /proc/sys and /sys, and of a recursive
 *      clone of /sys;
 *   5. move_mount of the zone's root, and of /proc.
 * escape-contexts: zone hardened lxrun oci oci-userns
 * escape-native: escaped
 * Safe outcome: every call is refused (EPERM, EINVAL, ENOSYS under lxrun), or the file
 * system context it made never becomes a superblock.
 *
 * It works in a mount namespace of its own, made private first, so a move or a flag change
 * that got through changes no other process's view; a context or clone that was made is
 * closed unattached; a flag that came off is set again at once.  The host's device is
 * configured read-only, and CMD_CREATE of a device already mounted only finds its superblock.
 */
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "tests/escape/probe.h"

static char got[1024];
static size_t used;
static int escaped;

static void note(int bad, const char *fmt, const char *what, int e)
{
	if (used < sizeof(got))
		used +=
		    (size_t)snprintf(got + used, sizeof(got) - used, fmt, what, probe_errname(e));
	escaped |= bad;
}

static void try_fsopen(const char *type)
{
	int fd = fsopen(type, FSOPEN_CLOEXEC);

	note(fd >= 0, " fsopen(%s) %s;", type, fd < 0 ? errno : 0);
	if (fd >= 0)
		close(fd);
}

/* A node for the host's root device (ESCAPE_HOSTDEV, major:minor), or a block device in
 * /dev with that number. */
static const char *host_dev_node(void)
{
	static const char *const tries[] = {"/tmp/.escape-mount-api-dev", "/dev/.escape-mount-api"};
	const char *hd = getenv("ESCAPE_HOSTDEV");
	unsigned maj, min;

	if (!hd || sscanf(hd, "%u:%u", &maj, &min) != 2)
		return NULL;
	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++)
		if (mknod(tries[i], S_IFBLK | 0600, makedev(maj, min)) == 0)
			return tries[i];
	return NULL;
}

static void try_host_source(void)
{
	const char *node = host_dev_node();
	int fd = fsopen("ext4", FSOPEN_CLOEXEC), e = errno;

	if (fd < 0) {
		note(0, " fsopen(%s) %s;", "ext4", e);
	} else {
		int r = fsconfig(fd, FSCONFIG_SET_FLAG, "ro", NULL, 0);
		if (r == 0)
			r = fsconfig(fd, FSCONFIG_SET_STRING, "source", node ? node : "/dev/root",
				     0);
		if (r == 0)
			r = fsconfig(fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
		note(r == 0, " host device source%s: create %s;", node ? "" : " (no node)",
		     r < 0 ? errno : 0);
		close(fd);
	}
	if (node)
		unlink(node);
}

static void try_clone(const char *path)
{
	int fd = (int)syscall(SYS_open_tree, AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	note(fd >= 0, " open_tree(%s, no AT_RECURSIVE) %s;", path, fd < 0 ? errno : 0);
	if (fd >= 0)
		close(fd);
}

/* Clear the read-only flag of fd/path; if it came off, put it back and say so. */
static void try_clear_ro(int dfd, const char *path, const char *label)
{
	struct mount_attr clr = {.attr_clr = MOUNT_ATTR_RDONLY},
			  set = {.attr_set = MOUNT_ATTR_RDONLY};
	const unsigned fl = *path ? 0 : AT_EMPTY_PATH;
	struct statvfs sv;
	int r = mount_setattr(dfd, path, fl, &clr, sizeof(clr)), e = errno;
	int off = r == 0 && (*path ? statvfs(path, &sv) : fstatvfs(dfd, &sv)) == 0 &&
		  !(sv.f_flag & ST_RDONLY);

	if (r == 0)
		mount_setattr(dfd, path, fl, &set, sizeof(set)); /* undo */
	note(off, " mount_setattr(%s, clear ro) %s;", label, r < 0 ? e : 0);
}

static void try_move(const char *from)
{
	const char *to = "/tmp/.escape-mount-api-to";
	int r;

	if (mkdir(to, 0700) < 0 && errno != EEXIST)
		return;
	r = move_mount(AT_FDCWD, from, AT_FDCWD, to, 0);
	note(r == 0, " move_mount(%s) %s;", from, r < 0 ? errno : 0);
	rmdir(to);
}

int main(void)
{
	struct statvfs sv;
	int c;

	if (unshare(CLONE_NEWNS) < 0)
		probe_safe("unshare(CLONE_NEWNS) refused (%s): no mount namespace of its own",
			   probe_errname(errno));
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 && errno != EPERM)
		probe_skip("cannot make the new namespace private (%s): not risking propagation",
			   probe_errname(errno));
	try_fsopen("binfmt_misc");
	try_fsopen("cgroup");
	try_host_source();
	try_clone("/proc");
	try_clone("/sys");
	if (statvfs("/proc/sys", &sv) == 0 && (sv.f_flag & ST_RDONLY))
		try_clear_ro(AT_FDCWD, "/proc/sys", "/proc/sys");
	if (statvfs("/sys", &sv) == 0 && (sv.f_flag & ST_RDONLY)) {
		try_clear_ro(AT_FDCWD, "/sys", "/sys");
		c = (int)syscall(SYS_open_tree, AT_FDCWD, "/sys",
				 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		if (c >= 0) {
			try_clear_ro(c, "", "a recursive clone of /sys");
			close(c);
		}
	}
	try_move("/");
	try_move("/proc");
	if (escaped)
		probe_escaped("the new mount API went past mount(2)'s rules:%s", got);
	probe_safe("held:%s", got);
}
