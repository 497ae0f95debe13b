/*
 * cgroup v1 / v2 and host /proc parsers (proc/lxcgroup.c, proc/lxhost.c), driven by the
 * fixture trees under tests/fixtures: real files copied from this machine and capped variants.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "proc/lxproc.h"

#include "tests/unit/lxproc_fixture.h"

static void test_limits_v1_and_v2(void **state)
{
	uint64_t v;

	(void)state;
	/* This machine's root memory cgroup: the v1 "no limit" page-counter maximum. */
	assert_true(lx_cg_parse_limit(fixture("cgroup-v1/host/memory.limit_in_bytes"), &v));
	assert_true(v == LX_NOCAP);
	assert_true(lx_cg_parse_limit(fixture("cgroup-v1/capped/memory.limit_in_bytes"), &v));
	assert_true(v == 268435456);
	assert_true(lx_cg_parse_limit(fixture("cgroup-v2/host/memory.max"), &v));
	assert_true(v == LX_NOCAP);
	assert_true(lx_cg_parse_limit(fixture("cgroup-v2/capped/memory.max"), &v));
	assert_true(v == 268435456);
	assert_true(lx_cg_parse_limit(fixture("cgroup-v2/capped/pids.max"), &v));
	assert_true(v == 256);
	assert_true(lx_cg_parse_limit(fixture("cgroup-v2/host/pids.max"), &v));
	assert_true(v == LX_NOCAP);
	assert_true(lx_cg_parse_u64(fixture("cgroup-v2/capped/pids.current"), &v));
	assert_true(v == 7);
	assert_false(lx_cg_parse_limit(lx_text_cstr("maxi\n"), &v));
	assert_false(lx_cg_parse_limit(lx_text_cstr("\n"), &v));
}

static void test_v1_swap_limit_is_memsw_minus_mem(void **state)
{
	uint64_t mem, memsw;

	(void)state;
	assert_true(lx_cg_parse_limit(fixture("cgroup-v1/capped/memory.limit_in_bytes"), &mem));
	assert_true(
	    lx_cg_parse_limit(fixture("cgroup-v1/capped/memory.memsw.limit_in_bytes"), &memsw));
	assert_true(lx_cg_v1_swap_limit(memsw, mem) == 268435456);
	assert_true(lx_cg_v1_swap_limit(LX_NOCAP, mem) == LX_NOCAP);
	assert_true(lx_cg_v1_swap_limit(mem, mem) == 0);
	assert_true(lx_cg_v1_swap_limit(mem, LX_NOCAP) == 0);
}

static void test_memstat_v1_prefers_hierarchical_totals(void **state)
{
	struct lx_memstat ms;

	(void)state;
	/* This machine's root: local "cache 9621504", hierarchical "total_cache 1091821568". */
	assert_true(lx_cg_v1_memstat(fixture("cgroup-v1/host/memory.stat"), &ms));
	assert_true(ms.file == 1091821568);
	assert_true(ms.anon == 35180544);
	assert_true(ms.shmem == 9097216);
	assert_true(ms.inactive_file == 480874496);
	assert_true(ms.active_file == 601849856);
	assert_true(ms.unevictable == 17637376);
	assert_true(ms.slab_reclaimable == 0); /* v1 does not report it */

	/* Without total_* keys (use_hierarchy=0 on old kernels), the local keys serve. */
	assert_true(lx_cg_v1_memstat(lx_text_cstr("cache 4096\nrss 8192\nshmem 0\n"), &ms));
	assert_true(ms.file == 4096);
	assert_true(ms.anon == 8192);
	assert_false(lx_cg_v1_memstat(lx_text_cstr("nothing 1\n"), &ms));
}

static void test_memstat_v2(void **state)
{
	struct lx_memstat ms;

	(void)state;
	assert_true(lx_cg_v2_memstat(fixture("cgroup-v2/capped/memory.stat"), &ms));
	assert_true(ms.anon == 52428800);
	assert_true(ms.file == 41943040);
	assert_true(ms.shmem == 4194304);
	assert_true(ms.mapped_file == 8388608);
	assert_true(ms.dirty == 1048576);
	assert_true(ms.active_anon == 31457280);
	assert_true(ms.inactive_file == 25165824);
	assert_true(ms.slab_reclaimable == 3145728);
	assert_true(ms.kernel_stack == 262144);
	/* "file" must not match "file_mapped", nor "anon" "anon_thp". */
	assert_true(ms.anon_thp == 0);
}

static void test_cpuset_lists(void **state)
{
	struct lx_cpuset s;
	char out[64];
	struct lx_buf b;

	(void)state;
	assert_true(lx_cpuset_parse(fixture("cgroup-v1/host/cpuset.effective_cpus"), &s));
	assert_int_equal(lx_cpuset_count(&s), 2);
	assert_true(lx_cpuset_parse(fixture("cgroup-v1/capped/cpuset.cpus"), &s));
	assert_int_equal(lx_cpuset_count(&s), 1);
	assert_true(lx_cpuset_has(&s, 1));
	assert_false(lx_cpuset_has(&s, 0));

	assert_true(lx_cpuset_parse(lx_text_cstr("0-3,5,8-9,63-64,1023\n"), &s));
	assert_int_equal(lx_cpuset_count(&s), 4 + 1 + 2 + 2 + 1);
	lx_buf_init(&b, out, sizeof(out));
	lx_cpuset_print(&b, &s);
	assert_int_equal(b.len, strlen("0-3,5,8-9,63-64,1023"));
	assert_memory_equal(out, "0-3,5,8-9,63-64,1023", b.len);

	assert_true(lx_cpuset_parse(lx_text_cstr("\n"), &s)); /* an empty cpuset */
	assert_int_equal(lx_cpuset_count(&s), 0);
	assert_false(lx_cpuset_parse(lx_text_cstr("3-1"), &s));
	assert_false(lx_cpuset_parse(lx_text_cstr("0-1024"), &s));
	assert_false(lx_cpuset_parse(lx_text_cstr("0,,1"), &s));
	assert_false(lx_cpuset_parse(lx_text_cstr("0;1"), &s));
}

static void test_cpu_quota(void **state)
{
	uint64_t q, p;

	(void)state;
	assert_true(lx_cg_v1_cpu_quota(fixture("cgroup-v1/host/cpu.cfs_quota_us"),
				       fixture("cgroup-v1/host/cpu.cfs_period_us"), &q, &p));
	assert_true(q == LX_NOCAP && p == 100000);
	assert_int_equal(lx_cpu_quota_cpus(q, p), UINT32_MAX);
	assert_true(lx_cg_v1_cpu_quota(fixture("cgroup-v1/capped/cpu.cfs_quota_us"),
				       fixture("cgroup-v1/capped/cpu.cfs_period_us"), &q, &p));
	assert_true(q == 50000 && p == 100000);
	assert_int_equal(lx_cpu_quota_cpus(q, p), 1);
	assert_true(lx_cg_v2_cpu_max(fixture("cgroup-v2/host/cpu.max"), &q, &p));
	assert_true(q == LX_NOCAP && p == 100000);
	assert_true(lx_cg_v2_cpu_max(fixture("cgroup-v2/capped/cpu.max"), &q, &p));
	assert_true(q == 50000 && p == 100000);
	assert_int_equal(lx_cpu_quota_cpus(150000, 100000), 2);
	assert_int_equal(lx_cpu_quota_cpus(200000, 100000), 2);
	assert_int_equal(lx_cpu_quota_cpus(1000, 100000), 1);
	assert_false(lx_cg_v2_cpu_max(lx_text_cstr("50000 0\n"), &q, &p));
	assert_false(lx_cg_v2_cpu_max(lx_text_cstr("50000\n"), &q, &p));
}

static void test_cpu_usage(void **state)
{
	struct lx_cputime t[8];
	struct lx_cputime total;
	uint32_t n = 8;

	(void)state;
	/* This machine: "299822895100 327141225376 " ns -> 29982 and 32714 ticks. */
	assert_true(lx_cg_v1_cpuacct_percpu(fixture("cgroup-v1/host/cpuacct.usage_percpu"), t, &n));
	assert_int_equal(n, 2);
	assert_true(t[0].user == 29982 && t[1].user == 32714);

	n = 8;
	assert_true(lx_cg_v1_cpuacct_all(fixture("cgroup-v1/capped/cpuacct.usage_all"), t, &n));
	assert_int_equal(n, 2);
	assert_true(t[0].user == 0 && t[0].system == 0);
	assert_true(t[1].user == 3000 && t[1].system == 1560);

	n = 1; /* a short array keeps what fits */
	assert_true(lx_cg_v1_cpuacct_percpu(lx_text_cstr("10000000 20000000 30000000\n"), t, &n));
	assert_int_equal(n, 1);
	assert_true(t[0].user == 1);

	assert_true(lx_cg_v2_cpu_stat(fixture("cgroup-v2/capped/cpu.stat"), &total));
	assert_true(total.user == 30000 && total.system == 15600 && total.nice == 0);
	assert_true(lx_cg_v2_cpu_stat(lx_text_cstr("usage_usec 20000\nuser_usec 20000\n"
						   "system_usec 0\nnice_usec 5000\n"),
				      &total));
	assert_true(total.user == 1 && total.nice == 0 && total.system == 0);
	assert_false(lx_cg_v2_cpu_stat(lx_text_cstr("user_usec 1\n"), &total));
}

/* The numbers of both I/O fixtures (v1's blkio files, v2's io.stat). */
static void expect_fixture_io(const struct lx_diskio *io, uint32_t n)
{
	assert_int_equal(n, 2);
	assert_int_equal(io[0].major, 254);
	assert_int_equal(io[0].minor, 0);
	assert_int_equal(io[0].rd_ios, 20);
	assert_int_equal(io[0].wr_ios, 16);
	assert_int_equal(io[0].dc_ios, 6);
	assert_int_equal(io[0].rd_bytes, 1064960);
	assert_int_equal(io[0].wr_bytes, 1048576);
	assert_int_equal(io[0].dc_bytes, 1052672);
	assert_int_equal(io[1].major, 7);
	assert_int_equal(io[1].minor, 0);
	assert_int_equal(io[1].rd_ios, 3);
	assert_int_equal(io[1].rd_bytes, 12288);
	assert_int_equal(io[1].wr_ios, 0);
	assert_int_equal(io[1].wr_bytes, 0);
}

/* The zone's I/O by device: v1's two blkio.throttle files (Sync, Async and Total are sums and
 * ignored) and v2's io.stat; refusals and the capacity. */
static void test_blkio(void **state)
{
	struct lx_diskio io[4];
	uint32_t n = 4;

	(void)state;
	assert_true(lx_cg_v1_blkio(
	    fixture("cgroup-v1/capped/blkio.throttle.io_serviced_recursive"),
	    fixture("cgroup-v1/capped/blkio.throttle.io_service_bytes_recursive"), io, &n));
	expect_fixture_io(io, n);
	memset(io, 0xa5, sizeof(io));
	n = 4;
	assert_true(lx_cg_v2_iostat(fixture("cgroup-v2/capped/io.stat"), io, &n));
	expect_fixture_io(io, n);
	/* a cgroup that did no I/O: "Total 0" only; an empty text */
	n = 4;
	assert_true(lx_cg_v1_blkio(fixture("cgroup-v1/host/blkio.throttle.io_serviced_recursive"),
				   lx_text_cstr(""), io, &n));
	assert_int_equal(n, 0);
	/* one of them only: the other's fields stay 0 */
	n = 4;
	assert_true(
	    lx_cg_v1_blkio(lx_text_cstr("8:16 Read 5\nTotal 5\n"), lx_text_cstr(""), io, &n));
	assert_int_equal(n, 1);
	assert_int_equal(io[0].major, 8);
	assert_int_equal(io[0].minor, 16);
	assert_int_equal(io[0].rd_ios, 5);
	assert_int_equal(io[0].rd_bytes, 0);
	/* a device at zero takes no entry, so the capacity goes to devices with I/O (the kernel
	 * lists every device the cgroup has a group on) */
	n = 1;
	assert_true(lx_cg_v1_blkio(lx_text_cstr("8:0 Read 0\n8:0 Write 0\n8:16 Write 7\nTotal 7\n"),
				   lx_text_cstr("8:0 Read 0\n8:16 Write 3584\n"), io, &n));
	assert_int_equal(n, 1);
	assert_int_equal(io[0].minor, 16);
	assert_int_equal(io[0].wr_ios, 7);
	assert_int_equal(io[0].wr_bytes, 3584);
	n = 1;
	assert_true(
	    lx_cg_v2_iostat(lx_text_cstr("8:0 rbytes=0 rios=0\n8:16 wbytes=512 wios=1\n"), io, &n));
	assert_int_equal(n, 1);
	assert_int_equal(io[0].minor, 16);
	/* a bad line past the capacity is still refused */
	n = 1;
	assert_false(lx_cg_v2_iostat(lx_text_cstr("8:0 rbytes=1\n8:16 rbytes=x\n"), io, &n));
	/* the capacity: devices beyond it are left out, the rest still read */
	n = 1;
	assert_true(
	    lx_cg_v2_iostat(lx_text_cstr("8:0 rbytes=1 rios=1\n8:16 rbytes=2 rios=2\n"), io, &n));
	assert_int_equal(n, 1);
	assert_int_equal(io[0].rd_bytes, 1);
	/* keys io.stat may add (iocost, latency) are skipped */
	n = 4;
	assert_true(lx_cg_v2_iostat(lx_text_cstr("8:0 rbytes=9 wbytes=0 rios=1 wios=0 dbytes=0 "
						 "dios=0 cost.vrate=100.00 cost.usage=3\n"),
				    io, &n));
	assert_int_equal(io[0].rd_bytes, 9);
	/* other shapes */
	static const char *const bad_v1[] = {
	    "8:0 Read\n",    "8:0 Read x\n", "8 Read 1\n",     "8: Read 1\n",
	    "8:0x Read 1\n", ":0 Read 1\n",  "8:0 Read 1 2\n", "99999999999:0 Read 1\n"};
	for (size_t i = 0; i < sizeof(bad_v1) / sizeof(bad_v1[0]); i++) {
		n = 4;
		assert_false(lx_cg_v1_blkio(lx_text_cstr(bad_v1[i]), lx_text_cstr(""), io, &n));
	}
	static const char *const bad_v2[] = {"8:0 rbytes\n", "8:0 rbytes=x\n", "x:0 rbytes=1\n",
					     "8:0 rios=-1\n"};
	for (size_t i = 0; i < sizeof(bad_v2) / sizeof(bad_v2[0]); i++) {
		n = 4;
		assert_false(lx_cg_v2_iostat(lx_text_cstr(bad_v2[i]), io, &n));
	}
}

static void test_host_proc_parsers(void **state)
{
	struct lx_text stat = fixture("proc/host4/stat");
	struct lx_statcpu s;
	struct lx_cpuset cpus;
	struct lx_text block, line, key, value;
	uint64_t v, up, idle;

	(void)state;
	assert_true(lx_host_meminfo_get(fixture("proc/host4/meminfo"), "SwapTotal", &v));
	assert_true(v == 2097148);
	assert_true(lx_host_meminfo_get(fixture("proc/host2/meminfo"), "HugePages_Total", &v));
	assert_false(lx_host_meminfo_get(fixture("proc/host2/meminfo"), "Nope", &v));

	assert_true(lx_host_stat_cpus(stat, &cpus));
	assert_int_equal(lx_cpuset_count(&cpus), 4);
	assert_true(lx_host_stat_cpu(stat, 3, &s));
	assert_true(s.col[LX_STAT_USER] == 4000 && s.col[LX_STAT_STEAL] == 7);
	assert_false(lx_host_stat_cpu(stat, 4, &s));
	assert_true(lx_host_stat_total(stat, &s));
	assert_true(s.col[LX_STAT_IDLE] == 197000);
	assert_true(lx_host_stat_get(stat, "btime", &v));
	assert_true(v > 1000000000);

	assert_true(lx_host_cpuinfo_block(fixture("proc/host4/cpuinfo"), 2, &block));
	assert_true(lx_text_next_line(&block, &line));
	assert_true(lx_cpuinfo_line(line, &key, &value));
	assert_true(lx_text_eq_cstr(key, "processor"));
	assert_true(lx_text_eq_cstr(value, "2"));
	assert_false(lx_host_cpuinfo_block(fixture("proc/host4/cpuinfo"), 4, &block));

	assert_true(lx_host_uptime(lx_text_cstr("642.15 1233.6\n"), &up, &idle));
	assert_true(up == 64215 && idle == 123360);
	assert_true(lx_host_uptime(fixture("proc/host2/uptime"), &up, &idle));
	assert_false(lx_host_uptime(lx_text_cstr("642.15\n"), &up, &idle));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_limits_v1_and_v2),
	    cmocka_unit_test(test_v1_swap_limit_is_memsw_minus_mem),
	    cmocka_unit_test(test_memstat_v1_prefers_hierarchical_totals),
	    cmocka_unit_test(test_memstat_v2),
	    cmocka_unit_test(test_cpuset_lists),
	    cmocka_unit_test(test_cpu_quota),
	    cmocka_unit_test(test_cpu_usage),
	    cmocka_unit_test(test_blkio),
	    cmocka_unit_test(test_host_proc_parsers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
