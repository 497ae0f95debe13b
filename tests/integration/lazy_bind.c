/*
 * When the brand binds a thread's GS base in the default (lazy) patching mode (emul/patch.c,
 * lx_patch_init): not at the start, and never so that a thread runs a patched site unbound.
 *
 *   lazy_bind vfork   with every signal blocked, 50 vfork children (not trapped) each query
 *                     SIGUSR1 40 times at one site, past the patching mark, while the parent,
 *                     unbound, queries at the same site between them: a child that patched
 *                     would leave the parent a site whose probe faults with SIGSEGV blocked
 *                     (killed).  Prints the GS base at the start ("gs 0 at start").
 *   lazy_bind spawn   posix_spawn with every signal set to default: clone3's child queries
 *                     and resets each signal at libc's site, past the mark, and may patch it;
 *                     the parent, then bound, runs that site with every signal blocked.
 *
 * Natively nothing is ever bound: "gs 0" throughout; under the brand "gs 0 at start" as well,
 * and the parent of a patching spawn child bound after it ("bound after spawn" where the
 * child patched, which lazy_bind.sh does not require: the mark is the brand's business).
 */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static unsigned long gs_base(void)
{
	unsigned long v = 0;

	syscall(SYS_arch_prctl, ARCH_GET_GS, &v);
	return v;
}

static int vfork_case(void)
{
	struct sigaction sa;
	sigset_t all;

	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	for (volatile int i = 0; i < 50; i++) {
		pid_t p = vfork();
		if (p == 0) {
			for (int j = 0; j < 40; j++)
				sigaction(SIGUSR1, NULL, &sa);
			_exit(0);
		}
		if (p < 0 || waitpid(p, NULL, 0) != p)
			return perror("vfork"), 1;
		for (int j = 0; j < 3; j++)
			sigaction(SIGUSR1, NULL, &sa);
	}
	printf("vfork children past the mark: the parent ran on\n");
	return 0;
}

static int spawn_case(void)
{
	posix_spawnattr_t at;
	struct sigaction sa;
	sigset_t all;
	char *argv[] = {"true", NULL};
	pid_t p;
	int st;

	sigfillset(&all);
	posix_spawnattr_init(&at);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF);
	/* one spawn, then the site with every signal blocked: a later spawn would bind the
	 * parent anyway (the child's binding is handed over around the clone) */
	if (posix_spawn(&p, "/bin/true", NULL, &at, argv, environ) != 0 ||
	    waitpid(p, &st, 0) != p || st != 0)
		return fprintf(stderr, "posix_spawn of /bin/true failed\n"), 1;
	if (gs_base())
		fprintf(stderr, "bound after spawn\n");
	sigprocmask(SIG_SETMASK, &all, NULL);
	for (int j = 0; j < 100; j++)
		sigaction(SIGUSR1, NULL, &sa);
	printf("posix_spawn children past the mark: the parent ran on\n");
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("gs %s at start\n", gs_base() ? "set" : "0");
	if (argc == 2 && strcmp(argv[1], "vfork") == 0)
		return vfork_case();
	if (argc == 2 && strcmp(argv[1], "spawn") == 0)
		return spawn_case();
	fprintf(stderr, "usage: lazy_bind vfork|spawn\n");
	return 2;
}
