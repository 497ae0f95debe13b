/*
 * lxbench-ops: the brand's per-operation microbenchmark.
 *
 * Times the operations whose cost the brand changes or must not change, run natively and
 * under `lxrun` by bench/run.sh, which prints the ratios:
 *
 *   getpid          pass-through, the floor (raw syscall: no libc caching)
 *   pipe_rw         write + read of one byte on a pipe (pass-through)
 *   open_close      openat + close of a regular file (pass-through)
 *   uname           trapped and emulated (SIGSYS round trip)
 *   fork_wait       fork + _exit + waitpid
 *   fork_exec_wait  fork + execve("/bin/true") + waitpid (exec re-entry under the brand)
 *   thread_join     pthread_create + pthread_join (clone trampoline under the brand)
 *   sigaction       sigaction(SIGUSR1, handler) re-installing the same handler, with oact
 *   sigaction_query sigaction(SIGUSR1, NULL, &old)
 *   sigprocmask     block SIGUSR1 (SIG_BLOCK, old saved), then restore (SIG_SETMASK old)
 *   sigmask_query   sigprocmask(SIG_BLOCK, NULL, &old)
 *   sigmask_unblock sigprocmask(SIG_UNBLOCK, SIGUSR1)
 *   raise_handled   raise(SIGUSR2) with a handler (delivery through the brand)
 *   timer_signal    a one-shot POSIX timer of 1 ns and sigsuspend until its SIGALRM is
 *                   handled: timer to handler, back to back (the high-rate case)
 *   affinity_get    sched_getaffinity
 *   affinity_set    sched_setaffinity to the CPUs it already has
 *
 * Output: one line per operation, "name ns_per_op", the median over batches; each batch
 * repeats the operation for about -t milliseconds (the count is fixed once, from a short
 * calibration, so every batch does the same work). "name NA" when an operation cannot run,
 * with the reason on stderr.
 *
 *   lxbench-ops [-t ms_per_batch] [-b batches] [-m] [-p] [name...]
 *
 * -m prints the fastest batch instead of the median.  -p opens /proc/meminfo first and
 * holds it: under lxproc, the descriptor filter is then stacked for every operation (the
 * price of a second filter, docs/performance.md).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/sysinfo.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

static int pipefd[2];
static char file_path[256];
static const char *true_path = "/bin/true";

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Each operation returns 0, or -1 with errno set (the benchmark then reports NA). */

static int op_getpid(void)
{
	return syscall(SYS_getpid) > 0 ? 0 : -1;
}

static int op_pipe_rw(void)
{
	char c = 'x';

	if (write(pipefd[1], &c, 1) != 1 || read(pipefd[0], &c, 1) != 1)
		return -1;
	return 0;
}

static int op_open_close(void)
{
	int fd = open(file_path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	return close(fd);
}

static int op_stat(void)
{
	struct stat st;

	return stat(file_path, &st);
}

/* fstat of an open regular file (glibc: newfstatat(fd, "", AT_EMPTY_PATH); lxproc traps it) */
static int file_fd = -1;

static int op_fstat(void)
{
	struct stat st;

	if (file_fd < 0 && (file_fd = open(file_path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	return fstat(file_fd, &st);
}

/* mmap + munmap of a page of a regular file (lxproc traps file-backed mmap) */
static int op_mmap_file(void)
{
	void *p;

	if (file_fd < 0 && (file_fd = open(file_path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, file_fd, 0);
	if (p == MAP_FAILED)
		return -1;
	return munmap(p, 4096);
}

/* open + read + close of a /proc file: synthesized by lxproc in a capped zone */
static int read_proc(const char *path)
{
	char buf[8192];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (read(fd, buf, sizeof(buf)) <= 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static int op_proc_meminfo(void)
{
	return read_proc("/proc/meminfo");
}

static int op_proc_self_stat(void)
{
	return read_proc("/proc/self/stat");
}

/* fstat once the process holds a /proc descriptor (under lxproc: the descriptor filter is
 * stacked then, and every fstat traps): of a regular file, and of the /proc file itself */
static int proc_fd = -1;

static int hold_proc(void)
{
	if (proc_fd < 0)
		proc_fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	return proc_fd;
}

static int op_fstat_held(void)
{
	struct stat st;

	if (hold_proc() < 0 ||
	    (file_fd < 0 && (file_fd = open(file_path, O_RDONLY | O_CLOEXEC)) < 0))
		return -1;
	return fstat(file_fd, &st);
}

static int op_fstat_proc(void)
{
	struct stat st;

	if (hold_proc() < 0)
		return -1;
	return fstat(proc_fd, &st);
}

static int op_sysinfo(void)
{
	struct sysinfo si;

	return sysinfo(&si);
}

static int op_uname(void)
{
	struct utsname u;

	return uname(&u);
}

static int op_fork_wait(void)
{
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(0);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	return 0;
}

static int op_fork_exec_wait(void)
{
	char *argv[] = {(char *)true_path, NULL};
	char *envp[] = {NULL};
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execve(true_path, argv, envp);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		errno = ECHILD;
		return -1;
	}
	return 0;
}

static void *thread_body(void *arg)
{
	return arg;
}

static int thread_token;

static int op_thread_join(void)
{
	pthread_t t;
	void *r;
	int e = pthread_create(&t, NULL, thread_body, &thread_token);

	if (e != 0) {
		errno = e;
		return -1;
	}
	if (pthread_join(t, &r) != 0 || r != &thread_token)
		return -1;
	return 0;
}

static volatile sig_atomic_t sig_hits;

static void on_signal(int sig)
{
	(void)sig;
	sig_hits++;
}

static int op_sigaction(void)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	return sigaction(SIGUSR1, &sa, &old);
}

static int op_sigaction_query(void)
{
	struct sigaction old;

	return sigaction(SIGUSR1, NULL, &old);
}

static int op_sigprocmask(void)
{
	sigset_t set, old;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, &old) != 0)
		return -1;
	return sigprocmask(SIG_SETMASK, &old, NULL);
}

static int op_sigmask_query(void)
{
	sigset_t old;

	return sigprocmask(SIG_BLOCK, NULL, &old);
}

static int op_sigmask_unblock(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	return sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static int op_raise_handled(void)
{
	static int armed;
	sig_atomic_t before = sig_hits;

	if (!armed) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		if (sigaction(SIGUSR2, &sa, NULL) != 0)
			return -1;
		armed = 1;
	}
	if (raise(SIGUSR2) != 0)
		return -1;
	return sig_hits == before + 1 ? 0 : (errno = EINTR, -1);
}

/* SIGALRM stays blocked but inside sigsuspend, so no rt_sigprocmask runs per signal */
static timer_t timer;
static sigset_t timer_wait_mask;

static int op_timer_signal(void)
{
	static int armed;
	struct itimerspec its = {.it_value = {.tv_sec = 0, .tv_nsec = 1}};
	sig_atomic_t before = sig_hits;

	if (!armed) {
		struct sigaction sa;
		struct sigevent sev;
		sigset_t set;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		memset(&sev, 0, sizeof(sev));
		sev.sigev_notify = SIGEV_SIGNAL;
		sev.sigev_signo = SIGALRM;
		sigemptyset(&set);
		sigaddset(&set, SIGALRM);
		if (sigaction(SIGALRM, &sa, NULL) != 0 ||
		    sigprocmask(SIG_BLOCK, &set, &timer_wait_mask) != 0 ||
		    timer_create(CLOCK_MONOTONIC, &sev, &timer) != 0)
			return -1;
		sigdelset(&timer_wait_mask, SIGALRM);
		armed = 1;
	}
	if (timer_settime(timer, 0, &its, NULL) != 0)
		return -1;
	while (sig_hits == before)
		sigsuspend(&timer_wait_mask);
	return 0;
}

static int op_affinity_get(void)
{
	cpu_set_t set;

	return sched_getaffinity(0, sizeof(set), &set);
}

static int op_affinity_set(void)
{
	static cpu_set_t set;
	static int have;

	if (!have && sched_getaffinity(0, sizeof(set), &set) != 0)
		return -1;
	have = 1;
	return sched_setaffinity(0, sizeof(set), &set);
}

struct bench {
	const char *name;
	int (*op)(void);
};

static const struct bench benches[] = {
    {"getpid", op_getpid},
    {"pipe_rw", op_pipe_rw},
    {"open_close", op_open_close},
    {"uname", op_uname},
    {"stat", op_stat},
    {"fstat", op_fstat},
    {"mmap_file", op_mmap_file},
    {"proc_meminfo", op_proc_meminfo},
    {"proc_self_stat", op_proc_self_stat},
    {"fstat_held", op_fstat_held},
    {"fstat_proc", op_fstat_proc},
    {"sysinfo", op_sysinfo},
    {"fork_wait", op_fork_wait},
    {"fork_exec_wait", op_fork_exec_wait},
    {"thread_join", op_thread_join},
    {"sigaction", op_sigaction},
    {"sigaction_query", op_sigaction_query},
    {"sigprocmask", op_sigprocmask},
    {"sigmask_query", op_sigmask_query},
    {"sigmask_unblock", op_sigmask_unblock},
    {"raise_handled", op_raise_handled},
    {"timer_signal", op_timer_signal},
    {"affinity_get", op_affinity_get},
    {"affinity_set", op_affinity_set},
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Time n runs of op; -1 on failure. */
static double batch(int (*op)(void), long n)
{
	long long t0 = now_ns();

	for (long i = 0; i < n; i++)
		if (op() != 0)
			return -1;
	return (double)(now_ns() - t0) / (double)n;
}

/* -m: report the fastest batch instead of the median (on a VM shared with other work, the
 * fastest batch is the one least disturbed) */
static int report_min;

static void run(const struct bench *b, double ms, int nbatches)
{
	double per[64];
	long n = 1;

	/* Calibrate: double n until one batch takes a tenth of the target, then scale. */
	for (;;) {
		long long t0 = now_ns();
		if (batch(b->op, n) < 0) {
			fprintf(stderr, "%s: %s\n", b->name, strerror(errno));
			printf("%s NA\n", b->name);
			return;
		}
		double took = (double)(now_ns() - t0);
		if (took >= ms * 1e5 || n >= (1L << 30)) {
			n = (long)((double)n * (ms * 1e6) / (took > 1 ? took : 1));
			break;
		}
		n *= 2;
	}
	if (n < 1)
		n = 1;
	for (int i = 0; i < nbatches; i++) {
		per[i] = batch(b->op, n);
		if (per[i] < 0) {
			fprintf(stderr, "%s: %s\n", b->name, strerror(errno));
			printf("%s NA\n", b->name);
			return;
		}
	}
	qsort(per, (size_t)nbatches, sizeof(per[0]), cmp_double);
	printf("%s %.1f\n", b->name, per[report_min ? 0 : nbatches / 2]);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	double ms = 30;
	int nbatches = 5, opt;

	while ((opt = getopt(argc, argv, "t:b:mph")) != -1) {
		switch (opt) {
		case 't':
			ms = atof(optarg);
			break;
		case 'b':
			nbatches = atoi(optarg);
			break;
		case 'm':
			report_min = 1;
			break;
		case 'p':
			if (hold_proc() < 0) {
				perror("/proc/meminfo");
				return 1;
			}
			break;
		default:
			fprintf(stderr, "usage: %s [-t ms_per_batch] [-b batches] [-m] [-p] [name...]\n",
				argv[0]);
			return 2;
		}
	}
	if (ms <= 0 || nbatches < 1 || nbatches > 64) {
		fprintf(stderr, "lxbench-ops: -t must be > 0 and -b in 1..64\n");
		return 2;
	}
	if (pipe(pipefd) != 0) {
		perror("pipe");
		return 1;
	}
	/* A file of our own for open_close, so the path lookup is the same in every run. */
	const char *td = getenv("TMPDIR");
	snprintf(file_path, sizeof(file_path), "%s/lxbench-ops.%d", td && *td ? td : "/tmp",
		 (int)getpid());
	int fd = open(file_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		perror(file_path);
		return 1;
	}
	close(fd);

	for (size_t i = 0; i < sizeof(benches) / sizeof(benches[0]); i++) {
		int selected = optind >= argc;
		for (int a = optind; a < argc; a++)
			if (strcmp(argv[a], benches[i].name) == 0)
				selected = 1;
		if (selected)
			run(&benches[i], ms, nbatches);
	}
	unlink(file_path);
	return 0;
}
