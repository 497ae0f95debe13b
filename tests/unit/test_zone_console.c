/* The console log's cap and rotation (zone/console.c), in a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zone/console.h"
#include "zone/fsutil.h"

static char dir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_zone_console.%d", (int)getpid());
	assert_int_equal(mkdir(dir, 0700), 0);
	return 0;
}

static int teardown(void **state)
{
	struct zone_error err;

	(void)state;
	zone_rmtree(dir, &err);
	return 0;
}

/* size of dir/name, -1 when absent */
static long fsize(const char *name)
{
	char p[512];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

static void slurp(const char *name, char *buf, size_t len)
{
	char p[512];
	FILE *f;
	size_t n;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "r");
	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void put(const char *name, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* 1000 bytes in odd pieces, cap 100, 3 files: console.log and .1, .2 full to the byte, no .3,
 * and the newest bytes last in console.log */
static void test_rotate(void **state)
{
	struct zone_console c;
	struct zone_error err;
	char buf[256], piece[37];
	int i;

	(void)state;
	assert_int_equal(zone_console_open(&c, dir, 100, 3, &err), 0);
	for (i = 0; i < 27; i++) {
		memset(piece, 'a' + i % 26, sizeof(piece));
		zone_console_write(&c, piece, sizeof(piece));
	}
	zone_console_write(&c, "END\n", 4); /* 27 * 37 + 4 = 1003 bytes */
	assert_true(fsize("console.log") <= 100);
	assert_int_equal(fsize("console.log.1"), 100);
	assert_int_equal(fsize("console.log.2"), 100);
	assert_int_equal(fsize("console.log.3"), -1);
	/* the newest 3 bytes in console.log, the 100 before them in .1: nothing lost between */
	slurp("console.log", buf, sizeof(buf));
	assert_string_equal(buf, "ND\n");
	slurp("console.log.1", buf, sizeof(buf));
	assert_int_equal(buf[98], 'a'); /* the 27th piece, bytes 962..998 */
	assert_int_equal(buf[99], 'E');
	assert_int_equal(c.dropped, 0);
	zone_console_close(&c);
}

/* one file: emptied when full, never over the cap */
static void test_one_file(void **state)
{
	struct zone_console c;
	struct zone_error err;
	char big[450];

	(void)state;
	memset(big, 'x', sizeof(big));
	assert_int_equal(zone_console_open(&c, dir, 100, 1, &err), 0);
	zone_console_write(&c, big, sizeof(big));
	assert_int_equal(fsize("console.log"), 50);
	assert_int_equal(fsize("console.log.1"), -1);
	zone_console_close(&c);
}

/* the supervisor's own line is never split by a rotation: 90 bytes of zone output, then a
 * 30-byte line with a cap of 100 goes whole into a new console.log (the zone's 90 bytes in
 * .1), where zone output would fill console.log to the byte */
static void test_printf_whole(void **state)
{
	struct zone_console c;
	struct zone_error err;
	char buf[256], out[90];

	(void)state;
	memset(out, 'z', sizeof(out));
	assert_int_equal(zone_console_open(&c, dir, 100, 3, &err), 0);
	zone_console_write(&c, out, sizeof(out));
	zone_console_printf(&c, "lxzone: zone %s halted, init %d\n", "abcdef", 137);
	slurp("console.log", buf, sizeof(buf));
	assert_string_equal(buf, "lxzone: zone abcdef halted, init 137\n");
	assert_int_equal(fsize("console.log.1"), 90);
	/* a line that fits goes on in the same file */
	zone_console_printf(&c, "next\n");
	assert_int_equal(fsize("console.log"), (long)strlen("lxzone: zone abcdef halted, init 137\n") + 5);
	assert_int_equal(fsize("console.log.1"), 90);
	assert_int_equal(c.dropped, 0);
	zone_console_close(&c);
}

/* at open: a console.log already at the cap is rotated, files past the count are removed,
 * and an unlimited log is never rotated */
static void test_open(void **state)
{
	struct zone_console c;
	struct zone_error err;
	char big[300];

	(void)state;
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	put("console.log", big);
	put("console.log.1", "old1");
	put("console.log.2", "old2");
	put("console.log.3", "old3");
	assert_int_equal(zone_console_open(&c, dir, 100, 2, &err), 0);
	assert_int_equal(fsize("console.log"), 0);
	assert_int_equal(fsize("console.log.1"), 299);
	assert_int_equal(fsize("console.log.2"), -1);
	assert_int_equal(fsize("console.log.3"), -1);
	zone_console_close(&c);

	assert_int_equal(zone_console_open(&c, dir, UINT64_MAX, 3, &err), 0);
	zone_console_write(&c, big, 299);
	zone_console_write(&c, big, 299);
	assert_int_equal(fsize("console.log"), 598);
	zone_console_close(&c);
}

/* the pipe: what was written before the writers went is all drained, and the read end is
 * closed at its end */
static void test_pipe_drain(void **state)
{
	struct zone_console c;
	struct zone_error err;
	int saved_out = dup(1), saved_err = dup(2);
	char buf[64];

	(void)state;
	assert_int_equal(zone_console_open(&c, dir, 1000, 2, &err), 0);
	assert_int_equal(zone_console_pipe_stdio(&c, &err), 0);
	assert_int_equal(write(1, "from init\n", 10), 10);
	assert_int_equal(write(2, "its last words\n", 15), 15);
	/* stdio back to the log; the write end is now only ours at 1 and 2 */
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(c.wfd);
	c.wfd = -1;
	zone_console_drain(&c);
	assert_int_equal(c.rfd, -1);
	slurp("console.log", buf, sizeof(buf));
	assert_string_equal(buf, "from init\nits last words\n");
	zone_console_printf(&c, "lxzone: zone %s stopped\n", "z");
	slurp("console.log", buf, sizeof(buf));
	assert_string_equal(buf, "from init\nits last words\nlxzone: zone z stopped\n");
	zone_console_close(&c);
	close(saved_out);
	close(saved_err);
}

/* sigwait copies the zone's output while it waits and still returns a pending signal */
static void test_sigwait(void **state)
{
	struct zone_console c;
	struct zone_error err;
	struct timespec ts = {0, 50 * 1000 * 1000};
	int saved_out = dup(1), saved_err = dup(2);
	sigset_t set;
	siginfo_t si;
	char buf[64];
	int w;

	(void)state;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	assert_int_equal(zone_console_open(&c, dir, 1000, 2, &err), 0);
	assert_int_equal(zone_console_pipe_stdio(&c, &err), 0);
	w = dup(c.wfd);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	assert_int_equal(write(w, "hello\n", 6), 6);
	assert_int_equal(zone_console_sigwait(&c, &set, &si, &ts), -1);
	slurp("console.log", buf, sizeof(buf));
	assert_string_equal(buf, "hello\n");
	kill(getpid(), SIGUSR1);
	assert_int_equal(zone_console_sigwait(&c, &set, &si, &ts), SIGUSR1);
	/* nothing written, nothing pending: a timeout */
	assert_int_equal(zone_console_sigwait(&c, &set, &si, &ts), -1);
	close(w);
	zone_console_close(&c);
	close(saved_out);
	close(saved_err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_rotate, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_one_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_printf_whole, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pipe_drain, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sigwait, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
