/* debian:SUITE[+PKG,PKG...] image sources: a debootstrap root, cached (zone/image_debian.c). */
#ifndef LXZONE_ZONE_IMAGE_DEBIAN_H
#define LXZONE_ZONE_IMAGE_DEBIAN_H

#include "lib/error.h"
#include "zone/progress.h"

#include <stdbool.h>
#include <stddef.h>

struct zone_debian_spec {
	char suite[32];
	char pkgs[1024]; /* comma-separated, as debootstrap --include takes them; "" for none */
};

/* Parses SUITE[+PKG,PKG...] (after "debian:") and the --init choice (NULL, "systemd" or
 * "sysvinit": the packages that init needs are added).  Pure.  0, or -1 with one line in err
 * for an unknown suite, a package name Debian would refuse, or an unknown init. */
int zone_debian_parse(const char *spec, const char *init, struct zone_debian_spec *out,
		      struct zone_error *err);

/* Makes (or finds in the cache) the image for spec with lxzone-debian-image and writes the
 * archive's path to out.  Progress goes to stderr.  0, or -1 with err (the script's last
 * line). */
int zone_debian_image(const struct zone_debian_spec *spec, char *out, size_t len,
		      struct zone_error *err);

/* The progress of an image build, from lxzone-debian-image's standard error: a line "progress
 * NOW END PHASE" (PHASE: debootstrap's, DOWNDEBS...; none: the same as before) moves a bar or
 * prints a percentage line ("debian:bookworm: download packages 50%") under the phase's name;
 * any other line is a message, printed as it is (after the bar's line, on a terminal). */
struct zone_debian_progress {
	char name[48]; /* "debian:SUITE" */
	char phase[32];
	bool started;
	struct zone_progress p;
};
void zone_debian_progress_line(struct zone_debian_progress *dp, const char *line);
void zone_debian_progress_end(struct zone_debian_progress *dp);

#endif
