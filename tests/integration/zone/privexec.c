/*
 * privexec: the set-user-ID / file-capability / execute-only test program
 * (tests/integration/zone/test_privexec.sh).  Static, so it runs in any zone image.
 *
 *   privexec who [ARGS]          one line: ids, dumpable, AT_SECURE, argc, argv[0],
 *                                /proc/self/cmdline ('|' for NUL), /proc/self/exe, CapEff
 *   privexec drop UID GID PROG [ARGS]
 *                                become UID:GID (no supplementary groups) and exec PROG, as
 *                                login and su do: root gives up its ids without no_new_privs
 *   privexec nnp PROG [ARGS]     set no_new_privs and exec PROG
 *   privexec raw                 open an ICMP raw socket: "raw ok" or "raw ERRNO"
 *   privexec rename NAME         uname, sethostname(NAME), uname again in the same process:
 *                                "OLD NEW" as uname saw them (the brand must not cache)
 *   privexec sigs                the ignored signals as this program sees them (rt_sigaction)
 *                                and as the kernel holds them (SigIgn): "view=HEX kernel=HEX"
 *   privexec forge HINT PROG [ARGS]
 *                                ignore SIGUSR1, default SIGUSR2, and execve PROG through the
 *                                brand's gate with a hand-over of its own making whose ignored
 *                                signals are HINT (hex): the hint any guest can forge
 *   privexec ign PROG [ARGS]     ignore SIGUSR1, default SIGUSR2, and exec PROG (the brand's
 *                                own hand-over)
 *   privexec creds               one line: "euid=N NoNewPrivs=N CapPrm=X CapEff=X CapBnd=X
 *                                CapAmb=X" (the last five as /proc/self/status has them)
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel-shim/brand_abi.h"

typedef long (*gate_fn)(long, long, long, long, long, long, long);

/* the kernel's struct sigaction: glibc's refuses its own signals 32 and 33 */
struct ksigaction {
	unsigned long handler, flags, restorer, mask;
};

/* Bit sig - 1 set for each signal whose disposition this program reads as SIG_IGN, and the
 * kernel's SigIgn.  SIGSYS, SIGSEGV and SIGBUS are left out (the kernel holds the brand's
 * handler for them, whatever the guest's), and SIGKILL and SIGSTOP are never ignored. */
static void sigs(void)
{
	unsigned long long view = 0, kern = ~0ULL, skip;
	char line[256];
	FILE *f;

	skip = 1ULL << (SIGSYS - 1) | 1ULL << (SIGSEGV - 1) | 1ULL << (SIGBUS - 1);
	for (int sig = 1; sig <= 64; sig++) {
		struct ksigaction old;
		if (syscall(SYS_rt_sigaction, sig, NULL, &old, 8) == 0 &&
		    old.handler == (unsigned long)SIG_IGN)
			view |= 1ULL << (sig - 1);
	}
	f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "SigIgn: %llx", &kern) == 1)
			break;
	if (f)
		fclose(f);
	printf("view=%llx kernel=%llx\n", view & ~skip, kern & ~skip);
}

static void usr1_ignored(void)
{
	signal(SIGUSR1, SIG_IGN);
	signal(SIGUSR2, SIG_DFL);
}

/* The gate's execve of prog with only a hand-over written here: flags 0 with the hint, the
 * host's kernel version, no report, the zone page's fixed path, the program by its path. */
static int forge(const char *hint, char **argv)
{
	char env[512], *envp[] = {env, NULL};

	usr1_ignored();
	snprintf(env, sizeof(env),
		 LX_BRAND_ENV "=" LX_BRAND_ENV_VERSION "\x1f"
			      "0:%s\x1f\x1f\x1f" LX_ZONE_PAGE "\x1f%s",
		 hint, argv[0]);
	long r =
	    ((gate_fn)LX_GATE_ADDR)(SYS_execve, (long)argv[0], (long)argv, (long)envp, 0, 0, 0);
	fprintf(stderr, "%s: %s\n", argv[0], strerror((int)-r));
	return 127;
}

static void who(int argc, char **argv)
{
	char cmd[512] = {0}, exe[512] = {0}, line[256], cap[64] = "?";
	FILE *f = fopen("/proc/self/cmdline", "r");
	size_t n = f ? fread(cmd, 1, sizeof(cmd) - 1, f) : 0;
	ssize_t k = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (f)
		fclose(f);
	for (size_t i = 0; i < n; i++)
		if (!cmd[i])
			cmd[i] = '|';
	f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %63s", cap) == 1)
			break;
	if (f)
		fclose(f);
	printf("uid=%d euid=%d gid=%d egid=%d dumpable=%d secure=%lu argc=%d argv0=%s "
	       "cmdline=%s exe=%s capeff=%s\n",
	       getuid(), geteuid(), getgid(), getegid(), prctl(PR_GET_DUMPABLE),
	       getauxval(AT_SECURE), argc, argv[0], cmd, k > 0 ? exe : "?", cap);
}

/* euid and the credential lines of /proc/self/status (tests/integration/oci_exec_privs.sh) */
static void creds(void)
{
	static const char *const keys[] = {"NoNewPrivs", "CapPrm", "CapEff", "CapBnd", "CapAmb"};
	char line[256], val[5][64] = {"?", "?", "?", "?", "?"};
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			size_t n = strlen(keys[i]);

			if (!strncmp(line, keys[i], n) && line[n] == ':')
				sscanf(line + n + 1, "%63s", val[i]);
		}
	if (f)
		fclose(f);
	printf("euid=%d NoNewPrivs=%s CapPrm=%s CapEff=%s CapBnd=%s CapAmb=%s\n", geteuid(), val[0],
	       val[1], val[2], val[3], val[4]);
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "creds")) {
		creds();
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "who")) {
		who(argc, argv);
		return 0;
	}
	if (argc >= 5 && !strcmp(argv[1], "drop")) {
		gid_t g = (gid_t)atoi(argv[3]);
		if (setgroups(0, NULL) < 0 || setresgid(g, g, g) < 0 ||
		    setresuid((uid_t)atoi(argv[2]), (uid_t)atoi(argv[2]), (uid_t)atoi(argv[2])) <
			0) {
			perror("privexec drop");
			return 126;
		}
		execv(argv[4], argv + 4);
		perror(argv[4]);
		return 127;
	}
	if (argc >= 3 && !strcmp(argv[1], "nnp")) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			return perror("no_new_privs"), 126;
		execv(argv[2], argv + 2);
		perror(argv[2]);
		return 127;
	}
	if (argc >= 2 && !strcmp(argv[1], "raw")) {
		int s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
		printf("raw %s\n", s >= 0 ? "ok" : strerror(errno));
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "rename")) {
		struct utsname a, b;
		if (uname(&a) < 0 || sethostname(argv[2], strlen(argv[2])) < 0 || uname(&b) < 0)
			return perror("rename"), 1;
		printf("%s %s\n", a.nodename, b.nodename);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "sigs")) {
		sigs();
		return 0;
	}
	if (argc >= 4 && !strcmp(argv[1], "forge"))
		return forge(argv[2], argv + 3);
	if (argc >= 3 && !strcmp(argv[1], "ign")) {
		usr1_ignored();
		execv(argv[2], argv + 2);
		perror(argv[2]);
		return 127;
	}
	fprintf(stderr, "usage: privexec who|drop UID GID PROG|nnp PROG|raw|rename NAME|sigs|"
			"forge HINT PROG|ign PROG|creds\n");
	return 2;
}
