/*
 * The zone page as an lxproc view: one copy of the page's fields into struct lxproc_view, used
 * by both readers of the page, the brand (emul/zoneview.c) and the supervisor's file server
 * (zone/lxprocfs.c), so the two cannot disagree on what a sample means.
 */
#include "proc/lxzonepage.h"
#include "proc/lxhost.h"

static void copy_name(char *dst, const char *src, size_t cap)
{
	size_t i = 0;

	/* terminated here: a torn or hostile page cannot overrun */
	for (; i + 1 < cap && src[i]; i++)
		dst[i] = src[i];
	dst[i] = '\0';
}

void lxproc_view_from_summary(struct lxproc_view *v, const struct lxzone_page_summary *s,
			      uint64_t now_ns)
{
	v->mem_limit = s->mem_limit;
	v->mem_usage = s->mem_usage;
	v->swap_limit = s->swap_limit;
	v->swap_usage = s->swap_usage;
	v->mstat = s->mstat;
	v->now_ns = now_ns;
	v->zone_boot_ns = s->zone_boot_ns;
	v->zone_boot_real_ns = s->zone_boot_real_ns;
	v->load = s->load;
	v->nr_running = s->nr_running;
	v->nr_blocked = s->nr_blocked;
	v->nr_threads = s->nr_threads;
	v->last_pid = s->last_pid;
	v->nr_forks = s->nr_forks;
	v->host_pidns = s->host_pidns != 0;
}

void lxproc_view_from_page(struct lxproc_view *v, const struct lxzone_page *p, uint64_t now_ns,
			   struct lxproc_disknames *dn)
{
	struct lxzone_page_summary s;

	lxzone_page_summarize(p, &s);
	lxproc_view_from_summary(v, &s, now_ns);
	v->cpuset = p->cpuset;
	v->cpu_quota_us = p->cpu_quota_us;
	v->cpu_period_us = p->cpu_period_us;
	v->cpu_src = (enum lxproc_cpusrc)p->cpu_src;
	v->cpu_percpu = p->cpu_percpu;
	v->cpu_npercpu = p->cpu_npercpu < LXZP_MAXCPU ? p->cpu_npercpu : LXZP_MAXCPU;
	v->cpu_total = p->cpu_total;
	if (p->cpu_src != LXPROC_CPU_HOST && p->sampled_ns) {
		/* sampled times: shown between the page's two samples (proc/lxproc_cpu.c) */
		v->cpu_sample_ns = p->sampled_ns;
		v->cpu_prev_ns = p->cpu_prev_ns;
		v->cpu_prev_percpu = p->cpu_prev_percpu;
		v->cpu_prev_total = p->cpu_prev_total;
	}
	if (dn) {
		uint32_t n = p->ndisks < LXZP_MAXDISK ? p->ndisks : LXZP_MAXDISK;

		for (uint32_t i = 0; i < n; i++) {
			copy_name(dn->names[i], p->disks[i], LXZP_DISKNAME);
			dn->ptr[i] = dn->names[i];
		}
		v->disks = dn->ptr;
		v->ndisks = n;
		n = p->nio < LXZP_MAXIO ? p->nio : LXZP_MAXIO;
		for (uint32_t i = 0; i < n; i++)
			dn->io[i] = p->io[i];
		v->diskio = dn->io;
		v->ndiskio = n;
	}
}

void lxproc_view_live_pid(struct lxproc_view *v, uint32_t live)
{
	if (!live)
		return;
	if (live > v->last_pid)
		v->last_pid = live;
	/* a fresh namespace hands pids out in order: the last one is the forks */
	if (!v->host_pidns && v->last_pid > v->nr_forks)
		v->nr_forks = v->last_pid;
}

void lxproc_view_set_host(struct lxproc_view *v, uint32_t input, struct lx_text t)
{
	switch (input) {
	case LXPROC_IN_HOST_MEMINFO:
		v->host_meminfo = t;
		break;
	case LXPROC_IN_HOST_STAT:
		v->host_stat = t;
		lx_host_stat_get(t, "btime", &v->host_btime);
		break;
	case LXPROC_IN_HOST_CPUINFO:
		v->host_cpuinfo = t;
		break;
	case LXPROC_IN_HOST_SWAPS:
		v->host_swaps = t;
		break;
	case LXPROC_IN_HOST_DISKSTATS:
		v->host_diskstats = t;
		break;
	case LXPROC_IN_HOST_VERSION:
		v->host_version = t;
		break;
	}
}

size_t lxproc_page_host_meminfo(const struct lxzone_host_mem *m, char *buf, size_t cap)
{
	static const struct {
		const char *key;
		size_t off;
	} rows[] = {
	    {"MemTotal:", offsetof(struct lxzone_host_mem, total)},
	    {"MemFree:", offsetof(struct lxzone_host_mem, free)},
	    {"MemAvailable:", offsetof(struct lxzone_host_mem, available)},
	    {"Buffers:", offsetof(struct lxzone_host_mem, buffers)},
	    {"Shmem:", offsetof(struct lxzone_host_mem, shmem)},
	    {"SwapTotal:", offsetof(struct lxzone_host_mem, swap_total)},
	    {"SwapFree:", offsetof(struct lxzone_host_mem, swap_free)},
	};
	struct lx_buf b;

	if (!m->total)
		return 0;
	lx_buf_init(&b, buf, cap);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t v;
		__builtin_memcpy(&v, (const char *)m + rows[i].off, sizeof(v));
		lx_buf_puts(&b, rows[i].key);
		lx_buf_putc(&b, ' ');
		lx_buf_u64(&b, v, 0, ' ');
		lx_buf_puts(&b, " kB\n");
	}
	return lx_buf_truncated(&b) ? 0 : b.len;
}
