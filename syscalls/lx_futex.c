/*
 * futex PI and requeue operations over plain FUTEX_WAIT/FUTEX_WAKE, for the hardened profile.
 *
 * Big theory statement.
 *
 * The host kernel's PI and requeue paths (futex_lock_pi, rt_mutex proxy locking, requeue_pi)
 * are among its most exploited code (CVE-2014-3153 and its kin), so in a hardened zone the
 * filter traps these commands (an argument rule on futex's op) and the brand implements them
 * on the futex word alone; FUTEX_WAIT, WAKE, the bitset variants and WAKE_OP pass through.
 *
 * The word is Linux's: owner TID | FUTEX_WAITERS | FUTEX_OWNER_DIED, so glibc's user-space
 * fast paths (CAS 0 -> tid to lock, tid -> 0 to unlock) are unchanged: an uncontended PI lock
 * and unlock make no system call at all, as natively.
 *   LOCK_PI, LOCK_PI2   CAS 0 -> tid; a word without an owner (0 or OWNER_DIED alone: a
 *                       robust owner died, the host's exit code marked it) is taken with
 *                       OWNER_DIED kept, so glibc answers EOWNERDEAD; else set FUTEX_WAITERS
 *                       and FUTEX_WAIT on the word.  A thread that waited takes the lock with
 *                       FUTEX_WAITERS set (it cannot know it was the last waiter), so its
 *                       unlock comes here and wakes the next one: no wake-up is lost.
 *   UNLOCK_PI           EPERM unless the caller owns the word; else the word goes to 0 and
 *                       one waiter is woken, who competes with newcomers (no direct handoff).
 *   TRYLOCK_PI          one attempt of LOCK_PI: EAGAIN (EWOULDBLOCK) when owned.
 *   WAIT_REQUEUE_PI     FUTEX_WAIT on the condition word; once woken, LOCK_PI on the mutex
 *                       word, so it returns owning it, as Linux's requeue_pi does.
 *   CMP_REQUEUE_PI      the value check; then wakes the waiters instead of moving them (each
 *                       then takes the mutex in turn).
 *   REQUEUE, CMP_REQUEUE  the value check; then nr_wake + nr_requeue waiters are woken instead
 *                       of requeued: futex waiters must recheck their condition anyway, so a
 *                       requeue becomes spurious wake-ups (a thundering herd Linux avoids).
 *
 * Approximations (docs/architecture.md): there is no priority inheritance — a waiter does not
 * lend its priority to the owner; an owner that dies without a robust list leaves its TID in
 * the word and waiters see ESRCH, as Linux's; the death of a robust owner is noticed within a
 * 100 ms slice (the host's exit code marks the word but wakes only its own PI waiters); a
 * thread blocked in LOCK_PI sees its signals when it gets the lock (Linux runs the handler and
 * restarts the call); return counts of the requeue commands count woken waiters only.
 */
#include "emul/guestmem.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "syscalls/handlers.h"

#define SYS_kill	  62
#define SYS_futex	  202
#define SYS_clock_gettime 228

#define FUTEX_WAIT	      0
#define FUTEX_WAKE	      1
#define FUTEX_REQUEUE	      3
#define FUTEX_CMP_REQUEUE     4
#define FUTEX_LOCK_PI	      6
#define FUTEX_UNLOCK_PI	      7
#define FUTEX_TRYLOCK_PI      8
#define FUTEX_WAIT_REQUEUE_PI 11
#define FUTEX_CMP_REQUEUE_PI  12
#define FUTEX_LOCK_PI2	      13
#define FUTEX_PRIVATE	      128
#define FUTEX_CLOCK_RT	      256
#define FUTEX_CMD_MASK	      (~(FUTEX_PRIVATE | FUTEX_CLOCK_RT))

#define FUTEX_WAITERS	 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK	 0x3fffffffu

#define LX_EDEADLK   35
#define LX_ETIMEDOUT 110
#define SLICE_NS     100000000LL

struct lx_ts {
	int64_t sec, nsec;
};

static int64_t clock_ns(int clk)
{
	struct lx_ts ts = {0, 0};

	lx_sys2(SYS_clock_gettime, clk, &ts);
	return ts.sec * 1000000000LL + ts.nsec;
}

struct deadline {
	int clk;     /* 0 CLOCK_REALTIME, 1 CLOCK_MONOTONIC */
	int64_t abs; /* -1: none */
};

/* The wait's next slice: relative, at most SLICE_NS; -ETIMEDOUT once the deadline passed. */
static long slice(const struct deadline *d, struct lx_ts *ts)
{
	int64_t left = SLICE_NS;

	if (d->abs >= 0) {
		left = d->abs - clock_ns(d->clk);
		if (left <= 0)
			return -LX_ETIMEDOUT;
		if (left > SLICE_NS)
			left = SLICE_NS;
	}
	ts->sec = left / 1000000000LL;
	ts->nsec = left % 1000000000LL;
	return 0;
}

/*
 * One attempt to take the PI word at uaddr: 0 taken, 1 owned by another (*seen: the word,
 * FUTEX_WAITERS set in it), or -errno.  waited: the caller slept on it before.
 */
static long lock_try(uint64_t uaddr, uint32_t tid, int waited, uint32_t *seen)
{
	const uint32_t mine = tid | (waited ? FUTEX_WAITERS : 0);
	long v = lx_cas_guest(uaddr, 0, mine);
	/* v is the word before a CAS: 0 means taken only when that CAS was 0 -> mine; after any
	 * other CAS a 0 is a word the owner just released, to be taken (a lost race here let two
	 * threads own the lock: it-futex-pi counted 79999 of 80000) */
	int from_take = 1;

	for (;;) {
		uint32_t w;
		if (v < 0)
			return v;
		w = (uint32_t)v;
		if (w == 0) {
			if (from_take)
				return 0;
			v = lx_cas_guest(uaddr, 0, mine);
			from_take = 1;
			continue;
		}
		from_take = 0;
		if ((w & FUTEX_TID_MASK) == tid)
			return -LX_EDEADLK;
		if (!(w & FUTEX_TID_MASK)) {
			/* no owner: free, or a dead robust owner's (OWNER_DIED kept for glibc) */
			uint32_t nw = tid | (w & (FUTEX_OWNER_DIED | FUTEX_WAITERS));
			v = lx_cas_guest(uaddr, w, nw);
			if (v >= 0 && (uint32_t)v == w)
				return 0;
			continue;
		}
		if (lx_sys2(SYS_kill, w & FUTEX_TID_MASK, 0) == -LX_ESRCH) {
			/* the owner is gone and left its TID (no robust list): Linux says ESRCH
			 * unless the word changes under it */
			long again = lx_cas_guest(uaddr, w, w);
			if (again >= 0 && (uint32_t)again == w)
				return -LX_ESRCH;
			v = again;
			continue;
		}
		if (!(w & FUTEX_WAITERS)) {
			v = lx_cas_guest(uaddr, w, w | FUTEX_WAITERS);
			if (v >= 0 && (uint32_t)v == w)
				w |= FUTEX_WAITERS;
			else
				continue;
		}
		*seen = w;
		return 1;
	}
}

static long lock_pi(uint64_t uaddr, int priv, const struct deadline *d, int trylock)
{
	uint32_t tid = (uint32_t)lx_sys0(LX_SYS_gettid), seen = 0;
	int waited = 0;

	for (;;) {
		long r = lock_try(uaddr, tid, waited, &seen);
		struct lx_ts ts;
		if (r <= 0)
			return r;
		if (trylock)
			return -LX_EAGAIN;
		r = slice(d, &ts);
		if (r < 0)
			return r;
		lx_sys4(SYS_futex, uaddr, FUTEX_WAIT | priv, seen, &ts);
		waited = 1;
	}
}

static long unlock_pi(uint64_t uaddr, int priv)
{
	uint32_t tid = (uint32_t)lx_sys0(LX_SYS_gettid), w;
	long v;

	if (lx_copy_from_guest(&w, uaddr, 4))
		return -LX_EFAULT;
	for (;;) {
		if ((w & FUTEX_TID_MASK) != tid)
			return -LX_EPERM;
		v = lx_cas_guest(uaddr, w, 0);
		if (v < 0)
			return v;
		if ((uint32_t)v == w)
			break;
		w = (uint32_t)v; /* a waiter set FUTEX_WAITERS meanwhile */
	}
	if (w & FUTEX_WAITERS)
		lx_sys3(SYS_futex, uaddr, FUTEX_WAKE | priv, 1);
	return 0;
}

/* futex_init_timeout: an absolute deadline on the command's clock. */
static long get_deadline(struct lx_sysctx *c, int cmd, struct deadline *d)
{
	struct lx_ts ts;
	int op = (int)c->a[1];

	d->abs = -1;
	/* LOCK_PI's timeout is CLOCK_REALTIME always; LOCK_PI2's and WAIT_REQUEUE_PI's the
	 * monotonic clock unless FUTEX_CLOCK_REALTIME */
	d->clk = cmd == FUTEX_LOCK_PI || (op & FUTEX_CLOCK_RT) ? 0 : 1;
	if (!c->a[3])
		return 0;
	if (lx_copy_from_guest(&ts, c->a[3], sizeof(ts)))
		return -LX_EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000LL)
		return -LX_EINVAL;
	d->abs = ts.sec > 9000000000LL ? -1 : ts.sec * 1000000000LL + ts.nsec;
	return 0;
}

static long check_word(uint64_t uaddr, uint32_t want)
{
	uint32_t w;

	if (uaddr & 3)
		return -LX_EINVAL;
	if (lx_copy_from_guest(&w, uaddr, 4))
		return -LX_EFAULT;
	return w == want ? 0 : -LX_EAGAIN;
}

static long requeue(struct lx_sysctx *c, int cmd, int priv)
{
	int nr_wake = (int)c->a[2], nr_requeue = (int)c->a[3];
	uint64_t uaddr = c->a[0], uaddr2 = c->a[4];
	long r;

	if (nr_wake < 0 || nr_requeue < 0)
		return -LX_EINVAL;
	if (cmd == FUTEX_CMP_REQUEUE_PI && (nr_wake != 1 || uaddr == uaddr2))
		return -LX_EINVAL;
	if ((uaddr & 3) || (uaddr2 & 3))
		return -LX_EINVAL;
	if (cmd != FUTEX_REQUEUE) {
		r = check_word(uaddr, (uint32_t)c->a[5]);
		if (r < 0)
			return r;
	} else if (lx_copy_from_guest(&(uint32_t){0}, uaddr, 4)) {
		return -LX_EFAULT;
	}
	/* wake instead of move: a waiter rechecks its condition (and a requeue_pi waiter takes
	 * the mutex itself) */
	long n = (long)nr_wake + nr_requeue;
	return lx_sys3(SYS_futex, uaddr, FUTEX_WAKE | priv, n > 0x7fffffff ? 0x7fffffff : n);
}

long lx_sys_futex(struct lx_sysctx *c)
{
	int op = (int)c->a[1], cmd = op & FUTEX_CMD_MASK, priv = op & FUTEX_PRIVATE;
	uint64_t uaddr = c->a[0];
	struct deadline d = {1, -1};
	long r;

	if (cmd == FUTEX_LOCK_PI || cmd == FUTEX_LOCK_PI2 || cmd == FUTEX_WAIT_REQUEUE_PI) {
		r = get_deadline(c, cmd, &d);
		if (r < 0)
			return r;
	}
	if ((op & FUTEX_CLOCK_RT) && cmd != FUTEX_LOCK_PI2 && cmd != FUTEX_WAIT_REQUEUE_PI)
		return -LX_ENOSYS;
	switch (cmd) {
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
	case FUTEX_TRYLOCK_PI:
		if (uaddr & 3)
			return -LX_EINVAL;
		return lock_pi(uaddr, priv, &d, cmd == FUTEX_TRYLOCK_PI);
	case FUTEX_UNLOCK_PI:
		r = unlock_pi(uaddr, priv);
		return r == 0 || !(uaddr & 3) ? r : -LX_EINVAL;
	case FUTEX_WAIT_REQUEUE_PI: {
		struct lx_ts ts;
		if (uaddr == c->a[4])
			return -LX_EINVAL;
		r = check_word(uaddr, (uint32_t)c->a[2]);
		if (r < 0)
			return r;
		if ((c->a[4] & 3))
			return -LX_EINVAL;
		for (;;) {
			r = slice(&d, &ts);
			if (r < 0)
				return r;
			r = lx_sys4(SYS_futex, uaddr, FUTEX_WAIT | priv, (uint32_t)c->a[2], &ts);
			if (r == 0 || r == -LX_EAGAIN)
				break; /* woken, or the word moved on: go for the mutex */
		}
		return lock_pi(c->a[4], priv, &d, 0);
	}
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
	case FUTEX_CMP_REQUEUE_PI:
		return requeue(c, cmd, priv);
	default:
		/* the filter lets every other known command through: what remains is unknown */
		return -LX_ENOSYS;
	}
}
