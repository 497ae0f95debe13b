#include "zone/install.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zone/boot_init.h"
#include "zone/clone.h"
#include "zone/console.h"
#include "zone/copy.h"
#include "zone/extract.h"
#include "zone/fsutil.h"
#include "zone/mountd.h"
#include "zone/oci.h"
#include "zone/paths.h"
#include "zone/progress.h"
#include "zone/zonepage.h"

int zone_builtin_image(const char *name, char *out, size_t outsz, struct zone_error *err)
{
	char dir[PATH_MAX], cand[PATH_MAX + 300];
	struct stat st;
	int r;

	if (strchr(name, '/') != NULL || name[0] == '.' || name[0] == '\0')
		return zone_error_set(err, 0, "builtin:%s: bad image name", name);
	if ((r = zone_own_images(dir, sizeof(dir))) < 0)
		return zone_error_set(err, -r, "builtin:%s: locate the images", name);
	snprintf(cand, sizeof(cand), "%s/%s", dir, name);
	if (stat(cand, &st) == 0 && S_ISDIR(st.st_mode))
		goto found;
	snprintf(cand, sizeof(cand), "%s/%s.tar.gz", dir, name);
	if (stat(cand, &st) == 0 && S_ISREG(st.st_mode))
		goto found;
	return zone_error_set(
	    err, ENOENT,
	    "builtin:%s: no image %s/%s or %s/%s.tar.gz (build the images target, "
	    "or set LXZONE_BUILTIN_IMAGES)",
	    name, dir, name, dir, name);
found:
	if (realpath(cand, out) == NULL || strlen(out) >= outsz)
		return zone_error_set(err, errno, "builtin:%s: %s", name, cand);
	return 0;
}

/* An empty root directory for the zone (removing leftovers of an earlier attempt). */
static int fresh_root(struct zone *z, char **root, struct zone_error *err)
{
	cleanup_close int zp = -1;

	if (zone_mkdir_p(zone_path(z), 0700, err) < 0)
		return -1;
	zp = open(zone_path(z), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (zp < 0)
		return zone_error_set(err, errno, "open %s", zone_path(z));
	if (zone_rmtree_at(zp, "root", err) < 0)
		return -1;
	if (mkdirat(zp, "root", 0755) < 0)
		return zone_error_set(err, errno, "mkdir %s/root", zone_path(z));
	*root = zone_subpath(z, "root");
	return *root ? 0 : zone_error_set(err, ENOMEM, "root");
}

/* An OCI or Docker image (zone/oci.h): validated whole before the zone is touched. */
static int install_oci(struct zone *z, enum zone_oci_kind kind, const char *path, const char *tag,
		       const struct zone_install_opts *opts, struct zone_error *err)
{
	struct zone_oci_image img;
	cleanup_free char *root = NULL;
	char source[PATH_MAX];
	int ret = -1;

	if (realpath(path, source) == NULL)
		return zone_error_set(err, errno, "%s:%s", zone_oci_kind_name(kind), path);
	if (zone_oci_open(kind, source, tag, &img, err) < 0)
		return -1;
	json_t *origin = json_pack("{s:s, s:s, s:o}", "type", zone_oci_kind_name(kind), "source",
				   source, "oci", zone_oci_runtime(&img));
	if (tag[0] != '\0')
		json_object_set_new(origin, "tag", json_string(tag));
	zone_state_put(z, "origin", origin);
	if (zone_set_state(z, ZONE_INCOMPLETE, err) == 0 && fresh_root(z, &root, err) == 0 &&
	    zone_oci_apply(&img, root, opts->warnings ? opts->warnings : stderr, err) == 0) {
		sync();
		ret = zone_set_state(z, ZONE_INSTALLED, err);
	}
	zone_oci_close(&img);
	return ret;
}

int zone_install(struct zone *z, const char *src, const struct zone_install_opts *opts,
		 struct zone_error *err)
{
	enum zone_oci_kind kind;
	char tag[256];
	static const struct zone_install_opts none;
	char source[PATH_MAX];
	cleanup_free char *root = NULL;
	const char *type;
	struct stat st;
	bool show;
	struct zone_progress progress;

	if (opts == NULL)
		opts = &none;
	show = opts->progress;
	if (zone_get_state(z) != ZONE_CONFIGURED)
		return zone_error_set(
		    err, 0, "zone %s is %s; install needs a configured zone%s%s%s", z->name,
		    zone_state_name(zone_get_state(z)),
		    zone_get_state(z) == ZONE_INCOMPLETE ? " (run lxzone uninstall " : "",
		    zone_get_state(z) == ZONE_INCOMPLETE ? z->name : "",
		    zone_get_state(z) == ZONE_INCOMPLETE ? " first)" : "");
	if (zone_oci_source(src, &kind, source, sizeof(source), tag, sizeof(tag), err) < 0)
		return -1;
	if (kind != ZONE_OCI_NONE)
		return install_oci(z, kind, source, tag, opts, err);
	if (strncmp(src, "builtin:", 8) == 0) {
		if (zone_builtin_image(src + 8, source, sizeof(source), err) < 0)
			return -1;
	} else if (realpath(src, source) == NULL) {
		return zone_error_set(err, errno, "%s", src);
	}
	if (stat(source, &st) < 0)
		return zone_error_set(err, errno, "%s", source);
	type = S_ISDIR(st.st_mode) ? "directory" : "archive";
	if (S_ISDIR(st.st_mode) && zone_oci_is_layout(source))
		return zone_error_set(
		    err, 0,
		    "%s: an OCI image layout, not a root file system; use --image "
		    "oci:%s",
		    src, src);

	json_t *origin = json_pack("{s:s, s:s}", "type", type, "source", source);
	if (strncmp(src, "builtin:", 8) == 0)
		json_object_set_new(origin, "image", json_string(src));
	zone_state_put(z, "origin", origin);
	if (zone_set_state(z, ZONE_INCOMPLETE, err) < 0)
		return -1;
	if (fresh_root(z, &root, err) < 0)
		return -1;

	zone_progress_start(&progress, z->name, "install");
	if (S_ISDIR(st.st_mode)) {
		struct zone_copy_opts co = {.progress = show ? zone_progress_copy_cb : NULL,
					    .progress_arg = &progress};
		struct zone_copy_stats cs = {0};
		if (strcmp(source, "/") == 0)
			return zone_error_set(err, 0, "refusing to copy the host's / into a zone");
		zone_progress_measure(&progress, zone_progress_tree_bytes, source);
		if (zone_copy_tree(source, root, &co, &cs, err) < 0)
			return zone_error_wrap(err, "copy %s", source);
	} else {
		struct zone_extract_opts eo = {
		    .warnings = opts->warnings ? opts->warnings : stderr,
		    .progress = show ? zone_progress_extract_cb : NULL,
		    .progress_arg = &progress,
		};
		struct zone_extract_stats es = {0};
		if (zone_extract_archive(source, root, &eo, &es, err) < 0)
			return -1;
		if (es.refused > 0)
			fprintf(eo.warnings, "lxzone: %s: refused %llu unsafe entries of %llu\n",
				z->name, (unsigned long long)es.refused,
				(unsigned long long)es.entries);
		if (es.devices > 0)
			fprintf(eo.warnings,
				"lxzone: %s: skipped %llu device node%s (a zone's /dev is made at "
				"boot)\n",
				z->name, (unsigned long long)es.devices,
				es.devices == 1 ? "" : "s");
	}
	zone_progress_finish(&progress);
	sync();
	return zone_set_state(z, ZONE_INSTALLED, err);
}

static int is_mountpoint(const char *path)
{
	struct stat a, b;
	char parent[PATH_MAX + 4];

	snprintf(parent, sizeof(parent), "%s/..", path);
	if (stat(path, &a) < 0 || stat(parent, &b) < 0)
		return 0;
	return a.st_dev != b.st_dev;
}

int zone_dependents(struct zone *z, char ***names, size_t *n, struct zone_error *err)
{
	char **all = NULL, **dep = NULL;
	size_t nall = 0, ndep = 0;
	size_t plen = strlen(zone_path(z));

	if (zone_store_list(z->store, &all, &nall, err) < 0)
		return -1;
	for (size_t i = 0; i < nall; i++) {
		struct zone *o = NULL;
		struct zone_error ignored;
		if (strcmp(all[i], z->name) == 0 ||
		    zone_open(z->store, all[i], ZONE_OPEN_BROKEN, &o, &ignored) < 0)
			continue;
		const char *lower = json_string_value(
		    json_object_get(json_object_get(o->state, "origin"), "lower"));
		if (lower != NULL && strncmp(lower, zone_path(z), plen) == 0 &&
		    lower[plen] == '/') {
			dep = realloc(dep, (ndep + 1) * sizeof(*dep));
			dep[ndep++] = strdup(all[i]);
		}
		zone_free(o);
	}
	zone_names_free(all, nall);
	*names = dep;
	*n = ndep;
	return 0;
}

/* The trees of an installed zone's path. */
static const char *const layers[] = {"root", "upper", "work", "snapshots"};

/* The whole of a removal of the layers: what is gone and what is left (progress measure). */
static uint64_t layers_total(void *zp, uint64_t done)
{
	for (size_t i = 0; i < sizeof(layers) / sizeof(layers[0]); i++)
		done += zone_tree_count_at(*(int *)zp, layers[i]);
	return done;
}

/* What a boot writes in a zone path beside the layers. */
static const char *const boot_files[] = {
    ZONE_CONSOLE_LOG, "exit-status",	 MOUNTD_BOOT_FILE, LXZONE_PAGE_FILE,
    ZONE_NOTIFY_FILE, ZONE_CONSOLE_SOCK, MOUNTD_SOCK,
};

void zone_path_remove_boot_files(int zpfd)
{
	char rotated[64];

	for (size_t i = 0; i < sizeof(boot_files) / sizeof(boot_files[0]); i++)
		unlinkat(zpfd, boot_files[i], 0);
	/* console.log.1 ... as many as console-log-files ever kept (at most 100) */
	for (unsigned n = 1; n < 100; n++) {
		snprintf(rotated, sizeof(rotated), "%s.%u", ZONE_CONSOLE_LOG, n);
		if (unlinkat(zpfd, rotated, 0) < 0 && errno == ENOENT)
			break;
	}
}

static int uninstall(struct zone *z, int hide_only, struct zone_error *err)
{
	enum zone_state s = zone_get_state(z);
	cleanup_close int zp = -1;
	enum zone_recovery done;
	char **dep = NULL;
	size_t ndep = 0;

	if (s == ZONE_CONFIGURED)
		return zone_error_set(err, 0, "zone %s is not installed: nothing to uninstall",
				      z->name);
	if (s != ZONE_INSTALLED && s != ZONE_INCOMPLETE)
		return zone_error_set(err, 0, "zone %s is %s; halt it first", z->name,
				      zone_state_name(s));
	/* incomplete, but its root is whole: removing "the incomplete zone" would lose it */
	if (zone_move_unfinished(z))
		return zone_error_set(
		    err, 0,
		    "zone %s: a move to %s was interrupted and its root is "
		    "intact; run lxzone verify %s to recover it first",
		    z->name,
		    json_string_value(json_object_get(json_object_get(z->state, "move"), "to")),
		    z->name);
	if (zone_rollback_pending(z))
		return zone_error_set(
		    err, 0,
		    "zone %s: a snapshot rollback was interrupted and its root is "
		    "intact; run lxzone verify %s to recover it first",
		    z->name, z->name);
	if (zone_attach_only_copy(z))
		return zone_error_set(
		    err, 0,
		    "zone %s: an attach of %s was interrupted and that root is the only copy; "
		    "run lxzone verify %s to recover it first",
		    z->name,
		    json_string_value(json_object_get(json_object_get(z->state, "attach"), "from")),
		    z->name);
	/* An interrupted attach of a copy: its recovery removes the partial copy (the zone is
	 * configured again, nothing left to uninstall) or finishes a committed one. */
	if (zone_attach_pending(z)) {
		if (zone_attach_recover(z, &done, err) < 0)
			return -1;
		if (done == ZONE_ROLLED_BACK)
			return 0;
		s = zone_get_state(z);
	}
	/* a committed move's leftovers at its source go first, or nothing would remove them */
	if (zone_move_pending(z) && zone_move_recover(z, &done, err) < 0)
		return -1;
	if (zone_dependents(z, &dep, &ndep, err) < 0)
		return -1;
	if (ndep > 0) {
		zone_error_set(err, 0,
			       "zone %s has %zu dependent clone%s (first: %s); destroy them first",
			       z->name, ndep, ndep == 1 ? "" : "s", dep[0]);
		zone_names_free(dep, ndep);
		return -1;
	}
	if (s == ZONE_INSTALLED && zone_set_state(z, ZONE_INCOMPLETE, err) < 0)
		return -1;
	zp = open(zone_path(z), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (zp >= 0) {
		cleanup_free char *root = zone_subpath(z, "root");
		/* An overlay left mounted by a crashed supervisor is detached, not emptied. */
		if (root && is_mountpoint(root))
			umount2(root, MNT_DETACH);
		/* in the zone's own directory the trees go in the background (or, before
		 * zone_remove, with the directory: hide_only); a moved zone's directory must be
		 * empty at once (it is removed below), with progress */
		int later = strcmp(zone_path(z), z->dir) == 0;
		char gone[512];
		struct zone_progress p;
		uint64_t done = 0;

		zone_progress_start(&p, z->name, "remove root");
		p.unit = "files";
		zone_progress_measure(&p, layers_total, &zp);
		for (size_t i = 0; i < sizeof(layers) / sizeof(layers[0]); i++)
			if ((later && hide_only
				 ? zone_rmtree_hide_at(zp, layers[i], gone, sizeof(gone), err)
			     : later ? zone_rmtree_later_at(zp, layers[i], err)
				     : zone_rmtree_counted_at(zp, layers[i], &p, &done, err)) < 0) {
				zone_progress_end(&p);
				return zone_error_wrap(err, "uninstall zone %s", z->name);
			}
		zone_progress_finish(&p);
		/* a moved zone's directory goes below, with what its boots left there */
		if (!later)
			zone_path_remove_boot_files(zp);
	} else if (errno != ENOENT) {
		return zone_error_set(err, errno, "uninstall zone %s: open %s", z->name,
				      zone_path(z));
	}
	/* A zone moved elsewhere leaves no empty directory there. */
	if (strcmp(zone_path(z), z->dir) != 0)
		rmdir(zone_path(z));
	zone_state_put(z, "origin", NULL);
	return zone_set_state(z, ZONE_CONFIGURED, err);
}

int zone_uninstall(struct zone *z, struct zone_error *err)
{
	return uninstall(z, 0, err);
}

int zone_uninstall_before_remove(struct zone *z, struct zone_error *err)
{
	return uninstall(z, 1, err);
}
