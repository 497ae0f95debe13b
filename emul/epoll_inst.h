/*
 * The hardened profile's epoll instances (syscalls/lx_epoll.c): where their state lives and
 * how a descriptor finds it.
 *
 * An instance is a memfd ("lxepoll") of a fixed size, LX_EP_SIZE, sealed against shrinking
 * and growing, whose pages hold the whole state: a header with the lock, an fd -> registration
 * index map, and the registrations.  The epoll descriptor the guest holds is that memfd, so
 * everything Linux does with the descriptor the kernel does with ours: dup, fcntl, close,
 * close-on-exec, SCM_RIGHTS, inheritance across fork and exec.  Every process that uses the
 * descriptor maps the file MAP_SHARED, so after fork parent and child see one instance, as
 * they see one epoll file on Linux.  The file is sparse: only the pages of the fd map and the
 * registrations in use are ever touched.
 *
 * Finding an instance from a descriptor: fstat gives (dev, ino); a per-process cache maps
 * that to the mapping.  A miss (after exec, or a descriptor received from elsewhere) checks
 * that the file is a sealed regular file of exactly LX_EP_SIZE whose header carries
 * LX_EP_MAGIC, and maps it.  A guest can forge or scribble over such a file; it then confuses
 * only its own epoll (the brand bounds-checks every index it reads from the file).
 *
 * The lock is a word in the shared header holding the owner's tid; waiters spin, then yield,
 * and steal it from an owner that no longer exists (a process killed while it held it).
 */
#ifndef LXZONE_EPOLL_INST_H
#define LXZONE_EPOLL_INST_H

#include <stdint.h>

#include "emul/lx_abi.h"

/* Linux's epoll ABI */
#define LX_EPOLLIN	  0x001u
#define LX_EPOLLPRI	  0x002u
#define LX_EPOLLOUT	  0x004u
#define LX_EPOLLERR	  0x008u
#define LX_EPOLLHUP	  0x010u
#define LX_EPOLLNVAL	  0x020u
#define LX_EPOLLRDNORM	  0x040u
#define LX_EPOLLRDBAND	  0x080u
#define LX_EPOLLWRNORM	  0x100u
#define LX_EPOLLWRBAND	  0x200u
#define LX_EPOLLMSG	  0x400u
#define LX_EPOLLRDHUP	  0x2000u
#define LX_EPOLLEXCLUSIVE (1u << 28)
#define LX_EPOLLWAKEUP	  (1u << 29)
#define LX_EPOLLONESHOT	  (1u << 30)
#define LX_EPOLLET	  (1u << 31)
/* what the kernel keeps of a ONESHOT registration once it fired (EP_PRIVATE_BITS) */
#define LX_EP_PRIVATE_BITS (LX_EPOLLWAKEUP | LX_EPOLLONESHOT | LX_EPOLLET | LX_EPOLLEXCLUSIVE)
#define LX_EP_EXCLUSIVE_OK                                                                         \
	(LX_EPOLLIN | LX_EPOLLOUT | LX_EPOLLERR | LX_EPOLLHUP | LX_EPOLLWAKEUP | LX_EPOLLET |      \
	 LX_EPOLLEXCLUSIVE)
#define LX_EPOLL_CTL_ADD 1
#define LX_EPOLL_CTL_DEL 2
#define LX_EPOLL_CTL_MOD 3
#define LX_EPOLL_CLOEXEC 02000000
#define LX_EP_MAX_NESTS	 4
#define LX_EP_MAX_EVENTS (0x7fffffff / 12)

struct lx_epoll_event {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

#define LX_EP_MAGIC  0x3270656f7a786cULL /* "lxzoep2": the header gained gen */
#define LX_EP_MAXFD  (1u << 20)		 /* fs.nr_open's default ceiling */
#define LX_EP_MAXREG 65536u		 /* past it: ENOSPC, as max_user_watches */
#define LX_EP_FDMAP  4096UL
#define LX_EP_REGS   (LX_EP_FDMAP + 4UL * LX_EP_MAXFD)
#define LX_EP_SIZE   (LX_EP_REGS + (unsigned long)LX_EP_MAXREG * sizeof(struct lx_ep_reg))

#define LX_EPR_EPOLL 0x1 /* the target is itself an instance (nested epoll) */
#define LX_EPR_PIPE  0x2 /* a pipe or FIFO: both ends share an inode, accmode tells them apart */

struct lx_ep_reg {
	int32_t fd;
	uint32_t events; /* as Linux keeps them: EPOLLERR|EPOLLHUP added, WAKEUP dropped */
	uint64_t data;
	uint64_t dev, ino; /* the open file at ADD: a reused descriptor number is not it */
	uint32_t seq;	   /* unique in the instance: a wait's snapshot finds its row again */
	uint32_t flags;	   /* LX_EPR_* */
	uint32_t accmode;  /* LX_EPR_PIPE: O_ACCMODE of the end registered */
	uint32_t last;	   /* EPOLLET: the ready bits the last check saw */
	int32_t pad;
	int32_t owner; /* the process that added it: only it drops it when the fd is gone */
};

struct lx_ep_hdr {
	uint64_t magic;
	volatile int lock; /* owner tid, 0 when free */
	uint32_t nreg, seq, rotor;
	uint64_t dev, ino; /* the memfd itself */
	/* bumped, under the lock, by every change to what a wait polls: a registration added,
	 * removed or modified, a ONESHOT disabled (the per-process poll sets of
	 * syscalls/lx_epoll.c are rebuilt when it moves) */
	uint32_t gen;
};

static inline uint32_t *lx_ep_fdmap(struct lx_ep_hdr *h)
{
	return (uint32_t *)((char *)h + LX_EP_FDMAP);
}

static inline struct lx_ep_reg *lx_ep_regs(struct lx_ep_hdr *h)
{
	return (struct lx_ep_reg *)((char *)h + LX_EP_REGS);
}

/* The registration of fd, or NULL. */
struct lx_ep_reg *lx_ep_find(struct lx_ep_hdr *h, int fd);
/* Appends a registration (fd map updated); NULL when the instance is full. */
struct lx_ep_reg *lx_ep_add(struct lx_ep_hdr *h, int fd);
void lx_ep_remove(struct lx_ep_hdr *h, struct lx_ep_reg *r);
/* Marks a change to a registration's events (EPOLL_CTL_MOD, a ONESHOT that fired). */
static inline void lx_ep_changed(struct lx_ep_hdr *h)
{
	h->gen++;
}

/* A new instance: the memfd's descriptor, or -errno. */
long lx_ep_create(int cloexec);

/*
 * The instance fd refers to, mapped and referenced (lx_ep_put when done); st, when not NULL,
 * is fd's fstat already taken.  -EBADF for no descriptor, -EINVAL when it is not an instance.
 */
long lx_ep_get(int fd, const struct lx_stat *st, struct lx_ep_hdr **out);
void lx_ep_put(struct lx_ep_hdr *h);
/* The instance mapped at (dev, ino) in this process, referenced, or NULL (no lookup). */
struct lx_ep_hdr *lx_ep_get_cached(uint64_t dev, uint64_t ino);

void lx_ep_lock(struct lx_ep_hdr *h);
void lx_ep_unlock(struct lx_ep_hdr *h);

/*
 * Readiness from the host's eventpoll (syscalls/lx_epoll_host.c): a host epoll instance per
 * process and memfd instance, on a descriptor in [LX_EPH_FD_BASE, +LX_EPH_FD_COUNT), the
 * only descriptors the hardened filter lets the brand's epoll_ctl and epoll_pwait(2) name
 * (filter/rules.c).  Below the netlink view's range (netlink/nlfilter.h); 64-aligned, so the
 * filter checks it with one masked compare.
 */
#define LX_EPH_FD_BASE	896
#define LX_EPH_FD_COUNT 64
#define LX_EPH_DECLINED (1L << 40) /* lx_eph_wait: the ppoll backend serves this wait */
struct lx_sysctx;
/* epoll_wait on ep through the host: the number of events, -errno, or LX_EPH_DECLINED
 * (a nested set, no host instance to be had); clock: CLOCK_MONOTONIC in ns. */
long lx_eph_wait(struct lx_sysctx *c, struct lx_ep_hdr *ep, uint64_t buf, int maxevents,
		 int64_t timeout, uint64_t mask, int64_t (*clock)(void));
/* After an EPOLL_CTL on fd (ep locked; gen_before: ep->gen before it): this process's host
 * instance, if it has one, follows at once. */
void lx_eph_ctl(struct lx_ep_hdr *ep, int fd, uint32_t gen_before);

#endif
