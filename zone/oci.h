/*
 * OCI and Docker images as zone sources: oci:DIR[:TAG], oci-archive:FILE[:TAG] and
 * docker-archive:FILE.
 *
 * An image is opened and validated whole before anything is written into a zone: index.json
 * (or a docker-archive's manifest.json) picks the manifest, by TAG through the
 * org.opencontainers.image.ref.name annotation or as the only one; the manifest, the config
 * and every layer are checked against their sha256 digest and size (nettle, not a digest of
 * our own), and media types outside the known few are refused. Archives are first unpacked,
 * confined, into a temporary directory by the same extractor as any image
 * (zone/extract.c), which then applies the layers in order with their whiteouts.
 *
 * The config's Env, Entrypoint, Cmd, WorkingDir and User are kept in the zone's state
 * (origin.oci) and are what `lxzone exec` and `lxzone run --from` use when the command line
 * gives none.
 */
#ifndef LXZONE_ZONE_OCI_H
#define LXZONE_ZONE_OCI_H

#include <jansson.h>
#include <sys/stat.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/error.h"

enum zone_oci_kind { ZONE_OCI_NONE, ZONE_OCI_DIR, ZONE_OCI_ARCHIVE, ZONE_OCI_DOCKER };

/*
 * Split an image source. Returns 0 with *kind ZONE_OCI_NONE when src is not one of the three
 * prefixes; otherwise path gets the directory or file and tag the TAG ("" when none: the part
 * after the last ':' is a tag only when the whole does not name an existing file).
 */
int zone_oci_source(const char *src, enum zone_oci_kind *kind, char *path, size_t pathsz, char *tag,
		    size_t tagsz, struct zone_error *err);

/* The source's prefix, "oci", "oci-archive" or "docker-archive". */
const char *zone_oci_kind_name(enum zone_oci_kind kind);

/* Whether dir is an OCI image layout (an oci-layout file and an index.json). */
int zone_oci_is_layout(const char *dir);

/* sha256 of a file as 64 lowercase hex digits, and its size. */
int zone_oci_sha256_fd(int fd, char hex[65], uint64_t *size, struct zone_error *err);

/* A layer whose digest was checked: the descriptor it was read through (zone_oci_apply reads
 * that file, not the path again) and its status before (a write since moves its ctime). */
struct zone_oci_layer {
	char *path; /* beneath the image's dirfd */
	int fd;
	struct stat st;
};

struct zone_oci_image {
	char *tmp;	/* a private directory holding the unpacked archive (as image/), removed
			 * by zone_oci_close; NULL for oci:DIR */
	int dirfd;	/* the layout (or docker-archive) directory */
	json_t *config; /* the image config */
	size_t nlayers;
	struct zone_oci_layer *layers;
};

/* Open and validate an image; on failure nothing is left behind. */
int zone_oci_open(enum zone_oci_kind kind, const char *path, const char *tag,
		  struct zone_oci_image *img, struct zone_error *err);

/* Apply the layers in order into root (an empty directory). */
int zone_oci_apply(const struct zone_oci_image *img, const char *root, FILE *warnings,
		   struct zone_error *err);

/* {"env": [...], "entrypoint": [...], "cmd": [...], "workdir": "...", "user": "..."}, with
 * only the members the config has. */
json_t *zone_oci_runtime(const struct zone_oci_image *img);

void zone_oci_close(struct zone_oci_image *img);

/*
 * The command to run by default: Entrypoint followed by Cmd from a zone state's origin.oci
 * (NULL-terminated, malloc'd array of borrowed strings; NULL when the image gave none or the
 * zone is not from an image). env likewise for Env.
 */
char **zone_oci_default_argv(json_t *state);
char **zone_oci_default_env(json_t *state);
const char *zone_oci_default_str(json_t *state, const char *key);

#endif
