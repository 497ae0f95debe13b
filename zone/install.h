/* Installing a zone's root from a directory (p2v), an archive or a built-in image, and
 * removing it again. */
#ifndef LXZONE_ZONE_INSTALL_H
#define LXZONE_ZONE_INSTALL_H

#include <stdbool.h>
#include <stdio.h>

#include "lib/error.h"
#include "zone/store.h"

struct zone_install_opts {
	bool progress;	/* show progress on stderr (zone/progress.h) */
	FILE *warnings; /* refused archive entries; NULL: stderr */
};

/*
 * Where builtin:NAME lives: $LXZONE_BUILTIN_IMAGES, else images/ next to the directory of
 * the running executable (build/bin/lxzone -> build/images). Prefers the directory
 * NAME/ and falls back to NAME.tar.gz.
 */
int zone_builtin_image(const char *name, char *out, size_t outsz, struct zone_error *err);

/* Install `src` into a configured zone. The zone is `incomplete` until this succeeds. */
int zone_install(struct zone *z, const char *src, const struct zone_install_opts *opts,
		 struct zone_error *err);

/* Remove the root (and overlay layers, snapshots) of an installed or incomplete zone. */
int zone_uninstall(struct zone *z, struct zone_error *err);
/* The same for a zone that zone_remove deletes next (destroy): the layers in the zone's own
 * directory are only renamed out of the way, and zone_remove's one background removal takes
 * them with the rest.  (Each with its own remover, two processes emptied the same tree:
 * every unlink made twice, half of them failing, on the same directories' locks.)  Should
 * zone_remove then fail, the hidden layers stay in the configured zone's directory until it is
 * destroyed. */
int zone_uninstall_before_remove(struct zone *z, struct zone_error *err);

/* Remove what a boot leaves in a zone path beside the layers (the console log and its
 * rotations, exit-status, mounts.boot, the zone page, sockets): for a zone path outside the
 * store, which goes with the zone (uninstall) or the move away from it. */
void zone_path_remove_boot_files(int zpfd);

/* Zones whose overlay lower layer lies inside z's zone path (clones that depend on it). */
int zone_dependents(struct zone *z, char ***names, size_t *n, struct zone_error *err);

#endif
