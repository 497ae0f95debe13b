/*
 * Clones. Three methods:
 *   copy     a private tree copy (zone/copy.c)
 *   reflink  the same walk, but each file is cloned with FICLONE (btrfs, xfs): O(metadata)
 *   overlay  a sparse zone: the source snapshot (or a golden zone's root) is the read-only
 *            lower layer, ZONEPATH/upper the private layer, mounted at boot. O(1) in size.
 * The lower layer of an overlay zone is recorded in state.json ("origin"."lower"); the source
 * zone refuses to uninstall, move or lose its golden flag while clones depend on it.
 */
#include "zone/progress.h"
#include "zone/clone.h"
#include "lib/openat2.h"

#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zone/config.h"
#include "zone/copy.h"
#include "zone/fsutil.h"

int zone_clone_method_parse(const char *s, enum zone_clone_method *m, struct zone_error *err)
{
	static const struct {
		const char *name;
		enum zone_clone_method m;
	} names[] = {{"auto", ZONE_CLONE_AUTO},
		     {"copy", ZONE_CLONE_COPY},
		     {"reflink", ZONE_CLONE_REFLINK},
		     {"overlay", ZONE_CLONE_OVERLAY}};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i].name, s) == 0) {
			*m = names[i].m;
			return 0;
		}
	return zone_error_set(err, 0, "clone method '%s' is not one of copy|reflink|overlay", s);
}

const char *zone_overlay_lower(struct zone *z)
{
	json_t *o = json_object_get(z->state, "origin");
	const char *type = json_string_value(json_object_get(o, "type"));

	if (type == NULL || strcmp(type, "overlay") != 0)
		return NULL;
	return json_string_value(json_object_get(o, "lower"));
}

/*
 * The layers are given to overlayfs as /proc/self/fd/N of descriptors opened here, not as
 * their paths: the options are what the zone's /proc/self/mountinfo shows of its root, and
 * they would name the host's store (lowerdir=/var/lib/lxzone/golden/root...).  As with the
 * idmapped layers (boot_userns.c), the zone reads only descriptor numbers that mean nothing
 * in it; and a store path with a ',' cannot break the option string.
 */
#define MAX_LOWER 32

int zone_overlay_mount(struct zone *z, struct zone_error *err)
{
	cleanup_free char *root = zone_subpath(z, "root");
	cleanup_free char *lowers = NULL;
	const char *lower = zone_overlay_lower(z);
	int fds[MAX_LOWER], n = 0, ret = -1;
	cleanup_close int zfd = -1;
	char opts[2048], *save = NULL, *tok;
	size_t len;

	if (lower == NULL)
		return 0;
	if ((lowers = strdup(lower)) == NULL)
		return zone_error_set(err, ENOMEM, "overlay layers");
	len = (size_t)snprintf(opts, sizeof(opts), "lowerdir=");
	/* "a:b": the recorded layers are store paths, never escaped colons */
	for (tok = strtok_r(lowers, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		if (n >= MAX_LOWER) {
			zone_error_set(err, E2BIG, "overlay: more than %d lower layers", MAX_LOWER);
			goto out;
		}
		if ((fds[n] = open(tok, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
			zone_error_set(err, errno, "overlay layer %s", tok);
			goto out;
		}
		len += (size_t)snprintf(opts + len, sizeof(opts) - len, "%s/proc/self/fd/%d",
					n ? ":" : "", fds[n]);
		n++;
	}
	if ((zfd = open(zone_path(z), O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		zone_error_set(err, errno, "open %s", zone_path(z));
		goto out;
	}
	len += (size_t)snprintf(opts + len, sizeof(opts) - len,
				",upperdir=/proc/self/fd/%d/upper,workdir=/proc/self/fd/%d/work",
				zfd, zfd);
	if (len >= sizeof(opts))
		zone_error_set(err, ENAMETOOLONG, "overlay options");
	else if (mount("overlay", root, "overlay", MS_NODEV, opts) < 0)
		zone_error_set(err, errno, "mount overlay on %s", root);
	else
		ret = 0;
out:
	while (n > 0)
		close(fds[--n]);
	return ret;
}

int zone_with_root(struct zone *z, int (*fn)(const char *root, void *arg, struct zone_error *err),
		   void *arg, struct zone_error *err)
{
	cleanup_free char *root = zone_subpath(z, "root");
	int pfd[2];
	pid_t pid;
	int status;
	ssize_t n;

	if (zone_overlay_lower(z) == NULL)
		return fn(root, arg, err);
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return zone_error_set(err, errno, "pipe");
	pid = fork();
	if (pid < 0)
		return zone_error_set(err, errno, "fork");
	if (pid == 0) {
		struct zone_error e = {0};
		close(pfd[0]);
		if (unshare(CLONE_NEWNS) < 0) {
			zone_error_set(&e, errno, "unshare mount namespace");
		} else if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
			zone_error_set(&e, errno, "make mounts private");
		} else if (zone_overlay_mount(z, &e) == 0 && fn(root, arg, &e) == 0) {
			_exit(0);
		}
		if (write(pfd[1], &e, sizeof(e)) < 0)
			_exit(2);
		_exit(1);
	}
	close(pfd[1]);
	n = read(pfd[0], err, sizeof(*err));
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (n != (ssize_t)sizeof(*err))
		zone_error_set(err, 0, "helper for zone %s failed (status %d)", z->name, status);
	return -1;
}

static int open_in_root(int root, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
	    .flags = (unsigned long long)(flags | O_CLOEXEC),
	    .mode = (flags & O_CREAT) ? mode : 0,
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	return lx_openat2(root, path, &how);
}

static int write_in_root(int root, const char *path, const char *text, struct zone_error *err)
{
	cleanup_close int fd =
	    open_in_root(root, path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
	size_t n = strlen(text);

	if (fd < 0)
		return zone_error_set(err, errno, "write /%s", path);
	if (write(fd, text, n) != (ssize_t)n)
		return zone_error_set(err, errno, "write /%s", path);
	return 0;
}

int zone_reset_identity(struct zone *z, const char *dir, struct zone_error *err)
{
	cleanup_close int rfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	const char *lower = zone_overlay_lower(z);
	char host[128];
	struct stat st;

	if (rfd < 0)
		return zone_error_set(err, errno, "open %s", dir);
	/* In an overlay zone `dir` is the upper layer: give it the lower layer's /etc first. */
	if (lower != NULL) {
		char etc[4200];
		snprintf(etc, sizeof(etc), "%s/etc", lower);
		if (stat(etc, &st) < 0 || !S_ISDIR(st.st_mode))
			return 0;
		if (mkdirat(rfd, "etc", st.st_mode & 07777) < 0 && errno != EEXIST)
			return zone_error_set(err, errno, "mkdir %s/etc", dir);
		if (fchownat(rfd, "etc", st.st_uid, st.st_gid, 0) < 0)
			return zone_error_set(err, errno, "chown %s/etc", dir);
		char mid[4200];
		snprintf(mid, sizeof(mid), "%s/etc/machine-id", lower);
		if (stat(mid, &st) == 0 && write_in_root(rfd, "etc/machine-id", "", err) < 0)
			return -1;
	} else {
		cleanup_close int e = open_in_root(rfd, "etc", O_PATH | O_DIRECTORY, 0);
		if (e < 0)
			return 0; /* an image without /etc: nothing to reset */
		if (fstatat(e, "machine-id", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    write_in_root(rfd, "etc/machine-id", "", err) < 0)
			return -1;
	}
	snprintf(host, sizeof(host), "%s\n", zone_config_str(z->config, "hostname"));
	return write_in_root(rfd, "etc/hostname", host, err);
}

struct copy_job {
	const char *dst;
	bool reflink;
	struct zone_progress *progress;
};

static int copy_root_fn(const char *root, void *arg, struct zone_error *err)
{
	struct copy_job *j = arg;
	zone_progress_measure(j->progress, zone_progress_tree_bytes, (void *)root);
	struct zone_copy_opts o = {.reflink = j->reflink,
				   .require_reflink = j->reflink,
				   .progress = zone_progress_copy_cb,
				   .progress_arg = j->progress};
	return zone_copy_tree(root, j->dst, &o, NULL, err);
}

/* What a clone of src (or of its snapshot snap, at snapdir) needs, checked before anything is
 * written, so a refused clone leaves no half-made zone. */
static int clone_check(struct zone *src, const char *snap, struct zone *dst,
		       enum zone_clone_method method, char **snapdir, struct zone_error *err)
{
	enum zone_state ss = zone_get_state(src);
	const char *srclower = zone_overlay_lower(src);
	struct stat st;

	if (zone_get_state(dst) != ZONE_CONFIGURED)
		return zone_error_set(err, 0, "zone %s is %s; a clone target must be configured",
				      dst->name, zone_state_name(zone_get_state(dst)));
	if (ss != ZONE_INSTALLED && !(snap != NULL && ss >= ZONE_INSTALLED))
		return zone_error_set(err, 0, "source zone %s is %s; clone needs it installed%s",
				      src->name, zone_state_name(ss),
				      ss >= ZONE_READY ? " (halt it, or clone a snapshot)" : "");
	if (snap != NULL) {
		if (zone_snapshot_name_validate(snap, err) < 0)
			return -1;
		if (asprintf(snapdir, "%s/snapshots/%s", zone_path(src), snap) < 0) {
			*snapdir = NULL;
			return zone_error_set(err, ENOMEM, "clone");
		}
		if (stat(*snapdir, &st) < 0)
			return zone_error_set(err, 0, "zone %s has no snapshot %s", src->name,
					      snap);
	}
	if (method == ZONE_CLONE_OVERLAY) {
		if (snap == NULL && !zone_config_bool(src->config, "golden"))
			return zone_error_set(err, 0,
					      "an overlay clone needs --snapshot S, or a golden "
					      "source (%s is not golden)",
					      src->name);
		if (snap == NULL && srclower != NULL)
			return zone_error_set(err, 0,
					      "%s is itself an overlay zone: clone one of its "
					      "snapshots",
					      src->name);
		return 0;
	}
	if (snap != NULL && srclower != NULL)
		return zone_error_set(err, 0,
				      "copying a snapshot of overlay zone %s is not supported: "
				      "clone it with --method overlay",
				      src->name);
	/* Asked for reflink: find out before anything is written. */
	if (method == ZONE_CLONE_REFLINK &&
	    !zone_reflink_supported(snap != NULL ? *snapdir : zone_path(src), zone_path(dst)))
		return zone_error_set(
		    err, 0,
		    "--method reflink: %s and %s are not on one file system that "
		    "can share extents (btrfs, xfs with reflink); use --method copy",
		    zone_path(src), zone_path(dst));
	return 0;
}

/* An overlay clone: the source (its snapshot, or a golden zone's root) is the lower layer,
 * the clone gets an empty upper one. O(1). */
static int clone_overlay(struct zone *src, const char *snapdir, struct zone *dst, json_t *origin,
			 struct zone_error *err)
{
	const char *srclower = zone_overlay_lower(src);
	cleanup_free char *srcroot = zone_subpath(src, "root");
	char *lower = NULL;

	/* A snapshot of an overlay zone is its upper layer: stack it on the source's lower
	 * layer. */
	if (snapdir != NULL && srclower != NULL) {
		if (asprintf(&lower, "%s:%s", snapdir, srclower) < 0)
			lower = NULL;
	} else {
		lower = strdup(snapdir != NULL ? snapdir : srcroot);
	}
	if (lower == NULL) {
		json_decref(origin);
		return zone_error_set(err, ENOMEM, "clone");
	}
	json_object_set_new(origin, "lower", json_string(lower));
	free(lower);
	json_object_set_new(dst->config, "root-type", json_string("sparse"));
	zone_state_put(dst, "origin", origin);
	if (zone_save_config(dst, err) < 0 || zone_set_state(dst, ZONE_INCOMPLETE, err) < 0)
		return -1;
	const char *subs[] = {"root", "upper", "work"};
	cleanup_close int zp = open(zone_path(dst), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (size_t i = 0; i < 3; i++) {
		if (zone_rmtree_at(zp, subs[i], err) < 0)
			return -1;
		if (mkdirat(zp, subs[i], 0755) < 0)
			return zone_error_set(err, errno, "mkdir %s/%s", zone_path(dst), subs[i]);
	}
	cleanup_free char *upper = zone_subpath(dst, "upper");
	if (zone_reset_identity(dst, upper, err) < 0)
		return zone_error_wrap(err, "reset identity");
	return zone_set_state(dst, ZONE_INSTALLED, err);
}

/* A whole copy of the source's root (or its snapshot), sharing extents when the file system
 * can (reflink) and with progress. */
static int clone_copy(struct zone *src, const char *snapdir, struct zone *dst,
		      enum zone_clone_method method, json_t *origin, struct zone_error *err)
{
	cleanup_free char *srcroot = zone_subpath(src, "root");
	cleanup_free char *dstroot = NULL;
	struct zone_progress progress;
	const char *from = snapdir != NULL ? snapdir : srcroot;
	int copied;

	zone_state_put(dst, "origin", origin);
	if (zone_set_state(dst, ZONE_INCOMPLETE, err) < 0)
		return -1;
	cleanup_close int zp = open(zone_path(dst), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (zp < 0)
		return zone_error_set(err, errno, "open %s", zone_path(dst));
	if (zone_rmtree_at(zp, "root", err) < 0)
		return -1;
	if (mkdirat(zp, "root", 0755) < 0)
		return zone_error_set(err, errno, "mkdir %s/root", zone_path(dst));
	dstroot = zone_subpath(dst, "root");
	struct copy_job job = {.dst = dstroot, .progress = &progress};
	job.reflink =
	    method == ZONE_CLONE_REFLINK || zone_reflink_supported(zone_path(src), zone_path(dst));
	if (job.reflink)
		json_object_set_new(origin, "type", json_string("reflink"));
	zone_progress_start(&progress, dst->name, "clone");
	copied = snapdir != NULL ? copy_root_fn(from, &job, err)
				 : zone_with_root(src, copy_root_fn, &job, err);
	if (copied < 0)
		zone_progress_end(&progress);
	else
		zone_progress_finish(&progress);
	if (copied < 0)
		return snapdir != NULL ? zone_error_wrap(err, "copy %s", from)
				       : zone_error_wrap(err, "copy zone %s", src->name);
	json_object_set_new(dst->config, "root-type", json_string("whole"));
	if (zone_save_config(dst, err) < 0)
		return -1;
	if (zone_reset_identity(dst, dstroot, err) < 0)
		return zone_error_wrap(err, "reset identity");
	return zone_set_state(dst, ZONE_INSTALLED, err);
}

int zone_clone_into(struct zone *src, const char *snap, struct zone *dst,
		    enum zone_clone_method method, struct zone_error *err)
{
	cleanup_free char *snapdir = NULL;
	json_t *origin;

	if (method == ZONE_CLONE_AUTO) /* copy uses reflink when it can (clone_copy) */
		method = strcmp(zone_config_str(dst->config, "root-type"), "sparse") == 0
			     ? ZONE_CLONE_OVERLAY
			     : ZONE_CLONE_COPY;
	if (clone_check(src, snap, dst, method, &snapdir, err) < 0)
		return -1;
	if (zone_mkdir_p(zone_path(dst), 0700, err) < 0)
		return -1;
	origin = json_pack("{s:s, s:s}", "zone", src->name, "type",
			   method == ZONE_CLONE_OVERLAY	  ? "overlay"
			   : method == ZONE_CLONE_REFLINK ? "reflink"
							  : "copy");
	if (snap != NULL)
		json_object_set_new(origin, "snapshot", json_string(snap));
	if (method == ZONE_CLONE_OVERLAY)
		return clone_overlay(src, snapdir, dst, origin, err);
	return clone_copy(src, snapdir, dst, method, origin, err);
}
