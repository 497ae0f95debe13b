/* The hardened profile's epoll instances: memfd-backed shared state (emul/epoll_inst.h). */
#include "emul/epoll_inst.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "emul/state.h"

#define SYS_sched_yield	  24
#define SYS_kill	  62
#define SYS_ftruncate	  77
#define SYS_memfd_create  319
#define MFD_CLOEXEC	  1u
#define MFD_ALLOW_SEALING 2u
#define F_ADD_SEALS	  1033
#define F_GET_SEALS	  1034
#define F_SEAL_SHRINK	  0x2
#define F_SEAL_GROW	  0x4
#define MAP_SHARED	  0x01
#define S_IFMT		  0170000
#define S_IFREG		  0100000

_Static_assert(sizeof(struct lx_ep_hdr) <= LX_EP_FDMAP, "the header fits its page");
_Static_assert(sizeof(struct lx_epoll_event) == 12, "x86_64's packed epoll_event");

/* The process's mappings: a cache, never the truth (a miss maps the file again). */
#define CACHE_N 64
static struct {
	struct slot {
		uint64_t dev, ino;
		struct lx_ep_hdr *h;
		int refs;
	} s[CACHE_N];
	volatile int lock;
} cache;

/* The brand's usual spin lock, as for its other per-process state: held for a few loads and
 * stores, with every signal blocked. */
static void cache_lock(void)
{
	lx_spin_lock(&cache.lock);
}

static void cache_unlock(void)
{
	lx_spin_unlock(&cache.lock);
}

void lx_ep_lock(struct lx_ep_hdr *h)
{
	/* the owner's tid only serves to steal the lock from a dead owner, so the cached one will
	 * do, even a forked child's stale copy of its parent's (the child then never has its lock
	 * stolen should it die holding it) */
	struct lx_thread *t = lx_thread_self();
	int me = t->magic == LX_THREAD_MAGIC && t->tid ? t->tid : (int)lx_sys0(LX_SYS_gettid);

	if (t->magic == LX_THREAD_MAGIC)
		t->tid = me;

	for (unsigned spins = 0;; spins++) {
		int cur = 0;
		if (__atomic_compare_exchange_n(&h->lock, &cur, me, 0, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return;
		if (spins < 64) {
			__builtin_ia32_pause();
			continue;
		}
		lx_sys0(SYS_sched_yield);
		/* an owner killed inside the brand (SIGKILL is the only signal that can) */
		if (spins % 256 == 0 && cur && lx_sys2(SYS_kill, cur, 0) == -LX_ESRCH)
			__atomic_compare_exchange_n(&h->lock, &cur, 0, 0, __ATOMIC_RELAXED,
						    __ATOMIC_RELAXED);
	}
}

void lx_ep_unlock(struct lx_ep_hdr *h)
{
	__atomic_store_n(&h->lock, 0, __ATOMIC_RELEASE);
}

struct lx_ep_reg *lx_ep_find(struct lx_ep_hdr *h, int fd)
{
	uint32_t i;

	if (fd < 0 || (unsigned)fd >= LX_EP_MAXFD)
		return 0;
	i = lx_ep_fdmap(h)[fd];
	if (i == 0 || i > h->nreg || i > LX_EP_MAXREG || lx_ep_regs(h)[i - 1].fd != fd)
		return 0;
	return &lx_ep_regs(h)[i - 1];
}

struct lx_ep_reg *lx_ep_add(struct lx_ep_hdr *h, int fd)
{
	struct lx_ep_reg *r;

	if (h->nreg >= LX_EP_MAXREG || fd < 0 || (unsigned)fd >= LX_EP_MAXFD)
		return 0;
	r = &lx_ep_regs(h)[h->nreg++];
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->seq = ++h->seq;
	lx_ep_fdmap(h)[fd] = h->nreg;
	lx_ep_changed(h);
	return r;
}

void lx_ep_remove(struct lx_ep_hdr *h, struct lx_ep_reg *r)
{
	struct lx_ep_reg *regs = lx_ep_regs(h), *last;
	uint32_t i = (uint32_t)(r - regs);

	if (i >= h->nreg)
		return;
	lx_ep_changed(h);
	if ((unsigned)r->fd < LX_EP_MAXFD && lx_ep_fdmap(h)[r->fd] == i + 1)
		lx_ep_fdmap(h)[r->fd] = 0;
	last = &regs[--h->nreg];
	if (last != r) {
		*r = *last;
		if ((unsigned)r->fd < LX_EP_MAXFD)
			lx_ep_fdmap(h)[r->fd] = i + 1;
	}
}

static long map_file(int fd)
{
	return lx_sys6(LX_SYS_mmap, 0, LX_EP_SIZE, LX_PROT_READ | LX_PROT_WRITE, MAP_SHARED, fd, 0);
}

/* Caches h for (dev, ino) with one reference; unmaps an unused slot when full.  Returns the
 * mapping to use: another thread may have mapped the same file meanwhile. */
static struct lx_ep_hdr *cache_insert(uint64_t dev, uint64_t ino, struct lx_ep_hdr *h)
{
	struct slot *free = 0;

	cache_lock();
	for (int i = 0; i < CACHE_N; i++) {
		struct slot *s = &cache.s[i];
		if (s->h && s->dev == dev && s->ino == ino) {
			s->refs++;
			cache_unlock();
			lx_munmap(h, LX_EP_SIZE);
			return s->h;
		}
		if (!free && (!s->h || s->refs == 0))
			free = s;
	}
	if (free) {
		if (free->h)
			lx_munmap(free->h, LX_EP_SIZE);
		free->dev = dev;
		free->ino = ino;
		free->h = h;
		free->refs = 1;
	}
	cache_unlock();
	/* every slot busy (64 waits at once on distinct instances): the caller keeps an
	 * uncached mapping, which lx_ep_put recognises and unmaps */
	return h;
}

struct lx_ep_hdr *lx_ep_get_cached(uint64_t dev, uint64_t ino)
{
	struct lx_ep_hdr *h = 0;

	cache_lock();
	for (int i = 0; i < CACHE_N; i++)
		if (cache.s[i].h && cache.s[i].dev == dev && cache.s[i].ino == ino) {
			cache.s[i].refs++;
			h = cache.s[i].h;
			break;
		}
	cache_unlock();
	return h;
}

void lx_ep_put(struct lx_ep_hdr *h)
{
	cache_lock();
	for (int i = 0; i < CACHE_N; i++)
		if (cache.s[i].h == h) {
			cache.s[i].refs--;
			cache_unlock();
			return;
		}
	cache_unlock();
	lx_munmap(h, LX_EP_SIZE);
}

long lx_ep_get(int fd, const struct lx_stat *stp, struct lx_ep_hdr **out)
{
	struct lx_stat st;
	struct lx_ep_hdr *h;
	uint64_t magic = 0;
	long r;

	if (!stp) {
		r = lx_sys2(LX_SYS_fstat, fd, &st);
		if (r < 0)
			return r;
		stp = &st;
	}
	if ((stp->mode & S_IFMT) != S_IFREG || stp->size != (int64_t)LX_EP_SIZE)
		return -LX_EINVAL;
	h = lx_ep_get_cached(stp->dev, stp->ino);
	if (h) {
		*out = h;
		return 0;
	}
	r = lx_sys3(LX_SYS_fcntl, fd, F_GET_SEALS, 0);
	if (r < 0 || (r & (F_SEAL_SHRINK | F_SEAL_GROW)) != (F_SEAL_SHRINK | F_SEAL_GROW))
		return -LX_EINVAL;
	if (lx_sys4(LX_SYS_pread64, fd, &magic, sizeof(magic), 0) != sizeof(magic) ||
	    magic != LX_EP_MAGIC)
		return -LX_EINVAL;
	r = map_file(fd);
	if (lx_is_err(r))
		return r;
	*out = cache_insert(stp->dev, stp->ino, (struct lx_ep_hdr *)r);
	return 0;
}

long lx_ep_create(int cloexec)
{
	struct lx_stat st;
	struct lx_ep_hdr *h;
	long fd, r;

	fd = lx_sys2(SYS_memfd_create, "lxepoll", MFD_ALLOW_SEALING | (cloexec ? MFD_CLOEXEC : 0));
	if (fd < 0)
		return fd;
	r = lx_sys2(SYS_ftruncate, fd, LX_EP_SIZE);
	if (r == 0)
		r = lx_sys3(LX_SYS_fcntl, fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW);
	if (r == 0)
		r = lx_sys2(LX_SYS_fstat, fd, &st);
	if (r == 0)
		r = map_file((int)fd);
	if (lx_is_err(r)) {
		lx_sys1(LX_SYS_close, fd);
		return r;
	}
	h = (struct lx_ep_hdr *)r;
	h->dev = st.dev;
	h->ino = st.ino;
	__atomic_store_n(&h->magic, LX_EP_MAGIC, __ATOMIC_RELEASE);
	h = cache_insert(st.dev, st.ino, h);
	lx_ep_put(h);
	return fd;
}
