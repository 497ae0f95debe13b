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

void zone_net_host_ifname(const char *zone, char *buf, size_t sz)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const char *p = zone; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	snprintf(buf, sz, "lxz%08x", h);
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

int zone_net_exclusive_create(const char *zone, const char *address, int userns_fd,
			      struct zone_net *net, struct zone_error *err)
{
	int pfd[2];
	char c, pidstr[32], nspath[64];
	pid_t helper;
	int ret = -1;

	net->netns_fd = -1;
	zone_net_host_ifname(zone, net->host_if, sizeof(net->host_if));
	if (zone_net_exclusive_check(address, err) < 0)
		return -1;
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
	{
		char *del[] = {"ip", "link", "del", net->host_if, NULL};
		run(del, NULL); /* a leftover of a crashed supervisor */
	}
	char *link[][12] = {
	    {"ip", "link", "add", net->host_if, "type", "veth", "peer", "name", "eth0", "netns",
	     pidstr, NULL},
	    {"ip", "link", "set", net->host_if, "up", NULL},
	    {"nsenter", nspath, "ip", "link", "set", "lo", "up", NULL},
	    {"nsenter", nspath, "ip", "link", "set", "eth0", "up", NULL},
	};
	for (size_t i = 0; i < sizeof(link) / sizeof(link[0]); i++)
		if (run(link[i], err) < 0) {
			zone_error_wrap(err, "network for zone %s", zone);
			goto out;
		}
	/* per address (one a family): the host end's, the zone's, the default route via the
	 * host end; IPv6 without duplicate detection, so the zone has it at once */
	char zaddr[64], gw[64];
	for (size_t i = 0; list_nth(address, i, zaddr, sizeof(zaddr)) == 0; i++) {
		char *host = net->host_addr[i];
		int v6 = strchr(zaddr, ':') != NULL;
		char *fam = v6 ? "-6" : "-4", *dad = v6 ? "nodad" : NULL;

		zone_net_host_address(zaddr, host, sizeof(net->host_addr[i]), NULL);
		snprintf(gw, sizeof(gw), "%.*s", (int)strcspn(host, "/"), host);
		char *cmds[][12] = {
		    {"ip", "addr", "add", host, "dev", net->host_if, dad, NULL},
		    {"nsenter", nspath, "ip", "addr", "add", zaddr, "dev", "eth0", dad, NULL},
		    {"nsenter", nspath, "ip", fam, "route", "add", "default", "via", gw, NULL},
		};
		for (size_t k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++)
			if (run(cmds[k], err) < 0) {
				zone_error_wrap(err, "network for zone %s", zone);
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

int zone_net_shared_conflicts(struct zone *z, struct zone_error *err)
{
	const char *mine = zone_config_str(z->config, "address");
	uint32_t lo = zone_netbpf_loopback(z->name);
	char **names = NULL;
	size_t n = 0;
	int ret = 0;

	if (zone_store_list(z->store, &names, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n && ret == 0; i++) {
		struct zone *o = NULL;
		enum zone_state st;
		char a[64], b[64];

		if (strcmp(names[i], z->name) == 0 ||
		    zone_open(z->store, names[i], 0, &o, NULL) < 0)
			continue;
		st = zone_get_state(o);
		if ((st == ZONE_READY || st == ZONE_RUNNING) &&
		    strcmp(zone_config_str(o->config, "net"), "shared") == 0) {
			const char *theirs = zone_config_str(o->config, "address");
			for (size_t k = 0; ret == 0 && list_nth(mine, k, a, sizeof(a)) == 0; k++)
				for (size_t m = 0;
				     ret == 0 && list_nth(theirs, m, b, sizeof(b)) == 0; m++)
					if (same_addr(a, b))
						ret = zone_error_set(
						    err, 0, "address %.*s is zone %s's (%s)",
						    (int)strcspn(a, "/"), a, o->name,
						    zone_state_name(st));
			if (ret == 0 && zone_netbpf_loopback(o->name) == lo) {
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
		char *del[] = {"ip", "link", "del", net->host_if, NULL};
		close(net->netns_fd);
		net->netns_fd = -1;
		run(del, NULL);
	}
}
