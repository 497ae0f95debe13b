/*
 * Host /proc parsers.  These read the host's text as the kernel prints it; they are
 * deliberately lenient about whitespace and strict about numbers.
 */
#include "proc/lxhost.h"

bool lx_meminfo_line(struct lx_text line, struct lx_text *key, uint64_t *v, bool *kb)
{
	size_t i = 0;
	struct lx_text rest;

	while (i < line.len && line.p[i] != ':')
		i++;
	if (i == 0 || i == line.len)
		return false;
	key->p = line.p;
	key->len = i;
	rest.p = line.p + i + 1;
	rest.len = line.len - i - 1;
	if (!lx_text_u64(&rest, v))
		return false;
	rest = lx_text_trim(rest);
	*kb = lx_text_eq_cstr(rest, "kB");
	return *kb || rest.len == 0;
}

bool lx_host_meminfo_get(struct lx_text meminfo, const char *key, uint64_t *v)
{
	struct lx_text line;

	while (lx_text_next_line(&meminfo, &line)) {
		struct lx_text k;
		bool kb;
		uint64_t val;

		if (lx_meminfo_line(line, &k, &val, &kb) && lx_text_eq_cstr(k, key)) {
			*v = val;
			return true;
		}
	}
	return false;
}

static bool stat_cols(struct lx_text rest, struct lx_statcpu *out)
{
	unsigned n = 0;

	for (unsigned i = 0; i < LX_STAT_NCOLS; i++)
		out->col[i] = 0;
	while (n < LX_STAT_NCOLS && lx_text_u64(&rest, &out->col[n]))
		n++;
	/* Every kernel since 2.6 prints at least user..softirq. */
	return n >= 4;
}

/* The number after "cpu" in a word ("cpu12" -> 12), false for "cpu" or anything else. */
static bool stat_cpu_word(struct lx_text word, unsigned *cpu)
{
	uint64_t v;

	if (!lx_text_starts(word, "cpu") || word.len == 3)
		return false;
	word.p += 3;
	word.len -= 3;
	if (!lx_text_to_u64(word, &v) || v >= LX_CPUSET_MAX)
		return false;
	*cpu = (unsigned)v;
	return true;
}

bool lx_host_stat_cpu(struct lx_text stat, unsigned cpu, struct lx_statcpu *out)
{
	struct lx_text line;

	while (lx_text_next_line(&stat, &line)) {
		struct lx_text word;
		unsigned n;

		if (!lx_text_next_word(&line, &word) || !stat_cpu_word(word, &n) || n != cpu)
			continue;
		return stat_cols(line, out);
	}
	return false;
}

bool lx_host_stat_total(struct lx_text stat, struct lx_statcpu *out)
{
	struct lx_text line;

	while (lx_text_next_line(&stat, &line)) {
		struct lx_text word;

		if (lx_text_next_word(&line, &word) && lx_text_eq_cstr(word, "cpu"))
			return stat_cols(line, out);
	}
	return false;
}

bool lx_host_stat_cpus(struct lx_text stat, struct lx_cpuset *cpus)
{
	struct lx_text line;

	lx_cpuset_clear(cpus);
	while (lx_text_next_line(&stat, &line)) {
		struct lx_text word;
		unsigned n;

		if (lx_text_next_word(&line, &word) && stat_cpu_word(word, &n))
			lx_cpuset_add(cpus, n);
	}
	return lx_cpuset_count(cpus) > 0;
}

bool lx_host_stat_get(struct lx_text stat, const char *key, uint64_t *v)
{
	return lx_kv_lookup(stat, key, v);
}

bool lx_cpuinfo_line(struct lx_text line, struct lx_text *key, struct lx_text *value)
{
	size_t i = 0;

	while (i < line.len && line.p[i] != ':')
		i++;
	if (i == line.len)
		return false;
	key->p = line.p;
	key->len = i;
	*key = lx_text_trim(*key);
	value->p = line.p + i + 1;
	value->len = line.len - i - 1;
	*value = lx_text_skip_ws(*value);
	return true;
}

bool lx_host_cpuinfo_block(struct lx_text cpuinfo, unsigned cpu, struct lx_text *block)
{
	struct lx_text line;
	const char *start = NULL;

	while (lx_text_next_line(&cpuinfo, &line)) {
		struct lx_text key, value;
		uint64_t n;

		if (start) {
			if (lx_text_trim(line).len == 0)
				break;
			block->len = (size_t)(line.p + line.len - start);
			continue;
		}
		if (lx_cpuinfo_line(line, &key, &value) && lx_text_eq_cstr(key, "processor") &&
		    lx_text_to_u64(value, &n) && n == cpu) {
			start = line.p;
			block->p = start;
			block->len = line.len;
		}
	}
	return start != NULL;
}

bool lx_text_centi(struct lx_text *t, uint64_t *cs)
{
	uint64_t whole, frac = 0;
	unsigned digits = 0;

	if (!lx_text_u64(t, &whole) || whole > UINT64_MAX / 100 - 1)
		return false;
	if (t->len > 0 && t->p[0] == '.') {
		t->p++;
		t->len--;
		while (t->len > 0 && t->p[0] >= '0' && t->p[0] <= '9') {
			if (digits < 2) {
				frac = frac * 10 + (uint64_t)(t->p[0] - '0');
				digits++;
			}
			t->p++;
			t->len--;
		}
	}
	while (digits < 2) {
		frac *= 10;
		digits++;
	}
	*cs = whole * 100 + frac;
	return true;
}

bool lx_host_uptime(struct lx_text uptime, uint64_t *up_cs, uint64_t *idle_cs)
{
	return lx_text_centi(&uptime, up_cs) && lx_text_centi(&uptime, idle_cs) &&
	       lx_text_trim(uptime).len == 0;
}
