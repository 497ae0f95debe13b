#include "zone/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/openat2.h"
#include "zone/progress.h"

int zone_openat2(int dirfd, const char *path, int flags, unsigned long long resolve)
{
	struct open_how how = {.flags = (unsigned long long)(flags | O_CLOEXEC),
			       .resolve = resolve};

	return lx_openat2(dirfd, path, &how);
}

static int write_atomic(int dirfd, const char *name, const void *data, size_t len, int dirsync,
			struct zone_error *err)
{
	char tmp[512];
	const char *p = data;
	cleanup_close int fd = -1;

	snprintf(tmp, sizeof(tmp), ".%s.tmp.%d", name, (int)getpid());
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return zone_error_set(err, errno, "create %s", tmp);
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			unlinkat(dirfd, tmp, 0);
			return zone_error_set(err, e, "write %s", name);
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) < 0) {
		int e = errno;
		unlinkat(dirfd, tmp, 0);
		return zone_error_set(err, e, "fsync %s", name);
	}
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		int e = errno;
		unlinkat(dirfd, tmp, 0);
		return zone_error_set(err, e, "rename %s", name);
	}
	if (dirsync)
		fsync(dirfd);
	return 0;
}

int zone_write_atomic(int dirfd, const char *name, const void *data, size_t len,
		      struct zone_error *err)
{
	return write_atomic(dirfd, name, data, len, 1, err);
}

static int json_write(int dirfd, const char *name, json_t *obj, int dirsync, struct zone_error *err)
{
	cleanup_free char *text = json_dumps(obj, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	int ret;
	size_t n;

	if (text == NULL)
		return zone_error_set(err, ENOMEM, "encode %s", name);
	n = strlen(text);
	/* A trailing newline keeps the files pleasant to cat. */
	char *t = realloc(text, n + 2);
	if (t == NULL)
		return zone_error_set(err, ENOMEM, "encode %s", name);
	text = t;
	text[n] = '\n';
	text[n + 1] = '\0';
	ret = write_atomic(dirfd, name, text, n + 1, dirsync, err);
	return ret;
}

int zone_json_write_atomic(int dirfd, const char *name, json_t *obj, struct zone_error *err)
{
	return json_write(dirfd, name, obj, 1, err);
}

int zone_json_write_replace(int dirfd, const char *name, json_t *obj, struct zone_error *err)
{
	return json_write(dirfd, name, obj, 0, err);
}

int zone_json_read(int dirfd, const char *name, json_t **obj, struct zone_error *err)
{
	cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	json_error_t jerr;
	FILE *f;

	if (fd < 0)
		return zone_error_set(err, errno, "open %s", name);
	f = fdopen(fd, "r");
	if (f == NULL)
		return zone_error_set(err, errno, "open %s", name);
	fd = -1;
	*obj = json_loadf(f, 0, &jerr);
	fclose(f);
	if (*obj == NULL) {
		/* "config.json: line 3: ...": the reason `lxzone list` shows for a broken zone */
		zone_error_set(err, 0, "%s: line %d: %s", name, jerr.line, jerr.text);
		if (err != NULL)
			err->code = EINVAL;
		return -1;
	}
	return 0;
}

int zone_mkdir_p(const char *path, mode_t mode, struct zone_error *err)
{
	char buf[4096];
	size_t n = strlen(path);

	if (n >= sizeof(buf))
		return zone_error_set(err, ENAMETOOLONG, "mkdir %s", path);
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return zone_error_set(err, errno, "mkdir %s", buf);
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return zone_error_set(err, errno, "mkdir %s", buf);
	return 0;
}

/*
 * Removes what dfd holds, depth first, never crossing into another file system (a mount still
 * under the tree is EBUSY).  As rm -rf does, it goes by the directory entries' types: a
 * non-directory is unlinked at once, a directory opened and checked by one fstat of its
 * descriptor; only an entry of unknown type costs an fstatat.  A destroy of a 12k-file root
 * made an fstatat per file before, about a third more system calls than rm -rf.
 */
/* What a counted removal has removed, for its progress (NULL: not counted). */
struct rm_count {
	struct zone_progress *p;
	uint64_t *done;
};

static void counted(struct rm_count *c)
{
	if (c != NULL && ++*c->done % 256 == 0)
		zone_progress_update(c->p, *c->done, 0);
}

static int rmtree_fd(int dfd, dev_t dev, const char *shown, struct rm_count *cnt,
		     struct zone_error *err)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	int ret = 0;

	if (d == NULL) {
		close(dfd);
		return zone_error_set(err, errno, "open %s", shown);
	}
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		int isdir = de->d_type == DT_DIR;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (de->d_type == DT_UNKNOWN) {
			if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
				if (errno == ENOENT)
					continue;
				ret = zone_error_set(err, errno, "stat %s/%s", shown, de->d_name);
				break;
			}
			isdir = S_ISDIR(st.st_mode);
		}
		if (!isdir) {
			if (unlinkat(dirfd(d), de->d_name, 0) == 0 || errno == ENOENT) {
				counted(cnt);
				continue;
			}
			if (errno != EISDIR) { /* EISDIR: it became a directory meanwhile */
				ret = zone_error_set(err, errno, "remove %s/%s", shown, de->d_name);
				break;
			}
		}
		char sub[4096];
		int cfd;
		snprintf(sub, sizeof(sub), "%s/%s", shown, de->d_name);
		cfd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cfd < 0) {
			if (errno == ENOENT)
				continue;
			ret = zone_error_set(err, errno, "open %s", sub);
			break;
		}
		if (fstat(cfd, &st) < 0) {
			ret = zone_error_set(err, errno, "stat %s", sub);
			close(cfd);
			break;
		}
		if (st.st_dev != dev) {
			ret = zone_error_set(err, EBUSY, "remove %s (still mounted)", sub);
			close(cfd);
			break;
		}
		if (rmtree_fd(cfd, dev, sub, cnt, err) < 0) {
			ret = -1;
			break;
		}
		/* ENOENT: removed meanwhile by another remover (destroy's background removal of
		 * the zone directory meets uninstall's of the root inside it) */
		if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT) {
			ret = zone_error_set(err, errno, "remove %s", sub);
			break;
		}
		counted(cnt);
	}
	closedir(d);
	return ret;
}

static int rmtree_at(int dirfd, const char *name, struct rm_count *cnt, struct zone_error *err)
{
	struct stat st;
	int fd;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return zone_error_set(err, errno, "stat %s", name);
	}
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(dirfd, name, 0) < 0)
			return zone_error_set(err, errno, "remove %s", name);
		return 0;
	}
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return zone_error_set(err, errno, "open %s", name);
	if (rmtree_fd(fd, st.st_dev, name, cnt, err) < 0)
		return -1;
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return zone_error_set(err, errno, "remove %s", name);
	return 0;
}

int zone_rmtree_at(int dirfd, const char *name, struct zone_error *err)
{
	return rmtree_at(dirfd, name, NULL, err);
}

int zone_rmtree_counted_at(int dirfd, const char *name, struct zone_progress *p, uint64_t *done,
			   struct zone_error *err)
{
	struct rm_count c = {p, done};
	return rmtree_at(dirfd, name, &c, err);
}

/* Entries below dfd (bytes: the regular files' sizes instead), on dev only, by d_type where
 * the file system gives it: a walk without a stat per file when counting. */
static uint64_t tree_walk(int dfd, dev_t dev, bool bytes)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	uint64_t n = 0;

	if (d == NULL) {
		close(dfd);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		bool isdir = de->d_type == DT_DIR;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (bytes || de->d_type == DT_UNKNOWN) {
			if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
				continue;
			isdir = S_ISDIR(st.st_mode);
			if (bytes && S_ISREG(st.st_mode))
				n += (uint64_t)st.st_size;
		}
		if (!bytes)
			n++;
		if (!isdir)
			continue;
		int cfd =
		    openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cfd < 0)
			continue;
		if (fstat(cfd, &st) < 0 || st.st_dev != dev) {
			close(cfd);
			continue;
		}
		n += tree_walk(cfd, dev, bytes);
	}
	closedir(d);
	return n;
}

static uint64_t tree_measure(int dirfd, const char *name, bool bytes)
{
	struct stat st;
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return 0;
	}
	return tree_walk(fd, st.st_dev, bytes) + !bytes;
}

uint64_t zone_tree_count_at(int dirfd, const char *name)
{
	return tree_measure(dirfd, name, false);
}

uint64_t zone_tree_bytes(const char *path)
{
	return tree_measure(AT_FDCWD, path, true);
}

int zone_rmtree(const char *path, struct zone_error *err)
{
	return zone_rmtree_at(AT_FDCWD, path, err);
}

int zone_rmtree_detached(int dirfd, const char *gone, struct zone_error *err)
{
	pid_t p = fork();
	int st;

	if (p < 0)
		return zone_rmtree_at(dirfd, gone, err);
	if (p == 0) {
		/* a grandchild in a session of its own: no terminal's signal, nobody to wait */
		if (fork() != 0)
			_exit(0);
		setsid();
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		struct zone_error e = {0};

		if (dup2(dirfd, 3) < 0)
			_exit(1);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		syscall(SYS_close_range, 4, ~0U, 0);
		_exit(zone_rmtree_at(3, gone, &e) < 0 ? 1 : 0);
	}
	while (waitpid(p, &st, 0) < 0 && errno == EINTR)
		;
	return 0;
}

int zone_rmtree_hide_at(int dirfd, const char *name, char *gone, size_t len, struct zone_error *err)
{
	static unsigned seq;
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return zone_error_set(err, errno, "stat %s", name);
	}
	if (!S_ISDIR(st.st_mode))
		return zone_rmtree_at(dirfd, name, err);
	snprintf(gone, len, ".gone-%s.%d.%u", name, (int)getpid(), seq++);
	if (renameat(dirfd, name, dirfd, gone) < 0)
		return zone_rmtree_at(dirfd, name, err);
	return 1;
}

int zone_rmtree_later_at(int dirfd, const char *name, struct zone_error *err)
{
	char gone[512];
	int r = zone_rmtree_hide_at(dirfd, name, gone, sizeof(gone), err);

	if (r <= 0)
		return r;
	return zone_rmtree_detached(dirfd, gone, err);
}

char *zone_path_join(const char *dir, const char *name)
{
	char *s = NULL;
	if (asprintf(&s, "%s/%s", dir, name) < 0)
		return NULL;
	return s;
}
