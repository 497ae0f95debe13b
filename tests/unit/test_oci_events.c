/*
 * lxzone-oci events (cli/oci_events.c) on fake cgroup trees made here: runc's types.Stats from
 * v1 controller files and from cgroup2's, with runc's omitempty rules (zeros left out where
 * runc leaves them out, kept where it keeps them); Go durations as runc's --interval takes
 * them, and the ones it refuses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cli/oci.h"
#include "zone/cgroup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[64];

static void put_file(const char *dir, const char *name, const char *text)
{
	char p[ZONE_CG_PATH + 64];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	assert_non_null(f = fopen(p, "w"));
	fputs(text, f);
	fclose(f);
}

static void mkdirs(const char *path)
{
	char p[ZONE_CG_PATH];

	snprintf(p, sizeof(p), "%s", path);
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/lxzone-ocievents.XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd) == 0 ? 0 : -1;
}

/* The member at path ("memory/usage/limit"; an array's element by its index), or NULL. */
static json_t *walk(json_t *o, const char *path)
{
	char buf[128], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, "/", &save); k && o; k = strtok_r(NULL, "/", &save))
		o = json_is_array(o) ? json_array_get(o, (size_t)atoi(k)) : json_object_get(o, k);
	return o;
}

static json_int_t at(json_t *o, const char *path)
{
	json_t *v = walk(o, path);

	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

static int has(json_t *o, const char *path)
{
	return walk(o, path) != NULL;
}

static void test_v1(void **state)
{
	struct zone_cgroup cg = {.layout = ZONE_CG_HYBRID};
	const char *names[] = {"cpuacct", "cpu", "cpuset", "memory", "pids", "blkio"};
	const int ctrl[] = {ZONE_CG_CPUACCT, ZONE_CG_CPU,  ZONE_CG_CPUSET,
			    ZONE_CG_MEMORY,  ZONE_CG_PIDS, ZONE_CG_BLKIO};
	long hz = sysconf(_SC_CLK_TCK);
	json_t *d;

	(void)state;
	for (int i = 0; i < 6; i++) {
		snprintf(cg.v1[ctrl[i]], ZONE_CG_PATH, "%s/%s/p/c", root, names[i]);
		mkdirs(cg.v1[ctrl[i]]);
	}
	const char *a = cg.v1[ZONE_CG_CPUACCT], *m = cg.v1[ZONE_CG_MEMORY];
	put_file(a, "cpuacct.usage", "5000\n");
	put_file(a, "cpuacct.usage_percpu", "1000 4000 \n");
	put_file(a, "cpuacct.usage_percpu_sys", "0 3000 \n");
	put_file(a, "cpuacct.usage_percpu_user", "1000 1000 \n");
	put_file(a, "cpuacct.stat", "user 2\nsystem 3\n");
	put_file(cg.v1[ZONE_CG_CPU], "cpu.stat",
		 "nr_periods 7\nnr_throttled 0\nthrottled_time 0\n");
	put_file(cg.v1[ZONE_CG_CPUSET], "cpuset.cpus", "0-2,5\n");
	put_file(cg.v1[ZONE_CG_CPUSET], "cpuset.mems", "0\n");
	put_file(cg.v1[ZONE_CG_CPUSET], "cpuset.sched_load_balance", "1\n");
	put_file(cg.v1[ZONE_CG_CPUSET], "cpuset.sched_relax_domain_level", "-1\n");
	put_file(m, "memory.stat", "cache 8192\nrss 4096\ntotal_cache 8192\n");
	put_file(m, "memory.limit_in_bytes", "67108864\n");
	put_file(m, "memory.usage_in_bytes", "12288\n");
	put_file(m, "memory.max_usage_in_bytes", "0\n");
	put_file(m, "memory.failcnt", "2\n");
	put_file(m, "memory.kmem.tcp.usage_in_bytes", "0\n");
	put_file(m, "memory.kmem.tcp.limit_in_bytes", "9223372036854771712\n");
	put_file(cg.v1[ZONE_CG_PIDS], "pids.current", "3\n");
	put_file(cg.v1[ZONE_CG_PIDS], "pids.max", "max\n");
	put_file(cg.v1[ZONE_CG_BLKIO], "blkio.throttle.io_service_bytes_recursive",
		 "254:0 Read 4096\n254:0 Write 0\n254:0 Total 4096\nTotal 4096\n");
	put_file(cg.v1[ZONE_CG_BLKIO], "blkio.throttle.io_serviced_recursive",
		 "254:16 Read 1\nTotal 1\n");

	assert_non_null(d = oci_stats_json(&cg));
	assert_int_equal(at(d, "cpu/usage/total"), 5000);
	assert_int_equal(at(d, "cpu/usage/percpu/1"), 4000);
	assert_int_equal(json_array_size(json_object_get(
			     json_object_get(json_object_get(d, "cpu"), "usage"), "percpu")),
			 2);
	assert_int_equal(at(d, "cpu/usage/percpu_kernel/1"), 3000);
	assert_int_equal(at(d, "cpu/usage/percpu_user/0"), 1000);
	/* USER_HZ ticks in ns */
	assert_int_equal(at(d, "cpu/usage/user"), 2 * (1000000000 / hz));
	assert_int_equal(at(d, "cpu/usage/kernel"), 3 * (1000000000 / hz));
	assert_int_equal(at(d, "cpu/throttling/periods"), 7);
	assert_false(has(d, "cpu/throttling/throttledPeriods")); /* omitempty */
	assert_int_equal(at(d, "cpuset/cpus/3"), 5);
	assert_int_equal(json_array_size(json_object_get(json_object_get(d, "cpuset"), "cpus")), 4);
	assert_int_equal(at(d, "cpuset/mems/0"), 0);
	assert_int_equal(at(d, "cpuset/sched_load_balance"), 1);
	assert_int_equal(at(d, "cpuset/sched_relax_domain_level"), -1);
	assert_int_equal(at(d, "cpuset/cpu_exclusive"), 0); /* not omitempty */
	assert_int_equal(at(d, "memory/cache"), 8192);
	assert_int_equal(at(d, "memory/usage/limit"), 67108864);
	assert_int_equal(at(d, "memory/usage/usage"), 12288);
	assert_false(has(d, "memory/usage/max"));
	assert_int_equal(at(d, "memory/usage/failcnt"), 2);
	/* no memsw files: the entry still, as Go prints a struct whatever its omitempty */
	assert_int_equal(at(d, "memory/swap/limit"), 0);
	assert_int_equal(at(d, "memory/swap/failcnt"), 0);
	assert_false(has(d, "memory/swap/usage"));
	assert_int_equal(at(d, "memory/kernelTCP/limit"), 9223372036854771712LL);
	assert_false(has(d, "memory/kernelTCP/usage"));
	assert_int_equal(at(d, "memory/raw/rss"), 4096);
	assert_int_equal(at(d, "pids/current"), 3);
	assert_false(has(d, "pids/limit")); /* "max" */
	json_t *b = json_object_get(json_object_get(d, "blkio"), "ioServiceBytesRecursive");
	assert_int_equal(json_array_size(b), 3); /* the device-less Total line left out */
	assert_int_equal(json_integer_value(json_object_get(json_array_get(b, 0), "major")), 254);
	assert_null(json_object_get(json_array_get(b, 0), "minor")); /* 0: omitempty */
	assert_string_equal(json_string_value(json_object_get(json_array_get(b, 1), "op")),
			    "Write");
	assert_null(json_object_get(json_array_get(b, 1), "value"));
	b = json_object_get(json_object_get(d, "blkio"), "ioServicedRecursive");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(b, 0), "minor")), 16);
	assert_true(json_is_object(json_object_get(d, "hugetlb")));
	assert_true(json_is_null(json_object_get(d, "network_interfaces")));
	json_decref(d);

	/* a container whose cgroup is gone: the shapes, no numbers */
	for (int i = 0; i < 6; i++)
		snprintf(cg.v1[ctrl[i]], ZONE_CG_PATH, "%s/gone/%s", root, names[i]);
	assert_non_null(d = oci_stats_json(&cg));
	assert_false(has(d, "cpu/usage/total"));
	assert_int_equal(at(d, "cpu/usage/user"), 0);
	assert_int_equal(at(d, "memory/usage/limit"), 0);
	assert_false(has(d, "memory/usage/usage"));
	assert_int_equal(at(d, "cpuset/mem_hardwall"), 0); /* the nine integers, always */
	assert_int_equal(at(d, "cpuset/sched_relax_domain_level"), 0);
	assert_false(has(d, "cpuset/cpus"));
	json_decref(d);
}

static void test_v2(void **state)
{
	struct zone_cgroup cg = {.layout = ZONE_CG_V2};
	json_t *d, *b;

	(void)state;
	snprintf(cg.v2, sizeof(cg.v2), "%s/unified/p/c", root);
	mkdirs(cg.v2);
	put_file(cg.v2, "cpu.stat",
		 "usage_usec 30\nuser_usec 10\nsystem_usec 20\nnr_periods 4\nnr_throttled 1\n"
		 "throttled_usec 5\n");
	put_file(cg.v2, "cpuset.cpus.effective", "0-1\n");
	put_file(cg.v2, "memory.stat", "anon 4096\nfile 8192\n");
	put_file(cg.v2, "memory.max", "67108864\n");
	put_file(cg.v2, "memory.current", "12288\n");
	put_file(cg.v2, "memory.swap.max", "1048576\n");
	put_file(cg.v2, "pids.current", "2\n");
	put_file(cg.v2, "pids.max", "100\n");
	put_file(cg.v2, "io.stat", "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n");
	assert_non_null(d = oci_stats_json(&cg));
	assert_int_equal(at(d, "cpu/usage/total"), 30000);
	assert_int_equal(at(d, "cpu/usage/user"), 10000);
	assert_int_equal(at(d, "cpu/usage/kernel"), 20000);
	assert_int_equal(at(d, "cpu/throttling/throttledTime"), 5000);
	assert_int_equal(at(d, "cpuset/cpus/1"), 1);
	assert_int_equal(at(d, "memory/cache"), 8192);
	assert_int_equal(at(d, "memory/usage/limit"), 67108864);
	assert_int_equal(at(d, "memory/usage/usage"), 12288);
	/* memory+swap, as runc converts cgroup2's swap: limits and usages added */
	assert_int_equal(at(d, "memory/swap/limit"), 67108864 + 1048576);
	assert_int_equal(at(d, "memory/swap/usage"), 12288);
	assert_int_equal(at(d, "memory/kernel/limit"), 0);
	assert_int_equal(at(d, "cpuset/cpu_exclusive"), 0);
	assert_int_equal(at(d, "memory/raw/anon"), 4096);
	assert_int_equal(at(d, "pids/limit"), 100);
	b = json_object_get(json_object_get(d, "blkio"), "ioServiceBytesRecursive");
	assert_int_equal(json_array_size(b), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(b, 0), "major")), 8);
	assert_string_equal(json_string_value(json_object_get(json_array_get(b, 1), "op")),
			    "Write");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(b, 1), "value")), 8192);
	b = json_object_get(json_object_get(d, "blkio"), "ioServicedRecursive");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(b, 1), "value")), 2);
	json_decref(d);

	/* no limits: "max" is 2^63-1 here (jansson has no unsigned integers), a sum stays there */
	put_file(cg.v2, "memory.max", "max\n");
	assert_non_null(d = oci_stats_json(&cg));
	assert_int_equal(at(d, "memory/usage/limit"), INT64_MAX);
	assert_int_equal(at(d, "memory/swap/limit"), INT64_MAX);
	json_decref(d);
}

static void test_duration(void **state)
{
	static const struct {
		const char *s;
		long long ns;
	} good[] = {{"5s", 5000000000LL},
		    {"0", 0},
		    {"250ms", 250000000LL},
		    {"1m30s", 90000000000LL},
		    {"1.5h", 5400000000000LL},
		    {".5s", 500000000LL},
		    {"-1ns", -1},
		    {"3us", 3000},
		    {"3\xc2\xb5s", 3000},
		    {"+2m", 120000000000LL},
		    {"0s", 0},
		    {"3.00064s", 3000640000LL}, /* exact, as Go's integer part and fraction */
		    {"2562047h", 2562047LL * 3600000000000LL},
		    {"9223372036854775807ns", INT64_MAX},
		    {"-9223372036854775808ns", INT64_MIN}};
	static const char *const bad[] = {
	    "", "5", "abc", "5x", "1s5", "s", "1e3s", "-", "99999999999h", "9223372036854775808ns"};
	long long ns;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(oci_parse_duration(good[i].s, &ns), 0);
		assert_int_equal(ns, good[i].ns);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(oci_parse_duration(bad[i], &ns), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_v1, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v2, setup, teardown),
	    cmocka_unit_test(test_duration),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
