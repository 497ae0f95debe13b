/*
 * lxbench-hard: the hardened profile's emulated subsystems, per operation; bench/hard.sh runs
 * it natively and under `lxrun --hardened` in one go and prints the ratios.
 *
 *   epoll_wait100   epoll_wait(timeout 0) over 100 registered pipes, one of them readable
 *   The parts of the emulated epoll_wait100 (syscalls/lx_epoll.c), each on its own:
 *   uname           a trapped, emulated call: the SIGSYS round trip, the floor of any trap
 *   fstat           fstat of the epoll descriptor (one per wait, one per reported event)
 *   ppoll100        ppoll(timeout 0) of the same 100 pipes (passes in both profiles)
 *   pi_uncontended  pthread_mutex_lock + unlock of a PTHREAD_PRIO_INHERIT mutex, one thread
 *                   (glibc's user-space CAS: no system call natively or under the brand)
 *   pi_contended    lock + unlock of one PI mutex by 2 threads at once, per lock: the
 *                   FUTEX_LOCK_PI / UNLOCK_PI hand-offs (trapped and emulated when hardened)
 *
 * Output: "name ns_per_op", the median of -b batches of about -t ms each.  -c times the
 * process's CPU time instead of the wall clock (but for pi_contended, whose cost is a
 * hand-off's latency): on a machine others load, a batch's wall time includes the time it
 * waited for a CPU, its CPU time does not.
 *
 *   lxbench-hard [-c] [-t ms] [-b batches] [name...]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static int ep = -1;
static struct pollfd pfd[100];
static pthread_mutex_t pm;

static int cpu_time; /* -c */
static clockid_t clock_id = CLOCK_MONOTONIC;

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(clock_id, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int setup_epoll(void)
{
	ep = epoll_create1(0);
	for (int i = 0; i < 100; i++) {
		int p[2];
		struct epoll_event e = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
		if (pipe(p) < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e) < 0)
			return -1;
		pfd[i].fd = p[0];
		pfd[i].events = POLLIN;
		if (i == 50 && write(p[1], "x", 1) != 1)
			return -1;
	}
	return 0;
}

static long op_epoll_wait100(long n)
{
	struct epoll_event ev[16];
	for (long i = 0; i < n; i++)
		if (epoll_wait(ep, ev, 16, 0) != 1)
			return -1;
	return 0;
}

static long op_uname(long n)
{
	struct utsname u;
	for (long i = 0; i < n; i++)
		if (uname(&u) < 0)
			return -1;
	return 0;
}

static long op_fstat(long n)
{
	struct stat st;
	for (long i = 0; i < n; i++)
		if (fstat(ep, &st) < 0)
			return -1;
	return 0;
}

static long op_ppoll100(long n)
{
	struct timespec zero = {0, 0};
	for (long i = 0; i < n; i++)
		if (ppoll(pfd, 100, &zero, NULL) != 1)
			return -1;
	return 0;
}

static long op_pi_uncontended(long n)
{
	for (long i = 0; i < n; i++) {
		pthread_mutex_lock(&pm);
		pthread_mutex_unlock(&pm);
	}
	return 0;
}

static volatile long shared;

static void *contender(void *arg)
{
	long n = *(long *)arg;
	for (long i = 0; i < n; i++) {
		pthread_mutex_lock(&pm);
		shared++;
		pthread_mutex_unlock(&pm);
	}
	return NULL;
}

static long op_pi_contended(long n)
{
	pthread_t t;
	long half = n / 2;
	pthread_create(&t, NULL, contender, &half);
	contender(&half);
	pthread_join(t, NULL);
	return 0;
}

static const struct {
	const char *name;
	long (*op)(long);
	long min_n;
	int wall; /* timed by the wall clock even with -c: a hand-off's cost is its latency */
} benches[] = {
    {"epoll_wait100", op_epoll_wait100, 100, 0},
    {"uname", op_uname, 100, 0},
    {"fstat", op_fstat, 100, 0},
    {"ppoll100", op_ppoll100, 100, 0},
    {"pi_uncontended", op_pi_uncontended, 1000, 0},
    {"pi_contended", op_pi_contended, 2000, 1},
};

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	double ms = 200, res[64];
	int nb = 5, c;
	pthread_mutexattr_t a;

	while ((c = getopt(argc, argv, "ct:b:")) != -1) {
		if (c == 'c')
			cpu_time = 1;
		else if (c == 't')
			ms = atof(optarg);
		else if (c == 'b')
			nb = atoi(optarg) > 0 && atoi(optarg) <= 64 ? atoi(optarg) : 5;
		else
			return 2;
	}
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
	pthread_mutex_init(&pm, &a);
	if (setup_epoll() < 0) {
		fprintf(stderr, "lxbench-hard: epoll setup failed\n");
		return 1;
	}
	for (size_t i = 0; i < sizeof(benches) / sizeof(benches[0]); i++) {
		int want = optind >= argc;
		for (int j = optind; j < argc; j++)
			want |= !strcmp(argv[j], benches[i].name);
		if (!want)
			continue;
		long n = benches[i].min_n;
		clock_id =
		    cpu_time && !benches[i].wall ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC;
		long long t0 = now_ns();
		if (benches[i].op(n) < 0) {
			printf("%s NA\n", benches[i].name);
			continue;
		}
		long long dt = now_ns() - t0;
		n = (long)(n * (ms * 1e6 / (dt > 0 ? dt : 1)));
		if (n < benches[i].min_n)
			n = benches[i].min_n;
		for (int b = 0; b < nb; b++) {
			t0 = now_ns();
			benches[i].op(n);
			res[b] = (double)(now_ns() - t0) / (double)n;
		}
		qsort(res, (size_t)nb, sizeof(double), cmp);
		printf("%s %.1f\n", benches[i].name, res[nb / 2]);
	}
	return 0;
}
