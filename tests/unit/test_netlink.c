/*
 * netlink/lx_netlink.c on NETLINK_ROUTE replies recorded from a kernel
 * (tests/fixtures/netlink/record.py): a host with two shared zones' addresses on lxzone0
 * (198.51.100.71, 198.51.100.72, fd77:0:12::71) seen from the zone that has .71 and
 * fd77:0:12::71.  Multi-part dumps, NLM_F_DUMP_INTR, replies cut short by a small recv
 * buffer, and malformed requests (EINVAL, never a crash).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netlink/lx_netlink.h"

struct part {
	uint8_t b[65536];
	size_t n;
};

static void load(const char *name, struct part *p)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", NL_FIXTURES, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	p->n = fread(p->b, 1, sizeof(p->b), f);
	fclose(f);
	assert_true(p->n >= 16);
}

static uint32_t u32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* Callback over the whole messages of a part. */
typedef void (*msg_fn)(uint16_t type, uint16_t flags, const uint8_t *body, size_t n, void *arg);

static size_t walk(const struct part *p, msg_fn fn, void *arg)
{
	size_t at = 0, count = 0;

	while (p->n - at >= 16) {
		uint32_t len = u32(p->b + at);
		uint16_t type, flags;
		if (len < 16 || len > p->n - at)
			break;
		memcpy(&type, p->b + at + 4, 2);
		memcpy(&flags, p->b + at + 6, 2);
		if (fn)
			fn(type, flags, p->b + at + 16, len - 16, arg);
		count++;
		at += (len + 3) & ~3u;
	}
	return count;
}

static const uint8_t *find_attr(const uint8_t *p, const uint8_t *end, uint16_t type, size_t *len)
{
	while (end - p >= 4) {
		uint16_t alen, atype;
		memcpy(&alen, p, 2);
		memcpy(&atype, p + 2, 2);
		if (alen < 4 || alen > end - p)
			return NULL;
		if ((atype & 0x3fff) == type) {
			*len = alen - 4u;
			return p + 4;
		}
		p += (alen + 3) & ~3u;
	}
	return NULL;
}

static int lxzone0;

static void find_lxzone0(uint16_t type, uint16_t flags, const uint8_t *b, size_t n, void *arg)
{
	size_t len;
	const uint8_t *name;
	(void)flags;
	(void)arg;
	if (type != LX_RTM_NEWLINK)
		return;
	name = find_attr(b + 16, b + n, LX_IFLA_IFNAME, &len);
	if (name && strncmp((const char *)name, "lxzone0", len) == 0)
		lxzone0 = (int)u32(b + 4);
}

static void add(struct lx_nl_view *v, int family, const char *a)
{
	v->addr[v->naddr].family = (uint8_t)(family == AF_INET ? LX_AF_INET : LX_AF_INET6);
	assert_int_equal(inet_pton(family, a, v->addr[v->naddr].bytes), 1);
	v->naddr++;
}

static struct lx_nl_view view(void)
{
	struct lx_nl_view v = {.shared = 1};
	struct part *p = calloc(1, sizeof(*p));

	for (int i = 0; i < 2 && lxzone0 == 0; i++) {
		char name[32];
		snprintf(name, sizeof(name), "link.%d.bin", i);
		load(name, p);
		walk(p, find_lxzone0, NULL);
	}
	free(p);
	assert_true(lxzone0 > 1);
	v.ifindex[v.nif++] = 1; /* lo */
	v.ifindex[v.nif++] = lxzone0;
	v.zone_if = lxzone0;
	add(&v, AF_INET, "198.51.100.71");
	add(&v, AF_INET6, "fd77:0:12::71");
	add(&v, AF_INET, "127.0.0.1");
	add(&v, AF_INET6, "::1");
	return v;
}

struct seen {
	int zone4, zone6, other_zone, host, lo, links, foreign_if, intr, multi, done, other;
	const struct lx_nl_view *v;
};

static void look(uint16_t type, uint16_t flags, const uint8_t *b, size_t n, void *arg)
{
	struct seen *s = arg;
	char a[64] = "";
	size_t len;
	const uint8_t *p;

	s->intr += (flags & LX_NLM_F_DUMP_INTR) != 0;
	s->multi += (flags & LX_NLM_F_MULTI) != 0;
	if (type == LX_NLMSG_DONE) {
		s->done++;
		return;
	}
	if (type == LX_RTM_NEWLINK || type == LX_RTM_NEWADDR || type == LX_RTM_NEWNEIGH) {
		int ifi = (int)u32(b + 4), ok = 0;
		for (size_t i = 0; i < s->v->nif; i++)
			ok |= s->v->ifindex[i] == ifi;
		s->foreign_if += !ok;
		s->links += type == LX_RTM_NEWLINK;
	}
	if (type == LX_RTM_NEWADDR) {
		p = find_attr(b + 8, b + n, LX_IFA_ADDRESS, &len);
		assert_non_null(p);
		inet_ntop(b[0] == LX_AF_INET ? AF_INET : AF_INET6, p, a, sizeof(a));
	} else if (type == LX_RTM_NEWROUTE) {
		p = find_attr(b + 12, b + n, LX_RTA_DST, &len);
		if (p)
			inet_ntop(b[0] == LX_AF_INET ? AF_INET : AF_INET6, p, a, sizeof(a));
	} else {
		s->other++;
		return;
	}
	s->zone4 += strcmp(a, "198.51.100.71") == 0;
	s->zone6 += strcmp(a, "fd77:0:12::71") == 0;
	s->other_zone += strcmp(a, "198.51.100.72") == 0;
	s->host += strcmp(a, "192.0.2.2") == 0 || strncmp(a, "fd00:", 5) == 0;
	s->lo += strcmp(a, "127.0.0.1") == 0 || strcmp(a, "::1") == 0;
}

static struct seen filtered(const char *name, const struct lx_nl_view *v, size_t *before,
			    size_t *after, int *trunc)
{
	struct part *p = calloc(1, sizeof(*p));
	struct seen s = {.v = v};

	load(name, p);
	*before = walk(p, NULL, NULL);
	p->n = lx_nl_filter_reply(p->b, p->n, v, trunc);
	*after = walk(p, look, &s);
	free(p);
	return s;
}

static void test_addr_dump(void **state)
{
	(void)state;
	struct lx_nl_view v = view();
	size_t before, after;
	int trunc;
	struct part *p = calloc(1, sizeof(*p));
	struct seen s = {.v = &v};

	/* the host's view first: the fixture has what the test says it has */
	load("addr.0.bin", p);
	walk(p, look, &s);
	assert_true(s.zone4 == 1 && s.zone6 == 1 && s.other_zone == 1 && s.host >= 1);
	free(p);
	s = filtered("addr.0.bin", &v, &before, &after, &trunc);
	assert_int_equal(trunc, 0);
	assert_true(after < before);
	assert_int_equal(s.zone4, 1);
	assert_int_equal(s.zone6, 1);
	assert_int_equal(s.other_zone, 0);
	assert_int_equal(s.host, 0);
	assert_int_equal(s.foreign_if, 0);
	assert_true(s.lo >= 1);
	assert_int_equal(s.multi, (int)after); /* NLM_F_MULTI as the kernel set it */
	/* the second part, NLMSG_DONE alone, passes untouched */
	s = filtered("addr.1.bin", &v, &before, &after, &trunc);
	assert_int_equal(s.done, 1);
	assert_int_equal(after, before);
}

static void test_link_dump_multipart(void **state)
{
	(void)state;
	struct lx_nl_view v = view();
	size_t before, after, total_before = 0, total_after = 0;
	int trunc, links = 0, done = 0;

	for (int i = 0; i < 3; i++) {
		char name[32];
		snprintf(name, sizeof(name), "link.%d.bin", i);
		struct seen s = filtered(name, &v, &before, &after, &trunc);
		assert_int_equal(trunc, 0);
		assert_int_equal(s.foreign_if, 0);
		links += s.links;
		done += s.done;
		total_before += before;
		total_after += after;
	}
	assert_int_equal(links, 2); /* lo and lxzone0, from whichever parts they were in */
	assert_int_equal(done, 1);
	assert_true(total_after < total_before);
}

static void test_route_neigh_rule(void **state)
{
	(void)state;
	struct lx_nl_view v = view();
	size_t before, after;
	int trunc;
	struct seen s = filtered("route.0.bin", &v, &before, &after, &trunc);

	assert_int_equal(trunc, 0);
	assert_true(after < before);
	assert_int_equal(s.other_zone, 0); /* no local route of the other zone's address */
	assert_int_equal(s.host, 0);
	assert_true(s.zone4 + s.zone6 >= 1);
	s = filtered("neigh.0.bin", &v, &before, &after, &trunc);
	assert_int_equal(s.foreign_if, 0);
	assert_true(after < before);
	assert_int_equal(s.done, 1);
	s = filtered("rule.0.bin", &v, &before, &after, &trunc);
	assert_int_equal(after, before); /* rules are policy, not another zone's */
}

static void test_dump_intr_kept(void **state)
{
	(void)state;
	struct lx_nl_view v = view();
	struct part *p = calloc(1, sizeof(*p));
	struct seen s = {.v = &v};
	size_t at = 0;
	int trunc;

	load("addr.0.bin", p);
	while (p->n - at >= 16) { /* the kernel's mark of a dump that changed meanwhile */
		uint32_t len = u32(p->b + at);
		p->b[at + 6] |= LX_NLM_F_DUMP_INTR;
		at += (len + 3) & ~3u;
	}
	p->n = lx_nl_filter_reply(p->b, p->n, &v, &trunc);
	size_t after = walk(p, look, &s);
	assert_true(after >= 2);
	assert_int_equal(s.intr, (int)after);
	free(p);
}

static void test_truncated(void **state)
{
	(void)state;
	struct lx_nl_view v = view();
	struct part *p = calloc(1, sizeof(*p));
	size_t n;
	int trunc;

	/* one link message longer than the 1024-byte recv that got it: kept as it came */
	load("link.trunc.bin", p);
	n = lx_nl_filter_reply(p->b, p->n, &v, &trunc);
	assert_int_equal(trunc, 1);
	assert_int_equal(n, p->n);
	/* whole routes filtered, the cut one at the end kept as it came */
	load("route.trunc.bin", p);
	uint8_t tail[64];
	memcpy(tail, p->b + p->n - sizeof(tail), sizeof(tail));
	n = lx_nl_filter_reply(p->b, p->n, &v, &trunc);
	assert_int_equal(trunc, 1);
	assert_true(n < p->n);
	assert_memory_equal(p->b + n - sizeof(tail), tail, sizeof(tail));
	free(p);
}

struct defaults {
	int n, through_zone, gateway, foreign_src;
};

static void look_default(uint16_t type, uint16_t flags, const uint8_t *b, size_t n, void *arg)
{
	struct defaults *d = arg;
	size_t len;
	const uint8_t *p;

	(void)flags;
	if (type != LX_RTM_NEWROUTE || b[1] != 0 || b[4] != 254)
		return;
	d->n++;
	p = find_attr(b + 12, b + n, LX_RTA_OIF, &len);
	d->through_zone += p != NULL && (int)u32(p) == lxzone0;
	d->gateway += find_attr(b + 12, b + n, 5 /* RTA_GATEWAY */, &len) != NULL;
	p = find_attr(b + 12, b + n, LX_RTA_PREFSRC, &len);
	d->foreign_src += p != NULL && len == 4 && memcmp(p, "\xc6\x33\x64\x47", 4) != 0;
}

/* The host's default routes (via eth0 in the fixture) show through the zone's interface, from
 * no other source, with no gateway; IPv4 only for a zone with only IPv4, and none for a zone
 * without addresses. */
static void test_default_route(void **state)
{
	(void)state;
	struct lx_nl_view v = view(), v4only = view(), none = view();
	struct part *p = calloc(1, sizeof(*p));
	struct defaults host = {0}, zone = {0}, z4 = {0}, z0 = {0};
	int trunc;

	load("route.0.bin", p);
	walk(p, look_default, &host);
	assert_true(host.n >= 1 && host.gateway >= 1 && host.through_zone == 0);
	p->n = lx_nl_filter_reply(p->b, p->n, &v, &trunc);
	walk(p, look_default, &zone);
	assert_int_equal(zone.n, host.n);
	assert_int_equal(zone.through_zone, host.n);
	assert_int_equal(zone.gateway, 0);
	assert_int_equal(zone.foreign_src, 0);
	assert_int_equal(trunc, 0);
	/* every message still parses: lengths and alignment after the shrink */
	struct seen s = {.v = &v};
	assert_int_equal(walk(p, look, &s), walk(p, NULL, NULL));

	v4only.naddr = 1; /* 198.51.100.71 */
	load("route.0.bin", p);
	p->n = lx_nl_filter_reply(p->b, p->n, &v4only, &trunc);
	walk(p, look_default, &z4);
	assert_true(z4.n >= 1 && z4.n <= host.n);
	none.naddr = 0;
	load("route.0.bin", p);
	p->n = lx_nl_filter_reply(p->b, p->n, &none, &trunc);
	walk(p, look_default, &z0);
	assert_int_equal(z0.n, 0);
	free(p);
}

/* `ip link show eth0` in a zone: the kernel's one answer is eth0, which the zone does not
 * see; the reply becomes "no such device", never an empty datagram. */
static void test_single_answer_absent(void **state)
{
	(void)state;
	struct lx_nl_view v = view();
	struct part *p = calloc(1, sizeof(*p));
	size_t at = 0, n;
	int trunc, err;

	load("link.0.bin", p);
	while (p->n - at >= 16) { /* the first link the zone does not see, alone */
		uint32_t len = u32(p->b + at);
		int ifi = (int)u32(p->b + at + 20);
		if (ifi != 1 && ifi != lxzone0) {
			memmove(p->b, p->b + at, len);
			p->n = len;
			break;
		}
		at += (len + 3) & ~3u;
	}
	assert_true(p->n >= 36 && u32(p->b) == p->n);
	p->b[6] &= (uint8_t)~LX_NLM_F_MULTI; /* a reply to RTM_GETLINK of one link */
	uint32_t seq = u32(p->b + 8);
	n = lx_nl_filter_reply(p->b, p->n, &v, &trunc);
	assert_int_equal(n, 36);
	assert_int_equal(u32(p->b), 36);
	assert_int_equal(p->b[4], LX_NLMSG_ERROR);
	memcpy(&err, p->b + 16, 4);
	assert_int_equal(err, -19); /* ENODEV */
	assert_int_equal(u32(p->b + 20), 16);
	assert_int_equal(p->b[24], 18); /* RTM_GETLINK */
	assert_int_equal(u32(p->b + 28), seq);
	/* a dump part whose links are all cut stays empty: the next part follows */
	load("link.0.bin", p);
	v.nif = 0;
	n = lx_nl_filter_reply(p->b, p->n, &v, &trunc);
	assert_int_equal(n, 0);
	free(p);
}

static size_t req(uint8_t *b, uint32_t len, uint16_t type, uint16_t flags)
{
	memset(b, 0, 16); /* the header; a body, if any, is the caller's */
	memcpy(b, &len, 4);
	memcpy(b + 4, &type, 2);
	memcpy(b + 6, &flags, 2);
	return len;
}

static void test_requests(void **state)
{
	(void)state;
	struct lx_nl_view v = view(), own = {0};
	uint8_t b[256] = {0};

	assert_int_equal(lx_nl_check_request(b, req(b, 20, 22, 0x301), &v), 0); /* GETADDR dump */
	assert_int_equal(lx_nl_check_request(b, req(b, 32, 18, 0x301), &v), 0); /* GETLINK */
	assert_int_equal(lx_nl_check_request(b, req(b, 40, 20, 0x605), &v),
			 LX_NL_CHANGE); /* NEWADDR */
	assert_int_equal(lx_nl_check_request(b, req(b, 40, 24, 0x605), &v),
			 LX_NL_CHANGE); /* NEWROUTE */
	assert_int_equal(lx_nl_check_request(b, req(b, 40, 25, 0x5), &v),
			 LX_NL_CHANGE); /* DELROUTE */
	assert_int_equal(lx_nl_check_request(b, req(b, 32, 19, 0x5), &v),
			 LX_NL_CHANGE); /* SETLINK */
	assert_int_equal(lx_nl_check_request(b, req(b, 32, 16, 0x5), &v),
			 LX_NL_CHANGE); /* NEWLINK */
	/* a zone with a stack of its own changes it itself */
	assert_int_equal(lx_nl_check_request(b, req(b, 40, 20, 0x605), &own), 0);
	/* malformed: EINVAL, never a read past the buffer */
	assert_int_equal(lx_nl_check_request(b, 0, &v), -LX_EINVAL);
	assert_int_equal(lx_nl_check_request(b, 15, &v), -LX_EINVAL);
	req(b, 8, 22, 0x301);
	assert_int_equal(lx_nl_check_request(b, 20, &v), -LX_EINVAL); /* nlmsg_len < header */
	req(b, 200, 22, 0x301);
	assert_int_equal(lx_nl_check_request(b, 20, &v), -LX_EINVAL); /* nlmsg_len > sent */
	req(b, 20, 22, 0x301);
	assert_int_equal(lx_nl_check_request(b, 30, &v), 0); /* a short second one: ignored */
	memset(b, 0, sizeof(b)); /* iproute2's request struct: room for attributes, zeroed */
	req(b, 28, 26, 0x301);
	assert_int_equal(lx_nl_check_request(b, 28 + 128, &v), 0);
	req(b + 28, 200, 20, 0x605); /* a change that does not fit is not sent either */
	assert_int_equal(lx_nl_check_request(b, 28 + 128, &v), 0);
	req(b + 20, 20, 20, 0x605);
	req(b, 20, 22, 0x301);
	req(b + 20, 20, 20, 0x605);
	assert_int_equal(lx_nl_check_request(b, 40, &v), LX_NL_CHANGE); /* a change in the batch */
}

/* Damaged replies (random lengths, bytes, cuts) never crash the filter and never grow. */
static void test_garbage(void **state)
{
	(void)state;
	struct lx_nl_view v = view();
	static const char *const names[] = {"addr.0.bin", "link.1.bin", "route.0.bin",
					    "neigh.0.bin"};
	struct part *orig = calloc(1, sizeof(*orig)), *p = calloc(1, sizeof(*p));
	unsigned seed = 12;

	for (size_t f = 0; f < sizeof(names) / sizeof(names[0]); f++) {
		load(names[f], orig);
		for (int round = 0; round < 2000; round++) {
			int trunc;
			memcpy(p->b, orig->b, orig->n);
			p->n = orig->n;
			for (int k = 0; k < 4; k++) {
				seed = seed * 1103515245u + 12345u;
				p->b[(seed >> 8) % p->n] = (uint8_t)(seed >> 20);
			}
			seed = seed * 1103515245u + 12345u;
			if (round % 3 == 0)
				p->n = (seed >> 8) % p->n;
			size_t n = lx_nl_filter_reply(p->b, p->n, &v, &trunc);
			assert_true(n <= p->n);
			(void)lx_nl_check_request(p->b, p->n, &v);
		}
	}
	free(orig);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_addr_dump),
	    cmocka_unit_test(test_link_dump_multipart),
	    cmocka_unit_test(test_route_neigh_rule),
	    cmocka_unit_test(test_dump_intr_kept),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_requests),
	    cmocka_unit_test(test_garbage),
	    cmocka_unit_test(test_default_route),
	    cmocka_unit_test(test_single_answer_absent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
