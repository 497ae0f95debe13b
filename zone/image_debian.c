/*
 * debian:SUITE[+PKG,PKG...] image sources (`lxzone create NAME --image debian:bookworm`).
 *
 * The root is made by debootstrap (variant minbase) from the mirror the host's apt uses, read
 * from its sources at run time, and cached as a tar.zst keyed by suite and package list
 * (lxzone-debian-image, images/debian-image.sh, does the work and the cache).  Everything that
 * can be refused is refused here first, in one line, before any download and before the zone
 * exists: an unknown suite, a package name Debian's policy would not allow, an unknown init.
 */
#include "zone/image_debian.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zone/paths.h"

/* the suites deb.debian.org serves (oldstable, stable, testing) */
static const char *const suites[] = {"bullseye", "bookworm", "trixie"};

/* what an init needs in a minbase root */
static const struct {
	const char *init, *pkgs;
} inits[] = {
    {"systemd", "systemd-sysv,dbus"},
    {"sysvinit", "sysvinit-core"},
};

/* Debian policy 5.6.1: lower case letters, digits, + - . ; two or more; alphanumeric first */
static int pkg_name_ok(const char *p, size_t n)
{
	if (n < 2 || !((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= '0' && p[0] <= '9')))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '+' ||
		      p[i] == '-' || p[i] == '.'))
			return 0;
	return 1;
}

static int add_pkgs(struct zone_debian_spec *out, const char *list, size_t len,
		    struct zone_error *err)
{
	if (len == 0)
		return zone_error_set(err, 0, "bad package name '' (empty list after '+')");
	for (const char *p = list, *end = list + len; p < end;) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		size_t n = c ? (size_t)(c - p) : (size_t)(end - p);
		size_t have = strlen(out->pkgs);

		if (!pkg_name_ok(p, n))
			return zone_error_set(err, 0, "bad package name '%.*s'", (int)n, p);
		if (have + n + 2 > sizeof(out->pkgs))
			return zone_error_set(err, 0, "too many packages");
		snprintf(out->pkgs + have, sizeof(out->pkgs) - have, "%s%.*s", have ? "," : "",
			 (int)n, p);
		p += n + 1;
	}
	return 0;
}

int zone_debian_parse(const char *spec, const char *init, struct zone_debian_spec *out,
		      struct zone_error *err)
{
	const char *plus = strchr(spec, '+');
	size_t n = plus ? (size_t)(plus - spec) : strlen(spec);
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		if (strlen(suites[i]) == n && strncmp(spec, suites[i], n) == 0)
			break;
	if (i == sizeof(suites) / sizeof(suites[0]))
		return zone_error_set(err, 0,
				      "unknown Debian suite '%.*s' (known: bullseye, bookworm, "
				      "trixie)",
				      (int)n, spec);
	snprintf(out->suite, sizeof(out->suite), "%s", suites[i]);
	if (plus && add_pkgs(out, plus + 1, strlen(plus + 1), err) < 0)
		return -1;
	if (init) {
		for (i = 0; i < sizeof(inits) / sizeof(inits[0]); i++)
			if (strcmp(init, inits[i].init) == 0)
				break;
		if (i == sizeof(inits) / sizeof(inits[0]))
			return zone_error_set(err, 0,
					      "unknown init '%s' for a Debian image "
					      "(systemd or sysvinit)",
					      init);
		if (add_pkgs(out, inits[i].pkgs, strlen(inits[i].pkgs), err) < 0)
			return -1;
	}
	return 0;
}

/* debootstrap's progress phases, by the name its --debian-installer mode gives them */
static const struct {
	const char *id, *what;
} phases[] = {
    {"DOWNREL", "fetch the release file"},
    {"DOWNRELSIG", "check its signature"},
    {"DOWNPKGS", "fetch the package lists"},
    {"DOWNMAINPKGS", "fetch the package lists"},
    {"SIZEDEBS", "size the packages"},
    {"DOWNDEBS", "download packages"},
    {"EXTRACTPKGS", "extract packages"},
    {"INSTCORE", "install the core packages"},
    {"UNPACKREQ", "unpack the required packages"},
    {"CONFREQ", "configure the required packages"},
    {"UNPACKBASE", "unpack the base packages"},
    {"CONFBASE", "configure the base packages"},
};

void zone_debian_progress_line(struct zone_debian_progress *dp, const char *line)
{
	unsigned long long now, end;
	char id[32] = "";
	const char *what;

	if (sscanf(line, "progress %llu %llu %31s", &now, &end, id) < 2) {
		zone_progress_end(&dp->p); /* a bar's line, on a terminal */
		fputs(line, stderr);
		return;
	}
	if (*id && strcmp(id, dp->phase) != 0) {
		what = id;
		for (size_t i = 0; i < sizeof(phases) / sizeof(phases[0]); i++)
			if (strcmp(phases[i].id, id) == 0)
				what = phases[i].what;
		if (dp->started)
			zone_progress_finish(&dp->p);
		snprintf(dp->phase, sizeof(dp->phase), "%s", id);
		zone_progress_start(&dp->p, dp->name, what);
		dp->p.unit = ""; /* debootstrap's units are its own: the percentage alone */
		dp->started = true;
	}
	if (dp->started && end > 0)
		zone_progress_update(&dp->p, now, end);
}

void zone_debian_progress_end(struct zone_debian_progress *dp)
{
	if (dp->started)
		zone_progress_end(&dp->p);
	dp->started = false;
}

static int script_path(char *buf, size_t len, struct zone_error *err)
{
	int r = zone_own_helper("LXZONE_DEBIAN_IMAGE", "lxzone-debian-image", buf, len);

	if (r == -ENOENT)
		return zone_error_set(err, ENOENT, "%s (set LXZONE_DEBIAN_IMAGE)", buf);
	if (r < 0)
		return zone_error_set(err, -r, "locate lxzone-debian-image");
	return 0;
}

int zone_debian_image(const struct zone_debian_spec *spec, char *out, size_t len,
		      struct zone_error *err)
{
	const char *cache = getenv("LXZONE_IMAGE_CACHE");
	char script[PATH_MAX], name[96], line[512] = "", last[512] = "";
	int po[2], pe[2], st;
	unsigned long h = 5381;
	pid_t p;
	FILE *f;

	if (script_path(script, sizeof(script), err) < 0)
		return -1;
	if (!cache || !*cache)
		cache = "/var/cache/lxzone/images";
	for (const char *c = spec->pkgs; *c; c++)
		h = h * 33 + (unsigned char)*c;
	if (spec->pkgs[0])
		snprintf(name, sizeof(name), "debian-%s-%08lx", spec->suite, h & 0xffffffffUL);
	else
		snprintf(name, sizeof(name), "debian-%s-minbase", spec->suite);
	if (pipe(po) < 0 || pipe(pe) < 0)
		return zone_error_set(err, errno, "pipe");
	p = fork();
	if (p < 0)
		return zone_error_set(err, errno, "fork");
	if (p == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[0]);
		close(pe[0]);
		close(po[1]);
		close(pe[1]);
		execl(script, script, "--suite", spec->suite, "--include", spec->pkgs, "--name",
		      name, "--cache", cache, "--progress", (char *)NULL);
		fprintf(stderr, "cannot run %s: %s\n", script, strerror(errno));
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	/* progress and messages as they come; the last message is the error if it fails */
	struct zone_debian_progress dp = {0};
	snprintf(dp.name, sizeof(dp.name), "debian:%s", spec->suite);
	f = fdopen(pe[0], "r");
	while (f && fgets(line, sizeof(line), f)) {
		zone_debian_progress_line(&dp, line);
		line[strcspn(line, "\n")] = '\0';
		if (*line && strncmp(line, "progress ", 9) != 0)
			snprintf(last, sizeof(last), "%s", line);
	}
	zone_debian_progress_end(&dp);
	if (f)
		fclose(f);
	ssize_t n = read(po[0], out, len - 1);
	close(po[0]);
	while (waitpid(p, &st, 0) < 0 && errno == EINTR)
		;
	out[n > 0 ? n : 0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || !*out)
		return zone_error_set(err, 0, "debian:%s: %s", spec->suite,
				      *last ? last : "lxzone-debian-image failed");
	return 0;
}
