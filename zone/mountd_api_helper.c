/*
 * The new mount API's helper (zone/mountd_api.c): forked for one request, it joins the
 * caller's namespaces and root as mount(2)'s helper does (zone/mountd.c, step 4), resolves
 * the call's paths once to O_PATH descriptors, takes the facts from them, asks the policy
 * (zone/mountd_api_policy.c, zone/mountd_policy.c) and performs the call on them; a
 * descriptor it makes goes back to the service over a socket (SCM_RIGHTS).
 */
#include "zone/mountd_api_int.h"
#include "zone/launch/launch.h" /* launch_harden, the /proc and /sys masks */

/* ------------------------------------------------------------------------------------------ */
/* The helper */

/* Into the caller's namespaces (its user namespace when it has its own), then (lxproc) take the
 * zone's lxproc binds for a new mount of fs, then its root and cwd.  0 or an errno. */
static int api_enter(const struct req_ctx *c, int lxproc_fs, int root)
{
	struct stat a, b;

	if (fstat(c->ns_user, &a) == 0 && stat("/proc/self/ns/user", &b) == 0 &&
	    (a.st_ino != b.st_ino || a.st_dev != b.st_dev)) {
		if (setns(c->ns_user, CLONE_NEWUSER) < 0 || launch_become_ns_root() < 0)
			return errno;
	}
	if (setns(c->ns_net, CLONE_NEWNET) < 0 || setns(c->ns_ipc, CLONE_NEWIPC) < 0 ||
	    setns(c->ns_mnt, CLONE_NEWNS) < 0)
		return errno;
	if (lxproc_fs)
		mountd_lxproc_take(lxproc_fs);
	if (root && (fchdir(c->root) < 0 || chroot(".") < 0 || fchdir(c->cwd) < 0))
		return errno;
	return 0;
}

/* A path argument resolved to an O_PATH descriptor with open_tree's lookup flags. */
static int resolve(int dfd, const char *path, unsigned at_flags)
{
	int fd =
	    (int)syscall(SYS_open_tree, dfd, path,
			 OPEN_TREE_CLOEXEC |
			     (at_flags & (AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT)));
	return fd < 0 ? -errno : fd;
}

/* In the helper: the host's /proc, opened before it entered the caller's namespaces ("self"
 * there is the helper; the zone's /proc does not show it).  A mountinfo file opened through
 * it once in the caller's namespace and root shows what the caller's shows. */
static int host_proc = -1;

/* What fspick, open_tree, move_mount and mount_setattr start with: into the caller's
 * namespaces and root, its mountinfo opened (*mi), and path resolved as at_flags say.  The
 * O_PATH descriptor, or -errno. */
static int enter_at(const struct req_ctx *c, int dfd, const char *path, unsigned at_flags, int *mi)
{
	int e;

	*mi = -1;
	if ((e = api_enter(c, 0, 1)) != 0)
		return -e;
	if ((*mi = openat(host_proc, "self/mountinfo", O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	return resolve(dfd, path, at_flags);
}

/* The facts of the mount fd is on (mountd_mount_facts), mountinfo's text in text (mi). */
static void facts_of(int fd, int mi, struct mountd_facts *f)
{
	mountd_mount_facts(fd, mi, f);
}

static int h_fsopen(const struct req_ctx *c, const struct api_job *j, struct api_reply *rep)
{
	int e, fd;

	(void)rep;
	if (j->fs == MOUNTD_FS_OVERLAY && (e = mountd_adopt_caps(c->cap_eff)) != 0)
		return -e;
	if ((e = api_enter(c, 0, 0)) != 0)
		return -e;
	fd = fsopen(j->path, FSOPEN_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* proc of the caller's pid namespace (this helper's own is the host's) */
	if (j->fs == MOUNTD_FS_PROC &&
	    fsconfig(fd, FSCONFIG_SET_FD, "pidns", NULL, c->ns_pid) < 0) {
		e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

/* An overlay layer key: each layer resolved in the caller's root (mountd_ovl_layer). */
static int h_layer(const struct req_ctx *c, const struct api_job *j, int self_fd,
		   struct api_reply *rep)
{
	static const char *const key[] = {[MOUNTD_OVL_LOWER] = "lowerdir+",
					  [MOUNTD_OVL_DATA] = "datadir+",
					  [MOUNTD_OVL_UPPER] = "upperdir",
					  [MOUNTD_OVL_WORK] = "workdir"};
	static struct mountd_ovl o;
	char opt[STR_MAX + 16];
	int e;

	if ((e = mountd_adopt_caps(c->cap_eff)) != 0 || (e = api_enter(c, 0, 1)) != 0)
		return -e;
	if (j->layer == MOUNTD_OVL_RESET) {
		/* "lowerdir": a list, split and unescaped as mount(2)'s data */
		snprintf(opt, sizeof(opt), "lowerdir=%s", j->value);
		if ((e = mountd_overlay_parse(opt, &o)) < 0)
			return e;
		o.n -= 3; /* the service's own options, added at CMD_CREATE */
	} else {
		o.n = 1;
		o.opt[0] = (struct mountd_ovl_opt){j->layer, NULL, j->value};
	}
	for (size_t i = 0; i < o.n; i++) {
		const struct mountd_ovl_opt *x = &o.opt[i];
		int lfd, r;

		if (x->kind == MOUNTD_OVL_RESET) {
			r = fsconfig(j->ctx, FSCONFIG_SET_STRING, "lowerdir", "", 0);
		} else {
			lfd = mountd_ovl_layer(x->value, self_fd, &rep->layer_flags);
			if (lfd < 0)
				return lfd;
			r = fsconfig(j->ctx, FSCONFIG_SET_FD, key[x->kind], NULL, lfd);
			e = errno;
			close(lfd);
			errno = e;
		}
		if (r < 0)
			return -errno;
	}
	return 0;
}

/* A block file system's source: looked up (stat, as mount(2)'s helper does) in the caller's
 * root and cwd; the context gets the absolute path, resolved at CMD_CREATE by node. */
static int h_source(const struct req_ctx *c, const struct api_job *j, struct api_reply *rep)
{
	int e;

	if ((e = api_enter(c, 0, 1)) != 0)
		return -e;
	if ((e = mountd_src_abs(j->value, rep->src_abs, sizeof(rep->src_abs))) < 0)
		return e;
	mountd_src_stat(j->value, &rep->src);
	return 0;
}

/* CMD_CREATE / CMD_RECONFIGURE with what mount(2) forces on the class. */
static int h_create(const struct req_ctx *c, const struct api_job *j)
{
	const struct api_fc *fc = j->fc;
	int e, priv = -1;

	if (fc->fs == MOUNTD_FS_OVERLAY && (e = mountd_adopt_caps(c->cap_eff)) != 0)
		return -e;
	if ((e = api_enter(c, 0, 1)) != 0)
		return -e;
	if (fc->fs == MOUNTD_FS_BLOCK && fc->src_set && j->cmd != FSCONFIG_CMD_RECONFIGURE) {
		/* the source is looked up in a private tmpfs holding only the checked node */
		priv = mountd_private_node(fc->src_abs, fc->src.rdev);
		if (priv < 0)
			return priv;
		if (fchdir(priv) < 0 || chroot(".") < 0)
			return -errno;
	}
	if (fc->fs == MOUNTD_FS_SYSFS && fsconfig(j->ctx, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0)
		return -errno;
	if (fc->fs == MOUNTD_FS_OVERLAY && !fc->picked &&
	    (fsconfig(j->ctx, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0 ||
	     fsconfig(j->ctx, FSCONFIG_SET_STRING, "index", "off", 0) < 0 ||
	     fsconfig(j->ctx, FSCONFIG_SET_STRING, "nfs_export", "off", 0) < 0))
		return -errno;
	return fsconfig(j->ctx, j->cmd, NULL, NULL, 0) < 0 ? -errno : 0;
}

/* A plain key, in the caller's namespaces (a uid= or gid= is the caller's user namespace's). */
static int h_pass(const struct req_ctx *c, const struct api_job *j)
{
	int e = api_enter(c, 0, 1);

	if (e)
		return -e;
	return fsconfig(j->ctx, j->cmd, j->key, j->value, 0) < 0 ? -errno : 0;
}

static int h_fsmount(const struct req_ctx *c, const struct api_job *j)
{
	const char *mask = j->fs == MOUNTD_FS_PROC    ? "/proc"
			   : j->fs == MOUNTD_FS_SYSFS ? "/sys"
						      : NULL;
	int e, m;

	if ((e = api_enter(c, mask ? j->fs : 0, 1)) != 0)
		return -e;
	m = fsmount(j->ctx, FSMOUNT_CLOEXEC, (unsigned)j->attrs);
	if (m < 0)
		return -errno;
	/* a proc or sysfs gets the zone's masks and lxproc files before the caller sees it, as
	 * mount(2)'s (mountd_fs.c, fc_attach); its own network namespace: /proc/sys/net stays
	 * writable */
	if (mask && ((e = launch_paths_apply_tree(m, mask, 1)) != 0 ||
		     (e = mountd_lxproc_cover(m, mask)) != 0)) {
		close(m);
		return -e;
	}
	return m;
}

static int h_fspick(const struct req_ctx *c, const struct mountd_zone *z, const struct api_job *j,
		    struct api_reply *rep)
{
	struct mountd_facts f = {.admin = 1};
	struct mountd_op op = {.kind = MOUNTD_REMOUNT};
	struct statfs sfs;
	unsigned at = (j->flags & FSPICK_SYMLINK_NOFOLLOW ? AT_SYMLINK_NOFOLLOW : 0) |
		      (j->flags & FSPICK_NO_AUTOMOUNT ? AT_NO_AUTOMOUNT : 0) |
		      (j->flags & FSPICK_EMPTY_PATH ? AT_EMPTY_PATH : 0);
	int e, p, mi;

	if ((p = enter_at(c, j->dfd, j->path, at, &mi)) < 0)
		return p;
	facts_of(p, mi, &f);
	if ((e = mountd_check(z, &op, 0, &f)) < 0)
		return e;
	if (fstatfs(p, &sfs) < 0 || (rep->fs = mountd_fs_of_magic((long)sfs.f_type)) == 0)
		return -EPERM;
	e = fspick(p, "", FSPICK_EMPTY_PATH | FSPICK_CLOEXEC);
	return e < 0 ? -errno : e;
}

/* open_tree and open_tree_attr: a clone is mount(2)'s bind (MS_REC: AT_RECURSIVE). */
static int h_open_tree(const struct req_ctx *c, const struct mountd_zone *z,
		       const struct api_job *j, int self_fd)
{
	struct mountd_facts f = {.admin = 1}, g = {.admin = 1};
	const int rec = (j->flags & AT_RECURSIVE) != 0;
	int e, p, mi, m;

	if ((p = enter_at(c, j->dfd, j->path, j->flags, &mi)) < 0)
		return p;
	if (!(j->flags & OPEN_TREE_CLONE))
		return p; /* an O_PATH descriptor, as the kernel's */
	facts_of(p, mi, &f);
	if (f.mnt_errno)
		return -f.mnt_errno;
	if (!rec) {
		/* a tree the caller's namespace does not show (detached): what is below is unknown
		 */
		if (!f.mnt_in_ns)
			return -EINVAL;
		if ((e = mountd_bind_facts(p, self_fd, mi, z, &f)) != 0)
			return -e;
		if (f.src_boot_below)
			return -EINVAL; /* the kernel's answer for locked children */
	}
	m = (int)syscall(SYS_open_tree, p, "",
			 AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
			     (rec ? AT_RECURSIVE : 0));
	if (m < 0)
		return -errno;
	if (j->has_attr) {
		struct mountd_attr a = j->attr;
		struct mount_attr ka;

		facts_of(m, mi, &g);
		if ((e = mountd_setattr_check(z, &g, rec, 0, &a)) < 0) {
			close(m);
			return e;
		}
		ka = (struct mount_attr){
		    .attr_set = a.set, .attr_clr = a.clr, .propagation = a.propagation};
		if ((a.set | a.clr | a.propagation) &&
		    mount_setattr(m, "", AT_EMPTY_PATH | (rec ? AT_RECURSIVE : 0), &ka,
				  sizeof(ka)) < 0) {
			e = errno;
			close(m);
			return -e;
		}
	}
	return m;
}

static int h_move_mount(const struct req_ctx *c, const struct mountd_zone *z,
			const struct api_job *j, struct api_reply *rep)
{
	struct mountd_facts f = {.admin = 1};
	struct mountd_op op = {.kind = MOUNTD_MOVE};
	unsigned fl = j->flags;
	int e, from, to, mi;

	from = enter_at(c, j->dfd, j->path,
			(fl & MOVE_MOUNT_F_SYMLINKS ? 0 : AT_SYMLINK_NOFOLLOW) |
			    (fl & MOVE_MOUNT_F_AUTOMOUNTS ? 0 : AT_NO_AUTOMOUNT) |
			    (fl & MOVE_MOUNT_F_EMPTY_PATH ? AT_EMPTY_PATH : 0),
			&mi);
	if (from < 0)
		return from;
	to = resolve(j->dfd2, j->path2,
		     (fl & MOVE_MOUNT_T_SYMLINKS ? 0 : AT_SYMLINK_NOFOLLOW) |
			 (fl & MOVE_MOUNT_T_AUTOMOUNTS ? 0 : AT_NO_AUTOMOUNT) |
			 (fl & MOVE_MOUNT_T_EMPTY_PATH ? AT_EMPTY_PATH : 0));
	if (to < 0)
		return to;
	facts_of(from, mi, &f);
	rep->mnt_id = f.mnt_id;
	/* attached: mount(2)'s MS_MOVE (only the zone's own); detached (a clone or fsmount's,
	 * both made by the service): attached as mount(2) attaches a new mount */
	if (f.mnt_errno == 0 && f.mnt_in_ns && (e = mountd_check(z, &op, 0, &f)) < 0)
		return e;
	if (move_mount(from, "", to, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH |
			   (fl & MOVE_MOUNT_BENEATH)) < 0)
		return -errno;
	return 0;
}

static int h_setattr(const struct req_ctx *c, const struct mountd_zone *z, const struct api_job *j)
{
	static char text[1 << 18];
	struct mountd_facts f = {.admin = 1};
	struct mountd_attr a = j->attr;
	struct mount_attr ka;
	const int rec = (j->flags & AT_RECURSIVE) != 0;
	int e, p, mi, tree = 0;

	if ((p = enter_at(c, j->dfd, j->path, j->flags, &mi)) < 0)
		return p;
	facts_of(p, mi, &f);
	if (rec && f.mnt_in_ns && f.mnt_errno == 0) {
		ssize_t n =
		    lseek(mi, 0, SEEK_SET) == 0 ? zone_read_all(mi, text, sizeof(text) - 1) : -1;
		tree = n < 0 ? -EPERM
			     : mountd_tree_check(z, text, (size_t)n, f.mnt_id,
						 (a.clr & MOUNT_ATTR_RDONLY) != 0);
	}
	if ((e = mountd_setattr_check(z, &f, rec, tree, &a)) < 0)
		return e;
	ka =
	    (struct mount_attr){.attr_set = a.set, .attr_clr = a.clr, .propagation = a.propagation};
	if (mount_setattr(p, "", AT_EMPTY_PATH | (rec ? AT_RECURSIVE : 0), &ka, sizeof(ka)) < 0)
		return -errno;
	return 0;
}

/* The helper's work: a descriptor (>= 0), 0, or -errno. */
static int helper_run(const struct req_ctx *c, const struct mountd_zone *z, const struct api_job *j,
		      int self_fd, struct api_reply *rep)
{
	switch (j->nr) {
	case SYS_fsopen:
		return h_fsopen(c, j, rep);
	case SYS_fsconfig:
		if (j->cmd == FSCONFIG_CMD_CREATE || j->cmd == MOUNTD_FSCONFIG_CREATE_EXCL ||
		    j->cmd == FSCONFIG_CMD_RECONFIGURE)
			return h_create(c, j);
		if (j->layer)
			return h_layer(c, j, self_fd, rep);
		if (j->fc && j->fc->fs == MOUNTD_FS_BLOCK && !j->fc->picked && j->key &&
		    strcmp(j->key, "source") == 0)
			return h_source(c, j, rep);
		return h_pass(c, j);
	case SYS_fsmount:
		return h_fsmount(c, j);
	case SYS_fspick:
		return h_fspick(c, z, j, rep);
	case SYS_open_tree:
	case SYS_open_tree_attr:
		return h_open_tree(c, z, j, self_fd);
	case SYS_move_mount:
		return h_move_mount(c, z, j, rep);
	case SYS_mount_setattr:
		return h_setattr(c, z, j);
	}
	return -ENOSYS;
}

/* Fork the helper for j; its answer in *rep and its descriptor (or -1) in *out.  0 or -errno
 * (the helper's). */
int mountd_api_helper(const struct req_ctx *c, const struct mountd_zone *z, const struct api_job *j,
		      struct api_reply *rep, int *out)
{
	int sp[2], st, got = -1;
	pid_t h;

	*out = -1;
	memset(rep, 0, sizeof(*rep));
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return -errno;
	h = fork();
	if (h < 0) {
		close(sp[0]);
		close(sp[1]);
		return -errno;
	}
	if (h == 0) {
		const int keep[] = {0,	       1,	  2,	     c->root,	c->cwd,
				    c->ns_mnt, c->ns_net, c->ns_ipc, c->ns_pid, c->ns_user,
				    sp[1],     j->ctx,	  j->dfd,    j->dfd2};
		const struct launch_harden hd = {.keep = keep,
						 .nkeep = sizeof(keep) / sizeof(keep[0])};
		struct zone_error lerr = {0};
		union {
			char buf[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} u;
		struct iovec iov = {.iov_base = rep, .iov_len = sizeof(*rep)};
		struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
		int proc, self_fd, r;

		if (launch_harden(&hd, &lerr) < 0)
			_exit(1);
		/* the host's /proc: "self" there is this helper, which the zone's /proc does not
		 * show */
		proc = host_proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
		self_fd = proc < 0 ? -1 : openat(proc, "self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
		r = self_fd < 0 ? -errno : helper_run(c, z, j, self_fd, rep);
		rep->err = r < 0 ? r : 0;
		if (r > 0) { /* a descriptor (0-2 are the helper's own) */
			msg.msg_control = u.buf;
			msg.msg_controllen = sizeof(u.buf);
			struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			cm->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(cm), &r, sizeof(int));
		}
		_exit(sendmsg(sp[1], &msg, 0) < 0 ? 1 : 0);
	}
	close(sp[1]);
	{
		union {
			char buf[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} u;
		struct iovec iov = {.iov_base = rep, .iov_len = sizeof(*rep)};
		struct msghdr msg = {.msg_iov = &iov,
				     .msg_iovlen = 1,
				     .msg_control = u.buf,
				     .msg_controllen = sizeof(u.buf)};
		ssize_t n;

		while ((n = recvmsg(sp[0], &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
			;
		struct cmsghdr *cm = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
		if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
		    cm->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&got, CMSG_DATA(cm), sizeof(int));
		if (n != (ssize_t)sizeof(*rep))
			rep->err = -EIO;
	}
	close(sp[0]);
	while (waitpid(h, &st, 0) < 0)
		if (errno != EINTR)
			break;
	*out = got;
	return rep->err;
}
