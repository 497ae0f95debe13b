/*
 * fstat, newfstatat and statx with AT_EMPTY_PATH: trapped by lxproc's descriptor filter
 * (emul/fdfilter.h) in a process holding a synthesized file, so that its stat looks like the
 * kernel's /proc or /sys file.
 */
#include "emul/guestmem.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "syscalls/handlers.h"
#include "syscalls/lx_proc.h"

#define LX_SYS_stat   4
#define LX_SYS_statx  332
#define AT_EMPTY_PATH 0x1000
#define S_IFMT	      0170000
#define S_IFREG	      0100000

/* st (a synthesized descriptor's) as Linux shows f: the file at f's path where it stats as a
 * regular file (device, inode, owner, times), 0444, with procfs's or sysfs's size. */
static void stat_as_kernel(const struct lxproc_file *f, struct lx_stat *st)
{
	struct lx_stat real;

	if (lx_sys2(LX_SYS_stat, f->path, &real) == 0 && (real.mode & S_IFMT) == S_IFREG) {
		*st = real;
	} else {
		st->uid = 0;
		st->gid = 0;
	}
	st->mode = S_IFREG | 0444;
	st->nlink = 1;
	st->blocks = 0;
	st->size = lx_proc_is_sysfs(f) ? 4096 : 0;
	st->blksize = lx_proc_is_sysfs(f) ? 4096 : 1024;
}

/* fstat(fd) and fstatat(fd, "", AT_EMPTY_PATH), into the guest's buffer. */
static long stat_fd(long fd, uint64_t ubuf, long flags, int at)
{
	struct lx_stat st;
	const struct lxproc_file *f;
	long r =
	    at ? lx_sys4(LX_SYS_newfstatat, fd, "", &st, flags) : lx_sys2(LX_SYS_fstat, fd, &st);

	if (r < 0)
		return r;
	/* st stays the fallback for what the path cannot give: the memfd's, or the kernel's own
	 * file's when it was swapped */
	if ((int)fd >= 0 && (f = lx_proc_fd(fd, &st)) != NULL)
		stat_as_kernel(f, &st);
	return lx_copy_to_guest(ubuf, &st, sizeof(st)) ? -LX_EFAULT : 0;
}

/* Is the guest's path argument empty (NULL counts, as since Linux 6.11)?  1, 0, or -EFAULT. */
static int empty_path(uint64_t upath)
{
	char c0;

	if (upath == 0)
		return 1;
	if (lx_copy_from_guest(&c0, upath, 1) != 0)
		return -LX_EFAULT;
	return c0 == 0;
}

long lx_sys_fstat(struct lx_sysctx *c)
{
	return stat_fd((long)(int)c->a[0], c->a[1], 0, 0);
}

/* trapped only with AT_EMPTY_PATH: glibc's fstat */
long lx_sys_newfstatat(struct lx_sysctx *c)
{
	if (empty_path(c->a[1]) != 1)
		return lx_sys4(LX_SYS_newfstatat, c->a[0], c->a[1], c->a[2], c->a[3]);
	return stat_fd((long)(int)c->a[0], c->a[2], (long)c->a[3], 1);
}

/* struct statx, as far as lxproc changes it (the kernel copies all 256 bytes) */
struct lx_statx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, pad0;
	uint64_t ino, size, blocks, attributes_mask;
	uint8_t rest[256 - 64];
};

/* trapped only with AT_EMPTY_PATH */
long lx_sys_statx(struct lx_sysctx *c)
{
	struct lx_statx sx;
	struct lx_stat st;
	const struct lxproc_file *f;
	long fd = (long)(int)c->a[0], flags = (long)c->a[2], r;

	if (empty_path(c->a[1]) != 1 || fd < 0)
		return lx_sys5(LX_SYS_statx, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4]);
	r = lx_sys5(LX_SYS_statx, fd, "", flags, c->a[3], &sx);
	if (r < 0)
		return r;
	if ((sx.mode & S_IFMT) == S_IFREG && lx_sys2(LX_SYS_fstat, fd, &st) == 0 &&
	    (f = lx_proc_fd(fd, &st)) != NULL) {
		/* the file at f's path, as the kernel shows it */
		if (lx_sys5(LX_SYS_statx, LX_AT_FDCWD, f->path, flags & ~(long)AT_EMPTY_PATH,
			    c->a[3], &sx) < 0 ||
		    (sx.mode & S_IFMT) != S_IFREG)
			sx.uid = sx.gid = 0;
		sx.mode = S_IFREG | 0444;
		sx.nlink = 1;
		sx.blocks = 0;
		sx.size = lx_proc_is_sysfs(f) ? 4096 : 0;
		sx.blksize = lx_proc_is_sysfs(f) ? 4096 : 1024;
	}
	return lx_copy_to_guest(c->a[4], &sx, sizeof(sx)) ? -LX_EFAULT : 0;
}
