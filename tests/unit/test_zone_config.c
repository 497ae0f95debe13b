/* Zone configuration table: validators, assignment forms, defaults, cross-key checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "zone/config.h"
#include "zone/state.h"

static json_t *fresh(void)
{
	json_t *cfg = NULL;
	struct zone_error err;
	assert_int_equal(zone_config_new("web1", &cfg, &err), 0);
	return cfg;
}

static void test_defaults_cover_every_key(void **state)
{
	(void)state;
	json_t *cfg = fresh();
	struct zone_error err;
	for (size_t i = 0; i < zone_config_nkeys; i++)
		assert_non_null(json_object_get(cfg, zone_config_keys[i].name));
	assert_string_equal(zone_config_str(cfg, "hostname"), "web1");
	assert_string_equal(zone_config_str(cfg, "net"), "none");
	assert_int_equal(zone_config_validate_all(cfg, &err), 0);
	assert_true(zone_config_u64(cfg, "memory") == ZONE_UNLIMITED);
	assert_int_equal(zone_config_u64(cfg, "swap"), 0);
	json_decref(cfg);
}

static void test_every_key_has_help_and_a_valid_default(void **state)
{
	(void)state;
	char out[8192];
	struct zone_error err;
	for (size_t i = 0; i < zone_config_nkeys; i++) {
		const struct zone_config_key *k = &zone_config_keys[i];
		assert_non_null(k->help);
		assert_true(strlen(k->help) > 10);
		if (k->def != NULL && *k->def != '\0')
			assert_int_equal(k->validate(k->def, out, sizeof(out), &err), 0);
	}
}

static void test_sizes(void **state)
{
	(void)state;
	uint64_t b;
	struct zone_error err;
	assert_int_equal(zone_size_parse("64M", &b, &err), 0);
	assert_int_equal(b, 64ULL << 20);
	assert_int_equal(zone_size_parse("2G", &b, &err), 0);
	assert_int_equal(b, 2ULL << 30);
	assert_int_equal(zone_size_parse("512KiB", &b, &err), 0);
	assert_int_equal(b, 512ULL << 10);
	assert_int_equal(zone_size_parse("1048576", &b, &err), 0);
	assert_int_equal(b, 1048576);
	assert_int_equal(zone_size_parse("unlimited", &b, &err), 0);
	assert_true(b == ZONE_UNLIMITED);
	assert_int_equal(zone_size_parse("12Q", &b, &err), -1);
	assert_non_null(strstr(err.msg, "12Q"));
	assert_int_equal(zone_size_parse("-1M", &b, &err), -1);
	assert_int_equal(zone_size_parse("99999999999999999999T", &b, &err), -1);
}

static void test_set_rejects_bad_values_with_key_context(void **state)
{
	(void)state;
	json_t *cfg = fresh();
	struct zone_error err;
	assert_int_equal(zone_config_assign(cfg, "memory=1M", &err), -1);
	assert_non_null(strstr(err.msg, "memory"));
	assert_int_equal(zone_config_assign(cfg, "net=bridge", &err), -1);
	assert_non_null(strstr(err.msg, "none|exclusive|shared"));
	assert_int_equal(zone_config_assign(cfg, "cpus=0", &err), -1);
	assert_int_equal(zone_config_assign(cfg, "cpus=1.2345", &err), -1);
	assert_int_equal(zone_config_assign(cfg, "pids=0", &err), -1);
	assert_int_equal(zone_config_assign(cfg, "kernel-version=five", &err), -1);
	assert_int_equal(zone_config_assign(cfg, "hostname=-bad", &err), -1);
	assert_int_equal(zone_config_assign(cfg, "address=10.0.0.300/24", &err), -1);
	assert_int_equal(zone_config_assign(cfg, "address=10.0.0.3", &err), -1);
	assert_int_equal(zone_config_assign(cfg, "init=sbin/init", &err), -1);
	assert_int_equal(zone_config_assign(cfg, "boottime=guest", &err), -1);
	assert_non_null(strstr(err.msg, "zone|host"));
	assert_int_equal(zone_config_assign(cfg, "nosuchkey=1", &err), -1);
	assert_non_null(strstr(err.msg, "unknown configuration key"));
	assert_int_equal(zone_config_assign(cfg, "memory+=1G", &err), -1);
	/* Nothing above changed the configuration. */
	assert_string_equal(zone_config_str(cfg, "memory"), "unlimited");
	json_decref(cfg);
}

static void test_set_accepts_good_values(void **state)
{
	(void)state;
	json_t *cfg = fresh();
	struct zone_error err;
	assert_int_equal(zone_config_assign(cfg, "memory=64M", &err), 0);
	assert_int_equal(zone_config_u64(cfg, "memory"), 64ULL << 20);
	assert_int_equal(zone_config_assign(cfg, "cpus=1.5", &err), 0);
	assert_int_equal(zone_config_millicpus(cfg), 1500);
	assert_int_equal(zone_config_assign(cfg, "cpus=2", &err), 0);
	assert_int_equal(zone_config_millicpus(cfg), 2000);
	assert_int_equal(zone_config_assign(cfg, "cpus=0.25", &err), 0);
	assert_int_equal(zone_config_millicpus(cfg), 250);
	assert_int_equal(zone_config_assign(cfg, "kernel-version=6.1.0-13-amd64", &err), 0);
	assert_int_equal(zone_config_assign(cfg, "address=fd00::2/64", &err), 0);
	assert_int_equal(zone_config_assign(cfg, "golden=yes", &err), 0);
	assert_true(zone_config_bool(cfg, "golden"));
	assert_int_equal(zone_config_assign(cfg, "init=/sbin/init", &err), 0);
	assert_int_equal(zone_config_assign(cfg, "hostname=build-07.example", &err), 0);
	/* a zone's clock counts from its boot unless asked for the host's */
	assert_string_equal(zone_config_str(cfg, "boottime"), "zone");
	assert_int_equal(zone_config_assign(cfg, "boottime=host", &err), 0);
	assert_string_equal(zone_config_str(cfg, "boottime"), "host");
	json_decref(cfg);
}

static void test_repeatable_mounts(void **state)
{
	(void)state;
	json_t *cfg = fresh();
	struct zone_error err;
	struct zone_mount m;
	assert_int_equal(zone_config_assign(cfg, "mount+=/srv/data:/data:ro", &err), 0);
	assert_int_equal(zone_config_assign(cfg, "mount+=/tmp:/mnt", &err), 0);
	assert_int_equal(json_array_size(json_object_get(cfg, "mount")), 2);
	assert_int_equal(zone_config_assign(cfg, "mount-=/tmp:/mnt", &err), 0);
	assert_int_equal(json_array_size(json_object_get(cfg, "mount")), 1);
	assert_int_equal(zone_config_assign(cfg, "mount-=/nope:/x", &err), -1);
	assert_int_equal(zone_config_assign(cfg, "mount=/a:/b", &err), 0);
	assert_int_equal(json_array_size(json_object_get(cfg, "mount")), 1);
	assert_int_equal(zone_config_assign(cfg, "mount=", &err), 0);
	assert_int_equal(json_array_size(json_object_get(cfg, "mount")), 0);

	assert_int_equal(zone_mount_parse("/srv/data:/data:ro", &m, &err), 0);
	assert_string_equal(m.host, "/srv/data");
	assert_string_equal(m.zone, "/data");
	assert_true(m.readonly);
	assert_int_equal(zone_mount_parse("/srv:/data:rw", &m, &err), 0);
	assert_false(m.readonly);
	assert_int_equal(zone_mount_parse("srv:/data", &m, &err), -1);
	assert_int_equal(zone_mount_parse("/srv:/", &m, &err), -1);
	assert_int_equal(zone_mount_parse("/srv:/a/../../etc", &m, &err), -1);
	assert_int_equal(zone_mount_parse("/srv/../etc:/a", &m, &err), -1);
	assert_int_equal(zone_mount_parse("/srv:/a:rx", &m, &err), -1);
	assert_int_equal(zone_mount_parse("/srv", &m, &err), -1);
	/* ".." as part of a name is fine. */
	assert_int_equal(zone_mount_parse("/srv/a..b:/x..y", &m, &err), 0);
	json_decref(cfg);
}

static void test_cross_key_checks(void **state)
{
	(void)state;
	json_t *cfg = fresh();
	struct zone_error err;
	assert_int_equal(zone_config_assign(cfg, "net=exclusive", &err), 0);
	assert_int_equal(zone_config_check(cfg, &err), -1);
	assert_non_null(strstr(err.msg, "address"));
	assert_int_equal(zone_config_assign(cfg, "address=10.0.3.2/24", &err), 0);
	assert_int_equal(zone_config_check(cfg, &err), 0);
	assert_int_equal(zone_config_assign(cfg, "swap=1G", &err), 0);
	assert_int_equal(zone_config_check(cfg, &err), -1);
	assert_int_equal(zone_config_assign(cfg, "memory=1G", &err), 0);
	assert_int_equal(zone_config_check(cfg, &err), 0);
	json_decref(cfg);
}

/* create and configure refuse what boot would (issue 12): exclusive takes one IPv4 address
 * with room for the host end; shared takes several, never in a privileged zone. */
static void test_net_checks(void **state)
{
	(void)state;
	json_t *cfg = fresh();
	struct zone_error err;
	assert_int_equal(zone_config_assign(cfg, "net=exclusive", &err), 0);
	assert_int_equal(zone_config_assign(cfg, "address=fd00::5/64", &err), 0);
	assert_int_equal(zone_config_check(cfg, &err), 0);
	assert_int_equal(zone_config_assign(cfg, "address=fd00::5/128", &err), 0);
	assert_int_equal(zone_config_check(cfg, &err), -1);
	assert_non_null(strstr(err.msg, "prefix"));
	assert_int_equal(zone_config_assign(cfg, "address=10.0.3.2/32", &err), 0);
	assert_int_equal(zone_config_check(cfg, &err), -1);
	assert_non_null(strstr(err.msg, "prefix"));
	assert_int_equal(zone_config_assign(cfg, "address=10.0.3.2/24,10.0.4.2/24", &err), 0);
	assert_int_equal(zone_config_check(cfg, &err), -1);
	assert_non_null(strstr(err.msg, "one IPv4 and one IPv6"));
	assert_int_equal(zone_config_assign(cfg, "net=shared", &err), 0);
	assert_int_equal(zone_config_check(cfg, &err), 0);
	assert_int_equal(zone_config_assign(cfg, "address=198.51.100.7/32,fd77::7/128", &err), 0);
	assert_int_equal(zone_config_check(cfg, &err), 0);
	assert_int_equal(zone_config_assign(cfg, "privileged=true", &err), 0);
	assert_int_equal(zone_config_check(cfg, &err), -1);
	assert_non_null(strstr(err.msg, "unprivileged"));
	assert_int_equal(zone_config_assign(cfg, "privileged=false", &err), 0);
	assert_int_equal(zone_config_assign(cfg, "address=", &err), 0);
	assert_int_equal(zone_config_check(cfg, &err), -1);
	assert_non_null(strstr(err.msg, "net=shared needs an address"));
	/* bad lists are refused whole */
	assert_int_equal(zone_config_assign(cfg, "address=198.51.100.7/32,", &err), -1);
	assert_int_equal(zone_config_assign(cfg, "address=198.51.100.7/32,,fd77::1/64", &err), -1);
	assert_int_equal(zone_config_assign(cfg, "address=198.51.100.7/32,fd77::1", &err), -1);
	assert_int_equal(
	    zone_config_assign(cfg,
			       "address=1.0.0.1/32,1.0.0.2/32,1.0.0.3/32,1.0.0.4/32,"
			       "1.0.0.5/32,1.0.0.6/32,1.0.0.7/32,1.0.0.8/32,1.0.0.9/32",
			       &err),
	    -1);
	assert_non_null(strstr(err.msg, "at most"));
	assert_int_equal(zone_config_assign(cfg, "shared-interface=eth0", &err), 0);
	assert_int_equal(zone_config_assign(cfg, "shared-interface=a/b", &err), -1);
	assert_int_equal(zone_config_assign(cfg, "shared-interface=abcdefghijklmnop", &err), -1);
	json_decref(cfg);
}

static void test_validate_all_rejects_tampered_files(void **state)
{
	(void)state;
	json_t *cfg = fresh();
	struct zone_error err;
	json_object_set_new(cfg, "memory", json_string("lots"));
	assert_int_equal(zone_config_validate_all(cfg, &err), -1);
	json_decref(cfg);
	cfg = fresh();
	json_object_set_new(cfg, "surprise", json_string("x"));
	assert_int_equal(zone_config_validate_all(cfg, &err), -1);
	json_decref(cfg);
	cfg = fresh();
	json_object_del(cfg, "brand");
	assert_int_equal(zone_config_validate_all(cfg, &err), -1);
	json_decref(cfg);
}

/* A zone written before any later key existed: its file has only the first format's 14
 * keys, and every key added since gets its default (a zone from before syscall-patching
 * failed with "missing configuration key" at every command). */
static void test_validate_all_defaults_every_late_key(void **state)
{
	static const char *const first[] = {
	    "brand", "profile", "kernel-version", "memory", "swap",   "cpus",	  "pids",
	    "net",   "address", "root-type",	  "mount",  "golden", "hostname", "init"};
	json_t *cfg = fresh(), *old = json_object();
	struct zone_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(first) / sizeof(first[0]); i++)
		json_object_set(old, first[i], json_object_get(cfg, first[i]));
	assert_int_equal(zone_config_validate_all(old, &err), 0);
	for (size_t i = 0; i < zone_config_nkeys; i++)
		assert_non_null(json_object_get(old, zone_config_keys[i].name));
	assert_string_equal(json_string_value(json_object_get(old, "syscall-patching")),
			    json_string_value(json_object_get(cfg, "syscall-patching")));
	json_decref(old);
	json_decref(cfg);
}

static void test_zone_names(void **state)
{
	(void)state;
	struct zone_error err;
	assert_int_equal(zone_name_validate("web1", &err), 0);
	assert_int_equal(zone_name_validate("a.b_c-d", &err), 0);
	assert_int_equal(zone_name_validate("", &err), -1);
	assert_int_equal(zone_name_validate(".hidden", &err), -1);
	assert_int_equal(zone_name_validate("..", &err), -1);
	assert_int_equal(zone_name_validate("a/b", &err), -1);
	assert_int_equal(
	    zone_name_validate("a234567890123456789012345678901234567890123456789012345678901234",
			       &err),
	    -1);
}

static void test_state_table(void **state)
{
	(void)state;
	/* The lifecycle path of DESIGN.md, edge by edge. */
	assert_true(zone_state_transition_ok(ZONE_CONFIGURED, ZONE_INCOMPLETE));
	assert_true(zone_state_transition_ok(ZONE_INCOMPLETE, ZONE_INSTALLED));
	assert_true(zone_state_transition_ok(ZONE_INSTALLED, ZONE_READY));
	assert_true(zone_state_transition_ok(ZONE_READY, ZONE_RUNNING));
	assert_true(zone_state_transition_ok(ZONE_RUNNING, ZONE_SHUTTING_DOWN));
	assert_true(zone_state_transition_ok(ZONE_SHUTTING_DOWN, ZONE_INSTALLED));
	assert_true(zone_state_transition_ok(ZONE_INCOMPLETE, ZONE_CONFIGURED));
	/* Shortcuts that would hide an unfinished install are not edges. */
	assert_false(zone_state_transition_ok(ZONE_CONFIGURED, ZONE_INSTALLED));
	assert_false(zone_state_transition_ok(ZONE_CONFIGURED, ZONE_RUNNING));
	assert_false(zone_state_transition_ok(ZONE_INCOMPLETE, ZONE_READY));
	assert_false(zone_state_transition_ok(ZONE_RUNNING, ZONE_CONFIGURED));
	for (int s = 0; s < ZONE_STATE_COUNT; s++)
		assert_int_equal(zone_state_from_name(zone_state_name((enum zone_state)s)), s);
	assert_int_equal(zone_state_from_name("booted"), -1);
	assert_string_equal(zone_state_name(ZONE_SHUTTING_DOWN), "shutting_down");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults_cover_every_key),
	    cmocka_unit_test(test_every_key_has_help_and_a_valid_default),
	    cmocka_unit_test(test_sizes),
	    cmocka_unit_test(test_set_rejects_bad_values_with_key_context),
	    cmocka_unit_test(test_set_accepts_good_values),
	    cmocka_unit_test(test_repeatable_mounts),
	    cmocka_unit_test(test_cross_key_checks),
	    cmocka_unit_test(test_net_checks),
	    cmocka_unit_test(test_validate_all_rejects_tampered_files),
	    cmocka_unit_test(test_validate_all_defaults_every_late_key),
	    cmocka_unit_test(test_zone_names),
	    cmocka_unit_test(test_state_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
