/*
 * lxrun: run one program under the brand, on the host or in a new zone.
 *
 *     lxrun [--root DIR] [--kernel-version X.Y.Z] [--memory SIZE] [--cpus N]
 *           [--report-unsupported[=FILE]] [--strict] [--hardened] [--dry-run] -- PROGRAM [ARG...]
 *
 * All the work is in the launcher library (zone/launch/launch.h) and, for --memory/--cpus, in
 * lxrun_caps.c; this is the command line.
 */
#include "zone/launch/launch.h"
#include "cli/lxrun_caps.h"

#include "emul/systable.h"
#include "filter/filter.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The brand filter from lxrun's cache in its run directory, as a zone store caches it
 * (filter/filter.h: lx_filter_cache_read / lx_filter_cache_write, one file per key,
 * ours and checked before use): building it with libseccomp is ~5 ms of every start.  No run
 * directory of our own, or any cache error: NULL, and launch_run builds the filter.
 */
static const struct sock_fprog *filter_cached(const struct launch_opts *opts,
					      struct sock_fprog *prog)
{
	struct lx_filter_opts fo = {.hardened = opts->hardened, .epoll_ppoll = opts->epoll_ppoll};
	char dir[4096], name[64];
	struct zone_error why = {0}; /* a cache miss or a failed build: lxrun builds again */
	const struct sock_fprog *r = NULL;
	int dfd;

	launch_filter_view(opts, &fo);

	if (lxrun_run_dir(dir, sizeof(dir)) != 0 ||
	    (mkdir(dir, geteuid() == 0 ? 0755 : 0700) < 0 && errno != EEXIST))
		return NULL;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return NULL;
	snprintf(name, sizeof(name), ".filter-%016llx.bpf", (unsigned long long)lx_filter_key(&fo));
	if (lx_filter_cache_read(dfd, name, &fo, prog, &why) == 0) {
		r = prog;
	} else if (lx_filter_build(&fo, prog, &why) == 0) {
		/* a cache that cannot be written costs the next run time, nothing else */
		lx_filter_cache_write(dfd, name, &fo, prog, &why);
		r = prog;
	}
	close(dfd);
	return r;
}

/* Set the caps up with the forwarded signals held, so a SIGTERM in between cannot leave a
 * cgroup behind: one that came is answered by cleaning up and dying of it. */
static int caps_start(struct lxrun_caps *caps, struct launch_opts *opts, struct zone_error *err)
{
	sigset_t fwd, old, pending;
	siginfo_t si;
	struct timespec zero = {0, 0};
	int r;

	launch_forward_sigset(&fwd);
	sigdelset(&fwd, SIGCHLD);
	sigprocmask(SIG_BLOCK, &fwd, &old);
	r = lxrun_caps_start(caps, opts, err);
	sigpending(&pending);
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&fwd, sig) && sigismember(&pending, sig) &&
		    !sigismember(&old, sig)) {
			lxrun_caps_end(caps);
			sigtimedwait(&fwd, &si, &zero);
			signal(sig, SIG_DFL);
			sigprocmask(SIG_SETMASK, &old, NULL);
			raise(sig);
			return launch_fail(err, 128 + sig, 0, "%s", strsignal(sig));
		}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}

int main(int argc, char **argv)
{
	struct zone_error err = {0};
	struct launch_opts opts;
	struct launch_plan *plan;
	struct lxrun_caps *caps;
	struct sock_fprog filter = {0, NULL};
	int r, status = 0;

	r = launch_opts_parse(argc, argv, &opts, stdout, &err);
	if (r == 1)
		return 0;
	if (r < 0) {
		fprintf(stderr, "lxrun: %s\n", err.msg);
		return err.status;
	}
	plan = calloc(1, sizeof(*plan));
	caps = calloc(1, sizeof(*caps));
	if (!plan || !caps) {
		fputs("lxrun: out of memory\n", stderr);
		return LAUNCH_EXIT_CANNOT;
	}
	if (lxrun_caps_plan(caps, &opts, &err) < 0 || launch_plan_build(&opts, plan, &err) < 0) {
		fprintf(stderr, "lxrun: %s\n", err.msg);
		free(plan);
		free(caps);
		return err.status;
	}
	if (opts.dry_run) {
		launch_plan_print(plan, stdout);
		free(plan);
		free(caps);
		return 0;
	}
	/* after the caps: the cgroup made tells whether affinity needs the brand */
	if (caps_start(caps, &opts, &err) < 0 ||
	    ((opts.filter = filter_cached(&opts, &filter)), launch_run(plan, &status, &err) < 0)) {
		fprintf(stderr, "lxrun: %s\n", err.msg);
		status = err.status;
	}
	lxrun_caps_end(caps);
	free(filter.filter);
	free(plan);
	free(caps);
	return status;
}
