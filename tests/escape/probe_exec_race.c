/*
 * probe_exec_race [SECONDS]: the exec descriptor race (issue 10, item 2; runc CVE-2024-21626),
 * escape-contexts: zone hardened oci oci-userns
 * escape-while: exec-loop
 * escape-timeout: 40
 * tried from inside a zone as its root, while the host runs `lxzone exec` (and `login`, and
 * mounts through the mount service) in a loop.
 *
 * For SECONDS it watches for every new process of the zone (guessing the next pids, which a
 * pid namespace hands out in order, and rescanning /proc), and on each:
 *   - reads /proc/<pid>/status: Seccomp 0, or capabilities (effective, bounding) outside our
 *     own bounding set (the zone's), is the host showing through;
 *   - pidfd_open + pidfd_getfd on fds 0..64: a directory whose ".." chain does not reach our
 *     root, or a file beyond stdio on a mount that is not in our mount namespace (other than
 *     the brand image: an ELF file, not writable, on a read-only mount), is a host
 *     descriptor;
 *   - opens /proc/<pid>/mem and PTRACE_SEIZEs it: a process that still has the launcher's
 *     name once we hold it was the launcher's child, before its exec.
 *
 * Outcome (the escape-probe contract, tests/escape/): "safe: ..." and 0, "ESCAPED: ..." and
 * 1, "skip: ..." and 77.  It reads and attaches only: nothing it obtains is written to.
 *
 * Attaching before exec is the kernel's decision: the launcher's child is not dumpable, so it
 * takes CAP_SYS_PTRACE in the host's user namespace.  A zone with a user namespace of its own,
 * or without cap_sys_ptrace, must never attach (ESCAPED); a zone that shares the host's user
 * namespace and keeps it (privileged) can, and then the probe counts it ("attached before
 * exec N") and requires only that nothing of the host was there to take.
 *
 * Static, so it runs in the busybox zone image.  The escape suite (tests/escape/run.sh) runs
 * it for 20 s in its zones while the host loops `lxzone exec`; exec_race_driver.sh runs it
 * while the host loops exec, login and mounts (tests/integration/zone/test_exec_race.sh).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/escape/probe.h"

#ifndef PTRACE_SEIZE
#define PTRACE_SEIZE 0x4206
#endif
#ifndef PTRACE_INTERRUPT
#define PTRACE_INTERRUPT 0x4207
#endif

#define MAX_PID (1 << 22)

static unsigned char seen[MAX_PID / 8];
static struct stat root_st;
static uint64_t my_bnd;
static int strict_ptrace; /* the kernel must refuse every attach (see above) */
static pid_t self;
static char mountids[65536]; /* " id id id ... " of our mount namespace */

static struct {
	unsigned procs, fds, attached, attached_pre_exec, mem_opened, launcher_children,
	    seen_pre_exec;
} n;

static void escaped(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void escaped(const char *fmt, ...)
{
	va_list ap;

	printf("ESCAPED: exec race: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	_exit(1);
}

static void skip(const char *why)
{
	printf("skip: exec race: %s\n", why);
	exit(77);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t field_hex(const char *text, const char *name)
{
	const char *p = strstr(text, name);

	return p ? strtoull(p + strlen(name), NULL, 16) : 0;
}

static long field_long(const char *text, const char *name, long dflt)
{
	const char *p = strstr(text, name);

	return p ? strtol(p + strlen(name), NULL, 10) : dflt;
}

static void load_mountids(void)
{
	static char mi[1 << 20];
	size_t at = 0;

	if (probe_read_text("/proc/self/mountinfo", mi, sizeof(mi)) < 0)
		skip("cannot read /proc/self/mountinfo");
	mountids[at++] = ' ';
	for (char *line = strtok(mi, "\n"); line && at + 16 < sizeof(mountids);
	     line = strtok(NULL, "\n"))
		at += (size_t)snprintf(mountids + at, sizeof(mountids) - at, "%ld ",
				       strtol(line, NULL, 10));
}

/* The directory fd's ".." chain reaches our root (inside the zone)? */
static int dir_inside(int fd)
{
	int cur = dup(fd), inside = 0;

	for (int depth = 0; cur >= 0 && depth < 4096; depth++) {
		struct stat st, up;
		int parent;

		if (fstat(cur, &st) < 0)
			break;
		if (st.st_dev == root_st.st_dev && st.st_ino == root_st.st_ino) {
			inside = 1;
			break;
		}
		parent = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (parent < 0 || fstat(parent, &up) < 0) {
			if (parent >= 0)
				close(parent);
			break;
		}
		close(cur);
		cur = parent;
		if (up.st_dev == st.st_dev && up.st_ino == st.st_ino)
			break; /* a top that is not our root */
	}
	if (cur >= 0)
		close(cur);
	return inside;
}

/* An ELF file (read through /proc/self/fd: an O_PATH descriptor cannot be read itself)? */
static int is_elf(int fd)
{
	char path[64], magic[4];
	int r;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	r = open(path, O_RDONLY | O_CLOEXEC);
	if (r < 0)
		return 0;
	int ok = pread(r, magic, 4, 0) == 4 && memcmp(magic, "\177ELF", 4) == 0;
	close(r);
	return ok;
}

/* A descriptor taken from pid: fail if it is the host's. */
static void check_fd(pid_t pid, int target, int fd)
{
	char path[64], link[4096], info[512], want[32];
	struct stat st;
	struct statvfs vfs;
	ssize_t l;
	int flags = fcntl(fd, F_GETFL);

	n.fds++;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	l = readlink(path, link, sizeof(link) - 1);
	link[l < 0 ? 0 : l] = '\0';
	if (fstat(fd, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		if (!dir_inside(fd))
			escaped("pid %d fd %d is a directory outside the zone (%s)", (int)pid,
				target, link);
		return;
	}
	/* pipes, sockets, terminals; and stdio of any kind: the caller's (`lxzone exec ... >
	 * FILE`), which the program gets by design, or init's console log (issue 10, item 3) */
	if ((!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) || target <= 2)
		return;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if (probe_read_text(path, info, sizeof(info)) < 0)
		return;
	snprintf(want, sizeof(want), " %ld ", field_long(info, "mnt_id:", -1));
	if (strstr(mountids, want))
		return; /* a file of the zone's own mounts */
	/* the brand image, on its detached read-only mount (which shows as "/"): the launcher's
	 * O_PATH descriptor, or the brand's own for re-executing itself; never writable */
	if (((flags & O_PATH) || (flags & O_ACCMODE) == O_RDONLY) && fstatvfs(fd, &vfs) == 0 &&
	    (vfs.f_flag & ST_RDONLY) && is_elf(fd))
		return;
	/* a memfd (lxproc's synthesized files; the brand shows their readlink as the file
	 * they stand for): anonymous, leads nowhere */
	if (fcntl(fd, F_GET_SEALS) >= 0)
		return;
	char comm[32] = "";
	struct statfs sfs = {0};
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	probe_read_text(path, comm, sizeof(comm));
	comm[strcspn(comm, "\n")] = '\0';
	fstatfs(fd, &sfs);
	escaped("pid %d (%s) fd %d is a file outside the zone's mounts (%s, flags %#x, dev "
		"%u:%u, fs type %#lx)",
		(int)pid, comm, target, link, flags, major(st.st_dev), minor(st.st_dev),
		(unsigned long)sfs.f_type);
}

/*
 * Is pid still the launcher's child, before its exec?  Its name is still the launcher's then
 * (exec renames a process when it installs the new mm and credentials, and ptrace_attach
 * waits for that under the exec's cred_guard_mutex).  Read after we got hold of it, so a
 * "yes" is certain; a "no" may come too late, which a race run many times makes up for.
 */
static int launcher_child(pid_t pid)
{
	static const char *const names[] = {"lxzone\n", "lxrun\n", "lxzone-init\n", "lxzone-oci\n"};
	char path[64], comm[32];

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if (probe_read_text(path, comm, sizeof(comm)) <= 0)
		return 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(comm, names[i]) == 0)
			return 1;
	return 0;
}

/* Attach with ptrace (SEIZE), then let go. */
static void try_ptrace(pid_t pid)
{
	int st;

	if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0)
		return;
	n.attached++;
	if (launcher_child(pid)) {
		n.attached_pre_exec++;
		if (strict_ptrace)
			escaped("attached to pid %d before its exec (not dumpable: the kernel "
				"must refuse)",
				(int)pid);
	}
	/* let go: a signal-delivery stop (no event in the status' high bits: the brand's own
	 * SIGSYS, say) passes its signal on, or the signal would be lost */
	if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) == 0 && waitpid(pid, &st, __WALL) == pid &&
	    WIFSTOPPED(st))
		ptrace(PTRACE_DETACH, pid, 0, (void *)(long)((st >> 16) ? 0 : WSTOPSIG(st)));
}

static void probe(pid_t pid)
{
	char path[64], status[4096];
	long ppid;
	int pfd;

	if (pid <= 1 || pid >= MAX_PID || pid == self || (seen[pid / 8] & (1 << (pid % 8))))
		return;
	pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd < 0)
		return; /* not there (yet) */
	seen[pid / 8] |= (unsigned char)(1 << (pid % 8));
	n.procs++;
	if (launcher_child(pid))
		n.seen_pre_exec++;
	for (int fd = 0; fd <= 64; fd++) {
		int got = (int)syscall(SYS_pidfd_getfd, pfd, fd, 0);

		if (got >= 0) {
			check_fd(pid, fd, got);
			close(got);
		}
	}
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (probe_read_text(path, status, sizeof(status)) > 0) {
		uint64_t eff = field_hex(status, "\nCapEff:\t"),
			 bnd = field_hex(status, "\nCapBnd:\t");
		long sec = field_long(status, "\nSeccomp:\t", -1);

		ppid = field_long(status, "\nPPid:\t", -1);
		if (ppid == 0)
			n.launcher_children++;
		if (sec == 0)
			escaped("pid %d runs without a seccomp filter (ppid %ld)", (int)pid, ppid);
		if ((eff | bnd) & ~my_bnd)
			escaped("pid %d holds capabilities outside the zone's: eff %#llx bnd %#llx "
				"(zone %#llx)",
				(int)pid, (unsigned long long)eff, (unsigned long long)bnd,
				(unsigned long long)my_bnd);
	} else {
		ppid = -1;
	}
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	int mem = open(path, O_RDONLY | O_CLOEXEC);
	if (mem >= 0) {
		n.mem_opened++;
		if (strict_ptrace && launcher_child(pid))
			escaped("opened /proc/%d/mem before its exec", (int)pid);
		close(mem);
	}
	try_ptrace(pid);
	close(pfd);
}

static void scan_proc(pid_t *last)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char *end;
		long p = strtol(e->d_name, &end, 10);

		if (*end || p <= 0)
			continue;
		if (p > *last)
			*last = (pid_t)p;
		probe((pid_t)p);
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 20, end;
	char status[4096], map[256];
	pid_t last = 1;
	int pfd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	self = getpid();
	if (stat("/", &root_st) < 0 ||
	    probe_read_text("/proc/self/status", status, sizeof(status)) < 0)
		skip("no /proc in this zone");
	my_bnd = field_hex(status, "\nCapBnd:\t");
	/* the initial user namespace maps all 2^32 ids: "0 0 4294967295" */
	if (probe_read_text("/proc/self/uid_map", map, sizeof(map)) < 0)
		skip("no /proc/self/uid_map");
	strict_ptrace = !strstr(map, "4294967295") || !(my_bnd & (1ULL << 19 /* SYS_PTRACE */));
	load_mountids();
	/* everything already here is not an exec of the race: only new processes count */
	scan_proc(&last);
	memset(&n, 0, sizeof(n));
	end = now() + secs;
	while (now() < end) {
		/* pids come in order: the next ones first, then the whole of /proc */
		for (int spin = 0; spin < 200; spin++)
			for (pid_t p = last + 1; p <= last + 4; p++)
				if ((pfd = (int)syscall(SYS_pidfd_open, p, 0)) >= 0) {
					close(pfd); /* probe takes its own */
					probe(p);
					if (p > last)
						last = p;
				}
		scan_proc(&last);
	}
	if (n.launcher_children == 0)
		skip("no `lxzone exec` ran while racing (is the host loop running?)");
	printf("safe: exec race: %u new processes (%u with a parent outside the zone), %u "
	       "descriptors taken, none the host's; no filterless or over-capable process; "
	       "attached %u, before exec %u (%s); /proc/<pid>/mem opened %u; launcher's "
	       "children seen before exec %u\n",
	       n.procs, n.launcher_children, n.fds, n.attached, n.attached_pre_exec,
	       strict_ptrace ? "must be 0: zone cannot ptrace host-owned mm"
			     : "zone holds CAP_SYS_PTRACE in the host's user namespace",
	       n.mem_opened, n.seen_pre_exec);
	return 0;
}
