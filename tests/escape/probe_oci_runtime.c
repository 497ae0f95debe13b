/*
 * probe_oci_runtime: what lxzone-oci holds on the host, reached from inside its container --
 * its state directory and log, the bundle, descriptors the caller did not pass on.
 * escape-contexts: oci oci-userns
 * escape-while: exec-loop
 * escape-timeout: 30
 * escape-native: oci-preserve-fds
 * Safe outcome: for 3 s, while `lxzone-oci exec` runs in a loop, no descriptor (any number),
 * cwd or root of any process the probe can reach, nor any mount point, is one of the
 * runtime's files run.sh names in ESCAPE_RUNTIME (the state root and every file under it, the
 * --log file, the bundle and its config.json, and the decoys: a file and a directory it
 * opens as descriptors 5 and 6 for `run` and every `exec`, none of them asked for by
 * --preserve-fds) except the zone page, which must be a read-only bind that does not open
 * for writing; and none is a pidfd of a process outside the container's pid namespace, a
 * namespace that is not the container's, a unix socket whose peer is outside the container,
 * or a named FIFO of another mount (the runtime's exec.fifo).
 *
 * OCI contexts only: a zone's processes talk to lxzone's mount service over a socket by
 * design (probe_ptrace and probe_exec_race cover the zones' descriptors), and its runtime
 * files are others. Descriptors are taken with pidfd_getfd (what the kernel allows the
 * container's root: same credentials, dumpable), examined and closed; nothing is written.
 */
#include <dirent.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <time.h>

#include "tests/escape/probe.h"


#define MAX_FILES 256

static struct {
	unsigned long long dev, ino;
	char name[200];
} files[MAX_FILES];
static int nfiles, looks, fds_taken;
static char own_ns[8][64];
static char mountids[16384]; /* " id id ... " of our mount namespace */
static char findings[2048];
static int nfind;

static void finding(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void finding(const char *fmt, ...)
{
	char one[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(one, sizeof(one), fmt, ap);
	va_end(ap);
	if (strstr(findings, one))
		return;
	nfind++;
	if (strlen(findings) + strlen(one) + 3 < sizeof(findings)) {
		if (findings[0])
			strcat(findings, "; ");
		strcat(findings, one);
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ESCAPE_RUNTIME: "DEV:INO:PATH,..." (stat -c %d:%i:%n on the host) */
static void load_files(void)
{
	const char *env = getenv("ESCAPE_RUNTIME");
	char *list, *save = NULL;

	if (!env || !*env)
		probe_skip("no ESCAPE_RUNTIME: run.sh names the runtime's files");
	list = strdup(env);
	for (char *e = strtok_r(list, ",", &save); e && nfiles < MAX_FILES;
	     e = strtok_r(NULL, ",", &save)) {
		char *end;

		files[nfiles].dev = strtoull(e, &end, 10);
		if (*end != ':')
			continue;
		files[nfiles].ino = strtoull(end + 1, &end, 10);
		if (*end != ':')
			continue;
		snprintf(files[nfiles].name, sizeof(files[nfiles].name), "%s", end + 1);
		nfiles++;
	}
	free(list);
	if (nfiles == 0)
		probe_skip("ESCAPE_RUNTIME names no file");
}

/* the runtime's file st is, or NULL */
static const char *runtime_file(const struct stat *st)
{
	for (int i = 0; i < nfiles; i++)
		if (files[i].dev == (unsigned long long)st->st_dev &&
		    files[i].ino == (unsigned long long)st->st_ino)
			return files[i].name;
	return NULL;
}

static int is_zone_page(const char *name)
{
	size_t n = strlen(name);

	return n >= 10 && strcmp(name + n - 10, "/zone-page") == 0;
}

static void load_own(void)
{
	static const char *const ns[] = {"mnt", "pid",	"net",	  "ipc",
					 "uts", "user", "cgroup", "time"};
	static char mi[1 << 18];
	char path[64];
	size_t at = 0;

	for (size_t i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns[i]);
		ssize_t n = readlink(path, own_ns[i], sizeof(own_ns[i]) - 1);
		own_ns[i][n < 0 ? 0 : n] = '\0';
	}
	if (probe_read_text("/proc/self/mountinfo", mi, sizeof(mi)) < 0)
		probe_skip("cannot read /proc/self/mountinfo: %s", probe_errname(errno));
	mountids[at++] = ' ';
	for (char *line = strtok(mi, "\n"); line && at + 16 < sizeof(mountids);
	     line = strtok(NULL, "\n"))
		at += (size_t)snprintf(mountids + at, sizeof(mountids) - at, "%ld ",
				       strtol(line, NULL, 10));
}

static int own_namespace(const char *link)
{
	for (size_t i = 0; i < 8; i++)
		if (own_ns[i][0] && strcmp(link, own_ns[i]) == 0)
			return 1;
	return 0;
}

/* "NAME:\t123" of /proc/self/fdinfo/FD, or dflt */
static long fdinfo_field(int fd, const char *name, long dflt)
{
	char path[64], info[1024], *p;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if (probe_read_text(path, info, sizeof(info)) < 0 || !(p = strstr(info, name)))
		return dflt;
	return strtol(p + strlen(name), NULL, 10);
}

/* fd (ours now) was descriptor n of pid (what = "pid P fd N" for the finding) */
static void check_fd(const char *what, int n, int fd)
{
	char path[64], link[256] = "";
	const char *rt;
	struct stat st;
	ssize_t l;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	l = readlink(path, link, sizeof(link) - 1);
	link[l < 0 ? 0 : l] = '\0';
	if (fstat(fd, &st) < 0)
		return;
	if ((rt = runtime_file(&st))) {
		int acc = fcntl(fd, F_GETFL) & O_ACCMODE;

		if (!is_zone_page(rt) || acc != O_RDONLY)
			finding("%s is the runtime's %s%s", what, rt,
				acc != O_RDONLY ? " (open for writing)" : "");
		return;
	}
	if (strcmp(link, "anon_inode:[pidfd]") == 0) {
		/* the pid in our pid namespace: 0 when the process is outside it */
		if (fdinfo_field(fd, "Pid:\t", -1) == 0)
			finding("%s is a pidfd of a process outside the container", what);
		return;
	}
	if (strchr(link, ':') && strstr(link, ":[") && link[0] != '/' &&
	    strncmp(link, "pipe:", 5) != 0 && strncmp(link, "socket:", 7) != 0 &&
	    strncmp(link, "anon_inode:", 11) != 0 && !own_namespace(link)) {
		finding("%s is a namespace not the container's (%s)", what, link);
		return;
	}
	if (S_ISSOCK(st.st_mode) && n > 2) {
		struct ucred cred;
		struct sockaddr_storage peer;
		socklen_t len = sizeof(cred), plen = sizeof(peer);

		/* connected (getpeername), and the peer's pid is 0 here: not in our pid ns */
		if (getpeername(fd, (struct sockaddr *)&peer, &plen) == 0 &&
		    peer.ss_family == AF_UNIX &&
		    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && cred.pid == 0)
			finding("%s is a unix socket whose peer is outside the container (uid %u)",
				what, cred.uid);
		return;
	}
	if (S_ISFIFO(st.st_mode) && strncmp(link, "pipe:", 5) != 0) {
		char want[32];

		snprintf(want, sizeof(want), " %ld ", fdinfo_field(fd, "mnt_id:\t", -1));
		if (!strstr(mountids, want))
			finding("%s is a named FIFO of another mount (%s)", what, link);
	}
}

/* a directory link (cwd, root) of pid */
static void check_link(pid_t pid, const char *name)
{
	char path[64];
	const char *rt;
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	if (stat(path, &st) == 0 && (rt = runtime_file(&st)))
		finding("pid %d's %s is the runtime's %s", (int)pid, name, rt);
}

static void check_process(pid_t pid)
{
	char path[64], what[64];
	struct dirent *e;
	DIR *d;
	int pfd;

	looks++;
	check_link(pid, "cwd");
	check_link(pid, "root");
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	if (!(d = opendir(path)))
		return; /* not ours to see (not dumpable, other credentials): the kernel said no */
	pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	while (pfd >= 0 && (e = readdir(d))) {
		int n, fd;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		n = atoi(e->d_name);
		if ((fd = (int)syscall(SYS_pidfd_getfd, pfd, n, 0)) < 0)
			continue;
		fds_taken++;
		snprintf(what, sizeof(what), "pid %d fd %d", (int)pid, n);
		check_fd(what, n, fd);
		close(fd);
	}
	if (pfd >= 0)
		close(pfd);
	closedir(d);
}

/* our own descriptors (what `exec` passed us: only stdio was asked for) */
static void check_self(void)
{
	char what[64];
	struct dirent *e;
	DIR *d = opendir("/proc/self/fd");
	int mine = d ? dirfd(d) : -1;

	while (d && (e = readdir(d))) {
		int n = atoi(e->d_name);

		if (e->d_name[0] < '0' || e->d_name[0] > '9' || n == mine)
			continue;
		snprintf(what, sizeof(what), "the probe's own fd %d", n);
		if (n > 2)
			finding("%s was passed by exec (no --preserve-fds)", what);
		check_fd(what, n, n);
	}
	if (d)
		closedir(d);
}

/* every mount point: the zone page a read-only bind that refuses writing, nothing else */
static int check_mounts(void)
{
	static char mi[1 << 18];
	int pages = 0;

	if (probe_read_text("/proc/self/mountinfo", mi, sizeof(mi)) < 0)
		probe_skip("cannot read /proc/self/mountinfo: %s", probe_errname(errno));
	for (char *save = NULL, *line = strtok_r(mi, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char point[512];
		const char *rt;
		struct stat st;
		struct statvfs vfs;
		int fd;

		if (sscanf(line, "%*d %*d %*s %*s %511s", point) != 1 || stat(point, &st) < 0 ||
		    !(rt = runtime_file(&st)))
			continue;
		if (!is_zone_page(rt)) {
			finding("mount %s is the runtime's %s", point, rt);
			continue;
		}
		pages++;
		if (statvfs(point, &vfs) == 0 && !(vfs.f_flag & ST_RDONLY))
			finding("the zone page %s is a writable mount", point);
		fd = open(point, O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			close(fd);
			finding("the zone page %s opens for writing", point);
		}
	}
	return pages;
}

int main(void)
{
	double until = now() + 3;
	int pages;

	load_files();
	load_own();
	check_self();
	pages = check_mounts();
	while (now() < until)
		probe_each_pid(check_process, 0);
	if (nfind)
		probe_escaped("%d finding(s): %s", nfind, findings);
	probe_safe(
	    "none of the runtime's %d files (state, log, bundle, decoys) in %d looks at "
	    "processes (%d descriptors taken) or the mounts; %d zone page bind(s) read-only; "
	    "no host pidfd, namespace, socket peer or named FIFO",
	    nfiles, looks, fds_taken, pages);
}
