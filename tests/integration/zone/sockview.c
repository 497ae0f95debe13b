/*
 * it_sockview: run inside a net=shared zone, does what the brand's NETLINK_SOCK_DIAG hook
 * and lxproc's /proc/net files will do there (netlink/sockdiag.h, proc/lxproc_net.h), with
 * the kernel's real answers:
 *
 *   the view   cgroup ids: every directory under the zone's cgroup2 mount (its cgroup
 *              namespace: /sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid host);
 *              uids: the zone's, as its user namespace maps them (/proc/self/uid_map),
 *              overflow 65534 excluded; addresses: the arguments (ADDR[,ADDR...]).
 *   ss         a SOCK_DIAG dump of TCP and UDP (IPv4, IPv6) and unix sockets, the request
 *              through lx_sd_check_request and every part through lx_sd_filter_reply.
 *   proc       /proc/net/{tcp,tcp6,udp,udp6,unix} through lxproc_net_sockets, with the
 *              inodes the dump kept.
 *
 *   it_sockview [--raw] ADDRS   makes a unix listener ("self unix INODE"), then prints one
 *   line per socket:
 *       ss tcp|udp|unix STATE LOCAL-ADDR:PORT|PATH INODE
 *       proc tcp|tcp6|udp|udp6|unix LOCAL-HEX INODE
 *   --raw: the same without the view (what the zone sees today), so a test shows the
 *   filter is what hides the others.  --uid-only: the view lx_sd_view_userns makes (no
 *   cgroup ids: full sockets by their owner's uid).
 * Static, so it runs in the busybox zone.  Exit 0, or 1 with a message.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "netlink/sockdiag.h"
#include "proc/lxproc.h"
#include "proc/lxproc_net.h"

static struct lx_sd_view view;
static uint64_t inodes[65536];
static size_t ninodes;
static int raw, uid_only;

static __attribute__((noreturn)) void die(const char *what)
{
	fprintf(stderr, "it_sockview: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void walk_cgroups(const char *dir)
{
	struct stat st;
	DIR *d;
	struct dirent *e;

	if (stat(dir, &st) < 0)
		return;
	if (view.ncgroup >= LX_SD_MAXCG) {
		view.cgroup_partial = 1;
		return;
	}
	view.cgroup[view.ncgroup++] = st.st_ino; /* a cgroup2 directory's inode is its id */
	d = opendir(dir);
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char sub[4096];
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		walk_cgroups(sub);
	}
	closedir(d);
}

static void make_view(const char *addrs)
{
	FILE *f;
	unsigned inside, outside, count;
	char buf[256], *tok, *save = NULL;

	if (uid_only) {
		lx_sd_view_userns(&view);
		goto addresses;
	}
	view.shared = 1;
	if (access("/sys/fs/cgroup/unified/cgroup.procs", F_OK) == 0)
		walk_cgroups("/sys/fs/cgroup/unified");
	else
		walk_cgroups("/sys/fs/cgroup");
	f = fopen("/proc/self/uid_map", "r");
	if (f == NULL || fscanf(f, "%u %u %u", &inside, &outside, &count) != 3)
		die("/proc/self/uid_map");
	fclose(f);
	view.uid_first = inside;
	view.uid_count = count;
	view.uid_unmapped = 65534;
addresses:
	snprintf(buf, sizeof(buf), "%s", addrs);
	for (tok = strtok_r(buf, ",", &save); tok && view.naddr < LX_SD_MAXADDR;
	     tok = strtok_r(NULL, ",", &save)) {
		struct lx_sd_addr *a = &view.addr[view.naddr];
		if (inet_pton(AF_INET, tok, a->bytes) == 1)
			a->family = LX_SD_AF_INET;
		else if (inet_pton(AF_INET6, tok, a->bytes) == 1)
			a->family = LX_SD_AF_INET6;
		else
			continue;
		view.naddr++;
	}
}

static const char *tcp_state(int s)
{
	static const char *const names[] = {"?",	  "ESTAB",	"SYN-SENT",  "SYN-RECV",
					    "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT", "UNCONN",
					    "CLOSE-WAIT", "LAST-ACK",	"LISTEN",    "CLOSING"};
	return s > 0 && s < 12 ? names[s] : "?";
}

static void print_msg(const uint8_t *m, size_t len, const char *proto)
{
	char a[INET6_ADDRSTRLEN];
	uint32_t ino;

	if (m[0] == AF_UNIX) {
		memcpy(&ino, m + 4, 4);
		printf("ss unix %s - %u\n", m[2] == 10 ? "LISTEN" : "ESTAB", ino);
	} else {
		if (len < 72)
			return;
		inet_ntop(m[0], m + 8, a, sizeof(a));
		memcpy(&ino, m + 68, 4);
		printf("ss %s %s %s:%u %u\n", proto, tcp_state(m[1]), a, m[4] << 8 | m[5], ino);
		if (ninodes < 65536 && ino != 0)
			inodes[ninodes++] = ino;
	}
	if (m[0] == AF_UNIX && ninodes < 65536)
		inodes[ninodes++] = ino;
}

static void dump(uint8_t family, uint8_t proto, const char *name)
{
	static uint8_t buf[65536];
	uint8_t req[16 + 56] = {0};
	uint32_t len;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	int done = 0;

	if (fd < 0)
		die("socket(NETLINK_SOCK_DIAG)");
	len = family == AF_UNIX ? 16 + 24 : 16 + 56;
	memcpy(req, &len, 4);
	req[4] = LX_SOCK_DIAG_BY_FAMILY;
	req[6] = NLM_F_REQUEST;
	req[7] = NLM_F_DUMP >> 8;
	req[16] = family;
	req[17] = proto;
	memset(req + 20, 0xff, 4); /* all states (unix: udiag_states at the same place) */
	if (!raw && lx_sd_check_request(req, len, &view) < 0) {
		fprintf(stderr, "it_sockview: the request was refused\n");
		exit(1);
	}
	if (send(fd, req, len, 0) != (ssize_t)len)
		die("send");
	while (!done) {
		ssize_t got = recv(fd, buf, sizeof(buf), 0);
		size_t n, at = 0;
		int trunc;

		if (got <= 0)
			die("recv");
		n = raw ? (size_t)got : lx_sd_filter_reply(buf, (size_t)got, &view, &trunc);
		while (n - at >= 16) {
			uint32_t mlen;
			uint16_t type;
			memcpy(&mlen, buf + at, 4);
			memcpy(&type, buf + at + 4, 2);
			if (mlen < 16 || mlen > n - at)
				break;
			if (type == NLMSG_DONE || type == NLMSG_ERROR)
				done = 1;
			else if (type == LX_SOCK_DIAG_BY_FAMILY)
				print_msg(buf + at + 16, mlen - 16, name);
			at += (mlen + 3) & ~3u;
		}
	}
	close(fd);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void proc_file(const char *name, enum lxproc_socktab kind)
{
	static char host[4 << 20], out[4 << 20];
	char path[64], *line, *save = NULL;
	struct lxproc_netsocks z;
	struct lx_buf b;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/net/%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die(path);
	n = read(fd, host, sizeof(host) - 1);
	for (ssize_t r = n; r > 0 && n < (ssize_t)sizeof(host) - 1; n += r)
		r = read(fd, host + n, sizeof(host) - 1 - (size_t)n);
	close(fd);
	if (n < 0)
		die(path);
	memset(&z, 0, sizeof(z));
	z.inodes = inodes;
	z.ninodes = ninodes;
	for (size_t i = 0; i < view.naddr && i < LXPROC_NET_MAXADDR; i++) {
		z.addr[i].family = view.addr[i].family;
		memcpy(z.addr[i].bytes, view.addr[i].bytes, 16);
	}
	z.naddr = view.naddr;
	lx_buf_init(&b, out, sizeof(out) - 1);
	if (raw) {
		memcpy(out, host, (size_t)n);
		b.len = (size_t)n;
	} else if (lxproc_net_sockets(&z, kind, (struct lx_text){host, (size_t)n}, &b) != 0) {
		fprintf(stderr, "it_sockview: %s does not fit\n", path);
		exit(1);
	}
	out[b.len] = 0;
	line = strtok_r(out, "\n", &save); /* the header */
	while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
		char w[10][80];
		int col = kind == LXPROC_TAB_UNIX ? 6 : 9;
		if (sscanf(line, "%79s %79s %79s %79s %79s %79s %79s %79s %79s %79s", w[0], w[1],
			   w[2], w[3], w[4], w[5], w[6], w[7], w[8], w[9]) > col)
			printf("proc %s %s %s\n", name, kind == LXPROC_TAB_UNIX ? "-" : w[1],
			       w[col]);
	}
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--raw") == 0) {
		raw = 1;
		argc--, argv++;
	} else if (argc > 1 && strcmp(argv[1], "--uid-only") == 0) {
		uid_only = 1;
		argc--, argv++;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: it_sockview [--raw|--uid-only] ADDR[,ADDR...]\n");
		return 2;
	}
	make_view(argv[1]);
	{ /* a unix listener of the zone's own, which the view must show */
		struct sockaddr_un sa = {.sun_family = AF_UNIX};
		struct stat st;
		int u = socket(AF_UNIX, SOCK_STREAM, 0);

		snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1, "it-sockview-%d", (int)getpid());
		if (u < 0 || bind(u, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(u, 1) < 0 ||
		    fstat(u, &st) < 0)
			die("a unix listener");
		printf("self unix %lu\n", (unsigned long)st.st_ino);
	}
	printf("view cgroups %zu uids %u+%u addresses %zu\n", view.ncgroup, view.uid_first,
	       view.uid_count, view.naddr);
	dump(AF_INET, IPPROTO_TCP, "tcp");
	dump(AF_INET6, IPPROTO_TCP, "tcp");
	dump(AF_INET, IPPROTO_UDP, "udp");
	dump(AF_INET6, IPPROTO_UDP, "udp");
	dump(AF_UNIX, 0, "unix");
	qsort(inodes, ninodes, sizeof(inodes[0]), cmp_u64);
	proc_file("tcp", LXPROC_TAB_TCP);
	proc_file("tcp6", LXPROC_TAB_TCP6);
	proc_file("udp", LXPROC_TAB_UDP);
	proc_file("udp6", LXPROC_TAB_UDP6);
	proc_file("unix", LXPROC_TAB_UNIX);
	return 0;
}
