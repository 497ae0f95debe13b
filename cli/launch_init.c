/*
 * PID 1 of a zone, and waiting for it.
 *
 * launch_spawn clones the zone's first process in new pid, mount, uts and ipc namespaces.  That
 * process executes the plan (launch_root.c), then either becomes the program (init "image") or
 * stays as the minimal init:
 *
 *   - all catchable signals blocked, so every signal sent to it queues (a pid namespace's init
 *     gets no signal it has no handler for, but blocked signals are never dropped);
 *   - forks the program, which takes its own process group and the terminal's foreground, gets
 *     the original signal mask back, installs the filter and execs the brand;
 *   - installs the filter itself: init runs inside the zone, so it is under the policy too.
 *     From then on it only uses calls the filter passes through: rt_sigtimedwait, wait4, kill,
 *     write, exit_group;
 *   - reaps every child (orphans are reparented to it), forwards every other signal to the
 *     program, and when the program exits, exits with its status (128+N for signal N), which
 *     makes the kernel kill whatever else is left in the zone.
 *
 * Deliberately not here: stopping lxrun when the program is stopped by the terminal (a shell
 * in the zone does its own job control), subreapers, console allocation (lxzone's job).
 */
#include "cli/launch.h"
#include "kernel-shim/brand_abi.h"
#include "kernel-shim/filter.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

void launch_forward_sigset(sigset_t *set)
{
	size_t i;

	sigemptyset(set);
	for (i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(set, forwarded[i]);
	sigaddset(set, SIGCHLD);
}

static int status_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 1;
}

int launch_wait(pid_t pid)
{
	return launch_wait_tick(pid, 0, NULL, NULL);
}

static uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int launch_wait_tick(pid_t pid, unsigned tick_ms, void (*tick)(void *), void *arg)
{
	sigset_t set, old;
	siginfo_t si;
	int st = 0, sig;
	uint64_t next = monotonic_ms() + tick_ms;

	launch_forward_sigset(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid || (r < 0 && errno == ECHILD))
			break;
		if (tick) {
			/* a deadline, not a timeout: signals in between do not delay the tick */
			uint64_t now = monotonic_ms();
			struct timespec ts;

			if (now >= next) {
				tick(arg);
				next = now + tick_ms;
			}
			ts.tv_sec = (time_t)((next - now) / 1000);
			ts.tv_nsec = (long)((next - now) % 1000) * 1000000;
			sig = sigtimedwait(&set, &si, &ts);
		} else {
			sig = sigwaitinfo(&set, &si);
		}
		if (sig <= 0 || sig == SIGCHLD)
			continue;
		/* the terminal's signals (SI_KERNEL) reached the foreground group already */
		if (si.si_code != SI_KERNEL)
			kill(pid, sig);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return status_code(st);
}

static void report(const struct launch_error *err)
{
	fprintf(stderr, "lxrun: %s\n", err->msg);
}

/* The program's side of the fork: process group, terminal, signals, then the brand. */
static void guest_start(const struct launch_plan *plan, const struct launch_exec *ex,
			const struct sock_fprog *filter, int brand_fd, const sigset_t *mask)
{
	struct launch_error err = {0};

	setpgid(0, 0);
	if (isatty(STDIN_FILENO)) {
		struct sigaction ign = {.sa_handler = SIG_IGN}, old;

		/* a background group's tcsetpgrp raises SIGTTOU */
		sigaction(SIGTTOU, &ign, &old);
		tcsetpgrp(STDIN_FILENO, getpid());
		sigaction(SIGTTOU, &old, NULL);
	}
	sigprocmask(SIG_SETMASK, mask, NULL);
	launch_exec_brand(ex, filter, brand_fd, plan->brand, &err);
	report(&err);
	_exit(err.status ? err.status : LAUNCH_EXIT_CANNOT);
}

/*
 * The minimal init's loop, filter first.  From the install on only pass-through calls, made
 * with syscall() directly.  Not noreturn, and not instrumented: a sanitizer build calls
 * sigaltstack (trapped, so fatal) before every call to a noreturn function.
 */
__attribute__((no_sanitize("address", "undefined"))) static int
init_loop(pid_t guest, const struct sock_fprog *filter)
{
	char ebuf[512];
	sigset_t all;
	siginfo_t si;
	int st, sig;
	pid_t p;

	sigfillset(&all);
	if (lx_filter_install(filter, ebuf, sizeof(ebuf)) < 0) {
		fprintf(stderr, "lxrun: init: %s\n", ebuf);
		kill(guest, SIGKILL);
		return LAUNCH_EXIT_CANNOT;
	}
	for (;;) {
		sig = (int)syscall(SYS_rt_sigtimedwait, &all, &si, NULL, _NSIG / 8);
		if (sig <= 0)
			continue;
		if (sig != SIGCHLD) {
			syscall(SYS_kill, guest, sig);
			continue;
		}
		while ((p = (pid_t)syscall(SYS_wait4, -1, &st, WNOHANG, NULL)) > 0)
			if (p == guest)
				syscall(SYS_exit_group, status_code(st));
		if (p < 0 && errno == ECHILD) /* cannot happen while the guest lives */
			syscall(SYS_exit_group, LAUNCH_EXIT_CANNOT);
	}
}

/*
 * ps in the zone shows PID 1 as "lxzone-init", not lxrun's command line with host paths.  The
 * argument area is overwritten in place (prctl(PR_SET_MM_*) needs CAP_SYS_RESOURCE).
 */
static void init_retitle(void)
{
	static const char title[] = "lxzone-init";
	char buf[8192];
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));

	if (fd >= 0)
		close(fd);
	prctl(PR_SET_NAME, title);
	/* program_invocation_name is argv[0], the start of the argument area */
	if (n < (ssize_t)sizeof(title) || n == (ssize_t)sizeof(buf) ||
	    memcmp(program_invocation_name, buf, strlen(buf) + 1))
		return;
	memset(program_invocation_name, 0, (size_t)n);
	memcpy(program_invocation_name, title, sizeof(title));
}

static int zone_init(const struct launch_plan *plan, const struct sock_fprog *filter,
		     const char *report_path, sigset_t *mask)
{
	struct launch_error err = {0};
	struct launch_exec ex;
	unsigned flags = 0;
	sigset_t all;
	int brand_fd;
	pid_t guest;

	/* lxrun gone (killed) -> the zone goes too */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (launch_ops_execute(plan, report_path, &brand_fd, &err) < 0) {
		report(&err);
		return err.status;
	}
	/*
	 * From here on, init and the program hold only the zone's capabilities, init is not
	 * dumpable, and both hold only stdio, the brand and the mount service's socket
	 * (launch_harden.c): before the fork, so the program is never seen with more, and
	 * before the zone is ready, so no process `lxzone exec` starts ever sees init with more.
	 */
	const int keep[] = {0,
			    1,
			    2,
			    brand_fd,
			    plan->opts->notify_sock ? *plan->opts->notify_sock : -1,
			    plan->opts->ready_fd ? *plan->opts->ready_fd : -1};
	const struct launch_harden h = {.keep = keep,
					.nkeep = sizeof(keep) / sizeof(keep[0]),
					.drop_caps = plan->opts->drop_caps,
					.caps = plan->opts->caps};
	if (launch_harden(&h, &err) < 0) {
		report(&err);
		return err.status;
	}
	if (plan->opts->ready_fd != NULL) {
		if (write(*plan->opts->ready_fd, "r", 1) != 1) {
			launch_fail(&err, LAUNCH_EXIT_CANNOT, errno, "signal readiness");
			report(&err);
			return err.status;
		}
		close(*plan->opts->ready_fd);
	}
	/* the brand must always receive SIGSYS; it keeps the guest's blocked view itself */
	if (sigismember(mask, SIGSYS)) {
		flags |= LX_BF_SIGSYS_MASKED;
		sigdelset(mask, SIGSYS);
	}
	if (launch_exec_prepare(plan->opts, report_path ? plan->report_zone : NULL, flags, &ex,
				&err) < 0) {
		report(&err);
		return err.status;
	}
	if (plan->init == LAUNCH_INIT_IMAGE) {
		sigprocmask(SIG_SETMASK, mask, NULL);
		launch_exec_brand(&ex, filter, brand_fd, plan->brand, &err);
		report(&err);
		return err.status;
	}

	init_retitle();
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	guest = fork();
	if (guest < 0) {
		launch_fail(&err, LAUNCH_EXIT_CANNOT, errno, "fork");
		report(&err);
		return err.status;
	}
	if (guest == 0)
		guest_start(plan, &ex, filter, brand_fd, mask);
	launch_notify_sock_close(plan->opts);
	/*
	 * init never execs, so its close-on-exec descriptors would stay open for its whole life
	 * (the supervisor's were closed before the fork, see above): it keeps stdio only.
	 */
	if (syscall(SYS_close_range, 3U, ~0U, 0U) < 0) {
		launch_fail(&err, LAUNCH_EXIT_CANNOT, errno, "close descriptors");
		report(&err);
		kill(guest, SIGKILL);
		return err.status;
	}
	launch_exec_free(&ex);
	return init_loop(guest, filter);
}

int launch_spawn(const struct launch_plan *plan, const struct sock_fprog *filter,
		 const char *report_path, const sigset_t *guest_mask, pid_t *pid,
		 struct launch_error *err)
{
	sigset_t mask;
	int own_timens = -1;
	long r;

	if (guest_mask)
		mask = *guest_mask;
	else
		sigprocmask(SIG_SETMASK, NULL, &mask);
	/* the time namespace is for children only: init is cloned into it (launch_timens.c) */
	if (plan->new_timens &&
	    launch_timens_enter(plan->opts->timens_boot_ns, &own_timens, err) < 0)
		return -1;
	fflush(NULL);
	/* fork-like clone (no new stack): the child continues here with a copy of everything */
	r = syscall(SYS_clone, (unsigned long)plan->clone_flags | SIGCHLD, NULL, NULL, NULL, 0);
	if (r == 0) {
		int st;

		if (own_timens >= 0)
			close(own_timens); /* the host's namespace stays out of the zone */
		st = zone_init(plan, filter, report_path, &mask);

		fflush(stderr);
		_exit(st);
	}
	if (r < 0) {
		int e = errno;
		if (own_timens >= 0)
			launch_timens_restore(own_timens, err);
		return launch_fail(err, LAUNCH_EXIT_CANNOT, e, "clone zone namespaces");
	}
	if (own_timens >= 0 && launch_timens_restore(own_timens, err) < 0) {
		kill((pid_t)r, SIGKILL);
		waitpid((pid_t)r, NULL, 0);
		return -1;
	}
	launch_notify_sock_close(plan->opts);
	*pid = (pid_t)r;
	return 0;
}
