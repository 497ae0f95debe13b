#include "zone/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void zone_net_host_ifname(const char *zone, char *buf, size_t sz)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const char *p = zone; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	snprintf(buf, sz, "lxz%08x", h);
}

int zone_net_host_address(const char *zone_addr, char *buf, size_t sz, struct zone_error *err)
{
	char a[64];
	const char *slash = strchr(zone_addr, '/');
	struct in_addr in;
	int prefix;

	if (slash == NULL || (size_t)(slash - zone_addr) >= sizeof(a))
		return zone_error_set(err, 0, "address %s: not ADDR/PREFIX", zone_addr);
	memcpy(a, zone_addr, (size_t)(slash - zone_addr));
	a[slash - zone_addr] = '\0';
	prefix = atoi(slash + 1);
	if (inet_pton(AF_INET, a, &in) != 1)
		return zone_error_set(err, 0, "address %s: net=exclusive supports IPv4 for now",
				      zone_addr);
	if (prefix < 1 || prefix > 30)
		return zone_error_set(err, 0, "address %s: prefix must leave room for the host end",
				      zone_addr);
	uint32_t ip = ntohl(in.s_addr);
	uint32_t mask = prefix == 32 ? 0xffffffffu : ~((1u << (32 - prefix)) - 1);
	uint32_t net = ip & mask, host = net + 1;
	if (host == ip)
		host = net + 2;
	struct in_addr h = {.s_addr = htonl(host)};
	char hs[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &h, hs, sizeof(hs));
	snprintf(buf, sz, "%s/%d", hs, prefix);
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
	if (zone_net_host_address(address, net->host_addr, sizeof(net->host_addr), err) < 0)
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
	char zaddr[64];
	snprintf(zaddr, sizeof(zaddr), "%s", address);
	char gw[64];
	snprintf(gw, sizeof(gw), "%s", net->host_addr);
	*strchr(gw, '/') = '\0';
	{
		char *del[] = {"ip", "link", "del", net->host_if, NULL};
		run(del, NULL); /* a leftover of a crashed supervisor */
	}
	char *cmds[][12] = {
	    {"ip", "link", "add", net->host_if, "type", "veth", "peer", "name", "eth0", "netns",
	     pidstr, NULL},
	    {"ip", "addr", "add", net->host_addr, "dev", net->host_if, NULL},
	    {"ip", "link", "set", net->host_if, "up", NULL},
	    {"nsenter", nspath, "ip", "link", "set", "lo", "up", NULL},
	    {"nsenter", nspath, "ip", "addr", "add", zaddr, "dev", "eth0", NULL},
	    {"nsenter", nspath, "ip", "link", "set", "eth0", "up", NULL},
	    {"nsenter", nspath, "ip", "route", "add", "default", "via", gw, NULL},
	};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (run(cmds[i], err) < 0) {
			zone_error_wrap(err, "network for zone %s", zone);
			goto out;
		}
	ret = 0;
out:
	kill(helper, SIGKILL);
	waitpid(helper, NULL, 0);
	if (ret < 0)
		zone_net_destroy(net);
	return ret;
}

void zone_net_destroy(struct zone_net *net)
{
	if (net->netns_fd >= 0) {
		char *del[] = {"ip", "link", "del", net->host_if, NULL};
		close(net->netns_fd);
		net->netns_fd = -1;
		run(del, NULL);
	}
}
