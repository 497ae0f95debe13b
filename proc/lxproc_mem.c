/*
 * The zone's memory: /proc/meminfo, /proc/swaps and the memory half of sysinfo().
 *
 * lxproc_mem_view() is the one place memory numbers are decided; meminfo prints it and
 * sysinfo() reports it, so `free` and a program calling sysinfo() cannot disagree.
 *
 * With no memory cap (or a cap at or above the host's RAM) every value is the host's, and
 * meminfo is the host's text unchanged.  With a cap:
 *   MemTotal     = cap
 *   MemFree      = cap - usage (usage counts page cache, as the cgroup charges it)
 *   MemAvailable = MemFree + the file LRU lists + reclaimable slab, at most MemTotal
 *   Cached, Shmem, Active/Inactive(anon/file), Unevictable, Dirty, Writeback, AnonPages,
 *   Mapped, AnonHugePages, SwapCached = the cgroup's memory.stat
 *   Buffers      = 0 (cgroups do not account buffer heads apart from the page cache)
 *   Slab, SReclaimable, SUnreclaim, KReclaimable = the cgroup's slab (v2; v1 has none: 0),
 *                  so that free's used = total - free - buffers - cached - SReclaimable >= 0
 *   SwapTotal    = min(swap cap, host SwapTotal); SwapFree = SwapTotal - the zone's swap use
 *   Mlocked      = the host's, at most the zone's Unevictable; Zswap, Zswapped = the host's,
 *                  at most the zone's swap in use (neither has a cgroup counter on v1)
 *   every other line keeps the host's format and order, its kB value clamped to MemTotal
 *   (CommitLimit to MemTotal + SwapTotal); address-space sizes (Vmalloc*, Committed_AS) and
 *   huge page counts pass through unchanged.
 */
#include "proc/lxproc.h"

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t host_kb(const struct lxproc_view *v, const char *key)
{
	uint64_t val = 0;

	lx_host_meminfo_get(v->host_meminfo, key, &val);
	return val;
}

int lxproc_mem_view(const struct lxproc_view *v, struct lxproc_mem *m)
{
	const struct lx_memstat *s = &v->mstat;
	uint64_t host_total, used;
	unsigned char *p = (unsigned char *)m;

	for (size_t i = 0; i < sizeof(*m); i++)
		p[i] = 0;
	if (!lx_host_meminfo_get(v->host_meminfo, "MemTotal", &host_total))
		return LXPROC_EINPUT;

	m->mem_capped = v->mem_limit != LX_NOCAP && v->mem_limit / 1024 < host_total;
	m->swap_capped = m->mem_capped || v->swap_limit != LX_NOCAP;

	if (!m->mem_capped) {
		m->total = host_total;
		m->free = host_kb(v, "MemFree");
		m->available = host_kb(v, "MemAvailable");
		m->buffers = host_kb(v, "Buffers");
		m->cached = host_kb(v, "Cached");
		m->swapcached = host_kb(v, "SwapCached");
		m->shmem = host_kb(v, "Shmem");
		m->active = host_kb(v, "Active");
		m->inactive = host_kb(v, "Inactive");
		m->active_anon = host_kb(v, "Active(anon)");
		m->inactive_anon = host_kb(v, "Inactive(anon)");
		m->active_file = host_kb(v, "Active(file)");
		m->inactive_file = host_kb(v, "Inactive(file)");
		m->unevictable = host_kb(v, "Unevictable");
		m->dirty = host_kb(v, "Dirty");
		m->writeback = host_kb(v, "Writeback");
		m->anon = host_kb(v, "AnonPages");
		m->mapped = host_kb(v, "Mapped");
		m->anon_thp = host_kb(v, "AnonHugePages");
		m->slab = host_kb(v, "Slab");
		m->sreclaimable = host_kb(v, "SReclaimable");
		m->sunreclaim = host_kb(v, "SUnreclaim");
	} else {
		m->total = v->mem_limit / 1024;
		used = min_u64(v->mem_usage / 1024, m->total);
		m->free = m->total - used;
		/* Every part of the charge is at most the charge. */
		m->cached = min_u64(s->file / 1024, used);
		m->shmem = min_u64(s->shmem / 1024, m->cached);
		m->swapcached = min_u64(s->swapcached / 1024, used);
		m->active_anon = min_u64(s->active_anon / 1024, used);
		m->inactive_anon = min_u64(s->inactive_anon / 1024, used);
		m->active_file = min_u64(s->active_file / 1024, used);
		m->inactive_file = min_u64(s->inactive_file / 1024, used);
		m->active = min_u64(m->active_anon + m->active_file, used);
		m->inactive = min_u64(m->inactive_anon + m->inactive_file, used);
		m->unevictable = min_u64(s->unevictable / 1024, used);
		m->dirty = min_u64(s->dirty / 1024, m->cached);
		m->writeback = min_u64(s->writeback / 1024, m->cached);
		m->anon = min_u64(s->anon / 1024, used);
		m->mapped = min_u64(s->mapped_file / 1024, used);
		m->anon_thp = min_u64(s->anon_thp / 1024, m->anon);
		m->buffers = 0;
		/* The zone's own slab (v2 memory.stat; v1 reports none, so 0): the host's would
		 * make free's "used" = total - free - cached - SReclaimable negative. */
		m->sreclaimable =
		    min_u64(s->slab_reclaimable / 1024, used - min_u64(m->cached, used));
		m->sunreclaim = min_u64(s->slab_unreclaimable / 1024, used);
		m->slab = min_u64(m->sreclaimable + m->sunreclaim, used);
		m->available = min_u64(m->free + m->active_file + m->inactive_file +
					   s->slab_reclaimable / 1024,
				       m->total);
	}

	if (!m->swap_capped) {
		m->swap_total = host_kb(v, "SwapTotal");
		m->swap_free = host_kb(v, "SwapFree");
	} else {
		/* A swap cap cannot create swap the host does not have. */
		m->swap_total =
		    min_u64(v->swap_limit == LX_NOCAP ? UINT64_MAX : v->swap_limit / 1024,
			    host_kb(v, "SwapTotal"));
		m->swap_free = m->swap_total - min_u64(v->swap_usage / 1024, m->swap_total);
	}
	return LXPROC_OK;
}

enum mi_rule {
	MI_PASS,   /* host value, unchanged */
	MI_CLAMP,  /* host value, at most MemTotal */
	MI_ZONE,   /* the zone's value (memory group) */
	MI_SWAP,   /* the zone's value (swap group) */
	MI_COMMIT, /* host value, at most MemTotal + SwapTotal */
	MI_MLOCK,  /* host value, at most the zone's Unevictable (mlocked pages are unevictable) */
	MI_ZSWAP   /* host value, at most the zone's swap in use (zswap holds swapped pages) */
};

struct mi_key {
	const char *key;
	unsigned char rule;
	size_t off; /* in struct lxproc_mem, for MI_ZONE and MI_SWAP */
};

#define MV(f) offsetof(struct lxproc_mem, f)

static const struct mi_key mi_keys[] = {
    {"MemTotal", MI_ZONE, MV(total)},
    {"MemFree", MI_ZONE, MV(free)},
    {"MemAvailable", MI_ZONE, MV(available)},
    {"Buffers", MI_ZONE, MV(buffers)},
    {"Cached", MI_ZONE, MV(cached)},
    {"SwapCached", MI_ZONE, MV(swapcached)},
    {"Active", MI_ZONE, MV(active)},
    {"Inactive", MI_ZONE, MV(inactive)},
    {"Active(anon)", MI_ZONE, MV(active_anon)},
    {"Inactive(anon)", MI_ZONE, MV(inactive_anon)},
    {"Active(file)", MI_ZONE, MV(active_file)},
    {"Inactive(file)", MI_ZONE, MV(inactive_file)},
    {"Unevictable", MI_ZONE, MV(unevictable)},
    {"Mlocked", MI_MLOCK, 0},
    {"Zswap", MI_ZSWAP, 0},
    {"Zswapped", MI_ZSWAP, 0},
    {"SwapTotal", MI_SWAP, MV(swap_total)},
    {"SwapFree", MI_SWAP, MV(swap_free)},
    {"Dirty", MI_ZONE, MV(dirty)},
    {"Writeback", MI_ZONE, MV(writeback)},
    {"AnonPages", MI_ZONE, MV(anon)},
    {"Mapped", MI_ZONE, MV(mapped)},
    {"Shmem", MI_ZONE, MV(shmem)},
    {"AnonHugePages", MI_ZONE, MV(anon_thp)},
    {"Slab", MI_ZONE, MV(slab)},
    {"SReclaimable", MI_ZONE, MV(sreclaimable)},
    {"SUnreclaim", MI_ZONE, MV(sunreclaim)},
    {"KReclaimable", MI_ZONE, MV(sreclaimable)},
    {"CommitLimit", MI_COMMIT, 0},
    {"Committed_AS", MI_PASS, 0},
    {"VmallocTotal", MI_PASS, 0},
    {"VmallocUsed", MI_PASS, 0},
    {"VmallocChunk", MI_PASS, 0},
    {"Hugepagesize", MI_PASS, 0},
};

static const struct mi_key *mi_lookup(struct lx_text key)
{
	for (size_t i = 0; i < sizeof(mi_keys) / sizeof(mi_keys[0]); i++)
		if (lx_text_eq_cstr(key, mi_keys[i].key))
			return &mi_keys[i];
	return NULL;
}

static uint64_t mem_field(const struct lxproc_mem *m, size_t off)
{
	return *(const uint64_t *)((const unsigned char *)m + off);
}

/* The kernel's show_val_kb(): "Key:" padded to 16 columns, the value right-aligned in 8. */
static void put_kb_line(struct lx_buf *b, struct lx_text key, uint64_t kb)
{
	size_t start = b->len;

	lx_buf_text(b, key);
	lx_buf_putc(b, ':');
	lx_buf_pad_to(b, start, 16, false);
	lx_buf_u64(b, kb, 8, ' ');
	lx_buf_puts(b, " kB\n");
}

int lxproc_meminfo(const struct lxproc_view *v, struct lx_buf *b)
{
	struct lxproc_mem m;
	struct lx_text rest = v->host_meminfo, line;
	int err;

	if ((err = lxproc_mem_view(v, &m)) < 0)
		return err;
	while (lx_text_next_line(&rest, &line)) {
		struct lx_text key;
		uint64_t val;
		bool kb;
		const struct mi_key *mk;
		unsigned rule;

		if (!lx_meminfo_line(line, &key, &val, &kb) || !kb) {
			lx_buf_text(b, line); /* HugePages_* counts, or a line we do not know */
			lx_buf_putc(b, '\n');
			continue;
		}
		mk = mi_lookup(key);
		rule = mk ? mk->rule : MI_CLAMP;
		if (rule == MI_ZONE && m.mem_capped)
			val = mem_field(&m, mk->off);
		else if (rule == MI_SWAP && m.swap_capped)
			val = mem_field(&m, mk->off);
		else if (rule == MI_CLAMP && m.mem_capped)
			val = min_u64(val, m.total);
		else if (rule == MI_COMMIT && m.mem_capped)
			val = min_u64(val, m.total + m.swap_total);
		else if (rule == MI_MLOCK && m.mem_capped)
			val = min_u64(val, m.unevictable);
		else if (rule == MI_ZSWAP && m.mem_capped)
			val = min_u64(val, m.swap_total - m.swap_free);
		else {
			lx_buf_text(b, line);
			lx_buf_putc(b, '\n');
			continue;
		}
		put_kb_line(b, key, val);
	}
	return b->trunc ? LXPROC_ETRUNC : LXPROC_OK;
}

static const char swaps_header[] = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n";

int lxproc_swaps(const struct lxproc_view *v, struct lx_buf *b)
{
	struct lxproc_mem m;
	uint64_t used;
	size_t start;
	int err;

	if ((err = lxproc_mem_view(v, &m)) < 0)
		return err;
	if (!m.swap_capped && v->host_swaps.p) {
		lx_buf_text(b, v->host_swaps);
		return b->trunc ? LXPROC_ETRUNC : LXPROC_OK;
	}
	lx_buf_puts(b, swaps_header);
	if (m.swap_total > 0) {
		/* One line for the zone's share, laid out as the kernel's swap_show() does. */
		used = m.swap_total - m.swap_free;
		start = b->len;
		lx_buf_puts(b, "none");
		lx_buf_pad_to(b, start, 40, true);
		lx_buf_puts(b, "virtual\t");
		lx_buf_u64(b, m.swap_total, 0, ' ');
		lx_buf_puts(b, m.swap_total < 10000000 ? "\t\t" : "\t");
		lx_buf_u64(b, used, 0, ' ');
		lx_buf_puts(b, used < 10000000 ? "\t\t" : "\t");
		lx_buf_puts(b, "-2\n");
	}
	return b->trunc ? LXPROC_ETRUNC : LXPROC_OK;
}

int lxproc_sysinfo(const struct lxproc_view *v, struct lx_sysinfo *si)
{
	struct lxproc_mem m;
	uint64_t up_ns = v->now_ns > v->zone_boot_ns ? v->now_ns - v->zone_boot_ns : 0;
	unsigned char *p = (unsigned char *)si;
	int err;

	for (size_t i = 0; i < sizeof(*si); i++)
		p[i] = 0;
	if ((err = lxproc_mem_view(v, &m)) < 0)
		return err;
	/* The kernel rounds a partial second up. */
	si->uptime = (int64_t)(up_ns / 1000000000u + (up_ns % 1000000000u != 0));
	for (unsigned i = 0; i < 3; i++)
		si->loads[i] = v->load.avenrun[i] << (LX_SI_LOAD_SHIFT - LX_FSHIFT);
	si->totalram = m.total * 1024;
	si->freeram = m.free * 1024;
	si->sharedram = m.shmem * 1024;
	si->bufferram = m.buffers * 1024;
	si->totalswap = m.swap_total * 1024;
	si->freeswap = m.swap_free * 1024;
	uint32_t running, threads;

	lxproc_tasks(v, &running, &threads);
	si->procs = threads > 0xffff ? 0xffff : (uint16_t)threads;
	si->mem_unit = 1;
	return LXPROC_OK;
}
