/*
 * Escape probe: host-global kernel knobs and the host kernel's views, from inside a zone.
 * escape-contexts: zone hardened lxrun oci oci-userns
 * escape-native: escaped
 *
 * Run inside a zone (static, needs nothing from the image): `lxzone exec Z --
 * /t/probe_kernel_knobs` with this build's tests/bin bound at /t, or under `lxrun --root DIR`.  It
 * tries to open for writing kernel.core_pattern, vm.drop_caches, kernel.panic, fs.file-max,
 * /proc/sysrq-trigger, and the global knobs beside the per-namespace ones a zone may write
 * (kernel.modprobe, fs.inotify.max_user_watches, kernel.pid_max, kernel.keys.maxkeys), and to read
 * /proc/kcore, /proc/kallsyms (addresses), /proc/timer_list, /proc/keys and /sys/firmware.  Safe
 * iff every open for writing is refused and every view is empty, masked or refused
 * (docs/security-paths.md).  It never writes: a descriptor it gets for writing is closed at once,
 * unused, so the probe changes no host state whatever the outcome.  Prints one line, "safe: ..."
 * (exit 0) or "ESCAPED: ..." (exit 1), as the escape suite's contract says (tests/escape/,
 * docs/security.md).
 *
 * The zone tests use its single checks too:
 *   probe_kernel_knobs open-w PATH   "ok" (opened for writing, closed unwritten) or the errno name
 *   probe_kernel_knobs read PATH     "N bytes" or the errno name
 *   probe_kernel_knobs ls PATH       "N entries" or the errno name
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *errname(int e)
{
	static const struct {
		int e;
		const char *n;
	} names[] = {{EROFS, "EROFS"},	   {EACCES, "EACCES"}, {EPERM, "EPERM"},
		     {ENOENT, "ENOENT"},   {EINVAL, "EINVAL"}, {EIO, "EIO"},
		     {ENOTDIR, "ENOTDIR"}, {EISDIR, "EISDIR"}};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == e)
			return names[i].n;
	return strerror(e);
}

/* Open for writing and close without writing.  0: opened (bad); else the errno. */
static int open_w(const char *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* Bytes readable (up to a limit), or -errno; *nonzero_addr: a kallsyms-style line whose
 * address is not all zeros. */
static long read_all(const char *path, int *nonzero_addr)
{
	static char buf[1 << 16];
	long total = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY), first = 1;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while (total < (8L << 20) && (n = read(fd, buf, sizeof(buf))) > 0) {
		if (nonzero_addr && first) {
			/* "ffffffff81000000 T _text": the first address tells */
			for (ssize_t i = 0; i < n && buf[i] != ' '; i++)
				if (buf[i] != '0')
					*nonzero_addr = 1;
			first = 0;
		}
		total += n;
	}
	if (n < 0 && total == 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	close(fd);
	return total;
}

static long entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	long n = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

static int single(const char *op, const char *path)
{
	long n;

	if (!strcmp(op, "open-w")) {
		int e = open_w(path);

		printf("%s\n", e ? errname(e) : "ok");
		return 0;
	}
	if (!strcmp(op, "read") || !strcmp(op, "ls")) {
		n = !strcmp(op, "read") ? read_all(path, NULL) : entries(path);
		if (n < 0)
			printf("%s\n", errname((int)-n));
		else
			printf("%ld %s\n", n, !strcmp(op, "read") ? "bytes" : "entries");
		return 0;
	}
	fprintf(stderr, "usage: probe_kernel_knobs [open-w|read|ls PATH]\n");
	return 2;
}

int main(int argc, char **argv)
{
	/* the host-global ones, with neighbours of the per-namespace knobs a zone may write
	 * (kernel.shm*, fs.mqueue, user.max_*: docs/security-paths.md): kernel.modprobe (a helper
	 * run as host root), fs.inotify's limits (the initial user namespace's), kernel.pid_max
	 * (host-global before Linux 6.14) */
	static const char *const knobs[] = {
	    "/proc/sys/kernel/core_pattern",
	    "/proc/sys/vm/drop_caches",
	    "/proc/sys/kernel/panic",
	    "/proc/sys/fs/file-max",
	    "/proc/sysrq-trigger",
	    "/proc/sys/kernel/modprobe",
	    "/proc/sys/fs/inotify/max_user_watches",
	    "/proc/sys/kernel/pid_max",
	    "/proc/sys/kernel/keys/maxkeys",
	};
	static const char *const views[] = {"/proc/kcore", "/proc/timer_list", "/proc/keys"};
	char escaped[2048] = "", refused[1024] = "";
	size_t el = 0, rl = 0;
	int addr = 0;
	long n;

	if (argc == 3)
		return single(argv[1], argv[2]);
	if (argc != 1)
		return single("", "");
	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		int e = open_w(knobs[i]);

		if (e == 0)
			el += (size_t)snprintf(escaped + el, sizeof(escaped) - el,
					       " %s opens for writing;", knobs[i]);
		else if (e != ENOENT && !strstr(refused, errname(e)))
			rl += (size_t)snprintf(refused + rl, sizeof(refused) - rl, "%s%s",
					       rl ? "/" : "", errname(e));
	}
	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
		n = read_all(views[i], NULL);
		if (n > 0)
			el += (size_t)snprintf(escaped + el, sizeof(escaped) - el,
					       " %s reads %ld bytes;", views[i], n);
	}
	n = read_all("/proc/kallsyms", &addr);
	if (n > 0 && addr)
		el += (size_t)snprintf(escaped + el, sizeof(escaped) - el,
				       " /proc/kallsyms shows kernel addresses;");
	n = entries("/sys/firmware");
	if (n > 0)
		el += (size_t)snprintf(escaped + el, sizeof(escaped) - el,
				       " /sys/firmware lists %ld entries;", n);
	if (el) {
		printf("ESCAPED:%s\n", escaped);
		return 1;
	}
	printf("safe: kernel knobs refused (%s); kcore, kallsyms, timer_list, keys, /sys/firmware "
	       "masked or absent\n",
	       rl ? refused : "absent");
	return 0;
}
