/*
 * The netlink view of a shared-IP zone: the calls the netlink filter (netlink/nlfilter.h)
 * traps, on the zone's netlink sockets.
 *
 * Big theory statement.
 *
 * A net=shared zone lives in the host's network namespace, so the kernel answers its
 * NETLINK_ROUTE dumps with the host's links, addresses and routes.  The brand translates:
 * the guest's request goes to the kernel as it is (after lx_nl_check_request: malformed is
 * EINVAL; a change goes too, and the kernel refuses it with EPERM in its reply, the zone's
 * root having no CAP_NET_ADMIN over the host's namespace), and what the kernel answers is
 * filtered in the brand's memory (lx_nl_filter_reply) before the guest reads it.
 *
 * Receiving.  One receive (or peek, when the guest peeks) of the datagram into a 32 KiB
 * buffer on the emulation stack, with the guest's own msg_name and msg_control, so the kernel
 * fills those as it would have; the bytes are filtered there and copied to the guest's
 * buffers.  32 KiB is the most the kernel puts in one dump part (it sizes them by the
 * largest buffer a reader offered, capped there), so a dump is never cut; a single reply
 * beyond it (no netlink answer a zone can see is) reaches the guest cut, with MSG_TRUNC.  The
 * guest gets the filtered bytes and lengths: a MSG_PEEK | MSG_TRUNC probe (iproute2) answers
 * the filtered length, MSG_TRUNC in msg_flags says whether the filtered datagram fit.  A
 * datagram the filter empties (a dump part with only the host's links) is dropped and the
 * next one read: an empty read is end of file to netlink readers.  A blocking receive waits in
 * ppoll with the guest's signal mask, so a signal interrupts it (EINTR; SO_RCVTIMEO is not honoured
 * while it waits).
 *
 * KOBJECT_UEVENT.  In the host's namespace the kernel would deliver the host's uevents to the
 * zone; a container with a namespace of its own hears none.  So a uevent socket binds with
 * no multicast groups and NETLINK_ADD_MEMBERSHIP joins nothing: it stays quiet, as under
 * runc or nspawn.
 *
 * SOCK_DIAG requests and replies go through netlink/sockdiag.h's check and filter the same way
 * (nl_filter_sockdiag, send_sockdiag below).
 *
 * What it does not do: read, write, readv, recvmmsg, sendmmsg on a netlink socket pass
 * unfiltered (no netlink library uses them: glibc, iproute2, libnl, libmnl, systemd, Go and
 * Python send with sendto or sendmsg and receive with recvfrom or recvmsg; trapping read and
 * write would cost every read and write of a shared zone, docs/performance.md); a netlink
 * socket the guest dup'ed below the filter's range is unfiltered (the view leaks there, the
 * hooks still hold).
 */
#include "emul/guestmem.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "emul/signal.h"
#include "emul/zoneview.h"
#include "netlink/lx_netlink.h"
#include "netlink/nlfilter.h"
#include "netlink/sockdiag.h"
#include "syscalls/handlers.h"
#include "syscalls/lx_net.h"

#define SYS_socket     41
#define SYS_sendto     44
#define SYS_recvfrom   45
#define SYS_sendmsg    46
#define SYS_recvmsg    47
#define SYS_bind       49
#define SYS_setsockopt 54
#define SYS_getsockopt 55
#define SYS_ppoll      271

#define AF_NETLINK	       16
#define NETLINK_ROUTE	       0
#define NETLINK_SOCK_DIAG      4
#define NETLINK_KOBJECT_UEVENT 15
#define SOL_SOCKET	       1
#define SO_PROTOCOL	       38
#define SO_DOMAIN	       39
#define SOL_NETLINK	       270
#define NETLINK_ADD_MEMBERSHIP 1
#define SOCK_CLOEXEC	       02000000
#define F_DUPFD		       0
#define F_GETFL		       3
#define F_DUPFD_CLOEXEC	       1030
#define O_NONBLOCK	       04000
#define MSG_PEEK	       0x2
#define MSG_TRUNC	       0x20
#define MSG_DONTWAIT	       0x40
#define MSG_ERRQUEUE	       0x2000
#define MSG_CMSG_CLOEXEC       0x40000000
#define POLLIN		       1
#define UIO_MAXIOV	       1024
#define BUF_MAX		       32768
#define REQ_MAX		       (1UL << 20)
#define LX_EMSGSIZE	       90

struct lx_msghdr {
	uint64_t name;
	int32_t namelen;
	int32_t pad0;
	uint64_t iov;
	uint64_t iovlen;
	uint64_t control;
	uint64_t controllen;
	int32_t flags;
	int32_t pad1;
};

struct pollfd_ {
	int32_t fd;
	int16_t events, revents;
};

/* The zone's view, read once per process (it does not change while the zone runs). */
static struct lx_nl_view view;
static int view_state; /* 0 not read, 1 shared, -1 none */

static const struct lx_nl_view *netview(void)
{
	if (view_state == 0)
		view_state = lx_zone_netview(&view) == 0 ? 1 : -1;
	return view_state > 0 ? &view : NULL;
}

/* The netlink protocol of fd, or -1 when it is no netlink socket (or no view applies). */
static int nl_proto(long fd)
{
	int v = 0, len = 4;

	if (lx_sys5(SYS_getsockopt, fd, SOL_SOCKET, SO_DOMAIN, &v, &len) != 0 || v != AF_NETLINK)
		return -1;
	len = 4;
	if (lx_sys5(SYS_getsockopt, fd, SOL_SOCKET, SO_PROTOCOL, &v, &len) != 0)
		return -1;
	return netview() ? v : -1;
}

long lx_sys_socket(struct lx_sysctx *c)
{
	int domain = (int)c->a[0], type = (int)c->a[1], proto = (int)c->a[2];
	long fd = lx_sys3(SYS_socket, c->a[0], c->a[1], c->a[2]), hi;

	if (fd < 0 || domain != AF_NETLINK || !netview() ||
	    (proto != NETLINK_ROUTE && proto != NETLINK_SOCK_DIAG &&
	     proto != NETLINK_KOBJECT_UEVENT))
		return fd;
	/* into the filter's range (uevent sockets: its end); a process out of room there
	 * keeps the socket unfiltered */
	long base = proto == NETLINK_KOBJECT_UEVENT ? LX_NL_FD_UEVENT : LX_NL_FD_BASE;
	long end =
	    proto == NETLINK_KOBJECT_UEVENT ? LX_NL_FD_BASE + LX_NL_FD_COUNT : LX_NL_FD_UEVENT;
	hi = lx_sys3(LX_SYS_fcntl, fd, (type & SOCK_CLOEXEC) ? F_DUPFD_CLOEXEC : F_DUPFD, base);
	if (hi < 0)
		return fd;
	if (hi >= end) {
		lx_sys1(LX_SYS_close, hi);
		return fd;
	}
	lx_sys1(LX_SYS_close, fd);
	return hi;
}

/* The request the guest sends, gathered from its iovecs: 0 to send it, -EINVAL, -EFAULT. */
static long check_request(const struct lx_iovec *iov, size_t niov)
{
	uint8_t stack[4096], *b = stack;
	size_t total = 0, at = 0, cap = sizeof(stack);
	long r;

	for (size_t i = 0; i < niov; i++)
		total += iov[i].len;
	if (total > REQ_MAX) /* larger than any socket buffer: the kernel's EMSGSIZE */
		return 0;
	if (total > cap) {
		cap = total;
		b = lx_mmap_anon(cap);
		if (!b)
			return -LX_ENOMEM;
	}
	for (size_t i = 0; i < niov && at < total; i++) {
		if (iov[i].len && lx_copy_from_guest(b + at, iov[i].base, iov[i].len)) {
			r = -LX_EFAULT;
			goto out;
		}
		at += iov[i].len;
	}
	r = lx_nl_check_request(b, total, &view);
	r = r < 0 ? r : 0; /* LX_NL_CHANGE: the kernel answers EPERM in its reply */
out:
	if (b != stack)
		lx_munmap(b, cap);
	return r;
}

/* The zone's sockets (netlink/sockdiag.h): by their owners as the zone's user namespace
 * maps them, mini sockets by the zone's addresses (not lo's 127.0.0.1: the zone's own
 * loopback address is another, and the host's TIME_WAITs are on 127.0.0.1). */
static struct lx_sd_view sdview;

static const struct lx_sd_view *sockdiag_view(void)
{
	if (!sdview.shared && netview()) {
		lx_sd_view_userns(&sdview);
		for (size_t i = 0; i < view.naddr && sdview.naddr < LX_SD_MAXADDR; i++) {
			if (view.addr[i].family == LX_AF_INET && view.addr[i].bytes[0] == 127)
				continue;
			sdview.addr[sdview.naddr].family = view.addr[i].family;
			memcpy(sdview.addr[sdview.naddr].bytes, view.addr[i].bytes, 16);
			sdview.naddr++;
		}
	}
	return &sdview;
}

const struct lx_nl_view *lx_net_view(void)
{
	return netview();
}

const struct lx_sd_view *lx_net_sockdiag_view(void)
{
	return netview() ? sockdiag_view() : NULL;
}

static size_t nl_filter_sockdiag(void *buf, size_t len)
{
	int trunc;

	return lx_sd_filter_reply(buf, len, sockdiag_view(), &trunc);
}

/*
 * A SOCK_DIAG request, gathered from the guest's iovecs and checked (lx_sd_check_request):
 * -EINVAL for a malformed one; a unix request the check rewrote (to ask for the owner's uid,
 * which the filter needs) is sent from the brand's copy; otherwise the guest's own call.
 */
static long send_sockdiag(struct lx_sysctx *c, const struct lx_iovec *iov, size_t niov, int is_msg)
{
	uint8_t b[4096];
	size_t total = 0, at = 0;
	long r;

	for (size_t i = 0; i < niov; i++)
		total += iov[i].len;
	if (total > sizeof(b)) /* no diag request is this long: the kernel answers it */
		return 1;
	for (size_t i = 0; i < niov; i++) {
		if (iov[i].len && lx_copy_from_guest(b + at, iov[i].base, iov[i].len))
			return -LX_EFAULT;
		at += iov[i].len;
	}
	r = lx_sd_check_request(b, total, sockdiag_view());
	if (r <= 0)
		return r < 0 ? r : 1;
	if (is_msg) {
		struct lx_msghdr m;
		struct lx_iovec one = {(uint64_t)(uintptr_t)b, total};

		if (lx_copy_from_guest(&m, c->a[1], sizeof(m)))
			return -LX_EFAULT;
		m.iov = (uint64_t)(uintptr_t)&one;
		m.iovlen = 1;
		return lx_sys3(SYS_sendmsg, c->a[0], &m, c->a[2]);
	}
	return lx_sys6(SYS_sendto, c->a[0], b, total, c->a[3], c->a[4], c->a[5]);
}

static size_t nl_filter(int proto, void *buf, size_t len)
{
	int trunc;

	if (proto == NETLINK_ROUTE)
		return lx_nl_filter_reply(buf, len, &view, &trunc);
	if (proto == NETLINK_SOCK_DIAG)
		return nl_filter_sockdiag(buf, len);
	return len;
}

/* Waits until fd is readable, with the guest's signals open: 0, or -EINTR. */
static long wait_readable(struct lx_sysctx *c, long fd)
{
	struct pollfd_ p = {(int32_t)fd, POLLIN, 0};
	uint64_t mask = c->uc->uc_sigmask & ~LX_SIG_BIT(LX_SIGSYS);
	long r;

	c->t->waiting = 1;
	r = lx_sys5(SYS_ppoll, &p, 1, 0, &mask, 8);
	c->t->waiting = 0;
	if (c->t->nstash)
		return -LX_EINTR;
	return r < 0 ? r : 0;
}

struct recv_req {
	const struct lx_iovec *iov;
	size_t niov;
	int flags;
	struct lx_msghdr *m; /* name, namelen, control, controllen: the guest's; flags out */
};

static long copy_out(const struct recv_req *q, const uint8_t *b, size_t n, size_t *copied)
{
	size_t at = 0;

	for (size_t i = 0; i < q->niov && at < n; i++) {
		size_t k = q->iov[i].len < n - at ? q->iov[i].len : n - at;
		if (k && lx_copy_to_guest(q->iov[i].base, b + at, k))
			return -LX_EFAULT;
		at += k;
	}
	*copied = at;
	return 0;
}

/* One filtered datagram for the guest (see the top comment). */
static long nl_recv(struct lx_sysctx *c, long fd, int proto, struct recv_req *q)
{
	uint8_t b[BUF_MAX];
	size_t n = 0, total = 0, copied = 0;
	struct lx_iovec kiov;
	struct lx_msghdr km;
	long r;
	int blocking = -1;

	for (size_t i = 0; i < q->niov; i++)
		total += q->iov[i].len;
	c->t->nstash = 0;
	for (;;) {
		/* the guest's name and control, filled by the kernel as it would fill them */
		kiov.base = (uint64_t)b;
		kiov.len = sizeof(b);
		memset(&km, 0, sizeof(km));
		km.name = q->m->name;
		km.namelen = q->m->namelen;
		km.control = q->m->control;
		km.controllen = q->m->controllen;
		km.iov = (uint64_t)&kiov;
		km.iovlen = 1;
		r = lx_sys3(SYS_recvmsg, fd, &km,
			    (q->flags & (MSG_PEEK | MSG_CMSG_CLOEXEC)) | MSG_TRUNC | MSG_DONTWAIT);
		if (r == -LX_EAGAIN && !(q->flags & MSG_DONTWAIT)) {
			if (blocking < 0)
				blocking = !(lx_sys2(LX_SYS_fcntl, fd, F_GETFL) & O_NONBLOCK);
			if (blocking) {
				r = wait_readable(c, fd);
				if (r < 0)
					break;
				continue;
			}
		}
		if (r < 0)
			break;
		n = nl_filter(proto, b, (size_t)r < sizeof(b) ? (size_t)r : sizeof(b));
		if (n > 0 || r == 0)
			break;
		/* nothing of it is the zone's: gone (a peek leaves it: take it), and on to the
		 * next */
		if (q->flags & MSG_PEEK) {
			memset(&km, 0, sizeof(km));
			lx_sys3(SYS_recvmsg, fd, &km, MSG_DONTWAIT);
		}
	}
	if (r >= 0) {
		q->m->namelen = km.namelen;
		q->m->controllen = km.controllen;
		q->m->flags =
		    (km.flags & ~MSG_TRUNC) | (n > total || (size_t)r > sizeof(b) ? MSG_TRUNC : 0);
		r = copy_out(q, b, n, &copied);
		if (r == 0)
			r = (long)((q->flags & MSG_TRUNC) ? n : copied);
	}
	if (c->t->nstash) {
		c->uc->uc_mcontext.rax = (uint64_t)r;
		lx_signal_flush(c->t, c->uc);
	}
	return r;
}

/* The guest's iovec array (at most UIO_MAXIOV entries, on the emulation stack). */
static long read_iov(uint64_t p, uint64_t n, struct lx_iovec *out)
{
	if (n > UIO_MAXIOV)
		return -LX_EMSGSIZE;
	if (n && lx_copy_from_guest(out, p, n * sizeof(*out)))
		return -LX_EFAULT;
	return 0;
}

long lx_sys_recvfrom(struct lx_sysctx *c)
{
	long fd = (long)c->a[0];
	int proto = nl_proto(fd);
	struct lx_iovec iov = {c->a[1], c->a[2]};
	struct lx_msghdr m = {0};
	struct recv_req q = {&iov, 1, (int)c->a[3], &m};
	int32_t alen = 0;
	long r;

	if ((proto != NETLINK_ROUTE && proto != NETLINK_SOCK_DIAG) || (q.flags & MSG_ERRQUEUE))
		return lx_sys6(SYS_recvfrom, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5]);
	if (c->a[4] && c->a[5]) {
		if (lx_copy_from_guest(&alen, c->a[5], 4))
			return -LX_EFAULT;
		if (alen < 0)
			return -LX_EINVAL;
		m.name = c->a[4];
		m.namelen = alen;
	}
	r = nl_recv(c, fd, proto, &q);
	if (r >= 0 && c->a[4] && c->a[5] && lx_copy_to_guest(c->a[5], &m.namelen, 4))
		return -LX_EFAULT;
	return r;
}

long lx_sys_recvmsg(struct lx_sysctx *c)
{
	long fd = (long)c->a[0];
	int proto = nl_proto(fd);
	struct lx_iovec iov[64];
	struct lx_msghdr m;
	struct recv_req q = {iov, 0, (int)c->a[2], &m};
	long r;

	if ((proto != NETLINK_ROUTE && proto != NETLINK_SOCK_DIAG) || (q.flags & MSG_ERRQUEUE))
		return lx_sys3(SYS_recvmsg, c->a[0], c->a[1], c->a[2]);
	if (lx_copy_from_guest(&m, c->a[1], sizeof(m)))
		return -LX_EFAULT;
	if (m.iovlen > sizeof(iov) / sizeof(iov[0])) /* no netlink reader scatters so wide */
		return lx_sys3(SYS_recvmsg, c->a[0], c->a[1], c->a[2]);
	r = read_iov(m.iov, m.iovlen, iov);
	if (r < 0)
		return r;
	q.niov = m.iovlen;
	r = nl_recv(c, fd, proto, &q);
	if (r >= 0 &&
	    (lx_copy_to_guest(c->a[1] + __builtin_offsetof(struct lx_msghdr, namelen), &m.namelen,
			      4) ||
	     lx_copy_to_guest(c->a[1] + __builtin_offsetof(struct lx_msghdr, controllen),
			      &m.controllen, 8) ||
	     lx_copy_to_guest(c->a[1] + __builtin_offsetof(struct lx_msghdr, flags), &m.flags, 4)))
		return -LX_EFAULT;
	return r;
}

long lx_sys_sendto(struct lx_sysctx *c)
{
	struct lx_iovec iov = {c->a[1], c->a[2]};
	long r;
	int proto = nl_proto((long)c->a[0]);

	if (proto == NETLINK_ROUTE && (r = check_request(&iov, 1)) < 0)
		return r;
	if (proto == NETLINK_SOCK_DIAG && (r = send_sockdiag(c, &iov, 1, 0)) != 1)
		return r;
	return lx_sys6(SYS_sendto, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5]);
}

long lx_sys_sendmsg(struct lx_sysctx *c)
{
	struct lx_iovec iov[64];
	struct lx_msghdr m;
	long r;

	int proto = nl_proto((long)c->a[0]);

	if (proto == NETLINK_ROUTE || proto == NETLINK_SOCK_DIAG) {
		if (lx_copy_from_guest(&m, c->a[1], sizeof(m)))
			return -LX_EFAULT;
		if (m.iovlen <= sizeof(iov) / sizeof(iov[0])) {
			r = read_iov(m.iov, m.iovlen, iov);
			if (r == 0 && proto == NETLINK_ROUTE)
				r = check_request(iov, m.iovlen);
			else if (r == 0 && (r = send_sockdiag(c, iov, m.iovlen, 1)) != 1)
				return r;
			if (r < 0)
				return r;
		}
	}
	return lx_sys3(SYS_sendmsg, c->a[0], c->a[1], c->a[2]);
}

/* struct sockaddr_nl: family, pad, pid, groups */
long lx_sys_bind(struct lx_sysctx *c)
{
	uint8_t sa[12];

	if (c->a[2] < sizeof(sa) || nl_proto((long)c->a[0]) != NETLINK_KOBJECT_UEVENT)
		return lx_sys3(SYS_bind, c->a[0], c->a[1], c->a[2]);
	if (lx_copy_from_guest(sa, c->a[1], sizeof(sa)))
		return -LX_EFAULT;
	memset(sa + 8, 0, 4); /* no multicast groups: no host uevents */
	return lx_sys3(SYS_bind, c->a[0], sa, sizeof(sa));
}

long lx_sys_setsockopt(struct lx_sysctx *c)
{
	if ((int)c->a[1] == SOL_NETLINK && (int)c->a[2] == NETLINK_ADD_MEMBERSHIP &&
	    nl_proto((long)c->a[0]) == NETLINK_KOBJECT_UEVENT)
		return c->a[4] < 4 ? -LX_EINVAL : 0;
	return lx_sys5(SYS_setsockopt, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4]);
}
