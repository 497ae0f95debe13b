/*
 * Where lxzone's own files are: the brand image, lxzone-init, lxzone-idle and the built-in
 * images.  In a build tree they sit beside the binary (<build>/bin) and in <build>/images; an
 * installed lxzone (make install, the Debian package) keeps the helpers in
 * LXZONE_LIBEXECDIR and the images in LXZONE_DATADIR/images, both fixed at configure time.
 * An environment variable, when set, wins over both.
 */
#ifndef LXZONE_ZONE_PATHS_H
#define LXZONE_ZONE_PATHS_H

#include <stddef.h>

/* The helper NAME: $ENV, else beside /proc/self/exe, else in LXZONE_LIBEXECDIR.  Writes the
 * path to buf and returns 0, or -errno (-ENAMETOOLONG; -ENOENT when none of them exists,
 * with the beside-the-binary path in buf, the one a developer expects). */
int zone_own_helper(const char *env, const char *name, char *buf, size_t len);

/* The built-in images' directory: $LXZONE_BUILTIN_IMAGES, else <bin>/../images, else
 * LXZONE_DATADIR/images.  Returns 0 or -errno as above. */
int zone_own_images(char *buf, size_t len);

#endif
