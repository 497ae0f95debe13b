/*
 * probe_ptrace: take hold of what lxzone runs in the zone -- its init, the programs `exec`
 * starts, the mount service's work -- with ptrace, pidfd_getfd and /proc/PID/{root,cwd}.
 * escape-contexts: zone hardened lxrun oci oci-userns
 * escape-while: exec-loop
 * Safe outcome: for 5 s, while `lxzone exec` runs in a loop and a child keeps the mount
 * service busy, no process the probe can see yields a directory or file outside the zone's
 * root, and every process it can trace runs under the filter with no capability beyond the
 * zone's.
 *
 * Tracing is PTRACE_SEIZE then detach (the tracee never stops); descriptors taken are only
 * examined and closed.  Files the probe itself was given as stdin, stdout or stderr do not
 * count (lxrun's init shares them).  A directory is outside the root when getcwd(2) in it answers
 * "(unreachable)"; a regular file when its path names another inode in the zone.
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/escape/probe.h"


static int root_fd;
static pid_t self, child;
static void escaped(pid_t pid, const char *what, const char *where);
static int procs, traced, taken;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void comm_of(pid_t pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	snprintf(buf, len, "?");
	if ((f = fopen(path, "r"))) {
		if (fgets(buf, (int)len, f))
			buf[strcspn(buf, "\n")] = 0;
		fclose(f);
	}
}

/* Findings are collected (each once) and reported together at the end. */
static char findings[2048];
static size_t nfind;

static void escaped(pid_t pid, const char *what, const char *where)
{
	char comm[32], one[512];

	comm_of(pid, comm, sizeof(comm));
	snprintf(one, sizeof(one), "%s (%s) %s %s", pid == 1 ? "init" : "a process", comm, what,
		 where);
	if (strstr(findings, one))
		return;
	nfind++;
	if (strlen(findings) + strlen(one) + 3 < sizeof(findings)) {
		if (findings[0])
			strcat(findings, "; ");
		strcat(findings, one);
	}
}

/* 1 when directory fd is outside our root; its path in where (raw getcwd: glibc hides it) */
static int dir_outside(int fd, char *where, size_t len)
{
	long n;

	if (fchdir(fd) < 0)
		return 0;
	n = syscall(SYS_getcwd, where, len);
	if (fchdir(root_fd) < 0)
		probe_skip("fchdir back to /: %s", probe_errname(errno));
	return n > 0 && where[0] != '/';
}

/* one of the probe's own stdin, stdout, stderr: what the zone was given to use anyway */
static int own_stdio(const struct stat *a)
{
	struct stat b;

	for (int fd = 0; fd < 3; fd++)
		if (fstat(fd, &b) == 0 && a->st_dev == b.st_dev && a->st_ino == b.st_ino)
			return 1;
	return 0;
}

/* a regular file's descriptor that names no file of the zone */
static int file_outside(int fd, char *where, size_t len)
{
	struct stat a, b;
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, where, len - 1);
	if (n <= 0 || fstat(fd, &a) < 0 || own_stdio(&a))
		return 0;
	where[n] = 0;
	if (strncmp(where, "/memfd:", 7) == 0 || strstr(where, " (deleted)"))
		return 0;
	if (stat(where, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return 0;
	/* the name may mean nothing here: say which file it is */
	snprintf(where + n, len - (size_t)n, " (dev %u:%u inode %lu, %lld bytes)", major(a.st_dev),
		 minor(a.st_dev), (unsigned long)a.st_ino, (long long)a.st_size);
	return 1;
}

static unsigned long long status_hex(pid_t pid, const char *field)
{
	char path[64], line[256];
	unsigned long long v = ~0ULL;
	size_t flen = strlen(field);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "r")))
		return v;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, flen) == 0 && line[flen] == ':')
			v = strtoull(line + flen + 1, NULL, strcmp(field, "Seccomp") ? 16 : 10);
	fclose(f);
	return v;
}

static void check(pid_t pid)
{
	static const char *const links[] = {"root", "cwd"};
	char path[96], where[4096];
	struct stat st;
	int fd, pidfd;

	procs++;
	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, links[i]);
		fd = open(path, O_RDONLY | O_DIRECTORY);
		if (fd < 0)
			continue;
		if (dir_outside(fd, where, sizeof(where)))
			escaped(pid, path, where);
		close(fd);
	}
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd >= 0) {
		for (int n = 0; n < 64; n++) {
			fd = (int)syscall(SYS_pidfd_getfd, pidfd, n, 0);
			if (fd < 0)
				continue;
			taken++;
			if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) &&
			    dir_outside(fd, where, sizeof(where))) {
				snprintf(
				    path, sizeof(path),
				    "gives (pidfd_getfd) as fd %d a directory outside the root:",
				    n);
				escaped(pid, path, where);
			}
			if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
			    file_outside(fd, where, sizeof(where))) {
				snprintf(path, sizeof(path),
					 "gives (pidfd_getfd) as fd %d a host file:", n);
				escaped(pid, path, where);
			}
			close(fd);
		}
		close(pidfd);
	}
	if (ptrace(PTRACE_SEIZE, pid, 0, 0) == 0) {
		unsigned long long mine = status_hex(self, "CapBnd");
		unsigned long long bnd = status_hex(pid, "CapBnd");
		unsigned long long filter = status_hex(pid, "Seccomp");

		traced++;
		ptrace(PTRACE_DETACH, pid, 0, 0);
		if (filter != 2 && filter != ~0ULL)
			escaped(pid, "can be traced and runs without a seccomp filter", "");
		if (bnd != ~0ULL && (bnd & ~mine)) {
			snprintf(where, sizeof(where), "%llx beyond the zone's %llx", bnd, mine);
			escaped(pid, "can be traced and holds capabilities", where);
		}
	}
}

/* The mount service's helpers work in the zone's namespaces: keep them busy. */
static void mount_loop(double until)
{
	const char *dir = "/tmp/.escape-ptrace-mnt";

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	mkdir(dir, 0700);
	while (now() < until && getppid() != 1) {
		if (mount("none", dir, "tmpfs", 0, "size=1m") == 0)
			umount2(dir, 0);
		else
			usleep(50000);
	}
	rmdir(dir);
	_exit(0);
}

int main(void)
{
	double until = now() + 5;

	self = getpid();
	root_fd = open("/", O_RDONLY | O_DIRECTORY);
	if (root_fd < 0)
		probe_skip("open /: %s", probe_errname(errno));
	child = fork();
	if (child == 0)
		mount_loop(until);
	while (now() < until)
		probe_each_pid(check, child);
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	if (nfind)
		probe_escaped("%zu finding(s) in %d looks at processes over 5 s: %s", nfind, procs,
			      findings);
	probe_safe("%d looks at processes over 5 s (%d traced, %d descriptors taken): nothing "
		   "outside the zone, every traceable process filtered and within the zone's "
		   "capabilities",
		   procs, traced, taken);
}
