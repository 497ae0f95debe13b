/* debian:SUITE[+PKG,PKG...] image sources: a debootstrap root, cached (zone/image_debian.c). */
#ifndef LXZONE_ZONE_IMAGE_DEBIAN_H
#define LXZONE_ZONE_IMAGE_DEBIAN_H

#include "lib/error.h"

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

#endif
