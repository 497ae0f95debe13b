/* Notes on a boot that are not errors: init=auto's fallback, a hidden root/tmp, gettys on ttys
 * the zone lacks (boot_notes.h). */
#include "zone/boot_notes.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/openat2.h"
#include "zone/boot_init.h"
#include "zone/clone.h"
#include "zone/config.h"
#include "zone/fsutil.h"
#include "zone/inittab.h"

/* The layers the zone's root is made of, the top one first (one for a whole root). */
static size_t root_layers(struct zone *z, char *top, size_t len, const char **lower)
{
	const char *lo = zone_overlay_lower(z);

	snprintf(top, len, "%s/%s", zone_path(z), lo ? "upper" : "root");
	*lower = lo;
	return lo ? 2 : 1;
}

/* An executable regular file at path, resolved inside root as the zone would (boot.c's
 * root_has_program). */
static bool has_program(const char *root, const char *path)
{
	cleanup_close int rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	cleanup_close int fd = -1;
	struct stat st;

	if (rfd < 0)
		return false;
	fd = lx_openat2(rfd, path, &how);
	return fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

bool zone_boot_auto_minimal(struct zone *z)
{
	char top[4200];
	const char *lower;
	size_t n = root_layers(z, top, sizeof(top), &lower);

	if (strcmp(zone_config_str(z->config, "init"), "auto") != 0)
		return false;
	return !has_program(top, "/sbin/init") && !(n == 2 && has_program(lower, "/sbin/init"));
}

static unsigned long count_tmp(const char *root)
{
	char p[4200];
	cleanup_closedir DIR *d = NULL;
	struct dirent *de;
	unsigned long n = 0;

	snprintf(p, sizeof(p), "%s/tmp", root);
	if ((d = opendir(p)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	return n;
}

/* The entries of the root's /tmp; where: the layer's tmp directory that has the first. */
static unsigned long hidden_tmp(struct zone *z, char *where, size_t len)
{
	char top[4200];
	const char *lower;
	size_t layers = root_layers(z, top, sizeof(top), &lower);
	unsigned long n = count_tmp(top), m = layers == 2 ? count_tmp(lower) : 0;

	if ((size_t)snprintf(where, len, "%s/tmp", n || !m ? top : lower) >= len)
		where[0] = '\0';
	return n + m;
}

unsigned long zone_boot_hidden_tmp(struct zone *z)
{
	char where[4300];
	return hidden_tmp(z, where, sizeof(where));
}

/* The root's /etc/inittab (the top layer's, else the lower one's), read inside the root as the
 * zone would; at most len bytes.  Its length, or -1 when there is none. */
static ssize_t read_inittab(struct zone *z, char *buf, size_t len)
{
	char top[4200];
	const char *lower;
	size_t layers = root_layers(z, top, sizeof(top), &lower);
	struct open_how how = {.flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};

	for (size_t i = 0; i < layers; i++) {
		cleanup_close int rfd = open(i ? lower : top, O_PATH | O_DIRECTORY | O_CLOEXEC);
		cleanup_close int fd = -1;
		struct stat st;
		size_t n = 0;
		ssize_t r = 0;

		if (rfd < 0 ||
		    (fd = lx_openat2(rfd, "/etc/inittab", &how)) < 0)
			continue;
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
			return -1;
		while (n < len && (r = read(fd, buf + n, len - n)) > 0)
			n += (size_t)r;
		return r < 0 ? -1 : (ssize_t)n;
	}
	return -1;
}

/* An inittab that respawns gettys on ttys the zone lacks (zone/inittab.h): what init reads,
 * for the inits that read one. */
static void warn_inittab_ttys(struct zone *z, FILE *out)
{
	const char *init = zone_config_str(z->config, "init");
	char top[4200], buf[65536], list[ZONE_INITTAB_MAX_TTYS * 9] = "";
	const char *lower;
	unsigned ttys[ZONE_INITTAB_MAX_TTYS];
	unsigned long have = zone_config_u64(z->config, "ttys");
	size_t layers = root_layers(z, top, sizeof(top), &lower), n, used = 0;
	enum zone_init_kind k;
	ssize_t len;

	if (strcmp(init, "minimal") == 0 ||
	    (strcmp(init, "auto") == 0 && zone_boot_auto_minimal(z)))
		return;
	init = strcmp(init, "auto") == 0 ? "/sbin/init" : init;
	k = zone_init_kind_detect(top, init);
	if (k == ZONE_INIT_OTHER && layers == 2)
		k = zone_init_kind_detect(lower, init);
	if ((k != ZONE_INIT_SYSVINIT && k != ZONE_INIT_BUSYBOX) ||
	    (len = read_inittab(z, buf, sizeof(buf))) <= 0)
		return;
	n = zone_inittab_missing_ttys(buf, (size_t)len, have, ttys, ZONE_INITTAB_MAX_TTYS);
	for (size_t i = 0; i < n && used < sizeof(list); i++) /* " tty9999" at most */
		used += (size_t)snprintf(list + used, sizeof(list) - used, " tty%u", ttys[i]);
	if (n > 0)
		fprintf(
		    out,
		    "lxzone: boot %s: warning: /etc/inittab respawns gettys on%s, which the zone "
		    "does not have (ttys=%lu): init will start them again for as long as the zone "
		    "runs; raise ttys or take them out of the inittab\n",
		    z->name, list, have);
}

void zone_boot_warn(struct zone *z, FILE *out)
{
	char where[4300];
	unsigned long n = hidden_tmp(z, where, sizeof(where));

	warn_inittab_ttys(z, out);

	if (n > 0)
		fprintf(out,
			"lxzone: boot %s: warning: %s holds %lu entr%s the zone will not see "
			"(its /tmp is a new tmpfs at every boot): put them elsewhere in the root\n",
			z->name, where, n, n == 1 ? "y" : "ies");
}
