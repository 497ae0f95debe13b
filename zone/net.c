#include "zone/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zone/config.h"
#include "zone/netbpf.h"
#include "zone/store.h"

/* The i-th entry of a comma-separated list, in out; -1 past the end. */
static int list_nth(const char *list, size_t i, char *out, size_t sz)
{
	const char *p = list;

	for (; *p; i--) {
		size_t n = strcspn(p, ",");
		if (i == 0) {
			snprintf(out, sz, "%.*s", (int)n, p);
			return 0;
		}
		p += n + (p[n] == ',');
	}
	return -1;
}

void zone_net_host_ifname(const char *zone, size_t index, char *buf, size_t sz)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const char *p = zone; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	if (index == 0)
		snprintf(buf, sz, "lxz%08x", h);
	else
		snprintf(buf, sz, "lxz%08xn%u", h, (unsigned)index % ZONE_NET_IF_MAX);
}

int zone_net_host_address(const char *zone_addr, char *buf, size_t sz, struct zone_error *err)
{
	char a[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(zone_addr, '/');
	unsigned char ip[16], host[16];
	char *end;
	long prefix;
	int v6, bits, i;

	if (slash == NULL || (size_t)(slash - zone_addr) >= sizeof(a))
		return zone_error_set(err, 0, "address %s: not ADDR/PREFIX", zone_addr);
	memcpy(a, zone_addr, (size_t)(slash - zone_addr));
	a[slash - zone_addr] = '\0';
	v6 = strchr(a, ':') != NULL;
	bits = v6 ? 128 : 32;
	prefix = strtol(slash + 1, &end, 10);
	if (inet_pton(v6 ? AF_INET6 : AF_INET, a, ip) != 1 || *end != '\0')
		return zone_error_set(err, 0, "address %s: not ADDR/PREFIX", zone_addr);
	if (prefix < 1 || prefix > bits - 2)
		return zone_error_set(err, 0, "address %s: prefix must leave room for the host end",
				      zone_addr);
	/* the subnet's first address (its IPv6 subnet-router anycast address is a normal
	 * address once assigned), or the second when the zone has the first */
	memcpy(host, ip, 16);
	for (i = 0; i < bits / 8; i++) {
		int keep = (int)prefix - i * 8;
		host[i] &= keep >= 8 ? 0xff : keep <= 0 ? 0 : (unsigned char)(0xff << (8 - keep));
	}
	host[bits / 8 - 1] |= 1;
	if (memcmp(host, ip, (size_t)bits / 8) == 0)
		host[bits / 8 - 1] = (unsigned char)((host[bits / 8 - 1] & ~1u) | 2);
	char hs[INET6_ADDRSTRLEN];
	inet_ntop(v6 ? AF_INET6 : AF_INET, host, hs, sizeof(hs));
	snprintf(buf, sz, "%s/%ld", hs, prefix);
	return 0;
}

int zone_net_exclusive_check(const char *addresses, struct zone_error *err)
{
	char a[64], host[64];
	int fams = 0;

	for (size_t i = 0; list_nth(addresses, i, a, sizeof(a)) == 0; i++) {
		int f = strchr(a, ':') ? 2 : 1;
		if (fams & f)
			return zone_error_set(
			    err, 0,
			    "net=exclusive takes one IPv4 and one IPv6 address at "
			    "most (%s); several of a family are for net=shared",
			    addresses);
		fams |= f;
		if (zone_net_host_address(a, host, sizeof(host), err) < 0)
			return -1;
	}
	return 0;
}

/* Run a command (argv), quietly; fail with its name when it does not exit 0. */
static int run(char *const argv[], struct zone_error *err)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return zone_error_set(err, errno, "fork %s", argv[0]);
	if (pid == 0) {
		if (err == NULL) {
			/* Best-effort cleanup: its complaints ("Cannot find device") are noise. */
			int devnull = open("/dev/null", O_WRONLY);
			if (devnull >= 0) {
				dup2(devnull, 1);
				dup2(devnull, 2);
			}
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char line[512] = "";
		size_t o = 0;
		for (int i = 0; argv[i] && o < sizeof(line) - 2; i++)
			o += (size_t)snprintf(line + o, sizeof(line) - o, "%s%s", i ? " " : "",
					      argv[i]);
		return zone_error_set(err, 0, "'%s' failed (status %d)", line,
				      WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	}
	return 0;
}

int zone_netif_host_check(const char *spec, struct zone_error *err)
{
	struct zone_netif nif;
	char path[64];

	if (zone_netif_parse(spec, &nif, err) < 0)
		return -1;
	if (nif.macvlan[0] && if_nametoindex(nif.macvlan) == 0)
		return zone_error_set(err, 0,
				      "%s: macvlan parent %s: no such interface on the host",
				      nif.name, nif.macvlan);
	if (!nif.bridge[0])
		return 0;
	if (if_nametoindex(nif.bridge) == 0)
		return zone_error_set(err, 0, "%s: bridge %s: no such interface on the host",
				      nif.name, nif.bridge);
	snprintf(path, sizeof(path), "/sys/class/net/%s/bridge", nif.bridge);
	if (access(path, F_OK) < 0)
		return zone_error_set(err, 0, "%s: %s is not a bridge (no %s)", nif.name,
				      nif.bridge, path);
	return 0;
}

/* A macvlan interface: made in the zone's namespace under its name, on its host parent (in
 * bridge mode: the zone reaches the parent's other macvlans and its network, not the host
 * itself, as macvlan goes); gone with the namespace. */
static int macvlan_add(const struct zone_netif *nif, const char *pidstr, struct zone_error *err)
{
	char *add[] = {"ip",
		       "link",
		       "add",
		       "name",
		       (char *)nif->name,
		       "link",
		       (char *)nif->macvlan,
		       "netns",
		       (char *)pidstr,
		       "type",
		       "macvlan",
		       "mode",
		       "bridge",
		       NULL};

	return run(add, err);
}

/* One interface: its veth pair (the zone end made in the namespace under its name), the host
 * end routed (the subnets' first other addresses) or a port of its bridge, the zone end's
 * addresses and default routes. IPv6 without duplicate detection, so the zone has it at once. */
static int netif_up(const struct zone_netif *nif, const char *host_if, const char *pidstr,
		    const char *nspath, struct zone_error *err)
{
	char *del[] = {"ip", "link", "del", (char *)host_if, NULL};
	char *add[] = {"ip",	       "link", "add",  (char *)host_if,	  "type",
		       "veth",	       "peer", "name", (char *)nif->name, "netns",
		       (char *)pidstr, NULL};
	char *master[] = {"ip", "link", "set", (char *)host_if, "master", (char *)nif->bridge,
			  NULL};
	char *up[] = {"ip", "link", "set", (char *)host_if, "up", NULL};
	/* "dev": a zone's interface may be named like one of ip's keywords (up, help) */
	char *zup[] = {"nsenter", (char *)nspath,    "ip", "link", "set",
		       "dev",	  (char *)nif->name, "up", NULL};
	char host[ZONE_NETIF_ADDR_MAX][64];
	size_t nhost = 0;

	if (nif->macvlan[0]) {
		if (macvlan_add(nif, pidstr, err) < 0 || run(zup, err) < 0)
			return -1;
	} else {
		run(del, NULL); /* a leftover of a crashed supervisor */
		if (run(add, err) < 0 || (nif->bridge[0] && run(master, err) < 0) ||
		    run(up, err) < 0 || run(zup, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < nif->naddr; i++) {
		char *dad = strchr(nif->addr[i], ':') ? "nodad" : NULL;
		char *zadd[] = {
		    "nsenter", (char *)nspath,	  "ip", "addr", "add", (char *)nif->addr[i],
		    "dev",     (char *)nif->name, dad,	NULL};
		bool have = false;

		if (ZONE_NETIF_ROUTED(nif)) {
			zone_net_host_address(nif->addr[i], host[nhost], sizeof(host[0]), NULL);
			for (size_t k = 0; k < nhost; k++)
				have |= strcmp(host[k], host[nhost]) == 0;
			char *hadd[] = {"ip",  "addr",		"add", host[nhost],
					"dev", (char *)host_if, dad,   NULL};
			if (!have && run(hadd, err) < 0)
				return -1;
			nhost += !have;
		}
		if (run(zadd, err) < 0)
			return -1;
	}
	for (int f = 0; f < 2; f++) {
		char *route[] = {"nsenter",
				 (char *)nspath,
				 "ip",
				 f ? "-6" : "-4",
				 "route",
				 "add",
				 "default",
				 "via",
				 (char *)nif->gw[f],
				 "dev",
				 (char *)nif->name,
				 NULL};
		if (nif->gw[f][0] && run(route, err) < 0)
			return -1;
	}
	return 0;
}

int zone_net_exclusive_create(const char *zone, json_t *cfg, int userns_fd, struct zone_net *net,
			      struct zone_error *err)
{
	struct zone_netif ifs[ZONE_NET_IF_MAX];
	size_t nif;
	int pfd[2];
	char c, pidstr[32], nspath[64];
	pid_t helper;
	int ret = -1;

	net->netns_fd = -1;
	net->nhost_if = 0;
	if (zone_net_ifaces(cfg, ifs, &nif, err) < 0)
		return -1;
	for (size_t i = 0; i < nif; i++) {
		char spec[16 + 9 + 16] = "";
		if (ifs[i].bridge[0] || ifs[i].macvlan[0])
			snprintf(spec, sizeof(spec), "%s,%s=%s", ifs[i].name,
				 ifs[i].bridge[0] ? "bridge" : "macvlan",
				 ifs[i].bridge[0] ? ifs[i].bridge : ifs[i].macvlan);
		if (spec[0] && zone_netif_host_check(spec, err) < 0)
			return zone_error_wrap(err, "interface");
	}
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return zone_error_set(err, errno, "pipe");
	/* A helper holds a new network namespace while we configure it from outside. */
	helper = fork();
	if (helper < 0)
		return zone_error_set(err, errno, "fork");
	if (helper == 0) {
		close(pfd[0]);
		/* made by U's root, the namespace is U's (the zone's root may configure it) */
		if (userns_fd >= 0 && setns(userns_fd, CLONE_NEWUSER) < 0)
			_exit(1);
		if (unshare(CLONE_NEWNET) < 0)
			_exit(1);
		if (write(pfd[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], &c, 1) != 1) {
		close(pfd[0]);
		waitpid(helper, NULL, 0);
		return zone_error_set(err, 0, "create network namespace");
	}
	close(pfd[0]);
	snprintf(pidstr, sizeof(pidstr), "%d", (int)helper);
	snprintf(nspath, sizeof(nspath), "--net=/proc/%d/ns/net", (int)helper);
	char nsfile[64];
	snprintf(nsfile, sizeof(nsfile), "/proc/%d/ns/net", (int)helper);
	net->netns_fd = open(nsfile, O_RDONLY | O_CLOEXEC);
	if (net->netns_fd < 0) {
		zone_error_set(err, errno, "open %s", nsfile);
		goto out;
	}
	char *lo[] = {"nsenter", nspath, "ip", "link", "set", "lo", "up", NULL};
	if (run(lo, err) < 0) {
		zone_error_wrap(err, "network for zone %s", zone);
		goto out;
	}
	for (size_t i = 0; i < nif; i++) {
		char *host_if = net->host_if[net->nhost_if];
		zone_net_host_ifname(zone, i, host_if, sizeof(net->host_if[0]));
		net->nhost_if += !ifs[i].macvlan[0]; /* a macvlan goes with the namespace */
		if (netif_up(&ifs[i], host_if, pidstr, nspath, err) < 0) {
			zone_error_wrap(err, "network for zone %s, %s", zone, ifs[i].name);
			goto out;
		}
	}
	ret = 0;
out:
	kill(helper, SIGKILL);
	waitpid(helper, NULL, 0);
	if (ret < 0)
		zone_net_destroy(net);
	return ret;
}

/* "ADDR/PREFIX" -> family and bytes of ADDR */
static int parse_addr(const char *spec, int *family, unsigned char bytes[16])
{
	char a[INET6_ADDRSTRLEN + 8];
	size_t n = strcspn(spec, "/");

	if (n >= sizeof(a))
		return -1;
	memcpy(a, spec, n);
	a[n] = '\0';
	*family = strchr(a, ':') ? AF_INET6 : AF_INET;
	memset(bytes, 0, 16);
	return inet_pton(*family, a, bytes) == 1 ? 0 : -1;
}

static bool same_addr(const char *a, const char *b)
{
	unsigned char x[16], y[16];
	int fx, fy;

	return parse_addr(a, &fx, x) == 0 && parse_addr(b, &fy, y) == 0 && fx == fy &&
	       memcmp(x, y, 16) == 0;
}

/* Every address of a zone with a network (ADDR/PREFIX), in out; how many. */
static size_t zone_addresses(json_t *cfg, char out[][64], size_t max)
{
	const char *net = zone_config_str(cfg, "net");
	size_t n = 0;

	if (strcmp(net, "shared") == 0) {
		while (n < max && list_nth(zone_config_str(cfg, "address"), n, out[n], 64) == 0)
			n++;
	} else if (strcmp(net, "exclusive") == 0) {
		struct zone_netif ifs[ZONE_NET_IF_MAX];
		size_t nif;
		struct zone_error ignored;

		if (zone_net_ifaces(cfg, ifs, &nif, &ignored) < 0)
			return 0;
		for (size_t i = 0; i < nif; i++)
			for (size_t k = 0; k < ifs[i].naddr && n < max; k++)
				snprintf(out[n++], 64, "%s", ifs[i].addr[k]);
	}
	return n;
}

#define ZONE_ADDRS_MAX (ZONE_NET_IF_MAX * ZONE_NETIF_ADDR_MAX)

static int prefix_len(const struct sockaddr *mask)
{
	const unsigned char *b =
	    mask->sa_family == AF_INET
		? (const unsigned char *)&((struct sockaddr_in *)mask)->sin_addr
		: ((struct sockaddr_in6 *)mask)->sin6_addr.s6_addr;
	int n = 0;

	for (int i = 0; i < (mask->sa_family == AF_INET ? 4 : 16); i++)
		n += __builtin_popcount(b[i]);
	return n;
}

/* " (zone NAME's host end)" when ifname is the host end of a zone of the store, else "" */
static void host_end_owner(struct zone_store *store, const char *ifname, char *out, size_t sz)
{
	char **names = NULL, base[16];
	size_t n = 0;
	struct zone_error ignored;

	out[0] = '\0';
	if (strncmp(ifname, "lxz", 3) != 0 || zone_store_list(store, &names, &n, &ignored) < 0)
		return;
	for (size_t i = 0; i < n && !out[0]; i++) {
		zone_net_host_ifname(names[i], 0, base, sizeof(base));
		if (strncmp(ifname, base, strlen(base)) == 0)
			snprintf(out, sz, " (zone %s's host end)", names[i]);
	}
	zone_names_free(names, n);
}

/*
 * A routed interface's subnet that overlaps an address of a host interface (the host's own
 * networks, a shared zone's addresses, another exclusive zone's host ends): its host end would
 * add a second route to that subnet, and one of the two would lose its traffic. This zone's
 * own host ends (left by a supervisor that was killed) do not count. IPv6 link-local
 * addresses are on every link and overlap nothing.
 */
static int host_overlap(struct zone_store *store, const char *zone, json_t *cfg,
			struct zone_error *err)
{
	struct zone_netif ifs[ZONE_NET_IF_MAX];
	struct ifaddrs *ifa;
	char mine[16];
	size_t nif;
	int ret = 0;

	if (zone_net_ifaces(cfg, ifs, &nif, err) < 0)
		return -1;
	zone_net_host_ifname(zone, 0, mine, sizeof(mine));
	if (getifaddrs(&ifa) < 0)
		return 0; /* nothing to compare with: boot's `ip` will say */
	for (size_t i = 0; i < nif && ret == 0; i++)
		for (size_t k = 0; k < ifs[i].naddr && ret == 0 && ZONE_NETIF_ROUTED(&ifs[i]);
		     k++) {
			const char *spec = ifs[i].addr[k];
			unsigned char want[16];
			int fam, prefix = atoi(spec + strcspn(spec, "/") + 1);

			if (parse_addr(spec, &fam, want) < 0)
				continue;
			for (struct ifaddrs *h = ifa; h && ret == 0; h = h->ifa_next) {
				if (!h->ifa_addr || h->ifa_addr->sa_family != fam ||
				    !h->ifa_netmask ||
				    strncmp(h->ifa_name, mine, strlen(mine)) == 0)
					continue;
				const unsigned char *have =
				    fam == AF_INET
					? (const unsigned char *)&(
					      (struct sockaddr_in *)h->ifa_addr)
					      ->sin_addr
					: ((struct sockaddr_in6 *)h->ifa_addr)->sin6_addr.s6_addr;
				int hp = prefix_len(h->ifa_netmask);
				char hs[INET6_ADDRSTRLEN], owner[128];

				if (fam == AF_INET6 && have[0] == 0xfe && (have[1] & 0xc0) == 0x80)
					continue;
				if (!zone_net_prefix_match(want, have, prefix < hp ? prefix : hp))
					continue;
				inet_ntop(fam, have, hs, sizeof(hs));
				host_end_owner(store, h->ifa_name, owner, sizeof(owner));
				ret = zone_error_set(
				    err, 0,
				    "%s: %s overlaps %s/%d on the host's %s%s: a "
				    "routed host end would route that subnet a second "
				    "time",
				    ifs[i].name, spec, hs, hp, h->ifa_name, owner);
			}
		}
	freeifaddrs(ifa);
	return ret;
}

int zone_net_conflicts(struct zone_store *store, const char *name, json_t *cfg,
		       struct zone_error *err)
{
	bool shared = strcmp(zone_config_str(cfg, "net"), "shared") == 0;
	uint32_t lo = zone_netbpf_loopback(name);
	char(*mine)[64] = calloc(2 * ZONE_ADDRS_MAX, 64), (*theirs)[64] = mine + ZONE_ADDRS_MAX;
	size_t nmine;
	char **names = NULL;
	size_t n = 0;
	int ret = 0;

	if (mine == NULL)
		return zone_error_set(err, ENOMEM, "addresses");
	nmine = zone_addresses(cfg, mine, ZONE_ADDRS_MAX);
	if ((nmine == 0 && !shared) || zone_store_list(store, &names, &n, err) < 0) {
		free(mine);
		return nmine == 0 && !shared ? 0 : -1;
	}
	for (size_t i = 0; i < n && ret == 0; i++) {
		struct zone *o = NULL;
		enum zone_state st;

		if (strcmp(names[i], name) == 0 || zone_open(store, names[i], 0, &o, NULL) < 0)
			continue;
		st = zone_get_state(o);
		if (st == ZONE_READY || st == ZONE_RUNNING) {
			size_t nt = zone_addresses(o->config, theirs, ZONE_ADDRS_MAX);
			for (size_t k = 0; ret == 0 && k < nmine; k++)
				for (size_t m = 0; ret == 0 && m < nt; m++)
					if (same_addr(mine[k], theirs[m]))
						ret = zone_error_set(
						    err, 0, "address %.*s is zone %s's (%s)",
						    (int)strcspn(mine[k], "/"), mine[k], o->name,
						    zone_state_name(st));
			if (ret == 0 && shared &&
			    strcmp(zone_config_str(o->config, "net"), "shared") == 0 &&
			    zone_netbpf_loopback(o->name) == lo) {
				struct in_addr in = {.s_addr = lo};
				ret = zone_error_set(err, 0,
						     "loopback address %s is zone %s's too (the "
						     "names hash alike): rename one",
						     inet_ntoa(in), o->name);
			}
		}
		zone_free(o);
	}
	zone_names_free(names, n);
	free(mine);
	if (ret == 0 && strcmp(zone_config_str(cfg, "net"), "exclusive") == 0)
		ret = host_overlap(store, name, cfg, err);
	return ret;
}

/* The host interface an address is on, or NULL. */
static const char *host_has(const char *spec, char *ifname, size_t sz)
{
	struct ifaddrs *ifa, *i;
	unsigned char want[16];
	int fam;
	const char *found = NULL;

	if (parse_addr(spec, &fam, want) < 0 || getifaddrs(&ifa) < 0)
		return NULL;
	for (i = ifa; i && !found; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != fam)
			continue;
		const void *have =
		    fam == AF_INET ? (const void *)&((struct sockaddr_in *)i->ifa_addr)->sin_addr
				   : (const void *)&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
		if (memcmp(have, want, fam == AF_INET ? 4 : 16) == 0) {
			snprintf(ifname, sz, "%s", i->ifa_name);
			found = ifname;
		}
	}
	freeifaddrs(ifa);
	return found;
}

/* lxzone0: a dummy; a kernel without the dummy driver gets a bridge without ports, which
 * holds local addresses the same way (both answer only through the host's local table). */
static int shared_if_make(const char *ifname, struct zone_error *err)
{
	char *dummy[] = {"ip", "link", "add", (char *)ifname, "type", "dummy", NULL};
	char *bridge[] = {"ip", "link", "add", (char *)ifname, "type", "bridge", NULL};
	char *up[] = {"ip", "link", "set", (char *)ifname, "up", NULL};

	if (if_nametoindex(ifname) == 0 && run(dummy, NULL) < 0 && run(bridge, NULL) < 0 &&
	    if_nametoindex(ifname) == 0) /* another boot may have made it meanwhile */
		return zone_error_set(err, 0, "could not make interface %s (dummy or bridge)",
				      ifname);
	return run(up, err);
}

int zone_net_shared_up(const char *ifname, const char *addresses, struct zone_net *net,
		       struct zone_error *err)
{
	bool own = strcmp(ifname, ZONE_NET_SHARED_IF) == 0;
	char spec[64], on[IF_NAMESIZE + 1];

	net->nshared = 0;
	snprintf(net->shared_if, sizeof(net->shared_if), "%s", ifname);
	if (own ? shared_if_make(ifname, err) < 0 : if_nametoindex(ifname) == 0)
		return own ? -1
			   : zone_error_set(err, 0, "shared-interface %s: no such interface",
					    ifname);
	for (size_t i = 0; list_nth(addresses, i, spec, sizeof(spec)) == 0; i++) {
		bool v6 = strchr(spec, ':') != NULL;
		char *add[] = {"ip", "addr", "add", spec, "dev", (char *)ifname, NULL, NULL, NULL};
		int k = 6;

		if (net->nshared >= ZONE_NET_SHARED_MAX)
			return zone_error_set(err, 0, "more than %d addresses",
					      ZONE_NET_SHARED_MAX);
		/* lxzone0 links nowhere: no subnet route through it; no duplicate detection
		 * to wait for before the zone may bind an IPv6 address */
		if (own)
			add[k++] = "noprefixroute";
		if (v6)
			add[k++] = "nodad";
		if (host_has(spec, on, sizeof(on))) {
			/* on this interface: a supervisor that was killed left it (a running
			 * zone's was refused by zone_net_shared_conflicts): taken over */
			if (strcmp(on, ifname) != 0)
				return zone_error_set(err, 0,
						      "address %.*s is already on the host (%s)",
						      (int)strcspn(spec, "/"), spec, on);
		} else if (run(add, err) < 0) {
			return -1;
		}
		snprintf(net->shared_addr[net->nshared++], sizeof(net->shared_addr[0]), "%s", spec);
	}
	return 0;
}

void zone_net_destroy(struct zone_net *net)
{
	for (size_t i = 0; i < net->nshared; i++) {
		char *del[] = {"ip",  "addr",	      "del", net->shared_addr[i],
			       "dev", net->shared_if, NULL};
		run(del, NULL);
	}
	net->nshared = 0;
	if (net->netns_fd >= 0) {
		close(net->netns_fd);
		net->netns_fd = -1;
	}
	/* deleting the host end deletes the pair */
	for (size_t i = 0; i < net->nhost_if; i++) {
		char *del[] = {"ip", "link", "del", net->host_if[i], NULL};
		run(del, NULL);
	}
	net->nhost_if = 0;
}
