/*
 * lxbench-hot: the hot system calls of a server, each on a descriptor that is no netlink
 * socket, for the price of the shared-IP zones' second filter (netlink/nlfilter.h).  Run in a
 * net=shared zone and in a zone without that filter by bench/netview.sh, which prints the
 * ratios.  Built static, so it runs in a busybox zone.
 *
 *   read        read(2) of 64 bytes from /dev/zero
 *   write       write(2) of 64 bytes to /dev/null
 *   sendfile    sendfile(2) of 64 bytes of a regular file to /dev/null
 *   epoll_wait  epoll_wait(2), timeout 0, on an epoll set with one ready pipe
 *   accept4     accept4(2) on a listening non-blocking TCP socket with nothing pending (EAGAIN)
 *   recvfrom    send(2) of 64 bytes on a unix datagram pair and recvfrom(2) of it
 *   writev      writev(2) of two 32-byte pieces to /dev/null
 *   close       dup(2) + close(2)
 *   fstat       fstat(2) of a regular file
 *   mmap        mmap(2) + munmap(2) of one anonymous page
 *   futex       FUTEX_WAKE with no waiter
 *   open        openat(2) + close(2) of a regular file, read-only (the shared zone's /proc/net
 *               view traps read-only opens: its price)
 *
 * Output: "name ns_per_op", the fastest (-m) or median batch, as lxbench-ops prints.
 *
 *   lxbench-hot [-t ms_per_batch] [-b batches] [-m] [name...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static int zero_fd, null_fd, file_fd, ep_fd, listen_fd, dgram[2], pipefd[2];
static char file_path[256], buf[64];
static int futex_word;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int op_read(void)
{
	return read(zero_fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf) ? 0 : -1;
}

static int op_write(void)
{
	return write(null_fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf) ? 0 : -1;
}

static int op_sendfile(void)
{
	off_t off = 0;

	return sendfile(null_fd, file_fd, &off, sizeof(buf)) == (ssize_t)sizeof(buf) ? 0 : -1;
}

static int op_epoll_wait(void)
{
	struct epoll_event ev;

	return epoll_wait(ep_fd, &ev, 1, 0) == 1 ? 0 : -1;
}

static int op_accept4(void)
{
	return accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC) < 0 && errno == EAGAIN ? 0 : -1;
}

static int op_recvfrom(void)
{
	if (send(dgram[0], buf, sizeof(buf), 0) != (ssize_t)sizeof(buf))
		return -1;
	return recvfrom(dgram[1], buf, sizeof(buf), 0, NULL, NULL) == (ssize_t)sizeof(buf) ? 0 : -1;
}

static int op_writev(void)
{
	struct iovec iov[2] = {{buf, 32}, {buf + 32, 32}};

	return writev(null_fd, iov, 2) == 64 ? 0 : -1;
}

static int op_close(void)
{
	int fd = dup(null_fd);

	return fd >= 0 && close(fd) == 0 ? 0 : -1;
}

static int op_fstat(void)
{
	struct stat st;

	return fstat(file_fd, &st);
}

static int op_mmap(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p != MAP_FAILED && munmap(p, 4096) == 0 ? 0 : -1;
}

static int op_futex(void)
{
	return syscall(SYS_futex, &futex_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 0 ? 0 : -1;
}

static int op_open(void)
{
	int fd = openat(AT_FDCWD, file_path, O_RDONLY | O_CLOEXEC);

	return fd >= 0 && close(fd) == 0 ? 0 : -1;
}

struct bench {
	const char *name;
	int (*op)(void);
};

static const struct bench benches[] = {
    {"read", op_read},	       {"write", op_write},
    {"sendfile", op_sendfile}, {"epoll_wait", op_epoll_wait},
    {"accept4", op_accept4},   {"recvfrom", op_recvfrom},
    {"writev", op_writev},     {"close", op_close},
    {"fstat", op_fstat},       {"mmap", op_mmap},
    {"futex", op_futex},       {"open", op_open},
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double batch(int (*op)(void), long n)
{
	long long t0 = now_ns();

	for (long i = 0; i < n; i++)
		if (op() != 0)
			return -1;
	return (double)(now_ns() - t0) / (double)n;
}

static void run(const struct bench *b, double ms, int nbatches, int fastest)
{
	double per[64];
	long n = 1;

	for (;;) { /* calibrate: a tenth of the batch time, then scale */
		long long t0 = now_ns();
		if (batch(b->op, n) < 0)
			goto na;
		double took = (double)(now_ns() - t0);
		if (took >= ms * 1e5 || n >= (1L << 30)) {
			n = (long)((double)n * (ms * 1e6) / (took > 1 ? took : 1));
			break;
		}
		n *= 2;
	}
	if (n < 1)
		n = 1;
	for (int i = 0; i < nbatches; i++)
		if ((per[i] = batch(b->op, n)) < 0)
			goto na;
	qsort(per, (size_t)nbatches, sizeof(per[0]), cmp_double);
	printf("%s %.1f\n", b->name, per[fastest ? 0 : nbatches / 2]);
	fflush(stdout);
	return;
na:
	fprintf(stderr, "%s: %s\n", b->name, strerror(errno));
	printf("%s NA\n", b->name);
}

static int setup(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct epoll_event ev = {.events = EPOLLIN};
	const char *td = getenv("TMPDIR");
	char page[4096] = {0};

	snprintf(file_path, sizeof(file_path), "%s/lxbench-hot.%d", td && *td ? td : "/tmp",
		 (int)getpid());
	file_fd = open(file_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (file_fd < 0 || write(file_fd, page, sizeof(page)) != (ssize_t)sizeof(page))
		return perror(file_path), -1;
	zero_fd = open("/dev/zero", O_RDONLY);
	null_fd = open("/dev/null", O_WRONLY);
	if (zero_fd < 0 || null_fd < 0)
		return perror("/dev/zero, /dev/null"), -1;
	if (pipe(pipefd) != 0 || write(pipefd[1], "x", 1) != 1 || (ep_fd = epoll_create1(0)) < 0 ||
	    epoll_ctl(ep_fd, EPOLL_CTL_ADD, pipefd[0], &ev) != 0)
		return perror("epoll"), -1;
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, dgram) != 0)
		return perror("socketpair"), -1;
	/* 127.0.0.1, port 0: a shared zone's bind hook makes it the zone's loopback address */
	listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(listen_fd, 1) != 0)
		return perror("listen"), -1;
	return 0;
}

int main(int argc, char **argv)
{
	double ms = 30;
	int nbatches = 5, fastest = 0, opt, rc;

	while ((opt = getopt(argc, argv, "t:b:m")) != -1) {
		if (opt == 't')
			ms = atof(optarg);
		else if (opt == 'b')
			nbatches = atoi(optarg);
		else if (opt == 'm')
			fastest = 1;
		else {
			fprintf(stderr, "usage: %s [-t ms_per_batch] [-b batches] [-m] [name...]\n",
				argv[0]);
			return 2;
		}
	}
	if (ms <= 0 || nbatches < 1 || nbatches > 64) {
		fprintf(stderr, "lxbench-hot: -t must be > 0 and -b in 1..64\n");
		return 2;
	}
	rc = setup();
	for (size_t i = 0; rc == 0 && i < sizeof(benches) / sizeof(benches[0]); i++) {
		int selected = optind >= argc;
		for (int a = optind; a < argc; a++)
			selected |= strcmp(argv[a], benches[i].name) == 0;
		if (selected)
			run(&benches[i], ms, nbatches, fastest);
	}
	if (file_path[0])
		unlink(file_path);
	return rc == 0 ? 0 : 1;
}
