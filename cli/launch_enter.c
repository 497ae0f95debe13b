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
 * pid being reused.  Joining a pid namespace applies to children only, hence the second
 * fork: lxrun -> helper (in the zone's namespaces) -> program (in the zone's pid namespace).
 */
#include "cli/launch.h"
#include "kernel-shim/brand_abi.h"
#include "kernel-shim/filter.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static void report(const struct launch_error *err)
{
	fprintf(stderr, "lxrun: %s\n", err->msg);
}

struct enter_user {
	uid_t uid;
	gid_t gid;
	size_t ngroups;
	gid_t groups[64];
	char home[256], name[64];
};

/* Does the ":"-separated /etc/group member list contain name? */
static int member_of(char *list, const char *name)
{
	for (char *tok = strtok(list, ",\n"); tok; tok = strtok(NULL, ",\n"))
		if (strcmp(tok, name) == 0)
			return 1;
	return 0;
}

/*
 * The user, as the zone knows it: a name from the zone's /etc/passwd (with its primary and
 * supplementary groups from /etc/group), or a numeric UID[:GID].  Read after setns, so the
 * files are the zone's, never the host's.
 */
static int resolve_user(const char *spec, struct enter_user *u, struct launch_error *err)
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
	f = fopen("/etc/passwd", "re");
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
	f = u->name[0] ? fopen("/etc/group", "re") : NULL;
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

/*
 * A user-namespaced zone (launch_userns.c): init's user namespace is not ours, so it is joined
 * with the others (in the same setns, before them: the kernel judges the rest with the new
 * credentials), and the caller becomes the zone's root there (uid and gid 0 in it, no
 * supplementary groups) before it touches anything of the zone: files it creates are the
 * zone root's, and it has no capability over the host.  A process sharing its memory or its
 * fs_struct cannot join a user namespace (EINVAL): this one is a fork, or lxzone itself.
 */
static int userns_differs(pid_t init_pid)
{
	char path[64];
	struct stat a, b;

	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)init_pid);
	return stat(path, &a) == 0 && stat("/proc/self/ns/user", &b) == 0 &&
	       (a.st_ino != b.st_ino || a.st_dev != b.st_dev);
}

static int userns_become_root(struct launch_error *err)
{
	if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "become the zone's root");
	return 0;
}

static int enter_child(pid_t init_pid, int pidfd, const struct launch_opts *opts,
		       const struct sock_fprog *filter, const sigset_t *mask)
{
	struct launch_plan *mini = calloc(1, sizeof(*mini));
	struct launch_error err = {0};
	struct launch_exec ex;
	struct enter_user user;
	char slave[64];
	int brand_fd, st, nstypes, master = -1;
	size_t i;
	pid_t pid;

	if (!mini)
		return LAUNCH_EXIT_CANNOT;
	mini->opts = opts;
	if (launch_brand_path(opts, mini->brand, sizeof(mini->brand), &err) < 0) {
		report(&err);
		return err.status;
	}
	/* cgroups first: their host paths vanish once we are in the zone's mount namespace */
	for (i = 0; i < opts->ncgroup_procs && i < LAUNCH_MAX_OPS - 2; i++) {
		mini->ops[mini->nops].kind = LOP_JOIN_CGROUP;
		mini->ops[mini->nops++].src = opts->cgroup_procs[i];
	}
	/* the brand from a detached read-only bind of its own (CVE-2019-5736) */
	if (launch_ops_execute(mini, NULL, &brand_fd, NULL, &err) < 0 ||
	    launch_image_open_ro(mini->brand, "brand image", &brand_fd, &err) < 0) {
		report(&err);
		return err.status;
	}
	nstypes = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID |
		  CLONE_NEWCGROUP;
	/* the zone's time namespace too (launch_timens.c): the program, our child, is in it */
	if (launch_timens_supported())
		nstypes |= CLONE_NEWTIME;
	int userns = userns_differs(init_pid);
	if (userns)
		nstypes |= CLONE_NEWUSER;
	if (setns(pidfd, nstypes) < 0) {
		launch_fail(&err, LAUNCH_EXIT_CANNOT, errno, "join the namespaces of pid %d",
			    (int)init_pid);
		report(&err);
		return err.status;
	}
	if (userns && userns_become_root(&err) < 0) {
		report(&err);
		return err.status;
	}
	if (opts->user) {
		if (resolve_user(opts->user, &user, &err) < 0) {
			report(&err);
			return err.status;
		}
		setenv("HOME", user.home, 1);
		if (user.name[0]) {
			setenv("USER", user.name, 1);
			setenv("LOGNAME", user.name, 1);
		}
	}
	if (chdir("/") < 0 || launch_exec_prepare(opts, NULL, 0, &ex, &err) < 0) {
		if (!err.msg[0])
			launch_fail(&err, LAUNCH_EXIT_CANNOT, errno, "chdir /");
		report(&err);
		return err.status;
	}
	if (opts->pty && launch_pty_open(&master, slave, sizeof(slave), &err) < 0) {
		report(&err);
		return err.status;
	}
	/*
	 * vfork: the child only sets its mask, credentials and filter (all per task) and execs
	 * the brand, so it need not copy our page tables only for exec to tear them down again
	 * (~1-2 ms of an exec on this kind of VM, the largest cost nsenter's fork also pays).
	 * Until it execs or exits we are suspended and it borrows our memory: it changes none
	 * of the locals we use afterwards, returns from nothing and ends in exec or _exit.  No
	 * handler of ours can run in it: lxzone installs none on this path.  The gate page it
	 * maps stays mapped in our memory, unused: we only wait and return.
	 */
	pid = vfork();
	if (pid < 0) {
		launch_fail(&err, LAUNCH_EXIT_CANNOT, errno, "fork");
		report(&err);
		return err.status;
	}
	if (pid == 0) {
		sigset_t m = *mask;

		if (opts->pty && launch_pty_child(slave) < 0) {
			launch_fail(&err, LAUNCH_EXIT_CANNOT, errno, "terminal %s", slave);
			report(&err);
			_exit(err.status);
		}

		sigdelset(&m, SIGSYS);
		sigprocmask(SIG_SETMASK, &m, NULL);
		/* the zone's bounding set first (needs CAP_SETPCAP), then groups, gid, uid (need
		 * CAP_SETGID/SETUID; after setresuid there is no way back), then root's permitted
		 * and effective sets: another user has none left by then */
		if (opts->drop_caps && launch_caps_bound(opts->caps, &err) < 0) {
			report(&err);
			_exit(err.status);
		}
		if (opts->user && (setgroups(user.ngroups, user.groups) < 0 ||
				   setresgid(user.gid, user.gid, user.gid) < 0 ||
				   setresuid(user.uid, user.uid, user.uid) < 0)) {
			launch_fail(&err, LAUNCH_EXIT_CANNOT, errno, "become user %s", opts->user);
			report(&err);
			_exit(err.status);
		}
		if (opts->drop_caps && launch_caps_limit(opts->caps, &err) < 0) {
			report(&err);
			_exit(err.status);
		}
		launch_exec_brand(&ex, filter, brand_fd, mini->brand, &err);
		report(&err);
		_exit(err.status);
	}
	launch_notify_sock_close(opts);
	st = opts->pty ? launch_pty_relay(master, pid) : launch_wait(pid);
	launch_exec_free(&ex);
	free(mini);
	return st;
}

int launch_enter(pid_t init_pid, const struct launch_opts *opts, int *status,
		 struct launch_error *err)
{
	struct lx_filter_opts fo = {.hardened = opts->hardened,
				    .lxproc = (opts->zone_page && *opts->zone_page) ||
					      (opts->kernel_version && *opts->kernel_version),
				    .mount_notify = opts->notify_sock != NULL};
	struct sock_fprog filter = {0, NULL};
	sigset_t mask, fwd;
	char ebuf[512];
	int pidfd;
	pid_t pid;

	if (!opts->argv || !opts->argv[0])
		return launch_fail(err, LAUNCH_EXIT_USAGE, 0, "no program given");
	pidfd = (int)syscall(SYS_pidfd_open, init_pid, 0);
	if (pidfd < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "zone init pid %d",
				   (int)init_pid);
	/* a zone's cached filter saves building it (~4 ms of libseccomp) on every exec */
	if (opts->filter == NULL && lx_filter_build(&fo, &filter, ebuf, sizeof(ebuf)) < 0) {
		close(pidfd);
		return launch_fail(err, LAUNCH_EXIT_CANNOT, 0, "%s", ebuf);
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
