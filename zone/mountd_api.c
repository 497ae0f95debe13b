/*
 * The mount service's half of the new mount API (policy: zone/mountd_api_policy.c).
 *
 * In a zone the filter sends fsopen, fsconfig, fsmount, fspick, open_tree, open_tree_attr,
 * move_mount and mount_setattr to the service, as it sends mount(2) (zone/mountd.c, whose
 * steps 1-2 run first: the caller's namespaces, root, cwd and capabilities, checked to be the
 * caller's).  Each is decided with mount(2)'s rules and performed by a helper forked for the
 * request that joined the caller's namespaces and root, as mount(2)'s helper does; a
 * descriptor the call returns is installed in the caller with SECCOMP_IOCTL_NOTIF_ADDFD
 * (SECCOMP_ADDFD_FLAG_SEND: installed and answered at once).
 *
 * File system contexts.  fsopen's and fspick's context stays with the service: the caller
 * gets a placeholder, the write end of a pipe whose read end the service keeps beside the
 * context.  Every fsconfig and fsmount names it; the service takes the caller's descriptor
 * (pidfd_getfd), finds the context by the pipe's inode, checks the key and relays it.  So
 * nothing the zone does reaches a context but through the service, and when the zone's last
 * copy of the placeholder is closed the read end hangs up (the service polls it:
 * mountd_api_pollfds) and the service closes the context, which releases what it holds (a
 * created superblock, its block device) exactly when the caller's own close would have.
 * A placeholder is not a context descriptor to anything but the service: read() of the
 * kernel's error messages gets EBADF (libmount tolerates it).
 *
 * Paths.  A call's paths are resolved once by the helper, in the caller's root and cwd and
 * relative to the caller's own descriptors (pidfd_getfd), to O_PATH descriptors
 * (open_tree without OPEN_TREE_CLONE: the same lookup flags), the facts are taken from them,
 * and the call is performed on them with empty paths, so a rename after the check changes
 * nothing.
 */
#include "zone/mountd_int.h"
#include "zone/launch/launch.h" /* launch_harden, the /proc and /sys masks */

#include <sys/inotify.h>

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif
#ifndef SYS_open_tree_attr
#define SYS_open_tree_attr 467
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#ifndef MOVE_MOUNT_BENEATH
#define MOVE_MOUNT_BENEATH 0x00000200
#endif
#ifndef MOVE_MOUNT_SET_GROUP
#define MOVE_MOUNT_SET_GROUP 0x00000100
#endif
#define MOVE_MOUNT_KNOWN 0x00000377
#define STR_KEY		 256 /* fsconfig's strndup_user(_, 256) */

/* ------------------------------------------------------------------------------------------ */
/* The contexts the service holds */

#define MOUNTD_MAX_FC 64

static struct api_fc {
	int used;
	int fd;	   /* the context */
	int rd;	   /* the placeholder pipe's read end */
	dev_t dev; /* the pipe's inode: the placeholder's identity */
	ino_t ino;
	int fs, picked;	   /* enum mountd_fs; made by fspick */
	int spent;	   /* fsmount made its mount: the context is closed (do_fsmount) */
	int src_set;	   /* block: a source was given ... */
	int src_errno;	   /* ... and its lookup failed with this */
	unsigned src_mode; /* ... or found this */
	unsigned long src_rdev;
	char src_abs[STR_MAX];	   /* ... at this absolute path in the caller's root */
	unsigned long layer_flags; /* overlay: MS_NODEV/NOSUID/NOEXEC of a layer's mount */
} fcs[MOUNTD_MAX_FC];

/*
 * Detached mounts (fsmount's, open_tree clones).  The kernel gives a mount descriptor as an
 * O_PATH file, which SECCOMP_IOCTL_NOTIF_ADDFD cannot install (fget refuses O_PATH files), so
 * the caller gets the mount's root reopened for reading instead (a directory, or a regular
 * file: anything else is refused), which names the same mount for move_mount, mount_setattr
 * and open_tree and works for openat and fchdir.  The detached tree lives as long as its
 * O_PATH descriptor (dissolve_on_fput), so the service keeps that one until the caller
 * attaches the tree (move_mount, through the service) or the process it was given to exits
 * (its pidfd polls readable); a tree left detached meanwhile holds its superblock, as the
 * caller's own descriptor would.
 */
#define MOUNTD_MAX_MNT 64

static struct api_mnt {
	int used;
	int m;	     /* the O_PATH mount descriptor */
	int pidfd;   /* the process it was given to */
	uint64_t id; /* its mount id */
	int wd;	     /* inotify watch on the tree's root inode, or -1 */
	int opens;   /* files open on that inode (the caller's descriptor is one) */
} mnts[MOUNTD_MAX_MNT];

/*
 * The caller's descriptor is a file the service opened, so its last close (in whichever
 * process holds it: a dup or a fork's copy counts) is an IN_CLOSE event on the tree's root
 * inode.  Opens and closes of that inode are counted (O_PATH files make neither); when none
 * is left, the caller can no longer name the tree and it is let go, as its own close would
 * have.  Until the service has read the event the tree still holds its superblock; an
 * overflowed queue leaves the exit of the process as the only release.
 */
static int ino_fd = -1;

int mountd_api_pollfds(struct pollfd *p, int max)
{
	int n = 0, any = 0;

	for (int i = 0; i < MOUNTD_MAX_FC && n < max; i++)
		if (fcs[i].used)
			p[n++] = (struct pollfd){.fd = fcs[i].rd, .events = 0};
	for (int i = 0; i < MOUNTD_MAX_MNT && n < max; i++)
		if (mnts[i].used) {
			p[n++] = (struct pollfd){.fd = mnts[i].pidfd, .events = POLLIN};
			any |= mnts[i].wd >= 0;
		}
	if (any && ino_fd >= 0 && n < max)
		p[n++] = (struct pollfd){.fd = ino_fd, .events = POLLIN};
	return n;
}

static void mnt_drop(struct api_mnt *e)
{
	int shared = 0;

	for (int i = 0; e->wd >= 0 && i < MOUNTD_MAX_MNT; i++)
		shared |= &mnts[i] != e && mnts[i].used && mnts[i].wd == e->wd;
	if (e->wd >= 0 && !shared)
		inotify_rm_watch(ino_fd, e->wd);
	close(e->m);
	close(e->pidfd);
	e->used = 0;
}

/* The inotify events read: opens and closes counted, a tree nobody holds let go. */
static void ino_events(void)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while ((n = read(ino_fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			p += sizeof(*ev) + ev->len;
			for (int i = 0; i < MOUNTD_MAX_MNT; i++) {
				struct api_mnt *e = &mnts[i];

				if (!e->used || e->wd < 0 ||
				    (ev->wd != e->wd && !(ev->mask & IN_Q_OVERFLOW)))
					continue;
				if (ev->mask & (IN_Q_OVERFLOW | IN_IGNORED))
					e->wd = -1; /* counts lost: the process's exit decides */
				else if (ev->mask & IN_OPEN)
					e->opens++;
				else if ((ev->mask & IN_CLOSE) && --e->opens <= 0)
					mnt_drop(e);
			}
		}
	}
}

void mountd_api_hangup(int fd)
{
	for (int i = 0; i < MOUNTD_MAX_FC; i++)
		if (fcs[i].used && fcs[i].rd == fd) {
			if (fcs[i].fd >= 0)
				close(fcs[i].fd);
			close(fcs[i].rd);
			fcs[i].used = 0;
			return;
		}
	if (fd == ino_fd) {
		ino_events();
		return;
	}
	for (int i = 0; i < MOUNTD_MAX_MNT; i++)
		if (mnts[i].used && mnts[i].pidfd == fd) {
			mnt_drop(&mnts[i]);
			return;
		}
}

/* A detached tree was attached (or is gone): its O_PATH descriptor is no longer needed. */
static void mnt_attached(uint64_t id)
{
	for (int i = 0; id && i < MOUNTD_MAX_MNT; i++)
		if (mnts[i].used && mnts[i].id == id)
			mnt_drop(&mnts[i]);
}

/* The context the caller's descriptor (taken: our copy of it) is the placeholder of. */
static struct api_fc *fc_of(int taken)
{
	struct stat st;

	if (fstat(taken, &st) < 0 || !S_ISFIFO(st.st_mode))
		return NULL;
	for (int i = 0; i < MOUNTD_MAX_FC; i++)
		if (fcs[i].used && fcs[i].dev == st.st_dev && fcs[i].ino == st.st_ino)
			return &fcs[i];
	return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* The caller */

struct api_req {
	int listener;
	const struct seccomp_notif *n;
	struct req_ctx *c;
	const struct mountd_zone *z;
	int pidfd;
};

/* Our copy of the caller's descriptor fd: >= 0, or -EBADF. */
static int take_fd(struct api_req *q, int fd)
{
	int t;

	if (q->pidfd < 0)
		q->pidfd = (int)syscall(SYS_pidfd_open, q->n->pid, PIDFD_THREAD);
	if (q->pidfd < 0)
		return -EBADF;
	t = (int)syscall(SYS_pidfd_getfd, q->pidfd, fd, 0);
	return t < 0 ? -EBADF : t;
}

/* A directory descriptor argument as the kernel takes it: AT_FDCWD, or ignored for an
 * absolute path, else the caller's (-EBADF when it has none). */
static int take_dirfd(struct api_req *q, int dfd, const char *path)
{
	if (dfd == AT_FDCWD || (path && path[0] == '/'))
		return AT_FDCWD;
	return take_fd(q, dfd);
}

/* A string argument (path, type, key) as strndup_user / getname read it. */
static int arg_string(struct api_req *q, uint64_t addr, char *buf, size_t len)
{
	if (!addr)
		return -EFAULT;
	return mountd_read_string(q->n->pid, addr, buf, len);
}

/* struct mount_attr as copy_struct_from_user reads it: too small EINVAL, a larger one with a
 * non-zero tail E2BIG. */
static int arg_attr(struct api_req *q, uint64_t addr, uint64_t size, struct mountd_attr *a)
{
	static char buf[4096];

	if (size < 32)
		return -EINVAL;
	if (size > sizeof(buf))
		return -E2BIG;
	if (mountd_read_caller(q->n->pid, addr, buf, (size_t)size) != (ssize_t)size)
		return -EFAULT;
	for (size_t i = 32; i < size; i++)
		if (buf[i])
			return -E2BIG;
	memcpy(a, buf, sizeof(*a));
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* The helper */

struct api_job {
	long nr;
	int fs;		/* the class (fsopen, the context's) */
	int ctx;	/* the context (fsconfig, fsmount), or -1 */
	int dfd, dfd2;	/* the caller's directory descriptors, or AT_FDCWD */
	unsigned flags; /* the call's flags */
	const char *path, *path2;
	unsigned cmd; /* fsconfig */
	const char *key, *value;
	int layer;	/* MOUNTD_FC_LAYER: which */
	uint64_t attrs; /* fsmount */
	int has_attr;	/* open_tree_attr, mount_setattr */
	struct mountd_attr attr;
	const struct api_fc *fc;
};

struct api_reply {
	int err;
	int src_errno;
	unsigned src_mode;
	unsigned long src_rdev;
	unsigned long layer_flags;
	int fs;
	uint64_t mnt_id; /* move_mount: the mount moved */
	char src_abs[STR_MAX];
};

/* Into the caller's namespaces (its user namespace when it has its own), then (lxproc) take the
 * zone's lxproc binds for a new mount of fs, then its root and cwd.  0 or an errno. */
static int api_enter(const struct req_ctx *c, int lxproc_fs, int root)
{
	struct stat a, b;

	if (fstat(c->ns_user, &a) == 0 && stat("/proc/self/ns/user", &b) == 0 &&
	    (a.st_ino != b.st_ino || a.st_dev != b.st_dev)) {
		if (setns(c->ns_user, CLONE_NEWUSER) < 0 || setgroups(0, NULL) < 0 ||
		    setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
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
	char cwd[STR_MAX];
	struct stat st;
	int e;

	if ((e = api_enter(c, 0, 1)) != 0)
		return -e;
	if (j->value[0] == '/')
		snprintf(rep->src_abs, sizeof(rep->src_abs), "%s", j->value);
	else if (getcwd(cwd, sizeof(cwd)) == NULL ||
		 snprintf(rep->src_abs, sizeof(rep->src_abs), "%s/%s", strcmp(cwd, "/") ? cwd : "",
			  j->value) >= (int)sizeof(rep->src_abs))
		return -ENAMETOOLONG;
	if (stat(j->value, &st) < 0) {
		rep->src_errno = errno;
	} else {
		rep->src_mode = st.st_mode;
		rep->src_rdev = st.st_rdev;
	}
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
		priv = mountd_private_node(fc->src_abs, fc->src_rdev);
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

	if ((e = api_enter(c, 0, 1)) != 0)
		return -e;
	if ((mi = openat(host_proc, "self/mountinfo", O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	if ((p = resolve(j->dfd, j->path, at)) < 0)
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

	if ((e = api_enter(c, 0, 1)) != 0)
		return -e;
	if ((mi = openat(host_proc, "self/mountinfo", O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	if ((p = resolve(j->dfd, j->path, j->flags)) < 0)
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

	if ((e = api_enter(c, 0, 1)) != 0)
		return -e;
	if ((mi = openat(host_proc, "self/mountinfo", O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	from = resolve(j->dfd, j->path,
		       (fl & MOVE_MOUNT_F_SYMLINKS ? 0 : AT_SYMLINK_NOFOLLOW) |
			   (fl & MOVE_MOUNT_F_AUTOMOUNTS ? 0 : AT_NO_AUTOMOUNT) |
			   (fl & MOVE_MOUNT_F_EMPTY_PATH ? AT_EMPTY_PATH : 0));
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

	if ((e = api_enter(c, 0, 1)) != 0)
		return -e;
	if ((mi = openat(host_proc, "self/mountinfo", O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	if ((p = resolve(j->dfd, j->path, j->flags)) < 0)
		return p;
	facts_of(p, mi, &f);
	if (rec && f.mnt_in_ns && f.mnt_errno == 0) {
		ssize_t n =
		    lseek(mi, 0, SEEK_SET) == 0 ? mountd_read_all(mi, text, sizeof(text) - 1) : -1;
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
static int helper(struct api_req *q, const struct api_job *j, struct api_reply *rep, int *out)
{
	struct req_ctx *c = q->c;
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
		r = self_fd < 0 ? -errno : helper_run(c, q->z, j, self_fd, rep);
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

/* ------------------------------------------------------------------------------------------ */
/* The requests */

/* Install fd in the caller and answer with its number (closes fd).  MOUNTD_ANSWERED or
 * -errno. */
static int answer_fd(struct api_req *q, int fd, int cloexec)
{
	struct seccomp_notif_addfd a = {.id = q->n->id,
					.flags = SECCOMP_ADDFD_FLAG_SEND,
					.srcfd = (unsigned)fd,
					.newfd_flags = cloexec ? O_CLOEXEC : 0};
	int r = ioctl(q->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a), e = errno;

	close(fd);
	if (r < 0)
		return e == ENOENT ? MOUNTD_ANSWERED : -e; /* ENOENT: the caller is gone */
	return MOUNTD_ANSWERED;
}

/* The caller's process (its thread group), for a pidfd that polls readable when it exits. */
static pid_t tgid_of(const struct req_ctx *c, pid_t tid)
{
	const char *p = strstr(c->status_text, "\nTgid:");

	return p ? (pid_t)strtol(p + 6, NULL, 10) : tid;
}

/* A mount descriptor (O_PATH) for the caller: its root reopened for reading (see api_mnt);
 * detached (a tree of its own): kept until attached or the caller's process exits. */
static int answer_mnt(struct api_req *q, int m, int detached, int cloexec)
{
	struct api_mnt *e = NULL;
	struct statx stx;
	char p[64];
	int r, fd;

	if (statx(m, "", AT_EMPTY_PATH, STATX_MNT_ID | STATX_TYPE, &stx) < 0 ||
	    !(S_ISDIR(stx.stx_mode) || S_ISREG(stx.stx_mode))) {
		close(m);
		return -EINVAL; /* never opened: a device node would be */
	}
	snprintf(p, sizeof(p), "/proc/self/fd/%d", m);
	fd = open(p, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		r = -errno;
		close(m);
		return r;
	}
	if (!detached) {
		close(m);
		return answer_fd(q, fd, cloexec);
	}
	for (int i = 0; i < MOUNTD_MAX_MNT && !e; i++)
		if (!mnts[i].used)
			e = &mnts[i];
	int pidfd = e ? (int)syscall(SYS_pidfd_open, tgid_of(q->c, (pid_t)q->n->pid), 0) : -1;
	if (pidfd < 0) {
		close(fd);
		close(m);
		return -EMFILE;
	}
	*e = (struct api_mnt){.used = 1, .m = m, .pidfd = pidfd, .id = stx.stx_mnt_id, .wd = -1};
	if (ino_fd < 0)
		ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	if (ino_fd >= 0) {
		int before = 0;

		e->wd = inotify_add_watch(ino_fd, p, IN_OPEN | IN_CLOSE);
		/* the same inode watched for another tree: one count for all, plus this file
		 * (the caller's, opened before the watch) */
		for (int i = 0; e->wd >= 0 && i < MOUNTD_MAX_MNT; i++)
			if (&mnts[i] != e && mnts[i].used && mnts[i].wd == e->wd)
				before = mnts[i].opens++;
		e->opens = before + 1;
	}
	r = answer_fd(q, fd, cloexec);
	if (r != MOUNTD_ANSWERED)
		mnt_drop(e);
	return r;
}

/* A context made by the helper: kept, and the caller given its placeholder. */
static int answer_fc(struct api_req *q, int ctx, int fs, int picked, int cloexec)
{
	struct api_fc *fc = NULL;
	struct stat st;
	int p[2];

	for (int i = 0; i < MOUNTD_MAX_FC && !fc; i++)
		if (!fcs[i].used)
			fc = &fcs[i];
	if (!fc || pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) {
		close(ctx);
		return -EMFILE;
	}
	if (fstat(p[0], &st) < 0) {
		close(ctx);
		close(p[0]);
		close(p[1]);
		return -EMFILE;
	}
	memset(fc, 0, sizeof(*fc));
	*fc = (struct api_fc){.used = 1,
			      .fd = ctx,
			      .rd = p[0],
			      .dev = st.st_dev,
			      .ino = st.st_ino,
			      .fs = fs,
			      .picked = picked};
	int r = answer_fd(q, p[1], cloexec);
	if (r != MOUNTD_ANSWERED)
		mountd_api_hangup(p[0]);
	return r;
}

static int is_admin(const struct api_req *q)
{
	return (q->c->cap_eff >> CAP_SYS_ADMIN) & 1;
}

static int do_fsopen(struct api_req *q, const __u64 *a)
{
	struct api_reply rep;
	struct api_job j = {.nr = SYS_fsopen, .ctx = -1, .dfd = -1, .dfd2 = -1};
	unsigned flags = (unsigned)a[1];
	int e, fd;

	if (!is_admin(q))
		return -EPERM;
	if (flags & ~(unsigned)FSOPEN_CLOEXEC)
		return -EINVAL;
	if ((e = arg_string(q, a[0], q->c->type, STR_MAX)) < 0)
		return e == -ENAMETOOLONG ? -EINVAL : e;
	if ((e = mountd_fs_of(q->c->type, q->c->known_fs, &j.fs)) < 0)
		return e;
	/* mount(2) refuses a block device's file system to a user-namespaced zone (mountd.c) */
	if (j.fs == MOUNTD_FS_BLOCK && q->c->userns)
		return -EPERM;
	j.path = q->c->type;
	if ((e = helper(q, &j, &rep, &fd)) < 0 || fd < 0)
		return e < 0 ? e : -EIO;
	return answer_fc(q, fd, j.fs, 0, flags & FSOPEN_CLOEXEC);
}

static int do_fspick(struct api_req *q, const __u64 *a)
{
	struct api_reply rep;
	struct api_job j = {.nr = SYS_fspick, .ctx = -1, .dfd2 = -1, .flags = (unsigned)a[2]};
	int e, fd;

	if (!is_admin(q))
		return -EPERM;
	if (j.flags & ~(unsigned)(FSPICK_CLOEXEC | FSPICK_SYMLINK_NOFOLLOW | FSPICK_NO_AUTOMOUNT |
				  FSPICK_EMPTY_PATH))
		return -EINVAL;
	if ((e = arg_string(q, a[1], q->c->tgt, STR_MAX)) < 0)
		return e;
	j.path = q->c->tgt;
	if ((j.dfd = take_dirfd(q, (int)a[0], j.path)) < 0 && j.dfd != AT_FDCWD)
		return j.dfd;
	e = helper(q, &j, &rep, &fd);
	if (j.dfd >= 0)
		close(j.dfd);
	if (e < 0 || fd < 0)
		return e < 0 ? e : -EIO;
	return answer_fc(q, fd, rep.fs, 1, j.flags & FSPICK_CLOEXEC);
}

static int do_fsconfig(struct api_req *q, const __u64 *a)
{
	static char key[STR_KEY + 1], value[STR_KEY + 1];
	struct api_reply rep;
	struct api_job j = {.nr = SYS_fsconfig, .dfd = -1, .dfd2 = -1, .cmd = (unsigned)a[1]};
	const int aux = (int)a[4];
	struct api_fc *fc;
	int e, t, act, fd, want_src;

	if ((e = mountd_fsconfig_shape((int)a[0], j.cmd, a[2] != 0, a[3] != 0, aux)) < 0)
		return e;
	if ((t = take_fd(q, (int)a[0])) < 0)
		return t;
	fc = fc_of(t);
	close(t);
	if (!fc)
		return -EINVAL; /* not a context: the kernel's answer */
	if (fc->spent)
		return -EBUSY;
	if (a[2] && (e = arg_string(q, a[2], key, sizeof(key))) < 0)
		return e == -ENAMETOOLONG ? -EINVAL : e;
	if (j.cmd == FSCONFIG_SET_STRING && (e = arg_string(q, a[3], value, sizeof(value))) < 0)
		return e == -ENAMETOOLONG ? -EINVAL : e;
	if ((j.cmd == FSCONFIG_SET_PATH || j.cmd == FSCONFIG_SET_PATH_EMPTY) &&
	    (e = arg_string(q, a[3], value, STR_KEY)) < 0)
		return e;
	act = mountd_fsconfig_check(fc->fs, fc->picked, j.cmd, a[2] ? key : NULL,
				    j.cmd == FSCONFIG_SET_STRING ? value : NULL, &j.layer);
	if (act < 0)
		return act;
	if ((act == MOUNTD_FC_CREATE || act == MOUNTD_FC_RECONFIGURE) && !is_admin(q))
		return -EPERM; /* the helper acts as the zone's root: mount(2)'s may_mount */
	j.ctx = fc->fd;
	j.fc = fc;
	j.key = a[2] ? key : NULL;
	j.value = j.cmd == FSCONFIG_SET_STRING ? value : NULL;
	if (act == MOUNTD_FC_SBFLAG) {
		/* the VFS takes the flag by its name; the value is never looked up */
		if (j.cmd == FSCONFIG_SET_FD) {
			if ((t = take_fd(q, aux)) < 0)
				return t;
			e = fsconfig(fc->fd, FSCONFIG_SET_FD, key, NULL, t) < 0 ? -errno : 0;
			close(t);
			return e;
		}
		return fsconfig(fc->fd, j.cmd, key, value, AT_FDCWD) < 0 ? -errno : 0;
	}
	if (act == MOUNTD_FC_PASS && !q->c->userns)
		/* the host's user namespace is the caller's: nothing of the key depends on the
		 * helper's namespaces, so it is relayed without one (fsconfig03 sends 5000) */
		return fsconfig(fc->fd, j.cmd, j.key, j.value, 0) < 0 ? -errno : 0;
	if (act == MOUNTD_FC_CREATE && fc->fs == MOUNTD_FS_BLOCK && fc->src_set && !fc->picked) {
		/* mount(2)'s check of a block source (mountd_check, MOUNTD_NEW) */
		int ok = 0;
		if (fc->src_errno)
			return -fc->src_errno;
		if (!S_ISBLK(fc->src_mode))
			return -ENOTBLK;
		for (size_t i = 0; i < q->z->ndevs; i++)
			ok |= q->z->devs[i] == fc->src_rdev;
		if (!ok)
			return -EPERM;
	}
	if (act == MOUNTD_FC_LAYER && j.layer == MOUNTD_OVL_RESET && strchr(value, ','))
		return -EINVAL;
	want_src = act == MOUNTD_FC_SOURCE_BLOCK;
	if (want_src && fc->src_set)
		return -EINVAL; /* the VFS's "Multiple sources" */
	if ((e = helper(q, &j, &rep, &fd)) < 0)
		return e;
	if (fd >= 0)
		close(fd);
	if (act == MOUNTD_FC_LAYER)
		fc->layer_flags |= rep.layer_flags;
	if (want_src) {
		if (fsconfig(fc->fd, FSCONFIG_SET_STRING, "source", rep.src_abs, 0) < 0)
			return -errno;
		fc->src_set = 1;
		fc->src_errno = rep.src_errno;
		fc->src_mode = rep.src_mode;
		fc->src_rdev = rep.src_rdev;
		snprintf(fc->src_abs, sizeof(fc->src_abs), "%s", rep.src_abs);
	}
	return 0;
}

static int do_fsmount(struct api_req *q, const __u64 *a)
{
	struct api_reply rep;
	struct api_job j = {.nr = SYS_fsmount, .dfd = -1, .dfd2 = -1};
	unsigned flags = (unsigned)a[1];
	struct api_fc *fc;
	int e, t, fd;

	if (!is_admin(q))
		return -EPERM;
	if (flags & ~(unsigned)FSMOUNT_CLOEXEC)
		return -EINVAL;
	if ((t = take_fd(q, (int)a[0])) < 0)
		return t;
	fc = fc_of(t);
	close(t);
	if (!fc)
		return -EINVAL;
	if (fc->spent)
		return -EBUSY; /* the kernel's answer to a second fsmount */
	j.ctx = fc->fd;
	j.fs = fc->fs;
	j.attrs = mountd_fsmount_attrs(fc->fs, fc->layer_flags, (uint64_t)(unsigned)a[2]);
	if ((e = helper(q, &j, &rep, &fd)) < 0 || fd < 0)
		return e < 0 ? e : -EIO;
	/* The kernel keeps a mounted context as a reconfiguration context of the superblock it
	 * made, pinning it until the context is closed; held here that would be until the
	 * service sees the placeholder's hang-up, after the caller's close has returned (and a
	 * device's next mkfs may already have found it busy).  So it is closed now: later
	 * fsconfig or fsmount calls on the placeholder get EBUSY (fspick reconfigures). */
	close(fc->fd);
	fc->fd = -1;
	fc->spent = 1;
	return answer_mnt(q, fd, 1, flags & FSMOUNT_CLOEXEC);
}

static int do_open_tree(struct api_req *q, const __u64 *a, int with_attr)
{
	const unsigned known = AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_RECURSIVE |
			       AT_SYMLINK_NOFOLLOW | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
	struct api_reply rep;
	struct api_job j = {.nr = SYS_open_tree, .ctx = -1, .dfd2 = -1, .flags = (unsigned)a[2]};
	int e, fd;

	if (j.flags & ~known)
		return -EINVAL;
	if ((j.flags & (AT_RECURSIVE | OPEN_TREE_CLONE)) == AT_RECURSIVE)
		return -EINVAL;
	if ((j.flags & OPEN_TREE_CLONE) && !is_admin(q))
		return -EPERM;
	if (with_attr && a[3]) {
		if (!(j.flags & OPEN_TREE_CLONE))
			return -EINVAL;
		if ((e = arg_attr(q, a[3], a[4], &j.attr)) < 0)
			return e;
		j.has_attr = 1;
	}
	if ((e = arg_string(q, a[1], q->c->tgt, STR_MAX)) < 0)
		return e;
	j.path = q->c->tgt;
	if ((j.dfd = take_dirfd(q, (int)a[0], j.path)) < 0 && j.dfd != AT_FDCWD)
		return j.dfd;
	e = helper(q, &j, &rep, &fd);
	if (j.dfd >= 0)
		close(j.dfd);
	if (e < 0 || fd < 0)
		return e < 0 ? e : -EIO;
	return answer_mnt(q, fd, (j.flags & OPEN_TREE_CLONE) != 0, j.flags & OPEN_TREE_CLOEXEC);
}

static int do_move_mount(struct api_req *q, const __u64 *a)
{
	struct api_reply rep;
	struct api_job j = {.nr = SYS_move_mount, .ctx = -1, .flags = (unsigned)a[4]};
	int e, fd;

	if (!is_admin(q))
		return -EPERM;
	if (j.flags & ~(unsigned)MOVE_MOUNT_KNOWN)
		return -EINVAL;
	if ((j.flags & MOVE_MOUNT_BENEATH) && (j.flags & MOVE_MOUNT_SET_GROUP))
		return -EINVAL;
	if (j.flags & MOVE_MOUNT_SET_GROUP)
		return -EPERM; /* joins a peer group: nothing mount(2) can do */
	if ((e = arg_string(q, a[1], q->c->src, STR_MAX)) < 0 ||
	    (e = arg_string(q, a[3], q->c->tgt, STR_MAX)) < 0)
		return e;
	j.path = q->c->src;
	j.path2 = q->c->tgt;
	j.dfd = take_dirfd(q, (int)a[0], j.path);
	if (j.dfd < 0 && j.dfd != AT_FDCWD)
		return j.dfd;
	j.dfd2 = take_dirfd(q, (int)a[2], j.path2);
	if (j.dfd2 < 0 && j.dfd2 != AT_FDCWD) {
		if (j.dfd >= 0)
			close(j.dfd);
		return j.dfd2;
	}
	e = helper(q, &j, &rep, &fd);
	if (fd >= 0)
		close(fd);
	if (j.dfd >= 0)
		close(j.dfd);
	if (j.dfd2 >= 0)
		close(j.dfd2);
	if (e == 0)
		mnt_attached(rep.mnt_id);
	return e;
}

static int do_setattr(struct api_req *q, const __u64 *a)
{
	const unsigned known = AT_EMPTY_PATH | AT_RECURSIVE | AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT;
	const uint64_t prop = MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE;
	struct api_reply rep;
	struct api_job j = {
	    .nr = SYS_mount_setattr, .ctx = -1, .dfd2 = -1, .flags = (unsigned)a[2]};
	int e, fd;

	if (j.flags & ~known)
		return -EINVAL;
	if ((e = arg_attr(q, a[3], a[4], &j.attr)) < 0)
		return e;
	/* build_mount_kattr: one propagation type at most, known attributes */
	if ((j.attr.propagation & ~prop) || __builtin_popcountll(j.attr.propagation) > 1)
		return -EINVAL;
	if (!j.attr.set && !j.attr.clr && !j.attr.propagation)
		return 0; /* nothing to do: the kernel answers before any lookup */
	if ((j.attr.set | j.attr.clr) & MOUNT_ATTR_IDMAP)
		return -EPERM;
	if (!is_admin(q))
		return -EPERM;
	if ((e = arg_string(q, a[1], q->c->tgt, STR_MAX)) < 0)
		return e;
	j.path = q->c->tgt;
	if ((j.dfd = take_dirfd(q, (int)a[0], j.path)) < 0 && j.dfd != AT_FDCWD)
		return j.dfd;
	e = helper(q, &j, &rep, &fd);
	if (fd >= 0)
		close(fd);
	if (j.dfd >= 0)
		close(j.dfd);
	return e;
}

int mountd_api_nr(long nr)
{
	return nr == SYS_fsopen || nr == SYS_fsconfig || nr == SYS_fsmount || nr == SYS_fspick ||
	       nr == SYS_open_tree || nr == SYS_open_tree_attr || nr == SYS_move_mount ||
	       nr == SYS_mount_setattr;
}

int mountd_api_serve(int listener, const struct seccomp_notif *n, const struct mountd_zone *z,
		     struct req_ctx *c)
{
	struct api_req q = {.listener = listener, .n = n, .c = c, .z = z, .pidfd = -1};
	const __u64 *a = n->data.args;
	int r;

	switch (n->data.nr) {
	case SYS_fsopen:
		r = do_fsopen(&q, a);
		break;
	case SYS_fspick:
		r = do_fspick(&q, a);
		break;
	case SYS_fsconfig:
		r = do_fsconfig(&q, a);
		break;
	case SYS_fsmount:
		r = do_fsmount(&q, a);
		break;
	case SYS_open_tree:
		r = do_open_tree(&q, a, 0);
		break;
	case SYS_open_tree_attr:
		r = do_open_tree(&q, a, 1);
		break;
	case SYS_move_mount:
		r = do_move_mount(&q, a);
		break;
	case SYS_mount_setattr:
		r = do_setattr(&q, a);
		break;
	default:
		r = -ENOSYS;
	}
	if (q.pidfd >= 0)
		close(q.pidfd);
	return r;
}
