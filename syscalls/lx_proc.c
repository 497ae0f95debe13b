/*
 * lxproc in the brand: open, openat and openat2 of the synthesized /proc and /sys files, their
 * re-reads (lseek to 0, pread/preadv at 0), fstat and mmap of them, answered from the zone's
 * view.  This file is the service (syscalls/lx_proc.h); the handlers are in their families'
 * files: lx_open.c, lx_read.c, lx_stat.c, lx_mem.c (and sysinfo, sched_getaffinity in
 * lx_sysinfo.c, lx_sched.c).
 *
 * These calls are trapped only in zones with caps or a kernel-version (the filter otherwise
 * passes them through untouched), and only in the shapes that can matter
 * (filter/filter.c): opens without O_DIRECTORY or O_PATH (and, relative to a directory
 * descriptor, without O_NOFOLLOW), lseek(fd, 0, SEEK_SET), pread64/preadv/preadv2 at offset 0,
 * fstat and its AT_EMPTY_PATH forms (newfstatat, statx), file-backed mmap.  The fast path of a
 * trapped open is one short copy of the path and a table lookup: any path that is not one of
 * lxproc's files goes on to the kernel with the guest's own pointer, so flags, errors and EFAULT
 * are the kernel's.  A relative path costs more only when its last component is an lxproc file's
 * name, and then, relative to a directory descriptor, one fstat tells whether that directory is on
 * procfs or sysfs at all.
 *
 * A synthesized file is served as a sealed memfd holding the text (named "lxproc:<path>"),
 * reopened read-only, so the guest gets its own read-only open file with working read, pread,
 * lseek and poll; writes fail with EBADF and opening for write with EACCES, as for a 0444
 * proc file.  Creating a memfd costs more than the whole native open+read+close of a proc
 * file, so the brand keeps, per lxproc file, the last memfd it made and reuses it while the
 * text is unchanged (meminfo within one sampling period): only the reopen is paid.  The
 * reopen goes through a kept O_PATH descriptor of /proc/self/fd (one path component instead
 * of four), and the descriptor it returns is checked by device and inode before it is handed
 * out: the guest may have closed and reused either number, and a fork child's kept directory
 * is its parent's fd table.  Any mismatch falls back to a fresh directory and a fresh memfd.
 *
 * Re-reading: procps keeps /proc/stat and /proc/meminfo open and rewinds them before every
 * lx_proc_refresh, as seq_file regenerates at offset 0.  lseek(fd, 0, SEEK_SET) and pread(fd, ..,
 * 0) on a descriptor the brand recognises as its own (an unlinked regular file whose /proc link
 * names an "lxproc:" memfd; which survives fork, dup and exec) put a fresh description of
 * the current text in place with dup3, keeping the descriptor's flags, then do the call.
 *
 * Looking like the kernel's file.  fstat of a synthesized descriptor answers the real file's
 * stat (its device, inode, owner and times, stat'ed by path) with the size procfs and sysfs
 * show: 0 (blksize 1024) for /proc, 4096 for /sys; statx likewise.  mmap of it fails as the
 * kernel's does: EIO for a /proc entry, ENODEV for sysctl and sysfs files.  Trapping every
 * fstat would cost a walk like find /usr/include (943 fstats) x1.1, so they are trapped by a
 * second filter (emul/fdfilter.h) that the brand stacks on a process the first time it hands
 * it a synthesized descriptor, with SECCOMP_FILTER_FLAG_TSYNC for all its threads; children
 * inherit it, and LX_BF_FDFILTER tells an exec'd image it is there.  Stacking a filter needs
 * CAP_SYS_ADMIN or no_new_privs: a process with neither (an unprivileged user in a zone) is
 * not given no_new_privs (it would break its setuid programs), and its fstat shows the text's
 * size.  The trapped calls' fast path is the native call plus one look at the result: only
 * an unlinked regular file (a memfd) costs a readlink.  An fstat that finds the kernel's own
 * copy of an lxproc file (opened untrapped, through openat(dirfd, name, O_NOFOLLOW) as fts
 * walks do: grep -r, tar, which fstat every file they open) swaps in the synthesized text
 * there, before the first read.
 *
 * An open re-issued for the guest that may block (no O_NONBLOCK: a FIFO without a writer)
 * runs with the guest's signal mask (kernel_open), so a signal ends it as it would natively.
 *
 * Opens for writing go to the kernel's file, which decides as Linux does: root may open a
 * /proc entry and gets EIO from write, everyone else EACCES; sysctl and sysfs files refuse
 * even root (EACCES, answered here for /sys, whose capped copy is a read-only tmpfs).
 *
 * Known differences from Linux (docs/architecture.md): /proc/self/fd/N leads to a memfd
 * (readlink names the path: syscalls/lx_readlink.c), a descriptor opened O_RDWR is the
 * kernel's (its reads show the host's text), and fstat and mmap are the memfd's in a process
 * the descriptor filter could not be stacked on.
 */
#include "emul/fdfilter.h"
#include "emul/guestmem.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "emul/path.h"
#include "emul/signal.h"
#include "emul/state.h"
#include "emul/zoneview.h"
#include "kernel-shim/brand_abi.h"
#include "syscalls/handlers.h"
#include "syscalls/lx_proc.h"
#include "syscalls/lx_procnet.h"

#define O_ACCMODE		  3
#define O_CREAT			  0100
#define O_EXCL			  0200
#define O_NONBLOCK		  04000
#define O_DIRECTORY		  0200000
#define O_PATH			  010000000
#define LX_SYS_stat		  4
#define LX_SYS_lseek		  8
#define LX_SYS_dup3		  292
#define LX_SYS_memfd_create	  319
#define LX_SYS_openat2		  437
#define LX_SYS_preadv		  295
#define LX_SYS_preadv2		  327
#define LX_SYS_statx		  332
#define LX_SYS_seccomp		  317
#define SECCOMP_SET_MODE_FILTER	  1
#define SECCOMP_FILTER_FLAG_TSYNC 1
#define AT_EMPTY_PATH		  0x1000
#define STATX_BASIC_STATS	  0x7ff
#define F_GETFD			  1
#define F_GETFL			  3
#define FD_CLOEXEC		  1
#define F_ADD_SEALS		  1033
#define F_SEAL_ALL		  (1 | 2 | 4 | 8) /* SEAL, SHRINK, GROW, WRITE */
#define MFD_CLOEXEC		  1
#define MFD_ALLOW_SEALING	  2
#define S_IFMT			  0170000
#define S_IFREG			  0100000
#define PREFIX_CAP		  LX_PROC_PATH_CAP
#define MEMFD_NAME		  "lxproc:"	       /* + the file's path */
#define MEMFD_LINK		  "/memfd:" MEMFD_NAME /* what its /proc link reads */

/* basenames of lxproc's files: only these make a relative open worth resolving */
int lx_proc_basename(const char *s)
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

/* An O_PATH descriptor of /proc/self/fd, to reopen kept memfds by one name lookup. */
static struct {
	int have;
	long fd;
	uint64_t dev, ino;
} fddir;

/* Device numbers of /proc and /sys/devices/system/cpu, for relative opens; 0: not known. */
static uint64_t procfs_dev, cpudir_dev;

static uint64_t fnv1a(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	while (n--)
		h = (h ^ (unsigned char)*p++) * 1099511628211ULL;
	return h;
}

static int same_file(long fd, uint64_t dev, uint64_t ino)
{
	struct lx_stat st;

	return lx_sys2(LX_SYS_fstat, fd, &st) == 0 && st.dev == dev && st.ino == ino;
}

static long open_flags(long flags)
{
	return LX_O_RDONLY | (flags & (LX_O_CLOEXEC | O_NONBLOCK));
}

/* (Re)opens the kept /proc/self/fd directory; 0 or -errno. */
static long fddir_reset(void)
{
	struct lx_stat st;

	/* close the old one only if it is still ours (a fork child's is its parent's dir) */
	if (fddir.have && same_file(fddir.fd, fddir.dev, fddir.ino))
		lx_sys1(LX_SYS_close, fddir.fd);
	fddir.have = 0;
	long d = lx_sys3(LX_SYS_open, "/proc/self/fd", O_PATH | O_DIRECTORY | LX_O_CLOEXEC, 0);
	if (d < 0)
		return d;
	if (lx_sys2(LX_SYS_fstat, d, &st) != 0) {
		lx_sys1(LX_SYS_close, d);
		return -LX_EIO;
	}
	fddir.have = 1;
	fddir.fd = d;
	fddir.dev = st.dev;
	fddir.ino = st.ino;
	return 0;
}

/* A new read-only description of the memfd kept in k, or -1 when k's number is not ours. */
static long reopen_kept(const struct kept *k, long flags)
{
	char name[24];

	lx_utoa((uint64_t)k->fd, name);
	for (int attempt = 0; attempt < 2; attempt++) {
		if ((!fddir.have || attempt > 0) && fddir_reset() < 0)
			break;
		long fd = lx_sys4(LX_SYS_openat, fddir.fd, name, open_flags(flags), 0);
		if (fd >= 0) {
			if (same_file(fd, k->dev, k->ino))
				return fd;
			lx_sys1(LX_SYS_close, fd);
		}
	}
	return -1;
}

long lx_proc_memfd(const char *path, struct lx_text text)
{
	char name[PREFIX_CAP];
	long mfd, r;

	lx_strlcpy(name, MEMFD_NAME, sizeof(name));
	lx_strlcpy(name + sizeof(MEMFD_NAME) - 1, path, sizeof(name) - sizeof(MEMFD_NAME));
	mfd = lx_sys2(LX_SYS_memfd_create, name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
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
	/* nobody, not even a guest reopening /proc/self/fd/N for writing, changes it now */
	lx_sys3(LX_SYS_fcntl, mfd, F_ADD_SEALS, F_SEAL_ALL);
	return mfd;
}

/* Drops k's memfd (if its number is still ours) and keeps mfd instead: 0, or -1 (mfd not
 * kept, still open). */
static int keep(struct kept *k, long mfd, uint64_t hash, size_t len, uint64_t gen)
{
	struct lx_stat st;

	if (k->fd > 0 && same_file(k->fd, k->dev, k->ino))
		lx_sys1(LX_SYS_close, k->fd);
	k->fd = -1;
	if (lx_sys2(LX_SYS_fstat, mfd, &st) != 0)
		return -1;
	k->fd = mfd;
	k->dev = st.dev;
	k->ino = st.ino;
	k->hash = hash;
	k->len = len;
	k->gen = gen;
	return 0;
}

/* Stacks the descriptor filter on this process, once (see the top comment). */
static void need_fdfilter(void)
{
	static int failed; /* per process: not retried on every open */
	struct lx_sock_filter prog[LX_FDFILTER_LEN];
	struct {
		unsigned short len;
		struct lx_sock_filter *filter;
	} fprog = {LX_FDFILTER_LEN, prog};

	if ((lx_proc.flags & LX_BF_FDFILTER) || failed)
		return;
	lx_fdfilter_build(prog);
	if (lx_sys3(LX_SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &fprog) ==
	    0)
		lx_proc.flags |= LX_BF_FDFILTER;
	else
		failed = 1;
}

int lx_proc_is_sysfs(const struct lxproc_file *f)
{
	return lx_startswith(f->path, "/sys/");
}

long lx_proc_serve(const struct lxproc_file *f, long flags)
{
	struct lx_text text;
	struct kept *k = &kept[(f - lxproc_files) % 32];
	char self[LX_FD_LINK_MAX];
	long mfd, r;
	uint64_t h;

	/* the file exists: O_CREAT alone opens it, with O_EXCL it is EEXIST (openat202) */
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -LX_EEXIST;
	if ((flags & O_ACCMODE) != LX_O_RDONLY)
		return lx_proc_is_sysfs(f) ? -LX_EACCES
					   : lx_sys4(LX_SYS_openat, LX_AT_FDCWD, f->path, flags, 0);
	if (flags & O_DIRECTORY)
		return -LX_ENOTDIR;
	lx_spin_lock(&kept_lock);
	/* nothing the text depends on has changed since the kept memfd: reopen it as is */
	uint64_t gen = lx_zone_generation(f);
	if (gen && k->fd > 0 && k->gen == gen && (r = reopen_kept(k, flags)) >= 0)
		goto out;
	r = lx_zone_render(f, &text);
	if (r < 0)
		goto out;
	h = fnv1a(text.p, text.len);
	if (k->fd > 0 && k->hash == h && k->len == text.len && (r = reopen_kept(k, flags)) >= 0) {
		k->gen = gen;
		goto out;
	}
	mfd = lx_proc_memfd(f->path, text);
	if (mfd < 0) {
		r = mfd;
		goto out;
	}
	if (keep(k, mfd, h, text.len, gen) == 0 && (r = reopen_kept(k, flags)) >= 0)
		goto out;
	/* no kept directory (no /proc?): the plain link, or its error */
	lx_fd_link(mfd, self);
	r = lx_sys3(LX_SYS_open, self, open_flags(flags), 0);
	if (k->fd != mfd)
		lx_sys1(LX_SYS_close, mfd);
out:
	if (r >= 0)
		need_fdfilter();
	lx_spin_unlock(&kept_lock);
	return r;
}

/* The lxproc file a descriptor serves (its memfd's name), or NULL; st is the fd's fstat. */
long lx_proc_memfd_path(const char *link, size_t n, const char **path)
{
	const size_t pre = sizeof(MEMFD_LINK) - 1, del = sizeof(" (deleted)") - 1;

	if (n <= pre + del || lx_strncmp(link, MEMFD_LINK, pre) != 0 ||
	    lx_strcmp(link + n - del, " (deleted)") != 0)
		return -1;
	*path = link + pre;
	return (long)(n - pre - del);
}

static const struct lxproc_file *served_file_st(long fd, const struct lx_stat *st)
{
	char link[PREFIX_CAP + 32];
	const char *path;
	long len;

	if ((st->mode & S_IFMT) != S_IFREG || st->nlink != 0)
		return NULL;
	if (lx_fd_path(fd, link, sizeof(link)) < 0 ||
	    (len = lx_proc_memfd_path(link, lx_strlen(link), &path)) < 0)
		return NULL;
	return lxproc_lookup(path, (size_t)len);
}

const struct lxproc_file *lx_proc_served(long fd)
{
	struct lx_stat st;

	if (lx_sys2(LX_SYS_fstat, fd, &st) != 0)
		return NULL;
	return served_file_st(fd, &st);
}

/*
 * Puts fresh text of f behind fd (see the top comment), at the offset it had when keep_offset
 * (pread leaves the offset alone).  0 when fd now holds it.
 */
static int swap_in(long fd, const struct lxproc_file *f, int keep_offset)
{
	long fl, fdfl, nfd, off = 0;
	int r = -1;

	fl = lx_sys2(LX_SYS_fcntl, fd, F_GETFL);
	fdfl = lx_sys2(LX_SYS_fcntl, fd, F_GETFD);
	if (fl < 0 || fdfl < 0 || (fl & O_ACCMODE) != LX_O_RDONLY)
		return -1;
	if (keep_offset && (off = lx_sys3(LX_SYS_lseek, fd, 0, 1 /* SEEK_CUR */)) < 0)
		return -1;
	nfd = lx_proc_serve(f, LX_O_RDONLY | (fl & O_NONBLOCK) |
				   ((fdfl & FD_CLOEXEC) ? LX_O_CLOEXEC : 0));
	if (nfd < 0 || nfd == fd)
		return -1;
	if ((off == 0 || lx_sys3(LX_SYS_lseek, nfd, off, 0 /* SEEK_SET */) == off) &&
	    lx_sys3(LX_SYS_dup3, nfd, fd, (fdfl & FD_CLOEXEC) ? LX_O_CLOEXEC : 0) == fd)
		r = 0;
	lx_sys1(LX_SYS_close, nfd);
	return r;
}

void lx_proc_refresh(long fd, int keep_offset)
{
	const struct lxproc_file *f = lx_proc_served(fd);

	if (f && lx_zone_serves(f))
		swap_in(fd, f, keep_offset);
}

/* Learns the device numbers of /proc and /sys/devices/system/cpu, once per process. */
static void learn_devs(void)
{
	static int learned;
	struct lx_stat st;

	if (learned)
		return;
	learned = 1;
	if (lx_sys2(LX_SYS_stat, "/proc", &st) == 0)
		procfs_dev = st.dev;
	if (lx_sys2(LX_SYS_stat, "/sys/devices/system/cpu", &st) == 0)
		cpudir_dev = st.dev;
}

static int lxproc_dev(uint64_t dev)
{
	learn_devs();
	return dev && (dev == procfs_dev || dev == cpudir_dev);
}

/* Is dirfd a directory on procfs or sysfs (where an lxproc file could be relative to it)? */
static int on_lxproc_fs(int dirfd)
{
	struct lx_stat st;

	if (dirfd == LX_AT_FDCWD)
		return 1; /* the working directory: resolved by name below */
	return lx_sys2(LX_SYS_fstat, dirfd, &st) == 0 && lxproc_dev(st.dev);
}

/* The lxproc file a path names (absolute, or relative to dirfd), or NULL. */
static const struct lxproc_file *lookup_path(int dirfd, const char *p, long n)
{
	char abs[4096];
	const char *base;

	if (p[0] == '/')
		return lxproc_lookup(p, (size_t)n);
	base = lx_strrchr(p, '/');
	if (!lx_proc_basename(base ? base + 1 : p) || !on_lxproc_fs(dirfd) ||
	    lx_path_absolute(dirfd, p, abs, sizeof(abs)) != 0)
		return NULL;
	return lxproc_lookup(abs, lx_strlen(abs));
}

/*
 * The kernel's open of the guest's arguments.  One that may block (a FIFO without a writer, a
 * terminal: no O_NONBLOCK) runs with the guest's signal mask, as the untrapped call would: a
 * signal ends it with EINTR and is delivered as the call returns (unless its handler has
 * SA_RESTART, which the kernel honours by restarting the open; the handler then runs after
 * it).  Without this, a reader blocked opening a FIFO in a zone that traps opens could not be
 * killed but by SIGKILL.
 */
static long kernel_open(struct lx_sysctx *c, int nr, int dirfd, uint64_t upath, long flags,
			long mode)
{
	uint64_t mask = c->uc->uc_sigmask & ~LX_SIG_BIT(LX_SIGSYS), old;
	long r;

	if (flags & O_NONBLOCK)
		return nr == LX_SYS_open ? lx_sys3(LX_SYS_open, upath, flags, mode)
					 : lx_sys4(LX_SYS_openat, dirfd, upath, flags, mode);
	c->t->nstash = 0;
	c->t->waiting = 1;
	lx_sys4(LX_SYS_rt_sigprocmask, 2 /* SIG_SETMASK */, &mask, &old, 8);
	r = nr == LX_SYS_open ? lx_sys3(LX_SYS_open, upath, flags, mode)
			      : lx_sys4(LX_SYS_openat, dirfd, upath, flags, mode);
	lx_sys4(LX_SYS_rt_sigprocmask, 2 /* SIG_SETMASK */, &old, 0, 8);
	c->t->waiting = 0;
	if (c->t->nstash) {
		c->uc->uc_mcontext.rax = (uint64_t)r;
		lx_signal_flush(c->t, c->uc);
	}
	return r;
}

long lx_proc_open(struct lx_sysctx *c, int nr, int dirfd, uint64_t upath, long flags, long mode)
{
	char p[PREFIX_CAP];
	const struct lxproc_file *f = NULL;
	long n = lx_strncpy_from_guest(p, upath, sizeof(p));

	if (n > 0 && !(flags & O_PATH))
		f = lookup_path(dirfd, p, n);
	if (f && lx_zone_serves(f))
		return lx_proc_serve(f, flags);
	/* a shared zone's /proc/net (syscalls/lx_procnet.c): the kernel opens, then it looks */
	int net = n > 0 && n < (long)sizeof(p) && lx_procnet_candidate(p, flags);
	long fd = kernel_open(c, nr, dirfd, upath, flags, mode);
	return net && fd >= 0 ? lx_procnet_opened(fd, flags) : fd;
}

/*
 * The lxproc file fd holds, given its native fstat: a synthesized descriptor, or the kernel's
 * own copy of an lxproc file (an untrapped open), which is swapped for the synthesized text
 * first.  NULL for everything else, after one look at st unless it is an unlinked or a
 * procfs/sysfs regular file.
 */
const struct lxproc_file *lx_proc_fd(long fd, const struct lx_stat *st)
{
	char real[PREFIX_CAP];
	const struct lxproc_file *f;

	if ((st->mode & S_IFMT) != S_IFREG)
		return NULL;
	if (st->nlink == 0)
		return served_file_st(fd, st);
	if (!lxproc_dev(st->dev) || lx_fd_path(fd, real, sizeof(real)) < 0)
		return NULL;
	f = lxproc_lookup(real, lx_strlen(real));
	if (!f || !lx_zone_serves(f) || swap_in(fd, f, 1) < 0)
		return NULL;
	return f;
}
