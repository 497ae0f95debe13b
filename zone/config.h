/*
 * Zone configuration: one table of keys (name, type, default, validator, help). Parsing,
 * `lxzone create` options, `lxzone configure KEY=VALUE`, `--help` and docs/zone-config.md are
 * all driven by that table, so a key exists in exactly one place.
 *
 * The configuration is kept as a jansson object: scalars as validated, normalized strings,
 * booleans as JSON booleans, repeatable keys as arrays of strings. Typed getters below turn
 * them into what boot needs.
 */
#ifndef LXZONE_ZONE_CONFIG_H
#define LXZONE_ZONE_CONFIG_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/error.h"

enum zone_key_type {
	ZONE_KEY_STRING,
	ZONE_KEY_ENUM,
	ZONE_KEY_SIZE,
	ZONE_KEY_COUNT,
	ZONE_KEY_BOOL,
	ZONE_KEY_LIST,
};

struct zone_config_key {
	const char *name;
	enum zone_key_type type;
	const char *def;     /* default as a user would type it; NULL: computed (see help) */
	const char *choices; /* "a|b|c" for enums, value syntax for the others */
	/* Check `value`, write its normalized form (at most `outsz` bytes) to `out`. */
	int (*validate)(const char *value, char *out, size_t outsz, struct zone_error *err);
	const char *help;
};

#define ZONE_UNLIMITED UINT64_MAX
/* Addresses in `address` (net=shared takes several). */
#define ZONE_MAX_ADDRESSES 8

extern const struct zone_config_key zone_config_keys[];
extern const size_t zone_config_nkeys;

const struct zone_config_key *zone_config_key_find(const char *name);

int zone_name_validate(const char *name, struct zone_error *err);

/* A new configuration holding every key's default; hostname defaults to the zone name. */
int zone_config_new(const char *zone_name, json_t **cfg, struct zone_error *err);

/*
 * Set one key. For repeatable keys, op is '+' (append), '-' (remove) or '=' (replace the list
 * with this one value; an empty value clears it). For other keys op must be '='.
 */
int zone_config_set(json_t *cfg, const char *key, char op, const char *value,
		    struct zone_error *err);

/* "KEY=VALUE", "KEY+=VALUE" or "KEY-=VALUE", as `lxzone configure` takes them. */
int zone_config_assign(json_t *cfg, const char *assignment, struct zone_error *err);

/* Checks that involve several keys (net=exclusive needs an address, ...). */
int zone_config_check(json_t *cfg, struct zone_error *err);

/* Accept a loaded config.json only if every key is known and valid.  A missing key that was
 * added to the table after zones were first written (capabilities) is set to its default. */
int zone_config_validate_all(json_t *cfg, struct zone_error *err);

const char *zone_config_str(json_t *cfg, const char *key);
bool zone_config_bool(json_t *cfg, const char *key);
/* Sizes and counts; ZONE_UNLIMITED when the value is "unlimited". */
uint64_t zone_config_u64(json_t *cfg, const char *key);
/* The capability set (zone/capset.h) of the `capabilities` key over the profile's set;
 * devices_cgroup: the host gives the zone a devices cgroup (zone_caps_profile). */
uint64_t zone_config_caps(json_t *cfg, bool devices_cgroup);
/* cpus as thousandths of a CPU (1.5 -> 1500); ZONE_UNLIMITED when unlimited. */
uint64_t zone_config_millicpus(json_t *cfg);

struct zone_mount {
	char host[4096];
	char zone[4096];
	bool readonly;
};
int zone_mount_parse(const char *spec, struct zone_mount *m, struct zone_error *err);

/* A block device given to the zone: `device=HOSTDEV[:ZONEPATH]` (ZONEPATH under /dev;
 * default HOSTDEV). */
struct zone_device {
	char host[4096];
	char zone[4096];
};
int zone_device_parse(const char *spec, struct zone_device *d, struct zone_error *err);
/* The host side exists and is a block device; *rdev (may be NULL) its major:minor. */
int zone_device_host_check(const char *spec, unsigned long *rdev, struct zone_error *err);

/* Parse "64M", "1G", "1048576", "unlimited" into bytes. */
int zone_size_parse(const char *s, uint64_t *bytes, struct zone_error *err);

/* KEY=VALUE lines, in table order; repeatable keys one line per value. */
void zone_config_print(FILE *out, json_t *cfg);

/* The key reference: `lxzone help config` and docs/zone-config.md. */
void zone_config_help(FILE *out);
void zone_config_doc_markdown(FILE *out);
/* lxzone.conf(5) in roff, from the same table (`lxzone help conf-man`). */
void zone_config_doc_man(FILE *out);

/* A host name of 1 to 64 characters, dot-separated labels of letters, digits and inner
 * hyphens, copied to out: the `hostname` key's check. */
int zone_hostname_check(const char *v, char *out, size_t sz, struct zone_error *err);

#endif
