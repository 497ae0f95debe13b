/*
 * sigefault: bad guest pointers and guest signal semantics, run natively and under the
 * brand; both runs must print the same lines (tests/integration/sigefault.sh compares them,
 * and pins the native output in expected/sigefault.out).
 *
 * Part 1 passes an unmapped pointer to every call the brand emulates (execve, uname,
 * readlink, the signal calls, signalfd, clone) and prints the errno: the brand must answer
 * EFAULT from its fault-recovering copies, never crash. The calls go through syscall(2) so
 * that libc wrappers (which copy structures before the call) do not fault first.
 *
 * Part 2 checks the signal behaviour the brand virtualizes: SIGSYS can be blocked, handled
 * and raised by the guest as on Linux; handlers run on the guest's own sigaltstack;
 * SA_RESETHAND, SA_NODEFER, SA_RESTART, sa_mask and EINTR behave as natively; a fault
 * (SIGSEGV) is delivered with the right si_addr.
 *
 * Output is deterministic: no addresses, pids or timings are printed.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The kernel's sigset for rt_sig* calls is 8 bytes on x86_64. */
#define KSIGSET_SIZE 8

static void *bad; /* a PROT_NONE page: every access faults */

static const char *errname(int e)
{
	switch (e) {
	case 0: return "OK";
	case EFAULT: return "EFAULT";
	case EINVAL: return "EINVAL";
	case ENOENT: return "ENOENT";
	case EINTR: return "EINTR";
	case ENOSYS: return "ENOSYS";
	case EPERM: return "EPERM";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case EACCES: return "EACCES";
	case ENOEXEC: return "ENOEXEC";
	default: return "other";
	}
}

/* Print "what: RESULT" where RESULT is OK (with value) or the errno's name. */
static void report(const char *what, long ret)
{
	if (ret == -1)
		printf("%s: %s\n", what, errname(errno));
	else
		printf("%s: OK\n", what);
	fflush(stdout);
}

#define TRY(what, call)                                                                    \
	do {                                                                               \
		errno = 0;                                                                 \
		long r_ = (call);                                                          \
		report(what, r_);                                                          \
	} while (0)

/* clone with a fresh stack and CLONE_VM: the child runs only the instructions below (exit
 * with status 9), so it never returns into C on a stack it does not own. */
static long clone_vm_exit(unsigned long flags, void *stack_top, void *ptid)
{
	long ret;
	register long r10 __asm__("r10") = 0; /* child_tid */
	register long r8 __asm__("r8") = 0;   /* tls */

	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "mov $60, %%eax\n\t"
			 "mov $9, %%edi\n\t"
			 "syscall\n\t"
			 "hlt\n"
			 "1:"
			 : "=a"(ret)
			 : "a"((long)SYS_clone), "D"(flags), "S"(stack_top), "d"(ptid), "r"(r10),
			   "r"(r8)
			 : "rcx", "r11", "memory");
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

static void wait_child(const char *what, pid_t pid)
{
	int st;

	if (waitpid(pid, &st, __WALL) != pid) {
		printf("%s: waitpid failed: %s\n", what, errname(errno));
		return;
	}
	if (WIFEXITED(st))
		printf("%s: child exited %d\n", what, WEXITSTATUS(st));
	else
		printf("%s: child killed by %d\n", what, WTERMSIG(st));
}

static void part_efault(void)
{
	char *const good_argv[] = { "/bin/true", NULL };
	char *const bad_elem_argv[] = { "/bin/true", bad, NULL };
	char *const envp[] = { NULL };
	char buf[sizeof(struct utsname) + 64];

	TRY("execve bad path", syscall(SYS_execve, bad, good_argv, envp));
	TRY("execve bad argv", syscall(SYS_execve, "/bin/true", bad, envp));
	TRY("execve bad argv[1]", syscall(SYS_execve, "/bin/true", bad_elem_argv, envp));
	TRY("execve bad envp", syscall(SYS_execve, "/bin/true", good_argv, bad));
	TRY("execveat bad path", syscall(SYS_execveat, -100, bad, good_argv, envp, 0));
	TRY("execveat bad argv", syscall(SYS_execveat, -100, "/bin/true", bad, envp, 0));
	TRY("uname bad buf", syscall(SYS_uname, bad));
	TRY("readlink bad path", syscall(SYS_readlink, bad, buf, sizeof(buf)));
	TRY("readlink /proc/self/exe bad buf", syscall(SYS_readlink, "/proc/self/exe", bad, 64));
	TRY("readlinkat bad path", syscall(SYS_readlinkat, -100, bad, buf, sizeof(buf)));
	TRY("readlinkat /proc/self/exe bad buf",
	    syscall(SYS_readlinkat, -100, "/proc/self/exe", bad, 64));
	TRY("rt_sigaction SIGUSR1 bad act", syscall(SYS_rt_sigaction, SIGUSR1, bad, NULL, KSIGSET_SIZE));
	TRY("rt_sigaction SIGUSR1 bad oldact",
	    syscall(SYS_rt_sigaction, SIGUSR1, NULL, bad, KSIGSET_SIZE));
	TRY("rt_sigaction SIGSYS bad act", syscall(SYS_rt_sigaction, SIGSYS, bad, NULL, KSIGSET_SIZE));
	TRY("rt_sigaction SIGSYS bad oldact", syscall(SYS_rt_sigaction, SIGSYS, NULL, bad, KSIGSET_SIZE));
	TRY("rt_sigprocmask bad set", syscall(SYS_rt_sigprocmask, SIG_BLOCK, bad, NULL, KSIGSET_SIZE));
	TRY("rt_sigprocmask bad oldset",
	    syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, bad, KSIGSET_SIZE));
	TRY("rt_sigpending bad set", syscall(SYS_rt_sigpending, bad, KSIGSET_SIZE));
	TRY("rt_sigsuspend bad set", syscall(SYS_rt_sigsuspend, bad, KSIGSET_SIZE));
	TRY("rt_sigtimedwait bad set", syscall(SYS_rt_sigtimedwait, bad, NULL, NULL, KSIGSET_SIZE));
	TRY("sigaltstack bad ss", syscall(SYS_sigaltstack, bad, NULL));
	TRY("sigaltstack bad old", syscall(SYS_sigaltstack, NULL, bad));
	TRY("signalfd4 bad mask", syscall(SYS_signalfd4, -1, bad, KSIGSET_SIZE, 0));

	/* Linux ignores a failed write of the parent's tid (kernel_clone discards put_user's
	 * result): the child is created all the same. The brand must do as Linux does. */
	errno = 0;
	long pid = syscall(SYS_clone, SIGCHLD | CLONE_PARENT_SETTID, NULL, bad, NULL, NULL);
	if (pid == 0)
		_exit(7);
	report("clone fork-like PARENT_SETTID bad ptr", pid);
	if (pid > 0)
		wait_child("clone fork-like PARENT_SETTID bad ptr", (pid_t)pid);

	size_t stsz = 64 * 1024;
	char *stack = mmap(NULL, stsz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (stack == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	pid = clone_vm_exit(CLONE_VM | CLONE_VFORK | CLONE_PARENT_SETTID | SIGCHLD, stack + stsz, bad);
	report("clone CLONE_VM|CLONE_VFORK PARENT_SETTID bad ptr", pid);
	if (pid > 0)
		wait_child("clone CLONE_VM|CLONE_VFORK PARENT_SETTID bad ptr", (pid_t)pid);
	munmap(stack, stsz);

	TRY("uname after all that", syscall(SYS_uname, (struct utsname *)buf));
}

/* ---- part 2: signals ---- */

static volatile sig_atomic_t sys_hits, sys_code_ok, sys_pid_ok;

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	sys_hits++;
	sys_code_ok = sig == SIGSYS && si->si_signo == SIGSYS && si->si_code == SI_TKILL;
	sys_pid_ok = si->si_pid == getpid();
}

static int blocked(int sig)
{
	sigset_t cur;

	sigprocmask(SIG_SETMASK, NULL, &cur);
	return sigismember(&cur, sig);
}

static void *thread_mask_check(void *arg)
{
	struct utsname u;

	(void)arg;
	printf("thread: inherits SIGSYS blocked: %d\n", blocked(SIGSYS));
	printf("thread: uname with SIGSYS blocked: %s\n", uname(&u) == 0 ? "OK" : errname(errno));
	fflush(stdout);
	return NULL;
}

static void part_sigsys(void)
{
	sigset_t set, old;
	struct sigaction sa, cur;
	struct utsname u;
	pthread_t t;

	sigemptyset(&set);
	sigaddset(&set, SIGSYS);
	sigprocmask(SIG_BLOCK, &set, &old);
	printf("sigsys: blocked before: %d, reported blocked now: %d\n", sigismember(&old, SIGSYS),
	       blocked(SIGSYS));
	printf("sigsys: uname with SIGSYS blocked: %s\n", uname(&u) == 0 ? "OK" : errname(errno));
	printf("sigsys: getppid with SIGSYS blocked: %s\n", getppid() > 0 ? "OK" : "bad");
	fflush(stdout);
	pthread_create(&t, NULL, thread_mask_check, NULL);
	pthread_join(t, NULL);

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	printf("sigsys: install handler: %s\n", sigaction(SIGSYS, &sa, NULL) == 0 ? "OK" : errname(errno));
	raise(SIGSYS);
	sigset_t pend;
	sigpending(&pend);
	printf("sigsys: raised while blocked: handled %d, pending %d\n", (int)sys_hits,
	       sigismember(&pend, SIGSYS));
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	printf("sigsys: after unblock: handled %d, si_code SI_TKILL %d, si_pid self %d, blocked %d\n",
	       (int)sys_hits, (int)sys_code_ok, (int)sys_pid_ok, blocked(SIGSYS));
	raise(SIGSYS);
	printf("sigsys: raised while unblocked: handled %d\n", (int)sys_hits);
	sigaction(SIGSYS, NULL, &cur);
	printf("sigsys: sigaction reports our handler: %d, SA_SIGINFO %d\n",
	       cur.sa_sigaction == on_sigsys, (cur.sa_flags & SA_SIGINFO) != 0);
	printf("sigsys: uname after own handler: %s\n", uname(&u) == 0 ? "OK" : errname(errno));

	signal(SIGSYS, SIG_IGN);
	raise(SIGSYS);
	printf("sigsys: ignored raise survived, handled %d\n", (int)sys_hits);
	signal(SIGSYS, SIG_DFL);
	sigaction(SIGSYS, NULL, &cur);
	printf("sigsys: back to SIG_DFL: %d\n", cur.sa_handler == SIG_DFL);

	/* The default action of SIGSYS kills (with a core): check it in a child. */
	pid_t pid = fork();
	if (pid == 0) {
		struct rlimit nocore = { 0, 0 };
		setrlimit(RLIMIT_CORE, &nocore); /* the default action of SIGSYS dumps core */
		raise(SIGSYS);
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	printf("sigsys: default action in child: killed %d by SIGSYS %d\n", WIFSIGNALED(st),
	       WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);

	fflush(stdout);
}

/* A SIGSYS raised while the guest blocks it is pending: sigpending and signalfd see it.
 * Each check runs in a child, so a brand that gets it wrong (and is killed by the real
 * SIGSYS) still lets the rest report. */
static void part_sigsys_pending(void)
{
	sigset_t set, pend;

	sigemptyset(&set);
	sigaddset(&set, SIGSYS);
	fflush(stdout);
	static const char *const mode[] = { "SIG_DFL", "own handler", "own handler after a thread" };
	for (int with_handler = 0; with_handler <= 2; with_handler++) {
		pid_t p = fork();
		if (p == 0) {
			struct rlimit nocore = { 0, 0 };
			setrlimit(RLIMIT_CORE, &nocore);
			if (with_handler == 2) {
				pthread_t t;
				pthread_create(&t, NULL, thread_mask_check, NULL);
				pthread_join(t, NULL);
			}
			struct sigaction sa;
			memset(&sa, 0, sizeof(sa));
			sa.sa_sigaction = on_sigsys;
			sa.sa_flags = SA_SIGINFO;
			if (with_handler)
				sigaction(SIGSYS, &sa, NULL);
			sigprocmask(SIG_BLOCK, &set, NULL);
			raise(SIGSYS);
			sigpending(&pend);
			printf("sigsys-pending: %s: raised while blocked, sigpending reports it %d\n",
			       mode[with_handler], sigismember(&pend, SIGSYS));
			sigprocmask(SIG_UNBLOCK, &set, NULL);
			printf("sigsys-pending: %s: after unblock handled %d\n", mode[with_handler],
			       (int)sys_hits);
			fflush(stdout);
			_exit(0);
		}
		printf("sigsys-pending: %s: ", mode[with_handler]);
		wait_child("child", p);
	}

	/* signalfd for SIGSYS: the guest's view of SIGSYS includes signalfd. In a child, so a
	 * brand that gets this wrong (and is killed by the real SIGSYS) still lets the rest
	 * of the program report. */
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		sigprocmask(SIG_BLOCK, &set, NULL);
		int sfd = signalfd(-1, &set, SFD_NONBLOCK);
		raise(SIGSYS);
		struct signalfd_siginfo ssi;
		errno = 0;
		ssize_t n = sfd >= 0 ? read(sfd, &ssi, sizeof(ssi)) : -1;
		printf("sigsys-pending: signalfd read %zd bytes (%s), signo %d, SI_TKILL %d\n", n,
		       errname(errno), n == (ssize_t)sizeof(ssi) ? (int)ssi.ssi_signo : -1,
		       n == (ssize_t)sizeof(ssi) && ssi.ssi_code == SI_TKILL);
		sigpending(&pend);
		printf("sigsys-pending: after signalfd read pending %d\n", sigismember(&pend, SIGSYS));
		fflush(stdout);
		_exit(0);
	}
	wait_child("sigsys-pending: signalfd", pid);
}

static char *alt_lo, *alt_hi;
static volatile sig_atomic_t alt_on, alt_flag_onstack, alt_hits;

static void on_usr1_alt(int sig)
{
	char local;
	stack_t now;

	(void)sig;
	alt_hits++;
	alt_on = &local >= alt_lo && &local < alt_hi;
	sigaltstack(NULL, &now);
	alt_flag_onstack = (now.ss_flags & SS_ONSTACK) != 0;
}

static sigjmp_buf segv_jmp;
static volatile sig_atomic_t segv_addr_ok, segv_on_alt, segv_code_ok;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	char local;

	(void)sig;
	(void)uc;
	segv_addr_ok = (char *)si->si_addr == (char *)bad + 16;
	segv_code_ok = si->si_code == SEGV_ACCERR;
	segv_on_alt = &local >= alt_lo && &local < alt_hi;
	siglongjmp(segv_jmp, 1);
}

/* A fork child keeps the sigaltstack, whichever of a signal or a sigaltstack call is its first
 * (under the brand the first thread's emulation stack is wiped in fork children and filled
 * again at the child's first entry: emul/state.h). */
static void altstack_fork(size_t sz)
{
	stack_t now;

	for (int signal_first = 1; signal_first >= 0; signal_first--) {
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			int hits = alt_hits;
			if (signal_first)
				raise(SIGUSR1);
			sigaltstack(NULL, &now);
			if (!signal_first)
				raise(SIGUSR1);
			printf("altstack: fork child, %s first: handler ran %d, local on alt stack "
			       "%d, same base %d, same size %d, flags %d\n",
			       signal_first ? "a signal" : "sigaltstack", (int)alt_hits - hits,
			       (int)alt_on, now.ss_sp == (void *)alt_lo, now.ss_size == sz,
			       now.ss_flags);
			fflush(stdout);
			_exit(0);
		}
		wait_child("altstack: fork child", pid);
	}
}

static void part_altstack(void)
{
	size_t sz = 256 * 1024;
	stack_t ss, now;
	struct sigaction sa;

	alt_lo = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	alt_hi = alt_lo + sz;
	ss.ss_sp = alt_lo;
	ss.ss_size = sz;
	ss.ss_flags = 0;
	printf("altstack: install: %s\n", sigaltstack(&ss, NULL) == 0 ? "OK" : errname(errno));
	sigaltstack(NULL, &now);
	printf("altstack: reported back: same base %d, same size %d, flags %d\n",
	       now.ss_sp == (void *)alt_lo, now.ss_size == sz, now.ss_flags);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1_alt;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	printf("altstack: SA_ONSTACK handler ran %d, local on alt stack %d, SS_ONSTACK inside %d\n",
	       (int)alt_hits, (int)alt_on, (int)alt_flag_onstack);
	sigaltstack(NULL, &now);
	printf("altstack: after return SS_ONSTACK %d\n", (now.ss_flags & SS_ONSTACK) != 0);
	altstack_fork(sz);

	sa.sa_flags = 0;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	printf("altstack: plain handler ran %d, local on alt stack %d, SS_ONSTACK inside %d\n",
	       (int)alt_hits, (int)alt_on, (int)alt_flag_onstack);

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
	if (sigsetjmp(segv_jmp, 1) == 0) {
		*((volatile char *)bad + 16) = 1;
		printf("altstack: write to PROT_NONE did not fault\n");
	}
	printf("altstack: SIGSEGV on alt stack %d, si_addr right %d, SEGV_ACCERR %d\n",
	       (int)segv_on_alt, (int)segv_addr_ok, (int)segv_code_ok);
	signal(SIGSEGV, SIG_DFL);

	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	sigaltstack(NULL, &now);
	printf("altstack: disabled: %d\n", (now.ss_flags & SS_DISABLE) != 0);
	munmap(alt_lo, sz);
	fflush(stdout);
}

static char trace[128];
static volatile sig_atomic_t depth, entries, usr2_blocked_inside, usr1_blocked_inside;

static void add_trace(const char *s)
{
	strncat(trace, s, sizeof(trace) - strlen(trace) - 1);
}

static void on_usr2_nest(int sig)
{
	(void)sig;
	depth++;
	entries++;
	add_trace(entries == 1 ? " enter1" : " enter2");
	usr2_blocked_inside = blocked(SIGUSR2);
	usr1_blocked_inside = blocked(SIGUSR1);
	if (entries == 1)
		raise(SIGUSR2);
	add_trace(depth == 1 ? " leave-outer" : " leave-nested");
	depth--;
}

static void flags_case(const char *name, int flags, int mask_usr1)
{
	struct sigaction sa, cur;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr2_nest;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (mask_usr1)
		sigaddset(&sa.sa_mask, SIGUSR1);
	sigaction(SIGUSR2, &sa, NULL);
	trace[0] = 0;
	depth = 0;
	entries = 0;
	if (flags & SA_RESETHAND) {
		/* The nested raise would hit SIG_DFL and kill: block it until the handler is
		 * done, then it is delivered to the default action — check that in a child. */
		pid_t pid = fork();
		if (pid == 0) {
			raise(SIGUSR2);
			_exit(0);
		}
		int st;
		waitpid(pid, &st, 0);
		printf("%s: child killed by SIGUSR2 (nested raise after reset) %d\n", name,
		       WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR2);
		sa.sa_handler = on_usr2_nest;
		sigaction(SIGUSR2, &sa, NULL);
		/* One delivery without nesting: the handler re-raises only on its first entry. */
		entries = 1;
		raise(SIGUSR2);
		sigaction(SIGUSR2, NULL, &cur);
		printf("%s: after one delivery handler is SIG_DFL %d, signal blocked inside %d\n",
		       name, cur.sa_handler == SIG_DFL, (int)usr2_blocked_inside);
		return;
	}
	raise(SIGUSR2);
	sigaction(SIGUSR2, NULL, &cur);
	printf("%s: order%s, signal blocked inside %d, sa_mask SIGUSR1 blocked inside %d, "
	       "handler kept %d, mask restored %d\n",
	       name, trace, (int)usr2_blocked_inside, (int)usr1_blocked_inside,
	       cur.sa_handler == on_usr2_nest, !blocked(SIGUSR2) && !blocked(SIGUSR1));
	fflush(stdout);
}

static volatile sig_atomic_t alrm_hits;

static void on_alrm(int sig)
{
	(void)sig;
	alrm_hits++;
}

/* A child that signals us after 100 ms (while we block in read) and writes a byte after
 * 400 ms. */
static void restart_case(const char *name, int flags)
{
	int p[2];
	char c;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alrm;
	sa.sa_flags = flags;
	sigaction(SIGALRM, &sa, NULL);
	alrm_hits = 0;
	if (pipe(p) != 0)
		return;
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		struct timespec d1 = { 0, 100 * 1000 * 1000 }, d2 = { 0, 300 * 1000 * 1000 };
		close(p[0]);
		nanosleep(&d1, NULL);
		kill(parent, SIGALRM);
		nanosleep(&d2, NULL);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	errno = 0;
	ssize_t n = read(p[0], &c, 1);
	int e = errno;
	printf("%s: read returned %zd (%s) after %d signal(s)\n", name, n, n < 0 ? errname(e) : "data",
	       (int)alrm_hits);
	if (n < 0) {
		n = read(p[0], &c, 1);
		printf("%s: read again returned %zd\n", name, n);
	}
	waitpid(pid, NULL, 0);
	close(p[0]);
	fflush(stdout);
}

/* ---- part exec: execve/execveat as the brand re-enters them ---- */

static char self_path[4096];

/* In a child: do what `how` says (an exec that should replace the child, or fail), report
 * a failing exec's errno, and let the parent print how the child ended. */
static void *exec_from_thread(void *arg)
{
	char *const argv[] = { "sh", "-c", "exit 9", NULL };

	(void)arg;
	execve("/bin/sh", argv, environ);
	_exit(99);
}

/* vfork; the child sets SIGUSR2 to disp when set, then execs argv.  The wait status, or -1. */
static int vfork_exec(int set, void (*disp)(int), char *const argv[], char *const envp[])
{
	int st;
	pid_t c = vfork();

	if (c == 0) {
		if (set)
			signal(SIGUSR2, disp);
		execve(argv[0], argv, envp);
		_exit(100);
	}
	return c > 0 && waitpid(c, &st, 0) == c ? st : -1;
}

static void exec_case(const char *name, int how)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char *envp[] = { "FOO=bar", "PATH=/bin:/usr/bin", NULL };
		char *const a_exit5[] = { "sh", "-c", "exit 5", NULL };
		char *const a_args[] = { "sh", "-c", "echo \"args: $0|$1|$2|$FOO\"", "zero", "one two", NULL };
		char *const a_exe[] = { "sh", "-c",
					"test \"$(readlink /proc/$$/exe)\" = \"$(readlink -f /bin/sh)\" && "
					"echo \"exe after exec: the shell\"",
					NULL };
		char *const a_sig[] = { "sh", "-c", "kill -USR2 $$; kill -USR1 $$; echo \"signals: ignored and blocked survived\"",
					NULL };
		char *const a_mask[] = { self_path, "report-mask", NULL };
		char *const a_ign[] = { self_path, "report-ign", NULL };
		char *const a_dfl[] = { self_path, "report-dfl", NULL };
		char *const a_vec[] = { self_path, "report-vectors", "x", NULL };
		pid_t c;
		int cst;
		int fd;
		sigset_t set;
		pthread_t t;

		switch (how) {
		case 0:
			syscall(SYS_execveat, AT_FDCWD, "/bin/sh", a_exit5, envp, 0);
			break;
		case 1:
			fd = open("/bin/sh", O_RDONLY);
			syscall(SYS_execveat, fd, "", a_exit5, envp, AT_EMPTY_PATH);
			break;
		case 2:
			fd = open("/bin", O_RDONLY | O_DIRECTORY);
			syscall(SYS_execveat, fd, "sh", a_exit5, envp, 0);
			break;
		case 3:
			fd = open("/tmp/sigefault-script", O_WRONLY | O_CREAT | O_TRUNC, 0755);
			if (fd < 0 || write(fd, "#!/bin/sh\nexit 8\n", 17) != 17)
				_exit(98);
			close(fd);
			execve("/tmp/sigefault-script", a_exit5, envp);
			break;
		case 4:
			execve("/nonexistent/program", a_exit5, envp);
			break;
		case 5:
			fd = open("/tmp/sigefault-noexec", O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd < 0 || write(fd, "#!/bin/sh\n", 10) != 10)
				_exit(98);
			close(fd);
			execve("/tmp/sigefault-noexec", a_exit5, envp);
			break;
		case 6:
			fd = open("/tmp/sigefault-garbage", O_WRONLY | O_CREAT | O_TRUNC, 0755);
			if (fd < 0 || write(fd, "\001\002\003\004garbage", 11) != 11)
				_exit(98);
			close(fd);
			execve("/tmp/sigefault-garbage", a_exit5, envp);
			break;
		case 7:
			execve("/bin/sh", a_args, envp);
			break;
		case 8:
			execve("/bin/sh", a_exe, envp);
			break;
		case 9:
			if (pthread_create(&t, NULL, exec_from_thread, NULL) == 0)
				pthread_join(t, NULL);
			_exit(97);
		case 10:
			signal(SIGUSR2, SIG_IGN);
			sigemptyset(&set);
			sigaddset(&set, SIGUSR1);
			sigprocmask(SIG_BLOCK, &set, NULL);
			execve("/bin/sh", a_sig, envp);
			break;
		case 11:
			sigemptyset(&set);
			sigaddset(&set, SIGUSR1);
			sigaddset(&set, SIGSYS);
			sigprocmask(SIG_BLOCK, &set, NULL);
			execve(self_path, a_mask, envp);
			break;
		case 12:
			/* a vfork child's dispositions are its own, not the parent's (the brand's
			 * table is the parent's memory): its exec must keep what it ignored */
			cst = vfork_exec(1, SIG_IGN, a_ign, envp);
			if (cst < 0 || !WIFEXITED(cst))
				_exit(99);
			/* and the child's SIG_IGN was not the parent's */
			_exit(signal(SIGUSR2, SIG_DFL) == SIG_IGN ? 98 : WEXITSTATUS(cst));
		case 13:
			/* a fork child that execs before any trapped call (as a shell's fork does):
			 * it has not learned its pid yet */
			signal(SIGUSR2, SIG_IGN);
			c = fork();
			if (c == 0) {
				execve(self_path, a_ign, envp);
				_exit(100);
			}
			_exit(c > 0 && waitpid(c, &cst, 0) == c && WIFEXITED(cst) ? WEXITSTATUS(cst) : 99);
		case 14:
			/* a vfork child that changes nothing: its exec keeps what the parent
			 * ignored (the brand's hint comes from the parent's table) */
			signal(SIGUSR2, SIG_IGN);
			cst = vfork_exec(0, SIG_DFL, a_ign, envp);
			_exit(cst >= 0 && WIFEXITED(cst) ? WEXITSTATUS(cst) : 99);
		case 15:
			/* a vfork child that stops ignoring what the parent ignores: its exec
			 * does not ignore it (the parent's table says otherwise) */
			signal(SIGUSR2, SIG_IGN);
			cst = vfork_exec(1, SIG_DFL, a_dfl, envp);
			_exit(cst >= 0 && WIFSIGNALED(cst) && WTERMSIG(cst) == SIGUSR2 ? 15 : 98);
		case 16:
			/* as 12, in a process that made a trapped call first (the brand's table
			 * is then this process's, the vfork child's parent's): its exec still
			 * keeps what the child ignored on its own */
			signal(SIGUSR1, SIG_DFL);
			cst = vfork_exec(1, SIG_IGN, a_ign, envp);
			if (cst < 0 || !WIFEXITED(cst))
				_exit(99);
			_exit(signal(SIGUSR2, SIG_DFL) == SIG_IGN ? 98 : WEXITSTATUS(cst));
		case 17:
			execve(self_path, a_vec, envp);
			break;
		}
		printf("%s: exec failed: %s\n", name, errname(errno));
		fflush(stdout);
		_exit(100);
	}
	int st;
	waitpid(pid, &st, 0);
	if (WIFEXITED(st))
		printf("%s: exit %d\n", name, WEXITSTATUS(st));
	else
		printf("%s: killed by %d\n", name, WTERMSIG(st));
}

static void part_exec(void)
{
	ssize_t n = readlink("/proc/self/exe", self_path, sizeof(self_path) - 1);

	self_path[n > 0 ? n : 0] = 0;
	exec_case("execveat path", 0);
	exec_case("execveat AT_EMPTY_PATH (fexecve)", 1);
	exec_case("execveat dirfd", 2);
	exec_case("execve #! script", 3);
	exec_case("execve missing", 4);
	exec_case("execve not executable", 5);
	exec_case("execve not ELF", 6);
	exec_case("execve argv and envp", 7);
	exec_case("execve /proc/self/exe", 8);
	exec_case("execve from a thread", 9);
	exec_case("execve keeps ignored and blocked signals", 10);
	exec_case("execve keeps the mask, SIGSYS too", 11);
	exec_case("a vfork child's exec keeps what it ignored", 12);
	exec_case("a fork child's first call is execve, keeps ignored", 13);
	exec_case("a vfork child's exec keeps what its parent ignored", 14);
	exec_case("a vfork child's exec drops what it stopped ignoring", 15);
	exec_case("a vfork child's exec keeps what it ignored, after a call", 16);
	exec_case("execve: the vectors the new image starts with", 17);
	unlink("/tmp/sigefault-script");
	unlink("/tmp/sigefault-noexec");
	unlink("/tmp/sigefault-garbage");
	fflush(stdout);
}

/* `sigefault report-ign`: does the exec'd image see the SIGUSR2 it inherited ignored, and does
 * the kernel ignore it? */
static int report_ign(void)
{
	struct sigaction sa;

	sigaction(SIGUSR2, NULL, &sa);
	raise(SIGUSR2);
	printf("  after exec: SIGUSR2 seen ignored %d, and survived it\n", sa.sa_handler == SIG_IGN);
	return 12;
}

/* `sigefault report-dfl`: the exec'd image sees SIGUSR2 at its default, and dies of it. */
static int report_dfl(void)
{
	struct sigaction sa;

	sigaction(SIGUSR2, NULL, &sa);
	printf("  after exec: SIGUSR2 seen ignored %d\n", sa.sa_handler == SIG_IGN);
	fflush(stdout);
	raise(SIGUSR2);
	return 15;
}

/* `sigefault report-vectors x`: the vectors the image started with, as the kernel lays them
 * out (the brand rewrites its own in place): argv, then envp (the caller's, nothing of the
 * brand's), then auxv, whose AT_PHDR is this program's and whose AT_EXECFN is the name. */
extern const Elf64_Ehdr __ehdr_start;

static int report_vectors(int argc, char **argv, char **envp)
{
	char **e = envp;
	int clean = 1, foo = 0, execfn = 0, phdr = 0;
	const Elf64_auxv_t *a;

	for (; *e; e++) {
		clean &= strncmp(*e, "LXZONE", 6) != 0;
		foo |= strcmp(*e, "FOO=bar") == 0;
	}
	for (a = (const Elf64_auxv_t *)(e + 1); a->a_type != AT_NULL; a++) {
		if (a->a_type == AT_EXECFN)
			execfn = strcmp((const char *)a->a_un.a_val, argv[0]) == 0 &&
				 a->a_un.a_val == getauxval(AT_EXECFN);
		if (a->a_type == AT_PHDR)
			phdr = a->a_un.a_val == (uintptr_t)&__ehdr_start + __ehdr_start.e_phoff;
	}
	printf("  after exec: argc %d, argv[1] %s, envp after argv %d, FOO %d, nothing of the "
	       "brand's %d, AT_EXECFN the name %d, AT_PHDR this program's %d\n",
	       argc, argv[1], envp == argv + argc + 1, foo, clean, execfn, phdr);
	return 17;
}

/* `sigefault report-mask`: what an exec'd image sees of the mask it inherited. */
static int report_mask(void)
{
	printf("  after exec: SIGUSR1 blocked %d, SIGSYS blocked %d\n", blocked(SIGUSR1), blocked(SIGSYS));
	return 11;
}

struct part {
	const char *name;
	void (*run)(void);
};

static void part_flags(void)
{
	flags_case("SA_NODEFER", SA_NODEFER, 0);
	flags_case("default flags", 0, 1);
	flags_case("SA_RESETHAND", SA_RESETHAND, 0);
}

static void part_restart(void)
{
	restart_case("no SA_RESTART", 0);
	restart_case("SA_RESTART", SA_RESTART);
	/* the same handler again, with and without the flag: the brand skips the real
	 * rt_sigaction only when the kernel's action would not change, never a flag change */
	restart_case("SA_RESTART re-installed", SA_RESTART);
	restart_case("SA_RESTART dropped", 0);
}

static const struct part parts[] = {
	{ "efault", part_efault },	     { "sigsys", part_sigsys },	  { "altstack", part_altstack },
	{ "flags", part_flags },	     { "restart", part_restart }, { "exec", part_exec },
	{ "sigsys-pending", part_sigsys_pending },
};

/* sigefault [PART...]: run the named parts in order (all of them by default). */
int main(int argc, char **argv, char **envp)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "report-vectors") == 0)
		return report_vectors(argc, argv, envp);
	if (argc == 2 && strcmp(argv[1], "report-mask") == 0)
		return report_mask();
	if (argc == 2 && strcmp(argv[1], "report-ign") == 0)
		return report_ign();
	if (argc == 2 && strcmp(argv[1], "report-dfl") == 0)
		return report_dfl();
	bad = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (bad == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		int selected = argc < 2;
		for (int a = 1; a < argc; a++)
			if (strcmp(argv[a], parts[i].name) == 0)
				selected = 1;
		if (selected)
			parts[i].run();
	}
	printf("done\n");
	return 0;
}
