/* lxzone install, uninstall, destroy. */
#include <stdio.h>
#include <string.h>

#include "cli/lxzone.h"
#include "zone/config.h"
#include "zone/install.h"

int cli_install(struct cli *c, int argc, char **argv, struct zone_error *err)
{
	cleanup_zone struct zone *z = NULL;

	if (argc != 3)
		return cli_usage_error(c, err);
	if (zone_open(&c->store, argv[1], ZONE_OPEN_LOCK, &z, err) < 0)
		return -1;
	if (zone_install(z, argv[2], &(struct zone_install_opts){.progress = true}, err) < 0)
		return zone_error_wrap(err, "install zone %s", z->name);
	cli_done(c, z->name, "installed", "(from %s)", argv[2]);
	if (c->json)
		cli_print_json(zone_info_json(z));
	return 0;
}

int cli_uninstall(struct cli *c, int argc, char **argv, struct zone_error *err)
{
	cleanup_zone struct zone *z = NULL;

	if (argc != 2)
		return cli_usage_error(c, err);
	if (zone_open(&c->store, argv[1], ZONE_OPEN_LOCK, &z, err) < 0)
		return -1;
	if (zone_uninstall(z, err) < 0)
		return -1;
	cli_done(c, z->name, "uninstalled", "(configuration kept)");
	return 0;
}

int cli_destroy(struct cli *c, int argc, char **argv, struct zone_error *err)
{
	cleanup_zone struct zone *z = NULL;
	enum zone_state s;

	if (argc != 2)
		return cli_usage_error(c, err);
	/* a broken zone can still be destroyed: uninstall needs only the state */
	if (zone_open(&c->store, argv[1], ZONE_OPEN_LOCK | ZONE_OPEN_BROKEN, &z, err) < 0)
		return -1;
	s = zone_get_state(z);
	if (s == ZONE_READY || s == ZONE_BOOTING || s == ZONE_RUNNING || s == ZONE_SHUTTING_DOWN)
		return zone_error_set(err, 0, "zone %s is %s; halt it first", z->name,
				      zone_state_name(s));
	if (s != ZONE_CONFIGURED && zone_uninstall_before_remove(z, err) < 0)
		return zone_error_wrap(err, "destroy zone %s", z->name);
	if (zone_remove(z, err) < 0)
		return -1;
	cli_done(c, argv[1], "destroyed", NULL);
	return 0;
}
