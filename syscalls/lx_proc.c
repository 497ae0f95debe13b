/*
 * lxproc in the brand: open/openat of the synthesized /proc and /sys files, sysinfo and
 * sched_getaffinity, answered from the zone's view.
 *
 * These calls are trapped only in zones with caps (a zone page exists; the filter otherwise
 * passes them through untouched), and openat only with AT_FDCWD (kernel-shim/filter.c).  The fast
 * path of a trapped open is one short copy of the path and a table lookup: any path that is not one
 * of lxproc's files goes on to the kernel with the guest's own pointer, so flags, errors and EFAULT
 * are the kernel's.
 *
 * A synthesized file is served as a memfd holding the text, reopened read-only through
 * /proc/self/fd, so the guest gets its own read-only open file with working read, pread,
 * lseek and poll; writes fail with EBADF and opening for write with EACCES, as for a 0444
 * proc file.  Creating a memfd costs more than the whole native open+read+close of a proc
 * file, so the brand keeps, per lxproc file, the last memfd it made and reuses it while the
 * text is unchanged (meminfo within one sampling period): only the reopen is paid.  The
 * kept descriptor is checked by device and inode before reuse, since the guest may have
 * closed it and reused the number.  Known differences from Linux (docs/architecture.md):
 * fstat shows the text's size, /proc/self/fd/N names a memfd, and a descriptor re-read
 * after lseek(0) shows the text of its open, not a fresh one.
 */
#include "emul/guestmem.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "emul/path.h"
#include "emul/zoneview.h"
#include "syscalls/handlers.h"

#define O_ACCMODE   3
#define O_CREAT	    0100
#define O_NONBLOCK  04000
#define O_DIRECTORY 0200000
#define O_PATH	    010000000
#define MFD_CLOEXEC 1
#define PREFIX_CAP  256

/* basenames of lxproc's files: only these make a relative open worth resolving */
static int lxproc_basename(const char *s)
{
	static const char *const names[] = {
	    "meminfo", "swaps",	    "cpuinfo", "stat",	 "uptime",   "loadavg", "diskstats",
	    "version", "osrelease", "ostype",  "online", "possible", "present"};

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (lx_strcmp(s, names[i]) == 0)
			return 1;
	return 0;
}

/* The last memfd made for each lxproc file, with its text's hash and identity. */
static struct kept {
	long fd; /* -1: none */
	uint64_t dev, ino, hash, len;
	uint64_t gen; /* lx_zone_generation of its text; 0: unknown */
} kept[32];
static volatile int kept_lock;

static uint64_t fnv1a(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	while (n--)
		h = (h ^ (unsigned char)*p++) * 1099511628211ULL;
	return h;
}

static long reopen(long mfd, long flags)
{
	char self[LX_FD_LINK_MAX];

	lx_fd_link(mfd, self);
	return lx_sys3(LX_SYS_open, self, LX_O_RDONLY | (flags & (LX_O_CLOEXEC | O_NONBLOCK)), 0);
}

/* A new memfd with the text, or -errno. */
static long make_memfd(struct lx_text text)
{
	long mfd = lx_sys2(319 /* memfd_create */, "lxproc", MFD_CLOEXEC), r;

	if (mfd < 0)
		return mfd;
	for (size_t off = 0; off < text.len;) {
		r = lx_sys3(LX_SYS_write, mfd, text.p + off, text.len - off);
		if (r <= 0) {
			lx_sys1(LX_SYS_close, mfd);
			return r < 0 ? r : -LX_EIO;
		}
		off += (size_t)r;
	}
	return mfd;
}

static long serve(const struct lxproc_file *f, long flags)
{
	struct lx_text text;
	struct lx_stat st;
	struct kept *k = &kept[(f - lxproc_files) % 32];
	long mfd, fd, r;
	uint64_t h;

	if ((flags & O_ACCMODE) != LX_O_RDONLY || (flags & O_CREAT))
		return -LX_EACCES;
	if (flags & O_DIRECTORY)
		return -LX_ENOTDIR;
	lx_spin_lock(&kept_lock);
	/* nothing the text depends on has changed since the kept memfd: reopen it as is */
	uint64_t gen = lx_zone_generation(f);
	if (gen && k->fd > 0 && k->gen == gen && lx_sys2(LX_SYS_fstat, k->fd, &st) == 0 &&
	    st.dev == k->dev && st.ino == k->ino) {
		r = reopen(k->fd, flags);
		if (r >= 0)
			goto out;
	}
	r = lx_zone_render(f, &text);
	if (r < 0)
		goto out;
	h = fnv1a(text.p, text.len);
	if (k->fd > 0 && k->hash == h && k->len == text.len &&
	    lx_sys2(LX_SYS_fstat, k->fd, &st) == 0 && st.dev == k->dev && st.ino == k->ino) {
		r = reopen(k->fd, flags);
		if (r >= 0) {
			k->gen = gen;
			goto out;
		}
	}
	mfd = make_memfd(text);
	if (mfd < 0) {
		r = mfd;
		goto out;
	}
	fd = reopen(mfd, flags);
	if (fd < 0) {
		lx_sys1(LX_SYS_close, mfd);
		r = fd;
		goto out;
	}
	/* keep the new one; drop the old one if it is still ours */
	if (k->fd > 0 && lx_sys2(LX_SYS_fstat, k->fd, &st) == 0 && st.dev == k->dev &&
	    st.ino == k->ino)
		lx_sys1(LX_SYS_close, k->fd);
	if (lx_sys2(LX_SYS_fstat, mfd, &st) == 0) {
		k->fd = mfd;
		k->dev = st.dev;
		k->ino = st.ino;
		k->hash = h;
		k->len = text.len;
		k->gen = gen;
	} else {
		lx_sys1(LX_SYS_close, mfd);
		k->fd = -1;
	}
	r = fd;
out:
	lx_spin_unlock(&kept_lock);
	return r;
}

static long do_open(int nr, int dirfd, uint64_t upath, long flags, long mode)
{
	char p[PREFIX_CAP], abs[4096];
	const struct lxproc_file *f = NULL;
	long n = lx_strncpy_from_guest(p, upath, sizeof(p));

	if (n > 0 && !(flags & O_PATH)) {
		if (p[0] == '/') {
			f = lxproc_lookup(p, (size_t)n);
		} else {
			const char *base = lx_strrchr(p, '/');
			if (lxproc_basename(base ? base + 1 : p) &&
			    lx_path_absolute(dirfd, p, abs, sizeof(abs)) == 0)
				f = lxproc_lookup(abs, lx_strlen(abs));
		}
	}
	if (f && lx_zone_serves(f))
		return serve(f, flags);
	if (nr == LX_SYS_open)
		return lx_sys3(LX_SYS_open, upath, flags, mode);
	return lx_sys4(LX_SYS_openat, dirfd, upath, flags, mode);
}

long lx_sys_open(struct lx_sysctx *c)
{
	return do_open(LX_SYS_open, LX_AT_FDCWD, c->a[0], (long)c->a[1], (long)c->a[2]);
}

long lx_sys_openat(struct lx_sysctx *c)
{
	return do_open(LX_SYS_openat, (int)c->a[0], c->a[1], (long)c->a[2], (long)c->a[3]);
}

long lx_sys_sysinfo(struct lx_sysctx *c)
{
	struct lx_sysinfo si;
	long r;

	if (!lx_zone_active()) {
		r = lx_sys1(99, &si);
	} else {
		r = lx_zone_sysinfo(&si);
	}
	if (r < 0)
		return r;
	return lx_copy_to_guest(c->a[0], &si, sizeof(si)) ? -LX_EFAULT : 0;
}

long lx_sys_sched_getaffinity(struct lx_sysctx *c)
{
	uint8_t host[128], mask[128];
	size_t len = c->a[1] < sizeof(mask) ? (size_t)c->a[1] : sizeof(mask);
	long r = lx_sys3(204, c->a[0], len, host);

	if (r < 0 || !lx_zone_active())
		goto out;
	r = lx_zone_affinity(host, (size_t)r, mask, len);
	if (r < 0)
		return r;
	return lx_copy_to_guest(c->a[2], mask, (size_t)r) ? -LX_EFAULT : r;
out:
	if (r < 0)
		return r;
	return lx_copy_to_guest(c->a[2], host, (size_t)r) ? -LX_EFAULT : r;
}
