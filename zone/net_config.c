/*
 * net=exclusive's interfaces and the `dns` key, checked from the configuration alone, so
 * that `create` and `configure` refuse what boot would (boot_supervise.c builds exactly
 * what zone_net_ifaces returns). The model is LXC's lxc.net.N.{name,link,ipv4.address,
 * ipv6.address,ipv4.gateway,ipv6.gateway} and illumos zonecfg's `add net` resources: one
 * entry an interface, each with its own name, host side, addresses and default router.
 */
#include "zone/net.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zone/config.h"

/* An address with its family (0 IPv4, 1 IPv6) and prefix (-1 when it had none). */
struct ip {
	int fam;
	int prefix;
	unsigned char b[16];
};

static int ip_parse(const char *s, bool with_prefix, struct ip *ip)
{
	char a[INET6_ADDRSTRLEN + 1];
	size_t n = strcspn(s, "/");
	char *end;

	memset(ip, 0, sizeof(*ip));
	if (n == 0 || n >= sizeof(a) || (s[n] == '/') != with_prefix)
		return -1;
	memcpy(a, s, n);
	a[n] = '\0';
	ip->fam = strchr(a, ':') != NULL;
	if (inet_pton(ip->fam ? AF_INET6 : AF_INET, a, ip->b) != 1)
		return -1;
	ip->prefix = -1;
	if (with_prefix) {
		long p;
		errno = 0;
		p = strtol(s + n + 1, &end, 10);
		if (!isdigit((unsigned char)s[n + 1]) || *end != '\0' || p < 1 ||
		    p > (ip->fam ? 128 : 32))
			return -1;
		ip->prefix = (int)p;
	}
	return 0;
}

bool zone_net_prefix_match(const unsigned char *a, const unsigned char *b, int bits)
{
	for (int i = 0; bits > 0; i++, bits -= 8) {
		unsigned char m = bits >= 8 ? 0xff : (unsigned char)(0xff << (8 - bits));
		if ((a[i] & m) != (b[i] & m))
			return false;
	}
	return true;
}

static bool same_ip(const struct ip *a, const struct ip *b)
{
	return a->fam == b->fam && memcmp(a->b, b->b, a->fam ? 16 : 4) == 0;
}

/* "10.0.5.0/24", "fd00:5::/64": the subnet of an ADDR/PREFIX, for messages */
static void subnet_str(const struct ip *ip, char *buf, size_t sz)
{
	unsigned char net[16] = {0};
	char s[INET6_ADDRSTRLEN];

	for (int i = 0; i < (ip->fam ? 16 : 4); i++) {
		int keep = ip->prefix - i * 8;
		net[i] = ip->b[i] & (keep >= 8	 ? 0xff
				     : keep <= 0 ? 0
						 : (unsigned char)(0xff << (8 - keep)));
	}
	inet_ntop(ip->fam ? AF_INET6 : AF_INET, net, s, sizeof(s));
	snprintf(buf, sz, "%s/%d", s, ip->prefix);
}

static const char *const fam_name[2] = {"IPv4", "IPv6"};

/* An interface name the kernel takes, not loopback's. */
static int ifname_check(const char *what, const char *v, struct zone_error *err)
{
	if (*v == '\0' || strlen(v) > 15 || strcmp(v, ".") == 0 || strcmp(v, "..") == 0 ||
	    strpbrk(v, "/:= \t\n") != NULL)
		return zone_error_set(err, 0, "%s '%s' is not an interface name (1-15 characters)",
				      what, v);
	if (strcmp(v, "lo") == 0)
		return zone_error_set(err, 0, "%s 'lo' is %s loopback", what,
				      strcmp(what, "interface") != 0 ? "the host's" : "the zone's");
	return 0;
}

/* Not an address of a host: unspecified, loopback, multicast (the kernel refuses IPv6 ones
 * at boot, and takes IPv4 ones that nothing would answer to). NULL when it is one. */
static const char *not_unicast(const struct ip *ip)
{
	static const unsigned char zero[16], one[16] = {[15] = 1};

	if (ip->fam)
		return memcmp(ip->b, zero, 16) == 0  ? "the unspecified address"
		       : memcmp(ip->b, one, 16) == 0 ? "loopback"
		       : ip->b[0] == 0xff	     ? "multicast"
						     : NULL;
	return ip->b[0] == 0				   ? "in 0.0.0.0/8 (this network)"
	       : ip->b[0] == 127			   ? "loopback"
	       : (ip->b[0] & 0xf0) == 224		   ? "multicast"
	       : memcmp(ip->b, "\xff\xff\xff\xff", 4) == 0 ? "the broadcast address"
							   : NULL;
}

/* An address that is no host's (above), or an IPv4 subnet's network or broadcast address:
 * boot would refuse it or put it on, and nothing would answer to it as a host. */
static int ip_host_check(const char *spec, const struct ip *ip, struct zone_error *err)
{
	const char *why = not_unicast(ip);
	char sub[64];

	if (why)
		return zone_error_set(err, 0, "address %s is %s", spec, why);
	if (ip->fam || ip->prefix > 30)
		return 0;
	uint32_t a = ((uint32_t)ip->b[0] << 24) | ((uint32_t)ip->b[1] << 16) |
		     ((uint32_t)ip->b[2] << 8) | ip->b[3];
	uint32_t host = a & (0xffffffffu >> ip->prefix);
	subnet_str(ip, sub, sizeof(sub));
	if (host == 0)
		return zone_error_set(err, 0, "address %s is the network address of %s", spec, sub);
	if (host == (0xffffffffu >> ip->prefix))
		return zone_error_set(err, 0, "address %s is the broadcast address of %s", spec,
				      sub);
	return 0;
}

/* The gateway of family f is one of the interface's subnets (IPv6: or link-local, always
 * on link), and not one of its own addresses. */
static int gateway_check(const struct zone_netif *nif, int f, struct zone_error *err)
{
	struct ip gw, a;
	bool on = false;

	ip_parse(nif->gw[f], false, &gw);
	if (not_unicast(&gw))
		return zone_error_set(err, 0, "%s: gateway %s is %s", nif->name, nif->gw[f],
				      not_unicast(&gw));
	if (f == 1 && gw.b[0] == 0xfe && (gw.b[1] & 0xc0) == 0x80)
		on = true;
	for (size_t i = 0; i < nif->naddr; i++) {
		ip_parse(nif->addr[i], true, &a);
		if (a.fam != f)
			continue;
		if (same_ip(&a, &gw))
			return zone_error_set(err, 0, "%s: gateway %s is the zone's own address",
					      nif->name, nif->gw[f]);
		if (zone_net_prefix_match(a.b, gw.b, a.prefix))
			on = true;
	}
	if (!on)
		return zone_error_set(err, 0, "%s: gateway %s is on none of its %s subnets%s",
				      nif->name, nif->gw[f], fam_name[f],
				      f ? " (nor link-local)" : "");
	return 0;
}

/* One `key=value` option of an entry. */
static int netif_option(struct zone_netif *nif, const char *opt, struct zone_error *err)
{
	const char *eq = strchr(opt, '=');
	const char *v = eq ? eq + 1 : "";
	size_t klen = eq ? (size_t)(eq - opt) : strlen(opt);
	struct ip ip;

	if (klen == 7 && strncmp(opt, "address", 7) == 0) {
		if (ip_parse(v, true, &ip) < 0)
			return zone_error_set(err, 0,
					      "%s: '%s' is not an address/prefix like 10.0.5.2/24 "
					      "or fd00:5::2/64",
					      nif->name, v);
		if (nif->naddr >= ZONE_NETIF_ADDR_MAX)
			return zone_error_set(err, 0, "%s: at most %d addresses", nif->name,
					      ZONE_NETIF_ADDR_MAX);
		snprintf(nif->addr[nif->naddr++], sizeof(nif->addr[0]), "%s", v);
		return 0;
	}
	if (klen == 7 && strncmp(opt, "gateway", 7) == 0) {
		if (ip_parse(v, false, &ip) < 0)
			return zone_error_set(err, 0,
					      "%s: gateway '%s' is not an address like 10.0.5.1 "
					      "(no prefix)",
					      nif->name, v);
		if (nif->gw[ip.fam][0])
			return zone_error_set(err, 0, "%s: two %s gateways (%s, %s)", nif->name,
					      fam_name[ip.fam], nif->gw[ip.fam], v);
		snprintf(nif->gw[ip.fam], sizeof(nif->gw[0]), "%s", v);
		return 0;
	}
	if ((klen == 6 && strncmp(opt, "bridge", 6) == 0) ||
	    (klen == 7 && strncmp(opt, "macvlan", 7) == 0)) {
		char *to = klen == 6 ? nif->bridge : nif->macvlan;
		if (nif->bridge[0] || nif->macvlan[0])
			return zone_error_set(
			    err, 0, "%s: one host side: bridge= or macvlan=, once", nif->name);
		if (ifname_check(klen == 6 ? "bridge" : "macvlan parent", v, err) < 0)
			return zone_error_wrap(err, "%s", nif->name);
		snprintf(to, sizeof(nif->bridge), "%s", v);
		return 0;
	}
	return zone_error_set(err, 0,
			      "%s: unknown option '%.*s' (address=, gateway=, bridge=, macvlan=)",
			      nif->name, (int)klen, opt);
}

int zone_netif_parse(const char *spec, struct zone_netif *nif, struct zone_error *err)
{
	char buf[1024], *sp, *tok;
	struct ip ip;
	char host[64];

	memset(nif, 0, sizeof(*nif));
	if (strlen(spec) >= sizeof(buf))
		return zone_error_set(err, 0, "'%.40s...' is too long", spec);
	if (*spec == '\0' || spec[strlen(spec) - 1] == ',' || strstr(spec, ",,"))
		return zone_error_set(err, 0, "'%s' is not NAME[,address=ADDR/PREFIX]...", spec);
	snprintf(buf, sizeof(buf), "%s", spec);
	tok = strtok_r(buf, ",", &sp);
	if (tok == NULL || strchr(tok, '=') != NULL)
		return zone_error_set(err, 0,
				      "'%s' does not start with the interface's name in the zone "
				      "(eth1,address=10.0.5.2/24)",
				      spec);
	if (ifname_check("interface", tok, err) < 0)
		return -1;
	snprintf(nif->name, sizeof(nif->name), "%s", tok);
	while ((tok = strtok_r(NULL, ",", &sp)) != NULL)
		if (netif_option(nif, tok, err) < 0)
			return -1;
	for (size_t i = 0; i < nif->naddr; i++) {
		ip_parse(nif->addr[i], true, &ip);
		if (ip_host_check(nif->addr[i], &ip, err) < 0)
			return zone_error_wrap(err, "%s", nif->name);
		/* a routed host end takes the subnet's first other address */
		if (ZONE_NETIF_ROUTED(nif) &&
		    zone_net_host_address(nif->addr[i], host, sizeof(host), err) < 0)
			return zone_error_wrap(err, "%s", nif->name);
	}
	for (int f = 0; f < 2; f++)
		if (nif->gw[f][0] && gateway_check(nif, f, err) < 0)
			return -1;
	return 0;
}

/* Checks across interfaces: names, addresses, default routes, routed subnets. */
static int ifaces_cross(const struct zone_netif *ifs, size_t n, struct zone_error *err)
{
	const struct zone_netif *dflt[2] = {NULL, NULL};

	for (size_t i = 0; i < n; i++) {
		const struct zone_netif *a = &ifs[i];
		for (int f = 0; f < 2; f++) {
			if (!a->gw[f][0])
				continue;
			if (dflt[f])
				return zone_error_set(
				    err, 0, "two %s default routes: %s's via %s%s and %s's via %s",
				    fam_name[f], dflt[f]->name, dflt[f]->gw[f],
				    dflt[f]->from_address ? " (address gives eth0 one via its host "
							    "end; make eth0 an interface entry "
							    "without a gateway)"
							  : "",
				    a->name, a->gw[f]);
			dflt[f] = a;
		}
		for (size_t j = 0; j < i; j++) {
			const struct zone_netif *b = &ifs[j];
			if (strcmp(a->name, b->name) == 0)
				return zone_error_set(err, 0, "two interfaces named %s%s", a->name,
						      b->from_address ? " (address is eth0's)"
								      : "");
			for (size_t x = 0; x < a->naddr; x++)
				for (size_t y = 0; y < b->naddr; y++) {
					struct ip p, q;
					char sp[64], sq[64];
					ip_parse(a->addr[x], true, &p);
					ip_parse(b->addr[y], true, &q);
					if (same_ip(&p, &q))
						return zone_error_set(
						    err, 0, "address %.*s is on %s and %s",
						    (int)strcspn(a->addr[x], "/"), a->addr[x],
						    b->name, a->name);
					if (!ZONE_NETIF_ROUTED(a) || !ZONE_NETIF_ROUTED(b) ||
					    p.fam != q.fam ||
					    !zone_net_prefix_match(p.b, q.b,
								   p.prefix < q.prefix ? p.prefix
										       : q.prefix))
						continue;
					subnet_str(&p, sp, sizeof(sp));
					subnet_str(&q, sq, sizeof(sq));
					return zone_error_set(err, 0,
							      "%s's subnet %s overlaps %s's %s: "
							      "their routed host ends "
							      "would both claim it (put both "
							      "addresses on one interface)",
							      a->name, sp, b->name, sq);
				}
		}
	}
	return 0;
}

/* The `address` key's eth0: one address a family, default routes via the host ends. */
static int address_iface(const char *addr, struct zone_netif *nif, struct zone_error *err)
{
	char list[512], *sp, host[64];
	struct ip ip;

	if (zone_net_exclusive_check(addr, err) < 0)
		return -1;
	memset(nif, 0, sizeof(*nif));
	snprintf(nif->name, sizeof(nif->name), "eth0");
	nif->from_address = true;
	snprintf(list, sizeof(list), "%s", addr);
	for (char *a = strtok_r(list, ",", &sp); a; a = strtok_r(NULL, ",", &sp)) {
		if (ip_parse(a, true, &ip) < 0)
			return zone_error_set(err, 0, "'%s' is not ADDR/PREFIX", a);
		if (ip_host_check(a, &ip, err) < 0 ||
		    zone_net_host_address(a, host, sizeof(host), err) < 0)
			return -1;
		snprintf(nif->addr[nif->naddr++], sizeof(nif->addr[0]), "%s", a);
		snprintf(nif->gw[ip.fam], sizeof(nif->gw[0]), "%.*s", (int)strcspn(host, "/"),
			 host);
	}
	return 0;
}

int zone_net_ifaces(json_t *cfg, struct zone_netif *ifs, size_t *n, struct zone_error *err)
{
	const char *addr = zone_config_str(cfg, "address");
	json_t *list = json_object_get(cfg, "interface"), *v;
	size_t i;

	*n = 0;
	if (*addr) {
		if (address_iface(addr, &ifs[0], err) < 0)
			return -1;
		*n = 1;
	}
	json_array_foreach(list, i, v)
	{
		if (*n >= ZONE_NET_IF_MAX)
			return zone_error_set(err, 0, "at most %d interfaces", ZONE_NET_IF_MAX);
		if (zone_netif_parse(json_string_value(v), &ifs[*n], err) < 0)
			return zone_error_wrap(err, "interface");
		(*n)++;
	}
	return ifaces_cross(ifs, *n, err);
}

/* A DNS name: dot-separated labels of 1-63 letters, digits, '-' and '_', 253 at most. */
static bool domain_ok(const char *s, size_t n)
{
	size_t label = 0;

	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
		} else if ((isalnum((unsigned char)s[i]) || s[i] == '_' ||
			    (s[i] == '-' && label > 0)) &&
			   ++label <= 63) {
			continue;
		} else {
			return false;
		}
	}
	return label > 0 && s[n - 1] != '-';
}

int zone_dns_check(const char *value, struct zone_error *err)
{
	size_t ns = 0, search = 0;
	const char *p = value;

	if (*value == '\0')
		return 0;
	if (value[strlen(value) - 1] == ',')
		return zone_error_set(err, 0, "'%s' ends with a comma", value);
	while (*p) {
		size_t len = strcspn(p, ",");
		char one[256];
		struct ip ip;

		if (len == 0 || len >= sizeof(one))
			return zone_error_set(
			    err, 0, "'%s' is not a list like 10.0.5.1,fd00:5::1,example.com",
			    value);
		memcpy(one, p, len);
		one[len] = '\0';
		if (ip_parse(one, false, &ip) == 0) {
			if (++ns > 3)
				return zone_error_set(err, 0,
						      "'%s': at most 3 nameservers (the resolver "
						      "reads no more)",
						      value);
		} else if (strchr(one, ':') || strspn(one, "0123456789.") == len) {
			return zone_error_set(err, 0, "'%s': '%s' is not an IP address", value,
					      one);
		} else if (!domain_ok(one, len)) {
			return zone_error_set(err, 0,
					      "'%s': '%s' is neither an IP address (a nameserver) "
					      "nor a domain name (a search domain)",
					      value, one);
		} else if (++search > 6) {
			return zone_error_set(err, 0, "'%s': at most 6 search domains", value);
		}
		p += len + (p[len] == ',');
	}
	return 0;
}

int zone_dns_resolv(const char *value, char *buf, size_t len)
{
	size_t o = 0;
	int k;
	bool any_search = false;

	k = snprintf(buf, len, "# written by lxzone at boot from the zone's dns key\n");
	if (k < 0 || (size_t)k >= len)
		return -1;
	o = (size_t)k;
	/* nameservers in the key's order, then the search line */
	for (int pass = 0; pass < 2; pass++) {
		for (const char *p = value; *p;) {
			size_t n = strcspn(p, ",");
			char one[256];
			struct ip ip;

			snprintf(one, sizeof(one), "%.*s", (int)n, p);
			p += n + (p[n] == ',');
			bool is_ns = ip_parse(one, false, &ip) == 0;
			if (pass == 0 && is_ns)
				k = snprintf(buf + o, len - o, "nameserver %s\n", one);
			else if (pass == 1 && !is_ns)
				k = snprintf(buf + o, len - o, "%s%s", any_search ? " " : "search ",
					     one);
			else
				continue;
			if (k < 0 || (size_t)k >= len - o)
				return -1;
			o += (size_t)k;
			any_search |= pass == 1;
		}
	}
	if (any_search) {
		if (o + 2 > len)
			return -1;
		buf[o++] = '\n';
		buf[o] = '\0';
	}
	return (int)o;
}
