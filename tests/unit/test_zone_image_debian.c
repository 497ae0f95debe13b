/* debian:SUITE[+PKG,...] parsing (zone/image_debian.c) and the /etc/hosts text
 * (zone/identity.c): pure functions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "zone/identity.h"
#include "zone/image_debian.h"

static void suites(void **state)
{
	struct zone_debian_spec s;
	struct zone_error err;

	(void)state;
	for (const char *const *p = (const char *const[]){"bullseye", "bookworm", "trixie", NULL};
	     *p; p++) {
		assert_int_equal(zone_debian_parse(*p, NULL, &s, &err), 0);
		assert_string_equal(s.suite, *p);
		assert_string_equal(s.pkgs, "");
	}
	assert_int_equal(zone_debian_parse("buster", NULL, &s, &err), -1);
	assert_non_null(strstr(err.msg, "unknown Debian suite 'buster'"));
	assert_int_equal(zone_debian_parse("", NULL, &s, &err), -1);
	assert_int_equal(zone_debian_parse("bookwormx+a1", NULL, &s, &err), -1);
}

static void packages(void **state)
{
	struct zone_debian_spec s;
	struct zone_error err;

	(void)state;
	assert_int_equal(zone_debian_parse("trixie+nginx,libc6-dev,g++,python3.11", NULL, &s, &err),
			 0);
	assert_string_equal(s.pkgs, "nginx,libc6-dev,g++,python3.11");
	static const char *const bad[] = {"bookworm+",	      "bookworm+Nginx", "bookworm+a,,b",
					  "bookworm+x",	      "bookworm+-x",	"bookworm+a b",
					  "bookworm+a;rm -r", "bookworm+../x"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(zone_debian_parse(bad[i], NULL, &s, &err), -1);
		assert_non_null(strstr(err.msg, "bad package name"));
	}
}

static void inits(void **state)
{
	struct zone_debian_spec s;
	struct zone_error err;

	(void)state;
	assert_int_equal(zone_debian_parse("bookworm+nginx", "systemd", &s, &err), 0);
	assert_string_equal(s.pkgs, "nginx,systemd-sysv,dbus");
	assert_int_equal(zone_debian_parse("bookworm", "sysvinit", &s, &err), 0);
	assert_string_equal(s.pkgs, "sysvinit-core");
	assert_int_equal(zone_debian_parse("bookworm", "upstart", &s, &err), -1);
	assert_non_null(strstr(err.msg, "unknown init 'upstart'"));
}

static void hosts(void **state)
{
	char buf[512], small[16];

	(void)state;
	assert_true(zone_identity_hosts("web", buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "127.0.0.1\tlocalhost\n"));
	assert_non_null(strstr(buf, "127.0.1.1\tweb\n"));
	assert_non_null(strstr(buf, "::1\t\tlocalhost"));
	assert_int_equal(zone_identity_hosts("web", small, sizeof(small)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(suites),
	    cmocka_unit_test(packages),
	    cmocka_unit_test(inits),
	    cmocka_unit_test(hosts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
