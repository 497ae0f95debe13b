/*
 * The jail of the image fuzz targets (fuzz_extract.c, fuzz_oci_image.c).
 *
 * Extraction writes files where an archive says, so a bug there is a write outside the
 * root: the targets run it chrooted in a throwaway tmpfs that jail.sh mounts in a private
 * mount namespace (never on the host's file system), and after every input they walk the
 * whole jail and abort if anything outside the extraction root appeared, vanished or changed
 * (inode, type, mode, owner, links, size, a file's mtime), or if /w/sentinel/victim -- the
 * file the seeds' symlinks and hard links aim at -- no longer reads "original".
 *
 * The jail (jail.sh makes it): /w/root the extraction root, /w/in the input archive,
 * /w/layout an OCI layout, /w/tmp the TMPDIR, /w/warnings the warnings, /w/sentinel, /proc;
 * and $FUZZ_IO, the host directory of seeds, corpus and artifacts, bound at the same path
 * so that libFuzzer, which reads them after LLVMFuzzerInitialize, finds them.
 */
#ifndef LXZONE_FUZZ_JAIL_H
#define LXZONE_FUZZ_JAIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "zone/archive_lazy.h"
#include "zone/fsutil.h"

#define JAIL_PATHS_MAX 256

static struct jail_path {
	char path[512];
	struct stat st;
} jail_paths[JAIL_PATHS_MAX];
static int jail_npaths, jail_nseen;
static const char *jail_io;

/* What a run may change: the extraction's own places, and libFuzzer's. */
static int jail_skip(const char *p)
{
	static const char *const own[] = {
	    "/proc", "/w/root", "/w/in", "/w/tmp", "/w/layout", "/w/warnings",
	};

	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (!strcmp(p, own[i]))
			return 1;
	return jail_io && !strncmp(p, jail_io, strlen(jail_io)) &&
	       (p[strlen(jail_io)] == '/' || p[strlen(jail_io)] == '\0');
}

typedef void (*jail_visit_fn)(const char *path, const struct stat *st);

static void jail_walk(const char *dir, jail_visit_fn visit)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char p[512];
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", strcmp(dir, "/") ? dir : "", de->d_name);
		if (jail_skip(p) || lstat(p, &st) < 0)
			continue;
		visit(p, &st);
		if (S_ISDIR(st.st_mode))
			jail_walk(p, visit);
	}
	closedir(d);
}

static void jail_record(const char *p, const struct stat *st)
{
	if (jail_npaths == JAIL_PATHS_MAX)
		abort();
	snprintf(jail_paths[jail_npaths].path, sizeof(jail_paths[0].path), "%s", p);
	jail_paths[jail_npaths++].st = *st;
}

static int jail_stat_changed(const struct stat *o, const struct stat *n)
{
	return o->st_ino != n->st_ino || o->st_mode != n->st_mode || o->st_uid != n->st_uid ||
	       o->st_gid != n->st_gid || o->st_nlink != n->st_nlink || o->st_size != n->st_size ||
	       (!S_ISDIR(n->st_mode) && (o->st_mtim.tv_sec != n->st_mtim.tv_sec ||
					 o->st_mtim.tv_nsec != n->st_mtim.tv_nsec));
}

static void jail_compare(const char *p, const struct stat *st)
{
	for (int i = 0; i < jail_npaths; i++) {
		if (strcmp(jail_paths[i].path, p))
			continue;
		if (jail_stat_changed(&jail_paths[i].st, st)) {
			fprintf(stderr, "JAIL: %s changed outside the root\n", p);
			abort();
		}
		jail_nseen++;
		return;
	}
	fprintf(stderr, "JAIL: %s appeared outside the root\n", p);
	abort();
}

/* After every input: nothing outside the root changed. */
static void jail_check(void)
{
	char buf[64] = {0};
	int fd;

	jail_nseen = 0;
	jail_walk("/", jail_compare);
	if (jail_nseen != jail_npaths) {
		fprintf(stderr, "JAIL: %d of %d paths outside the root vanished\n",
			jail_npaths - jail_nseen, jail_npaths);
		abort();
	}
	fd = open("/w/sentinel/victim", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) < 0 || strcmp(buf, "original\n")) {
		fprintf(stderr, "JAIL: /w/sentinel/victim changed\n");
		abort();
	}
	close(fd);
}

/* From LLVMFuzzerInitialize (below): chroot into $FUZZ_JAIL (jail.sh sets it) and record it. */
static void jail_enter(void)
{
	const char *j = getenv("FUZZ_JAIL");

	if (j == NULL) {
		fputs("FUZZ_JAIL is not set: run the target through tests/fuzz/jail.sh\n", stderr);
		exit(2);
	}
	jail_io = getenv("FUZZ_IO");
	/* before the chroot: libarchive is dlopen'ed, jansson seeds its hash from /dev/urandom */
	zone_archive_load();
	json_decref(json_object());
	if (chroot(j) < 0 || chdir("/") < 0) {
		perror("chroot");
		exit(2);
	}
	setenv("TMPDIR", "/w/tmp", 1);
	jail_walk("/", jail_record);
	fprintf(stderr, "jail: %d paths recorded\n", jail_npaths);
}

/* FUZZ_VERBOSE=1: each input's warnings and error on stderr (set before the first input). */
static int jail_verbose;

/* Where an input's warnings go: stderr when verbose, else /w/warnings, emptied for each input
 * (one stream for the whole run, so the file never grows with the inputs). */
static FILE *jail_warnings(void)
{
	static FILE *f;

	if (jail_verbose)
		return stderr;
	if (f == NULL && (f = fopen("/w/warnings", "w")) == NULL)
		abort();
	rewind(f);
	if (ftruncate(fileno(f), 0) < 0)
		abort();
	return f;
}

/* libFuzzer's entry before the first input: a target that includes this header runs in the
 * jail. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	jail_enter();
	jail_verbose = getenv("FUZZ_VERBOSE") != NULL;
	return 0;
}

/* An empty directory at path (what the previous input left, removed). */
static void jail_fresh_dir(const char *path)
{
	struct zone_error err;

	if (zone_rmtree(path, &err) < 0 && errno != ENOENT) {
		fprintf(stderr, "rmtree %s: %s\n", path, err.msg);
		abort();
	}
	if (mkdir(path, 0755) < 0) {
		perror(path);
		abort();
	}
}

#endif
