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
#include "zone/mountd_api_int.h"
#include "zone/launch/launch.h" /* launch_harden, the /proc and /sys masks */

#include <sys/inotify.h>

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#ifndef MOVE_MOUNT_SET_GROUP
#define MOVE_MOUNT_SET_GROUP 0x00000100
#endif
#define MOVE_MOUNT_KNOWN 0x00000377
#define STR_KEY		 256 /* fsconfig's strndup_user(_, 256) */

/* ------------------------------------------------------------------------------------------ */
/* The contexts the service holds */

#define MOUNTD_MAX_FC 64

static struct api_fc fcs[MOUNTD_MAX_FC];

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
	if ((e = mountd_api_helper(q->c, q->z, &j, &rep, &fd)) < 0 || fd < 0)
		return e < 0 ? e : -EIO;
	return answer_fc(q, fd, j.fs, 0, flags & FSOPEN_CLOEXEC);
}

/* The calls on one path (fspick, open_tree, mount_setattr): a[0] the directory descriptor,
 * a[1] the path, read from the caller; the helper's answer, its descriptor in *fd (-1: none). */
static int at_path(struct api_req *q, const __u64 *a, struct api_job *j, struct api_reply *rep,
		   int *fd)
{
	int e;

	*fd = -1;
	if ((e = arg_string(q, a[1], q->c->tgt, STR_MAX)) < 0)
		return e;
	j->path = q->c->tgt;
	if ((j->dfd = take_dirfd(q, (int)a[0], j->path)) < 0 && j->dfd != AT_FDCWD)
		return j->dfd;
	e = mountd_api_helper(q->c, q->z, j, rep, fd);
	if (j->dfd >= 0)
		close(j->dfd);
	return e;
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
	if ((e = at_path(q, a, &j, &rep, &fd)) < 0 || fd < 0) {
		if (fd >= 0)
			close(fd);
		return e < 0 ? e : -EIO;
	}
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
		if ((e = mountd_src_check(q->z, &fc->src)) < 0)
			return e;
	}
	if (act == MOUNTD_FC_LAYER && j.layer == MOUNTD_OVL_RESET && strchr(value, ','))
		return -EINVAL;
	want_src = act == MOUNTD_FC_SOURCE_BLOCK;
	if (want_src && fc->src_set)
		return -EINVAL; /* the VFS's "Multiple sources" */
	if ((e = mountd_api_helper(q->c, q->z, &j, &rep, &fd)) < 0)
		return e;
	if (fd >= 0)
		close(fd);
	if (act == MOUNTD_FC_LAYER)
		fc->layer_flags |= rep.layer_flags;
	if (want_src) {
		if (fsconfig(fc->fd, FSCONFIG_SET_STRING, "source", rep.src_abs, 0) < 0)
			return -errno;
		fc->src_set = 1;
		fc->src = rep.src;
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
	if ((e = mountd_api_helper(q->c, q->z, &j, &rep, &fd)) < 0 || fd < 0)
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
	if ((e = at_path(q, a, &j, &rep, &fd)) < 0 || fd < 0) {
		if (fd >= 0)
			close(fd);
		return e < 0 ? e : -EIO;
	}
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
	e = mountd_api_helper(q->c, q->z, &j, &rep, &fd);
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
	e = at_path(q, a, &j, &rep, &fd);
	if (fd >= 0)
		close(fd);
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
