/*
 * The hardened profile's epoll, readiness from the host's eventpoll: the brand's own epoll
 * instance per process ("shadow"), on a descriptor in the brand's reserved range.
 *
 * Big theory statement.
 *
 * Why.  Over ppoll (syscalls/lx_epoll.c) every wait hands the kernel the whole interest list
 * and the kernel polls every file: epoll_wait over 100 descriptors costs a trap plus a ppoll
 * of 100, about x9 native.  gVisor's sentry takes readiness from the host's eventpoll (its
 * published host filter allows epoll_create1, epoll_ctl and epoll_pwait); this file does the
 * same, so a wait costs the trap and one epoll_pwait2 of the ready entries only.
 *
 * Who reaches the host's eventpoll.  Only the brand, through the gate: the hardened filter
 * (filter/rules.c, add_epoll_rules) allows epoll_create1 from the gate, and epoll_ctl,
 * epoll_pwait and epoll_pwait2 from the gate on a first argument in [LX_EPH_FD_BASE,
 * LX_EPH_FD_BASE + LX_EPH_FD_COUNT); every other epoll call from the gate is refused (EPERM),
 * and the guest's own calls still trap into the emulation.  A guest that jumps to the gate
 * can therefore make the host's eventpoll calls the brand makes (docs/security.md says what
 * that reaches); the range keeps a brand bug from passing a guest's descriptor to them.  The
 * filter may leave the host's eventpoll out entirely (lxrun --epoll-ppoll): epoll_create1
 * from the gate then answers EPERM, and the process stays on the ppoll backend.
 *
 * State.  The instance stays the memfd of emul/epoll_inst.h: the registrations, their data,
 * ONESHOT's disarming and the fork/exec/dup semantics are the memfd's, as before.  A shadow
 * mirrors the memfd's enabled registrations into a host epoll instance of this process, each
 * item's data the registration's (seq << 32 | fd); a table indexed by descriptor remembers
 * what was applied.  The memfd's gen says when the shadow is stale: a wait resyncs (ADD, MOD,
 * DEL per changed registration), and an EPOLL_CTL of this process updates its own shadow at
 * once (a thread already blocked in the host's wait then sees the change, as on Linux).
 *
 * Semantics it gains over ppoll: EPOLLET is the host's edge (LTP epoll_wait06 passes), and a
 * registration's file closed under one number but open under another (dup) goes on being
 * reported, as on Linux: the host's item lives as long as the open file.
 *
 * What it does not do, and who falls back to ppoll: a set with a nested instance (the memfd
 * cannot be added to a host epoll), a process whose reserved range is full or below its
 * RLIMIT_NOFILE, a filter without the host's eventpoll.  Processes sharing an instance
 * (fork) each have their own shadow: a ONESHOT is reported once (the memfd's disarming is
 * checked), but an EPOLLET edge may be reported to a waiter of each process; a registration
 * another process added reaches this process's shadow at its next wait, and only when the
 * descriptor number names the same file here.  The shadow's descriptor shows in /proc/self/fd
 * (anon_inode:[eventpoll]); a guest that closes or replaces it only makes the brand build
 * another.
 */
#include "emul/epoll_inst.h"
#include "emul/guestmem.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "emul/state.h"
#include "syscalls/handlers.h"

#define SYS_epoll_ctl	  233
#define SYS_epoll_pwait	  281
#define SYS_epoll_create1 291
#define SYS_epoll_pwait2  441
#define F_GETFL		  3
#define S_IFMT		  0170000
#define S_IFIFO		  0010000
#define SHADOWS		  16
#define EVBUF		  128
#define NO_FD		  (-1)

struct applied {
	uint32_t seq;	 /* the registration applied (0: none) */
	uint32_t events; /* its events as applied */
	uint32_t stamp;	 /* the sync that last saw it */
	uint32_t in;	 /* it is an item of the host instance */
};

struct shadow {
	uint64_t dev, ino;   /* the memfd */
	uint64_t hdev, hino; /* the host instance: still ours after a failed call? */
	int32_t pid;	     /* the process whose descriptor fd is */
	int fd;		     /* the host instance, in the reserved range; NO_FD: none */
	uint32_t gen;	     /* the memfd's gen it mirrors */
	int valid;	     /* synced at gen */
	int nested;	     /* the set has a nested instance: the ppoll backend serves it */
	int busy;	     /* threads using it */
	uint32_t use, stamp;
	struct applied *tab; /* indexed by descriptor */
	uint32_t tabn, top;  /* entries; 1 + the highest descriptor applied */
	size_t tabsz;
};

static struct {
	struct shadow s[SHADOWS];
	uint32_t clock;
	int off; /* the filter keeps the host's eventpoll out: ppoll only */
	int no_pwait2;
	volatile int lock;
} sh;

_Static_assert(LX_EPH_FD_COUNT >= SHADOWS, "a descriptor for every shadow");

static void tab_clear(struct shadow *s)
{
	if (s->tab)
		memset(s->tab, 0, (size_t)s->top * sizeof(*s->tab));
	s->top = 0;
	s->valid = 0;
}

/* Is s->fd still the host instance the brand made?  (The guest may close or replace it.) */
static int shadow_alive(const struct shadow *s)
{
	struct lx_stat st;

	return s->fd != NO_FD && lx_sys2(LX_SYS_fstat, s->fd, &st) == 0 && st.dev == s->hdev &&
	       st.ino == s->hino;
}

/* Lets go of the host instance: closed when the descriptor still is it (never the guest's
 * file that replaced it). */
static void shadow_drop(struct shadow *s)
{
	if (shadow_alive(s))
		lx_sys1(LX_SYS_close, s->fd);
	s->fd = NO_FD;
	tab_clear(s);
}

/* A host instance on a descriptor of the reserved range, or -errno. */
static long host_instance(struct shadow *s)
{
	long fd = lx_sys1(SYS_epoll_create1, LX_EPOLL_CLOEXEC), hi;
	struct lx_stat st;

	if (fd < 0)
		return fd;
	hi = lx_sys3(LX_SYS_fcntl, fd, LX_F_DUPFD_CLOEXEC, LX_EPH_FD_BASE);
	lx_sys1(LX_SYS_close, fd);
	if (hi < 0)
		return hi;
	if (hi >= LX_EPH_FD_BASE + LX_EPH_FD_COUNT || lx_sys2(LX_SYS_fstat, hi, &st) < 0) {
		lx_sys1(LX_SYS_close, hi);
		return -LX_EMFILE;
	}
	s->hdev = st.dev;
	s->hino = st.ino;
	return hi;
}

#define TAB_FIRST 1024u

/* This process's shadow of ep, taken (busy); NULL: use ppoll. */
static struct shadow *shadow_take(const struct lx_ep_hdr *ep, int pid)
{
	struct shadow *got = 0, *victim = 0;

	if (__atomic_load_n(&sh.off, __ATOMIC_RELAXED))
		return 0;
	lx_spin_lock(&sh.lock);
	for (int i = 0; i < SHADOWS && !got; i++) {
		struct shadow *s = &sh.s[i];
		if (s->tab && s->dev == ep->dev && s->ino == ep->ino)
			got = s;
		else if (!s->busy &&
			 (!victim || (victim->tab && (!s->tab || s->use < victim->use))))
			victim = s;
	}
	if (!got && victim) {
		/* a fresh slot, or the least recently used one of another instance */
		got = victim;
		if (got->pid == pid)
			shadow_drop(got);
		else
			tab_clear(got);
		got->fd = NO_FD;
		got->dev = ep->dev;
		got->ino = ep->ino;
		got->nested = 0;
		if (!got->tab) {
			got->tabsz = TAB_FIRST * sizeof(struct applied);
			got->tab = lx_mmap_anon(got->tabsz);
			got->tabn = got->tab ? TAB_FIRST : 0;
		}
		if (!got->tab)
			got = 0;
	}
	if (got) {
		got->busy++;
		got->use = ++sh.clock;
	}
	lx_spin_unlock(&sh.lock);
	return got;
}

static void shadow_give(struct shadow *s)
{
	lx_spin_lock(&sh.lock);
	s->busy--;
	lx_spin_unlock(&sh.lock);
}

static uint32_t accmode(int fd)
{
	long fl = lx_sys2(LX_SYS_fcntl, fd, F_GETFL);

	return fl < 0 ? 0 : (uint32_t)(fl & 3);
}

/* Is r's descriptor, in this process, the file r was made for? */
static int here(const struct lx_ep_reg *r)
{
	struct lx_stat st;

	if (lx_sys2(LX_SYS_fstat, r->fd, &st) < 0 || st.dev != r->dev || st.ino != r->ino)
		return 0;
	return !(r->flags & LX_EPR_PIPE) || accmode(r->fd) == r->accmode;
}

static long hctl(struct shadow *s, int op, int fd, uint32_t events, uint64_t data)
{
	struct lx_epoll_event e = {events, data};

	return lx_sys4(SYS_epoll_ctl, s->fd, op, fd, op == LX_EPOLL_CTL_DEL ? 0 : &e);
}

static int tab_grow(struct shadow *s, uint32_t fd)
{
	size_t n = s->tabn, need;
	struct applied *t;

	while (n <= fd)
		n *= 2;
	need = n * sizeof(*t);
	t = lx_mmap_anon(need);
	if (!t)
		return -1;
	memcpy(t, s->tab, (size_t)s->top * sizeof(*t));
	lx_munmap(s->tab, s->tabsz);
	s->tab = t;
	s->tabsz = need;
	s->tabn = (uint32_t)n;
	return 0;
}

/* Makes the host's item for descriptor fd what ep says (r: its registration, or NULL).
 * ours: r was just made by this process (no identity check needed).  -1 when the host
 * instance is gone (the guest closed or replaced its descriptor) or out of memory. */
static int apply(struct shadow *s, int fd, const struct lx_ep_reg *r, int ours)
{
	struct applied *a;
	long rc;

	if (fd < 0 || (unsigned)fd >= LX_EP_MAXFD)
		return 0;
	if ((uint32_t)fd >= s->tabn && tab_grow(s, (uint32_t)fd) < 0)
		return -1;
	if ((uint32_t)fd >= s->top)
		s->top = (uint32_t)fd + 1;
	a = &s->tab[fd];
	a->stamp = s->stamp;
	if (r && (r->flags & LX_EPR_EPOLL)) {
		s->nested = 1;
		r = 0;
	}
	/* a disarmed ONESHOT is no item: a MOD would re-add EPOLLERR|EPOLLHUP */
	if (r && !(r->events & ~LX_EP_PRIVATE_BITS))
		r = 0;
	if (!r) {
		if (a->in)
			hctl(s, LX_EPOLL_CTL_DEL, fd, 0, 0);
		*a = (struct applied){0, 0, s->stamp, 0};
		return 0;
	}
	if (a->in && a->seq == r->seq && a->events == r->events)
		return 0;
	uint64_t data = (uint64_t)r->seq << 32 | (uint32_t)fd;
	if (a->in && a->seq == r->seq && !(r->events & LX_EPOLLEXCLUSIVE) &&
	    hctl(s, LX_EPOLL_CTL_MOD, fd, r->events, data) == 0) {
		a->events = r->events;
		return 0;
	}
	if (a->in)
		hctl(s, LX_EPOLL_CTL_DEL, fd, 0, 0);
	*a = (struct applied){r->seq, r->events, s->stamp, 0};
	if (!ours && !here(r))
		return 0; /* another process's number, another file here */
	rc = hctl(s, LX_EPOLL_CTL_ADD, fd, r->events, data);
	if (rc == -LX_EEXIST) /* the item of a closed number's file, still open elsewhere */
		rc = hctl(s, LX_EPOLL_CTL_MOD, fd, r->events, data);
	a->in = rc == 0;
	return rc < 0 && !shadow_alive(s) ? -1 : 0;
}

/* The whole set into the shadow, ep locked.  0, or -1: the host instance is gone. */
static int sync_all(struct shadow *s, struct lx_ep_hdr *ep)
{
	uint32_t stamp = ++s->stamp;

	s->nested = 0;
	for (uint32_t i = 0; i < ep->nreg && i < LX_EP_MAXREG; i++) {
		const struct lx_ep_reg *r = &lx_ep_regs(ep)[i];
		if (apply(s, r->fd, r, 0) < 0)
			return -1;
	}
	/* items whose registration is gone */
	for (uint32_t fd = 0; fd < s->top; fd++)
		if (s->tab[fd].stamp != stamp && (s->tab[fd].in || s->tab[fd].seq)) {
			if (s->tab[fd].in)
				hctl(s, LX_EPOLL_CTL_DEL, (int)fd, 0, 0);
			s->tab[fd] = (struct applied){0, 0, stamp, 0};
		}
	s->gen = ep->gen;
	s->valid = 1;
	return 0;
}

/* The shadow ready for a wait, ep locked: 0, or -1 (ppoll serves this wait). */
static int shadow_ready(struct shadow *s, struct lx_ep_hdr *ep, int pid)
{
	for (int tries = 0; tries < 2; tries++) {
		if (s->fd == NO_FD || s->pid != pid) {
			long fd;
			/* after fork: the parent's instance, inherited; the child lets go of it */
			shadow_drop(s);
			fd = host_instance(s);
			if (fd == -LX_EPERM || fd == -LX_EACCES)
				__atomic_store_n(&sh.off, 1, __ATOMIC_RELAXED);
			if (fd < 0)
				return -1;
			s->fd = (int)fd;
			s->pid = pid;
		}
		if (s->valid && s->gen == ep->gen)
			return s->nested ? -1 : 0;
		if (sync_all(s, ep) == 0)
			return s->nested ? -1 : 0;
		shadow_drop(s);
	}
	return -1;
}

/* --- the entry points (emul/epoll_inst.h) ------------------------------------------------ */

void lx_eph_ctl(struct lx_ep_hdr *ep, int fd, uint32_t gen_before)
{
	int pid = (int)lx_sys0(LX_SYS_getpid);
	struct shadow *s = 0;

	lx_spin_lock(&sh.lock);
	for (int i = 0; i < SHADOWS; i++)
		if (sh.s[i].tab && sh.s[i].dev == ep->dev && sh.s[i].ino == ep->ino) {
			s = &sh.s[i];
			s->busy++;
			break;
		}
	lx_spin_unlock(&sh.lock);
	if (!s)
		return;
	if (s->fd != NO_FD && s->pid == pid && s->valid) {
		if (apply(s, fd, lx_ep_find(ep, fd), 1) < 0)
			shadow_drop(s);
		else if (s->gen == gen_before)
			s->gen = ep->gen; /* nothing else moved: still in step */
	}
	shadow_give(s);
}

struct lx_eph_out {
	uint64_t buf;
	int max, n;
	int stale; /* events of items no registration stands for any more */
};

/* The host's events as the guest's, ep locked. */
static int translate(struct shadow *s, struct lx_ep_hdr *ep, const struct lx_epoll_event *ev, int n,
		     struct lx_eph_out *o)
{
	for (int i = 0; i < n && o->n < o->max; i++) {
		int fd = (int)(uint32_t)ev[i].data;
		uint32_t seq = (uint32_t)(ev[i].data >> 32), cur;
		struct lx_ep_reg *r = lx_ep_find(ep, fd);
		struct lx_epoll_event e;

		if (!r || r->seq != seq) {
			o->stale = 1;
			continue;
		}
		/* the host disarmed a ONESHOT item as it reported it: the next sync re-arms it
		 * if the registration is (a MOD from this or another process) */
		if ((r->events & LX_EPOLLONESHOT) && (uint32_t)fd < s->top)
			s->tab[fd].events = 0;
		cur = ev[i].events & (r->events & ~LX_EP_PRIVATE_BITS);
		if (!cur)
			continue; /* disarmed (a ONESHOT another process reported) */
		e.events = cur;
		e.data = r->data;
		if (lx_copy_to_guest(o->buf + (uint64_t)o->n * sizeof(e), &e, sizeof(e)))
			return o->n ? 0 : -LX_EFAULT;
		if (r->events & LX_EPOLLONESHOT) {
			uint32_t g = ep->gen;
			r->events &= LX_EP_PRIVATE_BITS;
			lx_ep_changed(ep);
			/* the host disarmed its item too: the shadow stays in step if nothing
			 * else moved */
			if (s->gen == g)
				s->gen = ep->gen;
		}
		o->n++;
	}
	return 0;
}

static long host_wait(struct shadow *s, struct lx_epoll_event *ev, int max, int64_t timeout,
		      uint64_t *mask)
{
	if (!__atomic_load_n(&sh.no_pwait2, __ATOMIC_RELAXED)) {
		struct {
			int64_t sec, nsec;
		} ts = {timeout / 1000000000LL, timeout % 1000000000LL};
		long r = lx_sys6(SYS_epoll_pwait2, s->fd, ev, max, timeout < 0 ? 0 : &ts, mask, 8);
		if (r != -LX_ENOSYS && r != -LX_EPERM)
			return r;
		__atomic_store_n(&sh.no_pwait2, 1, __ATOMIC_RELAXED);
	}
	/* milliseconds, rounded up: never shorter than asked */
	long ms = timeout < 0 ? -1 : (long)((timeout + 999999) / 1000000);
	return lx_sys6(SYS_epoll_pwait, s->fd, ev, max, ms, mask, 8);
}

/*
 * The process's pid without a system call per wait (one costs about a microsecond here, as
 * much as the wait itself): kept in a page the kernel wipes in a fork child (MADV_WIPEONFORK),
 * so a child asks again.  Processes sharing this memory without fork (a vfork child, a
 * clone(CLONE_VM) process) see the owner's pid and use its host instances, which their
 * descriptor tables hold too (the same open file descriptions).  Without the page, getpid.
 */
static int wait_pid(void)
{
	int *w = lx_fork_wiped(), *p, pid;

	if (!w)
		return (int)lx_sys0(LX_SYS_getpid);
	p = &w[LX_WIPED_PID];
	pid = __atomic_load_n(p, __ATOMIC_RELAXED);
	if (!pid) {
		pid = (int)lx_sys0(LX_SYS_getpid);
		__atomic_store_n(p, pid, __ATOMIC_RELAXED);
	}
	return pid;
}

long lx_eph_wait(struct lx_sysctx *c, struct lx_ep_hdr *ep, uint64_t buf, int maxevents,
		 int64_t timeout, uint64_t mask, int64_t (*clock)(void))
{
	int pid = wait_pid();
	struct shadow *s = shadow_take(ep, pid);
	struct lx_epoll_event ev[EVBUF];
	struct lx_eph_out o = {buf, maxevents, 0, 0};
	int64_t deadline = timeout > 0 ? clock() + timeout : 0;
	long r;

	if (!s)
		return LX_EPH_DECLINED;
	lx_ep_lock(ep);
	r = shadow_ready(s, ep, pid);
	lx_ep_unlock(ep);
	if (r < 0) {
		shadow_give(s);
		return LX_EPH_DECLINED;
	}
	for (;;) {
		int64_t left = timeout <= 0 ? timeout : deadline - clock();
		if (timeout > 0 && left < 0)
			left = 0;
		if (left != 0)
			c->t->waiting = 1;
		r = host_wait(s, ev, maxevents < EVBUF ? maxevents : EVBUF, left, &mask);
		c->t->waiting = 0;
		if ((r == -LX_EBADF || r == -LX_EINVAL) && !shadow_alive(s)) {
			/* the guest closed or replaced the shadow's descriptor: another one */
			lx_ep_lock(ep);
			s->fd = NO_FD;
			tab_clear(s);
			r = shadow_ready(s, ep, pid);
			lx_ep_unlock(ep);
			if (r < 0) {
				shadow_give(s);
				return LX_EPH_DECLINED;
			}
			continue;
		}
		if (r <= 0)
			break;
		o.stale = 0;
		lx_ep_lock(ep);
		r = translate(s, ep, ev, (int)r, &o);
		/* only items of numbers closed and reused: rebuilt without them, unless another
		 * thread waits on this instance (closing it would leave that thread asleep on a
		 * file nothing feeds): ppoll serves this wait meanwhile */
		int decline = 0;
		if (o.stale && !o.n) {
			if (__atomic_load_n(&s->busy, __ATOMIC_RELAXED) == 1)
				shadow_drop(s);
			else
				decline = 1;
		}
		if (!decline && (s->fd == NO_FD || s->gen != ep->gen || !s->valid))
			decline = shadow_ready(s, ep, pid) < 0 && !o.n && r == 0;
		if (decline) {
			lx_ep_unlock(ep);
			shadow_give(s);
			return LX_EPH_DECLINED;
		}
		lx_ep_unlock(ep);
		if (r < 0 || o.n || c->t->nstash)
			break;
		if (timeout == 0)
			break;
	}
	shadow_give(s);
	if (r < 0 && r != -LX_EINTR)
		return r;
	if (o.n)
		return o.n;
	return r == -LX_EINTR || c->t->nstash ? -LX_EINTR : 0;
}
