/*
 * epoll_hard: the epoll calls' errors and semantics, run natively and under the brand's
 * hardened profile (epoll emulated over ppoll, syscalls/lx_epoll.c); both runs must print
 * the same lines (tests/integration/epoll_hard.sh).
 *
 * Part "errors" passes bad pointers, flags and descriptors, alone and two at a time so that
 * the kernel's order of checks shows.  Part "sem" covers level and edge triggers, ONESHOT,
 * EXCLUSIVE, RDHUP, WAKEUP, nested sets and loops, maxevents rotation, closed and reused
 * descriptors, dup, fork, exec with and without close-on-exec, a signal interrupting a wait
 * and a wake-up from another thread.  Part "cache" changes an interest list between waits
 * that see no other change (the brand keeps each instance's poll set between waits and must
 * notice every change: ADD, DEL, MOD, a ONESHOT firing, another process's ADD, a closed and a
 * reused descriptor, more instances than it keeps sets for, sets past its stack's room).  The
 * calls go through syscall(2), so libc copies nothing first.  Output is deterministic: no
 * descriptors numbers, addresses or timings.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void *bad; /* a PROT_NONE page */

static const char *en(long r)
{
	if (r >= 0)
		return "OK";
	switch (errno) {
	case EFAULT:
		return "EFAULT";
	case EINVAL:
		return "EINVAL";
	case EBADF:
		return "EBADF";
	case EPERM:
		return "EPERM";
	case EEXIST:
		return "EEXIST";
	case ENOENT:
		return "ENOENT";
	case ELOOP:
		return "ELOOP";
	case EINTR:
		return "EINTR";
	default:
		return strerror(errno);
	}
}

static long ep_create1(int fl)
{
	return syscall(SYS_epoll_create1, fl);
}
static long ctl(int ep, int op, int fd, const void *ev)
{
	return syscall(SYS_epoll_ctl, ep, op, fd, ev);
}
static long ewait(int ep, void *evs, int max, int ms)
{
	return syscall(SYS_epoll_wait, ep, evs, max, ms);
}

static int add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event e = {.events = events, .data.u64 = data};
	return (int)ctl(ep, EPOLL_CTL_ADD, fd, &e);
}

static void say(const char *what, long r)
{
	printf("%-44s %s\n", what, en(r));
}

/* the events of one wait, sorted by data: "data:events ..." */
static void show(const char *what, int ep, int max, int ms)
{
	struct epoll_event ev[16];
	long n = ewait(ep, ev, max, ms);
	printf("%-44s", what);
	if (n < 0) {
		printf(" %s\n", en(n));
		return;
	}
	for (long i = 0; i < n; i++)
		for (long j = i + 1; j < n; j++)
			if (ev[j].data.u64 < ev[i].data.u64) {
				struct epoll_event t = ev[i];
				ev[i] = ev[j];
				ev[j] = t;
			}
	printf(" n=%ld", n);
	for (long i = 0; i < n; i++)
		printf(" %llu:%#x", (unsigned long long)ev[i].data.u64, ev[i].events);
	printf("\n");
}

static void errors(void)
{
	int ep = (int)ep_create1(EPOLL_CLOEXEC), p[2], reg = open("/proc/self/exe", O_RDONLY);
	struct epoll_event e = {.events = EPOLLIN}, out[4];
	struct timespec badts = {0, 2000000000L};
	uint64_t mask = 0;

	if (pipe(p) < 0 || ep < 0 || reg < 0)
		exit(2);
	say("epoll_create(0)", syscall(SYS_epoll_create, 0));
	say("epoll_create(-1)", syscall(SYS_epoll_create, -1));
	say("epoll_create1(bad flag)", ep_create1(1));
	say("epoll_create1(O_NONBLOCK)", ep_create1(O_NONBLOCK));
	say("ctl ADD bad event ptr", ctl(ep, EPOLL_CTL_ADD, p[0], bad));
	say("ctl ADD bad event + bad epfd", ctl(-1, EPOLL_CTL_ADD, p[0], bad));
	say("ctl DEL bad event ptr (unused)", ctl(ep, EPOLL_CTL_DEL, p[0], bad));
	say("ctl bad op bad event ptr", ctl(ep, 9, p[0], bad));
	say("ctl bad epfd", ctl(999, EPOLL_CTL_ADD, p[0], &e));
	say("ctl bad fd", ctl(ep, EPOLL_CTL_ADD, 999, &e));
	say("ctl regular file", ctl(ep, EPOLL_CTL_ADD, reg, &e));
	say("ctl regular file, epfd not epoll", ctl(p[1], EPOLL_CTL_ADD, reg, &e));
	say("ctl epfd not epoll", ctl(p[1], EPOLL_CTL_ADD, p[0], &e));
	say("ctl ep into itself", ctl(ep, EPOLL_CTL_ADD, ep, &e));
	say("ctl bad op", ctl(ep, 9, p[0], &e));
	say("ctl MOD unregistered", ctl(ep, EPOLL_CTL_MOD, p[0], &e));
	say("ctl DEL unregistered", ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	say("ctl ADD", ctl(ep, EPOLL_CTL_ADD, p[0], &e));
	say("ctl ADD again", ctl(ep, EPOLL_CTL_ADD, p[0], &e));
	e.events = EPOLLIN | EPOLLEXCLUSIVE;
	say("ctl MOD EXCLUSIVE", ctl(ep, EPOLL_CTL_MOD, p[0], &e));
	say("ctl ADD EXCLUSIVE", ctl(ep, EPOLL_CTL_ADD, p[1], &e));
	e.events = EPOLLIN;
	say("ctl MOD of an EXCLUSIVE registration", ctl(ep, EPOLL_CTL_MOD, p[1], &e));
	e.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT;
	say("ctl ADD EXCLUSIVE|ONESHOT", ctl(ep, EPOLL_CTL_ADD, dup(p[0]), &e));
	e.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLRDHUP;
	say("ctl ADD EXCLUSIVE|RDHUP", ctl(ep, EPOLL_CTL_ADD, dup(p[0]), &e));
	int inner = (int)ep_create1(0);
	e.events = EPOLLIN | EPOLLEXCLUSIVE;
	say("ctl ADD EXCLUSIVE of an epoll fd", ctl(ep, EPOLL_CTL_ADD, inner, &e));
	say("wait maxevents 0", ewait(ep, out, 0, 0));
	say("wait maxevents -1 bad epfd", ewait(-1, out, -1, 0));
	say("wait bad epfd", ewait(-1, out, 4, 0));
	say("wait epfd not epoll", ewait(p[0], out, 4, 0));
	say("wait kernel-half events", ewait(ep, (void *)0xffff800000000000UL, 4, 0));
	say("wait huge maxevents", ewait(ep, out, 0x7fffffff, 0));
	say("wait bad events, nothing ready", ewait(ep, bad, 4, 0));
	if (write(p[1], "x", 1) != 1)
		exit(2);
	say("wait bad events, one ready", ewait(ep, bad, 4, 0));
	say("pwait sigsetsize 4", syscall(SYS_epoll_pwait, ep, out, 4, 0, &mask, (size_t)4));
	say("pwait bad sigmask", syscall(SYS_epoll_pwait, ep, out, 4, 0, bad, (size_t)8));
	say("pwait bad sigmask, maxevents 0", syscall(SYS_epoll_pwait, ep, out, 0, 0, bad, (size_t)8));
	say("pwait NULL sigmask size 4", syscall(SYS_epoll_pwait, ep, out, 4, 0, NULL, (size_t)4));
	say("pwait2 bad timeout", syscall(SYS_epoll_pwait2, ep, out, 4, bad, NULL, (size_t)8));
	say("pwait2 bad timeout, bad epfd", syscall(SYS_epoll_pwait2, -1, out, 4, bad, NULL, (size_t)8));
	say("pwait2 nsec 2e9", syscall(SYS_epoll_pwait2, ep, out, 4, &badts, NULL, (size_t)8));
	badts.tv_sec = -1;
	badts.tv_nsec = 0;
	say("pwait2 sec -1", syscall(SYS_epoll_pwait2, ep, out, 4, &badts, NULL, (size_t)8));
	badts.tv_sec = 0;
	say("pwait2 zero timeout", syscall(SYS_epoll_pwait2, ep, out, 4, &badts, NULL, (size_t)8));
	say("pwait2 bad sigmask size", syscall(SYS_epoll_pwait2, ep, out, 4, &badts, &mask, (size_t)7));

	/* loops and depth */
	int a = (int)ep_create1(0), b = (int)ep_create1(0), chain[8];
	e.events = EPOLLIN;
	say("nest a in b", ctl(b, EPOLL_CTL_ADD, a, &e));
	say("nest b in a (loop)", ctl(a, EPOLL_CTL_ADD, b, &e));
	for (int i = 0; i < 8; i++)
		chain[i] = (int)ep_create1(0);
	for (int i = 1; i < 8; i++) {
		char what[64];
		snprintf(what, sizeof(what), "chain level %d", i);
		say(what, ctl(chain[i], EPOLL_CTL_ADD, chain[i - 1], &e));
	}
}

static int sp(int v[2])
{
	return socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, v);
}

static void drain(int fd)
{
	char buf[256];
	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static void on_alarm(int sig)
{
	(void)sig;
	if (write(1, "handler ran\n", 12) != 12)
		_exit(2);
}

static void *late_writer(void *arg)
{
	struct timespec ts = {0, 50000000};
	nanosleep(&ts, NULL);
	if (write(*(int *)arg, "t", 1) != 1)
		_exit(2);
	return NULL;
}

static void semantics(const char *self)
{
	int ep = (int)ep_create1(0), s[2], t[2], u[2];
	struct epoll_event out[4];

	if (ep < 0 || sp(s) < 0 || sp(t) < 0 || sp(u) < 0)
		exit(2);
	setvbuf(stdout, NULL, _IONBF, 0);
	/* level-triggered */
	add(ep, s[0], EPOLLIN | EPOLLOUT, 1);
	show("LT: writable", ep, 4, 0);
	write(s[1], "ab", 2);
	show("LT: readable+writable", ep, 4, 0);
	show("LT: still", ep, 4, 0);
	ctl(ep, EPOLL_CTL_DEL, s[0], NULL);
	drain(s[0]);
	/* edge-triggered */
	add(ep, s[0], EPOLLIN | EPOLLOUT | EPOLLET, 2);
	show("ET: first look", ep, 4, 0);
	show("ET: nothing new", ep, 4, 100);
	write(s[1], "ab", 2);
	show("ET: data arrived", ep, 4, 1000);
	/* not shown: a wait with the data left unread (Linux: nothing new; the brand: EPOLLIN
	 * again, as it cannot tell it from a drained and refilled buffer) */
	drain(s[0]);
	write(s[1], "cd", 2);
	show("ET: drained and refilled", ep, 4, 1000);
	drain(s[0]);
	struct epoll_event mod = {.events = EPOLLOUT | EPOLLET, .data.u64 = 2};
	ctl(ep, EPOLL_CTL_MOD, s[0], &mod);
	show("ET: after MOD", ep, 4, 0);
	ctl(ep, EPOLL_CTL_DEL, s[0], NULL);
	/* ONESHOT */
	add(ep, t[0], EPOLLIN | EPOLLONESHOT, 3);
	write(t[1], "x", 1);
	show("ONESHOT: fires", ep, 4, 0);
	show("ONESHOT: disabled", ep, 4, 0);
	struct epoll_event re = {.events = EPOLLIN | EPOLLONESHOT, .data.u64 = 33};
	ctl(ep, EPOLL_CTL_MOD, t[0], &re);
	show("ONESHOT: re-armed", ep, 4, 0);
	say("ONESHOT: ADD again", add(ep, t[0], EPOLLIN, 3));
	ctl(ep, EPOLL_CTL_DEL, t[0], NULL);
	drain(t[0]);
	/* RDHUP, WAKEUP, EXCLUSIVE */
	add(ep, u[0], EPOLLIN | EPOLLRDHUP | EPOLLWAKEUP, 4);
	show("RDHUP: quiet", ep, 4, 0);
	shutdown(u[1], SHUT_WR);
	show("RDHUP: peer shut down", ep, 4, 0);
	ctl(ep, EPOLL_CTL_DEL, u[0], NULL);
	int x = (int)ep_create1(0), xp[2];
	if (pipe(xp) < 0)
		exit(2);
	say("EXCLUSIVE: ADD", add(x, xp[0], EPOLLIN | EPOLLEXCLUSIVE, 5));
	write(xp[1], "x", 1);
	show("EXCLUSIVE: fires", x, 4, 0);
	close(x);
	/* nested */
	int outer = (int)ep_create1(0), inner = (int)ep_create1(0), q[2];
	if (pipe(q) < 0)
		exit(2);
	add(inner, q[0], EPOLLIN, 6);
	add(outer, inner, EPOLLIN, 7);
	show("nested: quiet", outer, 4, 0);
	write(q[1], "x", 1);
	show("nested: inner ready", outer, 4, 1000);
	show("nested: inner's own event", inner, 4, 0);
	/* rotation */
	int r1[2], r2[2], r3[2], rot = (int)ep_create1(0), seen = 0;
	if (pipe(r1) < 0 || pipe(r2) < 0 || pipe(r3) < 0)
		exit(2);
	add(rot, r1[1], EPOLLOUT, 1);
	add(rot, r2[1], EPOLLOUT, 2);
	add(rot, r3[1], EPOLLOUT, 4);
	for (int i = 0; i < 3; i++)
		if (ewait(rot, out, 1, 0) == 1)
			seen |= (int)out[0].data.u64;
	printf("%-44s %d\n", "rotation: three waits, maxevents 1", seen);
	/* closed, reused, dup */
	int c[2], ce = (int)ep_create1(0);
	if (pipe(c) < 0)
		exit(2);
	add(ce, c[0], EPOLLIN, 8);
	write(c[1], "x", 1);
	show("closed: ready before close", ce, 4, 0);
	int num = c[0];
	close(c[0]);
	show("closed: after close", ce, 4, 0);
	say("closed: DEL of the closed number", ctl(ce, EPOLL_CTL_DEL, num, NULL));
	int n2[2];
	if (pipe(n2) < 0)
		exit(2);
	if (dup2(n2[0], num) < 0)
		exit(2);
	write(n2[1], "y", 1);
	show("reused: new file at the number", ce, 4, 0);
	say("reused: MOD", ctl(ce, EPOLL_CTL_MOD, num, &re));
	say("reused: ADD", add(ce, num, EPOLLIN, 9));
	show("reused: after ADD", ce, 4, 0);
	int d = dup(ce);
	show("dup: wait on the dup", d, 4, 0);
	say("dup: DEL through the dup", ctl(d, EPOLL_CTL_DEL, num, NULL));
	show("dup: original sees it gone", ce, 4, 0);
	/* fork: one interest list */
	int f[2];
	if (pipe(f) < 0)
		exit(2);
	pid_t pid = fork();
	if (pid == 0) {
		add(ce, f[0], EPOLLIN, 10);
		write(f[1], "z", 1);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	show("fork: the child's ADD", ce, 4, 1000);
	/* exec: inherited, or closed on exec */
	int ex = (int)ep_create1(0), exc = (int)ep_create1(EPOLL_CLOEXEC), g[2];
	if (pipe(g) < 0)
		exit(2);
	add(ex, g[0], EPOLLIN, 11);
	write(g[1], "w", 1);
	char a1[16], a2[16];
	snprintf(a1, sizeof(a1), "%d", ex);
	snprintf(a2, sizeof(a2), "%d", exc);
	pid = fork();
	if (pid == 0) {
		execl(self, self, "exec-child", a1, a2, (char *)NULL);
		_exit(3);
	}
	waitpid(pid, NULL, 0);
	/* a signal interrupts a wait; another thread wakes one */
	struct sigaction sa = {.sa_handler = on_alarm, .sa_flags = SA_RESTART};
	sigaction(SIGALRM, &sa, NULL);
	int idle = (int)ep_create1(0);
	ualarm(100000, 0);
	say("signal: wait interrupted", ewait(idle, out, 4, 5000));
	int w[2];
	pthread_t th;
	if (pipe(w) < 0)
		exit(2);
	add(idle, w[0], EPOLLIN, 12);
	pthread_create(&th, NULL, late_writer, &w[1]);
	show("thread: woken by another thread", idle, 4, 5000);
	pthread_join(th, NULL);
	sigset_t all;
	sigfillset(&all);
	sigdelset(&all, SIGALRM);
	ualarm(100000, 0);
	long rc = syscall(SYS_epoll_pwait, ep_create1(0), out, 4, 5000, &all, (size_t)8);
	say("pwait: interrupted under its own mask", rc);
}

/* the data of one wait's events, summed (each wait here reports distinct powers or small
 * numbers, so the sum names the set) */
static long long sum(int ep, int max)
{
	struct epoll_event ev[64];
	long n = ewait(ep, ev, max, 0);
	long long t = 0;
	if (n < 0)
		return -errno;
	for (long i = 0; i < n; i++)
		t += (long long)ev[i].data.u64;
	return t * 1000 + n;
}

static void cache(void)
{
	int ep = (int)ep_create1(0), p[40][2];

	setvbuf(stdout, NULL, _IONBF, 0);
	for (int i = 0; i < 40; i++) {
		if (pipe(p[i]) < 0)
			exit(2);
		add(ep, p[i][0], EPOLLIN, (uint64_t)1 << i);
	}
	write(p[3][1], "x", 1);
	printf("%-44s %lld\n", "cache: one ready", sum(ep, 64));
	printf("%-44s %lld\n", "cache: again", sum(ep, 64));
	write(p[39][1], "x", 1);
	printf("%-44s %lld\n", "cache: a second ready", sum(ep, 64));
	ctl(ep, EPOLL_CTL_DEL, p[3][0], NULL);
	printf("%-44s %lld\n", "cache: after DEL", sum(ep, 64));
	struct epoll_event m = {.events = EPOLLOUT, .data.u64 = 7};
	ctl(ep, EPOLL_CTL_MOD, p[39][0], &m);
	printf("%-44s %lld\n", "cache: after MOD to OUT (read end)", sum(ep, 64));
	add(ep, p[3][1], EPOLLOUT | EPOLLONESHOT, 5);
	printf("%-44s %lld\n", "cache: ONESHOT ADD", sum(ep, 64));
	printf("%-44s %lld\n", "cache: ONESHOT spent", sum(ep, 64));
	m.events = EPOLLOUT | EPOLLONESHOT;
	m.data.u64 = 9;
	ctl(ep, EPOLL_CTL_MOD, p[3][1], &m);
	printf("%-44s %lld\n", "cache: ONESHOT re-armed", sum(ep, 64));
	pid_t pid = fork();
	if (pid == 0) {
		add(ep, p[0][1], EPOLLOUT, 11);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	printf("%-44s %lld\n", "cache: the child's ADD", sum(ep, 64));
	close(p[0][1]);
	printf("%-44s %lld\n", "cache: its descriptor closed", sum(ep, 64));
	int q[2];
	if (pipe(q) < 0 || dup2(q[1], p[0][1]) < 0)
		exit(2);
	printf("%-44s %lld\n", "cache: number reused, not added", sum(ep, 64));
	/* more instances than the brand keeps poll sets for, waited on in turn */
	int many[12], mp[12][2];
	for (int i = 0; i < 12; i++) {
		many[i] = (int)ep_create1(0);
		if (many[i] < 0 || pipe(mp[i]) < 0)
			exit(2);
		add(many[i], mp[i][1], EPOLLOUT, (uint64_t)i + 1);
	}
	long long t = 0;
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 12; i++)
			t += sum(many[i], 4);
	printf("%-44s %lld\n", "cache: 12 instances, 3 rounds", t);
	for (int i = 0; i < 12; i++)
		ctl(many[i], EPOLL_CTL_DEL, mp[i][1], NULL);
	t = 0;
	for (int i = 0; i < 12; i++)
		t += sum(many[i], 4);
	printf("%-44s %lld\n", "cache: 12 instances emptied", t);
	/* past 256 registrations, one ready, then another */
	int big = (int)ep_create1(0), bp[300][2];
	for (int i = 0; i < 300; i++) {
		if (pipe(bp[i]) < 0) {
			printf("%-44s %s\n", "cache: 300 pipes", "skipped (descriptor limit)");
			return;
		}
		add(big, bp[i][0], EPOLLIN, (uint64_t)i);
	}
	write(bp[299][1], "x", 1);
	printf("%-44s %lld\n", "cache: 300 registrations", sum(big, 64));
	write(bp[7][1], "x", 1);
	printf("%-44s %lld\n", "cache: 300 registrations, two", sum(big, 64));
	printf("%-44s %lld\n", "cache: maxevents 1", sum(big, 1) % 1000);
}

static void exec_child(int ex, int exc)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	show("exec: inherited instance", ex, 4, 1000);
	say("exec: close-on-exec instance", fcntl(exc, F_GETFD));
}

int main(int argc, char **argv)
{
	bad = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (bad == MAP_FAILED)
		return 2;
	if (argc == 4 && !strcmp(argv[1], "exec-child")) {
		exec_child(atoi(argv[2]), atoi(argv[3]));
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "errors"))
			errors();
		else if (!strcmp(argv[i], "sem"))
			semantics(argv[0]);
		else if (!strcmp(argv[i], "cache"))
			cache();
	}
	return 0;
}
