/*
 * detach / attach: moving a zone between stores or hosts.
 *
 * detach writes a manifest (ZONEPATH/detached.json: name, brand, architecture, configuration)
 * and leaves the zone `configured`, its files in place; with --archive it writes the manifest
 * and the root into one tar file (compressed by the file name: .gz, .xz, .zst) and removes
 * the root. attach validates before accepting: the manifest's brand must match the zone's,
 * the image's architecture must run here, and the image must have a shell or an init.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "zone/archive_lazy.h"
#include "zone/clone.h"
#include "zone/config.h"
#include "zone/copy.h"
#include "zone/extract.h"
#include "zone/fsutil.h"
#include "zone/install.h"
#include "zone/journal.h"
#include "zone/verify.h"

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int write_archive(const char *file, const char *zonepath, struct zone_error *err)
{
	struct archive *disk = archive_read_disk_new();
	struct archive *out = archive_write_new();
	char tmp[PATH_MAX + 32];
	int ret = 0, r;

	snprintf(tmp, sizeof(tmp), "%s.partial", file);
	archive_write_set_format_pax_restricted(out);
	if (ends_with(file, ".gz") || ends_with(file, ".tgz"))
		archive_write_add_filter_gzip(out);
	else if (ends_with(file, ".xz"))
		archive_write_add_filter_xz(out);
	else if (ends_with(file, ".zst"))
		archive_write_add_filter_zstd(out);
	archive_read_disk_set_standard_lookup(disk);
	archive_read_disk_set_behavior(disk, ARCHIVE_READDISK_NO_TRAVERSE_MOUNTS);
	if (archive_write_open_filename(out, tmp) != ARCHIVE_OK) {
		ret = zone_error_set(err, archive_errno(out), "create %s", tmp);
		goto done;
	}
	if (chdir(zonepath) < 0) {
		ret = zone_error_set(err, errno, "chdir %s", zonepath);
		goto done;
	}
	const char *parts[] = {"detached.json", "root"};
	for (size_t i = 0; i < 2 && ret == 0; i++) {
		struct archive_entry *e;
		if (archive_read_disk_open(disk, parts[i]) != ARCHIVE_OK) {
			ret = zone_error_set(err, archive_errno(disk), "read %s/%s", zonepath,
					     parts[i]);
			break;
		}
		for (;;) {
			e = archive_entry_new();
			r = archive_read_next_header2(disk, e);
			if (r == ARCHIVE_EOF) {
				archive_entry_free(e);
				break;
			}
			if (r < ARCHIVE_WARN) {
				ret = zone_error_set(err, archive_errno(disk), "read %s",
						     archive_error_string(disk) ?: "");
				archive_entry_free(e);
				break;
			}
			archive_read_disk_descend(disk);
			if (archive_write_header(out, e) < ARCHIVE_WARN) {
				ret = zone_error_set(err, archive_errno(out), "write %s: %s", tmp,
						     archive_error_string(out) ?: "");
				archive_entry_free(e);
				break;
			}
			if (archive_entry_filetype(e) == AE_IFREG && archive_entry_size(e) > 0) {
				cleanup_close int fd = open(archive_entry_sourcepath(e),
							    O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
				char buf[65536];
				ssize_t n;
				if (fd < 0) {
					ret = zone_error_set(err, errno, "open %s",
							     archive_entry_sourcepath(e));
					archive_entry_free(e);
					break;
				}
				while ((n = read(fd, buf, sizeof(buf))) > 0)
					if (archive_write_data(out, buf, (size_t)n) < 0) {
						n = -1;
						break;
					}
				if (n < 0) {
					ret = zone_error_set(err, EIO, "archive %s",
							     archive_entry_sourcepath(e));
					archive_entry_free(e);
					break;
				}
			}
			archive_entry_free(e);
		}
		archive_read_close(disk);
	}
	if (chdir("/") < 0 && ret == 0)
		ret = zone_error_set(err, errno, "chdir /");
	if (archive_write_close(out) != ARCHIVE_OK && ret == 0)
		ret = zone_error_set(err, archive_errno(out), "write %s: %s", tmp,
				     archive_error_string(out) ?: "");
	if (ret == 0 && rename(tmp, file) < 0)
		ret = zone_error_set(err, errno, "rename %s", tmp);
done:
	if (ret < 0)
		unlink(tmp);
	archive_read_free(disk);
	archive_write_free(out);
	return ret;
}

int zone_detach(struct zone *z, const char *archive, struct zone_error *err)
{
	cleanup_free char *root = zone_subpath(z, "root");
	cleanup_close int zp = -1;
	char arch[32];
	char ts[64];
	time_t t = time(NULL);
	struct tm tm;

	if (zone_get_state(z) != ZONE_INSTALLED)
		return zone_error_set(err, 0, "zone %s is %s; detach needs it installed and halted",
				      z->name, zone_state_name(zone_get_state(z)));
	if (zone_overlay_lower(z) != NULL)
		return zone_error_set(err, 0,
				      "zone %s is an overlay over another zone; clone it with "
				      "--method copy to detach it",
				      z->name);
	if (zone_root_arch(root, arch, sizeof(arch), err) < 0)
		return zone_error_wrap(err, "detach zone %s", z->name);
	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_t *m = json_pack("{s:s, s:s, s:s, s:s, s:O}", "name", z->name, "brand",
			      zone_config_str(z->config, "brand"), "architecture", arch, "detached",
			      ts, "config", z->config);
	zp = open(zone_path(z), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (zp < 0 || zone_json_write_atomic(zp, "detached.json", m, err) < 0) {
		json_decref(m);
		if (zp < 0)
			zone_error_set(err, errno, "open %s", zone_path(z));
		return zone_error_wrap(err, "detach zone %s", z->name);
	}
	json_decref(m);
	if (archive != NULL) {
		char abs[PATH_MAX];
		if (archive[0] != '/' && getcwd(abs, sizeof(abs) - strlen(archive) - 2) != NULL) {
			strcat(abs, "/");
			strcat(abs, archive);
			archive = abs;
		}
		if (write_archive(archive, zone_path(z), err) < 0)
			return zone_error_wrap(err, "detach zone %s", z->name);
		zone_state_put(z, "detached", json_pack("{s:s}", "archive", archive));
		if (zone_set_state(z, ZONE_INCOMPLETE, err) < 0)
			return -1;
		if (zone_rmtree_at(zp, "root", err) < 0 || zone_rmtree_at(zp, "snapshots", err) < 0)
			return zone_error_wrap(err, "detach zone %s", z->name);
		unlinkat(zp, "detached.json", 0);
		zone_state_put(z, "origin", NULL);
		return zone_set_state(z, ZONE_CONFIGURED, err);
	}
	zone_state_put(z, "detached", json_pack("{s:s}", "path", zone_path(z)));
	return zone_set_state(z, ZONE_CONFIGURED, err);
}

static int validate_image(struct zone *z, const char *root, json_t *manifest,
			  struct zone_error *err)
{
	char arch[32];
	const char *mbrand = json_string_value(json_object_get(manifest, "brand"));
	const char *march = json_string_value(json_object_get(manifest, "architecture"));
	const char *brand = zone_config_str(z->config, "brand");

	if (mbrand != NULL && strcmp(mbrand, brand) != 0)
		return zone_error_set(err, 0, "brand %s does not match zone brand %s", mbrand,
				      brand);
	if (zone_root_arch(root, arch, sizeof(arch), err) < 0)
		return -1;
	if (strcmp(arch, zone_host_arch()) != 0)
		return zone_error_set(err, 0, "image architecture %s does not run on this %s host",
				      arch, zone_host_arch());
	if (march != NULL && strcmp(march, arch) != 0)
		return zone_error_set(err, 0, "manifest says %s but the image is %s", march, arch);
	return 0;
}

/*
 * attach is journaled like move (zone/move.c, zone/journal.h): before it touches anything,
 * state.json's "attach" {source, from, only-copy, phase} is written with the zone
 * `incomplete`.  `from` is the root being attached; `only-copy` says it is the zone's own root
 * (detached in place): the user's only copy, which attach never copies, moves or removes.
 *
 *   copy     a root from elsewhere is being copied into ZONEPATH/root, or an archive
 *            extracted into ZONEPATH/.attach and renamed there: what attach made is a
 *            disposable copy (the directory or the archive is still there).  Recovery rolls
 *            back: that copy goes and the zone is `configured` again, its detached record
 *            as before; an in-place root is left exactly as it is.
 *   cleanup  committed: the one write that makes the zone `installed`, records its origin
 *            and drops its detached record.  The manifest and the extraction directory are
 *            removed after it; recovery finishes that.
 *
 * `uninstall` and `destroy` refuse a zone whose attach of its only copy did not commit, in
 * one line that says to run verify.  Crash points (LXZONE_TEST_CRASH): attach-journaled,
 * attach-copied, attach-committed.
 */
#define ATTACH_STAGE ".attach"

bool zone_attach_pending(struct zone *z)
{
	return zone_journal_pending(z, "attach");
}

bool zone_attach_only_copy(struct zone *z)
{
	return zone_attach_pending(z) && zone_journal_bool(z, "attach", "only-copy") &&
	       strcmp(zone_journal_str(z, "attach", "phase"), "cleanup") != 0;
}

/* Is `p` the zone's own root (the same directory, however spelled)? */
static bool is_own_root(struct zone *z, const char *p)
{
	cleanup_free char *root = zone_subpath(z, "root");
	char a[PATH_MAX], b[PATH_MAX];

	return realpath(root, a) != NULL && realpath(p, b) != NULL && strcmp(a, b) == 0;
}

/* Not committed: what attach made goes, never the root it was attaching in place. */
static int attach_rollback(struct zone *z, struct zone_error *err)
{
	cleanup_free char *root = zone_subpath(z, "root");
	cleanup_free char *staging = zone_subpath(z, ATTACH_STAGE);
	const char *from = zone_journal_str(z, "attach", "from");

	if (zone_rmtree(staging, err) < 0)
		return zone_error_wrap(err, "zone %s: remove the partial attach", z->name);
	/* the journal's word and the paths must agree before a root is removed */
	if (!zone_journal_bool(z, "attach", "only-copy") && !is_own_root(z, from) &&
	    zone_rmtree(root, err) < 0)
		return zone_error_wrap(err, "zone %s: remove the partial attach", z->name);
	zone_state_put(z, "attach", NULL);
	return zone_set_state(z, ZONE_CONFIGURED, err);
}

/* Committed: the manifest and the extraction directory go. */
static int attach_cleanup(struct zone *z, struct zone_error *err)
{
	cleanup_free char *staging = zone_subpath(z, ATTACH_STAGE);
	cleanup_close int zp = open(zone_path(z), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (zp >= 0)
		unlinkat(zp, "detached.json", 0);
	if (zone_rmtree(staging, err) < 0)
		return zone_error_wrap(err, "zone %s: remove the attach's extraction", z->name);
	zone_state_put(z, "attach", NULL);
	return zone_save_state(z, err);
}

int zone_attach_recover(struct zone *z, enum zone_recovery *out, struct zone_error *err)
{
	const char *phase = zone_journal_str(z, "attach", "phase");

	*out = ZONE_RECOVERED_NOTHING;
	if (!zone_attach_pending(z))
		return 0;
	if (strcmp(phase, "copy") == 0) {
		*out = ZONE_ROLLED_BACK;
		return attach_rollback(z, err);
	}
	if (strcmp(phase, "cleanup") != 0)
		return zone_error_set(err, 0, "zone %s: attach journal in unknown phase '%s'",
				      z->name, phase);
	*out = ZONE_ROLLED_FORWARD;
	return attach_cleanup(z, err);
}

/* A failure before the commit: back to `configured`, as the recovery would. */
static int attach_failed(struct zone *z)
{
	struct zone_error e2;

	if (attach_rollback(z, &e2) < 0)
		fprintf(stderr, "lxzone: attach %s: %s (lxzone verify %s retries)\n", z->name,
			e2.msg, z->name);
	return -1;
}

/* The root directory PATH names and its manifest, before anything is touched: PATH/root of
 * a detached zone path (it has the manifest, or no /bin of its own), else PATH itself, a
 * bare root directory (whose root/ is root's home, not a root). */
static int attach_source(const char *path, char *src, size_t n, json_t **manifest,
			 struct zone_error *err)
{
	char cand[PATH_MAX + 16], mpath[PATH_MAX + 32], bin[PATH_MAX + 16];
	struct stat st;

	snprintf(cand, sizeof(cand), "%s/root", path);
	snprintf(mpath, sizeof(mpath), "%s/detached.json", path);
	snprintf(bin, sizeof(bin), "%s/bin", path);
	if (stat(cand, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    (lstat(mpath, &st) < 0 && lstat(bin, &st) == 0))
		snprintf(cand, sizeof(cand), "%s", path);
	if (realpath(cand, src) == NULL || strlen(src) >= n)
		return zone_error_set(err, errno, "attach from %s", cand);
	if (stat(src, &st) < 0 || !S_ISDIR(st.st_mode))
		return zone_error_set(err, ENOTDIR, "attach from %s", src);
	if (stat(mpath, &st) == 0) {
		cleanup_close int pfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (zone_json_read(pfd, "detached.json", manifest, err) < 0)
			return -1;
	}
	return 0;
}

/* A root from elsewhere must not overlap the zone's path, nor land on a root already there. */
static int attach_target_free(struct zone *z, const char *src, struct zone_error *err)
{
	cleanup_free char *root = zone_subpath(z, "root");
	char zp[PATH_MAX];
	struct stat st;

	if (realpath(zone_path(z), zp) == NULL)
		return zone_error_set(err, errno, "zone path %s", zone_path(z));
	if (src != NULL && (zone_path_within(src, zp) || zone_path_within(zp, src)))
		return zone_error_set(err, 0, "%s overlaps the zone's path %s", src, zp);
	if (lstat(root, &st) < 0)
		return 0;
	if (S_ISDIR(st.st_mode) && rmdir(root) == 0)
		return 0; /* an empty directory holds nothing to lose */
	return zone_error_set(err, 0,
			      "zone %s already has a root at %s (attach it with lxzone attach %s "
			      "%s, or remove it first)",
			      z->name, root, z->name, zone_path(z));
}

int zone_attach(struct zone *z, const char *path, const char *archive, struct zone_error *err)
{
	cleanup_free char *root = zone_subpath(z, "root");
	cleanup_free char *staging = zone_subpath(z, ATTACH_STAGE);
	json_t *manifest = NULL;
	char src[PATH_MAX], from[PATH_MAX];
	enum zone_recovery done;
	bool in_place = false;
	int ret;

	if (zone_attach_recover(z, &done, err) < 0)
		return -1;
	if (zone_get_state(z) != ZONE_CONFIGURED)
		return zone_error_set(err, 0, "zone %s is %s; attach needs a configured zone",
				      z->name, zone_state_name(zone_get_state(z)));
	if (zone_mkdir_p(zone_path(z), 0700, err) < 0)
		return -1;
	if (archive != NULL) {
		if (realpath(archive, from) == NULL)
			return zone_error_set(err, errno, "attach zone %s: %s", z->name, archive);
	} else {
		if (attach_source(path, from, sizeof(from), &manifest, err) < 0)
			return zone_error_wrap(err, "attach zone %s", z->name);
		in_place = is_own_root(z, from);
	}
	if (!in_place && attach_target_free(z, archive ? NULL : from, err) < 0) {
		json_decref(manifest);
		return zone_error_wrap(err, "attach zone %s", z->name);
	}
	zone_state_put(z, "attach",
		       json_pack("{s:s, s:s, s:b, s:s}", "source", archive ? archive : path, "from",
				 from, "only-copy", in_place, "phase", "copy"));
	if (zone_set_state(z, ZONE_INCOMPLETE, err) < 0) {
		json_decref(manifest);
		return -1;
	}
	zone_test_crashpoint("attach-journaled");
	snprintf(src, sizeof(src), "%s", from);
	if (archive != NULL) {
		struct zone_extract_stats st;
		struct zone_extract_opts o = {.warnings = stderr};
		if (zone_mkdir_p(staging, 0700, err) < 0 ||
		    zone_extract_archive(archive, staging, &o, &st, err) < 0) {
			zone_error_wrap(err, "attach zone %s", z->name);
			return attach_failed(z);
		}
		snprintf(src, sizeof(src), "%s/root", staging);
		cleanup_close int sfd = open(staging, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		struct zone_error ignored;
		if (zone_json_read(sfd, "detached.json", &manifest, &ignored) < 0)
			manifest = NULL;
	}
	ret = validate_image(z, src, manifest, err);
	json_decref(manifest);
	if (ret < 0) {
		zone_error_wrap(err, "attach zone %s: %s refused", z->name, src);
		return attach_failed(z);
	}
	if (!in_place) {
		struct zone_copy_opts o = {.reflink = zone_reflink_supported(src, zone_path(z))};
		cleanup_close int fd = -1;
		if (archive != NULL ? rename(src, root) < 0 : mkdir(root, 0755) < 0) {
			zone_error_set(err, errno, "attach zone %s: %s", z->name, root);
			return attach_failed(z);
		}
		if (archive == NULL && zone_copy_tree(src, root, &o, NULL, err) < 0) {
			zone_error_wrap(err, "attach zone %s: copy %s", z->name, src);
			return attach_failed(z);
		}
		/* the copy is whole on disk before the commit names it the zone's root */
		fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || syncfs(fd) < 0) {
			zone_error_set(err, errno, "attach zone %s: sync %s", z->name, root);
			return attach_failed(z);
		}
		zone_test_crashpoint("attach-copied");
	}
	/* the commit: installed, with its origin, no longer detached, in one write */
	zone_state_put(
	    z, "origin",
	    json_pack("{s:s, s:s}", "type", "attach", "source", archive ? archive : path));
	zone_state_put(z, "detached", NULL);
	json_object_set_new(json_object_get(z->state, "attach"), "phase", json_string("cleanup"));
	if (zone_set_state(z, ZONE_INSTALLED, err) < 0)
		return zone_error_wrap(err, "attach zone %s (lxzone verify %s recovers it)",
				       z->name, z->name);
	zone_test_crashpoint("attach-committed");
	return attach_cleanup(z, err);
}
