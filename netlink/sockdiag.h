/*
 * The zone's view of NETLINK_SOCK_DIAG (`ss -tanp`, `ss -uanp`, `ss -xa`): a translator, as
 * netlink/lx_netlink.h is for NETLINK_ROUTE.  The guest's request goes to the host kernel
 * after lx_sd_check_request; the kernel's reply is filtered in place by lx_sd_filter_reply so
 * that a net=shared zone, which lives in the host's network namespace, sees its own sockets
 * and not the host's or another zone's.  Pure and freestanding (memmove, memcmp only): the
 * brand compiles it, tests/unit/test_sockdiag.c runs it on replies recorded from a kernel
 * (tests/fixtures/sockdiag/record.py).
 *
 * WHICH SOCKETS ARE THE ZONE'S
 *
 * A socket is the zone's when a process of the zone made it.  The kernel says so itself:
 *
 *   inet (TCP, UDP; AF_INET, AF_INET6)  every full socket's reply carries INET_DIAG_CGROUP_ID
 *       (since Linux 5.7; checked on 6.18, in and out of a user namespace), the cgroup2 id of
 *       the task that created it.  An accepted socket inherits its listener's, so a host
 *       client's connection to a zone's server shows as the zone's on the server's side only.
 *       The socket is the zone's when that id is the zone's cgroup's or one below it
 *       (v->cgroup: the zone's processes live in a delegated child it may subdivide; a
 *       zone with more cgroups than the view holds sets cgroup_partial, and an id not in
 *       the list is then judged by the owner's uid, as unix sockets are).
 *       Mini sockets (TIME_WAIT, SYN_RECV) carry no cgroup attribute; for them, and when the
 *       view has no cgroup ids (an old kernel), the local address decides: one of the zone's
 *       addresses or its 127/8 loopback address (v->addr; the zone's bind hooks put every
 *       socket of the zone on one of these, zone/netbpf.h).  The local address alone is not
 *       used for full sockets: a host client talking to a zone has the zone's address as
 *       its source too (a local destination is its own preferred source).
 *   unix  no cgroup in unix_diag.  UNIX_DIAG_UID, the creator's uid as the *reader's* user
 *       namespace maps it, must be one of the zone's (v->uid_first .. + uid_count, never
 *       v->uid_unmapped: inside the zone's user namespace every foreign owner reads as the
 *       overflow uid 65534).  lx_sd_check_request asks the kernel for UNIX_DIAG_UID on
 *       every unix request of a shared zone so the attribute is always there.  A zone
 *       socket owned by the zone's own nobody (65534) is hidden with the foreign ones.
 *   others (netlink, packet, vsock, ...)  never: their replies carry nothing that would
 *       tell a zone's socket from the host's, so a shared zone's dump of them is empty (the
 *       request goes, the replies are cut, NLMSG_DONE ends it).
 *
 * The zone's loopback address (127.A.B.C, v->lo4) shows as 127.0.0.1 in inet replies, as
 * the zone's getsockname and getpeername hooks show it.
 *
 * THE HOOK (for the brand's netlink wiring, which traps the zone's AF_NETLINK sockets: issue
 * 12, engineer h2; this file never does I/O)
 *
 *   socket(AF_NETLINK, *, NETLINK_SOCK_DIAG) in a shared zone: trap its sends and receives
 *   as for NETLINK_ROUTE.  Fill a struct lx_sd_view once per dump (see the fields).
 *
 *   send (sendto/sendmsg/write): copy the guest's bytes into the brand's own buffer, call
 *   r = lx_sd_check_request(copy, len, view).  0: send as the guest asked.  1: the copy was
 *   changed (a unix request now asks for UNIX_DIAG_UID, which the filter needs): send the
 *   *copy* (with the guest's flags and address), not the guest's bytes, or every unix
 *   socket hides.  -LX_SD_EINVAL: malformed; fail the send with EINVAL, as
 *   lx_nl_check_request's EINVAL (the host's kernel would drop it silently and the guest
 *   wait for an answer forever).  Nothing else is refused: SOCK_DESTROY goes to the kernel,
 *   which refuses the zone's root (no CAP_NET_ADMIN over the host's namespace) with EPERM
 *   in its reply, as it would in a container.
 *
 *   receive (recvfrom/recvmsg/read): as for NETLINK_ROUTE (syscalls/lx_net.c, h2): one
 *   receive into the brand's buffer, n = lx_sd_filter_reply(buf, got, view, &trunc), the
 *   filtered bytes and length to the guest.  A part that filters to 0 bytes must not reach
 *   the guest (netlink readers take an empty read for end of file): receive the next one.
 *   NLMSG_DONE and NLMSG_ERROR always survive the filter, so a dump still ends.
 *
 *   The view: lx_sd_view_userns (no I/O: full sockets by their owner's uid as the zone's
 *   user namespace maps it) plus the zone's addresses and lo4 (the zone page); better, the
 *   cgroup ids, st_ino of the zone's cgroup2 directories (its cgroup namespace shows them at
 *   /sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid host; cgroup_partial cleared when
 *   they all fit).
 *
 * Nothing is synthesized but the ENOENT of a single-socket answer the zone may not see.
 */
#ifndef LXZONE_NETLINK_SOCKDIAG_H
#define LXZONE_NETLINK_SOCKDIAG_H

#include <stddef.h>
#include <stdint.h>

/* Linux ABI (linux/sock_diag.h, linux/inet_diag.h, linux/unix_diag.h) */
#define LX_NETLINK_SOCK_DIAG	4
#define LX_TCPDIAG_GETSOCK	18 /* the old inet_diag requests (struct inet_diag_req) */
#define LX_DCCPDIAG_GETSOCK	19
#define LX_SOCK_DIAG_BY_FAMILY	20
#define LX_SOCK_DESTROY		21
#define LX_SD_AF_UNIX		1
#define LX_SD_AF_INET		2
#define LX_SD_AF_INET6		10
#define LX_SD_AF_MAX		46
#define LX_INET_DIAG_REQ_V1_LEN 60 /* struct inet_diag_req */
#define LX_INET_DIAG_REQ_V2_LEN 56 /* struct inet_diag_req_v2 */
#define LX_INET_DIAG_MSG_LEN	72 /* struct inet_diag_msg */
#define LX_UNIX_DIAG_REQ_LEN	24 /* struct unix_diag_req */
#define LX_UNIX_DIAG_MSG_LEN	16 /* struct unix_diag_msg */
#define LX_INET_DIAG_CGROUP_ID	21
#define LX_UNIX_DIAG_UID	7
#define LX_UDIAG_SHOW_UID	0x40
#define LX_SD_ENOENT		2
#define LX_SD_EPERM		1
#define LX_SD_EINVAL		22
#define LX_SD_NLERR_LEN		36 /* nlmsghdr + error + the request's nlmsghdr */

#define LX_SD_MAXCG   128
#define LX_SD_MAXADDR 16
#define LX_SD_NOUID   0xffffffffu

struct lx_sd_addr {
	uint8_t family; /* LX_SD_AF_INET or LX_SD_AF_INET6 */
	uint8_t bytes[16];
};

/* What the zone sees. */
struct lx_sd_view {
	int shared; /* 0: everything passes (the zone has a network namespace of its own) */
	/* cgroup2 ids (directory inode numbers) of the zone's cgroup and those below it */
	uint64_t cgroup[LX_SD_MAXCG];
	size_t ncgroup;
	/* the zone has more cgroups than cgroup[] holds: an id not in it falls back to the
	 * socket's owner uid (idiag_uid, as for unix sockets) rather than hiding the socket */
	int cgroup_partial;
	/* the zone's addresses and its loopback address, for sockets without a cgroup id */
	struct lx_sd_addr addr[LX_SD_MAXADDR];
	size_t naddr;
	uint8_t lo4[4]; /* the zone's 127/8 address, shown as 127.0.0.1; zeros: none */
	/* the zone's uids as the kernel reports them to the reader */
	uint32_t uid_first, uid_count;
	uint32_t uid_unmapped; /* the reader's overflow uid (65534), or LX_SD_NOUID */
};

/*
 * A request the guest sends (every message in buf): -LX_SD_EINVAL for one the kernel would
 * refuse as malformed (a header, length or family that does not fit, an unknown message
 * type), else 0 to send it as it is, or 1 when it was changed in place (in a shared zone, a
 * unix request that did not ask for UNIX_DIAG_UID now does): send buf then.
 */
long lx_sd_check_request(void *buf, size_t len, const struct lx_sd_view *v);

/*
 * A reply the kernel gave (one receive's worth), filtered in place: sockets that are not the
 * zone's are cut out, everything else (NLMSG_DONE, NLMSG_ERROR, the kernel's flags) is kept
 * in order.  The answer to a single-socket request (no NLM_F_MULTI) for a socket that is not
 * the zone's becomes NLMSG_ERROR ENOENT, as the kernel answers for a socket it cannot find.
 * A last message cut short by the receive buffer is judged on what arrived and kept or cut
 * whole; *truncated is set.  Returns the new length.
 */
size_t lx_sd_filter_reply(void *buf, size_t len, const struct lx_sd_view *v, int *truncated);

/*
 * The view a brand inside the zone's user namespace can make with no I/O: no cgroup ids
 * and cgroup_partial, so every full socket is judged by its owner, which the kernel reports
 * mapped into the reader's user namespace: any uid but the overflow uid 65534 is one of the
 * zone's.  The caller adds the zone's addresses and lo4 (for mini sockets).  Weaker than the
 * cgroup ids only where a uid is: a zone socket owned by the zone's nobody hides.
 */
void lx_sd_view_userns(struct lx_sd_view *v);

/* The kernel's error answer to a request: NLMSG_ERROR carrying -err and the request's
 * header (req, at least 16 bytes), into out (the filter's ENOENT).  Returns
 * LX_SD_NLERR_LEN, or 0 when cap is smaller or req shorter than a header. */
size_t lx_sd_nlerr(void *out, size_t cap, const void *req, size_t reqlen, int err);

/* Whether the one message at msg (a SOCK_DIAG reply of len bytes, header included) is about
 * a socket of the zone's: what lx_sd_filter_reply decides, for other readers of the same
 * view (lxproc's /proc/net files take the zone's socket inodes from a dump). */
int lx_sd_is_zones(const void *msg, size_t len, const struct lx_sd_view *v);

#endif
