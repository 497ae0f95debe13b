/*
 * readlink / readlinkat of /proc/<pid>/exe.  The kernel executed the brand, so its exe link
 * names the brand; the guest must see its own program.  For the calling process the brand
 * knows the answer.  For another process the kernel's answer is checked: if it names the
 * brand image, that process is a guest too, and its program is the lowest file mapping in
 * its /proc/<pid>/maps that is not the brand (the brand loads the guest before anything
 * else maps files, and the brand image sits below every PIE and library).
 *
 * readlink of a descriptor link (/proc/<pid>/fd/N, any link whose last component is a
 * number) answers the path a synthesized /proc or /sys file stands for, as on Linux, where
 * the kernel names its memfd ("/memfd:lxproc:/proc/meminfo (deleted)", syscalls/lx_proc.c):
 * ls -l /proc/self/fd, lsof.  Every other readlink goes straight to the kernel after one look
 * at the last path component.
 */
#include "emul/guestmem.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "emul/path.h"
#include "emul/state.h"
#include "kernel-shim/brand_abi.h"
#include "syscalls/handlers.h"

#define PATH_CAP   4096
#define SHORT_PATH 256

/* -1: not an exe link; 0: ours; 1: another process's (real link must be checked) */
static int classify(const char *p)
{
	const char *q;
	uint64_t pid;
	char num[24];
	size_t k = 0;

	if (!lx_startswith(p, "/proc/"))
		return -1;
	q = p + 6;
	if (lx_strcmp(q, "self/exe") == 0 || lx_strcmp(q, "thread-self/exe") == 0)
		return 0;
	while (q[k] >= '0' && q[k] <= '9' && k < sizeof(num) - 1) {
		num[k] = q[k];
		k++;
	}
	num[k] = '\0';
	if (k == 0 || lx_atou(num, &pid))
		return -1;
	q += k;
	if (lx_strcmp(q, "/exe") != 0) {
		/* /proc/<pid>/task/<tid>/exe */
		if (!lx_startswith(q, "/task/"))
			return -1;
		q += 6;
		while (*q >= '0' && *q <= '9')
			q++;
		if (lx_strcmp(q, "/exe") != 0)
			return -1;
	}
	return (long)pid == lx_sys0(LX_SYS_getpid) ? 0 : 1;
}

static long answer(const char *text, size_t len, uint64_t ubuf, long bufsiz)
{
	size_t n = len < (size_t)bufsiz ? len : (size_t)bufsiz;

	return lx_copy_to_guest(ubuf, text, n) ? -LX_EFAULT : (long)n;
}

static const char *last_component(const char *p)
{
	const char *s = lx_strrchr(p, '/');

	return s ? s + 1 : p;
}

static int last_is_number(const char *p)
{
	const char *q = last_component(p);

	if (!*q)
		return 0;
	for (; *q; q++)
		if (*q < '0' || *q > '9')
			return 0;
	return 1;
}

/* A descriptor link: the kernel's answer, with an lxproc memfd's name replaced by its path. */
static __attribute__((noinline)) long fd_link(int dirfd, const char *path, uint64_t ubuf,
					      long bufsiz)
{
	char real[PATH_CAP];
	const char *file;
	long r = lx_sys4(LX_SYS_readlinkat, dirfd, path, real, sizeof(real) - 1), n;

	if (r == (long)sizeof(real) - 1) /* it may go on: the kernel's own answer */
		return lx_sys4(LX_SYS_readlinkat, dirfd, path, ubuf, bufsiz);
	if (r < 0)
		return r;
	real[r] = '\0';
	if ((n = lx_proc_memfd_path(real, (size_t)r, &file)) >= 0)
		return answer(file, (size_t)n, ubuf, bufsiz);
	return answer(real, (size_t)r, ubuf, bufsiz);
}

static int last_is_exe(const char *p)
{
	return lx_strcmp(last_component(p), "exe") == 0;
}

/* Guest program of another branded process, from its maps; length or -errno. */
static __attribute__((noinline)) long exe_from_maps(const char *link, char *out, size_t cap)
{
	char path[PATH_CAP], buf[4096];
	size_t n = lx_strlcpy(path, link, sizeof(path)), have = 0;
	long fd, r;

	if (n < 3 || n >= sizeof(path))
		return -LX_ENOENT;
	lx_strlcpy(path + n - 3, "maps", sizeof(path) - (n - 3));
	fd = lx_sys3(LX_SYS_open, path, LX_O_RDONLY | LX_O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	for (;;) {
		r = lx_sys3(LX_SYS_read, fd, buf + have, sizeof(buf) - 1 - have);
		if (r <= 0)
			break;
		have += (size_t)r;
		buf[have] = '\0';
		char *line = buf, *nl;
		while ((nl = (char *)lx_memchr(line, '\n', (size_t)(buf + have - line)))) {
			*nl = '\0';
			/* address perms offset dev inode path: the path starts at the first '/' */
			char *slash = line;
			while (*slash && *slash != '/')
				slash++;
			if (*slash == '/' && lx_strcmp(slash, lx_proc.brand_exe) != 0) {
				lx_sys1(LX_SYS_close, fd);
				return (long)lx_strlcpy(out, slash, cap);
			}
			line = nl + 1;
		}
		have = (size_t)(buf + have - line);
		memmove(buf, line, have);
		if (have == sizeof(buf) - 1)
			have = 0; /* a line longer than the buffer: not a path we can return */
	}
	lx_sys1(LX_SYS_close, fd);
	return -LX_ENOENT;
}

/*
 * What /proc/self/exe shows the guest.  Learnt on first use and kept, as the start kept it
 * before: the kernel's link where it names the program (a zone that names exes), else the
 * file mapped at the program's first segment (PROCMAP_QUERY; before Linux 6.11 the text of
 * /proc/self/maps), which is the file the kernel would name, by the same d_path (a renamed
 * program's new name, " (deleted)").  Threads that ask at once each write the same bytes
 * before any of them says they are there; until then, and where nothing answers, the name
 * the program was executed by.
 */
static __attribute__((noinline)) long exe_learn(char *out, size_t cap)
{
	long r;

	if (lx_proc.exe_program) {
		r = lx_sys3(LX_SYS_readlink, "/proc/self/exe", out, cap - 1);
		if (r > 0)
			out[r] = '\0';
		return r > 0 ? r : -LX_ENOENT;
	}
	if (!lx_proc.exe_map)
		return -LX_ENOENT;
	r = lx_map_path(lx_proc.exe_map, out, cap);
	if (r < 0 && r != -LX_ENOENT) { /* no PROCMAP_QUERY: the lowest file mapping not ours */
		lx_brand_identity();
		r = exe_from_maps("/proc/self/exe", out, cap);
	}
	return r;
}

const char *lx_proc_exe(void)
{
	if (__atomic_load_n(&lx_proc.exe_known, __ATOMIC_ACQUIRE))
		return lx_proc.exe_path;
	if (exe_learn(lx_proc.exe_path, sizeof(lx_proc.exe_path)) <= 0)
		return lx_proc.exe;
	__atomic_store_n(&lx_proc.exe_known, 1, __ATOMIC_RELEASE);
	return lx_proc.exe_path;
}

/* An exe link but the caller's own by an absolute path: relative ones, other processes'. */
static __attribute__((noinline)) long exe_link(int dirfd, const char *path, uint64_t ubuf,
					       long bufsiz)
{
	char abs[PATH_CAP], real[PATH_CAP];
	long r;
	int kind;

	if (lx_path_absolute(dirfd, path, abs, sizeof(abs)) < 0)
		return lx_sys4(LX_SYS_readlinkat, dirfd, path, ubuf, bufsiz);
	kind = classify(abs);
	if (kind < 0)
		return lx_sys4(LX_SYS_readlinkat, dirfd, path, ubuf, bufsiz);
	if (kind == 0)
		return answer(lx_proc_exe(), lx_strlen(lx_proc_exe()), ubuf, bufsiz);

	r = lx_sys4(LX_SYS_readlinkat, dirfd, path, real, sizeof(real) - 1);
	if (r < 0)
		return r;
	real[r] = '\0';
	lx_brand_identity();
	if (lx_strcmp(real, lx_proc.brand_exe) == 0 || lx_strcmp(real, LX_ZONE_BRAND) == 0) {
		long m = exe_from_maps(abs, real, sizeof(real));
		if (m >= 0)
			r = m;
	}
	return answer(real, (size_t)r, ubuf, bufsiz);
}

static long readlink_path(int dirfd, const char *path, uint64_t ubuf, long bufsiz)
{
	if (last_is_number(path))
		return fd_link(dirfd, path, ubuf, bufsiz);
	if (!last_is_exe(path))
		return lx_sys4(LX_SYS_readlinkat, dirfd, path, ubuf, bufsiz);
	if (path[0] == '/' && classify(path) == 0)
		return answer(lx_proc_exe(), lx_strlen(lx_proc_exe()), ubuf, bufsiz);
	return exe_link(dirfd, path, ubuf, bufsiz);
}

/* A path longer than do_readlink's buffer, in a frame of its own. */
static __attribute__((noinline)) long readlink_long(int dirfd, uint64_t upath, uint64_t ubuf,
						    long bufsiz)
{
	char path[PATH_CAP];
	long n = lx_strncpy_from_guest(path, upath, sizeof(path));

	return n < 0 ? n : readlink_path(dirfd, path, ubuf, bufsiz);
}

/*
 * The path is copied into a short buffer first: the handler's frame stays small, so the first
 * trap of a new process (static glibc's start reads /proc/self/exe) writes as few fresh pages
 * of the emulation stack as it can, each ~20 us here.  Longer paths, relative or other
 * processes' exe links and descriptor links take frames of their own.
 */
static long do_readlink(int dirfd, uint64_t upath, uint64_t ubuf, long bufsiz)
{
	char path[SHORT_PATH];
	long n;

	if (bufsiz <= 0)
		return -LX_EINVAL;
	n = lx_strncpy_from_guest(path, upath, sizeof(path));
	if (n == -LX_ENAMETOOLONG)
		return readlink_long(dirfd, upath, ubuf, bufsiz);
	if (n < 0)
		return n;
	return readlink_path(dirfd, path, ubuf, bufsiz);
}

long lx_sys_readlink(struct lx_sysctx *c)
{
	return do_readlink(LX_AT_FDCWD, c->a[0], c->a[1], (long)c->a[2]);
}

long lx_sys_readlinkat(struct lx_sysctx *c)
{
	return do_readlink((int)c->a[0], c->a[1], c->a[2], (long)c->a[3]);
}
