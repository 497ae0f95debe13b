/* lxzone create, configure, config, config-doc. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "cli/lxzone.h"
#include "zone/clone.h"
#include "zone/config.h"
#include "zone/image_debian.h"
#include "zone/install.h"
#include "zone/net.h"

/* --KEY VALUE, --KEY=VALUE, and --KEY alone for booleans. Returns how many args it took
 * (an unknown option or a missing value: a usage error). */
static int create_option(struct cli *c, json_t *cfg, int argc, char **argv, int i,
			 struct zone_error *err)
{
	char key[64];
	const char *arg = argv[i] + 2;
	const char *eq = strchr(arg, '=');
	const char *value;
	size_t klen = eq ? (size_t)(eq - arg) : strlen(arg);
	const struct zone_config_key *k;
	int used = 1;

	if (klen >= sizeof(key))
		return cli_bad_args(c, err, "unknown option %s", argv[i]);
	memcpy(key, arg, klen);
	key[klen] = '\0';
	k = zone_config_key_find(key);
	if (k == NULL)
		return cli_bad_args(c, err, "unknown option %s (see lxzone help config)", argv[i]);
	if (eq != NULL) {
		value = eq + 1;
	} else if (k->type == ZONE_KEY_BOOL) {
		value = "true";
	} else {
		if (i + 1 >= argc)
			return cli_bad_args(c, err, "--%s needs a value (%s)", key, k->choices);
		value = argv[i + 1];
		used = 2;
	}
	if (zone_config_set(cfg, key, k->type == ZONE_KEY_LIST ? '+' : '=', value, err) < 0)
		return -1;
	return used;
}

/*
 * A create whose install or clone failed before writing anything (bad source, missing
 * snapshot) leaves no zone behind; one that failed midway stays `incomplete`, as any install
 * does, for verify and uninstall.
 */
/* A create that failed leaves no zone behind: the install or clone it started is undone
 * (create is one step to the user; `lxzone install` keeps an incomplete zone to retry). */
static int create_failed(struct zone *z, struct zone_error *err, const char *image,
			 const char *from)
{
	struct zone_error ignored;

	if (zone_get_state(z) != ZONE_CONFIGURED)
		zone_uninstall(z, &ignored);
	if (zone_get_state(z) == ZONE_CONFIGURED) {
		zone_remove(z, &ignored);
		if (image)
			return zone_error_wrap(err, "create zone %s", z->name);
		return zone_error_wrap(err, "create zone %s from %s", z->name, from);
	}
	return zone_error_wrap(err, "create zone %s from %s (left %s: lxzone destroy %s)", z->name,
			       image ? image : from, zone_state_name(zone_get_state(z)), z->name);
}

int cli_create(struct cli *c, int argc, char **argv, struct zone_error *err)
{
	const char *name = NULL, *image = NULL, *from = NULL, *method = NULL, *dinit = NULL;
	json_t *cfg = NULL;
	cleanup_zone struct zone *z = NULL;
	char debian_src[PATH_MAX];
	bool debian = false;

	if (argc < 2 || argv[1][0] == '-')
		return cli_usage_error(c, err);
	name = argv[1];
	if (zone_name_validate(name, err) < 0 || zone_config_new(name, &cfg, err) < 0)
		return -1;
	for (int i = 2; i + 1 < argc; i++)
		if (strcmp(argv[i], "--image") == 0 && strncmp(argv[i + 1], "debian:", 7) == 0)
			debian = true;
	for (int i = 2; i < argc;) {
		int used;
		/* debian:SUITE --init systemd|sysvinit: the init's packages, booted by init=auto */
		if (debian && strcmp(argv[i], "--init") == 0 && i + 1 < argc &&
		    (strcmp(argv[i + 1], "systemd") == 0 || strcmp(argv[i + 1], "sysvinit") == 0)) {
			dinit = argv[i + 1];
			if (zone_config_set(cfg, "init", '=', "auto", err) < 0) {
				json_decref(cfg);
				return zone_error_wrap(err, "create zone %s", name);
			}
			i += 2;
			continue;
		}
		if (strcmp(argv[i], "--image") == 0 || strcmp(argv[i], "--from") == 0 ||
		    strcmp(argv[i], "--method") == 0) {
			if (i + 1 >= argc) {
				json_decref(cfg);
				return cli_bad_args(c, err, "%s needs a value", argv[i]);
			}
			if (argv[i][2] == 'i')
				image = argv[i + 1];
			else if (argv[i][2] == 'f')
				from = argv[i + 1];
			else
				method = argv[i + 1];
			i += 2;
			continue;
		}
		if (strncmp(argv[i], "--", 2) != 0) {
			json_decref(cfg);
			return cli_bad_args(c, err, "unexpected argument '%s'", argv[i]);
		}
		used = create_option(c, cfg, argc, argv, i, err);
		if (used < 0) {
			json_decref(cfg);
			return zone_error_wrap(err, "create zone %s", name);
		}
		i += used;
	}
	if (image != NULL && from != NULL) {
		json_decref(cfg);
		return cli_bad_args(c, err, "--image and --from exclude each other");
	}
	if (zone_config_check(cfg, err) < 0 || zone_net_conflicts(&c->store, name, cfg, err) < 0) {
		json_decref(cfg);
		return zone_error_wrap(err, "create zone %s", name);
	}
	if (debian) {
		/* checked, then made (or found in the cache) before the zone exists: bad input or
		 * a failed debootstrap leaves nothing behind */
		struct zone_debian_spec spec;
		if (zone_debian_parse(image + 7, dinit, &spec, err) < 0 ||
		    zone_debian_image(&spec, debian_src, sizeof(debian_src), err) < 0) {
			json_decref(cfg);
			return zone_error_wrap(err, "create zone %s from %s", name, image);
		}
		image = debian_src;
	}
	if (zone_new(&c->store, name, cfg, &z, err) < 0)
		return -1;
	if (image != NULL &&
	    zone_install(z, image, &(struct zone_install_opts){.progress = true}, err) < 0)
		return create_failed(z, err, image, NULL);
	if (from != NULL) {
		char srcname[128];
		const char *at = strchr(from, '@');
		const char *snap = at ? at + 1 : NULL;
		enum zone_clone_method m = ZONE_CLONE_AUTO;
		cleanup_zone struct zone *src = NULL;
		snprintf(srcname, sizeof(srcname), "%.*s",
			 at ? (int)(at - from) : (int)strlen(from), from);
		if ((method != NULL && zone_clone_method_parse(method, &m, err) < 0) ||
		    zone_open(&c->store, srcname, ZONE_OPEN_LOCK, &src, err) < 0 ||
		    zone_clone_into(src, snap, z, m, err) < 0)
			return create_failed(z, err, NULL, from);
	}
	if (image != NULL)
		cli_done(c, z->name, "created and installed", "(from %s)", image);
	else if (from != NULL)
		cli_done(c, z->name, "created", "(a clone of %s)", from);
	else
		cli_done(c, z->name, "created",
			 "(configured; install it with lxzone install %s SRC)", z->name);
	if (c->json)
		cli_print_json(zone_info_json(z));
	return 0;
}

int cli_configure(struct cli *c, int argc, char **argv, struct zone_error *err)
{
	cleanup_zone struct zone *z = NULL;
	enum zone_state s;

	if (argc < 3)
		return cli_usage_error(c, err);
	if (zone_open(&c->store, argv[1], ZONE_OPEN_LOCK, &z, err) < 0)
		return -1;
	s = zone_get_state(z);
	bool was_golden = zone_config_bool(z->config, "golden");
	if (s != ZONE_CONFIGURED && s != ZONE_INSTALLED)
		return zone_error_set(
		    err, 0, "zone %s is %s; configure needs a configured or installed zone",
		    z->name, zone_state_name(s));
	for (int i = 2; i < argc; i++)
		if (zone_config_assign(z->config, argv[i], err) < 0)
			return zone_error_wrap(err, "configure zone %s", z->name);
	if (zone_config_check(z->config, err) < 0 ||
	    zone_net_conflicts(&c->store, z->name, z->config, err) < 0)
		return zone_error_wrap(err, "configure zone %s", z->name);
	if (was_golden && !zone_config_bool(z->config, "golden")) {
		char **dep = NULL;
		size_t n = 0;
		/* Overlay clones read a golden zone's root as their lower layer: it stays golden.
		 */
		if (zone_dependents(z, &dep, &n, err) < 0)
			return -1;
		if (n > 0) {
			zone_error_set(err, 0,
				       "zone %s stays golden: %zu overlay clone%s use%s it as a "
				       "lower layer (first: %s); destroy them first",
				       z->name, n, n == 1 ? "" : "s", n == 1 ? "s" : "", dep[0]);
			zone_names_free(dep, n);
			return -1;
		}
	}
	if (zone_save_config(z, err) < 0)
		return -1;
	cli_done(c, z->name, "configured", NULL);
	return 0;
}

int cli_config(struct cli *c, int argc, char **argv, struct zone_error *err)
{
	cleanup_zone struct zone *z = NULL;

	if (argc != 2)
		return cli_usage_error(c, err);
	if (zone_open(&c->store, argv[1], 0, &z, err) < 0)
		return -1;
	if (c->json)
		cli_print_json(json_incref(z->config));
	else
		zone_config_print(stdout, z->config);
	return 0;
}

int cli_config_doc(struct cli *c, int argc, char **argv, struct zone_error *err)
{
	(void)c;
	(void)argc;
	(void)argv;
	(void)err;
	zone_config_doc_markdown(stdout);
	return 0;
}
