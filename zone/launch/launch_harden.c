/*
 * Nothing of the host reaches a process that lxzone makes visible in a zone.
 *
 * A process appears in a zone's pid namespace when a process outside it forks (setns
 * CLONE_NEWPID applies to children only) or when PID 1 forks the guest.  The child is born
 * with a copy of its parent's descriptor table, credentials, seccomp filter and dumpable flag,
 * and a zone root that sees the new pid can pidfd_getfd a descriptor of it, read
 * /proc/<pid>/{fd,mem,environ} or ptrace it for as long as it has not exec'd (runc's
 * CVE-2024-21626 "leaky vessels" is that race).  So the parent hardens *itself* first, and the
 * child is born hardened:
 *
 *   1. every descriptor closed (close_range, not close-on-exec: the child exists before any
 *      exec) except those the child needs: stdio, the terminal, the brand image's O_PATH
 *      descriptor, the mount service's socket;
 *   2. not dumpable: the kernel refuses ptrace, pidfd_getfd, /proc/<pid>/{mem,fd,environ} of
 *      a process whose mm is not dumpable to anyone without CAP_SYS_PTRACE in the user
 *      namespace that owns the mm, the host's here (a zone in a user namespace has none
 *      there; the flag is per mm, so a vfork child shares it and exec resets it for the
 *      program);
 *   3. the zone's capability set (launch_caps.c), and the user asked for;
 *   4. then (the caller's business, launch_exec_arm) the brand's filter, with the mount
 *      service's listener sent from there, and only then the fork.
 *
 * After step 4 the parent has no brand to answer a trapped call: a libc path that opens a
 * file or touches a signal mask would die of SIGSYS.  It makes every further call through the
 * gate stub (LAUNCH_GATE, which the filter lets through unless the policy refuses it) in
 * functions the sanitizers leave alone (they call sigaltstack, which traps, before any
 * noreturn call), and leaves with exit_group.  launch_armed_fork and launch_armed_wait are
 * the pieces every such parent needs.
 *
 * Deliberately not here: the user namespace join (launch_enter.c, before this: joining needs
 * the capabilities this takes away), and the choice of fork over vfork (launch_enter.c).
 */
#include "zone/launch/launch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/*
 * close_range(lo, hi), or, where a seccomp profile older than the call refuses it (an OCI
 * container's: runtime-tools' and Docker's profiles before 2020 lack it, and lxzone-oci loads
 * the profile before this), each descriptor /proc/self/fd lists in [lo, hi].
 */
static int close_span(unsigned lo, unsigned hi, const int *fd_dir)
{
	DIR *d;
	struct dirent *de;
	int dfd;

	if (syscall(SYS_close_range, lo, hi, 0U) == 0)
		return 0;
	if (errno != EPERM && errno != ENOSYS)
		return -1;
	/* a description of its own: the caller's is read again for every span */
	dfd = fd_dir ? openat(*fd_dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
		     : open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || !(d = fdopendir(dfd))) {
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	while ((de = readdir(d))) {
		char *end;
		unsigned long fd = strtoul(de->d_name, &end, 10);

		if (*end == '\0' && end != de->d_name && fd >= lo && fd <= hi &&
		    (int)fd != dirfd(d) && (!fd_dir || (int)fd != *fd_dir))
			close((int)fd);
	}
	closedir(d);
	return 0;
}

/* Close every descriptor but keep[] (negative entries ignored) and those below keep_below,
 * in as few calls as gaps. */
static int close_all_but(const int *keep, size_t nkeep, int keep_below, const int *fd_dir)
{
	int sorted[16];
	unsigned from = keep_below > 0 ? (unsigned)keep_below : 0;
	size_t n = 0;

	if (nkeep > sizeof(sorted) / sizeof(sorted[0]))
		return errno = E2BIG, -1;
	for (size_t i = 0; i < nkeep; i++)
		if (keep[i] >= 0)
			sorted[n++] = keep[i];
	qsort(sorted, n, sizeof(sorted[0]), cmp_int);
	for (size_t i = 0; i < n; i++) {
		if ((unsigned)sorted[i] < from)
			continue;
		if ((unsigned)sorted[i] > from &&
		    close_span(from, (unsigned)sorted[i] - 1, fd_dir) < 0)
			return -1;
		from = (unsigned)sorted[i] + 1;
	}
	if (close_span(from, ~0U, fd_dir) < 0)
		return -1;
	if (fd_dir)
		close(*fd_dir); /* spared by the spans (close_range took it already: EBADF) */
	return 0;
}

int launch_undumpable(void)
{
	return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int launch_become_ns_root(void)
{
	if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return -1;
	return launch_undumpable();
}

/* Does admin_until_exec keep CAP_SYS_ADMIN?  Only without no_new_privs, which lets the filter
 * go on without it: a process that asked for no_new_privs (its setup set it) never holds
 * more than its set. */
static int admin_needed(void)
{
	return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1;
}

int launch_harden(const struct launch_harden *h, struct zone_error *err)
{
	if (close_all_but(h->keep, h->nkeep, h->keep_below, h->fd_dir) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "close descriptors");
	if (launch_undumpable() < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "make the process not dumpable");
	/* the bounding set first (needs CAP_SETPCAP), then groups, gid, uid (need
	 * CAP_SETGID/SETUID; after setresuid there is no way back), then root's permitted and
	 * effective sets: another user has none left by then */
	if (h->drop_caps && launch_caps_bound(h->caps, err) < 0)
		return -1;
	/* root until the filter is in; setresuid away from 0 then empties permitted and
	 * effective, and the bounding set above holds for whatever the user execs */
	if (h->user_after_arm)
		return 0;
	/*
	 * admin_until_exec: CAP_SYS_ADMIN stays permitted and effective (not in the bounding,
	 * inheritable or ambient sets), so the brand's filter goes on without no_new_privs, and
	 * the exec of the brand right after drops it (the new permitted set is the bounding,
	 * inheritable and ambient ones for root, the ambient one for another user), or, in a
	 * process that forks the program, launch_admin_drop_armed before the fork.  OCI's
	 * inheritable and ambient sets and this for a user other than root: its permitted set
	 * survives the uid change (launch_caps_inherit restores the effective one), also when
	 * the zone's set has CAP_SYS_ADMIN already (setresuid would take it before the filter).
	 * Not under no_new_privs (the process asked for it): the filter goes on without, and
	 * nothing holds CAP_SYS_ADMIN the zone's set did not give.
	 */
	int admin = h->admin_until_exec && admin_needed();
	uint64_t held = h->caps | (admin ? UINT64_C(1) << CAP_SYS_ADMIN : 0);
	int more = h->drop_caps && (h->inh | h->amb || admin);

	if (h->user && h->user->uid != 0 && more && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "keep capabilities");
	if (h->user && (setgroups(h->user->ngroups, h->user->groups) < 0 ||
			setresgid(h->user->gid, h->user->gid, h->user->gid) < 0 ||
			setresuid(h->user->uid, h->user->uid, h->user->uid) < 0))
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "become user %s",
				   h->user->name[0] ? h->user->name : "(numeric)");
	if (h->drop_caps && launch_caps_limit(held, err) < 0)
		return -1;
	if (more && launch_caps_inherit(held, h->inh & h->caps, h->amb & h->caps, err) < 0)
		return -1;
	/* a credential change sets the flag to fs.suid_dumpable, which may be 1 ("debug") */
	if (h->user && launch_undumpable() < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "make the process not dumpable");
	return 0;
}

int launch_user_after_arm(const struct launch_harden *h)
{
	return h->user && h->user->uid != 0 &&
	       (!h->drop_caps || (h->caps & (UINT64_C(1) << CAP_SYS_ADMIN)));
}

__attribute__((no_sanitize("address", "undefined"))) void launch_armed_exit(int status)
{
	LAUNCH_GATE(SYS_exit_group, status, 0, 0, 0, 0, 0);
}

/* "PROG: what" on stderr and exit 126, through the gate (after launch_exec_arm) */
__attribute__((no_sanitize("address", "undefined"))) static void armed_fail(const char *what,
									    long len)
{
	long n = 0;

	while (launch_prog[n])
		n++;
	LAUNCH_GATE(SYS_write, 2, (long)launch_prog, n, 0, 0, 0);
	LAUNCH_GATE(SYS_write, 2, (long)what, len, 0, 0, 0);
	launch_armed_exit(LAUNCH_EXIT_CANNOT);
}

__attribute__((no_sanitize("address", "undefined"))) void
launch_become_user_armed(const struct launch_user *u)
{
	static const char msg[] = ": become the user\n";

	if (LAUNCH_GATE(SYS_setgroups, (long)u->ngroups, (long)u->groups, 0, 0, 0, 0) == 0 &&
	    LAUNCH_GATE(SYS_setresgid, u->gid, u->gid, u->gid, 0, 0, 0) == 0 &&
	    LAUNCH_GATE(SYS_setresuid, u->uid, u->uid, u->uid, 0, 0, 0) == 0 &&
	    /* a credential change sets the flag to fs.suid_dumpable, which may be 1 */
	    LAUNCH_GATE(SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0, 0) == 0)
		return;
	armed_fail(msg, sizeof(msg) - 1);
}

int launch_admin_drop_prepare(const struct launch_harden *h, struct launch_admin_drop *d,
			      struct zone_error *err)
{
	/* launch_harden's sets without admin_until_exec: the zone's for root and for a user
	 * other than root that kept them (PR_SET_KEEPCAPS, for OCI's inheritable and ambient
	 * sets), none for one that did not (setresuid emptied them); inheritable (and so
	 * ambient) stay as launch_caps_inherit left them */
	uint64_t keep = h->user && h->user->uid != 0 && !(h->inh | h->amb) ? 0 : h->caps;

	memset(d, 0, sizeof(*d));
	d->hdr.version = _LINUX_CAPABILITY_VERSION_3;
	if (syscall(SYS_capget, &d->hdr, d->data) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "read capabilities");
	for (int i = 0; i < 2; i++) {
		d->data[i].permitted &= (uint32_t)(keep >> (32 * i));
		d->data[i].effective &= (uint32_t)(keep >> (32 * i));
	}
	return 0;
}

__attribute__((no_sanitize("address", "undefined"))) void
launch_admin_drop_armed(struct launch_admin_drop *d)
{
	static const char msg[] = ": drop CAP_SYS_ADMIN\n";

	/* dropping permitted bits leaves the dumpable flag alone (commit_creds resets it only
	 * for a change of ids or a permitted set that grows) */
	if (LAUNCH_GATE(SYS_capset, (long)&d->hdr, (long)d->data, 0, 0, 0, 0) == 0)
		return;
	armed_fail(msg, sizeof(msg) - 1);
}

/*
 * fork as a raw clone: no atfork handlers, no sanitizer interceptor, nothing but the system
 * call (a fork-style clone passes the filter).  The child has its own copy of the memory, so
 * returning from here is safe in both.
 */
__attribute__((no_sanitize("address", "undefined"))) pid_t launch_armed_fork(void)
{
	long r = LAUNCH_GATE(SYS_clone, SIGCHLD, 0, 0, 0, 0, 0);

	return r < 0 ? (errno = (int)-r, -1) : (pid_t)r;
}

/*
 * launch_wait, through the gate: wait for pid, forwarding the signals of fwd (blocked by the
 * caller, launch_forward_sigset) that other processes send us, never the terminal's
 * (SI_KERNEL: they reached the foreground group already).
 */
__attribute__((no_sanitize("address", "undefined"))) int launch_armed_wait(pid_t pid,
									   const sigset_t *fwd)
{
	siginfo_t si;
	int st = 0;
	long r, sig;

	for (;;) {
		r = LAUNCH_GATE(SYS_wait4, pid, (long)&st, WNOHANG, 0, 0, 0);
		if (r == pid)
			return launch_status_code(st);
		if (r < 0 && r != -EINTR)
			return LAUNCH_EXIT_CANNOT; /* ECHILD: cannot happen, pid is our child */
		sig = LAUNCH_GATE(SYS_rt_sigtimedwait, (long)fwd, (long)&si, 0, _NSIG / 8, 0, 0);
		if (sig <= 0 || sig == SIGCHLD)
			continue;
		if (si.si_code != SI_KERNEL)
			LAUNCH_GATE(SYS_kill, pid, sig, 0, 0, 0, 0);
	}
}
