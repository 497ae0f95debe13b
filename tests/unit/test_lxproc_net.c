/*
 * proc/lxproc_net.c on /proc/net text recorded with the SOCK_DIAG dumps of
 * tests/fixtures/sockdiag (record.py): the zone's inodes come from the dump through
 * lx_sd_is_zones, as the brand would take them, so the files keep exactly the sockets `ss`
 * shows.  Plus rows without an inode (judged by address), the zone's loopback shown as
 * 127.0.0.1, snmp's CurrEstab, truncation and garbage.
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
#include "proc/lxproc.h"
#include "proc/lxproc_net.h"

struct group {
	char name[16];
	unsigned long cg;
	unsigned tcp4, tcp6, udp4, ino_tcp4, ino_tcp6, ino_udp4, ino_unix;
};

static struct group groups[4];
static unsigned tcp4_per_group;

static const struct group *group(const char *name)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(groups[i].name, name) == 0)
			return &groups[i];
	fail_msg("no group %s", name);
	return NULL;
}

static char *slurp(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	char *p = malloc(1 << 20);

	assert_non_null(p);
	snprintf(path, sizeof(path), "%s/%s", SD_FIXTURES, name);
	f = fopen(path, "rb");
	if (f == NULL) {
		free(p);
		return NULL;
	}
	*len = fread(p, 1, (1 << 20) - 1, f);
	p[*len] = 0;
	fclose(f);
	return p;
}

static int setup(void **state)
{
	size_t len = 0;
	char *m = slurp("manifest", &len), *line, *save = NULL;
	int n = 0;

	(void)state;
	if (m == NULL)
		return -1;
	m[len] = 0;
	for (line = strtok_r(m, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct group g;
		if (sscanf(line, "tcp4-per-group %u", &tcp4_per_group) == 1)
			continue;
		if (n < 4 &&
		    sscanf(line, "%15s %lu %u %u %u %u %u %u %u", g.name, &g.cg, &g.tcp4, &g.tcp6,
			   &g.udp4, &g.ino_tcp4, &g.ino_tcp6, &g.ino_udp4, &g.ino_unix) == 9)
			groups[n++] = g;
	}
	free(m);
	return n == 4 ? 0 : -1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static uint64_t inodes[1024];

/* Zone a's (or b's) socket inodes, from every recorded dump, as the brand would take them. */
static void zone_inodes(const char *zone, struct lxproc_netsocks *z)
{
	static const char *const dumps[] = {"tcp4", "tcp6", "udp4", "unix"};
	struct lx_sd_view v;

	memset(&v, 0, sizeof(v));
	v.shared = 1;
	v.uid_count = 65536;
	v.uid_unmapped = LX_SD_NOUID;
	if (strcmp(zone, "a") == 0) {
		v.cgroup[v.ncgroup++] = group("a")->cg;
		v.cgroup[v.ncgroup++] = group("asub")->cg;
		v.uid_first = 300000;
	} else {
		v.cgroup[v.ncgroup++] = group("b")->cg;
		v.uid_first = 400000;
	}
	memset(z, 0, sizeof(*z));
	z->inodes = inodes;
	for (size_t d = 0; d < 4; d++)
		for (int part = 0;; part++) {
			char name[64];
			size_t len, at = 0;
			char *p;

			snprintf(name, sizeof(name), "%s.host.%d.bin", dumps[d], part);
			p = slurp(name, &len);
			if (p == NULL)
				break;
			while (len - at >= 16) {
				uint32_t mlen;
				memcpy(&mlen, p + at, 4);
				if (mlen < 16 || mlen > len - at)
					break;
				if (lx_sd_is_zones(p + at, mlen, &v) && z->ninodes < 1024) {
					uint32_t ino;
					/* unix_diag_msg's inode at 4, inet_diag_msg's at 68 */
					memcpy(&ino, p + at + 16 + (p[at + 16] == 1 ? 4 : 68), 4);
					inodes[z->ninodes++] = ino;
				}
				at += (mlen + 3) & ~3u;
			}
			free(p);
		}
	qsort(inodes, z->ninodes, sizeof(inodes[0]), cmp_u64);
}

static char out[1 << 20];

/* Filters fixture NAME for zone z; returns the rows (header excluded), checks each. */
static unsigned filter(const struct lxproc_netsocks *z, enum lxproc_socktab kind, const char *name,
		       int check_sl)
{
	size_t len = 0;
	char *host = slurp(name, &len), *line, *save = NULL;
	struct lx_buf b;
	unsigned rows = 0;
	size_t hdr;

	assert_non_null(host);
	lx_buf_init(&b, out, sizeof(out) - 1);
	assert_int_equal(lxproc_net_sockets(z, kind, (struct lx_text){host, len}, &b), LXPROC_OK);
	out[b.len] = 0;
	hdr = strcspn(host, "\n");
	assert_memory_equal(out, host, hdr); /* the header, as the kernel wrote it */
	static char copy[sizeof(out)];
	memcpy(copy, out, b.len + 1); /* strtok_r cuts its input: out stays whole for the caller */
	for (line = strtok_r(copy + hdr + 1, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char w[10][64];
		unsigned long ino;
		int col = kind == LXPROC_TAB_UNIX ? 6 : 9;

		assert_int_equal(sscanf(line, "%63s %63s %63s %63s %63s %63s %63s %63s %63s %63s",
					w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8], w[9]),
				 kind == LXPROC_TAB_UNIX ? 8 : 10);
		ino = strtoul(w[col], NULL, 10);
		assert_non_null(
		    bsearch(&(uint64_t){ino}, z->inodes, z->ninodes, sizeof(uint64_t), cmp_u64));
		if (check_sl) {
			assert_int_equal(strtoul(w[0], NULL, 10), rows);
			assert_int_equal(strchr(line, ':') - line, 4); /* "%4d:" */
		}
		rows++;
	}
	free(host);
	return rows;
}

static int row_with_inode(const char *text, unsigned ino)
{
	char pat[32];
	snprintf(pat, sizeof(pat), " %u ", ino);
	return strstr(text, pat) != NULL;
}

static void test_tcp(void **state)
{
	struct lxproc_netsocks z;

	(void)state;
	zone_inodes("a", &z);
	assert_int_equal(filter(&z, LXPROC_TAB_TCP, "proc-net-tcp", 1), 2 * tcp4_per_group);
	assert_true(row_with_inode(out, group("a")->ino_tcp4));
	assert_true(row_with_inode(out, group("asub")->ino_tcp4));
	assert_false(row_with_inode(out, group("b")->ino_tcp4));
	assert_false(row_with_inode(out, group("host")->ino_tcp4));
	zone_inodes("b", &z);
	assert_int_equal(filter(&z, LXPROC_TAB_TCP, "proc-net-tcp", 1), tcp4_per_group);
	assert_true(row_with_inode(out, group("b")->ino_tcp4));
	assert_false(row_with_inode(out, group("a")->ino_tcp4));
}

static void test_tcp6_udp_unix(void **state)
{
	struct lxproc_netsocks z;

	(void)state;
	zone_inodes("a", &z);
	assert_int_equal(filter(&z, LXPROC_TAB_TCP6, "proc-net-tcp6", 1), 2);
	assert_true(row_with_inode(out, group("a")->ino_tcp6));
	assert_int_equal(filter(&z, LXPROC_TAB_UDP, "proc-net-udp", 0), 2);
	assert_true(row_with_inode(out, group("asub")->ino_udp4));
	assert_false(row_with_inode(out, group("host")->ino_udp4));
	assert_int_equal(filter(&z, LXPROC_TAB_UNIX, "proc-net-unix", 0), 2);
	assert_true(row_with_inode(out, group("a")->ino_unix));
	assert_false(row_with_inode(out, group("b")->ino_unix));
	zone_inodes("b", &z);
	assert_int_equal(filter(&z, LXPROC_TAB_UNIX, "proc-net-unix", 0), 1);
	assert_true(row_with_inode(out, group("b")->ino_unix));
}

static const char tw_text[] =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
    "timeout inode\n"
    /* 198.51.100.7:80 TIME_WAIT, inode 0: the zone's address */
    "   0: 076433C6:0050 0100007F:9C40 06 00000000:00000000 03:00001770 00000000     0        "
    "0 0 3 0000000000000000\n"
    /* 198.51.100.8: another's */
    "   1: 086433C6:0050 0100007F:9C41 06 00000000:00000000 03:00001770 00000000     0        "
    "0 0 3 0000000000000000\n"
    /* the zone's loopback 127.9.8.7, established, inode 77 (the zone's) */
    "   2: 0708097F:1F90 0708097F:A000 01 00000000:00000000 00:00000000 00000000  1000        "
    "0 77 1 0000000000000000\n"
    /* close-wait, inode 78 (not the zone's) */
    "   3: 0708097F:1F91 0708097F:A001 08 00000000:00000000 00:00000000 00000000  1000        "
    "0 78 1 0000000000000000\n"
    "   4: garbage\n"
    "   5:\n";

static void tw_view(struct lxproc_netsocks *z)
{
	static const uint64_t ino[] = {77};

	memset(z, 0, sizeof(*z));
	z->inodes = ino;
	z->ninodes = 1;
	z->addr[0].family = 2;
	memcpy(z->addr[0].bytes, (uint8_t[]){198, 51, 100, 7}, 4);
	z->naddr = 1;
	memcpy(z->lo4, (uint8_t[]){127, 9, 8, 7}, 4);
}

static void test_no_inode_and_loopback(void **state)
{
	struct lxproc_netsocks z;
	struct lx_buf b;

	(void)state;
	tw_view(&z);
	lx_buf_init(&b, out, sizeof(out) - 1);
	assert_int_equal(lxproc_net_sockets(&z, LXPROC_TAB_TCP,
					    (struct lx_text){tw_text, sizeof(tw_text) - 1}, &b),
			 LXPROC_OK);
	out[b.len] = 0;
	assert_non_null(strstr(out, "\n   0: 076433C6:0050 0100007F:9C40 06"));
	assert_null(strstr(out, "086433C6"));
	/* the zone's loopback, both ends, as 127.0.0.1; renumbered */
	assert_non_null(strstr(out, "\n   1: 0100007F:1F90 0100007F:A000 01"));
	assert_null(strstr(out, "0708097F"));
	assert_null(strstr(out, "garbage"));
	assert_int_equal(
	    lxproc_net_estab(&z, LXPROC_TAB_TCP, (struct lx_text){tw_text, sizeof(tw_text) - 1}),
	    1);
	z.inodes = (const uint64_t[]){77, 78};
	z.ninodes = 2;
	assert_int_equal(
	    lxproc_net_estab(&z, LXPROC_TAB_TCP, (struct lx_text){tw_text, sizeof(tw_text) - 1}),
	    2);
}

static void test_snmp(void **state)
{
	size_t len = 0;
	char *host = slurp("proc-net-snmp", &len);
	struct lx_buf b;
	char *tcp;

	(void)state;
	assert_non_null(host);
	lx_buf_init(&b, out, sizeof(out) - 1);
	assert_int_equal(lxproc_net_snmp((struct lx_text){host, len}, 3, &b), LXPROC_OK);
	out[b.len] = 0;
	/* everything before Tcp's values is the host's, byte for byte */
	tcp = strstr(host, "\nTcp: ");
	assert_non_null(tcp);
	tcp = strstr(tcp + 1, "\nTcp: ");
	assert_non_null(tcp);
	assert_memory_equal(out, host, (size_t)(tcp - host) + 1);
	{
		char names[1024], values[1024];
		char *n = strstr(out, "\nTcp: "), *v;
		int col = 0, k = 0;
		char *save1 = NULL, *save2 = NULL, *a, *c;

		assert_non_null(n);
		v = strchr(n + 1, '\n');
		assert_non_null(v);
		snprintf(names, sizeof(names), "%.*s", (int)(v - n - 1), n + 1);
		snprintf(values, sizeof(values), "%.*s", (int)strcspn(v + 1, "\n"), v + 1);
		for (a = strtok_r(names, " ", &save1); a; a = strtok_r(NULL, " ", &save1), col++)
			if (strcmp(a, "CurrEstab") == 0)
				break;
		assert_true(col > 0);
		for (c = strtok_r(values, " ", &save2); c && k < col;
		     c = strtok_r(NULL, " ", &save2))
			k++;
		assert_non_null(c);
		assert_string_equal(c, "3");
	}
	/* and everything after it */
	{
		const char *h = strchr(tcp + 1, '\n'), *o = strstr(out, "\nTcp: ");
		o = strchr(strstr(o + 1, "\nTcp: ") + 1, '\n');
		assert_non_null(h);
		assert_string_equal(o, h);
	}
	free(host);
}

static void test_truncated_and_garbage(void **state)
{
	struct lxproc_netsocks z;
	struct lx_buf b;
	char small[40], text[512];

	(void)state;
	tw_view(&z);
	lx_buf_init(&b, small, sizeof(small));
	assert_int_equal(lxproc_net_sockets(&z, LXPROC_TAB_TCP,
					    (struct lx_text){tw_text, sizeof(tw_text) - 1}, &b),
			 LXPROC_ETRUNC);
	srand(3);
	for (int round = 0; round < 2000; round++) {
		size_t n = (size_t)rand() % sizeof(text);
		for (size_t i = 0; i < n; i++)
			text[i] = "0123456789ABCDEF: \n\tx"[rand() % 21];
		lx_buf_init(&b, out, sizeof(out));
		lxproc_net_sockets(&z, (enum lxproc_socktab)(round % 5), (struct lx_text){text, n},
				   &b);
		assert_true(b.len <= n + n / 4 + 64);
		lx_buf_init(&b, out, sizeof(out));
		lxproc_net_snmp((struct lx_text){text, n}, 5, &b);
		lxproc_net_estab(&z, LXPROC_TAB_TCP6, (struct lx_text){text, n});
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tcp),
	    cmocka_unit_test(test_tcp6_udp_unix),
	    cmocka_unit_test(test_no_inode_and_loopback),
	    cmocka_unit_test(test_snmp),
	    cmocka_unit_test(test_truncated_and_garbage),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
