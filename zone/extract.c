#include "zone/extract.h"

#include "zone/archive_lazy.h"
#include "zone/fsutil.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

static int openat2_in_root(int root, const char *path, int flags)
{
	if (*path == '\0')
		path = ".";
	return zone_openat2(root, path, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

int zone_extract_clean_name(const char *name, char *out, size_t outsz)
{
	size_t o = 0;
	const char *p = name;

	while (*p) {
		const char *slash;
		size_t len;
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		slash = strchr(p, '/');
		len = slash ? (size_t)(slash - p) : strlen(p);
		if (len == 1 && p[0] == '.') {
			p += len;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.')
			return -1;
		if (o + len + 2 > outsz)
			return -1;
		if (o > 0)
			out[o++] = '/';
		memcpy(out + o, p, len);
		o += len;
		p += len;
	}
	if (outsz == 0)
		return -1;
	out[o] = '\0';
	return 0;
}

static void split(char *path, const char **dir, const char **base)
{
	char *slash = strrchr(path, '/');
	if (slash == NULL) {
		*dir = "";
		*base = path;
	} else {
		*slash = '\0';
		*dir = path;
		*base = slash + 1;
	}
}

/* Create the missing directories of `dir` beneath root, each resolved inside the root. */
static int make_parents(int root, const char *dir, struct zone_error *err)
{
	char buf[4096];
	size_t n = strlen(dir);

	if (n == 0)
		return 0;
	if (n >= sizeof(buf))
		return zone_error_set(err, ENAMETOOLONG, "%s", dir);
	memcpy(buf, dir, n + 1);
	for (size_t i = 0; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		char saved = buf[i];
		buf[i] = '\0';
		int fd = openat2_in_root(root, buf, O_PATH | O_DIRECTORY);
		if (fd >= 0) {
			close(fd);
		} else if (errno == ENOENT) {
			const char *pd, *pb;
			char tmp[4096];
			memcpy(tmp, buf, i + 1);
			split(tmp, &pd, &pb);
			cleanup_close int pfd = openat2_in_root(root, pd, O_PATH | O_DIRECTORY);
			if (pfd < 0)
				return zone_error_set(err, errno, "%s", pd);
			if (mkdirat(pfd, pb, 0755) < 0 && errno != EEXIST)
				return zone_error_set(err, errno, "mkdir %s", buf);
		} else {
			return zone_error_set(err, errno, "%s", buf);
		}
		buf[i] = saved;
	}
	return 0;
}

/* An image's extended attributes, as it has them, but overlayfs's own (zone/fsutil.h): an
 * image says what it means to hide through whiteouts, which extraction applies itself. */
static int set_xattrs(int fd, struct archive_entry *e, const char *name, struct zone_error *err)
{
	const char *k;
	const void *v;
	size_t sz;

	if (archive_entry_xattr_reset(e) == 0)
		return 0;
	while (archive_entry_xattr_next(e, &k, &v, &sz) == ARCHIVE_OK) {
		char path[64];
		if (zone_xattr_is_overlay(k))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (setxattr(path, k, v, sz, 0) < 0 && errno != ENOTSUP && errno != EPERM)
			return zone_error_set(err, errno, "%s: xattr %s", name, k);
	}
	return 0;
}

static int set_meta_fd(int fd, struct archive_entry *e, const char *name, struct zone_error *err)
{
	struct timespec ts[2] = {{archive_entry_atime(e), archive_entry_atime_nsec(e)},
				 {archive_entry_mtime(e), archive_entry_mtime_nsec(e)}};

	if (!archive_entry_atime_is_set(e))
		ts[0] = ts[1];
	if (fchown(fd, (uid_t)archive_entry_uid(e), (gid_t)archive_entry_gid(e)) < 0)
		return zone_error_set(err, errno, "%s: chown", name);
	if (fchmod(fd, archive_entry_perm(e) & 07777) < 0)
		return zone_error_set(err, errno, "%s: chmod", name);
	if (set_xattrs(fd, e, name, err) < 0)
		return -1;
	if (archive_entry_mtime_is_set(e) && futimens(fd, ts) < 0)
		return zone_error_set(err, errno, "%s: set times", name);
	return 0;
}

static int write_data(struct archive *a, int fd, const char *name, struct zone_extract_stats *stats,
		      struct zone_error *err)
{
	const void *buf;
	size_t size;
	la_int64_t off;
	off_t end = 0;
	int r;

	while ((r = archive_read_data_block(a, &buf, &size, &off)) == ARCHIVE_OK) {
		const char *p = buf;
		off_t o = (off_t)off;
		/* Blocks come with offsets: a gap between them stays a hole. */
		while (size > 0) {
			ssize_t n = pwrite(fd, p, size, o);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return zone_error_set(err, errno, "%s: write", name);
			p += n;
			o += n;
			size -= (size_t)n;
			stats->bytes += (uint64_t)n;
		}
		if (o > end)
			end = o;
	}
	if (r != ARCHIVE_EOF)
		return zone_error_set(err, archive_errno(a) > 0 ? archive_errno(a) : EIO,
				      "%s: read archive: %s", name, archive_error_string(a) ?: "");
	return 0;
}

#define WHITEOUT ".wh."
#define OPAQUE	 ".wh..wh..opq"

/* An OCI whiteout: remove what it names from the layers below (resolved inside the root, like
 * any entry), or empty its directory when it is the opaque marker. A whiteout of something
 * that is not there is not an error: the image spec allows it. */
static int whiteout(int root, const char *clean, const struct zone_extract_opts *opts,
		    struct zone_extract_stats *st, struct zone_error *err)
{
	char path[4096];
	const char *dir, *base;
	cleanup_close int dfd = -1;

	memcpy(path, clean, strlen(clean) + 1);
	split(path, &dir, &base);
	dfd = openat2_in_root(root, dir, O_RDONLY | O_DIRECTORY);
	if (dfd < 0)
		return errno == ENOENT || errno == ENOTDIR
			   ? 0
			   : zone_error_set(err, errno, "whiteout %s: %s", clean, dir);
	if (strcmp(base, OPAQUE) == 0) {
		DIR *d = fdopendir(dup(dfd));
		struct dirent *de;
		if (d == NULL)
			return zone_error_set(err, errno, "opaque %s", dir);
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			if (zone_rmtree_at(dfd, de->d_name, err) < 0) {
				closedir(d);
				return zone_error_wrap(err, "opaque %s", dir);
			}
		}
		closedir(d);
		st->whiteouts++;
		return 0;
	}
	base += strlen(WHITEOUT);
	if (base[0] == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		st->refused++;
		if (opts->warnings)
			fprintf(opts->warnings, "refused %s: whiteout of nothing\n", clean);
		return 0;
	}
	if (zone_rmtree_at(dfd, base, err) < 0)
		return zone_error_wrap(err, "whiteout %s", clean);
	st->whiteouts++;
	return 0;
}

/* One entry being placed: where, and what to count and say. */
struct placing {
	struct archive *a;
	struct archive_entry *e;
	int root, parent;
	const char *clean, *base;
	const struct zone_extract_opts *opts;
	struct zone_extract_stats *st;
	struct zone_error *err;
};

/* Remove whatever is at the entry's place unless it is a directory and keep_dir is set
 * (returns 1 then). A directory in the way goes whole in an OCI layer's content pass, as
 * containerd and docker apply a layer that puts a file where a lower one had a directory;
 * in a plain archive only an empty one does, as with tar. */
static int clear_slot(const struct placing *p, int keep_dir)
{
	struct stat st;

	if (fstatat(p->parent, p->base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : zone_error_set(p->err, errno, "%s", p->clean);
	if (S_ISDIR(st.st_mode)) {
		if (keep_dir)
			return 1;
		if (p->opts && p->opts->layer == ZONE_EXTRACT_CONTENT)
			return zone_rmtree_at(p->parent, p->base, p->err) < 0
				   ? zone_error_wrap(p->err, "replace %s", p->clean)
				   : 0;
		if (unlinkat(p->parent, p->base, AT_REMOVEDIR) < 0)
			return zone_error_set(p->err, errno, "replace %s", p->clean);
		return 0;
	}
	if (unlinkat(p->parent, p->base, 0) < 0)
		return zone_error_set(p->err, errno, "replace %s", p->clean);
	return 0;
}

/* Refuse an entry, say why, and go on. */
static int refuse(const struct placing *p, const char *fmt, const char *arg)
{
	p->st->refused++;
	if (p->opts && p->opts->warnings) {
		fprintf(p->opts->warnings, "refused %s: ", p->clean);
		fprintf(p->opts->warnings, fmt, arg);
		fputc('\n', p->opts->warnings);
	}
	return 0;
}

/* The entry's parent, resolved inside the root (made when missing): a descriptor, -1 with err
 * filled, or -2 when the entry is unplaceable (a symlink to a place the image does not have,
 * a file in the way): refused, as tar in a chroot would fail it. Other failures (no space,
 * I/O) stop the install. */
static int open_parent(struct placing *p, const char *dir)
{
	struct zone_error perr = {0};
	int fd = -1;

	if (make_parents(p->root, dir, &perr) == 0 &&
	    (fd = openat2_in_root(p->root, dir, O_PATH | O_DIRECTORY)) >= 0)
		return fd;
	int e = perr.msg[0] ? perr.code : errno;
	if (e == ENOENT || e == ENOTDIR || e == ELOOP || e == EXDEV || e == EEXIST) {
		p->st->refused++;
		if (p->opts && p->opts->warnings)
			fprintf(p->opts->warnings, "refused %s: parent %s: %s\n", p->clean, dir,
				strerror(e));
		return -2;
	}
	if (!perr.msg[0])
		return zone_error_set(p->err, e, "%s: parent directory", p->clean);
	if (p->err != NULL)
		*p->err = perr;
	return zone_error_wrap(p->err, "%s", p->clean);
}

static int place_hardlink(struct placing *p, const char *hl)
{
	char target[4096];
	cleanup_close int tfd = -1;

	if (zone_extract_clean_name(hl, target, sizeof(target)) < 0 || target[0] == '\0')
		return refuse(p, "hard link to '%s'", hl);
	tfd = openat2_in_root(p->root, target, O_PATH | O_NOFOLLOW);
	if (tfd < 0)
		return zone_error_set(p->err, errno, "%s: hard link target %s", p->clean, target);
	if (clear_slot(p, 0) < 0)
		return -1;
	if (linkat(tfd, "", p->parent, p->base, AT_EMPTY_PATH) < 0)
		return zone_error_set(p->err, errno, "%s: hard link to %s", p->clean, target);
	p->st->hardlinks++;
	/* A hard link entry may carry data (pax); there is nothing more to do. */
	return 0;
}

static int place_dir(struct placing *p)
{
	int r = clear_slot(p, 1);
	cleanup_close int fd = -1;

	if (r < 0)
		return -1;
	if (r == 0 && mkdirat(p->parent, p->base, 0700) < 0)
		return zone_error_set(p->err, errno, "%s: mkdir", p->clean);
	fd = openat(p->parent, p->base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return zone_error_set(p->err, errno, "%s: open directory", p->clean);
	p->st->dirs++;
	return set_meta_fd(fd, p->e, p->clean, p->err);
}

static int place_file(struct placing *p)
{
	cleanup_close int fd = -1;

	if (clear_slot(p, 0) < 0)
		return -1;
	fd = openat(p->parent, p->base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return zone_error_set(p->err, errno, "%s: create", p->clean);
	if (write_data(p->a, fd, p->clean, p->st, p->err) < 0)
		return -1;
	if (ftruncate(fd, (off_t)archive_entry_size(p->e)) < 0)
		return zone_error_set(p->err, errno, "%s: set size", p->clean);
	p->st->files++;
	return set_meta_fd(fd, p->e, p->clean, p->err);
}

static int place_symlink(struct placing *p)
{
	struct archive_entry *e = p->e;
	const char *target = archive_entry_symlink(e);
	struct timespec ts[2] = {{archive_entry_mtime(e), archive_entry_mtime_nsec(e)},
				 {archive_entry_mtime(e), archive_entry_mtime_nsec(e)}};

	if (target == NULL)
		return zone_error_set(p->err, EINVAL, "%s: symlink without target", p->clean);
	if (clear_slot(p, 0) < 0)
		return -1;
	if (symlinkat(target, p->parent, p->base) < 0)
		return zone_error_set(p->err, errno, "%s: symlink", p->clean);
	if (fchownat(p->parent, p->base, (uid_t)archive_entry_uid(e), (gid_t)archive_entry_gid(e),
		     AT_SYMLINK_NOFOLLOW) < 0)
		return zone_error_set(p->err, errno, "%s: chown", p->clean);
	utimensat(p->parent, p->base, ts, AT_SYMLINK_NOFOLLOW);
	p->st->links++;
	return 0;
}

/* A FIFO or a socket node. */
static int place_special(struct placing *p, mode_t type)
{
	struct archive_entry *e = p->e;
	cleanup_close int fd = -1;

	if (clear_slot(p, 0) < 0)
		return -1;
	if (mknodat(p->parent, p->base, (type == AE_IFIFO ? S_IFIFO : S_IFSOCK) | 0600, 0) < 0)
		return zone_error_set(p->err, errno, "%s: mknod", p->clean);
	fd = openat(p->parent, p->base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return zone_error_set(p->err, errno, "%s", p->clean);
	/* fchown/fchmod do not take O_PATH fds; go through the parent instead. */
	if (fchownat(p->parent, p->base, (uid_t)archive_entry_uid(e), (gid_t)archive_entry_gid(e),
		     AT_SYMLINK_NOFOLLOW) < 0 ||
	    fchmodat(p->parent, p->base, archive_entry_perm(e) & 07777, 0) < 0)
		return zone_error_set(p->err, errno, "%s: owner and mode", p->clean);
	return 0;
}

static int extract_entry(struct archive *a, struct archive_entry *e, int root,
			 const struct zone_extract_opts *opts, struct zone_extract_stats *st,
			 struct zone_error *err)
{
	char clean[4096], parent_path[4096];
	const char *raw = archive_entry_pathname(e);
	const char *dir, *base;
	const char *hl = archive_entry_hardlink(e);
	mode_t type = archive_entry_filetype(e);
	struct placing p = {.a = a,
			    .e = e,
			    .root = root,
			    .parent = -1,
			    .clean = clean,
			    .opts = opts,
			    .st = st,
			    .err = err};
	int r;

	st->entries++;
	if (raw == NULL || zone_extract_clean_name(raw, clean, sizeof(clean)) < 0) {
		p.clean = raw ? raw : "(null)";
		return refuse(&p, "%s", "'..' in path");
	}
	if (opts && opts->layer != ZONE_EXTRACT_ALL) {
		const char *b = strrchr(clean, '/');
		bool wh = strncmp(b ? b + 1 : clean, WHITEOUT, strlen(WHITEOUT)) == 0;
		if (opts->layer == ZONE_EXTRACT_WHITEOUTS)
			return wh ? whiteout(root, clean, opts, st, err) : 0;
		if (wh)
			return 0;
	}
	if (type == AE_IFCHR || type == AE_IFBLK) {
		st->devices++;
		return 0;
	}
	if (clean[0] == '\0') {
		/* The root itself: take its mode, nothing else. */
		if (type == AE_IFDIR)
			fchmod(root, archive_entry_perm(e) & 07777);
		return 0;
	}
	memcpy(parent_path, clean, strlen(clean) + 1);
	split(parent_path, &dir, &base);
	p.base = base;
	p.parent = open_parent(&p, dir);
	if (p.parent < 0)
		return p.parent == -2 ? 0 : -1;
	if (hl != NULL)
		r = place_hardlink(&p, hl);
	else if (type == AE_IFDIR)
		r = place_dir(&p);
	else if (type == AE_IFREG)
		r = place_file(&p);
	else if (type == AE_IFLNK)
		r = place_symlink(&p);
	else if (type == AE_IFIFO || type == AE_IFSOCK)
		r = place_special(&p, type);
	else
		r = refuse(&p, "%s", "unknown file type");
	close(p.parent);
	return r;
}

static int not_an_image(const char *path, struct zone_error *err)
{
	return zone_error_set(err, 0,
			      "%s: not an image (a tar or cpio archive, compressed or not, a "
			      "directory, or builtin:NAME)",
			      path);
}

int zone_extract_archive(const char *path, const char *root, const struct zone_extract_opts *opts,
			 struct zone_extract_stats *stats, struct zone_error *err)
{
	struct zone_extract_stats local;
	struct archive *a;
	struct archive_entry *e;
	cleanup_close int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat sst;
	uint64_t total = 0;
	int ret = 0, r;

	if (stats == NULL)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	if (rootfd < 0)
		return zone_error_set(err, errno, "open %s", root);
	bool regular = stat(path, &sst) == 0 && S_ISREG(sst.st_mode);

	if (regular)
		total = (uint64_t)sst.st_size;
	a = archive_read_new();
	if (a == NULL)
		return zone_error_set(err, ENOMEM, "libarchive");
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	archive_read_support_format_cpio(a);
	if (regular && total == 0) {
		archive_read_free(a);
		return zone_error_set(err, 0, "%s: an empty file, not an image", path);
	}
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK) {
		ret = archive_errno(a) == EILSEQ /* libarchive's "unrecognized archive format" */
			  ? not_an_image(path, err)
			  : zone_error_set(err, archive_errno(a) > 0 ? archive_errno(a) : 0,
					   "open %s: %s", path,
					   archive_error_string(a) ?: "unknown error");
		archive_read_free(a);
		return ret;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		if (extract_entry(a, e, rootfd, opts, stats, err) < 0) {
			ret = zone_error_wrap(err, "extract");
			break;
		}
		if (opts && opts->progress && total > 0)
			opts->progress((uint64_t)archive_filter_bytes(a, -1), total,
				       opts->progress_arg);
	}
	if (ret == 0 && r != ARCHIVE_EOF && stats->entries == 0 && archive_errno(a) == EILSEQ)
		ret = not_an_image(path, err);
	else if (ret == 0 && r != ARCHIVE_EOF)
		ret = zone_error_set(err, archive_errno(a) > 0 ? archive_errno(a) : 0,
				     "read %s: %s", path, archive_error_string(a) ?: "bad archive");
	if (ret == 0 && stats->entries == 0 && !(opts && opts->layer != ZONE_EXTRACT_ALL))
		ret = zone_error_set(err, 0, "%s: empty or not an archive", path);
	archive_read_free(a);
	return ret;
}
