/*
 * The zone's CPUs: /proc/cpuinfo, /proc/stat, /sys/devices/system/cpu/{online,possible,
 * present}, and the sched_getaffinity() mask.
 *
 * One mapping drives all of them (lxproc_zone_cpus): the cpuset's host CPUs in ascending
 * order, cut to ceil(quota / period) when a CFS quota buys fewer CPUs than the cpuset has,
 * renumbered 0 .. n-1.  Host CPUs cut off by the quota still run the zone's tasks; their time
 * is folded onto zone CPU (index % n), so the aggregate line keeps all of the zone's time.
 *
 * Sampled CPU time.  Inside a zone the busy time comes from the zone page, which the
 * supervisor samples about once a second, while a reader asks at any moment.  top, vmstat and
 * htop turn two reads into percentages (delta busy / delta of all columns), so every column
 * must move smoothly and never back, and a line's columns must add up to the elapsed time.
 * An idle column computed at read time against a busy time from the last sample does
 * neither: a refresh that sees no new sample looks idle, one that sees two looks busy.  So:
 *
 *   - the writer (lxproc_cpu_publish) makes each sample self-consistent: per zone CPU the
 *     busy time grows by at most the ticks elapsed since the sample before (the cgroup's
 *     counters and the sample's clock are read at slightly different moments, and folded
 *     CPUs can run more than one CPU's worth), carrying the excess to later samples; so idle
 *     = elapsed - busy at the sample's time is never negative and never goes back;
 *   - the reader shows every column at time now - (t1 - t0), linearly between the previous
 *     sample (t0) and the last (t1): one sample interval late, but continuous.  Every value
 *     shown while the page holds (s0, s1) lies between s0 and s1, and every value of the
 *     next page between s1 and s2, so the columns are monotonic across page updates too,
 *     whatever the writer's timing; and since each sample's columns add up to its elapsed
 *     ticks, the interpolated ones add up to the interpolated time (to a tick per column).
 *
 * Without a zone page (a view with cpu_sample_ns 0) the times are taken as current.
 */
#include "proc/lxproc.h"

int lxproc_zone_cpus(const struct lxproc_view *v, struct lxproc_cpus *c)
{
	struct lx_cpuset host;
	const struct lx_cpuset *set = &v->cpuset;
	uint32_t q;

	if (lx_cpuset_count(set) == 0) {
		/* No cpuset: the host's CPUs, as its /proc/stat lists them. */
		if (!lx_host_stat_cpus(v->host_stat, &host))
			return LXPROC_EINPUT;
		set = &host;
	}
	c->nset = 0;
	for (unsigned cpu = 0; cpu < LX_CPUSET_MAX; cpu++)
		if (lx_cpuset_has(set, cpu))
			c->set[c->nset++] = (uint16_t)cpu;
	q = lx_cpu_quota_cpus(v->cpu_quota_us, v->cpu_period_us);
	c->n = c->nset < q ? c->nset : q;
	for (uint32_t k = 0; k < c->n; k++)
		c->host[k] = c->set[k];
	return LXPROC_OK;
}

unsigned lxproc_stat_ncols(const char *kver)
{
	if (!kver || !kver[0])
		return LX_STAT_NCOLS; /* the host's kernel: every column */
	if (lx_kver_cmp(kver, "2.5.41") < 0)
		return 4; /* user nice system idle (2.4) */
	if (lx_kver_cmp(kver, "2.6.11") < 0)
		return 7; /* + iowait irq softirq */
	if (lx_kver_cmp(kver, "2.6.24") < 0)
		return 8; /* + steal */
	if (lx_kver_cmp(kver, "2.6.33") < 0)
		return 9; /* + guest */
	return 10;	  /* + guest_nice */
}

static uint64_t sat_sub(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

uint64_t lxproc_ticks_at(const struct lxproc_view *v, uint64_t t_ns)
{
	return sat_sub(t_ns, v->zone_boot_ns) / (UINT64_C(1000000000) / LXPROC_USER_HZ);
}

/* Zone CPU k's share of a total spread over n CPUs: the shares add up to the total and each
 * grows with it (k < total % n get one tick more). */
static uint64_t share(uint64_t total, uint32_t n, uint32_t k)
{
	return (total + n - 1 - k) / n;
}

/* Busy columns of zone CPU k from one set of counters, idle = `elapsed` ticks - busy. */
static int cols_of(const struct lxproc_view *v, const struct lxproc_cpus *c, uint32_t k,
		   const struct lx_cputime *percpu, const struct lx_cputime *total,
		   uint64_t elapsed, struct lx_statcpu *out)
{
	for (unsigned i = 0; i < LX_STAT_NCOLS; i++)
		out->col[i] = 0;
	if (v->cpu_src == LXPROC_CPU_PERCPU) {
		if (!percpu)
			return LXPROC_EINPUT;
		for (uint32_t i = k; i < c->nset; i += c->n) {
			uint16_t h = c->set[i];

			if (h >= v->cpu_npercpu)
				continue;
			out->col[LX_STAT_USER] += percpu[h].user;
			out->col[LX_STAT_NICE] += percpu[h].nice;
			out->col[LX_STAT_SYSTEM] += percpu[h].system;
		}
	} else {
		out->col[LX_STAT_USER] = share(total->user, c->n, k);
		out->col[LX_STAT_NICE] = share(total->nice, c->n, k);
		out->col[LX_STAT_SYSTEM] = share(total->system, c->n, k);
	}
	/* A zone CPU is idle whenever the zone did not use it since the zone booted. */
	out->col[LX_STAT_IDLE] = sat_sub(elapsed, out->col[LX_STAT_USER] + out->col[LX_STAT_NICE] +
						      out->col[LX_STAT_SYSTEM]);
	return LXPROC_OK;
}

/* a + (b - a) * num / den per column, columns that went back (an old writer) shown as b. */
static void interpolate(const struct lx_statcpu *a, const struct lx_statcpu *b, uint64_t num,
			uint64_t den, struct lx_statcpu *out)
{
	uint64_t frac;

	/* 20 bits of fraction; scaled so that num << 20 cannot overflow */
	while (den >= (UINT64_C(1) << 40)) {
		num >>= 1;
		den >>= 1;
	}
	frac = (num << 20) / den;
	for (unsigned i = 0; i < LX_STAT_NCOLS; i++) {
		uint64_t d = sat_sub(b->col[i], a->col[i]);

		out->col[i] = b->col[i] < a->col[i]
				  ? b->col[i]
				  : a->col[i] + (d < (UINT64_C(1) << 43) ? (d * frac) >> 20
									 : (d >> 20) * frac);
	}
}

int lxproc_cpu_times(const struct lxproc_view *v, const struct lxproc_cpus *c, uint32_t k,
		     struct lx_statcpu *out)
{
	struct lx_statcpu a, b;
	uint64_t t0, t1, lag, tau;
	int err;

	for (unsigned i = 0; i < LX_STAT_NCOLS; i++)
		out->col[i] = 0;
	if (k >= c->n)
		return LXPROC_EINPUT;

	if (v->cpu_src == LXPROC_CPU_HOST) {
		uint64_t folded = 0;

		/* Busy columns add up; idle and iowait of folded CPUs are averaged. */
		for (uint32_t i = k; i < c->nset; i += c->n) {
			struct lx_statcpu s;

			if (!lx_host_stat_cpu(v->host_stat, c->set[i], &s))
				return LXPROC_EINPUT;
			for (unsigned col = 0; col < LX_STAT_NCOLS; col++)
				out->col[col] += s.col[col];
			folded++;
		}
		out->col[LX_STAT_IDLE] /= folded;
		out->col[LX_STAT_IOWAIT] /= folded;
		return LXPROC_OK;
	}

	if (!v->cpu_sample_ns)
		return cols_of(v, c, k, v->cpu_percpu, &v->cpu_total, lxproc_ticks_at(v, v->now_ns),
			       out);

	/* Sampled: between the two samples, one sample interval late (see the top). */
	t1 = v->cpu_sample_ns;
	t0 = v->cpu_prev_ns < t1 ? v->cpu_prev_ns : t1;
	if ((err = cols_of(v, c, k, v->cpu_percpu, &v->cpu_total, lxproc_ticks_at(v, t1), &b)) < 0)
		return err;
	lag = t1 - t0;
	tau = sat_sub(v->now_ns, lag);
	if (lag == 0 || tau >= t1) {
		*out = b;
		return LXPROC_OK;
	}
	if ((err = cols_of(v, c, k, v->cpu_prev_percpu, &v->cpu_prev_total, lxproc_ticks_at(v, t0),
			   &a)) < 0)
		return err;
	if (tau <= t0)
		*out = a;
	else
		interpolate(&a, &b, tau - t0, lag, out);
	return LXPROC_OK;
}

int lxproc_cpu_publish(const struct lxproc_view *v, const struct lx_cputime *prev, uint32_t nprev,
		       uint64_t ticks, struct lx_cputime *out, uint32_t nout)
{
	struct lxproc_cpus c;
	int err;

	if (v->cpu_src == LXPROC_CPU_HOST || (v->cpu_src == LXPROC_CPU_PERCPU && !v->cpu_percpu))
		return LXPROC_EINPUT;
	if ((err = lxproc_zone_cpus(v, &c)) < 0)
		return err;
	/* CPUs of no zone CPU (outside the cpuset) keep what they had: nothing goes back */
	for (uint32_t h = 0; h < nout; h++) {
		struct lx_cputime zero = {0, 0, 0};

		out[h] = prev && h < nprev ? prev[h] : zero;
	}
	for (uint32_t k = 0; k < c.n; k++) {
		uint64_t allow = ticks;

		for (uint32_t i = k; i < c.nset; i += c.n) {
			uint16_t h = c.set[i];
			struct lx_cputime want = {0, 0, 0};
			uint64_t *shown[3], target[3];

			if (h >= nout)
				continue;
			if (v->cpu_src == LXPROC_CPU_PERCPU) {
				if (h < v->cpu_npercpu)
					want = v->cpu_percpu[h];
			} else if (i == k) {
				/* a TOTAL source: zone CPU k's share, on its own host CPU */
				want.user = share(v->cpu_total.user, c.n, k);
				want.nice = share(v->cpu_total.nice, c.n, k);
				want.system = share(v->cpu_total.system, c.n, k);
			}
			shown[0] = &out[h].user;
			shown[1] = &out[h].nice;
			shown[2] = &out[h].system;
			target[0] = want.user;
			target[1] = want.nice;
			target[2] = want.system;
			for (unsigned col = 0; col < 3; col++) {
				uint64_t owed = sat_sub(target[col], *shown[col]);
				uint64_t give = owed < allow ? owed : allow;

				*shown[col] += give;
				allow -= give;
			}
		}
	}
	return LXPROC_OK;
}

static void put_cpu_line(struct lx_buf *b, const char *name, int64_t num,
			 const struct lx_statcpu *s, unsigned ncols)
{
	lx_buf_puts(b, name);
	if (num >= 0)
		lx_buf_u64(b, (uint64_t)num, 0, ' ');
	else
		lx_buf_putc(b, ' '); /* the aggregate line is "cpu  <user> ..." */
	for (unsigned i = 0; i < ncols; i++) {
		lx_buf_putc(b, ' ');
		lx_buf_u64(b, s->col[i], 0, ' ');
	}
	lx_buf_putc(b, '\n');
}

/* The zone's CPUs are exactly the host's, unrenumbered and unfolded. */
static bool cpus_are_host(const struct lxproc_view *v, const struct lxproc_cpus *c)
{
	struct lx_cpuset host;

	if (c->n != c->nset || !lx_host_stat_cpus(v->host_stat, &host) ||
	    lx_cpuset_count(&host) != c->n)
		return false;
	for (uint32_t k = 0; k < c->n; k++)
		if (c->host[k] != k || !lx_cpuset_has(&host, k))
			return false;
	return true;
}

static int put_cpu_block(const struct lxproc_view *v, const struct lxproc_cpus *c, struct lx_buf *b)
{
	unsigned ncols = lxproc_stat_ncols(v->kver);
	struct lx_statcpu sum, s;
	int err;

	for (unsigned i = 0; i < LX_STAT_NCOLS; i++)
		sum.col[i] = 0;
	/* Two passes, so the block needs no array of n CPUs on the brand's small stack. */
	for (uint32_t k = 0; k < c->n; k++) {
		if ((err = lxproc_cpu_times(v, c, k, &s)) < 0)
			return err;
		for (unsigned i = 0; i < LX_STAT_NCOLS; i++)
			sum.col[i] += s.col[i];
	}
	/*
	 * The kernel sums nanoseconds before converting the aggregate line to ticks, so its
	 * aggregate is not always the sum of its per-CPU lines.  When the zone is the whole
	 * host, show the host's own aggregate rather than an almost-equal one.
	 */
	if (v->cpu_src == LXPROC_CPU_HOST && cpus_are_host(v, c))
		lx_host_stat_total(v->host_stat, &sum);
	put_cpu_line(b, "cpu", -1, &sum, ncols);
	for (uint32_t k = 0; k < c->n; k++) {
		lxproc_cpu_times(v, c, k, &s);
		put_cpu_line(b, "cpu", k, &s, ncols);
	}
	return LXPROC_OK;
}

static void put_kv(struct lx_buf *b, const char *key, uint64_t val)
{
	lx_buf_puts(b, key);
	lx_buf_putc(b, ' ');
	lx_buf_u64(b, val, 0, ' ');
	lx_buf_putc(b, '\n');
}

/* The zone's value for a /proc/stat "key value" line, false for lines passed through. */
static bool stat_zone_value(const struct lxproc_view *v, struct lx_text key, uint64_t *val)
{
	uint32_t running, threads;

	lxproc_tasks(v, &running, &threads);
	if (lx_text_eq_cstr(key, "btime"))
		*val = lxproc_btime(v);
	else if (lx_text_eq_cstr(key, "processes") && !v->host_pidns)
		*val = v->nr_forks; /* sharing the host's pids: the host's forks are the count */
	else if (lx_text_eq_cstr(key, "procs_running"))
		*val = running;
	else if (lx_text_eq_cstr(key, "procs_blocked"))
		*val = v->nr_blocked;
	else
		return false;
	return true;
}

int lxproc_stat(const struct lxproc_view *v, struct lx_buf *b)
{
	static const char *const zone_keys[] = {"btime", "processes", "procs_running",
						"procs_blocked"};
	struct lxproc_cpus c;
	struct lx_text rest = v->host_stat, line;
	bool cpus_done = false;
	int err;

	if ((err = lxproc_zone_cpus(v, &c)) < 0)
		return err;
	if (!v->host_stat.p) {
		/* No host text: the zone's lines and zero counters in the kernel's order. */
		if ((err = put_cpu_block(v, &c, b)) < 0)
			return err;
		lx_buf_puts(b, "intr 0\nctxt 0\n");
		for (unsigned i = 0; i < 4; i++) {
			uint64_t val = v->nr_forks;

			stat_zone_value(v, lx_text_cstr(zone_keys[i]), &val);
			put_kv(b, zone_keys[i], val);
		}
		lx_buf_puts(b, "softirq 0 0 0 0 0 0 0 0 0 0 0\n");
		return b->trunc ? LXPROC_ETRUNC : LXPROC_OK;
	}
	/* Host order; cpu lines replaced by the zone's, zone counters replaced, the rest kept. */
	while (lx_text_next_line(&rest, &line)) {
		struct lx_text words = line, key;
		uint64_t val;

		if (!lx_text_next_word(&words, &key)) {
			continue;
		} else if (lx_text_starts(key, "cpu")) {
			if (!cpus_done && (err = put_cpu_block(v, &c, b)) < 0)
				return err;
			cpus_done = true;
		} else if (stat_zone_value(v, key, &val)) {
			lx_buf_text(b, key);
			lx_buf_putc(b, ' ');
			lx_buf_u64(b, val, 0, ' ');
			lx_buf_putc(b, '\n');
		} else {
			lx_buf_text(b, line);
			lx_buf_putc(b, '\n');
		}
	}
	return b->trunc ? LXPROC_ETRUNC : LXPROC_OK;
}

/*
 * One cpuinfo line: "processor" renumbered, "siblings" and "cpu cores" no larger than the
 * zone's CPU count; everything else (model, flags, bogomips ...) is the host CPU's own.
 */
static void put_cpuinfo_line(struct lx_buf *b, struct lx_text line, uint32_t k, uint32_t n)
{
	struct lx_text key, value;
	uint64_t host_val;

	if (lx_cpuinfo_line(line, &key, &value)) {
		bool proc = lx_text_eq_cstr(key, "processor");
		bool count = lx_text_eq_cstr(key, "siblings") || lx_text_eq_cstr(key, "cpu cores");

		if (proc || (count && lx_text_to_u64(value, &host_val))) {
			lx_buf_putn(b, line.p, (size_t)(value.p - line.p));
			if (proc)
				lx_buf_u64(b, k, 0, ' ');
			else
				lx_buf_u64(b, host_val < n ? host_val : n, 0, ' ');
			lx_buf_putc(b, '\n');
			return;
		}
	}
	lx_buf_text(b, line);
	lx_buf_putc(b, '\n');
}

int lxproc_cpuinfo(const struct lxproc_view *v, struct lx_buf *b)
{
	struct lxproc_cpus c;
	int err;

	if (!v->host_cpuinfo.p)
		return LXPROC_EINPUT;
	if ((err = lxproc_zone_cpus(v, &c)) < 0)
		return err;
	for (uint32_t k = 0; k < c.n; k++) {
		struct lx_text block, line;

		if (!lx_host_cpuinfo_block(v->host_cpuinfo, c.host[k], &block))
			return LXPROC_EINPUT;
		while (lx_text_next_line(&block, &line))
			put_cpuinfo_line(b, line, k, c.n);
		lx_buf_putc(b, '\n');
	}
	return b->trunc ? LXPROC_ETRUNC : LXPROC_OK;
}

/* online, possible and present are the same for a zone: its CPUs, numbered from 0. */
int lxproc_cpu_online(const struct lxproc_view *v, struct lx_buf *b)
{
	struct lxproc_cpus c;
	int err;

	if ((err = lxproc_zone_cpus(v, &c)) < 0)
		return err;
	lx_buf_putc(b, '0');
	if (c.n > 1) {
		lx_buf_putc(b, '-');
		lx_buf_u64(b, c.n - 1, 0, ' ');
	}
	lx_buf_putc(b, '\n');
	return b->trunc ? LXPROC_ETRUNC : LXPROC_OK;
}

static bool mask_has(const uint8_t *mask, size_t len, unsigned cpu)
{
	return cpu / 8 < len && (mask[cpu / 8] >> (cpu % 8)) & 1;
}

int lxproc_affinity(const struct lxproc_view *v, const uint8_t *host_mask, size_t host_len,
		    uint8_t *mask, size_t len)
{
	struct lxproc_cpus c;
	size_t size;
	bool any = false;
	int err;

	if ((err = lxproc_zone_cpus(v, &c)) < 0)
		return err;
	/* The kernel's cpumask_size(): nr_cpu_ids rounded up to whole longs. */
	size = (c.n + 63) / 64 * 8;
	if (len < size || len % 8 != 0)
		return LXPROC_EINPUT;
	for (size_t i = 0; i < size; i++)
		mask[i] = 0;
	for (uint32_t k = 0; k < c.n; k++) {
		bool on = !host_mask;

		for (uint32_t i = k; !on && i < c.nset; i += c.n)
			on = mask_has(host_mask, host_len, c.set[i]);
		if (on) {
			mask[k / 8] |= (uint8_t)(1u << (k % 8));
			any = true;
		}
	}
	if (!any) /* pinned outside the zone's CPUs: report the zone's set, never an empty mask */
		for (uint32_t k = 0; k < c.n; k++)
			mask[k / 8] |= (uint8_t)(1u << (k % 8));
	return (int)size;
}
