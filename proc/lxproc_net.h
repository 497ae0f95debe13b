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

#endif
