/*
 * lxproc: /proc and /sys as a zone sees them.  The one table of synthesized files.
 *
 * THEORY
 *
 * Inside a container the host kernel answers /proc/meminfo, /proc/cpuinfo, /proc/stat,
 * /proc/uptime, /proc/loadavg, sysinfo() and sched_getaffinity() for the whole machine, so
 * `free`, `nproc`, `htop`, `uptime` and every runtime that sizes heaps and thread pools see
 * the host.  lxcfs fixes some files with FUSE and its users report that the files disagree
 * with each other and with sysinfo().  The brand traps the opens and the calls, so it can
 * answer all of them; this directory decides *what* they say.
 *
 * Everything here is a pure function of one `struct lxproc_view` (lxproc.h):
 *
 *   zone limits   the cgroup's memory cap and usage, swap cap and usage, memory.stat,
 *                 cpuset, CFS quota/period (parsed by lxcgroup.c, v1 and v2 alike);
 *   zone state    CPU usage (cpuacct / cpu.stat), boot time, a 1/5/15-minute load kept by
 *                 the zone supervisor (lx_loadavg_sample every 5 s), task counts, last pid,
 *                 the zone's kernel-version;
 *   host text     the host's meminfo, stat, cpuinfo, swaps, diskstats, version, read by the
 *                 brand and filtered here (lxhost.c parses it).
 *
 * Agreement by construction: each quantity is derived in exactly one helper and every view
 * calls it.  CPUs: lxproc_zone_cpus() (cpuset, cut to ceil(quota/period), renumbered from 0)
 * feeds cpuinfo, stat, cpu/online|possible|present, the affinity mask and so get_nprocs and
 * nproc.  Memory: lxproc_mem_view() feeds meminfo, swaps and sysinfo().  Time:
 * lxproc_uptime_cs() and lxproc_btime() feed uptime, stat's btime and sysinfo().uptime, and
 * lxproc_cpu_times() gives stat's cpu lines and uptime's idle column.
 *
 * Nothing is invented.  Where the zone has no cap (memory "max" or a cap >= host RAM, no
 * cpuset, no quota, no CPU accounting, zone_boot_ns == 0) the host's value is shown, and with
 * no caps at all the files are the host's text.
 *
 * Deliberately passed through: meminfo lines the cgroup does not account (kernel slab,
 * page tables, huge pages, DirectMap) keep the host's format and order with values clamped
 * to the zone's MemTotal; Vmalloc* and Committed_AS are address-space sizes and pass
 * unchanged.  cpuinfo blocks are the host CPUs' own (model, flags, MHz), with processor
 * renumbered and siblings/cpu cores at most the zone's CPU count.  /proc/stat's intr, ctxt and
 * softirq are the host's (the kernel does not count them per cgroup).  /proc/version keeps the
 * host kernel's build string with the zone's release.  /proc/diskstats shows only the host's
 * lines of the zone's devices (`device`; their kernel names come in the zone page), so it is
 * empty for a zone given none.
 *
 * Formats that changed across kernels follow the zone's kernel-version through
 * lx_kver_cmp(): /proc/stat prints 4 cpu columns before 2.5.41, iowait, irq and softirq
 * from 2.5.41, steal from 2.6.11, guest from 2.6.24, guest_nice from 2.6.33.
 *
 * Not here: /proc/<pid> (served from the zone's own pid namespace by the brand), the
 * /sys/devices/system/cpu/cpuN directories (the brand answers "exists" for N < the zone's
 * CPU count), and reading files (the brand fills the view; generators do no I/O).
 *
 * The brand looks a path up with lxproc_lookup(), fills the inputs the row names, and calls
 * the generator into a buffer; LXPROC_ETRUNC means "retry with a larger buffer".
 */
#include "proc/lxproc.h"

#define HOST_CPUS (LXPROC_IN_CPUS | LXPROC_IN_HOST_STAT)

const struct lxproc_file lxproc_files[] = {
    {"/proc/meminfo", lxproc_meminfo, LXPROC_IN_MEM | LXPROC_IN_HOST_MEMINFO},
    {"/proc/swaps", lxproc_swaps, LXPROC_IN_MEM | LXPROC_IN_HOST_MEMINFO | LXPROC_IN_HOST_SWAPS},
    {"/proc/cpuinfo", lxproc_cpuinfo, HOST_CPUS | LXPROC_IN_HOST_CPUINFO},
    {"/proc/stat", lxproc_stat,
     HOST_CPUS | LXPROC_IN_CPUTIME | LXPROC_IN_TIME | LXPROC_IN_TASKS | LXPROC_IN_LASTPID |
	 LXPROC_IN_KVER},
    {"/proc/uptime", lxproc_uptime, HOST_CPUS | LXPROC_IN_CPUTIME | LXPROC_IN_TIME},
    {"/proc/loadavg", lxproc_loadavg, LXPROC_IN_LOAD | LXPROC_IN_TASKS | LXPROC_IN_LASTPID},
    {"/proc/diskstats", lxproc_diskstats, LXPROC_IN_HOST_DISKSTATS | LXPROC_IN_DISKS},
    {"/proc/version", lxproc_version, LXPROC_IN_KVER | LXPROC_IN_HOST_VERSION},
    {"/proc/sys/kernel/osrelease", lxproc_osrelease, LXPROC_IN_KVER},
    {"/proc/sys/kernel/ostype", lxproc_ostype, 0},
    {"/sys/devices/system/cpu/online", lxproc_cpu_online, HOST_CPUS},
    {"/sys/devices/system/cpu/possible", lxproc_cpu_online, HOST_CPUS},
    {"/sys/devices/system/cpu/present", lxproc_cpu_online, HOST_CPUS},
};

const uint32_t lxproc_nfiles = sizeof(lxproc_files) / sizeof(lxproc_files[0]);

const struct lxproc_file *lxproc_lookup(const char *path, size_t len)
{
	struct lx_text t = {path, len};

	for (uint32_t i = 0; i < lxproc_nfiles; i++)
		if (lx_text_eq_cstr(t, lxproc_files[i].path))
			return &lxproc_files[i];
	return NULL;
}

void lxproc_view_init(struct lxproc_view *v)
{
	unsigned char *p = (unsigned char *)v;

	for (size_t i = 0; i < sizeof(*v); i++)
		p[i] = 0;
	v->mem_limit = LX_NOCAP;
	v->swap_limit = LX_NOCAP;
	v->cpu_quota_us = LX_NOCAP;
	v->cpu_src = LXPROC_CPU_HOST;
}
