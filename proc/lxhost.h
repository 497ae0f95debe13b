/*
 * Parsers for the host's own /proc files, which lxproc filters or passes through:
 * /proc/meminfo, /proc/stat, /proc/cpuinfo, /proc/uptime.  Pure and freestanding.
 */
#ifndef LXZONE_LXHOST_H
#define LXZONE_LXHOST_H

#include "proc/lxbuf.h"
#include "proc/lxcgroup.h"

/* The columns of a /proc/stat cpu line, in USER_HZ ticks, in the kernel's order. */
enum {
	LX_STAT_USER,
	LX_STAT_NICE,
	LX_STAT_SYSTEM,
	LX_STAT_IDLE,
	LX_STAT_IOWAIT,
	LX_STAT_IRQ,
	LX_STAT_SOFTIRQ,
	LX_STAT_STEAL,
	LX_STAT_GUEST,
	LX_STAT_GUEST_NICE,
	LX_STAT_NCOLS,
};

struct lx_statcpu {
	uint64_t col[LX_STAT_NCOLS];
};

/* /proc/meminfo: the value of "Key:" in kB (or a bare count for HugePages_*). */
bool lx_host_meminfo_get(struct lx_text meminfo, const char *key, uint64_t *v);
/*
 * Split one meminfo line into key (without ':'), value and whether it ends in " kB".
 * False for a line that is not "Key: <number>[ kB]".
 */
bool lx_meminfo_line(struct lx_text line, struct lx_text *key, uint64_t *v, bool *kb);

/* /proc/stat: the "cpuN" line of host CPU `cpu` (columns a kernel does not print are 0). */
bool lx_host_stat_cpu(struct lx_text stat, unsigned cpu, struct lx_statcpu *out);
/* /proc/stat: the aggregate "cpu " line. */
bool lx_host_stat_total(struct lx_text stat, struct lx_statcpu *out);
/* /proc/stat: the CPUs that have a "cpuN" line. */
bool lx_host_stat_cpus(struct lx_text stat, struct lx_cpuset *cpus);
/* /proc/stat: "key value" lines such as btime, processes. */
bool lx_host_stat_get(struct lx_text stat, const char *key, uint64_t *v);

/* /proc/cpuinfo: the block of "processor : <cpu>", up to (not including) its blank line. */
bool lx_host_cpuinfo_block(struct lx_text cpuinfo, unsigned cpu, struct lx_text *block);
/* The "key : value" line's key (trimmed) and value (after ": "). */
bool lx_cpuinfo_line(struct lx_text line, struct lx_text *key, struct lx_text *value);

/* /proc/uptime: "642.15 1233.60" -> centiseconds. */
bool lx_host_uptime(struct lx_text uptime, uint64_t *up_cs, uint64_t *idle_cs);
/* "12.34" (at most two decimals) -> 1234; advances *t. */
bool lx_text_centi(struct lx_text *t, uint64_t *cs);

#endif
