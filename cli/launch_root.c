/*
 * Executing the plan's operations in a new mount namespace: the zone's root, /proc, /sys,
 * /dev, /tmp, extra binds, then pivot_root.
 *
 * Every zone path is resolved inside the root with openat2(RESOLVE_IN_ROOT), and mounts are
 * made on the resulting descriptor (/proc/self/fd/N): an image's symlink (/dev -> /etc, or
 * /tmp -> /) can never redirect a mount outside the root.  Missing mount points are created one
 * component at a time with mkdirat / O_CREAT|O_EXCL, which never follow symlinks.
 *
 * Nothing here cleans up: all of it lives in the zone's mount namespace, which the kernel
 * tears down when the zone's last process exits.
 */
#include "cli/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/openat2.h>

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
#define cleanup_fd __attribute__((cleanup(close_fd)))

struct root_ctx {
	const char *root; /* host path, for messages */
	int rootfd;
	struct launch_error *err;
};

/* Open a zone path (absolute) inside the root, confined. */
static int root_open(const struct root_ctx *c, const char *zpath, int flags)
{
	struct open_how how = {
	    .flags = (unsigned long long)(flags | O_CLOEXEC),
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	const char *rel = zpath;

	while (*rel == '/')
		rel++;
	return (int)syscall(SYS_openat2, c->rootfd, *rel ? rel : ".", &how, sizeof(how));
}

/* mkdir -p of zpath inside the root; if last_is_file, the last component is an empty file. */
static int root_mkpath(const struct root_ctx *c, const char *zpath, mode_t mode, int last_is_file)
{
	char buf[4096], *slash;
	size_t len = strlen(zpath);

	if (len >= sizeof(buf))
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, ENAMETOOLONG, "%s%s", c->root,
				   zpath);
	memcpy(buf, zpath, len + 1);
	for (slash = buf; slash;) {
		char *next = strchr(slash + 1, '/');
		int is_last = !next || next[1] == '\0';
		cleanup_fd int parent = -1;
		cleanup_fd int fd = -1;
		const char *base;

		if (next)
			*next = '\0';
		if (slash[1] == '\0')
			goto advance; /* "/" itself, or a trailing slash */
		fd = root_open(c, buf, O_PATH);
		if (fd >= 0)
			goto advance;
		if (errno != ENOENT)
			return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "open %s%s", c->root,
					   buf);
		*slash = '\0';
		parent = root_open(c, *buf ? buf : "/", O_PATH | O_DIRECTORY);
		*slash = '/';
		if (parent < 0)
			return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "open parent of %s%s",
					   c->root, buf);
		base = slash + 1;
		if (is_last && last_is_file) {
			fd = openat(parent, base, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
			if (fd < 0 && errno != EEXIST)
				return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "create %s%s",
						   c->root, buf);
		} else if (mkdirat(parent, base, is_last ? mode : 0755) < 0 && errno != EEXIST) {
			return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "mkdir %s%s", c->root,
					   buf);
		}
	advance:
		if (next)
			*next = '/';
		slash = next;
	}
	return 0;
}

/* Resolve (creating if missing) a mount point; returns an O_PATH fd. */
static int mount_point(const struct root_ctx *c, const char *zpath, int is_file)
{
	int fd;

	if (root_mkpath(c, zpath, 0755, is_file) < 0)
		return -1;
	fd = root_open(c, zpath, O_PATH);
	if (fd < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "open %s%s", c->root, zpath);
	return fd;
}

static void fd_path(int fd, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

static int set_readonly(const struct root_ctx *c, const char *zpath, const char *what)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
	cleanup_fd int fd = root_open(c, zpath, O_PATH);

	if (fd < 0 || mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno,
				   "remount %s read-only on %s%s", what, c->root, zpath);
	return 0;
}

static int do_mount(const struct root_ctx *c, const struct launch_op *op)
{
	cleanup_fd int fd = mount_point(c, op->dest, 0);
	char target[64];

	if (fd < 0)
		return -1;
	fd_path(fd, target, sizeof(target));
	if (mount(op->fstype, target, op->fstype, op->flags, op->data) < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "mount %s on %s%s",
				   op->fstype, c->root, op->dest);
	return 0;
}

static int do_bind(const struct root_ctx *c, const char *src, const char *dest, int ro)
{
	struct stat st;
	cleanup_fd int fd = -1;
	char target[64];

	if (stat(src, &st) < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "bind %s", src);
	fd = mount_point(c, dest, !S_ISDIR(st.st_mode));
	if (fd < 0)
		return -1;
	fd_path(fd, target, sizeof(target));
	if (mount(src, target, NULL, MS_BIND | MS_REC, NULL) < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "bind %s on %s%s", src,
				   c->root, dest);
	if (ro)
		return set_readonly(c, dest, src);
	return 0;
}

static int do_write_file(const struct root_ctx *c, const struct launch_op *op)
{
	cleanup_fd int fd = mount_point(c, op->dest, 1), wfd = -1;
	char target[64];
	size_t len = strlen(op->data);

	if (fd < 0)
		return -1;
	fd_path(fd, target, sizeof(target));
	wfd = open(target, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (wfd < 0 || write(wfd, op->data, len) != (ssize_t)len)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "write %s%s", c->root,
				   op->dest);
	return 0;
}

/*
 * The directory that will hold the zone path dest (made if missing, resolved inside the root),
 * open O_PATH; *name is dest's last component.
 */
static int open_parent(const struct root_ctx *c, const char *dest, const char **name)
{
	char parent_path[4096];
	const char *slash = strrchr(dest, '/');

	snprintf(parent_path, sizeof(parent_path), "%.*s", (int)(slash - dest), dest);
	if (root_mkpath(c, parent_path, 0755, 0) < 0)
		return -1;
	*name = slash + 1;
	return root_open(c, *parent_path ? parent_path : "/", O_PATH | O_DIRECTORY);
}

static int do_symlink(const struct root_ctx *c, const struct launch_op *op)
{
	const char *name;
	cleanup_fd int parent = open_parent(c, op->dest, &name);

	if (parent < 0 || (symlinkat(op->src, parent, name) < 0 && errno != EEXIST))
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "symlink %s%s", c->root,
				   op->dest);
	return 0;
}

/* A block device node in the zone's /dev (a fresh tmpfs: nothing is there to replace). */
static int do_mknod(const struct root_ctx *c, const struct launch_op *op)
{
	const char *name;
	cleanup_fd int parent = open_parent(c, op->dest, &name);

	if (parent < 0 ||
	    mknodat(parent, name, S_IFBLK | (op->mode & 07777), (dev_t)op->flags) < 0 ||
	    fchmodat(parent, name, op->mode & 07777, 0) < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "mknod %s%s", c->root,
				   op->dest);
	return 0;
}

static int loopback_up(struct launch_error *err)
{
	cleanup_fd int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "loopback: get flags");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "loopback: bring up");
	return 0;
}

static int join_cgroup(const char *procs, struct launch_error *err)
{
	cleanup_fd int fd = open(procs, O_WRONLY | O_CLOEXEC);

	/* "0" is the writing process itself, whatever pid namespace it is in */
	if (fd < 0 || write(fd, "0", 1) != 1)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "join cgroup %s", procs);
	return 0;
}

/* Bind the brand image read-only over itself and open that mount: the zone's
 * /proc/<pid>/exe then points at a read-only file it can never write (CVE-2019-5736). */
static int brand_bind(const char *path, int *brand_fd, struct launch_error *err)
{
	struct mount_attr attr = {.attr_set =
				      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
	int fd;

	if (mount(path, path, NULL, MS_BIND, NULL) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "bind brand image %s", path);
	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "open brand image %s", path);
	if (mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0) {
		close(fd);
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno,
				   "remount brand image %s read-only", path);
	}
	*brand_fd = fd;
	return 0;
}

/* A row of the /proc and /sys table (launch_mask.c) on the zone path dest, which is
 * resolved inside the root without following a last symlink; a path the kernel does not
 * have is skipped. */
static int do_path_rule(const struct root_ctx *c, const struct launch_op *op)
{
	static const int rules[] = {
	    [LOP_MASK] = LAUNCH_PATH_MASK,
	    [LOP_READ_ONLY] = LAUNCH_PATH_RO,
	    [LOP_READ_WRITE] = LAUNCH_PATH_RW_NETNS,
	};
	cleanup_fd int fd = root_open(c, op->dest, O_PATH | O_NOFOLLOW);
	int e;

	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "open %s%s", c->root,
				   op->dest);
	e = launch_path_apply(fd, rules[op->kind]);
	if (e)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, e, "%s %s%s",
				   launch_op_name(op->kind), c->root, op->dest);
	return 0;
}

static int pivot(struct root_ctx *c)
{
	if (fchdir(c->rootfd) < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "chdir %s", c->root);
	/* new and old root on the same directory; the old one is then detached from under us */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "pivot_root %s", c->root);
	if (umount2(".", MNT_DETACH) < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "detach the old root");
	if (chdir("/") < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "chdir /");
	return 0;
}

int launch_ops_execute(const struct launch_plan *plan, const char *report_path, int *brand_fd,
		       int *init_fd, struct launch_error *err)
{
	struct root_ctx c = {.root = plan->opts->root, .rootfd = -1, .err = err};
	size_t i;
	int r = 0;

	*brand_fd = -1;
	if (init_fd)
		*init_fd = -1;
	/* zone-path ops before bind-root find rootfd -1 and fail with EBADF, never touch / */
	for (i = 0; i < plan->nops && r == 0; i++) {
		const struct launch_op *op = &plan->ops[i];

		switch (op->kind) {
		case LOP_JOIN_NETNS:
			if (setns(plan->opts->net_fd, CLONE_NEWNET) < 0)
				r = launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "join netns");
			break;
		case LOP_JOIN_CGROUP:
			r = join_cgroup(op->src, err);
			break;
		case LOP_NEW_CGROUPNS:
			if (unshare(CLONE_NEWCGROUP) < 0)
				r = launch_fail(err, LAUNCH_EXIT_CANNOT, errno,
						"new cgroup namespace");
			break;
		case LOP_HOSTNAME:
			if (sethostname(op->data, strlen(op->data)) < 0)
				r = launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "sethostname %s",
						op->data);
			break;
		case LOP_LOOPBACK_UP:
			r = loopback_up(err);
			break;
		case LOP_MAKE_PRIVATE:
			if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
				r = launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "make / private");
			break;
		case LOP_BRAND_BIND:
			r = brand_bind(op->src, brand_fd, err);
			break;
		case LOP_INIT_IMAGE:
			if (!init_fd || *init_fd >= 0)
				r = launch_fail(err, LAUNCH_EXIT_CANNOT, 0,
						"plan: init image twice");
			else
				r = launch_image_copy_ro(op->src, LAUNCH_INIT_NAME, init_fd, err);
			break;
		case LOP_BIND_ROOT:
			if (mount(op->src, op->src, NULL, MS_BIND | MS_REC, NULL) < 0) {
				r = launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "bind root %s",
						op->src);
				break;
			}
			c.rootfd = open(op->src, O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (c.rootfd < 0)
				r = launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "open root %s",
						op->src);
			break;
		case LOP_MOUNT:
			r = do_mount(&c, op);
			break;
		case LOP_BIND:
			r = do_bind(&c, op->src, op->dest, (op->flags & MS_RDONLY) != 0);
			break;
		case LOP_DEV_BIND:
			r = do_bind(&c, op->src, op->dest, 0);
			break;
		case LOP_REPORT_BIND:
			if (report_path)
				r = do_bind(&c, report_path, op->dest, 0);
			break;
		case LOP_PAGE_BIND:
			r = do_bind(&c, op->src, op->dest, 1);
			break;
		case LOP_SYMLINK:
			r = do_symlink(&c, op);
			break;
		case LOP_WRITE_FILE:
			r = do_write_file(&c, op);
			break;
		case LOP_REMOUNT_RO:
			r = set_readonly(&c, op->dest, "tmpfs");
			break;
		case LOP_MKDIR:
			if (root_mkpath(&c, op->dest, op->mode, 0) < 0)
				r = -1;
			break;
		case LOP_PIVOT_ROOT:
			r = pivot(&c);
			break;
		case LOP_MKNOD:
			r = do_mknod(&c, op);
			break;
		case LOP_MASK:
		case LOP_READ_ONLY:
		case LOP_READ_WRITE:
			r = do_path_rule(&c, op);
			break;
		default:
			r = launch_fail(err, LAUNCH_EXIT_CANNOT, 0, "plan: unknown op %d",
					op->kind);
		}
	}
	launch_paths_done();
	if (c.rootfd >= 0)
		close(c.rootfd);
	if (r < 0 && *brand_fd >= 0) {
		close(*brand_fd);
		*brand_fd = -1;
	}
	if (r < 0 && init_fd && *init_fd >= 0) {
		close(*init_fd);
		*init_fd = -1;
	}
	return r;
}
