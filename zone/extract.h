/*
 * Extraction of an untrusted archive (tar, tar.gz, tar.xz, tar.zst, cpio: whatever libarchive
 * reads) into a zone root.
 *
 * libarchive only reads; every write is done here, relative to a directory fd on the zone
 * root, and every path is resolved with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS): the
 * root acts as "/" for the lookup, so `..` stops at the root and symlinks (absolute or
 * relative, planted by an earlier entry or not) resolve inside it. The final component is
 * always created with O_EXCL / O_NOFOLLOW against the resolved parent, so a symlink in place
 * of a file is replaced, never written through. The "symlink, then a file beneath it" trick
 * therefore lands inside the root, as the zone itself would see that path.
 *
 * Entries are refused (skipped, counted and reported) when their name contains a `..`
 * component or when they are block or character devices (a zone gets a minimal /dev at
 * boot). Absolute names are confined: the leading '/' is dropped. Symlinks are stored as they
 * are: they only mean something inside the zone, where "/" is the zone root. Setuid and
 * setgid bits are kept, as an image needs them for su and passwd; a zone has no
 * capabilities beyond its set, so they do not reach the host.
 */
#ifndef LXZONE_ZONE_EXTRACT_H
#define LXZONE_ZONE_EXTRACT_H

#include <stdint.h>
#include <stdio.h>

#include "lib/error.h"

struct zone_extract_stats {
	uint64_t entries, files, dirs, links, hardlinks, bytes;
	uint64_t refused;   /* entries skipped as unsafe */
	uint64_t devices;   /* device nodes skipped: a zone's /dev is made at boot, not taken from
			     * the image (every debootstrap image has a few) */
	uint64_t whiteouts; /* OCI whiteouts applied (files removed, directories made opaque) */
};

/*
 * An OCI image layer is applied in two passes over its tar (zone/oci.c): first its whiteouts
 * (".wh.NAME" removes NAME, ".wh..wh..opq" empties its directory), which by the image spec
 * only ever hide what lower layers put there, then its content with the whiteout entries
 * left out. Two passes make the result independent of where in the tar a whiteout sits.
 */
enum zone_extract_layer {
	ZONE_EXTRACT_ALL = 0,	/* a plain archive: every entry, no whiteouts */
	ZONE_EXTRACT_WHITEOUTS, /* apply only the whiteout entries */
	ZONE_EXTRACT_CONTENT,	/* every entry but the whiteouts; an empty layer is fine; a
				 * directory where the entry goes is removed whole */
};

struct zone_extract_opts {
	FILE *warnings; /* one line per refused entry; NULL: quiet */
	void (*progress)(uint64_t done, uint64_t total, void *arg);
	void *progress_arg;
	enum zone_extract_layer layer;
};

/* Extract the archive at `path` (a file, or a FIFO) into the directory `root`. */
int zone_extract_archive(const char *path, const char *root, const struct zone_extract_opts *opts,
			 struct zone_extract_stats *stats, struct zone_error *err);

/*
 * Normalize an archive entry name: drop leading '/' and "./" parts, collapse "//" and "/./".
 * Returns 0 and writes the result ("" for the root itself), or -1 if the name has a ".."
 * component or is too long. Exposed for the unit tests.
 */
int zone_extract_clean_name(const char *name, char *out, size_t outsz);

#endif
