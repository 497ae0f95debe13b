/*
 * LTP-like test programs for the harness's integration test (it_make_ltp.sh): one static
 * binary, installed under several names, that behaves like the LTP test of that name would on
 * its one check -- the result lines LTP's library prints ("FILE:LINE: TPASS|TFAIL|TCONF: ...")
 * and its exit status (0 pass, 1 fail, 32 conf).  Static, so it runs in a busybox zone.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define TPASS 0
#define TFAIL 1
#define TCONF 32

static int result(const char *name, int verdict, const char *what)
{
	static const char *const word[] = {[TPASS] = "TPASS", [TFAIL] = "TFAIL", [TCONF] = "TCONF"};

	printf("%s.c:1: %s: %s\n", name, word[verdict], what);
	return verdict;
}

static int getpid01(const char *n)
{
	return result(n, getpid() == (pid_t)syscall(SYS_getpid) ? TPASS : TFAIL, "getpid");
}

static int uname01(const char *n)
{
	struct utsname u;

	return result(n, uname(&u) == 0 && strcmp(u.sysname, "Linux") == 0 ? TPASS : TFAIL,
		      "uname sysname is Linux");
}

static int fork01(const char *n)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0)
		_exit(7);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return result(n, TFAIL, "fork or waitpid failed");
	return result(n, WIFEXITED(status) && WEXITSTATUS(status) == 7 ? TPASS : TFAIL,
		      "child exit status 7");
}

/* mknod of a character device node: root may natively; Linux refuses it in any user
 * namespace (EPERM), so the user-namespaced zone fails it -- a real regression to count. */
static int mknod01(const char *n)
{
	int rc = mknod("node", S_IFCHR | 0600, makedev(1, 3));
	int e = errno;

	unlink("node");
	if (rc == 0)
		return result(n, TPASS, "mknod of a character device");
	printf("%s.c:1: TFAIL: mknod of a character device: %s\n", n, strerror(e));
	return TFAIL;
}

static int conf01(const char *n)
{
	return result(n, TCONF, "not supported here");
}

static const struct {
	const char *name;
	int (*run)(const char *);
} tests[] = {
    {"getpid01", getpid01}, {"uname01", uname01}, {"fork01", fork01},
    {"mknod01", mknod01},   {"conf01", conf01},
};

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];

	(void)argc;
	setvbuf(stdout, NULL, _IONBF, 0);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (strcmp(tests[i].name, name) == 0)
			return tests[i].run(name);
	fprintf(stderr, "ltplike: no test called %s\n", name);
	return 2;
}
