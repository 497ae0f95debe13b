/*
 * Parsers for the cgroup files lxproc reads (v1 and v2), pure and freestanding.
 *
 * Each takes the text of one file and fills a value; each returns true when the text had the
 * expected shape.  "No cap" is LX_NOCAP: v2 spells it "max", v1 spells it as a huge number
 * (PAGE_COUNTER_MAX pages, 9223372036854771712 on x86_64) or -1 (cpu.cfs_quota_us).  The
 * callers never invent a value for "no cap": they show the host's.
 */
#ifndef LXZONE_LXCGROUP_H
#define LXZONE_LXCGROUP_H

#include "proc/lxbuf.h"

#define LX_NOCAP UINT64_MAX

/* v1 limits at or above this are "no cap" (page counter max, rounded down to any page size). */
#define LX_CG_V1_NOCAP_MIN (UINT64_C(1) << 62)

#define LX_CPUSET_MAX	1024 /* CPUs a cpuset can name; beyond that a list is refused */
#define LX_CPUSET_WORDS (LX_CPUSET_MAX / 64)

struct lx_cpuset {
	uint64_t bits[LX_CPUSET_WORDS];
};

/* Memory counters common to v1 memory.stat and v2 memory.stat, in bytes. */
struct lx_memstat {
	uint64_t anon;	      /* v1 total_rss (+ total_rss_huge when not included), v2 anon */
	uint64_t file;	      /* page cache incl. shmem: v1 total_cache, v2 file */
	uint64_t shmem;	      /* v1 total_shmem, v2 shmem */
	uint64_t mapped_file; /* v1 total_mapped_file, v2 file_mapped */
	uint64_t dirty;	      /* v1 total_dirty, v2 file_dirty */
	uint64_t writeback;   /* v1 total_writeback, v2 file_writeback */
	uint64_t swapcached;  /* v1 total_swapcached, v2 swapcached */
	uint64_t active_anon; /* LRU lists, both versions */
	uint64_t inactive_anon;
	uint64_t active_file;
	uint64_t inactive_file;
	uint64_t unevictable;
	uint64_t slab_reclaimable;   /* v2 only */
	uint64_t slab_unreclaimable; /* v2 only */
	uint64_t kernel_stack;	     /* v2 only */
	uint64_t pagetables;	     /* v2 only */
	uint64_t anon_thp;	     /* v1 total_rss_huge, v2 anon_thp */
};

/* CPU time in USER_HZ (100 Hz) ticks, the unit of /proc/stat. */
struct lx_cputime {
	uint64_t user;
	uint64_t nice;
	uint64_t system;
};

/*
 * A block device's I/O done by the zone's cgroup, as /proc/diskstats shows a disk: requests
 * and bytes read, written and discarded (v1 blkio.throttle.io_serviced_recursive and
 * io_service_bytes_recursive; v2 io.stat's rios/rbytes, wios/wbytes, dios/dbytes).
 */
struct lx_diskio {
	uint32_t major, minor;
	uint64_t rd_ios, rd_bytes, wr_ios, wr_bytes, dc_ios, dc_bytes;
};

/* A memory or pids limit: a decimal, or "max" (v2), or a huge v1 value -> LX_NOCAP. */
bool lx_cg_parse_limit(struct lx_text t, uint64_t *limit);
/* A plain counter: memory.usage_in_bytes, memory.current, pids.current, memory.swap.current. */
bool lx_cg_parse_u64(struct lx_text t, uint64_t *v);
/*
 * v1 swap cap from memory.memsw.limit_in_bytes (memory + swap) and memory.limit_in_bytes:
 * the swap alone is their difference; LX_NOCAP if memsw has no cap.
 */
uint64_t lx_cg_v1_swap_limit(uint64_t memsw_limit, uint64_t mem_limit);

/* v1 memory.stat (hierarchical total_* keys win over the local ones). */
bool lx_cg_v1_memstat(struct lx_text t, struct lx_memstat *ms);
/* v2 memory.stat. */
bool lx_cg_v2_memstat(struct lx_text t, struct lx_memstat *ms);

/* cpuset list syntax "0-3,5,8-9\n"; an empty file is an empty set. */
bool lx_cpuset_parse(struct lx_text t, struct lx_cpuset *set);
void lx_cpuset_clear(struct lx_cpuset *set);
void lx_cpuset_add(struct lx_cpuset *set, unsigned cpu);
bool lx_cpuset_has(const struct lx_cpuset *set, unsigned cpu);
unsigned lx_cpuset_count(const struct lx_cpuset *set);
/* Print in the kernel's list syntax ("0-3,5"), no newline. */
void lx_cpuset_print(struct lx_buf *b, const struct lx_cpuset *set);

/* v1 cpu.cfs_quota_us ("-1" = no cap) and cpu.cfs_period_us. */
bool lx_cg_v1_cpu_quota(struct lx_text quota, struct lx_text period, uint64_t *quota_us,
			uint64_t *period_us);
/* v2 cpu.max: "max 100000" or "50000 100000". */
bool lx_cg_v2_cpu_max(struct lx_text t, uint64_t *quota_us, uint64_t *period_us);
/* CPUs a quota buys: ceil(quota / period), at least 1; UINT32_MAX when there is no cap. */
uint32_t lx_cpu_quota_cpus(uint64_t quota_us, uint64_t period_us);

/*
 * v1 cpuacct.usage_percpu: nanoseconds per host CPU.  Fills out[0 .. *n) with the whole
 * usage counted as `user` (the file does not split it); *n is in: capacity, out: CPUs read.
 */
bool lx_cg_v1_cpuacct_percpu(struct lx_text t, struct lx_cputime *out, uint32_t *n);
/* v1 cpuacct.usage_all: "cpu user system" then one line per CPU, in nanoseconds. */
bool lx_cg_v1_cpuacct_all(struct lx_text t, struct lx_cputime *out, uint32_t *n);
/* v2 cpu.stat: usage_usec, user_usec, system_usec, nice_usec -> one aggregate. */
bool lx_cg_v2_cpu_stat(struct lx_text t, struct lx_cputime *total);

/*
 * The zone's I/O by device into out[0 .. *n) (*n in: capacity, out: devices): each device with
 * a non-zero count, in the order the files first show one (the kernel lists every device the
 * cgroup has a group on, most at zero), those beyond the capacity left out.  v1: the two
 * blkio.throttle.*_recursive files' "MAJ:MIN Op N" lines (Read, Write, Discard; Sync, Async and
 * Total are sums of those); either text may be empty.  v2: io.stat's "MAJ:MIN key=N ..." lines.
 * False when a line has another shape.
 */
bool lx_cg_v1_blkio(struct lx_text serviced, struct lx_text bytes, struct lx_diskio *out,
		    uint32_t *n);
bool lx_cg_v2_iostat(struct lx_text t, struct lx_diskio *out, uint32_t *n);

/* Nanoseconds and microseconds to USER_HZ ticks. */
static inline uint64_t lx_ns_to_ticks(uint64_t ns)
{
	return ns / 10000000u;
}

static inline uint64_t lx_us_to_ticks(uint64_t us)
{
	return us / 10000u;
}

/* "key value" files: the value of `key`, false if absent. */
bool lx_kv_lookup(struct lx_text t, const char *key, uint64_t *v);

#endif
