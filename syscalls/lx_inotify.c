/*
 * inotify emulated by polling, for the hardened profile: the guest never reaches the host's
 * fsnotify.
 *
 * Big theory statement.
 *
 * The descriptor.  inotify_init gives the guest the read end of a pipe; the brand keeps the
 * write end (close-on-exec, moved to a high number).  read, poll, select, epoll and FIONREAD
 * on the guest's end are the kernel's pipe operations, so they block, wake and count bytes
 * as on an inotify descriptor.  Events are written as Linux's struct inotify_event records,
 * name padded to 16 bytes, each record in one write (atomic: under PIPE_BUF).
 *
 * The watcher.  The first inotify_init of a process starts one brand thread (a raw clone in
 * the guest's thread group, every signal blocked, no guest code) that every 100 ms compares
 * each watch with its last snapshot and writes what changed:
 *   a watched file:      IN_MODIFY (size or mtime moved), IN_ATTRIB (ctime alone moved),
 *                        IN_ATTRIB, IN_DELETE_SELF then IN_IGNORED (it is gone: Linux's
 *                        unlink reports the link count first; the watch ends);
 *   a watched directory: IN_ATTRIB | IN_ISDIR (its own ctime alone moved); per entry (up to
 *                        1024 names), IN_CREATE, IN_DELETE, IN_MODIFY, IN_ATTRIB, with the
 *                        entry's name; IN_ISDIR for directories.
 * A look's events are queued and written in the order of the changes' times, one inode's
 * events together when the clock's granularity makes times equal (flush()), in as few writes
 * as whole records allow (each at most PIPE_BUF bytes, so atomic): a read finds them together,
 * as Linux has an unlink's IN_ATTRIB, IN_DELETE_SELF and IN_IGNORED queued before unlink
 * returns.
 * Latency: up to 100 ms.  Blind spots: what a snapshot cannot show — IN_ACCESS, IN_OPEN,
 * IN_CLOSE_WRITE / IN_CLOSE_NOWRITE, the rename cookie (a rename is IN_DELETE + IN_CREATE,
 * never IN_MOVED_FROM/TO), a change undone within one period, a change that keeps size and
 * mtime, entries past the 1024th.  An unmount is told from a deletion by the device the path
 * (or, once gone, its directory) now shows: IN_UNMOUNT, IN_IGNORED.  Changes made outside the zone
 * are seen (the snapshot is of the file system, not of the zone's writes).  The watcher is a
 * thread, so it ends with the process's execve: after exec an inherited inotify descriptor reads
 * nothing new (documented in docs/architecture.md); after fork the parent's watcher goes on feeding
 * the pipe both share.  A read into a buffer smaller than the next record returns part of it
 * (Linux: EINVAL).  A look's records past one pipe buffer's worth (PIPE_BUF, ~100 events) go
 * in more writes, between which a reader may run.
 */
#include "emul/guestmem.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "syscalls/handlers.h"

#define SYS_pipe2      293
#define SYS_getcwd     79
#define SYS_getdents64 217
#define SYS_ppoll      271
#define F_SETFD	       2
#define F_GETFL	       3
#define F_SETFL	       4
#define LX_O_NONBLOCK  04000
#define LX_O_DIRECTORY 0200000
#define LX_ENOTDIR     20
#define IN_MODIFY      0x00000002u
#define IN_ATTRIB      0x00000004u
#define IN_CREATE      0x00000100u
#define IN_DELETE      0x00000200u
#define IN_DELETE_SELF 0x00000400u
#define IN_ALL_EVENTS  0x00000fffu
#define IN_IGNORED     0x00008000u
#define IN_UNMOUNT     0x00002000u
#define IN_ONLYDIR     0x01000000u
#define IN_DONT_FOLLOW 0x02000000u
#define IN_EXCL_UNLINK 0x04000000u
#define IN_MASK_CREATE 0x10000000u
#define IN_MASK_ADD    0x20000000u
#define IN_ISDIR       0x40000000u
#define IN_ONESHOT     0x80000000u
#define IN_Q_OVERFLOW  0x00004000u
#define IN_ALL_BITS                                                                                \
	(IN_ALL_EVENTS | 0x2000u | IN_Q_OVERFLOW | IN_IGNORED | IN_ONLYDIR | IN_DONT_FOLLOW |      \
	 IN_EXCL_UNLINK | IN_MASK_CREATE | IN_MASK_ADD | IN_ISDIR | IN_ONESHOT)
#define S_IFMT		 0170000
#define S_IFDIR		 0040000
#define NINST		 16
#define NWATCH		 128
#define NENT		 1024
#define PERIOD_NS	 100000000LL
#define PIPE_ATOMIC	 4096 /* PIPE_BUF: a write of at most this many bytes is not split */
#define HELPER_STACK	 (64UL * 1024)
#define CLONE_THREAD_SET (0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000)

struct ent {
	uint64_t ino;
	int64_t mtime, ctime, size;
	uint32_t mode;
	char name[60];
};

struct watch {
	int wd;
	uint32_t mask;
	int fired; /* events written in this look (IN_ONESHOT) */
	uint64_t dev, ino;
	struct lx_stat st;
	struct ent *ents; /* directories: the last listing */
	uint32_t nents;
	char path[512];
};

struct inst {
	int used, wfd;
	uint64_t pipe_dev, pipe_ino;
	int nextwd;
	struct watch w[NWATCH];
};

/* One look's events of an instance, written in the order of the changes' times (Linux
 * queues them as they happen; the watcher finds them watch by watch). */
#define NPEND 256
struct pend {
	int64_t key;  /* the change's ctime or mtime, ns; INT64_MAX when unknown (a file gone) */
	uint64_t ino; /* the inode changed: one change's events stay together */
	uint32_t seq, first, mask;
	int wd;
	char name[64];
};

static struct {
	volatile int lock; /* the holder's pid: see st_lock */
	int helper;
	struct inst in[NINST];
	struct pend pend[NPEND];
	uint32_t npend;
	int64_t key;  /* the key of what emit() queues next */
	uint64_t ino; /* and its inode */
	size_t nout;  /* records built for the next write (out_add, out_write) */
	char out[PIPE_ATOMIC];
} st;

/* The state's lock.  The watcher thread holds it while it scans, so a fork can copy it held
 * into a child whose copy of the watcher does not exist: a lock held by another process (a
 * pid not ours) can only be such a copy, and is taken over. */
static void st_lock(void)
{
	int me = (int)lx_sys0(LX_SYS_getpid);

	for (;;) {
		int cur = 0;
		if (__atomic_compare_exchange_n(&st.lock, &cur, me, 0, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return;
		if (cur != me && __atomic_compare_exchange_n(&st.lock, &cur, me, 0,
							     __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return;
		__builtin_ia32_pause();
	}
}

static void st_unlock(void)
{
	__atomic_store_n(&st.lock, 0, __ATOMIC_RELEASE);
}

/* --- events ------------------------------------------------------------------------------- */

/* Writes the records built in st.out, in one write (at most PIPE_ATOMIC bytes: all or
 * nothing).  The caller holds st's lock. */
static void out_write(struct inst *in)
{
	struct lx_stat s;

	/* the write end may have been closed or replaced by the guest (dup2 over our number) */
	if (st.nout && lx_sys2(LX_SYS_fstat, in->wfd, &s) == 0 && s.dev == in->pipe_dev &&
	    s.ino == in->pipe_ino &&
	    lx_sys3(LX_SYS_write, in->wfd, st.out, st.nout) == -LX_EAGAIN) {
		/* a full queue: Linux queues one IN_Q_OVERFLOW */
		struct {
			int32_t wd;
			uint32_t mask, cookie, len;
		} ov = {-1, IN_Q_OVERFLOW, 0, 0};
		lx_sys3(LX_SYS_write, in->wfd, &ov, sizeof(ov));
	}
	st.nout = 0;
}

/* Appends one struct inotify_event record (name padded to 16 bytes) to st.out, writing out
 * what is there first when the record would not fit. */
static void out_add(struct inst *in, int wd, uint32_t mask, const char *name)
{
	struct {
		int32_t wd;
		uint32_t mask, cookie, len;
	} head;
	size_t n = name ? lx_strlen(name) : 0, len = n ? (n + 1 + 15) & ~(size_t)15 : 0;

	if (len > 80)
		return;
	if (st.nout + sizeof(head) + len > sizeof(st.out))
		out_write(in);
	head.wd = wd;
	head.mask = mask;
	head.cookie = 0;
	head.len = (uint32_t)len;
	memcpy(st.out + st.nout, &head, sizeof(head));
	memset(st.out + st.nout + sizeof(head), 0, len);
	if (n)
		memcpy(st.out + st.nout + sizeof(head), name, n);
	st.nout += sizeof(head) + len;
}

/* Writes the queued events, oldest change first (a stable sort: one change's events keep
 * the order the watcher queued them in). */
static int before(const struct pend *a, const struct pend *b)
{
	if (a->key != b->key)
		return a->key < b->key;
	if (a->first != b->first)
		return a->first < b->first;
	return a->seq < b->seq;
}

static void flush(struct inst *in)
{
	/* equal times (a coarse clock) keep one inode's events together, in the order its
	 * first one was queued: Linux queues the parent's event and then the inode's own */
	for (uint32_t i = 0; i < st.npend; i++) {
		st.pend[i].first = i;
		for (uint32_t j = 0; j < i; j++)
			if (st.pend[j].ino == st.pend[i].ino) {
				st.pend[i].first = st.pend[j].first;
				break;
			}
	}
	for (uint32_t i = 1; i < st.npend; i++)
		for (uint32_t j = i; j > 0 && before(&st.pend[j], &st.pend[j - 1]); j--) {
			struct pend t = st.pend[j];
			st.pend[j] = st.pend[j - 1];
			st.pend[j - 1] = t;
		}
	for (uint32_t i = 0; i < st.npend; i++)
		out_add(in, st.pend[i].wd, st.pend[i].mask,
			st.pend[i].name[0] ? st.pend[i].name : 0);
	out_write(in);
	st.npend = 0;
}

/* Queues an event of the look under way, keyed by st.key. */
static void queue(struct inst *in, int wd, uint32_t mask, const char *name)
{
	struct pend *p;

	if (st.npend == NPEND)
		flush(in);
	p = &st.pend[st.npend];
	p->key = st.key;
	p->ino = st.ino;
	p->seq = st.npend++;
	p->wd = wd;
	p->mask = mask;
	p->name[0] = 0;
	if (name)
		lx_strlcpy(p->name, name, sizeof(p->name));
}

static void emit(struct inst *in, struct watch *w, uint32_t mask, const char *name)
{
	w->fired++;
	queue(in, w->wd, mask, name);
}

/* The entries of directory path, into e[NENT]: their count, or -errno. */

static long list_dir(const char *path, struct ent *e)
{
	char buf[4096], full[600];
	long fd = lx_sys3(LX_SYS_open, path, LX_O_RDONLY | LX_O_DIRECTORY | LX_O_CLOEXEC, 0), n;
	uint32_t k = 0;
	size_t plen = lx_strlen(path);

	if (fd < 0)
		return fd;
	while ((n = lx_sys3(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			uint16_t reclen;
			const char *name = buf + off + 19;
			memcpy(&reclen, buf + off + 16, 2);
			off += reclen;
			if (!lx_strcmp(name, ".") || !lx_strcmp(name, "..") || k >= NENT ||
			    lx_strlen(name) >= sizeof(e[k].name) ||
			    plen + lx_strlen(name) + 2 > sizeof(full))
				continue;
			struct lx_stat s;
			memcpy(full, path, plen);
			full[plen] = '/';
			lx_strlcpy(full + plen + 1, name, sizeof(full) - plen - 1);
			if (lx_sys4(LX_SYS_newfstatat, LX_AT_FDCWD, full, &s,
				    LX_AT_SYMLINK_NOFOLLOW) < 0)
				continue;
			e[k].ino = s.ino;
			e[k].mtime = (int64_t)(s.times[2] * 1000000000ULL + s.times[3]);
			e[k].ctime = (int64_t)(s.times[4] * 1000000000ULL + s.times[5]);
			e[k].size = s.size;
			e[k].mode = s.mode;
			lx_strlcpy(e[k].name, name, sizeof(e[k].name));
			k++;
		}
	}
	lx_sys1(LX_SYS_close, fd);
	return k;
}

static int64_t ts_ns(const struct lx_stat *s, int which)
{
	return (int64_t)(s->times[which * 2] * 1000000000ULL + s->times[which * 2 + 1]);
}

static void drop_watch(struct watch *w)
{
	if (w->ents)
		lx_munmap(w->ents, NENT * sizeof(struct ent));
	memset(w, 0, sizeof(*w));
}

/* gone: the key of a deletion (the directory's mtime, which the unlink moved) */
static void scan_dir(struct inst *in, struct watch *w, int64_t gone)
{
	struct ent *now = lx_mmap_anon(NENT * sizeof(struct ent));
	long n;

	if (!now)
		return;
	n = list_dir(w->path, now);
	if (n < 0) {
		lx_munmap(now, NENT * sizeof(struct ent));
		return;
	}
	for (long i = 0; i < n; i++) {
		uint32_t dir = (now[i].mode & S_IFMT) == S_IFDIR ? IN_ISDIR : 0, j;
		for (j = 0; j < w->nents; j++)
			if (!lx_strcmp(w->ents[j].name, now[i].name))
				break;
		st.key = now[i].ctime;
		st.ino = now[i].ino;
		if (j == w->nents || w->ents[j].ino != now[i].ino) {
			if (w->mask & IN_CREATE)
				emit(in, w, IN_CREATE | dir, now[i].name);
			continue;
		}
		if (w->ents[j].mtime != now[i].mtime || w->ents[j].size != now[i].size) {
			st.key = now[i].mtime;
			if ((w->mask & IN_MODIFY) && !dir)
				emit(in, w, IN_MODIFY, now[i].name);
		} else if (w->ents[j].ctime != now[i].ctime && (w->mask & IN_ATTRIB)) {
			emit(in, w, IN_ATTRIB | dir, now[i].name);
		}
	}
	for (uint32_t j = 0; j < w->nents; j++) {
		long i;
		for (i = 0; i < n; i++)
			if (!lx_strcmp(w->ents[j].name, now[i].name) &&
			    w->ents[j].ino == now[i].ino)
				break;
		st.key = gone;
		st.ino = w->ents[j].ino;
		if (i == n && (w->mask & IN_DELETE))
			emit(in, w,
			     IN_DELETE | ((w->ents[j].mode & S_IFMT) == S_IFDIR ? IN_ISDIR : 0),
			     w->ents[j].name);
	}
	lx_munmap(w->ents, NENT * sizeof(struct ent));
	w->ents = now;
	w->nents = (uint32_t)n;
}

/* Was w's file system unmounted?  The path now names a file of another device (the directory
 * the mount covered, for a watched mount point), or is gone while its directory now is on
 * another device (the covered one, empty); a file deleted leaves its directory where it was. */
static int unmounted(const struct watch *w, int found, const struct lx_stat *s)
{
	char dir[sizeof(w->path)];
	struct lx_stat d;
	size_t n = lx_strlen(w->path);

	if (found)
		return s->dev != w->dev;
	while (n > 1 && w->path[n - 1] != '/')
		n--;
	if (n >= sizeof(dir) || n == 0)
		return 0;
	memcpy(dir, w->path, n);
	dir[n] = '\0';
	return lx_sys4(LX_SYS_newfstatat, LX_AT_FDCWD, dir, &d, 0) == 0 && d.dev != w->dev;
}

/* One look at a watch: 0, or 1 when it ended (its file is gone). */
static int scan(struct inst *in, struct watch *w)
{
	struct lx_stat s;
	int found;

	w->fired = 0;
	found = lx_sys4(LX_SYS_newfstatat, LX_AT_FDCWD, w->path, &s, 0) == 0;
	if (!found || s.ino != w->ino || s.dev != w->dev) {
		if (unmounted(w, found, &s)) {
			/* Linux: IN_UNMOUNT whatever the mask, then IN_IGNORED */
			st.key = INT64_MAX;
			st.ino = w->ino;
			queue(in, w->wd, IN_UNMOUNT, 0);
			queue(in, w->wd, IN_IGNORED, 0);
			return 1;
		}
		/* Linux: unlink drops the link count (IN_ATTRIB), then the inode goes
		 * (IN_DELETE_SELF); rmdir has no link-count event */
		st.key = INT64_MAX;
		st.ino = w->ino;
		if (!w->ents && (w->mask & IN_ATTRIB))
			emit(in, w, IN_ATTRIB, 0);
		if (w->mask & IN_DELETE_SELF)
			emit(in, w, IN_DELETE_SELF, 0);
		queue(in, w->wd, IN_IGNORED, 0);
		return 1;
	}
	if (w->ents) {
		/* the directory's own attributes: Linux marks an event on a directory IN_ISDIR */
		st.key = ts_ns(&s, 2);
		st.ino = w->ino;
		if (ts_ns(&s, 2) != ts_ns(&w->st, 2) && ts_ns(&s, 1) == ts_ns(&w->st, 1) &&
		    (w->mask & IN_ATTRIB))
			emit(in, w, IN_ATTRIB | IN_ISDIR, 0);
		scan_dir(in, w, ts_ns(&s, 1));
	} else if (s.size != w->st.size || ts_ns(&s, 1) != ts_ns(&w->st, 1)) {
		st.key = ts_ns(&s, 1);
		st.ino = w->ino;
		if (w->mask & IN_MODIFY)
			emit(in, w, IN_MODIFY, 0);
	} else if (ts_ns(&s, 2) != ts_ns(&w->st, 2) && (w->mask & IN_ATTRIB)) {
		st.key = ts_ns(&s, 2);
		st.ino = w->ino;
		emit(in, w, IN_ATTRIB, 0);
	}
	w->st = s;
	if ((w->mask & IN_ONESHOT) && w->fired) {
		queue(in, w->wd, IN_IGNORED, 0); /* one event, then the watch ends */
		return 1;
	}
	return 0;
}

/* Frees the instances whose guest end is closed everywhere (a pipe without readers polls as
 * POLLERR on its write end).  Lock held. */
static void reap(void)
{
	for (int i = 0; i < NINST; i++) {
		struct inst *in = &st.in[i];
		struct {
			int32_t fd;
			int16_t events, revents;
		} p = {in->wfd, 4 /* POLLOUT */, 0};
		struct {
			int64_t sec, nsec;
		} zero = {0, 0};
		struct lx_stat s;
		if (!in->used)
			continue;
		if (lx_sys2(LX_SYS_fstat, in->wfd, &s) == 0 &&
		    (s.dev != in->pipe_dev || s.ino != in->pipe_ino))
			continue; /* the guest put its own file at our number: not ours to close */
		if (lx_sys4(SYS_ppoll, &p, 1, &zero, 0) < 0 || !(p.revents & 8 /* POLLERR */))
			continue;
		lx_sys1(LX_SYS_close, in->wfd);
		for (int k = 0; k < NWATCH; k++)
			if (in->w[k].wd)
				drop_watch(&in->w[k]);
		in->used = 0;
	}
}

__attribute__((noreturn, used)) static void watcher(void)
{
	for (;;) {
		struct {
			int64_t sec, nsec;
		} ts = {0, PERIOD_NS};
		lx_sys5(SYS_ppoll, 0, 0, &ts, 0, 8);
		st_lock();
		reap();
		for (int i = 0; i < NINST; i++) {
			for (int k = 0; st.in[i].used && k < NWATCH; k++)
				if (st.in[i].w[k].wd && scan(&st.in[i], &st.in[i].w[k]))
					drop_watch(&st.in[i].w[k]);
			flush(&st.in[i]);
		}
		st_unlock();
	}
}

/* The new thread returns from the gate's `syscall` onto its own stack, whose top holds the
 * address of this entry: align the stack and run the watcher. */
__asm__(".text\n"
	".type lx_inotify_thread_entry, @function\n"
	"lx_inotify_thread_entry:\n"
	"	and $-16, %rsp\n"
	"	call watcher\n"
	"	ud2\n");
extern char lx_inotify_thread_entry[];

static void start_watcher(void)
{
	char *stack;
	uint64_t *top;

	if (st.helper == (int)lx_sys0(LX_SYS_getpid))
		return;
	stack = lx_mmap_anon(HELPER_STACK);
	if (!stack)
		return;
	top = (uint64_t *)(stack + HELPER_STACK) - 2;
	top[0] = (uint64_t)(uintptr_t)lx_inotify_thread_entry;
	if (lx_sys5(LX_SYS_clone, CLONE_THREAD_SET, top, 0, 0, 0) > 0)
		st.helper = (int)lx_sys0(LX_SYS_getpid);
}

/* --- the calls ---------------------------------------------------------------------------- */

static long init1(int flags)
{
	int p[2];
	long r, wfd;
	struct lx_stat s;
	int slot = -1;

	if (flags & ~(LX_O_NONBLOCK | LX_O_CLOEXEC))
		return -LX_EINVAL;
	r = lx_sys2(SYS_pipe2, p, LX_O_NONBLOCK | LX_O_CLOEXEC);
	if (r < 0)
		return r;
	/* the brand's end out of the guest's way */
	wfd = lx_sys3(LX_SYS_fcntl, p[1], LX_F_DUPFD_CLOEXEC, 700);
	lx_sys1(LX_SYS_close, p[1]);
	if (wfd < 0) {
		lx_sys1(LX_SYS_close, p[0]);
		return wfd;
	}
	if (!(flags & LX_O_NONBLOCK))
		lx_sys3(LX_SYS_fcntl, p[0], F_SETFL, 0);
	if (!(flags & LX_O_CLOEXEC))
		lx_sys3(LX_SYS_fcntl, p[0], F_SETFD, 0);
	lx_sys2(LX_SYS_fstat, p[0], &s);
	st_lock();
	reap();
	for (int i = 0; i < NINST && slot < 0; i++)
		if (!st.in[i].used)
			slot = i;
	if (slot >= 0) {
		struct inst *in = &st.in[slot];
		for (int k = 0; k < NWATCH; k++)
			if (in->w[k].wd)
				drop_watch(&in->w[k]);
		in->used = 1;
		in->wfd = (int)wfd;
		in->pipe_dev = s.dev;
		in->pipe_ino = s.ino;
		in->nextwd = 1;
		start_watcher();
	}
	st_unlock();
	if (slot < 0) {
		lx_sys1(LX_SYS_close, p[0]);
		lx_sys1(LX_SYS_close, wfd);
		return -LX_EMFILE; /* max_user_instances */
	}
	return p[0];
}

long lx_sys_inotify_init(struct lx_sysctx *c)
{
	(void)c;
	return init1(0);
}

long lx_sys_inotify_init1(struct lx_sysctx *c)
{
	return init1((int)c->a[0]);
}

/* The instance behind fd (lock held): NULL with *err EBADF or EINVAL. */
static struct inst *find_inst(int fd, long *err)
{
	struct lx_stat s;

	if (lx_sys2(LX_SYS_fstat, fd, &s) < 0) {
		*err = -LX_EBADF;
		return 0;
	}
	for (int i = 0; i < NINST; i++)
		if (st.in[i].used && st.in[i].pipe_dev == s.dev && st.in[i].pipe_ino == s.ino)
			return &st.in[i];
	*err = -LX_EINVAL;
	return 0;
}

long lx_sys_inotify_add_watch(struct lx_sysctx *c)
{
	int fd = (int)c->a[0];
	uint32_t mask = (uint32_t)c->a[2];
	char path[512], abs[512];
	struct lx_stat s;
	struct watch *w = 0;
	struct inst *in;
	long r, len;

	/* this host kernel's order (tests/integration/inotify_poll.c): the descriptor, the
	 * flags, the descriptor's kind, the path */
	if (lx_sys2(LX_SYS_fstat, fd, &s) < 0)
		return -LX_EBADF;
	if ((mask & IN_MASK_ADD) && (mask & IN_MASK_CREATE))
		return -LX_EINVAL;
	if (!(mask & IN_ALL_BITS))
		return -LX_EINVAL;
	st_lock();
	in = find_inst(fd, &r);
	st_unlock();
	if (!in)
		return r;
	len = lx_strncpy_from_guest(path, c->a[1], sizeof(path));
	if (len < 0)
		return len;
	r = lx_sys4(LX_SYS_newfstatat, LX_AT_FDCWD, path, &s,
		    (mask & IN_DONT_FOLLOW) ? LX_AT_SYMLINK_NOFOLLOW : 0);
	if (r < 0)
		return r;
	if ((mask & IN_ONLYDIR) && (s.mode & S_IFMT) != S_IFDIR)
		return -LX_ENOTDIR;
	if (path[0] != '/') {
		long n = lx_sys2(SYS_getcwd, abs, sizeof(abs));
		if (n < 0 || (size_t)n + (size_t)len + 1 > sizeof(abs))
			return -LX_ENAMETOOLONG;
		abs[n - 1] = '/';
		lx_strlcpy(abs + n, path, sizeof(abs) - (size_t)n);
	} else {
		lx_strlcpy(abs, path, sizeof(abs));
	}
	st_lock();
	in = find_inst(fd, &r);
	if (!in)
		goto out;
	for (int k = 0; k < NWATCH; k++)
		if (in->w[k].wd && in->w[k].dev == s.dev && in->w[k].ino == s.ino)
			w = &in->w[k];
	if (w) {
		/* one watch per inode, as Linux keys them */
		if (mask & IN_MASK_CREATE) {
			r = -LX_EEXIST;
			goto out;
		}
		w->mask = (mask & IN_MASK_ADD) ? w->mask | mask : mask;
		r = w->wd;
		goto out;
	}
	for (int k = 0; k < NWATCH && !w; k++)
		if (!in->w[k].wd)
			w = &in->w[k];
	r = -LX_ENOSPC; /* max_user_watches */
	if (!w)
		goto out;
	w->wd = in->nextwd++;
	w->mask = mask;
	w->dev = s.dev;
	w->ino = s.ino;
	w->st = s;
	lx_strlcpy(w->path, abs, sizeof(w->path));
	if ((s.mode & S_IFMT) == S_IFDIR) {
		w->ents = lx_mmap_anon(NENT * sizeof(struct ent));
		long n = w->ents ? list_dir(w->path, w->ents) : -LX_ENOMEM;
		w->nents = n > 0 ? (uint32_t)n : 0;
	}
	r = w->wd;
out:
	st_unlock();
	return r;
}

long lx_sys_inotify_rm_watch(struct lx_sysctx *c)
{
	int fd = (int)c->a[0], wd = (int)c->a[1];
	struct inst *in;
	long r;

	st_lock();
	in = find_inst(fd, &r);
	if (in) {
		r = -LX_EINVAL;
		for (int k = 0; k < NWATCH; k++)
			if (in->w[k].wd == wd && wd > 0) {
				out_add(in, wd, IN_IGNORED, 0);
				out_write(in);
				drop_watch(&in->w[k]);
				r = 0;
			}
	}
	st_unlock();
	return r;
}
