/* Zone network naming and addressing (the pure parts of zone/net.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "zone/net.h"

static void test_host_address(void **state)
{
	(void)state;
	char buf[64];
	struct zone_error err;
	assert_int_equal(zone_net_host_address("10.0.3.2/24", buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "10.0.3.1/24");
	/* the zone took .1: the host end takes .2 */
	assert_int_equal(zone_net_host_address("10.0.3.1/24", buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "10.0.3.2/24");
	assert_int_equal(zone_net_host_address("192.168.77.130/25", buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "192.168.77.129/25");
	assert_int_equal(zone_net_host_address("10.0.0.5/31", buf, sizeof(buf), &err), -1);
	/* IPv6 the same way (issue 12) */
	assert_int_equal(zone_net_host_address("fd00::2/64", buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "fd00::1/64");
	assert_int_equal(zone_net_host_address("fd00:3::1/64", buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "fd00:3::2/64");
	assert_int_equal(zone_net_host_address("fd00:3:0:0:8000::9/65", buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "fd00:3::8000:0:0:1/65");
	assert_int_equal(zone_net_host_address("fd00::2/127", buf, sizeof(buf), &err), -1);
	assert_int_equal(zone_net_host_address("fd00::g/64", buf, sizeof(buf), &err), -1);
	/* one address a family */
	assert_int_equal(zone_net_exclusive_check("10.0.3.2/24,fd00:3::2/64", &err), 0);
	assert_int_equal(zone_net_exclusive_check("fd00:3::2/64", &err), 0);
	assert_int_equal(zone_net_exclusive_check("10.0.3.2/24,10.0.4.2/24", &err), -1);
	assert_non_null(strstr(err.msg, "one IPv4 and one IPv6"));
	assert_int_equal(zone_net_exclusive_check("10.0.3.2/24,fd00::2/128", &err), -1);
	assert_non_null(strstr(err.msg, "room for the host end"));
	assert_int_equal(zone_net_host_address("10.0.0.5", buf, sizeof(buf), &err), -1);
}

static void test_ifname_fits_and_differs(void **state)
{
	(void)state;
	char a[16], b[16], c[16];
	zone_net_host_ifname("web1", a, sizeof(a));
	zone_net_host_ifname("web2", b, sizeof(b));
	zone_net_host_ifname("a-very-long-zone-name-that-would-never-fit-in-ifnamsiz", c,
			     sizeof(c));
	assert_true(strlen(a) < 16 && strlen(c) < 16);
	assert_memory_equal(a, "lxz", 3);
	assert_string_not_equal(a, b);
	zone_net_host_ifname("web1", b, sizeof(b));
	assert_string_equal(a, b); /* stable across runs */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_host_address),
	    cmocka_unit_test(test_ifname_fits_and_differs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
