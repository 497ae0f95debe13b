/* Zone network naming and addressing (the pure parts of zone/net.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "zone/config.h"
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
	zone_net_host_ifname("web1", 0, a, sizeof(a));
	zone_net_host_ifname("web2", 0, b, sizeof(b));
	zone_net_host_ifname("a-very-long-zone-name-that-would-never-fit-in-ifnamsiz", 7, c,
			     sizeof(c));
	assert_true(strlen(a) < 16 && strlen(c) < 16);
	assert_memory_equal(a, "lxz", 3);
	assert_string_not_equal(a, b);
	zone_net_host_ifname("web1", 0, b, sizeof(b));
	assert_string_equal(a, b); /* stable across runs */
	/* a zone's further interfaces: the same hash, their index */
	zone_net_host_ifname("web1", 3, b, sizeof(b));
	assert_int_equal(strlen(b), 13);
	assert_memory_equal(a, b, strlen(a));
	assert_string_equal(b + strlen(a), "n3");
}

/* one interface entry: parsed, or refused with a line that names what is wrong */
static void test_netif_parse(void **state)
{
	(void)state;
	struct zone_netif n;
	struct zone_error err;

	assert_int_equal(zone_netif_parse("eth1,address=10.0.5.2/24,address=fd00:5::2/64,"
					  "gateway=10.0.5.1,gateway=fd00:5::1",
					  &n, &err),
			 0);
	assert_string_equal(n.name, "eth1");
	assert_int_equal(n.naddr, 2);
	assert_string_equal(n.addr[1], "fd00:5::2/64");
	assert_string_equal(n.gw[0], "10.0.5.1");
	assert_string_equal(n.gw[1], "fd00:5::1");
	assert_string_equal(n.bridge, "");
	assert_int_equal(zone_netif_parse("net1,bridge=br0,address=192.168.9.7/24", &n, &err), 0);
	assert_string_equal(n.bridge, "br0");
	/* a bridged interface has no host end: any prefix; IPv6 link-local gateway */
	assert_int_equal(
	    zone_netif_parse("eth2,bridge=br0,address=fd00:7::2/127,gateway=fe80::1", &n, &err), 0);
	/* a macvlan of a host interface: no host end either */
	assert_int_equal(zone_netif_parse("eth4,macvlan=eth0,address=192.168.9.8/24,"
					  "gateway=192.168.9.1",
					  &n, &err),
			 0);
	assert_string_equal(n.macvlan, "eth0");
	assert_false(ZONE_NETIF_ROUTED(&n));
	/* no address at all (configured inside the zone) */
	assert_int_equal(zone_netif_parse("eth3,bridge=br0", &n, &err), 0);

	static const struct {
		const char *spec, *msg;
	} bad[] = {
	    {"", "is not NAME"},
	    {"address=10.0.5.2/24", "does not start with the interface's name"},
	    {"lo,address=10.0.5.2/24", "loopback"},
	    {"a-name-far-too-long,address=10.0.5.2/24", "not an interface name"},
	    {"eth1,address=10.0.5.2", "not an address/prefix"},
	    {"eth1,address=10.0.5.300/24", "not an address/prefix"},
	    {"eth1,address=10.0.5.2/33", "not an address/prefix"},
	    {"eth1,address=fd00::2/129", "not an address/prefix"},
	    {"eth1,address=fd00::g/64", "not an address/prefix"},
	    {"eth1,address=10.0.5.2/24,", "is not NAME"},
	    {"eth1,,address=10.0.5.2/24", "is not NAME"},
	    {"eth1,address=10.0.5.0/24", "network address of 10.0.5.0/24"},
	    {"eth1,address=10.0.5.255/24", "broadcast address of 10.0.5.0/24"},
	    {"eth1,address=10.0.5.2/31", "room for the host end"},
	    {"eth1,address=127.0.0.5/8", "address 127.0.0.5/8 is loopback"},
	    {"eth1,address=224.1.1.1/24", "is multicast"},
	    {"eth1,address=0.0.0.1/24", "is in 0.0.0.0/8"},
	    {"eth1,bridge=b,address=255.255.255.255/32", "is the broadcast address"},
	    {"eth1,address=::1/64", "is loopback"},
	    {"eth1,address=::/64", "is the unspecified address"},
	    {"eth1,address=ff02::5/64", "is multicast"},
	    {"eth1,address=fd00::2/64,gateway=ff02::2", "gateway ff02::2 is multicast"},
	    {"eth1,address=10.0.5.2/24,gateway=0.0.0.0", "gateway 0.0.0.0 is in 0.0.0.0/8"},
	    {"eth1,address=fd00::2/127", "room for the host end"},
	    {"eth1,address=10.0.5.2/24,gateway=10.0.6.1",
	     "gateway 10.0.6.1 is on none of its IPv4"},
	    {"eth1,address=10.0.5.2/24,gateway=10.0.5.1/24", "(no prefix)"},
	    {"eth1,address=10.0.5.2/24,gateway=10.0.5.2", "the zone's own address"},
	    {"eth1,address=10.0.5.2/24,gateway=10.0.5.1,gateway=10.0.5.3", "two IPv4 gateways"},
	    {"eth1,address=10.0.5.2/24,gateway=fd00::1", "on none of its IPv6 subnets"},
	    {"eth1,bridge=br0,bridge=br1", "one host side: bridge= or macvlan=, once"},
	    {"eth1,bridge=br0,macvlan=eth0", "one host side"},
	    {"eth1,macvlan=lo", "macvlan parent 'lo' is the host's loopback"},
	    {"eth1,bridge=a/b", "not an interface name"},
	    {"eth1,mtu=1500", "unknown option 'mtu' (address=, gateway=, bridge=, macvlan=)"},
	    {"eth1,addr=10.0.5.2/24", "unknown option 'addr'"},
	    {"eth1,address=1.0.0.1/8,address=1.0.0.2/8,address=1.0.0.3/8,address=1.0.0.4/8,"
	     "address=1.0.0.5/8,address=1.0.0.6/8,address=1.0.0.7/8,address=1.0.0.8/8,"
	     "address=1.0.0.9/8",
	     "at most 8 addresses"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err.msg[0] = '\0';
		if (zone_netif_parse(bad[i].spec, &n, &err) != -1 || !strstr(err.msg, bad[i].msg))
			fail_msg("'%s': got '%s', wanted '%s'", bad[i].spec, err.msg, bad[i].msg);
		assert_null(strchr(err.msg, '\n'));
	}
}

/* a configuration as create builds it: KEY=VALUE assignments, then the cross-key check */
static int cfg_check(const char *const *kv, struct zone_error *err)
{
	json_t *cfg;
	int r = 0;

	assert_int_equal(zone_config_new("h3t", &cfg, err), 0);
	for (size_t i = 0; kv[i] && r == 0; i++) {
		/* as config.json holds it: a bridge's existence is the host's, checked when
		 * the entry is set (below) and at boot, not by the cross-key check */
		if (strncmp(kv[i], "interface+=", 11) == 0)
			json_array_append_new(json_object_get(cfg, "interface"),
					      json_string(kv[i] + 11));
		else
			r = zone_config_assign(cfg, kv[i], err);
	}
	if (r == 0)
		r = zone_config_check(cfg, err);
	json_decref(cfg);
	return r;
}

static void test_config_interfaces(void **state)
{
	(void)state;
	struct zone_error err;
	struct zone_netif ifs[ZONE_NET_IF_MAX];
	size_t n;
	json_t *cfg;

	/* address (eth0, default routes via its host ends) and a further interface */
	assert_int_equal(zone_config_new("h3t", &cfg, &err), 0);
	assert_int_equal(zone_config_assign(cfg, "net=exclusive", &err), 0);
	assert_int_equal(zone_config_assign(cfg, "address=10.0.3.2/24,fd00:3::2/64", &err), 0);
	assert_int_equal(zone_config_assign(cfg, "interface+=eth1,address=10.0.5.2/24", &err), 0);
	assert_int_equal(zone_config_check(cfg, &err), 0);
	assert_int_equal(zone_net_ifaces(cfg, ifs, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ifs[0].name, "eth0");
	assert_true(ifs[0].from_address);
	assert_string_equal(ifs[0].gw[0], "10.0.3.1");
	assert_string_equal(ifs[0].gw[1], "fd00:3::1");
	assert_string_equal(ifs[1].name, "eth1");
	assert_string_equal(ifs[1].gw[0], "");
	json_decref(cfg);

	/* interfaces alone, eth0 among them */
	const char *ok[] = {"net=exclusive", "interface+=eth0,address=10.0.3.2/24,gateway=10.0.3.1",
			    "interface+=eth1,address=fd00:5::2/64,gateway=fd00:5::1",
			    "dns=10.0.3.1,fd00:5::1,lab.example", NULL};
	assert_int_equal(cfg_check(ok, &err), 0);
	/* one subnet on a routed interface and on a bridged or macvlan one: only routed host
	 * ends compete for a subnet's route */
	const char *ok2[] = {"net=exclusive", "address=10.0.3.2/24",
			     "interface+=eth1,address=10.0.3.3/24,bridge=x",
			     "interface+=eth2,address=10.0.3.4/24,macvlan=y", NULL};
	assert_int_equal(cfg_check(ok2, &err), 0);

	static const struct {
		const char *kv[4], *msg;
	} bad[] = {
	    {{"net=exclusive"}, "needs an address (address=ADDR/PREFIX) or an interface"},
	    {{"interface+=eth1,address=10.0.5.2/24"}, "interface is for net=exclusive"},
	    {{"net=shared", "address=10.0.5.2/32", "interface+=eth1,address=10.0.6.2/24"},
	     "interface is for net=exclusive"},
	    {{"net=exclusive", "address=10.0.3.2/24", "interface+=eth0,address=10.0.5.2/24"},
	     "two interfaces named eth0 (address is eth0's)"},
	    {{"net=exclusive", "interface+=eth1,address=10.0.5.2/24",
	      "interface+=eth1,address=10.0.6.2/24"},
	     "two interfaces named eth1"},
	    {{"net=exclusive", "address=10.0.3.2/24", "interface+=eth1,address=10.0.3.2/24"},
	     "address 10.0.3.2 is on eth0 and eth1"},
	    {{"net=exclusive", "interface+=eth1,address=10.0.5.2/24,bridge=x",
	      "interface+=eth2,address=10.0.5.2/16,bridge=y"},
	     "address 10.0.5.2 is on eth1 and eth2"},
	    {{"net=exclusive", "address=10.0.3.2/24", "interface+=eth1,address=10.0.3.9/25"},
	     "eth1's subnet 10.0.3.0/25 overlaps eth0's 10.0.3.0/24"},
	    {{"net=exclusive", "address=10.0.3.2/24",
	      "interface+=eth1,address=10.0.3.2/24,macvlan=x"},
	     "address 10.0.3.2 is on eth0 and eth1"},
	    {{"net=exclusive", "address=10.0.3.2/24",
	      "interface+=eth1,address=10.0.5.2/24,gateway=10.0.5.1"},
	     "two IPv4 default routes: eth0's via 10.0.3.1 (address gives eth0"},
	    {{"net=exclusive", "interface+=eth1,address=fd00:5::2/64,gateway=fd00:5::1",
	      "interface+=eth2,address=fd00:6::2/64,gateway=fd00:6::1"},
	     "two IPv6 default routes: eth1's via fd00:5::1 and eth2's via fd00:6::1"},
	    {{"net=exclusive", "address=10.0.3.2/24,10.0.4.2/24"}, "one IPv4 and one IPv6"},
	    {{"net=exclusive", "address=10.0.3.0/24"}, "network address of 10.0.3.0/24"},
	    {{"net=exclusive", "address=10.0.3.2/24,ff02::3/64"}, "ff02::3/64 is multicast"},
	    {{"net=exclusive", "address=10.0.3.2/24", "identity-files=never", "dns=10.0.3.1"},
	     "identity-files=never"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *kv[5] = {bad[i].kv[0], bad[i].kv[1], bad[i].kv[2], bad[i].kv[3], NULL};
		err.msg[0] = '\0';
		if (cfg_check(kv, &err) != -1 || !strstr(err.msg, bad[i].msg))
			fail_msg("case %zu: got '%s', wanted '%s'", i, err.msg, bad[i].msg);
	}

	/* setting an entry checks the host: the bridge must exist */
	assert_int_equal(zone_config_new("h3t", &cfg, &err), 0);
	assert_int_equal(
	    zone_config_assign(cfg, "interface+=eth1,address=10.0.5.2/24,bridge=h3nosuchbr0", &err),
	    -1);
	assert_non_null(strstr(err.msg, "interface: eth1: bridge h3nosuchbr0: no such interface"));
	json_decref(cfg);

	/* nine interfaces: one too many */
	assert_int_equal(zone_config_new("h3t", &cfg, &err), 0);
	assert_int_equal(zone_config_assign(cfg, "net=exclusive", &err), 0);
	for (int i = 0; i < 9; i++) {
		char kv[96];
		snprintf(kv, sizeof(kv), "interface+=eth%d,address=10.0.%d.2/24", i, 10 + i);
		assert_int_equal(zone_config_assign(cfg, kv, &err), 0);
	}
	assert_int_equal(zone_config_check(cfg, &err), -1);
	assert_non_null(strstr(err.msg, "at most 8 interfaces"));
	json_decref(cfg);
}

static void test_dns(void **state)
{
	(void)state;
	struct zone_error err;
	char buf[1024];

	assert_int_equal(zone_dns_check("", &err), 0);
	assert_int_equal(zone_dns_check("10.0.5.1,fd00:5::1,lab.example,corp.example.com", &err),
			 0);
	int len =
	    zone_dns_resolv("10.0.5.1,lab.example,fd00:5::1,corp.example.com", buf, sizeof(buf));
	assert_int_equal(len, (int)strlen(buf));
	assert_string_equal(buf, "# written by lxzone at boot from the zone's dns key\n"
				 "nameserver 10.0.5.1\n"
				 "nameserver fd00:5::1\n"
				 "search lab.example corp.example.com\n");
	/* nameservers only: no search line */
	zone_dns_resolv("9.9.9.9", buf, sizeof(buf));
	assert_null(strstr(buf, "search"));
	assert_int_equal(zone_dns_resolv("9.9.9.9", buf, 20), -1);

	static const struct {
		const char *v, *msg;
	} bad[] = {
	    {"10.0.5.1,", "ends with a comma"},
	    {",10.0.5.1", "is not a list"},
	    {"10.0.5", "'10.0.5' is not an IP address"},
	    {"fd00::5::1", "is not an IP address"},
	    {"10.0.5.1/24", "neither an IP address"},
	    {"-bad.example", "neither an IP address"},
	    {"a..b", "neither an IP address"},
	    {"1.1.1.1,1.0.0.1,8.8.8.8,9.9.9.9", "at most 3 nameservers"},
	    {"a.x,b.x,c.x,d.x,e.x,f.x,g.x", "at most 6 search domains"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err.msg[0] = '\0';
		if (zone_dns_check(bad[i].v, &err) != -1 || !strstr(err.msg, bad[i].msg))
			fail_msg("'%s': got '%s', wanted '%s'", bad[i].v, err.msg, bad[i].msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_host_address), cmocka_unit_test(test_ifname_fits_and_differs),
	    cmocka_unit_test(test_netif_parse),	 cmocka_unit_test(test_config_interfaces),
	    cmocka_unit_test(test_dns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
