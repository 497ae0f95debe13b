/* lxzone list, info, verify. */
#include <stdio.h>
#include <string.h>

#include "cli/lxzone.h"
#include "zone/clone.h"
#include "zone/config.h"
#include "zone/idmap.h"
#include "zone/verify.h"

/* "privileged" for a zone without a user namespace, else the first host id of its range
 * ("-" when it has none yet: one is given at its next boot). */
static const char *userns_column(struct zone *z, char *buf, size_t len)
{
	struct zone_idrange r;

	if (zone_config_bool(z->config, "privileged"))
		return "privileged";
	if (zone_idmap_get(z->state, &r) < 0)
		return "-";
	snprintf(buf, len, "%u", r.base);
	return buf;
}

int cli_list(struct cli *c, int argc, char **argv, struct zone_error *err)
{
	char col[32];
	char **names = NULL;
	size_t n = 0;
	json_t *arr = json_array();

	(void)argv;
	if (argc != 1) {
		json_decref(arr);
		return cli_usage_error(c, err);
	}
	if (zone_store_list(&c->store, &names, &n, err) < 0) {
		json_decref(arr);
		return -1;
	}
	if (!c->json)
		printf("%-24s %-14s %-6s %-7s %-10s %s\n", "NAME", "STATE", "ROOT", "GOLDEN",
		       "USERNS", "PATH");
	for (size_t i = 0; i < n; i++) {
		struct zone *z = NULL;
		struct zone_error e;
		if (zone_open(&c->store, names[i], ZONE_OPEN_BROKEN, &z, &e) < 0) {
			/* A zone being destroyed under us is simply gone. */
			continue;
		}
		if (!c->json && z->broken[0] != '\0') {
			/* listed, never dropped: it may be running, and halt/destroy still work */
			printf("%-24s %-14s %-6s %-7s %s  (%s)\n", z->name, "broken", "-", "-",
			       zone_path(z), z->broken);
		} else if (c->json) {
			json_array_append_new(arr, zone_info_json(z));
		} else {
			char hint[256];
			const char *st = zone_state_hint(z, hint, sizeof(hint));
			const char *paren = strchr(st, '(');

			/* the state in its column; an incomplete zone's way out after the path */
			printf("%-24s %-14.*s %-6s %-7s %-10s %s%s%s\n", z->name,
			       paren ? (int)(paren - st - 1) : (int)strlen(st), st,
			       zone_config_str(z->config, "root-type"),
			       zone_config_bool(z->config, "golden") ? "yes" : "no",
			       userns_column(z, col, sizeof(col)), zone_path(z), paren ? "  " : "",
			       paren ? paren : "");
		}
		zone_free(z);
	}
	zone_names_free(names, n);
	if (c->json)
		cli_print_json(arr);
	else
		json_decref(arr);
	return 0;
}

int cli_info(struct cli *c, int argc, char **argv, struct zone_error *err)
{
	cleanup_zone struct zone *z = NULL;
	json_t *info;
	const char *key;
	json_t *v;

	if (argc != 2)
		return cli_usage_error(c, err);
	if (zone_open(&c->store, argv[1], ZONE_OPEN_BROKEN, &z, err) < 0)
		return -1;
	info = zone_info_json(z);
	if (z->broken[0] == '\0')
		json_object_set(info, "config", z->config);
	if (c->json) {
		cli_print_json(info);
		return 0;
	}
	json_t *detail = json_object_get(info, "state-detail");
	json_object_foreach(info, key, v)
	{
		/* the text shows the state as a user reads it (detached, incomplete (...)) */
		if (strcmp(key, "state-detail") == 0)
			continue;
		if (strcmp(key, "state") == 0 && detail)
			v = detail;
		if (json_is_string(v))
			printf("%-15s %s\n", key, json_string_value(v));
		else if (json_is_boolean(v))
			printf("%-15s %s\n", key, json_is_true(v) ? "true" : "false");
		else if (json_is_integer(v))
			printf("%-15s %lld\n", key, (long long)json_integer_value(v));
		else if (strcmp(key, "idmap") == 0)
			printf("%-15s %lld:%lld\n", key,
			       (long long)json_integer_value(json_object_get(v, "base")),
			       (long long)json_integer_value(json_object_get(v, "count")));
		else if (strcmp(key, "last-exit") == 0)
			printf("%-15s status %lld%s\n", key,
			       (long long)json_integer_value(json_object_get(v, "status")),
			       json_is_true(json_object_get(v, "halted")) ? " (halted)" : "");
		else if (strcmp(key, "origin") == 0) {
			const char *k2;
			json_t *v2;
			/* where the root came from, under a heading of its own */
			printf("origin:\n");
			json_object_foreach(v, k2, v2)
			{
				if (json_is_string(v2))
					printf("  %-13s %s\n", k2, json_string_value(v2));
				else if (json_is_object(v2)) { /* an OCI image's Env, Cmd... */
					char *d = json_dumps(v2, JSON_COMPACT);
					printf("  %-13s %s\n", k2, d ? d : "");
					free(d);
				}
			}
		}
	}
	json_decref(info);
	return 0;
}

/* The state alone, as list shows it: "running", "detached", "incomplete (interrupted install:
 * run ...)", "broken (REASON)"; --json: {name, state, state-detail?, reason?} as info has them. */
int cli_state(struct cli *c, int argc, char **argv, struct zone_error *err)
{
	cleanup_zone struct zone *z = NULL;
	char hint[256];

	if (argc != 2)
		return cli_usage_error(c, err);
	if (zone_open(&c->store, argv[1], ZONE_OPEN_BROKEN, &z, err) < 0)
		return -1;
	if (c->json) {
		json_t *info = zone_info_json(z), *o = json_object();
		static const char *const keys[] = {"name", "state", "state-detail", "reason"};

		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (json_object_get(info, keys[i]))
				json_object_set(o, keys[i], json_object_get(info, keys[i]));
		json_decref(info);
		cli_print_json(o);
	} else if (z->broken[0] != '\0') {
		printf("broken (%s)\n", z->broken);
	} else {
		printf("%s\n", zone_state_hint(z, hint, sizeof(hint)));
	}
	return 0;
}

/* An interrupted move, rollback or attach is rolled back or forward before the zone is checked
 * (under the zone's lock, which plain verify does not take). */
static int verify_recover(struct zone **z, struct zone_error *err)
{
	struct zone_store *store = (*z)->store;
	char name[sizeof((*z)->name)], what[4200];
	enum zone_recovery done;

	snprintf(name, sizeof(name), "%s", (*z)->name);
	zone_free(*z);
	*z = NULL;
	if (zone_open(store, name, ZONE_OPEN_LOCK, z, err) < 0)
		return -1;
	if (zone_move_pending(*z)) {
		snprintf(
		    what, sizeof(what), "move to %s",
		    json_string_value(json_object_get(json_object_get((*z)->state, "move"), "to"))
			?: "");
		if (zone_move_recover(*z, &done, err) < 0)
			return -1;
	} else if (zone_attach_pending(*z)) {
		snprintf(what, sizeof(what), "attach of %s",
			 json_string_value(
			     json_object_get(json_object_get((*z)->state, "attach"), "from"))
			     ?: "");
		if (zone_attach_recover(*z, &done, err) < 0)
			return -1;
	} else {
		snprintf(what, sizeof(what), "rollback to snapshot %s",
			 json_string_value(
			     json_object_get(json_object_get((*z)->state, "rollback"), "snapshot"))
			     ?: "");
		if (zone_rollback_recover(*z, &done, err) < 0)
			return -1;
	}
	if (done != ZONE_RECOVERED_NOTHING)
		fprintf(stderr, "lxzone: verify %s: %s an interrupted %s\n", name,
			done == ZONE_ROLLED_BACK ? "rolled back" : "finished", what);
	return 0;
}

int cli_verify(struct cli *c, int argc, char **argv, struct zone_error *err)
{
	cleanup_zone struct zone *z = NULL;
	json_t *problems;
	size_t n, i;
	json_t *p;

	if (argc != 2)
		return cli_usage_error(c, err);
	if (zone_open(&c->store, argv[1], 0, &z, err) < 0)
		return -1;
	if ((zone_move_pending(z) || zone_rollback_pending(z) || zone_attach_pending(z)) &&
	    verify_recover(&z, err) < 0)
		return -1;
	problems = zone_verify(z);
	n = json_array_size(problems);
	if (c->json) {
		cli_print_json(json_pack("{s:s, s:s, s:b, s:O}", "name", z->name, "state",
					 zone_state_name(zone_get_state(z)), "ok", n == 0,
					 "problems", problems));
	} else if (n == 0) {
		printf("zone %s: %s, ok\n", z->name, zone_state_name(zone_get_state(z)));
	} else {
		json_array_foreach(problems, i, p)
		{
			printf("zone %s: %s\n", z->name, json_string_value(p));
		}
	}
	json_decref(problems);
	if (n > 0)
		return zone_error_set(err, 0, "zone %s: %zu problem%s", z->name, n,
				      n == 1 ? "" : "s");
	return 0;
}
