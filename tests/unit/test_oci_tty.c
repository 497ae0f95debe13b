/*
 * lxzone-oci's own terminal relay (cli/oci_tty.c), on pseudo-terminals made here: one stands
 * for the caller's terminal, one for the container's.  What runc's tty.go does to them: the
 * caller's raw with output processing kept, the container's without ONLCR and sized as the
 * caller's; the program's output copied out and drained after it exits, its status returned;
 * the caller's modes restored; with no terminal anywhere, runc's words.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cli/oci.h"

#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

/* Our stand-in for the caller's terminal: its slave side (a terminal), 33x101. */
static int caller_term(int *master)
{
	int m, s;
	struct winsize ws = {.ws_row = 33, .ws_col = 101};

	assert_int_equal(openpty(&m, &s, NULL, NULL, &ws), 0);
	*master = m;
	return s;
}

static void test_use_modes_and_size(void **state)
{
	struct oci_tty t = {.host = -1, .sock = -1, .master = -1};
	struct zone_error e = {0};
	struct termios tio, before;
	struct winsize ws;
	int hm, cm, cs, hs = caller_term(&hm);

	(void)state;
	assert_int_equal(openpty(&cm, &cs, NULL, NULL, NULL), 0);
	assert_int_equal(tcgetattr(hs, &before), 0);
	t.host = hs;
	assert_int_equal(oci_tty_use(&t, cm, &e), 0);
	assert_int_equal(tcgetattr(hs, &tio), 0);
	assert_false(tio.c_lflag & (ICANON | ECHO | ISIG));
	assert_true(tio.c_oflag & OPOST); /* runc's SetRaw keeps it */
	assert_int_equal(tcgetattr(cm, &tio), 0);
	assert_false(tio.c_oflag & ONLCR);
	assert_int_equal(ioctl(cs, TIOCGWINSZ, &ws), 0);
	assert_int_equal(ws.ws_row, 33);
	assert_int_equal(ws.ws_col, 101);
	oci_tty_close(&t);
	assert_int_equal(tcgetattr(hs, &tio), 0);
	assert_int_equal(tio.c_lflag, before.c_lflag);
	assert_int_equal(tio.c_oflag, before.c_oflag);
	assert_int_equal(t.master, -1);
	close(cs);
	close(hs);
	close(hm);
}

/* The program writes to its terminal and exits 3: its output reaches our stdout (a pipe
 * here), newlines untranslated (ONLCR off), all of it, and its status is the relay's. */
static void test_relay_output_and_status(void **state)
{
	struct oci_tty t = {.host = -1, .sock = -1, .master = -1};
	struct zone_error e = {0};
	int hm, cm, cs, hs = caller_term(&hm), out[2], saved0 = dup(0), saved1 = dup(1);
	char buf[65536];
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	(void)state;
	assert_int_equal(openpty(&cm, &cs, NULL, NULL, NULL), 0);
	assert_int_equal(pipe(out), 0);
	t.host = hs;
	assert_int_equal(oci_tty_use(&t, cm, &e), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char big[20000];

		memset(big, 'x', sizeof(big));
		if (write(cs, "one\ntwo\n", 8) != 8 || write(cs, big, sizeof(big)) != sizeof(big))
			_exit(1);
		_exit(3);
	}
	close(cs);
	/* the relay's stdout: the pipe (drained by a reader, so 20 kB never block it) */
	pid_t reader = fork();

	assert_true(reader >= 0);
	if (reader == 0) {
		close(out[1]);
		while ((n = read(out[0], buf + got, sizeof(buf) - got)) > 0)
			got += (size_t)n;
		_exit(got == 8 + 20000 && !memcmp(buf, "one\ntwo\nxxx", 11) ? 0 : 1);
	}
	close(out[0]);
	int devnull = open("/dev/null", O_RDONLY);

	dup2(devnull, 0);
	dup2(out[1], 1);
	close(out[1]);
	close(devnull);
	int st = oci_tty_relay(&t, pid);

	dup2(saved0, 0);
	dup2(saved1, 1);
	close(saved0);
	close(saved1);
	oci_tty_close(&t);
	assert_int_equal(st, 3);
	int rst;

	assert_int_equal(waitpid(reader, &rst, 0), reader);
	assert_true(WIFEXITED(rst));
	assert_int_equal(WEXITSTATUS(rst), 0);
	close(hs);
	close(hm);
}

/* No terminal among stdio and no controlling one: runc's error, Go's words. */
static void test_no_terminal(void **state)
{
	pid_t pid = fork();
	int st;

	(void)state;
	assert_true(pid >= 0);
	if (pid == 0) {
		struct oci_tty t;
		struct zone_error e = {0};
		int null = open("/dev/null", O_RDWR);

		setsid(); /* no controlling terminal */
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (oci_tty_host(&t, &e) == 0)
			_exit(2);
		_exit(strcmp(e.msg, "open /dev/tty: no such device or address") ? 1 : 0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_use_modes_and_size),
	    cmocka_unit_test(test_relay_output_and_status),
	    cmocka_unit_test(test_no_terminal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
