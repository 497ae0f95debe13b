/* lxzone boot, halt, shutdown, reboot, exec, login, run. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zone/boot.h"
#include "cli/lxzone.h"
#include "zone/boot_notes.h"
#include "zone/clone.h"
#include "zone/config.h"
#include "zone/install.h"
#include "zone/oci.h"

static int one_zone(struct cli *c, int argc, char **argv, struct zone **z, struct zone_error *err)
{
	if (argc != 2)
		return cli_usage_error(c, err);
	return zone_open(&c->store, argv[1], ZONE_OPEN_LOCK, z, err);
}

/* "web: booted in 36 ms (256M, 1 CPU, net none)"; init=auto's fallback said at the end */
static void boot_done(struct cli *c, struct zone *z, const char *what, bool auto_minimal)
{
	const char *mem = zone_config_str(z->config, "memory");
	const char *cpus = zone_config_str(z->config, "cpus");
	bool one = cpus && strcmp(cpus, "1") == 0;

	cli_done(c, z->name, what, "(%s%s, %s CPU%s, net %s%s)", mem ? mem : "unlimited",
		 mem && strcmp(mem, "unlimited") != 0 ? "" : " memory", cpus ? cpus : "unlimited",
		 one ? "" : "s", zone_config_str(z->config, "net"),
		 auto_minimal ? ", minimal init: init=auto found no /sbin/init" : "");
}

int cli_boot(struct cli *c, int argc, char **argv, struct zone_error *err)
{
	cleanup_zone struct zone *z = NULL;

	if (argc == 3 && strcmp(argv[2], "--dry-run") == 0) {
		if (zone_open(&c->store, argv[1], 0, &z, err) < 0)
			return -1;
		return zone_boot_plan_print(z, stdout, err);
	}
	if (one_zone(c, argc, argv, &z, err) < 0)
		return -1;
	bool auto_minimal = zone_boot_auto_minimal(z);
	if (zone_get_state(z) == ZONE_INSTALLED)
		zone_boot_warn(z, stderr);
	if (zone_boot(z, err) < 0)
		return -1;
	boot_done(c, z, "booted", auto_minimal);
	if (c->json)
		cli_print_json(zone_info_json(z));
	return 0;
}

int cli_halt(struct cli *c, int argc, char **argv, struct zone_error *err)
{
	cleanup_zone struct zone *z = NULL;

	if (argc != 2)
		return cli_usage_error(c, err);
	/* a broken zone must still stop: halt needs only the state (or the zone's name) */
	if (zone_open(&c->store, argv[1], ZONE_OPEN_LOCK | ZONE_OPEN_BROKEN, &z, err) < 0)
		return -1;
	if (zone_halt(z, err) < 0)
		return -1;
	cli_done(c, z->name, "halted", NULL);
	return 0;
}

int cli_shutdown(struct cli *c, int argc, char **argv, struct zone_error *err)
{
	cleanup_zone struct zone *z = NULL;
	int timeout = 30;

	if (argc == 4 && strcmp(argv[2], "--timeout") == 0) {
		timeout = atoi(argv[3]);
		argc = 2;
	}
	if (one_zone(c, argc, argv, &z, err) < 0)
		return -1;
	if (zone_shutdown(z, timeout, err) < 0)
		return -1;
	cli_done(c, z->name, "shut down", NULL);
	return 0;
}

int cli_reboot(struct cli *c, int argc, char **argv, struct zone_error *err)
{
	cleanup_zone struct zone *z = NULL;

	if (one_zone(c, argc, argv, &z, err) < 0)
		return -1;
	if (zone_get_state(z) >= ZONE_READY && zone_halt(z, err) < 0)
		return -1;
	bool auto_minimal = zone_boot_auto_minimal(z);
	zone_boot_warn(z, stderr);
	if (zone_boot(z, err) < 0)
		return -1;
	boot_done(c, z, "rebooted", auto_minimal);
	return 0;
}

/* exec NAME [--workdir D] [--env K=V]... [--user U] -- CMD... */
int cli_exec(struct cli *c, int argc, char **argv, struct zone_error *err)
{
	cleanup_zone struct zone *z = NULL;
	cleanup_free char **env = calloc((size_t)argc + 1, sizeof(char *));
	struct zone_exec_opts o = {.env = env, .in_place = true};
	size_t nenv = 0;
	int i, status = 0;

	cleanup_free char **dargv = NULL, **denv = NULL;

	if (argc < 2 || env == NULL)
		return cli_usage_error(c, err);
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "--workdir") == 0 && i + 1 < argc)
			o.workdir = argv[++i];
		else if (strcmp(argv[i], "--env") == 0 && i + 1 < argc && strchr(argv[i + 1], '='))
			env[nenv++] = argv[++i];
		else if (strcmp(argv[i], "--user") == 0 && i + 1 < argc)
			o.user = argv[++i];
		else if (argv[i][0] == '-')
			return cli_usage_error(c, err);
		else
			break;
	}
	/* No lock: any number of commands may run in a zone at once. */
	if (zone_open(&c->store, argv[1], 0, &z, err) < 0)
		return -1;
	/* A zone from an OCI image: its config's command, Env, WorkingDir and User, where the
	 * command line gives none (zone/oci.h). */
	if (i >= argc && (dargv = zone_oci_default_argv(z->state)) == NULL)
		return cli_usage_error(c, err);
	if (nenv == 0 && (denv = zone_oci_default_env(z->state)) != NULL)
		o.env = denv;
	o.workdir = o.workdir ?: zone_oci_default_str(z->state, "workdir");
	o.user = o.user ?: zone_oci_default_str(z->state, "user");
	if (zone_exec(z, i < argc ? argv + i : dargv, &o, &status, err) < 0)
		return -1;
	c->exit_code = status;
	return 0;
}

int cli_login(struct cli *c, int argc, char **argv, struct zone_error *err)
{
	cleanup_zone struct zone *z = NULL;
	char *sh[] = {(char *)"/bin/sh", (char *)"-l", NULL};
	int status = 0;

	if (argc != 2)
		return cli_usage_error(c, err);
	if (zone_open(&c->store, argv[1], 0, &z, err) < 0)
		return -1;
	if (!isatty(0))
		fprintf(stderr, "lxzone: login %s: standard input is not a terminal\n", z->name);
	/* zlogin's shape: a terminal of the zone's own, when we have one to relay */
	const struct zone_exec_opts o = {.in_place = true, .pty = isatty(0) != 0};
	if (zone_exec(z, sh, &o, &status, err) < 0)
		return -1;
	c->exit_code = status;
	return 0;
}

/*
 * run --from GOLDEN [--discard always|onsuccess|never] [create options] -- CMD...
 * zonemgr's exec-diz: an overlay clone of GOLDEN, booted, CMD run in it, then discarded.
 */
int cli_run(struct cli *c, int argc, char **argv, struct zone_error *err)
{
	const char *from = NULL, *discard = "always";
	char name[64];
	json_t *cfg = NULL;
	cleanup_zone struct zone *z = NULL;
	int i, status = 0;
	struct zone_error e2;
	/* GOLDEN's state, for an OCI image's defaults: dargv, denv and o borrow its strings, so
	 * it lives until the command returns (dargv and denv, declared after it, go first) */
	json_auto_t *gstate = NULL;
	cleanup_free char **dargv = NULL, **denv = NULL;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "--from") == 0 && i + 1 < argc) {
			from = argv[++i];
		} else if (strcmp(argv[i], "--discard") == 0 && i + 1 < argc) {
			discard = argv[++i];
		} else if (strncmp(argv[i], "--", 2) == 0 && i + 1 < argc && cfg != NULL) {
			char kv[4200];
			snprintf(kv, sizeof(kv), "%s=%s", argv[i] + 2, argv[i + 1]);
			if (zone_config_assign(cfg, kv, err) < 0)
				return -1;
			i++;
		} else {
			json_decref(cfg);
			return cli_usage_error(c, err);
		}
		if (from != NULL && cfg == NULL) {
			/* The disposable zone starts with the golden zone's configuration. */
			cleanup_zone struct zone *g = NULL;
			if (zone_open(&c->store, from, 0, &g, err) < 0)
				return -1;
			cfg = json_deep_copy(g->config);
			gstate = json_deep_copy(g->state);
		}
	}
	if (strcmp(discard, "always") && strcmp(discard, "onsuccess") && strcmp(discard, "never")) {
		json_decref(cfg);
		return cli_bad_args(c, err, "--discard must be always, onsuccess or never");
	}
	/* GOLDEN from an OCI image: its config's command, Env, WorkingDir, User (zone/oci.h) */
	if (from != NULL && i >= argc)
		dargv = zone_oci_default_argv(gstate);
	if (from == NULL || (i >= argc && dargv == NULL)) {
		json_decref(cfg);
		return cli_usage_error(c, err);
	}
	struct zone_exec_opts o = {.env = denv = zone_oci_default_env(gstate),
				   .workdir = zone_oci_default_str(gstate, "workdir"),
				   .user = zone_oci_default_str(gstate, "user")};
	snprintf(name, sizeof(name), "%.40s-run-%d", from, (int)getpid());
	json_object_set_new(cfg, "golden", json_false());
	json_object_set_new(cfg, "root-type", json_string("sparse"));
	json_object_set_new(cfg, "hostname", json_string(name));
	if (zone_new(&c->store, name, cfg, &z, err) < 0)
		return -1;
	{
		cleanup_zone struct zone *g = NULL;
		if (zone_open(&c->store, from, ZONE_OPEN_LOCK, &g, err) < 0 ||
		    zone_clone_into(g, NULL, z, ZONE_CLONE_OVERLAY, err) < 0) {
			zone_uninstall(z, &e2);
			zone_remove(z, &e2);
			return zone_error_wrap(err, "run: clone %s", from);
		}
	}
	if (zone_boot(z, err) < 0)
		goto discard_anyway;
	/* The lock is not needed while CMD runs; other commands may look at the zone. */
	close(z->lockfd);
	z->lockfd = -1;
	if (zone_exec(z, i < argc ? argv + i : dargv, &o, &status, err) < 0) {
		zone_lock(z, &e2);
		zone_halt(z, &e2);
		goto discard_anyway;
	}
	c->exit_code = status;
	if (zone_lock(z, err) < 0 || zone_halt(z, err) < 0)
		return -1;
	if (strcmp(discard, "always") == 0 || (strcmp(discard, "onsuccess") == 0 && status == 0)) {
		if (zone_uninstall(z, err) < 0 || zone_remove(z, err) < 0)
			return -1;
	} else {
		fprintf(
		    stderr,
		    "lxzone: run: kept zone %s (exit status %d; lxzone destroy %s removes it)\n",
		    name, status, name);
	}
	return 0;

discard_anyway:
	if (strcmp(discard, "never") != 0) {
		zone_uninstall(z, &e2);
		zone_remove(z, &e2);
	}
	return -1;
}
