/*
 * launch_run: the whole of `lxrun` once the plan is built.  Checks what can be checked before
 * anything starts (root, brand image, filter, program when there is no root), then execs in
 * place, or forks / spawns the zone and waits, then prints the unsupported-call report.
 */
#include "zone/launch/launch.h"
#include "kernel-shim/brand_abi.h"
#include "emul/systable.h"
#include "filter/filter.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct report_file {
	char path[4096];
	int fd;
};

static int report_create(struct report_file *r, struct zone_error *err)
{
	const char *tmp = getenv("TMPDIR");

	if (!tmp || !*tmp)
		tmp = "/tmp";
	snprintf(r->path, sizeof(r->path), "%s/lxrun-report-XXXXXX", tmp);
	r->fd = mkostemp(r->path, O_CLOEXEC);
	if (r->fd < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "report file in %s", tmp);
	/* zone processes of any uid append to it; only we read it */
	fchmod(r->fd, 0622);
	return 0;
}

static void report_finish(struct report_file *r, const struct launch_opts *opts)
{
	struct stat st;
	char *buf = NULL;
	FILE *out = stderr;
	ssize_t n = 0;

	if (r->fd < 0)
		return;
	if (fstat(r->fd, &st) == 0 && st.st_size > 0 && (buf = malloc((size_t)st.st_size)))
		n = pread(r->fd, buf, (size_t)st.st_size, 0);
	if (opts->report_file) {
		out = fopen(opts->report_file, "we");
		if (!out) {
			fprintf(stderr, "%s: report %s: %s\n", launch_prog, opts->report_file,
				strerror(errno));
			out = stderr;
		}
	}
	if (n > 0)
		launch_report_summarize(buf, (size_t)n, out);
	if (out != stderr)
		fclose(out);
	free(buf);
	close(r->fd);
	unlink(r->path);
	r->fd = -1;
}

/* The program (not lxrun) has the terminal while it runs; take it back for the shell. */
static void terminal_take_back(int was_foreground)
{
	struct sigaction ign = {.sa_handler = SIG_IGN}, old;

	if (!was_foreground || tcgetpgrp(STDIN_FILENO) == getpgrp())
		return;
	sigaction(SIGTTOU, &ign, &old);
	tcsetpgrp(STDIN_FILENO, getpgrp());
	sigaction(SIGTTOU, &old, NULL);
}

static int check_root(const char *root, struct zone_error *err)
{
	struct stat st;

	if (stat(root, &st) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "root %s", root);
	if (!S_ISDIR(st.st_mode))
		return launch_fail(err, LAUNCH_EXIT_CANNOT, ENOTDIR, "root %s", root);
	return 0;
}

/* One of our images (what: "brand image", env: the variable that names another) */
static int check_image(const char *path, const char *what, const char *env, struct zone_error *err)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "%s %s (set %s)", what, path,
				   env);
	if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, EACCES, "%s %s", what, path);
	return 0;
}

static void free_filter(struct sock_fprog *f)
{
	free(f->filter);
}

static void close_report(struct report_file *r)
{
	if (r->fd >= 0) {
		close(r->fd);
		unlink(r->path);
	}
}

/* No root: the program runs on the host; lxrun stays only if a report (or cgroup) needs it. */
static int run_host(const struct launch_plan *plan, const struct sock_fprog *filter,
		    struct report_file *rep, int *status, struct zone_error *err)
{
	const struct launch_opts *opts = plan->opts;
	struct launch_exec ex;
	unsigned flags = 0;
	sigset_t mask, fwd;
	size_t i;
	pid_t pid;

	sigprocmask(SIG_SETMASK, NULL, &mask);
	if (sigismember(&mask, SIGSYS))
		flags |= LX_BF_SIGSYS_MASKED;
	if (launch_exec_prepare(plan->opts, rep->fd >= 0 ? rep->path : NULL, flags, &ex, err) < 0)
		return -1;
	if (!plan->fork_for_wait) {
		if (flags & LX_BF_SIGSYS_MASKED) {
			sigdelset(&mask, SIGSYS);
			sigprocmask(SIG_SETMASK, &mask, NULL);
		}
		launch_exec_brand(&ex, filter, -1, plan->brand, err);
		launch_exec_free(&ex);
		return -1;
	}
	launch_forward_sigset(&fwd);
	sigprocmask(SIG_BLOCK, &fwd, NULL);
	fflush(NULL);
	/*
	 * vfork: a fork's copied page tables and the copy-on-write faults on both sides cost
	 * ~2.5 ms of every capped run on this VM.  lxrun waits anyway; the child only makes
	 * system calls (cgroup joins, its mount namespace, the filter, the exec), writes nothing
	 * of ours but err on failure, and leaves with the exec or _exit.  Its gate page mapping
	 * (launch_exec_brand) stays in lxrun's address space, unused.
	 */
	pid = vfork();
	if (pid < 0) {
		launch_exec_free(&ex);
		sigprocmask(SIG_SETMASK, &mask, NULL);
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "vfork");
	}
	if (pid == 0) {
		for (i = 0; i < plan->nops; i++)
			if (plan->ops[i].kind == LOP_HOST_CPU_DIR &&
			    launch_host_cpu_dir(&plan->ops[i], err) < 0) {
				fprintf(stderr, "%s: %s\n", launch_prog, err->msg);
				_exit(LAUNCH_EXIT_CANNOT);
			} else if (plan->ops[i].kind == LOP_JOIN_CGROUP) {
				/* same as in a zone: "0" is the writer */
				int fd = open(plan->ops[i].src, O_WRONLY | O_CLOEXEC);

				if (fd < 0 || write(fd, "0", 1) != 1) {
					launch_fail(err, LAUNCH_EXIT_CANNOT, errno,
						    "join cgroup %s", plan->ops[i].src);
					fprintf(stderr, "%s: %s\n", launch_prog, err->msg);
					_exit(LAUNCH_EXIT_CANNOT);
				}
				close(fd);
			}
		sigdelset(&mask, SIGSYS);
		sigprocmask(SIG_SETMASK, &mask, NULL);
		launch_exec_brand(&ex, filter, -1, plan->brand, err);
		fprintf(stderr, "%s: %s\n", launch_prog, err->msg);
		_exit(err->status);
	}
	launch_exec_free(&ex);
	*status = launch_wait_tick(pid, 1000, opts->tick, opts->tick_arg);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	return 0;
}

void launch_filter_view(const struct launch_opts *opts, struct lx_filter_opts *fo)
{
	int page = opts->zone_page && *opts->zone_page;

	fo->lxproc = page || (opts->kernel_version && *opts->kernel_version);
	fo->lxproc_version_only = !page;
	fo->lxproc_kernel_files = opts->lxproc_kernel;
	fo->affinity_native = opts->affinity_native;
	fo->kernel = lx_sys_kv_parse(opts->kernel_version);
}

int launch_run(const struct launch_plan *plan, int *status, struct zone_error *err)
{
	const struct launch_opts *opts = plan->opts;
	__attribute__((cleanup(free_filter))) struct sock_fprog filter = {0, NULL};
	__attribute__((cleanup(close_report))) struct report_file rep = {.fd = -1};
	struct lx_filter_opts fo = {.hardened = opts->hardened, .epoll_ppoll = opts->epoll_ppoll};
	const struct sock_fprog *use = &filter;
	int was_foreground;
	sigset_t mask, fwd;
	pid_t pid;

	if (opts->root && check_root(opts->root, err) < 0)
		return -1;
	if (check_image(plan->brand, "brand image", "LXZONE_BRAND_IMAGE", err) < 0)
		return -1;
	if (plan->init_image[0] &&
	    check_image(plan->init_image, "init image", "LXZONE_INIT_IMAGE", err) < 0)
		return -1;
	/* opts->filter: lxrun's cached build of the same filter (lxrun.c) */
	launch_filter_view(opts, &fo);
	if (!opts->filter && lx_filter_build(&fo, &filter, err) < 0) {
		err->status = LAUNCH_EXIT_CANNOT;
		return -1;
	}
	if (opts->filter)
		use = opts->filter;
	if (opts->report && report_create(&rep, err) < 0)
		return -1;

	if (!opts->root) {
		if (run_host(plan, use, &rep, status, err) < 0)
			return -1;
		report_finish(&rep, opts);
		return 0;
	}

	was_foreground = isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp();
	sigprocmask(SIG_SETMASK, NULL, &mask);
	launch_forward_sigset(&fwd);
	sigprocmask(SIG_BLOCK, &fwd, NULL);
	if (launch_spawn(plan, use, rep.fd >= 0 ? rep.path : NULL, &mask, &pid, err) < 0) {
		sigprocmask(SIG_SETMASK, &mask, NULL);
		return -1;
	}
	*status = launch_wait_tick(pid, 1000, opts->tick, opts->tick_arg);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	terminal_take_back(was_foreground);
	report_finish(&rep, opts);
	return 0;
}
