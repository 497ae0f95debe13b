/*
 * Each lxproc generator on small, hand-built views: the exact text Linux would print.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysinfo.h>

#include <cmocka.h>

#include "proc/lxproc.h"

#include "tests/unit/lxproc_fixture.h"

static char out[65536];

/* Run `gen` on `v` and compare with `want` exactly. */
static void expect(lxproc_gen_fn gen, const struct lxproc_view *v, const char *want)
{
	struct lx_buf b;
	int rc;

	lx_buf_init(&b, out, sizeof(out));
	rc = gen(v, &b);
	assert_int_equal(rc, LXPROC_OK);
	if (b.len != strlen(want) || memcmp(out, want, b.len) != 0)
		fail_msg("got:\n%.*s\nwant:\n%s", (int)b.len, out, want);
}

#define SEC UINT64_C(1000000000)

static void one_cpu_zone(struct lxproc_view *v)
{
	lxproc_view_init(v);
	lx_cpuset_add(&v->cpuset, 3);
	v->now_ns = 7200 * SEC + 250000000; /* the host has been up 2 h 0.25 s */
	v->zone_boot_ns = 3600 * SEC;	    /* the zone 1 h 0.25 s */
	v->host_btime = 1700000000;
}

static void test_loadavg(void **state)
{
	struct lxproc_view v;

	(void)state;
	lxproc_view_init(&v);
	v.load.avenrun[0] = 1294; /* 0.632 */
	v.load.avenrun[1] = 512;  /* 0.25 */
	v.load.avenrun[2] = 0;
	v.nr_running = 2;
	v.nr_threads = 17;
	v.last_pid = 42;
	expect(lxproc_loadavg, &v, "0.63 0.25 0.00 2/17 42\n");
	v.load.avenrun[0] = 3 * LX_FIXED_1 + LX_FIXED_1 / 2;
	expect(lxproc_loadavg, &v, "3.50 0.25 0.00 2/17 42\n");
}

/* The counts are a sample's; the reader itself runs, as Linux counts it. */
static void test_tasks_count_the_reader(void **state)
{
	struct lxproc_view v;
	struct lx_sysinfo si;

	(void)state;
	one_cpu_zone(&v);
	v.host_meminfo = lx_text_cstr("MemTotal:        8000000 kB\n");
	v.nr_running = 0; /* the sample saw only sleepers */
	v.nr_threads = 0;
	v.last_pid = 7;
	expect(lxproc_loadavg, &v, "0.00 0.00 0.00 1/1 7\n");
	v.nr_threads = 3;
	expect(lxproc_loadavg, &v, "0.00 0.00 0.00 1/3 7\n");
	v.nr_threads = 0;
	assert_int_equal(lxproc_sysinfo(&v, &si), LXPROC_OK);
	assert_int_equal(si.procs, 1);
	v.nr_forks = 9;
	v.host_stat = lx_text_cstr("cpu  1 2 3 4 5 6 7 8 9 10\n"
				   "cpu3 1 2 3 4 5 6 7 8 9 10\n"
				   "btime 1\n"
				   "processes 3473\n"
				   "procs_running 3\n"
				   "procs_blocked 2\n");
	expect(lxproc_stat, &v,
	       "cpu  1 2 3 4 5 6 7 8 9 10\n"
	       "cpu0 1 2 3 4 5 6 7 8 9 10\n"
	       "btime 1700003600\n"
	       "processes 9\n"
	       "procs_running 1\n"
	       "procs_blocked 0\n");
	/* the host's pid namespace: no fork count of the zone's, the host's is the count */
	v.host_pidns = true;
	expect(lxproc_stat, &v,
	       "cpu  1 2 3 4 5 6 7 8 9 10\n"
	       "cpu0 1 2 3 4 5 6 7 8 9 10\n"
	       "btime 1700003600\n"
	       "processes 3473\n"
	       "procs_running 1\n"
	       "procs_blocked 0\n");
}

/*
 * btime is the zone's boot on the wall clock, truncated: with the real time of the boot
 * known, not the host's btime plus whole seconds (which loses up to 2 s of fractions).
 */
static void test_btime_from_the_zones_wall_clock_boot(void **state)
{
	struct lxproc_view v;
	struct lx_buf b;
	char out[4096];

	(void)state;
	one_cpu_zone(&v);
	v.host_stat = lx_text_cstr("cpu  1 2 3 4 5 6 7 8 9 10\ncpu3 1 2 3 4 5 6 7 8 9 10\n"
				   "btime 1700000000\n");
	/* the host booted at 1700000000.9, the zone 3600.25 s later, at 1700003601.15 */
	v.zone_boot_ns = 3600 * SEC + 250000000;
	v.zone_boot_real_ns = 1700003601 * SEC + 150000000;
	assert_int_equal(lxproc_btime(&v), 1700003601);
	lx_buf_init(&b, out, sizeof(out));
	assert_int_equal(lxproc_stat(&v, &b), LXPROC_OK);
	out[b.len] = '\0';
	assert_non_null(strstr(out, "btime 1700003601\n"));
	/* without it, the host's btime and the boot offset (the old, coarser way) */
	v.zone_boot_real_ns = 0;
	assert_int_equal(lxproc_btime(&v), 1700003600);
}

static void test_uptime_is_since_zone_boot(void **state)
{
	struct lxproc_view v;
	struct lx_cputime pc[4] = {{0}};

	(void)state;
	one_cpu_zone(&v);
	v.cpu_src = LXPROC_CPU_PERCPU;
	pc[3].user = 100;
	pc[3].system = 50;
	pc[0].user = 999999; /* not the zone's CPU */
	v.cpu_percpu = pc;
	v.cpu_npercpu = 4;
	/* up 3600.25 s; idle = 360025 - 150 ticks */
	expect(lxproc_uptime, &v, "3600.25 3598.75\n");
}

static void test_cpu_online_renumbers(void **state)
{
	struct lxproc_view v;

	(void)state;
	lxproc_view_init(&v);
	assert_true(lx_cpuset_parse(lx_text_cstr("2,5,7"), &v.cpuset));
	expect(lxproc_cpu_online, &v, "0-2\n");
	assert_true(lx_cpuset_parse(lx_text_cstr("3"), &v.cpuset));
	expect(lxproc_cpu_online, &v, "0\n");
	assert_true(lx_cpuset_parse(lx_text_cstr("0-3"), &v.cpuset));
	v.cpu_quota_us = 150000;
	v.cpu_period_us = 100000;
	expect(lxproc_cpu_online, &v, "0-1\n");
	/* No cpuset: the host's CPUs from its /proc/stat. */
	lx_cpuset_clear(&v.cpuset);
	v.cpu_quota_us = LX_NOCAP;
	v.host_stat = fixture("proc/host4/stat");
	expect(lxproc_cpu_online, &v, "0-3\n");
}

static void test_stat_without_host_text_old_kernel(void **state)
{
	struct lxproc_view v;

	(void)state;
	one_cpu_zone(&v);
	assert_true(lx_cpuset_parse(lx_text_cstr("4-5"), &v.cpuset));
	v.kver = "2.6.32"; /* 9 columns: no guest_nice */
	v.cpu_src = LXPROC_CPU_TOTAL;
	v.cpu_total.user = 301; /* 151 on cpu0, 150 on cpu1 */
	v.cpu_total.nice = 2;
	v.cpu_total.system = 100;
	v.nr_forks = 120;
	v.nr_running = 1;
	v.nr_blocked = 0;
	/* idle = 360025 - busy */
	expect(lxproc_stat, &v,
	       "cpu  301 2 100 719647 0 0 0 0 0\n"
	       "cpu0 151 1 50 359823 0 0 0 0 0\n"
	       "cpu1 150 1 50 359824 0 0 0 0 0\n"
	       "intr 0\nctxt 0\n"
	       "btime 1700003600\n"
	       "processes 120\nprocs_running 1\nprocs_blocked 0\n"
	       "softirq 0 0 0 0 0 0 0 0 0 0 0\n");
	v.kver = "2.6.18"; /* before guest: 8 columns */
	v.cpu_total.user = 0;
	v.cpu_total.nice = 0;
	v.cpu_total.system = 0;
	v.nr_forks = 1;
	expect(lxproc_stat, &v,
	       "cpu  0 0 0 720050 0 0 0 0\n"
	       "cpu0 0 0 0 360025 0 0 0 0\n"
	       "cpu1 0 0 0 360025 0 0 0 0\n"
	       "intr 0\nctxt 0\n"
	       "btime 1700003600\n"
	       "processes 1\nprocs_running 1\nprocs_blocked 0\n"
	       "softirq 0 0 0 0 0 0 0 0 0 0 0\n");
}

static void test_stat_keeps_host_lines_and_order(void **state)
{
	struct lxproc_view v;
	struct lx_cputime pc[2] = {{0}};

	(void)state;
	one_cpu_zone(&v);
	lx_cpuset_clear(&v.cpuset);
	lx_cpuset_add(&v.cpuset, 1);
	v.cpu_src = LXPROC_CPU_PERCPU;
	pc[1].user = 25;
	v.cpu_percpu = pc;
	v.cpu_npercpu = 2;
	v.host_stat = lx_text_cstr("cpu  1 2 3 4 5 6 7 8 9 10\n"
				   "cpu0 1 1 1 1 1 1 1 1 1 1\n"
				   "cpu1 0 1 2 3 4 5 6 7 8 9\n"
				   "intr 5 1 2\n"
				   "ctxt 99\n"
				   "btime 1\n"
				   "processes 3473\n"
				   "procs_running 3\n"
				   "procs_blocked 2\n"
				   "softirq 7 0 0\n");
	v.nr_forks = 12;
	v.nr_running = 1;
	v.nr_blocked = 0;
	expect(lxproc_stat, &v,
	       "cpu  25 0 0 360000 0 0 0 0 0 0\n"
	       "cpu0 25 0 0 360000 0 0 0 0 0 0\n"
	       "intr 5 1 2\n"
	       "ctxt 99\n"
	       "btime 1700003600\n"
	       "processes 12\n"
	       "procs_running 1\n"
	       "procs_blocked 0\n"
	       "softirq 7 0 0\n");
}

static const char small_meminfo[] = "MemTotal:        8000000 kB\n"
				    "MemFree:         7000000 kB\n"
				    "MemAvailable:    7500000 kB\n"
				    "Buffers:            1000 kB\n"
				    "Cached:           400000 kB\n"
				    "Unevictable:       12000 kB\n"
				    "Mlocked:           11996 kB\n"
				    "SwapTotal:       1000000 kB\n"
				    "SwapFree:         900000 kB\n"
				    "Zswap:              3000 kB\n"
				    "Zswapped:           9000 kB\n"
				    "Shmem:              5000 kB\n"
				    "Slab:             500000 kB\n"
				    "CommitLimit:     5000000 kB\n"
				    "VmallocTotal:   34359738367 kB\n"
				    "HugePages_Total:       0\n"
				    "DirectMap2M:     8200000 kB\n";

static void test_meminfo_capped(void **state)
{
	struct lxproc_view v;

	(void)state;
	lxproc_view_init(&v);
	v.host_meminfo = lx_text_cstr(small_meminfo);
	v.mem_limit = 256 << 20;
	v.mem_usage = 100 << 20;
	v.swap_limit = 64 << 20;
	v.swap_usage = 1 << 20;
	v.mstat.file = 40 << 20;
	v.mstat.shmem = 4 << 20;
	v.mstat.active_file = 10 << 20;
	v.mstat.inactive_file = 20 << 20;
	v.mstat.slab_reclaimable = 2 << 20;
	v.mstat.unevictable = 1 << 20;
	expect(lxproc_meminfo, &v,
	       "MemTotal:         262144 kB\n"
	       "MemFree:          159744 kB\n"
	       "MemAvailable:     192512 kB\n" /* free + 30M file LRU + 2M slab */
	       "Buffers:               0 kB\n"
	       "Cached:            40960 kB\n"
	       "Unevictable:        1024 kB\n"
	       "Mlocked:            1024 kB\n" /* the host's, at most the zone's Unevictable */
	       "SwapTotal:         65536 kB\n"
	       "SwapFree:          64512 kB\n"
	       "Zswap:              1024 kB\n" /* the host's, at most the zone's swap in use */
	       "Zswapped:           1024 kB\n"
	       "Shmem:              4096 kB\n"
	       "Slab:               2048 kB\n"	  /* the zone's (memory.stat), not the host's:
						   * free's used = total-free-cached-SReclaimable
						   * must not go negative */
	       "CommitLimit:      327680 kB\n"	  /* clamped to MemTotal + SwapTotal */
	       "VmallocTotal:   34359738367 kB\n" /* address space: passed through */
	       "HugePages_Total:       0\n"
	       "DirectMap2M:      262144 kB\n");
}

static void test_meminfo_without_cap_is_the_hosts(void **state)
{
	struct lxproc_view v;

	(void)state;
	lxproc_view_init(&v);
	v.host_meminfo = lx_text_cstr(small_meminfo);
	v.mem_usage = 100 << 20;
	expect(lxproc_meminfo, &v, small_meminfo);
	/* A cap at or above the host's RAM is no cap either. */
	v.mem_limit = UINT64_C(8000000) * 1024;
	expect(lxproc_meminfo, &v, small_meminfo);
}

static void test_swaps(void **state)
{
	struct lxproc_view v;

	(void)state;
	lxproc_view_init(&v);
	v.host_meminfo = lx_text_cstr(small_meminfo);
	v.host_swaps = fixture("proc/host4/swaps");
	/* No caps: the host's file. */
	expect(lxproc_swaps, &v,
	       "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
	       "/dev/zram0                              partition\t2097148\t\t97148\t\t100\n");
	v.mem_limit = 256 << 20;
	v.swap_limit = 64 << 20;
	v.swap_usage = 1 << 20;
	expect(lxproc_swaps, &v,
	       "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
	       "none                                    virtual\t65536\t\t1024\t\t-2\n");
	v.swap_limit = 0; /* memsw == mem: no swap for the zone */
	expect(lxproc_swaps, &v, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
}

static void test_cpuinfo_filters_and_renumbers(void **state)
{
	struct lxproc_view v;
	struct lx_text block;
	struct lx_buf b;
	char want[8192];
	size_t n = 0;

	(void)state;
	lxproc_view_init(&v);
	v.host_cpuinfo = fixture("proc/host4/cpuinfo");
	lx_cpuset_add(&v.cpuset, 2);
	/* The expected text: host CPU 2's block with processor 0, siblings/cpu cores 1. */
	assert_true(lx_host_cpuinfo_block(v.host_cpuinfo, 2, &block));
	memcpy(want, block.p, block.len);
	want[block.len] = 0;
	n = block.len;
	{
		char *p;

		p = strstr(want, "processor\t: 2");
		assert_non_null(p);
		p[12] = '0';
		p = strstr(want, "siblings\t: 4");
		assert_non_null(p);
		p[11] = '1';
		p = strstr(want, "cpu cores\t: 4");
		assert_non_null(p);
		p[12] = '1';
		assert_non_null(strstr(want, "apicid\t\t: 2")); /* host topology kept */
	}
	memcpy(want + n, "\n\n", 3);
	lx_buf_init(&b, out, sizeof(out));
	assert_int_equal(lxproc_cpuinfo(&v, &b), LXPROC_OK);
	assert_int_equal(b.len, strlen(want));
	assert_memory_equal(out, want, b.len);
	/* A CPU the host does not have is an input error, not invented text. */
	lx_cpuset_add(&v.cpuset, 9);
	lx_buf_init(&b, out, sizeof(out));
	assert_int_equal(lxproc_cpuinfo(&v, &b), LXPROC_EINPUT);
}

static void test_kernel_identity(void **state)
{
	struct lxproc_view v;

	(void)state;
	lxproc_view_init(&v);
	v.host_release = "6.18.44-fc-v769";
	v.host_version =
	    lx_text_cstr("Linux version 6.18.44-fc-v769 (builder@sandboxing) (gcc (GCC) "
			 "15.3.0) #1 SMP PREEMPT_DYNAMIC @0\n");
	expect(lxproc_osrelease, &v, "6.18.44-fc-v769\n");
	expect(lxproc_version, &v,
	       "Linux version 6.18.44-fc-v769 (builder@sandboxing) (gcc (GCC) 15.3.0) #1 SMP "
	       "PREEMPT_DYNAMIC @0\n");
	v.kver = "3.10.0";
	expect(lxproc_osrelease, &v, "3.10.0\n");
	expect(lxproc_version, &v,
	       "Linux version 3.10.0 (builder@sandboxing) (gcc (GCC) 15.3.0) #1 SMP "
	       "PREEMPT_DYNAMIC @0\n");
	expect(lxproc_ostype, &v, "Linux\n");
	v.host_version.p = NULL;
	v.host_version.len = 0;
	expect(lxproc_version, &v, "Linux version 3.10.0 (lxzone@lxzone) #1 SMP\n");
}

static void test_diskstats_only_zone_devices(void **state)
{
	static const char *const disks[] = {"vda"};
	struct lxproc_view v;
	struct lx_text host = fixture("proc/host2/diskstats"), line, rest;
	char want[1024] = "";

	(void)state;
	lxproc_view_init(&v);
	v.host_diskstats = host;
	expect(lxproc_diskstats, &v, ""); /* by default the zone has no devices */
	rest = host;
	while (lx_text_next_line(&rest, &line))
		if (strstr(line.p, " vda ") &&
		    (size_t)(strstr(line.p, " vda ") - line.p) < line.len)
			snprintf(want, sizeof(want), "%.*s\n", (int)line.len, line.p);
	assert_true(want[0] != 0);
	v.disks = disks;
	v.ndisks = 1;
	expect(lxproc_diskstats, &v, want);

	/* the zone's own I/O (its blkio cgroup): a line of its counts for each other disk it
	 * did I/O on, in the host's order and the kernel's layout, sectors of 512 bytes; a disk
	 * of zero counts, a device the host does not list, and a given disk's own counts
	 * (the host's line stays) are not shown */
	const struct lx_diskio io[] = {
	    {.major = 253,
	     .minor = 0,
	     .rd_ios = 3,
	     .rd_bytes = 12288,
	     .wr_ios = 2,
	     .wr_bytes = 1048576,
	     .dc_ios = 1,
	     .dc_bytes = 4096},
	    {.major = 7, .minor = 1},
	    {.major = 8, .minor = 0, .rd_ios = 9, .rd_bytes = 4608},
	    {.major = 254, .minor = 0, .rd_ios = 1, .rd_bytes = 512},
	    {.major = 7, .minor = 0, .wr_ios = 1, .wr_bytes = 4096},
	};
	v.diskio = io;
	v.ndiskio = 5;
	char both[2048];
	snprintf(both, sizeof(both),
		 "   7       0 loop0 0 0 0 0 1 0 8 0 0 0 0 0 0 0 0 0 0\n"
		 "%s"
		 " 253       0 zram0 3 0 24 0 2 0 2048 0 0 0 0 1 0 8 0 0 0\n",
		 want);
	expect(lxproc_diskstats, &v, both);
	/* a host line of an older kernel's 11 fields (before 4.18): the zone's has as many */
	struct lxproc_view old = v;
	old.ndisks = 0;
	old.host_diskstats = lx_text_cstr(" 253       0 zram0 0 0 0 0 0 0 0 0 0 0 0\n");
	expect(lxproc_diskstats, &old, " 253       0 zram0 3 0 24 0 2 0 2048 0 0 0 0\n");
	v.ndisks = 0;
	expect(lxproc_diskstats, &v,
	       "   7       0 loop0 0 0 0 0 1 0 8 0 0 0 0 0 0 0 0 0 0\n"
	       " 254       0 vda 1 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
	       " 253       0 zram0 3 0 24 0 2 0 2048 0 0 0 0 1 0 8 0 0 0\n");
}

static void test_affinity_mask(void **state)
{
	struct lxproc_view v;
	uint8_t mask[32], host_mask[8] = {0};

	(void)state;
	lxproc_view_init(&v);
	assert_true(lx_cpuset_parse(lx_text_cstr("4-6"), &v.cpuset));
	memset(mask, 0xff, sizeof(mask));
	assert_int_equal(lxproc_affinity(&v, NULL, 0, mask, 4), LXPROC_EINPUT);	 /* < a long */
	assert_int_equal(lxproc_affinity(&v, NULL, 0, mask, 12), LXPROC_EINPUT); /* not longs */
	assert_int_equal(lxproc_affinity(&v, NULL, 0, mask, 32), 8);
	assert_int_equal(mask[0], 0x07);
	for (int i = 1; i < 8; i++)
		assert_int_equal(mask[i], 0);
	assert_int_equal(mask[8], 0xff); /* beyond the returned size: untouched */
	/* The task is pinned to host CPU 5 = zone CPU 1. */
	host_mask[0] = 1 << 5;
	assert_int_equal(lxproc_affinity(&v, host_mask, sizeof(host_mask), mask, 8), 8);
	assert_int_equal(mask[0], 0x02);
	/* 70 CPUs need two longs. */
	assert_true(lx_cpuset_parse(lx_text_cstr("0-69"), &v.cpuset));
	assert_int_equal(lxproc_affinity(&v, NULL, 0, mask, 8), LXPROC_EINPUT);
	assert_int_equal(lxproc_affinity(&v, NULL, 0, mask, 16), 16);
	assert_int_equal(mask[8], 0x3f);
}

static void test_sysinfo_layout_is_linux(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct lx_sysinfo), sizeof(struct sysinfo));
	assert_int_equal(offsetof(struct lx_sysinfo, uptime), offsetof(struct sysinfo, uptime));
	assert_int_equal(offsetof(struct lx_sysinfo, loads), offsetof(struct sysinfo, loads));
	assert_int_equal(offsetof(struct lx_sysinfo, totalram), offsetof(struct sysinfo, totalram));
	assert_int_equal(offsetof(struct lx_sysinfo, freeswap), offsetof(struct sysinfo, freeswap));
	assert_int_equal(offsetof(struct lx_sysinfo, procs), offsetof(struct sysinfo, procs));
	assert_int_equal(offsetof(struct lx_sysinfo, totalhigh),
			 offsetof(struct sysinfo, totalhigh));
	assert_int_equal(offsetof(struct lx_sysinfo, mem_unit), offsetof(struct sysinfo, mem_unit));
}

static void test_table(void **state)
{
	static const char *const must[] = {
	    "/proc/meminfo",
	    "/proc/cpuinfo",
	    "/proc/stat",
	    "/proc/uptime",
	    "/proc/loadavg",
	    "/proc/swaps",
	    "/proc/diskstats",
	    "/proc/version",
	    "/proc/sys/kernel/osrelease",
	    "/proc/sys/kernel/ostype",
	    "/sys/devices/system/cpu/online",
	    "/sys/devices/system/cpu/possible",
	    "/sys/devices/system/cpu/present",
	};
	const char path[] = "/proc/meminfoXYZ";

	(void)state;
	for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++) {
		const struct lxproc_file *f = lxproc_lookup(must[i], strlen(must[i]));

		assert_non_null(f);
		assert_string_equal(f->path, must[i]);
		assert_non_null(f->gen);
	}
	for (uint32_t i = 0; i < lxproc_nfiles; i++)
		for (uint32_t j = i + 1; j < lxproc_nfiles; j++)
			assert_string_not_equal(lxproc_files[i].path, lxproc_files[j].path);
	/* Paths are byte ranges: a prefix matches only with its own length. */
	assert_non_null(lxproc_lookup(path, 13));
	assert_null(lxproc_lookup(path, 14));
	assert_null(lxproc_lookup("/proc/meminf", 12));
	assert_null(lxproc_lookup("/proc/self/stat", 15));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_loadavg),
	    cmocka_unit_test(test_tasks_count_the_reader),
	    cmocka_unit_test(test_btime_from_the_zones_wall_clock_boot),
	    cmocka_unit_test(test_uptime_is_since_zone_boot),
	    cmocka_unit_test(test_cpu_online_renumbers),
	    cmocka_unit_test(test_stat_without_host_text_old_kernel),
	    cmocka_unit_test(test_stat_keeps_host_lines_and_order),
	    cmocka_unit_test(test_meminfo_capped),
	    cmocka_unit_test(test_meminfo_without_cap_is_the_hosts),
	    cmocka_unit_test(test_swaps),
	    cmocka_unit_test(test_cpuinfo_filters_and_renumbers),
	    cmocka_unit_test(test_kernel_identity),
	    cmocka_unit_test(test_diskstats_only_zone_devices),
	    cmocka_unit_test(test_affinity_mask),
	    cmocka_unit_test(test_sysinfo_layout_is_linux),
	    cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
