/*
 * Entering a running zone (`lxzone exec`, `lxzone login`): join the namespaces of the zone's
 * PID 1 and run a program there under the brand.
 *
 * The brand image is made read-only as at boot, but without a mount namespace of its own: a
 * detached bind mount of the image (open_tree OPEN_TREE_CLONE), made read-only, nosuid and
 * nodev, is opened before joining the zone's mount namespace; the descriptor keeps that mount
 * alive, and the program's /proc/self/exe points at it.  (A private copy of the caller's mount
 * namespace did the same, but dropping it again in setns cost 0.1-5 ms per exec.)
 * Namespaces are joined in one setns() on a pidfd, which is atomic and cannot race with the
 * pid being reused.  Joining a pid namespace applies to children only, hence a fork:
 * lxzone (in place) or a helper it forks (both in the zone's namespaces but the host's pid
 * namespace) -> the program (in the zone's pid namespace).
 *
 * The program is visible in the zone from its fork on, before its exec: so the process that
 * forks it hardens itself first (launch_harden.c: descriptors closed, not dumpable, the zone's
 * capabilities and user, then the brand's filter with the mount service's listener), and the
 * program is born with exactly that.  An OCI exec's process keeps CAP_SYS_ADMIN through the
 * filter, outside the container's pid namespace, and drops it through the gate before the
 * fork, so no_new_privs is left to process.noNewPrivileges as runc leaves it.  That process
 * then lives under the zone's filter with no brand, makes its last calls through the gate
 * (enter_armed) and exits with the program's status.  A user namespace, when the zone has
 * one, is joined with the others, before launch_harden takes the capabilities that joining
 * needs.
 */
#include "zone/launch/launch.h"
#include "kernel-shim/brand_abi.h"
#include "emul/systable.h"
#include "filter/filter.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/mount.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static void report(const struct zone_error *err)
{
	fprintf(stderr, "%s: %s\n", launch_prog, err->msg);
}

/* strlen(launch_prog) for the armed paths, where no libc (or sanitizer) function may run */
__attribute__((no_sanitize("address", "undefined"))) static long prog_len(void)
{
	long n = 0;

	while (launch_prog[n])
		n++;
	return n;
}

/* Does the ":"-separated /etc/group member list contain name? */
static int member_of(char *list, const char *name)
{
	for (char *tok = strtok(list, ",\n"); tok; tok = strtok(NULL, ",\n"))
		if (strcmp(tok, name) == 0)
			return 1;
	return 0;
}

/* One of the zone's account files, if it is a regular file: the guest's image decides what is
 * at that path (a FIFO there would hang the open, a device would be read forever). */
static FILE *zone_account_file(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	FILE *f;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !(f = fdopen(fd, "r"))) {
		close(fd);
		return NULL;
	}
	return f;
}

/*
 * The user, as the zone knows it: a name from the zone's /etc/passwd (with its primary and
 * supplementary groups from /etc/group), or a numeric UID[:GID].  Read after setns, so the
 * files are the zone's, never the host's.
 */
static int resolve_user(const char *spec, struct launch_user *u, struct zone_error *err)
{
	char line[1024], *end;
	FILE *f;

	memset(u, 0, sizeof(*u));
	snprintf(u->home, sizeof(u->home), "/");
	if (spec[0] >= '0' && spec[0] <= '9') {
		unsigned long v = strtoul(spec, &end, 10);
		u->uid = (uid_t)v;
		u->gid = (gid_t)v;
		if (*end == ':')
			u->gid = (gid_t)strtoul(end + 1, &end, 10);
		if (*end)
			return launch_fail(err, LAUNCH_EXIT_USAGE, 0,
					   "--user %s: not NAME, UID or UID:GID", spec);
	}
	f = zone_account_file("/etc/passwd");
	while (f && fgets(line, sizeof(line), f)) {
		char *fld[7], *p = line;
		int n = 0;
		for (; n < 7 && p; n++)
			fld[n] = strsep(&p, ":");
		if (n < 7)
			continue;
		int match = (spec[0] >= '0' && spec[0] <= '9')
				? (uid_t)strtoul(fld[2], NULL, 10) == u->uid
				: strcmp(fld[0], spec) == 0;
		if (!match)
			continue;
		if (!(spec[0] >= '0' && spec[0] <= '9')) {
			u->uid = (uid_t)strtoul(fld[2], NULL, 10);
			u->gid = (gid_t)strtoul(fld[3], NULL, 10);
		}
		snprintf(u->name, sizeof(u->name), "%s", fld[0]);
		snprintf(u->home, sizeof(u->home), "%s", fld[5]);
		break;
	}
	if (f)
		fclose(f);
	if (!u->name[0] && !(spec[0] >= '0' && spec[0] <= '9'))
		return launch_fail(err, LAUNCH_EXIT_CANNOT, 0,
				   "--user %s: no such user in the zone", spec);
	u->groups[u->ngroups++] = u->gid;
	f = u->name[0] ? zone_account_file("/etc/group") : NULL;
	while (f && fgets(line, sizeof(line), f) && u->ngroups < 64) {
		char *fld[4], *p = line;
		int n = 0;
		for (; n < 4 && p; n++)
			fld[n] = strsep(&p, ":");
		if (n == 4 && member_of(fld[3], u->name))
			u->groups[u->ngroups++] = (gid_t)strtoul(fld[2], NULL, 10);
	}
	if (f)
		fclose(f);
	return 0;
}

void launch_user_home(uid_t uid, char *home, size_t len)
{
	struct launch_user pw;
	struct zone_error err;
	char spec[16];

	snprintf(spec, sizeof(spec), "%u", (unsigned)uid);
	snprintf(home, len, "%s", resolve_user(spec, &pw, &err) == 0 ? pw.home : "/");
}

/*
 * A user-namespaced zone (launch_userns.c): init's user namespace is not ours, so it is joined
 * with the others (in the same setns, before them: the kernel judges the rest with the new
 * credentials), and the caller becomes the zone's root there (uid and gid 0 in it, no
 * supplementary groups) before it touches anything of the zone: files it creates are the
 * zone root's, and it has no capability over the host.  A process sharing its memory or its
 * fs_struct cannot join a user namespace (EINVAL): this one is a fork, or lxzone itself.
 */
static int userns_differs_st(pid_t init_pid, struct stat *a)
{
	char path[64];
	struct stat b;

	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)init_pid);
	return stat(path, a) == 0 && stat("/proc/self/ns/user", &b) == 0 &&
	       (a->st_ino != b.st_ino || a->st_dev != b.st_dev);
}

static int userns_differs(pid_t init_pid)
{
	struct stat a;

	return userns_differs_st(init_pid, &a);
}

/*
 * A cgroup namespace not owned by init's user namespace u (OCI's by path with a user namespace
 * of the container's own, joined before it as runc does: launch_root.c) cannot be joined with
 * the user namespace in one setns, which judges it with the new credentials: it is joined
 * alone first, while we are the host's root.  1 when it was (CLONE_NEWCGROUP is then done), 0
 * when u owns it, -1 with errno.
 */
static int cgroupns_first(pid_t init_pid, const struct stat *u)
{
	char path[64];
	struct stat o;
	int cg, owner, r = -1;

	snprintf(path, sizeof(path), "/proc/%d/ns/cgroup", (int)init_pid);
	if ((cg = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if ((owner = ioctl(cg, NS_GET_USERNS)) >= 0 && fstat(owner, &o) == 0)
		r = o.st_ino == u->st_ino && o.st_dev == u->st_dev
			? 0
			: (setns(cg, CLONE_NEWCGROUP) < 0 ? -1 : 1);
	if (owner >= 0)
		close(owner);
	close(cg);
	return r;
}

static int userns_become_root(struct zone_error *err)
{
	if (launch_become_ns_root() < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "become the zone's root");
	return 0;
}

/*
 * The end of an enter, under the filter: fork the program and wait for it, through the gate
 * only (launch_harden.c), and exit with its status.
 *
 * vfork when no process of the zone can ptrace the child: it is not dumpable, so that takes
 * CAP_SYS_PTRACE in the user namespace that owns our mm, the host's.  A zone with a user
 * namespace of its own has none there, nor has a zone whose set lacks cap_sys_ptrace.  Else
 * (a zone in the host's user namespace that keeps it) a real fork: a zone root could attach
 * to a vfork child before its exec and write the memory it shares with us, a process
 * outside the zone's pid namespace.  vfork saves copying our page tables only for exec to
 * drop them (most of what an exec costs here beyond nsenter's).  The vfork child only makes
 * calls and execs or exits; it never returns from here.
 */
__attribute__((no_sanitize("address", "undefined"))) static void
enter_armed(const struct launch_exec *ex, int brand_fd, const char *brand_path,
	    const struct launch_pty *pty, const sigset_t *child_mask, const sigset_t *fwd,
	    int use_vfork)
{
	long st;
	pid_t pid = use_vfork ? vfork() : launch_armed_fork();

	if (pid < 0) {
		static const char msg[] = ": fork the program\n";
		LAUNCH_GATE(SYS_write, 2, (long)launch_prog, prog_len(), 0, 0, 0);
		LAUNCH_GATE(SYS_write, 2, (long)msg, sizeof(msg) - 1, 0, 0, 0);
		launch_armed_exit(LAUNCH_EXIT_CANNOT);
	}
	if (pid == 0) {
		if (pty->master >= 0 && launch_pty_child_armed(pty) < 0) {
			static const char msg[] = ": the zone's terminal\n";
			LAUNCH_GATE(SYS_write, 2, (long)launch_prog, prog_len(), 0, 0, 0);
			LAUNCH_GATE(SYS_write, 2, (long)msg, sizeof(msg) - 1, 0, 0, 0);
			launch_armed_exit(LAUNCH_EXIT_CANNOT);
		}
		LAUNCH_GATE(SYS_rt_sigprocmask, SIG_SETMASK, (long)child_mask, 0, _NSIG / 8, 0, 0);
		launch_exec_armed(ex, brand_fd, brand_path);
	}
	st = pty->master >= 0 ? launch_pty_relay_armed(pty, pid) : launch_armed_wait(pid, fwd);
	launch_armed_exit(st);
}

/* Can a root process of the zone ptrace one of ours that is not dumpable?  Only when the zone
 * shares our user namespace and keeps cap_sys_ptrace (enter_armed).  Asked before we join. */
static int zone_can_ptrace_host(pid_t init_pid, const struct launch_opts *opts)
{
	struct stat self, zone;
	char path[64];

	if (opts->drop_caps && !(opts->caps & (UINT64_C(1) << CAP_SYS_PTRACE)))
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)init_pid);
	if (stat("/proc/self/ns/user", &self) < 0 || stat(path, &zone) < 0)
		return 1; /* cannot tell: assume it can */
	return self.st_dev == zone.st_dev && self.st_ino == zone.st_ino;
}

/* Once we are in the zone's namespaces, a failure ends this process: lxzone's own code must
 * not go on in the zone's mount namespace (nor a sanitizer's leak check, whose tracer would be
 * born in the zone's pid namespace and wait forever for us). */
static void joined_fail(const struct zone_error *err) __attribute__((noreturn));
static void joined_fail(const struct zone_error *err)
{
	report(err);
	_exit(err->status ? err->status : LAUNCH_EXIT_CANNOT);
}

/*
 * Join the zone and run the program; returns only when it could not be started (the status,
 * reported), before this process joined the zone.  From setns on, a failure exits.
 */
static int enter_child(pid_t init_pid, int pidfd, const struct launch_opts *opts,
		       const struct sock_fprog *filter, const sigset_t *mask)
{
	static struct launch_plan mini; /* large: not on the stack; one enter per process */
	struct zone_error err = {0};
	struct launch_exec ex;
	struct launch_user user, pw;
	struct launch_pty pty = {.master = -1, .slave = -1};
	char slave[64];
	int brand_fd, nstypes, use_vfork;
	sigset_t child_mask = *mask, fwd;
	size_t i;

	mini.opts = opts;
	if (launch_brand_path(opts, mini.brand, sizeof(mini.brand), &err) < 0) {
		report(&err);
		return err.status;
	}
	/* cgroups first: their host paths vanish once we are in the zone's mount namespace */
	for (i = 0; i < opts->ncgroup_procs && i < LAUNCH_MAX_OPS - 2; i++) {
		mini.ops[mini.nops].kind = LOP_JOIN_CGROUP;
		mini.ops[mini.nops++].src = opts->cgroup_procs[i];
	}
	/* the brand from a detached read-only bind of its own (CVE-2019-5736) */
	if (launch_ops_execute(&mini, NULL, &brand_fd, NULL, &err) < 0 ||
	    launch_image_open_ro(mini.brand, "brand image", &brand_fd, &err) < 0) {
		report(&err);
		return err.status;
	}
	/* the zone's limits, not the caller's, while we are still the host's root */
	if (opts->rlimits_from_init)
		launch_rlimits_copy(init_pid);
	nstypes = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID |
		  CLONE_NEWCGROUP;
	/* the zone's time namespace too (launch_timens.c): the program, our child, is in it */
	if (launch_timens_supported())
		nstypes |= CLONE_NEWTIME;
	struct stat init_user;
	int userns = userns_differs_st(init_pid, &init_user);
	if (userns) {
		nstypes |= CLONE_NEWUSER;
		switch (cgroupns_first(init_pid, &init_user)) {
		case 1:
			nstypes &= ~CLONE_NEWCGROUP;
			break;
		case -1:
			launch_fail(&err, LAUNCH_EXIT_CANNOT, errno,
				    "join the cgroup namespace of pid %d", (int)init_pid);
			report(&err);
			return err.status;
		}
	}
	use_vfork = !zone_can_ptrace_host(init_pid, opts);
	if (setns(pidfd, nstypes) < 0) {
		launch_fail(&err, LAUNCH_EXIT_CANNOT, errno, "join the namespaces of pid %d",
			    (int)init_pid);
		report(&err);
		return err.status;
	}
	if (userns && userns_become_root(&err) < 0)
		joined_fail(&err);
	if (opts->init_user) {
		/* an OCI exec's process.user, as runc takes it: uid, gid and exactly the
		 * additionalGids (no /etc/group lookup); HOME from the zone's passwd only when
		 * the process's environment has none */
		user = *opts->init_user;
		if (!getenv("HOME")) {
			launch_user_home(user.uid, pw.home, sizeof(pw.home));
			setenv("HOME", pw.home, 1);
		}
	} else if (opts->user) {
		if (resolve_user(opts->user, &user, &err) < 0)
			joined_fail(&err);
		setenv("HOME", user.home, 1);
		if (user.name[0]) {
			setenv("USER", user.name, 1);
			setenv("LOGNAME", user.name, 1);
		}
	}
	/* an OCI exec's own setup (its seccomp profile), once in the zone */
	if (opts->setup && opts->setup(opts->setup_arg, &err) < 0)
		joined_fail(&err);
	if (chdir(opts->cwd ? opts->cwd : "/") < 0 ||
	    launch_exec_prepare(opts, NULL, 0, &ex, &err) < 0) {
		if (!err.msg[0])
			launch_fail(&err, LAUNCH_EXIT_CANNOT, errno, "chdir %s",
				    opts->cwd ? opts->cwd : "/");
		joined_fail(&err);
	}
	if (opts->pty) {
		if (launch_pty_open(&pty.master, slave, sizeof(slave), &err) < 0)
			joined_fail(&err);
		pty.slave = open(slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (pty.slave < 0) {
			launch_fail(&err, LAUNCH_EXIT_CANNOT, errno, "terminal %s", slave);
			joined_fail(&err);
		}
	}
	/* the brand must always receive SIGSYS; the program gets our mask otherwise */
	sigdelset(&child_mask, SIGSYS);
	launch_forward_sigset(&fwd);

	/* What the program is born with, and nothing else (launch_harden.c). */
	const int keep[] = {
	    0, 1, 2, brand_fd, pty.master, pty.slave, opts->notify_sock ? *opts->notify_sock : -1};
	struct launch_harden h = {.keep = keep,
				  .nkeep = sizeof(keep) / sizeof(keep[0]),
				  .keep_below = opts->preserve_fds > 0 ? 3 + opts->preserve_fds : 0,
				  .drop_caps = opts->drop_caps,
				  .caps = opts->caps,
				  .inh = opts->caps_inh,
				  .amb = opts->caps_amb,
				  .admin_until_exec = opts->admin_until_exec && opts->drop_caps,
				  .user = opts->user || opts->init_user ? &user : NULL};
	struct launch_admin_drop drop;

	/* an OCI exec (admin_until_exec): no_new_privs is process.noNewPrivileges' (set by the
	 * setup or not), so the filter goes on holding CAP_SYS_ADMIN, dropped before the fork
	 * (launch_admin_drop_armed), and the user is taken before the filter as for PID 1; a
	 * zone's exec has no_new_privs exactly when its set lacks CAP_SYS_ADMIN, as its init */
	h.user_after_arm = !h.admin_until_exec && launch_user_after_arm(&h);
	if (launch_harden(&h, &err) < 0 ||
	    (h.admin_until_exec && launch_admin_drop_prepare(&h, &drop, &err) < 0))
		joined_fail(&err);
	if (opts->pty)
		launch_pty_raw(&pty);
	fflush(NULL);
	/* the filter on ourselves, the mount service's listener sent from here */
	if (launch_exec_arm(&ex, filter, &err) < 0) {
		if (opts->pty && pty.is_tty)
			ioctl(0, TCSETS, pty.saved);
		joined_fail(&err);
	}
	/* a user session in a zone whose processes name their exe: the user's brand cannot, so
	 * its readlink traps (emul/exefilter.h), stacked while we still may */
	if (opts->exe_kernel && (opts->user || opts->init_user) && user.uid != 0 &&
	    launch_exefilter_arm(&err) < 0)
		joined_fail(&err);
	/* the filter went in as root, without no_new_privs: the user's set-user-ID programs
	 * work, as in a session the zone's root started (launch_user_after_arm) */
	if (h.user_after_arm)
		launch_become_user_armed(&user);
	/* last, after every filter that needed it: the program is born without it */
	if (h.admin_until_exec)
		launch_admin_drop_armed(&drop);
	enter_armed(&ex, brand_fd, mini.brand, &pty, &child_mask, &fwd, use_vfork);
	return LAUNCH_EXIT_CANNOT; /* not reached */
}

int launch_enter(pid_t init_pid, const struct launch_opts *opts, int *status,
		 struct zone_error *err)
{
	struct lx_filter_opts fo = {.hardened = opts->hardened,
				    .epoll_ppoll = opts->epoll_ppoll,
				    .mount_notify = opts->notify_sock != NULL,
				    .userns = opts->notify_sock != NULL && userns_differs(init_pid),
				    .exe_kernel = opts->exe_kernel};
	struct sock_fprog filter = {0, NULL};
	sigset_t mask, fwd;
	int pidfd;
	pid_t pid;

	if (!opts->argv || !opts->argv[0])
		return launch_fail(err, LAUNCH_EXIT_USAGE, 0, "no program given");
	pidfd = (int)syscall(SYS_pidfd_open, init_pid, 0);
	if (pidfd < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "zone init pid %d",
				   (int)init_pid);
	launch_filter_view(opts, &fo);
	/* a zone's cached filter saves building it (~4 ms of libseccomp) on every exec */
	if (opts->filter == NULL && lx_filter_build(&fo, &filter, err) < 0) {
		close(pidfd);
		err->status = LAUNCH_EXIT_CANNOT;
		return -1;
	}
	sigprocmask(SIG_SETMASK, NULL, &mask);
	launch_forward_sigset(&fwd);
	sigprocmask(SIG_BLOCK, &fwd, NULL);
	fflush(NULL);
	if (opts->enter_in_place) {
		/* enter_child reports its own errors, as the helper would, and waits */
		*status = enter_child(init_pid, pidfd, opts, opts->filter ? opts->filter : &filter,
				      &mask);
		close(pidfd);
		free(filter.filter);
		sigprocmask(SIG_SETMASK, &mask, NULL);
		return 0;
	}
	pid = fork();
	if (pid == 0)
		_exit(enter_child(init_pid, pidfd, opts, opts->filter ? opts->filter : &filter,
				  &mask));
	launch_notify_sock_close(opts);
	close(pidfd);
	free(filter.filter);
	if (pid < 0) {
		sigprocmask(SIG_SETMASK, &mask, NULL);
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "fork");
	}
	*status = launch_wait(pid);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	return 0;
}
