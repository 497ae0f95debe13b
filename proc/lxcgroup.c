/*
 * cgroup v1 / v2 file parsers.  See lxcgroup.h for what each file means to lxproc.
 */
#include "proc/lxcgroup.h"

bool lx_cg_parse_u64(struct lx_text t, uint64_t *v)
{
	return lx_text_to_u64(t, v);
}

bool lx_cg_parse_limit(struct lx_text t, uint64_t *limit)
{
	uint64_t v;

	t = lx_text_trim(t);
	if (lx_text_eq_cstr(t, "max")) {
		*limit = LX_NOCAP;
		return true;
	}
	if (!lx_text_to_u64(t, &v))
		return false;
	*limit = v >= LX_CG_V1_NOCAP_MIN ? LX_NOCAP : v;
	return true;
}

uint64_t lx_cg_v1_swap_limit(uint64_t memsw_limit, uint64_t mem_limit)
{
	if (memsw_limit == LX_NOCAP)
		return LX_NOCAP;
	if (mem_limit == LX_NOCAP || memsw_limit < mem_limit)
		return 0;
	return memsw_limit - mem_limit;
}

bool lx_kv_lookup(struct lx_text t, const char *key, uint64_t *v)
{
	struct lx_text line;

	while (lx_text_next_line(&t, &line)) {
		struct lx_text rest = line, word;

		if (!lx_text_next_word(&rest, &word) || !lx_text_eq_cstr(word, key))
			continue;
		return lx_text_to_u64(rest, v);
	}
	return false;
}

/* One memory.stat key and the lx_memstat field it fills. */
struct memstat_key {
	const char *key;
	size_t off;
};

#define MS(field) offsetof(struct lx_memstat, field)

static const struct memstat_key v1_keys[] = {
    {"total_rss", MS(anon)},
    {"total_cache", MS(file)},
    {"total_shmem", MS(shmem)},
    {"total_mapped_file", MS(mapped_file)},
    {"total_dirty", MS(dirty)},
    {"total_writeback", MS(writeback)},
    {"total_swapcached", MS(swapcached)},
    {"total_active_anon", MS(active_anon)},
    {"total_inactive_anon", MS(inactive_anon)},
    {"total_active_file", MS(active_file)},
    {"total_inactive_file", MS(inactive_file)},
    {"total_unevictable", MS(unevictable)},
    {"total_rss_huge", MS(anon_thp)},
};

static const struct memstat_key v2_keys[] = {
    {"anon", MS(anon)},
    {"file", MS(file)},
    {"shmem", MS(shmem)},
    {"file_mapped", MS(mapped_file)},
    {"file_dirty", MS(dirty)},
    {"file_writeback", MS(writeback)},
    {"swapcached", MS(swapcached)},
    {"active_anon", MS(active_anon)},
    {"inactive_anon", MS(inactive_anon)},
    {"active_file", MS(active_file)},
    {"inactive_file", MS(inactive_file)},
    {"unevictable", MS(unevictable)},
    {"slab_reclaimable", MS(slab_reclaimable)},
    {"slab_unreclaimable", MS(slab_unreclaimable)},
    {"kernel_stack", MS(kernel_stack)},
    {"pagetables", MS(pagetables)},
    {"anon_thp", MS(anon_thp)},
};

static void memstat_zero(struct lx_memstat *ms)
{
	unsigned char *p = (unsigned char *)ms;

	for (size_t i = 0; i < sizeof(*ms); i++)
		p[i] = 0;
}

static uint64_t *memstat_field(struct lx_memstat *ms, size_t off)
{
	return (uint64_t *)((unsigned char *)ms + off);
}

/*
 * Fill from `keys`; for v1, a key without its total_ prefix is used only when the total_
 * form is absent (a cgroup with use_hierarchy=0 on an old kernel).  At least one key must be
 * found for the text to count as a memory.stat.
 */
static bool memstat_parse(struct lx_text t, struct lx_memstat *ms, const struct memstat_key *keys,
			  size_t nkeys, bool v1)
{
	bool found_any = false;

	memstat_zero(ms);
	for (size_t i = 0; i < nkeys; i++) {
		uint64_t v;

		if (lx_kv_lookup(t, keys[i].key, &v)) {
			*memstat_field(ms, keys[i].off) = v;
			found_any = true;
		} else if (v1 && lx_kv_lookup(t, keys[i].key + 6 /* "total_" */, &v)) {
			*memstat_field(ms, keys[i].off) = v;
			found_any = true;
		}
	}
	return found_any;
}

bool lx_cg_v1_memstat(struct lx_text t, struct lx_memstat *ms)
{
	return memstat_parse(t, ms, v1_keys, sizeof(v1_keys) / sizeof(v1_keys[0]), true);
}

bool lx_cg_v2_memstat(struct lx_text t, struct lx_memstat *ms)
{
	return memstat_parse(t, ms, v2_keys, sizeof(v2_keys) / sizeof(v2_keys[0]), false);
}

void lx_cpuset_clear(struct lx_cpuset *set)
{
	for (unsigned i = 0; i < LX_CPUSET_WORDS; i++)
		set->bits[i] = 0;
}

void lx_cpuset_add(struct lx_cpuset *set, unsigned cpu)
{
	if (cpu < LX_CPUSET_MAX)
		set->bits[cpu / 64] |= UINT64_C(1) << (cpu % 64);
}

bool lx_cpuset_has(const struct lx_cpuset *set, unsigned cpu)
{
	return cpu < LX_CPUSET_MAX && (set->bits[cpu / 64] >> (cpu % 64)) & 1;
}

unsigned lx_cpuset_count(const struct lx_cpuset *set)
{
	unsigned n = 0;

	for (unsigned i = 0; i < LX_CPUSET_WORDS; i++)
		for (uint64_t w = set->bits[i]; w; w &= w - 1)
			n++;
	return n;
}

bool lx_cpuset_parse(struct lx_text t, struct lx_cpuset *set)
{
	lx_cpuset_clear(set);
	t = lx_text_trim(t);
	while (t.len > 0) {
		uint64_t lo, hi;

		if (!lx_text_u64(&t, &lo))
			return false;
		hi = lo;
		if (t.len > 0 && t.p[0] == '-') {
			t.p++;
			t.len--;
			if (!lx_text_u64(&t, &hi) || hi < lo)
				return false;
		}
		if (hi >= LX_CPUSET_MAX)
			return false;
		for (uint64_t c = lo; c <= hi; c++)
			lx_cpuset_add(set, (unsigned)c);
		if (t.len == 0)
			break;
		if (t.p[0] != ',')
			return false;
		t.p++;
		t.len--;
	}
	return true;
}

void lx_cpuset_print(struct lx_buf *b, const struct lx_cpuset *set)
{
	bool first = true;

	for (unsigned c = 0; c < LX_CPUSET_MAX; c++) {
		unsigned end = c;

		if (!lx_cpuset_has(set, c))
			continue;
		while (end + 1 < LX_CPUSET_MAX && lx_cpuset_has(set, end + 1))
			end++;
		if (!first)
			lx_buf_putc(b, ',');
		lx_buf_u64(b, c, 0, ' ');
		if (end > c) {
			lx_buf_putc(b, '-');
			lx_buf_u64(b, end, 0, ' ');
		}
		first = false;
		c = end;
	}
}

bool lx_cg_v1_cpu_quota(struct lx_text quota, struct lx_text period, uint64_t *quota_us,
			uint64_t *period_us)
{
	quota = lx_text_trim(quota);
	if (!lx_text_to_u64(period, period_us) || *period_us == 0)
		return false;
	if (lx_text_eq_cstr(quota, "-1")) {
		*quota_us = LX_NOCAP;
		return true;
	}
	return lx_text_to_u64(quota, quota_us);
}

bool lx_cg_v2_cpu_max(struct lx_text t, uint64_t *quota_us, uint64_t *period_us)
{
	struct lx_text word;

	if (!lx_text_next_word(&t, &word))
		return false;
	if (lx_text_eq_cstr(word, "max"))
		*quota_us = LX_NOCAP;
	else if (!lx_text_to_u64(word, quota_us))
		return false;
	/* The period may be omitted when writing, but reading always shows it. */
	return lx_text_to_u64(t, period_us) && *period_us != 0;
}

uint32_t lx_cpu_quota_cpus(uint64_t quota_us, uint64_t period_us)
{
	uint64_t n;

	if (quota_us == LX_NOCAP || period_us == 0)
		return UINT32_MAX;
	n = quota_us / period_us + (quota_us % period_us != 0);
	if (n == 0)
		n = 1;
	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

bool lx_cg_v1_cpuacct_percpu(struct lx_text t, struct lx_cputime *out, uint32_t *n)
{
	uint32_t cap = *n, i = 0;
	uint64_t ns;

	while (lx_text_u64(&t, &ns)) {
		if (i < cap) {
			out[i].user = lx_ns_to_ticks(ns);
			out[i].nice = 0;
			out[i].system = 0;
		}
		i++;
	}
	t = lx_text_trim(t);
	if (t.len != 0 || i == 0)
		return false;
	*n = i < cap ? i : cap;
	return true;
}

bool lx_cg_v1_cpuacct_all(struct lx_text t, struct lx_cputime *out, uint32_t *n)
{
	struct lx_text line;
	uint32_t cap = *n, count = 0;

	if (!lx_text_next_line(&t, &line) || !lx_text_starts(line, "cpu"))
		return false;
	for (uint32_t i = 0; i < cap; i++) {
		struct lx_cputime zero = {0, 0, 0};

		out[i] = zero;
	}
	while (lx_text_next_line(&t, &line)) {
		uint64_t cpu, user, sys;

		if (lx_text_trim(line).len == 0)
			continue;
		if (!lx_text_u64(&line, &cpu) || !lx_text_u64(&line, &user) ||
		    !lx_text_u64(&line, &sys))
			return false;
		if (cpu < cap) {
			out[cpu].user = lx_ns_to_ticks(user);
			out[cpu].nice = 0;
			out[cpu].system = lx_ns_to_ticks(sys);
			if (cpu + 1 > count)
				count = (uint32_t)cpu + 1;
		}
	}
	*n = count;
	return count > 0;
}

bool lx_cg_v2_cpu_stat(struct lx_text t, struct lx_cputime *total)
{
	uint64_t usage, user = 0, sys = 0, nice = 0;
	bool split;

	if (!lx_kv_lookup(t, "usage_usec", &usage))
		return false;
	split = lx_kv_lookup(t, "user_usec", &user) && lx_kv_lookup(t, "system_usec", &sys);
	lx_kv_lookup(t, "nice_usec", &nice);
	if (!split) {
		user = usage;
		sys = 0;
	}
	/* user_usec includes nice time, as /proc/stat's user column does not. */
	if (nice > user)
		nice = user;
	total->user = lx_us_to_ticks(user - nice);
	total->nice = lx_us_to_ticks(nice);
	total->system = lx_us_to_ticks(sys);
	return true;
}

/* "MAJ:MIN" as a whole word. */
static bool parse_devnum(struct lx_text w, uint32_t *major, uint32_t *minor)
{
	uint64_t ma, mi;

	if (!lx_text_u64(&w, &ma) || w.len == 0 || w.p[0] != ':')
		return false;
	w.p++;
	w.len--;
	if (w.len == 0 || w.p[0] < '0' || w.p[0] > '9' || !lx_text_u64(&w, &mi) || w.len != 0)
		return false;
	if (ma > UINT32_MAX || mi > UINT32_MAX)
		return false;
	*major = (uint32_t)ma;
	*minor = (uint32_t)mi;
	return true;
}

/* The entry of major:minor in out[0 .. *n), appended when new; NULL when out is full. */
static struct lx_diskio *diskio_slot(struct lx_diskio *out, uint32_t *n, uint32_t cap,
				     uint32_t major, uint32_t minor)
{
	for (uint32_t i = 0; i < *n; i++)
		if (out[i].major == major && out[i].minor == minor)
			return &out[i];
	if (*n >= cap)
		return NULL;
	struct lx_diskio *d = &out[(*n)++];
	*d = (struct lx_diskio){.major = major, .minor = minor};
	return d;
}

#define DIO(field) offsetof(struct lx_diskio, field)

/* v1's operations: the requests' field and the bytes' (Sync, Async, Total are their sums). */
static const struct {
	const char *op;
	size_t ios, bytes;
} blkio_ops[] = {
    {"Read", DIO(rd_ios), DIO(rd_bytes)},
    {"Write", DIO(wr_ios), DIO(wr_bytes)},
    {"Discard", DIO(dc_ios), DIO(dc_bytes)},
};

/* io.stat's keys. */
static const struct {
	const char *key;
	size_t off;
} io_keys[] = {
    {"rbytes", DIO(rd_bytes)}, {"wbytes", DIO(wr_bytes)}, {"rios", DIO(rd_ios)},
    {"wios", DIO(wr_ios)},     {"dbytes", DIO(dc_bytes)}, {"dios", DIO(dc_ios)},
};

static void diskio_set(struct lx_diskio *d, size_t off, uint64_t v)
{
	__builtin_memcpy((char *)d + off, &v, sizeof(v));
}

/*
 * One v1 file: bytes picks the *_bytes fields, else the *_ios ones.  A device gets an entry at
 * its first non-zero count only: the kernel lists every device the cgroup has a rule or a
 * group on, most of them at zero, and the capacity is for the ones with I/O.
 */
static bool blkio_v1_file(struct lx_text t, bool bytes, struct lx_diskio *out, uint32_t *n,
			  uint32_t cap)
{
	struct lx_text line;

	while (lx_text_next_line(&t, &line)) {
		struct lx_text rest = line, dev, op;
		uint32_t major, minor;
		uint64_t v;

		if (!lx_text_next_word(&rest, &dev))
			continue; /* a blank line */
		if (lx_text_eq_cstr(dev, "Total"))
			continue; /* the sum over every device */
		if (!parse_devnum(dev, &major, &minor) || !lx_text_next_word(&rest, &op) ||
		    !lx_text_to_u64(rest, &v))
			return false;
		for (size_t i = 0; v != 0 && i < sizeof(blkio_ops) / sizeof(blkio_ops[0]); i++) {
			struct lx_diskio *d;
			if (!lx_text_eq_cstr(op, blkio_ops[i].op))
				continue;
			if ((d = diskio_slot(out, n, cap, major, minor)) != NULL)
				diskio_set(d, bytes ? blkio_ops[i].bytes : blkio_ops[i].ios, v);
		}
	}
	return true;
}

bool lx_cg_v1_blkio(struct lx_text serviced, struct lx_text bytes, struct lx_diskio *out,
		    uint32_t *n)
{
	uint32_t cap = *n;

	*n = 0;
	return blkio_v1_file(serviced, false, out, n, cap) &&
	       blkio_v1_file(bytes, true, out, n, cap);
}

bool lx_cg_v2_iostat(struct lx_text t, struct lx_diskio *out, uint32_t *n)
{
	struct lx_text line;
	uint32_t cap = *n;

	*n = 0;
	while (lx_text_next_line(&t, &line)) {
		struct lx_text rest = line, dev, kv;
		struct lx_diskio one = {0};
		bool any = false;

		if (!lx_text_next_word(&rest, &dev))
			continue;
		if (!parse_devnum(dev, &one.major, &one.minor))
			return false;
		while (lx_text_next_word(&rest, &kv)) {
			size_t eq = 0;
			uint64_t v;

			while (eq < kv.len && kv.p[eq] != '=')
				eq++;
			if (eq == kv.len)
				return false;
			struct lx_text key = {kv.p, eq}, val = {kv.p + eq + 1, kv.len - eq - 1};
			for (size_t i = 0; i < sizeof(io_keys) / sizeof(io_keys[0]); i++) {
				if (!lx_text_eq_cstr(key, io_keys[i].key))
					continue;
				if (!lx_text_to_u64(val, &v))
					return false;
				diskio_set(&one, io_keys[i].off, v);
				any |= v != 0;
			}
		}
		/* a device at zero takes no entry (as in v1) */
		struct lx_diskio *d = any ? diskio_slot(out, n, cap, one.major, one.minor) : NULL;
		if (d != NULL)
			*d = one;
	}
	return true;
}
