/*
 * A container's page daemon, lxzone-oci-page: the zone page's writer and the owner of the
 * server of its lxproc files (zone/lxprocfs.h).
 *
 * The container's lxproc files are the kernel's, as a booted zone's and lxrun --root's: PID 1's
 * plan mounts a FUSE file system and binds its files over /proc/meminfo, /proc/stat, ...
 * (LOP_LXPROC_FILES), and the filter traps no open.  The plan's binds look the files up, so
 * the server must answer before PID 1 runs the plan, and it must live as long as the
 * container, not as long as create.  The server dies with its parent (PR_SET_PDEATHSIG), so
 * its parent is the daemon, which is forked before PID 1 (it then waits for PID 1's pid on a
 * pipe) and lives beside the container until its init exits or the state directory goes.
 *
 * Nothing outlives the container: the daemon ends the server (and waits for it) before it
 * exits; it exits when create gives up (it writes -1 for PID 1's pid) or dies (create's pidfd)
 * before saying PID 1's pid, when the init exits (its pidfd), or when the state directory is
 * gone; and it holds an flock on the state directory from create's fork to its exit, so
 * delete, which removes the directory, waits for it (oci_page_daemon_wait) and returns with no
 * server left.  The container's mounts live in its own mount namespace and go with its last
 * process.
 */
#include "cli/oci_container.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How long delete waits for the daemon (it exits within a moment of the init). */
#define DAEMON_WAIT_MS 5000

/* Keep fds[0 .. n) as 3, 4, ... (updated in place) and close every other descriptor above 2:
 * nothing of create's (its pipes would never see end-of-file). */
static int keep_fds(int *fds, int n)
{
	int tmp[8];

	for (int i = 0; i < n; i++)
		if (fds[i] >= 0 && (tmp[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 64)) < 0)
			return -1;
	for (int i = 0; i < n; i++)
		if (fds[i] < 0)
			close(3 + i); /* a slot we have no use for: never one of create's */
		else if (dup3(tmp[i], 3 + i, O_CLOEXEC) < 0)
			return -1;
		else
			fds[i] = 3 + i;
	return (int)syscall(SYS_close_range, 3 + n, ~0U, 0);
}

/* PID 1's pid from create (<= 0: create failed); 0 when create died without saying. */
static pid_t wait_init(int go, int create)
{
	pid_t init = 0;

	for (;;) {
		struct pollfd pf[2] = {{.fd = go, .events = POLLIN},
				       {.fd = create, .events = POLLIN}};

		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 0;
		}
		/* before create's death: it writes the pid and exits at once */
		if (pf[0].revents)
			return read(go, &init, sizeof(init)) == (ssize_t)sizeof(init) ? init : 0;
		if (pf[1].revents)
			return 0;
	}
}

static __attribute__((noreturn)) void daemon_main(struct container *k, int go, int up, int lock,
						  int create)
{
	struct zone_error ze = {0};
	pid_t init;
	int pidfd = -1;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	setsid();
	prctl(PR_SET_NAME, "lxzone-oci-page");
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	/* the lock (create's flock, inherited) stays open until we exit */
	int fds[6] = {k->fs.fd, k->fs.wake_rd, go, up, lock, create};

	if (keep_fds(fds, 6) < 0)
		_exit(1);
	k->fs.fd = fds[0];
	k->fs.wake_rd = fds[1];
	go = fds[2];
	up = fds[3];
	create = fds[5];
	k->fs.wake = -1; /* closed with the rest: the wake pipe's writer is PID 1's plan */
	if (k->opts.nlxproc_files &&
	    lxprocfs_start(&k->fs, k->page_path, k->opts.kernel_version, 1, &ze) < 0)
		_exit(1);
	/* the server's alone: its death then aborts the file system instead of hanging readers */
	if (k->fs.fd >= 0)
		close(k->fs.fd);
	k->fs.fd = -1;
	if (write(up, "u", 1) != 1)
		goto out;
	close(up);
	/* PID 1's pid once it is set up, or create's word that it failed, or create's death
	 * (PID 1 holds a copy of the pipe until its exec: no end of file to wait for) */
	if ((init = wait_init(go, create)) <= 0)
		goto out;
	close(go);
	close(create);
	pidfd = (int)syscall(SYS_pidfd_open, init, 0);
	for (;;) {
		struct pollfd pf = {.fd = pidfd, .events = POLLIN};

		if (pidfd < 0 || poll(&pf, 1, 1000) != 0 || access(k->page_path, F_OK) != 0)
			break;
		lxzone_page_sample(&k->page, &k->cg, &ze);
		/* the host's entry for the exec links, again if a flush took it
		 * (launch_binfmt.c) */
		if (k->opts.exec_links)
			launch_binfmt_host();
	}
out:
	lxprocfs_stop(&k->fs);
	_exit(0);
}

int oci_page_daemon_start(struct container *k, struct zone_error *e)
{
	int go[2] = {-1, -1}, up[2] = {-1, -1}, lock, self = -1, ok = 0;
	char c = 0;
	pid_t p;

	k->page_go = -1;
	lock = open(k->st.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB) < 0 || pipe2(go, O_CLOEXEC) < 0 ||
	    pipe2(up, O_CLOEXEC) < 0 || (self = (int)syscall(SYS_pidfd_open, getpid(), 0)) < 0 ||
	    (p = fork()) < 0) {
		oci_fail(e, "page daemon: %s", strerror(errno));
		goto done;
	}
	if (p == 0) {
		/* never create's child: the caller's subreaper reaps only the container */
		if (fork() != 0)
			_exit(0);
		close(go[1]);
		close(up[0]);
		daemon_main(k, go[0], up[1], lock, self);
	}
	waitpid(p, NULL, 0);
	close(up[1]);
	up[1] = -1;
	/* its word that the lxproc files' server runs: PID 1's plan waits on its answers */
	while (read(up[0], &c, 1) < 0 && errno == EINTR)
		;
	if (c != 'u') {
		oci_fail(e, "page daemon: the lxproc files' server did not start");
		goto done;
	}
	k->page_go = go[1];
	go[1] = -1;
	ok = 1;
done:
	for (int i = 0; i < 2; i++) {
		if (go[i] >= 0)
			close(go[i]);
		if (up[i] >= 0)
			close(up[i]);
	}
	if (lock >= 0)
		close(lock); /* the daemon's copy holds the lock */
	if (self >= 0)
		close(self);
	if (k->fs.wake_rd >= 0)
		close(k->fs.wake_rd); /* the server's */
	k->fs.wake_rd = -1;
	return ok ? 0 : -1;
}

void oci_page_daemon_go(struct container *k, pid_t init)
{
	if (k->page_go < 0)
		return;
	(void)!write(k->page_go, &init, sizeof(init));
	close(k->page_go);
	k->page_go = -1;
}

void oci_page_daemon_wait(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	for (int i = 0; fd >= 0 && i < DAEMON_WAIT_MS / 10; i++) {
		struct timespec ts = {0, 10000000};

		if (flock(fd, LOCK_EX | LOCK_NB) == 0 || errno != EWOULDBLOCK)
			break;
		nanosleep(&ts, NULL);
	}
	if (fd >= 0)
		close(fd);
}
