/*
 * The zone's view of NETLINK_ROUTE: a translator, not an emulator.  The guest's request goes
 * to the host kernel as it is (after lx_nl_check_request); the kernel's reply is filtered
 * in place (lx_nl_filter_reply) so that a net=shared zone sees its own interfaces, addresses,
 * routes and neighbours, not the host's.  Pure and freestanding (only what GCC may emit:
 * memmove, memcmp): the brand compiles it, the unit tests run it on kernel replies recorded
 * on a host (tests/fixtures/netlink/).
 *
 * Why not libmnl.  The issue asked for Debian's libmnl rather than a hand-written parser.
 * The brand image runs inside every guest process with no libc (docs/architecture.md, "The
 * brand image"): libmnl's objects need libc (nlmsg.o's mnl_nlmsg_fprintf pulls stdio, its
 * error paths write errno, which is glibc's thread-local errno in the *guest's* TLS), and
 * linking LGPL-2.1 code statically into the brand image would oblige every binary
 * distribution to ship relinkable objects.  So the brand keeps this small walker, written to
 * libmnl's model (nlmsg_ok / nlmsg_next, attribute walk with alignment and length checks,
 * every length checked against what remains) with LX_ constants; the one thing it must
 * never do is read past a buffer, which the unit tests drive with truncated and malformed
 * input.
 *
 * What it deliberately does not do (yet): it is not wired into the brand (trapping the
 * zone's netlink sockets' recvmsg/recvfrom is the syscall table's, issue 12 part 2), and it
 * synthesizes nothing: a route table with no route of the zone's stays empty rather than
 * gaining a made-up default route.
 */
#ifndef LXZONE_NETLINK_H
#define LXZONE_NETLINK_H

#include <stddef.h>
#include <stdint.h>

/* Linux ABI (linux/netlink.h, linux/rtnetlink.h, linux/if_addr.h, linux/neighbour.h) */
#define LX_NLMSG_HDRLEN	   16
#define LX_NLMSG_NOOP	   1
#define LX_NLMSG_ERROR	   2
#define LX_NLMSG_DONE	   3
#define LX_NLM_F_REQUEST   0x01
#define LX_NLM_F_MULTI	   0x02
#define LX_NLM_F_DUMP_INTR 0x10
#define LX_RTM_BASE	   16
#define LX_RTM_NEWLINK	   16
#define LX_RTM_NEWADDR	   20
#define LX_RTM_NEWROUTE	   24
#define LX_RTM_NEWNEIGH	   28
#define LX_RTM_NEWRULE	   32
#define LX_RTM_MAX	   127
#define LX_AF_INET	   2
#define LX_AF_INET6	   10
#define LX_IFA_ADDRESS	   1
#define LX_IFA_LOCAL	   2
#define LX_RTA_DST	   1
#define LX_RTA_OIF	   4
#define LX_RTA_PREFSRC	   7
#define LX_RTN_LOCAL	   2
#define LX_IFLA_IFNAME	   3
#define LX_EINVAL	   22

#define LX_NL_MAXIF   8
#define LX_NL_MAXADDR 16

struct lx_nl_addr {
	uint8_t family; /* LX_AF_INET or LX_AF_INET6 */
	uint8_t bytes[16];
};

/* What the zone sees. */
struct lx_nl_view {
	int ifindex[LX_NL_MAXIF]; /* lo and the interface the zone's addresses are on */
	size_t nif;
	struct lx_nl_addr addr[LX_NL_MAXADDR]; /* the zone's addresses (and its loopback's) */
	size_t naddr;
	int shared;  /* the host's stack: changes are refused */
	int zone_if; /* the interface the zone's addresses are on: the host's routes out are
			shown through it (0: none) */
	char zone_ifname[16]; /* its name (/proc/net/dev, route); "": none */
};

/*
 * A request the guest sends: 0 to pass it to the kernel, -LX_EINVAL for a malformed one (its
 * first header or length does not fit what was sent: the kernel would drop it silently and
 * the guest wait for an answer that never comes; bytes after a whole first message that form
 * no message the kernel ignores, and so does this), LX_NL_CHANGE when it holds a change (NEW, DEL,
 * SET of any rtnetlink family) from a shared zone.  A change goes to the kernel all the same: the
 * zone's root has no CAP_NET_ADMIN over the host's network namespace (a shared zone is
 * always user-namespaced), so the kernel refuses it with EPERM in its NLMSG_ERROR reply,
 * which is where `ip` and every netlink library look for it ("RTNETLINK answers: Operation
 * not permitted"); a sendmsg failing with EPERM instead would be no Linux's answer.
 */
#define LX_NL_CHANGE 1
long lx_nl_check_request(const void *buf, size_t len, const struct lx_nl_view *v);

/*
 * A reply the kernel gave (one recv's worth), filtered in place: messages about what the
 * zone does not see are cut out, the rest (NLMSG_DONE, NLMSG_ERROR, and the flags, so
 * NLM_F_MULTI and NLM_F_DUMP_INTR reach the guest as the kernel set them) kept in order.
 * Returns the new length.  A last message whose length runs past the buffer (a short
 * recv) is kept as it was, and *truncated set: the guest sees what it would have seen.
 * The host's default route (and the single answer of a route lookup) that leaves by an
 * interface the zone does not see is shown through zone_if, from the zone's address, without
 * a gateway.  When every message of a reply that is not part of a dump (no NLM_F_MULTI: the
 * answer to a request for one link, address, route or neighbour) is cut, the reply becomes
 * the NLMSG_ERROR the kernel gives for an object that is not there (ENODEV, EADDRNOTAVAIL,
 * ENETUNREACH, ENOENT), never an empty datagram, which netlink readers take for end of file.
 */
size_t lx_nl_filter_reply(void *buf, size_t len, const struct lx_nl_view *v, int *truncated);

#endif
