/*
 * The hand-over to the brand: find the program as execvp would, decide what execve would do
 * with it (emul/execprobe.c), answer its errors as a shell would, build the argv the kernel
 * would build and the LXZONE_BRAND variable, then install the filter and exec the brand.
 *
 * Why the gate stub: once the filter is installed, execve/execveat are trapped, and no SIGSYS
 * handler exists until the brand starts.  The filter lets a trapped call through only from the
 * gate region (LX_GATE_ADDR), so lxrun maps a copy of the brand's gate code there and makes
 * the exec from it.  Between lx_filter_install and the exec no other system call is made:
 * rt_sigprocmask, uname, readlink ... are trapped and would kill the process.  If the exec
 * fails, only write and exit_group (both pass-through) are used to report it.
 */
#include "zone/launch/launch.h"
#include "emul/execprobe.h"
#include "kernel-shim/brand_abi.h"
#include "filter/filter.h"
#include "netlink/nlfilter.h"
#include "emul/exefilter.h"
#include "lib/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

#define DEFAULT_PATH	 "/bin:/usr/bin"
#define MAX_SCRIPT_DEPTH 4 /* as Linux's BINPRM_MAX_RECURSION */

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
#define cleanup_fd __attribute__((cleanup(close_fd)))

/* 0 if p is an executable regular file, else the errno execve would give. */
static int exec_check(const char *p)
{
	struct stat st;

	if (stat(p, &st) < 0)
		return errno;
	if (S_ISDIR(st.st_mode))
		return EISDIR;
	if (!S_ISREG(st.st_mode) || access(p, X_OK) < 0)
		return EACCES;
	return 0;
}

int launch_resolve(const char *prog, const char *path, char *buf, size_t len,
		   struct zone_error *err)
{
	const char *p, *end;
	int seen_eacces = 0, e;

	if (!*prog)
		return launch_fail(err, LAUNCH_EXIT_NOTFOUND, ENOENT, "''");
	if (strchr(prog, '/')) {
		if (strlen(prog) >= len)
			return launch_fail(err, LAUNCH_EXIT_NOTFOUND, ENAMETOOLONG, "%s", prog);
		strcpy(buf, prog);
		e = exec_check(prog);
		if (e)
			return launch_fail(err,
					   e == ENOENT || e == ENOTDIR ? LAUNCH_EXIT_NOTFOUND
								       : LAUNCH_EXIT_CANNOT,
					   e, "%s", prog);
		return 0;
	}
	if (!path)
		path = DEFAULT_PATH;
	for (p = path;; p = end + 1) {
		size_t dlen;

		end = strchrnul(p, ':');
		dlen = (size_t)(end - p);
		/* an empty entry means the current directory, as in execvp */
		if ((dlen ? dlen + 1 : 0) + strlen(prog) < len) {
			if (dlen)
				snprintf(buf, len, "%.*s/%s", (int)dlen, p, prog);
			else
				snprintf(buf, len, "%s", prog);
			e = exec_check(buf);
			if (!e)
				return 0;
			if (e == EACCES)
				seen_eacces = 1;
		}
		if (!*end)
			break;
	}
	if (seen_eacces)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, EACCES, "%s", prog);
	return launch_fail(err, LAUNCH_EXIT_NOTFOUND, 0, "%s: command not found", prog);
}

int launch_brand_env_value(unsigned flags, const char *kver, const char *report, const char *page,
			   const char *guest, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s%c%x%c%s%c%s%c%s%c%s", LX_BRAND_ENV_VERSION, LX_BRAND_SEP,
			 flags, LX_BRAND_SEP, kver ? kver : "", LX_BRAND_SEP, report ? report : "",
			 LX_BRAND_SEP, page ? page : "", LX_BRAND_SEP, guest);

	return n < 0 || (size_t)n >= len ? -1 : n;
}

static long pread_fd(void *ctx, void *buf, size_t len, long off)
{
	ssize_t n = pread(*(int *)ctx, buf, len, off);

	return n < 0 ? -errno : n;
}

/* Why a file is not executable, for the message: "wrong architecture" beats "not ELF". */
static const char *noexec_reason(int fd)
{
	unsigned char h[20];

	if (pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h) || memcmp(h, "\177ELF", 4))
		return "not an ELF executable or #! script";
	if (h[4] == 1 && h[18] == 3)
		return "wrong architecture (32-bit i386 ELF; x86_64 only)";
	if (h[4] == 1)
		return "wrong architecture (32-bit ELF; x86_64 only)";
	if (h[18] != 62 || h[19] != 0)
		return "wrong architecture (not x86_64)";
	return "malformed ELF";
}

/* Probe path: fills info, or fails with what a shell would print for `who`. */
static int probe(const char *who, const char *path, struct lx_exec_info *info,
		 struct zone_error *err)
{
	cleanup_fd int fd = open(path, O_RDONLY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return launch_fail(err,
				   errno == ENOENT || errno == ENOTDIR ? LAUNCH_EXIT_NOTFOUND
								       : LAUNCH_EXIT_CANNOT,
				   errno, "%s", who);
	memset(info, 0, sizeof(*info));
	r = lx_exec_probe(pread_fd, &fd, info);
	if (r == -ENOEXEC)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, 0, "%s: cannot execute: %s", who,
				   noexec_reason(fd));
	if (r < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, -r, "%s: read", who);
	return 0;
}

static int push_arg(struct launch_exec *ex, size_t *cap, const char *s)
{
	if (ex->nargv + 2 > *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		char **n = realloc(ex->argv, ncap * sizeof(*n));

		if (!n)
			return -1;
		ex->argv = n;
		*cap = ncap;
	}
	ex->argv[ex->nargv] = strdup(s);
	if (!ex->argv[ex->nargv])
		return -1;
	ex->argv[++ex->nargv] = NULL;
	return 0;
}

/* Once the program is forked, only it may send the mount listener (launch.h, notify_sock). */
void launch_notify_sock_close(const struct launch_opts *opts)
{
	if (opts->notify_sock && *opts->notify_sock >= 0) {
		close(*opts->notify_sock);
		*opts->notify_sock = -1;
	}
}

void launch_exec_free(struct launch_exec *ex)
{
	size_t i;

	for (i = 0; ex->argv && i < ex->nargv; i++)
		free(ex->argv[i]);
	free(ex->argv);
	free(ex->envp);
	free(ex->brand_env);
	ex->argv = NULL;
	ex->envp = NULL;
	ex->brand_env = NULL;
	ex->nargv = 0;
}

/*
 * argv for a chain of "#!" scripts, as the kernel builds it: for each level, the interpreter,
 * its optional argument, then the path of the file being run, then what followed argv[0].
 * prefix[] collects those, innermost interpreter first.
 */
static int build_argv(struct launch_exec *ex, char *const *orig, char (*prefix)[LX_BINPRM_BUF],
		      size_t nprefix)
{
	size_t cap = 0, i;

	for (i = nprefix; i-- > 0;)
		if (push_arg(ex, &cap, prefix[i]) < 0)
			return -1;
	if (nprefix) {
		/* the script path replaces argv[0], as in load_script() */
		if (push_arg(ex, &cap, ex->path) < 0)
			return -1;
	} else if (push_arg(ex, &cap, orig[0]) < 0) {
		return -1;
	}
	for (i = 1; orig[i]; i++)
		if (push_arg(ex, &cap, orig[i]) < 0)
			return -1;
	return 0;
}

static int build_envp(struct launch_exec *ex, unsigned flags, const char *kver, const char *report,
		      const char *page)
{
	size_t n = 0, i, j = 0,
	       vlen = strlen(ex->guest) + 256 + (kver ? strlen(kver) : 0) +
		      (report ? strlen(report) : 0) + (page ? strlen(page) : 0);
	size_t plen = strlen(LX_BRAND_ENV) + 1;

	while (environ && environ[n])
		n++;
	ex->envp = calloc(n + 2, sizeof(char *));
	ex->brand_env = malloc(plen + vlen);
	if (!ex->envp || !ex->brand_env)
		return -1;
	for (i = 0; i < n; i++)
		/* a stale LXZONE_BRAND (lxrun under the brand) must not shadow ours */
		if (strncmp(environ[i], LX_BRAND_ENV "=", plen))
			ex->envp[j++] = environ[i];
	memcpy(ex->brand_env, LX_BRAND_ENV "=", plen);
	if (launch_brand_env_value(flags, kver, report, page, ex->guest, ex->brand_env + plen,
				   vlen) < 0)
		return -1;
	ex->envp[j++] = ex->brand_env;
	ex->envp[j] = NULL;
	return 0;
}

int launch_exec_prepare(const struct launch_opts *opts, const char *report_path, unsigned flags,
			struct launch_exec *ex, struct zone_error *err)
{
	char prefix[2 * MAX_SCRIPT_DEPTH][LX_BINPRM_BUF];
	const char *prog = opts->argv[0];
	struct lx_exec_info info;
	char cur[4096];
	size_t np = 0;
	int depth;

	memset(ex, 0, sizeof(*ex));
	ex->notify_sock = opts->notify_sock ? *opts->notify_sock : -1;
	ex->net_view = opts->net_view;
	if (launch_resolve(prog, getenv("PATH"), ex->path, sizeof(ex->path), err) < 0)
		return -1;
	if (probe(prog, ex->path, &info, err) < 0)
		return -1;
	strcpy(cur, ex->path);
	for (depth = 0; info.kind == LX_EXEC_SCRIPT; depth++) {
		char interp[LX_BINPRM_BUF];

		if (depth == MAX_SCRIPT_DEPTH)
			return launch_fail(err, LAUNCH_EXIT_CANNOT, ELOOP, "%s: #! chain", prog);
		/* innermost first: arg then interp, reversed again in build_argv */
		if (info.interp_arg[0])
			strcpy(prefix[np++], info.interp_arg);
		strcpy(prefix[np++], info.interp);
		strcpy(interp, info.interp);
		if (probe(interp, interp, &info, err) < 0) {
			/* bash: "./x: /no/such: bad interpreter: No such file or directory" */
			char inner[sizeof(err->msg)];
			int errnum = err->code;

			memcpy(inner, err->msg, sizeof(inner));
			inner[sizeof(inner) - 200] = '\0'; /* room for the prefix */
			launch_fail(err, 0, 0, "%.100s: bad interpreter %s", prog, inner);
			err->code = errnum;
			return -1;
		}
		strcpy(cur, interp);
	}
	if (info.interp[0] && access(info.interp, F_OK) < 0)
		return launch_fail(err, LAUNCH_EXIT_NOTFOUND, errno, "%s: ELF interpreter %s", prog,
				   info.interp);
	strcpy(ex->guest, cur);
	if (opts->strict)
		flags |= LX_BF_STRICT;
	if (opts->hardened)
		flags |= LX_BF_HARDENED;
	if (opts->exe_kernel)
		flags |= LX_BF_EXE_KERNEL;
	flags |= launch_patching(opts);
	if (build_argv(ex, opts->argv, prefix, np) < 0 ||
	    build_envp(ex, flags, opts->kernel_version, report_path, opts->zone_page) < 0) {
		launch_exec_free(ex);
		return launch_fail(err, LAUNCH_EXIT_CANNOT, ENOMEM, "%s", prog);
	}
	return 0;
}

typedef long (*gate_fn)(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

/*
 * The gate's page, held from before main in every program that can launch (this object is
 * linked where arm is), so that none of its own later mappings (a malloc arena, a thread's
 * stack, a library it opens) lands there; a launch maps the gate over it in the child.  The
 * libraries ld.so mapped before this runs sit where the kernel's randomized layout put them:
 * when one covers the page (a few MiB in the top TiB: once in 10^5 to 10^6 starts), the
 * program runs itself again, with nothing of its own done yet, and so a new layout.  Not
 * where the layout is not randomized (setarch -R, randomize_va_space 0): the same layout
 * would come back, and the launch fails as before, with one line.
 */
#define GATE_PAGE ((void *)(LX_GATE_ADDR & ~4095UL))
static int gate_reserved;

static int layout_randomized(void)
{
	char v[8];

	if (personality(0xffffffff) & ADDR_NO_RANDOMIZE)
		return 0;
	return zone_read_text(v, sizeof(v), "/proc/sys/kernel/randomize_va_space") < 1 ||
	       v[0] != '0';
}

/* glibc calls an ELF constructor with main's arguments */
static void __attribute__((constructor)) gate_reserve(int argc, char **argv, char **envp)
{
	void *p = mmap(GATE_PAGE, 4096, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);

	(void)argc;
	if (p == GATE_PAGE) {
		gate_reserved = 1;
		return;
	}
	if (p != MAP_FAILED) { /* a kernel without MAP_FIXED_NOREPLACE took it as a hint */
		munmap(p, 4096);
		return;
	}
	if (errno == EEXIST && argv && layout_randomized())
		execve("/proc/self/exe", argv, envp); /* returns only if it failed: go on */
}

static int gate_map(struct zone_error *err)
{
	static const unsigned char stub[] = LX_GATE_STUB_BYTES;
	void *page = GATE_PAGE;
	void *p = mmap(page, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS |
			   (gate_reserved ? MAP_FIXED : MAP_FIXED_NOREPLACE),
		       -1, 0);

	if (p == MAP_FAILED)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "map the gate at %#lx",
				   (unsigned long)page);
	if (p != page) { /* a kernel without MAP_FIXED_NOREPLACE took it as a hint */
		munmap(p, 4096);
		return launch_fail(err, LAUNCH_EXIT_CANNOT, EEXIST, "map the gate at %#lx",
				   (unsigned long)page);
	}
	memcpy((void *)LX_GATE_ADDR, stub, sizeof(stub));
	if (mprotect(page, 4096, PROT_READ | PROT_EXEC) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "mprotect the gate");
	return 0;
}

/* After the filter is in: no libc that could make a system call, only the gate. */
static size_t put_str(char *buf, size_t at, size_t cap, const char *s)
{
	while (*s && at + 1 < cap)
		buf[at++] = *s++;
	return at;
}

/*
 * The zone's mount service: install the filter with a new listener and send the listener over
 * sock, then close both.  Runs after the filter is in, so only pass-through calls (sendmsg,
 * close) through the gate.  A listener that cannot be sent is closed: the zone's mounts then
 * fail with ENOSYS, never hang.
 */
static int install_with_listener(const struct sock_fprog *filter, int sock, struct zone_error *err)
{
	gate_fn gate = (gate_fn)LX_GATE_ADDR;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = (void *)"L", .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *cm;
	int listener;

	memset(&u, 0, sizeof(u));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	if (lx_filter_install_listener(filter, &listener, err) < 0)
		return -1;
	memcpy(CMSG_DATA(cm), &listener, sizeof(int));
	gate(SYS_sendmsg, sock, (long)&msg, MSG_NOSIGNAL, 0, 0, 0);
	gate(SYS_close, listener, 0, 0, 0, 0, 0);
	gate(SYS_close, sock, 0, 0, 0, 0, 0);
	return 0;
}

/* strerror may load locale data (open, mmap): the strings are resolved before the filter */
static const int known[] = {ENOENT, EACCES, ENOEXEC, ENOMEM, E2BIG, ETXTBSY, EPERM, EFAULT};
static const char *known_str[sizeof(known) / sizeof(known[0])];

/* The netlink view's filter (netlink/nlfilter.h), first: it traps nothing this process does
 * before the brand runs (no netlink socket is made in between), and once the brand's filter
 * is in, only the gate could install it. */
static int arm_net_view(struct zone_error *err)
{
	struct lx_sock_filter prog[LX_NLFILTER_LEN];
	struct sock_fprog fprog = {LX_NLFILTER_LEN, (struct sock_filter *)prog};

	_Static_assert(sizeof(struct lx_sock_filter) == sizeof(struct sock_filter), "layout");
	lx_nlfilter_build(prog);
	if (lx_filter_install(&fprog, err) < 0)
		return zone_error_wrap(err, "netlink view");
	return 0;
}

/* The exe filter (emul/exefilter.h) on a process that will not be able to stack it later: after
 * the brand's filter, through the gate. */
__attribute__((no_sanitize("address", "undefined"))) int
launch_exefilter_arm(struct zone_error *err)
{
	struct lx_sock_filter prog[LX_EXEFILTER_LEN];
	struct sock_fprog fprog = {LX_EXEFILTER_LEN, (struct sock_filter *)prog};
	long r;

	lx_exefilter_build(prog);
	r = LAUNCH_GATE(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, (long)&fprog, 0, 0, 0);
	if (r < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, (int)-r, "exe filter");
	return 0;
}

/* Map the gate and install filter, with a listener sent over notify_sock when >= 0. */
static int arm(const struct sock_fprog *filter, int notify_sock, int net_view,
	       struct zone_error *err)
{
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		known_str[i] = strerror(known[i]);
	if (gate_map(err) < 0)
		return -1;
	if (net_view && arm_net_view(err) < 0) {
		err->status = LAUNCH_EXIT_CANNOT;
		return -1;
	}
	if (notify_sock >= 0 ? install_with_listener(filter, notify_sock, err) < 0
			     : lx_filter_install(filter, err) < 0) {
		err->status = LAUNCH_EXIT_CANNOT;
		return -1;
	}
	return 0;
}

int launch_exec_arm(const struct launch_exec *ex, const struct sock_fprog *filter,
		    struct zone_error *err)
{
	return arm(filter, ex->notify_sock, ex->net_view, err);
}

/*
 * After the filter is in: exec the image at fd (execveat, AT_EMPTY_PATH) if fd >= 0, else at
 * path, through the gate only, and no sanitizer (see launch_harden.c).  A failure writes
 * "PROG: exec WHAT PATH: reason" (PROG: launch_prog) and exits 126.
 */
__attribute__((no_sanitize("address", "undefined"), noreturn)) static void
gate_exec_armed(const char *what, const char *path, int fd, char *const *argv, char *const *envp)
{
	gate_fn gate = (gate_fn)LX_GATE_ADDR;
	char msg[1024];
	size_t n = 0, i;
	long r;

	if (fd >= 0)
		r = gate(SYS_execveat, fd, (long)"", (long)argv, (long)envp, AT_EMPTY_PATH, 0);
	else
		r = gate(SYS_execve, (long)path, (long)argv, (long)envp, 0, 0, 0);

	n = put_str(msg, n, sizeof(msg) - 1, launch_prog);
	n = put_str(msg, n, sizeof(msg) - 1, ": exec ");
	n = put_str(msg, n, sizeof(msg) - 1, what);
	n = put_str(msg, n, sizeof(msg) - 1, " ");
	n = put_str(msg, n, sizeof(msg) - 1, path);
	n = put_str(msg, n, sizeof(msg) - 1, ": ");
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (-r == known[i])
			break;
	if (i < sizeof(known) / sizeof(known[0]) && known_str[i]) {
		n = put_str(msg, n, sizeof(msg) - 1, known_str[i]);
	} else {
		char num[24];
		size_t k = sizeof(num) - 1;
		unsigned long v = (unsigned long)-r;

		num[k] = '\0';
		do
			num[--k] = (char)('0' + v % 10);
		while ((v /= 10) && k > 0);
		n = put_str(msg, n, sizeof(msg) - 1, "errno ");
		n = put_str(msg, n, sizeof(msg) - 1, num + k);
	}
	msg[n++] = '\n';
	gate(SYS_write, 2, (long)msg, (long)n, 0, 0, 0);
	gate(SYS_exit_group, LAUNCH_EXIT_CANNOT, 0, 0, 0, 0, 0);
	__builtin_unreachable();
}

/* These three call gate_exec_armed, which is noreturn, after the filter is in: left alone by
 * the sanitizers (launch_armed_exit says why). */
__attribute__((no_sanitize("address", "undefined"))) void
launch_exec_armed(const struct launch_exec *ex, int brand_fd, const char *brand_path)
{
	gate_exec_armed("brand", brand_path, brand_fd, ex->argv, ex->envp);
}

__attribute__((no_sanitize("address", "undefined"))) int
launch_exec_brand(const struct launch_exec *ex, const struct sock_fprog *filter, int brand_fd,
		  const char *brand_path, struct zone_error *err)
{
	if (arm(filter, ex->notify_sock, ex->net_view, err) < 0)
		return -1;
	gate_exec_armed("brand", brand_path, brand_fd, ex->argv, ex->envp);
}

__attribute__((no_sanitize("address", "undefined"))) void
launch_exec_init_armed(int init_fd, const char *init_path, pid_t guest)
{
	char pid[24];
	char *argv[] = {(char *)LAUNCH_INIT_NAME, pid, NULL};
	char *envp[] = {NULL};

	snprintf(pid, sizeof(pid), "%d", (int)guest);
	gate_exec_armed("init", init_path, init_fd, argv, envp);
}
