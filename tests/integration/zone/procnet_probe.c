/*
 * /proc/net as a program reads it, for test_net_procnet.sh; static, so it runs in any image.
 *   procnet_probe forms NAME COL   /proc/net/NAME opened every way a program can: for each
 *                                 form "FORM: <lines> <word COL of each line, joined by ,>"
 *                                 (COL 0-based; the words that do not change while it reads:
 *                                 addresses, interface names)
 *   procnet_probe listen ADDR PORT NAME SECONDS
 *                                 a TCP listener and a UDP socket on ADDR:PORT and a unix
 *                                 listener at the abstract NAME, held SECONDS
 *   procnet_probe diag             the TCP listeners and bound UDP sockets a NETLINK_SOCK_DIAG
 *                                 dump shows (what `ss -tuln` asks): "tcp ADDR:PORT",
 *                                 "udp ADDR:PORT", sorted by the caller
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/openat2.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

/* word col of every line of fd's text, joined */
static void summary(const char *form, int fd, int col)
{
	static char text[1 << 20];
	size_t got = 0;
	ssize_t n;
	int lines = 0;

	if (fd < 0) {
		printf("%s: open: %s\n", form, strerror(errno));
		return;
	}
	while (got < sizeof(text) - 1 && (n = read(fd, text + got, sizeof(text) - 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	text[got] = 0;
	printf("%s:", form);
	for (char *line = text, *nl; *line; line = nl + 1) {
		char *save, *w;
		int k = 0;

		nl = strchr(line, '\n');
		if (!nl)
			break;
		*nl = 0;
		lines++;
		for (w = strtok_r(line, " \t", &save); w && k < col;
		     w = strtok_r(NULL, " \t", &save))
			k++;
		printf(" %s", w ? w : "-");
	}
	printf(" (%d lines)\n", lines);
}

static int forms(const char *name, int col)
{
	char p[256], self[64];
	int fd, dir;

	snprintf(p, sizeof(p), "/proc/net/%s", name);
	summary("open", open(p, O_RDONLY), col);
	snprintf(p, sizeof(p), "/proc/self/net/%s", name);
	summary("self", openat(AT_FDCWD, p, O_RDONLY | O_CLOEXEC), col);
	snprintf(p, sizeof(p), "/proc/thread-self/net/%s", name);
	summary("thread-self", open(p, O_RDONLY), col);
	snprintf(p, sizeof(p), "/proc/%d/net/%s", (int)getpid(), name);
	/* blocking: a nonblocking open is not trapped (a server's per-request open; the host's
	 * text then, a documented deviation: docs/network.md) */
	summary("pid", open(p, O_RDONLY), col);
	snprintf(p, sizeof(p), "/proc/1/net/%s", name);
	summary("init", open(p, O_RDONLY), col);
	dir = open("/proc", O_PATH | O_DIRECTORY);
	snprintf(p, sizeof(p), "net/%s", name);
	summary("dirfd", openat(dir, p, O_RDONLY), col);
	close(dir);
	dir = open("/proc/self/net", O_RDONLY | O_DIRECTORY);
	summary("netdir", openat(dir, name, O_RDONLY), col);
	close(dir);
	struct open_how how = {.flags = O_RDONLY, .resolve = RESOLVE_NO_MAGICLINKS};
	snprintf(p, sizeof(p), "/proc/net/%s", name);
	summary("openat2", (int)syscall(SYS_openat2, AT_FDCWD, p, &how, sizeof(how)), col);
	fd = open(p, O_PATH);
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	summary("opath", open(self, O_RDONLY), col);
	close(fd);
	if (chdir("/proc") != 0)
		return perror("chdir /proc"), 1;
	snprintf(p, sizeof(p), "net/%s", name);
	summary("chdir", open(p, O_RDONLY), col);
	return 0;
}

static int listen_on(const char *addr, int port, const char *name, int seconds)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	struct sockaddr_un u = {.sun_family = AF_UNIX};
	int t = socket(AF_INET, SOCK_STREAM, 0), d = socket(AF_INET, SOCK_DGRAM, 0);
	int x = socket(AF_UNIX, SOCK_STREAM, 0);
	socklen_t ulen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));

	if (inet_pton(AF_INET, addr, &a.sin_addr) != 1)
		return fprintf(stderr, "bad address %s\n", addr), 2;
	memcpy(u.sun_path + 1, name, strlen(name)); /* abstract: sun_path[0] = 0 */
	if (bind(t, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(t, 4) != 0 ||
	    bind(d, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    bind(x, (struct sockaddr *)&u, ulen) != 0 || listen(x, 4) != 0)
		return perror("listen"), 1;
	printf("listening\n");
	fflush(stdout);
	sleep((unsigned)seconds);
	return 0;
}

static int diag_dump(int proto)
{
	struct {
		struct nlmsghdr h;
		struct inet_diag_req_v2 r;
	} req = {.h = {.nlmsg_len = sizeof(req),
		       .nlmsg_type = SOCK_DIAG_BY_FAMILY,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP},
		 .r = {.sdiag_family = AF_INET, .sdiag_protocol = (uint8_t)proto}};
	static char buf[32768];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

	/* listeners (TCP_LISTEN) and bound UDP sockets (TCP_CLOSE, as UDP reports them) */
	req.r.idiag_states = proto == IPPROTO_TCP ? 1u << 10 : 1u << 7;
	if (fd < 0 || send(fd, &req, sizeof(req), 0) < 0)
		return perror("sock_diag"), 1;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0)
			return perror("recv"), 1;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
				close(fd);
				return 0;
			}
			struct inet_diag_msg *m = NLMSG_DATA(h);
			char a[INET_ADDRSTRLEN];
			inet_ntop(AF_INET, m->id.idiag_src, a, sizeof(a));
			printf("%s %s:%d\n", proto == IPPROTO_TCP ? "tcp" : "udp", a,
			       ntohs(m->id.idiag_sport));
		}
	}
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && strcmp(argv[1], "forms") == 0)
		return forms(argv[2], atoi(argv[3]));
	if (argc == 6 && strcmp(argv[1], "listen") == 0)
		return listen_on(argv[2], atoi(argv[3]), argv[4], atoi(argv[5]));
	if (argc == 2 && strcmp(argv[1], "diag") == 0)
		return diag_dump(IPPROTO_TCP) || diag_dump(IPPROTO_UDP);
	fprintf(stderr,
		"usage: procnet_probe forms NAME COL | listen ADDR PORT NAME SECONDS | diag\n");
	return 2;
}
