/* One descriptor over a Unix socket (lib/fdpass.c): what arrives, and what a receiver does
 * with a message that carries none, two, or nothing at all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fdpass.h"

static int sv[2];

static int setup(void **state)
{
	(void)state;
	return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv);
}

static int teardown(void **state)
{
	(void)state;
	close(sv[0]);
	close(sv[1]);
	return 0;
}

static int same_file(int a, int b)
{
	struct stat x, y;

	return fstat(a, &x) == 0 && fstat(b, &y) == 0 && x.st_dev == y.st_dev &&
	       x.st_ino == y.st_ino;
}

static int open_count(void)
{
	int n = 0;

	for (int fd = 0; fd < 256; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

static void test_descriptor_and_bytes_arrive(void **state)
{
	int p[2], fd;
	char buf[16] = {0};
	ssize_t n;

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(zone_fd_send(sv[0], p[1], "+ok", 3), 0);
	fd = zone_fd_recv(sv[1], buf, sizeof(buf), &n);
	assert_true(fd >= 0);
	assert_int_equal(n, 3);
	assert_string_equal(buf, "+ok");
	assert_true(same_file(fd, p[1]));
	assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	/* the received end writes into the pipe we hold */
	assert_int_equal(write(fd, "x", 1), 1);
	assert_int_equal(read(p[0], buf, 1), 1);
	assert_int_equal(buf[0], 'x');
	close(fd);
	close(p[0]);
	close(p[1]);
}

static void test_answer_without_descriptor(void **state)
{
	char buf[32] = {0};
	ssize_t n;

	(void)state;
	assert_int_equal(send(sv[0], "no such tty\n", 12, 0), 12);
	assert_int_equal(zone_fd_recv(sv[1], buf, sizeof(buf), &n), -1);
	assert_int_equal(n, 12);
	assert_int_equal(errno, EPROTO);
	assert_string_equal(buf, "no such tty\n");
}

static void test_two_descriptors_are_refused_and_closed(void **state)
{
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} u;
	int fds[2], before;
	char c = 'x', buf[4];
	struct iovec iov = {.iov_base = &c, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *cm;
	ssize_t n;

	(void)state;
	memset(&u, 0, sizeof(u));
	assert_int_equal(pipe(fds), 0);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(2 * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, sizeof(fds));
	assert_int_equal(sendmsg(sv[0], &msg, 0), 1);
	close(fds[0]);
	close(fds[1]);
	before = open_count();
	assert_int_equal(zone_fd_recv(sv[1], buf, sizeof(buf), &n), -1);
	assert_int_equal(n, 1);
	assert_int_equal(open_count(), before); /* neither received descriptor is left open */
}

static void test_end_of_file(void **state)
{
	char buf[4];
	ssize_t n = 99;

	(void)state;
	close(sv[0]);
	sv[0] = open("/dev/null", O_RDONLY | O_CLOEXEC); /* for teardown */
	assert_int_equal(zone_fd_recv(sv[1], buf, sizeof(buf), &n), -1);
	assert_int_equal(n, 0);
}

static void test_send_to_a_closed_peer_is_epipe(void **state)
{
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	close(sv[1]);
	sv[1] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	/* no SIGPIPE: the test process would die of it */
	assert_int_equal(zone_fd_send(sv[0], p[0], "+", 1), -1);
	assert_int_equal(errno, EPIPE);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_descriptor_and_bytes_arrive, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_answer_without_descriptor, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_two_descriptors_are_refused_and_closed, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_end_of_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_send_to_a_closed_peer_is_epipe, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
