/*
 * The plan's mount, bind, file, link and device operations, each on a descriptor resolved
 * inside the root (launch_root.c says why).
 */
#include "zone/launch/launch_root_int.h"
#include "zone/copy.h"

/*
 * runc's tmpcopyup: the directory the mount covers, copied into the new mount (owners, modes,
 * links as links, never followed: zone/copy.h).  lower is the covered directory, opened
 * before the mount; through its descriptor it stays reachable under the new mount.
 */
static int copy_up(struct root_ctx *c, const struct launch_op *op, int lower)
{
	cleanup_close int upper = launch_root_open(c, op->dest, O_RDONLY | O_DIRECTORY);
	char from[64], to[64];

	if (upper < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "open %s%s", c->root,
				   op->dest);
	launch_fd_path(lower, from, sizeof(from));
	launch_fd_path(upper, to, sizeof(to));
	if (zone_copy_tree(from, to, NULL, NULL, c->err) < 0)
		return launch_wrap(c->err, LAUNCH_EXIT_CANNOT, "tmpcopyup %s%s", c->root, op->dest);
	return 0;
}

int launch_do_mount(struct root_ctx *c, const struct launch_op *op)
{
	cleanup_close int fd = launch_mount_point(c, op->dest, 0);
	cleanup_close int lower = -1;
	char target[64];

	if (fd < 0)
		return -1;
	if (c->init_pidns >= 0 && strcmp(op->fstype, "proc") == 0) {
		if (launch_proc_of(c->init_pidns, fd, op->flags) < 0)
			return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno,
					   "mount proc of the zone's pid namespace on %s%s",
					   c->root, op->dest);
		return 0;
	}
	launch_fd_path(fd, target, sizeof(target));
	if (op->copyup && (lower = launch_root_open(c, op->dest, O_RDONLY | O_DIRECTORY)) < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "open %s%s", c->root,
				   op->dest);
	/* src: the source name mountinfo shows (an OCI config's "shm"); the type otherwise */
	if (mount(op->src ? op->src : op->fstype, target, op->fstype, op->flags, op->data) < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "mount %s on %s%s",
				   op->fstype, c->root, op->dest);
	return op->copyup ? copy_up(c, op, lower) : 0;
}

/*
 * A detached recursive bind of the host path src, idmapped through the user namespace open at
 * userns_fd (a zone's U: host uid k appears as k in the zone, shown to the host as base+k),
 * read-only if ro.  how (enum launch_idmap): AUTO idmaps every mount of the tree when it can
 * and, when one cannot (a file system without idmap support, or a mount that is idmapped
 * already, as the zone's own root is when src holds it), only the top one; REC every mount or
 * fails; TOP the top one only.  Returns the mount's descriptor, or -1 with errno: EINVAL when
 * src's own file system cannot be idmapped.
 */
int launch_idmapped_tree(const char *src, int userns_fd, int ro, int how)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP | (ro ? MOUNT_ATTR_RDONLY : 0),
				  .userns_fd = (uint64_t)userns_fd};

	for (int rec = how != LAUNCH_IDMAP_TOP; rec >= (how == LAUNCH_IDMAP_REC); rec--) {
		int fd = (int)syscall(SYS_open_tree, AT_FDCWD, src,
				      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE),
		    e;

		if (fd < 0)
			return -1;
		if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | (rec ? AT_RECURSIVE : 0),
			    &attr, sizeof(attr)) == 0) {
			if (ro && !rec) { /* the submounts read-only too */
				struct mount_attr roattr = {.attr_set = MOUNT_ATTR_RDONLY};
				if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE,
					    &roattr, sizeof(roattr)) < 0) {
					e = errno;
					close(fd);
					errno = e;
					return -1;
				}
			}
			return fd;
		}
		e = errno;
		close(fd);
		errno = e;
		if (e != EINVAL && e != EPERM)
			return -1;
	}
	errno = EINVAL;
	return -1;
}

/* An idmapped bind of src at the descriptor tfd: 0, 1 when src's file system cannot be
 * idmapped and how is AUTO (the caller binds it plainly), -1 with errno. */
static int bind_idmapped(const char *src, int userns_fd, int tfd, int ro, int how)
{
	int m = launch_idmapped_tree(src, userns_fd, ro, how), r;

	if (m < 0)
		return errno == EINVAL && how == LAUNCH_IDMAP_AUTO ? 1 : -1;
	r = (int)syscall(SYS_move_mount, m, "", tfd, "",
			 MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
	close(m);
	return r < 0 ? -1 : 0;
}

int launch_do_bind(const struct root_ctx *c, const char *src, const char *dest, int ro,
		   const struct launch_op *idmap)
{
	struct stat st;
	cleanup_close int fd = -1, own = -1;
	char target[64];
	int r = 1, userns_fd = c->userns ? c->userns->user_fd : -1;

	if (stat(src, &st) < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "bind %s", src);
	fd = launch_mount_point(c, dest, !S_ISDIR(st.st_mode));
	if (fd < 0)
		return -1;
	launch_fd_path(fd, target, sizeof(target));
	if (idmap && idmap->uid_map &&
	    (userns_fd = own = launch_userns_for_maps(idmap->uid_map, idmap->gid_map)) < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno,
				   "bind %s on %s%s: a user namespace of its maps", src, c->root,
				   dest);
	if (idmap && userns_fd >= 0 &&
	    (r = bind_idmapped(src, userns_fd, fd, ro, idmap->idmap_how)) < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "bind %s on %s%s (idmapped)",
				   src, c->root, dest);
	if (r == 0)
		return 0;
	if (mount(src, target, NULL, MS_BIND | MS_REC, NULL) < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "bind %s on %s%s", src,
				   c->root, dest);
	if (ro)
		return launch_set_readonly(c, dest, src);
	return 0;
}

int launch_do_binfmt(struct root_ctx *c, const struct launch_op *op)
{
	cleanup_close int fd = -1;

	if (!c->userns)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, 0, "plan: binfmt without U");
	/* the second bind is another mount of the same file: a brand maps its code from it
	 * before it names its program as its exe (syscalls/lx_exe.c) */
	if (launch_do_bind(c, op->src, LX_ZONE_BRAND, 1, NULL) < 0 ||
	    launch_do_bind(c, op->src, LX_ZONE_BRAND_MAP, 1, NULL) < 0)
		return -1;
	fd = launch_root_open(c, op->dest, O_PATH | O_DIRECTORY | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT)
		return 0; /* a kernel without binfmt_misc */
	if (fd < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "open %s%s", c->root,
				   op->dest);
	return launch_binfmt_register(op->src, c->userns, fd, c->err);
}

/* LOP_EXEC_LINKS, planned only where the host's entry is (opts->exec_links) */
int launch_do_exec_links(struct root_ctx *c, const struct launch_op *op)
{
	cleanup_close int mnt = -1, fd = -1;

	if (launch_do_bind(c, op->src, LX_ZONE_BRAND, 1, NULL) < 0 ||
	    launch_exec_links_fs(op->src, &mnt, c->err) < 0)
		return -1;
	fd = launch_mount_point(c, op->dest, 0);
	if (fd < 0)
		return -1;
	if (move_mount(mnt, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "exec links on %s%s", c->root,
				   op->dest);
	return 0;
}

/*
 * LOP_LXPROC_FILES: the FUSE file system on opts->lxproc_fuse_fd, made detached (fsmount),
 * and each of its files bound over its zone path from there: no mount point of its own is
 * ever visible.  Mounted by host root, so allow_other lets the zone's users in and
 * default_permissions has the kernel check the 0444 mode; nosuid, nodev, noexec, and not
 * read-only: root's open for writing of a /proc file works and its write fails (EIO), as on
 * Linux, where a read-only mount would say EROFS.
 */
int launch_lxproc_files(const struct root_ctx *c)
{
	const struct launch_opts *o = c->plan->opts;
	static const char *const strs[][2] = {
	    {"rootmode", "40555"}, {"user_id", "0"}, {"group_id", "0"}, {"source", "lxproc"}};
	char num[16];
	cleanup_close int fs = (int)syscall(SYS_fsopen, "fuse", FSOPEN_CLOEXEC);
	cleanup_close int m = -1;
	int ok = fs >= 0;

	snprintf(num, sizeof(num), "%d", o->lxproc_fuse_fd);
	ok = ok && syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "fd", num, 0) == 0;
	for (size_t i = 0; ok && i < sizeof(strs) / sizeof(strs[0]); i++)
		ok = syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, strs[i][0], strs[i][1], 0) == 0;
	ok = ok && syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, "allow_other", NULL, 0) == 0 &&
	     syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, "default_permissions", NULL, 0) == 0 &&
	     syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0 &&
	     (m = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
			       MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)) >= 0;
	if (!ok)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno,
				   "mount the lxproc files (FUSE on fd %d)", o->lxproc_fuse_fd);
	/* the binds below wait for the server's answers: wake it now (else it looks again
	 * within 10 ms) */
	if (o->lxproc_wake_fd && *o->lxproc_wake_fd >= 0)
		(void)!write(*o->lxproc_wake_fd, "m", 1);
	for (size_t i = 0; i < o->nlxproc_files; i++) {
		const struct launch_lxproc_file *f = &o->lxproc_files[i];
		cleanup_close int t = launch_root_open(c, f->zone, O_PATH);
		cleanup_close int b = -1;

		if (t < 0 && errno == ENOENT)
			continue; /* the image's kernel files are what they are: nothing to
				     hide */
		if (t < 0 ||
		    (b = (int)syscall(SYS_open_tree, m, f->name,
				      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)) < 0 ||
		    syscall(SYS_move_mount, b, "", t, "",
			    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno,
					   "bind the lxproc file %s on %s%s", f->name, c->root,
					   f->zone);
	}
	return 0;
}

int launch_do_write_file(struct root_ctx *c, const struct launch_op *op)
{
	cleanup_close int fd = launch_mount_point(c, op->dest, 1), wfd = -1;
	char target[64];
	size_t len = strlen(op->data);

	if (fd < 0)
		return -1;
	launch_fd_path(fd, target, sizeof(target));
	wfd = open(target, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (wfd < 0 || write(wfd, op->data, len) != (ssize_t)len)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "write %s%s", c->root,
				   op->dest);
	return 0;
}

/*
 * The directory that will hold the zone path dest (made if missing, resolved inside the
 * root), open O_PATH; *name is dest's last component.
 */
static int open_parent(const struct root_ctx *c, const char *dest, const char **name)
{
	char parent_path[4096];
	const char *slash = strrchr(dest, '/');

	snprintf(parent_path, sizeof(parent_path), "%.*s", (int)(slash - dest), dest);
	if (launch_root_mkpath(c, parent_path, 0755, 0) < 0)
		return -1;
	*name = slash + 1;
	return launch_root_open(c, *parent_path ? parent_path : "/", O_PATH | O_DIRECTORY);
}

int launch_do_symlink(struct root_ctx *c, const struct launch_op *op)
{
	const char *name;
	cleanup_close int parent = open_parent(c, op->dest, &name);

	if (parent < 0 || (symlinkat(op->src, parent, name) < 0 && errno != EEXIST))
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "symlink %s%s", c->root,
				   op->dest);
	return 0;
}

/* A block device node in the zone's /dev (a fresh tmpfs: nothing is there to replace). */
int launch_do_mknod(struct root_ctx *c, const struct launch_op *op)
{
	const char *name;
	cleanup_close int parent = open_parent(c, op->dest, &name);

	if (parent < 0 ||
	    /* the type from mode when given (an OCI container's linux.devices), else a block
	     * device (the zone's `device` key) */
	    mknodat(parent, name,
		    (op->mode & S_IFMT ? op->mode & S_IFMT : S_IFBLK) | (op->mode & 07777),
		    (dev_t)op->flags) < 0 ||
	    fchmodat(parent, name, op->mode & 07777, 0) < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "mknod %s%s", c->root,
				   op->dest);
	return 0;
}

int launch_loopback_up(struct zone_error *err)
{
	cleanup_close int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
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

int launch_join_cgroup(const char *procs, struct zone_error *err)
{
	cleanup_close int fd = open(procs, O_WRONLY | O_CLOEXEC);

	/* "0" is the writing process itself, whatever pid namespace it is in */
	if (fd < 0 || write(fd, "0", 1) != 1)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "join cgroup %s", procs);
	return 0;
}

/* Bind the brand image read-only over itself and open that mount: the zone's
 * /proc/<pid>/exe then points at a read-only file it can never write (CVE-2019-5736). */
int launch_brand_bind(const char *path, int *brand_fd, struct zone_error *err)
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
int launch_do_path_rule(struct root_ctx *c, const struct launch_op *op)
{
	static const int rules[] = {
	    [LOP_MASK] = LAUNCH_PATH_MASK,
	    [LOP_READ_ONLY] = LAUNCH_PATH_RO,
	    [LOP_READ_WRITE] = LAUNCH_PATH_RW_OWN_NS,
	};
	cleanup_close int fd = launch_root_open(c, op->dest, O_PATH | O_NOFOLLOW);
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
