/*
 * libFuzzer target: OCI and Docker image layouts (zone/oci.c), as `lxzone create --image
 * oci:DIR[:TAG]`, `oci-archive:FILE[:TAG]` and `docker-archive:FILE` open them.
 *
 * Feeds: a flag byte, then parts separated by "\n---\n".  flag & 3 is the kind:
 *   0  oci:DIR, laid out in /w/layout: part 0 is index.json;
 *   1  oci-archive: the same layout, tarred to /w/in;
 *   2  docker-archive: part 0 is manifest.json, tarred to /w/in;
 *   3  oci-archive of the raw bytes after the flag (the fuzzer writes the tar itself).
 * flag & 4 asks for the tag "latest".  Each part k >= 1 is stored under three names, so the
 * fuzzer need not guess one: blobs/sha256/<its sha256>, <sha256>.json and layer<k>.tar.
 * Digests cannot be guessed either: in part i, "$Dk" becomes "sha256:<hex of part k>", "$Hk"
 * that hex and "$Sk" part k's size, for every k > i (parts are resolved from the last).
 *
 * When the image opens, its runtime JSON is built (zone_oci_runtime) and its layers applied
 * into /w/root (zone_oci_apply), in the jail of fuzz_jail.h.
 *
 * Checks: nothing outside the root changed (jail_check), nothing left behind in TMPDIR (the
 * unpacked archive's temporary directory), what ASan and UBSan see.  Runs as root in a
 * private mount namespace: tests/fuzz/jail.sh.
 *
 * FUZZ_VERBOSE=1 prints each input's fate, its runtime JSON and the warnings on stderr.
 */
#include "fuzz_jail.h"

#include <archive.h>
#include <archive_entry.h>
#include <nettle/sha2.h>
#include <stdint.h>

#include "zone/extract.h"
#include "zone/oci.h"

#define PARTS_MAX 10

struct part {
	char *data;
	size_t len;
	char hex[2 * SHA256_DIGEST_SIZE + 1];
};

static const char layout_json[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
static void part_hash(struct part *p)
{
	struct sha256_ctx c;
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_init(&c);
	sha256_update(&c, p->len, (const uint8_t *)p->data);
	sha256_digest(&c, sizeof(d), d);
	for (size_t i = 0; i < sizeof(d); i++)
		sprintf(p->hex + 2 * i, "%02x", d[i]);
}

static void grow(char **buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return;
	*cap = need * 2;
	*buf = realloc(*buf, *cap);
	if (*buf == NULL)
		abort();
}

/* Part self's "$Dk", "$Hk", "$Sk" (self < k < n) replaced by part k's digest, hex, size. */
static void part_resolve(struct part *parts, int self, int n)
{
	struct part *p = &parts[self];
	size_t cap = 0, o = 0;
	char *out = NULL;

	grow(&out, &cap, p->len + 1);
	for (size_t i = 0; i < p->len;) {
		int ref = p->data[i] == '$' && i + 2 < p->len && p->data[i + 1] != '\0' &&
			  strchr("DHS", p->data[i + 1]) != NULL;
		int k = ref ? p->data[i + 2] - '0' : -1;
		char rep[80];
		size_t rl;

		if (!ref || k <= self || k >= n) {
			grow(&out, &cap, o + 1);
			out[o++] = p->data[i++];
			continue;
		}
		if (p->data[i + 1] == 'D')
			snprintf(rep, sizeof(rep), "sha256:%s", parts[k].hex);
		else if (p->data[i + 1] == 'H')
			snprintf(rep, sizeof(rep), "%s", parts[k].hex);
		else
			snprintf(rep, sizeof(rep), "%zu", parts[k].len);
		rl = strlen(rep);
		grow(&out, &cap, o + rl);
		memcpy(out + o, rep, rl);
		o += rl;
		i += 3;
	}
	free(p->data);
	p->data = out;
	p->len = o;
}

static int parts_split(const uint8_t *data, size_t size, struct part *parts)
{
	const char *p = (const char *)data, *end = p + size;
	int n = 0;

	while (n < PARTS_MAX) {
		const char *sep = memmem(p, (size_t)(end - p), "\n---\n", 5);
		const char *e = sep ? sep : end;

		parts[n].len = (size_t)(e - p);
		parts[n].data = malloc(parts[n].len + 1);
		if (parts[n].data == NULL)
			abort();
		memcpy(parts[n].data, p, parts[n].len);
		n++;
		if (sep == NULL)
			break;
		p = sep + 5;
	}
	for (int i = n - 1; i >= 0; i--) {
		part_resolve(parts, i, n);
		part_hash(&parts[i]);
	}
	return n;
}

static void file_put(const char *dir, const char *name, const char *data, size_t len)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		abort();
	close(fd);
}

static void tar_put(struct archive *a, const char *name, const char *data, size_t len)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)len);
	if (archive_write_header(a, e) != ARCHIVE_OK)
		abort();
	if (len > 0 && archive_write_data(a, data, len) != (la_ssize_t)len)
		abort();
	archive_entry_free(e);
}

/* Kind 0: the parts as files of /w/layout; 1 and 2: as entries of the tar /w/in. */
static void image_write(int kind, struct part *parts, int n)
{
	struct archive *a = NULL;
	char name[128];

	if (kind == 0) {
		file_put("/w/layout", "oci-layout", layout_json, sizeof(layout_json) - 1);
		file_put("/w/layout", "index.json", parts[0].data, parts[0].len);
		mkdir("/w/layout/blobs", 0755);
		mkdir("/w/layout/blobs/sha256", 0755);
	} else {
		a = archive_write_new();
		archive_write_set_format_pax_restricted(a);
		if (archive_write_open_filename(a, "/w/in") != ARCHIVE_OK)
			abort();
		if (kind == 1) {
			tar_put(a, "oci-layout", layout_json, sizeof(layout_json) - 1);
			tar_put(a, "index.json", parts[0].data, parts[0].len);
		} else {
			tar_put(a, "manifest.json", parts[0].data, parts[0].len);
		}
	}
	for (int i = 1; i < n; i++) {
		const char *const fmt[] = {"blobs/sha256/%s", "%s.json", "layer%d.tar"};

		for (int f = 0; f < 3; f++) {
			if (f < 2)
				snprintf(name, sizeof(name), fmt[f], parts[i].hex);
			else
				snprintf(name, sizeof(name), fmt[f], i);
			if (a)
				tar_put(a, name, parts[i].data, parts[i].len);
			else
				file_put("/w/layout", name, parts[i].data, parts[i].len);
		}
	}
	if (a) {
		archive_write_close(a);
		archive_write_free(a);
	}
}

static void image_use(int kind, const char *tag)
{
	static const enum zone_oci_kind kinds[] = {ZONE_OCI_DIR, ZONE_OCI_ARCHIVE, ZONE_OCI_DOCKER,
						   ZONE_OCI_ARCHIVE};
	struct zone_oci_image img;
	struct zone_error err = {0};
	FILE *warn = jail_warnings();

	if (zone_oci_open(kinds[kind], kind == 0 ? "/w/layout" : "/w/in", tag, &img, &err) == 0) {
		json_t *rt = zone_oci_runtime(&img);
		char *s = json_dumps(rt, JSON_COMPACT);

		if (jail_verbose)
			fprintf(stderr, "opened: %zu layers, runtime %s\n", img.nlayers, s);
		free(s);
		json_decref(rt);
		if (zone_oci_apply(&img, "/w/root", warn, &err) < 0 && jail_verbose)
			fprintf(stderr, "apply: %s\n", err.msg);
		zone_oci_close(&img);
	} else if (jail_verbose) {
		fprintf(stderr, "open: %s\n", err.msg);
	}
	fflush(warn);
}

/* The unpacked archive's temporary directory went with the image. */
static void tmpdir_check(void)
{
	DIR *d = opendir("/w/tmp");
	struct dirent *de;

	while (d && (de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			fprintf(stderr, "left behind in TMPDIR: %s\n", de->d_name);
			abort();
		}
	if (d)
		closedir(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct part parts[PARTS_MAX];
	int kind, n;

	if (size < 1)
		return 0;
	kind = data[0] & 3;
	jail_fresh_dir("/w/layout");
	jail_fresh_dir("/w/root");
	if (kind == 3) {
		file_put("/w", "in", (const char *)data + 1, size - 1);
	} else {
		n = parts_split(data + 1, size - 1, parts);
		image_write(kind, parts, n);
		for (int i = 0; i < n; i++)
			free(parts[i].data);
	}
	image_use(kind, data[0] & 4 ? "latest" : "");
	tmpdir_check();
	jail_check();
	return 0;
}
