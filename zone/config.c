/*
 * The zone configuration: reading, setting, checking and printing it, and its documentation,
 * all from the key table (config_keys.c).
 */
#include "zone/config.h"
#include "zone/roff.h"
#include "zone/capset.h"
#include "zone/net.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const struct zone_config_key *zone_config_key_find(const char *name)
{
	for (size_t i = 0; i < zone_config_nkeys; i++)
		if (strcmp(zone_config_keys[i].name, name) == 0)
			return &zone_config_keys[i];
	return NULL;
}

int zone_name_validate(const char *name, struct zone_error *err)
{
	size_t n = strlen(name);

	if (n == 0 || n > 63)
		return zone_error_set(err, 0, "invalid zone name '%s': 1 to 63 characters", name);
	if (!isalnum((unsigned char)name[0]))
		return zone_error_set(
		    err, 0, "invalid zone name '%s': must start with a letter or digit", name);
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && strchr("-_.", name[i]) == NULL)
			return zone_error_set(
			    err, 0, "invalid zone name '%s': only letters, digits, '-', '_', '.'",
			    name);
	return 0;
}

static json_t *value_json(const struct zone_config_key *k, const char *norm)
{
	if (k->type == ZONE_KEY_BOOL)
		return json_boolean(strcmp(norm, "true") == 0);
	return json_string(norm);
}

int zone_config_new(const char *zone_name, json_t **cfg, struct zone_error *err)
{
	json_t *obj = json_object();
	char host[128] = "zone";
	struct zone_error ignored;

	if (obj == NULL)
		return zone_error_set(err, ENOMEM, "new configuration");
	/* Zone names allow '_' and '.', which hostnames do not quite: fall back to "zone". */
	if (zone_name != NULL && zone_hostname_check(zone_name, host, sizeof(host), &ignored) < 0)
		snprintf(host, sizeof(host), "zone");
	for (size_t i = 0; i < zone_config_nkeys; i++) {
		const struct zone_config_key *k = &zone_config_keys[i];
		if (k->type == ZONE_KEY_LIST)
			json_object_set_new(obj, k->name, json_array());
		else if (k->def != NULL)
			json_object_set_new(obj, k->name, value_json(k, k->def));
		else if (strcmp(k->name, "hostname") == 0)
			json_object_set_new(obj, k->name, json_string(host));
	}
	*cfg = obj;
	return 0;
}

int zone_config_set(json_t *cfg, const char *key, char op, const char *value,
		    struct zone_error *err)
{
	const struct zone_config_key *k = zone_config_key_find(key);
	char norm[8192];

	if (k == NULL)
		return zone_error_set(err, 0, "unknown configuration key '%s'", key);
	if (k->type != ZONE_KEY_LIST) {
		if (op != '=')
			return zone_error_set(err, 0, "%s: '%c=' only applies to repeatable keys",
					      key, op);
		if (k->validate(value, norm, sizeof(norm), err) < 0)
			return zone_error_wrap(err, "%s", key);
		json_object_set_new(cfg, key, value_json(k, norm));
		return 0;
	}

	json_t *list = json_object_get(cfg, key);
	if (!json_is_array(list)) {
		list = json_array();
		json_object_set_new(cfg, key, list);
	}
	if (op == '=')
		json_array_clear(list);
	if (*value == '\0' && op == '=')
		return 0;
	if (k->validate(value, norm, sizeof(norm), err) < 0)
		return zone_error_wrap(err, "%s", key);
	if (op != '-' && strcmp(key, "device") == 0 && zone_device_host_check(norm, NULL, err) < 0)
		return zone_error_wrap(err, "%s", key);
	if (op != '-' && strcmp(key, "interface") == 0 && zone_netif_host_check(norm, err) < 0)
		return zone_error_wrap(err, "%s", key);
	if (op == '-') {
		size_t i;
		json_t *v;
		json_array_foreach(list, i, v)
		{
			if (strcmp(json_string_value(v), norm) == 0) {
				json_array_remove(list, i);
				return 0;
			}
		}
		return zone_error_set(err, 0, "%s: '%s' is not configured", key, norm);
	}
	json_array_append_new(list, json_string(norm));
	return 0;
}

int zone_config_assign(json_t *cfg, const char *assignment, struct zone_error *err)
{
	const char *eq = strchr(assignment, '=');
	char key[64];
	size_t klen;
	char op = '=';

	if (eq == NULL || eq == assignment)
		return zone_error_set(err, 0, "'%s' is not KEY=VALUE", assignment);
	klen = (size_t)(eq - assignment);
	if (eq[-1] == '+' || eq[-1] == '-') {
		op = eq[-1];
		klen--;
	}
	if (klen == 0 || klen >= sizeof(key))
		return zone_error_set(err, 0, "'%s' is not KEY=VALUE", assignment);
	memcpy(key, assignment, klen);
	key[klen] = '\0';
	return zone_config_set(cfg, key, op, eq + 1, err);
}

int zone_config_check(json_t *cfg, struct zone_error *err)
{
	const char *net = zone_config_str(cfg, "net");
	const char *addr = zone_config_str(cfg, "address");

	size_t nif = json_array_size(json_object_get(cfg, "interface"));

	if (strcmp(net, "shared") == 0 && *addr == '\0')
		return zone_error_set(err, 0, "net=%s needs an address (address=ADDR/PREFIX)", net);
	if (strcmp(net, "exclusive") == 0 && *addr == '\0' && nif == 0)
		return zone_error_set(err, 0,
				      "net=exclusive needs an address (address=ADDR/PREFIX) or an "
				      "interface (interface=NAME,address=ADDR/PREFIX)");
	if (strcmp(net, "exclusive") != 0 && nif > 0)
		return zone_error_set(err, 0,
				      "interface is for net=exclusive zones (this one is net=%s): "
				      "clear it with interface=",
				      net);
	/* what boot would refuse, refused now */
	if (strcmp(net, "exclusive") == 0) {
		struct zone_netif ifs[ZONE_NET_IF_MAX];
		if (zone_net_ifaces(cfg, ifs, &nif, err) < 0)
			return -1;
	}
	if (*zone_config_str(cfg, "dns") &&
	    strcmp(zone_config_str(cfg, "identity-files"), "never") == 0)
		return zone_error_set(err, 0,
				      "dns writes the zone's /etc/resolv.conf, which "
				      "identity-files=never leaves alone: set one of them");
	if (strcmp(net, "shared") == 0 && zone_config_bool(cfg, "privileged"))
		return zone_error_set(err, 0,
				      "net=shared needs an unprivileged zone: the root of a "
				      "privileged one would administer the host's network");
	if (zone_config_u64(cfg, "memory") == ZONE_UNLIMITED && zone_config_u64(cfg, "swap") != 0 &&
	    zone_config_u64(cfg, "swap") != ZONE_UNLIMITED)
		return zone_error_set(err, 0, "swap is only meaningful with a memory cap");
	return 0;
}

/* The keys of the first config.json format, which every zone's file has: a missing one means
 * the file was cut or edited by hand.  Every key added to the table since is late: an older
 * zone's file lacks it and gets its default (listing the first keys, not the late ones, means
 * a key added tomorrow cannot be forgotten here, as syscall-patching, boottime, device,
 * privileged and the console-log keys once were: such zones failed with "missing
 * configuration key"). */
static bool is_late_key(const char *name)
{
	static const char *const first[] = {
	    "brand", "profile", "kernel-version", "memory", "swap",   "cpus",	  "pids",
	    "net",   "address", "root-type",	  "mount",  "golden", "hostname", "init"};

	for (size_t i = 0; i < sizeof(first) / sizeof(first[0]); i++)
		if (strcmp(first[i], name) == 0)
			return false;
	return true;
}

int zone_config_validate_all(json_t *cfg, struct zone_error *err)
{
	const char *key;
	json_t *v;
	char norm[8192];

	if (!json_is_object(cfg))
		return zone_error_set(err, 0, "configuration is not a JSON object");
	json_object_foreach(cfg, key, v)
	{
		const struct zone_config_key *k = zone_config_key_find(key);
		if (k == NULL)
			return zone_error_set(err, 0, "unknown configuration key '%s'", key);
		if (k->type == ZONE_KEY_LIST) {
			size_t i;
			json_t *e;
			if (!json_is_array(v))
				return zone_error_set(err, 0, "%s: not a list", key);
			json_array_foreach(v, i, e)
			{
				if (!json_is_string(e) ||
				    k->validate(json_string_value(e), norm, sizeof(norm), err) < 0)
					return zone_error_wrap(err, "%s", key);
			}
		} else if (k->type == ZONE_KEY_BOOL) {
			if (!json_is_boolean(v))
				return zone_error_set(err, 0, "%s: not true or false", key);
		} else if (!json_is_string(v) ||
			   k->validate(json_string_value(v), norm, sizeof(norm), err) < 0) {
			if (!json_is_string(v))
				zone_error_set(err, 0, "not a string");
			return zone_error_wrap(err, "%s", key);
		}
	}
	for (size_t i = 0; i < zone_config_nkeys; i++) {
		const struct zone_config_key *k = &zone_config_keys[i];
		if (json_object_get(cfg, k->name) != NULL)
			continue;
		/* a key added after zones were first written: an older zone gets its default */
		if (is_late_key(k->name)) {
			json_object_set_new(cfg, k->name,
					    k->type == ZONE_KEY_LIST ? json_array()
								     : value_json(k, k->def));
			continue;
		}
		return zone_error_set(err, 0, "missing configuration key '%s'", k->name);
	}
	return zone_config_check(cfg, err);
}

const char *zone_config_str(json_t *cfg, const char *key)
{
	const char *s = json_string_value(json_object_get(cfg, key));
	return s ? s : "";
}

bool zone_config_bool(json_t *cfg, const char *key)
{
	return json_is_true(json_object_get(cfg, key));
}

uint64_t zone_config_u64(json_t *cfg, const char *key)
{
	const char *s = zone_config_str(cfg, key);
	struct zone_error ignored;
	uint64_t v = 0;

	if (strcmp(s, "unlimited") == 0 || *s == '\0')
		return ZONE_UNLIMITED;
	if (zone_size_parse(s, &v, &ignored) < 0)
		return ZONE_UNLIMITED;
	return v;
}

uint64_t zone_config_caps(json_t *cfg, bool devices_cgroup)
{
	bool hardened = strcmp(zone_config_str(cfg, "profile"), "hardened") == 0;
	uint64_t base = zone_caps_profile(hardened, devices_cgroup), mask = base;
	struct zone_error ignored;

	/* validated on every load; a bad value falls back to the profile's set */
	if (zone_caps_parse_in(zone_config_str(cfg, "capabilities"), base,
			       zone_caps_profile(false, devices_cgroup), &mask, NULL, 0,
			       &ignored) < 0)
		return base;
	return mask;
}

uint64_t zone_config_millicpus(json_t *cfg)
{
	const char *s = zone_config_str(cfg, "cpus");
	uint64_t milli = 0;
	int decimals = -1;

	if (strcmp(s, "unlimited") == 0 || *s == '\0')
		return ZONE_UNLIMITED;
	for (; *s; s++) {
		if (*s == '.') {
			decimals = 0;
			continue;
		}
		if (decimals >= 0)
			decimals++;
		milli = milli * 10 + (uint64_t)(*s - '0');
	}
	for (int d = decimals < 0 ? 0 : decimals; d < 3; d++)
		milli *= 10;
	return milli;
}

void zone_config_print(FILE *out, json_t *cfg)
{
	for (size_t i = 0; i < zone_config_nkeys; i++) {
		const struct zone_config_key *k = &zone_config_keys[i];
		json_t *v = json_object_get(cfg, k->name);
		if (k->type == ZONE_KEY_LIST) {
			size_t j;
			json_t *e;
			json_array_foreach(v, j, e)
			{
				fprintf(out, "%s=%s\n", k->name, json_string_value(e));
			}
		} else if (k->type == ZONE_KEY_BOOL) {
			fprintf(out, "%s=%s\n", k->name, json_is_true(v) ? "true" : "false");
		} else {
			fprintf(out, "%s=%s\n", k->name,
				json_string_value(v) ? json_string_value(v) : "");
		}
	}
}

void zone_config_help(FILE *out)
{
	fprintf(out, "Configuration keys (create --KEY VALUE, configure NAME KEY=VALUE):\n");
	for (size_t i = 0; i < zone_config_nkeys; i++) {
		const struct zone_config_key *k = &zone_config_keys[i];
		fprintf(out, "  %-15s %s (default: %s%s)\n", k->name, k->choices,
			k->def == NULL ? "see below" : (*k->def ? k->def : "none"),
			k->type == ZONE_KEY_LIST ? "; repeatable" : "");
		fprintf(out, "  %-15s   %s\n", "", k->help);
	}
}

void zone_config_doc_markdown(FILE *out)
{
	fputs("# Zone configuration reference\n\n"
	      "<!-- Generated from the key table in zone/config.c by `lxzone config-doc`.\n"
	      "     Do not edit by hand: the unit test zone_config_doc fails when this file\n"
	      "     and the table disagree. -->\n\n"
	      "Every key is set at creation (`lxzone create NAME --KEY VALUE`) or later\n"
	      "(`lxzone configure NAME KEY=VALUE`). Repeatable keys take `KEY+=VALUE` (add),\n"
	      "`KEY-=VALUE` (remove) and `KEY=VALUE` (replace the list; `KEY=` clears it).\n"
	      "`lxzone config NAME` prints the configuration as `KEY=VALUE` lines, or as JSON\n"
	      "with `--json`. The configuration is stored as `config.json` in the zone's\n"
	      "directory under `$LXZONE_ROOT` (default `/var/lib/lxzone`).\n\n"
	      "| key | values | default | description |\n"
	      "|---|---|---|---|\n",
	      out);
	for (size_t i = 0; i < zone_config_nkeys; i++) {
		const struct zone_config_key *k = &zone_config_keys[i];
		char choices[128];
		size_t j = 0;
		/* A '|' inside a table cell must be escaped. */
		for (const char *p = k->choices; *p && j + 2 < sizeof(choices); p++) {
			if (*p == '|')
				choices[j++] = '\\';
			choices[j++] = *p;
		}
		choices[j] = '\0';
		fprintf(out, "| `%s` | `%s`%s | %s | %s |\n", k->name, choices,
			k->type == ZONE_KEY_LIST ? " (repeatable)" : "",
			k->def == NULL ? "zone name" : (*k->def ? k->def : "none"), k->help);
	}
}

/* lxzone.conf(5), from the same table as zone-config.md and `lxzone help config`. */
void zone_config_doc_man(FILE *out)
{
	roff_header(out, "LXZONE.CONF", "5", "File Formats Manual");
	fputs(".SH NAME\nlxzone.conf \\- the configuration keys of an lxzone zone\n"
	      ".SH DESCRIPTION\n"
	      "A zone's configuration is a set of keys, stored as\n"
	      ".I config.json\n"
	      "in the zone's directory under $LXZONE_ROOT (default /var/lib/lxzone). Keys are set\n"
	      "at creation\n(\\fBlxzone create\\fP \\fINAME\\fP \\fB\\-\\-\\fP\\fIKEY VALUE\\fP)\n"
	      "or later\n(\\fBlxzone configure\\fP \\fINAME KEY\\fP\\fB=\\fP\\fIVALUE\\fP).\n"
	      "Repeatable keys take\n.IB KEY += VALUE\n(add),\n.IB KEY \\-= VALUE\n"
	      "(remove) and\n.IB KEY = VALUE\n(replace the list; \\fIKEY\\fP= clears it).\n"
	      "\\fBlxzone config\\fP \\fINAME\\fP prints the configuration as KEY=VALUE lines,\n"
	      "or as JSON with \\fB\\-\\-json\\fP.\n"
	      ".SH KEYS\n",
	      out);
	for (size_t i = 0; i < zone_config_nkeys; i++) {
		const struct zone_config_key *k = &zone_config_keys[i];

		fputs(".TP\n.B ", out);
		roff_text(out, k->name);
		fputs("\n.I ", out);
		roff_text(out, k->choices);
		fputs(k->type == ZONE_KEY_LIST ? " (repeatable)\n" : "\n", out);
		fputs(".br\n", out);
		roff_line(out, k->help);
		fputs(".br\nDefault: ", out);
		roff_line(out, k->def == NULL ? "the zone's name" : (*k->def ? k->def : "none"));
	}
	fputs(".SH SEE ALSO\n.BR lxzone (8),\n.BR lxrun (1)\n", out);
}
