/*
 * clone3 under the brand, compared with native (clone3.sh): the argument block's sizes and
 * bad pointers, the kernel's own checks and their order, fork-like children (with a stack,
 * CLONE_PIDFD, the tid pointers, set_tid, CLONE_CLEAR_SIGHAND), threads on their own stacks,
 * vfork-style children on a stack of their own (what glibc's posix_spawn does), and glibc's
 * own pthread_create and posix_spawn, which use clone3 when it works.
 *
 * Every line printed is decided by Linux's semantics only (no pids, no addresses), so the
 * native run and the run under lxrun must print the same thing.
 *
 *   clone3 [part...]     parts: args fork thread vfork libc (default: all)
 */
#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <pthread.h>

#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND 0x100000000ULL
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

extern char **environ;

static char *bad;  /* a PROT_NONE page */
static char *edge; /* a page followed by a PROT_NONE page */

static const char *errname(int e)
{
	switch (e) {
	case EFAULT:
		return "EFAULT";
	case EINVAL:
		return "EINVAL";
	case E2BIG:
		return "E2BIG";
	case EPERM:
		return "EPERM";
	case ENOSYS:
		return "ENOSYS";
	case EBUSY:
		return "EBUSY";
	default:
		return strerror(e);
	}
}

/* Raw system calls for children that share our memory and our %fs (no errno). */
static long raw2(long nr, long a, long b)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return r;
}

static long raw4(long nr, long a, long b, long c, long d)
{
	long r;
	register long r10 __asm__("r10") = d;
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return r;
}

/*
 * clone3(a, size); the child aligns whatever stack it is on, calls fn(arg) and exits (the
 * thread only) with its result.  Returns the child's id or -errno.
 */
static long clone3_run(struct clone_args *a, size_t size, int (*fn)(void *), void *arg)
{
	register long r12 __asm__("r12") = (long)fn;
	register long r13 __asm__("r13") = (long)arg;
	long ret;

	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "xor %%ebp, %%ebp\n\t"
			 "and $-16, %%rsp\n\t"
			 "mov %%r13, %%rdi\n\t"
			 "call *%%r12\n\t"
			 "mov %%eax, %%edi\n\t"
			 "mov $60, %%eax\n\t"
			 "syscall\n\t"
			 "hlt\n"
			 "1:"
			 : "=a"(ret)
			 : "a"((long)SYS_clone3), "D"(a), "S"(size), "r"(r12), "r"(r13)
			 : "rcx", "r11", "memory");
	return ret;
}

static void report_exit(const char *what, pid_t pid, int flags)
{
	int st;

	if (waitpid(pid, &st, flags) != pid) {
		printf("%s: waitpid: %s\n", what, errname(errno));
		return;
	}
	if (WIFEXITED(st))
		printf("%s: child exited %d\n", what, WEXITSTATUS(st));
	else
		printf("%s: child killed by %d\n", what, WTERMSIG(st));
}

static int child_exit_7(void *arg)
{
	(void)arg;
	return 7;
}

/* A fork-like attempt: prints the errno, or that a child was made (and reaps it). */
static void try_fork(const char *what, struct clone_args *a, size_t size)
{
	long r = clone3_run(a, size, child_exit_7, NULL);

	if (r < 0) {
		printf("%s: %s\n", what, errname((int)-r));
	} else {
		printf("%s: OK\n", what);
		report_exit(what, (pid_t)r, __WALL);
	}
	fflush(stdout);
}

static void fresh(struct clone_args *a)
{
	memset(a, 0, sizeof(*a));
	a->exit_signal = SIGCHLD;
}

/* ---- sizes, pointers and the kernel's checks ---- */

static void part_args(void)
{
	struct clone_args a;
	int x;
	pid_t tids[1] = {1};
	unsigned char big[4096 + 64];

	fresh(&a);
	try_fork("bad pointer", (struct clone_args *)bad, sizeof(a));
	try_fork("size 0", &a, 0);
	try_fork("size 63", &a, 63);
	try_fork("size VER0 (64)", &a, 64);
	try_fork("size VER1 (80)", &a, 80);
	try_fork("size 4097", &a, 4097);

	memset(big, 0, sizeof(big));
	memcpy(big, &a, sizeof(a));
	try_fork("size 4096, zero tail", (struct clone_args *)big, 4096);
	big[4000] = 1;
	try_fork("size 4096, nonzero tail", (struct clone_args *)big, 4096);
	big[4000] = 0;
	big[sizeof(a)] = 1;
	try_fork("size +8, nonzero first tail byte", (struct clone_args *)big, sizeof(a) + 8);

	/* the block ends where the guard page starts */
	struct clone_args *e = (struct clone_args *)(edge + 4096 - sizeof(a));
	fresh(e);
	try_fork("block against a guard page", e, sizeof(a));
	try_fork("tail into a guard page", e, sizeof(a) + 1);

	fresh(&a);
	a.exit_signal = 256;
	try_fork("exit_signal 256", &a, sizeof(a));
	fresh(&a);
	a.flags = 1ULL << 40;
	try_fork("unknown flag", &a, sizeof(a));
	fresh(&a);
	a.flags = CLONE_SIGHAND;
	try_fork("CLONE_SIGHAND without CLONE_VM", &a, sizeof(a));
	fresh(&a);
	a.flags = CLONE_THREAD | CLONE_SIGHAND | CLONE_VM;
	try_fork("CLONE_THREAD with exit_signal", &a, sizeof(a));
	fresh(&a);
	a.flags = CLONE_SIGHAND | CLONE_VM | CLONE_CLEAR_SIGHAND;
	try_fork("CLONE_SIGHAND|CLONE_CLEAR_SIGHAND", &a, sizeof(a));
	fresh(&a);
	a.flags = CLONE_FS | CLONE_NEWNS;
	try_fork("CLONE_FS|CLONE_NEWNS", &a, sizeof(a));

	fresh(&a);
	a.stack = (uintptr_t)&x;
	try_fork("stack without size", &a, sizeof(a));
	fresh(&a);
	a.stack_size = 4;
	try_fork("size without stack", &a, sizeof(a));
	fresh(&a);
	a.stack = 0x7ffffffff000ULL;
	a.stack_size = 0x2000;
	try_fork("stack beyond user space", &a, sizeof(a));
	fresh(&a);
	a.stack = ~0ULL - 15;
	a.stack_size = 64;
	try_fork("stack wrapping around", &a, sizeof(a));
	/* the kernel's order: exit_signal and set_tid before the stack */
	fresh(&a);
	a.stack_size = 4;
	a.exit_signal = 300;
	try_fork("bad stack and exit_signal", &a, sizeof(a));
	fresh(&a);
	a.stack_size = 4;
	a.set_tid = (uintptr_t)bad;
	a.set_tid_size = 1;
	try_fork("bad stack and bad set_tid", &a, sizeof(a));
	fresh(&a);
	a.set_tid_size = 1;
	try_fork("set_tid_size without set_tid", &a, sizeof(a));
	fresh(&a);
	a.set_tid = (uintptr_t)tids;
	try_fork("set_tid without size", &a, sizeof(a));
	fresh(&a);
	a.flags = CLONE_PIDFD;
	a.pidfd = (uintptr_t)bad;
	try_fork("CLONE_PIDFD bad pointer", &a, sizeof(a));
	fresh(&a);
	a.flags = CLONE_VM | CLONE_VFORK | CLONE_PIDFD;
	a.pidfd = (uintptr_t)bad;
	try_fork("CLONE_VM|CLONE_VFORK|CLONE_PIDFD bad pointer", &a, sizeof(a));
	fresh(&a);
	a.flags = CLONE_VM;
	a.exit_signal = 999;
	try_fork("CLONE_VM bad exit_signal", &a, sizeof(a));
	fresh(&a);
	a.flags = CLONE_INTO_CGROUP;
	a.cgroup = (uint64_t)1 << 40;
	try_fork("CLONE_INTO_CGROUP cgroup > INT_MAX", &a, sizeof(a));
	fresh(&a);
	a.flags = CLONE_INTO_CGROUP;
	try_fork("CLONE_INTO_CGROUP in a VER1 block", &a, 80);
}

/* ---- fork-like children ---- */

static char *fork_stack;
#define FORK_STACK_SIZE (64 * 1024)

static int child_on_stack(void *arg)
{
	char here;
	(void)arg;
	return &here > fork_stack && &here < fork_stack + FORK_STACK_SIZE ? 11 : 12;
}

static int child_pid1(void *arg)
{
	(void)arg;
	return getpid() == 1 ? 21 : 22;
}

static int child_sighand(void *arg)
{
	struct sigaction usr1, usr2;
	struct utsname u;
	(void)arg;
	sigaction(SIGUSR1, NULL, &usr1);
	sigaction(SIGUSR2, NULL, &usr2);
	/* an emulated call works: the brand's own entries survived the reset */
	if (uname(&u) != 0)
		return 39;
	return 30 + (usr1.sa_handler == SIG_DFL) + 2 * (usr2.sa_handler == SIG_IGN) +
	       4 * (usr1.sa_flags == 0);
}

static volatile sig_atomic_t usr1_hits;
static void on_usr1(int sig)
{
	(void)sig;
	usr1_hits++;
}

static void part_fork(void)
{
	struct clone_args a;
	int pidfd = -1, ptid = 0, ctid = 0;
	siginfo_t si;
	long r;

	fresh(&a);
	try_fork("fork", &a, sizeof(a));

	fork_stack =
	    mmap(NULL, FORK_STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fresh(&a);
	a.stack = (uintptr_t)fork_stack;
	a.stack_size = FORK_STACK_SIZE;
	r = clone3_run(&a, sizeof(a), child_on_stack, NULL);
	printf("fork on a stack: %s\n", r < 0 ? errname((int)-r) : "OK");
	if (r > 0)
		report_exit("fork on a stack", (pid_t)r, 0);

	fresh(&a);
	a.flags = CLONE_PIDFD | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID;
	a.pidfd = (uintptr_t)&pidfd;
	a.parent_tid = (uintptr_t)&ptid;
	a.child_tid = (uintptr_t)&ctid;
	r = clone3_run(&a, sizeof(a), child_exit_7, NULL);
	printf("fork CLONE_PIDFD: %s, pidfd %s, parent_tid %s\n", r < 0 ? errname((int)-r) : "OK",
	       pidfd >= 0 ? "set" : "unset", r > 0 && ptid == r ? "= pid" : "wrong");
	if (r > 0) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_PIDFD, pidfd, &si, WEXITED) == 0)
			printf("fork CLONE_PIDFD: waitid(P_PIDFD) status %d\n", si.si_status);
		else
			printf("fork CLONE_PIDFD: waitid: %s\n", errname(errno));
		close(pidfd);
	}

	fresh(&a);
	a.exit_signal = SIGUSR2; /* a child that signals its end with SIGUSR2 */
	signal(SIGUSR2, SIG_IGN);
	try_fork("fork exit_signal SIGUSR2", &a, sizeof(a));

	/* set_tid: pid 1 of a new pid namespace */
	pid_t tid1[1] = {1};
	fresh(&a);
	a.flags = CLONE_NEWPID;
	a.set_tid = (uintptr_t)tid1;
	a.set_tid_size = 1;
	r = clone3_run(&a, sizeof(a), child_pid1, NULL);
	printf("fork CLONE_NEWPID set_tid {1}: %s\n", r < 0 ? errname((int)-r) : "OK");
	if (r > 0)
		report_exit("fork CLONE_NEWPID set_tid {1}", (pid_t)r, 0);

	/* CLONE_CLEAR_SIGHAND: handlers reset, ignored stays ignored */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGUSR2, SIG_IGN);
	fresh(&a);
	a.flags = CLONE_CLEAR_SIGHAND;
	r = clone3_run(&a, sizeof(a), child_sighand, NULL);
	printf("fork CLONE_CLEAR_SIGHAND: %s\n", r < 0 ? errname((int)-r) : "OK");
	if (r > 0)
		report_exit("fork CLONE_CLEAR_SIGHAND (37: all reset as Linux does)", (pid_t)r, 0);
	/* and the parent's handler is still there */
	raise(SIGUSR1);
	printf("parent SIGUSR1 handler after: %d hit\n", (int)usr1_hits);
	munmap(fork_stack, FORK_STACK_SIZE);
}

/* ---- threads: CLONE_VM children on their own stacks ---- */

static volatile int thread_ok, thread_bad;

static int thread_body(void *arg)
{
	struct utsname u;
	stack_t ss;
	(void)arg;
	/* an emulated call, and sigaltstack: a new thread has none (Linux clears it) */
	long r1 = raw2(SYS_uname, (long)&u, 0);
	long r2 = raw2(SYS_sigaltstack, 0, (long)&ss);
	if (r1 == 0 && r2 == 0 && (ss.ss_flags & SS_DISABLE))
		__atomic_add_fetch(&thread_ok, 1, __ATOMIC_SEQ_CST);
	else
		__atomic_add_fetch(&thread_bad, 1, __ATOMIC_SEQ_CST);
	return 0;
}

static void part_thread(void)
{
	const size_t ssz = 64 * 1024;
	char *stacks =
	    mmap(NULL, 4 * ssz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	volatile pid_t ctid[4];
	int made = 0, failed = 0;

	for (int round = 0; round < 50; round++) {
		for (int i = 0; i < 4; i++) {
			struct clone_args a;
			memset(&a, 0, sizeof(a));
			a.flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
				  CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
			a.parent_tid = (uintptr_t)&ctid[i];
			a.child_tid = (uintptr_t)&ctid[i];
			a.stack = (uintptr_t)(stacks + i * ssz);
			a.stack_size = ssz;
			long r = clone3_run(&a, sizeof(a), thread_body, NULL);
			if (r > 0)
				made++;
			else
				failed++;
		}
		/* wait for each to clear its tid (CLONE_CHILD_CLEARTID wakes the futex) */
		for (int i = 0; i < 4; i++) {
			pid_t v;
			while ((v = ctid[i]) != 0)
				raw4(SYS_futex, (long)&ctid[i], 0 /* FUTEX_WAIT */, v, 0);
		}
	}
	printf("clone3 threads: %d made, %d failed, %d ran right, %d wrong\n", made, failed,
	       thread_ok, thread_bad);
	munmap(stacks, 4 * ssz);
}

/* ---- vfork-style: CLONE_VM|CLONE_VFORK on a stack of the child's own ---- */

static char altbuf[64 * 1024];

static int vfork_body(void *arg)
{
	struct utsname u;
	stack_t ss;
	struct {
		void *handler;
		unsigned long flags;
		void *restorer;
		unsigned long mask;
	} old;
	unsigned long set = 1UL << (SIGUSR2 - 1);
	int score = 0;
	(void)arg;
	/* trapped calls while the parent sits in its own clone3 */
	for (int i = 0; i < 20; i++)
		score |= raw2(SYS_uname, (long)&u, 0) != 0;
	/* the vfork child keeps its parent's alternate stack */
	if (raw2(SYS_sigaltstack, 0, (long)&ss) != 0 || ss.ss_sp != altbuf ||
	    (ss.ss_flags & SS_DISABLE))
		score |= 2;
	/* and its parent's dispositions */
	if (raw4(SYS_rt_sigaction, SIGUSR1, 0, (long)&old, 8) != 0 || old.handler != on_usr1)
		score |= 4;
	if (raw4(SYS_rt_sigprocmask, SIG_BLOCK, (long)&set, 0, 8) != 0)
		score |= 8;
	return 40 + score;
}

static int vfork_clear_body(void *arg)
{
	struct utsname u;
	(void)arg;
	/* CLONE_CLEAR_SIGHAND without CLONE_SIGHAND: a trapped call still works */
	return raw2(SYS_uname, (long)&u, 0) == 0 ? 50 : 51;
}

static void part_vfork(void)
{
	const size_t ssz = 64 * 1024;
	char *stack = mmap(NULL, ssz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	stack_t alt = {.ss_sp = altbuf, .ss_size = sizeof(altbuf)};
	struct sigaction sa;
	struct clone_args a;
	int pidfd = -1;
	long r;

	sigaltstack(&alt, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	usr1_hits = 0;

	for (int i = 0; i < 20; i++) {
		fresh(&a);
		a.flags = CLONE_VM | CLONE_VFORK | (i == 0 ? CLONE_PIDFD : 0);
		a.pidfd = (uintptr_t)&pidfd;
		a.stack = (uintptr_t)stack;
		a.stack_size = ssz;
		r = clone3_run(&a, sizeof(a), vfork_body, NULL);
		if (i == 0 || i == 19) {
			printf("vfork on a stack %d: %s\n", i, r < 0 ? errname((int)-r) : "OK");
			if (r > 0)
				report_exit("vfork on a stack (40: every check right)", (pid_t)r,
					    0);
		} else if (r > 0) {
			waitpid((pid_t)r, NULL, 0);
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	/* the parent's own state survived its children */
	raise(SIGUSR1);
	printf("parent after vfork children: SIGUSR1 handler %d hit\n", (int)usr1_hits);

	fresh(&a);
	a.flags = CLONE_VM | CLONE_VFORK | CLONE_CLEAR_SIGHAND;
	a.stack = (uintptr_t)stack;
	a.stack_size = ssz;
	r = clone3_run(&a, sizeof(a), vfork_clear_body, NULL);
	printf("vfork CLONE_CLEAR_SIGHAND: %s\n", r < 0 ? errname((int)-r) : "OK");
	if (r > 0)
		report_exit("vfork CLONE_CLEAR_SIGHAND", (pid_t)r, 0);

	alt.ss_flags = SS_DISABLE;
	sigaltstack(&alt, NULL);
	signal(SIGUSR1, SIG_DFL);
	munmap(stack, ssz);
}

/* ---- glibc: pthread_create and posix_spawn (clone3 first, clone on ENOSYS) ---- */

static void *pthread_body(void *arg)
{
	struct utsname u;
	(void)arg;
	return (void *)(uintptr_t)(uname(&u) == 0);
}

static void part_libc(void)
{
	int ok = 0, spawned = 0, exits = 0;

	for (int i = 0; i < 64; i++) {
		pthread_t t;
		void *res = NULL;
		if (pthread_create(&t, NULL, pthread_body, NULL) == 0 &&
		    pthread_join(t, &res) == 0 && res)
			ok++;
	}
	printf("pthread_create+join: %d of 64\n", ok);
	for (int i = 0; i < 16; i++) {
		char *argv[] = {"sh", "-c", "exit 3", NULL};
		pid_t pid;
		int st;
		if (posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ) == 0) {
			spawned++;
			if (waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 3)
				exits++;
		}
	}
	printf("posix_spawn: %d of 16 spawned, %d exited 3\n", spawned, exits);
	char *argv[] = {"/nonexistent/prog", NULL};
	pid_t pid;
	int e = posix_spawn(&pid, argv[0], NULL, NULL, argv, environ);
	printf("posix_spawn of a missing program: %s\n", errname(e));
}

/* ---- dispositions around posix_spawn's child, which resets every one of them ---- */

static void on_usr2(int sig)
{
	(void)sig;
}

static int exit_code(pid_t pid)
{
	int st;

	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int usr_handler(int sig, void (*h)(int))
{
	struct sigaction q;

	return sigaction(sig, NULL, &q) == 0 && q.sa_handler == h;
}

/* The brand tells a vfork child (the parent's memory: its dispositions are its own) from a fork
 * child (its own copy: its table is its own) and remembers the first answer for the children
 * that share the memory: the fork children made afterwards must not inherit it. */
static void part_spawnsig(void)
{
	char *argv[] = {"sh", "-c", "exit 3", NULL};
	int exits = 0;
	pid_t pid;

	signal(SIGUSR2, on_usr2);
	for (int i = 0; i < 4; i++)
		if (posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ) == 0 &&
		    exit_code(pid) == 3)
			exits++;
	printf("posix_spawn with a handler: %d of 4 exited 3, parent's handler kept %d\n", exits,
	       usr_handler(SIGUSR2, on_usr2));
	pid = fork();
	if (pid == 0) /* a fork child's disposition is in its own table */
		_exit(signal(SIGUSR1, SIG_IGN) != SIG_ERR && usr_handler(SIGUSR1, SIG_IGN) ? 20 : 21);
	printf("fork child after posix_spawn: sets and sees its own SIG_IGN: exited %d\n",
	       exit_code(pid));
	pid = vfork();
	if (pid == 0) {
		signal(SIGUSR2, SIG_IGN);
		_exit(30);
	}
	printf("vfork child after posix_spawn: exited %d, parent's handler kept %d\n",
	       exit_code(pid), usr_handler(SIGUSR2, on_usr2));
	pid = fork();
	if (pid == 0) { /* a fork child's vfork child: its SIG_IGN is not the fork child's */
		pid_t v = vfork();
		if (v == 0) {
			signal(SIGUSR1, SIG_IGN);
			_exit(0);
		}
		_exit(exit_code(v) == 0 && usr_handler(SIGUSR1, SIG_DFL) ? 40 : 41);
	}
	printf("fork child's vfork child after posix_spawn: exited %d\n", exit_code(pid));
	printf("parent: SIGUSR1 default %d\n", usr_handler(SIGUSR1, SIG_DFL));
	signal(SIGUSR2, SIG_DFL);
}

struct part {
	const char *name;
	void (*fn)(void);
};

static const struct part parts[] = {
    {"args", part_args},   {"fork", part_fork}, {"thread", part_thread},
    {"vfork", part_vfork}, {"libc", part_libc}, {"spawnsig", part_spawnsig},
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	bad = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	edge = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (bad == MAP_FAILED || edge == MAP_FAILED || mprotect(edge + 4096, 4096, PROT_NONE)) {
		perror("mmap");
		return 2;
	}
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		int want = argc < 2;
		for (int j = 1; j < argc; j++)
			want |= strcmp(argv[j], parts[i].name) == 0;
		if (!want)
			continue;
		printf("== %s\n", parts[i].name);
		parts[i].fn();
	}
	return 0;
}
