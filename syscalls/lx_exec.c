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
 * exec'd as it is, when the zone registered the brand with binfmt_misc (brand_abi.h): the
 * kernel applies its credentials, opens it for the brand and starts the brand.  Nothing is
 * decided here that the kernel does not decide again: a file swapped after these checks is
 * judged by the kernel as Linux would.
 */
#include "emul/execprobe.h"
#include "emul/guestmem.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "emul/path.h"
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

static long fd_pread(void *ctx, void *buf, size_t len, long off)
{
	return lx_sys4(LX_SYS_pread64, (long)(intptr_t)ctx, buf, len, off);
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

/* execve's permission checks on an opened file */
static long check_exec(long fd)
{
	struct lx_stat st;
	struct lx_statfs sfs;
	long r;

	if ((r = lx_sys2(LX_SYS_fstat, fd, &st)) < 0)
		return r;
	if ((st.mode & S_IFMT) != S_IFREG)
		return -LX_EACCES;
	r = lx_sys4(LX_SYS_faccessat2, fd, "", LX_X_OK, LX_AT_EMPTY_PATH | LX_AT_EACCESS);
	if ((r == -LX_EPERM || r == -LX_ENOSYS) && may_exec_bits(&st) == 0)
		r = 0;
	if (r < 0)
		return -LX_EACCES;
	if (lx_sys2(LX_SYS_fstatfs, fd, &sfs) == 0 && (sfs.flags & LX_ST_NOEXEC))
		return -LX_EACCES;
	return 0;
}

/* Opens a file to exec; with `unreadable`, a file the caller may execute but not read is
 * opened O_PATH (only the kernel can run it) and *unreadable set. */
static long open_exec2(int dirfd, const char *path, int flags, int *unreadable)
{
	int nofollow = (flags & LX_AT_SYMLINK_NOFOLLOW) ? LX_O_NOFOLLOW : 0;
	long fd, r;

	fd = lx_sys4(LX_SYS_openat, dirfd, path, LX_O_RDONLY | LX_O_CLOEXEC | nofollow, 0);
	if (fd == -LX_EACCES && unreadable) {
		fd = lx_sys4(LX_SYS_openat, dirfd, path, LX_O_PATH | LX_O_CLOEXEC | nofollow, 0);
		if (fd >= 0 && (r = check_exec(fd)) < 0) {
			lx_sys1(LX_SYS_close, fd);
			return r;
		}
		if (fd >= 0)
			*unreadable = 1;
		return fd < 0 ? -LX_EACCES : fd;
	}
	if (fd < 0)
		return fd;
	if ((r = check_exec(fd)) < 0) {
		lx_sys1(LX_SYS_close, fd);
		return r;
	}
	return fd;
}

static long open_exec(int dirfd, const char *path, int flags)
{
	return open_exec2(dirfd, path, flags, NULL);
}

static int is_brand_image(long fd)
{
	struct lx_stat st;

	lx_brand_identity();
	return lx_sys2(LX_SYS_fstat, fd, &st) == 0 && st.dev == lx_proc.brand_dev &&
	       st.ino == lx_proc.brand_ino;
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

/*
 * Must the kernel run this file itself?  Yes when the caller may execute but not read it, or
 * when it is an ELF the zone's binfmt_misc entry matches whose set-user-ID, set-group-ID or
 * file capabilities would change the caller's credentials (not on a nosuid mount, not under
 * no_new_privs: there the kernel would not change them either, and the brand's own exec keeps
 * the process dumpable as Linux does).  Only where the zone registered the entry.
 */
static int kernel_runs(long fd, int unreadable)
{
	unsigned char h[20];
	struct lx_stat st;
	struct lx_statfs sfs;
	int creds;

	if (!unreadable) {
		if (lx_sys2(LX_SYS_fstat, fd, &st) < 0 ||
		    lx_sys4(LX_SYS_pread64, fd, h, sizeof(h), 0) != (long)sizeof(h) ||
		    memcmp(h, "\177ELF", 4) != 0 || h[7] >= 0x80 || h[18] != 0x3e || h[19] != 0)
			return 0;
		creds = ((st.mode & S_ISUID) && st.uid != (uint32_t)lx_sys0(LX_SYS_geteuid)) ||
			((st.mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP) &&
			 st.gid != (uint32_t)lx_sys0(LX_SYS_getegid)) ||
			lx_sys4(LX_SYS_fgetxattr, fd, "security.capability", 0, 0) > 0;
		if (!creds ||
		    (lx_sys2(LX_SYS_fstatfs, fd, &sfs) == 0 && (sfs.flags & LX_ST_NOSUID)) ||
		    lx_sys1(LX_SYS_prctl, LX_PR_GET_NO_NEW_PRIVS) == 1)
			return 0;
	}
	return lx_sys4(LX_SYS_faccessat2, LX_AT_FDCWD, LX_BINFMT_ENTRY, LX_F_OK, 0) == 0;
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

/* The file to run, opened as the kernel would check it (AT_EMPTY_PATH: dirfd itself); the
 * brand's own image stands for the guest's program.  A descriptor or -errno. */
static long exec_open(int dirfd, const char *path, int flags, int *unreadable)
{
	long fd, r;

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
		fd = open_exec2(LX_AT_FDCWD, fdlink, 0, unreadable);
	} else {
		fd = open_exec2(dirfd, path, flags, unreadable);
	}
	if (fd >= 0 && is_brand_image((int)fd)) {
		/* "/proc/self/exe" and friends name the brand; the guest means its own program
		 * (busybox re-executes itself that way) */
		lx_sys1(LX_SYS_close, fd);
		*unreadable = 0;
		fd = open_exec2(LX_AT_FDCWD, lx_proc_exe(), 0, unreadable);
	}
	return fd;
}

/* Follow "#!" like the kernel: up to four interpreters, then an ELF whose own interpreter must
 * open.  *fd is replaced by each interpreter's; *depth counts them.  0 or -errno. */
static long exec_follow_scripts(long *fd, struct lx_exec_info *lv, long *depth)
{
	long r;

	for (;;) {
		r = lx_exec_probe(fd_pread, (void *)(intptr_t)*fd, &lv[*depth]);
		if (r < 0)
			return r;
		if (lv[*depth].kind == LX_EXEC_ELF)
			break;
		if (*depth == MAX_SCRIPT_DEPTH)
			return -LX_ELOOP;
		lx_sys1(LX_SYS_close, *fd);
		*fd = open_exec(LX_AT_FDCWD, lv[*depth].interp, 0);
		if (*fd < 0)
			return *fd;
		(*depth)++;
	}
	if (lv[*depth].interp[0]) {
		long ifd = lx_sys3(LX_SYS_open, lv[*depth].interp, LX_O_RDONLY | LX_O_CLOEXEC, 0);
		if (ifd < 0)
			return ifd;
		lx_sys1(LX_SYS_close, ifd);
	}
	return 0;
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

	k = append(var, k, sz, sep);
	lx_xtoa(bf, num);
	k = append(var, k, sz, num);
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
	if (kernel) /* the checked file itself, by a descriptor it keeps (binfmt_misc refuses a
		     * close-on-exec one); the new brand closes it */
		r = lx_sys5(LX_SYS_execveat, hfd, "", argv, envp, LX_AT_EMPTY_PATH);
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
 * pages of the emulation stack as their lengths need (each a fresh page in a fork child),
 * not one page per fixed-size buffer.
 */
#define NAME_CAP (LX_EXEC_PATH_MAX + 32)
#define VAR_CAP	 (2 * LX_EXEC_PATH_MAX + 1300)
#define VEC_N	 512 /* environment entries kept in the scratch; more go to a mapping */
struct exec_scratch {
	_Alignas(8) char s[LX_EXEC_PATH_MAX + NAME_CAP + 8 + VEC_N * 8 + VAR_CAP];
};

static long do_exec(struct lx_sysctx *c, int dirfd, uint64_t upath, uint64_t uargv, uint64_t uenvp,
		    int flags)
{
	struct exec_scratch sc;
	char *path = sc.s, *name, *var;
	struct lx_exec_info lv[MAX_SCRIPT_DEPTH + 1];
	uint64_t *argv = NULL, *envp = NULL, *vec;
	size_t argv_len = 0, envp_len = 0;
	long fd, r, envc, depth = 0, hfd;
	int unreadable = 0, kernel;

	if (flags & ~(LX_AT_EMPTY_PATH | LX_AT_SYMLINK_NOFOLLOW))
		return -LX_EINVAL;
	r = lx_strncpy_from_guest(path, upath, LX_EXEC_PATH_MAX);
	if (r < 0)
		return r;
	name = path + lx_strlen(path) + 1;
	exec_name(name, NAME_CAP, dirfd, path);
	/* the vector goes after the name, 8-aligned, and the variable after the vector */
	vec = (uint64_t *)(((uintptr_t)name + lx_strlen(name) + 1 + 7) & ~(uintptr_t)7);
	fd = exec_open(dirfd, path, flags, &unreadable);
	if (fd < 0)
		return fd;
	kernel = kernel_runs((int)fd, unreadable);
	if (unreadable && !kernel) {
		lx_sys1(LX_SYS_close, fd);
		return -LX_EACCES; /* the brand would have to read it */
	}
	if (!kernel && (r = exec_follow_scripts(&fd, lv, &depth)) < 0) {
		if (fd >= 0)
			lx_sys1(LX_SYS_close, fd);
		return r;
	}
	/* argv: the guest's own, or the kernel's rewrite for scripts */
	if (depth && (r = exec_script_argv(uargv, lv, depth, name, &argv, &argv_len)) < 0)
		goto out_fd;
	/* envp + the hand-over variable, last */
	envc = read_vec(uenvp, &envp, &envp_len, 1, vec, VEC_N);
	if (envc < 0) {
		r = envc;
		goto out_argv;
	}
	hfd = lx_sys3(LX_SYS_fcntl, fd, LX_F_DUPFD, 3); /* inherited: no CLOEXEC */
	if (hfd < 0) {
		r = hfd;
		goto out_envp;
	}
	var = (char *)(envp_len ? vec : envp + envc + 2);
	if (exec_brand_var(var, VAR_CAP, c, hfd, name) >= VAR_CAP) {
		r = -LX_ENAMETOOLONG;
	} else {
		envp[envc] = (uintptr_t)var;
		envp[envc + 1] = 0;
		r = exec_now(c, kernel, hfd, depth ? (uint64_t)(uintptr_t)argv : uargv, envp);
	}
	/* only failures come back */
	lx_sys1(LX_SYS_close, hfd);
out_envp:
	vec_free(envp, envp_len);
out_argv:
	if (argv)
		vec_free(argv, argv_len);
out_fd:
	lx_sys1(LX_SYS_close, fd);
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
