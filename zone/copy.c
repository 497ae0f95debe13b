/*
 * Tree copy. Everything is done relative to directory file descriptors with O_NOFOLLOW, so a
 * symlink in the source is copied as a symlink and never followed, and nothing is created
 * outside the destination. Hard links are found by (device, inode) in a small hash table and
 * recreated with linkat(2) against the first copy.
 */
#include "zone/copy.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

struct link_entry {
	dev_t dev;
	ino_t ino;
	char *path; /* relative to the destination root */
};

struct copier {
	const struct zone_copy_opts *opts;
	struct zone_copy_stats *stats;
	int dst_root;
	struct link_entry *links;
	size_t nlinks, caplinks;
	uint64_t last_progress;
};

static size_t link_hash(dev_t dev, ino_t ino, size_t cap)
{
	return (size_t)((ino * 0x9E3779B97F4A7C15ULL) ^ dev) & (cap - 1);
}

static int links_grow(struct copier *c)
{
	size_t ncap = c->caplinks ? c->caplinks * 2 : 256;
	struct link_entry *n = calloc(ncap, sizeof(*n));

	if (n == NULL)
		return -1;
	for (size_t i = 0; i < c->caplinks; i++) {
		struct link_entry *e = &c->links[i];
		if (e->path == NULL)
			continue;
		size_t h = link_hash(e->dev, e->ino, ncap);
		while (n[h].path != NULL)
			h = (h + 1) & (ncap - 1);
		n[h] = *e;
	}
	free(c->links);
	c->links = n;
	c->caplinks = ncap;
	return 0;
}

static const char *links_find(struct copier *c, dev_t dev, ino_t ino)
{
	if (c->caplinks == 0)
		return NULL;
	for (size_t h = link_hash(dev, ino, c->caplinks); c->links[h].path != NULL;
	     h = (h + 1) & (c->caplinks - 1))
		if (c->links[h].dev == dev && c->links[h].ino == ino)
			return c->links[h].path;
	return NULL;
}

static int links_add(struct copier *c, dev_t dev, ino_t ino, const char *path)
{
	if ((c->nlinks + 1) * 2 > c->caplinks && links_grow(c) < 0)
		return -1;
	size_t h = link_hash(dev, ino, c->caplinks);
	while (c->links[h].path != NULL)
		h = (h + 1) & (c->caplinks - 1);
	c->links[h].dev = dev;
	c->links[h].ino = ino;
	c->links[h].path = strdup(path);
	if (c->links[h].path == NULL)
		return -1;
	c->nlinks++;
	return 0;
}

/* Extended attributes: of a regular file through its descriptors (sfd, dfd), of anything
 * else through /proc/self/fd so device nodes need not be opened and the last component (a
 * symlink) is not followed (sfd -1). */
static int copy_xattrs(int sdir, int ddir, const char *name, int sfd, int dfd, const char *rel,
		       struct zone_error *err)
{
	char sp[4352], dp[4352];
	char list[65536];
	cleanup_free char *val = NULL;
	ssize_t n;

	if (sfd < 0) {
		snprintf(sp, sizeof(sp), "/proc/self/fd/%d/%s", sdir, name);
		snprintf(dp, sizeof(dp), "/proc/self/fd/%d/%s", ddir, name);
	}
	n = sfd >= 0 ? flistxattr(sfd, list, sizeof(list)) : llistxattr(sp, list, sizeof(list));
	if (n < 0) {
		if (errno == ENOTSUP || errno == EPERM)
			return 0;
		return zone_error_set(err, errno, "%s: list xattrs", rel);
	}
	if (n == 0)
		return 0;
	val = malloc(65536);
	if (val == NULL)
		return zone_error_set(err, ENOMEM, "%s", rel);
	for (char *k = list; k < list + n; k += strlen(k) + 1) {
		ssize_t vl =
		    sfd >= 0 ? fgetxattr(sfd, k, val, 65536) : lgetxattr(sp, k, val, 65536);
		if (vl < 0) {
			if (errno == ENODATA)
				continue;
			return zone_error_set(err, errno, "%s: read xattr %s", rel, k);
		}
		if ((dfd >= 0 ? fsetxattr(dfd, k, val, (size_t)vl, 0)
			      : lsetxattr(dp, k, val, (size_t)vl, 0)) < 0) {
			/* Symlinks take only trusted.* and security.*; the others are skipped. */
			if (errno == EPERM || errno == ENOTSUP)
				continue;
			return zone_error_set(err, errno, "%s: write xattr %s", rel, k);
		}
	}
	return 0;
}

/* Copies [off, end) of sfd to the same offsets of dfd.  The offset it stopped at (end, or less
 * when the source ended first), or -1 with a message in err. */
static off_t copy_range(struct copier *c, int sfd, int dfd, off_t off, off_t end, const char *rel,
			struct zone_error *err)
{
	while (off < end) {
		loff_t in = off, out = off;
		ssize_t n = copy_file_range(sfd, &in, dfd, &out, (size_t)(end - off), 0);
		if (n < 0 &&
		    (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP)) {
			char buf[65536];
			size_t want =
			    (size_t)(end - off) < sizeof(buf) ? (size_t)(end - off) : sizeof(buf);
			n = pread(sfd, buf, want, off);
			if (n > 0 && pwrite(dfd, buf, (size_t)n, off) != n)
				n = -1;
		}
		if (n < 0)
			return zone_error_set(err, errno, "%s: copy data", rel);
		if (n == 0)
			break;
		off += n;
		c->stats->bytes += (uint64_t)n;
	}
	return off;
}

static int copy_data(struct copier *c, int sfd, int dfd, const struct stat *st, const char *rel,
		     struct zone_error *err)
{
	off_t off = 0, end;

	if (c->opts->reflink) {
		if (ioctl(dfd, FICLONE, sfd) == 0) {
			c->stats->reflinked++;
			c->stats->bytes += (uint64_t)st->st_size;
			return 0;
		}
		if (c->opts->require_reflink)
			return zone_error_set(err, errno, "%s: reflink", rel);
	}
	/* A file with as many blocks as bytes has no hole: copied in one go, without asking
	 * for its extents (two lseeks a file, as cp's heuristic).  Otherwise data extents only,
	 * so holes stay holes. */
	if ((uint64_t)st->st_blocks * 512 >= (uint64_t)st->st_size) {
		off = copy_range(c, sfd, dfd, 0, st->st_size, rel, err);
		if (off < 0)
			return -1;
	}
	while (off < st->st_size) {
		off_t data = lseek(sfd, off, SEEK_DATA);
		if (data < 0) {
			if (errno == ENXIO)
				break;
			data = off; /* no SEEK_DATA: copy everything */
		}
		end = lseek(sfd, data, SEEK_HOLE);
		if (end < 0)
			end = st->st_size;
		off = copy_range(c, sfd, dfd, data, end, rel, err);
		if (off < 0)
			return -1;
		if (off < end)
			break;
	}
	/* the size a trailing hole leaves out (a new file is empty, and the copy wrote up to its
	 * last data byte) */
	if (off != st->st_size && ftruncate(dfd, st->st_size) < 0)
		return zone_error_set(err, errno, "%s: set size", rel);
	if (c->opts->progress && c->stats->bytes - c->last_progress > (8u << 20)) {
		c->last_progress = c->stats->bytes;
		c->opts->progress(c->stats->bytes, c->opts->progress_arg);
	}
	return 0;
}

/* Owner, then mode (chown clears setuid bits), then xattrs, then times.  A regular file's
 * through its descriptors sfd and dfd (a path lookup fewer per call: a 12k-file tree makes
 * 12k of each), anything else's by name (sfd, dfd -1). */
static int copy_meta(int sdir, int ddir, const char *name, int sfd, int dfd, const struct stat *st,
		     const char *rel, struct zone_error *err)
{
	struct timespec ts[2] = {st->st_atim, st->st_mtim};

	if ((dfd >= 0 ? fchown(dfd, st->st_uid, st->st_gid)
		      : fchownat(ddir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW)) < 0)
		return zone_error_set(err, errno, "%s: chown", rel);
	if (!S_ISLNK(st->st_mode) && (dfd >= 0 ? fchmod(dfd, st->st_mode & 07777)
					       : fchmodat(ddir, name, st->st_mode & 07777, 0)) < 0)
		return zone_error_set(err, errno, "%s: chmod", rel);
	if (copy_xattrs(sdir, ddir, name, sfd, dfd, rel, err) < 0)
		return -1;
	if ((dfd >= 0 ? futimens(dfd, ts) : utimensat(ddir, name, ts, AT_SYMLINK_NOFOLLOW)) < 0)
		return zone_error_set(err, errno, "%s: set times", rel);
	return 0;
}

static int copy_dir(struct copier *c, int sdir, int ddir, const char *rel, struct zone_error *err);

static int copy_entry(struct copier *c, int sdir, int ddir, const char *name, const char *rel,
		      struct zone_error *err)
{
	struct stat st;

	if (fstatat(sdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return zone_error_set(err, errno, "%s: stat", rel);

	if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
		const char *first = links_find(c, st.st_dev, st.st_ino);
		if (first != NULL) {
			if (linkat(c->dst_root, first, ddir, name, 0) < 0)
				return zone_error_set(err, errno, "%s: link to %s", rel, first);
			c->stats->hardlinks++;
			return 0;
		}
		if (links_add(c, st.st_dev, st.st_ino, rel) < 0)
			return zone_error_set(err, ENOMEM, "%s", rel);
	}

	switch (st.st_mode & S_IFMT) {
	case S_IFDIR: {
		cleanup_close int s = -1;
		cleanup_close int d = -1;
		if (mkdirat(ddir, name, 0700) < 0)
			return zone_error_set(err, errno, "%s: mkdir", rel);
		s = openat(sdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		d = openat(ddir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (s < 0 || d < 0)
			return zone_error_set(err, errno, "%s: open directory", rel);
		c->stats->dirs++;
		if (copy_dir(c, s, d, rel, err) < 0)
			return -1;
		break;
	}
	case S_IFREG: {
		cleanup_close int s = openat(sdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		cleanup_close int d = -1;
		if (s < 0)
			return zone_error_set(err, errno, "%s: open", rel);
		d = openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (d < 0)
			return zone_error_set(err, errno, "%s: create", rel);
		if (copy_data(c, s, d, &st, rel, err) < 0)
			return -1;
		c->stats->files++;
		return copy_meta(sdir, ddir, name, s, d, &st, rel, err);
	}
	case S_IFLNK: {
		char target[4097];
		ssize_t n = readlinkat(sdir, name, target, sizeof(target) - 1);
		if (n < 0)
			return zone_error_set(err, errno, "%s: readlink", rel);
		target[n] = '\0';
		if (symlinkat(target, ddir, name) < 0)
			return zone_error_set(err, errno, "%s: symlink", rel);
		c->stats->links++;
		break;
	}
	case S_IFCHR:
	case S_IFBLK:
		if (c->opts->skip_devices)
			return 0;
		/* fallthrough */
	case S_IFIFO:
	case S_IFSOCK:
		if (mknodat(ddir, name, st.st_mode & (S_IFMT | 0777), st.st_rdev) < 0)
			return zone_error_set(err, errno, "%s: mknod", rel);
		c->stats->devices++;
		break;
	default:
		return 0;
	}
	return copy_meta(sdir, ddir, name, -1, -1, &st, rel, err);
}

static int copy_dir(struct copier *c, int sdir, int ddir, const char *rel, struct zone_error *err)
{
	int dup_fd = dup(sdir);
	DIR *d;
	struct dirent *de;
	int ret = 0;

	if (dup_fd < 0)
		return zone_error_set(err, errno, "%s", rel);
	d = fdopendir(dup_fd);
	if (d == NULL) {
		close(dup_fd);
		return zone_error_set(err, errno, "%s: open directory", rel);
	}
	while ((de = readdir(d)) != NULL) {
		char sub[4096];
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (*rel)
			snprintf(sub, sizeof(sub), "%s/%s", rel, de->d_name);
		else
			snprintf(sub, sizeof(sub), "%s", de->d_name);
		if (copy_entry(c, sdir, ddir, de->d_name, sub, err) < 0) {
			ret = -1;
			break;
		}
	}
	closedir(d);
	return ret;
}

int zone_copy_tree(const char *src_dir, const char *dst_dir, const struct zone_copy_opts *opts,
		   struct zone_copy_stats *stats, struct zone_error *err)
{
	static const struct zone_copy_opts defaults;
	struct zone_copy_stats local;
	struct copier c = {0};
	cleanup_close int s = open(src_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int d = open(dst_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	int ret;

	if (s < 0)
		return zone_error_set(err, errno, "open %s", src_dir);
	if (d < 0)
		return zone_error_set(err, errno, "open %s", dst_dir);
	memset(&local, 0, sizeof(local));
	c.opts = opts ? opts : &defaults;
	c.stats = stats ? stats : &local;
	c.dst_root = d;
	ret = copy_dir(&c, s, d, "", err);
	if (ret == 0 && fstat(s, &st) == 0) {
		/* The root directory's own owner and mode. */
		if (fchown(d, st.st_uid, st.st_gid) < 0 || fchmod(d, st.st_mode & 07777) < 0)
			ret = zone_error_set(err, errno, "%s: set owner and mode", dst_dir);
	}
	for (size_t i = 0; i < c.caplinks; i++)
		free(c.links[i].path);
	free(c.links);
	return ret;
}

bool zone_reflink_supported(const char *src_dir, const char *dst_dir)
{
	char a[4200], b[4200];
	cleanup_close int fa = -1;
	cleanup_close int fb = -1;
	bool ok;

	snprintf(a, sizeof(a), "%s/.reflink-probe.%d", src_dir, (int)getpid());
	snprintf(b, sizeof(b), "%s/.reflink-probe.%d", dst_dir, (int)getpid());
	fa = open(a, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	fb = open(b, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ok = fa >= 0 && fb >= 0 && write(fa, "x", 1) == 1 && ioctl(fb, FICLONE, fa) == 0;
	unlink(a);
	unlink(b);
	return ok;
}
