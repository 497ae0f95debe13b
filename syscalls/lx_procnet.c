/*
 * /proc/net in a net=shared zone: /proc/net/{tcp,tcp6,udp,udp6,unix,dev,if_inet6,route,snmp}
 * as the zone sees them (proc/lxproc_net.h), whatever path the guest opens them by.
 *
 * Big theory statement.
 *
 * Why an open trap.  A shared zone lives in the host's network namespace, so the kernel's
 * /proc/<pid>/net files list the host's sockets and interfaces.  lxprocfs serves the zone's
 * other /proc files by bind mounts, but /proc/net is a symbolic link to the reader's own
 * /proc/<pid>/net ("self/net"): a mount cannot cover it (move_mount on the link's dentry
 * covers /proc/net alone, not /proc/self/net, /proc/thread-self/net, nor the per-pid
 * directories that appear with every new process).  So the open is trapped, and the kernel
 * itself says which file was opened.
 *
 * What traps, and when.  Only shared zones: the netlink view's filter (netlink/nlfilter.h),
 * which only their processes carry, traps open and openat when they open read-only without
 * O_DIRECTORY, O_PATH or O_NONBLOCK (a nonblocking open is a server's, nginx's per request:
 * trapping it cost 0.70 of native nginx; the readers of /proc/net open blocking) (a write open of these 0444 files is the kernel's EACCES: the zone's
 * root has no capability over the host's), and openat2 always (its flags are behind a
 * pointer).  Zones of the other networks, and lxrun, never trap an open for this.  In a shared
 * zone every read-only open pays the trap (docs/performance.md has the figure): the handler
 * copies the path and looks at its last component; unless that is one of the nine names (or a
 * number: the /proc/self/fd/N reopen of an O_PATH descriptor) the call goes on to the kernel
 * with the guest's own arguments and nothing else happens.
 *
 * Which file it is: the kernel's answer.  For a candidate the kernel opens the path first, with
 * the guest's arguments (openat2's RESOLVE_* rules, a directory descriptor, the working
 * directory after chdir("/proc"), symbolic links in the path, errors and EFAULT are all the
 * kernel's); then fstatfs says whether the file is on procfs and its /proc/self/fd link names
 * it ("/proc/<pid>/net/tcp", or a thread's "/proc/<pid>/task/<tid>/net/tcp", which every path
 * form of it resolves to, lxproc_net_file).  Only then is the descriptor's content replaced.
 *
 * The text.  The kernel's own descriptor is read whole (the host's table, in the brand's own
 * mapping), cut to the zone's rows by proc/lxproc_net.c, and put behind the same descriptor
 * number as a sealed memfd reopened read-only (dup3, the guest's O_CLOEXEC and O_NONBLOCK
 * kept).  Which sockets are the zone's is the SOCK_DIAG view's decision (netlink/sockdiag.h,
 * the one `ss` gets): one dump of the table's family and protocol (unix: with the owner's uid)
 * on a netlink socket of the brand's own, whose kept messages give the inodes.  So `netstat`
 * and `ss` agree by construction.  dev, if_inet6 and route follow the NETLINK_ROUTE view
 * (the zone page's interface and addresses).
 *
 * What it does not do.  A re-read of the same descriptor (lseek to 0, pread at 0) shows the text
 * of the open, not a fresh one (reopen to refresh); fstat shows the memfd (a regular file with
 * the text's size, where procfs says 0); the other files of /proc/net show the host's
 * (netstat, sockstat, snmp6, ...: counters of the shared stack, as snmp's are); a symbolic link
 * of the guest's own, named otherwise, to one of the files is not followed to it; a file that
 * cannot be rendered (no memory) fails the open with the errno rather than show the host's.
 */
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "emul/path.h"
#include "proc/lxproc_net.h"
#include "syscalls/lx_net.h"
#include "syscalls/lx_proc.h"
#include "syscalls/lx_procnet.h"

#define O_ACCMODE	    3
#define O_NONBLOCK	    04000
#define O_DIRECTORY	    0200000
#define O_PATH		    010000000
#define F_GETFD		    1
#define FD_CLOEXEC	    1
#define LX_SYS_lseek	    8
#define LX_SYS_socket	    41
#define LX_SYS_sendto	    44
#define LX_SYS_recvfrom	    45
#define LX_SYS_dup3	    292
#define PROC_SUPER_MAGIC    0x9fa0
#define AF_NETLINK	    16
#define SOCK_RAW	    3
#define SOCK_CLOEXEC	    02000000
#define NLM_F_REQUEST	    0x1
#define NLM_F_DUMP	    0x300
#define NLMSG_ERROR	    2
#define NLMSG_DONE	    3
#define IPPROTO_TCP	    6
#define IPPROTO_UDP	    17
#define INET_DIAG_INODE_OFF 68 /* idiag_inode in struct inet_diag_msg */
#define UNIX_DIAG_INODE_OFF 4  /* udiag_ino in struct unix_diag_msg */
#define RECV_BUF	    32768
#define TEXT_FIRST	    (256 * 1024)
#define TEXT_MAX	    (64UL * 1024 * 1024)
#define MAX_INODES	    (1u << 16)

/* A mapping of the brand's own for one open (no static buffer: threads open at once), unmapped
 * before the call returns: not from the brand's heap (lx_mmap_brand), whose hints are for
 * what stays. */
struct area {
	char *p;
	size_t cap;
};

static void area_free(struct area *a)
{
	if (a->p)
		lx_munmap(a->p, a->cap);
	a->p = NULL;
}

static int area_get(struct area *a, size_t cap)
{
	long r;

	area_free(a);
	r = lx_sys6(LX_SYS_mmap, 0, cap, LX_PROT_READ | LX_PROT_WRITE,
		    LX_MAP_PRIVATE | LX_MAP_ANONYMOUS, -1, 0);
	if (lx_is_err(r))
		return r;
	a->p = (char *)r;
	a->cap = cap;
	return 0;
}

/* The whole text of fd (from offset 0) into a; its length or -errno. */
static long read_whole(long fd, struct area *a)
{
	for (size_t cap = TEXT_FIRST; cap <= TEXT_MAX; cap *= 4) {
		size_t got = 0;
		long r = area_get(a, cap);

		if (r < 0 || (r = lx_sys3(LX_SYS_lseek, fd, 0, 0)) < 0)
			return r;
		while (got < cap && (r = lx_sys3(LX_SYS_read, fd, a->p + got, cap - got)) > 0)
			got += (size_t)r;
		if (r < 0)
			return r;
		if (got < cap)
			return (long)got;
	}
	return -LX_ENOMEM;
}

/* The host's own text of /proc/self/net/<name> (through the gate: never trapped). */
static long read_host(const char *name, struct area *a)
{
	char path[40] = "/proc/self/net/";
	long fd, r;

	lx_strlcpy(path + 15, name, sizeof(path) - 15);
	fd = lx_sys3(LX_SYS_open, path, LX_O_RDONLY | LX_O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	r = read_whole(fd, a);
	lx_sys1(LX_SYS_close, fd);
	return r;
}

struct inodes {
	uint64_t *v;
	size_t n;
	struct area a;
};

/* The SOCK_DIAG request of one dump: all states of family (and protocol for inet). */
static size_t dump_request(uint8_t *req, int family, int protocol)
{
	size_t len =
	    16 + (family == LX_SD_AF_UNIX ? LX_UNIX_DIAG_REQ_LEN : LX_INET_DIAG_REQ_V2_LEN);
	uint32_t all = 0xffffffffu;

	memset(req, 0, len);
	*(uint32_t *)req = (uint32_t)len;
	*(uint16_t *)(req + 4) = LX_SOCK_DIAG_BY_FAMILY;
	*(uint16_t *)(req + 6) = NLM_F_REQUEST | NLM_F_DUMP;
	req[16] = (uint8_t)family;
	req[17] = (uint8_t)protocol;
	memcpy(req + 20, &all, 4); /* idiag_states, udiag_states */
	if (family == LX_SD_AF_UNIX)
		*(uint32_t *)(req + 16 + 12) = LX_UDIAG_SHOW_UID; /* udiag_show */
	return len;
}

/* Adds the inodes of the zone's sockets of one dump to s; 0 or -errno. */
static long dump_inodes(int family, int protocol, const struct lx_sd_view *v, struct inodes *s)
{
	uint8_t req[16 + LX_INET_DIAG_REQ_V2_LEN];
	struct area buf = {0, 0};
	size_t off = family == LX_SD_AF_UNIX ? UNIX_DIAG_INODE_OFF : INET_DIAG_INODE_OFF;
	long fd, r;

	fd = lx_sys3(LX_SYS_socket, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, LX_NETLINK_SOCK_DIAG);
	if (fd < 0)
		return fd;
	size_t len = dump_request(req, family, protocol);
	r = lx_sys6(LX_SYS_sendto, fd, req, len, 0, 0, 0);
	if (r >= 0)
		r = area_get(&buf, RECV_BUF);
	for (int done = 0; r >= 0 && !done;) {
		r = lx_sys6(LX_SYS_recvfrom, fd, buf.p, RECV_BUF, 0, 0, 0);
		if (r == 0)
			break;
		for (size_t at = 0; r > 0 && (size_t)r - at >= 16;) {
			const uint8_t *m = (const uint8_t *)buf.p + at;
			uint32_t mlen = *(const uint32_t *)m;
			uint16_t type = *(const uint16_t *)(m + 4);

			if (mlen < 16 || mlen > (size_t)r - at)
				break;
			if (type == NLMSG_DONE || type == NLMSG_ERROR) {
				done = 1;
				break;
			}
			if (type == LX_SOCK_DIAG_BY_FAMILY && mlen >= 16 + off + 4 &&
			    lx_sd_is_zones(m, mlen, v) && s->n < MAX_INODES)
				s->v[s->n++] = *(const uint32_t *)(m + 16 + off);
			at += (mlen + 3) & ~3u;
		}
	}
	area_free(&buf);
	lx_sys1(LX_SYS_close, fd);
	return r < 0 ? r : 0;
}

/* The zone's sockets for table kind (tcp and tcp6 both for snmp). */
static long zone_sockets(enum lxproc_netfile f, const struct lx_sd_view *v,
			 struct lxproc_netsocks *z, struct inodes *s)
{
	long r = area_get(&s->a, MAX_INODES * sizeof(uint64_t));

	s->v = (uint64_t *)s->a.p;
	s->n = 0;
	if (r == 0 && (f == LXPROC_NET_TCP || f == LXPROC_NET_SNMP))
		r = dump_inodes(LX_SD_AF_INET, IPPROTO_TCP, v, s);
	if (r == 0 && (f == LXPROC_NET_TCP6 || f == LXPROC_NET_SNMP))
		r = dump_inodes(LX_SD_AF_INET6, IPPROTO_TCP, v, s);
	if (r == 0 && f == LXPROC_NET_UDP)
		r = dump_inodes(LX_SD_AF_INET, IPPROTO_UDP, v, s);
	if (r == 0 && f == LXPROC_NET_UDP6)
		r = dump_inodes(LX_SD_AF_INET6, IPPROTO_UDP, v, s);
	if (r == 0 && f == LXPROC_NET_UNIX)
		r = dump_inodes(LX_SD_AF_UNIX, 0, v, s);
	if (r < 0)
		return r;
	lxproc_net_sort_inodes(s->v, s->n);
	memset(z, 0, sizeof(*z));
	z->inodes = s->v;
	z->ninodes = s->n;
	for (size_t i = 0; i < v->naddr && z->naddr < LXPROC_NET_MAXADDR; i++) {
		z->addr[z->naddr].family = v->addr[i].family;
		memcpy(z->addr[z->naddr].bytes, v->addr[i].bytes, 16);
		z->naddr++;
	}
	memcpy(z->lo4, v->lo4, 4);
	return 0;
}

/* The zone's addresses (for if_inet6), from the NETLINK_ROUTE view. */
static void zone_addrs(const struct lx_nl_view *nv, struct lxproc_netsocks *z, int *has_v4)
{
	memset(z, 0, sizeof(*z));
	*has_v4 = 0;
	for (size_t i = 0; i < nv->naddr && z->naddr < LXPROC_NET_MAXADDR; i++) {
		if (nv->addr[i].family == LX_AF_INET && nv->addr[i].bytes[0] == 127)
			continue; /* lo's 127.0.0.1 */
		*has_v4 |= nv->addr[i].family == LX_AF_INET;
		z->addr[z->naddr].family = nv->addr[i].family;
		memcpy(z->addr[z->naddr].bytes, nv->addr[i].bytes, 16);
		z->naddr++;
	}
}

/* The zone's text of file f, given the host's (host); into out; its length or -errno. */
static long render(enum lxproc_netfile f, struct lx_text host, struct area *out)
{
	const struct lx_nl_view *nv = lx_net_view();
	const struct lx_sd_view *sv = lx_net_sockdiag_view();
	struct lxproc_netsocks z;
	struct inodes s = {0, 0, {0, 0}};
	struct area more = {0, 0};
	struct lx_buf b;
	int has_v4, rc = LXPROC_OK;
	long r;

	if (!nv || !sv)
		return -LX_EIO;
	if ((r = area_get(out, host.len + 4096)) < 0)
		return r;
	lx_buf_init(&b, out->p, out->cap);
	zone_addrs(nv, &z, &has_v4);
	switch (f) {
	case LXPROC_NET_DEV:
		rc = lxproc_net_dev(host, nv->zone_ifname, &b);
		break;
	case LXPROC_NET_IF_INET6:
		rc = lxproc_net_if_inet6(&z, host, &b);
		break;
	case LXPROC_NET_ROUTE:
		rc = lxproc_net_route(host, nv->zone_ifname, has_v4, &b);
		break;
	case LXPROC_NET_SNMP: {
		uint64_t estab = 0;
		if ((r = zone_sockets(f, sv, &z, &s)) < 0)
			break;
		for (int six = 0; six < 2 && r >= 0; six++) {
			r = read_host(six ? "tcp6" : "tcp", &more);
			if (r >= 0)
				estab +=
				    lxproc_net_estab(&z, six ? LXPROC_TAB_TCP6 : LXPROC_TAB_TCP,
						     (struct lx_text){more.p, (size_t)r});
		}
		if (r >= 0)
			rc = lxproc_net_snmp(host, estab, &b);
		break;
	}
	default:
		if ((r = zone_sockets(f, sv, &z, &s)) >= 0)
			rc = lxproc_net_sockets(&z, (enum lxproc_socktab)f, host, &b);
	}
	area_free(&s.a);
	area_free(&more);
	if (r >= 0 && rc != LXPROC_OK)
		r = rc == LXPROC_ETRUNC ? -LX_ENOMEM : -LX_EIO;
	return r < 0 ? r : (long)b.len;
}

/* Puts text behind fd, as a read-only description with fd's descriptor flags and the guest's
 * O_NONBLOCK; 0 or -errno. */
static long replace(long fd, enum lxproc_netfile f, struct lx_text text, long flags)
{
	static const char *const names[] = {
	    [LXPROC_NET_TCP] = "/proc/net/tcp",		  [LXPROC_NET_TCP6] = "/proc/net/tcp6",
	    [LXPROC_NET_UDP] = "/proc/net/udp",		  [LXPROC_NET_UDP6] = "/proc/net/udp6",
	    [LXPROC_NET_UNIX] = "/proc/net/unix",	  [LXPROC_NET_DEV] = "/proc/net/dev",
	    [LXPROC_NET_IF_INET6] = "/proc/net/if_inet6", [LXPROC_NET_ROUTE] = "/proc/net/route",
	    [LXPROC_NET_SNMP] = "/proc/net/snmp",
	};
	char link[LX_FD_LINK_MAX];
	long mfd, ro, fdfl, r;

	fdfl = lx_sys2(LX_SYS_fcntl, fd, F_GETFD);
	if (fdfl < 0)
		return fdfl;
	mfd = lx_proc_memfd(names[f], text);
	if (mfd < 0)
		return mfd;
	lx_fd_link(mfd, link);
	ro = lx_sys3(LX_SYS_open, link, LX_O_RDONLY | LX_O_CLOEXEC | (flags & O_NONBLOCK), 0);
	lx_sys1(LX_SYS_close, mfd);
	if (ro < 0)
		return ro;
	r = lx_sys3(LX_SYS_dup3, ro, fd, (fdfl & FD_CLOEXEC) ? LX_O_CLOEXEC : 0);
	lx_sys1(LX_SYS_close, ro);
	return r < 0 ? r : 0;
}

int lx_procnet_candidate(const char *path, long flags)
{
	const char *base;

	if ((flags & O_ACCMODE) != LX_O_RDONLY || (flags & (O_PATH | O_DIRECTORY)) ||
	    !lx_net_view())
		return 0;
	base = lx_strrchr(path, '/');
	base = base ? base + 1 : path;
	if (lxproc_net_name(base))
		return 1;
	/* /proc/self/fd/N: a reopen of an O_PATH descriptor */
	for (const char *c = base; *c; c++)
		if (*c < '0' || *c > '9')
			return 0;
	return *base != '\0';
}

long lx_procnet_opened(long fd, long flags)
{
	char real[LX_PROC_PATH_CAP];
	uint64_t st[15]; /* struct statfs: f_type first */
	struct area host = {0, 0}, out = {0, 0};
	enum lxproc_netfile f;
	long n, r;

	if (lx_sys2(LX_SYS_fstatfs, fd, st) != 0 || st[0] != PROC_SUPER_MAGIC ||
	    (n = lx_fd_path(fd, real, sizeof(real))) <= 0 ||
	    (f = lxproc_net_file(real, (size_t)n)) == LXPROC_NET_NONE)
		return fd;
	r = read_whole(fd, &host);
	if (r >= 0)
		r = render(f, (struct lx_text){host.p, (size_t)r}, &out);
	if (r >= 0)
		r = replace(fd, f, (struct lx_text){out.p, (size_t)r}, flags);
	area_free(&host);
	area_free(&out);
	if (r < 0) {
		lx_sys1(LX_SYS_close, fd);
		return r;
	}
	return fd;
}
