/*
 * PID 1 of a zone, and waiting for it.
 *
 * launch_spawn clones the zone's first process in new pid, mount, uts and ipc namespaces.  That
 * process executes the plan (launch_root.c), then either becomes the program (init "image") or
 * becomes the minimal init:
 *
 *   - all catchable signals blocked, so every signal sent to it queues (a pid namespace's init
 *     gets no signal it has no handler for, but blocked signals are never dropped);
 *   - forks the program, which takes its own process group and the terminal's foreground, gets
 *     the original signal mask back, installs the filter and execs the brand;
 *   - closes every descriptor but stdio, installs the filter itself (init runs inside the zone,
 *     so it is under the policy too) and execs lxzone-init (cli/lxzone_init.c) by descriptor
 *     from a read-only copy of its own (LOP_INIT_IMAGE), signals still blocked.  lxzone-init
 *     reaps every child (orphans are reparented to it), forwards every other signal to the
 *     program, and when the program exits, exits with its status (128+N for signal N), which
 *     makes the kernel kill whatever else is left in the zone.  So the zone's /proc/1/exe is a
 *     small static image it cannot write (EROFS), not the host's lxzone or lxrun binary.
 *
 * Deliberately not here: stopping lxrun when the program is stopped by the terminal (a shell
 * in the zone does its own job control), subreapers, console allocation (lxzone's job).
 */
#include "zone/launch/launch.h"
#include "kernel-shim/brand_abi.h"
#include "filter/filter.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

void launch_forward_sigset(sigset_t *set)
{
	size_t i;

	sigemptyset(set);
	for (i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(set, forwarded[i]);
	sigaddset(set, SIGCHLD);
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
	return launch_status_code(st);
}

/* PID 1 until it is ready, when its launcher waits on a ready pipe (launch_opts.ready_fd: an
 * OCI container's create, a zone's boot): the pipe, where a failure goes ('e', then the
 * message, one write under PIPE_BUF) for the launcher's one error line (and create's --log),
 * as runc's parent reports what its init could not do; -1 once ready or without a pipe. */
static int report_fd = -1;

static void report(const struct zone_error *err)
{
	char line[sizeof(err->msg) + 1];
	int n;

	if (report_fd >= 0 && (n = snprintf(line, sizeof(line), "e%s", err->msg)) > 0 &&
	    write(report_fd, line, (size_t)n) == n)
		return;
	fprintf(stderr, "%s: %s\n", launch_prog, err->msg);
}

size_t launch_ready_reason(int fd, char *why, size_t len)
{
	size_t n = 0;
	ssize_t r;

	while (n + 1 < len &&
	       ((r = read(fd, why + n, len - 1 - n)) > 0 || (r < 0 && errno == EINTR)))
		n += r > 0 ? (size_t)r : 0;
	why[n] = 0;
	return n;
}

/* Ready: later failures are the zone's or the container's own, on its stderr. */
static int say_ready(const int *fd, struct zone_error *err)
{
	report_fd = -1;
	if (write(*fd, "r", 1) != 1)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "signal readiness");
	close(*fd);
	return 0;
}

/* The program's side of the fork: process group, terminal, signals, then the brand. */
/* The kernel's struct sigaction (rt_sigaction), for calls through the gate. */
struct k_sigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

/*
 * The program's side of the fork: process group, terminal, signals, then the brand.  It was
 * born under init's filter (zone_init), with no brand loaded yet: the signal calls the brand
 * would trap go through the gate, everything else it calls passes the filter.
 */
__attribute__((no_sanitize("address", "undefined"))) static void
guest_start(const struct launch_plan *plan, const struct launch_exec *ex, int brand_fd,
	    const sigset_t *mask)
{
	setpgid(0, 0);
	if (isatty(STDIN_FILENO)) {
		struct k_sigaction ign = {.handler = SIG_IGN}, old;

		/* a background group's tcsetpgrp raises SIGTTOU */
		LAUNCH_GATE(SYS_rt_sigaction, SIGTTOU, (long)&ign, (long)&old, 8, 0, 0);
		tcsetpgrp(STDIN_FILENO, getpid());
		LAUNCH_GATE(SYS_rt_sigaction, SIGTTOU, (long)&old, 0, 8, 0, 0);
	}
	LAUNCH_GATE(SYS_rt_sigprocmask, SIG_SETMASK, (long)mask, 0, 8, 0, 0);
	launch_exec_armed(ex, brand_fd, plan->brand);
}

/*
 * PID 1 becomes lxzone-init (cli/lxzone_init.c), from the image's read-only copy: it keeps
 * stdio and the image only (close-on-exec, so the exec closes it too), and execs under the
 * filter, every signal still blocked (they queue across the exec).  Returns only on error.
 */
/* close_range(from, ~0U) through the gate: the filter is in, and a zone whose kernel-version
 * predates 5.9 answers ENOSYS to anyone else (filter/filter.c).  0, or -1 with errno. */
static int close_from_gate(unsigned from)
{
	long r = LAUNCH_GATE(SYS_close_range, from, (long)~0U, 0, 0, 0, 0);

	if (r < 0)
		errno = (int)-r;
	return r < 0 ? -1 : 0;
}

static int init_exec(const struct launch_plan *plan, int init_fd, int exec_done, pid_t guest)
{
	struct zone_error err = {0};

	/* the image at 3, the pipe the guest waits on at 4 (both close-on-exec), nothing else:
	 * moved above 4 first, so neither lands on the other */
	if (init_fd < 0) {
		launch_fail(&err, LAUNCH_EXIT_CANNOT, 0, "no init image in the plan");
	} else if ((init_fd = fcntl(init_fd, F_DUPFD_CLOEXEC, 5)) < 0 ||
		   (exec_done = fcntl(exec_done, F_DUPFD_CLOEXEC, 5)) < 0 ||
		   dup3(init_fd, 3, O_CLOEXEC) < 0 || dup3(exec_done, 4, O_CLOEXEC) < 0 ||
		   close_from_gate(5) < 0) {
		launch_fail(&err, LAUNCH_EXIT_CANNOT, errno, "close descriptors");
	} else {
		launch_exec_init_armed(3, plan->init_image, guest);
	}
	report(&err);
	kill(guest, SIGKILL);
	return err.status;
}

/*
 * The guest's side of init_exec: wait until PID 1 is lxzone-init (the exec closes the pipe's
 * write end, close-on-exec, the only one left), so no zone process ever sees PID 1 as the
 * launcher, its host paths or its descriptors.  A PID 1 that dies instead ends the zone.
 */
static void guest_wait_init(int pipe_fd[2])
{
	char c;

	close(pipe_fd[1]);
	while (read(pipe_fd[0], &c, 1) < 0 && errno == EINTR)
		;
	close(pipe_fd[0]);
}

/*
 * An OCI container between `create` and `start`: ready (the program was found), then one
 * byte on the exec fifo.  The fifo's read end was opened by `create` (O_NONBLOCK, so no
 * writer was needed); poll reports it readable once `start` opened it for writing and wrote,
 * and never before a writer came (Linux reports no hang-up to a reader that never had a
 * writer).  `start` finds no reader (ENXIO) once this process is gone.
 */
static int start_gate(const struct launch_opts *o, struct zone_error *err)
{
	struct pollfd p = {.fd = *o->start_fd, .events = POLLIN};
	char c;

	if (o->ready_fd && say_ready(o->ready_fd, err) < 0)
		return -1;
	for (;;) {
		int r = poll(&p, 1, -1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "wait for start");
		ssize_t n = read(*o->start_fd, &c, 1);

		if (n == 1)
			break;
		if (n == 0) /* a writer came and went without the byte */
			return launch_fail(err, LAUNCH_EXIT_CANNOT, 0,
					   "exec fifo closed before start");
		if (errno != EAGAIN && errno != EINTR)
			return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "wait for start");
	}
	/* kept open (close-on-exec) until the program's exec: `start` waits for no reader to be
	 * left, so its poststart hooks follow the startContainer hooks and the exec, as runc's */
	return 0;
}

int launch_brand_prepare(const struct launch_brand *b, const char *path, char *const *argv,
			 char *const *envp, struct launch_exec *ex, struct zone_error *err)
{
	struct launch_opts o = *b->plan->opts;
	char *args[LAUNCH_MAX_ARGS];
	char **saved = environ;
	size_t n;
	int r;

	for (n = 0; argv && argv[n] && n + 1 < LAUNCH_MAX_ARGS; n++)
		args[n] = argv[n];
	if (n == 0)
		n = 1;
	args[0] = (char *)path; /* resolved by its path; argv[0] put back below */
	args[n] = NULL;
	environ = (char **)envp;
	o.argv = args;
	o.notify_sock = NULL;
	r = launch_exec_prepare(&o, NULL, 0, ex, err);
	environ = saved;
	if (r < 0)
		return -1;
	/* a script's argv[0] is its path, as the kernel makes it; a binary's the one given */
	if (!strcmp(ex->guest, ex->path) && argv && argv[0])
		ex->argv[0] = argv[0];
	return 0;
}

pid_t launch_brand_spawn_armed(const struct launch_brand *b, const struct launch_exec *ex,
			       int in_fd, struct zone_error *err)
{
	pid_t pid = launch_armed_fork();

	if (pid < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "fork %s", ex->path);
	if (pid > 0)
		return pid;
	if (dup2(in_fd, 0) < 0) { /* dup2 passes the filter */
		launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "standard input");
		report(err);
		LAUNCH_ARMED_EXIT(LAUNCH_EXIT_CANNOT);
	}
	launch_exec_armed(ex, b->brand_fd, b->plan->brand);
	__builtin_unreachable();
}

/*
 * PID 1 of an OCI container (start_fd: it waits for `start`), from its hardening to the
 * brand's exec, armed: the brand's filter goes on first, and CAP_SYS_ADMIN, which the filter
 * needed without no_new_privs, is dropped right after (as an OCI exec's launcher does, and as
 * runc's init loads a profile before it drops its capabilities), so while it waits for start,
 * where an `exec` of the container (or, below, another container of the pid namespace) may
 * see it, it holds only the zone's capabilities.  It goes on under the filter with no brand
 * loaded: what the brand would trap goes through the gate, the rest it calls (poll, read,
 * write, close, setsid, ioctl, wait4, kill) passes; the startContainer hooks' programs were
 * prepared before the filter (launch_opts.arming) and are spawned through the gate.
 *
 * late: a pid namespace joined (an OCI pod's, podman's --pid container:X).  The setup (with
 * a user namespace, the process LOP_SPAWN_INIT made in U) built the root, pivoted, became
 * the user and hardened itself in the caller's pid namespace, out of the reach of that
 * namespace's processes, and only now, armed, forks init into it.  So nothing there ever
 * sees a process of ours with the host's root (through /proc/PID/root), the runtime's
 * descriptors or capabilities beyond the zone's, not even one that holds CAP_SYS_PTRACE in
 * the host's user namespace, which being not dumpable does not stop (runc's init is in the
 * namespace from its start, with every capability), nor one made dumpable for a moment by
 * its change of ids (fs.suid_dumpable 1), which a pod's root with CAP_SYS_PTRACE in U could
 * attach to.  It reports init's pid (in the caller's pid namespace, where it was forked) and
 * exits.
 *
 * Returns only on an error before the filter is in.
 */
static int init_armed(const struct launch_plan *plan, const struct launch_exec *ex,
		      const struct sock_fprog *filter, const struct launch_harden *h, int brand_fd,
		      const sigset_t *mask, int late, struct zone_error *err)
{
	const struct launch_opts *o = plan->opts;
	const struct launch_brand b = {plan, filter, brand_fd};
	struct launch_admin_drop drop;

	if (o->started && o->arming && o->arming(o->setup_arg, &b, err) < 0)
		return -1;
	if (h->admin_until_exec && launch_admin_drop_prepare(h, &drop, err) < 0)
		return -1;
	fflush(NULL);
	if (launch_exec_arm(ex, filter, err) < 0)
		return -1;
	/* from here on exit_group (LAUNCH_ARMED_EXIT), not exit (a return from here), which
	 * traps, nor _exit (a sanitized build's __asan_handle_no_return before it traps) */
	if (h->admin_until_exec)
		launch_admin_drop_armed(&drop);
	if (late) {
		int fd = launch_ops_init_pid_fd();
		pid_t init = launch_armed_fork();

		if (init < 0) {
			launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "fork the zone's init");
			report(err);
			LAUNCH_ARMED_EXIT(err->status);
		}
		if (init > 0)
			LAUNCH_ARMED_EXIT(write(fd, &init, sizeof(init)) == sizeof(init)
					      ? 0
					      : LAUNCH_EXIT_CANNOT);
		close(fd);
		launch_ops_set_init_pid_fd(-1);
	}
	if ((late && o->forked && o->forked(o->setup_arg, err) < 0) ||
	    (o->start_fd && start_gate(o, err) < 0) ||
	    (!o->start_fd && o->ready_fd && say_ready(o->ready_fd, err) < 0) ||
	    (o->started && o->started(o->setup_arg, &b, err) < 0)) {
		report(err);
		LAUNCH_ARMED_EXIT(err->status);
	}
	LAUNCH_GATE(SYS_rt_sigprocmask, SIG_SETMASK, (long)mask, 0, 8, 0, 0);
	launch_exec_armed(ex, brand_fd, plan->brand);
	__builtin_unreachable();
}

static int zone_init(const struct launch_plan *plan, const struct sock_fprog *filter,
		     const char *report_path, sigset_t *mask)
{
	struct zone_error err = {0};
	struct launch_exec ex;
	unsigned flags = 0;
	sigset_t all;
	int brand_fd, init_fd, exec_done[2];
	pid_t guest;

	const struct launch_opts *o = plan->opts;
	const int late = launch_joins_pidns_late(o);
	/* late: the proc mounted is the joined pid namespace's, where we are not */
	int self_fd = -1;

	report_fd = o->ready_fd ? *o->ready_fd : -1;
	/* lxrun gone (killed) -> the zone goes too; an OCI container outlives its create */
	if (!o->detached)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* (with a user namespace init's parent opens its own: LOP_SPAWN_INIT) */
	if (late && !o->userns &&
	    (self_fd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		launch_fail(&err, LAUNCH_EXIT_CANNOT, errno, "open /proc/self/fd");
		report(&err);
		return err.status;
	}
	int r = launch_ops_execute(plan, report_path, &brand_fd, &init_fd, &err);
	if (r < 0) {
		report(&err);
		return err.status;
	}
	if (r == 1) /* the setup process of a user-namespaced zone: init goes on */
		return 0;
	if (late && o->userns)
		self_fd = launch_ops_init_self_fd();
	/* becoming the zone's root (LOP_ENTER_USERNS) changed credentials, which clears it */
	if (!o->detached)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* a pid namespace to join: ours for our children from here (setns needs CAP_SYS_ADMIN,
	 * which the hardening and an OCI profile may take), init forked into it below */
	if (late && setns(o->pidns_fd, CLONE_NEWPID) < 0) {
		launch_fail(&err, LAUNCH_EXIT_CANNOT, errno, "join the pid namespace");
		report(&err);
		return err.status;
	}
	if (o->setup && o->setup(o->setup_arg, &err) < 0) {
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
			    init_fd,
			    plan->opts->notify_sock ? *plan->opts->notify_sock : -1,
			    plan->opts->ready_fd ? *plan->opts->ready_fd : -1,
			    o->start_fd ? *o->start_fd : -1,
			    late ? launch_ops_init_pid_fd() : -1};
	const struct launch_harden h = {.keep = keep,
					.nkeep = sizeof(keep) / sizeof(keep[0]),
					.keep_below = o->preserve_fds > 0 ? 3 + o->preserve_fds : 0,
					.drop_caps = plan->opts->drop_caps,
					.caps = plan->opts->caps,
					.inh = plan->opts->caps_inh,
					.amb = plan->opts->caps_amb,
					.admin_until_exec = plan->opts->admin_until_exec &&
							    plan->init == LAUNCH_INIT_IMAGE,
					.user = o->init_user,
					.fd_dir = late ? &self_fd : NULL};
	if (launch_harden(&h, &err) < 0) {
		report(&err);
		return err.status;
	}
	/* an OCI container's PID 1 goes on armed once its program is found (init_armed) */
	const int armed = late || ((o->start_fd || o->started) && plan->init == LAUNCH_INIT_IMAGE);

	/* a container's create succeeds only once its program is found: readiness waits */
	if (plan->opts->ready_fd != NULL && !o->start_fd && !armed &&
	    say_ready(plan->opts->ready_fd, &err) < 0) {
		report(&err);
		return err.status;
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
	if (armed) {
		init_armed(plan, &ex, filter, &h, brand_fd, mask, late, &err);
		report(&err);
		return err.status;
	}
	if (plan->init == LAUNCH_INIT_IMAGE) {
		sigprocmask(SIG_SETMASK, mask, NULL);
		launch_exec_brand(&ex, filter, brand_fd, plan->brand, &err);
		report(&err);
		return err.status;
	}

	if (pipe2(exec_done, O_CLOEXEC) < 0) {
		launch_fail(&err, LAUNCH_EXIT_CANNOT, errno, "pipe");
		report(&err);
		return err.status;
	}
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	/*
	 * The filter, with the mount service's listener, goes on init itself before the program
	 * exists: the program is born under it in the zone's pid namespace, never a moment
	 * without (init and the program share the one filter; lxzone-init keeps it).  From here
	 * on init calls only what the filter passes, or the gate.
	 */
	if (launch_exec_arm(&ex, filter, &err) < 0) {
		report(&err);
		return err.status;
	}
	if (plan->opts->notify_sock)
		*plan->opts->notify_sock = -1; /* sent and closed by the arming */
	guest = launch_armed_fork();
	if (guest < 0) {
		launch_fail(&err, LAUNCH_EXIT_CANNOT, errno, "fork");
		report(&err);
		LAUNCH_ARMED_EXIT(err.status);
	}
	if (guest == 0) {
		guest_wait_init(exec_done);
		guest_start(plan, &ex, brand_fd, mask);
	}
	LAUNCH_ARMED_EXIT(init_exec(plan, init_fd, exec_done[1], guest));
}

/* init, in a user-namespaced zone: the uts, ipc and network namespaces U owns (its mount
 * namespace comes at the plan's end: LOP_ENTER_USERNS). */
static int join_userns_owned(const struct launch_userns *u, struct zone_error *err)
{
	if (setns(u->uts_fd, CLONE_NEWUTS) < 0 || setns(u->ipc_fd, CLONE_NEWIPC) < 0 ||
	    (u->net_fd >= 0 && setns(u->net_fd, CLONE_NEWNET) < 0))
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno,
				   "join the zone's uts, ipc and network namespaces");
	return 0;
}

int launch_spawn(const struct launch_plan *plan, const struct sock_fprog *filter,
		 const char *report_path, const sigset_t *guest_mask, pid_t *pid,
		 struct zone_error *err)
{
	const struct launch_userns *u = plan->opts->userns;
	/* init not the clone's child: a user-namespaced zone's, or a pid namespace's joined
	 * without one (launch_joins_pidns_late) */
	int apart = u || launch_joins_pidns_late(plan->opts);
	sigset_t mask;
	int own_timens = -1, init_pid[2] = {-1, -1};
	long r;

	if (guest_mask)
		mask = *guest_mask;
	else
		sigprocmask(SIG_SETMASK, NULL, &mask);
	/* the time namespace is for children only: init is cloned into it (launch_timens.c) */
	/* such an init is a grandchild (LOP_SPAWN_INIT, or zone_init's late fork): adopted here
	 * when its parent exits, and its pid reported over init_pid */
	if (apart && (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0 || pipe2(init_pid, O_CLOEXEC) < 0))
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "prepare for the zone's init");
	/* (a user-namespaced zone's new one is made in its user namespace, by LOP_SPAWN_INIT;
	 * one to join is joined here, by the host's root, which may) */
	if (plan->new_timens && (!u || plan->opts->timens == LAUNCH_TIMENS_JOIN) &&
	    launch_timens_enter(plan->opts, &own_timens, err) < 0) {
		if (apart) {
			close(init_pid[0]);
			close(init_pid[1]);
		}
		return -1;
	}
	fflush(NULL);
	/* fork-like clone (no new stack): the child continues here with a copy of everything */
	r = syscall(SYS_clone, (unsigned long)plan->clone_flags | SIGCHLD, NULL, NULL, NULL, 0);
	if (r == 0) {
		int st;

		if (own_timens >= 0)
			close(own_timens); /* the host's namespace stays out of the zone */
		if (plan->opts->caller_wfd && *plan->opts->caller_wfd >= 0) {
			close(*plan->opts->caller_wfd);
			*plan->opts->caller_wfd = -1;
		}
		/* still the host's root: the zone's limits, inherited by init and its children */
		if (launch_rlimits_apply(plan->opts, err) < 0 ||
		    launch_oom_score_apply(plan->opts, err) < 0) {
			report(err);
			_exit(err->status);
		}
		if (apart) {
			close(init_pid[0]);
			launch_ops_set_init_pid_fd(init_pid[1]);
		}
		if (u && join_userns_owned(u, err) < 0) {
			report(err);
			_exit(err->status);
		}
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
	if (apart) {
		pid_t init;

		close(init_pid[1]);
		/* end-of-file: the setup failed before init existed; it is what to wait for.
		 * With a user namespace and a pid namespace joined this is init's parent, in U
		 * (LOP_SPAWN_INIT), and init's own pid follows (launch_opts.init_pid_rfd) */
		if ((u || !plan->opts->init_pid_rfd) &&
		    read(init_pid[0], &init, sizeof(init)) == sizeof(init) && init > 0)
			*pid = init;
		if (plan->opts->init_pid_rfd) {
			*plan->opts->init_pid_rfd = init_pid[0]; /* read by the caller */
			return 0;
		}
		close(init_pid[0]);
	}
	return 0;
}
