/*
 * Zone networks. `none` needs nothing here (the launcher gives init a new network namespace
 * with loopback up). `exclusive` gets a network namespace prepared before init starts: a veth
 * pair whose zone end is eth0 with the configured addresses (an IPv4 one, an IPv6 one or
 * both) and a default route of each family via the host end, which gets the first other
 * address of each subnet (10.0.3.2/24 -> host 10.0.3.1, fd00:3::2/64 -> host fd00:3::1).
 * The host end is named lxz<8 hex digits of the zone name's hash>, so any zone name fits
 * IFNAMSIZ. Configuration goes through iproute2's `ip`, as a user would type it.
 *
 * `shared` has no namespace of its own: its addresses go on a host interface and the kernel's
 * cgroup socket hooks (zone/netbpf.h) keep the zone to them.
 */
#ifndef LXZONE_ZONE_NET_H
#define LXZONE_ZONE_NET_H

#include <stddef.h>

#include "lib/error.h"

#define ZONE_NET_SHARED_MAX 8

struct zone_net {
	int netns_fd; /* -1 when none was created */
	char host_if[16];
	char host_addr[2][64]; /* net=exclusive: the host end's, one a family */
	/* net=shared: the addresses put on shared_if at boot (ADDR/PREFIX), removed at halt */
	char shared_if[16];
	char shared_addr[ZONE_NET_SHARED_MAX][64];
	size_t nshared;
};

struct zone;

/* The interface lxzone makes itself for shared zones (a dummy, or a bridge without ports). */
#define ZONE_NET_SHARED_IF "lxzone0"

/*
 * net=shared: another ready or running shared zone of the store that has one of z's
 * addresses, or the same loopback address (zone_netbpf_loopback), is an error naming it.
 */
int zone_net_shared_conflicts(struct zone *z, struct zone_error *err);

/* Put a shared zone's addresses (comma-separated ADDR/PREFIX) on the host interface ifname
 * (made when it is ZONE_NET_SHARED_IF and missing); an address the host has already is an
 * error naming its interface. zone_net_destroy takes them off again. */
int zone_net_shared_up(const char *ifname, const char *addresses, struct zone_net *net,
		       struct zone_error *err);

void zone_net_host_ifname(const char *zone, char *buf, size_t sz);
/* The host end's address for a zone address "ADDR/PREFIX" (IPv4 or IPv6): the subnet's first
 * address, or its second when the zone has the first. */
int zone_net_host_address(const char *zone_addr, char *buf, size_t sz, struct zone_error *err);

/* net=exclusive's addresses: one IPv4 and one IPv6 at most, each with room for the host end.
 * create and configure check it (zone_config_check), so boot never refuses what they took. */
int zone_net_exclusive_check(const char *addresses, struct zone_error *err);

/* The veth pair and the zone's network namespace; userns_fd >= 0: the namespace is owned by
 * that user namespace (the zone's), else by the host's. */
int zone_net_exclusive_create(const char *zone, const char *address, int userns_fd,
			      struct zone_net *net, struct zone_error *err);
void zone_net_destroy(struct zone_net *net);

#endif
