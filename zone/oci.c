#include "zone/oci.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <nettle/sha2.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/readfile.h"
#include "zone/extract.h"
#include "zone/fsutil.h"

#define REF_NAME "org.opencontainers.image.ref.name"
#define MAX_JSON (16u << 20) /* an index, manifest or config is small; a 4 GB one is an attack */

static const char *const manifest_types[] = {
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    NULL,
};
static const char *const index_types[] = {
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    NULL,
};
static const char *const config_types[] = {
    "application/vnd.oci.image.config.v1+json",
    "application/vnd.docker.container.image.v1+json",
    NULL,
};
/* libarchive's filters tell gzip, zstd and plain tar apart by content; the media type is
 * only checked to be one of the layer types. */
static const char *const layer_types[] = {
    "application/vnd.oci.image.layer.v1.tar",
    "application/vnd.oci.image.layer.v1.tar+gzip",
    "application/vnd.oci.image.layer.v1.tar+zstd",
    "application/vnd.oci.image.layer.nondistributable.v1.tar",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
    "application/vnd.docker.image.rootfs.diff.tar",
    "application/vnd.docker.image.rootfs.diff.tar.gzip",
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
    NULL,
};

static const struct {
	const char *prefix;
	enum zone_oci_kind kind;
	bool tagged;
} prefixes[] = {
    {"oci:", ZONE_OCI_DIR, true},
    {"oci-archive:", ZONE_OCI_ARCHIVE, true},
    {"docker-archive:", ZONE_OCI_DOCKER, false},
};

static bool in_list(const char *s, const char *const *list)
{
	for (; s != NULL && *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

const char *zone_oci_kind_name(enum zone_oci_kind kind)
{
	static const char *const names[] = {[ZONE_OCI_NONE] = "",
					    [ZONE_OCI_DIR] = "oci",
					    [ZONE_OCI_ARCHIVE] = "oci-archive",
					    [ZONE_OCI_DOCKER] = "docker-archive"};
	return names[kind];
}

int zone_oci_source(const char *src, enum zone_oci_kind *kind, char *path, size_t pathsz, char *tag,
		    size_t tagsz, struct zone_error *err)
{
	*kind = ZONE_OCI_NONE;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i].prefix);
		const char *rest = src + n, *colon;
		struct stat st;
		if (strncmp(src, prefixes[i].prefix, n) != 0)
			continue;
		*kind = prefixes[i].kind;
		tag[0] = '\0';
		if (strlen(rest) >= pathsz)
			return zone_error_set(err, ENAMETOOLONG, "%s", src);
		strcpy(path, rest);
		colon = strrchr(rest, ':');
		if (prefixes[i].tagged && colon != NULL && strchr(colon, '/') == NULL &&
		    stat(rest, &st) < 0) {
			if (strlen(colon + 1) >= tagsz)
				return zone_error_set(err, ENAMETOOLONG, "%s: tag", src);
			strcpy(tag, colon + 1);
			path[colon - rest] = '\0';
		}
		if (path[0] == '\0')
			return zone_error_set(err, 0, "%s: no path after %s", src,
					      prefixes[i].prefix);
		return 0;
	}
	return 0;
}

int zone_oci_is_layout(const char *dir)
{
	cleanup_close int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd >= 0 && faccessat(fd, "oci-layout", F_OK, 0) == 0 &&
	       faccessat(fd, "index.json", F_OK, 0) == 0;
}

/* The digest ctx has taken in, as 64 lowercase hex digits. */
static void sha256_hex(struct sha256_ctx *ctx, char hex[65])
{
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_digest(ctx, sizeof(d), d);
	for (size_t i = 0; i < sizeof(d); i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

int zone_oci_sha256_fd(int fd, char hex[65], uint64_t *size, struct zone_error *err)
{
	struct sha256_ctx ctx;
	char buf[1 << 16];
	ssize_t n;
	uint64_t total = 0;

	sha256_init(&ctx);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return zone_error_set(err, errno, "read");
		sha256_update(&ctx, (size_t)n, (const uint8_t *)buf);
		total += (uint64_t)n;
	}
	sha256_hex(&ctx, hex);
	*size = total;
	return 0;
}

/* A regular file beneath the image directory: `..` and symlinks never lead out of it (an
 * unpacked archive is as untrusted as the archive). O_NONBLOCK because the archive can plant a
 * FIFO under a blob's name, and opening a FIFO for reading waits for a writer that never
 * comes; what is not a regular file is then refused. */
static int open_beneath(int dirfd, const char *path, struct stat *stp, struct zone_error *err)
{
	int fd = zone_openat2(dirfd, path, O_RDONLY | O_NONBLOCK,
			      RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
	struct stat st;

	if (fd < 0)
		return zone_error_set(err, errno, "%s", path);
	if (fstat(fd, &st) < 0) {
		zone_error_set(err, errno, "%s", path);
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return zone_error_set(err, 0, "%s: not a regular file", path);
	}
	if (stp)
		*stp = st;
	return fd;
}

/* "sha256:HEX" -> blobs/sha256/HEX; anything else is not a digest this reader takes. */
static int blob_path(const char *digest, char *out, size_t outsz)
{
	if (digest == NULL || strncmp(digest, "sha256:", 7) != 0 || strlen(digest + 7) != 64 ||
	    strspn(digest + 7, "0123456789abcdef") != 64)
		return -1;
	snprintf(out, outsz, "blobs/sha256/%s", digest + 7);
	return 0;
}

/* got (64 hex digits) and n, what a file gave, against hex and size (when size >= 0). */
static int check_digest(const char *path, const char *got, uint64_t n, const char *hex,
			json_int_t size, struct zone_error *err)
{
	if (size >= 0 && (uint64_t)size != n)
		return zone_error_set(err, 0, "%s: size %llu, the descriptor says %lld", path,
				      (unsigned long long)n, (long long)size);
	if (strcmp(got, hex) != 0)
		return zone_error_set(err, 0, "%s: digest mismatch: sha256:%s, expected sha256:%s",
				      path, got, hex);
	return 0;
}

/* The file at path, checked against hex (and size, when size >= 0): the descriptor that was
 * checked, kept for the layer's use, so that what is applied is the file whose digest was
 * taken (a file renamed over the path after the check is never read), with its status from
 * before the digest (*stp), which zone_oci_apply compares after; -1 on error.  One descriptor
 * per layer stays open until zone_oci_close: an image of more layers than the open-file limit
 * allows fails with EMFILE on the layer that does not fit. */
static int open_checked(int dirfd, const char *path, const char *hex, json_int_t size,
			struct stat *stp, struct zone_error *err)
{
	int fd = open_beneath(dirfd, path, stp, err);
	char got[65];
	uint64_t n;

	if (fd < 0)
		return -1;
	if (zone_oci_sha256_fd(fd, got, &n, err) < 0) {
		zone_error_wrap(err, "%s", path);
		close(fd);
		return -1;
	}
	if (check_digest(path, got, n, hex, size, err) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Read and parse a JSON file beneath dirfd; with hex, check its digest first.  The file is
 * read once: the bytes parsed are the bytes whose digest was taken. */
static json_t *load_json(int dirfd, const char *path, const char *hex, json_int_t size,
			 struct zone_error *err)
{
	struct stat st;
	cleanup_close int fd = open_beneath(dirfd, path, &st, err);
	cleanup_free char *buf = NULL;
	size_t len;
	ssize_t r;
	json_error_t je;
	json_t *j;

	if (fd < 0)
		return NULL;
	if ((uint64_t)st.st_size > MAX_JSON) {
		zone_error_set(err, 0, "%s: not a JSON file of at most 16 MiB", path);
		return NULL;
	}
	/* st_size + 1: a file that grew since fstat is seen to be longer than it was */
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		zone_error_set(err, ENOMEM, "%s", path);
		return NULL;
	}
	if ((r = zone_read_all(fd, buf, (size_t)st.st_size + 1)) < 0) {
		zone_error_set(err, errno, "%s: read", path);
		return NULL;
	}
	len = (size_t)r;
	if (len != (size_t)st.st_size) {
		zone_error_set(err, 0, "%s: changed while it was read", path);
		return NULL;
	}
	if (hex != NULL) {
		struct sha256_ctx ctx;
		char got[65];

		sha256_init(&ctx);
		sha256_update(&ctx, len, (const uint8_t *)buf);
		sha256_hex(&ctx, got);
		if (check_digest(path, got, len, hex, size, err) < 0)
			return NULL;
	}
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (j == NULL)
		zone_error_set(err, 0, "%s: bad JSON: line %d: %s", path, je.line, je.text);
	return j;
}

/* A descriptor's blob, checked; the JSON ones parsed (json != NULL), the others (a layer)
 * kept open in *fdp with its status in *stp. */
static int descriptor(int dirfd, json_t *desc, const char *const *types, const char *what,
		      char *path, size_t pathsz, json_t **json, int *fdp, struct stat *stp,
		      struct zone_error *err)
{
	const char *mt = json_string_value(json_object_get(desc, "mediaType"));
	const char *digest = json_string_value(json_object_get(desc, "digest"));
	json_t *size = json_object_get(desc, "size");

	if (!json_is_object(desc))
		return zone_error_set(err, 0, "%s: not a descriptor object", what);
	if (!in_list(mt, types))
		return zone_error_set(err, 0, "%s: unsupported media type %s", what,
				      mt ? mt : "(none)");
	if (blob_path(digest, path, pathsz) < 0)
		return zone_error_set(err, 0, "%s: bad digest %s (only sha256:HEX)", what,
				      digest ? digest : "(none)");
	if (!json_is_integer(size) || json_integer_value(size) < 0)
		return zone_error_set(err, 0, "%s: no size", what);
	if (json == NULL)
		return (*fdp = open_checked(dirfd, path, digest + 7, json_integer_value(size), stp,
					    err)) < 0
			   ? zone_error_wrap(err, "%s", what)
			   : 0;
	*json = load_json(dirfd, path, digest + 7, json_integer_value(size), err);
	return *json ? 0 : zone_error_wrap(err, "%s", what);
}

/* The manifest descriptor in an index: the one whose ref.name is tag, or the only one. */
static json_t *pick(json_t *index, const char *tag, const char *what, struct zone_error *err)
{
	json_t *m = json_object_get(index, "manifests"), *d, *found = NULL;
	size_t i, n = json_array_size(m);

	if (!json_is_array(m) || n == 0) {
		zone_error_set(err, 0, "%s: no manifests", what);
		return NULL;
	}
	if (tag[0] == '\0') {
		if (n == 1)
			return json_array_get(m, 0);
		/* an image index of several platforms: take this machine's */
		json_array_foreach(m, i, d)
		{
			json_t *p = json_object_get(d, "platform");
			const char *arch = json_string_value(json_object_get(p, "architecture"));
			const char *os = json_string_value(json_object_get(p, "os"));
			if (arch && os && !strcmp(arch, "amd64") && !strcmp(os, "linux"))
				return d;
		}
		zone_error_set(err, 0, "%s: %zu manifests; name one with :TAG", what, n);
		return NULL;
	}
	json_array_foreach(m, i, d)
	{
		const char *ref =
		    json_string_value(json_object_get(json_object_get(d, "annotations"), REF_NAME));
		if (ref != NULL && strcmp(ref, tag) == 0) {
			if (found != NULL) {
				zone_error_set(err, 0, "%s: tag %s names several manifests", what,
					       tag);
				return NULL;
			}
			found = d;
		}
	}
	if (found == NULL)
		zone_error_set(err, 0, "%s: no manifest tagged %s", what, tag);
	return found;
}

/* A checked layer: its path, its descriptor (which img owns from here: closed on error) and
 * its status from before the check. */
static int add_layer(struct zone_oci_image *img, const char *path, int fd, const struct stat *st,
		     struct zone_error *err)
{
	struct zone_oci_layer *l = realloc(img->layers, (img->nlayers + 1) * sizeof(*l));
	char *p = l ? strdup(path) : NULL;

	if (l)
		img->layers = l;
	if (p == NULL) {
		close(fd);
		return zone_error_set(err, ENOMEM, "%s", path);
	}
	l[img->nlayers++] = (struct zone_oci_layer){.path = p, .fd = fd, .st = *st};
	return 0;
}

/* Whether a layer's file is as it was before its digest was taken: its size and change time
 * (any write to it, by whoever may write it, moves the ctime). */
static int layer_unchanged(const struct zone_oci_layer *l, struct zone_error *err)
{
	struct stat st;

	if (fstat(l->fd, &st) < 0)
		return zone_error_set(err, errno, "%s", l->path);
	if (st.st_size != l->st.st_size || st.st_ctim.tv_sec != l->st.st_ctim.tv_sec ||
	    st.st_ctim.tv_nsec != l->st.st_ctim.tv_nsec)
		return zone_error_set(err, 0, "%s: changed after its digest was checked", l->path);
	return 0;
}

static int open_layout(struct zone_oci_image *img, const char *tag, struct zone_error *err)
{
	json_t *index = NULL, *manifest = NULL, *desc, *l;
	char path[128];
	size_t i;
	int ret = -1;
	json_t *layout = load_json(img->dirfd, "oci-layout", NULL, -1, err);

	bool ok;

	if (layout == NULL)
		return zone_error_wrap(err, "not an OCI image layout");
	ok = json_string_value(json_object_get(layout, "imageLayoutVersion")) != NULL;
	json_decref(layout);
	if (!ok)
		return zone_error_set(err, 0, "oci-layout: no imageLayoutVersion");
	if ((index = load_json(img->dirfd, "index.json", NULL, -1, err)) == NULL)
		return -1;
	if ((desc = pick(index, tag, "index.json", err)) == NULL)
		goto out;
	/* one level of image index (a multi-platform image) */
	if (in_list(json_string_value(json_object_get(desc, "mediaType")), index_types)) {
		json_t *sub = NULL;
		if (descriptor(img->dirfd, desc, index_types, "image index", path, sizeof(path),
			       &sub, NULL, NULL, err) < 0)
			goto out;
		json_decref(index);
		index = sub;
		if ((desc = pick(index, "", "image index", err)) == NULL)
			goto out;
	}
	if (descriptor(img->dirfd, desc, manifest_types, "manifest", path, sizeof(path), &manifest,
		       NULL, NULL, err) < 0 ||
	    descriptor(img->dirfd, json_object_get(manifest, "config"), config_types, "config",
		       path, sizeof(path), &img->config, NULL, NULL, err) < 0)
		goto out;
	if (!json_is_array(json_object_get(manifest, "layers"))) {
		zone_error_set(err, 0, "manifest: no layers");
		goto out;
	}
	json_array_foreach(json_object_get(manifest, "layers"), i, l)
	{
		char what[32];
		snprintf(what, sizeof(what), "layer %zu", i + 1);
		int fd = -1;
		struct stat st;
		if (descriptor(img->dirfd, l, layer_types, what, path, sizeof(path), NULL, &fd, &st,
			       err) < 0 ||
		    add_layer(img, path, fd, &st, err) < 0)
			goto out;
	}
	ret = 0;
out:
	json_decref(manifest);
	json_decref(index);
	return ret;
}

/* A docker-archive (docker save): manifest.json lists Config and Layers by path; the config
 * file's name (or its blobs/sha256/ path) is its digest and rootfs.diff_ids are the layers'. */
static int open_docker(struct zone_oci_image *img, struct zone_error *err)
{
	json_t *list = load_json(img->dirfd, "manifest.json", NULL, -1, err), *m, *layers, *ids, *l;
	char clean[4096], hex[65];
	const char *cfg, *base;
	size_t i;
	int ret = -1;

	if (list == NULL)
		return zone_error_wrap(err, "not a docker-archive");
	if (!json_is_array(list) || json_array_size(list) != 1) {
		zone_error_set(err, 0, "manifest.json: %zu images; only one is taken",
			       json_array_size(list));
		goto out;
	}
	m = json_array_get(list, 0);
	cfg = json_string_value(json_object_get(m, "Config"));
	layers = json_object_get(m, "Layers");
	if (cfg == NULL || !json_is_array(layers) ||
	    zone_extract_clean_name(cfg, clean, sizeof(clean)) < 0) {
		zone_error_set(err, 0, "manifest.json: no Config or Layers");
		goto out;
	}
	base = strrchr(clean, '/') ? strrchr(clean, '/') + 1 : clean;
	if (strlen(base) < 64 || strspn(base, "0123456789abcdef") != 64 ||
	    (base[64] != '\0' && strcmp(base + 64, ".json") != 0)) {
		zone_error_set(err, 0, "%s: the config's name is not its digest", clean);
		goto out;
	}
	memcpy(hex, base, 64);
	hex[64] = '\0';
	if ((img->config = load_json(img->dirfd, clean, hex, -1, err)) == NULL)
		goto out;
	ids = json_object_get(json_object_get(img->config, "rootfs"), "diff_ids");
	if (json_array_size(ids) != json_array_size(layers)) {
		zone_error_set(err, 0, "%s: %zu diff_ids for %zu layers", clean,
			       json_array_size(ids), json_array_size(layers));
		goto out;
	}
	json_array_foreach(layers, i, l)
	{
		const char *p = json_string_value(l);
		const char *id = json_string_value(json_array_get(ids, i));
		char bp[128];
		if (p == NULL || zone_extract_clean_name(p, clean, sizeof(clean)) < 0 ||
		    blob_path(id, bp, sizeof(bp)) < 0) {
			zone_error_set(err, 0, "manifest.json: layer %zu: bad path or diff_id",
				       i + 1);
			goto out;
		}
		/* docker save writes its layers uncompressed: the file is its diff_id */
		struct stat st;
		int fd = open_checked(img->dirfd, clean, id + 7, -1, &st, err);
		if (fd < 0 || add_layer(img, clean, fd, &st, err) < 0) {
			zone_error_wrap(err, "layer %zu", i + 1);
			goto out;
		}
	}
	ret = 0;
out:
	json_decref(list);
	return ret;
}

int zone_oci_open(enum zone_oci_kind kind, const char *path, const char *tag,
		  struct zone_oci_image *img, struct zone_error *err)
{
	const char *dir = path;
	cleanup_free char *image = NULL;

	memset(img, 0, sizeof(*img));
	img->dirfd = -1;
	if (kind != ZONE_OCI_DIR) {
		const char *t = getenv("TMPDIR");
		struct zone_extract_opts eo = {.warnings = stderr};
		if (asprintf(&img->tmp, "%s/lxzone-image.XXXXXX", t && *t ? t : "/var/tmp") < 0) {
			img->tmp = NULL;
			return zone_error_set(err, ENOMEM, "%s", path);
		}
		if (mkdtemp(img->tmp) == NULL) {
			zone_error_set(err, errno, "%s", img->tmp);
			free(img->tmp);
			img->tmp = NULL;
			return -1;
		}
		/* Into a directory beneath the private one: the archive's "./" entry sets the mode
		 * of the directory it is unpacked into, and 0777 there would let any local user
		 * swap a blob between its digest check and its use. */
		if (asprintf(&image, "%s/image", img->tmp) < 0) {
			image = NULL;
			zone_error_set(err, ENOMEM, "%s", path);
			goto fail;
		}
		if (mkdir(image, 0700) < 0) {
			zone_error_set(err, errno, "%s", image);
			goto fail;
		}
		if (zone_extract_archive(path, image, &eo, NULL, err) < 0)
			goto fail;
		dir = image;
	}
	img->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (img->dirfd < 0) {
		zone_error_set(err, errno, "%s", path);
		goto fail;
	}
	if ((kind == ZONE_OCI_DOCKER ? open_docker(img, err) : open_layout(img, tag, err)) < 0)
		goto fail;
	if (!json_is_object(img->config)) {
		zone_error_set(err, 0, "config: not an object");
		goto fail;
	}
	return 0;
fail:
	zone_oci_close(img);
	return zone_error_wrap(err, "%s:%s", zone_oci_kind_name(kind), path);
}

int zone_oci_apply(const struct zone_oci_image *img, const char *root, FILE *warnings,
		   struct zone_error *err)
{
	for (size_t i = 0; i < img->nlayers; i++) {
		char fdpath[64];
		struct zone_extract_stats st;
		struct zone_extract_opts eo = {.warnings = warnings};

		/* the descriptor whose digest was checked, opened again through its magic link
		 * (the same file, a read position of its own), never the path */
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", img->layers[i].fd);
		eo.layer = ZONE_EXTRACT_WHITEOUTS;
		if (zone_extract_archive(fdpath, root, &eo, &st, err) < 0)
			return zone_error_wrap(err, "layer %zu", i + 1);
		eo.layer = ZONE_EXTRACT_CONTENT;
		if (zone_extract_archive(fdpath, root, &eo, &st, err) < 0 ||
		    layer_unchanged(&img->layers[i], err) < 0)
			return zone_error_wrap(err, "layer %zu", i + 1);
		if (st.refused > 0 && warnings)
			fprintf(warnings, "lxzone: layer %zu: refused %llu unsafe entries\n", i + 1,
				(unsigned long long)st.refused);
	}
	return 0;
}

json_t *zone_oci_runtime(const struct zone_oci_image *img)
{
	static const struct {
		const char *from, *to;
	} keys[] = {{"Env", "env"},
		    {"Entrypoint", "entrypoint"},
		    {"Cmd", "cmd"},
		    {"WorkingDir", "workdir"},
		    {"User", "user"}};
	json_t *c = json_object_get(img->config, "config"), *out = json_object();

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		json_t *v = json_object_get(c, keys[i].from), *e;
		size_t j;
		bool ok = json_is_array(v);
		json_array_foreach(v, j, e) ok = ok && json_is_string(e);
		if (ok || (json_is_string(v) && json_string_length(v) > 0))
			json_object_set(out, keys[i].to, v);
	}
	return out;
}

void zone_oci_close(struct zone_oci_image *img)
{
	struct zone_error ignored;

	if (img->dirfd >= 0)
		close(img->dirfd);
	img->dirfd = -1;
	if (img->tmp != NULL)
		zone_rmtree(img->tmp, &ignored);
	free(img->tmp);
	img->tmp = NULL;
	json_decref(img->config);
	img->config = NULL;
	for (size_t i = 0; i < img->nlayers; i++) {
		free(img->layers[i].path);
		close(img->layers[i].fd);
	}
	free(img->layers);
	img->layers = NULL;
	img->nlayers = 0;
}

static json_t *oci_of(json_t *state)
{
	return json_object_get(json_object_get(state, "origin"), "oci");
}

static size_t append(char **out, size_t n, json_t *arr)
{
	size_t i;
	json_t *e;
	json_array_foreach(arr, i, e) if (json_is_string(e)) out[n++] =
	    (char *)json_string_value(e);
	return n;
}

char **zone_oci_default_argv(json_t *state)
{
	json_t *o = oci_of(state);
	json_t *ep = json_object_get(o, "entrypoint"), *cmd = json_object_get(o, "cmd");
	size_t n = json_array_size(ep) + json_array_size(cmd);
	char **argv;

	if (n == 0 || (argv = calloc(n + 1, sizeof(*argv))) == NULL)
		return NULL;
	append(argv, append(argv, 0, ep), cmd);
	return argv;
}

char **zone_oci_default_env(json_t *state)
{
	json_t *env = json_object_get(oci_of(state), "env");
	char **out;

	if (json_array_size(env) == 0 ||
	    (out = calloc(json_array_size(env) + 1, sizeof(*out))) == NULL)
		return NULL;
	append(out, 0, env);
	return out;
}

const char *zone_oci_default_str(json_t *state, const char *key)
{
	return json_string_value(json_object_get(oci_of(state), key));
}
