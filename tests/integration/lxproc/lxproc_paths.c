/*
 * lxproc_paths: a guest in a capped zone whose lxproc files the kernel serves never reads the
 * host's meminfo, cpuinfo, stat or CPU list, whichever path, flags or descriptor trick it uses
 * (issue 13, bad input), and sysinfo agrees with /proc/meminfo.  Run by test_kernel_files.sh in
 * a booted zone.  Each check prints "ok: ..." or "FAIL: ..."; the exit status is the number
 * of failures.
 *
 *   lxproc_paths --memtotal KB --cpus N [--proc DIR]
 *
 * Each file is read through: its path; O_PATH + /proc/self/fd/N; openat relative to a
 * directory descriptor, with and without O_NOFOLLOW; openat2 (RESOLVE_BENEATH, RESOLVE_IN_ROOT,
 * RESOLVE_NO_MAGICLINKS); a relative path after chdir; "//" and "/./" spellings;
 * /proc/self/root; and open through the brand's gate (which bypasses emulation: the kernel
 * must be the one serving the zone's files).  open_tree of /proc is refused or shows the
 * zone's files.  --proc DIR: the same for a procfs the zone mounted itself at DIR (through
 * the mount service): its meminfo, cpuinfo and stat must be the zone's as well.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "kernel-shim/brand_abi.h"

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

/* What a file shows: MemTotal kB, "processor" lines, "cpuN" lines, or cpu/online's CPUs. */
enum kind { MEMINFO, CPUINFO, STAT, ONLINE };

static long measure(enum kind k, const char *t)
{
	long n = 0;

	switch (k) {
	case MEMINFO: {
		const char *p = strstr(t, "MemTotal:");
		return p ? strtol(p + 9, NULL, 10) : -1;
	}
	case CPUINFO:
	case STAT:
		for (const char *p = t; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "")
			if (k == CPUINFO ? strncmp(p, "processor", 9) == 0
					 : strncmp(p, "cpu", 3) == 0 && p[3] >= '0' && p[3] <= '9')
				n++;
		return n;
	case ONLINE: {
		/* "0" or "0-N": the count; anything else (a host list with commas) -1 */
		char *end;
		long a = strtol(t, &end, 10), b = a;
		if (end == t || a != 0)
			return -1;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		return *end == '\n' || *end == '\0' ? b - a + 1 : -1;
	}
	}
	return -1;
}

/* The measure of what fd reads, closing it; -errno for a failed open (fd < 0). */
static long of_fd(enum kind k, int fd)
{
	static char buf[262144];
	size_t n = 0;
	ssize_t r;

	if (fd < 0)
		return -errno;
	while (n + 1 < sizeof(buf) && (r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	close(fd);
	return measure(k, buf);
}

static long at(enum kind k, int dirfd, const char *path, int flags)
{
	return of_fd(k, openat(dirfd, path, O_RDONLY | O_CLOEXEC | flags));
}

static long at2(enum kind k, int dirfd, const char *path, uint64_t resolve)
{
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC, .resolve = resolve};

	return of_fd(k, (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how)));
}

/* open through the brand's gate: not trapped, not emulated, whatever the filter says */
static long gated(enum kind k, const char *path)
{
	typedef long (*gate_fn)(long, long, long, long, long, long, long);
	long fd = ((gate_fn)LX_GATE_ADDR)(SYS_openat, AT_FDCWD, (long)path, O_RDONLY | O_CLOEXEC, 0,
					  0, 0);

	if (fd < 0) {
		errno = (int)-fd;
		return -errno;
	}
	return of_fd(k, (int)fd);
}

static int gate_mapped(void)
{
	static const unsigned char stub[] = LX_GATE_STUB_BYTES;
	int p[2];
	long n;

	if (pipe(p) < 0)
		return 0;
	n = write(p[1], (const void *)LX_GATE_ADDR, sizeof(stub));
	close(p[0]);
	close(p[1]);
	return n == (long)sizeof(stub) &&
	       memcmp((const void *)LX_GATE_ADDR, stub, sizeof(stub)) == 0;
}

/* want: the zone's measure.  A refused open (< 0) is no leak; any other value must be want. */
static void expect(const char *what, const char *file, long got, long want)
{
	check(got == want || (got < 0 && got != -ENOENT), "%s %s: %ld (want %ld or refused)", what,
	      file, got, want);
}

/* Every trick on dir/name: dir is "/proc" or "/sys/devices/system/cpu". */
static void tricks(enum kind k, const char *dir, const char *name, long want)
{
	char path[256], link[64], cwd[4096];
	int dfd, pfd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	expect("open", path, at(k, AT_FDCWD, path, 0), want);
	pfd = open(path, O_PATH | O_CLOEXEC);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", pfd);
	expect("O_PATH + /proc/self/fd of", path, pfd < 0 ? -errno : at(k, AT_FDCWD, link, 0),
	       want);
	if (pfd >= 0)
		close(pfd);
	dfd = open(dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	check(dfd >= 0, "open %s as a directory", dir);
	if (dfd >= 0) {
		expect("openat(dirfd)", path, at(k, dfd, name, 0), want);
		expect("openat(dirfd, O_NOFOLLOW)", path, at(k, dfd, name, O_NOFOLLOW), want);
		expect("openat2(RESOLVE_BENEATH)", path, at2(k, dfd, name, RESOLVE_BENEATH), want);
		expect("openat2(RESOLVE_NO_MAGICLINKS)", path,
		       at2(k, dfd, name, RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS), want);
		close(dfd);
	}
	expect("openat2(RESOLVE_IN_ROOT)", path, at2(k, AT_FDCWD, path, RESOLVE_IN_ROOT), want);
	snprintf(path, sizeof(path), "/%s/./%s", dir, name);
	expect("open", path, at(k, AT_FDCWD, path, 0), want);
	snprintf(path, sizeof(path), "/proc/self/root%s/%s", dir, name);
	expect("open", path, at(k, AT_FDCWD, path, 0), want);
	if (getcwd(cwd, sizeof(cwd)) && chdir(dir) == 0) {
		expect("after chdir, open", name, at(k, AT_FDCWD, name, 0), want);
		check(chdir(cwd) == 0, "chdir back to %s", cwd);
	}
	if (gate_mapped()) {
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		expect("open through the gate", path, gated(k, path), want);
	} else {
		printf("ok: no brand gate here: gate not checked\n");
	}
}

/*
 * sysinfo and sched_getaffinity issued at the gate's syscall instruction, as a guest that jumps
 * there would: refused (the filter refuses sysinfo from the gate in a zone with a zone page) or
 * the zone's answer (sched_getaffinity, where the zone's cpuset is the zone's CPUs and the
 * call is not trapped at all), never the host's.
 */
static void gated_calls(long want_kb, long want_cpus)
{
	typedef long (*gate_fn)(long, long, long, long, long, long, long);
	struct sysinfo si;
	cpu_set_t set;
	long r;

	if (!gate_mapped()) {
		printf("ok: no brand gate here: gated sysinfo and affinity not checked\n");
		return;
	}
	memset(&si, 0, sizeof(si));
	r = ((gate_fn)LX_GATE_ADDR)(SYS_sysinfo, (long)&si, 0, 0, 0, 0, 0);
	expect("sysinfo through the gate: totalram kB", "",
	       r < 0 ? r : (long)(si.totalram * si.mem_unit / 1024), want_kb);
	CPU_ZERO(&set);
	r = ((gate_fn)LX_GATE_ADDR)(SYS_sched_getaffinity, 0, (long)sizeof(set), (long)&set, 0, 0,
				    0);
	expect("sched_getaffinity through the gate: CPUs", "", r < 0 ? r : CPU_COUNT(&set),
	       want_cpus);
}

int main(int argc, char **argv)
{
	long want_kb = -1, want_cpus = -1;
	const char *mounted = NULL;
	struct sysinfo si;
	char path[256];

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--memtotal") == 0)
			want_kb = strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--cpus") == 0)
			want_cpus = strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--proc") == 0)
			mounted = argv[i + 1];
	}
	if (want_kb <= 0 || want_cpus <= 0) {
		fprintf(stderr, "usage: lxproc_paths --memtotal KB --cpus N [--proc DIR]\n");
		return 125;
	}
	tricks(MEMINFO, "/proc", "meminfo", want_kb);
	tricks(CPUINFO, "/proc", "cpuinfo", want_cpus);
	tricks(STAT, "/proc", "stat", want_cpus);
	tricks(ONLINE, "/sys/devices/system/cpu", "online", want_cpus);
	for (int rec = 0; rec < 2; rec++) {
		int t =
		    (int)syscall(SYS_open_tree, AT_FDCWD, "/proc",
				 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (rec ? AT_RECURSIVE : 0));
		long kb = t < 0 ? -errno : at(MEMINFO, t, "meminfo", 0);
		expect(rec ? "open_tree(/proc, AT_RECURSIVE) clone:" : "open_tree(/proc) clone:",
		       "meminfo", kb, want_kb);
		if (t >= 0)
			close(t);
	}
	/* sysinfo says what /proc/meminfo says (both from the zone page) */
	check(sysinfo(&si) == 0 && (long)(si.totalram * si.mem_unit / 1024) == want_kb,
	      "sysinfo totalram %lu kB = MemTotal %ld kB",
	      (unsigned long)(si.totalram * si.mem_unit / 1024), want_kb);
	gated_calls(want_kb, want_cpus);
	if (mounted) {
		snprintf(path, sizeof(path), "%s/meminfo", mounted);
		expect("a proc mounted in the zone:", path, at(MEMINFO, AT_FDCWD, path, 0),
		       want_kb);
		snprintf(path, sizeof(path), "%s/cpuinfo", mounted);
		expect("a proc mounted in the zone:", path, at(CPUINFO, AT_FDCWD, path, 0),
		       want_cpus);
		snprintf(path, sizeof(path), "%s/stat", mounted);
		expect("a proc mounted in the zone:", path, at(STAT, AT_FDCWD, path, 0), want_cpus);
		tricks(MEMINFO, mounted, "meminfo", want_kb);
	}
	printf("%d failure(s)\n", failures);
	return failures > 125 ? 125 : failures;
}
