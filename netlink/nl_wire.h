/*
 * The netlink wire format as both of the brand's translators read it (lx_netlink.c for
 * NETLINK_ROUTE, sockdiag.c for NETLINK_SOCK_DIAG): little-endian fields read byte by byte
 * (a guest's buffer need not be aligned), 4-byte message and attribute alignment, and the
 * walk to one attribute.
 */
#ifndef LXZONE_NETLINK_NL_WIRE_H
#define LXZONE_NETLINK_NL_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define NL_ALIGN4(n) (((n) + 3u) & ~(size_t)3u)

static inline uint32_t nl_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint16_t nl_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline void nl_wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* The payload of attribute type in the attributes [p, end), its length in *len; NULL when
 * absent or when an attribute's length does not fit (the walk stops there). */
static inline const uint8_t *nl_attr(const uint8_t *p, const uint8_t *end, uint16_t type,
				     size_t *len)
{
	while ((size_t)(end - p) >= 4) {
		uint16_t alen = nl_rd16(p), atype = nl_rd16(p + 2) & 0x3fff;

		if (alen < 4 || alen > (size_t)(end - p))
			return NULL;
		if (atype == type) {
			*len = alen - 4u;
			return p + 4;
		}
		if (NL_ALIGN4(alen) >= (size_t)(end - p))
			return NULL;
		p += NL_ALIGN4(alen);
	}
	return NULL;
}

#endif
