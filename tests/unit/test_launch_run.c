/*
 * lxrun end to end, with the stand-in brand (tests/unit/test_launch_standin.c), which prints
 * what it was handed: the error paths print one line and exit as a shell would, leaving
 * nothing mounted; the hand-over (argv, LXZONE_BRAND) is what brand_abi.h says, on the host
 * and in a zone; exit statuses and the unsupported-call report come back.
 *
 * Usage: test_launch_run LXRUN STANDIN.  Needs root (namespaces, mounts): exits 77 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "zone/launch/launch.h"

static const char *lxrun, *standin;
static char dir[64], root[128];

struct result {
	int status;
	int signaled; /* lxrun itself was killed (status is then 128+N too) */
	char out[16384];
	char err[16384];
};

static void slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, len - 1);

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

static pid_t start_v(va_list ap)
{
	char *argv[32], outp[128], errp[128];
	int n = 0;
	pid_t pid;

	argv[n++] = (char *)lxrun;
	while ((argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	snprintf(outp, sizeof(outp), "%s/out", dir);
	snprintf(errp, sizeof(errp), "%s/err", dir);
	unlink(outp);
	unlink(errp);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int o = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(in, 0);
		dup2(o, 1);
		dup2(e, 2);
		setenv("LXZONE_BRAND_IMAGE", standin, 1);
		execv(lxrun, argv);
		_exit(99);
	}
	return pid;
}

/* Start lxrun with args (NULL-terminated), stdin from /dev/null, output to files. */
static pid_t start(const char *first, ...)
{
	va_list ap;
	pid_t pid;

	(void)first; /* always NULL: lets the variadic part start at the first argument */
	va_start(ap, first);
	pid = start_v(ap);
	va_end(ap);
	return pid;
}

static void finish(struct result *r, pid_t pid)
{
	char outp[128], errp[128];
	int st;

	snprintf(outp, sizeof(outp), "%s/out", dir);
	snprintf(errp, sizeof(errp), "%s/err", dir);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r->signaled = WIFSIGNALED(st);
	slurp(outp, r->out, sizeof(r->out));
	slurp(errp, r->err, sizeof(r->err));
}

/* Run lxrun with args (NULL-terminated) to completion. */
static void run(struct result *r, ...)
{
	va_list ap;
	pid_t pid;

	va_start(ap, r);
	pid = start_v(ap);
	va_end(ap);
	finish(r, pid);
}

/* Wait (up to 5 s) until the program's output holds s. */
static int wait_output(const char *s)
{
	char outp[128], buf[16384];
	int i;

	snprintf(outp, sizeof(outp), "%s/out", dir);
	for (i = 0; i < 500; i++) {
		slurp(outp, buf, sizeof(buf));
		if (strstr(buf, s))
			return 1;
		usleep(10000);
	}
	return 0;
}

static int lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* mountinfo without the mount ids that change with every mount (fields 1-2 are stable) */
static void mounts(char *buf, size_t len)
{
	slurp("/proc/self/mountinfo", buf, len);
}

static void copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, mode);
	ssize_t n;

	assert_true(in >= 0 && out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		assert_int_equal(write(out, buf, (size_t)n), n);
	close(in);
	close(out);
	chmod(to, mode);
}

static int setup(void **state)
{
	char p[256];

	(void)state;
	strcpy(dir, "/tmp/test_launch_run.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/text", dir);
	copy_file("/etc/hostname", p, 0755);
	/* a root with the stand-in as its program, and nothing else: mount points get made */
	snprintf(root, sizeof(root), "%s/root", dir);
	mkdir(root, 0755);
	snprintf(p, sizeof(p), "%s/bin", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/bin/prog", root);
	copy_file(standin, p, 0755);
	snprintf(p, sizeof(p), "%s/file", dir);
	copy_file("/etc/hostname", p, 0644);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void test_host_handover(void **state)
{
	struct result r;
	char want[512];

	(void)state;
	run(&r, "--kernel-version", "5.15.0", "--", standin, "a b", "exit=7", NULL);
	assert_int_equal(r.status, 7);
	assert_non_null(strstr(r.out, "argv[0] "));
	assert_non_null(strstr(r.out, "\nargv[1] a b\nargv[2] exit=7\n"));
	/* flags 100: LX_BF_PATCH_LAZY, syscall-patching=auto in the default profile */
	snprintf(want, sizeof(want), "brand 2|100|5.15.0|||%s\n", standin);
	assert_non_null(strstr(r.out, want));
	assert_string_equal(r.err, "");
}

static void test_host_errors(void **state)
{
	struct result r;
	char p[256];

	(void)state;
	run(&r, "--", "no-such-program-xyz", NULL);
	assert_int_equal(r.status, 127);
	assert_int_equal(lines(r.err), 1);
	assert_non_null(strstr(r.err, "lxrun: no-such-program-xyz"));
	snprintf(p, sizeof(p), "%s/text", dir);
	run(&r, "--", p, NULL);
	assert_int_equal(r.status, 126);
	assert_int_equal(lines(r.err), 1);
	assert_string_equal(r.out, "");
	run(&r, "--bogus", "true", NULL);
	assert_int_equal(r.status, 125);
	assert_int_equal(lines(r.err), 1);
}

static void test_host_report(void **state)
{
	struct result r;
	char rep[256], text[4096];

	(void)state;
	snprintf(rep, sizeof(rep), "%s/report", dir);
	run(&r, "--report-unsupported", "--", standin, "unsup=165", "unsup=165", "unsup=39",
	    "exit=3", NULL);
	assert_int_equal(r.status, 3);
	/* stderr: mount twice, getpid once */
	assert_non_null(strstr(r.err, "mount "));
	assert_non_null(strstr(r.err, "getpid "));
	assert_int_equal(lines(r.err), 2);
	run(&r,
	    "--report-unsupported="
	    "/dev/null",
	    "--", standin, NULL);
	assert_int_equal(r.status, 0);
	{
		char arg[300];

		snprintf(arg, sizeof(arg), "--report-unsupported=%s", rep);
		run(&r, arg, "--", standin, "unsup=165", NULL);
	}
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "");
	slurp(rep, text, sizeof(text));
	assert_non_null(strstr(text, "mount "));
}

static void test_zone_handover(void **state)
{
	struct result r;
	char before[65536], after[65536];

	(void)state;
	mounts(before, sizeof(before));
	run(&r, "--root", root, "--", "/bin/prog", "x", "exit=5", NULL);
	mounts(after, sizeof(after));
	assert_string_equal(before, after);
	if (r.status != 5)
		print_message("stdout: %s\nstderr: %s\n", r.out, r.err);
	assert_int_equal(r.status, 5);
	/* minimal init is PID 1, the program its first child */
	assert_non_null(strstr(r.out, "pid 2\n"));
	assert_non_null(strstr(r.out, "argv[0] /bin/prog\nargv[1] x\n"));
	assert_non_null(strstr(r.out, "brand 2|100||||/bin/prog\n"));

	/* PATH search happens inside the root */
	run(&r, "--root", root, "--report-unsupported", "--", "prog", "unsup=165", NULL);
	if (r.status != 0)
		print_message("stdout: %s\nstderr: %s\n", r.out, r.err);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "brand 2|100||/dev/.lxzone-unsupported||/bin/prog\n"));
	assert_non_null(strstr(r.err, "mount "));
	mounts(after, sizeof(after));
	assert_string_equal(before, after);
}

static void test_zone_errors(void **state)
{
	struct result r;
	char before[65536], after[65536], p[256];

	(void)state;
	mounts(before, sizeof(before));
	run(&r, "--root", root, "--", "/bin/missing", NULL);
	assert_int_equal(r.status, 127);
	assert_int_equal(lines(r.err), 1);
	assert_non_null(strstr(r.err, "lxrun: /bin/missing"));
	run(&r, "--root", "/no/such/root", "--", "/bin/prog", NULL);
	assert_int_equal(r.status, 126);
	assert_int_equal(lines(r.err), 1);
	assert_non_null(strstr(r.err, "root /no/such/root"));
	snprintf(p, sizeof(p), "%s/file", dir);
	run(&r, "--root", p, "--", "/bin/prog", NULL);
	assert_int_equal(r.status, 126);
	assert_int_equal(lines(r.err), 1);
	assert_non_null(strstr(r.err, "Not a directory"));
	mounts(after, sizeof(after));
	assert_string_equal(before, after);
}

static void test_filter_installed(void **state)
{
	struct result r;

	(void)state;
	/* uname is trapped and nothing handles SIGSYS in the stand-in: killed, 128+31 */
	run(&r, "--", standin, "trap", NULL);
	assert_int_equal(r.status, 128 + SIGSYS);
	run(&r, "--root", root, "--", "/bin/prog", "trap", NULL);
	assert_int_equal(r.status, 128 + SIGSYS);
	/* init under the filter kept running until the program died, then reported it */
	assert_non_null(strstr(r.out, "pid 2\n"));
}

static void forward_one(const char *what, pid_t pid, int sig)
{
	struct result r;

	if (!wait_output("brand ")) {
		kill(pid, SIGKILL);
		fail_msg("%s: the program did not start", what);
	}
	usleep(50000); /* into pause() */
	assert_int_equal(kill(pid, sig), 0);
	finish(&r, pid);
	if (r.status != 128 + sig)
		print_message("%s: stdout %s\nstderr %s\n", what, r.out, r.err);
	/* lxrun survived the signal and exited with the program's status */
	assert_false(r.signaled);
	assert_int_equal(r.status, 128 + sig);
}

static void test_signal_forwarding(void **state)
{
	char before[65536], after[65536];

	(void)state;
	mounts(before, sizeof(before));
	/* lxrun stays as the parent (report wanted): it forwards SIGTERM to the program */
	forward_one("host", start(NULL, "--report-unsupported", "--", standin, "pause", NULL),
		    SIGTERM);
	/* in a zone: lxrun -> init -> program */
	forward_one("zone TERM", start(NULL, "--root", root, "--", "/bin/prog", "pause", NULL),
		    SIGTERM);
	forward_one("zone USR1", start(NULL, "--root", root, "--", "/bin/prog", "pause", NULL),
		    SIGUSR1);
	mounts(after, sizeof(after));
	assert_string_equal(before, after);
}

/* The first child of pid, from /proc/<pid>/task/<pid>/children. */
static pid_t child_of(pid_t pid)
{
	char p[128], buf[256];

	snprintf(p, sizeof(p), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	slurp(p, buf, sizeof(buf));
	return (pid_t)atoi(buf);
}

static void test_enter(void **state)
{
	char *argv[] = {"prog", "entered", "exit=6", NULL};
	struct launch_opts o = {.argv = argv, .brand_image = standin, .net_fd = -1};
	char outp[128], out[4096];
	pid_t zone, init, pid;
	int st;

	(void)state;
	zone = start(NULL, "--root", root, "--", "/bin/prog", "pause", NULL);
	assert_true(wait_output("brand "));
	init = child_of(zone);
	assert_true(init > 0);
	snprintf(outp, sizeof(outp), "%s/enter-out", dir);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct zone_error err = {0};
		int o_fd = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0644), status = -1;

		dup2(o_fd, 1);
		setenv("PATH", "/bin", 1);
		if (launch_enter(init, &o, &status, &err) < 0) {
			fprintf(stderr, "enter: %s\n", err.msg);
			_exit(100);
		}
		_exit(status);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	slurp(outp, out, sizeof(out));
	kill(zone, SIGTERM);
	assert_int_equal(waitpid(zone, NULL, 0), zone);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 6)
		print_message("enter: status %#x, output: %s\n", st, out);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 6);
	/* in the zone's pid namespace (init 1, program 2, us 3), resolved in its root */
	assert_non_null(strstr(out, "pid 3\n"));
	assert_non_null(strstr(out, "argv[0] prog\nargv[1] entered\n"));
	assert_non_null(strstr(out, "brand 2|100||||/bin/prog\n"));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_host_handover),     cmocka_unit_test(test_host_errors),
	    cmocka_unit_test(test_host_report),	      cmocka_unit_test(test_zone_handover),
	    cmocka_unit_test(test_zone_errors),	      cmocka_unit_test(test_filter_installed),
	    cmocka_unit_test(test_signal_forwarding), cmocka_unit_test(test_enter),
	};

	if (argc != 3) {
		fprintf(stderr, "usage: %s LXRUN STANDIN\n", argv[0]);
		return 2;
	}
	lxrun = argv[1];
	standin = argv[2];
	if (geteuid() != 0) {
		printf("skip: lxrun's zone tests need root (namespaces, mounts)\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
