/* lxzone clone, move, snapshot, rollback, snapshots, detach, attach. */
#include <stdio.h>
#include <string.h>

#include "cli/lxzone.h"
#include "zone/clone.h"
#include "zone/config.h"
#include "zone/fsutil.h"

int cli_clone(struct cli *c, int argc, char **argv, struct zone_error *err)
{
	const char *snap = NULL;
	enum zone_clone_method m = ZONE_CLONE_AUTO;
	cleanup_zone struct zone *src = NULL;
	cleanup_zone struct zone *dst = NULL;
	const char *pos[2];
	int npos = 0;
	json_t *cfg;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--snapshot") == 0 && i + 1 < argc) {
			snap = argv[++i];
		} else if (strcmp(argv[i], "--method") == 0 && i + 1 < argc) {
			if (zone_clone_method_parse(argv[++i], &m, err) < 0)
				return -1;
		} else if (argv[i][0] != '-' && npos < 2) {
			pos[npos++] = argv[i];
		} else {
			return cli_usage_error(c, err);
		}
	}
	if (npos != 2)
		return cli_usage_error(c, err);
	if (zone_open(&c->store, pos[0], ZONE_OPEN_LOCK, &src, err) < 0)
		return -1;
	/* The clone starts with the source's configuration but its own identity. */
	cfg = json_deep_copy(src->config);
	json_object_set_new(cfg, "golden", json_false());
	json_t *fresh = NULL;
	if (zone_config_new(pos[1], &fresh, err) < 0) {
		json_decref(cfg);
		return -1;
	}
	json_object_set(cfg, "hostname", json_object_get(fresh, "hostname"));
	json_decref(fresh);
	if (m == ZONE_CLONE_OVERLAY)
		json_object_set_new(cfg, "root-type", json_string("sparse"));
	else if (m != ZONE_CLONE_AUTO)
		json_object_set_new(cfg, "root-type", json_string("whole"));
	if (zone_new(&c->store, pos[1], cfg, &dst, err) < 0)
		return -1;
	if (zone_clone_into(src, snap, dst, m, err) < 0) {
		struct zone_error ignored;

		/* refused before anything was copied (bad snapshot, no reflink): no zone left */
		if (zone_get_state(dst) == ZONE_CONFIGURED) {
			zone_remove(dst, &ignored);
			return zone_error_wrap(err, "clone %s to %s", src->name, dst->name);
		}
		return zone_error_wrap(err, "clone %s to %s (left %s)", src->name, dst->name,
				       zone_state_name(zone_get_state(dst)));
	}
	cli_done(c, dst->name, "cloned", "(from %s%s%s, %s)", src->name, snap ? "@" : "",
		 snap ? snap : "", zone_config_str(dst->config, "root-type"));
	if (c->json)
		cli_print_json(zone_info_json(dst));
	return 0;
}

int cli_move(struct cli *c, int argc, char **argv, struct zone_error *err)
{
	cleanup_zone struct zone *z = NULL;

	if (argc != 3)
		return cli_usage_error(c, err);
	if (zone_open(&c->store, argv[1], ZONE_OPEN_LOCK, &z, err) < 0)
		return -1;
	if (zone_move(z, argv[2], err) < 0)
		return -1;
	cli_done(c, z->name, "moved", "(to %s)", argv[2]);
	return 0;
}

int cli_snapshot(struct cli *c, int argc, char **argv, struct zone_error *err)
{
	cleanup_zone struct zone *z = NULL;

	if (argc != 3)
		return cli_usage_error(c, err);
	if (zone_open(&c->store, argv[1], ZONE_OPEN_LOCK, &z, err) < 0)
		return -1;
	if (zone_snapshot_create(z, argv[2], err) < 0)
		return -1;
	cli_done(c, z->name, "snapshot taken", "(%s)", argv[2]);
	return 0;
}

int cli_rollback(struct cli *c, int argc, char **argv, struct zone_error *err)
{
	cleanup_zone struct zone *z = NULL;

	if (argc != 3)
		return cli_usage_error(c, err);
	if (zone_open(&c->store, argv[1], ZONE_OPEN_LOCK, &z, err) < 0)
		return -1;
	if (zone_snapshot_rollback(z, argv[2], err) < 0)
		return -1;
	cli_done(c, z->name, "rolled back", "(to snapshot %s)", argv[2]);
	return 0;
}

int cli_snapshots(struct cli *c, int argc, char **argv, struct zone_error *err)
{
	cleanup_zone struct zone *z = NULL;
	json_t *list = NULL, *s;
	size_t i;

	if (argc != 2)
		return cli_usage_error(c, err);
	if (zone_open(&c->store, argv[1], 0, &z, err) < 0)
		return -1;
	if (zone_snapshot_list(z, &list, err) < 0)
		return -1;
	if (c->json) {
		cli_print_json(list);
		return 0;
	}
	printf("%-24s %s\n", "NAME", "CREATED");
	json_array_foreach(list, i, s)
	{
		const char *created = json_string_value(json_object_get(s, "created"));
		printf("%-24s %s\n", json_string_value(json_object_get(s, "name")),
		       created ? created : "-");
	}
	json_decref(list);
	return 0;
}

int cli_detach(struct cli *c, int argc, char **argv, struct zone_error *err)
{
	cleanup_zone struct zone *z = NULL;
	const char *archive = NULL;

	if (argc == 4 && strcmp(argv[2], "--archive") == 0)
		archive = argv[3];
	else if (argc != 2)
		return cli_usage_error(c, err);
	if (zone_open(&c->store, argv[1], ZONE_OPEN_LOCK, &z, err) < 0)
		return -1;
	if (zone_detach(z, archive, err) < 0)
		return -1;
	if (archive)
		cli_done(c, z->name, "detached",
			 "(archive %s; attach it with lxzone attach %s --archive FILE)", archive,
			 z->name);
	else
		cli_done(c, z->name, "detached", "(attach it elsewhere with lxzone attach %s PATH)",
			 z->name);
	return 0;
}

/* attach NAME PATH | NAME --archive FILE. A zone that does not exist yet is created from the
 * manifest's configuration when there is one, else with defaults. */
int cli_attach(struct cli *c, int argc, char **argv, struct zone_error *err)
{
	cleanup_zone struct zone *z = NULL;
	const char *archive = NULL, *path = NULL;
	struct zone_error e;
	bool made = false;

	if (argc == 4 && strcmp(argv[2], "--archive") == 0)
		archive = argv[3];
	else if (argc == 3 && argv[2][0] != '-')
		path = argv[2];
	else
		return cli_usage_error(c, err);
	if (zone_open(&c->store, argv[1], ZONE_OPEN_LOCK, &z, &e) < 0) {
		json_t *cfg = NULL, *m = NULL;
		if (path != NULL) {
			char mp[4200];
			snprintf(mp, sizeof(mp), "%s/detached.json", path);
			if (zone_json_read(-100 /* AT_FDCWD */, mp, &m, &e) == 0)
				cfg = json_deep_copy(json_object_get(m, "config"));
			json_decref(m);
		}
		if (cfg == NULL && zone_config_new(argv[1], &cfg, err) < 0)
			return -1;
		if (zone_new(&c->store, argv[1], cfg, &z, err) < 0)
			return -1;
		made = true;
	}
	if (zone_attach(z, path, archive, err) < 0) {
		/* refused before anything was attached: the zone made for it goes, as a create's */
		if (made && zone_get_state(z) == ZONE_CONFIGURED)
			zone_remove(z, &e);
		return -1;
	}
	cli_done(c, z->name, "attached", "(from %s)", path ? path : archive);
	return 0;
}
