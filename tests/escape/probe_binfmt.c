/*
 * probe_binfmt: a set-user-ID program started through the zone's binfmt_misc entry runs the
 * program the kernel opened, never one the caller names in a forged hand-over.
 * escape-contexts: zone
 * (Not oci, oci-userns: under the spec's default config the probe cannot try -- a read-only
 * root for its files, no CAP_SETUID to become a user, no_new_privs, under which the kernel
 * ignores set-user-ID -- and the container without a user namespace has no entry. Tried by
 * hand with Docker's capabilities, a writable root and noNewPrivileges false: `lxzone-oci
 * exec` still sets no_new_privs, so the set-user-ID copy ran as the user.)
 * Safe outcome: as a zone user, a gate execve of a set-user-ID-root copy of this probe with a
 * forged LXZONE_BRAND (program = another file by an inherited descriptor, report file = a
 * root-only file) runs the set-user-ID copy (its /proc/self/exe), and the root-only file is
 * not written; the zone cannot change or add binfmt_misc entries.
 *
 * The brand started by the kernel with the program's credentials (zone/launch/launch_binfmt.c,
 * kernel-shim/start.c) reads a hand-over written by whoever called execve: any guest can call
 * execve through the gate with an environment of its choosing.  If the brand took the program
 * from the hand-over's descriptor, a user would run its own code as root; if it took the
 * report path, root would append to a file the user chose.  The probe makes its files in the
 * zone's root directory (the zone's own, removed at the end) and writes nothing else.
 */
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel-shim/brand_abi.h"
#include "tests/escape/probe.h"

typedef long (*gate_fn)(long, long, long, long, long, long, long);

#define TARGET "/.probe-binfmt-target"
#define EVIL   "/.probe-binfmt-evil"
#define REPORT "/.probe-binfmt-report"

static int copy(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	ssize_t n;

	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0700);
	if (out < 0)
		return close(in), -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			n = -1;
	close(in);
	if (fchmod(out, mode) < 0)
		n = -1;
	close(out);
	return n < 0 ? -1 : 0;
}

static void cleanup(void)
{
	unlink(TARGET);
	unlink(EVIL);
	unlink(REPORT);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "report") == 0) {
		/* started set-user-ID: which program is this, with which euid; and one unknown
		 * system call, which the brand reports to its report file */
		char exe[256] = "";
		ssize_t k = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		syscall(499);
		printf("%s %d\n", k > 0 ? exe : "?", (int)geteuid());
		return 0;
	}
	if (access(LX_BINFMT_ENTRY, F_OK) != 0)
		probe_skip("no binfmt_misc entry in this zone (%s)", strerror(errno));
	int w = open(LX_BINFMT_DIR "/register", O_WRONLY | O_CLOEXEC);
	if (w >= 0) {
		close(w);
		probe_escaped("the zone opened %s/register for writing", LX_BINFMT_DIR);
	}
	cleanup();
	if (copy(argv[0], TARGET, 04755) < 0 || copy(argv[0], EVIL, 0755) < 0 ||
	    copy("/dev/null", REPORT, 0600) < 0) {
		cleanup();
		probe_skip("cannot make the probe's files in /: %s", strerror(errno));
	}
	int p[2];
	if (pipe(p) < 0)
		probe_skip("pipe: %s", strerror(errno));
	pid_t c = fork();
	if (c == 0) {
		close(p[0]);
		dup2(p[1], 1);
		int fd = open(EVIL, O_RDONLY); /* inherited by the exec */
		char env[512], *envp[] = {env, NULL};
		char *av[] = {TARGET, "report", NULL};
		snprintf(env, sizeof(env),
			 LX_BRAND_ENV "=" LX_BRAND_ENV_VERSION "\x1f%x\x1f\x1f" REPORT
				      "\x1f\x1f%d\x1f" EVIL,
			 LX_BF_EXECFD, fd);
		if (setgroups(0, NULL) < 0 || setresgid(1234, 1234, 1234) < 0 ||
		    setresuid(1234, 1234, 1234) < 0)
			_exit(126);
		((gate_fn)LX_GATE_ADDR)(SYS_execve, (long)TARGET, (long)av, (long)envp, 0, 0, 0);
		_exit(127);
	}
	close(p[1]);
	char line[512] = "";
	ssize_t n = read(p[0], line, sizeof(line) - 1);
	int st = 0;
	waitpid(c, &st, 0);
	line[n > 0 ? n : 0] = '\0';
	line[strcspn(line, "\n")] = '\0';
	struct stat rs;
	int written = stat(REPORT, &rs) == 0 && rs.st_size > 0;
	cleanup();
	if (written)
		probe_escaped("the set-user-ID brand wrote the forged report file %s", REPORT);
	if (strncmp(line, EVIL, strlen(EVIL)) == 0)
		probe_escaped("the set-user-ID exec ran the forged program: %s", line);
	if (strncmp(line, TARGET " 0", strlen(TARGET) + 2) != 0)
		probe_skip("the set-user-ID copy did not report as expected (status %d): '%s'",
			   WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), line);
	probe_safe("forged hand-over ignored (%s), report file untouched, register EROFS", line);
}
