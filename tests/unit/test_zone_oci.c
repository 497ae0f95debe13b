/*
 * OCI images (zone/oci.c): source parsing, the sha256 of a known vector, a two-layer layout
 * built here (libarchive writes the layers) applied with its whiteouts and opaque directory,
 * whiteouts that cannot reach out of the root, and every way a layout fails validation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zone/fsutil.h"
#include "zone/oci.h"

struct ent {
	const char *name;
	mode_t type; /* AE_IF* */
	const char *data;
};

static char base[256], layout[300], root[300], outside[300];

static int setup(void **state)
{
	struct zone_error err;
	(void)state;
	snprintf(base, sizeof(base), "/tmp/test_zone_oci.%d", (int)getpid());
	snprintf(layout, sizeof(layout), "%s/layout", base);
	snprintf(root, sizeof(root), "%s/root", base);
	snprintf(outside, sizeof(outside), "%s/outside", base);
	assert_int_equal(zone_mkdir_p(layout, 0755, &err), 0);
	assert_int_equal(zone_mkdir_p(root, 0755, &err), 0);
	assert_int_equal(zone_mkdir_p(outside, 0755, &err), 0);
	return 0;
}

static int teardown(void **state)
{
	struct zone_error err;
	(void)state;
	zone_rmtree(base, &err);
	return 0;
}

static void put(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

/* Write a blob into the layout; returns its descriptor. */
static json_t *blob(const char *file, const char *media_type)
{
	struct zone_error err;
	char hex[65], dst[512], digest[80];
	uint64_t size;
	int fd = open(file, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(zone_oci_sha256_fd(fd, hex, &size, &err), 0);
	close(fd);
	snprintf(dst, sizeof(dst), "%s/blobs/sha256", layout);
	assert_int_equal(zone_mkdir_p(dst, 0755, &err), 0);
	snprintf(dst, sizeof(dst), "%s/blobs/sha256/%s", layout, hex);
	assert_int_equal(rename(file, dst), 0);
	snprintf(digest, sizeof(digest), "sha256:%s", hex);
	return json_pack("{s:s, s:s, s:I}", "mediaType", media_type, "digest", digest, "size",
			 (json_int_t)size);
}

static json_t *layer(const char *name, const struct ent *e, size_t n, int gzip)
{
	char path[512];
	struct archive *a = archive_write_new();
	snprintf(path, sizeof(path), "%s/%s", base, name);
	archive_write_set_format_pax_restricted(a);
	if (gzip)
		archive_write_add_filter_gzip(a);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *ae = archive_entry_new();
		archive_entry_set_pathname(ae, e[i].name);
		archive_entry_set_filetype(ae, e[i].type);
		archive_entry_set_perm(ae, e[i].type == AE_IFDIR ? 0755 : 0644);
		if (e[i].type == AE_IFLNK)
			archive_entry_set_symlink(ae, e[i].data);
		if (e[i].type == AE_IFREG)
			archive_entry_set_size(ae, (la_int64_t)strlen(e[i].data));
		assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
		if (e[i].type == AE_IFREG)
			archive_write_data(a, e[i].data, strlen(e[i].data));
		archive_entry_free(ae);
	}
	archive_write_close(a);
	archive_write_free(a);
	return blob(path, gzip ? "application/vnd.oci.image.layer.v1.tar+gzip"
			       : "application/vnd.oci.image.layer.v1.tar");
}

static void json_file(const char *path, json_t *j)
{
	assert_int_equal(json_dump_file(j, path, JSON_COMPACT), 0);
	json_decref(j);
}

/* Two layers: the second deletes etc/gone, makes opq/ opaque (its marker after the new file,
 * so only the two passes get it right) and tries to delete a file outside the root through a
 * symlink the first layer planted. */
static void make_layout(const char *tag)
{
	char path[512];
	struct ent l1[] = {
	    {"etc", AE_IFDIR, NULL},	  {"etc/gone", AE_IFREG, "x"},	{"etc/kept", AE_IFREG, "k"},
	    {"opq", AE_IFDIR, NULL},	  {"opq/old", AE_IFREG, "old"}, {"opq/sub", AE_IFDIR, NULL},
	    {"opq/sub/f", AE_IFREG, "f"}, {"esc", AE_IFLNK, outside},	{"dir", AE_IFDIR, NULL},
	    {"dir/f", AE_IFREG, "f"},
	};
	struct ent l2[] = {
	    {"etc/.wh.gone", AE_IFREG, ""},	{"opq/new", AE_IFREG, "new"},
	    {"opq/.wh..wh..opq", AE_IFREG, ""}, {"esc/.wh.victim", AE_IFREG, ""},
	    {".wh.dir", AE_IFREG, ""},		{"etc/.wh.", AE_IFREG, ""},
	    {"nothere/.wh.x", AE_IFREG, ""},
	};
	json_t *layers = json_array();

	snprintf(path, sizeof(path), "%s/victim", outside);
	put(path, "v", 1);
	json_array_append_new(layers, layer("l1", l1, sizeof(l1) / sizeof(l1[0]), 1));
	json_array_append_new(layers, layer("l2", l2, sizeof(l2) / sizeof(l2[0]), 0));
	snprintf(path, sizeof(path), "%s/config", base);
	json_file(path, json_pack("{s:{s:[s], s:[s], s:[s,s], s:s, s:s}}", "config", "Env",
				  "PATH=/bin", "Entrypoint", "/bin/sh", "Cmd", "-c", "true",
				  "WorkingDir", "/w", "User", "1:2"));
	json_t *cfg = blob(path, "application/vnd.oci.image.config.v1+json");
	snprintf(path, sizeof(path), "%s/manifest", base);
	json_file(path, json_pack("{s:i, s:o, s:o}", "schemaVersion", 2, "config", cfg, "layers",
				  layers));
	json_t *m = blob(path, "application/vnd.oci.image.manifest.v1+json");
	json_object_set_new(m, "annotations",
			    json_pack("{s:s}", "org.opencontainers.image.ref.name", tag));
	snprintf(path, sizeof(path), "%s/index.json", layout);
	json_file(path, json_pack("{s:i, s:[o]}", "schemaVersion", 2, "manifests", m));
	snprintf(path, sizeof(path), "%s/oci-layout", layout);
	put(path, "{\"imageLayoutVersion\":\"1.0.0\"}", 30);
}

static int exists(const char *dir, const char *name)
{
	char p[600];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return lstat(p, &st) == 0;
}

static void test_source(void **state)
{
	struct zone_error err = {0};
	enum zone_oci_kind k;
	char path[256], tag[64];
	(void)state;

	assert_int_equal(
	    zone_oci_source("/some/dir", &k, path, sizeof(path), tag, sizeof(tag), &err), 0);
	assert_int_equal(k, ZONE_OCI_NONE);
	assert_int_equal(
	    zone_oci_source("oci:/no/such:v1.2", &k, path, sizeof(path), tag, sizeof(tag), &err),
	    0);
	assert_int_equal(k, ZONE_OCI_DIR);
	assert_string_equal(path, "/no/such");
	assert_string_equal(tag, "v1.2");
	assert_int_equal(zone_oci_source("oci-archive:/no/such.tar", &k, path, sizeof(path), tag,
					 sizeof(tag), &err),
			 0);
	assert_int_equal(k, ZONE_OCI_ARCHIVE);
	assert_string_equal(tag, "");
	/* a colon in an existing path is part of the path */
	assert_int_equal(zone_oci_source("docker-archive:/dev/null:x", &k, path, sizeof(path), tag,
					 sizeof(tag), &err),
			 0);
	assert_int_equal(k, ZONE_OCI_DOCKER);
	assert_string_equal(path, "/dev/null:x");
	assert_int_equal(zone_oci_source("oci:", &k, path, sizeof(path), tag, sizeof(tag), &err),
			 -1);
}

static void test_sha256(void **state)
{
	struct zone_error err;
	char hex[65], p[300];
	uint64_t n;
	(void)state;
	snprintf(p, sizeof(p), "%s/abc", base);
	put(p, "abc", 3);
	int fd = open(p, O_RDONLY);
	assert_int_equal(zone_oci_sha256_fd(fd, hex, &n, &err), 0);
	close(fd);
	assert_string_equal(hex,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(n, 3);
}

static void test_apply_whiteouts(void **state)
{
	struct zone_error err = {0};
	struct zone_oci_image img;
	(void)state;

	make_layout("v1");
	assert_true(zone_oci_is_layout(layout));
	assert_int_equal(zone_oci_open(ZONE_OCI_DIR, layout, "v1", &img, &err), 0);
	assert_int_equal(img.nlayers, 2);
	assert_int_equal(zone_oci_apply(&img, root, NULL, &err), 0);
	json_t *rt = zone_oci_runtime(&img);
	assert_string_equal(json_string_value(json_object_get(rt, "workdir")), "/w");
	assert_string_equal(json_string_value(json_object_get(rt, "user")), "1:2");
	assert_int_equal(json_array_size(json_object_get(rt, "cmd")), 2);
	json_t *st = json_pack("{s:{s:o}}", "origin", "oci", rt);
	char **argv = zone_oci_default_argv(st);
	assert_string_equal(argv[0], "/bin/sh");
	assert_string_equal(argv[1], "-c");
	assert_string_equal(argv[2], "true");
	assert_null(argv[3]);
	free(argv);
	json_decref(st);
	zone_oci_close(&img);

	assert_false(exists(root, "etc/gone"));
	assert_true(exists(root, "etc/kept"));
	assert_true(exists(root, "opq/new"));
	assert_false(exists(root, "opq/old"));
	assert_false(exists(root, "opq/sub"));
	assert_false(exists(root, "dir"));
	assert_false(exists(root, "opq/.wh..wh..opq"));
	assert_false(exists(root, "etc/.wh.gone"));
	assert_true(exists(root, "esc"));
	assert_true(exists(outside, "victim")); /* the whiteout resolved inside the root */
}

static void expect_refused(const char *tag, const char *msg)
{
	struct zone_error err = {0};
	struct zone_oci_image img;
	assert_int_equal(zone_oci_open(ZONE_OCI_DIR, layout, tag, &img, &err), -1);
	if (strstr(err.msg, msg) == NULL)
		fail_msg("'%s' does not say '%s'", err.msg, msg);
}

/* The manifest's blob, or the second layer's: found through index.json, as the test cannot
 * know the digests in advance. */
static void blob_named(char *out, size_t outsz, const char *what)
{
	char idx[400];
	json_error_t je;
	snprintf(idx, sizeof(idx), "%s/index.json", layout);
	json_t *i = json_load_file(idx, 0, &je);
	const char *d = json_string_value(
	    json_object_get(json_array_get(json_object_get(i, "manifests"), 0), "digest"));
	if (strcmp(what, "manifest") == 0) {
		snprintf(out, outsz, "%s/blobs/sha256/%s", layout, d + 7);
	} else {
		char m[400];
		snprintf(m, sizeof(m), "%s/blobs/sha256/%s", layout, d + 7);
		json_t *mj = json_load_file(m, 0, &je);
		const char *ld = json_string_value(
		    json_object_get(json_array_get(json_object_get(mj, "layers"), 1), "digest"));
		snprintf(out, outsz, "%s/blobs/sha256/%s", layout, ld + 7);
		json_decref(mj);
	}
	json_decref(i);
}

static void test_validation(void **state)
{
	char p[600], idx[400];
	struct stat st;
	(void)state;

	make_layout("v1");
	expect_refused("v2", "no manifest tagged v2");
	/* a layer changed in place, same size: the digest catches it */
	blob_named(p, sizeof(p), "layer");
	assert_int_equal(stat(p, &st), 0);
	int fd = open(p, O_WRONLY);
	assert_int_equal(pwrite(fd, "Z", 1, 0), 1);
	close(fd);
	expect_refused("v1", "digest mismatch");
	unlink(p);
	expect_refused("", "No such file");
	/* an unknown media type, bad JSON */
	snprintf(idx, sizeof(idx), "%s/index.json", layout);
	json_error_t je;
	json_t *i = json_load_file(idx, 0, &je);
	json_t *m = json_array_get(json_object_get(i, "manifests"), 0);
	json_object_set_new(m, "mediaType", json_string("application/x-tar"));
	json_dump_file(i, idx, 0);
	json_decref(i);
	expect_refused("v1", "unsupported media type application/x-tar");
	put(idx, "{\"manifests\": [", 15);
	expect_refused("v1", "bad JSON");
	snprintf(p, sizeof(p), "%s/oci-layout", layout);
	unlink(p);
	assert_false(zone_oci_is_layout(layout));
	expect_refused("v1", "not an OCI image layout");
}

static void tar_add_file(struct archive *a, const char *name)
{
	char path[600], buf[1 << 16];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", layout, name);
	assert_int_equal(stat(path, &st), 0);
	struct archive_entry *ae = archive_entry_new();
	archive_entry_set_pathname(ae, name);
	archive_entry_set_filetype(ae, S_ISDIR(st.st_mode) ? AE_IFDIR : AE_IFREG);
	archive_entry_set_perm(ae, st.st_mode & 07777);
	archive_entry_set_size(ae, S_ISDIR(st.st_mode) ? 0 : st.st_size);
	assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
	archive_entry_free(ae);
	if (S_ISDIR(st.st_mode))
		return;
	int fd = open(path, O_RDONLY);
	ssize_t n;
	assert_true(fd >= 0);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		assert_int_equal(archive_write_data(a, buf, (size_t)n), n);
	close(fd);
}

/* An oci-archive whose "./" entry is mode 0777: the directory the image is unpacked into
 * stays out of other users' reach while it is checked and applied. */
static void test_archive_stays_private(void **state)
{
	char tarball[400], p[600];
	struct zone_error err = {0};
	struct zone_oci_image img;
	struct stat st;
	struct dirent *de;
	(void)state;

	make_layout("v1");
	assert_int_equal(chmod(layout, 0777), 0);
	snprintf(tarball, sizeof(tarball), "%s/image.tar", base);
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	assert_int_equal(archive_write_open_filename(a, tarball), ARCHIVE_OK);
	tar_add_file(a, ".");
	tar_add_file(a, "oci-layout");
	tar_add_file(a, "index.json");
	tar_add_file(a, "blobs");
	tar_add_file(a, "blobs/sha256");
	snprintf(p, sizeof(p), "%s/blobs/sha256", layout);
	DIR *d = opendir(p);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "blobs/sha256/%s", de->d_name);
		tar_add_file(a, p);
	}
	closedir(d);
	archive_write_close(a);
	archive_write_free(a);

	setenv("TMPDIR", base, 1);
	int r = zone_oci_open(ZONE_OCI_ARCHIVE, tarball, "v1", &img, &err);
	unsetenv("TMPDIR");
	if (r < 0)
		fail_msg("open: %s", err.msg);
	assert_int_equal(stat(img.tmp, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	zone_oci_close(&img);
}

/* An upper layer puts a file where a lower one has a directory with files in it, and a
 * directory where a lower one has a file: the upper layer wins, as docker and containerd
 * apply it. */
static void test_layer_replaces_directory(void **state)
{
	char path[512];
	struct zone_error err = {0};
	struct zone_oci_image img;
	struct stat st;
	struct ent l1[] = {
	    {"d", AE_IFDIR, NULL},
	    {"d/sub", AE_IFDIR, NULL},
	    {"d/sub/x", AE_IFREG, "x"},
	    {"f", AE_IFREG, "f"},
	};
	struct ent l2[] = {
	    {"d", AE_IFREG, "now a file"}, {"f", AE_IFDIR, NULL}, {"f/y", AE_IFREG, "y"}};
	json_t *layers = json_array();
	(void)state;

	json_array_append_new(layers, layer("l1", l1, sizeof(l1) / sizeof(l1[0]), 0));
	json_array_append_new(layers, layer("l2", l2, sizeof(l2) / sizeof(l2[0]), 0));
	snprintf(path, sizeof(path), "%s/config", base);
	json_file(path, json_pack("{s:{}}", "config"));
	json_t *cfg = blob(path, "application/vnd.oci.image.config.v1+json");
	snprintf(path, sizeof(path), "%s/manifest", base);
	json_file(path, json_pack("{s:i, s:o, s:o}", "schemaVersion", 2, "config", cfg, "layers",
				  layers));
	json_t *m = blob(path, "application/vnd.oci.image.manifest.v1+json");
	snprintf(path, sizeof(path), "%s/index.json", layout);
	json_file(path, json_pack("{s:i, s:[o]}", "schemaVersion", 2, "manifests", m));
	snprintf(path, sizeof(path), "%s/oci-layout", layout);
	put(path, "{\"imageLayoutVersion\":\"1.0.0\"}", 30);

	assert_int_equal(zone_oci_open(ZONE_OCI_DIR, layout, "", &img, &err), 0);
	if (zone_oci_apply(&img, root, NULL, &err) < 0)
		fail_msg("apply: %s", err.msg);
	zone_oci_close(&img);
	snprintf(path, sizeof(path), "%s/d", root);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, 10);
	snprintf(path, sizeof(path), "%s/f", root);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_true(exists(root, "f/y"));
}

/* A FIFO under a JSON file's or a blob's name: opening it for reading would wait for a writer
 * forever (the alarm fails the test if it does). */
/* What is applied is the file whose digest was checked, and only while it is as checked: a
 * blob renamed over the second layer's path after zone_oci_open never gets in (the checked
 * file is read; its unlink moved its ctime, so the apply then fails), and a write into the
 * checked file itself fails the apply. */
static void test_layer_swapped_after_check(void **state)
{
	struct zone_error err = {0};
	struct zone_oci_image img;
	char l2[600], evil[600];
	(void)state;

	make_layout("v1");
	blob_named(l2, sizeof(l2), "layer");
	assert_int_equal(zone_oci_open(ZONE_OCI_DIR, layout, "v1", &img, &err), 0);
	snprintf(evil, sizeof(evil), "%s/swap", base);
	{
		struct archive *a = archive_write_new();
		struct archive_entry *ae = archive_entry_new();
		archive_write_set_format_pax_restricted(a);
		assert_int_equal(archive_write_open_filename(a, evil), ARCHIVE_OK);
		archive_entry_set_pathname(ae, "planted");
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_perm(ae, 0644);
		archive_entry_set_size(ae, 1);
		assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
		archive_write_data(a, "p", 1);
		archive_entry_free(ae);
		archive_write_close(a);
		archive_write_free(a);
	}
	assert_int_equal(rename(evil, l2), 0);
	assert_int_equal(zone_oci_apply(&img, root, NULL, &err), -1);
	if (strstr(err.msg, "changed after its digest was checked") == NULL)
		fail_msg("'%s' does not say the layer changed", err.msg);
	zone_oci_close(&img);
	assert_false(exists(root, "planted"));
	assert_true(exists(root, "opq/new")); /* the second layer was read as checked */

	/* again, with the checked file written in place between the check and the apply */
	assert_int_equal(zone_rmtree(root, &err), 0);
	assert_int_equal(mkdir(root, 0755), 0);
	make_layout("v1");
	blob_named(l2, sizeof(l2), "layer");
	assert_int_equal(zone_oci_open(ZONE_OCI_DIR, layout, "v1", &img, &err), 0);
	{
		int fd = open(l2, O_WRONLY);
		assert_true(fd >= 0);
		assert_int_equal(pwrite(fd, "\0", 1, 600), 1);
		close(fd);
	}
	assert_int_equal(zone_oci_apply(&img, root, NULL, &err), -1);
	if (strstr(err.msg, "changed after its digest was checked") == NULL)
		fail_msg("'%s' does not say the layer changed", err.msg);
	zone_oci_close(&img);
}

static void test_fifo_refused(void **state)
{
	char p[600], tarball[400];
	struct zone_error err = {0};
	struct zone_oci_image img;
	(void)state;

	alarm(20);
	make_layout("v1");
	blob_named(p, sizeof(p), "manifest");
	assert_int_equal(unlink(p), 0);
	assert_int_equal(mkfifo(p, 0644), 0);
	expect_refused("v1", "not a regular file");

	/* an oci-archive that unpacks a FIFO as its oci-layout */
	snprintf(tarball, sizeof(tarball), "%s/fifo.tar", base);
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	assert_int_equal(archive_write_open_filename(a, tarball), ARCHIVE_OK);
	struct archive_entry *ae = archive_entry_new();
	archive_entry_set_pathname(ae, "oci-layout");
	archive_entry_set_filetype(ae, AE_IFIFO);
	archive_entry_set_perm(ae, 0644);
	assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
	archive_entry_free(ae);
	archive_write_close(a);
	archive_write_free(a);
	setenv("TMPDIR", base, 1);
	assert_int_equal(zone_oci_open(ZONE_OCI_ARCHIVE, tarball, "", &img, &err), -1);
	unsetenv("TMPDIR");
	if (strstr(err.msg, "oci-layout: not a regular file") == NULL)
		fail_msg("'%s' does not refuse the FIFO", err.msg);
	alarm(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_source),
	    cmocka_unit_test_setup_teardown(test_sha256, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_apply_whiteouts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_validation, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_layer_replaces_directory, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fifo_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_layer_swapped_after_check, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_archive_stays_private, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
