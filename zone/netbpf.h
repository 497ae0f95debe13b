/*
 * The kernel's half of a net=shared zone: cgroup-bpf socket hooks on the zone's cgroup2
 * directory, so that what a zone may bind, connect and send from is decided by the host
 * kernel, not by the brand (a guest can always jump to the brand's gate; it cannot step
 * around a cgroup hook).
 *
 * A shared zone lives in the host's network namespace (owned by the host's user namespace, so
 * the zone's root has no capability over it: no address, route or link changes, no raw or
 * packet sockets, no binding below ip_unprivileged_port_start by its own right).  The hooks:
 *
 *   sock_create   only TCP (SOCK_STREAM) and UDP (SOCK_DGRAM) inet sockets: raw and ping
 *                 sockets, SCTP, UDP-Lite and MPTCP are refused (EPERM) because their bind
 *                 paths bypass the bind hooks below.
 *   bind4/6       the zone's addresses only; a foreign one gets EADDRNOTAVAIL, as Linux gives
 *                 for an address that is not on the host.  The wildcard becomes the zone's
 *                 first address of the family, 127.0.0.1 the zone's loopback address (below),
 *                 ::1 is refused.  Zone root (host uid = the zone's id base) may bind ports
 *                 below 1024 (the hook's "no CAP_NET_BIND_SERVICE check" answer), as root in
 *                 a zone with its own network can.
 *   post_bind4/6  the same check on the address the socket ended with.
 *   connect4/6    the source is bound to the zone's first address (bpf_bind) before the
 *                 kernel would pick a host address.  127.0.0.1 goes to the zone's loopback
 *                 address when something listens there, else to the zone's first address
 *                 (a server bound to the wildcard); other 127/8 addresses (another zone's
 *                 loopback) are refused (EPERM), ::1 is refused (ECONNREFUSED).
 *   sendmsg4/6    (UDP with a destination) the same destination rewrite; a source that is
 *                 not the zone's (IP_PKTINFO) is refused.
 *   recvmsg4, getpeername4, getsockname4
 *                 the zone's loopback address shows as 127.0.0.1 again.
 *
 * Loopback: every shared zone gets an address of its own in 127/8 (zone_netbpf_loopback,
 * from the zone's name; a clash with a running zone is refused at boot like an address).
 * The zone's 127.0.0.1 is that address, so a service bound to 127.0.0.1 in one zone is
 * reachable from that zone only (and from the host, which may connect anywhere), never from
 * another zone, and the zone never reaches the host's 127.0.0.1 services.
 *
 * Programs are hand-assembled instruction arrays with the zone's addresses as immediates (no
 * maps, no compiler, nothing but linux/bpf.h), attached with no flags: nothing below the zone's
 * cgroup (the delegated child the zone manages) can attach or override a program, and the
 * zone's filter refuses bpf(2) anyway.  They go when the cgroup is removed at halt.
 */
#ifndef LXZONE_ZONE_NETBPF_H
#define LXZONE_ZONE_NETBPF_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

#define ZONE_NET_MAXADDR 8

struct zone_netpolicy {
	uint32_t v4[ZONE_NET_MAXADDR]; /* network byte order, as in struct in_addr */
	size_t n4;
	uint8_t v6[ZONE_NET_MAXADDR][16];
	size_t n6;
	uint32_t lo4;	   /* the zone's loopback address (network order) */
	uint32_t root_uid; /* host uid of the zone's root: may bind ports < 1024 */
};

/* The hooks, in the order zone_netbpf_attach attaches them. */
enum zone_netbpf_hook {
	ZONE_HOOK_SOCK_CREATE,
	ZONE_HOOK_BIND4,
	ZONE_HOOK_BIND6,
	ZONE_HOOK_POST_BIND4,
	ZONE_HOOK_POST_BIND6,
	ZONE_HOOK_CONNECT4,
	ZONE_HOOK_CONNECT6,
	ZONE_HOOK_SENDMSG4,
	ZONE_HOOK_SENDMSG6,
	ZONE_HOOK_RECVMSG4,
	ZONE_HOOK_GETPEERNAME4,
	ZONE_HOOK_GETSOCKNAME4,
	ZONE_HOOK_COUNT,
};

struct zone_netbpf_hookinfo {
	const char *name;
	enum bpf_prog_type prog_type;
	enum bpf_attach_type attach_type;
};
extern const struct zone_netbpf_hookinfo zone_netbpf_hooks[ZONE_HOOK_COUNT];

#define ZONE_NETBPF_MAXINSN 512

/* The program for one hook: its instructions in out (at most max), their count, or 0 when
 * they do not fit. Pure. */
size_t zone_netbpf_gen(enum zone_netbpf_hook hook, const struct zone_netpolicy *pol,
		       struct bpf_insn *out, size_t max);

/* Fill pol's addresses from a comma-separated "ADDR/PREFIX[,ADDR/PREFIX...]" list. */
int zone_netpolicy_parse(struct zone_netpolicy *pol, const char *list, struct zone_error *err);

/* The zone's loopback address in 127/8 (network order): from its name, never 127.0.0.0/16
 * (127.0.0.1 and what the host commonly uses), never a network or broadcast-looking .0/.255. */
uint32_t zone_netbpf_loopback(const char *zone);

/* Load one hook's program (the verifier's last word on a refusal): its descriptor. */
int zone_netbpf_load(enum zone_netbpf_hook hook, const struct zone_netpolicy *pol,
		     struct zone_error *err);

/* Load every hook's program and attach it to the cgroup2 directory cgdir. */
int zone_netbpf_attach(const char *cgdir, const struct zone_netpolicy *pol, struct zone_error *err);

#endif
