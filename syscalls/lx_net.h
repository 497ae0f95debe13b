/*
 * The network view of a shared-IP zone, for the brand's other readers of it (/proc/net:
 * syscalls/lx_procnet.c): read once per process from the zone page (syscalls/lx_net.c).
 */
#ifndef LXZONE_LX_NET_H
#define LXZONE_LX_NET_H

#include "netlink/lx_netlink.h"
#include "netlink/sockdiag.h"

/* The zone's NETLINK_ROUTE view, or NULL when the zone is no shared one. */
const struct lx_nl_view *lx_net_view(void);
/* The zone's SOCK_DIAG view (which sockets are its own), or NULL likewise. */
const struct lx_sd_view *lx_net_sockdiag_view(void);

#endif
