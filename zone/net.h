/*
 * Zone networks. `none` needs nothing here (the launcher gives init a new network namespace
 * with loopback up). `exclusive` gets a network namespace prepared before init starts, with
 * one veth pair an interface (zone_netif, net_config.c): the `address` key's eth0 (an IPv4
 * address, an IPv6 one or both, a default route of each family via the host end, which gets
 * the first other address of each subnet: 10.0.3.2/24 -> host 10.0.3.1, fd00:3::2/64 ->
 * host fd00:3::1), then each `interface` entry (its own name, addresses of either family,
 * gateways, and a host end that is routed like eth0's or a port of a host bridge). The host
 * ends are named lxz<8 hex digits of the zone name's hash>[n<index>], so any zone name fits
 * IFNAMSIZ. Configuration goes through iproute2's `ip`, as a user would type it.
 *
 * `shared` has no namespace of its own: its addresses go on a host interface and the kernel's
 * cgroup socket hooks (zone/netbpf.h) keep the zone to them.
 */
#ifndef LXZONE_ZONE_NET_H
#define LXZONE_ZONE_NET_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/error.h"

#define ZONE_NET_SHARED_MAX 8
/* net=exclusive: interfaces of a zone, addresses of an interface */
#define ZONE_NET_IF_MAX	    8
#define ZONE_NETIF_ADDR_MAX 8

/* One interface of an exclusive zone: the `address` key's eth0, or an `interface` entry
 * NAME[,address=ADDR/PREFIX]...[,gateway=ADDR]...[,bridge=BRIDGE|,macvlan=PARENT]. */
struct zone_netif {
	char name[16];	  /* in the zone */
	char bridge[16];  /* host bridge the host end joins; "": routed (the host end holds the
			   * first other address of each of the interface's subnets) */
	char macvlan[16]; /* or no veth: a macvlan (bridge mode) of this host interface */
	char addr[ZONE_NETIF_ADDR_MAX][64]; /* ADDR/PREFIX */
	size_t naddr;
	char gw[2][64];	   /* default route via, [0] IPv4, [1] IPv6; "" none */
	bool from_address; /* eth0 of the `address` key: its gateways are its host ends */
};

/* a veth whose host end holds addresses (neither bridged nor a macvlan) */
#define ZONE_NETIF_ROUTED(nif) (!(nif)->bridge[0] && !(nif)->macvlan[0])

/* Addresses a and b (network byte order) agree on their first bits bits. */
bool zone_net_prefix_match(const unsigned char *a, const unsigned char *b, int bits);

/* Parse one `interface` entry (syntax and what one entry alone can be wrong about: a bad
 * address or prefix, a gateway off the interface's subnets, no room for a routed host end). */
int zone_netif_parse(const char *spec, struct zone_netif *nif, struct zone_error *err);

/* A net=exclusive configuration's interfaces, in order (eth0 of `address` first), checked
 * together: unique names and addresses, one default route a family, routed subnets that do
 * not overlap. n: how many (at most ZONE_NET_IF_MAX). */
int zone_net_ifaces(json_t *cfg, struct zone_netif *ifs, size_t *n, struct zone_error *err);

/* What boot needs of the host for an `interface` entry: its bridge exists and is a bridge,
 * its macvlan parent exists. */
int zone_netif_host_check(const char *spec, struct zone_error *err);

/* The `dns` key: ADDR|DOMAIN[,ADDR|DOMAIN...], addresses are nameservers (at most 3, what
 * glibc reads), names search domains (at most 6). zone_dns_resolv writes the resolv.conf text
 * (length, or -1 when it does not fit). */
int zone_dns_check(const char *value, struct zone_error *err);
int zone_dns_resolv(const char *value, char *buf, size_t len);

struct zone_net {
	int netns_fd;			   /* -1 when none was created */
	char host_if[ZONE_NET_IF_MAX][16]; /* net=exclusive: the veths' host ends */
	size_t nhost_if;
	/* net=shared: the addresses put on shared_if at boot (ADDR/PREFIX), removed at halt */
	char shared_if[16];
	char shared_addr[ZONE_NET_SHARED_MAX][64];
	size_t nshared;
};

/* The interface lxzone makes itself for shared zones (a dummy, or a bridge without ports). */
#define ZONE_NET_SHARED_IF "lxzone0"

struct zone_store;

/*
 * Another ready or running zone of the store (net=shared or exclusive) that has one of the
 * addresses of cfg (zone name's configuration), or, both shared, the same loopback address
 * (zone_netbpf_loopback), is an error naming it. Boot, create and configure ask.
 */
int zone_net_conflicts(struct zone_store *store, const char *name, json_t *cfg,
		       struct zone_error *err);

/* Put a shared zone's addresses (comma-separated ADDR/PREFIX) on the host interface ifname
 * (made when it is ZONE_NET_SHARED_IF and missing); an address the host has already is an
 * error naming its interface. zone_net_destroy takes them off again. */
int zone_net_shared_up(const char *ifname, const char *addresses, struct zone_net *net,
		       struct zone_error *err);

/* The host end of the zone's index-th interface: lxz<hash>, then lxz<hash>n<index>. */
void zone_net_host_ifname(const char *zone, size_t index, char *buf, size_t sz);
/* The host end's address for a zone address "ADDR/PREFIX" (IPv4 or IPv6): the subnet's first
 * address, or its second when the zone has the first. */
int zone_net_host_address(const char *zone_addr, char *buf, size_t sz, struct zone_error *err);

/* net=exclusive's addresses: one IPv4 and one IPv6 at most, each with room for the host end.
 * create and configure check it (zone_config_check), so boot never refuses what they took. */
int zone_net_exclusive_check(const char *addresses, struct zone_error *err);

/* The veth pairs (zone_net_ifaces(cfg)) and the zone's network namespace; userns_fd >= 0:
 * the namespace is owned by that user namespace (the zone's), else by the host's. */
int zone_net_exclusive_create(const char *zone, json_t *cfg, int userns_fd, struct zone_net *net,
			      struct zone_error *err);
void zone_net_destroy(struct zone_net *net);

#endif
