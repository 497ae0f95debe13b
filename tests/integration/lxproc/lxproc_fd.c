/*
 * lxproc_fd: what a program does with a /proc or /sys descriptor, run natively and under
 * `lxrun --memory 256M --cpus 1` by test_fd.sh.  Each check prints "ok: ..." or "FAIL: ...";
 * the exit status is the number of failures.
 *
 *   lxproc_fd [--memtotal KB] [--cpus-online TEXT]
 *
 * --memtotal: MemTotal every way of opening /proc/meminfo must show (the zone's cap);
 * without it, whatever the first plain open shows.  Checked both ways: a re-read after
 * lseek(fd, 0, SEEK_SET) or pread at 0 shows fresh text (as seq_file regenerates), also
 * through a dup, after fork and for a number closed and reused; openat relative to /proc and
 * /sys directory descriptors and openat2 show what open shows; writes fail as Linux's do
 * (root may open a /proc entry for writing and gets EIO from write; everyone else EACCES);
 * poll says readable; getdents of /proc and /proc/self lists what Linux lists; fstat, fstatat
 * (AT_EMPTY_PATH) and statx show procfs's size 0 and sysfs's 4096, mmap fails with EIO (/proc)
 * or ENODEV (sysctl, sysfs); preadv at 0 is fresh; bad pointers get EFAULT.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <linux/openat2.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <sys/mount.h>

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif
#ifndef FUSE_SUPER_MAGIC
#define FUSE_SUPER_MAGIC 0x65735546
#endif
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;

static void check(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check(int cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf(cond ? "ok: " : "FAIL: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	if (!cond)
		failures++;
}

/* All of fd from its current offset, NUL-terminated; its length or -1. */
static long slurp(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	ssize_t r = 0;

	while (n + 1 < cap && (r = read(fd, buf + n, cap - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	return r < 0 ? -1 : (long)n;
}

static long field_kb(const char *text, const char *name)
{
	const char *p = strstr(text, name);

	return p ? strtol(p + strlen(name), NULL, 10) : -1;
}

static double uptime_of(const char *text)
{
	return strtod(text, NULL);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static long memtotal_of_path(int dirfd, const char *path)
{
	char buf[16384];
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	long kb;

	if (fd < 0)
		return -errno;
	kb = slurp(fd, buf, sizeof(buf)) < 0 ? -1 : field_kb(buf, "MemTotal:");
	close(fd);
	return kb;
}

static void rereads(void)
{
	char a[4096], b[4096];
	double ua, ub;
	int fd = open("/proc/uptime", O_RDONLY | O_CLOEXEC), fd2;

	check(fd >= 0, "open /proc/uptime");
	if (fd < 0)
		return;
	slurp(fd, a, sizeof(a));
	ua = uptime_of(a);
	sleep_ms(300);
	check(lseek(fd, 0, SEEK_SET) == 0, "lseek(fd, 0, SEEK_SET) returns 0");
	slurp(fd, b, sizeof(b));
	ub = uptime_of(b);
	check(ub >= ua + 0.2, "re-read after lseek(0) is fresh: uptime %.2f then %.2f", ua, ub);
	sleep_ms(300);
	ssize_t n = pread(fd, a, sizeof(a) - 1, 0);
	a[n > 0 ? n : 0] = '\0';
	check(n > 0 && uptime_of(a) >= ub + 0.2, "pread at 0 is fresh: %.2f then %.2f", ub,
	      uptime_of(a));
	/* pread at 0 leaves the offset where it was (at the end of the last read) */
	check(read(fd, b, sizeof(b)) == 0, "pread at 0 does not move the offset");
	/* SEEK_CUR and nonzero offsets work as on any file */
	check(lseek(fd, 2, SEEK_SET) == 2, "lseek(fd, 2, SEEK_SET)");
	check(lseek(fd, 0, SEEK_CUR) == 2, "lseek(fd, 0, SEEK_CUR) after it");

	/* through a dup onto another number, the original closed */
	fd2 = dup2(fd, 40);
	close(fd);
	sleep_ms(300);
	check(fd2 == 40 && lseek(fd2, 0, SEEK_SET) == 0, "lseek(0) of a dup2 copy");
	slurp(fd2, b, sizeof(b));
	check(uptime_of(b) >= uptime_of(a) + 0.2, "the dup2 copy re-reads fresh: %.2f then %.2f",
	      uptime_of(a), uptime_of(b));
	check((fcntl(fd2, F_GETFD) & FD_CLOEXEC) == 0, "dup2's copy stays without FD_CLOEXEC");

	/* in a fork child */
	pid_t pid = fork();
	if (pid == 0) {
		char c[4096];
		sleep_ms(300);
		if (lseek(fd2, 0, SEEK_SET) != 0 || slurp(fd2, c, sizeof(c)) <= 0)
			_exit(2);
		_exit(uptime_of(c) >= uptime_of(b) + 0.2 ? 0 : 1);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a fork child re-reads fresh (status %#x)",
	      st);
	close(fd2);

	/* the number closed and reused for a regular file: the file's own bytes, untouched */
	fd = open("/proc/meminfo", O_RDONLY);
	close(fd);
	char tmpl[] = "/tmp/lxproc_fd.XXXXXX";
	int t = mkstemp(tmpl);
	unlink(tmpl);
	check(t == fd, "a temporary file takes the closed number (%d, %d)", t, fd);
	if (t >= 0) {
		check(write(t, "regular", 7) == 7, "write the temporary file");
		check(lseek(t, 0, SEEK_SET) == 0, "lseek(0) of the reused number");
		check(slurp(t, a, sizeof(a)) == 7 && strcmp(a, "regular") == 0,
		      "the reused number reads its own file: '%.20s'", a);
		check(pread(t, a, sizeof(a), 0) == 7, "pread at 0 of the reused number");
		close(t);
	}
}

static void stat_rereads(void)
{
	char a[65536];
	int fd = open("/proc/stat", O_RDONLY | O_CLOEXEC);

	check(fd >= 0, "open /proc/stat");
	for (int i = 0; fd >= 0 && i < 3; i++) {
		check(lseek(fd, 0, SEEK_SET) == 0 && slurp(fd, a, sizeof(a)) > 0 &&
			  strncmp(a, "cpu ", 4) == 0,
		      "/proc/stat re-read %d starts with the cpu line", i);
	}
	if (fd >= 0)
		close(fd);
}

static void relative_opens(long want)
{
	int proc = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int self = open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int cpu = open("/sys/devices/system/cpu", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char a[256] = "", b[256] = "";
	long kb;

	check(proc >= 0 && self >= 0, "open the /proc and /proc/self directories");
	kb = memtotal_of_path(proc, "meminfo");
	check(kb == want, "openat(/proc fd, \"meminfo\"): MemTotal %ld kB, want %ld", kb, want);
	kb = memtotal_of_path(AT_FDCWD, "/proc/meminfo");
	check(kb == want, "open(\"/proc/meminfo\"): MemTotal %ld kB, want %ld", kb, want);
	/* an absolute path ignores the directory */
	kb = memtotal_of_path(self, "/proc/meminfo");
	check(kb == want, "openat(/proc/self fd, \"/proc/meminfo\"): %ld kB", kb);
	/* a pid file relative to /proc/self is the kernel's own */
	int s = openat(self, "stat", O_RDONLY | O_CLOEXEC);
	check(s >= 0 && slurp(s, a, sizeof(a)) > 0 && strtol(a, NULL, 10) == getpid(),
	      "openat(/proc/self fd, \"stat\") is this process's stat");
	if (s >= 0)
		close(s);
	if (cpu >= 0) {
		int o1 = openat(cpu, "online", O_RDONLY | O_CLOEXEC);
		int o2 = open("/sys/devices/system/cpu/online", O_RDONLY | O_CLOEXEC);
		int same = o1 >= 0 && o2 >= 0 && slurp(o1, a, sizeof(a)) > 0 &&
			   slurp(o2, b, sizeof(b)) > 0 && strcmp(a, b) == 0;
		a[strcspn(a, "\n")] = b[strcspn(b, "\n")] = '\0';
		check(same, "openat(cpu dir fd, \"online\") = open(path): '%s' '%s'", a, b);
		close(o1);
		close(o2);
	}

	/* openat2, with and without RESOLVE_ flags the kernel applies */
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC};
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, "/proc/meminfo", &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS) {
		printf("ok: openat2 not in this kernel: skipped\n");
	} else {
		char buf[16384] = "";
		long kb2 =
		    fd >= 0 && slurp(fd, buf, sizeof(buf)) > 0 ? field_kb(buf, "MemTotal:") : -1;
		check(kb2 == want, "openat2(AT_FDCWD, \"/proc/meminfo\"): MemTotal %ld kB", kb2);
		close(fd);
		how.resolve = RESOLVE_BENEATH;
		fd = (int)syscall(SYS_openat2, proc, "meminfo", &how, sizeof(how));
		check(fd >= 0 && slurp(fd, buf, sizeof(buf)) > 0 &&
			  field_kb(buf, "MemTotal:") == want,
		      "openat2(/proc fd, \"meminfo\", RESOLVE_BENEATH)");
		close(fd);
		fd = (int)syscall(SYS_openat2, proc, "/proc/meminfo", &how, sizeof(how));
		check(fd < 0 && errno == EXDEV,
		      "openat2(RESOLVE_BENEATH, absolute path) fails with EXDEV (%d)", errno);
		how.resolve = 0;
		fd = (int)syscall(SYS_openat2, AT_FDCWD, "/proc/meminfo", &how, 8);
		check(fd < 0 && errno == EINVAL, "openat2 with a short open_how: EINVAL");
		fd = (int)syscall(SYS_openat2, AT_FDCWD, (char *)8, &how, sizeof(how));
		check(fd < 0 && errno == EFAULT, "openat2 with a bad path: EFAULT");
	}
	close(proc);
	close(self);
	if (cpu >= 0)
		close(cpu);
}

/* Is this process in a user namespace of its own (uid_map other than the host's identity)? */
static int in_userns(void)
{
	char buf[128] = "";
	int fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	unsigned long inside, outside, count;

	if (fd >= 0)
		close(fd);
	if (n <= 0 || sscanf(buf, "%lu %lu %lu", &inside, &outside, &count) != 3)
		return 0;
	return !(inside == 0 && outside == 0 && count == 4294967295UL);
}

static void writes_and_poll(void)
{
	char c = 'x';
	int fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);

	check(fd >= 0 && write(fd, &c, 1) < 0 && errno == EBADF,
	      "write on the read-only descriptor: EBADF");
	struct pollfd p = {.fd = fd, .events = POLLIN};
	check(poll(&p, 1, 1000) == 1 && (p.revents & POLLIN), "poll: readable (revents %#x)",
	      p.revents);
	close(fd);
	/* a 0444 proc entry: root (CAP_DAC_OVERRIDE) opens it and the write fails with EIO; the
	 * root of a user namespace has no override for a file of host root's: EACCES */
	fd = open("/proc/meminfo", O_WRONLY | O_CLOEXEC);
	if (geteuid() == 0 && in_userns()) {
		check(fd < 0 && errno == EACCES, "user namespace root: open for writing: EACCES");
	} else if (geteuid() == 0) {
		check(fd >= 0 && write(fd, &c, 1) < 0 && errno == EIO,
		      "root: open for writing works, write: EIO");
	} else {
		check(fd < 0 && errno == EACCES, "open for writing: EACCES");
	}
	if (fd >= 0)
		close(fd);
	/* sysctl and sysfs files refuse even root */
	fd = open("/proc/sys/kernel/osrelease", O_WRONLY | O_CLOEXEC);
	check(fd < 0 && errno == EACCES, "open osrelease for writing: EACCES");
	fd = open("/sys/devices/system/cpu/online", O_WRONLY | O_CLOEXEC);
	check(fd < 0 && (errno == EACCES || errno == EROFS),
	      "open cpu/online for writing: EACCES (%s)", strerror(errno));
	fd = open("/proc/meminfo", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	check(fd < 0 && errno == ENOTDIR, "open with O_DIRECTORY: ENOTDIR");
	/* the file exists: O_CREAT alone opens it (LTP openat202), O_EXCL says EEXIST */
	fd = open("/proc/meminfo", O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
	check(fd >= 0 && read(fd, &c, 1) == 1, "open with O_CREAT: opens and reads");
	if (fd >= 0)
		close(fd);
	fd = open("/proc/meminfo", O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	check(fd < 0 && errno == EEXIST, "open with O_CREAT|O_EXCL: EEXIST");
}

/* fstat, fstatat(AT_EMPTY_PATH), statx(AT_EMPTY_PATH) and mmap of path's descriptor */
static void shape_of(const char *path, off_t size, blksize_t blksize, int mmap_errno)
{
	struct stat st, at;
	struct statx sx;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	check(fd >= 0, "open %s", path);
	if (fd < 0)
		return;
	check(fstat(fd, &st) == 0 && st.st_size == size && st.st_blksize == blksize &&
		  st.st_blocks == 0 && (st.st_mode & 07777) == 0444 && S_ISREG(st.st_mode) &&
		  st.st_nlink == 1,
	      "fstat %s: size %lld blksize %ld mode %o nlink %lu", path, (long long)st.st_size,
	      (long)st.st_blksize, st.st_mode, (unsigned long)st.st_nlink);
	check(fstatat(fd, "", &at, AT_EMPTY_PATH) == 0 && at.st_size == size &&
		  at.st_ino == st.st_ino && at.st_dev == st.st_dev,
	      "fstatat(AT_EMPTY_PATH) %s: size %lld", path, (long long)at.st_size);
	check(statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx) == 0 &&
		  sx.stx_size == (uint64_t)size && sx.stx_blksize == (uint32_t)blksize &&
		  (sx.stx_mode & 07777) == 0444 && sx.stx_ino == st.st_ino,
	      "statx(AT_EMPTY_PATH) %s: size %llu", path, (unsigned long long)sx.stx_size);
	struct statfs sf;
	if (fstatfs(fd, &sf) == 0 && sf.f_type == FUSE_SUPER_MAGIC) {
		/* the kernel serves it (zone/lxprocfs.h): FUSE maps a private copy of the text
		 * and refuses a shared mapping, where procfs and sysfs refuse both */
		void *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
		check(m != MAP_FAILED, "mmap MAP_PRIVATE %s (FUSE): %s", path, strerror(errno));
		if (m != MAP_FAILED)
			munmap(m, 4096);
		errno = 0;
		m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
		check(m == MAP_FAILED && errno == ENODEV, "mmap MAP_SHARED %s (FUSE): %s", path,
		      strerror(errno));
		close(fd);
		return;
	}
	errno = 0;
	void *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	check(m == MAP_FAILED && errno == mmap_errno, "mmap MAP_PRIVATE %s: %s", path,
	      strerror(errno));
	errno = 0;
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	check(m == MAP_FAILED && errno == mmap_errno, "mmap MAP_SHARED %s: %s", path,
	      strerror(errno));
	close(fd);
}

static void kernel_shapes(long want)
{
	char buf[4096];
	struct stat st;

	shape_of("/proc/meminfo", 0, 1024, EIO);
	shape_of("/proc/stat", 0, 1024, EIO);
	shape_of("/proc/sys/kernel/osrelease", 0, 1024, ENODEV);
	shape_of("/sys/devices/system/cpu/online", 4096, 4096, ENODEV);

	/* a regular file keeps its own size and maps */
	char tmpl[] = "/tmp/lxproc_shape.XXXXXX";
	int t = mkstemp(tmpl);
	unlink(tmpl);
	check(t >= 0 && write(t, "regular", 7) == 7 && fstat(t, &st) == 0 && st.st_size == 7,
	      "fstat of a regular file: size %lld", (long long)st.st_size);
	void *m = t >= 0 ? mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, t, 0) : MAP_FAILED;
	check(m != MAP_FAILED && memcmp(m, "regular", 7) == 0, "mmap of a regular file");
	if (m != MAP_FAILED)
		munmap(m, 4096);
	if (t >= 0)
		close(t);

	/* the descriptor's link names the file, as the kernel's does (ls -l /proc/self/fd) */
	int m_fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	char link[64], lpath[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", m_fd);
	ssize_t ln = readlink(link, lpath, sizeof(lpath) - 1);
	lpath[ln > 0 ? ln : 0] = '\0';
	check(ln == 13 && strcmp(lpath, "/proc/meminfo") == 0, "readlink %s: '%s'", link, lpath);
	ln = readlink(link, lpath, 5);
	check(ln == 5 && memcmp(lpath, "/proc", 5) == 0, "readlink into 5 bytes: truncated to %zd",
	      ln);
	if (m_fd >= 0)
		close(m_fd);

	/* bad pointers: the kernel's EFAULT */
	int fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	check(syscall(SYS_fstat, fd, (void *)8) < 0 && errno == EFAULT,
	      "fstat, bad buffer: EFAULT");
	check(syscall(SYS_newfstatat, fd, "", (void *)8, AT_EMPTY_PATH) < 0 && errno == EFAULT,
	      "fstatat(AT_EMPTY_PATH), bad buffer: EFAULT");
	check(syscall(SYS_newfstatat, fd, (void *)8, &st, AT_EMPTY_PATH) < 0 && errno == EFAULT,
	      "fstatat(AT_EMPTY_PATH), bad path: EFAULT");
	check(syscall(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, (void *)8) < 0 &&
		  errno == EFAULT,
	      "statx(AT_EMPTY_PATH), bad buffer: EFAULT");

	/* preadv at 0 is a fresh read */
	int u = open("/proc/uptime", O_RDONLY | O_CLOEXEC);
	char a[128] = "", b[128] = "";
	struct iovec iv = {a, sizeof(a) - 1};
	check(u >= 0 && preadv(u, &iv, 1, 0) > 0, "preadv /proc/uptime at 0");
	sleep_ms(300);
	iv.iov_base = b;
	check(preadv(u, &iv, 1, 0) > 0 && uptime_of(b) >= uptime_of(a) + 0.2,
	      "preadv at 0 is fresh: %.2f then %.2f", uptime_of(a), uptime_of(b));
	if (u >= 0)
		close(u);

	/* openat(procfd, "meminfo", O_NOFOLLOW), as fts walks open (grep -r, tar): they fstat
	 * before they read */
	int proc = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fd = openat(proc, "meminfo", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	check(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0, "O_NOFOLLOW open, fstat: size 0");
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	buf[n > 0 ? n : 0] = '\0';
	long kb = -1;
	sscanf(buf, "MemTotal: %ld kB", &kb);
	check(kb == want,
	      "openat(/proc fd, \"meminfo\", O_NOFOLLOW) then fstat: MemTotal %ld kB, "
	      "want %ld",
	      kb, want);
	if (fd >= 0)
		close(fd);
	if (proc >= 0)
		close(proc);
}

static int listed(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, name) == 0)
			found = 1;
	closedir(d);
	return found;
}

static void getdents(void)
{
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", getpid());
	check(listed("/proc", "meminfo") && listed("/proc", "stat") && listed("/proc", "self") &&
		  listed("/proc", pid),
	      "/proc lists meminfo, stat, self and this pid");
	check(listed("/proc/self", "stat") && listed("/proc/self", "status") &&
		  listed("/proc/self", "fd") && listed("/proc/self", "cmdline"),
	      "/proc/self lists stat, status, fd, cmdline");
}

/* The number of "processor" lines of cpuinfo read at dirfd/path; -errno when it cannot open. */
static long cpus_of_path(int dirfd, const char *path)
{
	char buf[65536];
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	long n = 0;

	if (fd < 0)
		return -errno;
	if (slurp(fd, buf, sizeof(buf)) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	for (const char *p = buf; (p = strstr(p, "processor")) != NULL; p++)
		if (p == buf || p[-1] == '\n')
			n++;
	return n;
}

/*
 * A proc of its own through the new mount API (fsopen, CMD_CREATE, fsmount), read through the
 * detached mount before it is attached anywhere: in a zone the mount service makes it, with
 * the zone's masks and lxproc files over it before the caller gets the descriptor
 * (docs/security.md, "lxproc's files are the kernel's"), so it shows the zone's meminfo; a
 * refusal anywhere on the way (lxrun: ENOSYS; a user-namespaced zone: the kernel's
 * mount_too_revealing, EPERM) shows nothing.  Natively, as root, the host's proc: what the
 * plain open showed.
 */
static void fsopen_proc(long want)
{
	int fs = (int)syscall(SYS_fsopen, "proc", 1 /* FSOPEN_CLOEXEC */), m = -1;
	const char *step = "fsopen";

	if (fs >= 0) {
		step = "CMD_CREATE";
		if (syscall(SYS_fsconfig, fs, 6 /* FSCONFIG_CMD_CREATE */, NULL, NULL, 0) == 0) {
			step = "fsmount";
			m = (int)syscall(SYS_fsmount, fs, 1 /* FSMOUNT_CLOEXEC */, 0);
		}
	}
	if (m < 0) {
		check(1, "fsopen(proc): %s refused: %s", step, strerror(errno));
		if (fs >= 0)
			close(fs);
		return;
	}
	long kb = memtotal_of_path(m, "meminfo");
	check(kb == want, "fsopen(proc), read through the detached mount: MemTotal %ld, want %ld",
	      kb, want);
	if (fs >= 0)
		close(fs);
	close(m);
}

/*
 * Bad input: whichever path, flag or descriptor trick, a capped run never reads the host's
 * meminfo or CPU list (issue 13): O_PATH + /proc/self/fd, after chdir /proc, open_tree of
 * /proc (refused by the filter, or else a clone that still shows the zone's files), a proc of
 * its own through fsopen (fsopen_proc).  The
 * openat2 and dirfd-relative shapes are relative_opens'.  want_cpus 0: not checked.
 */
static void no_host_view(long want, long want_cpus)
{
	char link[64], cwd[PATH_MAX];
	struct statfs sf;
	int pfd;

	/* only the kernel's files hold against every trick: where the brand serves them (lxrun
	 * without a root), O_PATH reopens and ".." paths show the host's (docs/architecture.md) */
	if (statfs("/proc/meminfo", &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC &&
	    memtotal_of_path(AT_FDCWD, "/proc/meminfo") == want && want_cpus) {
		printf("ok: lxproc's files served by the brand: descriptor tricks not checked\n");
		return;
	}
	pfd = open("/proc/meminfo", O_PATH | O_CLOEXEC);

	snprintf(link, sizeof(link), "/proc/self/fd/%d", pfd);
	check(pfd >= 0 && memtotal_of_path(AT_FDCWD, link) == want,
	      "O_PATH /proc/meminfo, reopened through %s: MemTotal %ld", link,
	      memtotal_of_path(AT_FDCWD, link));
	if (pfd >= 0)
		close(pfd);
	pfd = open("/proc/cpuinfo", O_PATH | O_CLOEXEC);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", pfd);
	if (want_cpus)
		check(pfd >= 0 && cpus_of_path(AT_FDCWD, link) == want_cpus,
		      "O_PATH /proc/cpuinfo, reopened: %ld processors, want %ld",
		      cpus_of_path(AT_FDCWD, link), want_cpus);
	if (pfd >= 0)
		close(pfd);
	if (getcwd(cwd, sizeof(cwd)) != NULL && chdir("/proc") == 0) {
		check(memtotal_of_path(AT_FDCWD, "meminfo") == want,
		      "after chdir /proc, open meminfo: MemTotal %ld",
		      memtotal_of_path(AT_FDCWD, "meminfo"));
		check(memtotal_of_path(AT_FDCWD, "./self/../meminfo") == want,
		      "after chdir /proc, open ./self/../meminfo");
		if (want_cpus)
			check(cpus_of_path(AT_FDCWD, "cpuinfo") == want_cpus,
			      "after chdir /proc, cpuinfo: %ld processors",
			      cpus_of_path(AT_FDCWD, "cpuinfo"));
		check(chdir(cwd) == 0, "chdir back");
	}
	for (int rec = 0; rec < 2; rec++) {
		int t =
		    (int)syscall(SYS_open_tree, AT_FDCWD, "/proc",
				 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (rec ? AT_RECURSIVE : 0));

		if (t < 0) {
			check(1, "open_tree(/proc%s) refused: %s", rec ? ", recursive" : "",
			      strerror(errno));
			continue;
		}
		/* a native run as root may clone: then the clone must not show the host's either
		 * (without the binds under it, a capped run's only copy is the host's text) */
		long kb = memtotal_of_path(t, "meminfo");
		check(kb == want || kb < 0, "open_tree(/proc%s) clone: MemTotal %ld, want %ld",
		      rec ? ", recursive" : "", kb, want);
		close(t);
	}
	fsopen_proc(want);
}

int main(int argc, char **argv)
{
	long want = -1, want_cpus = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--memtotal") == 0 && i + 1 < argc)
			want = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--cpus") == 0 && i + 1 < argc)
			want_cpus = strtol(argv[++i], NULL, 10);
	}
	if (want < 0)
		want = memtotal_of_path(AT_FDCWD, "/proc/meminfo");
	rereads();
	stat_rereads();
	relative_opens(want);
	writes_and_poll();
	kernel_shapes(want);
	no_host_view(want, want_cpus);
	getdents();
	printf("%d failure(s)\n", failures);
	return failures > 125 ? 125 : failures;
}
