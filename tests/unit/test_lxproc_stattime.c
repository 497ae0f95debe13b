/*
 * /proc/stat's CPU columns over time: the zone page's writer (lxproc_cpu_publish) and the
 * generator's interpolation between the page's two samples, driven through sequences of
 * samples and reads as a supervisor and top/vmstat make them.
 *
 * What must hold for top's percentages to be right: every column of every line never goes
 * back; a line's columns add up to the elapsed ticks (the aggregate: times the CPU count);
 * and between two reads a second apart a busy loop shows ~100% user, an idle zone ~0%,
 * however the reads fall against the samples (none new, or two).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "proc/lxproc.h"

#define SEC  UINT64_C(1000000000)
#define MSEC UINT64_C(1000000)
#define NH   8 /* host CPUs of the simulated host */

/* A zone page's CPU part and its writer's state, as zone/zonepage.c keeps them. */
struct sim {
	struct lxproc_view cfg; /* cpuset, quota, source, zone_boot_ns */
	struct lx_cputime raw[NH];
	struct lx_cputime raw_total;
	struct lx_cputime shown[NH], prev[NH];
	uint64_t t_cur, t_prev;
	int samples;
	/* what the last read showed, per line (0 = aggregate, 1 + k = cpuk) */
	struct lx_statcpu last[NH + 1];
	int reads;
};

static void sim_init(struct sim *s, const char *cpuset, uint64_t quota_us)
{
	memset(s, 0, sizeof(*s));
	lxproc_view_init(&s->cfg);
	assert_true(lx_cpuset_parse(lx_text_cstr(cpuset), &s->cfg.cpuset));
	s->cfg.cpu_quota_us = quota_us;
	s->cfg.cpu_period_us = 100000;
	s->cfg.cpu_src = LXPROC_CPU_PERCPU;
	s->cfg.zone_boot_ns = 1000 * SEC;
}

/* The supervisor samples at t: the raw counters as they are now. */
static void sim_sample(struct sim *s, uint64_t t)
{
	struct lxproc_view w = s->cfg;
	struct lx_cputime out[NH];
	uint64_t ticks = lxproc_ticks_at(&w, t);

	if (s->samples)
		ticks -= lxproc_ticks_at(&w, s->t_cur);
	w.cpu_percpu = s->raw;
	w.cpu_npercpu = NH;
	w.cpu_total = s->raw_total;
	assert_int_equal(lxproc_cpu_publish(&w, s->samples ? s->shown : NULL, NH, ticks, out, NH),
			 LXPROC_OK);
	if (s->samples) {
		memcpy(s->prev, s->shown, sizeof(s->prev));
		s->t_prev = s->t_cur;
	} else {
		memcpy(s->prev, out, sizeof(s->prev));
		s->t_prev = t;
	}
	memcpy(s->shown, out, sizeof(s->shown));
	s->t_cur = t;
	s->samples++;
	/* the writer's guarantee: per host CPU, nothing published goes back */
	for (int h = 0; h < NH; h++) {
		assert_true(s->shown[h].user >= s->prev[h].user);
		assert_true(s->shown[h].system >= s->prev[h].system);
	}
}

static char text[16384];

/* A reader at `now`: /proc/stat's text, parsed back; checks monotonicity and the sums. */
static void sim_read(struct sim *s, uint64_t now, uint32_t want_n)
{
	struct lxproc_view v = s->cfg;
	struct lx_buf b;
	struct lx_statcpu line[NH + 1];
	uint64_t e_now = lxproc_ticks_at(&v, now);

	v.cpu_src = LXPROC_CPU_PERCPU; /* the page always carries per-CPU times */
	v.cpu_percpu = s->shown;
	v.cpu_npercpu = NH;
	v.cpu_sample_ns = s->t_cur;
	v.cpu_prev_ns = s->t_prev;
	v.cpu_prev_percpu = s->prev;
	v.now_ns = now;
	v.host_btime = 1700000000;
	lx_buf_init(&b, text, sizeof(text));
	assert_int_equal(lxproc_stat(&v, &b), LXPROC_OK);
	text[b.len] = '\0';
	assert_true(lx_host_stat_total(lx_text_cstr(text), &line[0]));
	for (uint32_t k = 0; k < want_n; k++)
		assert_true(lx_host_stat_cpu(lx_text_cstr(text), k, &line[1 + k]));
	{
		struct lx_statcpu extra;

		assert_false(lx_host_stat_cpu(lx_text_cstr(text), want_n, &extra));
	}

	for (uint32_t l = 0; l <= want_n; l++) {
		uint64_t sum = 0, cpus = l == 0 ? want_n : 1;

		for (unsigned c = 0; c < LX_STAT_NCOLS; c++) {
			sum += line[l].col[c];
			if (s->reads && line[l].col[c] < s->last[l].col[c])
				fail_msg("line %u column %u went back: %lu -> %lu\n%s", l, c,
					 (unsigned long)s->last[l].col[c],
					 (unsigned long)line[l].col[c], text);
		}
		/* the columns add up to the elapsed ticks of a moment at most two sample
		 * intervals back (the lag), to a tick per column */
		if (sum > cpus * e_now + 4 * cpus || sum + cpus * 250 < cpus * e_now)
			fail_msg("line %u adds up to %lu, elapsed %lu x %lu\n%s", l,
				 (unsigned long)sum, (unsigned long)e_now, (unsigned long)cpus,
				 text);
		s->last[l] = line[l];
	}
	s->reads++;
}

/* top's arithmetic: the share of column `col` in the change of all columns since `before`. */
static unsigned pct(const struct lx_statcpu *before, const struct lx_statcpu *after, unsigned col)
{
	uint64_t tot = 0;

	for (unsigned c = 0; c < LX_STAT_NCOLS; c++)
		tot += after->col[c] - before->col[c];
	if (tot == 0)
		return 0;
	return (unsigned)((after->col[col] - before->col[col]) * 100 / tot);
}

/* Advance the raw counters of host CPU h by `ns` of user and `sys_ns` of system time. */
static void run(struct sim *s, unsigned h, uint64_t user_ns, uint64_t sys_ns, uint64_t *acc_user,
		uint64_t *acc_sys)
{
	acc_user[h] += user_ns;
	acc_sys[h] += sys_ns;
	s->raw[h].user = lx_ns_to_ticks(acc_user[h]);
	s->raw[h].system = lx_ns_to_ticks(acc_sys[h]);
}

/*
 * A 1-CPU zone (host CPU 3) with a busy loop; samples once a second with ±40 ms jitter, the
 * counters read 3 ms after the sample's clock (so they run ahead of it); top reads at every
 * phase against the samples, including the one where a read just misses a sample and the
 * next sees two.
 */
static void test_busy_loop_every_refresh(void **state)
{
	static const uint64_t phase_ms[] = {0, 1, 250, 500, 999, 1001};

	(void)state;
	for (size_t ph = 0; ph < sizeof(phase_ms) / sizeof(phase_ms[0]); ph++) {
		struct sim s;
		uint64_t acc_u[NH] = {0}, acc_s[NH] = {0};
		uint64_t boot, t_sample, next_read;
		struct lx_statcpu before = {0};
		int refreshes = 0;

		sim_init(&s, "3", LX_NOCAP);
		boot = s.cfg.zone_boot_ns;
		t_sample = boot + 2 * MSEC;
		sim_sample(&s, t_sample);
		next_read = boot + 3 * SEC + phase_ms[ph] * MSEC;
		for (int i = 1; i <= 20; i++) {
			uint64_t t_next = boot + (uint64_t)i * SEC + 2 * MSEC +
					  (uint64_t)((i * 37) % 80) * MSEC - 40 * MSEC;

			/* reads (top's refreshes, a second apart) due before the next sample */
			while (next_read < t_next) {
				sim_read(&s, next_read, 1);
				if (refreshes++ > 0) {
					unsigned us = pct(&before, &s.last[1], LX_STAT_USER);
					unsigned sy = pct(&before, &s.last[1], LX_STAT_SYSTEM);

					if (us < 93 || us + sy < 97)
						fail_msg(
						    "phase %lu ms, refresh %d: %u%% us %u%% sy",
						    (unsigned long)phase_ms[ph], refreshes, us, sy);
				}
				before = s.last[1];
				next_read += SEC;
			}
			/* the loop ran (98% user, 2% system) until 3 ms after the next sample */
			run(&s, 3, (t_next + 3 * MSEC - t_sample) * 98 / 100,
			    (t_next + 3 * MSEC - t_sample) * 2 / 100, acc_u, acc_s);
			t_sample = t_next + 3 * MSEC;
			sim_sample(&s, t_next);
		}
		assert_true(refreshes >= 10);
	}
}

/* An idle zone next to it: ~0% busy on every refresh, idle grows with the elapsed time. */
static void test_idle_zone(void **state)
{
	struct sim s;
	uint64_t acc_u[NH] = {0}, acc_s[NH] = {0};
	uint64_t boot;
	struct lx_statcpu before = {0};

	(void)state;
	sim_init(&s, "3", LX_NOCAP);
	boot = s.cfg.zone_boot_ns;
	sim_sample(&s, boot + MSEC);
	for (int i = 1; i <= 12; i++) {
		run(&s, 3, 3 * MSEC, MSEC, acc_u, acc_s); /* a shell wakes up now and then */
		sim_sample(&s, boot + (uint64_t)i * SEC + MSEC);
		sim_read(&s, boot + (uint64_t)i * SEC + 600 * MSEC, 1);
		if (i > 1) {
			assert_true(pct(&before, &s.last[1], LX_STAT_USER) <= 2);
			assert_true(pct(&before, &s.last[1], LX_STAT_IDLE) >= 97);
		}
		before = s.last[1];
	}
}

/*
 * Exactly at a sample's time (read one interval later) the columns are that sample's: idle
 * is elapsed - busy, per CPU and times the CPU count in the aggregate.
 */
static void test_sample_sums_exact(void **state)
{
	struct sim s;
	uint64_t acc_u[NH] = {0}, acc_s[NH] = {0};
	uint64_t boot;

	(void)state;
	sim_init(&s, "2-3", LX_NOCAP);
	boot = s.cfg.zone_boot_ns;
	sim_sample(&s, boot + 5 * MSEC);
	run(&s, 2, 300 * MSEC, 100 * MSEC, acc_u, acc_s);
	run(&s, 3, 700 * MSEC, 0, acc_u, acc_s);
	sim_sample(&s, boot + 1005 * MSEC);
	run(&s, 2, 500 * MSEC, 0, acc_u, acc_s);
	sim_sample(&s, boot + 2005 * MSEC);
	/* half-way between the last two samples (read one interval after the first):
	 * half-way between their columns */
	sim_read(&s, boot + 2505 * MSEC, 2);
	assert_int_equal(s.last[1].col[LX_STAT_USER], 55);
	assert_int_equal(s.last[1].col[LX_STAT_SYSTEM], 10);
	assert_int_equal(s.last[1].col[LX_STAT_IDLE], 85);
	/* one interval after the last: its columns */
	sim_read(&s, boot + 3005 * MSEC, 2);
	/* cpu0 = host 2: 80 user 10 system of 200 ticks; cpu1 = host 3: 70 user */
	assert_int_equal(s.last[1].col[LX_STAT_USER], 80);
	assert_int_equal(s.last[1].col[LX_STAT_SYSTEM], 10);
	assert_int_equal(s.last[1].col[LX_STAT_IDLE], 110);
	assert_int_equal(s.last[2].col[LX_STAT_USER], 70);
	assert_int_equal(s.last[2].col[LX_STAT_IDLE], 130);
	assert_int_equal(s.last[0].col[LX_STAT_USER], 150);
	assert_int_equal(s.last[0].col[LX_STAT_IDLE], 240);
	/* the writer is late: the last sample's columns, held */
	sim_read(&s, boot + 3200 * MSEC, 2);
	assert_int_equal(s.last[1].col[LX_STAT_USER], 80);
	assert_int_equal(s.last[1].col[LX_STAT_IDLE], 110);
}

/*
 * Counters that run ahead of the clock (read after it, or more than one host CPU folded onto
 * a zone CPU): a zone CPU never shows more busy time than has elapsed, idle never goes back,
 * and what was held back shows up later, nothing lost.
 */
static void test_writer_clamps_and_carries(void **state)
{
	struct sim s;
	uint64_t acc_u[NH] = {0}, acc_s[NH] = {0};
	uint64_t boot;

	(void)state;
	/* cpuset 0-3 with a 1.5-CPU quota: 2 zone CPUs, host 0 and 2 fold onto cpu0 */
	sim_init(&s, "0-3", 150000);
	boot = s.cfg.zone_boot_ns;
	sim_sample(&s, boot);
	for (int i = 1; i <= 4; i++) {
		/* 2.4 CPUs' worth a second: 1.6 on cpu0 (hosts 0, 2), 0.8 on cpu1 (host 1) */
		for (unsigned h = 0; h < 3; h++)
			run(&s, h, 800 * MSEC, 0, acc_u, acc_s);
		sim_sample(&s, boot + (uint64_t)i * SEC);
		sim_read(&s, boot + (uint64_t)i * SEC + 500 * MSEC, 2);
		/* at the sample: each zone CPU at most the elapsed 100 ticks a second */
		assert_true(s.shown[0].user + s.shown[2].user <= (uint64_t)i * 100);
		assert_true(s.shown[1].user + s.shown[3].user <= (uint64_t)i * 100);
	}
	assert_int_equal(s.shown[0].user + s.shown[2].user, 400);
	assert_int_equal(s.shown[1].user + s.shown[3].user, 320);
	/* idle afterwards: the 240 ticks held back on cpu0 come through, then idle grows */
	for (int i = 5; i <= 10; i++) {
		sim_sample(&s, boot + (uint64_t)i * SEC);
		sim_read(&s, boot + (uint64_t)i * SEC + 500 * MSEC, 2);
	}
	assert_int_equal(s.shown[0].user + s.shown[2].user, 640);
	assert_int_equal(s.shown[1].user + s.shown[3].user, 320);
	sim_read(&s, boot + 11 * SEC, 2);
	assert_int_equal(s.last[1].col[LX_STAT_USER], 640);
	assert_int_equal(s.last[1].col[LX_STAT_IDLE], 1000 - 640);
}

/* A v2 cgroup's one total: spread over the zone's CPUs by the writer, each share monotonic. */
static void test_total_source_spread(void **state)
{
	struct sim s;
	uint64_t boot;

	(void)state;
	sim_init(&s, "0-2", LX_NOCAP);
	s.cfg.cpu_src = LXPROC_CPU_TOTAL;
	boot = s.cfg.zone_boot_ns;
	sim_sample(&s, boot);
	for (int i = 1; i <= 30; i++) {
		/* 1.5 CPUs' worth a second, in odd tick counts so that the shares round */
		s.raw_total.user += 100 + (uint64_t)(i % 3);
		s.raw_total.system += 47 + (uint64_t)(i % 2);
		sim_sample(&s, boot + (uint64_t)i * SEC);
		sim_read(&s, boot + (uint64_t)i * SEC + 300 * MSEC, 3);
	}
	sim_read(&s, boot + 31 * SEC, 3);
	assert_int_equal(s.last[0].col[LX_STAT_USER], s.raw_total.user);
	assert_int_equal(s.last[0].col[LX_STAT_SYSTEM], s.raw_total.system);
	assert_int_equal(s.last[0].col[LX_STAT_IDLE],
			 3 * 3000 - s.raw_total.user - s.raw_total.system);
}

/* No second sample yet: the first one, flat; a HOST source cannot be published. */
static void test_first_sample_and_bad_input(void **state)
{
	struct sim s;
	struct lx_cputime out[NH];
	uint64_t boot;

	(void)state;
	sim_init(&s, "3", LX_NOCAP);
	boot = s.cfg.zone_boot_ns;
	s.raw[3].user = 500; /* before the zone's boot: more than has elapsed */
	sim_sample(&s, boot + 2 * SEC);
	assert_int_equal(s.shown[3].user, 200);
	sim_read(&s, boot + 2 * SEC, 1);
	sim_read(&s, boot + 2900 * MSEC, 1);
	assert_int_equal(s.last[1].col[LX_STAT_USER], 200);
	assert_int_equal(s.last[1].col[LX_STAT_IDLE], 0);

	s.cfg.cpu_src = LXPROC_CPU_HOST;
	assert_int_equal(lxproc_cpu_publish(&s.cfg, NULL, 0, 100, out, NH), LXPROC_EINPUT);
	s.cfg.cpu_src = LXPROC_CPU_PERCPU; /* without counters */
	assert_int_equal(lxproc_cpu_publish(&s.cfg, NULL, 0, 100, out, NH), LXPROC_EINPUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_busy_loop_every_refresh),
	    cmocka_unit_test(test_idle_zone),
	    cmocka_unit_test(test_sample_sums_exact),
	    cmocka_unit_test(test_writer_clamps_and_carries),
	    cmocka_unit_test(test_total_source_spread),
	    cmocka_unit_test(test_first_sample_and_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
