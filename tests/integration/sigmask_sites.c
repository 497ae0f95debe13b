/*
 * Patched rt_sigaction and rt_sigprocmask sites (emul/patch.h, syscalls/lx_signal.c), from
 * inside a guest: sigmask_sites patched|plain
 *
 * The program has its own `mov $nr, %eax; syscall` sites for both calls and calls each
 * 64 times first: under the brand's default profile (syscall-patching=auto, a site is
 * patched at its 32nd trap) and with patching on they must then be jumps ("patched");
 * natively and with patching off they stay ("plain").  Whichever it is, the calls through
 * those sites must behave as Linux's:
 *   1. a query shows what was blocked; a blocked signal stays pending, and the unblock
 *      delivers it before the call returns;
 *   2. SIGSYS: the guest may block it and sees it blocked, while trapped calls (uname) keep
 *      working (the real one is never blocked); a full SIG_SETMASK too;
 *   3. rt_sigaction reports the guest's handler, also for SIGSYS, which the guest's handler
 *      then receives when raised, while trapped calls still work;
 *   4. four threads block and unblock SIGUSR1 through the site while the main thread sends
 *      them SIGUSR1: a handler never runs on a context that had SIGUSR1 blocked;
 *   5. the mask (SIGUSR1 and SIGSYS) survives fork and execve;
 *   6. sigsuspend and pselect6 wait with their own mask and restore the site's;
 *   7. once libc's own sigaction and sigprocmask sites are patched too: threads and
 *      posix_spawn children, which start with every signal blocked, SIGSEGV included;
 *   8. a signal stashed during a patched call (1.) made the main thread's emulation stack's
 *      base page, where the stash is kept, MADV_WIPEONFORK ("wf" in /proc/self/smaps, a
 *      4 KiB mapping at a 128 KiB boundary before the region's guard page), and after a fork
 *      the unblock still delivers before the call returns, in the child and in the parent;
 *   9. a site's traps are counted per memory (emul/patch.c, hot): a site the process and its
 *      vfork children trap at in turn, 40 times each, is patched ("patched") or not
 *      ("plain"); where patching is lazy, a fork child's count at a site starts afresh (a
 *      site its parent trapped at 24 times, below the mark of 32, is still plain after 12
 *      traps of the child's, and patched after 48 more).
 *  10. a new image whose first thread never patched a site: a thread it made patches one,
 *      then the first thread, every signal blocked, calls through it (a thread that
 *      reaches a patched site unbound to the brand dies of a SIGSEGV it blocks).
  11. what a fork copies of the brand (emul/state.h): the main thread's emulation stack region
 *      is wiped in fork children whole ("wf" on its stash page, its guard and its stack: a
 *      parent's patched calls and signals after a fork copy none of it), and once a SIGCHLD
 *      reached the brand, its code mapping holds an anonymous page, so that forks copy the
 *      code's page-table entries (lx_fork_seen); a fork child's patched call, trapped call
 *      and handled signal, its first entries, then work (5. checks its mask).
 * One line per check; exit 0 when all pass.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define BIT(s)	    (1ULL << ((s)-1))
#define SA_RESTORER 0x04000000 /* the kernel's; glibc does not export it */

/* the kernel's struct sigaction on x86_64 */
struct ksigaction {
	void (*handler)(int, siginfo_t *, void *);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

long site_sigaction(long sig, const struct ksigaction *act, struct ksigaction *old, long size);
long site_sigmask(long how, const uint64_t *set, uint64_t *old, long size);
long site_mask_shared(long how, const uint64_t *set, uint64_t *old, long size);
long site_mask_forked(long how, const uint64_t *set, uint64_t *old, long size);
long site_sigmask2(long how, const uint64_t *set, uint64_t *old, long size);
void site_restorer(void);
__asm__(".text\n"
	".globl site_sigaction\n"
	"site_sigaction:\n"
	"	mov %rcx, %r10\n"
	"	mov $13, %eax\n"
	"	syscall\n"
	"	ret\n"
	".globl site_sigmask\n"
	"site_sigmask:\n"
	"	mov %rcx, %r10\n"
	"	mov $14, %eax\n"
	"	syscall\n"
	"	ret\n"
	".globl site_mask_shared\n"
	"site_mask_shared:\n"
	"	mov %rcx, %r10\n"
	"	mov $14, %eax\n"
	"	syscall\n"
	"	ret\n"
	".globl site_mask_forked\n"
	"site_mask_forked:\n"
	"	mov %rcx, %r10\n"
	"	mov $14, %eax\n"
	"	syscall\n"
	"	ret\n"
	".globl site_sigmask2\n"
	"site_sigmask2:\n"
	"	mov %rcx, %r10\n"
	"	mov $14, %eax\n"
	"	syscall\n"
	"	ret\n"
	".globl site_restorer\n"
	"site_restorer:\n"
	"	mov $15, %eax\n"
	"	syscall\n"
	"	hlt\n");

static int failures;

static void check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAIL", what);
	fflush(stdout);
	failures += !ok;
}

/* The byte at a site's mov: 0xe9 once patched into `jmp rel32`. */
static int patched(void *fn)
{
	return ((const unsigned char *)fn)[3] == 0xe9; /* after `mov %rcx, %r10` */
}

static uint64_t mask_now(void)
{
	uint64_t m = 0;

	site_sigmask(SIG_BLOCK, NULL, &m, 8);
	return m;
}

static long mask_set(int how, uint64_t m)
{
	return site_sigmask(how, &m, NULL, 8);
}

static volatile sig_atomic_t usr1_hits, sys_hits, bad_ctx;

static void on_usr1(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)si;
	usr1_hits++;
	/* the interrupted context cannot have had the signal blocked */
	if (sigismember(&uc->uc_sigmask, sig))
		bad_ctx++;
}

static void on_sys(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (si->si_code == SI_TKILL)
		sys_hits++;
}

static int install(int sig, void (*h)(int, siginfo_t *, void *))
{
	struct ksigaction ka = {h, SA_SIGINFO | SA_RESTORER | SA_RESTART, site_restorer, 0};

	return (int)site_sigaction(sig, &ka, NULL, 8);
}

static int uname_ok(void)
{
	struct utsname u;

	return uname(&u) == 0 && u.sysname[0];
}

static volatile int stop;

static void *blocker(void *arg)
{
	(void)arg;
	while (!stop) {
		mask_set(SIG_BLOCK, BIT(SIGUSR1));
		mask_set(SIG_UNBLOCK, BIT(SIGUSR1));
	}
	return NULL;
}

static void part_threads(void)
{
	pthread_t th[4];

	usr1_hits = 0;
	bad_ctx = 0;
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, blocker, NULL);
	for (int i = 0; i < 20000; i++)
		pthread_kill(th[i % 4], SIGUSR1);
	stop = 1;
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	check(usr1_hits > 0, "threads: SIGUSR1 handled while threads block and unblock it");
	check(bad_ctx == 0, "threads: never on a context that had SIGUSR1 blocked");
}

static void part_fork_exec(const char *self)
{
	int st;
	pid_t p;

	mask_set(SIG_BLOCK, BIT(SIGUSR1) | BIT(SIGSYS));
	p = fork();
	if (p == 0) {
		uint64_t m = mask_now();
		_exit((m & BIT(SIGUSR1)) && (m & BIT(SIGSYS)) && uname_ok() ? 0 : 1);
	}
	check(waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "fork: the child has SIGUSR1 and SIGSYS blocked, and trapped calls work");
	p = fork();
	if (p == 0) {
		execl(self, self, "report-mask", (char *)NULL);
		_exit(3);
	}
	check(waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "execve: the new image has SIGUSR1 and SIGSYS blocked, and trapped calls work");
	mask_set(SIG_SETMASK, 0);
}

static void part_waits(void)
{
	sigset_t empty;
	struct timespec ts = {5, 0};
	int r, e;

	sigemptyset(&empty);
	mask_set(SIG_BLOCK, BIT(SIGUSR1));
	usr1_hits = 0;
	raise(SIGUSR1);
	r = sigsuspend(&empty);
	check(r == -1 && errno == EINTR && usr1_hits == 1, "sigsuspend: EINTR after the handler");
	check(mask_now() == BIT(SIGUSR1), "sigsuspend: the site's mask is back");
	raise(SIGUSR1);
	r = pselect(0, NULL, NULL, NULL, &ts, &empty);
	e = errno;
	check(r == -1 && e == EINTR && usr1_hits == 2, "pselect: EINTR after the handler");
	check(mask_now() == BIT(SIGUSR1), "pselect: the site's mask is back");
	mask_set(SIG_SETMASK, 0);
}

/* Is there a 4 KiB wipe-on-fork mapping at a 128 KiB boundary, followed by a 4 KiB
 * PROT_NONE one: an emulation stack region's stash page and guard (emul/state.h)? */
static int stash_page_wiped(void)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char l[512], perms[8];
	unsigned long lo, hi, wiped_end = 0, cur_lo = 0, cur_hi = 0;
	int found = 0;

	if (!f)
		return -1;
	while (!found && fgets(l, sizeof(l), f)) {
		if (sscanf(l, "%lx-%lx %7s", &lo, &hi, perms) == 3) {
			found = wiped_end && lo == wiped_end && hi - lo == 4096 &&
				strcmp(perms, "---p") == 0;
			wiped_end = 0;
			cur_lo = lo, cur_hi = hi;
		} else if (strncmp(l, "VmFlags:", 8) == 0 && strstr(l, " wf") &&
			   cur_hi - cur_lo == 4096 && cur_lo % (128 * 1024) == 0) {
			wiped_end = cur_hi;
		}
	}
	fclose(f);
	return found;
}

/* 11: a 128 KiB-aligned region whose stash page, guard and stack mappings are all wipe-on-fork:
 * 1 when there is one. */
static int region_wiped(void)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char l[512], perms[8];
	unsigned long lo, hi, cur_lo = 0, cur_hi = 0, next = 0, region = 0;
	int step = 0, found = 0;

	if (!f)
		return -1;
	while (!found && fgets(l, sizeof(l), f)) {
		if (sscanf(l, "%lx-%lx %7s", &lo, &hi, perms) == 3) {
			cur_lo = lo, cur_hi = hi;
			if (lo != next)
				step = 0;
			continue;
		}
		if (strncmp(l, "VmFlags:", 8) != 0)
			continue;
		if (!strstr(l, " wf")) {
			step = 0;
			continue;
		}
		if (cur_hi - cur_lo == 4096 && cur_lo % (128 * 1024) == 0)
			step = 1, region = cur_lo; /* the stash page */
		else if (step == 1 && cur_hi - cur_lo == 4096)
			step = 2; /* the guard */
		else if (step == 2 && cur_hi >= region + 128 * 1024)
			found = 1; /* the stack, to the region's end (merged with what follows) */
		else
			step = 0;
		next = cur_hi;
	}
	fclose(f);
	return found;
}

/* 11: the Anonymous: kB of the executable mapping that starts at addr, or -1. */
static long anon_kb_at(unsigned long addr)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char l[512], perms[8];
	unsigned long lo, hi;
	long kb = -1;
	int in = 0;

	if (!f)
		return -1;
	while (fgets(l, sizeof(l), f)) {
		if (sscanf(l, "%lx-%lx %7s", &lo, &hi, perms) == 3)
			in = lo == addr && perms[2] == 'x';
		else if (in && sscanf(l, "Anonymous: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

static volatile sig_atomic_t chld_hits;

static void on_chld(int sig)
{
	(void)sig;
	chld_hits++;
}

/* 11: what a fork copies of the brand: its first thread's emulation stack is wiped in fork
 * children; its code mapping (LX_BRAND_BASE, kernel-shim/brand_abi.h) gets an anonymous page
 * at the first SIGCHLD it takes. */
static void part_fork_pages(int expect_patched)
{
	struct sigaction sa, old;
	struct utsname u;
	int st, ok = 1;
	pid_t p;

	if (expect_patched)
		check(region_wiped() == 1, "fork pages: the main thread's emulation stack is wiped "
					   "in fork children");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_chld;
	sigaction(SIGCHLD, &sa, &old);
	for (int i = 0; i < 3 && ok; i++) {
		p = fork();
		if (p == 0) {
			uint64_t m = mask_now(); /* the patched site first */
			usr1_hits = 0;
			raise(SIGUSR1);
			_exit(uname(&u) == 0 && usr1_hits == 1 && !(m & BIT(SIGUSR1)) ? 0 : 1);
		}
		ok = waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	check(ok, "fork pages: a fork child's patched call, handled signal and trapped call");
	check(chld_hits > 0, "fork pages: SIGCHLD handled");
	if (expect_patched)
		check(anon_kb_at(0x7ff000000000UL) > 0,
		      "fork pages: after a SIGCHLD the brand's code mapping has an anonymous page");
	sigaction(SIGCHLD, &old, NULL);
}

/* The unblock of a raised, blocked SIGUSR1 through the site runs its handler first. */
static int unblock_delivers(void)
{
	int before;

	mask_set(SIG_BLOCK, BIT(SIGUSR1));
	before = usr1_hits;
	raise(SIGUSR1);
	mask_set(SIG_UNBLOCK, BIT(SIGUSR1));
	return usr1_hits == before + 1;
}

/* 8: the stash's page after a stash, and stashes on either side of a fork */
static void part_stash(int expect_patched)
{
	int st;
	pid_t p;

	if (expect_patched)
		check(stash_page_wiped() == 1, "stash: the stash's page is wiped in fork children");
	p = fork();
	if (p == 0)
		_exit(unblock_delivers() && unblock_delivers() ? 0 : 1);
	check(waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "stash: a fork child's unblock delivers before the call returns");
	check(unblock_delivers(), "stash: the parent's unblock after the fork too");
}

/* A vfork child that traps once at the shared site and exits; its pid. */
static __attribute__((noinline)) pid_t vfork_query(void)
{
	uint64_t m;
	pid_t p = vfork();

	if (p == 0) {
		site_mask_shared(SIG_BLOCK, NULL, &m, 8);
		_exit(0);
	}
	return p;
}

/* 9: traps at a site counted per memory, vfork children's with their parent's */
static void part_counts(int expect_patched)
{
	uint64_t m;
	int st, n = 0, lazy;
	pid_t p;

	for (int i = 0; i < 40; i++) {
		site_mask_shared(SIG_BLOCK, NULL, &m, 8);
		p = vfork_query();
		n += p > 0 && waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	check(n == 40, "counts: 40 vfork children trap at the parent's site and exit");
	check(patched((void *)site_mask_shared) == expect_patched,
	      expect_patched ? "counts: the site the parent and its vfork children share is patched"
			     : "counts: the site the parent and its vfork children share is plain");
	for (int i = 0; i < 24; i++) /* below LX_PATCH_LAZY_TRAPS (emul/patch.h) */
		site_mask_forked(SIG_BLOCK, NULL, &m, 8);
	lazy = !patched((void *)site_mask_forked);
	if (!expect_patched || !lazy) {
		printf("(counts: patching is not lazy here, no fork child's count to check)\n");
		return;
	}
	p = fork();
	if (p == 0) {
		int early, late;
		for (int i = 0; i < 12; i++)
			site_mask_forked(SIG_BLOCK, NULL, &m, 8);
		early = patched((void *)site_mask_forked);
		for (int i = 0; i < 48; i++)
			site_mask_forked(SIG_BLOCK, NULL, &m, 8);
		late = patched((void *)site_mask_forked);
		_exit(!early && late ? 0 : 1);
	}
	check(waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "counts: a fork child's count starts afresh (plain after 12 traps, patched after 60)");
	check(!patched((void *)site_mask_forked), "counts: the fork child's patch is its own");
}

extern char **environ;

static void *libc_thread(void *arg)
{
	sigset_t s;

	(void)arg;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	return (void *)(uintptr_t)(pthread_sigmask(SIG_BLOCK, &s, NULL) == 0 && uname_ok());
}

static void part_libc(void)
{
	struct sigaction old;
	sigset_t s;
	int ok = 0, st;

	for (int i = 0; i < 64; i++) {
		sigaction(SIGUSR2, NULL, &old);
		pthread_sigmask(SIG_BLOCK, NULL, &s);
	}
	for (int i = 0; i < 8; i++) {
		pthread_t t;
		void *r = NULL;
		if (pthread_create(&t, NULL, libc_thread, NULL) == 0 && pthread_join(t, &r) == 0)
			ok += r != NULL;
	}
	check(ok == 8, "libc: 8 threads start and block through libc's sites");
	ok = 0;
	for (int i = 0; i < 8; i++) {
		char *argv[] = {"sh", "-c", "exit 3", NULL};
		pid_t p;
		if (posix_spawn(&p, "/bin/sh", NULL, NULL, argv, environ) == 0 &&
		    waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 3)
			ok++;
	}
	check(ok == 8, "libc: 8 posix_spawn children exit 3");
}

static void *patch_site2(void *arg)
{
	uint64_t m;

	(void)arg;
	for (int i = 0; i < 64; i++)
		site_sigmask2(SIG_BLOCK, NULL, &m, 8);
	return NULL;
}

/* `sigmask_sites thread-first`: 8., in a new image; 0 when the first thread got through. */
static int thread_first(void)
{
	uint64_t full = ~0ULL, m = 0;
	pthread_t t;

	if (pthread_create(&t, NULL, patch_site2, NULL) || pthread_join(t, NULL))
		return 2;
	mask_set(SIG_SETMASK, full);
	site_sigmask2(SIG_BLOCK, NULL, &m, 8);
	mask_set(SIG_SETMASK, 0);
	return (m & BIT(SIGSEGV)) && (m & BIT(SIGUSR1)) ? 0 : 1;
}

static void part_thread_first(const char *self)
{
	int st;
	pid_t p = fork();

	if (p == 0) {
		execl(self, self, "thread-first", (char *)NULL);
		_exit(3);
	}
	check(waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "a new image's first thread, all blocked, at a site another thread patched");
}

int main(int argc, char **argv)
{
	struct ksigaction cur;
	uint64_t m, full = ~0ULL;
	sigset_t pend, libc_view;
	int expect_patched;

	if (argc == 2 && strcmp(argv[1], "thread-first") == 0)
		return thread_first();
	if (argc == 2 && strcmp(argv[1], "report-mask") == 0) {
		m = mask_now();
		return (m & BIT(SIGUSR1)) && (m & BIT(SIGSYS)) && uname_ok() ? 0 : 1;
	}
	expect_patched = argc > 1 && strcmp(argv[1], "patched") == 0;
	if (argc != 2 || (!expect_patched && strcmp(argv[1], "plain") != 0)) {
		fprintf(stderr, "usage: sigmask_sites patched|plain\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < 64; i++) {
		mask_now();
		site_sigaction(SIGUSR2, NULL, &cur, 8);
	}
	check(patched((void *)site_sigmask) == expect_patched,
	      expect_patched ? "the rt_sigprocmask site is patched"
			     : "the rt_sigprocmask site is plain");
	check(patched((void *)site_sigaction) == expect_patched,
	      expect_patched ? "the rt_sigaction site is patched"
			     : "the rt_sigaction site is plain");

	/* 1. block, pending, unblock delivers before the call returns */
	check(install(SIGUSR1, on_usr1) == 0, "install a SIGUSR1 handler through the site");
	check(mask_set(SIG_SETMASK, BIT(SIGUSR1)) == 0 && mask_now() == BIT(SIGUSR1),
	      "a query shows SIGUSR1 blocked");
	pthread_sigmask(SIG_BLOCK, NULL, &libc_view);
	check(sigismember(&libc_view, SIGUSR1) == 1, "libc's own query agrees");
	usr1_hits = 0;
	raise(SIGUSR1);
	sigpending(&pend);
	check(usr1_hits == 0 && sigismember(&pend, SIGUSR1) == 1, "blocked SIGUSR1 stays pending");
	mask_set(SIG_UNBLOCK, BIT(SIGUSR1));
	check(usr1_hits == 1, "the unblock delivers it before the call returns");
	check(site_sigmask(7, &full, NULL, 8) == -EINVAL, "a bad how is EINVAL");
	check(site_sigmask(SIG_BLOCK, (uint64_t *)8, NULL, 8) == -EFAULT, "a bad set is EFAULT");
	check(site_sigmask(SIG_BLOCK, NULL, NULL, 4) == -EINVAL, "a bad size is EINVAL");

	/* 2. SIGSYS: blockable for the guest, never for real */
	mask_set(SIG_BLOCK, BIT(SIGSYS));
	check(mask_now() == BIT(SIGSYS), "SIGSYS blocked through the site shows blocked");
	check(uname_ok(), "uname with SIGSYS blocked");
	mask_set(SIG_SETMASK, full);
	m = mask_now();
	check((m & BIT(SIGSYS)) && !(m & BIT(SIGKILL)) && !(m & BIT(SIGSTOP)),
	      "a full mask: SIGSYS shows blocked, SIGKILL and SIGSTOP never");
	check(uname_ok(), "uname with every signal blocked");
	mask_set(SIG_UNBLOCK, BIT(SIGSYS));
	check(!(mask_now() & BIT(SIGSYS)), "SIGSYS unblocked again");
	mask_set(SIG_SETMASK, 0);

	/* 3. the guest's dispositions, SIGSYS's too */
	memset(&cur, 0, sizeof(cur));
	check(site_sigaction(SIGUSR1, NULL, &cur, 8) == 0 && cur.handler == on_usr1 &&
		  cur.restorer == site_restorer && (cur.flags & SA_RESTART),
	      "rt_sigaction reports the guest's SIGUSR1 handler");
	check(install(SIGSYS, on_sys) == 0, "install a SIGSYS handler through the site");
	memset(&cur, 0, sizeof(cur));
	site_sigaction(SIGSYS, NULL, &cur, 8);
	check(cur.handler == on_sys, "rt_sigaction reports the guest's SIGSYS handler");
	raise(SIGSYS);
	check(sys_hits == 1, "a raised SIGSYS reaches the guest's handler");
	check(uname_ok(), "uname with the guest's SIGSYS handler");
	check(site_sigaction(SIGKILL, &cur, NULL, 8) == -EINVAL, "SIGKILL's action is EINVAL");
	check(site_sigaction(SIGUSR1, (void *)8, NULL, 8) == -EFAULT, "a bad act is EFAULT");

	part_stash(expect_patched);
	part_counts(expect_patched);
	part_threads();
	part_fork_exec(argv[0]);
	part_waits();
	part_libc();
	part_thread_first(argv[0]);
	part_fork_pages(expect_patched);
	printf("%s\n", failures ? "FAILED" : "all passed");
	return failures ? 1 : 0;
}
