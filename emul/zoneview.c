#include "emul/zoneview.h"
#include "emul/lx_abi.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "emul/state.h"
#include "proc/lxzonepage.h"

#define CACHE_TSC   (1ULL << 31)
#define SCRATCH_MAX (4UL << 20)

struct host_src {
	const char *path;
	uint32_t input; /* LXPROC_IN_HOST_* */
	size_t cap;
};

static const struct host_src host_srcs[] = {
    {"/proc/meminfo", LXPROC_IN_HOST_MEMINFO, 16384},
    {"/proc/stat", LXPROC_IN_HOST_STAT, 65536},
    {"/proc/cpuinfo", LXPROC_IN_HOST_CPUINFO, 262144},
    {"/proc/swaps", LXPROC_IN_HOST_SWAPS, 16384},
    {"/proc/diskstats", LXPROC_IN_HOST_DISKSTATS, 65536},
    {"/proc/version", LXPROC_IN_HOST_VERSION, 1024},
};

/* what was read, zero-initialized apart from the sources: the brand has no file-backed data
 * (syscalls/lx_exe.c) */
static struct host_file {
	char *buf;
	size_t len;
	uint64_t tsc;
	int valid;
} host_files[sizeof(host_srcs) / sizeof(host_srcs[0])];

/* what every trapped sysinfo and /proc open reads first: in the hot page (LX_BSS_HOT), not
 * zv's, which only the /proc files write */
static struct {
	const volatile struct lxzone_page *page; /* mapped, or NULL */
	int tried;
	int valid; /* the page was seen valid */
} zp LX_BSS_HOT;

static struct {
	volatile int lock;
	struct lxzone_page snap;
	int snap_valid; /* snap is a valid copy of the page at snap.seq */
	char *scratch;
	size_t scratch_cap;
	char release[65];
	uint64_t host_gen; /* bumped on every host text re-read */
} zv;

int lx_zone_serves(const struct lxproc_file *f)
{
	/* where the kernel serves them (lxprocfs's binds, zone/lxprocfs.h) its file is the zone's:
	 * an open that traps anyway (a shared zone's, netlink/nlfilter.h) goes on to it.  Served
	 * here, the process would get the descriptor filter and trap every fstat after (nginx's
	 * per request: 0.81 of native) */
	if (lx_zone_active())
		return !(zp.page->flags & LXZP_F_KERNEL_FILES);
	return lx_proc.kver[0] && !(f->inputs & ~(LXPROC_IN_KVER | LXPROC_IN_HOST_VERSION));
}

int lx_zone_active(void)
{
	struct lxzone_page_summary probe;

	if (!zp.tried) {
		zp.tried = 1;
		if (lx_proc.page_path[0]) {
			long fd =
			    lx_sys3(LX_SYS_open, lx_proc.page_path, LX_O_RDONLY | LX_O_CLOEXEC, 0);
			struct lx_stat st;

			/* a page shorter than this brand's (another lxzone's, a stale or truncated
			 * file) would fault past its end: not used, and lxproc shows the host */
			if (fd >= 0 && (lx_sys2(LX_SYS_fstat, fd, &st) != 0 ||
					(uint64_t)st.size < sizeof(struct lxzone_page))) {
				lx_sys1(LX_SYS_close, fd);
				fd = -1;
			}
			if (fd >= 0) {
				long m = lx_sys6(LX_SYS_mmap, 0,
						 (sizeof(struct lxzone_page) + LX_PAGE - 1) &
						     ~(LX_PAGE - 1),
						 LX_PROT_READ, 0x01 /* MAP_SHARED */, fd, 0);
				lx_sys1(LX_SYS_close, fd);
				if (!lx_is_err(m))
					zp.page = (const volatile struct lxzone_page *)m;
			}
		}
	}
	if (!zp.page)
		return 0;
	/* once valid, a page stays valid (magic and version are fixed, ready is never reset):
	 * every trapped open asks, so only the first ask reads the page */
	if (zp.valid)
		return 1;
	zp.valid = lxzone_page_read_summary(zp.page, &probe) == 0;
	return zp.valid;
}

/* The host's text of one file, read at most once a ~second. */
static struct lx_text host_text(unsigned i, uint64_t now)
{
	const struct host_src *src = &host_srcs[i];
	struct host_file *h = &host_files[i];
	struct lx_text t = {"", 0};
	long fd, r;

	if (!h->buf) {
		h->buf = lx_mmap_anon(src->cap);
		if (!h->buf)
			return t;
	}
	if (!h->valid || now - h->tsc >= CACHE_TSC) {
		h->valid = 0;
		h->len = 0;
		fd = lx_sys3(LX_SYS_open, src->path, LX_O_RDONLY | LX_O_CLOEXEC, 0);
		if (fd >= 0) {
			while (h->len < src->cap && (r = lx_sys3(LX_SYS_read, fd, h->buf + h->len,
								 src->cap - h->len)) > 0)
				h->len += (size_t)r;
			lx_sys1(LX_SYS_close, fd);
			h->tsc = now;
			h->valid = 1;
			zv.host_gen++;
		}
	}
	t.p = h->buf;
	t.len = h->len;
	return t;
}

/* The reader's CLOCK_BOOTTIME: in a booted zone, its time namespace's (lxzone_page_host_ns). */
static uint64_t boottime_ns(void)
{
	struct {
		int64_t sec, nsec;
	} ts = {0, 0};

	lx_sys2(228 /* clock_gettime */, 7 /* CLOCK_BOOTTIME */, &ts);
	return (uint64_t)ts.sec * 1000000000ULL + (uint64_t)ts.nsec;
}

/*
 * The reader's pid namespace's last pid, as /proc/loadavg prints it on Linux: the page's is
 * a second old (a `cat /proc/loadavg` would not see its own pid) and, from outside the
 * zone, only an estimate.  0 when it cannot be read.
 */
static uint32_t live_last_pid(void)
{
	char buf[16];
	uint32_t pid = 0;
	long fd, n;

	fd = lx_sys3(LX_SYS_open, "/proc/sys/kernel/ns_last_pid",
		     LX_O_RDONLY | LX_O_CLOEXEC | 04000 /* O_NONBLOCK: never a hang */, 0);
	if (fd < 0)
		return 0;
	n = lx_sys3(LX_SYS_read, fd, buf, sizeof(buf));
	lx_sys1(LX_SYS_close, fd);
	for (long i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
		pid = pid * 10 + (uint32_t)(buf[i] - '0');
	return pid;
}

/*
 * zv.snap = the page, copied only when its sequence moved since the last copy (the page is
 * ~20 KiB with its per-CPU times: copying it on every sysinfo cost more than the rest of the
 * call).  Called with zv locked.  0, or -1 when the page is not valid.
 */
static int snapshot(void)
{
	uint32_t seq = __atomic_load_n(&zp.page->seq, __ATOMIC_ACQUIRE);

	if (zv.snap_valid && !(seq & 1) && seq == zv.snap.seq)
		return 0;
	zv.snap_valid = lxzone_page_read(zp.page, &zv.snap) == 0;
	return zv.snap_valid ? 0 : -1;
}

/* Fills v for the inputs asked; called with zv locked.  0 or -errno. */
static long build_view(struct lxproc_view *v, uint32_t inputs)
{
	static struct lxzone_page nocaps_page;
	static struct lxproc_disknames disknames;
	const struct lxzone_page *p = &zv.snap;
	uint64_t now = __builtin_ia32_rdtsc();

	lxproc_view_init(v);
	if (!zp.page || snapshot() != 0) {
		/* no caps to show (a zone-less run with only a kernel-version): only the files
		 * that show the release are served (lx_zone_serves) */
		if (!lx_proc.kver[0])
			return -LX_EAGAIN;
		p = &nocaps_page;
		nocaps_page.mem_limit = nocaps_page.swap_limit = LX_NOCAP;
		nocaps_page.cpu_quota_us = LX_NOCAP;
	}
	if (!zv.release[0]) {
		struct lx_utsname u;
		if (lx_sys1(LX_SYS_uname, &u) == 0)
			lx_strlcpy(zv.release, u.release, sizeof(zv.release));
	}
	v->kver = lx_proc.kver;
	v->host_release = zv.release;
	/* the page's times are the host's: so is now, whatever the reader's namespace says */
	lxproc_view_from_page(v, p,
			      (inputs & (LXPROC_IN_TIME | LXPROC_IN_CPUTIME))
				  ? lxzone_page_host_ns(p, boottime_ns())
				  : 0,
			      (inputs & LXPROC_IN_DISKS) ? &disknames : NULL);
	if (inputs & LXPROC_IN_LASTPID)
		lxproc_view_live_pid(v, live_last_pid());
	/* btime needs the host's boot time, and the zone's CPUs the host's: /proc/stat */
	inputs |= (inputs & (LXPROC_IN_TIME | LXPROC_IN_CPUTIME | LXPROC_IN_CPUS))
		      ? LXPROC_IN_HOST_STAT
		      : 0;
	for (unsigned i = 0; i < sizeof(host_files) / sizeof(host_files[0]); i++) {
		if (!(inputs & host_srcs[i].input))
			continue;
		struct lx_text t = host_text(i, now);
		lxproc_view_set_host(v, host_srcs[i].input, t);
	}
	return 0;
}

uint64_t lx_zone_generation(const struct lxproc_file *f)
{
	uint64_t now = __builtin_ia32_rdtsc();

	/* time moves, and the last pid is read live (live_last_pid) */
	if (!zp.page || (f->inputs & (LXPROC_IN_TIME | LXPROC_IN_CPUTIME | LXPROC_IN_LASTPID)))
		return 0;
	/* a host text this file reads is due for a re-read: the text may change */
	for (unsigned i = 0; i < sizeof(host_files) / sizeof(host_files[0]); i++) {
		const struct host_file *h = &host_files[i];
		if ((f->inputs & host_srcs[i].input) && (!h->valid || now - h->tsc >= CACHE_TSC))
			return 0;
	}
	uint32_t seq = __atomic_load_n(&zp.page->seq, __ATOMIC_ACQUIRE);
	if (seq & 1)
		return 0;
	return ((uint64_t)seq << 32 | (zv.host_gen & 0xffffffffULL)) + 1;
}

long lx_zone_render(const struct lxproc_file *f, struct lx_text *out)
{
	struct lxproc_view v;
	struct lx_buf b;
	long r;

	lx_spin_lock(&zv.lock);
	r = build_view(&v, f->inputs);
	for (size_t cap = zv.scratch_cap ? zv.scratch_cap : 65536; r == 0; cap *= 2) {
		if (cap > zv.scratch_cap) {
			if (cap > SCRATCH_MAX) {
				r = -LX_ENOMEM;
				break;
			}
			char *n = lx_mmap_anon(cap);
			if (!n) {
				r = -LX_ENOMEM;
				break;
			}
			if (zv.scratch)
				lx_munmap(zv.scratch, zv.scratch_cap);
			zv.scratch = n;
			zv.scratch_cap = cap;
		}
		lx_buf_init(&b, zv.scratch, zv.scratch_cap);
		int g = f->gen(&v, &b);
		if (g == LXPROC_ETRUNC || b.trunc)
			continue;
		if (g < 0)
			r = -LX_EIO;
		else {
			out->p = b.p;
			out->len = b.len;
		}
		break;
	}
	lx_spin_unlock(&zv.lock);
	return r;
}

long lx_zone_sysinfo(struct lx_sysinfo *si)
{
	struct lxzone_page_summary s;
	struct lxproc_view v;
	char host_mem[256];
	size_t n;
	long r;

	/* the page's summary, read from the page itself: neither the lock nor zv.snap, a copy of
	 * the whole page that only the /proc files need (lxzone_page_summary).  The host's memory
	 * comes from the page too (lxzone_page.host_mem), as its writer saw it: sysinfo needs
	 * nothing else of the host, and in a zone whose lxproc files the kernel serves the guest's
	 * /proc/meminfo is the zone's own text behind a FUSE round trip, not the host's. */
	if (lxzone_page_read_summary(zp.page, &s) == 0 &&
	    (n = lxproc_page_host_meminfo(&s.host_mem, host_mem, sizeof(host_mem))) != 0) {
		lxproc_view_init(&v);
		lxproc_view_from_summary(&v, &s, boottime_ns() + s.timens_boot_ns);
		lxproc_view_set_host(&v, LXPROC_IN_HOST_MEMINFO, (struct lx_text){host_mem, n});
		return lxproc_sysinfo(&v, si) < 0 ? -LX_EIO : 0;
	}
	/* a page without the host's memory, or none valid: the host's file */
	lx_spin_lock(&zv.lock);
	r = build_view(&v, LXPROC_IN_HOST_MEMINFO | LXPROC_IN_MEM | LXPROC_IN_TIME |
			       LXPROC_IN_LOAD | LXPROC_IN_TASKS);
	if (r == 0 && lxproc_sysinfo(&v, si) < 0)
		r = -LX_EIO;
	lx_spin_unlock(&zv.lock);
	return r;
}

long lx_zone_affinity(const uint8_t *host, size_t host_len, uint8_t *mask, size_t len)
{
	struct lxproc_view v;
	long r;

	lx_spin_lock(&zv.lock);
	r = build_view(&v, LXPROC_IN_HOST_STAT);
	if (r == 0) {
		int n = lxproc_affinity(&v, host, host_len, mask, len);
		r = n < 0 ? -LX_EINVAL : n;
	}
	lx_spin_unlock(&zv.lock);
	return r;
}

int lx_zone_netview(struct lx_nl_view *v)
{
	const struct lxzone_page *p = &zv.snap;
	int r = -1;

	if (!lx_zone_active())
		return -1;
	lx_spin_lock(&zv.lock);
	if (snapshot() == 0 && (p->flags & LXZP_F_NET_SHARED)) {
		memset(v, 0, sizeof(*v));
		v->nif = p->net_nif < LX_NL_MAXIF ? p->net_nif : LX_NL_MAXIF;
		for (size_t i = 0; i < v->nif; i++)
			v->ifindex[i] = p->net_ifindex[i];
		v->naddr = p->net_naddr < LX_NL_MAXADDR ? p->net_naddr : LX_NL_MAXADDR;
		memcpy(v->addr, p->net_addr, v->naddr * sizeof(v->addr[0]));
		v->zone_if = v->nif >= 2 ? v->ifindex[1] : 0;
		for (size_t i = 0; v->zone_if && i + 1 < sizeof(v->zone_ifname); i++)
			v->zone_ifname[i] = p->net_ifname[i];
		v->shared = 1;
		r = 0;
	}
	lx_spin_unlock(&zv.lock);
	return r;
}
