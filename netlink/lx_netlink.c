/* NETLINK_ROUTE requests checked and replies filtered for a zone (netlink/lx_netlink.h). */
#include "netlink/lx_netlink.h"
#include "netlink/nl_wire.h"

void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);

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

/* Fixed headers before the attributes (ifinfomsg, ifaddrmsg, rtmsg, ndmsg) */
enum { IFINFO_LEN = 16, IFADDR_LEN = 8, RTMSG_LEN = 12, NDMSG_LEN = 12 };
/* rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type */
enum { RTM_DST_LEN = 1, RTM_TABLE = 4, RTM_TYPE = 7 };
enum { RT_TABLE_MAIN = 254, RTN_UNICAST = 1, RTA_GATEWAY = 5, RTA_MULTIPATH = 9, RTA_VIA = 18 };

/* A message's fate: cut, or kept with this (maybe shorter) body length. */
#define CUT ((size_t)-1)

static size_t keep_link(uint8_t *b, size_t n, int single, const struct lx_nl_view *v)
{
	(void)single;
	return n >= IFINFO_LEN && if_seen(v, nl_rd32(b + 4)) ? n : CUT;
}

static size_t keep_addr(uint8_t *b, size_t n, int single, const struct lx_nl_view *v)
{
	const uint8_t *a;
	size_t alen;

	(void)single;
	if (n < IFADDR_LEN || !if_seen(v, nl_rd32(b + 4)))
		return CUT;
	a = nl_attr(b + IFADDR_LEN, b + n, LX_IFA_LOCAL, &alen);
	if (a == NULL)
		a = nl_attr(b + IFADDR_LEN, b + n, LX_IFA_ADDRESS, &alen);
	return a != NULL && addr_seen(v, b[0], a, alen) ? n : CUT;
}

/* The zone's first address of a family, or NULL. */
static const uint8_t *first_addr(const struct lx_nl_view *v, uint8_t family)
{
	for (size_t i = 0; i < v->naddr && i < LX_NL_MAXADDR; i++)
		if (v->addr[i].family == family && !is_loopback(family, v->addr[i].bytes, 16))
			return v->addr[i].bytes;
	return NULL;
}

/*
 * A route of the host's out of the zone's sight (the default route through eth0, or the one
 * answer to `ip route get`) shown as the zone's packets really leave: through the zone's
 * interface, from the zone's address, with no gateway the zone has no route to.  In place:
 * the output interface and preferred source are overwritten, the gateway and multipath
 * attributes dropped (the body shrinks; its new length is returned).
 */
static size_t route_through_zone(uint8_t *b, size_t n, const struct lx_nl_view *v,
				 const uint8_t *src)
{
	size_t alen = src && b[0] == LX_AF_INET ? 4 : 16, in = RTMSG_LEN, out = RTMSG_LEN;

	while (n - in >= 4) {
		uint16_t len = nl_rd16(b + in), type = nl_rd16(b + in + 2) & 0x3fff;
		size_t step = NL_ALIGN4(len) <= n - in ? NL_ALIGN4(len) : n - in;
		if (len < 4 || len > n - in)
			break;
		if (type == RTA_GATEWAY || type == RTA_MULTIPATH || type == RTA_VIA ||
		    (type == LX_RTA_PREFSRC && (src == NULL || len != 4 + alen)))
			goto next;
		if (type == LX_RTA_OIF && len == 8)
			for (int i = 0; i < 4; i++)
				b[in + 4 + i] = (uint8_t)((uint32_t)v->zone_if >> (8 * i));
		if (type == LX_RTA_PREFSRC)
			memmove(b + in + 4, src, alen);
		if (out != in)
			memmove(b + out, b + in, step);
		out += step;
	next:
		in += step;
	}
	return out;
}

/* A route of an interface the zone sees; a local route only for the zone's own addresses
 * (and loopback); a route with a preferred source only when that source is the zone's; the
 * host's default route (and the one route `ip route get` asks for) through the zone's
 * interface, when the zone has an address of that family. */
static size_t keep_route(uint8_t *b, size_t n, int single, const struct lx_nl_view *v)
{
	const uint8_t *oif, *dst, *src, *zone_src;
	size_t olen, dlen, slen;

	if (n < RTMSG_LEN)
		return CUT;
	oif = nl_attr(b + RTMSG_LEN, b + n, LX_RTA_OIF, &olen);
	if (oif == NULL || olen < 4)
		return CUT;
	if (!if_seen(v, nl_rd32(oif))) {
		zone_src = first_addr(v, b[0]);
		if (v->zone_if > 0 && zone_src != NULL && b[RTM_TYPE] == RTN_UNICAST &&
		    (single || (b[RTM_DST_LEN] == 0 && b[RTM_TABLE] == RT_TABLE_MAIN)))
			return route_through_zone(b, n, v, zone_src);
		return CUT;
	}
	dst = nl_attr(b + RTMSG_LEN, b + n, LX_RTA_DST, &dlen);
	if (b[RTM_TYPE] == LX_RTN_LOCAL)
		return dst != NULL &&
			       (addr_seen(v, b[0], dst, dlen) || is_loopback(b[0], dst, dlen))
			   ? n
			   : CUT;
	src = nl_attr(b + RTMSG_LEN, b + n, LX_RTA_PREFSRC, &slen);
	return src == NULL || addr_seen(v, b[0], src, slen) || is_loopback(b[0], src, slen) ? n
											    : CUT;
}

static size_t keep_neigh(uint8_t *b, size_t n, int single, const struct lx_nl_view *v)
{
	(void)single;
	return n >= NDMSG_LEN && if_seen(v, nl_rd32(b + 4)) ? n : CUT;
}

typedef size_t (*keep_fn)(uint8_t *, size_t, int, const struct lx_nl_view *);

/* By rtnetlink family (NEW, DEL alike: a DEL of what the zone never saw is not its news),
 * and the errno of a one-object answer the zone may not see, as for an object that is not
 * there. */
static const struct {
	keep_fn keep;
	int absent;
} by_family[] = {
    [(LX_RTM_NEWLINK - LX_RTM_BASE) / 4] = {keep_link, 19 /* ENODEV */},
    [(LX_RTM_NEWADDR - LX_RTM_BASE) / 4] = {keep_addr, 99 /* EADDRNOTAVAIL */},
    [(LX_RTM_NEWROUTE - LX_RTM_BASE) / 4] = {keep_route, 101 /* ENETUNREACH */},
    [(LX_RTM_NEWNEIGH - LX_RTM_BASE) / 4] = {keep_neigh, 2 /* ENOENT */},
};

static unsigned family_of(uint16_t type)
{
	unsigned f = (unsigned)(type - LX_RTM_BASE) / 4;

	if (type < LX_RTM_BASE || f >= sizeof(by_family) / sizeof(by_family[0]) ||
	    by_family[f].keep == NULL)
		return ~0u;
	return f;
}

static size_t keep(uint16_t type, uint16_t flags, uint8_t *body, size_t n,
		   const struct lx_nl_view *v)
{
	unsigned f = family_of(type);

	return f == ~0u ? n : by_family[f].keep(body, n, !(flags & LX_NLM_F_MULTI), v);
}

/* The NLMSG_ERROR the kernel sends for a request of one object that is not there, over the
 * answer m (which is longer), echoing the request's header as NLM_F_CAPPED does. */
static size_t absent_answer(uint8_t *m, int err)
{
	uint8_t hdr[LX_NLMSG_HDRLEN];

	memmove(hdr, m, sizeof(hdr));
	nl_wr32(m, LX_NLMSG_HDRLEN + 4 + LX_NLMSG_HDRLEN);
	m[4] = LX_NLMSG_ERROR, m[5] = 0;
	m[6] = 0, m[7] = 0x01; /* NLM_F_CAPPED */
	nl_wr32(m + 16, (uint32_t)-err);
	memmove(m + 20, hdr, sizeof(hdr));
	nl_wr32(m + 20, LX_NLMSG_HDRLEN);
	m[24] = (uint8_t)(hdr[4] + 2); /* RTM_NEWxxx answered RTM_GETxxx */
	m[26] = LX_NLM_F_REQUEST, m[27] = 0;
	return 36;
}

size_t lx_nl_filter_reply(void *buf, size_t len, const struct lx_nl_view *v, int *truncated)
{
	uint8_t *b = buf;
	size_t in = 0, out = 0, first_len = 0;
	uint16_t first_flags = 0, first_type = 0;

	*truncated = 0;
	while (len - in >= LX_NLMSG_HDRLEN) {
		uint32_t mlen = nl_rd32(b + in);
		uint16_t type = nl_rd16(b + in + 4), flags = nl_rd16(b + in + 6);
		size_t step, body;

		if (mlen < LX_NLMSG_HDRLEN || mlen > len - in) {
			*truncated = 1; /* as the kernel gave it: the guest's parser says so */
			break;
		}
		if (in == 0)
			first_len = mlen, first_flags = flags, first_type = type;
		step = NL_ALIGN4(mlen) <= len - in ? NL_ALIGN4(mlen) : mlen;
		body = keep(type, flags, b + in + LX_NLMSG_HDRLEN, mlen - LX_NLMSG_HDRLEN, v);
		if (body != CUT) {
			size_t m = LX_NLMSG_HDRLEN + body, mstep = m == mlen ? step : NL_ALIGN4(m);
			if (m != mlen)
				nl_wr32(b + in, (uint32_t)m);
			if (out != in)
				memmove(b + out, b + in, mstep);
			out += mstep;
		}
		in += step;
	}
	if (in < len) { /* the rest, whole */
		if (out != in)
			memmove(b + out, b + in, len - in);
		out += len - in;
		*truncated = 1;
	}
	/* the one answer to a request for one object, cut: the kernel's "not there" instead (an
	 * empty datagram would read as end of file) */
	if (out == 0 && first_len >= 36 && !(first_flags & LX_NLM_F_MULTI) &&
	    family_of(first_type) != ~0u)
		out = absent_answer(b, by_family[family_of(first_type)].absent);
	return out;
}

long lx_nl_check_request(const void *buf, size_t len, const struct lx_nl_view *v)
{
	const uint8_t *b = buf;
	size_t at = 0;
	long change = 0;

	if (len < LX_NLMSG_HDRLEN)
		return -LX_EINVAL;
	while (at < len) {
		uint32_t mlen;
		uint16_t type;

		/* what follows the first message and is none (iproute2 sends its request structs
		 * whole, zeroed room for attributes included) the kernel stops at, silently */
		if (len - at < LX_NLMSG_HDRLEN)
			break;
		mlen = nl_rd32(b + at);
		type = nl_rd16(b + at + 4);
		if (mlen < LX_NLMSG_HDRLEN || mlen > len - at)
			return at == 0 ? -LX_EINVAL : change;
		/* rtnetlink's families come in fours: NEW, DEL, GET, SET */
		if (v->shared && type >= LX_RTM_BASE && type <= LX_RTM_MAX &&
		    (type - LX_RTM_BASE) % 4 != 2)
			change = LX_NL_CHANGE;
		at += NL_ALIGN4(mlen) < len - at ? NL_ALIGN4(mlen) : len - at;
	}
	return change;
}
