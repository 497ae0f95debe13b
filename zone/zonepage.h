/*
 * The zone page's writer (host side of proc/lxzonepage.h).
 *
 * A zone's supervisor (lxzone's per-zone supervisor, or lxrun's waiting parent for a run with
 * --memory/--cpus) creates the page file, samples the zone's cgroup into it once before the
 * zone's first process starts and then once a second, and removes it when the zone ends.
 * Every brand process of the zone maps the file read-only and reads it under the sequence
 * lock; nothing here ever blocks a reader for longer than one memcpy of the page.
 *
 * What one sample holds:
 *   - memory: limit, usage, swap limit and usage, memory.stat (v1 or v2 through the parsers
 *     of proc/lxcgroup.h; a missing file is "no cap", never an invented value);
 *   - CPUs: the effective cpuset, the CFS quota, and the CPU time: v1 cpuacct.usage_all
 *     (user/system per host CPU), else cpuacct.usage_percpu (all user), else v2 cpu.stat
 *     (one aggregate); without any, the host's lines are shown (LXPROC_CPU_HOST);
 *   - every LX_LOAD_FREQ_SEC: the zone's tasks (the tids of the cgroup and its descendants,
 *     state R and D from /proc/<tid>/stat) feeding the kernel's load-average recurrence, and
 *     nr_running, nr_blocked, nr_threads, last_pid.
 *
 * last_pid and nr_forks.  In a zone with its own pid namespace the highest pid any zone task
 * has there (the second field of NSpid: the pid one namespace below the supervisor's) stands
 * for the namespace's last pid: the kernel's ns_last_pid answers for the reader's namespace
 * only, so the host cannot ask for the zone's (the brand, inside, reads it live; see
 * emul/zoneview.c).  Tasks of the cgroup that have no pid in the zone's namespace (a host-side
 * `lxzone exec` that joined the cgroup before entering the zone) are not the zone's: they are
 * counted nowhere.
 * A fresh pid namespace hands out pids in order, so that number is also the forks the zone
 * has made (until pid_max wraps), which is what nr_forks reports.  A zone that shares the
 * host's pid namespace gets the host's ns_last_pid and nr_forks 0 with host_pidns set (no
 * cheap per-cgroup fork counter exists): readers show the host's "processes" line.
 *
 * Deliberately not here: pids limits (the page has no field for them), and anything the
 * brand can read itself from the host's /proc.
 */
#ifndef LXZONE_ZONE_ZONEPAGE_H
#define LXZONE_ZONE_ZONEPAGE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proc/lxzonepage.h"
#include "zone/cgroup.h"
#include "lib/error.h"

/* The page of a booted zone: ZONEPATH/zone-page. */
#define LXZONE_PAGE_FILE "zone-page"

struct lxzone_page_writer {
	volatile struct lxzone_page *page; /* the shared mapping, NULL when closed */
	size_t len;			   /* mapped (and file) size: whole pages */
	char path[PATH_MAX];
	const char *proc;      /* "/proc" (tests: a fixture tree) */
	bool host_pidns;       /* the zone's tasks live in the host's pid namespace */
	uint64_t next_load_ns; /* CLOCK_BOOTTIME of the next load sample; 0: none yet */
};

/* CLOCK_BOOTTIME in nanoseconds (the clock of zone_boot_ns and sampled_ns). */
uint64_t lxzone_boottime_ns(void);

/*
 * Create the page file at path (mode 0644, replacing a stale one), map it and fill magic,
 * version and zone_boot_ns; ready stays 0 until the first sample.  w->proc = "/proc" and
 * w->host_pidns = false; set them after this call if needed.
 */
int lxzone_page_create(struct lxzone_page_writer *w, const char *path, uint64_t zone_boot_ns,
		       struct zone_error *err);

/*
 * The zone's processes run in a time namespace whose CLOCK_BOOTTIME counts from the host's
 * boot_ns (its boottime offset is -boot_ns): published as timens_boot_ns, so the brand turns
 * its readers' clock back into the host's one the page is written in.
 */
void lxzone_page_set_timens(struct lxzone_page_writer *w, uint64_t boot_ns);

/* The page's flags (LXZP_F_*). */
void lxzone_page_set_flags(struct lxzone_page_writer *w, uint32_t flags);

/* The flags of the page file at path (a running zone's), 0 when it cannot be read. */
uint32_t lxzone_page_flags(const char *path);

/* The zone's block devices, by the host's dev_t: their kernel names (from sysfs_dev, e.g.
 * "/sys/dev/block") are published for /proc/diskstats.  Devices without a name there and
 * any beyond LXZP_MAXDISK are left out. */
void lxzone_page_set_disks(struct lxzone_page_writer *w, const char *sysfs_dev,
			   const unsigned long *devs, size_t n);

/* net=shared: the zone's view of the network (proc/lxzonepage.h's net_* fields): lo, the host
 * interface ifname its addresses are on, its addresses (n4 IPv4 in network order, n6 IPv6)
 * and lo's 127.0.0.1.  -1 with err when ifname does not exist. */
int lxzone_page_set_net(struct lxzone_page_writer *w, const char *ifname, const uint32_t *v4,
			size_t n4, const uint8_t (*v6)[16], size_t n6, struct zone_error *err);

/* One sample of cg at now_ns (CLOCK_BOOTTIME), published under the sequence lock. */
int lxzone_page_sample_at(struct lxzone_page_writer *w, const struct zone_cgroup *cg,
			  uint64_t now_ns, struct zone_error *err);
/* The same at the current time. */
int lxzone_page_sample(struct lxzone_page_writer *w, const struct zone_cgroup *cg,
		       struct zone_error *err);

/* Unmap, and remove the file when unlink_file. Safe on a closed or zeroed writer. */
void lxzone_page_close(struct lxzone_page_writer *w, bool unlink_file);

/* ---- The pieces of a sample, tested on their own. ---- */

/* Memory and CPU fields of p from the cgroup's files (v1 / hybrid: per controller; v2). */
int lxzone_page_read_cgroup(const struct zone_cgroup *cg, struct lxzone_page *p,
			    struct zone_error *err);

struct lxzone_tasks {
	uint32_t running, blocked, threads;
	uint32_t max_nspid; /* highest pid in the zone's pid namespace of any task */
};

/* Count the tasks of cg (and its descendants) by state, reading <proc>/<tid>/stat; with
 * want_nspid (the zone has its own pid namespace) only those with a pid in it. */
int lxzone_page_count_tasks(const struct zone_cgroup *cg, const char *proc, bool want_nspid,
			    struct lxzone_tasks *t);

#endif
