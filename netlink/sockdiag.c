/* NETLINK_SOCK_DIAG requests checked and replies filtered for a zone (netlink/sockdiag.h). */
#include "netlink/sockdiag.h"
#include "netlink/nl_wire.h"

void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#define HDRLEN	       16
#define NLMSG_ERROR    2
#define NLM_F_MULTI    0x02
#define NLMSG_MIN_TYPE 0x10 /* below: control messages, which the kernel acks or skips */

/* Offsets in struct inet_diag_msg and struct unix_diag_msg */
enum { IDIAG_SRC = 8, IDIAG_DST = 24, IDIAG_UID = 64, UDIAG_SHOW = 12 };

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)nl_rd32(p) | (uint64_t)nl_rd32(p + 4) << 32;
}

static int addr_is_zones(const struct lx_sd_view *v, uint8_t family, const uint8_t *a)
{
	static const uint8_t v4mapped[12] = {[10] = 0xff, [11] = 0xff};

	if (family == LX_SD_AF_INET6 && memcmp(a, v4mapped, 12) == 0) {
		family = LX_SD_AF_INET;
		a += 12;
	}
	for (size_t i = 0; i < v->naddr && i < LX_SD_MAXADDR; i++)
		if (v->addr[i].family == family &&
		    memcmp(v->addr[i].bytes, a, family == LX_SD_AF_INET ? 4 : 16) == 0)
			return 1;
	return family == LX_SD_AF_INET && nl_rd32(v->lo4) != 0 && memcmp(a, v->lo4, 4) == 0;
}

static int uid_is_zones(const struct lx_sd_view *v, uint32_t uid)
{
	return uid != v->uid_unmapped && uid - v->uid_first < v->uid_count;
}

/* b: an inet_diag_msg and its attributes, n bytes (at least the fixed part) */
static int inet_is_zones(const uint8_t *b, size_t n, const struct lx_sd_view *v)
{
	size_t alen;
	const uint8_t *cg = nl_attr(b + LX_INET_DIAG_MSG_LEN, b + n, LX_INET_DIAG_CGROUP_ID, &alen);

	/* a full socket (the kernel gave its cgroup) and a view that can judge it */
	if (cg != NULL && alen >= 8 && (v->ncgroup > 0 || v->cgroup_partial)) {
		uint64_t id = rd64(cg);

		for (size_t i = 0; i < v->ncgroup && i < LX_SD_MAXCG; i++)
			if (v->cgroup[i] == id)
				return 1;
		return v->cgroup_partial && uid_is_zones(v, nl_rd32(b + IDIAG_UID));
	}
	return addr_is_zones(v, b[0], b + IDIAG_SRC);
}

static int unix_is_zones(const uint8_t *b, size_t n, const struct lx_sd_view *v)
{
	size_t alen;
	const uint8_t *u = nl_attr(b + LX_UNIX_DIAG_MSG_LEN, b + n, LX_UNIX_DIAG_UID, &alen);

	return u != NULL && alen >= 4 && uid_is_zones(v, nl_rd32(u));
}

int lx_sd_is_zones(const void *msg, size_t len, const struct lx_sd_view *v)
{
	const uint8_t *m = msg;
	uint16_t type;

	if (!v->shared)
		return 1;
	if (len < HDRLEN + 1)
		return 0;
	type = nl_rd16(m + 4);
	if (type != LX_SOCK_DIAG_BY_FAMILY && type != LX_TCPDIAG_GETSOCK &&
	    type != LX_DCCPDIAG_GETSOCK)
		return 0;
	/* every sock_diag reply starts with its family */
	switch (m[HDRLEN]) {
	case LX_SD_AF_INET:
	case LX_SD_AF_INET6:
		return len - HDRLEN >= LX_INET_DIAG_MSG_LEN &&
		       inet_is_zones(m + HDRLEN, len - HDRLEN, v);
	case LX_SD_AF_UNIX:
		return len - HDRLEN >= LX_UNIX_DIAG_MSG_LEN &&
		       unix_is_zones(m + HDRLEN, len - HDRLEN, v);
	default:
		return 0;
	}
}

/* A socket message (by type); control messages (DONE, ERROR, NOOP) pass. */
static int is_socket_msg(uint16_t type)
{
	return type == LX_SOCK_DIAG_BY_FAMILY || type == LX_TCPDIAG_GETSOCK ||
	       type == LX_DCCPDIAG_GETSOCK;
}

/* The zone's loopback address as 127.0.0.1, where the zone's hooks show it so. */
static void show_loopback(uint8_t *m, size_t len, const struct lx_sd_view *v)
{
	static const uint8_t lo[4] = {127, 0, 0, 1};

	if (len < HDRLEN + LX_INET_DIAG_MSG_LEN || m[HDRLEN] != LX_SD_AF_INET ||
	    nl_rd32(v->lo4) == 0)
		return;
	for (size_t off = IDIAG_SRC; off <= IDIAG_DST; off += IDIAG_DST - IDIAG_SRC)
		if (memcmp(m + HDRLEN + off, v->lo4, 4) == 0)
			memmove(m + HDRLEN + off, lo, 4);
}

size_t lx_sd_nlerr(void *out, size_t cap, const void *req, size_t reqlen, int err)
{
	uint8_t *o = out, hdr[HDRLEN];

	if (cap < LX_SD_NLERR_LEN || reqlen < HDRLEN)
		return 0;
	memmove(hdr, req, HDRLEN); /* req may overlap out */
	nl_wr32(o, LX_SD_NLERR_LEN);
	o[4] = NLMSG_ERROR;
	o[5] = 0;
	o[6] = o[7] = 0;
	memmove(o + 8, hdr + 8, 8); /* the request's seq and port id */
	nl_wr32(o + HDRLEN, (uint32_t)-err);
	memmove(o + HDRLEN + 4, hdr, HDRLEN);
	return LX_SD_NLERR_LEN;
}

size_t lx_sd_filter_reply(void *buf, size_t len, const struct lx_sd_view *v, int *truncated)
{
	uint8_t *b = buf;
	size_t in = 0, out = 0;

	*truncated = 0;
	if (!v->shared)
		return len;
	while (len - in >= HDRLEN) {
		uint32_t mlen = nl_rd32(b + in);
		uint16_t type = nl_rd16(b + in + 4), flags = nl_rd16(b + in + 6);
		size_t step, have;
		int keep;

		if (mlen < HDRLEN) { /* not a message: the rest is cut (there is no telling) */
			*truncated = 1;
			return out;
		}
		have = mlen <= len - in ? mlen : len - in; /* a short receive cut the last one */
		step = have < mlen		     ? len - in
		       : NL_ALIGN4(mlen) <= len - in ? NL_ALIGN4(mlen)
						     : mlen;
		if (have < mlen)
			*truncated = 1;
		keep = !is_socket_msg(type) || lx_sd_is_zones(b + in, have, v);
		if (!keep && !(flags & NLM_F_MULTI) && have == mlen && mlen >= LX_SD_NLERR_LEN) {
			/* a single socket's answer: "no such socket", as the kernel says */
			lx_sd_nlerr(b + out, LX_SD_NLERR_LEN, b + in, HDRLEN, LX_SD_ENOENT);
			out += LX_SD_NLERR_LEN;
		} else if (keep) {
			if (out != in)
				memmove(b + out, b + in, step);
			if (is_socket_msg(type))
				show_loopback(b + out, have, v);
			out += step;
		}
		in += step;
	}
	if (in < len) /* fewer bytes than a header: nothing to judge, nothing to keep */
		*truncated = 1;
	return out;
}

/* The length a request of `type` for `family` needs after its header; 0: none is valid. */
static size_t request_len(uint16_t type, uint8_t family)
{
	if (type == LX_TCPDIAG_GETSOCK || type == LX_DCCPDIAG_GETSOCK)
		return LX_INET_DIAG_REQ_V1_LEN;
	if (family == LX_SD_AF_INET || family == LX_SD_AF_INET6)
		return LX_INET_DIAG_REQ_V2_LEN;
	if (family == LX_SD_AF_UNIX)
		return LX_UNIX_DIAG_REQ_LEN;
	return 2; /* struct sock_diag_req: the family's own handler checks the rest */
}

static long check_one(uint8_t *m, uint32_t mlen, const struct lx_sd_view *v)
{
	uint16_t type = nl_rd16(m + 4);
	uint8_t family;

	if (type < NLMSG_MIN_TYPE)
		return 0;
	if (type != LX_SOCK_DIAG_BY_FAMILY && type != LX_SOCK_DESTROY &&
	    type != LX_TCPDIAG_GETSOCK && type != LX_DCCPDIAG_GETSOCK)
		return -LX_SD_EINVAL;
	if (mlen < HDRLEN + 2)
		return -LX_SD_EINVAL;
	family = m[HDRLEN];
	if (type == LX_TCPDIAG_GETSOCK || type == LX_DCCPDIAG_GETSOCK)
		family = LX_SD_AF_INET; /* the old requests are inet's whatever the first byte */
	else if (family >= LX_SD_AF_MAX)
		return -LX_SD_EINVAL;
	if (mlen - HDRLEN < request_len(type, family))
		return -LX_SD_EINVAL;
	/* the filter judges unix sockets by their owner: have the kernel say it */
	if (v->shared && type == LX_SOCK_DIAG_BY_FAMILY && family == LX_SD_AF_UNIX &&
	    !(nl_rd32(m + HDRLEN + UDIAG_SHOW) & LX_UDIAG_SHOW_UID)) {
		nl_wr32(m + HDRLEN + UDIAG_SHOW,
			nl_rd32(m + HDRLEN + UDIAG_SHOW) | LX_UDIAG_SHOW_UID);
		return 1;
	}
	return 0;
}

long lx_sd_check_request(void *buf, size_t len, const struct lx_sd_view *v)
{
	uint8_t *b = buf;
	size_t at = 0;
	long changed = 0;

	if (len < HDRLEN)
		return -LX_SD_EINVAL;
	while (at < len) {
		uint32_t mlen;
		long r;

		if (len - at < HDRLEN)
			return -LX_SD_EINVAL;
		mlen = nl_rd32(b + at);
		if (mlen < HDRLEN || mlen > len - at)
			return -LX_SD_EINVAL;
		r = check_one(b + at, mlen, v);
		if (r < 0)
			return r;
		changed |= r;
		at += NL_ALIGN4(mlen) < len - at ? NL_ALIGN4(mlen) : len - at;
	}
	return changed;
}

void lx_sd_view_userns(struct lx_sd_view *v)
{
	unsigned char *p = (unsigned char *)v;

	for (size_t i = 0; i < sizeof(*v); i++)
		p[i] = 0;
	v->shared = 1;
	v->cgroup_partial = 1; /* no ids: every full socket by its owner */
	v->uid_first = 0;
	v->uid_count = 0xffffffffu;
	v->uid_unmapped = 65534; /* the kernel's overflowuid */
}
