/*
 * /proc/net's socket tables as a net=shared zone sees them: /proc/net/{tcp,tcp6,udp,udp6,unix}
 * cut to the zone's own sockets, and /proc/net/snmp.
 *
 * A shared zone lives in the host's network namespace, so the kernel's files list every
 * socket of the host and of every other shared zone.  Which sockets are the zone's is decided
 * once, by netlink/sockdiag.h (the kernel's cgroup id of the socket's creator for inet, the
 * owner's uid for unix): the caller dumps NETLINK_SOCK_DIAG, keeps the inodes of the
 * messages lx_sd_is_zones accepts, and hands them here with the host's text.  So `ss` and
 * `netstat` (which reads these files) agree by construction.  Rows without an inode
 * (TIME_WAIT and SYN_RECV mini sockets, inode 0 in the files, no cgroup in the dump) are the
 * zone's when their local address is one of the zone's, as sockdiag.h decides for them.
 *
 * Kept tcp rows are renumbered from 0 (the "sl" column, in the kernel's width; udp's is a
 * hash bucket and stays), everything else is the kernel's text; the zone's 127/8 loopback address
 * shows as 127.0.0.1, as the zone's getsockname hook shows it.
 *
 * /proc/net/snmp: the counters are the shared stack's (IP, ICMP, TCP, UDP totals), shown as
 * the kernel has them: the zone uses the host's IP stack, as an illumos shared-IP zone uses
 * the global zone's and reads its MIB counters.  The kernel keeps no per-zone counts to show
 * instead, and zeros would break every tool that rates them.  The one gauge of sockets, Tcp
 * CurrEstab (ESTABLISHED and CLOSE_WAIT sockets), is the zone's own: the count of those rows
 * in its tcp and tcp6 (lxproc_net_estab), so it agrees with them.
 *
 * The interface files follow the zone's NETLINK_ROUTE view (netlink/lx_netlink.h), so `ip`
 * and the readers of /proc agree: /proc/net/dev has lo and the zone's interface,
 * /proc/net/if_inet6 the zone's IPv6 addresses, /proc/net/route (IPv4, the main table) the
 * routes of the zone's interface and the host's default route shown as the zone's packets
 * leave: through the zone's interface, without the gateway (only when the zone has an IPv4
 * address).
 *
 * Pure and freestanding like the rest of lxproc: the caller reads the files and the dump.
 */
#ifndef LXZONE_LXPROC_NET_H
#define LXZONE_LXPROC_NET_H

#include <stddef.h>
#include <stdint.h>

#include "proc/lxbuf.h"

#define LXPROC_NET_MAXADDR 16

struct lxproc_netaddr {
	uint8_t family; /* 2 (AF_INET) or 10 (AF_INET6) */
	uint8_t bytes[16];
};

/* The zone's sockets. */
struct lxproc_netsocks {
	const uint64_t *inodes; /* ascending */
	size_t ninodes;
	struct lxproc_netaddr addr[LXPROC_NET_MAXADDR]; /* for rows without an inode */
	size_t naddr;
	uint8_t lo4[4]; /* the zone's loopback address; zeros: none */
};

enum lxproc_socktab {
	LXPROC_TAB_TCP, /* /proc/net/tcp */
	LXPROC_TAB_TCP6,
	LXPROC_TAB_UDP, /* udp's "sl" is the socket's hash bucket, not a count: kept as it is */
	LXPROC_TAB_UDP6,
	LXPROC_TAB_UNIX,
};

/* The host's table `host` (one of /proc/net/{tcp,udp,tcp6,udp6,unix}) with the zone's rows. */
int lxproc_net_sockets(const struct lxproc_netsocks *z, enum lxproc_socktab kind,
		       struct lx_text host, struct lx_buf *b);

/* The zone's ESTABLISHED and CLOSE_WAIT rows in a host tcp or tcp6 table. */
uint64_t lxproc_net_estab(const struct lxproc_netsocks *z, enum lxproc_socktab kind,
			  struct lx_text host_tcp);

/* The host's /proc/net/snmp with Tcp CurrEstab replaced by `curr_estab`. */
int lxproc_net_snmp(struct lx_text host, uint64_t curr_estab, struct lx_buf *b);

/* Sorts the inodes of a dump ascending (lxproc_netsocks.inodes), in place. */
void lxproc_net_sort_inodes(uint64_t *v, size_t n);

/* The rows of lo and of the zone's interface `zone_if` in the host's /proc/net/dev. */
int lxproc_net_dev(struct lx_text host, const char *zone_if, struct lx_buf *b);

/* The rows of the zone's IPv6 addresses (z->addr) in the host's /proc/net/if_inet6. */
int lxproc_net_if_inet6(const struct lxproc_netsocks *z, struct lx_text host, struct lx_buf *b);

/* The host's /proc/net/route as the zone sees it (see the top); has_v4: the zone has an IPv4
 * address. */
int lxproc_net_route(struct lx_text host, const char *zone_if, bool has_v4, struct lx_buf *b);

/* The files a shared zone is served, by what the kernel names an open one: the path of
 * /proc/<pid>/net/<name> or /proc/<pid>/task/<tid>/net/<name> (what /proc/net/<name>,
 * /proc/self/net/<name> and /proc/thread-self/net/<name> resolve to). */
enum lxproc_netfile {
	LXPROC_NET_NONE = -1,
	LXPROC_NET_TCP = LXPROC_TAB_TCP,
	LXPROC_NET_TCP6 = LXPROC_TAB_TCP6,
	LXPROC_NET_UDP = LXPROC_TAB_UDP,
	LXPROC_NET_UDP6 = LXPROC_TAB_UDP6,
	LXPROC_NET_UNIX = LXPROC_TAB_UNIX,
	LXPROC_NET_DEV,
	LXPROC_NET_IF_INET6,
	LXPROC_NET_ROUTE,
	LXPROC_NET_SNMP,
};

/* Is name (a last path component) one of those files' names? */
bool lxproc_net_name(const char *name);
/* The file a resolved path of procfs names (its last components, as above), or
 * LXPROC_NET_NONE. */
enum lxproc_netfile lxproc_net_file(const char *path, size_t len);

#endif
