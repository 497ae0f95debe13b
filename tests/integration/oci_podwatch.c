/*
 * oci_podwatch MARKER NAME STOP [SECONDS]: run as root in a pod's sandbox (user namespace of
 * its own, CAP_SYS_PTRACE in it) while the host creates containers that join the sandbox's
 * user and pid namespaces (tests/integration/oci_mapping.sh).  Each such container's PID 1
 * is in our pid namespace from its fork on, as lxzone-oci's child, before its exec; for as
 * long as it is, the setup's host root, cwd and descriptors must be out of our reach
 * (runc's CVE-2016-9962: launch.h, launch_undumpable).
 *
 * Until the file STOP exists (or SECONDS, default 60, pass) it rescans /proc and, for every
 * process but itself and PID 1:
 *   - MARKER (an absolute path on the host, outside every rootfs) through /proc/<pid>/root,
 *     and NAME (the marker's name, in the directory lxzone-oci runs in) through
 *     /proc/<pid>/cwd: either found is the host's file system reached;
 *   - the first time it sees the process: PTRACE_SEIZE and pidfd_getfd of its descriptor 3;
 *     either taken from a process still named lxzone-oci once we hold it is the runtime's
 *     child taken before its exec.  A runtime's child is tried again and again until it is
 *     no longer one (its exec, or its end): a moment it is dumpable (each change of ids sets
 *     the flag to fs.suid_dumpable, and 1 there is dumpable until the launcher clears it)
 *     lasts a few system calls, and a scan of /proc would pass it by.
 * With a fifth argument, caps=HEX, attaching is not the question but what a runtime's child
 * holds: for a sandbox without a user namespace of its own whose root holds CAP_SYS_PTRACE
 * in the host's user namespace (tests/integration/oci_extras.sh), which may attach to every
 * process of its pid namespace, dumpable or not, as under runc.  For every
 * runtime's child, again and again until its exec: effective or permitted capabilities
 * beyond HEX (the process's own: PID 1 of a late join loads the brand's filter before it
 * is forked, and holds no CAP_SYS_ADMIN for it), or a directory among its descriptors (open
 * through /proc/PID/fd: a host directory would be the host's file system), besides root and
 * cwd; a child that waits for start is read until the watch is over.  The same watcher
 * checks an `exec`'s children (tests/integration/oci_exec_privs.sh).
 * Prints one line: "safe: N ..." (exit 0), "ESCAPED: ..." (exit 1), or, when it saw no process
 * of the runtime's before its exec, "inconclusive: ..." (exit 2): a run that proves nothing.
 * It reads and attaches only.  Static, for the busybox image.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PTRACE_SEIZE
#define PTRACE_SEIZE 0x4206
#endif
#ifndef PTRACE_INTERRUPT
#define PTRACE_INTERRUPT 0x4207
#endif

#define MAX_PID (1 << 22)

static unsigned char seen[MAX_PID / 8];

static int runtime_child(pid_t pid)
{
	char path[64], comm[32] = "";
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, comm, sizeof(comm) - 1);
	close(fd);
	return n > 0 && strcmp(comm, "lxzone-oci\n") == 0;
}

static void escaped(const char *what, pid_t pid)
{
	printf("ESCAPED: %s of pid %d\n", what, (int)pid);
	fflush(stdout);
	_exit(1);
}

/* Attach, and if the process is still the runtime's once held, that is the escape; let go.
 * 1 when it was attached (an exec'd program, held and let go), else 0. */
static int seize(pid_t pid)
{
	int st;

	if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0)
		return 0;
	if (runtime_child(pid))
		escaped("PTRACE_SEIZE before its exec", pid);
	if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) == 0 && waitpid(pid, &st, __WALL) == pid &&
	    WIFSTOPPED(st))
		ptrace(PTRACE_DETACH, pid, 0, (void *)(long)((st >> 16) ? 0 : WSTOPSIG(st)));
	return 1;
}

/* Its descriptor 3 taken, and the process still the runtime's: the escape. */
static void getfd(int pfd, pid_t pid)
{
	int fd = (int)syscall(SYS_pidfd_getfd, pfd, 3, 0);

	if (fd >= 0 && runtime_child(pid))
		escaped("pidfd_getfd of descriptor 3 before its exec", pid);
	if (fd >= 0)
		close(fd);
}

/* caps=HEX: what a runtime's child may hold; 0: the user-namespaced sandbox (try_take). */
static unsigned long long caps_allowed;
static int caps_mode;
/* the watch's end: the file STOP, or the time */
static const char *stop_file;
static time_t end;

static int watch_over(void)
{
	return access(stop_file, F_OK) == 0 || time(NULL) >= end;
}

static unsigned long long status_caps(pid_t pid, const char *key)
{
	char path[64], line[256];
	unsigned long long v = 0;
	size_t n = strlen(key);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "r")))
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n))
			v = strtoull(line + n, NULL, 16);
	fclose(f);
	return v;
}

/* A runtime's child, seen by a watcher that may attach to anything here: its capabilities and
 * descriptors, checked until it is no longer the runtime's (its exec, its end), or, one that
 * waits for start, until the watch is over. */
static void check_held(pid_t pid)
{
	char path[64];

	for (unsigned k = 1; runtime_child(pid); k++) {
		if (k % 256 == 0 && watch_over())
			return;
		unsigned long long eff = status_caps(pid, "CapEff:"),
				   prm = status_caps(pid, "CapPrm:");
		DIR *d;
		struct dirent *e;

		if (runtime_child(pid) && ((eff | prm) & ~caps_allowed)) {
			printf("ESCAPED: capabilities %llx beyond %llx before its exec of pid %d\n",
			       eff | prm, caps_allowed, (int)pid);
			fflush(stdout);
			_exit(1);
		}
		snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
		if (!(d = opendir(path)))
			continue; /* not ours to read (not dumpable, a user namespace's watcher) */
		while ((e = readdir(d))) {
			char fdp[320];
			struct stat st;

			if (e->d_name[0] == '.')
				continue;
			snprintf(fdp, sizeof(fdp), "/proc/%d/fd/%s", (int)pid, e->d_name);
			if (stat(fdp, &st) == 0 && S_ISDIR(st.st_mode) && runtime_child(pid)) {
				closedir(d);
				escaped("a directory descriptor before its exec", pid);
			}
		}
		closedir(d);
	}
}

static void try_take(pid_t pid)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (seize(pid) || pfd < 0) {
		if (pfd >= 0)
			close(pfd);
		return;
	}
	getfd(pfd, pid);
	/* the runtime's child, until its exec or its end (ESRCH); comm read every 64 tries */
	for (unsigned n = 1; n % 64 || runtime_child(pid); n++) {
		if (seize(pid))
			break;
		if (errno == ESRCH)
			break;
		getfd(pfd, pid);
	}
	close(pfd);
}

int main(int argc, char **argv)
{
	char path[4200];
	unsigned procs = 0, before_exec = 0;
	pid_t self = getpid();

	if (argc < 4) {
		fprintf(stderr, "usage: oci_podwatch MARKER NAME STOP [SECONDS [caps=HEX]]\n");
		return 2;
	}
	if (argc > 5 && !strncmp(argv[5], "caps=", 5)) {
		caps_mode = 1;
		caps_allowed = strtoull(argv[5] + 5, NULL, 16);
	}
	end = time(NULL) + (argc > 4 ? atoi(argv[4]) : 60);
	stop_file = argv[3];
	while (!watch_over()) {
		DIR *d = opendir("/proc");
		struct dirent *e;

		while (d && (e = readdir(d))) {
			pid_t pid = (pid_t)atoi(e->d_name);

			if (pid <= 1 || pid == self || pid >= MAX_PID)
				continue;
			snprintf(path, sizeof(path), "/proc/%d/root%s", (int)pid, argv[1]);
			if (access(path, F_OK) == 0)
				escaped("the host's root through /proc/PID/root", pid);
			snprintf(path, sizeof(path), "/proc/%d/cwd/%s", (int)pid, argv[2]);
			if (access(path, F_OK) == 0)
				escaped("the runtime's cwd through /proc/PID/cwd", pid);
			if (seen[pid / 8] & (1 << (pid % 8)))
				continue;
			seen[pid / 8] |= (unsigned char)(1 << (pid % 8));
			procs++;
			if (runtime_child(pid))
				before_exec++;
			if (caps_mode)
				check_held(pid);
			else
				try_take(pid);
		}
		if (d)
			closedir(d);
	}
	if (!before_exec) {
		printf("inconclusive: %u processes, none of them the runtime's before its exec\n",
		       procs);
		return 2;
	}
	printf("safe: %u processes, %u of them the runtime's before its exec, none reachable\n",
	       procs, before_exec);
	return 0;
}
