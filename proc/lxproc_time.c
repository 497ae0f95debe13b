/*
 * The zone's clock and load: /proc/uptime, /proc/loadavg, btime, and the load-average
 * sampling the zone supervisor runs every 5 seconds.
 *
 * Time is counted on the host's CLOCK_BOOTTIME: the zone booted at zone_boot_ns, it is now
 * now_ns; the zone's wall-clock boot time (btime) is the host's btime plus zone_boot_ns.
 * So /proc/uptime, sysinfo().uptime and btime + uptime = now all hold by construction.
 */
#include "proc/lxproc.h"

#define NSEC_PER_SEC UINT64_C(1000000000)
#define NSEC_PER_CS  UINT64_C(10000000)

uint64_t lxproc_uptime_cs(const struct lxproc_view *v)
{
	return v->now_ns > v->zone_boot_ns ? (v->now_ns - v->zone_boot_ns) / NSEC_PER_CS : 0;
}

/*
 * The zone's boot in wall-clock seconds, truncated as the kernel truncates its own: so
 * btime + uptime lies within the second before now, as on Linux.  The host's btime plus the
 * zone's boot offset in whole seconds would lose the fractions of both (up to 2 s off).
 */
uint64_t lxproc_btime(const struct lxproc_view *v)
{
	uint64_t host = v->host_btime;

	if (v->zone_boot_real_ns)
		return v->zone_boot_real_ns / NSEC_PER_SEC;

	if (host == 0)
		lx_host_stat_get(v->host_stat, "btime", &host);
	return host + v->zone_boot_ns / NSEC_PER_SEC;
}

int lxproc_uptime(const struct lxproc_view *v, struct lx_buf *b)
{
	struct lxproc_cpus c;
	uint64_t idle = 0;
	int err;

	if ((err = lxproc_zone_cpus(v, &c)) < 0)
		return err;
	/* Like Linux, idle is the sum over the zone's CPUs, so it can exceed the uptime. */
	for (uint32_t k = 0; k < c.n; k++) {
		struct lx_statcpu s;

		if ((err = lxproc_cpu_times(v, &c, k, &s)) < 0)
			return err;
		idle += s.col[LX_STAT_IDLE] * 100 / LXPROC_USER_HZ;
	}
	lx_buf_fix(b, lxproc_uptime_cs(v), 2);
	lx_buf_putc(b, ' ');
	lx_buf_fix(b, idle, 2);
	lx_buf_putc(b, '\n');
	return b->trunc ? LXPROC_ETRUNC : LXPROC_OK;
}

/* The kernel's LOAD_INT / LOAD_FRAC with its +0.005 rounding, as "1.23". */
static void put_load(struct lx_buf *b, uint64_t avenrun)
{
	uint64_t a = avenrun + LX_FIXED_1 / 200;

	lx_buf_u64(b, a >> LX_FSHIFT, 0, ' ');
	lx_buf_putc(b, '.');
	lx_buf_u64(b, ((a & (LX_FIXED_1 - 1)) * 100) >> LX_FSHIFT, 2, '0');
}

void lxproc_tasks(const struct lxproc_view *v, uint32_t *running, uint32_t *threads)
{
	/* the counts are a sample's, taken before the reader may have existed */
	*running = v->nr_running > 0 ? v->nr_running : 1;
	*threads = v->nr_threads > *running ? v->nr_threads : *running;
}

int lxproc_loadavg(const struct lxproc_view *v, struct lx_buf *b)
{
	uint32_t running, threads;

	lxproc_tasks(v, &running, &threads);
	for (unsigned i = 0; i < 3; i++) {
		put_load(b, v->load.avenrun[i]);
		lx_buf_putc(b, ' ');
	}
	lx_buf_u64(b, running, 0, ' ');
	lx_buf_putc(b, '/');
	lx_buf_u64(b, threads, 0, ' ');
	lx_buf_putc(b, ' ');
	lx_buf_u64(b, v->last_pid, 0, ' ');
	lx_buf_putc(b, '\n');
	return b->trunc ? LXPROC_ETRUNC : LXPROC_OK;
}

/*
 * One step of an exponentially-decaying average, as kernel/sched/loadavg.c computes it:
 * load' = load * exp + active * (1 - exp), rounded up while the load is rising so that a
 * constant load converges to exactly that value.
 */
uint64_t lx_calc_load(uint64_t load, uint64_t exp, uint64_t active)
{
	uint64_t newload = load * exp + active * (LX_FIXED_1 - exp);

	if (active >= load)
		newload += LX_FIXED_1 - 1;
	return newload / LX_FIXED_1;
}

void lx_loadavg_sample(struct lx_loadavg *la, uint32_t nr_active)
{
	uint64_t active = (uint64_t)nr_active * LX_FIXED_1;

	la->avenrun[0] = lx_calc_load(la->avenrun[0], LX_EXP_1, active);
	la->avenrun[1] = lx_calc_load(la->avenrun[1], LX_EXP_5, active);
	la->avenrun[2] = lx_calc_load(la->avenrun[2], LX_EXP_15, active);
}
