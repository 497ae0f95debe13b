/*
 * proc/lxproc_net.c's interface files for a net=shared zone (/proc/net/dev, if_inet6, route)
 * on text as this machine's kernel prints it, and the resolved paths the brand serves
 * (lxproc_net_file): what a shared zone sees follows its NETLINK_ROUTE view.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc/lxproc.h"
#include "proc/lxproc_net.h"

static char out[8192];

static const char *run_dev(const char *host, const char *zone_if)
{
	struct lx_buf b;

	lx_buf_init(&b, out, sizeof(out) - 1);
	assert_int_equal(lxproc_net_dev(lx_text_cstr(host), zone_if, &b), LXPROC_OK);
	out[b.len] = 0;
	return out;
}

static const char dev_host[] =
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
    "drop fifo colls carrier compressed\n"
    "    lo: 6176007328 14390924    0    0    0     0          0         0 6176007328 14390924 "
    "   0    0    0     0       0          0\n"
    "  eth0: 1000 10    0    0    0     0          0         0 2000 20    0    0    0     0    "
    "   0          0\n"
    "lxzone0:       0       0    0    0    0     0          0         0      140       2    0 "
    "   0    0     0       0          0\n"
    "lxz1234:       0       0    0    0    0     0          0         0      140       2    0 "
    "   0    0     0       0          0\n";

static void test_dev(void **state)
{
	(void)state;
	const char *s = run_dev(dev_host, "lxzone0");
	assert_non_null(strstr(s, "Inter-|"));
	assert_non_null(strstr(s, " face |"));
	assert_non_null(strstr(s, "    lo: 6176007328"));
	assert_non_null(strstr(s, "lxzone0:"));
	assert_null(strstr(s, "eth0"));
	assert_null(strstr(s, "lxz1234"));
	/* no zone interface: lo alone */
	s = run_dev(dev_host, "");
	assert_null(strstr(s, "lxzone0"));
	assert_non_null(strstr(s, "    lo:"));
}

static void test_if_inet6(void **state)
{
	static const char host[] = "fd000000000000000000000000000002 04 40 00 82     eth0\n"
				   "00000000000000000000000000000001 01 80 10 80       lo\n"
				   "fd770000000000000000000000000007 1d 80 00 80  lxzone0\n"
				   "fd770000000000000000000000000008 1d 80 00 80  lxzone0\n"
				   "fe800000000000000887c3fffecdaa2c 1d 40 20 80  lxzone0\n";
	struct lxproc_netsocks z;
	struct lx_buf b;

	(void)state;
	memset(&z, 0, sizeof(z));
	z.naddr = 2;
	z.addr[0].family = 2; /* 198.51.100.7: no IPv6 row for it */
	memcpy(z.addr[0].bytes, "\xc6\x33\x64\x07", 4);
	z.addr[1].family = 10;
	memcpy(z.addr[1].bytes, "\xfd\x77\0\0\0\0\0\0\0\0\0\0\0\0\0\x07", 16);
	lx_buf_init(&b, out, sizeof(out) - 1);
	assert_int_equal(lxproc_net_if_inet6(&z, lx_text_cstr(host), &b), LXPROC_OK);
	out[b.len] = 0;
	assert_string_equal(out, "fd770000000000000000000000000007 1d 80 00 80  lxzone0\n");
	/* a zone without IPv6 addresses: empty, as the kernel's file with none */
	z.naddr = 1;
	lx_buf_init(&b, out, sizeof(out) - 1);
	assert_int_equal(lxproc_net_if_inet6(&z, lx_text_cstr(host), &b), LXPROC_OK);
	assert_int_equal(b.len, 0);
}

/* The kernel's /proc/net/route: every line padded to 127 columns ("%-127s\n"). */
static char route_host[4 * 128 + 1];

static const char *route_rows[] = {
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
    "eth0\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0",
    "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
    "lxzone0\t006433C6\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
};

static int route_setup(void **state)
{
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < 4; i++)
		n += (size_t)snprintf(route_host + n, sizeof(route_host) - n, "%-127s\n",
				      route_rows[i]);
	return 0;
}

static void test_route(void **state)
{
	struct lx_buf b;
	char *line, *save;
	int n = 0;

	(void)state;
	lx_buf_init(&b, out, sizeof(out) - 1);
	assert_int_equal(lxproc_net_route(lx_text_cstr(route_host), "lxzone0", true, &b),
			 LXPROC_OK);
	out[b.len] = 0;
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
		assert_int_equal(strlen(line), 127); /* "%-127s" as the kernel pads */
		if (n == 0)
			assert_true(strncmp(line, "Iface\tDestination", 17) == 0);
		if (n == 1) /* the default route, through the zone's interface, no gateway */
			assert_true(strncmp(line,
					    "lxzone0\t00000000\t00000000\t0001\t0\t0\t100\t"
					    "00000000\t0\t0\t0 ",
					    45) == 0);
		if (n == 2)
			assert_true(strncmp(line, "lxzone0\t006433C6\t", 17) == 0);
	}
	assert_int_equal(n, 3); /* eth0's subnet route is not the zone's */
	/* no IPv4 address: no default route */
	lx_buf_init(&b, out, sizeof(out) - 1);
	assert_int_equal(lxproc_net_route(lx_text_cstr(route_host), "lxzone0", false, &b),
			 LXPROC_OK);
	out[b.len] = 0;
	assert_null(strstr(out, "00000000\t00000000\t0001"));
	assert_non_null(strstr(out, "lxzone0\t006433C6"));
}

static void test_file(void **state)
{
	(void)state;
	assert_int_equal(lxproc_net_file("/proc/12/net/tcp", 16), LXPROC_NET_TCP);
	assert_int_equal(lxproc_net_file("/proc/12/task/13/net/if_inet6", 29), LXPROC_NET_IF_INET6);
	assert_int_equal(lxproc_net_file("/mnt/p/7/net/snmp", 17), LXPROC_NET_SNMP);
	assert_int_equal(lxproc_net_file("/proc/12/net/unix", 17), LXPROC_NET_UNIX);
	assert_int_equal(lxproc_net_file("/proc/12/net/route", 18), LXPROC_NET_ROUTE);
	assert_int_equal(lxproc_net_file("/proc/12/net/dev", 16), LXPROC_NET_DEV);
	assert_int_equal(lxproc_net_file("/proc/self/net/tcp", 18), LXPROC_NET_NONE);
	assert_int_equal(lxproc_net_file("/proc/12/net/tcp/", 17), LXPROC_NET_NONE);
	assert_int_equal(lxproc_net_file("/proc/12/net/netstat", 20), LXPROC_NET_NONE);
	assert_int_equal(lxproc_net_file("/proc/12/nett/tcp", 17), LXPROC_NET_NONE);
	assert_int_equal(lxproc_net_file("12/net/tcp", 10), LXPROC_NET_NONE);
	assert_int_equal(lxproc_net_file("/tmp/net/tcp", 12), LXPROC_NET_NONE);
	assert_int_equal(lxproc_net_file("", 0), LXPROC_NET_NONE);
	assert_true(lxproc_net_name("udp6"));
	assert_false(lxproc_net_name("udp7"));
	assert_false(lxproc_net_name(""));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The dump's inodes, sorted for the tables' binary search: every length, duplicates. */
static void test_sort_inodes(void **state)
{
	static uint64_t v[300], w[300];

	(void)state;
	srand(7);
	for (size_t n = 0; n <= 300; n += (n < 20 ? 1 : 37)) {
		for (size_t i = 0; i < n; i++)
			v[i] = w[i] = (uint64_t)(rand() % 50) << (rand() % 2 ? 33 : 0);
		lxproc_net_sort_inodes(v, n);
		qsort(w, n, sizeof(w[0]), cmp_u64);
		assert_memory_equal(v, w, n * sizeof(v[0]));
	}
}

/* Random text never makes a generator write past its buffer or loop. */
static void test_garbage(void **state)
{
	char text[512], small[64];
	struct lxproc_netsocks z;
	struct lx_buf b;

	(void)state;
	memset(&z, 0, sizeof(z));
	srand(12);
	for (int round = 0; round < 3000; round++) {
		size_t n = (size_t)rand() % sizeof(text);
		for (size_t i = 0; i < n; i++)
			text[i] = "0123456789abcdef:| \n\tlox"[rand() % 24];
		lx_buf_init(&b, small, sizeof(small));
		lxproc_net_dev((struct lx_text){text, n}, "lxzone0", &b);
		assert_true(b.len <= sizeof(small));
		lx_buf_init(&b, small, sizeof(small));
		lxproc_net_if_inet6(&z, (struct lx_text){text, n}, &b);
		lx_buf_init(&b, out, sizeof(out));
		lxproc_net_route((struct lx_text){text, n}, "lxzone0", true, &b);
		assert_true(b.len <= sizeof(out));
		lxproc_net_file(text, n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dev),		cmocka_unit_test(test_if_inet6),
	    cmocka_unit_test(test_route),	cmocka_unit_test(test_file),
	    cmocka_unit_test(test_sort_inodes), cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests(tests, route_setup, NULL);
}
