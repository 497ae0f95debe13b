/*
 * netlink/sockdiag.c on NETLINK_SOCK_DIAG replies recorded from a kernel
 * (tests/fixtures/sockdiag/record.py): two "zones" a (its cgroup and a child, uids 300000..)
 * and b (uids 400000..) and the host, each with TCP listeners on 127.0.0.1 and ::1, a UDP
 * socket and an abstract unix listener, dumped by host root ("host") and from a user
 * namespace that maps zone a's range ("zone").  Each view must keep exactly its own sockets
 * in multi-part dumps and cut replies; malformed requests are EINVAL, never a crash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netlink/sockdiag.h"

#define NGROUP 4 /* a, asub, b, host */

struct group {
	char name[16];
	uint64_t cg;
	unsigned tcp4, tcp6, udp4; /* ports */
	unsigned ino_tcp4, ino_tcp6, ino_udp4, ino_unix;
};

static struct group groups[NGROUP];
static unsigned tcp4_per_group;

static const struct group *group(const char *name)
{
	for (int i = 0; i < NGROUP; i++)
		if (strcmp(groups[i].name, name) == 0)
			return &groups[i];
	fail_msg("no group %s in the manifest", name);
	return NULL;
}

static int load_manifest(void **state)
{
	char path[512], line[256];
	FILE *f;
	int n = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/manifest", SD_FIXTURES);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		struct group g;
		if (sscanf(line, "tcp4-per-group %u", &tcp4_per_group) == 1)
			continue;
		if (n < NGROUP && sscanf(line, "%15s %lu %u %u %u %u %u %u %u", g.name,
					 (unsigned long *)&g.cg, &g.tcp4, &g.tcp6, &g.udp4,
					 &g.ino_tcp4, &g.ino_tcp6, &g.ino_udp4, &g.ino_unix) == 9)
			groups[n++] = g;
	}
	fclose(f);
	return n == NGROUP && tcp4_per_group > 0 ? 0 : -1;
}

struct part {
	uint8_t b[65536];
	size_t n;
};

/* Loads NAME into p; false when there is no such part. */
static int load(const char *name, struct part *p)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", SD_FIXTURES, name);
	f = fopen(path, "rb");
	if (f == NULL)
		return 0;
	p->n = fread(p->b, 1, sizeof(p->b), f);
	fclose(f);
	assert_true(p->n >= 16);
	return 1;
}

static uint32_t u32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static uint16_t u16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}

/* What a filtered dump kept. */
struct kept {
	unsigned nsock, ndone;
	unsigned ports[256]; /* inet: local ports */
	unsigned inos[256];  /* inodes */
	int multi_ok;	     /* every socket message kept NLM_F_MULTI */
};

static void collect(const uint8_t *b, size_t n, struct kept *k)
{
	size_t at = 0;

	while (n - at >= 16) {
		uint32_t len = u32(b + at);
		uint16_t type = u16(b + at + 4), flags = u16(b + at + 6);
		const uint8_t *m = b + at + 16;

		if (len < 16 || len > n - at)
			break;
		if (type == 3)
			k->ndone++;
		if (type == 20 && k->nsock < 256) {
			if (m[0] == 1) {
				k->inos[k->nsock] = u32(m + 4);
				k->ports[k->nsock] = 0;
			} else {
				k->ports[k->nsock] = (unsigned)m[4] << 8 | m[5];
				k->inos[k->nsock] = u32(m + 68);
			}
			k->multi_ok &= (flags & 2) != 0;
			k->nsock++;
		}
		at += (len + 3) & ~3u;
	}
}

/* Filters every part of dump NAME.TAG through v, as the brand would receive them. */
static void filter_dump(const char *name, const char *tag, const struct lx_sd_view *v,
			struct kept *k)
{
	static struct part p;
	char file[64];

	memset(k, 0, sizeof(*k));
	k->multi_ok = 1;
	for (int i = 0;; i++) {
		int trunc = -1;
		size_t n;

		snprintf(file, sizeof(file), "%s.%s.%d.bin", name, tag, i);
		if (!load(file, &p))
			break;
		n = lx_sd_filter_reply(p.b, p.n, v, &trunc);
		assert_true(n <= p.n);
		assert_int_equal(trunc, 0);
		collect(p.b, n, k);
	}
	assert_int_equal(k->ndone, 1); /* the dump still ends */
}

static int has(const unsigned *v, unsigned n, unsigned x)
{
	for (unsigned i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

static void view_of(struct lx_sd_view *v, const char *const *names, size_t n, int in_userns)
{
	memset(v, 0, sizeof(*v));
	v->shared = 1;
	for (size_t i = 0; i < n; i++)
		v->cgroup[v->ncgroup++] = group(names[i])->cg;
	if (strcmp(names[0], "a") == 0) {
		v->uid_first = in_userns ? 0 : 300000;
		v->uid_count = 65536;
		v->uid_unmapped = in_userns ? 65534 : LX_SD_NOUID;
	} else {
		v->uid_first = 400000;
		v->uid_count = 65536;
		v->uid_unmapped = LX_SD_NOUID;
	}
}

static const char *const zone_a[] = {"a", "asub"};
static const char *const zone_b[] = {"b"};

/* Zone a keeps its 12 + its child's 12 TCP listeners, in all parts, and nobody else's. */
static void test_tcp4_zone_a(void **state)
{
	struct lx_sd_view v;
	struct kept k;

	(void)state;
	for (int userns = 0; userns < 2; userns++) {
		view_of(&v, zone_a, 2, userns);
		filter_dump("tcp4", userns ? "zone" : "host", &v, &k);
		assert_int_equal(k.nsock, 2 * tcp4_per_group);
		assert_true(k.multi_ok);
		assert_true(has(k.ports, k.nsock, group("a")->tcp4));
		assert_true(has(k.ports, k.nsock, group("asub")->tcp4));
		assert_false(has(k.ports, k.nsock, group("b")->tcp4));
		assert_false(has(k.ports, k.nsock, group("host")->tcp4));
		assert_false(has(k.ports, k.nsock, 2024)); /* a host service in the recording */
	}
}

/* A view that could not hold all of the zone's cgroups: the missing child's sockets are
 * judged by their owner (host uids here, the zone's mapped ones in the user namespace). */
static void test_tcp4_cgroup_partial(void **state)
{
	struct lx_sd_view v;
	struct kept k;

	(void)state;
	for (int userns = 0; userns < 2; userns++) {
		view_of(&v, zone_a, 1, userns); /* a's cgroup only, not asub's */
		filter_dump("tcp4", userns ? "zone" : "host", &v, &k);
		assert_int_equal(k.nsock, tcp4_per_group);
		v.cgroup_partial = 1;
		filter_dump("tcp4", userns ? "zone" : "host", &v, &k);
		assert_int_equal(k.nsock, 2 * tcp4_per_group);
		assert_true(has(k.ports, k.nsock, group("asub")->tcp4));
		assert_false(has(k.ports, k.nsock, group("b")->tcp4));
		assert_false(has(k.ports, k.nsock, group("host")->tcp4));
	}
}

/* The no-I/O view of a brand in zone a's user namespace: the same sockets as the ids give. */
static void test_view_userns(void **state)
{
	struct lx_sd_view v;
	struct kept k;
	static const char *const dumps[] = {"tcp4", "tcp6", "udp4", "unix"};
	const unsigned want[] = {2 * tcp4_per_group, 2, 2, 2};

	(void)state;
	for (int d = 0; d < 4; d++) {
		lx_sd_view_userns(&v);
		filter_dump(dumps[d], "zone", &v, &k);
		assert_int_equal(k.nsock, want[d]);
	}
	assert_true(has(k.inos, k.nsock, group("a")->ino_unix));
	assert_true(has(k.inos, k.nsock, group("asub")->ino_unix));
	/* the same view on the host's uids would keep everyone's: it is the zone's reader's */
	lx_sd_view_userns(&v);
	filter_dump("tcp4", "host", &v, &k);
	assert_true(k.nsock > 2 * tcp4_per_group);
}

static void test_tcp4_zone_b(void **state)
{
	struct lx_sd_view v;
	struct kept k;

	(void)state;
	view_of(&v, zone_b, 1, 0);
	filter_dump("tcp4", "host", &v, &k);
	assert_int_equal(k.nsock, tcp4_per_group);
	assert_true(has(k.ports, k.nsock, group("b")->tcp4));
	assert_false(has(k.ports, k.nsock, group("a")->tcp4));
	assert_false(has(k.inos, k.nsock, group("host")->ino_tcp4));
}

static void test_tcp6_udp4(void **state)
{
	struct lx_sd_view v;
	struct kept k;

	(void)state;
	view_of(&v, zone_a, 2, 0);
	filter_dump("tcp6", "host", &v, &k);
	assert_int_equal(k.nsock, 2);
	assert_true(has(k.ports, k.nsock, group("a")->tcp6));
	assert_true(has(k.ports, k.nsock, group("asub")->tcp6));
	filter_dump("udp4", "zone", &v, &k);
	assert_int_equal(k.nsock, 2);
	assert_true(has(k.inos, k.nsock, group("a")->ino_udp4));
	assert_true(has(k.inos, k.nsock, group("asub")->ino_udp4));
	view_of(&v, zone_b, 1, 0);
	filter_dump("udp4", "host", &v, &k);
	assert_int_equal(k.nsock, 1);
	assert_true(has(k.inos, k.nsock, group("b")->ino_udp4));
}

/* Unix sockets by their owner: host uids seen by the host, mapped ones seen from zone a. */
static void test_unix(void **state)
{
	struct lx_sd_view v;
	struct kept k;

	(void)state;
	for (int userns = 0; userns < 2; userns++) {
		view_of(&v, zone_a, 2, userns);
		filter_dump("unix", userns ? "zone" : "host", &v, &k);
		assert_int_equal(k.nsock, 2);
		assert_true(has(k.inos, k.nsock, group("a")->ino_unix));
		assert_true(has(k.inos, k.nsock, group("asub")->ino_unix));
	}
	view_of(&v, zone_b, 1, 0);
	filter_dump("unix", "host", &v, &k);
	assert_int_equal(k.nsock, 1);
	assert_true(has(k.inos, k.nsock, group("b")->ino_unix));
	/* zone a's reader with the unmapped uid not excluded would see every host socket */
	view_of(&v, zone_a, 2, 1);
	v.uid_unmapped = LX_SD_NOUID;
	filter_dump("unix", "zone", &v, &k);
	assert_true(k.nsock > 2);
}

/* NLM_F_DUMP_INTR (the dump changed under the kernel) reaches the guest as the kernel set it. */
static void test_dump_intr_kept(void **state)
{
	static struct part p;
	struct lx_sd_view v;
	size_t at = 0, n, kept = 0;
	int trunc;

	(void)state;
	assert_true(load("tcp4.host.0.bin", &p));
	while (p.n - at >= 16 && u32(p.b + at) >= 16) {
		p.b[at + 6] |= 0x10;
		at += (u32(p.b + at) + 3) & ~3u;
	}
	view_of(&v, zone_a, 2, 0);
	n = lx_sd_filter_reply(p.b, p.n, &v, &trunc);
	for (at = 0; n - at >= 16 && u32(p.b + at) >= 16; at += (u32(p.b + at) + 3) & ~3u) {
		assert_int_equal(u16(p.b + at + 6) & 0x12, 0x12); /* DUMP_INTR | MULTI */
		kept++;
	}
	assert_true(kept > 0);
}

/* Not shared: everything passes untouched. */
static void test_not_shared(void **state)
{
	static struct part p, q;
	struct lx_sd_view v;
	int trunc;

	(void)state;
	memset(&v, 0, sizeof(v));
	assert_true(load("tcp4.host.0.bin", &p));
	q = p;
	assert_int_equal(lx_sd_filter_reply(p.b, p.n, &v, &trunc), q.n);
	assert_memory_equal(p.b, q.b, q.n);
}

/* A message without a cgroup id (TIME_WAIT) or a view without cgroups: the local address. */
static size_t synth_inet(uint8_t *b, uint8_t family, const uint8_t *src, uint16_t flags)
{
	uint32_t len = 16 + LX_INET_DIAG_MSG_LEN;

	memset(b, 0, len);
	memcpy(b, &len, 4);
	b[4] = 20;
	b[6] = (uint8_t)flags;
	b[8] = 7; /* seq */
	b[16] = family;
	b[17] = 6; /* TIME_WAIT */
	memcpy(b + 16 + 8, src, family == 2 ? 4 : 16);
	return len;
}

static void test_address_fallback(void **state)
{
	uint8_t b[256];
	const uint8_t zone4[4] = {198, 51, 100, 7}, other4[4] = {198, 51, 100, 8};
	const uint8_t lo[4] = {127, 9, 8, 7};
	const uint8_t mapped[16] = {[10] = 0xff, [11] = 0xff, 198, 51, 100, 7};
	struct lx_sd_view v;
	int trunc;
	size_t n;

	(void)state;
	memset(&v, 0, sizeof(v));
	v.shared = 1;
	v.cgroup[v.ncgroup++] = 12345;
	v.addr[0].family = 2;
	memcpy(v.addr[0].bytes, zone4, 4);
	v.naddr = 1;
	memcpy(v.lo4, lo, 4);
	n = synth_inet(b, 2, zone4, 2);
	assert_int_equal(lx_sd_filter_reply(b, n, &v, &trunc), n);
	n = synth_inet(b, 10, mapped, 2);
	assert_int_equal(lx_sd_filter_reply(b, n, &v, &trunc), n);
	n = synth_inet(b, 2, other4, 2);
	assert_int_equal(lx_sd_filter_reply(b, n, &v, &trunc), 0);
	/* the zone's loopback address is the zone's, and shows as 127.0.0.1 */
	n = synth_inet(b, 2, lo, 2);
	assert_int_equal(lx_sd_filter_reply(b, n, &v, &trunc), n);
	assert_int_equal(b[16 + 8], 127);
	assert_int_equal(b[16 + 9], 0);
	assert_int_equal(b[16 + 11], 1);
	/* a view without cgroup ids judges recorded full sockets by address: 127.0.0.1 */
	{
		static struct part p;
		struct kept k;
		unsigned want = 0;
		size_t at = 0;

		memset(&k, 0, sizeof(k));
		v.ncgroup = 0;
		memcpy(v.addr[0].bytes, (uint8_t[]){127, 0, 0, 1}, 4);
		assert_true(load("tcp4.host.0.bin", &p));
		while (p.n - at >= 16 && u32(p.b + at) >= 16) {
			want += u16(p.b + at + 4) == 20 && p.b[at + 16 + 8] == 127 &&
				p.b[at + 16 + 11] == 1;
			at += (u32(p.b + at) + 3) & ~3u;
		}
		n = lx_sd_filter_reply(p.b, p.n, &v, &trunc);
		collect(p.b, n, &k);
		assert_true(want > 0);
		assert_int_equal(k.nsock, want);
	}
}

/* Other families (netlink here): never the zone's, whatever they say. */
static void test_other_family(void **state)
{
	uint8_t b[256];
	struct lx_sd_view v;
	int trunc;
	uint32_t len = 16 + 32;

	(void)state;
	lx_sd_view_userns(&v);
	memset(b, 0, sizeof(b));
	memcpy(b, &len, 4);
	b[4] = 20;
	b[6] = 2;			      /* NLM_F_MULTI */
	b[16] = 16;			      /* AF_NETLINK: netlink_diag_msg */
	memcpy(b + len, (uint32_t[]){20}, 4); /* NLMSG_DONE after it */
	b[len + 4] = 3;
	b[len + 6] = 2;
	assert_int_equal(lx_sd_filter_reply(b, len + 20, &v, &trunc), 20);
	assert_int_equal(u16(b + 4), 3);
}

/* The answer to a single-socket request for a foreign socket: ENOENT, the request's seq. */
static void test_single_socket_enoent(void **state)
{
	uint8_t b[256];
	const uint8_t other4[4] = {198, 51, 100, 8};
	struct lx_sd_view v;
	int trunc, err;
	size_t n;

	(void)state;
	memset(&v, 0, sizeof(v));
	v.shared = 1;
	n = synth_inet(b, 2, other4, 0);
	n = lx_sd_filter_reply(b, n, &v, &trunc);
	assert_int_equal(n, LX_SD_NLERR_LEN);
	assert_int_equal(u32(b), LX_SD_NLERR_LEN);
	assert_int_equal(u16(b + 4), 2); /* NLMSG_ERROR */
	assert_int_equal(u32(b + 8), 7); /* seq */
	memcpy(&err, b + 16, 4);
	assert_int_equal(err, -LX_SD_ENOENT);
	assert_int_equal(u16(b + 20 + 4), 20); /* the echoed header */
}

/* A reply cut by a 1000-byte receive buffer: judged on what arrived, nothing read past. */
static void test_truncated(void **state)
{
	static struct part p;
	struct lx_sd_view v;
	struct kept k;
	int trunc = 0;
	size_t n;

	(void)state;
	assert_true(load("tcp4.trunc.bin", &p));
	assert_int_equal(p.n, 1000);
	view_of(&v, zone_a, 2, 0);
	n = lx_sd_filter_reply(p.b, p.n, &v, &trunc);
	assert_int_equal(trunc, 1);
	assert_true(n <= p.n);
	memset(&k, 0, sizeof(k));
	collect(p.b, n, &k);
	for (unsigned i = 0; i < k.nsock; i++)
		assert_false(has(&group("host")->tcp4, 1, k.ports[i]));
	/* every prefix of a part, too */
	for (size_t cut = 0; cut < 1000; cut += 7) {
		assert_true(load("tcp4.host.0.bin", &p));
		n = lx_sd_filter_reply(p.b, cut, &v, &trunc);
		assert_true(n <= cut);
	}
}

static size_t req(uint8_t *b, uint16_t type, uint8_t family, size_t body)
{
	uint32_t len = (uint32_t)(16 + body);

	memset(b, 0, len);
	memcpy(b, &len, 4);
	memcpy(b + 4, &type, 2);
	b[6] = 1;
	b[7] = 3; /* NLM_F_REQUEST | NLM_F_DUMP */
	b[16] = family;
	return len;
}

static void test_requests(void **state)
{
	uint8_t b[256], c[256];
	struct lx_sd_view v, host;
	size_t n;

	(void)state;
	memset(&v, 0, sizeof(v));
	v.shared = 1;
	memset(&host, 0, sizeof(host));
	/* good ones pass; an inet request is not changed */
	n = req(b, 20, 2, 56);
	memcpy(c, b, n);
	assert_int_equal(lx_sd_check_request(b, n, &v), 0);
	assert_memory_equal(b, c, n);
	assert_int_equal(lx_sd_check_request(b, req(b, 20, 10, 56), &v), 0);
	assert_int_equal(lx_sd_check_request(b, req(b, 18, 2, 60), &v), 0);
	/* a unix request asks for the owner's uid: changed, and said so */
	n = req(b, 20, 1, 24);
	assert_int_equal(lx_sd_check_request(b, n, &v), 1);
	assert_true(u32(b + 16 + 12) & LX_UDIAG_SHOW_UID);
	assert_int_equal(lx_sd_check_request(b, n, &v), 0); /* already asks */
	n = req(b, 20, 1, 24);
	assert_int_equal(lx_sd_check_request(b, n, &host), 0);
	assert_int_equal(u32(b + 16 + 12), 0);
	/* malformed: EINVAL, shared or not */
	for (int s = 0; s < 2; s++) {
		const struct lx_sd_view *w = s ? &v : &host;
		assert_int_equal(lx_sd_check_request(b, 0, w), -LX_SD_EINVAL);
		assert_int_equal(lx_sd_check_request(b, 15, w), -LX_SD_EINVAL);
		n = req(b, 20, 2, 56);
		assert_int_equal(lx_sd_check_request(b, n - 1, w), -LX_SD_EINVAL); /* len > sent */
		b[0] = 8;
		assert_int_equal(lx_sd_check_request(b, n, w), -LX_SD_EINVAL); /* len < header */
		assert_int_equal(lx_sd_check_request(b, req(b, 20, 2, 1), w), -LX_SD_EINVAL);
		assert_int_equal(lx_sd_check_request(b, req(b, 20, 2, 55), w), -LX_SD_EINVAL);
		assert_int_equal(lx_sd_check_request(b, req(b, 20, 10, 40), w), -LX_SD_EINVAL);
		assert_int_equal(lx_sd_check_request(b, req(b, 20, 1, 23), w), -LX_SD_EINVAL);
		assert_int_equal(lx_sd_check_request(b, req(b, 18, 2, 56), w), -LX_SD_EINVAL);
		assert_int_equal(lx_sd_check_request(b, req(b, 20, 46, 56), w), -LX_SD_EINVAL);
		assert_int_equal(lx_sd_check_request(b, req(b, 30, 2, 56), w), -LX_SD_EINVAL);
		/* a good message followed by a cut one */
		n = req(b, 20, 2, 56);
		memcpy(b + n, b, 10);
		assert_int_equal(lx_sd_check_request(b, n + 10, w), -LX_SD_EINVAL);
	}
	/* destroy and the other families go to the kernel (it refuses; the filter empties) */
	assert_int_equal(lx_sd_check_request(b, req(b, 21, 2, 56), &v), 0);
	assert_int_equal(lx_sd_check_request(b, req(b, 20, 16, 24), &v), 0);
	assert_int_equal(lx_sd_check_request(b, req(b, 20, 17, 24), &v), 0);
	/* two good messages in one send */
	n = req(b, 20, 2, 56);
	memcpy(b + n, b, n);
	assert_int_equal(lx_sd_check_request(b, 2 * n, &v), 0);
}

static void test_nlerr(void **state)
{
	uint8_t out[64], r[16] = {16, 0, 0, 0, 20, 0, 1, 3, 9, 0, 0, 0, 5, 0, 0, 0};
	int err;

	(void)state;
	assert_int_equal(lx_sd_nlerr(out, 35, r, 16, 1), 0);
	assert_int_equal(lx_sd_nlerr(out, 64, r, 15, 1), 0);
	assert_int_equal(lx_sd_nlerr(out, 64, r, 16, LX_SD_EPERM), LX_SD_NLERR_LEN);
	assert_int_equal(u32(out + 8), 9);
	assert_int_equal(u32(out + 12), 5);
	memcpy(&err, out + 16, 4);
	assert_int_equal(err, -LX_SD_EPERM);
	assert_memory_equal(out + 20, r, 16);
}

/* Randomly damaged replies: the filter never grows a reply and never reads past it (the
 * sanitizer build checks the second). */
static void test_garbage(void **state)
{
	static struct part p;
	static const char *const files[] = {"tcp4.host.0.bin", "unix.zone.0.bin",
					    "tcp6.host.0.bin"};
	struct lx_sd_view v;
	int trunc;

	(void)state;
	view_of(&v, zone_a, 2, 0);
	srand(12);
	for (int round = 0; round < 3000; round++) {
		uint8_t *heap;
		size_t n;

		assert_true(load(files[round % 3], &p));
		for (int k = 0; k < 1 + round % 8; k++)
			p.b[(size_t)rand() % p.n] = (uint8_t)rand();
		/* exactly sized on the heap, so reading past it is caught */
		heap = malloc(p.n);
		assert_non_null(heap);
		memcpy(heap, p.b, p.n);
		n = lx_sd_filter_reply(heap, p.n, &v, &trunc);
		assert_true(n <= p.n);
		assert_true(lx_sd_check_request(heap, p.n, &v) <= 1);
		free(heap);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tcp4_zone_a),
	    cmocka_unit_test(test_tcp4_cgroup_partial),
	    cmocka_unit_test(test_view_userns),
	    cmocka_unit_test(test_tcp4_zone_b),
	    cmocka_unit_test(test_tcp6_udp4),
	    cmocka_unit_test(test_unix),
	    cmocka_unit_test(test_dump_intr_kept),
	    cmocka_unit_test(test_not_shared),
	    cmocka_unit_test(test_address_fallback),
	    cmocka_unit_test(test_other_family),
	    cmocka_unit_test(test_single_socket_enoent),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_requests),
	    cmocka_unit_test(test_nlerr),
	    cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests(tests, load_manifest, NULL);
}
