/* NETLINK_ROUTE requests checked and replies filtered for a zone (netlink/lx_netlink.h). */
#include "netlink/lx_netlink.h"

void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#define ALIGN4(n) (((n) + 3u) & ~(size_t)3u)

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static int if_seen(const struct lx_nl_view *v, uint32_t ifindex)
{
	for (size_t i = 0; i < v->nif && i < LX_NL_MAXIF; i++)
		if ((uint32_t)v->ifindex[i] == ifindex)
			return 1;
	return 0;
}

static int addr_seen(const struct lx_nl_view *v, uint8_t family, const uint8_t *a, size_t alen)
{
	size_t want = family == LX_AF_INET ? 4 : family == LX_AF_INET6 ? 16 : 0;

	if (want == 0 || alen < want)
		return 0;
	for (size_t i = 0; i < v->naddr && i < LX_NL_MAXADDR; i++)
		if (v->addr[i].family == family && memcmp(v->addr[i].bytes, a, want) == 0)
			return 1;
	return 0;
}

static int is_loopback(uint8_t family, const uint8_t *a, size_t alen)
{
	static const uint8_t v6lo[16] = {[15] = 1};

	if (family == LX_AF_INET && alen >= 4)
		return a[0] == 127;
	return family == LX_AF_INET6 && alen >= 16 && memcmp(a, v6lo, 16) == 0;
}

/* The payload of attribute type in the attributes [p, end), its length in *len; NULL when
 * absent or when an attribute's length does not fit (the walk stops there). */
static const uint8_t *attr(const uint8_t *p, const uint8_t *end, uint16_t type, size_t *len)
{
	while ((size_t)(end - p) >= 4) {
		uint16_t alen = rd16(p), atype = rd16(p + 2) & 0x3fff;
		if (alen < 4 || alen > (size_t)(end - p))
			return NULL;
		if (atype == type) {
			*len = alen - 4u;
			return p + 4;
		}
		if (ALIGN4(alen) >= (size_t)(end - p))
			return NULL;
		p += ALIGN4(alen);
	}
	return NULL;
}

/* Fixed headers before the attributes (ifinfomsg, ifaddrmsg, rtmsg, ndmsg) */
enum { IFINFO_LEN = 16, IFADDR_LEN = 8, RTMSG_LEN = 12, NDMSG_LEN = 12 };

static int keep_link(const uint8_t *b, size_t n, const struct lx_nl_view *v)
{
	return n >= IFINFO_LEN && if_seen(v, rd32(b + 4));
}

static int keep_addr(const uint8_t *b, size_t n, const struct lx_nl_view *v)
{
	const uint8_t *a;
	size_t alen;

	if (n < IFADDR_LEN || !if_seen(v, rd32(b + 4)))
		return 0;
	a = attr(b + IFADDR_LEN, b + n, LX_IFA_LOCAL, &alen);
	if (a == NULL)
		a = attr(b + IFADDR_LEN, b + n, LX_IFA_ADDRESS, &alen);
	return a != NULL && addr_seen(v, b[0], a, alen);
}

/* A route of an interface the zone sees; a local route only for the zone's own addresses
 * (and loopback); a route with a preferred source only when that source is the zone's. */
static int keep_route(const uint8_t *b, size_t n, const struct lx_nl_view *v)
{
	const uint8_t *oif, *dst, *src;
	size_t olen, dlen, slen;

	if (n < RTMSG_LEN)
		return 0;
	oif = attr(b + RTMSG_LEN, b + n, LX_RTA_OIF, &olen);
	if (oif == NULL || olen < 4 || !if_seen(v, rd32(oif)))
		return 0;
	dst = attr(b + RTMSG_LEN, b + n, LX_RTA_DST, &dlen);
	if (b[7] == LX_RTN_LOCAL)
		return dst != NULL &&
		       (addr_seen(v, b[0], dst, dlen) || is_loopback(b[0], dst, dlen));
	src = attr(b + RTMSG_LEN, b + n, LX_RTA_PREFSRC, &slen);
	return src == NULL || addr_seen(v, b[0], src, slen) || is_loopback(b[0], src, slen);
}

static int keep_neigh(const uint8_t *b, size_t n, const struct lx_nl_view *v)
{
	return n >= NDMSG_LEN && if_seen(v, rd32(b + 4));
}

/* By message type, NEW and DEL alike (a DEL of what the zone never saw is not its news). */
static int keep(uint16_t type, const uint8_t *body, size_t n, const struct lx_nl_view *v)
{
	static int (*const by_family[])(const uint8_t *, size_t, const struct lx_nl_view *) = {
	    [(LX_RTM_NEWLINK - LX_RTM_BASE) / 4] = keep_link,
	    [(LX_RTM_NEWADDR - LX_RTM_BASE) / 4] = keep_addr,
	    [(LX_RTM_NEWROUTE - LX_RTM_BASE) / 4] = keep_route,
	    [(LX_RTM_NEWNEIGH - LX_RTM_BASE) / 4] = keep_neigh,
	};
	unsigned family = (unsigned)(type - LX_RTM_BASE) / 4;

	if (type < LX_RTM_BASE || family >= sizeof(by_family) / sizeof(by_family[0]) ||
	    by_family[family] == NULL)
		return 1;
	return by_family[family](body, n, v);
}

size_t lx_nl_filter_reply(void *buf, size_t len, const struct lx_nl_view *v, int *truncated)
{
	uint8_t *b = buf;
	size_t in = 0, out = 0;

	*truncated = 0;
	while (len - in >= LX_NLMSG_HDRLEN) {
		uint32_t mlen = rd32(b + in);
		uint16_t type = rd16(b + in + 4);
		size_t step;

		if (mlen < LX_NLMSG_HDRLEN || mlen > len - in) {
			*truncated = 1; /* as the kernel gave it: the guest's parser says so */
			break;
		}
		step = ALIGN4(mlen) <= len - in ? ALIGN4(mlen) : mlen;
		if (keep(type, b + in + LX_NLMSG_HDRLEN, mlen - LX_NLMSG_HDRLEN, v)) {
			if (out != in)
				memmove(b + out, b + in, step);
			out += step;
		}
		in += step;
	}
	if (in < len) { /* the rest, whole */
		if (out != in)
			memmove(b + out, b + in, len - in);
		out += len - in;
		*truncated = 1;
	}
	return out;
}

long lx_nl_check_request(const void *buf, size_t len, const struct lx_nl_view *v)
{
	const uint8_t *b = buf;
	size_t at = 0;

	if (len < LX_NLMSG_HDRLEN)
		return -LX_EINVAL;
	while (at < len) {
		uint32_t mlen;
		uint16_t type;

		if (len - at < LX_NLMSG_HDRLEN)
			return -LX_EINVAL;
		mlen = rd32(b + at);
		type = rd16(b + at + 4);
		if (mlen < LX_NLMSG_HDRLEN || mlen > len - at)
			return -LX_EINVAL;
		/* rtnetlink's families come in fours: NEW, DEL, GET, SET */
		if (v->shared && type >= LX_RTM_BASE && type <= LX_RTM_MAX &&
		    (type - LX_RTM_BASE) % 4 != 2)
			return -LX_EPERM;
		at += ALIGN4(mlen) < len - at ? ALIGN4(mlen) : len - at;
	}
	return 0;
}
