/*
 * epoll for the hardened profile: the guest's epoll calls trap, and never reach the host's
 * eventpoll themselves.  This file: the instances' calls, and waiting over ppoll; readiness
 * from a host epoll instance of the brand's own, where the filter lets the brand have one,
 * is syscalls/lx_epoll_host.c (the ppoll wait below serves the rest: nested sets, a filter
 * without the host's eventpoll).
 *
 * Big theory statement.
 *
 * State.  An instance is a sealed memfd whose pages hold its registrations
 * (emul/epoll_inst.h); the guest's epoll descriptor is that memfd.  So dup, fork, exec,
 * close-on-exec and descriptor passing are the kernel's own, and every process holding the
 * descriptor maps the same pages: after fork both processes see one interest list, as on
 * Linux.  A registration is keyed by descriptor number and remembers the open file it was
 * made for (device, inode, and for pipes the access mode, since a pipe's two ends share one
 * inode).
 *
 * Waiting.  epoll_wait snapshots the interest list into a pollfd array (on the emulation
 * stack, or an anonymous mapping past 256 entries) and asks ppoll:
 *   1. a non-blocking ppoll with every signal blocked evaluates readiness; ready entries are
 *      reported, registration order, starting where the last wait stopped (so a maxevents
 *      smaller than the ready set does not starve the tail, as Linux's ready list rotates).
 *      This look's array is kept per process and instance (a "view", VIEWS of them) and
 *      reused while the header's gen has not moved (every ADD, DEL, MOD, drop and ONESHOT
 *      firing moves it), so a wait that follows a wait costs fstat, ppoll and one fstat per
 *      reported event, and the report stops once ppoll's count of ready rows is seen (unless
 *      an edge-triggered row must be marked idle); sets with nested instances are rebuilt;
 *   2. if none is ready and time remains, a blocking ppoll with the guest's signal mask (or
 *      epoll_pwait's) waits for a change, then step 1 runs again.
 * A signal that arrives during step 2 is kept by the brand's signal entry and delivered to
 * the guest when the call returns -EINTR (epoll_wait never restarts, on Linux either).
 *
 * Triggers.  Level-triggered: reported while ready.  EPOLLONESHOT: disabled once reported,
 * until EPOLL_CTL_MOD.  EPOLLET: the brand cannot see wake-ups, only states.  Bits other
 * than EPOLLIN are reported when they appear since its last look (a look that finds the entry
 * idle starts over).  EPOLLIN is reported while the descriptor is readable: a byte count
 * (FIONREAD) cannot tell a drained and refilled buffer from an untouched one when no look fell
 * between the read and the new data, and calling such a buffer unchanged would lose the
 * wake-up (a keep-alive connection's next request); reporting it is the only choice that never
 * loses one, and costs a program that leaves data unread an extra EPOLLIN (LTP epoll_wait06,
 * which reads half a pipe and expects nothing, fails for it).  While it blocks, an entry in
 * error or hung up that was already reported cannot tell ppoll "wake me on more", so it is
 * left out of the blocking ppoll, which is cut to 20 ms slices while such an entry exists.
 * EPOLLEXCLUSIVE is accepted with Linux's checks; every waiter wakes (Linux promises "one or
 * more").  EPOLLWAKEUP is dropped, as Linux drops it for a caller without CAP_BLOCK_SUSPEND.
 * EPOLLRDHUP is ppoll's POLLRDHUP.
 *
 * Nested sets.  A registered instance is ready when one of its own registrations is; its
 * registrations are polled with the outer ones (to LX_EP_MAX_NESTS levels), a loop or a
 * deeper chain is refused with ELOOP at EPOLL_CTL_ADD.
 *
 * Closed descriptors.  Linux drops a registration when the open file is closed for good, not
 * when the number is.  Close is not trapped, so the brand sees it late: a registration whose
 * descriptor number ppoll finds closed (POLLNVAL), or that now names another file, is dropped
 * at the next wait of the process that added it, and never reported.  Deviations: a file
 * still open under another number (dup) stops being reported once the registered number is
 * closed (Linux goes on reporting it); another process sharing the instance (after fork) only
 * skips such a registration.
 *
 * What it does not do: poll, select or read on the epoll descriptor itself see a memfd
 * (always readable); /proc/<pid>/fdinfo shows no tfd lines.  See docs/architecture.md.
 */
#include "emul/epoll_inst.h"
#include "emul/guestmem.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "syscalls/handlers.h"

#define SYS_fstatfs	  138
#define SYS_clock_gettime 228
#define SYS_ppoll	  271
#define F_GETFL		  3
#define S_IFMT		  0170000
#define S_IFIFO		  0010000
#define S_IFCHR		  0020000
#define S_IFDIR		  0040000
#define S_IFBLK		  0060000
#define S_IFREG		  0100000
#define TASK_SIZE	  0x7ffffffff000UL
#define POLL_BITS	  0xffffu
#define SLICE_NS	  20000000LL
#define STACK_ENTRIES	  256

struct lx_pollfd {
	int32_t fd;
	int16_t events, revents;
};

struct lx_ts {
	int64_t sec, nsec;
};

/* One polled descriptor's row: which registration, of which set (parent: -1 for the instance
 * waited on, else the entry of the nested instance it belongs to). */
struct snap {
	uint32_t idx, seq;
	int32_t parent;
	uint32_t events, last;
};

struct wset {
	struct lx_pollfd *p;
	struct snap *m;
	uint32_t n, cap;
	int slice;    /* an edge-triggered entry the blocking ppoll cannot watch for more */
	int nested;   /* a registration is itself an instance */
	uint32_t net; /* edge-triggered rows */
	const struct lx_ep_hdr *path[LX_EP_MAX_NESTS + 1]; /* the sets being collected */
};

/* A process's step-1 poll set of one instance, kept between waits (see "Waiting"). */
struct view {
	uint64_t dev, ino;
	uint32_t gen, n, net;
	int valid;    /* built at gen, for a set without nested instances */
	int busy;     /* a wait of one of the process's threads is using it */
	uint32_t use; /* for eviction: the least recently taken goes */
	void *buf;    /* cap snap rows, then cap pollfds */
	size_t sz;
	uint32_t cap;
};

/* --- identity ---------------------------------------------------------------------------- */

static uint32_t accmode(int fd)
{
	long fl = lx_sys2(LX_SYS_fcntl, fd, F_GETFL);

	return fl < 0 ? 0 : (uint32_t)(fl & 3);
}

/* Is r's descriptor still the file it was registered for?  For a pipe, the other end of the
 * same pipe shows in the events it reports (a read end is never writable, a write end never
 * readable), which saves an fcntl on every reported event. */
static int same_file(const struct lx_ep_reg *r, uint32_t cur)
{
	struct lx_stat st;

	if (lx_sys2(LX_SYS_fstat, r->fd, &st) < 0 || st.dev != r->dev || st.ino != r->ino)
		return 0;
	if (!(r->flags & LX_EPR_PIPE))
		return 1;
	return r->accmode == 0 ? !(cur & LX_EPOLLOUT) : !(cur & LX_EPOLLIN);
}

/* file_can_poll: regular files and directories have no poll, but for the pseudo file
 * systems whose files do; so have the memory devices (null, zero, full, mem, kmem, port). */
static int can_poll(int fd, const struct lx_stat *st)
{
	uint32_t type = st->mode & S_IFMT;

	if (type == S_IFREG || type == S_IFDIR) {
		int64_t sfs[15];
		if (lx_sys2(SYS_fstatfs, fd, sfs) < 0)
			return 0;
		switch ((uint64_t)sfs[0]) {
		case 0x9fa0:	 /* proc */
		case 0x62656572: /* sysfs */
		case 0x27e0eb:	 /* cgroup */
		case 0x63677270: /* cgroup2 */
		case 0x64626720: /* debugfs */
		case 0x74726163: /* tracefs */
			return 1;
		default:
			return 0;
		}
	}
	if (type == S_IFBLK)
		return 0;
	if (type == S_IFCHR) {
		uint64_t maj = ((st->rdev >> 8) & 0xfff) | ((st->rdev >> 32) & ~0xfffULL);
		uint64_t min = (st->rdev & 0xff) | ((st->rdev >> 12) & ~0xffULL);
		if (maj == 1 && (min <= 5 || min == 7))
			return 0;
	}
	return 1;
}

/* The nested instance a registration names, if its descriptor still is that file. */
static struct lx_ep_hdr *inner_get(const struct lx_ep_reg *r)
{
	struct lx_ep_hdr *in = lx_ep_get_cached(r->dev, r->ino);
	struct lx_stat st;

	if (in)
		return in;
	if (lx_sys2(LX_SYS_fstat, r->fd, &st) < 0 || st.dev != r->dev || st.ino != r->ino)
		return 0;
	return lx_ep_get(r->fd, &st, &in) < 0 ? 0 : in;
}

/* --- create, ctl -------------------------------------------------------------------------- */

long lx_sys_epoll_create(struct lx_sysctx *c)
{
	if ((int)c->a[0] <= 0)
		return -LX_EINVAL;
	return lx_ep_create(0);
}

long lx_sys_epoll_create1(struct lx_sysctx *c)
{
	if ((int)c->a[0] & ~LX_EPOLL_CLOEXEC)
		return -LX_EINVAL;
	return lx_ep_create((int)c->a[0] & LX_EPOLL_CLOEXEC);
}

/* ep_loop_check_proc: the height of the nesting below `to` (at depth), LX_EP_MAX_NESTS + 1
 * when it reaches ep (a loop) or goes too deep. */
static int nest_height(const struct lx_ep_hdr *ep, struct lx_ep_hdr *to, int depth)
{
	int height = 0;

	for (uint32_t i = 0; i < to->nreg && i < LX_EP_MAXREG; i++) {
		const struct lx_ep_reg *r = &lx_ep_regs(to)[i];
		struct lx_ep_hdr *in;
		int h;
		if (!(r->flags & LX_EPR_EPOLL))
			continue;
		if ((r->dev == ep->dev && r->ino == ep->ino) || depth > LX_EP_MAX_NESTS)
			return LX_EP_MAX_NESTS + 1;
		if (!(in = inner_get(r)))
			continue;
		h = nest_height(ep, in, depth + 1) + 1;
		lx_ep_put(in);
		if (h > height)
			height = h;
		if (height > LX_EP_MAX_NESTS)
			break;
	}
	return height;
}

/* ep_loop_check: would adding `to` under ep close a loop or nest deeper than Linux allows?
 * (Linux also counts how deep ep itself is nested; the brand keeps no parent links, so a
 * chain grown from the top down is refused later than Linux refuses it.) */
static int loop_check(const struct lx_ep_hdr *ep, struct lx_ep_hdr *to)
{
	return nest_height(ep, to, 0) + 1 > LX_EP_MAX_NESTS;
}

static long ctl_locked(struct lx_ep_hdr *ep, int op, int fd, struct lx_epoll_event *ev,
		       const struct lx_stat *st, struct lx_ep_hdr *target)
{
	struct lx_ep_reg *r = lx_ep_find(ep, fd);

	if (op == LX_EPOLL_CTL_ADD && target && loop_check(ep, target))
		return -LX_ELOOP;
	/* a registration for another file that had this number: its file is gone */
	if (r && (r->dev != st->dev || r->ino != st->ino ||
		  ((r->flags & LX_EPR_PIPE) && accmode(fd) != r->accmode))) {
		lx_ep_remove(ep, r);
		r = 0;
	}
	switch (op) {
	case LX_EPOLL_CTL_ADD:
		if (r)
			return -LX_EEXIST;
		r = lx_ep_add(ep, fd);
		if (!r)
			return -LX_ENOSPC;
		r->events = ev->events | LX_EPOLLERR | LX_EPOLLHUP;
		r->data = ev->data;
		r->dev = st->dev;
		r->ino = st->ino;
		r->owner = (int32_t)lx_sys0(LX_SYS_getpid);
		r->flags = target ? LX_EPR_EPOLL : 0;
		if ((st->mode & S_IFMT) == S_IFIFO) {
			r->flags |= LX_EPR_PIPE;
			r->accmode = accmode(fd);
		}
		return 0;
	case LX_EPOLL_CTL_DEL:
		if (!r)
			return -LX_ENOENT;
		lx_ep_remove(ep, r);
		return 0;
	case LX_EPOLL_CTL_MOD:
		if (!r)
			return -LX_ENOENT;
		if (r->events & LX_EPOLLEXCLUSIVE)
			return -LX_EINVAL;
		r->events = ev->events | LX_EPOLLERR | LX_EPOLLHUP;
		r->data = ev->data;
		r->last = 0; /* Linux re-polls a modified item and queues it if ready */
		lx_ep_changed(ep);
		return 0;
	default:
		return -LX_EINVAL;
	}
}

long lx_sys_epoll_ctl(struct lx_sysctx *c)
{
	int epfd = (int)c->a[0], op = (int)c->a[1], fd = (int)c->a[2];
	struct lx_epoll_event ev = {0, 0};
	struct lx_ep_hdr *ep, *target = 0;
	struct lx_stat est, tst;
	long r;

	/* the kernel's order: the event, both descriptors, pollability, then the instance */
	if (op != LX_EPOLL_CTL_DEL && lx_copy_from_guest(&ev, c->a[3], sizeof(ev)))
		return -LX_EFAULT;
	if (lx_sys2(LX_SYS_fstat, epfd, &est) < 0 || lx_sys2(LX_SYS_fstat, fd, &tst) < 0)
		return -LX_EBADF;
	r = lx_ep_get(fd, &tst, &target);
	if (r < 0)
		target = 0;
	if (!target && !can_poll(fd, &tst))
		return -LX_EPERM;
	if (op != LX_EPOLL_CTL_DEL)
		ev.events &= ~LX_EPOLLWAKEUP;
	r = -LX_EINVAL;
	if ((est.dev == tst.dev && est.ino == tst.ino) || lx_ep_get(epfd, &est, &ep) < 0)
		goto out;
	if (op != LX_EPOLL_CTL_DEL && (ev.events & LX_EPOLLEXCLUSIVE) &&
	    (op == LX_EPOLL_CTL_MOD ||
	     (op == LX_EPOLL_CTL_ADD && (target || (ev.events & ~LX_EP_EXCLUSIVE_OK))))) {
		lx_ep_put(ep);
		goto out;
	}
	lx_ep_lock(ep);
	uint32_t gen = ep->gen;
	r = ctl_locked(ep, op, fd, &ev, &tst, target);
	if (r == 0)
		lx_eph_ctl(ep, fd, gen);
	lx_ep_unlock(ep);
	lx_ep_put(ep);
out:
	if (target)
		lx_ep_put(target);
	return r;
}

/* --- wait --------------------------------------------------------------------------------- */

/* Appends h's enabled registrations to w (counting past w->cap, so the caller can retry with
 * room).  block: the set for the blocking ppoll, where an edge-triggered entry asks only for
 * bits it has not seen. */
static void collect(struct lx_ep_hdr *h, int depth, int32_t parent, struct wset *w, int block)
{
	w->path[depth] = h;
	for (uint32_t i = 0; i < h->nreg && i < LX_EP_MAXREG; i++) {
		const struct lx_ep_reg *r = &lx_ep_regs(h)[i];
		uint32_t me = w->n++, ev = r->events & POLL_BITS;
		struct lx_ep_hdr *in;

		if (!(r->events & ~LX_EP_PRIVATE_BITS)) {
			w->n--; /* a ONESHOT that fired */
			continue;
		}
		w->net += (r->events & LX_EPOLLET) != 0;
		w->nested |= (r->flags & LX_EPR_EPOLL) != 0;
		if (me >= w->cap)
			continue;
		w->p[me].fd = r->fd;
		w->p[me].events = (int16_t)ev;
		w->p[me].revents = 0;
		w->m[me] = (struct snap){i, r->seq, parent, r->events, r->last};
		if (block && (r->events & LX_EPOLLET)) {
			w->p[me].events = (int16_t)(ev & ~(r->last & ~LX_EPOLLIN));
			if (r->last & (LX_EPOLLERR | LX_EPOLLHUP))
				w->p[me].fd = -1;
			if (r->last & (LX_EPOLLERR | LX_EPOLLHUP))
				w->slice = 1;
		}
		if (!(r->flags & LX_EPR_EPOLL))
			continue;
		w->p[me].fd = -1; /* the memfd is always "ready": its own members decide */
		if (depth >= LX_EP_MAX_NESTS || !(in = inner_get(r)))
			continue;
		/* a loop two racing EPOLL_CTL_ADDs closed past the loop check: its lock is ours */
		int loop = 0;
		for (int d = 0; d <= depth; d++)
			loop |= w->path[d]->dev == in->dev && w->path[d]->ino == in->ino;
		if (loop) {
			lx_ep_put(in);
			continue;
		}
		lx_ep_lock(in);
		collect(in, depth + 1, (int32_t)me, w, 0);
		lx_ep_unlock(in);
		lx_ep_put(in);
	}
}

/* A nested instance's readiness goes up to the entry that names it (children come after
 * their parent, so one backwards pass carries it through every level). */
static void propagate(struct wset *w)
{
	for (uint32_t k = w->n; k-- > 0;) {
		const struct snap *s = &w->m[k];
		uint32_t cur = (uint16_t)w->p[k].revents & s->events & ~LX_EPOLLNVAL;

		if (s->parent < 0 || !cur)
			continue;
		if ((s->events & LX_EPOLLET) && !(cur & ~s->last) && !(cur & LX_EPOLLIN))
			continue;
		w->p[s->parent].revents |= LX_EPOLLIN;
	}
}

struct out {
	uint64_t buf;
	int max, n;
	long err;
	int skipped; /* a ready row this process may not drop (another's closed descriptor) */
};

/* The registration a snapshot row stands for, if it is still there. */
static struct lx_ep_reg *row_reg(struct lx_ep_hdr *h, const struct snap *s, int fd)
{
	struct lx_ep_reg *r = s->idx < h->nreg ? &lx_ep_regs(h)[s->idx] : 0;

	if (r && r->seq == s->seq)
		return r;
	r = lx_ep_find(h, fd);
	return r && r->seq == s->seq ? r : 0;
}

/* One top-level entry: report it (1), or not (0); -1 when the guest's buffer faulted. */
static int report(struct lx_ep_hdr *h, struct wset *w, uint32_t k, struct out *o)
{
	struct lx_ep_reg *r = row_reg(h, &w->m[k], w->p[k].fd);
	uint32_t rev = (uint16_t)w->p[k].revents, cur;
	struct lx_epoll_event e;

	if (!r || (w->p[k].fd != r->fd && !(r->flags & LX_EPR_EPOLL)))
		return 0;
	if (rev & LX_EPOLLNVAL) {
		if (r->owner == (int32_t)lx_sys0(LX_SYS_getpid))
			lx_ep_remove(h, r);
		else
			o->skipped = 1;
		return 0;
	}
	cur = rev & r->events & ~LX_EP_PRIVATE_BITS;
	/* edge-triggered: a bit not seen at the last look; EPOLLIN whenever readable (see the
	 * theory statement: the brand cannot tell a refilled buffer from an untouched one) */
	if ((r->events & LX_EPOLLET) && !(cur & ~r->last) && !(cur & LX_EPOLLIN)) {
		r->last = cur;
		return 0;
	}
	if (!cur)
		return 0;
	if (!same_file(r, cur)) {
		if (r->owner == (int32_t)lx_sys0(LX_SYS_getpid))
			lx_ep_remove(h, r);
		else
			o->skipped = 1;
		return 0;
	}
	e.events = cur;
	e.data = r->data;
	if (lx_copy_to_guest(o->buf + (uint64_t)o->n * sizeof(e), &e, sizeof(e)))
		return -1;
	if (r->events & LX_EPOLLET)
		r->last = cur;
	if (r->events & LX_EPOLLONESHOT) {
		r->events &= LX_EP_PRIVATE_BITS;
		lx_ep_changed(h);
	}
	o->n++;
	return 1;
}

/* ready: how many rows ppoll found with revents; once they are all seen, and no
 * edge-triggered row needs its idle mark, the rest of the set is not looked at. */
static void report_all(struct lx_ep_hdr *h, struct wset *w, struct out *o, uint32_t ready)
{
	uint32_t rotor = h->rotor, stop = rotor, seen = 0, n = w->n < w->cap ? w->n : w->cap;

	/* two passes: registrations from the rotor on, then those before it */
	for (int pass = 0; pass < 2 && o->n < o->max; pass++)
		for (uint32_t k = 0; k < n && o->n < o->max; k++) {
			if (seen >= ready && !w->net)
				break;
			if ((pass == 0) != (w->m[k].idx >= rotor))
				continue;
			if (!w->p[k].revents) {
				if (!(w->m[k].events & LX_EPOLLET) || w->m[k].parent >= 0)
					continue;
				struct lx_ep_reg *r = row_reg(h, &w->m[k], w->p[k].fd);
				if (r && (r->events & LX_EPOLLET))
					r->last = 0; /* seen idle: the next readiness is an edge */
				continue;
			}
			seen++;
			if (w->m[k].parent >= 0)
				continue;
			int rc = report(h, w, k, o);
			if (rc < 0) {
				o->err = o->n ? 0 : -LX_EFAULT;
				o->max = o->n;
				break;
			}
			if (rc)
				stop = w->m[k].idx + 1;
		}
	h->rotor = stop;
}

static int64_t now_ns(void)
{
	struct lx_ts ts = {0, 0};

	lx_sys2(SYS_clock_gettime, 1 /* CLOCK_MONOTONIC */, &ts);
	return ts.sec * 1000000000LL + ts.nsec;
}

/* --- the process's poll sets ----------------------------------------------------------- */

#define VIEWS 8
static struct {
	struct view v[VIEWS];
	uint32_t clock;
	volatile int lock;
} views;

/* The view of ep for one look, taken (busy), or NULL: the table is in use by another thread
 * (a lock held across a fork stays held in the child, so it is only tried), or another thread
 * is looking at ep through its view.  Past VIEWS instances, the least recently used view is
 * reused and its rows rebuilt. */
static struct view *view_take(const struct lx_ep_hdr *ep)
{
	struct view *got = 0;

	if (__atomic_exchange_n(&views.lock, 1, __ATOMIC_ACQUIRE))
		return 0;
	for (int i = 0; i < VIEWS; i++) {
		struct view *v = &views.v[i];
		if (v->dev == ep->dev && v->ino == ep->ino) {
			got = v->busy ? 0 : v;
			goto out;
		}
		if (!v->busy && (!got || v->use < got->use))
			got = v;
	}
	if (got) {
		got->dev = ep->dev;
		got->ino = ep->ino;
		got->valid = 0;
	}
out:
	if (got) {
		got->busy = 1;
		got->use = ++views.clock;
	}
	lx_spin_unlock(&views.lock);
	return got;
}

static void view_give(struct view *v)
{
	if (v)
		__atomic_store_n(&v->busy, 0, __ATOMIC_RELEASE);
}

static void wset_on(struct wset *w, void *buf, uint32_t cap)
{
	w->cap = cap;
	w->m = buf;
	w->p = (struct lx_pollfd *)(w->m + cap);
}

/* Snapshots ep into w, growing its room (*big, *bigsz) past what it has when needed.
 * 0 or -ENOMEM; keep: return with ep still locked (on success). */
static long snapshot(struct lx_ep_hdr *ep, struct wset *w, int block, void **big, size_t *bigsz,
		     int keep)
{
	for (;;) {
		uint32_t cap = w->cap;
		size_t need;
		w->n = 0;
		w->slice = 0;
		w->nested = 0;
		w->net = 0;
		lx_ep_lock(ep);
		collect(ep, 0, -1, w, block);
		if (w->n <= cap) {
			if (!keep)
				lx_ep_unlock(ep);
			return 0;
		}
		lx_ep_unlock(ep);
		need = (size_t)(w->n + 64) * (sizeof(struct lx_pollfd) + sizeof(struct snap));
		if (*big)
			lx_munmap(*big, *bigsz);
		*big = lx_mmap_anon(need);
		if (!*big) {
			*bigsz = 0;
			w->cap = 0;
			return -LX_ENOMEM;
		}
		*bigsz = need;
		wset_on(w, *big, w->n + 64);
	}
}

/* Step 1's set, locked: the view's rows when the instance has not changed since they were
 * built (no walk of the registrations: the wait costs ppoll and what it reports), else a
 * fresh snapshot, kept in the view for the next wait when it has no nested instance. */
static long snapshot_now(struct lx_ep_hdr *ep, struct wset *w, struct view *v, void **big,
			 size_t *bigsz)
{
	long r;

	if (!v)
		return snapshot(ep, w, 0, big, bigsz, 1);
	if (v->valid) {
		lx_ep_lock(ep);
		if (v->gen == ep->gen) {
			wset_on(w, v->buf, v->cap);
			w->n = v->n;
			w->net = v->net;
			w->nested = 0;
			return 0;
		}
		lx_ep_unlock(ep);
	}
	v->valid = 0;
	wset_on(w, v->buf, v->cap);
	r = snapshot(ep, w, 0, &v->buf, &v->sz, 1);
	if (r < 0) {
		v->cap = 0;
		return r;
	}
	v->cap = w->cap;
	v->gen = ep->gen;
	v->n = w->n;
	v->net = w->net;
	v->valid = !w->nested;
	return 0;
}

static long wait_loop(struct lx_sysctx *c, struct lx_ep_hdr *ep, struct out *o, int64_t timeout,
		      uint64_t mask)
{
	struct lx_pollfd pfd[STACK_ENTRIES];
	struct snap meta[STACK_ENTRIES];
	struct wset w = {pfd, meta, 0, STACK_ENTRIES, 0, 0, 0, {0}}, wv = w;
	int64_t deadline = timeout > 0 ? now_ns() + timeout : 0;
	void *big = 0;
	size_t bigsz = 0;
	long r = 0;

	for (;;) {
		/* 1: what is ready now, signals held; ppoll does not block here, so the lock is
		 * held across it and the whole look is one critical section (which also makes
		 * the view this thread's alone: the process's other threads take ep's lock to
		 * use it) */
		struct view *v = view_take(ep);
		struct wset *w1 = v ? &wv : &w;
		r = snapshot_now(ep, w1, v, &big, &bigsz);
		if (r < 0) {
			view_give(v);
			break;
		}
		struct lx_ts zero = {0, 0};
		r = lx_sys5(SYS_ppoll, w1->p, w1->n, &zero, 0, 8);
		if (r > 0 && w1->nested)
			propagate(w1);
		o->skipped = 0;
		if (r >= 0) /* also notes edge-triggered entries seen idle */
			report_all(ep, w1, o, w1->nested ? ~0u : (uint32_t)r);
		lx_ep_unlock(ep);
		view_give(v);
		if (r < 0)
			break;
		if (o->n || o->err) {
			r = o->err ? o->err : o->n;
			break;
		}
		if (timeout == 0) {
			r = 0;
			break;
		}
		/* 2: wait for a change, the guest's signals open */
		int64_t left = timeout < 0 ? -1 : deadline - now_ns();
		if (timeout > 0 && left <= 0) {
			r = 0;
			break;
		}
		r = snapshot(ep, &w, 1, &big, &bigsz, 0);
		if (r < 0)
			break;
		if ((w.slice || o->skipped) && (left < 0 || left > SLICE_NS))
			left = SLICE_NS;
		struct lx_ts ts = {left / 1000000000LL, left % 1000000000LL};
		c->t->waiting = 1;
		/* rows this process may not drop would wake it at once: sleep the slice instead */
		r = lx_sys5(SYS_ppoll, o->skipped ? 0 : w.p, o->skipped ? 0 : w.n,
			    left < 0 ? 0 : &ts, &mask, 8);
		c->t->waiting = 0;
		if (r < 0 || c->t->nstash)
			break;
	}
	if (big)
		lx_munmap(big, bigsz);
	return r == -LX_EINTR || (r >= 0 && c->t->nstash && !o->n) ? -LX_EINTR : r;
}

/* do_epoll_wait's checks, in the order this host's kernel makes them (the descriptor, the
 * count, the buffer's range, the descriptor's kind; tests/integration/epoll_hard.c pins it),
 * then the wait; the caller's signals stashed during it are delivered on the way out. */
static long ep_wait(struct lx_sysctx *c, int epfd, uint64_t events, int maxevents, int64_t timeout,
		    uint64_t mask)
{
	struct out o = {events, maxevents, 0, 0, 0};
	struct lx_ep_hdr *ep;
	struct lx_stat st;
	long r;

	if (lx_sys2(LX_SYS_fstat, epfd, &st) < 0)
		return -LX_EBADF;
	if (maxevents <= 0 || maxevents > LX_EP_MAX_EVENTS)
		return -LX_EINVAL;
	if (events >= TASK_SIZE || (uint64_t)maxevents * 12 > TASK_SIZE - events)
		return -LX_EFAULT;
	r = lx_ep_get(epfd, &st, &ep);
	if (r < 0)
		return r;
	if (!c->t->fast) /* a patched call's stash is the fast path's to deliver (patch.h) */
		c->t->nstash = 0;
	mask &= ~LX_SIG_BIT(LX_SIGSYS);
	r = lx_eph_wait(c, ep, events, maxevents, timeout, mask, now_ns);
	if (r == LX_EPH_DECLINED)
		r = wait_loop(c, ep, &o, timeout, mask);
	lx_ep_put(ep);
	if (c->t->nstash) {
		c->uc->uc_mcontext.rax = (uint64_t)r;
		lx_signal_flush(c->t, c->uc);
	}
	return r;
}

static int64_t ms_timeout(int ms)
{
	return ms < 0 ? -1 : (int64_t)ms * 1000000;
}

long lx_sys_epoll_wait(struct lx_sysctx *c)
{
	return ep_wait(c, (int)c->a[0], c->a[1], (int)c->a[2], ms_timeout((int)c->a[3]),
		       c->uc->uc_sigmask);
}

/* set_user_sigmask: a mask of the wrong size is EINVAL, an unreadable one EFAULT. */
static long user_mask(struct lx_sysctx *c, uint64_t ptr, uint64_t size, uint64_t *mask)
{
	*mask = c->uc->uc_sigmask;
	if (!ptr)
		return 0;
	if (size != 8)
		return -LX_EINVAL;
	return lx_copy_from_guest(mask, ptr, 8) ? -LX_EFAULT : 0;
}

long lx_sys_epoll_pwait(struct lx_sysctx *c)
{
	uint64_t mask;
	long r = user_mask(c, c->a[4], c->a[5], &mask);

	if (r < 0)
		return r;
	return ep_wait(c, (int)c->a[0], c->a[1], (int)c->a[2], ms_timeout((int)c->a[3]), mask);
}

long lx_sys_epoll_pwait2(struct lx_sysctx *c)
{
	int64_t timeout = -1;
	uint64_t mask;
	long r;

	if (c->a[3]) {
		struct lx_ts ts;
		if (lx_copy_from_guest(&ts, c->a[3], sizeof(ts)))
			return -LX_EFAULT;
		if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000LL)
			return -LX_EINVAL;
		timeout = ts.sec > 9000000000LL ? -1 : ts.sec * 1000000000LL + ts.nsec;
	}
	r = user_mask(c, c->a[4], c->a[5], &mask);
	if (r < 0)
		return r;
	return ep_wait(c, (int)c->a[0], c->a[1], (int)c->a[2], timeout, mask);
}
