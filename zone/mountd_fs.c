/*
 * The mounts the mount service's helper performs (zone/mountd.c, step 4): the facts of a mount
 * from its descriptor, proc, sysfs and overlay through the new mount API, binds.
 */
#include "zone/mountd_int.h"
#include "lib/openat2.h"
#include "zone/launch/launch.h" /* the /proc and /sys masks (launch_mask.c) */

/* The mount that holds fd (O_PATH), as the caller sees it (mi: its mountinfo). */
void mountd_mount_facts(int fd, int mi, struct mountd_facts *f)
{
	static char text[1 << 18];
	static struct mountd_mnt m[1024];
	struct statx stx;
	struct statfs sfs;
	ssize_t n;
	int cnt;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID | STATX_BASIC_STATS, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID)) {
		f->mnt_errno = EPERM;
		return;
	}
	f->mnt_id = stx.stx_mnt_id;
	f->mnt_is_root = (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)
			     ? (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0
			     : 1;
	n = lseek(mi, 0, SEEK_SET) == 0 ? zone_read_all(mi, text, sizeof(text) - 1) : -1;
	cnt = n < 0 ? -1 : mountd_mountinfo_parse(text, (size_t)n, m, 1024);
	for (int i = 0; i < cnt; i++)
		if (m[i].id == f->mnt_id) {
			f->mnt_in_ns = 1;
			f->mnt_dev = m[i].dev;
			f->mnt_ro = m[i].ro;
		}
	/* statfs reports the mount's own flags */
	if (fstatfs(fd, &sfs) == 0 && (sfs.f_flags & ST_NODEV))
		f->mnt_nodev = 1;
	/* a mount the namespace does not show (detached: the new mount API's): its superblock's
	 * device and, as read-only, a read-only mount or superblock (statfs says which is not) */
	if (!f->mnt_in_ns) {
		f->mnt_dev = (unsigned long)makedev(stx.stx_dev_major, stx.stx_dev_minor);
		f->mnt_ro = fstatfs(fd, &sfs) == 0 && (sfs.f_flags & ST_RDONLY) != 0;
	}
	/* a FUSE mount in a zone is lxproc's: the service admits no FUSE */
	f->mnt_lxproc = fstatfs(fd, &sfs) == 0 && sfs.f_type == 0x65735546 /* FUSE */;
}

void mountd_src_stat(const char *path, struct mountd_src *s)
{
	struct stat st;

	*s = (struct mountd_src){0};
	if (stat(path, &st) < 0) {
		s->err = errno;
		return;
	}
	s->mode = st.st_mode;
	s->rdev = st.st_rdev;
}

int mountd_src_abs(const char *path, char *abs, size_t sz)
{
	char cwd[STR_MAX];

	if (path[0] == '/')
		return snprintf(abs, sz, "%s", path) < (int)sz ? 0 : -ENAMETOOLONG;
	if (getcwd(cwd, sizeof(cwd)) == NULL ||
	    snprintf(abs, sz, "%s/%s", strcmp(cwd, "/") ? cwd : "", path) >= (int)sz)
		return -ENAMETOOLONG;
	return 0;
}

/* A detached tmpfs holding one block device node at path (absolute), for the kernel's
 * lookup of a mount source.  Returns its root (O_PATH) or -errno. */
int mountd_private_node(const char *path, unsigned long rdev)
{
	char buf[STR_MAX], *comp, *save = NULL, *next;
	int fs = fsopen("tmpfs", FSOPEN_CLOEXEC), m, dir, e;

	if (fs < 0)
		return -errno;
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ||
	    (m = fsmount(fs, FSMOUNT_CLOEXEC, 0)) < 0) {
		e = errno;
		close(fs);
		return -e;
	}
	close(fs);
	dir = dup(m);
	snprintf(buf, sizeof(buf), "%s", path);
	for (comp = strtok_r(buf, "/", &save); comp; comp = next) {
		next = strtok_r(NULL, "/", &save);
		if (!next) {
			if (mknodat(dir, comp, S_IFBLK | 0600, (dev_t)rdev) < 0)
				goto fail;
			break;
		}
		if (mkdirat(dir, comp, 0700) < 0 && errno != EEXIST)
			goto fail;
		int d = openat(dir, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(dir);
		dir = d;
		if (dir < 0)
			goto fail;
	}
	if (dir >= 0)
		close(dir);
	return m;
fail:
	e = errno;
	if (dir >= 0)
		close(dir);
	close(m);
	return -e;
}

/* Create the filesystem configured in fs with mount(2)'s flags and attach it at tfd; mask:
 * "/proc" or "/sys", the masks a zone's proc or sysfs gets (zone/launch/launch_mask.c), applied to
 * the new mount before it is attached, so the zone never sees it without them; NULL: none.
 * Returns an errno; closes fs. */
static int fc_attach(int fs, int tfd, unsigned long flags, const char *mask)
{
	static const struct {
		unsigned long ms;
		const char *flag;
	} sb[] = {{MS_RDONLY, "ro"},
		  {MS_SYNCHRONOUS, "sync"},
		  {MS_DIRSYNC, "dirsync"},
		  {MS_LAZYTIME, "lazytime"}};
	unsigned attrs = 0;
	int m, e;

	for (size_t i = 0; i < sizeof(sb) / sizeof(sb[0]); i++)
		if ((flags & sb[i].ms) && fsconfig(fs, FSCONFIG_SET_FLAG, sb[i].flag, NULL, 0) < 0)
			goto fail;
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		goto fail;
	if (flags & MS_RDONLY)
		attrs |= MOUNT_ATTR_RDONLY;
	if (flags & MS_NOSUID)
		attrs |= MOUNT_ATTR_NOSUID;
	if (flags & MS_NODEV)
		attrs |= MOUNT_ATTR_NODEV;
	if (flags & MS_NOEXEC)
		attrs |= MOUNT_ATTR_NOEXEC;
	if (flags & MS_NOSYMFOLLOW)
		attrs |= MOUNT_ATTR_NOSYMFOLLOW;
	if (flags & MS_NOATIME)
		attrs |= MOUNT_ATTR_NOATIME;
	else if (flags & MS_STRICTATIME)
		attrs |= MOUNT_ATTR_STRICTATIME;
	if (flags & MS_NODIRATIME)
		attrs |= MOUNT_ATTR_NODIRATIME;
	m = fsmount(fs, FSMOUNT_CLOEXEC, attrs);
	if (m < 0)
		goto fail;
	close(fs);
	/* a zone's namespaces are its own: their knobs stay writable (launch.h) */
	if (mask && ((e = launch_paths_apply_tree(m, mask, LAUNCH_ZONE_NS)) != 0 ||
		     (e = mountd_lxproc_cover(m, mask)) != 0)) {
		close(m);
		return e;
	}
	e = move_mount(m, "", tfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0
		? errno
		: 0;
	close(m);
	return e;
fail:
	e = errno;
	close(fs);
	return e;
}

/* proc of the caller's pid namespace, attached at tfd. */
int mountd_mount_proc(const struct req_ctx *c, int tfd, unsigned long flags)
{
	char opts[STR_MAX], *o, *save = NULL;
	int fs = fsopen("proc", FSOPEN_CLOEXEC), e;

	if (fs < 0)
		return errno;
	if (fsconfig(fs, FSCONFIG_SET_FD, "pidns", NULL, c->ns_pid) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "source",
		     c->r.source && *c->r.source ? c->r.source : "proc", 0) < 0)
		goto fail;
	snprintf(opts, sizeof(opts), "%s", c->r.data ? c->r.data : "");
	for (o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(o, '=');
		int r;
		if (eq) {
			*eq = '\0';
			r = fsconfig(fs, FSCONFIG_SET_STRING, o, eq + 1, 0);
		} else {
			r = fsconfig(fs, FSCONFIG_SET_FLAG, o, NULL, 0);
		}
		if (r < 0)
			goto fail;
	}
	return fc_attach(fs, tfd, flags, "/proc");
fail:
	e = errno;
	close(fs);
	return e;
}

/* sysfs of the caller's network namespace (the helper joined it), attached at tfd with the
 * zone's /sys masks. */
int mountd_mount_sysfs(const struct req_ctx *c, int tfd, unsigned long flags)
{
	int fs = fsopen("sysfs", FSOPEN_CLOEXEC), e;

	if (fs < 0)
		return errno;
	if (fsconfig(fs, FSCONFIG_SET_STRING, "source",
		     c->r.source && *c->r.source ? c->r.source : "sysfs", 0) < 0) {
		e = errno;
		close(fs);
		return e;
	}
	return fc_attach(fs, tfd, flags, "/sys");
}

/* BIND without MS_REC: does a boot mount sit under the source (f->src_boot_below)? */
int mountd_bind_facts(int sfd, int self_fd, int mi, const struct mountd_zone *z,
		      struct mountd_facts *f)
{
	static char text[1 << 18];
	char name[16], path[STR_MAX];
	struct statx stx;
	ssize_t n, l;

	snprintf(name, sizeof(name), "%d", sfd);
	/* the source as the caller names it: this helper's root is the caller's */
	l = readlinkat(self_fd, name, path, sizeof(path) - 1);
	if (l <= 0 || statx(sfd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID))
		return EPERM;
	path[l] = '\0';
	n = lseek(mi, 0, SEEK_SET) == 0 ? zone_read_all(mi, text, sizeof(text) - 1) : -1;
	if (n < 0)
		return EPERM;
	f->src_boot_below =
	    path[0] != '/' || mountd_boot_below(z, text, (size_t)n, stx.stx_mnt_id, path);
	return 0;
}

/* Take the caller's effective capabilities (and no more) as our own. */
int mountd_adopt_caps(uint64_t eff)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return errno;
	d[0].effective = d[0].permitted = d[0].permitted & (uint32_t)eff;
	d[1].effective = d[1].permitted = d[1].permitted & (uint32_t)(eff >> 32);
	d[0].inheritable = d[1].inheritable = 0;
	return syscall(SYS_capset, &h, d) < 0 ? errno : 0;
}

/*
 * One overlay layer, looked up as the caller would (the helper's root and cwd are the
 * caller's) but through no magic link: /proc/<pid>/fd/N of a zone process could name a
 * directory outside the zone's root.  Returns a descriptor overlayfs takes (fsconfig
 * FSCONFIG_SET_FD), its mount's flags in *mflags, or -errno.
 */
int mountd_ovl_layer(const char *path, int self_fd, unsigned long *mflags)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_MAGICLINKS};
	struct statfs sfs;
	struct stat st;
	char name[16];
	int p = lx_openat2(AT_FDCWD, path, &how), fd, e;

	if (p < 0) {
		e = errno;
		if (e == ELOOP) {
			/* a magic link on the way (refused) or a real loop (the kernel's ELOOP) */
			int q = open(path, O_PATH | O_CLOEXEC);
			if (q >= 0) {
				close(q);
				return -EPERM;
			}
		}
		return -e;
	}
	if (fstat(p, &st) < 0 || !S_ISDIR(st.st_mode)) {
		close(p);
		return -EINVAL; /* overlayfs: "not a directory" */
	}
	if (fstatfs(p, &sfs) == 0) {
		if (sfs.f_flags & ST_NODEV)
			*mflags |= MS_NODEV;
		if (sfs.f_flags & ST_NOSUID)
			*mflags |= MS_NOSUID;
		if (sfs.f_flags & ST_NOEXEC)
			*mflags |= MS_NOEXEC;
	}
	/* reopened readable through our own descriptor: the directory checked, not a path */
	snprintf(name, sizeof(name), "%d", p);
	fd = openat(self_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	e = errno;
	close(p);
	return fd < 0 ? -e : fd;
}

/* overlay at tfd, created with the caller's capabilities.  Returns an errno. */
int mountd_mount_overlay(const struct req_ctx *c, const struct mountd_op *op,
			 struct mountd_facts *f, int tfd, int self_fd)
{
	static struct mountd_ovl o;
	static const char *const key[] = {[MOUNTD_OVL_LOWER] = "lowerdir+",
					  [MOUNTD_OVL_DATA] = "datadir+",
					  [MOUNTD_OVL_UPPER] = "upperdir",
					  [MOUNTD_OVL_WORK] = "workdir"};
	int fs, e;

	/* overlayfs looks its layers up, and works on them, with the mounter's credentials */
	if ((e = mountd_adopt_caps(c->cap_eff)) != 0)
		return e;
	if ((e = mountd_overlay_parse(c->r.data, &o)) < 0)
		return -e;
	fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0)
		return errno;
	if (c->r.source && fsconfig(fs, FSCONFIG_SET_STRING, "source", c->r.source, 0) < 0)
		goto fail;
	for (size_t i = 0; i < o.n; i++) {
		const struct mountd_ovl_opt *x = &o.opt[i];
		int r;

		switch (x->kind) {
		case MOUNTD_OVL_RESET:
			r = fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", "", 0);
			break;
		case MOUNTD_OVL_FLAG:
			r = fsconfig(fs, FSCONFIG_SET_FLAG, x->key, NULL, 0);
			break;
		case MOUNTD_OVL_STRING:
			r = fsconfig(fs, FSCONFIG_SET_STRING, x->key, x->value, 0);
			break;
		default: {
			unsigned long mflags = 0;
			int lfd = mountd_ovl_layer(x->value, self_fd, &mflags);
			if (lfd < 0) {
				close(fs);
				return -lfd;
			}
			f->layer_flags |= mflags;
			r = fsconfig(fs, FSCONFIG_SET_FD, key[x->kind], NULL, lfd);
			e = errno;
			close(lfd);
			errno = e;
		}
		}
		if (r < 0)
			goto fail;
	}
	return fc_attach(fs, tfd, mountd_flags(op, f), NULL);
fail:
	e = errno;
	close(fs);
	return e;
}
