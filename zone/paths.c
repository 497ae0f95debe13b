/* Where lxzone's own files are (paths.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zone/paths.h"

#ifndef LXZONE_LIBEXECDIR
#define LXZONE_LIBEXECDIR "/usr/local/libexec/lxzone"
#endif
#ifndef LXZONE_DATADIR
#define LXZONE_DATADIR "/usr/local/share/lxzone"
#endif

/* The directory of the running binary. */
static int self_dir(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (slash)
		*slash = '\0';
	return 0;
}

static int put(char *buf, size_t len, const char *a, const char *b)
{
	return (size_t)snprintf(buf, len, "%s%s", a, b) >= len ? -ENAMETOOLONG : 0;
}

int zone_own_helper(const char *env, const char *name, char *buf, size_t len)
{
	const char *e = env ? getenv(env) : NULL;
	char dir[PATH_MAX], alt[PATH_MAX];
	int r;

	if (e && *e)
		return put(buf, len, e, "");
	if ((r = self_dir(dir, sizeof(dir))) < 0)
		return r;
	if ((size_t)snprintf(buf, len, "%s/%s", dir, name) >= len)
		return -ENAMETOOLONG;
	if (access(buf, F_OK) == 0)
		return 0;
	if ((size_t)snprintf(alt, sizeof(alt), "%s/%s", LXZONE_LIBEXECDIR, name) < sizeof(alt) &&
	    access(alt, F_OK) == 0)
		return put(buf, len, alt, "");
	return -ENOENT;
}

int zone_own_images(char *buf, size_t len)
{
	const char *e = getenv("LXZONE_BUILTIN_IMAGES");
	char dir[PATH_MAX];
	struct stat st;
	int r;

	if (e && *e)
		return put(buf, len, e, "");
	if ((r = self_dir(dir, sizeof(dir))) < 0)
		return r;
	/* <build>/bin/lxzone -> <build>/images */
	if ((r = put(buf, len, dir, "/../images")) < 0)
		return r;
	if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	if (stat(LXZONE_DATADIR "/images", &st) == 0 && S_ISDIR(st.st_mode))
		return put(buf, len, LXZONE_DATADIR, "/images");
	return 0; /* the build tree's: the error names where a developer would look */
}
