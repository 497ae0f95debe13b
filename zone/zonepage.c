/*
 * The zone page's writer. See zonepage.h for what a sample holds and why.
 */
#include "zone/zonepage.h"
#include "lib/readfile.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "proc/lxcgroup.h"
#include "proc/lxhost.h"
#include "proc/lxproc.h"

#define NS_PER_SEC	 UINT64_C(1000000000)
#define LOAD_PERIOD_NS	 ((uint64_t)LX_LOAD_FREQ_SEC * NS_PER_SEC)
#define LOAD_CATCHUP_MAX 180 /* 15 minutes of missed periods; beyond that, start afresh */
#define CG_FILE_MAX	 (64 * 1024)
#define TASK_DEPTH_MAX	 16 /* nested cgroups below the zone's */

uint64_t lxzone_boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* CLOCK_REALTIME at CLOCK_BOOTTIME boot_ns (0 for 0: the host's own boot, its btime). */
static uint64_t zone_boot_real_ns(uint64_t boot_ns)
{
	struct timespec rt;
	uint64_t real, ago, now = lxzone_boottime_ns();

	if (boot_ns == 0 || clock_gettime(CLOCK_REALTIME, &rt) < 0)
		return 0;
	real = (uint64_t)rt.tv_sec * NS_PER_SEC + (uint64_t)rt.tv_nsec;
	ago = now > boot_ns ? now - boot_ns : 0;
	return real > ago ? real - ago : 0;
}

int lxzone_page_create(struct lxzone_page_writer *w, const char *path, uint64_t zone_boot_ns,
		       struct zone_error *err)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t len;
	cleanup_close int fd = -1;
	void *map;

	memset(w, 0, sizeof(*w));
	w->proc = "/proc";
	if (pg <= 0)
		pg = 4096;
	len = (sizeof(struct lxzone_page) + (size_t)pg - 1) / (size_t)pg * (size_t)pg;
	if (snprintf(w->path, sizeof(w->path), "%s", path) >= (int)sizeof(w->path))
		return zone_error_set(err, ENAMETOOLONG, "zone page %s", path);
	/* A page left by a crashed supervisor may still be mapped by dead zones' processes:
	 * never write into it, replace it. O_EXCL also refuses a planted symlink. */
	if (unlink(path) < 0 && errno != ENOENT)
		return zone_error_set(err, errno, "remove stale zone page %s", path);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return zone_error_set(err, errno, "create zone page %s", path);
	if (fchmod(fd, 0644) < 0 || ftruncate(fd, (off_t)len) < 0) {
		int e = errno;
		unlink(path);
		return zone_error_set(err, e, "size zone page %s", path);
	}
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		int e = errno;
		unlink(path);
		return zone_error_set(err, e, "map zone page %s", path);
	}
	w->page = map;
	w->len = len;
	lxzone_page_write_begin(w->page);
	w->page->magic = LXZP_MAGIC;
	w->page->version = LXZP_VERSION;
	w->page->zone_boot_ns = zone_boot_ns;
	w->page->zone_boot_real_ns = zone_boot_real_ns(zone_boot_ns);
	w->page->mem_limit = w->page->swap_limit = LX_NOCAP;
	w->page->cpu_quota_us = LX_NOCAP;
	lxzone_page_write_end(w->page);
	return 0;
}

void lxzone_page_set_timens(struct lxzone_page_writer *w, uint64_t boot_ns)
{
	lxzone_page_write_begin(w->page);
	w->page->timens_boot_ns = boot_ns;
	lxzone_page_write_end(w->page);
}

void lxzone_page_set_flags(struct lxzone_page_writer *w, uint32_t flags)
{
	lxzone_page_write_begin(w->page);
	w->page->flags = flags;
	lxzone_page_write_end(w->page);
}

uint32_t lxzone_page_flags(const char *path)
{
	struct lxzone_page p;
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);

	/* the writer replaces whole pages only under the sequence lock: a torn read retries */
	for (int tries = 0; fd >= 0 && tries < 100; tries++) {
		if (pread(fd, &p, sizeof(p), 0) != (ssize_t)sizeof(p))
			return 0;
		if (!(p.seq & 1) && p.magic == LXZP_MAGIC && p.version == LXZP_VERSION)
			return p.flags;
	}
	return 0;
}

void lxzone_page_set_disks(struct lxzone_page_writer *w, const char *sysfs_dev,
			   const unsigned long *devs, size_t n)
{
	char link[PATH_MAX], target[PATH_MAX];
	uint32_t k = 0;

	lxzone_page_write_begin(w->page);
	for (size_t i = 0; i < n && k < LXZP_MAXDISK; i++) {
		/* /sys/dev/block/MAJ:MIN -> ../../devices/.../block/NAME */
		snprintf(link, sizeof(link), "%s/%u:%u", sysfs_dev, major(devs[i]), minor(devs[i]));
		ssize_t len = readlink(link, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		const char *name = strrchr(target, '/');
		name = name ? name + 1 : target;
		if (!*name || strlen(name) >= LXZP_DISKNAME)
			continue;
		memcpy((char *)w->page->disks[k], name, strlen(name) + 1);
		k++;
	}
	w->page->ndisks = k;
	lxzone_page_write_end(w->page);
}

static void put_addr(volatile struct lxzone_page *p, uint8_t family, const void *a, size_t len)
{
	if (p->net_naddr >= LX_NL_MAXADDR)
		return;
	struct lx_nl_addr *d = (struct lx_nl_addr *)&p->net_addr[p->net_naddr++];
	memset(d, 0, sizeof(*d));
	d->family = family;
	memcpy(d->bytes, a, len);
}

int lxzone_page_set_net(struct lxzone_page_writer *w, const char *ifname, const uint32_t *v4,
			size_t n4, const uint8_t (*v6)[16], size_t n6, struct zone_error *err)
{
	unsigned idx = if_nametoindex(ifname), lo = if_nametoindex("lo");
	const uint32_t lo_addr = htonl(INADDR_LOOPBACK);

	if (idx == 0 || lo == 0)
		return zone_error_set(err, errno, "network view: interface %s",
				      idx ? "lo" : ifname);
	if (strlen(ifname) >= sizeof(w->page->net_ifname))
		return zone_error_set(err, ENAMETOOLONG, "network view: interface %s", ifname);
	lxzone_page_write_begin(w->page);
	w->page->net_ifindex[0] = (int32_t)lo;
	w->page->net_ifindex[1] = (int32_t)idx;
	w->page->net_nif = 2;
	w->page->net_naddr = 0;
	put_addr(w->page, LX_AF_INET, &lo_addr, 4);
	for (size_t i = 0; i < n4; i++)
		put_addr(w->page, LX_AF_INET, &v4[i], 4);
	for (size_t i = 0; i < n6; i++)
		put_addr(w->page, LX_AF_INET6, v6[i], 16);
	memcpy((char *)w->page->net_ifname, ifname, strlen(ifname) + 1);
	lxzone_page_write_end(w->page);
	return 0;
}

void lxzone_page_close(struct lxzone_page_writer *w, bool unlink_file)
{
	if (w->page != NULL)
		munmap((void *)w->page, w->len);
	w->page = NULL;
	if (unlink_file && w->path[0] != '\0')
		unlink(w->path);
	w->path[0] = '\0';
}

/* The text of dir/file into buf (NUL-terminated too); false when it cannot be read. */
static bool read_text(const char *dir, const char *file, char *buf, size_t sz, struct lx_text *t)
{
	ssize_t got;

	if (dir == NULL || *dir == '\0')
		return false;
	got = zone_read_text(buf, sz, "%s/%s", dir, file);
	if (got < 0)
		return false;
	t->p = buf;
	t->len = (size_t)got;
	return true;
}

/* read_text of a file that must fit: false also when it filled buf (it may go on). */
static bool read_whole(const char *dir, const char *file, char *buf, size_t sz, struct lx_text *t)
{
	return read_text(dir, file, buf, sz, t) && t->len + 1 < sz;
}

static uint64_t read_limit(const char *dir, const char *file, char *buf, size_t sz)
{
	struct lx_text t;
	uint64_t v;

	if (!read_text(dir, file, buf, sz, &t) || !lx_cg_parse_limit(t, &v))
		return LX_NOCAP;
	return v;
}

static uint64_t read_u64(const char *dir, const char *file, char *buf, size_t sz, bool *ok)
{
	struct lx_text t;
	uint64_t v = 0;

	*ok = read_text(dir, file, buf, sz, &t) && lx_cg_parse_u64(t, &v);
	return *ok ? v : 0;
}

static void sum_percpu(struct lxzone_page *p)
{
	struct lx_cputime tot = {0, 0, 0};

	for (uint32_t i = 0; i < p->cpu_npercpu; i++) {
		tot.user += p->cpu_percpu[i].user;
		tot.nice += p->cpu_percpu[i].nice;
		tot.system += p->cpu_percpu[i].system;
	}
	p->cpu_total = tot;
}

static void read_v1(const struct zone_cgroup *cg, struct lxzone_page *p, char *buf, size_t sz)
{
	const char *mem = cg->v1[ZONE_CG_MEMORY], *cpu = cg->v1[ZONE_CG_CPU];
	const char *acct = cg->v1[ZONE_CG_CPUACCT], *cs = cg->v1[ZONE_CG_CPUSET];
	const char *blk = cg->v1[ZONE_CG_BLKIO];
	struct lx_text t, t2;
	uint64_t memsw_limit, memsw_usage;
	bool ok, sw_ok;
	uint32_t n;

	p->mem_limit = read_limit(mem, "memory.limit_in_bytes", buf, sz);
	p->mem_usage = read_u64(mem, "memory.usage_in_bytes", buf, sz, &ok);
	memsw_limit = read_limit(mem, "memory.memsw.limit_in_bytes", buf, sz);
	memsw_usage = read_u64(mem, "memory.memsw.usage_in_bytes", buf, sz, &sw_ok);
	p->swap_limit = lx_cg_v1_swap_limit(memsw_limit, p->mem_limit);
	p->swap_usage = sw_ok && memsw_usage > p->mem_usage ? memsw_usage - p->mem_usage : 0;
	if (read_text(mem, "memory.stat", buf, sz, &t))
		lx_cg_v1_memstat(t, &p->mstat);

	if (read_text(cs, "cpuset.effective_cpus", buf, sz, &t) ||
	    read_text(cs, "cpuset.cpus", buf, sz, &t))
		lx_cpuset_parse(t, &p->cpuset);

	/* quota and period are read into two halves of buf */
	if (read_text(cpu, "cpu.cfs_quota_us", buf, sz / 2, &t) &&
	    read_text(cpu, "cpu.cfs_period_us", buf + sz / 2, sz / 2, &t2) &&
	    !lx_cg_v1_cpu_quota(t, t2, &p->cpu_quota_us, &p->cpu_period_us))
		p->cpu_quota_us = LX_NOCAP;

	/* cpuacct is often co-mounted with cpu ("cpu,cpuacct"): both names lead there */
	if (*acct == '\0')
		acct = cpu;
	n = LXZP_MAXCPU;
	if (read_text(acct, "cpuacct.usage_all", buf, sz, &t) &&
	    lx_cg_v1_cpuacct_all(t, p->cpu_percpu, &n)) {
		p->cpu_src = LXPROC_CPU_PERCPU;
		p->cpu_npercpu = n;
	} else if ((n = LXZP_MAXCPU, read_text(acct, "cpuacct.usage_percpu", buf, sz, &t)) &&
		   lx_cg_v1_cpuacct_percpu(t, p->cpu_percpu, &n)) {
		p->cpu_src = LXPROC_CPU_PERCPU;
		p->cpu_npercpu = n;
	}
	if (p->cpu_src == LXPROC_CPU_PERCPU)
		sum_percpu(p);

	/* the zone's I/O, the two files in two halves of buf; a missing one counts nothing, one
	 * longer than its half (a cut line could parse as a smaller number) none at all */
	n = LXZP_MAXIO;
	if (!read_whole(blk, "blkio.throttle.io_serviced_recursive", buf, sz / 2, &t))
		t = (struct lx_text){"", 0};
	if (!read_whole(blk, "blkio.throttle.io_service_bytes_recursive", buf + sz / 2, sz / 2,
			&t2))
		t2 = (struct lx_text){"", 0};
	if ((t.len || t2.len) && lx_cg_v1_blkio(t, t2, p->io, &n))
		p->nio = n;
}

static void read_v2(const struct zone_cgroup *cg, struct lxzone_page *p, char *buf, size_t sz)
{
	const char *d = cg->v2;
	struct lx_text t;
	uint32_t n;
	bool ok;

	p->mem_limit = read_limit(d, "memory.max", buf, sz);
	p->mem_usage = read_u64(d, "memory.current", buf, sz, &ok);
	p->swap_limit = read_limit(d, "memory.swap.max", buf, sz);
	p->swap_usage = read_u64(d, "memory.swap.current", buf, sz, &ok);
	if (read_text(d, "memory.stat", buf, sz, &t))
		lx_cg_v2_memstat(t, &p->mstat);
	if (read_text(d, "cpuset.cpus.effective", buf, sz, &t))
		lx_cpuset_parse(t, &p->cpuset);
	if (read_text(d, "cpu.max", buf, sz, &t) &&
	    !lx_cg_v2_cpu_max(t, &p->cpu_quota_us, &p->cpu_period_us))
		p->cpu_quota_us = LX_NOCAP;
	if (read_text(d, "cpu.stat", buf, sz, &t) && lx_cg_v2_cpu_stat(t, &p->cpu_total))
		p->cpu_src = LXPROC_CPU_TOTAL;
	n = LXZP_MAXIO;
	if (read_whole(d, "io.stat", buf, sz, &t) && lx_cg_v2_iostat(t, p->io, &n))
		p->nio = n;
}

int lxzone_page_read_cgroup(const struct zone_cgroup *cg, struct lxzone_page *p,
			    struct zone_error *err)
{
	const char *probe = cg->layout == ZONE_CG_V2 ? cg->v2 : NULL;
	cleanup_free char *buf = malloc(CG_FILE_MAX);

	if (buf == NULL)
		return zone_error_set(err, ENOMEM, "sample cgroup");
	for (int c = 0; probe == NULL && c < ZONE_CG_NCTRL; c++)
		if (cg->v1[c][0])
			probe = cg->v1[c];
	if (probe == NULL || access(probe, F_OK) < 0)
		return zone_error_set(err, probe ? errno : ENOENT, "sample cgroup %s",
				      probe ? probe : "(none)");
	p->mem_limit = p->swap_limit = LX_NOCAP;
	p->mem_usage = p->swap_usage = 0;
	memset(&p->mstat, 0, sizeof(p->mstat));
	lx_cpuset_clear(&p->cpuset);
	p->cpu_quota_us = LX_NOCAP;
	p->cpu_period_us = 100000;
	p->cpu_src = LXPROC_CPU_HOST;
	p->cpu_npercpu = 0;
	memset(p->cpu_percpu, 0, sizeof(p->cpu_percpu));
	memset(&p->cpu_total, 0, sizeof(p->cpu_total));
	p->nio = 0;
	memset(p->io, 0, sizeof(p->io));
	if (cg->layout == ZONE_CG_V2)
		read_v2(cg, p, buf, CG_FILE_MAX);
	else
		read_v1(cg, p, buf, CG_FILE_MAX);
	return 0;
}

/* ---- Tasks ---- */

/* The state letter of <proc>/<tid>/stat (after the last ')': comm may hold anything). */
static char task_state(const char *proc, long tid)
{
	char buf[1024];

	if (zone_read_text(buf, sizeof(buf), "%s/%ld/stat", proc, tid) <= 0)
		return 0;
	char *rp = strrchr(buf, ')');
	return rp != NULL && rp[1] == ' ' ? rp[2] : 0;
}

/*
 * The NSpid line of <proc>/<tid>/status: how many pid namespaces the task has pids in, as
 * seen from <proc>'s (0: no NSpid line, an old kernel), and in *zone_pid its pid one level
 * down, in the zone's namespace (the second entry).  A task with one entry lives in the
 * supervisor's own namespace: a host-side helper that joined the zone's cgroup (lxzone
 * exec joins the cgroup before it enters the zone), which the zone cannot see.  The
 * innermost entry would be wrong for a task in a pid namespace nested in the zone's.
 */
static unsigned task_nspid(const char *proc, long tid, uint32_t *zone_pid)
{
	char p[128], line[512];
	cleanup_fclose FILE *f = NULL;
	unsigned levels = 0;

	*zone_pid = 0;
	snprintf(p, sizeof(p), "%s/%ld/status", proc, tid);
	f = fopen(p, "re");
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "NSpid:", 6) != 0)
			continue;
		char *s = line + 6, *end;
		for (;;) {
			unsigned long v = strtoul(s, &end, 10);
			if (end == s)
				break;
			if (++levels == 2)
				*zone_pid = (uint32_t)v;
			s = end;
		}
		break;
	}
	return levels;
}

static void count_dir(const char *dir, const char *list, const char *proc, bool want_nspid,
		      struct lxzone_tasks *t, int depth)
{
	char p[PATH_MAX];
	cleanup_fclose FILE *f = NULL;
	cleanup_closedir DIR *d = NULL;
	struct dirent *de;
	long tid;

	snprintf(p, sizeof(p), "%s/%s", dir, list);
	f = fopen(p, "re");
	while (f != NULL && fscanf(f, "%ld", &tid) == 1) {
		char s = task_state(proc, tid);
		uint32_t ns = 0;
		if (s == 0)
			continue; /* gone since the list was read */
		/* the zone's own pid namespace: its tasks only, by their pids there */
		if (want_nspid && task_nspid(proc, tid, &ns) == 1)
			continue;
		t->threads++;
		if (s == 'R')
			t->running++;
		else if (s == 'D')
			t->blocked++;
		if (ns > t->max_nspid)
			t->max_nspid = ns;
	}
	if (depth >= TASK_DEPTH_MAX || (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, de->d_name) >= sizeof(p))
			continue;
		count_dir(p, list, proc, want_nspid, t, depth + 1);
	}
}

int lxzone_page_count_tasks(const struct zone_cgroup *cg, const char *proc, bool want_nspid,
			    struct lxzone_tasks *t)
{
	/* v1 controllers that every task of the zone is in, in order of preference */
	static const enum zone_cg_ctrl v1_order[] = {ZONE_CG_CPUACCT, ZONE_CG_CPU,
						     ZONE_CG_MEMORY,  ZONE_CG_PIDS,
						     ZONE_CG_CPUSET,  ZONE_CG_FREEZER};

	memset(t, 0, sizeof(*t));
	/* v2, or hybrid's unified tracking cgroup: thread lists, descendants included */
	if (cg->v2[0] != '\0') {
		count_dir(cg->v2, "cgroup.threads", proc, want_nspid, t, 0);
		return 0;
	}
	for (size_t i = 0; i < sizeof(v1_order) / sizeof(v1_order[0]); i++) {
		const char *d = cg->v1[v1_order[i]];
		if (*d != '\0' && access(d, F_OK) == 0) {
			count_dir(d, "tasks", proc, want_nspid, t, 0);
			return 0;
		}
	}
	return 0;
}

/* The host's last pid (the zone shares the host's pid namespace). */
static uint32_t host_last_pid(const char *proc)
{
	char buf[32];

	if (zone_read_text(buf, sizeof(buf), "%s/sys/kernel/ns_last_pid", proc) <= 0)
		return 0;
	return (uint32_t)strtoul(buf, NULL, 10);
}

static void sample_tasks(struct lxzone_page_writer *w, const struct zone_cgroup *cg,
			 uint64_t now_ns, struct lxzone_page *p)
{
	struct lxzone_tasks t;
	unsigned periods = 0;

	/* counted every sample: procs_running and the loadavg's counts are instant values */
	lxzone_page_count_tasks(cg, w->proc, !w->host_pidns, &t);
	p->host_pidns = w->host_pidns;
	p->nr_running = t.running;
	p->nr_blocked = t.blocked;
	p->nr_threads = t.threads;
	if (w->host_pidns) {
		p->last_pid = host_last_pid(w->proc);
		p->nr_forks = 0;
	} else {
		/* tasks exit: the namespace's last pid never goes down */
		if (t.max_nspid > p->last_pid)
			p->last_pid = t.max_nspid;
		p->nr_forks = p->last_pid;
	}
	if (w->next_load_ns != 0 && now_ns < w->next_load_ns)
		return;
	if (w->next_load_ns == 0) {
		/* the first sample: the average starts at 0, as the kernel's does at boot */
		w->next_load_ns = now_ns + LOAD_PERIOD_NS;
		return;
	}
	/* periods missed (a stopped supervisor, a suspended host) count with today's tasks */
	while (now_ns >= w->next_load_ns && periods < LOAD_CATCHUP_MAX) {
		lx_loadavg_sample(&p->load, t.running + t.blocked);
		w->next_load_ns += LOAD_PERIOD_NS;
		periods++;
	}
	if (now_ns >= w->next_load_ns)
		w->next_load_ns = now_ns + LOAD_PERIOD_NS;
}

/* The host's memory for sysinfo (lxzone_page.host_mem); left as it was when unreadable. */
static void sample_host_mem(const char *proc, struct lxzone_page *p)
{
	static const struct {
		const char *key;
		size_t off;
	} rows[] = {
	    {"MemTotal", offsetof(struct lxzone_host_mem, total)},
	    {"MemFree", offsetof(struct lxzone_host_mem, free)},
	    {"MemAvailable", offsetof(struct lxzone_host_mem, available)},
	    {"Buffers", offsetof(struct lxzone_host_mem, buffers)},
	    {"Shmem", offsetof(struct lxzone_host_mem, shmem)},
	    {"SwapTotal", offsetof(struct lxzone_host_mem, swap_total)},
	    {"SwapFree", offsetof(struct lxzone_host_mem, swap_free)},
	};
	struct lxzone_host_mem m = {0};
	struct lx_text t;
	char buf[8192];

	if (!read_text(proc, "meminfo", buf, sizeof(buf), &t))
		return;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t v = 0;
		lx_host_meminfo_get(t, rows[i].key, &v);
		memcpy((char *)&m + rows[i].off, &v, sizeof(v));
	}
	if (m.total)
		p->host_mem = m;
}

/* ---- CPU time ---- */

static void sum_times(const struct lx_cputime *t, struct lx_cputime *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (uint32_t i = 0; i < LXZP_MAXCPU; i++) {
		sum->user += t[i].user;
		sum->nice += t[i].nice;
		sum->system += t[i].system;
	}
}

/*
 * p holds the cgroup's raw counters (lxzone_page_read_cgroup) and, in cpu_prev_percpu, what
 * the sample before published (when `had`, at prev_ns).  Replace the raw counters with the
 * times to publish (lxproc_cpu_publish: monotonic, never ahead of the elapsed time per zone
 * CPU) and fill the previous sample's fields for the readers' interpolation.
 */
static void publish_cpu(const struct lxzone_page_writer *w, struct lxzone_page *p, bool had,
			uint64_t prev_ns, uint64_t now_ns)
{
	struct lxproc_view v;
	cleanup_free struct lx_cputime *out = NULL;
	cleanup_free char *stat = NULL;
	struct lx_text t;
	uint64_t ticks;

	if (p->cpu_src == LXPROC_CPU_HOST)
		goto none;
	lxproc_view_init(&v);
	v.cpuset = p->cpuset;
	v.cpu_quota_us = p->cpu_quota_us;
	v.cpu_period_us = p->cpu_period_us;
	v.cpu_src = (enum lxproc_cpusrc)p->cpu_src;
	v.cpu_percpu = p->cpu_percpu;
	v.cpu_npercpu = p->cpu_npercpu;
	v.cpu_total = p->cpu_total;
	v.zone_boot_ns = p->zone_boot_ns;
	/* no cpuset: the zone's CPUs are the host's, as its /proc/stat lists them */
	if (lx_cpuset_count(&p->cpuset) == 0 && (stat = malloc(CG_FILE_MAX)) != NULL &&
	    read_text(w->proc, "stat", stat, CG_FILE_MAX, &t))
		v.host_stat = t;
	ticks = lxproc_ticks_at(&v, now_ns) - (had ? lxproc_ticks_at(&v, prev_ns) : 0);
	out = calloc(LXZP_MAXCPU, sizeof(*out));
	if (out == NULL || lxproc_cpu_publish(&v, had ? p->cpu_prev_percpu : NULL, LXZP_MAXCPU,
					      ticks, out, LXZP_MAXCPU) < 0)
		goto none; /* the host's lines rather than times that could go back */
	memcpy(p->cpu_percpu, out, sizeof(p->cpu_percpu));
	p->cpu_src = LXPROC_CPU_PERCPU;
	p->cpu_npercpu = LXZP_MAXCPU;
	sum_times(p->cpu_percpu, &p->cpu_total);
	if (!had) {
		/* the first sample: nothing to interpolate from, readers show it as it is */
		memcpy(p->cpu_prev_percpu, p->cpu_percpu, sizeof(p->cpu_prev_percpu));
		prev_ns = now_ns;
	}
	p->cpu_prev_ns = prev_ns;
	sum_times(p->cpu_prev_percpu, &p->cpu_prev_total);
	return;
none:
	p->cpu_src = LXPROC_CPU_HOST;
	p->cpu_prev_ns = now_ns;
	memset(p->cpu_prev_percpu, 0, sizeof(p->cpu_prev_percpu));
	memset(&p->cpu_prev_total, 0, sizeof(p->cpu_prev_total));
}

int lxzone_page_sample_at(struct lxzone_page_writer *w, const struct zone_cgroup *cg,
			  uint64_t now_ns, struct zone_error *err)
{
	cleanup_free struct lxzone_page *p = NULL;
	uint64_t prev_ns;
	bool had;

	if (w->page == NULL)
		return zone_error_set(err, EBADF, "zone page not open");
	p = malloc(sizeof(*p));
	if (p == NULL)
		return zone_error_set(err, ENOMEM, "zone page sample");
	/* only this process writes the page: a plain copy of it is consistent */
	memcpy(p, (const void *)w->page, sizeof(*p));
	/* what the last sample published, before the cgroup's raw counters replace it */
	had = p->ready && p->cpu_src == LXPROC_CPU_PERCPU && p->sampled_ns <= now_ns;
	prev_ns = p->sampled_ns;
	memcpy(p->cpu_prev_percpu, p->cpu_percpu, sizeof(p->cpu_prev_percpu));
	if (lxzone_page_read_cgroup(cg, p, err) < 0)
		return zone_error_wrap(err, "zone page %s", w->path);
	publish_cpu(w, p, had, prev_ns, now_ns);
	sample_tasks(w, cg, now_ns, p);
	sample_host_mem(w->proc, p);
	p->sampled_ns = now_ns;
	p->ready = 1;

	lxzone_page_write_begin(w->page);
	/* everything after the sequence word; seq itself is the lock's */
	memcpy((char *)w->page + offsetof(struct lxzone_page, ready),
	       (const char *)p + offsetof(struct lxzone_page, ready),
	       sizeof(*p) - offsetof(struct lxzone_page, ready));
	lxzone_page_write_end(w->page);
	return 0;
}

int lxzone_page_sample(struct lxzone_page_writer *w, const struct zone_cgroup *cg,
		       struct zone_error *err)
{
	return lxzone_page_sample_at(w, cg, lxzone_boottime_ns(), err);
}
