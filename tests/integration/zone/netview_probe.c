/*
 * What a program sees of the network through glibc (getifaddrs, if_nameindex: NETLINK_ROUTE
 * dumps), for test_net_shared_view.sh and bench/netview.sh; static, so it runs in any image.
 *   netview_probe          "addr NAME ADDR" per IPv4/IPv6 address, "link NAME" per
 *                          interface (AF_PACKET entry), "index N NAME" per if_nameindex entry
 *   netview_probe bench N  N getifaddrs() calls (a GETLINK and a GETADDR dump each):
 *                          "getifaddrs_us MEAN" in microseconds
 *   netview_probe malformed  a NETLINK_ROUTE request whose nlmsg_len runs past what is sent:
 *                          "malformed ERRNO-NAME" (or "malformed sent")
 *   netview_probe uevent MS  a KOBJECT_UEVENT socket bound to the kernel's group: "uevents N",
 *                          the messages heard in MS milliseconds
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <poll.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int bench(int n)
{
	struct ifaddrs *ifa;
	double t0 = now_us();

	for (int i = 0; i < n; i++) {
		if (getifaddrs(&ifa) < 0) {
			perror("getifaddrs");
			return 1;
		}
		freeifaddrs(ifa);
	}
	printf("getifaddrs_us %.1f\n", (now_us() - t0) / n);
	return 0;
}

static int malformed(void)
{
	struct {
		struct nlmsghdr h;
		unsigned char body[16];
	} req = {{64, 18 /* RTM_GETLINK */, NLM_F_REQUEST | NLM_F_DUMP, 1, 0}, {0}};
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (s < 0 || send(s, &req, sizeof(req), 0) >= 0)
		printf("malformed %s\n", s < 0 ? "nosocket" : "sent");
	else
		printf("malformed %s\n", errno == EINVAL ? "EINVAL" : strerror(errno));
	return 0;
}

static int uevent(int ms)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = 1};
	int s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT), n = 0;
	char buf[8192];
	double end = now_us() + ms * 1000.0;

	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("uevent socket");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (double left; (left = end - now_us()) > 0;) {
		struct pollfd p = {s, POLLIN, 0};
		if (poll(&p, 1, (int)(left / 1000) + 1) > 0 && recv(s, buf, sizeof(buf), 0) > 0)
			n++;
	}
	printf("uevents %d\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	struct ifaddrs *ifa, *i;
	struct if_nameindex *ni;
	char buf[INET6_ADDRSTRLEN];

	if (argc == 3 && strcmp(argv[1], "bench") == 0)
		return bench(atoi(argv[2]));
	if (argc == 2 && strcmp(argv[1], "malformed") == 0)
		return malformed();
	if (argc == 3 && strcmp(argv[1], "uevent") == 0)
		return uevent(atoi(argv[2]));
	if (getifaddrs(&ifa) < 0) {
		perror("getifaddrs");
		return 1;
	}
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr)
			continue;
		if (i->ifa_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, buf,
				  sizeof(buf));
		else if (i->ifa_addr->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, buf,
				  sizeof(buf));
		else if (i->ifa_addr->sa_family == AF_PACKET) {
			printf("link %s\n", i->ifa_name);
			continue;
		} else
			continue;
		printf("addr %s %s\n", i->ifa_name, buf);
	}
	freeifaddrs(ifa);
	ni = if_nameindex();
	if (!ni) {
		perror("if_nameindex");
		return 1;
	}
	for (struct if_nameindex *p = ni; p->if_index; p++)
		printf("index %u %s\n", p->if_index, p->if_name);
	if_freenameindex(ni);
	return 0;
}
