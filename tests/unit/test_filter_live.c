/*
 * The brand's seccomp filter (filter/filter.c) live: installed in a forked child, which makes
 * real calls and checks what the kernel did with each (test_filter has the simulator's side).
 * Exit 77 when this kernel cannot install a seccomp filter.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include <cmocka.h>

#include "emul/systable.h"
#include "filter/bpf_sim.h"
#include "filter/filter.h"
#include "kernel-shim/brand_abi.h"

/* si_code of a seccomp SIGSYS (<asm-generic/siginfo.h>, which clashes with glibc) */
#define LX_SYS_SECCOMP 1

static volatile sig_atomic_t sigsys_count, sigsys_code, sigsys_errno, sigsys_nr;

static void on_sigsys(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	(void)sig;
	sigsys_count++;
	sigsys_code = si->si_code;
	sigsys_errno = si->si_errno;
	sigsys_nr = si->si_syscall;
	uc->uc_mcontext.gregs[REG_RAX] = -1234; /* what an emulation would do with its result */
}

/*
 * clone(flags) whose child exits 42 at once.  In assembly because a vfork-style child shares
 * the parent's stack: returning through a C function in the child would overwrite the
 * parent's return address.
 */
static long clone_vfork_exit42(unsigned long flags)
{
	register long r10 __asm__("r10") = 0;
	register long r8 __asm__("r8") = 0;
	long ret;
	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "mov $231, %%eax\n\t" /* exit_group(42) */
			 "mov $42, %%edi\n\t"
			 "syscall\n"
			 "1:"
			 : "=a"(ret)
			 : "0"((long)SYS_clone), "D"(flags), "S"(0L), "d"(0L), "r"(r10), "r"(r8)
			 : "rcx", "r11", "memory");
	return ret;
}

typedef long (*gate_fn)(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

/* Runs in the child; returns 0 or the number of the check that failed. */
static int live_child(void)
{
	static const unsigned char stub[] = LX_GATE_STUB_BYTES;
	struct sigaction sa = {.sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO};
	struct sock_fprog prog;
	struct utsname u;
	struct zone_error err = {0};
	long r;

	if (sigaction(SIGSYS, &sa, NULL) < 0)
		return 1;
	void *g = mmap((void *)LX_GATE_ADDR, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (g != (void *)LX_GATE_ADDR)
		return 2;
	memcpy(g, stub, sizeof(stub));
	if (mprotect(g, 4096, PROT_READ | PROT_EXEC) < 0)
		return 3;
	gate_fn gate = (gate_fn)(uintptr_t)LX_GATE_ADDR;
	pid_t pid = getpid();
	struct __user_cap_header_struct ch = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct cd[_LINUX_CAPABILITY_U32S_3] = {{0}};
	if (syscall(SYS_capget, &ch, cd) < 0)
		return 15;
	int sys_admin =
	    (cd[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective & CAP_TO_MASK(CAP_SYS_ADMIN)) != 0;

	if (lx_filter_build(NULL, &prog, &err) < 0 || lx_filter_install(&prog, &err) < 0) {
		dprintf(2, "live: %s\n", err.msg);
		return 4;
	}
	/* PASS: runs natively, no signal */
	if (syscall(SYS_getpid) != pid || sigsys_count != 0)
		return 5;
	/* REFUSE: the errno, no signal, from anywhere */
	errno = 0;
	if (syscall(SYS_kexec_load, 0, 0, 0, 0) != -1 || errno != EPERM || sigsys_count != 0)
		return 6;
	if (gate(SYS_kexec_load, 0, 0, 0, 0, 0, 0) != -EPERM || sigsys_count != 0)
		return 7;
	errno = 0;
	if (syscall(SYS_io_uring_setup, 1, NULL) != -1 || errno != ENOSYS || sigsys_count != 0)
		return 8;
	/* EMUL: SIGSYS with our marker; the handler's result is what the call returns */
	r = syscall(SYS_uname, &u);
	if (sigsys_count != 1 || sigsys_code != LX_SYS_SECCOMP || sigsys_errno != LX_TRAP_DATA ||
	    sigsys_nr != SYS_uname || r != -1 || errno != 1234)
		return 9;
	/* ... but from the gate it runs natively */
	memset(&u, 0, sizeof(u));
	if (gate(SYS_uname, (long)&u, 0, 0, 0, 0, 0) != 0 || strcmp(u.sysname, "Linux") != 0 ||
	    sigsys_count != 1)
		return 10;
	/* unknown numbers trap with the marker too */
	syscall(1000);
	if (sigsys_count != 2 || sigsys_errno != LX_TRAP_DATA || sigsys_nr != 1000)
		return 11;
	/* a thread-style clone traps (the handler's -1234 means no child was made) */
	if (syscall(SYS_clone, CLONE_VM | SIGCHLD, 0, 0, 0, 0) != -1 || sigsys_count != 3 ||
	    sigsys_nr != SYS_clone)
		return 12;
	/* a fork-style clone passes through: the child runs natively and exits */
	int st;
	r = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (r == 0)
		syscall(SYS_exit_group, 43);
	if (r <= 0 || waitpid((pid_t)r, &st, 0) != r || !WIFEXITED(st) || WEXITSTATUS(st) != 43 ||
	    sigsys_count != 3)
		return 12;
	/* vfork-style clone passes through: the child shares our stack until it exits */
	r = clone_vfork_exit42(CLONE_VM | CLONE_VFORK | SIGCHLD);
	if (r <= 0 || waitpid((pid_t)r, &st, 0) != r || !WIFEXITED(st) || WEXITSTATUS(st) != 42 ||
	    sigsys_count != 3)
		return 13;
	/* clone3 always traps, even for a fork (no child: the handler answered -1234) */
	uint64_t ca[11] = {0}; /* struct clone_args: flags 0, exit_signal SIGCHLD */
	ca[4] = SIGCHLD;
	if (syscall(SYS_clone3, &ca, sizeof(ca)) != -1 || errno != 1234 || sigsys_count != 4 ||
	    sigsys_nr != SYS_clone3)
		return 16;
	/* setns reaches the kernel only for a time namespace: a bad fd is its EBADF */
	errno = 0;
	if (syscall(SYS_setns, -1, CLONE_NEWTIME) != -1 || errno != EBADF || sigsys_count != 4)
		return 17;
	errno = 0;
	if (syscall(SYS_setns, -1, 0) != -1 || errno != EPERM || sigsys_count != 4)
		return 18;
	/* NO_NEW_PRIVS only when the caller lacked CAP_SYS_ADMIN */
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != !sys_admin)
		return 14;
	free(prog.filter);
	return 0;
}

static void test_live_filter(void **state)
{
	(void)state;
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* exit_group directly: _exit is noreturn, and ASan's hook before noreturn calls
		 * makes a sigaltstack call, which the filter (rightly) traps. */
		syscall(SYS_exit_group, live_child());
		_exit(99);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st))
		fail_msg("live child killed by signal %d", WTERMSIG(st));
	if (WEXITSTATUS(st) != 0)
		fail_msg("live child failed check %d", WEXITSTATUS(st));
}

/* Can this kernel install a seccomp filter at all?  NULL, or why not. */
static const char *live_unavailable(void)
{
	static char why[128];
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return "fork failed";
	if (pid == 0) {
		struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
		struct sock_fprog p = {.len = 1, .filter = &allow};
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &p) < 0)
			_exit(errno & 0xff);
		_exit(0);
	}
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return "probe child did not exit";
	if (WEXITSTATUS(st) == 0)
		return NULL;
	snprintf(why, sizeof(why), "seccomp filters unavailable: %s", strerror(WEXITSTATUS(st)));
	return why;
}

int main(void)
{
	const char *why = live_unavailable();

	if (why) {
		printf("SKIP: %s\n", why);
		return 77;
	}
	const struct CMUnitTest live[] = {cmocka_unit_test(test_live_filter)};
	return cmocka_run_group_tests_name("filter_live", live, NULL, NULL);
}
