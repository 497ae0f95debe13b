/*
 * Every view agrees with every other, on zones loaded from the fixture cgroup trees the way
 * the brand loads them: CPU count in cpuinfo, stat, cpu/online and the affinity mask; memory
 * in meminfo and sysinfo(); uptime in /proc/uptime, sysinfo() and btime.  Without caps the
 * files are the host's.  With a small buffer every generator reports truncation and never
 * writes past the buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proc/lxproc.h"

#include "tests/unit/lxproc_fixture.h"

static struct lx_text fixture_in(const char *dir, const char *name)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "%s/%s", dir, name);
	return fixture(rel);
}

#define SEC UINT64_C(1000000000)

struct zone {
	struct lxproc_view v;
	struct lx_cputime percpu[64];
	char release[128];
};

/* The host's text and the host's clock, as the brand reads them. */
static void zone_host(struct zone *z, const char *host)
{
	struct lx_text rel;
	uint64_t up_cs, idle_cs;

	lxproc_view_init(&z->v);
	z->v.host_meminfo = fixture_in(host, "meminfo");
	z->v.host_stat = fixture_in(host, "stat");
	z->v.host_cpuinfo = fixture_in(host, "cpuinfo");
	z->v.host_swaps = fixture_in(host, "swaps");
	z->v.host_diskstats = fixture_in(host, "diskstats");
	z->v.host_version = fixture_in(host, "version");
	rel = lx_text_trim(fixture_in(host, "osrelease"));
	snprintf(z->release, sizeof(z->release), "%.*s", (int)rel.len, rel.p);
	z->v.host_release = z->release;
	assert_true(lx_host_stat_get(z->v.host_stat, "btime", &z->v.host_btime));
	assert_true(lx_host_uptime(fixture_in(host, "uptime"), &up_cs, &idle_cs));
	z->v.now_ns = up_cs * 10000000;
}

/* The host itself as a "zone": no cgroup, no caps, the host's counters. */
static void zone_nocaps(struct zone *z, const char *host)
{
	uint64_t v;

	zone_host(z, host);
	z->v.cpu_src = LXPROC_CPU_HOST;
	assert_true(lx_host_stat_get(z->v.host_stat, "processes", &z->v.nr_forks));
	assert_true(lx_host_stat_get(z->v.host_stat, "procs_running", &v));
	z->v.nr_running = (uint32_t)v;
	assert_true(lx_host_stat_get(z->v.host_stat, "procs_blocked", &v));
	z->v.nr_blocked = (uint32_t)v;
}

static void zone_tasks_and_clock(struct zone *z, struct lx_text pids_current)
{
	uint64_t v;

	assert_true(lx_cg_parse_u64(pids_current, &v));
	z->v.nr_threads = (uint32_t)v;
	z->v.nr_running = 1;
	z->v.last_pid = 42;
	z->v.nr_forks = 100;
	/* The zone booted an hour ago on a host up for two. */
	z->v.now_ns = 7200 * SEC + 123456789;
	z->v.zone_boot_ns = 3600 * SEC;
	for (int i = 0; i < 24; i++)
		lx_loadavg_sample(&z->v.load, 1);
}

static void zone_v1(struct zone *z, const char *host, const char *cg)
{
	uint64_t memsw, memsw_usage;
	uint32_t n = 64;

	zone_host(z, host);
	assert_true(lx_cg_parse_limit(fixture_in(cg, "memory.limit_in_bytes"), &z->v.mem_limit));
	assert_true(lx_cg_parse_u64(fixture_in(cg, "memory.usage_in_bytes"), &z->v.mem_usage));
	assert_true(lx_cg_parse_limit(fixture_in(cg, "memory.memsw.limit_in_bytes"), &memsw));
	assert_true(lx_cg_parse_u64(fixture_in(cg, "memory.memsw.usage_in_bytes"), &memsw_usage));
	z->v.swap_limit = lx_cg_v1_swap_limit(memsw, z->v.mem_limit);
	z->v.swap_usage = memsw_usage > z->v.mem_usage ? memsw_usage - z->v.mem_usage : 0;
	assert_true(lx_cg_v1_memstat(fixture_in(cg, "memory.stat"), &z->v.mstat));
	assert_true(lx_cpuset_parse(fixture_in(cg, "cpuset.effective_cpus"), &z->v.cpuset));
	assert_true(lx_cg_v1_cpu_quota(fixture_in(cg, "cpu.cfs_quota_us"),
				       fixture_in(cg, "cpu.cfs_period_us"), &z->v.cpu_quota_us,
				       &z->v.cpu_period_us));
	assert_true(lx_cg_v1_cpuacct_all(fixture_in(cg, "cpuacct.usage_all"), z->percpu, &n));
	z->v.cpu_src = LXPROC_CPU_PERCPU;
	z->v.cpu_percpu = z->percpu;
	z->v.cpu_npercpu = n;
	zone_tasks_and_clock(z, lx_text_cstr("7\n"));
}

static void zone_v2(struct zone *z, const char *host, const char *cg)
{
	zone_host(z, host);
	assert_true(lx_cg_parse_limit(fixture_in(cg, "memory.max"), &z->v.mem_limit));
	assert_true(lx_cg_parse_u64(fixture_in(cg, "memory.current"), &z->v.mem_usage));
	assert_true(lx_cg_parse_limit(fixture_in(cg, "memory.swap.max"), &z->v.swap_limit));
	assert_true(lx_cg_parse_u64(fixture_in(cg, "memory.swap.current"), &z->v.swap_usage));
	assert_true(lx_cg_v2_memstat(fixture_in(cg, "memory.stat"), &z->v.mstat));
	assert_true(lx_cpuset_parse(fixture_in(cg, "cpuset.cpus.effective"), &z->v.cpuset));
	assert_true(
	    lx_cg_v2_cpu_max(fixture_in(cg, "cpu.max"), &z->v.cpu_quota_us, &z->v.cpu_period_us));
	assert_true(lx_cg_v2_cpu_stat(fixture_in(cg, "cpu.stat"), &z->v.cpu_total));
	z->v.cpu_src = LXPROC_CPU_TOTAL;
	zone_tasks_and_clock(z, fixture_in(cg, "pids.current"));
}

static char out[65536];

static char gen_out[8][65536];
static unsigned gen_next;

/* Generate `path`, NUL-terminated; the text stays valid for the next 7 calls. */
static const char *gen(const struct zone *z, const char *path)
{
	const struct lxproc_file *f = lxproc_lookup(path, strlen(path));
	char *o = gen_out[gen_next++ % 8];
	struct lx_buf b;

	assert_non_null(f);
	lx_buf_init(&b, o, sizeof(gen_out[0]) - 1);
	assert_int_equal(f->gen(&z->v, &b), LXPROC_OK);
	o[b.len] = 0;
	return o;
}

static void assert_text_eq(const char *got, struct lx_text want)
{
	size_t i = 0;

	while (i < want.len && got[i] == want.p[i])
		i++;
	if (strlen(got) != want.len || i != want.len)
		fail_msg("differs at byte %zu: got \"%.60s\" want \"%.*s\"", i, got + i,
			 (int)(want.len - i < 60 ? want.len - i : 60), want.p + i);
}

static uint64_t meminfo_kb(const char *text, const char *key)
{
	uint64_t v;

	if (!lx_host_meminfo_get(lx_text_cstr(text), key, &v))
		fail_msg("meminfo has no %s", key);
	return v;
}

static unsigned count_prefix_lines(const char *text, const char *prefix)
{
	struct lx_text rest = lx_text_cstr(text), line;
	unsigned n = 0;

	while (lx_text_next_line(&rest, &line))
		n += lx_text_starts(line, prefix);
	return n;
}

/* Per-CPU lines "cpuN ..." in /proc/stat, with N counting from 0 without gaps. */
static unsigned stat_cpu_lines(const char *text)
{
	struct lx_cpuset cpus;
	unsigned n;

	assert_true(lx_host_stat_cpus(lx_text_cstr(text), &cpus));
	n = lx_cpuset_count(&cpus);
	for (unsigned i = 0; i < n; i++)
		assert_true(lx_cpuset_has(&cpus, i));
	return n;
}

static unsigned online_count(const char *text)
{
	struct lx_cpuset s;

	assert_true(lx_cpuset_parse(lx_text_cstr(text), &s));
	for (unsigned i = 0; i < lx_cpuset_count(&s); i++)
		assert_true(lx_cpuset_has(&s, i));
	return lx_cpuset_count(&s);
}

static unsigned affinity_count(const struct zone *z)
{
	uint8_t mask[128];
	int size = lxproc_affinity(&z->v, NULL, 0, mask, sizeof(mask));
	unsigned n = 0;

	assert_true(size > 0 && size % 8 == 0);
	for (int i = 0; i < size; i++)
		for (int bit = 0; bit < 8; bit++)
			n += (mask[i] >> bit) & 1;
	return n;
}

/* All CPU views give the same count; returns it. */
static unsigned assert_cpu_views_agree(const struct zone *z)
{
	unsigned cpuinfo = count_prefix_lines(gen(z, "/proc/cpuinfo"), "processor");
	unsigned stat = stat_cpu_lines(gen(z, "/proc/stat"));
	unsigned online = online_count(gen(z, "/sys/devices/system/cpu/online"));
	unsigned possible = online_count(gen(z, "/sys/devices/system/cpu/possible"));
	unsigned present = online_count(gen(z, "/sys/devices/system/cpu/present"));
	unsigned aff = affinity_count(z);

	assert_int_equal(cpuinfo, stat);
	assert_int_equal(cpuinfo, online);
	assert_int_equal(cpuinfo, possible);
	assert_int_equal(cpuinfo, present);
	assert_int_equal(cpuinfo, aff);
	return cpuinfo;
}

/* meminfo parsed back equals sysinfo(); and the numbers are consistent with each other. */
static void assert_memory_views_agree(const struct zone *z)
{
	const char *mi = gen(z, "/proc/meminfo");
	struct lx_sysinfo si;
	uint64_t total = meminfo_kb(mi, "MemTotal");

	assert_int_equal(lxproc_sysinfo(&z->v, &si), LXPROC_OK);
	assert_int_equal(si.mem_unit, 1);
	assert_true(si.totalram == total * 1024);
	assert_true(si.freeram == meminfo_kb(mi, "MemFree") * 1024);
	assert_true(si.sharedram == meminfo_kb(mi, "Shmem") * 1024);
	assert_true(si.bufferram == meminfo_kb(mi, "Buffers") * 1024);
	assert_true(si.totalswap == meminfo_kb(mi, "SwapTotal") * 1024);
	assert_true(si.freeswap == meminfo_kb(mi, "SwapFree") * 1024);
	assert_true(meminfo_kb(mi, "MemFree") <= total);
	assert_true(meminfo_kb(mi, "MemAvailable") <= total);
	assert_true(meminfo_kb(mi, "Cached") <= total);
	assert_true(meminfo_kb(mi, "SwapFree") <= meminfo_kb(mi, "SwapTotal"));

	/* /proc/swaps says the same about swap. */
	{
		const char *sw = gen(z, "/proc/swaps");
		struct lx_text rest = lx_text_cstr(sw), line, w;
		uint64_t size = 0, used = 0, v;

		assert_true(lx_text_next_line(&rest, &line)); /* header */
		while (lx_text_next_line(&rest, &line)) {
			assert_true(lx_text_next_word(&line, &w)); /* name */
			assert_true(lx_text_next_word(&line, &w)); /* type */
			assert_true(lx_text_u64(&line, &v));
			size += v;
			assert_true(lx_text_u64(&line, &v));
			used += v;
		}
		assert_true(size == meminfo_kb(mi, "SwapTotal"));
		/* The host's swaps and meminfo are separate reads: allow the host's drift. */
		if (z->v.mem_limit != LX_NOCAP)
			assert_true(used == size - meminfo_kb(mi, "SwapFree"));
	}
}

static double fix2(struct lx_text *t)
{
	uint64_t cs;

	assert_true(lx_text_centi(t, &cs));
	return (double)cs / 100;
}

/* /proc/uptime, sysinfo().uptime, btime, and uptime's idle vs stat's idle column. */
static void assert_time_views_agree(const struct zone *z)
{
	struct lx_text up = lx_text_cstr(gen(z, "/proc/uptime"));
	double uptime = fix2(&up), idle = fix2(&up);
	struct lx_sysinfo si;
	uint64_t btime, idle_ticks = 0;
	struct lx_text rest, line;
	char stat[65536];

	assert_int_equal(lxproc_sysinfo(&z->v, &si), LXPROC_OK);
	assert_true(si.uptime >= uptime && si.uptime <= uptime + 1);
	strcpy(stat, gen(z, "/proc/stat"));
	assert_true(lx_host_stat_get(lx_text_cstr(stat), "btime", &btime));
	/* btime + uptime = the host's btime + the host's uptime (now), to the second. */
	assert_true(btime + (uint64_t)uptime <= z->v.host_btime + z->v.now_ns / SEC);
	assert_true(btime + (uint64_t)uptime + 1 >= z->v.host_btime + z->v.now_ns / SEC);
	rest = lx_text_cstr(stat);
	while (lx_text_next_line(&rest, &line)) {
		struct lx_text w;
		struct lx_statcpu s;

		if (lx_text_next_word(&line, &w) && lx_text_starts(w, "cpu") && w.len > 3) {
			line.p -= 0;
			assert_true(lx_text_u64(&line, &s.col[0]) &&
				    lx_text_u64(&line, &s.col[1]) &&
				    lx_text_u64(&line, &s.col[2]) && lx_text_u64(&line, &s.col[3]));
			idle_ticks += s.col[3];
		}
	}
	assert_true((uint64_t)(idle * 100 + 0.5) == idle_ticks);
	/* loadavg and sysinfo loads */
	{
		struct lx_text la = lx_text_cstr(gen(z, "/proc/loadavg"));

		for (int i = 0; i < 3; i++) {
			double shown = fix2(&la);
			double exact = (double)si.loads[i] / (1 << LX_SI_LOAD_SHIFT);

			assert_true(shown <= exact + 0.006 && shown >= exact - 0.006);
		}
		la = lx_text_skip_ws(la);
		{
			uint64_t running, total;

			assert_true(lx_text_u64(&la, &running));
			assert_true(la.p[0] == '/');
			la.p++;
			la.len--;
			assert_true(lx_text_u64(&la, &total));
			assert_int_equal(total, si.procs);
		}
	}
}

static void assert_all_views_agree(const struct zone *z)
{
	assert_cpu_views_agree(z);
	assert_memory_views_agree(z);
	assert_time_views_agree(z);
}

static void test_no_caps_reproduce_the_host(void **state)
{
	static const char *const hosts[] = {"proc/host2", "proc/host4"};

	(void)state;
	for (int i = 0; i < 2; i++) {
		struct zone z;

		zone_nocaps(&z, hosts[i]);
		assert_text_eq(gen(&z, "/proc/meminfo"), z.v.host_meminfo);
		assert_text_eq(gen(&z, "/proc/cpuinfo"), z.v.host_cpuinfo);
		assert_text_eq(gen(&z, "/proc/stat"), z.v.host_stat);
		assert_text_eq(gen(&z, "/proc/swaps"), z.v.host_swaps);
		assert_text_eq(gen(&z, "/proc/version"), z.v.host_version);
		assert_text_eq(gen(&z, "/proc/sys/kernel/osrelease"),
			       fixture_in(hosts[i], "osrelease"));
		assert_all_views_agree(&z);
	}
	{
		/* This machine's own /sys/devices/system/cpu files. */
		struct zone z;

		zone_nocaps(&z, "proc/host2");
		assert_text_eq(gen(&z, "/sys/devices/system/cpu/online"),
			       fixture_in("proc/host2", "cpu_online"));
		assert_text_eq(gen(&z, "/sys/devices/system/cpu/present"),
			       fixture_in("proc/host2", "cpu_present"));
	}
}

/* The root cgroups of this machine (v1) and an uncapped v2 leaf: memory is the host's. */
static void test_uncapped_cgroups_show_host_memory(void **state)
{
	struct zone z;

	(void)state;
	zone_v1(&z, "proc/host2", "cgroup-v1/host");
	assert_true(z.v.mem_limit == LX_NOCAP && z.v.swap_limit == LX_NOCAP);
	assert_text_eq(gen(&z, "/proc/meminfo"), z.v.host_meminfo);
	assert_int_equal(assert_cpu_views_agree(&z), 2);
	assert_all_views_agree(&z);

	zone_v2(&z, "proc/host4", "cgroup-v2/host");
	assert_text_eq(gen(&z, "/proc/meminfo"), z.v.host_meminfo);
	assert_text_eq(gen(&z, "/proc/swaps"), z.v.host_swaps);
	assert_int_equal(assert_cpu_views_agree(&z), 2); /* cpuset 0-1 of 4 host CPUs */
	assert_all_views_agree(&z);
}

/* memory=256M, cpuset "1", quota 0.5 CPU: the integration zone of issue 4, in v1 and v2. */
static void test_capped_zone_views_agree(void **state)
{
	static const char *const hosts[] = {"proc/host2", "proc/host4"};

	(void)state;
	for (int h = 0; h < 2; h++)
		for (int ver = 1; ver <= 2; ver++) {
			struct zone z;
			const char *mi, *cpuinfo;
			uint64_t host_swap;

			if (ver == 1)
				zone_v1(&z, hosts[h], "cgroup-v1/capped");
			else
				zone_v2(&z, hosts[h], "cgroup-v2/capped");
			assert_int_equal(assert_cpu_views_agree(&z), 1);
			assert_all_views_agree(&z);

			mi = gen(&z, "/proc/meminfo");
			assert_true(meminfo_kb(mi, "MemTotal") == 262144);
			assert_true(meminfo_kb(mi, "MemFree") == 262144 - 102400);
			assert_true(meminfo_kb(mi, "Cached") == 40960);
			assert_true(meminfo_kb(mi, "Shmem") == 4096);
			assert_true(meminfo_kb(mi, "Active(file)") == 12288);
			assert_true(meminfo_kb(mi, "Buffers") == 0);
			/* The host's swap bounds the cap: host2 has none, host4 2 GiB. */
			assert_true(lx_host_meminfo_get(z.v.host_meminfo, "SwapTotal", &host_swap));
			assert_true(meminfo_kb(mi, "SwapTotal") == (host_swap ? 262144 : 0));
			if (host_swap)
				assert_true(meminfo_kb(mi, "SwapFree") == 262144 - 10240);
			/* Every other kB line is at most MemTotal, except address-space sizes. */
			{
				struct lx_text rest = lx_text_cstr(mi), line, key;
				struct lx_text hrest = z.v.host_meminfo, hline, hkey;
				uint64_t v, hv;
				bool kb, hkb;

				while (lx_text_next_line(&rest, &line)) {
					/* same keys, same order as the host */
					assert_true(lx_text_next_line(&hrest, &hline));
					assert_true(lx_meminfo_line(line, &key, &v, &kb));
					assert_true(lx_meminfo_line(hline, &hkey, &hv, &hkb));
					assert_int_equal(key.len, hkey.len);
					assert_memory_equal(key.p, hkey.p, key.len);
					if (!kb || lx_text_starts(key, "Vmalloc") ||
					    lx_text_eq_cstr(key, "Committed_AS") ||
					    lx_text_eq_cstr(key, "CommitLimit") ||
					    lx_text_starts(key, "Swap"))
						continue;
					if (v > 262144)
						fail_msg("%.*s = %lu > MemTotal", (int)key.len,
							 key.p, (unsigned long)v);
				}
				assert_false(lx_text_next_line(&hrest, &hline));
			}

			/* The one CPU is host CPU 1, renumbered 0. */
			cpuinfo = gen(&z, "/proc/cpuinfo");
			assert_non_null(strstr(cpuinfo, "processor\t: 0\n"));
			assert_non_null(strstr(cpuinfo, "apicid\t\t: 1\n"));
			assert_non_null(strstr(cpuinfo, "siblings\t: 1\n"));

			/* The zone's usage: 300 s user + 156 s system in v2, 30 + 15.6 s in v1. */
			{
				struct lx_statcpu s;

				assert_true(
				    lx_host_stat_total(lx_text_cstr(gen(&z, "/proc/stat")), &s));
				assert_true(s.col[LX_STAT_USER] == (ver == 1 ? 3000 : 30000));
				assert_true(s.col[LX_STAT_SYSTEM] == (ver == 1 ? 1560 : 15600));
				assert_true(s.col[LX_STAT_USER] + s.col[LX_STAT_SYSTEM] +
						s.col[LX_STAT_IDLE] ==
					    360012);
			}
			assert_non_null(strstr(gen(&z, "/proc/uptime"), "3600.12 "));
		}
}

/* A quota that buys fewer CPUs than the cpuset: folded, no time lost from the aggregate. */
static void test_quota_folds_cpus(void **state)
{
	struct zone z;
	struct lx_statcpu s;
	const char *stat;

	(void)state;
	zone_nocaps(&z, "proc/host4");
	assert_true(lx_cpuset_parse(lx_text_cstr("0-3"), &z.v.cpuset));
	z.v.cpu_quota_us = 150000;
	z.v.cpu_period_us = 100000;
	assert_int_equal(assert_cpu_views_agree(&z), 2);
	stat = gen(&z, "/proc/stat");
	assert_true(lx_host_stat_total(lx_text_cstr(stat), &s));
	/* The host's busy time of all four CPUs is kept: 7500 user, 7200 system. */
	assert_true(s.col[LX_STAT_USER] == 7500);
	assert_true(s.col[LX_STAT_SYSTEM] == 7200);
	/* Idle of two folded CPUs is averaged: (50000+52000)/2 + (49000+46000)/2. */
	assert_true(s.col[LX_STAT_IDLE] == 51000 + 47500);
	assert_all_views_agree(&z);
}

/* Every generator, every buffer size short of the full text: ETRUNC, a prefix, in bounds. */
static void test_truncation_is_reported(void **state)
{
	struct zone z;

	(void)state;
	zone_v2(&z, "proc/host4", "cgroup-v2/capped");
	z.v.disks = (const char *const[]){"vda"};
	z.v.ndisks = 1;
	z.v.kver = "4.19.0";
	for (uint32_t i = 0; i < lxproc_nfiles; i++) {
		const struct lxproc_file *f = &lxproc_files[i];
		struct lx_buf b;
		size_t full;
		char *ref;

		lx_buf_init(&b, out, sizeof(out));
		assert_int_equal(f->gen(&z.v, &b), LXPROC_OK);
		full = b.len;
		assert_true(full > 0 || strcmp(f->path, "/proc/diskstats") == 0);
		ref = malloc(full + 1);
		memcpy(ref, out, full);
		/* Exact-size heap buffers: ASan catches a single byte written past the end. */
		for (size_t cap = 0; cap < full; cap += (cap < 64 ? 1 : 37)) {
			char *small = malloc(cap ? cap : 1);

			lx_buf_init(&b, small, cap);
			assert_int_equal(f->gen(&z.v, &b), LXPROC_ETRUNC);
			assert_true(b.trunc);
			assert_int_equal(b.len, cap);
			assert_memory_equal(small, ref, b.len);
			free(small);
		}
		{
			char *exact = malloc(full ? full : 1);

			lx_buf_init(&b, exact, full);
			assert_int_equal(f->gen(&z.v, &b), LXPROC_OK);
			assert_memory_equal(exact, ref, full);
			free(exact);
		}
		free(ref);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_no_caps_reproduce_the_host),
	    cmocka_unit_test(test_uncapped_cgroups_show_host_memory),
	    cmocka_unit_test(test_capped_zone_views_agree),
	    cmocka_unit_test(test_quota_folds_cpus),
	    cmocka_unit_test(test_truncation_is_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
