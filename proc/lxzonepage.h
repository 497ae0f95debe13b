/*
 * The zone page: what the brand cannot read itself, published for it.
 *
 * Inside a zone the guest sees neither the host's cgroup files nor the zone's boot time, and
 * there is no daemon in the zone.  The zone's supervisor (outside the zone: lxzone's per-zone
 * supervisor, or lxrun's waiting parent for a zone-less run with --memory/--cpus) samples the
 * zone's cgroup once a second (see lxproc_cpu.c for how /proc/stat's columns stay monotonic
 * between samples) and its task states every LX_LOAD_FREQ_SEC for the load
 * average, and writes them into one page-aligned file that every brand process maps
 * read-only (MAP_SHARED) the first time it needs a /proc or /sys answer.  Its path travels in
 * the brand hand-over (kernel-shim/brand_abi.h); an empty path means "no zone caps: show the
 * host", and then the brand traps none of lxproc's calls.
 *
 * Consistency: a sequence lock.  The writer makes `seq` odd, writes, makes it even (with
 * release ordering); a reader copies the page and retries while seq was odd or changed.
 * Everything here is fixed-size, little-endian, no pointers: both worlds include it.
 */
#ifndef LXZONE_LXZONEPAGE_H
#define LXZONE_LXZONEPAGE_H

#include <stdint.h>

#include "netlink/lx_netlink.h"
#include "proc/lxcgroup.h"
#include "proc/lxproc.h"

#define LXZP_MAGIC    0x70677a6cU /* "lzgp" */
#define LXZP_VERSION  8		  /* 5: disks; 6: the shared-IP view; 7: host_mem; 8: io */
#define LXZP_MAXCPU   256	  /* host CPUs with per-CPU accounting */
#define LXZP_MAXDISK  64	  /* block devices given to the zone (MOUNTD_MAX_DEVS) */
#define LXZP_DISKNAME 32	  /* a kernel block device name and its NUL */
#define LXZP_MAXIO    16	  /* disks with the zone's I/O (the page stays 4 pages) */

/* flags: the kernel serves lxproc's files (zone/lxprocfs.h); its sched_getaffinity is the
 * zone's answer (lx_filter_opts.affinity_native).  `lxzone exec` builds its filter from them. */
#define LXZP_F_KERNEL_FILES    1u
#define LXZP_F_AFFINITY_NATIVE 2u
/* net=shared: the zone's processes carry the netlink view's filter (netlink/nlfilter.h) and
 * see the net_* fields below */
#define LXZP_F_NET_SHARED 4u

struct lxzone_page {
	uint32_t magic;
	uint32_t version;
	uint32_t seq;	/* sequence lock, see above */
	uint32_t ready; /* 1 once the first sample is in */

	/* memory, bytes; LX_NOCAP where there is no cap */
	uint64_t mem_limit, mem_usage, swap_limit, swap_usage;
	struct lx_memstat mstat;

	/* CPUs */
	struct lx_cpuset cpuset; /* host CPU ids; empty = the host's */
	uint64_t cpu_quota_us;	 /* LX_NOCAP = none */
	uint64_t cpu_period_us;
	/*
	 * CPU time, USER_HZ ticks by host CPU id, as lxproc_cpu_publish made it fit for
	 * /proc/stat (monotonic, per zone CPU never ahead of the elapsed time): cpu_src is
	 * PERCPU (v2's one total comes spread over the zone's CPUs) or HOST (no accounting).
	 * The previous sample's times and time ride along, for readers to interpolate.
	 */
	uint32_t cpu_src; /* enum lxproc_cpusrc */
	uint32_t cpu_npercpu;
	struct lx_cputime cpu_percpu[LXZP_MAXCPU];
	struct lx_cputime cpu_total; /* the sum of cpu_percpu */
	uint64_t cpu_prev_ns; /* CLOCK_BOOTTIME of the previous sample (= sampled_ns: none) */
	struct lx_cputime cpu_prev_percpu[LXZP_MAXCPU];
	struct lx_cputime cpu_prev_total;

	/* time: the host's CLOCK_BOOTTIME nanoseconds when the zone booted (0 = the host's
	 * uptime), and CLOCK_REALTIME then (btime; 0 = unknown), taken once so btime never moves */
	uint64_t zone_boot_ns;
	uint64_t zone_boot_real_ns;
	uint64_t sampled_ns; /* CLOCK_BOOTTIME of this sample */

	/* load and tasks of the zone */
	struct lx_loadavg load;
	uint32_t nr_running, nr_blocked, nr_threads, last_pid;
	uint64_t nr_forks;
	uint32_t host_pidns; /* 1: the zone's tasks are in the host's pid namespace */
	uint32_t flags;	     /* LXZP_F_*: how the supervisor booted the zone, for host tools
			      * and the brand (lx_zone_serves) */

	/*
	 * The zone's time namespace: its CLOCK_BOOTTIME is the host's minus timens_boot_ns (the
	 * namespace's boottime offset, negated), so a reader in it adds timens_boot_ns to its
	 * clock to compare with the host times above (lxzone_page_host_ns).  0: the zone's
	 * processes read the host's clock (zone-less lxrun, a kernel without time namespaces).
	 */
	uint64_t timens_boot_ns;

	/* The host kernel's names of the zone's block devices (`device`), which /proc/diskstats
	 * shows; NUL-terminated, ndisks of them. */
	uint32_t ndisks;
	uint32_t pad2;
	char disks[LXZP_MAXDISK][LXZP_DISKNAME];

	/* net=shared: what the zone's network view shows (netlink/lx_netlink.h): loopback and
	 * the host interface its addresses are on (net_ifname, index net_ifindex[1]), its
	 * addresses and lo's 127.0.0.1 */
	uint32_t net_nif;
	int32_t net_ifindex[LX_NL_MAXIF];
	uint32_t net_naddr;
	struct lx_nl_addr net_addr[LX_NL_MAXADDR];
	char net_ifname[16];
	/*
	 * The host's memory at this sample, kB from its /proc/meminfo (total 0: unknown): all
	 * that sysinfo needs of the host.  The brand's sysinfo takes it from here rather than
	 * reading /proc/meminfo, which in a zone whose files the kernel serves is the zone's own
	 * text behind a FUSE round trip (milliseconds on a loaded host, in every process's first
	 * sysinfo: glibc's qsort asks for _SC_PHYS_PAGES, so gcc, as and python3 each paid it).
	 */
	struct lxzone_host_mem {
		uint64_t total, free, available, buffers, shmem, swap_total, swap_free;
	} host_mem;
	/* The zone's I/O by device at this sample, from its blkio (v1) or io (cgroup2) cgroup, for
	 * /proc/diskstats: nio disks with a non-zero count, the first LXZP_MAXIO the files show. */
	uint32_t nio;
	uint32_t pad3;
	struct lx_diskio io[LXZP_MAXIO];
};

/* The host's CLOCK_BOOTTIME when a zone process reads reader_ns on its own CLOCK_BOOTTIME. */
static inline uint64_t lxzone_page_host_ns(const struct lxzone_page *p, uint64_t reader_ns)
{
	return reader_ns + p->timens_boot_ns;
}

/* The zone's disks copied out of a page, for lxproc_view.disks and .diskio. */
struct lxproc_disknames {
	char names[LXZP_MAXDISK][LXZP_DISKNAME];
	const char *ptr[LXZP_MAXDISK];
	struct lx_diskio io[LXZP_MAXIO];
};

/*
 * The page's fields but its per-CPU times, disks and network view (~1 KiB of its ~20): what
 * sysinfo needs, and what tells a valid page.  A process's first sysinfo (glibc's qsort asks
 * for _SC_PHYS_PAGES: gcc's cc1 and as, python3) used to copy the whole page twice, once to
 * see it valid and once to read it: nine fresh pages of the brand's memory (docs/performance.md).
 */
struct lxzone_page_summary {
	uint32_t magic, version, ready, flags;
	uint64_t mem_limit, mem_usage, swap_limit, swap_usage;
	struct lx_memstat mstat;
	uint64_t zone_boot_ns, zone_boot_real_ns, timens_boot_ns;
	struct lx_loadavg load;
	uint32_t nr_running, nr_blocked, nr_threads, last_pid;
	uint64_t nr_forks;
	uint32_t host_pidns;
	struct lxzone_host_mem host_mem;
};

static inline void lxzone_page_summarize(const struct lxzone_page *p, struct lxzone_page_summary *s)
{
	s->magic = p->magic;
	s->version = p->version;
	s->ready = p->ready;
	s->flags = p->flags;
	s->mem_limit = p->mem_limit;
	s->mem_usage = p->mem_usage;
	s->swap_limit = p->swap_limit;
	s->swap_usage = p->swap_usage;
	s->mstat = p->mstat;
	s->zone_boot_ns = p->zone_boot_ns;
	s->zone_boot_real_ns = p->zone_boot_real_ns;
	s->timens_boot_ns = p->timens_boot_ns;
	s->load = p->load;
	s->nr_running = p->nr_running;
	s->nr_blocked = p->nr_blocked;
	s->nr_threads = p->nr_threads;
	s->last_pid = p->last_pid;
	s->nr_forks = p->nr_forks;
	s->host_pidns = p->host_pidns;
	s->host_mem = p->host_mem;
}

/*
 * The summary's fields into v (after lxproc_view_init): caps, boot times, load and tasks.
 * now_ns is the host's CLOCK_BOOTTIME, the page's clock.
 */
void lxproc_view_from_summary(struct lxproc_view *v, const struct lxzone_page_summary *s,
			      uint64_t now_ns);

/*
 * The page's fields into v (after lxproc_view_init): caps, CPU accounting and its samples,
 * boot times, load and tasks, and, when dn is given, the disks and the zone's I/O on them
 * (copied into dn).  now_ns is
 * the host's CLOCK_BOOTTIME, the page's clock.  Used by every reader of the page, the brand
 * (emul/zoneview.c) and the file server (zone/lxprocfs.c), so both show the same view.
 */
void lxproc_view_from_page(struct lxproc_view *v, const struct lxzone_page *p, uint64_t now_ns,
			   struct lxproc_disknames *dn);

/*
 * A host file's text t (input: one LXPROC_IN_HOST_* bit) into v; for /proc/stat also the
 * host's boot time.  Both readers (the brand and the file server) read the host's files their
 * own way and hand them over here.
 */
void lxproc_view_set_host(struct lxproc_view *v, uint32_t input, struct lx_text t);

/*
 * The reader's pid namespace's last pid, read live (0: unknown): raises last_pid to it and,
 * in a zone of its own pid namespace, nr_forks (pids are handed out in order).
 */
void lxproc_view_live_pid(struct lxproc_view *v, uint32_t live);

/*
 * A page's host_mem (m) as the lines of a /proc/meminfo text ("MemTotal:  N kB"...) into buf,
 * for lxproc_view_set_host(LXPROC_IN_HOST_MEMINFO): the generators read the host's memory
 * only through that text.  Returns the length, 0 when the page has no host memory.
 */
size_t lxproc_page_host_meminfo(const struct lxzone_host_mem *m, char *buf, size_t cap);

/* The reader's side of the sequence lock: copy(p, out) until no writer moved seq meanwhile.
 * 0, or -1 when a writer held it through every try. */
static inline int lxzone_page_seq_read(const volatile struct lxzone_page *p,
				       void (*copy)(const struct lxzone_page *, void *), void *out)
{
	for (int tries = 0; tries < 1000; tries++) {
		uint32_t s1 = __atomic_load_n(&p->seq, __ATOMIC_ACQUIRE);
		if (s1 & 1)
			continue;
		copy((const struct lxzone_page *)p, out);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&p->seq, __ATOMIC_RELAXED) == s1)
			return 0;
	}
	return -1;
}

static inline int lxzone_page_valid(uint32_t magic, uint32_t version, uint32_t ready)
{
	return magic == LXZP_MAGIC && version == LXZP_VERSION && ready ? 0 : -1;
}

static inline void lxzone_page_copy(const struct lxzone_page *p, void *out)
{
	__builtin_memcpy(out, (const void *)p, sizeof(*p));
}

static inline void lxzone_page_copy_summary(const struct lxzone_page *p, void *out)
{
	lxzone_page_summarize(p, (struct lxzone_page_summary *)out);
}

/* Copies a consistent snapshot; 0, or -1 when the page is not (yet) valid. */
static inline int lxzone_page_read(const volatile struct lxzone_page *p, struct lxzone_page *out)
{
	if (lxzone_page_seq_read(p, lxzone_page_copy, out) < 0)
		return -1;
	return lxzone_page_valid(out->magic, out->version, out->ready);
}

/* Copies a consistent summary; 0, or -1 when the page is not (yet) valid. */
static inline int lxzone_page_read_summary(const volatile struct lxzone_page *p,
					   struct lxzone_page_summary *out)
{
	if (lxzone_page_seq_read(p, lxzone_page_copy_summary, out) < 0)
		return -1;
	return lxzone_page_valid(out->magic, out->version, out->ready);
}

static inline void lxzone_page_write_begin(volatile struct lxzone_page *p)
{
	__atomic_store_n(&p->seq, p->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static inline void lxzone_page_write_end(volatile struct lxzone_page *p)
{
	__atomic_store_n(&p->seq, p->seq + 1, __ATOMIC_RELEASE);
}

#endif
