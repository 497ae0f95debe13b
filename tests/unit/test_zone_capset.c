/* Capability sets: names, the profiles' sets, the `capabilities` syntax and the config key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <linux/capability.h>

#include "zone/capset.h"
#include "zone/config.h"

#define BIT(c) (UINT64_C(1) << (c))

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(zone_cap_name(CAP_CHOWN), "cap_chown");
	assert_string_equal(zone_cap_name(CAP_SYS_TIME), "cap_sys_time");
	assert_string_equal(zone_cap_name(40), "cap_checkpoint_restore");
	assert_null(zone_cap_name(41));
	assert_null(zone_cap_name(-1));
	assert_int_equal(zone_cap_from_name("cap_sys_time", 12), CAP_SYS_TIME);
	assert_int_equal(zone_cap_from_name("SYS_TIME", 8), CAP_SYS_TIME);
	assert_int_equal(zone_cap_from_name("CAP_BPF", 7), 39);
	assert_int_equal(zone_cap_from_name("cap_", 4), -1);
	assert_int_equal(zone_cap_from_name("sys_tim", 7), -1);
	assert_int_equal(zone_cap_from_name("nosuch", 6), -1);
	/* every number has a name that maps back to it */
	for (int c = 0; c <= ZONE_CAP_LAST; c++)
		assert_int_equal(zone_cap_from_name(zone_cap_name(c), strlen(zone_cap_name(c))), c);
}

static void test_profiles(void **state)
{
	(void)state;
	uint64_t def = zone_caps_profile(false, true), hard = zone_caps_profile(true, true);
	uint64_t def_v2 = zone_caps_profile(false, false);
	const int dropped[] = {CAP_DAC_READ_SEARCH,
			       CAP_SYS_MODULE,
			       CAP_SYS_RAWIO,
			       CAP_SYS_PACCT,
			       CAP_AUDIT_CONTROL,
			       CAP_MAC_OVERRIDE,
			       CAP_MAC_ADMIN,
			       CAP_SYSLOG,
			       CAP_WAKE_ALARM,
			       CAP_BLOCK_SUSPEND,
			       CAP_AUDIT_READ,
			       38 /* perfmon */,
			       39 /* bpf */};
	/* sys_time: the brand refuses setting the host's clocks, so it only gives time
	 * namespace offsets; mknod: the devices cgroup confines what a node opens */
	const int kept[] = {CAP_CHOWN,	   CAP_SETUID,	 CAP_SETPCAP,  CAP_NET_ADMIN,
			    CAP_SYS_ADMIN, CAP_SYS_BOOT, CAP_SYS_NICE, CAP_SYS_PTRACE,
			    CAP_SYS_TIME,  CAP_MKNOD};

	for (size_t i = 0; i < sizeof(dropped) / sizeof(dropped[0]); i++)
		assert_false(def & BIT(dropped[i]));
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		assert_true(def & BIT(kept[i]));
	assert_int_equal(__builtin_popcountll(def), 41 - 13);
	/* no devices cgroup (a pure cgroup2 host): the same without mknod */
	assert_int_equal(def_v2, def & ~BIT(CAP_MKNOD));
	/* Docker's default set without mknod, devices cgroup or not */
	assert_int_equal(hard, UINT64_C(0xa00425fb));
	assert_int_equal(zone_caps_profile(true, false), hard);
	assert_int_equal(hard & ~def_v2, 0); /* hardened is a subset of default */
}

static uint64_t parse_ok(const char *spec, uint64_t base, const char *want_norm)
{
	struct zone_error err = {0};
	uint64_t m = 12345;
	char norm[1024];

	assert_int_equal(zone_caps_parse(spec, base, &m, norm, sizeof(norm), &err), 0);
	if (want_norm)
		assert_string_equal(norm, want_norm);
	return m;
}

static void test_parse(void **state)
{
	(void)state;
	uint64_t base = zone_caps_profile(false, true);

	assert_int_equal(parse_ok("default", base, "default"), base);
	assert_int_equal(parse_ok("DEFAULT", base, "default"), base);
	assert_int_equal(parse_ok("all", base, "all"), ZONE_CAPS_ALL);
	assert_int_equal(parse_ok("none", base, "none"), 0);
	assert_int_equal(parse_ok("-sys_admin", base, "-cap_sys_admin"),
			 base & ~BIT(CAP_SYS_ADMIN));
	assert_int_equal(parse_ok("default,-cap_sys_admin,+SYS_TIME", base,
				  "default,-cap_sys_admin,+cap_sys_time"),
			 (base & ~BIT(CAP_SYS_ADMIN)) | BIT(CAP_SYS_TIME));
	assert_int_equal(parse_ok("chown,cap_kill", base, "cap_chown,cap_kill"), 0x21);
	assert_int_equal(parse_ok("chown,-chown", base, NULL), 0);
	assert_int_equal(parse_ok("none,+chown", base, "none,+cap_chown"), 1);
	assert_int_equal(parse_ok("all,-sys_module", base, NULL), ZONE_CAPS_ALL & ~BIT(16));
	/* norm may be omitted */
	struct zone_error err = {0};
	uint64_t m;
	assert_int_equal(zone_caps_parse("+bpf", 0, &m, NULL, 0, &err), 0);
	assert_int_equal(m, BIT(39));
	/* default-profile: the default profile's set over any base, a keyword like the others */
	uint64_t hard = zone_caps_profile(true, true);
	assert_int_equal(parse_ok("default-profile", hard, "default-profile"), base);
	assert_int_equal(
	    parse_ok("Default-Profile,-sys_admin", hard, "default-profile,-cap_sys_admin"),
	    base & ~BIT(CAP_SYS_ADMIN));
	assert_int_equal(zone_caps_parse_in("default-profile", hard,
					    zone_caps_profile(false, false), &m, NULL, 0, &err),
			 0);
	assert_int_equal(m, zone_caps_profile(false, false));
	assert_int_equal(zone_caps_parse("chown,default-profile", hard, &m, NULL, 0, &err), -1);
}

static void test_parse_errors(void **state)
{
	(void)state;
	static const struct {
		const char *spec, *msg;
	} bad[] = {
	    {"", "empty capability set (say none)"},
	    {"+", "'+': empty item"},
	    {"chown,,kill", "'chown,,kill': empty item"},
	    {"chown,", "'chown,': empty item"},
	    {"cap_nosuch", "unknown capability 'cap_nosuch'"},
	    {"default,-nosuch", "unknown capability 'nosuch'"},
	    {"default,all", "'default,all': all may only come first, unsigned"},
	    {"+default", "'+default': default may only come first, unsigned"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct zone_error err = {0};
		uint64_t m = 7;
		char norm[256];

		assert_int_equal(zone_caps_parse(bad[i].spec, 0, &m, norm, sizeof(norm), &err), -1);
		assert_string_equal(err.msg, bad[i].msg);
		assert_int_equal(m, 7); /* untouched on error */
	}
	/* a normalized form that does not fit is an error, not a silent truncation */
	struct zone_error err = {0};
	uint64_t m;
	char tiny[8];
	assert_int_equal(zone_caps_parse("sys_admin", 0, &m, tiny, sizeof(tiny), &err), -1);
}

static void test_format(void **state)
{
	(void)state;
	char buf[1024];

	assert_int_equal(zone_caps_format(0, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "none");
	zone_caps_format(0x21, buf, sizeof(buf));
	assert_string_equal(buf, "cap_chown,cap_kill");
	size_t need = zone_caps_format(ZONE_CAPS_ALL, buf, sizeof(buf));
	assert_int_equal(need, strlen(buf));
	assert_non_null(strstr(buf, "cap_checkpoint_restore"));
	/* a short buffer: truncated, terminated, and the length needed is returned */
	char small[10];
	assert_int_equal(zone_caps_format(0x21, small, sizeof(small)),
			 strlen("cap_chown,cap_kill"));
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

static void test_config_key(void **state)
{
	(void)state;
	json_t *cfg = NULL;
	struct zone_error err = {0};

	assert_int_equal(zone_config_new("z", &cfg, &err), 0);
	assert_string_equal(zone_config_str(cfg, "capabilities"), "default");
	assert_int_equal(zone_config_caps(cfg, true), zone_caps_profile(false, true));
	assert_int_equal(zone_config_caps(cfg, false), zone_caps_profile(false, false));
	/* `default` follows the profile in force at boot */
	assert_int_equal(zone_config_assign(cfg, "profile=hardened", &err), 0);
	assert_int_equal(zone_config_caps(cfg, true), zone_caps_profile(true, true));
	assert_int_equal(zone_config_assign(cfg, "capabilities=+sys_admin", &err), 0);
	assert_string_equal(zone_config_str(cfg, "capabilities"), "+cap_sys_admin");
	assert_int_equal(zone_config_caps(cfg, true),
			 zone_caps_profile(true, true) | BIT(CAP_SYS_ADMIN));
	/* default-profile: a hardened zone with the default zone's set, devices cgroup or not */
	assert_int_equal(zone_config_assign(cfg, "capabilities=default-profile", &err), 0);
	assert_int_equal(zone_config_caps(cfg, true), zone_caps_profile(false, true));
	assert_int_equal(zone_config_caps(cfg, false), zone_caps_profile(false, false));
	assert_int_equal(zone_config_assign(cfg, "capabilities=+cap_sys_admin", &err), 0);
	/* a bad value: refused with the key as context, the old value kept */
	assert_int_equal(zone_config_assign(cfg, "capabilities=+cap_x", &err), -1);
	assert_string_equal(err.msg, "capabilities: unknown capability 'cap_x'");
	assert_string_equal(zone_config_str(cfg, "capabilities"), "+cap_sys_admin");
	/* a zone written before the key existed loads with the default */
	json_object_del(cfg, "capabilities");
	assert_int_equal(zone_config_validate_all(cfg, &err), 0);
	assert_string_equal(zone_config_str(cfg, "capabilities"), "default");
	/* a tampered value is refused on load */
	json_object_set_new(cfg, "capabilities", json_string("cap_x"));
	assert_int_equal(zone_config_validate_all(cfg, &err), -1);
	json_decref(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),  cmocka_unit_test(test_profiles),
	    cmocka_unit_test(test_parse),  cmocka_unit_test(test_parse_errors),
	    cmocka_unit_test(test_format), cmocka_unit_test(test_config_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
