/*
 * A zone's resource limits from its configuration (zone/rlimits.c): `auto` stands in for
 * cap_ipc_lock and cap_sys_nice only in a user-namespaced zone that holds them, and only where
 * the host stays bounded (a memory cap; a CPU task group of its own); numbers are exact; the
 * validators refuse what is not a size or 0..40.  Pure: nothing is set.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/resource.h>

#include "zone/config.h"
#include "zone/rlimits.h"

#define CAPS_BOTH ((1ULL << CAP_IPC_LOCK) | (1ULL << CAP_SYS_NICE))

static json_t *cfg_with(const char *a, const char *b, const char *c)
{
	json_t *cfg = NULL;
	struct zone_error err;
	const char *as[] = {a, b, c};

	assert_int_equal(zone_config_new("rl1", &cfg, &err), 0);
	for (size_t i = 0; i < 3; i++)
		if (as[i])
			assert_int_equal(zone_config_assign(cfg, as[i], &err), 0);
	return cfg;
}

static const struct launch_rlimit *find(const struct launch_rlimit *l, size_t n, int res)
{
	for (size_t i = 0; i < n; i++)
		if (l[i].resource == res)
			return &l[i];
	return NULL;
}

/* the defaults: auto, which needs a memory cap for memlock and a task group for nice */
static void test_auto(void **state)
{
	struct launch_rlimit l[ZONE_RLIMITS_MAX];
	const struct launch_rlimit *m, *n;
	json_t *cfg = cfg_with(NULL, NULL, NULL);
	size_t k;

	(void)state;
	assert_string_equal(zone_config_str(cfg, "rlimit-memlock"), "auto");
	assert_string_equal(zone_config_str(cfg, "rlimit-nice"), "auto");
	/* no memory cap: memlock stays inherited; a task group: nice 40, only raised */
	k = zone_rlimits(cfg, CAPS_BOTH, true, true, l);
	assert_null(find(l, k, RLIMIT_MEMLOCK));
	n = find(l, k, RLIMIT_NICE);
	assert_non_null(n);
	assert_int_equal(n->value, 40);
	assert_int_equal(n->at_least, 1);
	/* no task group of its own: nice would compete with the host's processes */
	k = zone_rlimits(cfg, CAPS_BOTH, true, false, l);
	assert_int_equal(k, 0);
	json_decref(cfg);

	cfg = cfg_with("memory=64M", NULL, NULL);
	k = zone_rlimits(cfg, CAPS_BOTH, true, true, l);
	m = find(l, k, RLIMIT_MEMLOCK);
	assert_non_null(m);
	assert_int_equal(m->value, 64ULL << 20);
	assert_int_equal(m->at_least, 1);
	assert_string_equal(m->name, "rlimit-memlock");
	/* without the capabilities (the hardened profile's set): nothing */
	assert_int_equal(zone_rlimits(cfg, 0, true, true, l), 0);
	assert_int_equal(zone_rlimits(cfg, 1ULL << CAP_IPC_LOCK, true, true, l), 1);
	assert_int_equal(l[0].resource, RLIMIT_MEMLOCK);
	/* a privileged zone: the kernel honours its capabilities, nothing to stand in for */
	assert_int_equal(zone_rlimits(cfg, CAPS_BOTH, false, true, l), 0);
	json_decref(cfg);
}

/* a number is exact, whatever the capabilities and namespaces */
static void test_exact(void **state)
{
	struct launch_rlimit l[ZONE_RLIMITS_MAX];
	const struct launch_rlimit *m, *n;
	json_t *cfg = cfg_with("rlimit-memlock=16M", "rlimit-nice=0", NULL);
	size_t k;

	(void)state;
	k = zone_rlimits(cfg, 0, false, false, l);
	assert_int_equal(k, 2);
	m = find(l, k, RLIMIT_MEMLOCK);
	n = find(l, k, RLIMIT_NICE);
	assert_non_null(m);
	assert_non_null(n);
	assert_int_equal(m->value, 16ULL << 20);
	assert_int_equal(m->at_least, 0);
	assert_int_equal(n->value, 0);
	assert_int_equal(n->at_least, 0);
	json_decref(cfg);
	cfg = cfg_with("rlimit-memlock=unlimited", "rlimit-nice=40", NULL);
	k = zone_rlimits(cfg, 0, true, false, l);
	assert_int_equal(k, 2);
	assert_true(find(l, k, RLIMIT_MEMLOCK)->value == (uint64_t)RLIM_INFINITY);
	assert_int_equal(find(l, k, RLIMIT_NICE)->value, 40);
	json_decref(cfg);
}

static void test_validators(void **state)
{
	json_t *cfg = cfg_with(NULL, NULL, NULL);
	struct zone_error err;
	static const char *const bad[] = {
	    "rlimit-memlock=12Q", "rlimit-memlock=-1", "rlimit-memlock=", "rlimit-nice=41",
	    "rlimit-nice=-1",	  "rlimit-nice=ten",   "rlimit-nice=",	  "rlimit-nice=4x"};
	static const char *const good[] = {
	    "rlimit-memlock=auto", "rlimit-memlock=64K", "rlimit-memlock=unlimited",
	    "rlimit-nice=auto",	   "rlimit-nice=0",	 "rlimit-nice=40"};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(zone_config_assign(cfg, bad[i], &err), -1);
		assert_true(err.msg[0] != '\0');
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(zone_config_assign(cfg, good[i], &err), 0);
	json_decref(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_auto),
	    cmocka_unit_test(test_exact),
	    cmocka_unit_test(test_validators),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
