/*
 * execve / execveat: the guest's program is replaced by the brand image, which loads the
 * new program.
 *
 * Everything execve can refuse is decided here, in the calling process, so the caller gets
 * the errno Linux would give (ENOENT, EACCES, ENOEXEC for the shell's script fallback, ENOENT
 * for a missing ELF interpreter, ELOOP for "#!" chains deeper than Linux's four levels).
 * "#!" files are resolved here too, because the argv handed to the kernel is what
 * /proc/<pid>/cmdline will show: [interpreter, optional argument, script, args...], exactly
 * as the kernel builds it.  The file that was checked is the file that runs: its descriptor
 * is inherited by the new brand image (LX_BF_EXECFD), which loads from it.  The brand
 * re-executes itself through /proc/self/exe, a link that keeps working inside a zone where
 * the brand's host path does not exist.
 *
 * A program the kernel must run itself (set-user-ID, set-group-ID or file capabilities that
 * would change the caller's credentials, or a file the caller may execute but not read) is
 * exec'd as it is, when the zone registered the brand with binfmt_misc or, in a container
 * without a user namespace, lxzone-oci registered it with the host's (brand_abi.h): the
 * kernel applies its credentials, opens it for the brand and starts the brand.  Nothing is
 * decided here that the kernel does not decide again: a file swapped after these checks is
 * judged by the kernel as Linux would.
 */
#include "emul/execprobe.h"
#include "emul/guestmem.h"
#include "emul/lx_elf.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "emul/path.h"
#include "emul/signal.h"
#include "kernel-shim/brand_abi.h"
#include "syscalls/handlers.h"

#define MAX_SCRIPT_DEPTH 4
#define MAX_VEC		 (1 << 20) /* pointers in argv or envp */
#define S_IFMT		 0170000
#define S_IFREG		 0100000
#define S_ISUID		 04000
#define S_ISGID		 02000
#define S_IXGRP		 00010

struct lx_statfs {
	int64_t type, bsize;
	uint64_t blocks, bfree, bavail, files, ffree;
	int32_t fsid[2];
	int64_t namelen, frsize, flags, spare[4];
};

/*
 * The file an execve checks, as far as the brand needs it: one fstat and one pread of its
 * first bytes, which the permission checks, the credentials check (kernel_runs), the
 * recognition of the brand's own image and the probe (ELF header, program headers and
 * PT_INTERP of an ordinary program, or a "#!" line) all read.  Each was a system call of its
 * own, per exec.
 */
#define HEAD_LEN 1024
struct exec_file {
	long fd;
	int unreadable; /* opened O_PATH: executable, not readable (only the kernel can run it) */
	long headn;	/* bytes in head (short: the file ends there), or the pread's -errno */
	struct lx_stat st;
	unsigned char head[HEAD_LEN];
};

/* The probe's reads: from the head where it has them (or the file ends in it), else the file. */
static long fd_pread(void *ctx, void *buf, size_t len, long off)
{
	const struct exec_file *f = ctx;
	size_t have;

	if (f->headn < 0)
		return f->headn;
	have = (size_t)f->headn;
	if (off >= 0 && (size_t)off <= have && ((size_t)off + len <= have || have < HEAD_LEN)) {
		if (len > have - (size_t)off)
			len = have - (size_t)off;
		memcpy(buf, f->head + off, len);
		return (long)len;
	}
	return lx_sys4(LX_SYS_pread64, f->fd, buf, len, off);
}

#ifndef LX_SYS_getgroups
#define LX_SYS_getgroups 115
#endif

/*
 * Execute permission from the mode bits and the effective ids (no ACLs), as glibc's
 * faccessat falls back: for an OCI container whose seccomp profile predates faccessat2
 * (Linux 5.8; Docker's before 20.10, runtime-tools') and refuses it with EPERM.
 */
static long may_exec_bits(const struct lx_stat *st)
{
	uint32_t euid = (uint32_t)lx_sys0(LX_SYS_geteuid), groups[64];
	unsigned bit = 01;
	long n;

	if (euid == 0)
		return (st->mode & 0111) ? 0 : -LX_EACCES;
	if (st->uid == euid) {
		bit = 0100;
	} else if (st->gid == (uint32_t)lx_sys0(LX_SYS_getegid)) {
		bit = 010;
	} else {
		n = lx_sys2(LX_SYS_getgroups, 64, groups);
		for (long i = 0; i < n; i++)
			if (groups[i] == st->gid)
				bit = 010;
	}
	return (st->mode & bit) ? 0 : -LX_EACCES;
}

/* execve's permission checks on an opened file; its stat in *st */
static long check_exec(long fd, struct lx_stat *st)
{
	struct lx_statfs sfs;
	long r;

	if ((r = lx_sys2(LX_SYS_fstat, fd, st)) < 0)
		return r;
	if ((st->mode & S_IFMT) != S_IFREG)
		return -LX_EACCES;
	r = lx_sys4(LX_SYS_faccessat2, fd, "", LX_X_OK, LX_AT_EMPTY_PATH | LX_AT_EACCESS);
	if (r == 0)
		return 0; /* the kernel's X_OK refuses a noexec mount's file too (path_noexec) */
	if ((r != -LX_EPERM && r != -LX_ENOSYS) || may_exec_bits(st) < 0)
		return -LX_EACCES;
	if (lx_sys2(LX_SYS_fstatfs, fd, &sfs) == 0 && (sfs.flags & LX_ST_NOEXEC))
		return -LX_EACCES;
	return 0;
}

/* Opens a file to exec into *f, checked, its head read; with `allow_unreadable`, a file the
 * caller may execute but not read is opened O_PATH (only the kernel can run it) and
 * f->unreadable set.  0 or -errno (nothing left open). */
static long open_exec(int dirfd, const char *path, int flags, int allow_unreadable,
		      struct exec_file *f)
{
	int nofollow = (flags & LX_AT_SYMLINK_NOFOLLOW) ? LX_O_NOFOLLOW : 0;
	long fd, r;

	f->unreadable = 0;
	f->headn = 0;
	fd = lx_sys4(LX_SYS_openat, dirfd, path, LX_O_RDONLY | LX_O_CLOEXEC | nofollow, 0);
	if (fd == -LX_EACCES && allow_unreadable) {
		fd = lx_sys4(LX_SYS_openat, dirfd, path, LX_O_PATH | LX_O_CLOEXEC | nofollow, 0);
		if (fd < 0)
			return -LX_EACCES;
		f->unreadable = 1;
	}
	if (fd < 0)
		return fd;
	if ((r = check_exec(fd, &f->st)) < 0) {
		lx_sys1(LX_SYS_close, fd);
		return r;
	}
	f->fd = fd;
	if (!f->unreadable)
		f->headn = lx_sys4(LX_SYS_pread64, fd, f->head, sizeof(f->head), 0);
	return 0;
}

/* Is this the brand's own image?  The brand's ELF header is mapped at LX_BRAND_BASE: a file
 * that starts otherwise is not, without a look at the brand's identity (a readlink and a stat
 * of /proc/self/exe, once per process); one that starts the same is compared by device and
 * inode. */
static int is_brand_image(const struct exec_file *f)
{
	if (!f->unreadable &&
	    (f->headn < (long)sizeof(struct lx_elf64_ehdr) ||
	     memcmp(f->head, (const void *)LX_BRAND_BASE, sizeof(struct lx_elf64_ehdr)) != 0))
		return 0;
	lx_brand_identity();
	return lx_proc.brand_known && f->st.dev == lx_proc.brand_dev &&
	       f->st.ino == lx_proc.brand_ino;
}

static void vec_free(uint64_t *v, size_t maplen)
{
	if (maplen)
		lx_munmap(v, maplen);
}

/* Reads a guest pointer vector (argv/envp) with room for `extra` more entries before the
 * NULL: into `buf` (`bufn` entries) while it fits, then into a fresh mapping (*maplen its
 * length, 0 for buf).  Returns the count, or -errno.  The buffer is the exec's scratch on the
 * emulation stack: in a fork child every page the exec writes is a fresh page, and a mapping
 * is one more (with a system call) for the usual environment of a few dozen entries. */
static long read_vec(uint64_t uvec, uint64_t **out, size_t *maplen, size_t extra, uint64_t *buf,
		     size_t bufn)
{
	size_t cap = bufn, n = 0, len = 0;
	uint64_t *v = buf, p;

	for (;;) {
		if (!v || n + extra + 1 >= cap) {
			size_t ncap = cap < 256 ? 256 : cap * 2;
			uint64_t *nv = lx_mmap_anon(ncap * sizeof(*nv));
			if (!nv) {
				if (v)
					vec_free(v, len);
				return -LX_ENOMEM;
			}
			if (v) {
				memcpy(nv, v, n * sizeof(*v));
				vec_free(v, len);
			}
			v = nv;
			cap = ncap;
			len = cap * sizeof(*v);
		}
		if (!uvec)
			break;
		if (lx_copy_from_guest(&p, uvec + n * 8, 8)) {
			vec_free(v, len);
			return -LX_EFAULT;
		}
		if (!p)
			break;
		if (n >= MAX_VEC) {
			vec_free(v, len);
			return -LX_E2BIG;
		}
		v[n++] = p;
	}
	v[n] = 0;
	*out = v;
	*maplen = len;
	return (long)n;
}

static size_t append(char *d, size_t at, size_t cap, const char *s)
{
	return at + lx_strlcpy(d + at, s, at < cap ? cap - at : 0);
}

/* Are the caller's real and effective ids apart (a set-user-ID program's, before it drops
 * them)?  Then the kernel starts whatever it executes with AT_SECURE (commoncap's
 * secureexec), which the brand accepts only from a start through binfmt_misc. */
static int ids_mixed(void)
{
	uint32_t r, e, s;

	if (lx_sys3(LX_SYS_getresuid, &r, &e, &s) == 0 && r != e)
		return 1;
	return lx_sys3(LX_SYS_getresgid, &r, &e, &s) == 0 && r != e;
}

/* How the kernel runs a file itself (kernel_runs): by its descriptor through the zone's own
 * entry, or through the link of its descriptor that the host's entry matches. */
#define KERNEL_ENTRY 1
#define KERNEL_LINK  2

/*
 * Must the kernel run this file itself?  Yes when the caller may execute but not read it, or
 * when it is an ELF the zone's binfmt_misc entry matches whose set-user-ID, set-group-ID or
 * file capabilities would change the caller's credentials (not on a nosuid mount, not under
 * no_new_privs: there the kernel would not change them either, and the brand's own exec keeps
 * the process dumpable as Linux does), or when the caller's ids are apart, which makes any
 * exec a secure one.  Only where the zone registered the entry, or, in a
 * container without a user namespace, where lxzone-oci made the links the host's entry
 * matches (brand_abi.h) and the descriptor exec_finish takes next has one.
 */
static int kernel_runs(const struct exec_file *f)
{
	const unsigned char *h = f->head;
	struct lx_statfs sfs;
	int creds;

	if (!f->unreadable) {
		if (f->headn < 20 || memcmp(h, "\177ELF", 4) != 0 || h[7] >= 0x80 ||
		    h[18] != 0x3e || h[19] != 0)
			return 0;
		creds =
		    ((f->st.mode & S_ISUID) && f->st.uid != (uint32_t)lx_sys0(LX_SYS_geteuid)) ||
		    ((f->st.mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP) &&
		     f->st.gid != (uint32_t)lx_sys0(LX_SYS_getegid)) ||
		    lx_sys4(LX_SYS_fgetxattr, f->fd, "security.capability", 0, 0) > 0;
		if (creds &&
		    ((lx_sys2(LX_SYS_fstatfs, f->fd, &sfs) == 0 && (sfs.flags & LX_ST_NOSUID)) ||
		     lx_sys1(LX_SYS_prctl, LX_PR_GET_NO_NEW_PRIVS) == 1))
			creds = 0;
		if (!creds && !ids_mixed())
			return 0;
	}
	if (lx_sys4(LX_SYS_faccessat2, LX_AT_FDCWD, LX_BINFMT_ENTRY, LX_F_OK, 0) == 0)
		return KERNEL_ENTRY;
	if (lx_sys4(LX_SYS_faccessat2, LX_AT_FDCWD, LX_EXEC_BRAND, LX_F_OK, 0) == 0) {
		long fd = lx_sys3(LX_SYS_fcntl, f->fd, LX_F_DUPFD, 3);
		if (fd >= 0)
			lx_sys1(LX_SYS_close, fd);
		return fd >= 0 && fd < LX_EXEC_LINKS_MAX ? KERNEL_LINK : 0;
	}
	return 0;
}

/* LX_EXEC_LINKS "/<fd>." LX_EXEC_EXT: the link the host's entry matches (brand_abi.h). */
static void exec_link(char *buf, size_t sz, long fd)
{
	char num[24];
	size_t k = append(buf, 0, sz, LX_EXEC_LINKS "/");

	lx_utoa((uint64_t)fd, num);
	k = append(buf, k, sz, num);
	append(buf, k, sz, "." LX_EXEC_EXT);
}

/* The name the kernel gives the program (bprm->filename): the path, or /dev/fd/N[/path]. */
static void exec_name(char *name, size_t sz, int dirfd, const char *path)
{
	char num[24];
	size_t k;

	if (path[0] == '/' || dirfd == LX_AT_FDCWD) {
		lx_strlcpy(name, path, sz);
		return;
	}
	k = append(name, 0, sz, "/dev/fd/");
	lx_utoa((uint64_t)(unsigned)dirfd, num);
	k = append(name, k, sz, num);
	if (path[0]) {
		k = append(name, k, sz, "/");
		append(name, k, sz, path);
	}
}

/* The file to run, opened into *f as the kernel would check it (AT_EMPTY_PATH: dirfd
 * itself); the brand's own image stands for the guest's program.  0 or -errno. */
static long exec_open(int dirfd, const char *path, int flags, struct exec_file *f)
{
	long r;

	if (!path[0]) {
		char fdlink[LX_FD_LINK_MAX];
		if (!(flags & LX_AT_EMPTY_PATH))
			return -LX_ENOENT;
		if (dirfd == LX_AT_FDCWD)
			return -LX_EACCES; /* the working directory is not a file */
		r = lx_sys2(LX_SYS_fcntl, dirfd, 1 /* F_GETFD */);
		if (r < 0)
			return r; /* EBADF, as Linux */
		lx_fd_link(dirfd, fdlink);
		r = open_exec(LX_AT_FDCWD, fdlink, 0, 1, f);
	} else {
		r = open_exec(dirfd, path, flags, 1, f);
	}
	if (r == 0 && is_brand_image(f)) {
		/* "/proc/self/exe" and friends name the brand; the guest means its own program
		 * (busybox re-executes itself that way) */
		lx_sys1(LX_SYS_close, f->fd);
		r = open_exec(LX_AT_FDCWD, lx_proc_exe(), 0, 1, f);
	}
	return r;
}

/* A dynamic ELF's interpreter must open (ENOENT, as Linux, when it is missing). */
static long exec_check_interp(const struct lx_exec_info *info)
{
	long ifd;

	if (!info->interp[0])
		return 0;
	ifd = lx_sys3(LX_SYS_open, info->interp, LX_O_RDONLY | LX_O_CLOEXEC, 0);
	if (ifd < 0)
		return ifd;
	lx_sys1(LX_SYS_close, ifd);
	return 0;
}

/* Follow "#!" like the kernel from lv[0], probed: up to four interpreters, then an ELF whose own
 * interpreter must open.  *f is replaced by each interpreter's (f->fd < 0 when that failed);
 * *depth counts them.  0 or -errno. */
static long exec_follow_scripts(struct exec_file *f, struct lx_exec_info *lv, long *depth)
{
	long r;

	while (lv[*depth].kind != LX_EXEC_ELF) {
		if (*depth == MAX_SCRIPT_DEPTH)
			return -LX_ELOOP;
		lx_sys1(LX_SYS_close, f->fd);
		f->fd = -1;
		r = open_exec(LX_AT_FDCWD, lv[*depth].interp, 0, 0, f);
		if (r < 0)
			return r;
		(*depth)++;
		r = lx_exec_probe(fd_pread, f, &lv[*depth]);
		if (r < 0)
			return r;
	}
	return exec_check_interp(&lv[*depth]);
}

/* The kernel's argv rewrite for scripts: interpreters (with their argument) outermost first,
 * then the script's name, then the guest's argv without its argv[0].  In *argv (mapped). */
static long exec_script_argv(uint64_t uargv, const struct lx_exec_info *lv, long depth,
			     const char *name, uint64_t **argv, size_t *argv_len)
{
	long argc = read_vec(uargv, argv, argv_len, 2 * (size_t)depth + 1, NULL, 0);
	if (argc < 0)
		return argc;
	uint64_t *rest = *argv + (argc ? 1 : 0);
	size_t nrest = argc ? (size_t)argc - 1 : 0, pre = 1, k = 0;
	for (long i = 0; i < depth; i++)
		pre += lv[i].interp_arg[0] ? 2 : 1;
	memmove(*argv + pre, rest, nrest * sizeof(**argv));
	(*argv)[pre + nrest] = 0;
	for (long i = depth - 1; i >= 0; i--) {
		(*argv)[k++] = (uintptr_t)lv[i].interp;
		if (lv[i].interp_arg[0])
			(*argv)[k++] = (uintptr_t)lv[i].interp_arg;
	}
	(*argv)[k] = (uintptr_t)name;
	return 0;
}

/* The hand-over variable the next brand reads (brand_abi.h): version, flags, kernel version,
 * report, zone page, the program's descriptor, its name.  Its length, >= sz when too long. */
static size_t exec_brand_var(char *var, size_t sz, const struct lx_sysctx *c, long hfd,
			     const char *name)
{
	unsigned bf = (lx_proc.flags & ~(unsigned)LX_BF_SIGSYS_MASKED) | LX_BF_EXECFD |
		      (c->t->sigsys_blocked ? LX_BF_SIGSYS_MASKED : 0);
	char sep[2] = {LX_BRAND_SEP, 0}, num[24];
	size_t k = append(var, 0, sz, LX_BRAND_ENV "=" LX_BRAND_ENV_VERSION);
	uint64_t ign = 0;
	long ppid = lx_proc.pid;
	/* clone3's vfork child (posix_spawn's) is one, made by the table's process: no probe
	 * (three calls); a fork child it made has the lent struct too, and its table and set
	 * name a superset of what it ignores, which is all the hint must */
	int vf = c->t->vfork_lent ? 1 : lx_vfork_probe(&ppid);

	k = append(var, k, sz, sep);
	lx_xtoa(bf, num);
	k = append(var, k, sz, num);
	/* The signals the new image inherits ignored, as this process's table has them.  A
	 * vfork child's dispositions are its own (lx_signal.c): a copy of its parent's at the
	 * vfork, so the table's when the parent is the table's process, with the child's own
	 * changes, which the table does not show.  The hint only has to name every signal the
	 * kernel ignores (the new image asks the kernel about each, kernel-shim/start.c), so a
	 * vfork child names the table's and every signal any vfork child ignored of its own
	 * (posix_spawn's child ignores glibc's two internal signals); a child whose parent is
	 * not the table's process sends none (then /proc/self/status tells). */
	if (vf == 0 || (vf == 1 && ppid == lx_proc.pid)) {
		uint64_t own = vf == 1 ? __atomic_load_n(&lx_proc.vfork_ign, __ATOMIC_RELAXED) : 0;
		for (int sig = 1; sig <= LX_NSIG; sig++)
			if ((lx_proc.act[sig].handler == LX_SIG_IGN || (own & LX_SIG_BIT(sig))) &&
			    !lx_signal_is_brands(sig))
				ign |= LX_SIG_BIT(sig);
		lx_xtoa(ign, num);
		k = append(var, k, sz, ":");
		k = append(var, k, sz, num);
	}
	k = append(var, k, sz, sep);
	k = append(var, k, sz, lx_proc.kver);
	k = append(var, k, sz, sep);
	k = append(var, k, sz, lx_proc.report);
	k = append(var, k, sz, sep);
	k = append(var, k, sz, lx_proc.page_path);
	k = append(var, k, sz, sep);
	lx_utoa((uint64_t)hfd, num);
	k = append(var, k, sz, num);
	k = append(var, k, sz, sep);
	return append(var, k, sz, name);
}

/* The kernel's exec of the checked file: by the descriptor it keeps (binfmt_misc refuses a
 * close-on-exec one) through the zone's entry, or through its link and the host's entry; the
 * new brand closes it.  Returns only on failure. */
static long exec_kernel(int kernel, long hfd, const void *argv, const void *envp)
{
	char link[sizeof(LX_EXEC_LINKS) + sizeof(LX_EXEC_EXT) + 24];

	if (kernel == KERNEL_ENTRY)
		return lx_sys5(LX_SYS_execveat, hfd, "", argv, envp, LX_AT_EMPTY_PATH);
	exec_link(link, sizeof(link), hfd);
	return lx_sys3(LX_SYS_execve, link, argv, envp);
}

/* A launcher's start (kernel-shim/start.c): if the program at path is one the kernel must run
 * itself, exec it that way with the start's own vectors, as the brand's execve would have
 * (kernel_runs).  Returns only when it is not, or the exec failed: the start goes on. */
void lx_exec_kernel_start(const char *path, char *const *argv, char *const *envp)
{
	struct exec_file f;
	long hfd;
	int kernel;

	if (open_exec(LX_AT_FDCWD, path, 0, 1, &f) < 0)
		return;
	kernel = kernel_runs(&f);
	if (kernel && (hfd = lx_sys3(LX_SYS_fcntl, f.fd, LX_F_DUPFD, 3)) >= 0) {
		exec_kernel(kernel, hfd, argv, envp);
		lx_sys1(LX_SYS_close, hfd);
	}
	lx_sys1(LX_SYS_close, f.fd);
}

/* The exec itself, with the guest's signal mask for the new image: the brand again (with the
 * guest's argv or the script rewrite), or, when the kernel must run the file (credentials
 * change, unreadable), the checked file by its descriptor.  Returns only on failure. */
static long exec_now(const struct lx_sysctx *c, int kernel, long hfd, uint64_t argv, uint64_t *envp)
{
	static const char brand_self[] = "/proc/self/exe";
	uint64_t all = ~0ULL;
	long r;

	/* the new image inherits the real mask: the guest's, not the handler's (all blocked); a
	 * signal in this window is delivered to the guest as usual */
	lx_sys4(LX_SYS_rt_sigprocmask, LX_SIG_SETMASK, &c->uc->uc_sigmask, 0, 8);
	/* a vfork child's exec ends on its parent's emulation stack, in memory the parent keeps:
	 * the parent's patched sites must not find this trap frame still counted (emul/patch.h) */
	c->t->depth--;
	if (kernel)
		r = exec_kernel(kernel, hfd, (const void *)(uintptr_t)argv, envp);
	else
		r = lx_sys3(LX_SYS_execve,
			    lx_proc.binfmt || lx_proc.exe_program ? LX_ZONE_BRAND : brand_self,
			    argv, envp);
	if (r == -LX_ENOENT && !kernel && lx_proc.binfmt &&
	    !lx_proc.exe_program) /* no readable brand here */
		r = lx_sys3(LX_SYS_execve, brand_self, argv, envp);
	c->t->depth++;
	lx_sys4(LX_SYS_rt_sigprocmask, LX_SIG_SETMASK, &all, 0, 8);
	return r;
}

/*
 * The exec's strings, packed: the path, the name and the hand-over variable follow each other
 * in one scratch area, then the environment vector when it fits, so the exec writes as few
 * pages of the emulation stack as their lengths need (each a fresh page in a fork child), not
 * one page per fixed-size buffer.  An ordinary exec's fit a small area in the handler's frame
 * (its other locals and its callees' frames then sit close under the signal frame too); a path
 * longer than SHORT_PATH takes a mapping of the full size, a large environment a vector of its
 * own (read_vec), a long variable a mapping of its own.
 */
#define NAME_CAP      (LX_EXEC_PATH_MAX + 32)
#define VAR_CAP	      (2 * LX_EXEC_PATH_MAX + 1300)
#define VEC_N	      512 /* environment entries kept in the full-size scratch */
#define SCRATCH_BIG   (LX_EXEC_PATH_MAX + NAME_CAP + 8 + VEC_N * 8 + VAR_CAP)
#define SCRATCH_SMALL 1024
#define SHORT_PATH    256
#define VAR_ROOM      384 /* of the small area, kept for the variable when sizing the vector */

struct exec_strings {
	char *name;    /* the kernel's name for the program (exec_name) */
	char *end;     /* the end of the scratch area */
	uint64_t *vec; /* after the name, 8-aligned: the environment vector, then the variable */
	size_t vec_n;  /* entries vec has room for */
};

/* The environment with the hand-over variable last, and the exec (exec_now).  Returns only on
 * failure, -errno. */
static long exec_finish(struct lx_sysctx *c, int kernel, const struct exec_file *f, uint64_t argv,
			uint64_t uenvp, const struct exec_strings *x)
{
	uint64_t *envp = NULL;
	size_t envp_len = 0, var_len = 0, room, n;
	long envc, hfd, r;
	char *var;

	envc = read_vec(uenvp, &envp, &envp_len, 1, x->vec, x->vec_n);
	if (envc < 0)
		return envc;
	hfd = lx_sys3(LX_SYS_fcntl, f->fd, LX_F_DUPFD, 3); /* inherited: no CLOEXEC */
	if (hfd < 0) {
		r = hfd;
		goto out_envp;
	}
	var = (char *)(envp_len ? x->vec : envp + envc + 2);
	room = (size_t)(x->end - var);
	if ((n = exec_brand_var(var, room, c, hfd, x->name)) >= room) {
		/* longer than the scratch has room for: a mapping of its own */
		var = lx_mmap_anon(VAR_CAP);
		var_len = VAR_CAP;
		if (!var) {
			r = -LX_ENOMEM;
			goto out_hfd;
		}
		n = exec_brand_var(var, VAR_CAP, c, hfd, x->name);
	}
	if (n >= VAR_CAP) {
		r = -LX_ENAMETOOLONG;
	} else {
		envp[envc] = (uintptr_t)var;
		envp[envc + 1] = 0;
		r = exec_now(c, kernel, hfd, argv, envp);
	}
	/* only failures come back */
	if (var_len)
		lx_munmap(var, var_len);
out_hfd:
	lx_sys1(LX_SYS_close, hfd);
out_envp:
	vec_free(envp, envp_len);
	return r;
}

/* A "#!" program (lv0, probed): its interpreters followed and the argv rewritten as the kernel
 * does, then the exec.  A frame of its own: the levels are 2.6 KiB of stack an ordinary exec
 * does not touch.  Returns only on failure, -errno. */
static __attribute__((noinline)) long exec_script(struct lx_sysctx *c, struct exec_file *f,
						  const struct lx_exec_info *lv0, uint64_t uargv,
						  uint64_t uenvp, const struct exec_strings *x)
{
	struct lx_exec_info lv[MAX_SCRIPT_DEPTH + 1];
	uint64_t *argv = NULL;
	size_t argv_len = 0;
	long r, depth = 0;

	lv[0] = *lv0;
	if ((r = exec_follow_scripts(f, lv, &depth)) < 0)
		return r;
	if ((r = exec_script_argv(uargv, lv, depth, x->name, &argv, &argv_len)) < 0)
		return r;
	/* the interpreter's own set-user-ID bit applies, as under Linux (the script's does
	 * not), and a caller's mixed ids make its start a secure one */
	r = exec_finish(c, kernel_runs(f), f, (uint64_t)(uintptr_t)argv, uenvp, x);
	vec_free(argv, argv_len);
	return r;
}

static long do_exec(struct lx_sysctx *c, int dirfd, uint64_t upath, uint64_t uargv, uint64_t uenvp,
		    int flags)
{
	_Alignas(8) char small[SCRATCH_SMALL];
	char *path = small, *big = NULL;
	struct lx_exec_info info;
	struct exec_strings x;
	struct exec_file f;
	long r;
	int kernel;

	if (flags & ~(LX_AT_EMPTY_PATH | LX_AT_SYMLINK_NOFOLLOW))
		return -LX_EINVAL;
	r = lx_strncpy_from_guest(path, upath, SHORT_PATH);
	if (r == -LX_ENAMETOOLONG) {
		if (!(big = lx_mmap_anon(SCRATCH_BIG)))
			return -LX_ENOMEM;
		path = big;
		r = lx_strncpy_from_guest(path, upath, LX_EXEC_PATH_MAX);
	}
	if (r < 0)
		goto out_big;
	x.name = path + lx_strlen(path) + 1;
	x.end = big ? big + SCRATCH_BIG : small + sizeof(small);
	exec_name(x.name, (size_t)(x.end - x.name), dirfd, path); /* fits: SHORT_PATH + 32 */
	/* the vector goes after the name, 8-aligned, and the variable after the vector */
	x.vec = (uint64_t *)(((uintptr_t)x.name + lx_strlen(x.name) + 1 + 7) & ~(uintptr_t)7);
	x.vec_n = big ? VEC_N : (size_t)(x.end - (char *)x.vec - VAR_ROOM) / 8;
	if ((r = exec_open(dirfd, path, flags, &f)) < 0)
		goto out_big;
	kernel = kernel_runs(&f);
	if (f.unreadable && !kernel) {
		r = -LX_EACCES; /* the brand would have to read it */
		goto out_fd;
	}
	if (!kernel && (r = lx_exec_probe(fd_pread, &f, &info)) < 0)
		goto out_fd;
	if (!kernel && info.kind == LX_EXEC_SCRIPT)
		r = exec_script(c, &f, &info, uargv, uenvp, &x);
	else if (kernel || (r = exec_check_interp(&info)) == 0)
		r = exec_finish(c, kernel, &f, uargv, uenvp, &x);
out_fd:
	if (f.fd >= 0)
		lx_sys1(LX_SYS_close, f.fd);
out_big:
	if (big)
		lx_munmap(big, SCRATCH_BIG);
	return r;
}

long lx_sys_execve(struct lx_sysctx *c)
{
	return do_exec(c, LX_AT_FDCWD, c->a[0], c->a[1], c->a[2], 0);
}

long lx_sys_execveat(struct lx_sysctx *c)
{
	return do_exec(c, (int)c->a[0], c->a[1], c->a[2], c->a[3], (int)c->a[4]);
}
