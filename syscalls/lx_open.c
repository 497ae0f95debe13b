/*
 * open, openat, openat2: trapped only in zones with a zone page (the table's CAPS rows), in the
 * shapes that can name a synthesized /proc or /sys file (filter/filter.c), and in shared-IP
 * zones when read-only (netlink/nlfilter.h); lxproc serves its files (syscalls/lx_proc.c) unless
 * the kernel does (FUSE: lx_zone_serves), a shared zone's /proc/net files syscalls/lx_procnet.c,
 * every other path goes on to the kernel.
 */
#include "emul/guestmem.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "syscalls/handlers.h"
#include "syscalls/lx_proc.h"
#include "syscalls/lx_procnet.h"
#include "emul/path.h"
#include "emul/zoneview.h"

#define O_DIRECTORY    0200000
#define O_PATH	       010000000
#define LX_SYS_openat2 437

long lx_sys_open(struct lx_sysctx *c)
{
	return lx_proc_open(c, LX_SYS_open, LX_AT_FDCWD, c->a[0], (long)c->a[1], (long)c->a[2]);
}

long lx_sys_openat(struct lx_sysctx *c)
{
	return lx_proc_open(c, LX_SYS_openat, (int)c->a[0], c->a[1], (long)c->a[2], (long)c->a[3]);
}

/*
 * openat2: RESOLVE_* rules are the kernel's to apply, so the kernel opens the file first; only
 * when that succeeds and the descriptor turns out to be one of lxproc's files is it swapped
 * for the synthesized one.  Only paths whose last component is an lxproc file's name pay for
 * more than the re-issue.
 */
long lx_sys_openat2(struct lx_sysctx *c)
{
	struct {
		uint64_t flags, mode, resolve;
	} how;
	char p[LX_PROC_PATH_CAP], real[LX_PROC_PATH_CAP];
	const struct lxproc_file *f;
	long n = lx_strncpy_from_guest(p, c->a[1], sizeof(p)), fd;
	const char *base = n > 0 ? lx_strrchr(p, '/') : NULL;
	int have_how = n > 0 && n < (long)sizeof(p) && c->a[3] >= sizeof(how) &&
		       lx_copy_from_guest(&how, c->a[2], sizeof(how)) == 0;
	int candidate = have_how && lx_proc_basename(base ? base + 1 : p) &&
			!(how.flags & (O_PATH | O_DIRECTORY));

	fd = lx_sys4(LX_SYS_openat2, c->a[0], c->a[1], c->a[2], c->a[3]);
	/* a shared zone's /proc/net (syscalls/lx_procnet.c) */
	if (fd >= 0 && have_how && lx_procnet_candidate(p, (long)how.flags))
		return lx_procnet_opened(fd, (long)how.flags);
	if (fd < 0 || !candidate || lx_fd_path(fd, real, sizeof(real)) < 0)
		return fd;
	f = lxproc_lookup(real, lx_strlen(real));
	if (!f || !lx_zone_serves(f))
		return fd;
	lx_sys1(LX_SYS_close, fd);
	return lx_proc_serve(f, (long)how.flags);
}
