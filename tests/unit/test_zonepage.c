/*
 * The zone page's writer (zone/zonepage.c): cgroup sampling against the fixture trees in
 * tests/fixtures/cgroup-v{1,2}, task counting and the load average over a fake /proc, the
 * file and its mapping as the brand sees them, and the sequence lock under a racing writer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "zone/zonepage.h"

#define MiB (UINT64_C(1) << 20)
#define SEC UINT64_C(1000000000)

static void cg_v1(struct zone_cgroup *cg, const char *name)
{
	memset(cg, 0, sizeof(*cg));
	cg->layout = ZONE_CG_V1;
	for (int c = 0; c < ZONE_CG_NCTRL; c++)
		snprintf(cg->v1[c], sizeof(cg->v1[c]), "%s/cgroup-v1/%s", LXZONE_FIXTURES, name);
}

static void cg_v2(struct zone_cgroup *cg, const char *dir)
{
	memset(cg, 0, sizeof(*cg));
	cg->layout = ZONE_CG_V2;
	snprintf(cg->v2, sizeof(cg->v2), "%s", dir);
}

static void cg_v2_fixture(struct zone_cgroup *cg, const char *name)
{
	char d[ZONE_CG_PATH];

	snprintf(d, sizeof(d), "%s/cgroup-v2/%s", LXZONE_FIXTURES, name);
	cg_v2(cg, d);
}

static struct lxzone_page *page_new(void)
{
	struct lxzone_page *p = calloc(1, sizeof(*p));

	assert_non_null(p);
	return p;
}

static void put(const char *dir, const char *file, const char *text)
{
	char p[1024];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *tmpdir(void)
{
	char *d = strdup("/tmp/test_zonepage.XXXXXX");

	assert_non_null(mkdtemp(d));
	return d;
}

static void rmtree(const char *d)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	assert_int_equal(system(cmd), 0);
}

static void test_v1_capped(void **state)
{
	struct zone_cgroup cg;
	struct zone_error err = {0};
	struct lxzone_page *p = page_new();

	(void)state;
	cg_v1(&cg, "capped");
	assert_int_equal(lxzone_page_read_cgroup(&cg, p, &err), 0);
	assert_int_equal(p->mem_limit, 256 * MiB);
	assert_int_equal(p->mem_usage, 100 * MiB);
	/* memsw 512M - mem 256M: 256M of swap; memsw usage - usage: 10M swapped */
	assert_int_equal(p->swap_limit, 256 * MiB);
	assert_int_equal(p->swap_usage, 10 * MiB);
	assert_int_equal(p->mstat.anon, 50 * MiB);
	assert_int_equal(p->mstat.file, 40 * MiB);
	assert_int_equal(p->mstat.shmem, 4 * MiB);
	assert_int_equal(lx_cpuset_count(&p->cpuset), 1);
	assert_true(lx_cpuset_has(&p->cpuset, 1));
	assert_int_equal(p->cpu_quota_us, 50000);
	assert_int_equal(p->cpu_period_us, 100000);
	/* usage_all wins: user and system per host CPU, in USER_HZ ticks */
	assert_int_equal(p->cpu_src, LXPROC_CPU_PERCPU);
	assert_int_equal(p->cpu_npercpu, 2);
	assert_int_equal(p->cpu_percpu[0].user, 0);
	assert_int_equal(p->cpu_percpu[1].user, 3000);
	assert_int_equal(p->cpu_percpu[1].system, 1560);
	assert_int_equal(p->cpu_total.user, 3000);
	assert_int_equal(p->cpu_total.system, 1560);
	/* the zone's I/O, by device, from blkio's two throttle files */
	assert_int_equal(p->nio, 2);
	assert_int_equal(p->io[0].major, 254);
	assert_int_equal(p->io[0].rd_ios, 20);
	assert_int_equal(p->io[0].wr_bytes, 1048576);
	assert_int_equal(p->io[1].major, 7);
	assert_int_equal(p->io[1].rd_bytes, 12288);
	/* read again: the same, not added to the last sample's */
	assert_int_equal(lxzone_page_read_cgroup(&cg, p, &err), 0);
	assert_int_equal(p->nio, 2);
	assert_int_equal(p->io[0].rd_ios, 20);
	/* the view the brand and the file server make of the page: the disks' I/O copied */
	struct lxproc_view v;
	struct lxproc_disknames *dn = calloc(1, sizeof(*dn));
	assert_non_null(dn);
	lxproc_view_init(&v);
	p->magic = LXZP_MAGIC;
	lxproc_view_from_page(&v, p, 0, dn);
	assert_int_equal(v.ndiskio, 2);
	assert_ptr_equal(v.diskio, dn->io);
	assert_int_equal(v.diskio[0].wr_ios, 16);
	assert_int_equal(v.diskio[1].minor, 0);
	p->nio = 1000; /* a hostile or torn count: bounded by the array */
	lxproc_view_from_page(&v, p, 0, dn);
	assert_int_equal(v.ndiskio, LXZP_MAXIO);
	free(dn);
	free(p);
}

static void test_v1_host_nocap(void **state)
{
	struct zone_cgroup cg;
	struct zone_error err = {0};
	struct lxzone_page *p = page_new();

	(void)state;
	cg_v1(&cg, "host");
	assert_int_equal(lxzone_page_read_cgroup(&cg, p, &err), 0);
	assert_true(p->mem_limit == LX_NOCAP);
	assert_true(p->swap_limit == LX_NOCAP);
	assert_int_equal(p->mem_usage, 1126821888);
	assert_int_equal(p->nio, 0); /* blkio's root counts nothing: "Total 0" */
	assert_true(p->cpu_quota_us == LX_NOCAP);
	assert_int_equal(lx_cpuset_count(&p->cpuset), 2);
	assert_int_equal(p->cpu_src, LXPROC_CPU_PERCPU);
	assert_int_equal(p->cpu_total.user, 16836 + 18143);
	assert_int_equal(p->cpu_total.system, 13009 + 14517);
	free(p);
}

/* Without usage_all (older kernels), usage_percpu: all of it counted as user time. */
static void test_v1_usage_percpu_fallback(void **state)
{
	char *d = tmpdir();
	struct zone_cgroup cg;
	struct zone_error err = {0};
	struct lxzone_page *p = page_new();

	(void)state;
	put(d, "cpuacct.usage_percpu", "0 45600000000 \n");
	put(d, "memory.limit_in_bytes", "9223372036854771712\n");
	memset(&cg, 0, sizeof(cg));
	cg.layout = ZONE_CG_HYBRID;
	snprintf(cg.v1[ZONE_CG_CPUACCT], ZONE_CG_PATH, "%s", d);
	snprintf(cg.v1[ZONE_CG_MEMORY], ZONE_CG_PATH, "%s", d);
	assert_int_equal(lxzone_page_read_cgroup(&cg, p, &err), 0);
	assert_int_equal(p->cpu_src, LXPROC_CPU_PERCPU);
	assert_int_equal(p->cpu_npercpu, 2);
	assert_int_equal(p->cpu_percpu[1].user, 4560);
	assert_int_equal(p->cpu_percpu[1].system, 0);
	assert_int_equal(p->cpu_total.user, 4560);
	/* no cpu controller files at all: no quota, the host's CPUs */
	assert_true(p->cpu_quota_us == LX_NOCAP);
	assert_int_equal(lx_cpuset_count(&p->cpuset), 0);
	assert_true(p->mem_limit == LX_NOCAP);
	rmtree(d);
	free(d);
	free(p);
}

static void test_v2_capped(void **state)
{
	struct zone_cgroup cg;
	struct zone_error err = {0};
	struct lxzone_page *p = page_new();

	(void)state;
	cg_v2_fixture(&cg, "capped");
	assert_int_equal(lxzone_page_read_cgroup(&cg, p, &err), 0);
	assert_int_equal(p->mem_limit, 256 * MiB);
	assert_int_equal(p->mem_usage, 100 * MiB);
	assert_int_equal(p->swap_limit, 256 * MiB);
	assert_int_equal(p->swap_usage, 10 * MiB);
	assert_int_equal(p->mstat.anon, 50 * MiB);
	assert_int_equal(p->mstat.kernel_stack, 262144);
	assert_true(lx_cpuset_has(&p->cpuset, 1));
	assert_int_equal(lx_cpuset_count(&p->cpuset), 1);
	assert_int_equal(p->cpu_quota_us, 50000);
	assert_int_equal(p->cpu_period_us, 100000);
	assert_int_equal(p->cpu_src, LXPROC_CPU_TOTAL);
	assert_int_equal(p->cpu_total.user, 30000);
	assert_int_equal(p->cpu_total.system, 15600);
	assert_int_equal(p->cpu_npercpu, 0);
	/* io.stat: the same I/O as v1's fixture */
	assert_int_equal(p->nio, 2);
	assert_int_equal(p->io[0].dc_bytes, 1052672);
	assert_int_equal(p->io[1].rd_ios, 3);
	free(p);
}

static void test_v2_host_nocap(void **state)
{
	struct zone_cgroup cg;
	struct zone_error err = {0};
	struct lxzone_page *p = page_new();

	(void)state;
	cg_v2_fixture(&cg, "host");
	assert_int_equal(lxzone_page_read_cgroup(&cg, p, &err), 0);
	assert_true(p->mem_limit == LX_NOCAP);
	assert_true(p->swap_limit == LX_NOCAP);
	assert_true(p->cpu_quota_us == LX_NOCAP);
	assert_int_equal(p->cpu_period_us, 100000);
	assert_int_equal(lx_cpuset_count(&p->cpuset), 2);
	assert_int_equal(p->nio, 0); /* no io.stat */
	free(p);
}

static void test_missing_cgroup_is_an_error(void **state)
{
	struct zone_cgroup cg;
	struct zone_error err = {0};
	struct lxzone_page *p = page_new();

	(void)state;
	cg_v2(&cg, "/nonexistent/lxzone/zone-x");
	assert_int_equal(lxzone_page_read_cgroup(&cg, p, &err), -1);
	assert_non_null(strstr(err.msg, "/nonexistent/lxzone/zone-x"));
	assert_non_null(strstr(err.msg, "No such file"));
	free(p);
}

/* The file: page-rounded, 0644, magic and version at once, not ready before a sample. */
static void test_create_and_map_read_only(void **state)
{
	char *d = tmpdir(), path[512];
	struct lxzone_page_writer w;
	struct zone_error err = {0};
	struct zone_cgroup cg;
	struct lxzone_page *snap = page_new();
	struct stat st;
	long pg = sysconf(_SC_PAGESIZE);

	(void)state;
	snprintf(path, sizeof(path), "%s/zone-page", d);
	put(d, "zone-page", "stale page of a crashed supervisor");
	int stale = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(stale >= 0);
	umask(077);
	assert_int_equal(lxzone_page_create(&w, path, 42 * SEC, &err), 0);
	umask(022);
	/* the stale file was replaced, not written into (old mappings keep the old file) */
	assert_int_equal(fstat(stale, &st), 0);
	assert_int_equal(st.st_nlink, 0);
	close(stale);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(st.st_size % pg, 0);
	assert_true((size_t)st.st_size >= sizeof(struct lxzone_page));

	/* as the brand: read-only, shared */
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	const volatile struct lxzone_page *ro =
	    mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	assert_true(ro != MAP_FAILED);
	close(fd);
	assert_int_equal(ro->magic, LXZP_MAGIC);
	assert_int_equal(ro->version, LXZP_VERSION);
	assert_int_equal(lxzone_page_read(ro, snap), -1); /* not ready yet */
	struct lxzone_page_summary sum;
	assert_int_equal(lxzone_page_read_summary(ro, &sum), -1); /* nor its summary */

	assert_int_equal(ro->timens_boot_ns, 0); /* no time namespace: readers use the host's */

	cg_v1(&cg, "capped");
	w.host_pidns = true;
	/* a zone whose time namespace counts CLOCK_BOOTTIME from its boot */
	lxzone_page_set_timens(&w, 42 * SEC);
	assert_int_equal(lxzone_page_sample_at(&w, &cg, 50 * SEC, &err), 0);
	assert_int_equal(lxzone_page_read(ro, snap), 0);
	assert_int_equal(snap->ready, 1);
	assert_int_equal(snap->zone_boot_ns, 42 * SEC);
	assert_int_equal(snap->timens_boot_ns, 42 * SEC);
	/* 8 s on the zone's clock is 50 s on the host's, the sample's time */
	assert_int_equal(lxzone_page_host_ns(snap, 8 * SEC), snap->sampled_ns);
	assert_int_equal(snap->sampled_ns, 50 * SEC);
	assert_int_equal(snap->mem_limit, 256 * MiB);
	assert_int_equal(snap->cpu_quota_us, 50000);
	assert_int_equal(snap->seq % 2, 0);
	assert_true(snap->seq >= 4); /* create and one sample, each a begin/end pair */
	/* the summary (sysinfo's read, emul/zoneview.c) holds the snapshot's fields */
	assert_int_equal(lxzone_page_read_summary(ro, &sum), 0);
	assert_int_equal(sum.mem_limit, snap->mem_limit);
	assert_int_equal(sum.mem_usage, snap->mem_usage);
	assert_int_equal(sum.swap_limit, snap->swap_limit);
	assert_int_equal(sum.zone_boot_ns, 42 * SEC);
	assert_int_equal(sum.timens_boot_ns, 42 * SEC);
	assert_int_equal(sum.host_pidns, 1);
	assert_memory_equal(&sum.mstat, &snap->mstat, sizeof(sum.mstat));
	assert_memory_equal(&sum.load, &snap->load, sizeof(sum.load));

	munmap((void *)ro, (size_t)st.st_size);
	lxzone_page_close(&w, true);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(errno, ENOENT);
	lxzone_page_close(&w, true); /* twice is harmless */
	rmtree(d);
	free(d);
	free(snap);
}

/* The zone's block devices: named from /sys/dev/block's links, for /proc/diskstats. */
static void test_disks_named_from_sysfs(void **state)
{
	char *d = tmpdir(), path[512], devdir[512], link[600];
	struct lxzone_page_writer w;
	struct zone_error err = {0};
	struct zone_cgroup cg;
	struct lxzone_page *snap = page_new();
	const unsigned long devs[] = {makedev(7, 0), makedev(8, 16), makedev(9, 9), makedev(8, 32)};

	(void)state;
	snprintf(devdir, sizeof(devdir), "%s/dev-block", d);
	assert_int_equal(mkdir(devdir, 0755), 0);
	snprintf(link, sizeof(link), "%s/7:0", devdir);
	assert_int_equal(symlink("../../devices/virtual/block/loop0", link), 0);
	snprintf(link, sizeof(link), "%s/8:16", devdir);
	assert_int_equal(symlink("../../devices/pci0000:00/0000:00:04.0/block/sdb", link), 0);
	/* 9:9 has no link; 8:32's name is too long for the page */
	snprintf(link, sizeof(link), "%s/8:32", devdir);
	assert_int_equal(symlink("../../devices/block/a-name-longer-than-the-page-keeps-x", link),
			 0);
	snprintf(path, sizeof(path), "%s/zone-page", d);
	assert_int_equal(lxzone_page_create(&w, path, 42 * SEC, &err), 0);
	lxzone_page_set_disks(&w, devdir, devs, 4);
	cg_v1(&cg, "capped");
	assert_int_equal(lxzone_page_sample_at(&w, &cg, 50 * SEC, &err), 0);
	assert_int_equal(lxzone_page_read(w.page, snap), 0);
	assert_int_equal(snap->ndisks, 2);
	assert_string_equal(snap->disks[0], "loop0");
	assert_string_equal(snap->disks[1], "sdb");

	/* none given: none shown */
	lxzone_page_set_disks(&w, devdir, devs, 0);
	assert_int_equal(lxzone_page_read(w.page, snap), 0);
	assert_int_equal(snap->ndisks, 0);
	lxzone_page_close(&w, true);
	rmtree(d);
	free(d);
	free(snap);
}

/* net=shared: the netlink view's fields (lo stands in for the shared interface here) */
static void test_net_view(void **state)
{
	char *d = tmpdir(), path[512];
	struct lxzone_page_writer w;
	struct zone_error err = {0};
	struct zone_cgroup cg;
	struct lxzone_page *snap = page_new();
	const uint32_t v4[] = {htonl(0xc6336407)}; /* 198.51.100.7 */
	const uint8_t v6[1][16] = {{0xfd, 0x77, [15] = 7}};

	(void)state;
	snprintf(path, sizeof(path), "%s/zone-page", d);
	assert_int_equal(lxzone_page_create(&w, path, 42 * SEC, &err), 0);
	assert_int_equal(lxzone_page_set_net(&w, "lo", v4, 1, v6, 1, &err), 0);
	cg_v1(&cg, "capped");
	assert_int_equal(lxzone_page_sample_at(&w, &cg, 50 * SEC, &err), 0);
	assert_int_equal(lxzone_page_read(w.page, snap), 0);
	assert_int_equal(snap->net_nif, 2);
	assert_int_equal(snap->net_ifindex[0], (int)if_nametoindex("lo"));
	assert_int_equal(snap->net_ifindex[1], (int)if_nametoindex("lo"));
	assert_string_equal(snap->net_ifname, "lo");
	assert_int_equal(snap->net_naddr, 3); /* lo's 127.0.0.1 first, then the zone's */
	assert_int_equal(snap->net_addr[0].family, LX_AF_INET);
	assert_memory_equal(snap->net_addr[0].bytes, "\x7f\0\0\x01", 4);
	assert_memory_equal(snap->net_addr[1].bytes, v4, 4);
	assert_int_equal(snap->net_addr[2].family, LX_AF_INET6);
	assert_memory_equal(snap->net_addr[2].bytes, v6[0], 16);
	/* an interface the host lacks: an error naming it, the page unchanged */
	assert_int_equal(lxzone_page_set_net(&w, "lxz-none-such", v4, 1, v6, 1, &err), -1);
	assert_non_null(strstr(err.msg, "lxz-none-such"));
	assert_int_equal(lxzone_page_read(w.page, snap), 0);
	assert_int_equal(snap->net_naddr, 3);
	lxzone_page_close(&w, true);
	rmtree(d);
	free(d);
	free(snap);
}

static void test_create_error_has_context(void **state)
{
	struct lxzone_page_writer w;
	struct zone_error err = {0};

	(void)state;
	assert_int_equal(lxzone_page_create(&w, "/nonexistent-dir/zone-page", 0, &err), -1);
	assert_non_null(strstr(err.msg, "create zone page /nonexistent-dir/zone-page"));
	assert_null(w.page);
}

/* A fake /proc: <tid>/stat with a state, <tid>/status with NSpid host and zone pids. */
static void fake_task(const char *proc, int tid, char state, int nspid)
{
	char d[512], text[256];

	snprintf(d, sizeof(d), "%s/%d", proc, tid);
	assert_int_equal(mkdir(d, 0755), 0);
	/* a comm with ") R (" in it must not fool the parser */
	snprintf(text, sizeof(text), "%d (evil) S (x) %c 1 %d %d 0 -1 4194560 0 0 0 0\n", tid,
		 state, tid, tid);
	put(d, "stat", text);
	if (nspid > 0)
		snprintf(text, sizeof(text), "Name:\tx\nState:\t%c\nNSpid:\t%d\t%d\n", state, tid,
			 nspid);
	else if (nspid == 0) /* only a pid in the supervisor's namespace: a host-side helper */
		snprintf(text, sizeof(text), "Name:\tx\nState:\t%c\nNSpid:\t%d\n", state, tid);
	else /* in a pid namespace nested in the zone's: zone pid -nspid, 2 in the nested one */
		snprintf(text, sizeof(text), "Name:\tx\nState:\t%c\nNSpid:\t%d\t%d\t2\n", state,
			 tid, -nspid);
	put(d, "status", text);
}

static void test_tasks_and_load(void **state)
{
	char *d = tmpdir(), cgdir[512], sub[512], proc[512], path[512];
	struct lxzone_page_writer w;
	struct zone_error err = {0};
	struct zone_cgroup cg;
	struct lxzone_page *snap = page_new();
	struct lx_loadavg want = {{0, 0, 0}};

	(void)state;
	snprintf(cgdir, sizeof(cgdir), "%s/cg", d);
	snprintf(sub, sizeof(sub), "%s/cg/child", d);
	snprintf(proc, sizeof(proc), "%s/proc", d);
	snprintf(path, sizeof(path), "%s/page", d);
	assert_int_equal(mkdir(cgdir, 0755), 0);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(mkdir(proc, 0755), 0);
	put(cgdir, "memory.max", "268435456\n");
	/* 1009 exited; 48000 is a host-side `lxzone exec` in the cgroup, not in the zone */
	put(cgdir, "cgroup.threads", "1001\n1002\n1003\n1009\n48000\n");
	put(sub, "cgroup.threads", "1004\n");
	fake_task(proc, 1001, 'R', 1);
	fake_task(proc, 1002, 'D', 7);
	fake_task(proc, 1003, 'S', 3);
	fake_task(proc, 1004, 'R', 12);
	fake_task(proc, 48000, 'R', 0);
	cg_v2(&cg, cgdir);

	assert_int_equal(lxzone_page_create(&w, path, 1 * SEC, &err), 0);
	w.proc = proc;
	assert_int_equal(lxzone_page_sample_at(&w, &cg, 10 * SEC, &err), 0);
	assert_int_equal(lxzone_page_read(w.page, snap), 0);
	assert_int_equal(snap->nr_running, 2);
	assert_int_equal(snap->nr_blocked, 1);
	assert_int_equal(snap->nr_threads, 4);
	assert_int_equal(snap->last_pid, 12);
	assert_int_equal(snap->nr_forks, 12);
	assert_int_equal(snap->host_pidns, 0);
	{
		/* the wall clock of the boot, taken once: realtime - boottime + boot */
		struct timespec rt, bt;
		clock_gettime(CLOCK_REALTIME, &rt);
		clock_gettime(CLOCK_BOOTTIME, &bt);
		int64_t want = (rt.tv_sec - bt.tv_sec + 1) * (int64_t)SEC + rt.tv_nsec - bt.tv_nsec;
		int64_t got = (int64_t)snap->zone_boot_real_ns;
		assert_true(got - want < (int64_t)SEC / 10 && want - got < (int64_t)SEC / 10);
	}
	assert_int_equal(snap->mem_limit, 256 * MiB);
	assert_memory_equal(&snap->load, &want, sizeof(want)); /* starts at 0 */

	/* 5 s later: one load period with R + D = 3 active */
	lx_loadavg_sample(&want, 3);
	assert_int_equal(lxzone_page_sample_at(&w, &cg, 15 * SEC, &err), 0);
	assert_int_equal(lxzone_page_read(w.page, snap), 0);
	assert_memory_equal(&snap->load, &want, sizeof(want));
	assert_true(snap->load.avenrun[0] > 0);

	/* a second later: no period has passed, but the counts are current; 1005 is in a pid
	 * namespace of its own inside the zone, pid 15 in the zone's (2 in its own) */
	fake_task(proc, 1005, 'R', -15);
	put(sub, "cgroup.threads", "1004\n1005\n");
	assert_int_equal(lxzone_page_sample_at(&w, &cg, 16 * SEC, &err), 0);
	assert_int_equal(lxzone_page_read(w.page, snap), 0);
	assert_memory_equal(&snap->load, &want, sizeof(want));
	assert_int_equal(snap->nr_threads, 5);
	assert_int_equal(snap->nr_running, 3);
	assert_int_equal(snap->last_pid, 15);
	assert_int_equal(snap->sampled_ns, 16 * SEC);

	/* 20, 25 and 30 s all passed by the time of this sample: three periods, 4 active */
	for (int i = 0; i < 3; i++)
		lx_loadavg_sample(&want, 4);
	assert_int_equal(lxzone_page_sample_at(&w, &cg, 31 * SEC, &err), 0);
	assert_int_equal(lxzone_page_read(w.page, snap), 0);
	assert_memory_equal(&snap->load, &want, sizeof(want));
	assert_int_equal(snap->nr_running, 3);
	assert_int_equal(snap->nr_threads, 5);
	assert_int_equal(snap->last_pid, 15); /* never goes down */

	lxzone_page_close(&w, true);
	rmtree(d);
	free(d);
	free(snap);
}

/* Sharing the host's pid namespace: the host's last pid, no fork count. */
static void test_host_pidns_last_pid(void **state)
{
	char *d = tmpdir(), proc[512], path[512], sys[600];
	struct lxzone_page_writer w;
	struct zone_error err = {0};
	struct zone_cgroup cg;
	struct lxzone_page *snap = page_new();

	(void)state;
	snprintf(proc, sizeof(proc), "%s/proc", d);
	snprintf(sys, sizeof(sys), "%s/proc/sys/kernel", d);
	snprintf(path, sizeof(path), "%s/page", d);
	char cmd[700];
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", sys);
	assert_int_equal(system(cmd), 0);
	put(sys, "ns_last_pid", "48213\n");
	cg_v1(&cg, "capped");
	assert_int_equal(lxzone_page_create(&w, path, 0, &err), 0);
	w.proc = proc;
	w.host_pidns = true;
	assert_int_equal(lxzone_page_sample_at(&w, &cg, SEC, &err), 0);
	assert_int_equal(lxzone_page_read(w.page, snap), 0);
	assert_int_equal(snap->last_pid, 48213);
	assert_int_equal(snap->nr_forks, 0);
	assert_int_equal(snap->host_pidns, 1);	      /* readers show the host's fork count */
	assert_int_equal(snap->zone_boot_real_ns, 0); /* boot 0: the host's own btime */
	assert_int_equal(snap->nr_threads, 0);	      /* the fixture has no tasks file */
	lxzone_page_close(&w, true);
	rmtree(d);
	free(d);
	free(snap);
}

/*
 * The host's memory rides in the page (host_mem), so the brand's sysinfo never reads a
 * /proc/meminfo (the zone's own where the kernel serves lxproc's files): sampled from the
 * writer's /proc, rendered back as meminfo lines, and a capped zone's sysinfo from them is the
 * zone's, an uncapped one's the host's.
 */
static void test_host_mem_for_sysinfo(void **state)
{
	char *d = tmpdir(), proc[512], path[512], text[256];
	struct lxzone_page_writer w;
	struct zone_error err = {0};
	struct zone_cgroup cg;
	struct lxzone_page *snap = page_new();
	struct lxproc_view v;
	struct lx_sysinfo si;
	size_t n;

	(void)state;
	snprintf(proc, sizeof(proc), "%s/proc", d);
	snprintf(path, sizeof(path), "%s/page", d);
	assert_int_equal(mkdir(proc, 0755), 0);
	put(proc, "meminfo",
	    "MemTotal:        8000000 kB\nMemFree:         5000000 kB\n"
	    "MemAvailable:    6000000 kB\nBuffers:           10000 kB\nCached:  1 kB\n"
	    "Shmem:             20000 kB\nSwapTotal:       2000000 kB\n"
	    "SwapFree:        1500000 kB\n");
	cg_v1(&cg, "capped");
	assert_int_equal(lxzone_page_create(&w, path, 0, &err), 0);
	w.proc = proc;
	assert_int_equal(lxzone_page_sample_at(&w, &cg, SEC, &err), 0);
	assert_int_equal(lxzone_page_read(w.page, snap), 0);
	assert_int_equal(snap->host_mem.total, 8000000);
	assert_int_equal(snap->host_mem.free, 5000000);
	assert_int_equal(snap->host_mem.shmem, 20000);
	assert_int_equal(snap->host_mem.swap_free, 1500000);

	n = lxproc_page_host_meminfo(&snap->host_mem, text, sizeof(text));
	assert_true(n > 0 && n < sizeof(text));
	assert_non_null(strstr(text, "MemTotal: 8000000 kB\n"));
	assert_non_null(strstr(text, "SwapFree: 1500000 kB\n"));
	assert_int_equal(lxproc_page_host_meminfo(&snap->host_mem, text, 16), 0); /* never a cut text */

	/* the capped fixture: sysinfo is the cap's, whatever the host has */
	lxproc_view_init(&v);
	lxproc_view_from_page(&v, snap, 2 * SEC, NULL);
	lxproc_view_set_host(&v, LXPROC_IN_HOST_MEMINFO, (struct lx_text){text, n});
	assert_int_equal(lxproc_sysinfo(&v, &si), LXPROC_OK);
	assert_int_equal(si.totalram, snap->mem_limit);
	assert_true(si.totalram < 8000000ULL * 1024);
	/* no cap: the host's, from the page alone */
	/* the brand's sysinfo reads the page's summary alone: the same answer */
	struct lxzone_page_summary sum;
	struct lx_sysinfo si2;
	assert_int_equal(lxzone_page_read_summary(w.page, &sum), 0);
	n = lxproc_page_host_meminfo(&sum.host_mem, text, sizeof(text));
	assert_true(n > 0);
	lxproc_view_init(&v);
	lxproc_view_from_summary(&v, &sum, 2 * SEC);
	lxproc_view_set_host(&v, LXPROC_IN_HOST_MEMINFO, (struct lx_text){text, n});
	assert_int_equal(lxproc_sysinfo(&v, &si2), LXPROC_OK);
	assert_memory_equal(&si2, &si, sizeof(si));
	v.mem_limit = v.swap_limit = LX_NOCAP;
	assert_int_equal(lxproc_sysinfo(&v, &si), LXPROC_OK);
	assert_int_equal(si.totalram, 8000000ULL * 1024);
	assert_int_equal(si.freeram, 5000000ULL * 1024);
	assert_int_equal(si.bufferram, 10000ULL * 1024);
	assert_int_equal(si.totalswap, 2000000ULL * 1024);

	/* an unreadable meminfo keeps the last sample's */
	char mi[600];
	snprintf(mi, sizeof(mi), "%s/meminfo", proc);
	assert_int_equal(unlink(mi), 0);
	assert_int_equal(lxzone_page_sample_at(&w, &cg, 2 * SEC, &err), 0);
	assert_int_equal(lxzone_page_read(w.page, snap), 0);
	assert_int_equal(snap->host_mem.total, 8000000);
	lxzone_page_close(&w, true);
	rmtree(d);
	free(d);
	free(snap);
}

/* The sequence lock: a reader racing a writer that alternates between two cgroups never sees
 * a mix of them, and a writer caught mid-write makes the reader give up. */
/* Write a v1 cpuacct.usage_all with host CPUs 0 and 1 (nanoseconds). */
static void put_usage_all(const char *dir, uint64_t u0, uint64_t s0, uint64_t u1, uint64_t s1)
{
	char text[256];

	snprintf(text, sizeof(text), "cpu user system\n0 %lu %lu\n1 %lu %lu\n", (unsigned long)u0,
		 (unsigned long)s0, (unsigned long)u1, (unsigned long)s1);
	put(dir, "cpuacct.usage_all", text);
}

/*
 * Samples over time publish CPU times fit for /proc/stat: the cgroup's counters, but per zone
 * CPU never ahead of the time elapsed since the zone booted (held back, then carried), never
 * going back; the previous sample's times and time for the readers' interpolation.
 */
static void test_samples_publish_cpu_times(void **state)
{
	char *d = tmpdir(), path[512];
	struct lxzone_page_writer w;
	struct zone_error err = {0};
	struct zone_cgroup cg;
	struct lxzone_page *snap = page_new();
	const uint64_t boot = 100 * SEC;

	(void)state;
	cg_v1(&cg, "x");
	for (int c = 0; c < ZONE_CG_NCTRL; c++)
		snprintf(cg.v1[c], sizeof(cg.v1[c]), "%s", d);
	put(d, "cpuset.effective_cpus", "1\n");
	put(d, "cpu.cfs_quota_us", "-1\n");
	put(d, "cpu.cfs_period_us", "100000\n");
	snprintf(path, sizeof(path), "%s/page", d);
	assert_int_equal(lxzone_page_create(&w, path, boot, &err), 0);
	w.host_pidns = true;
	w.proc = d;

	/* the first sample: nothing before it, shown as it is */
	put_usage_all(d, 0, 0, 50 * 10000000ULL, 0);
	assert_int_equal(lxzone_page_sample_at(&w, &cg, boot + 2 * SEC, &err), 0);
	assert_int_equal(lxzone_page_read(w.page, snap), 0);
	assert_int_equal(snap->cpu_src, LXPROC_CPU_PERCPU);
	assert_int_equal(snap->cpu_percpu[1].user, 50);
	assert_int_equal(snap->cpu_prev_ns, boot + 2 * SEC);
	assert_int_equal(snap->cpu_prev_percpu[1].user, 50);

	/* 1.3 s of user time in 1 s (the counters read after the clock): 100 shown, 30 held */
	put_usage_all(d, 7 * 10000000ULL, 0, 180 * 10000000ULL, 0);
	assert_int_equal(lxzone_page_sample_at(&w, &cg, boot + 3 * SEC, &err), 0);
	assert_int_equal(lxzone_page_read(w.page, snap), 0);
	assert_int_equal(snap->cpu_percpu[1].user, 150);
	assert_int_equal(snap->cpu_percpu[0].user, 0); /* not a zone CPU */
	assert_int_equal(snap->cpu_total.user, 150);
	assert_int_equal(snap->cpu_prev_ns, boot + 2 * SEC);
	assert_int_equal(snap->cpu_prev_percpu[1].user, 50);
	assert_int_equal(snap->cpu_prev_total.user, 50);

	/* idle for a second: the 30 held back come through, and system time too */
	put_usage_all(d, 7 * 10000000ULL, 0, 180 * 10000000ULL, 5 * 10000000ULL);
	assert_int_equal(lxzone_page_sample_at(&w, &cg, boot + 4 * SEC, &err), 0);
	assert_int_equal(lxzone_page_read(w.page, snap), 0);
	assert_int_equal(snap->cpu_percpu[1].user, 180);
	assert_int_equal(snap->cpu_percpu[1].system, 5);
	assert_int_equal(snap->cpu_prev_percpu[1].user, 150);

	/* a counter that went back (a recreated cgroup) never takes the published times back */
	put_usage_all(d, 0, 0, 10 * 10000000ULL, 0);
	assert_int_equal(lxzone_page_sample_at(&w, &cg, boot + 5 * SEC, &err), 0);
	assert_int_equal(lxzone_page_read(w.page, snap), 0);
	assert_int_equal(snap->cpu_percpu[1].user, 180);
	assert_int_equal(snap->cpu_percpu[1].system, 5);

	lxzone_page_close(&w, true);
	rmtree(d);
	free(d);
	free(snap);
}

struct race {
	struct lxzone_page_writer *w;
	struct zone_cgroup capped, host;
	volatile int stop;
	int samples;
};

static void *writer(void *arg)
{
	struct race *r = arg;
	struct zone_error err = {0};

	for (int i = 0; !r->stop && i < 20000; i++) {
		if (lxzone_page_sample_at(r->w, i % 2 ? &r->host : &r->capped,
					  (uint64_t)(i + 1) * SEC, &err) < 0)
			break;
		r->samples++;
	}
	r->stop = 1;
	return NULL;
}

static void test_seqlock_under_race(void **state)
{
	char *d = tmpdir(), path[512];
	struct lxzone_page_writer w;
	struct zone_error err = {0};
	struct lxzone_page *snap = page_new();
	struct race r = {.w = &w};
	pthread_t t;
	int seen_capped = 0, seen_host = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/page", d);
	cg_v1(&r.capped, "capped");
	cg_v1(&r.host, "host");
	assert_int_equal(lxzone_page_create(&w, path, 0, &err), 0);
	w.host_pidns = true;
	w.proc = d; /* no ns_last_pid there: 0 */
	assert_int_equal(lxzone_page_sample_at(&w, &r.capped, 0, &err), 0);
	assert_int_equal(pthread_create(&t, NULL, writer, &r), 0);
	while (!r.stop) {
		if (lxzone_page_read(w.page, snap) < 0)
			continue;
		if (snap->mem_limit == 256 * MiB) {
			assert_int_equal(snap->cpu_quota_us, 50000);
			assert_int_equal(lx_cpuset_count(&snap->cpuset), 1);
			seen_capped++;
		} else {
			assert_true(snap->mem_limit == LX_NOCAP);
			assert_true(snap->cpu_quota_us == LX_NOCAP);
			assert_int_equal(lx_cpuset_count(&snap->cpuset), 2);
			seen_host++;
		}
		/* the published times and their sums come from one sample */
		{
			struct lx_cputime sum = {0, 0, 0};

			for (int i = 0; i < LXZP_MAXCPU; i++) {
				sum.user += snap->cpu_percpu[i].user;
				sum.system += snap->cpu_percpu[i].system;
			}
			assert_int_equal(sum.user, snap->cpu_total.user);
			assert_int_equal(sum.system, snap->cpu_total.system);
			assert_true(snap->cpu_prev_ns <= snap->sampled_ns);
		}
	}
	pthread_join(t, NULL);
	assert_true(r.samples > 0);
	assert_true(seen_capped + seen_host > 0);

	/* a writer stopped between begin and end: the reader refuses rather than tear */
	lxzone_page_write_begin(w.page);
	assert_int_equal(lxzone_page_read(w.page, snap), -1);
	lxzone_page_write_end(w.page);
	assert_int_equal(lxzone_page_read(w.page, snap), 0);

	lxzone_page_close(&w, true);
	rmtree(d);
	free(d);
	free(snap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_v1_capped),
	    cmocka_unit_test(test_v1_host_nocap),
	    cmocka_unit_test(test_v1_usage_percpu_fallback),
	    cmocka_unit_test(test_v2_capped),
	    cmocka_unit_test(test_v2_host_nocap),
	    cmocka_unit_test(test_missing_cgroup_is_an_error),
	    cmocka_unit_test(test_create_and_map_read_only),
	    cmocka_unit_test(test_create_error_has_context),
	    cmocka_unit_test(test_tasks_and_load),
	    cmocka_unit_test(test_host_pidns_last_pid),
	    cmocka_unit_test(test_samples_publish_cpu_times),
	    cmocka_unit_test(test_seqlock_under_race),
	    cmocka_unit_test(test_disks_named_from_sysfs),
	    cmocka_unit_test(test_net_view),
	    cmocka_unit_test(test_host_mem_for_sysinfo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
