/*
 * The zone's mount service: the plumbing (the policy is zone/mountd_policy.c).
 *
 * One service process per listener, outside the zone: started by the zone's supervisor for
 * init's tree and by `lxzone exec` / `login` for the program they enter, always before that
 * process joins anything, so it is never in the zone's pid namespace (where the zone could
 * ptrace it) nor in the caller's process group (where ^C would stop it).  It leaves its
 * terminal and every descriptor behind, so a command substitution around `lxzone exec` never
 * waits for it, and it outlives the command that started it for as long as a process with
 * that filter is left, so a daemon an exec started can still mount.
 *
 * For each notification, in order:
 *   1. open the caller's /proc/<tid>/{root,cwd,status} and its namespaces, then
 *      SECCOMP_IOCTL_NOTIF_ID_VALID: the pid is still the caller, so the descriptors are its
 *      (no pid reuse);
 *   2. read the arguments from its memory as the kernel copies them (type, source, data), an
 *      unreadable pointer being EFAULT, and the calling thread's effective capabilities;
 *      ID_VALID again, so what was read is the caller's.  The memory is read with
 *      process_vm_readv, which honours the caller's page protections as copy_from_user
 *      does: /proc/<tid>/mem reads with FOLL_FORCE, so a PROT_NONE page read as zeros (an
 *      empty string) where the kernel answers EFAULT (LTP's mount02);
 *   3. classify the request (mountd_policy.c) against the host's /proc/filesystems; only
 *      umount2's bad flags are answered here, as the kernel checks them before any lookup;
 *   4. a short-lived helper, forked from this process (so outside the zone's pid namespace),
 *      joins the caller's user namespace (a user-namespaced zone's: it acts as that
 *      namespace's root, so the kernel judges the call as the zone's own), then its network,
 *      IPC and mount namespaces, chroots to its root and changes to
 *      its cwd, so paths resolve exactly as the caller's would; it resolves the target (the
 *      kernel's first lookup), then the source, each once, to a descriptor, takes the facts
 *      from those descriptors (the mount, its mountinfo line, its flags), asks mountd_check,
 *      and performs the call on them: a path is passed as /proc/self/fd/N of this host's
 *      /proc, so a zone that swaps a symlink after the check changes nothing.  A block device
 *      is passed by its path, but resolved inside a private, detached tmpfs that holds only a
 *      node with the checked major:minor at that path, so mountinfo shows the caller's source
 *      and nothing else can be opened in its place.  proc and overlay are made with the new
 *      mount API (proc with its pidns option: the caller's pid namespace, the helper's own is
 *      the host's; overlay with its layers as descriptors, resolved without magic links, and
 *      the caller's capabilities) and attached with move_mount;
 *   5. the helper's exit status is the errno; reply.
 * The new mount API (fsopen, fsconfig, fsmount, fspick, open_tree, open_tree_attr, move_mount,
 * mount_setattr) takes steps 1-2 here and the rest in zone/mountd_api.c.
 * umount2 alone goes by the caller's path (the helper's descriptor would make the mount busy):
 * a zone that races a rename against it can at worst unmount another of its own mounts or get
 * EPERM.
 */
#include "zone/mountd_int.h"
#include "lib/fdpass.h"
#include "zone/launch/launch.h" /* the /proc and /sys masks (launch_mask.c), launch_harden */

#include <sys/uio.h>

/* ------------------------------------------------------------------------------------------ */
/* The boot record */

int mountd_boot_record(pid_t pid, int dirfd, struct zone_error *err)
{
	static struct mountd_mnt m[MOUNTD_MAX_BOOT];
	char path[64], tmp[64];
	cleanup_free char *text = malloc(1 << 20), *out = malloc(MOUNTD_MAX_BOOT * 48);
	ssize_t n;
	int fd, cnt, len;

	if (!text || !out)
		return zone_error_set(err, ENOMEM, "record boot mounts");
	snprintf(path, sizeof(path), "/proc/%d/mountinfo", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return zone_error_set(err, errno, "record boot mounts: %s", path);
	n = zone_read_all(fd, text, (1 << 20) - 1);
	close(fd);
	if (n < 0)
		return zone_error_set(err, errno, "record boot mounts: %s", path);
	cnt = mountd_mountinfo_parse(text, (size_t)n, m, MOUNTD_MAX_BOOT);
	if (cnt < 0 || (len = mountd_boot_format(m, (size_t)cnt, out, MOUNTD_MAX_BOOT * 48)) < 0)
		return zone_error_set(err, 0, "record boot mounts: %s: malformed or too many",
				      path);
	snprintf(tmp, sizeof(tmp), ".%s.tmp", MOUNTD_BOOT_FILE);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || write(fd, out, (size_t)len) != len || close(fd) < 0 ||
	    renameat(dirfd, tmp, dirfd, MOUNTD_BOOT_FILE) < 0)
		return zone_error_set(err, errno, "record boot mounts: write %s", MOUNTD_BOOT_FILE);
	return 0;
}

int mountd_boot_load(int dirfd, struct mountd_zone *z, struct zone_error *err)
{
	char buf[MOUNTD_MAX_BOOT * 48];
	int fd = openat(dirfd, MOUNTD_BOOT_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	z->boot_known = 0;
	z->nboot = 0;
	if (fd < 0)
		return errno == ENOENT ? 0 : zone_error_set(err, errno, "%s", MOUNTD_BOOT_FILE);
	n = zone_read_all(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0 || mountd_boot_parse(buf, (size_t)n, z) < 0) {
		z->boot_known = 0;
		z->nboot = 0;
		return zone_error_set(err, 0, "%s: malformed", MOUNTD_BOOT_FILE);
	}
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* One request */

/* The effective capabilities from /proc/<tid>/status text; 0 when not found. */
static uint64_t cap_eff_of(const char *text)
{
	const char *p = strstr(text, "\nCapEff:");

	return p ? strtoull(p + 8, NULL, 16) : 0;
}

/* Up to len bytes of the caller's memory at addr, within one page: as copy_from_user reads
 * it (no FOLL_FORCE: a page the caller cannot read is unreadable here too).  The count, or
 * -1. */
ssize_t mountd_read_caller(pid_t pid, uint64_t addr, char *buf, size_t len)
{
	struct iovec local = {.iov_base = buf, .iov_len = len};
	struct iovec remote = {.iov_base = (void *)(uintptr_t)addr, .iov_len = len};

	return process_vm_readv(pid, &local, 1, &remote, 1, 0);
}

/* A NUL-terminated string from the caller, as strndup_user reads it: -EFAULT when a byte
 * before the NUL cannot be read, -ENAMETOOLONG when there is no NUL in len bytes. */
int mountd_read_string(pid_t pid, uint64_t addr, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		size_t chunk = 4096 - ((addr + got) & 4095);
		ssize_t n;

		if (chunk > len - got)
			chunk = len - got;
		n = mountd_read_caller(pid, addr + got, buf + got, chunk);
		if (n <= 0)
			return -EFAULT;
		if (memchr(buf + got, '\0', (size_t)n))
			return 0;
		got += (size_t)n;
	}
	return -ENAMETOOLONG;
}

/* mount's data: up to a page, as much as is readable (copy_mount_options). */
static int read_data(pid_t pid, uint64_t addr, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len - 1) {
		size_t chunk = 4096 - ((addr + got) & 4095);
		ssize_t n;

		if (chunk > len - 1 - got)
			chunk = len - 1 - got;
		n = mountd_read_caller(pid, addr + got, buf + got, chunk);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got == 0)
		return -EFAULT;
	buf[got] = '\0';
	return 0;
}

static int read_args(struct req_ctx *c, const struct seccomp_notif *n)
{
	const __u64 *a = n->data.args;
	const pid_t pid = (pid_t)n->pid;
	int e;

	memset(&c->r, 0, sizeof(c->r));
	if (n->data.nr == SYS_umount2) {
		c->r.umount = 1;
		c->r.flags = (unsigned long)(unsigned)a[1];
		if (!a[0])
			return -EFAULT;
		if ((e = mountd_read_string(pid, a[0], c->tgt, STR_MAX)) < 0)
			return e;
		c->r.target = c->tgt;
		return 0;
	}
	c->r.flags = (unsigned long)a[3];
	/* the kernel's order: type, source, data, then the target's lookup */
	if (a[2]) {
		if ((e = mountd_read_string(pid, a[2], c->type, STR_MAX)) < 0)
			return e == -ENAMETOOLONG ? -EINVAL : e;
		c->r.fstype = c->type;
	}
	if (a[0]) {
		if ((e = mountd_read_string(pid, a[0], c->src, STR_MAX)) < 0)
			return e == -ENAMETOOLONG ? -EINVAL : e;
		c->r.source = c->src;
	}
	if (a[4]) {
		if ((e = read_data(pid, a[4], c->data, STR_MAX)) < 0)
			return e;
		c->r.data = c->data;
	}
	if (!a[1])
		return -EFAULT;
	if ((e = mountd_read_string(pid, a[1], c->tgt, STR_MAX)) < 0)
		return e;
	c->r.target = c->tgt;
	return 0;
}

/*
 * A user-namespaced zone (its init joined a user namespace U, zone/launch/launch_userns.c): the
 * helper acts as U's root, so the kernel judges each call as it would the zone's own: a boot mount
 * is locked (MNT_LOCKED: no unmount, no move; its read-only and other flags locked too), a
 * path the zone's root cannot search is not found, a new tmpfs, proc (of the zone's pid
 * namespace, which U owns), sysfs, devpts, cgroup or overlay is owned by U.  A block device's
 * file system is refused (EPERM, as Linux refuses it to a container's root): mounting an
 * image the zone can write would hand the host kernel's file system parsers to the zone.
 * Device file systems need a privileged zone.
 * Returns 1 when the caller is in another user namespace than this process.
 */
static int userns_of_caller(const struct req_ctx *c)
{
	struct stat a, b;

	return fstat(c->ns_user, &a) == 0 && stat("/proc/self/ns/user", &b) == 0 &&
	       (a.st_ino != b.st_ino || a.st_dev != b.st_dev);
}

/*
 * A path that names one of the caller's descriptors, /proc/self/fd/N or /proc/thread-self/fd/N
 * (systemd mounts on a descriptor it opened with O_PATH|O_NOFOLLOW, so a symlink cannot move
 * the mount: mount_nofollow): the helper cannot resolve it in the caller's root, where
 * "self" would be the helper, which the zone's /proc does not show (ENOENT).  Opened here
 * instead, through the host's /proc/<tid>/fd/N, as the descriptor the caller holds: -1 when
 * the path is not of that form.  N must be all digits; the file is whatever the caller's
 * descriptor is, so nothing the caller could not name itself.
 */
static int caller_fd_path(pid_t tid, const char *path)
{
	static const char *const forms[] = {"/proc/self/fd/", "/proc/thread-self/fd/"};
	char p[64];

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		size_t l = strlen(forms[i]);
		const char *n = path + l;

		if (strncmp(path, forms[i], l) != 0 || *n == '\0' || strlen(n) > 10 ||
		    strspn(n, "0123456789") != strlen(n))
			continue;
		snprintf(p, sizeof(p), "/proc/%d/fd/%s", (int)tid, n);
		return open(p, O_PATH | O_CLOEXEC);
	}
	return -1;
}

/* The target or source: the caller's descriptor when it named one (caller_fd_path), else
 * the path, resolved as the caller would. */
static int open_path(int fd, const char *path, int flags)
{
	if (fd >= 0)
		return fcntl(fd, F_DUPFD_CLOEXEC, 0);
	return open(path, flags);
}

static int join_caller_userns(const struct req_ctx *c)
{
	if (setns(c->ns_user, CLONE_NEWUSER) < 0 || launch_become_ns_root() < 0)
		return errno;
	return 0;
}

/* Into the caller's user (for a user-namespaced zone), network, IPC and mount namespaces, its
 * root and its cwd.  0 or an errno. */
static int helper_enter(const struct req_ctx *c, const struct mountd_op *op)
{
	int e;

	if (userns_of_caller(c)) {
		if (op->kind == MOUNTD_NEW && op->fs == MOUNTD_FS_BLOCK)
			return EPERM;
		if ((e = join_caller_userns(c)) != 0)
			return e;
	}
	if (setns(c->ns_net, CLONE_NEWNET) < 0 || setns(c->ns_ipc, CLONE_NEWIPC) < 0 ||
	    setns(c->ns_mnt, CLONE_NEWNS) < 0)
		return errno;
	if (op->kind == MOUNTD_NEW) /* at the namespace's root, the zone's (mountd_lxproc.c) */
		mountd_lxproc_take(op->fs);
	if (fchdir(c->root) < 0 || chroot(".") < 0 || fchdir(c->cwd) < 0)
		return errno;
	return 0;
}

/* The target first (the kernel looks it up before anything else), then the source; each path
 * is resolved once, and the facts and the call both use that descriptor.  0 or an errno. */
static int helper_facts(const struct req_ctx *c, const struct mountd_zone *z,
			const struct mountd_op *op, int mi, int self_fd, int *tfd, int *sfd,
			struct mountd_facts *f)
{
	const struct mountd_req *r = &c->r;
	int e;

	if (op->kind == MOUNTD_UMOUNT)
		*tfd = open(r->target,
			    O_PATH | O_CLOEXEC | ((op->flags & UMOUNT_NOFOLLOW) ? O_NOFOLLOW : 0));
	else
		*tfd = open_path(c->tgt_fd, r->target, O_PATH | O_CLOEXEC);
	if (*tfd < 0)
		f->tgt_errno = errno;
	else if (op->kind == MOUNTD_UMOUNT || op->kind == MOUNTD_REMOUNT ||
		 op->kind == MOUNTD_REMOUNT_BIND)
		mountd_mount_facts(*tfd, mi, f);
	if (f->tgt_errno != 0 || !f->admin || op->err != 0)
		return 0;
	if (op->kind == MOUNTD_MOVE) {
		*sfd = open_path(c->src_fd, r->source, O_PATH | O_CLOEXEC);
		if (*sfd < 0)
			f->mnt_errno = errno;
		else
			mountd_mount_facts(*sfd, mi, f);
	} else if (op->kind == MOUNTD_BIND) {
		*sfd = open_path(c->src_fd, r->source, O_PATH | O_CLOEXEC);
		if (*sfd < 0)
			return errno;
		if (!(op->flags & MS_REC) && (e = mountd_bind_facts(*sfd, self_fd, mi, z, f)) != 0)
			return e;
	} else if (op->kind == MOUNTD_NEW && op->fs == MOUNTD_FS_BLOCK) {
		mountd_src_stat(r->source, &f->src);
	}
	return 0;
}

/* umount2 by the caller's path (the helper's descriptor would keep the mount busy). */
static int helper_umount(const struct req_ctx *c, const struct mountd_op *op, int tfd)
{
	int uflags = (int)(op->flags & ~(unsigned long)UMOUNT_NOFOLLOW), e;
	struct statfs sfs;
	/* a proc or sysfs the zone mounted holds the service's masks (mount_proc): they make it
	 * busy, and go with it, so it is detached at once with them */
	int masked = fstatfs(tfd, &sfs) == 0 &&
		     (sfs.f_type == PROC_SUPER_MAGIC || sfs.f_type == SYSFS_MAGIC);

	close(tfd);
	e = umount2(c->r.target, uflags) < 0 ? errno : 0;
	if (e == EBUSY && masked && !(uflags & MNT_DETACH))
		e = umount2(c->r.target, uflags | MNT_DETACH) < 0 ? errno : 0;
	return e;
}

/* mount(2) on the descriptors (a block device by its checked node in a private tmpfs). */
static int helper_mount(const struct req_ctx *c, const struct mountd_op *op,
			const struct mountd_facts *f, int tfd, int sfd, int self_fd)
{
	const struct mountd_req *r = &c->r;
	char src_abs[STR_MAX], sname[16], tname[16];
	unsigned long flags = mountd_flags(op, f);
	int priv = -1, e;

	if (op->kind == MOUNTD_NEW && op->fs == MOUNTD_FS_BLOCK) {
		if ((e = mountd_src_abs(r->source, src_abs, sizeof(src_abs))) < 0)
			return -e;
		priv = mountd_private_node(src_abs, f->src.rdev);
		if (priv < 0)
			return -priv;
	}
	snprintf(sname, sizeof(sname), "%d", sfd);
	snprintf(tname, sizeof(tname), "%d", tfd);
	/* the block source is looked up from the private tmpfs; the rest by descriptor */
	if (priv >= 0 && (fchdir(priv) < 0 || chroot(".") < 0))
		return errno;
	if (fchdir(self_fd) < 0)
		return errno;
	if (op->kind == MOUNTD_NEW)
		e = mount(op->fs == MOUNTD_FS_BLOCK ? src_abs : r->source, tname, r->fstype, flags,
			  r->data);
	else if (op->kind == MOUNTD_BIND || op->kind == MOUNTD_MOVE)
		e = mount(sname, tname, NULL, flags, NULL);
	else /* propagation, remounts: only the target and the data count */
		e = mount(NULL, tname, NULL, flags, r->data);
	return e < 0 ? errno : 0;
}

/* The helper, in the caller's namespaces and root: check, then perform.  Returns an errno. */
static int helper(const struct req_ctx *c, const struct mountd_zone *z, const struct mountd_op *op)
{
	struct mountd_facts f = {.admin = (c->cap_eff >> CAP_SYS_ADMIN) & 1};
	/* the host's /proc: "self" there is this helper, which the zone's /proc does not show */
	int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int self_fd = proc < 0 ? -1 : openat(proc, "self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int sfd = -1, tfd = -1, mi, e;

	if (self_fd < 0)
		return errno;
	if ((e = helper_enter(c, op)) != 0)
		return e;
	/* opened now: a mountinfo file shows the namespace and root of its opening */
	mi = openat(proc, "self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (mi < 0)
		return errno;
	if ((e = helper_facts(c, z, op, mi, self_fd, &tfd, &sfd, &f)) != 0)
		return e;
	e = mountd_check(z, op, op->flags, &f);
	if (e < 0)
		return -e;
	if (op->kind == MOUNTD_UMOUNT)
		return helper_umount(c, op, tfd);
	if (op->kind == MOUNTD_NEW && op->fs == MOUNTD_FS_PROC)
		return mountd_mount_proc(c, tfd, op->flags);
	if (op->kind == MOUNTD_NEW && op->fs == MOUNTD_FS_SYSFS)
		return mountd_mount_sysfs(c, tfd, mountd_flags(op, &f));
	if (op->kind == MOUNTD_NEW && op->fs == MOUNTD_FS_OVERLAY)
		return mountd_mount_overlay(c, op, &f, tfd, self_fd);
	return helper_mount(c, op, &f, tfd, sfd, self_fd);
}

static int open_proc(pid_t pid, const char *what, int flags)
{
	char p[64];

	snprintf(p, sizeof(p), "/proc/%d/%s", (int)pid, what);
	return open(p, flags | O_CLOEXEC);
}

static void ctx_close(struct req_ctx *c)
{
	int *fds[] = {&c->root,	  &c->cwd,     &c->ns_mnt, &c->ns_net, &c->ns_ipc,
		      &c->ns_pid, &c->ns_user, &c->status, &c->tgt_fd, &c->src_fd};

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}

static int id_valid(int listener, uint64_t id)
{
	return ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

/* One notification: 0 or -errno for the caller. */
static int serve_one(int listener, const struct seccomp_notif *n, const struct mountd_zone *z,
		     struct req_ctx *c)
{
	struct mountd_op op;
	pid_t h;
	int e, st;

	const int api = mountd_api_nr(n->data.nr);

	if (n->data.arch != AUDIT_ARCH_X86_64 ||
	    (n->data.nr != SYS_mount && n->data.nr != SYS_umount2 && !api))
		return -ENOSYS;
	c->root = open_proc(n->pid, "root", O_PATH | O_DIRECTORY);
	c->cwd = open_proc(n->pid, "cwd", O_PATH | O_DIRECTORY);
	c->ns_mnt = open_proc(n->pid, "ns/mnt", O_RDONLY);
	c->ns_net = open_proc(n->pid, "ns/net", O_RDONLY);
	c->ns_ipc = open_proc(n->pid, "ns/ipc", O_RDONLY);
	c->ns_pid = open_proc(n->pid, "ns/pid", O_RDONLY);
	c->ns_user = open_proc(n->pid, "ns/user", O_RDONLY);
	c->status = open_proc(n->pid, "status", O_RDONLY);
	/* the descriptors are the caller's only if it is still waiting for this answer */
	if (!id_valid(listener, n->id))
		return -ENOENT;
	if (c->root < 0 || c->cwd < 0 || c->ns_mnt < 0 || c->ns_net < 0 || c->ns_ipc < 0 ||
	    c->ns_pid < 0 || c->ns_user < 0 || c->status < 0)
		return -EPERM;
	e = api ? 0 : read_args(c, n);
	/* the capabilities of the calling thread (n->pid is its tid), which a thread of a
	 * process changes for itself alone */
	ssize_t sn =
	    e < 0 ? -1 : zone_read_all(c->status, c->status_text, sizeof(c->status_text) - 1);
	if (sn < 0 && e == 0)
		e = -EPERM;
	c->status_text[sn < 0 ? 0 : sn] = '\0';
	c->cap_eff = cap_eff_of(c->status_text);
	if (e == 0) {
		if (c->r.target)
			c->tgt_fd = caller_fd_path(n->pid, c->r.target);
		if (c->r.source)
			c->src_fd = caller_fd_path(n->pid, c->r.source);
	}
	/* checked after: the descriptors are the caller's, not a process's that took its pid */
	if (!id_valid(listener, n->id))
		return -ENOENT;
	if (e < 0)
		return e;
	/* the host's file systems now (a module loaded since counts), never the zone's say */
	int kfd = open("/proc/filesystems", O_RDONLY | O_CLOEXEC);
	ssize_t kn = kfd < 0 ? -1 : zone_read_all(kfd, c->known_fs, sizeof(c->known_fs) - 1);
	if (kfd >= 0)
		close(kfd);
	c->known_fs[kn < 0 ? 0 : kn] = '\0'; /* unreadable: no type is known (ENODEV) */
	c->userns = userns_of_caller(c);
	if (api) /* the new mount API (mountd_api.c) */
		return mountd_api_serve(listener, n, z, c);
	e = mountd_classify(&c->r, c->known_fs, &op);
	if (e < 0)
		return e;
	h = fork();
	if (h < 0)
		return -errno;
	if (h == 0) {
		/* it enters the caller's namespaces and root: with the caller's descriptors
		 * only (not the listener, not the caller's memory) and not dumpable */
		const int keep[] = {0,	       1,	   2,	      c->root,
				    c->cwd,    c->ns_mnt,  c->ns_net, c->ns_ipc,
				    c->ns_pid, c->ns_user, c->tgt_fd, c->src_fd};
		const struct launch_harden hd = {.keep = keep,
						 .nkeep = sizeof(keep) / sizeof(keep[0])};
		struct zone_error lerr = {0};

		if (launch_harden(&hd, &lerr) < 0)
			_exit(lerr.code ? lerr.code : EPERM);
		_exit(helper(c, z, &op));
	}
	while (waitpid(h, &st, 0) < 0)
		if (errno != EINTR)
			return -ECHILD;
	if (!WIFEXITED(st))
		return -EIO;
	return -WEXITSTATUS(st);
}

/* Answer one notification waiting on listener; -1 when the listener itself failed. */
static int serve_listener(int listener, const struct mountd_zone *z, struct seccomp_notif *req,
			  size_t req_size, struct seccomp_notif_resp *resp, struct req_ctx *c)
{
	memset(req, 0, req_size);
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
		/* ENOENT: the caller went away before we took it */
		return errno == EINTR || errno == ENOENT ? 0 : -1;
	c->root = c->cwd = c->ns_mnt = c->ns_net = c->ns_ipc = c->ns_pid = c->ns_user = c->status =
	    c->tgt_fd = c->src_fd = -1;
	int e = serve_one(listener, req, z, c);
	ctx_close(c);
	if (e == MOUNTD_ANSWERED)
		return 0;
	memset(resp, 0, sizeof(*resp));
	resp->id = req->id;
	resp->error = e;
	resp->val = 0;
	/* ENOENT: the caller was killed meanwhile */
	ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
	return 0;
}

static int recv_listener(int sock);

/* What a slot of the service's poll set holds. */
enum slot_kind { SLOT_LISTENER, SLOT_ACCEPT, SLOT_CONN };

#define MOUNTD_MAX_SLOTS 256

int mountd_serve(int listener, int lsock, const struct mountd_zone *z)
{
	struct pollfd p[MOUNTD_MAX_SLOTS + 64]; /* + the contexts mountd_api.c holds */
	enum slot_kind kind[MOUNTD_MAX_SLOTS];
	struct seccomp_notif_sizes sz;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	struct req_ctx *c = calloc(1, sizeof(*c));
	size_t req_size;
	int n = 0;

	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0 || !c)
		return -1;
	req_size = sz.seccomp_notif > sizeof(*req) ? sz.seccomp_notif : sizeof(*req);
	req = calloc(1, req_size);
	resp = calloc(1, sz.seccomp_notif_resp > sizeof(*resp) ? sz.seccomp_notif_resp
							       : sizeof(*resp));
	if (!req || !resp)
		return -1;
	/* slot 0: the first listener; when its processes are gone, so is the zone */
	p[n] = (struct pollfd){.fd = listener, .events = POLLIN};
	kind[n++] = SLOT_LISTENER;
	if (lsock >= 0) {
		p[n] = (struct pollfd){.fd = lsock, .events = POLLIN};
		kind[n++] = SLOT_ACCEPT;
	}
	for (;;) {
		/* after the slots: the placeholders of the file system contexts held (mountd_api.c)
		 */
		int nc = mountd_api_pollfds(p + n, MOUNTD_MAX_SLOTS + 64 - n);

		if (poll(p, (nfds_t)(n + nc), -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (int i = n; i < n + nc; i++)
			if (p[i].revents)
				mountd_api_hangup(p[i].fd);
		for (int i = 0; i < n; i++) {
			int drop = 0, fd;

			if (!p[i].revents)
				continue;
			switch (kind[i]) {
			case SLOT_LISTENER:
				if (p[i].revents & POLLIN)
					drop =
					    serve_listener(p[i].fd, z, req, req_size, resp, c) < 0;
				else if (p[i].revents & (POLLHUP | POLLERR | POLLNVAL))
					drop = 1; /* no process of that filter is left */
				if (drop && i == 0)
					return 0;
				break;
			case SLOT_ACCEPT:
				/* an lxzone exec connects before it joins the zone; its program
				 * sends the listener later, so the connection waits in the set */
				fd = accept4(p[i].fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
				if (fd >= 0 && n < MOUNTD_MAX_SLOTS) {
					p[n] = (struct pollfd){.fd = fd, .events = POLLIN};
					kind[n++] = SLOT_CONN;
				} else if (fd >= 0) {
					close(fd); /* full: that exec's mounts get ENOSYS */
				}
				break;
			case SLOT_CONN:
				fd = recv_listener(p[i].fd);
				drop = 1;
				if (fd >= 0) { /* the connection becomes its listener */
					close(p[i].fd);
					p[i] = (struct pollfd){.fd = fd, .events = POLLIN};
					kind[i] = SLOT_LISTENER;
					drop = 0;
				}
				break;
			}
			if (drop) {
				close(p[i].fd);
				p[i] = p[n - 1];
				kind[i] = kind[n - 1];
				n--;
				i--;
			} else {
				p[i].revents = 0;
			}
		}
	}
}

/* ------------------------------------------------------------------------------------------ */
/* The service process */

static int recv_listener(int sock)
{
	char b;
	ssize_t n;

	return zone_fd_recv(sock, &b, 1, &n);
}

int mountd_start(int sock, int lsock, const struct mountd_zone *z, pid_t *pid,
		 struct zone_error *err)
{
	pid_t p;

	fflush(NULL);
	p = fork();
	if (p < 0)
		return zone_error_set(err, errno, "start the mount service");
	if (p == 0) {
		struct sigaction dfl = {.sa_handler = SIG_DFL};
		sigset_t none;
		int null = open("/dev/null", O_RDWR | O_CLOEXEC), listener;
		/* out of the way of 0-2 and of each other before they move to 3 and 4 */
		int s = fcntl(sock, F_DUPFD_CLOEXEC, 10);
		int l = lsock >= 0 ? fcntl(lsock, F_DUPFD_CLOEXEC, 10) : -1;

		setsid();
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		sigaction(SIGCHLD, &dfl, NULL);
		sigaction(SIGPIPE, &dfl, NULL);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		if (s < 0 || dup2(s, 3) < 0 || (l >= 0 && dup2(l, 4) < 0))
			_exit(1);
		syscall(SYS_close_range, l >= 0 ? 5 : 4, ~0U, 0);
		listener = recv_listener(3);
		close(3);
		if (listener < 0)
			_exit(0); /* the program never got as far as its filter */
		_exit(mountd_serve(listener, l >= 0 ? 4 : -1, z) < 0 ? 1 : 0);
	}
	*pid = p;
	return 0;
}

/* <zone>/mountd.sock, or -1 when the path does not fit a socket address. */
static int sock_addr(const char *zone_dir, struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if ((size_t)snprintf(a->sun_path, sizeof(a->sun_path), "%s/" MOUNTD_SOCK, zone_dir) >=
	    sizeof(a->sun_path))
		return -1;
	return 0;
}

int mountd_listen(const char *zone_dir, struct zone_error *err)
{
	struct sockaddr_un a;
	int fd;

	if (sock_addr(zone_dir, &a) < 0)
		return -2; /* too long for sun_path: execs start their own service */
	unlink(a.sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return zone_error_set(err, errno, "mount service socket");
	/* the zone directory is root's alone (the store is 0700); the socket is too */
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || chmod(a.sun_path, 0600) < 0 ||
	    listen(fd, 64) < 0) {
		int e = errno;
		close(fd);
		unlink(a.sun_path);
		return zone_error_set(err, e, "mount service socket %s", a.sun_path);
	}
	return fd;
}

int mountd_connect(const char *zone_dir)
{
	struct sockaddr_un a;
	int fd;

	if (sock_addr(zone_dir, &a) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

void mountd_unlink(const char *zone_dir)
{
	struct sockaddr_un a;

	if (sock_addr(zone_dir, &a) == 0)
		unlink(a.sun_path);
}
