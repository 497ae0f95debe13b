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
#include "zone/launch/launch_root_int.h"
#include "lib/openat2.h"

static int init_pid_fd = -1;

void launch_ops_set_init_pid_fd(int fd)
{
	init_pid_fd = fd;
}

int launch_ops_init_pid_fd(void)
{
	return init_pid_fd;
}

int launch_joins_pidns_late(const struct launch_opts *opts)
{
	return (opts->joined_ns & CLONE_NEWPID) != 0;
}

static int init_self_fd = -1;

int launch_ops_init_self_fd(void)
{
	return init_self_fd;
}

/* Open a zone path (absolute) inside the root, confined. */
int launch_root_open(const struct root_ctx *c, const char *zpath, int flags)
{
	struct open_how how = {
	    .flags = (unsigned long long)(flags | O_CLOEXEC),
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	const char *rel = zpath;

	while (*rel == '/')
		rel++;
	return lx_openat2(c->rootfd, *rel ? rel : ".", &how);
}

/* mkdir -p of zpath inside the root; if last_is_file, the last component is an empty file. */
int launch_root_mkpath(const struct root_ctx *c, const char *zpath, mode_t mode, int last_is_file)
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
		cleanup_close int parent = -1;
		cleanup_close int fd = -1;
		const char *base;

		if (next)
			*next = '\0';
		if (slash[1] == '\0')
			goto advance; /* "/" itself, or a trailing slash */
		fd = launch_root_open(c, buf, O_PATH);
		if (fd >= 0)
			goto advance;
		if (errno != ENOENT)
			return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "open %s%s", c->root,
					   buf);
		*slash = '\0';
		parent = launch_root_open(c, *buf ? buf : "/", O_PATH | O_DIRECTORY);
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
int launch_mount_point(const struct root_ctx *c, const char *zpath, int is_file)
{
	int fd;

	if (launch_root_mkpath(c, zpath, 0755, is_file) < 0)
		return -1;
	fd = launch_root_open(c, zpath, O_PATH);
	if (fd < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "open %s%s", c->root, zpath);
	return fd;
}

void launch_fd_path(int fd, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

int launch_set_readonly(const struct root_ctx *c, const char *zpath, const char *what)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
	cleanup_close int fd = launch_root_open(c, zpath, O_PATH);

	if (fd < 0 || mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno,
				   "remount %s read-only on %s%s", what, c->root, zpath);
	return 0;
}

/* proc of init's pid namespace (not this process's: the setup process is outside it), made
 * with the new mount API's pidns option and attached at tfd. */
int launch_proc_of(int pidns, int tfd, unsigned long flags)
{
	unsigned attrs = (flags & MS_NOSUID ? MOUNT_ATTR_NOSUID : 0) |
			 (flags & MS_NODEV ? MOUNT_ATTR_NODEV : 0) |
			 (flags & MS_NOEXEC ? MOUNT_ATTR_NOEXEC : 0);
	int fs = (int)syscall(SYS_fsopen, "proc", FSOPEN_CLOEXEC), m = -1, r = -1, e;

	if (fs >= 0 && syscall(SYS_fsconfig, fs, FSCONFIG_SET_FD, "pidns", NULL, pidns) == 0 &&
	    syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "source", "proc", 0) == 0 &&
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0 &&
	    (m = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, attrs)) >= 0)
		r = (int)syscall(SYS_move_mount, m, "", tfd, "",
				 MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
	e = errno;
	if (m >= 0)
		close(m);
	if (fs >= 0)
		close(fs);
	errno = e;
	return r;
}

/*
 * The root, bound on itself: through an idmapped mount for a user-namespaced zone (the
 * image's ids are the zone's; nothing on disk changes, so an overlay clone or a snapshot
 * stays as it is), else plainly.  Then, in a user-namespaced zone, what this process
 * creates in the root or the zone's tmpfs belongs to the zone's root: fsuid and fsgid
 * become its host ids (an idmapped mount refuses to create a file for an id outside its
 * map), with the capabilities that change drops raised again.
 */
static int bind_root(struct root_ctx *c, const struct launch_op *op)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];
	int m, r;

	if (op->idmap && c->userns) {
		m = launch_idmapped_tree(op->src, c->userns->user_fd, 0, LAUNCH_IDMAP_AUTO);
		if (m < 0)
			return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno,
					   "bind root %s through an idmapped mount", op->src);
		r = (int)syscall(SYS_move_mount, m, "", AT_FDCWD, op->src, MOVE_MOUNT_F_EMPTY_PATH);
		close(m);
		if (r < 0)
			return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "attach root %s",
					   op->src);
	} else if (mount(op->src, op->src, NULL, MS_BIND | MS_REC, NULL) < 0) {
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "bind root %s", op->src);
	}
	c->root_bound = 1;
	c->rootfd = open(op->src, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->rootfd < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "open root %s", op->src);
	if (!c->userns)
		return 0;
	setfsgid(c->userns->gid_base);
	setfsuid(c->userns->base);
	if (syscall(SYS_capget, &h, d) < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "capget");
	d[0].effective = d[0].permitted;
	d[1].effective = d[1].permitted;
	if (syscall(SYS_capset, &h, d) < 0 || (uid_t)setfsuid((uid_t)-1) != c->userns->base ||
	    launch_undumpable() < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno,
				   "act as the zone's root (host uid %u)", c->userns->base);
	return 0;
}

/*
 * The zone's init, once the setup process says go (LOP_ENTER_USERNS; end-of-file: the setup
 * failed and said why).  It is in U already as U's root (its parent joined U and became uid
 * and gid 0 there: spawn_init) and in the setup's mount namespace, whose root the pivot
 * moved for it too: it copies that namespace into one owned by U, which makes the kernel
 * lock every mount made by the setup.  From here on the kernel judges it as the zone's root.
 */
static int init_enter(int go, struct zone_error *err)
{
	char b = 0;
	ssize_t n;

	while ((n = read(go, &b, 1)) < 0 && errno == EINTR)
		;
	close(go);
	if (n != 1 || b != 'g')
		_exit(LAUNCH_EXIT_CANNOT);
	if (chdir("/") < 0 || unshare(CLONE_NEWNS) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno,
				   "mount namespace of the zone's user namespace");
	if (chdir("/") < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "chdir /");
	return 0;
}

/*
 * The zone's time namespace, made here in U so that U owns it: the zone's root may setns
 * back into it from a time namespace of its own (LTP's clock_gettime03 does), which a
 * namespace owned by the host's user namespace refuses (EPERM).  Its boottime offset makes
 * CLOCK_BOOTTIME count from the zone's boot, an OCI container's offsets are its timeOffsets
 * (launch_timens.c); with boottime=host (plan->new_timens 0) it has none, so the zone's
 * clocks are the host's.  Offsets can only be written before a process is in it: init,
 * forked next, is its first.  A namespace to join (OCI's path) was joined by launch_spawn,
 * as the host's root: init is born in it.  0 or -1 with errno.
 */
static int timens_in_userns(const struct launch_plan *plan)
{
	if (plan->opts->timens == LAUNCH_TIMENS_JOIN)
		return 0;
	if (unshare(CLONE_NEWTIME) < 0)
		return -1;
	return plan->new_timens ? launch_timens_set_offsets(plan->opts) : 0;
}

/* In init's parent (a pid namespace joined late), just forked by spawn_init's child: still in
 * the caller's pid namespace, it opens its own descriptors (launch_harden.fd_dir) while /proc
 * shows it, and only then writes its pid to fd, so before the setup goes on to the pivot
 * (which moves our root too).  Exits on failure. */
static void init_parent_report(int fd)
{
	pid_t me = getpid();

	init_self_fd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (init_self_fd < 0) {
		fprintf(stderr, "%s: open /proc/self/fd: %s\n", launch_prog, strerror(errno));
		_exit(LAUNCH_EXIT_CANNOT);
	}
	if (write(fd, &me, sizeof(me)) != sizeof(me))
		_exit(LAUNCH_EXIT_CANNOT);
}

/*
 * LOP_SPAWN_INIT: the zone's init, as PID 1 of pid and cgroup namespaces owned by U.  A pid
 * namespace belongs to the user namespace of the process that makes it, and a process joins
 * one only once it has a PID 1 (/proc/PID/ns/pid_for_children is ENOENT before), so
 * host-root setup cannot make init itself: a child joins U, unshares pid and cgroup
 * namespaces (the cgroups joined earlier become the zone's "/"), or joins the OCI cgroup
 * namespace by path (a pod's, owned by U: oci_userns_join checks), and forks init, then
 * exits; init waits for the setup to finish.  The setup learns init's pid (reported to
 * init_pid_fd once init is no longer the child's: the supervisor, a subreaper, adopts it)
 * and mounts proc for its pid namespace.  A pid namespace given (a pod's, owned by U) is
 * joined late (launch_joins_pidns_late): the process forked here stays in the caller's pid
 * namespace, does what init would do up to its hardening, becomes the user, and only then
 * forks init into the pod's (zone_init), so no process of the pod ever sees it before it
 * is hardened: not in the window after a change of ids, where fs.suid_dumpable 1 makes it
 * dumpable (runc's init changes ids in the pod's namespace).  Returns 0 in the setup, 2 in
 * init (ready to go on), -1 with err.
 */
static int spawn_init(struct root_ctx *c)
{
	int go[2], rep[2], st;
	pid_t q, init = -1;
	char path[64];

	if (pipe2(go, O_CLOEXEC) < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "pipe");
	if (pipe2(rep, O_CLOEXEC) < 0) {
		close(go[0]);
		close(go[1]);
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "pipe");
	}
	q = fork();
	if (q == 0) {
		/* a pid namespace given (OCI's by path: a pod's, owned by U) is joined by init's
		 * parent (forked here, in U) once it is hardened: a subreaper of ours adopts both
		 * when their parents exit, not that namespace's init */
		const struct launch_opts *o = c->plan->opts;
		int late = launch_joins_pidns_late(o),
		    joined_cg = (o->joined_ns & CLONE_NEWCGROUP) != 0;
		/* a cgroup namespace given with a U of the zone's own is not U's (U owns none
		 * yet): joined first, while this is still the host's root, as runc's nsexec
		 * joins namespaces by path before its unshare of the user namespace; a pod's U
		 * owns the one given (oci_userns_join checks), which is joined from U */
		int cg_first = joined_cg && !c->userns->joined;
		pid_t i;

		close(go[1]);
		close(rep[0]);
		if ((cg_first && setns(o->cgroupns_fd, CLONE_NEWCGROUP) < 0) ||
		    setns(c->userns->user_fd, CLONE_NEWUSER) < 0 ||
		    (!late && unshare(CLONE_NEWPID) < 0) ||
		    (!cg_first && (joined_cg ? setns(o->cgroupns_fd, CLONE_NEWCGROUP)
					     : unshare(CLONE_NEWCGROUP)) < 0)) {
			fprintf(stderr,
				"%s: pid and cgroup namespaces of the zone's user namespace: "
				"%s\n",
				launch_prog, strerror(errno));
			_exit(LAUNCH_EXIT_CANNOT);
		}
		if (launch_timens_supported() && timens_in_userns(c->plan) < 0) {
			fprintf(stderr, "%s: time namespace of the zone's user namespace: %s\n",
				launch_prog, strerror(errno));
			_exit(LAUNCH_EXIT_CANNOT);
		}
		/* uid and gid 0 in U with no supplementary groups (U's root keeps its
		 * capabilities: the effective set is refilled on the change to U's root), here,
		 * in the runtime's pid namespace: each change of ids sets the dumpable flag to
		 * fs.suid_dumpable until launch_undumpable clears it again, and 1 there would
		 * let a process of a pod's pid namespace attach to init in between, before its
		 * pivot (launch.h).  Init is born with these ids, and not dumpable.  (After the
		 * time offsets: /proc/self/timens_offsets of a process not dumpable is host
		 * root's.) */
		if (launch_become_ns_root() < 0) {
			fprintf(stderr, "%s: become the zone's root: %s\n", launch_prog,
				strerror(errno));
			_exit(LAUNCH_EXIT_CANNOT);
		}
		i = fork();
		if (i == 0) {
			if (late)
				init_parent_report(rep[1]);
			close(rep[1]);
			return init_enter(go[0], c->err) < 0 ? -1 : 2;
		}
		/* late: init's parent reports itself (above) */
		_exit(i > 0 && (late || write(rep[1], &i, sizeof(i)) == sizeof(i))
			  ? 0
			  : LAUNCH_EXIT_CANNOT);
	}
	close(go[0]);
	close(rep[1]);
	if (q < 0) {
		close(go[1]);
		close(rep[0]);
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "fork");
	}
	if (read(rep[0], &init, sizeof(init)) != sizeof(init))
		init = -1;
	close(rep[0]);
	while (waitpid(q, &st, 0) < 0 && errno == EINTR)
		;
	if (init <= 0) {
		close(go[1]);
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, 0, "start the zone's init");
	}
	c->go_fd = go[1];
	/* late: the pid namespace joined, open already (launch_ops_execute) */
	if (c->init_pidns < 0) {
		snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)init);
		if ((c->init_pidns = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "open %s", path);
	}
	if (init_pid_fd >= 0 && write(init_pid_fd, &init, sizeof(init)) != sizeof(init))
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "report init's pid");
	return 0;
}

static int pivot(struct root_ctx *c)
{
	if (fchdir(c->rootfd) < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "chdir %s", c->root);
	/* new and old root on the same directory; the old one is then detached from under
	 * us */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "pivot_root %s", c->root);
	c->pivoted = 1;
	if (umount2(".", MNT_DETACH) < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "detach the old root");
	if (chdir("/") < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "chdir /");
	return 0;
}

/* One handler per operation kind, each 0, -1 with c->err filled, 1 (this process is the
 * setup, done: init goes on) or 2 (this process is the zone's init). */
typedef int (*op_fn)(struct root_ctx *c, const struct launch_op *op);

static int op_join_netns(struct root_ctx *c, const struct launch_op *op)
{
	(void)op;
	if (setns(c->plan->opts->net_fd, CLONE_NEWNET) < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "join netns");
	return 0;
}

/* The mount namespace given (opts->joined_ns): setns checks it is one; root and cwd become
 * its root, where the plan's host paths (the root, the brand, binds) are then resolved. */
static int op_join_mntns(struct root_ctx *c, const struct launch_op *op)
{
	(void)op;
	if (setns(c->plan->opts->mnt_fd, CLONE_NEWNS) < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "join the mount namespace");
	c->mnt_joined = 1;
	return 0;
}

static int op_join_cgroup(struct root_ctx *c, const struct launch_op *op)
{
	return launch_join_cgroup(op->src, c->err);
}

/* The cgroup namespace given (opts->joined_ns): setns checks it is one. */
static int op_join_cgroupns(struct root_ctx *c, const struct launch_op *op)
{
	(void)op;
	if (setns(c->plan->opts->cgroupns_fd, CLONE_NEWCGROUP) < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "join the cgroup namespace");
	return 0;
}

static int op_new_cgroupns(struct root_ctx *c, const struct launch_op *op)
{
	(void)op;
	if (unshare(CLONE_NEWCGROUP) < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "new cgroup namespace");
	return 0;
}

static int op_hostname(struct root_ctx *c, const struct launch_op *op)
{
	if (sethostname(op->data, strlen(op->data)) < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "sethostname %s", op->data);
	return 0;
}

static int op_domainname(struct root_ctx *c, const struct launch_op *op)
{
	if (setdomainname(op->data, strlen(op->data)) < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "setdomainname %s",
				   op->data);
	return 0;
}

static int op_loopback_up(struct root_ctx *c, const struct launch_op *op)
{
	(void)op;
	return launch_loopback_up(c->err);
}

static int op_make_private(struct root_ctx *c, const struct launch_op *op)
{
	(void)op;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "make / private");
	return 0;
}

static int op_brand_bind(struct root_ctx *c, const struct launch_op *op)
{
	return launch_brand_bind(op->src, c->brand_fd, c->err);
}

static int op_init_image(struct root_ctx *c, const struct launch_op *op)
{
	if (!c->init_fd || *c->init_fd >= 0)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, 0, "plan: init image twice");
	return launch_image_copy_ro(op->src, LAUNCH_INIT_NAME, c->init_fd, c->err);
}

static int op_bind(struct root_ctx *c, const struct launch_op *op)
{
	return launch_do_bind(c, op->src, op->dest, (op->flags & MS_RDONLY) != 0,
			      op->idmap ? op : NULL);
}

static int op_dev_bind(struct root_ctx *c, const struct launch_op *op)
{
	return launch_do_bind(c, op->src, op->dest, 0, NULL);
}

static int op_report_bind(struct root_ctx *c, const struct launch_op *op)
{
	return c->report_path ? launch_do_bind(c, c->report_path, op->dest, 0, NULL) : 0;
}

static int op_page_bind(struct root_ctx *c, const struct launch_op *op)
{
	return launch_do_bind(c, op->src, op->dest, 1, NULL);
}

static int op_lxproc_files(struct root_ctx *c, const struct launch_op *op)
{
	(void)op;
	return launch_lxproc_files(c);
}

static int op_remount_ro(struct root_ctx *c, const struct launch_op *op)
{
	return launch_set_readonly(c, op->dest, "tmpfs");
}

static int op_mkdir(struct root_ctx *c, const struct launch_op *op)
{
	return launch_root_mkpath(c, op->dest, op->mode, 0) < 0 ? -1 : 0;
}

static int op_pivot_root(struct root_ctx *c, const struct launch_op *op)
{
	const struct launch_opts *o = c->plan->opts;

	(void)op;
	/* OCI createContainer: the zone's mounts are made, the host's root still is "/" */
	if (o->before_pivot && o->before_pivot(o->setup_arg, c->err) < 0)
		return -1;
	return pivot(c);
}

static int op_spawn_init(struct root_ctx *c, const struct launch_op *op)
{
	(void)op;
	if (!c->userns)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, 0, "plan: no user namespace");
	return spawn_init(c);
}

/* the setup's work is done: init goes on, this process returns 1 */
static int op_enter_userns(struct root_ctx *c, const struct launch_op *op)
{
	(void)op;
	if (c->go_fd < 0 || write(c->go_fd, "g", 1) != 1)
		return launch_fail(c->err, LAUNCH_EXIT_CANNOT, errno, "start the zone's init");
	return 1;
}

static const op_fn op_table[] = {
    [LOP_JOIN_NETNS] = op_join_netns,
    [LOP_JOIN_CGROUP] = op_join_cgroup,
    [LOP_NEW_CGROUPNS] = op_new_cgroupns,
    [LOP_HOSTNAME] = op_hostname,
    [LOP_DOMAINNAME] = op_domainname,
    [LOP_LOOPBACK_UP] = op_loopback_up,
    [LOP_MAKE_PRIVATE] = op_make_private,
    [LOP_BRAND_BIND] = op_brand_bind,
    [LOP_INIT_IMAGE] = op_init_image,
    [LOP_BIND_ROOT] = bind_root,
    [LOP_MOUNT] = launch_do_mount,
    [LOP_BIND] = op_bind,
    [LOP_DEV_BIND] = op_dev_bind,
    [LOP_REPORT_BIND] = op_report_bind,
    [LOP_PAGE_BIND] = op_page_bind,
    [LOP_LXPROC_FILES] = op_lxproc_files,
    [LOP_SYMLINK] = launch_do_symlink,
    [LOP_WRITE_FILE] = launch_do_write_file,
    [LOP_REMOUNT_RO] = op_remount_ro,
    [LOP_MKDIR] = op_mkdir,
    [LOP_PIVOT_ROOT] = op_pivot_root,
    [LOP_MKNOD] = launch_do_mknod,
    [LOP_MASK] = launch_do_path_rule,
    [LOP_READ_ONLY] = launch_do_path_rule,
    [LOP_READ_WRITE] = launch_do_path_rule,
    [LOP_BINFMT] = launch_do_binfmt,
    [LOP_EXEC_LINKS] = launch_do_exec_links,
    [LOP_SPAWN_INIT] = op_spawn_init,
    [LOP_ENTER_USERNS] = op_enter_userns,
    [LOP_JOIN_MNTNS] = op_join_mntns,
    [LOP_JOIN_CGROUPNS] = op_join_cgroupns,
};

/* A plan failed in a mount namespace it joined, before its pivot: the root's bind (with every
 * mount made under it) and the brand's are taken back, so the namespace's owner finds its
 * paths as they were.  (After the pivot its root is the zone's, as under runc.) */
static void joined_mntns_undo(const struct root_ctx *c, int brand_bound)
{
	if (!c->mnt_joined || c->pivoted)
		return;
	if (c->root_bound)
		umount2(c->root, MNT_DETACH);
	if (brand_bound)
		umount2(c->plan->brand, MNT_DETACH);
}

int launch_ops_execute(const struct launch_plan *plan, const char *report_path, int *brand_fd,
		       int *init_fd, struct zone_error *err)
{
	struct root_ctx c = {.root = plan->opts->root,
			     .rootfd = -1,
			     .userns = plan->opts->userns,
			     .go_fd = -1,
			     .init_pidns = -1,
			     .plan = plan,
			     .err = err,
			     .report_path = report_path,
			     .brand_fd = brand_fd,
			     .init_fd = init_fd};
	int r = 0;

	*brand_fd = -1;
	if (init_fd)
		*init_fd = -1;
	/* a pid namespace init joins later (launch_joins_pidns_late): the setup is outside it,
	 * so its proc is mounted for it by descriptor, as for a user-namespaced init */
	if (launch_joins_pidns_late(plan->opts) &&
	    (c.init_pidns = fcntl(plan->opts->pidns_fd, F_DUPFD_CLOEXEC, 0)) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "pid namespace descriptor");
	/* zone-path ops before bind-root find rootfd -1 and fail with EBADF, never touch / */
	for (size_t i = 0; i < plan->nops && r == 0; i++) {
		const struct launch_op *op = &plan->ops[i];
		unsigned k = (unsigned)op->kind;

		if (k >= sizeof(op_table) / sizeof(op_table[0]) || !op_table[k])
			r = launch_fail(err, LAUNCH_EXIT_CANNOT, 0, "plan: unknown op %d",
					op->kind);
		else
			r = op_table[k](&c, op);
	}
	if (r == 2) /* init: the rest is the setup's; it goes on at the end */
		r = 0;
	else
		launch_paths_done();
	if (c.rootfd >= 0)
		close(c.rootfd);
	if (c.go_fd >= 0)
		close(c.go_fd);
	if (c.init_pidns >= 0)
		close(c.init_pidns);
	if (r < 0)
		joined_mntns_undo(&c, *brand_fd >= 0);
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
