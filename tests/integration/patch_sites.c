/*
 * Syscall-site patching (emul/patch.h), from inside a guest: patch_sites EXPECT
 *
 * EXPECT is "patched" (the brand must rewrite this program's `mov $nr, %eax; syscall` sites
 * into jumps after their first trap) or "plain" (natively, or with patching off: the bytes
 * stay).  Then, whichever it is, the calls through those sites must give the right results:
 *   1. uname through its own site;
 *   2. every register but rax, rcx and r11 kept, the flags too, and the 128-byte red zone
 *      below the stack pointer untouched;
 *   2a. after a posix_spawn (glibc's clone3 vfork child) and before any thread, a new site
 *      in anonymous code is patched like the first ones (patch_sites.sh checks under strace
 *      that it took one write and no core sync: a vfork child shares the memory only while
 *      its parent sleeps);
 *   2b. a uname site copied into anonymous private code is patched like the program's own
 *      (when EXPECT is "patched"), also 16 TiB away from every other mapping (the brand's
 *      trampolines must sit within a rel32 jump of it), one in a named anonymous mapping ([anon:...], when the
 *      kernel names them) or in a MAP_SHARED writable executable file mapping never is, and
 *      that file keeps its bytes (the brand asks the kernel which mapping holds a site);
 *   3. four threads calling epoll_wait (timeout 0, 100 pipes, one readable) through one
 *      site while the main thread sends them SIGUSR1 as fast as it can: every call returns
 *      the one ready descriptor, and the handlers run;
 *   4. a thread blocked in epoll_wait (timeout 5 s) through the site wakes with EINTR for a
 *      signal, after its handler ran, as Linux does.
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
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* the sites: exactly b8 imm32 0f 05, each at a known address */
long site_uname(void *buf);
long site_epoll_wait(int epfd, void *ev, int max, int timeout);
uint64_t site_regs(void *buf, uint64_t *redzone_ok);
__asm__(".text\n"
	".globl site_uname\n"
	"site_uname:\n"
	"	mov $63, %eax\n"
	"	syscall\n"
	"	ret\n"
	".globl site_epoll_wait_at\n"
	".globl site_epoll_wait\n"
	"site_epoll_wait:\n"
	"	mov %rcx, %r10\n"
	"site_epoll_wait_at:\n"
	"	mov $232, %eax\n"
	"	syscall\n"
	"	ret\n"
	/* uint64_t site_regs(buf, redzone_ok): sets every register to a pattern, fills the red
	 * zone, sets DF and CF, makes uname through its own site, and returns a bit per register
	 * that changed (bit 14: the flags); *redzone_ok is 1 when the red zone is intact */
	".globl site_regs_at\n"
	".globl site_regs\n"
	"site_regs:\n"
	"	push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
	"	push %rsi\n"
	"	mov %rdi, %r11\n"
	"	lea -128(%rsp), %rdi\n"
	"	mov $16, %ecx\n"
	"1:	movq $0x5a5a5a5a, (%rdi)\n"
	"	add $8, %rdi\n"
	"	loop 1b\n"
	"	mov %r11, %rdi\n"
	"	mov $0x1111, %rbx\n mov $0x2222, %rbp\n mov $0x3333, %rsi\n mov $0x4444, %rdx\n"
	"	mov $0x5555, %r8\n mov $0x6666, %r9\n mov $0x7777, %r10\n mov $0x8888, %r12\n"
	"	mov $0x9999, %r13\n mov $0xaaaa, %r14\n mov $0xbbbb, %r15\n"
	"	std\n stc\n"
	"site_regs_at:\n"
	"	mov $63, %eax\n"
	"	syscall\n"
	"	setc %cl\n" /* CF, before any compare; DF is checked with lodsb below */
	"	xor %eax, %eax\n"
	"	cmp $0x1111, %rbx\n setne %al\n"
	"	cmp $0x2222, %rbp\n jz 2f\n or $2, %eax\n2:\n"
	"	cmp $0x3333, %rsi\n jz 2f\n or $4, %eax\n2:\n"
	"	cmp $0x4444, %rdx\n jz 2f\n or $8, %eax\n2:\n"
	"	cmp $0x5555, %r8\n jz 2f\n or $16, %eax\n2:\n"
	"	cmp $0x6666, %r9\n jz 2f\n or $32, %eax\n2:\n"
	"	cmp $0x7777, %r10\n jz 2f\n or $64, %eax\n2:\n"
	"	cmp $0x8888, %r12\n jz 2f\n or $128, %eax\n2:\n"
	"	cmp $0x9999, %r13\n jz 2f\n or $256, %eax\n2:\n"
	"	cmp $0xaaaa, %r14\n jz 2f\n or $512, %eax\n2:\n"
	"	cmp $0xbbbb, %r15\n jz 2f\n or $1024, %eax\n2:\n"
	/* lodsb moves rsi by DF (and loads al: the diff is kept in r9, already checked) */
	"	mov %eax, %r9d\n lea -256(%rsp), %rsi\n mov %rsi, %rdx\n lodsb\n cld\n"
	"	mov %r9d, %eax\n"
	"	dec %rdx\n cmp %rdx, %rsi\n jnz 5f\n cmp $1, %cl\n jz 2f\n"
	"5:	or $16384, %eax\n2:\n"
	/* the red zone: 16 words below rsp, still the pattern? */
	"	mov $1, %r8d\n"
	"	lea -128(%rsp), %rdi\n"
	"	mov $16, %ecx\n"
	"3:	cmpq $0x5a5a5a5a, (%rdi)\n"
	"	jz 4f\n xor %r8d, %r8d\n"
	"4:	add $8, %rdi\n"
	"	loop 3b\n"
	"	pop %rsi\n"
	"	mov %r8, (%rsi)\n"
	"	pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
	"	ret\n");
extern unsigned char site_epoll_wait_at[], site_regs_at[];

static int failures;

static void check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAIL", what);
	failures += !ok;
}

static int patched(const void *site)
{
	return *(const unsigned char *)site == 0xe9; /* jmp rel32 */
}

/* `mov $63, %eax; syscall; ret`: uname, as a site */
static const unsigned char uname_code[] = {0xb8, 63, 0, 0, 0, 0x0f, 0x05, 0xc3};

/* uname three times through the site at code; 1 when every answer is ref's */
static int uname_at(const void *code, const struct utsname *ref)
{
	long (*fn)(void *) = (long (*)(void *))code;
	struct utsname u;

	for (int i = 0; i < 3; i++) {
		memset(&u, 0, sizeof(u));
		if (fn(&u) != 0 || strcmp(u.release, ref->release) != 0 ||
		    strcmp(u.nodename, ref->nodename) != 0)
			return 0;
	}
	return 1;
}

/* An anonymous private mapping of the site, at hint: PROT_READ|PROT_EXEC once written; named
 * when name is set (0 when the kernel cannot name it). */
static unsigned char *anon_site(void *hint, const char *name)
{
	unsigned char *p = mmap(hint, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memcpy(p, uname_code, sizeof(uname_code));
	if (mprotect(p, 4096, PROT_READ | PROT_EXEC) < 0 ||
	    (name && prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, p, 4096, name) < 0)) {
		munmap(p, 4096);
		return NULL;
	}
	return p;
}

static void mapping_sites(int expect_patched, const struct utsname *ref)
{
	unsigned char *anon = anon_site(NULL, NULL), *named = anon_site(NULL, "lxzone-site");
	unsigned char *far = anon_site((void *)0x100000000000UL, NULL), *shared, back[8];
	int fd = memfd_create("lxzone-site", MFD_CLOEXEC);

	check(anon && uname_at(anon, ref), "uname through a site in anonymous code");
	check(anon && patched(anon) == expect_patched, "the anonymous site's state");
	check(far == (void *)0x100000000000UL && uname_at(far, ref),
	      "uname through a site in anonymous code at 16 TiB");
	check(far && patched(far) == expect_patched, "that far site's state");
	if (named) {
		check(uname_at(named, ref), "uname through a site in named anonymous code");
		check(!patched(named), "the named anonymous site is not patched");
	} else {
		printf("  (no anonymous mapping names here: PR_SET_VMA_ANON_NAME %s)\n",
		       strerror(errno));
	}
	if (fd < 0 || write(fd, uname_code, sizeof(uname_code)) != sizeof(uname_code) ||
	    ftruncate(fd, 4096) < 0) {
		check(0, "a memfd with the site");
		return;
	}
	shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_SHARED, fd, 0);
	check(shared != MAP_FAILED && uname_at(shared, ref),
	      "uname through a site in a shared writable file mapping");
	check(shared != MAP_FAILED && !patched(shared), "the shared site is not patched");
	check(pread(fd, back, sizeof(back), 0) == sizeof(back) &&
		  memcmp(back, uname_code, sizeof(back)) == 0,
	      "the shared file keeps its bytes");
	close(fd);
}

static volatile sig_atomic_t handled;
static _Thread_local volatile int my_handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
	my_handled++;
}

#define NPIPES 100
static int epfd, ready_fd;
static volatile int stop;
static long bad_calls, calls;
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;

static void *hammer(void *arg)
{
	long bad = 0, n = 0;
	(void)arg;
	while (!stop) {
		struct epoll_event ev[4];
		long r = site_epoll_wait(epfd, ev, 4, 0);
		if (r == -EINTR)
			continue;
		n++;
		if (r != 1 || ev[0].data.fd != ready_fd || !(ev[0].events & EPOLLIN))
			bad++;
	}
	pthread_mutex_lock(&count_lock);
	bad_calls += bad;
	calls += n;
	pthread_mutex_unlock(&count_lock);
	return NULL;
}

static long blocked_result;
static int blocked_handled;

static void *blocker(void *arg)
{
	struct epoll_event ev;
	int empty = *(int *)arg;

	blocked_result = site_epoll_wait(empty, &ev, 1, 5000);
	blocked_handled = my_handled;
	return NULL;
}

int main(int argc, char **argv)
{
	int expect_patched = argc > 1 && strcmp(argv[1], "patched") == 0;
	struct utsname u, ref;
	struct sigaction sa;
	pthread_t th[4], bt;
	uint64_t rz = 0, diff;
	int empty;

	if (argc != 2 || (!expect_patched && strcmp(argv[1], "plain") != 0)) {
		fprintf(stderr, "usage: patch_sites patched|plain\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL); /* no SA_RESTART: epoll_wait gives EINTR */

	/* 1. uname, twice through one site */
	uname(&ref);
	for (int i = 0; i < 3; i++) {
		memset(&u, 0, sizeof(u));
		if (site_uname(&u) != 0 || strcmp(u.sysname, ref.sysname) != 0 ||
		    strcmp(u.release, ref.release) != 0 || strcmp(u.nodename, ref.nodename) != 0)
			break;
		if (i == 2)
			check(1, "uname through its site: the same answer three times");
	}
	if (strcmp(u.release, ref.release) != 0)
		check(0, "uname through its site");
	check(patched((void *)site_uname) == expect_patched,
	      expect_patched ? "the uname site is patched" : "the uname site is not patched");

	/* 2. registers, flags and red zone */
	for (int i = 0; i < 3; i++) {
		diff = site_regs(&u, &rz);
		if (diff || !rz)
			break;
	}
	printf("  register diff %#llx, red zone %s\n", (unsigned long long)diff,
	       rz ? "intact" : "written");
	check(diff == 0, "every register but rax, rcx, r11 kept, and DF and CF");
	check(rz == 1, "the 128-byte red zone untouched");
	check(patched(site_regs_at) == expect_patched, "the register site's state");

	/* 2a. a vfork child came and went: still no other task in this memory */
	{
		char *args[] = {"true", NULL};
		unsigned char *after;
		pid_t pid;
		int st = -1;

		check(posix_spawn(&pid, "/bin/true", NULL, NULL, args, environ) == 0 &&
			  waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "posix_spawn of /bin/true");
		after = anon_site(NULL, NULL);
		check(after && uname_at(after, &ref), "uname through a site made after the spawn");
		check(after && patched(after) == expect_patched, "that site's state");
	}

	/* 2b. which mappings: before any thread, as the sites above */
	mapping_sites(expect_patched, &ref);

	/* 3. threads hammering one epoll_wait site, signals flying */
	epfd = epoll_create1(EPOLL_CLOEXEC);
	for (int i = 0; i < NPIPES; i++) {
		int p[2];
		struct epoll_event ev = {.events = EPOLLIN};
		if (pipe(p) < 0)
			return perror("pipe"), 1;
		ev.data.fd = p[0];
		epoll_ctl(epfd, EPOLL_CTL_ADD, p[0], &ev);
		if (i == NPIPES / 2) {
			ready_fd = p[0];
			if (write(p[1], "x", 1) != 1)
				return perror("write"), 1;
		}
	}
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, hammer, NULL);
	for (int i = 0; i < 3000; i++) {
		pthread_kill(th[i % 4], SIGUSR1);
		if (i % 64 == 0)
			usleep(1000);
	}
	stop = 1;
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	printf("  %ld calls, %ld wrong, %d handlers ran\n", calls, bad_calls, (int)handled);
	check(calls > 0 && bad_calls == 0, "epoll_wait through one site in 4 threads: all right");
	check(handled > 0, "signals delivered to the hammering threads");
	check(patched(site_epoll_wait_at) == expect_patched, "the epoll_wait site's state");

	/* 4. blocked in a patched epoll_wait, woken by a signal */
	empty = epoll_create1(EPOLL_CLOEXEC);
	pthread_create(&bt, NULL, blocker, &empty);
	usleep(200000);
	pthread_kill(bt, SIGUSR1);
	pthread_join(bt, NULL);
	printf("  blocked epoll_wait returned %ld, its handler ran %d time(s)\n", blocked_result,
	       blocked_handled);
	check(blocked_result == -EINTR && blocked_handled == 1,
	      "a blocked epoll_wait through the site: EINTR after the handler");

	printf("%s\n", failures ? "FAILED" : "PASSED");
	return failures ? 1 : 0;
}
