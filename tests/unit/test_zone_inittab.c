/* An inittab's terminals (zone/inittab.c): the ttys beyond the zone's `ttys` that Debian's
 * sysvinit and busybox's inittabs respawn programs on, and the entries that are not that. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "zone/inittab.h"

static size_t scan(const char *text, unsigned long ttys, unsigned *out)
{
	return zone_inittab_missing_ttys(text, strlen(text), ttys, out, ZONE_INITTAB_MAX_TTYS);
}

/* Debian bookworm's sysvinit-core inittab, its getty part */
static const char debian[] = "id:2:initdefault:\n"
			     "si::sysinit:/etc/init.d/rcS\n"
			     "l2:2:wait:/etc/init.d/rc 2\n"
			     "ca:12345:ctrlaltdel:/sbin/shutdown -t1 -a -r now\n"
			     "1:2345:respawn:/sbin/getty --noclear 38400 tty1\n"
			     "2:23:respawn:/sbin/getty 38400 tty2\n"
			     "3:23:respawn:/sbin/getty 38400 tty3\n"
			     "4:23:respawn:/sbin/getty 38400 tty4\n"
			     "5:23:respawn:/sbin/getty 38400 tty5\n"
			     "6:23:respawn:/sbin/getty 38400 tty6\n"
			     "#T0:23:respawn:/sbin/getty -L ttyS0 9600 vt100\n"
			     "#7:23:respawn:/sbin/getty 38400 tty7\n";

static void test_debian(void **state)
{
	unsigned t[ZONE_INITTAB_MAX_TTYS];
	(void)state;

	assert_int_equal(scan(debian, 6, t), 0);
	assert_int_equal(scan(debian, 12, t), 0);
	assert_int_equal(scan(debian, 2, t), 4);
	assert_int_equal(t[0], 3);
	assert_int_equal(t[3], 6);
	assert_int_equal(scan(debian, 0, t), 6);
	assert_int_equal(t[0], 1);
}

/* busybox: the id names the tty the process runs on, whatever the process */
static void test_busybox(void **state)
{
	static const char bb[] = "::sysinit:/etc/init.d/rcS\n"
				 "tty2::respawn:/bin/sh\n"
				 "/dev/tty3::askfirst:-/bin/sh\n"
				 "tty4::once:/bin/sh\n"
				 "::respawn:/sbin/getty 38400 tty5\n"
				 "::respawn:/bin/busybox getty 38400 /dev/tty7\n"
				 "console::respawn:/bin/sh\n"
				 "::respawn:/bin/httpd -f -h /srv/tty9\n"
				 "::shutdown:/bin/umount -a -r\n";
	unsigned t[ZONE_INITTAB_MAX_TTYS];
	(void)state;

	assert_int_equal(scan(bb, 1, t), 4);
	assert_int_equal(t[0], 2);
	assert_int_equal(t[1], 3);
	assert_int_equal(t[2], 5);
	assert_int_equal(t[3], 7);
	assert_int_equal(scan(bb, 7, t), 0);
}

/* what is not an entry, or not a terminal of a zone: nothing, and never past the text */
static void test_odd(void **state)
{
	static const char odd[] = "\n   \n# 8:23:respawn:/sbin/getty 38400 tty8\n"
				  "9:23:respawn\n"
				  "10:23:respawn:/sbin/getty 38400 tty0\n"
				  "11:23:respawn:/sbin/getty 38400 ttyS1 tty\n"
				  "12:23:respawn:/sbin/getty 38400 tty123456\n"
				  "  13:23:respawn:/sbin/agetty tty11 38400\n"
				  "14:23:respawn:/sbin/getty 38400 tty11\n"
				  "15:23:respawn:/sbin/getty 38400 tty12";
	unsigned t[ZONE_INITTAB_MAX_TTYS];
	(void)state;

	assert_int_equal(scan(odd, 6, t), 2);
	assert_int_equal(t[0], 11);
	assert_int_equal(t[1], 12);
	/* a text cut inside an entry: what is there is read, nothing beyond */
	assert_int_equal(zone_inittab_missing_ttys(debian, 60, 0, t, ZONE_INITTAB_MAX_TTYS), 0);
	assert_int_equal(zone_inittab_missing_ttys(debian, strlen(debian), 0, t, 2), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_debian),
	    cmocka_unit_test(test_busybox),
	    cmocka_unit_test(test_odd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
