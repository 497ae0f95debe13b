/*
 * lxproc: the zone's /proc and /sys, as pure functions of one view.
 *
 * The brand fills a `struct lxproc_view` (from the zone's cgroup files, the zone supervisor's
 * shared state and the host's own /proc text), looks a path up in lxproc_files[] and calls
 * its generator into an lx_buf.  Every file, sysinfo() and the affinity mask are computed from
 * the same view through the same helpers (lxproc_zone_cpus, lxproc_cpu_times, lxproc_mem_view,
 * lxproc_uptime_cs), which is what makes the views agree.  See lxproc_table.c for the theory.
 *
 * Freestanding: no libc, no floating point, no allocation.
 */
#ifndef LXZONE_LXPROC_H
#define LXZONE_LXPROC_H

#include "proc/lxbuf.h"
#include "proc/lxcgroup.h"
#include "proc/lxhost.h"

#define LXPROC_USER_HZ 100 /* /proc/stat and /proc/uptime units */

/* Results of generators and helpers. */
#define LXPROC_OK     0
#define LXPROC_EINPUT (-22) /* -EINVAL: the view lacks an input this file needs */
#define LXPROC_ETRUNC (-75) /* -EOVERFLOW: the buffer was too small; retry with a larger one */

/* Where the zone's CPU time comes from. */
enum lxproc_cpusrc {
	LXPROC_CPU_HOST =
	    0,		   /* no accounting for the zone: the host's /proc/stat lines of its CPUs */
	LXPROC_CPU_PERCPU, /* per host CPU (v1 cpuacct.usage_all / usage_percpu) */
	LXPROC_CPU_TOTAL,  /* one aggregate (v2 cpu.stat), spread evenly over the zone's CPUs */
};

/* Load averages in the kernel's fixed point: FSHIFT bits of fraction. */
#define LX_FSHIFT	 11
#define LX_FIXED_1	 (1u << LX_FSHIFT)
#define LX_EXP_1	 1884 /* 1/exp(5s/1min) in fixed point */
#define LX_EXP_5	 2014 /* 1/exp(5s/5min) */
#define LX_EXP_15	 2037 /* 1/exp(5s/15min) */
#define LX_LOAD_FREQ_SEC 5    /* the supervisor samples every 5 s */

struct lx_loadavg {
	uint64_t avenrun[3]; /* 1, 5, 15 minutes, LX_FSHIFT fixed point */
};

struct lxproc_view {
	/* The zone's kernel-version ("5.15.0"); NULL or "" means the host's. */
	const char *kver;
	/* The host's uname release, used when kver is empty. */
	const char *host_release;

	/* Memory, bytes.  LX_NOCAP where the zone has no cap (then the host's values show). */
	uint64_t mem_limit;
	uint64_t mem_usage;  /* v1 memory.usage_in_bytes, v2 memory.current */
	uint64_t swap_limit; /* swap alone (v1: memsw - mem, see lx_cg_v1_swap_limit) */
	uint64_t swap_usage; /* swap alone */
	struct lx_memstat mstat;

	/* CPUs: host CPU ids of the zone (cpuset.effective_cpus); empty = the host's CPUs. */
	struct lx_cpuset cpuset;
	uint64_t cpu_quota_us; /* LX_NOCAP = no quota */
	uint64_t cpu_period_us;
	enum lxproc_cpusrc cpu_src;
	const struct lx_cputime *cpu_percpu; /* LXPROC_CPU_PERCPU: indexed by host CPU id */
	uint32_t cpu_npercpu;
	struct lx_cputime cpu_total; /* LXPROC_CPU_TOTAL */
	/*
	 * Sampled CPU times (the zone page, see lxproc_cpu.c): cpu_percpu / cpu_total were
	 * taken at cpu_sample_ns and cpu_prev_percpu / cpu_prev_total at cpu_prev_ns, the
	 * sample before (the same time when there is only one).  cpu_sample_ns 0: the times are
	 * current, taken at now_ns.
	 */
	uint64_t cpu_sample_ns;
	uint64_t cpu_prev_ns;
	const struct lx_cputime *cpu_prev_percpu;
	struct lx_cputime cpu_prev_total;

	/* Time.  Nanoseconds on the host's CLOCK_BOOTTIME; host_btime in seconds since 1970. */
	uint64_t now_ns;
	uint64_t zone_boot_ns; /* 0 = the zone is the host (uptime is the host's) */
	uint64_t host_btime;
	/* CLOCK_REALTIME nanoseconds when the zone booted (btime); 0: host_btime + zone_boot_ns */
	uint64_t zone_boot_real_ns;

	/* Load and tasks of the zone. */
	struct lx_loadavg load;
	uint32_t nr_running; /* runnable tasks */
	uint32_t nr_blocked; /* uninterruptible (procs_blocked) */
	uint32_t nr_threads; /* all tasks */
	uint32_t last_pid;   /* in the zone's pid namespace */
	uint64_t nr_forks;   /* "processes" of /proc/stat */
	bool host_pidns;     /* the zone's tasks are in the host's pid namespace: no nr_forks */

	/* Host text, as read from the host's files (not NUL-terminated). */
	struct lx_text host_meminfo;
	struct lx_text host_stat;
	struct lx_text host_cpuinfo;
	struct lx_text host_swaps;
	struct lx_text host_diskstats;
	struct lx_text host_version;

	/* Block devices given to the zone (names such as "vda"): /proc/diskstats shows the
	 * host's lines of them. */
	const char *const *disks;
	uint32_t ndisks;
	/* The zone's own I/O by device (its blkio or io cgroup): /proc/diskstats shows a line of
	 * the zone's counts for each other host disk it did I/O on, as lxcfs does. */
	const struct lx_diskio *diskio;
	uint32_t ndiskio;
};

/* Every cap LX_NOCAP, everything else zero/empty: a view with no zone limits at all. */
void lxproc_view_init(struct lxproc_view *v);

/* Inputs a generator reads, so the brand fetches only those. */
enum {
	LXPROC_IN_MEM = 1u << 0,     /* mem_*, swap_*, mstat (cgroup memory files) */
	LXPROC_IN_CPUS = 1u << 1,    /* cpuset, cpu quota */
	LXPROC_IN_CPUTIME = 1u << 2, /* cpu_src and its usage */
	LXPROC_IN_TIME = 1u << 3,    /* now_ns, zone_boot_ns, zone_boot_real_ns, host_btime */
	LXPROC_IN_LOAD = 1u << 4,    /* load */
	LXPROC_IN_TASKS = 1u << 5,   /* nr_*, last_pid, host_pidns */
	LXPROC_IN_KVER = 1u << 6,    /* kver, host_release */
	LXPROC_IN_HOST_MEMINFO = 1u << 7,
	LXPROC_IN_HOST_STAT = 1u << 8,
	LXPROC_IN_HOST_CPUINFO = 1u << 9,
	LXPROC_IN_HOST_SWAPS = 1u << 10,
	LXPROC_IN_HOST_DISKSTATS = 1u << 11,
	LXPROC_IN_HOST_VERSION = 1u << 12,
	LXPROC_IN_DISKS = 1u << 13, /* disks, diskio */
	/* last_pid and nr_forks as of now: the brand reads the reader's ns_last_pid */
	LXPROC_IN_LASTPID = 1u << 14,
};

typedef int (*lxproc_gen_fn)(const struct lxproc_view *v, struct lx_buf *b);

struct lxproc_file {
	const char *path;
	lxproc_gen_fn gen;
	uint32_t inputs; /* LXPROC_IN_* */
};

extern const struct lxproc_file lxproc_files[];
extern const uint32_t lxproc_nfiles;

/* The table row for an absolute path (not NUL-terminated), or NULL. */
const struct lxproc_file *lxproc_lookup(const char *path, size_t len);

/* Generators (one per file; see lxproc_table.c). */
int lxproc_meminfo(const struct lxproc_view *v, struct lx_buf *b);
int lxproc_swaps(const struct lxproc_view *v, struct lx_buf *b);
int lxproc_cpuinfo(const struct lxproc_view *v, struct lx_buf *b);
int lxproc_stat(const struct lxproc_view *v, struct lx_buf *b);
int lxproc_uptime(const struct lxproc_view *v, struct lx_buf *b);
int lxproc_loadavg(const struct lxproc_view *v, struct lx_buf *b);
int lxproc_diskstats(const struct lxproc_view *v, struct lx_buf *b);
int lxproc_version(const struct lxproc_view *v, struct lx_buf *b);
int lxproc_osrelease(const struct lxproc_view *v, struct lx_buf *b);
int lxproc_ostype(const struct lxproc_view *v, struct lx_buf *b);
int lxproc_cpu_online(const struct lxproc_view *v, struct lx_buf *b);

/* ---- Shared derivations: every view goes through these. ---- */

/* The zone's CPUs: zone CPU k runs on host CPU host[k]; renumbered from 0. */
struct lxproc_cpus {
	uint32_t n;
	uint16_t host[LX_CPUSET_MAX];
	/* Host CPUs of the cpuset beyond n (the quota allows fewer) fold onto k = index % n. */
	uint32_t nset;
	uint16_t set[LX_CPUSET_MAX];
};

/* Effective CPU count = min(|cpuset|, ceil(quota / period)), at least 1. */
int lxproc_zone_cpus(const struct lxproc_view *v, struct lxproc_cpus *c);
/* /proc/stat columns of zone CPU k. */
int lxproc_cpu_times(const struct lxproc_view *v, const struct lxproc_cpus *c, uint32_t k,
		     struct lx_statcpu *out);
/* cpu columns /proc/stat prints for a kernel-version: 4 .. 10. */
unsigned lxproc_stat_ncols(const char *kver);

/* Ticks (USER_HZ) of the zone's uptime at CLOCK_BOOTTIME t_ns. */
uint64_t lxproc_ticks_at(const struct lxproc_view *v, uint64_t t_ns);

/*
 * The CPU times one sample publishes (the zone page's writer; see lxproc_cpu.c): from the
 * raw counters of v (cpu_src PERCPU or TOTAL, cpuset and quota for the zone's CPUs), the
 * times published by the sample before (prev[0 .. nprev), zeros for the first sample) and
 * the ticks elapsed since it, fill out[0 .. nout), indexed by host CPU id.  Per zone CPU
 * the busy time grows by at most `ticks`, what is held back is carried to later samples,
 * and nothing ever goes down.  A TOTAL source comes out per CPU too (zone CPU k's share on
 * its host CPU), so readers use it as LXPROC_CPU_PERCPU.  LXPROC_EINPUT for a HOST source.
 */
int lxproc_cpu_publish(const struct lxproc_view *v, const struct lx_cputime *prev, uint32_t nprev,
		       uint64_t ticks, struct lx_cputime *out, uint32_t nout);

/* The zone's memory, in kB, as meminfo shows it and sysinfo() reports it. */
struct lxproc_mem {
	bool mem_capped;  /* false: the host's meminfo values */
	bool swap_capped; /* false: the host's swap values */
	uint64_t total, free, available, buffers, cached, swapcached, shmem;
	uint64_t active, inactive, active_anon, inactive_anon, active_file, inactive_file;
	uint64_t unevictable, dirty, writeback, anon, mapped, anon_thp;
	uint64_t slab, sreclaimable, sunreclaim;
	uint64_t swap_total, swap_free;
};

int lxproc_mem_view(const struct lxproc_view *v, struct lxproc_mem *m);

/*
 * The zone's runnable and total task counts as the reader sees them: the sampled ones, but
 * never fewer than the one task that is reading (Linux counts the reader, running).
 */
void lxproc_tasks(const struct lxproc_view *v, uint32_t *running, uint32_t *threads);

/* Zone uptime in centiseconds, and the zone's btime (seconds since 1970). */
uint64_t lxproc_uptime_cs(const struct lxproc_view *v);
uint64_t lxproc_btime(const struct lxproc_view *v);

/* Linux's struct sysinfo on x86_64 (112 bytes). */
struct lx_sysinfo {
	int64_t uptime;
	uint64_t loads[3]; /* fixed point, 16 bits of fraction */
	uint64_t totalram;
	uint64_t freeram;
	uint64_t sharedram;
	uint64_t bufferram;
	uint64_t totalswap;
	uint64_t freeswap;
	uint16_t procs;
	uint16_t pad;
	uint64_t totalhigh;
	uint64_t freehigh;
	uint32_t mem_unit;
};

#define LX_SI_LOAD_SHIFT 16

int lxproc_sysinfo(const struct lxproc_view *v, struct lx_sysinfo *si);

/*
 * sched_getaffinity(): the zone's CPUs as bits 0 .. n-1 into mask[0 .. len).  `host_mask`
 * (the task's real affinity over host CPU ids, may be NULL = all) narrows it.  Returns the
 * byte count the system call returns (the zone's cpumask size, a multiple of 8), or
 * LXPROC_EINPUT when len is smaller than that.
 */
int lxproc_affinity(const struct lxproc_view *v, const uint8_t *host_mask, size_t host_len,
		    uint8_t *mask, size_t len);

/* Compare kernel versions numerically ("2.6.33" < "2.6.33.1" < "5.15.0-91-generic"). */
int lx_kver_cmp(const char *a, const char *b);

/* The kernel's calc_load step, and one 5-second sample of `nr_active` tasks. */
uint64_t lx_calc_load(uint64_t load, uint64_t exp, uint64_t active);
void lx_loadavg_sample(struct lx_loadavg *la, uint32_t nr_active);

#endif
