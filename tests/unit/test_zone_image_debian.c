/* debian:SUITE[+PKG,...] parsing (zone/image_debian.c) and the /etc/hosts text
 * (zone/identity.c): pure functions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* lxzone-debian-image's stderr as a build shows it (stderr not a terminal): each debootstrap
 * phase under its name with its quarters, the messages as they are, the units not shown. */
static void progress(void **state)
{
	static const char *const in[] = {
	    "debootstrap bookworm from http://deb.debian.org/debian\n",
	    "progress 0 100 DOWNREL\n",
	    "  Retrieving InRelease \n",
	    "progress 67 100\n",
	    "progress 100 100 DOWNREL\n",
	    "progress 0 50060337 DOWNPKGS\n",
	    "progress 20000000 50060337\n",
	    "progress 40000000 50060337\n", /* the phase ends at 79%: its 100% line */
	    "progress 0 120 DOWNDEBS\n",
	    "progress 60 120\n",
	    "progress 1 2 NEWPHASE\n", /* an unknown one: its own name; the last one ends */
	};
	struct zone_debian_progress dp = {.name = "debian:bookworm"};
	FILE *f = tmpfile();
	int saved = dup(2);
	char out[2048];
	size_t n;

	(void)state;
	fflush(stderr);
	dup2(fileno(f), 2);
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		zone_debian_progress_line(&dp, in[i]);
	zone_debian_progress_end(&dp);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	fclose(f);
	assert_string_equal(out, "debootstrap bookworm from http://deb.debian.org/debian\n"
				 "  Retrieving InRelease \n"
				 "debian:bookworm: fetch the release file 50%\n"
				 "debian:bookworm: fetch the release file 100%\n"
				 "debian:bookworm: fetch the package lists 25%\n"
				 "debian:bookworm: fetch the package lists 75%\n"
				 "debian:bookworm: fetch the package lists 100%\n"
				 "debian:bookworm: download packages 50%\n"
				 "debian:bookworm: download packages 100%\n"
				 "debian:bookworm: NEWPHASE 50%\n");
}

int main(void)
{
	setenv("LXZONE_PROGRESS_AFTER_MS", "0", 1); /* the lines of these instant phases */
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(suites), cmocka_unit_test(packages), cmocka_unit_test(inits),
	    cmocka_unit_test(hosts),  cmocka_unit_test(progress),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
