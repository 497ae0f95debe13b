/*
 * The brand's seccomp filter (filter/filter.c), tested the way libseccomp tests its own
 * output: build the real program, run it in the BPF simulator (filter/bpf_sim.c) over
 * (arch, nr, args, ip) rows, compare with the action the syscall table asks for.
 *
 * The live side, the filter installed in a real process, is test_filter_live.c.
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
#include "kernel-shim/brand_abi.h"
#include "filter/filter.h"

#ifndef SYS_statmount /* Linux 6.8; older headers lack it */
#define SYS_statmount 457
#define SYS_listmount 458
#endif

/* si_code of a seccomp SIGSYS (<asm-generic/siginfo.h>, which clashes with glibc) */
#define LX_SYS_SECCOMP 1

#define RET_TRAP	(SECCOMP_RET_TRAP | LX_TRAP_DATA)
#define IP_OUTSIDE	0x401234UL
#define IP_GATE		(LX_GATE_ADDR + 25) /* after the stub's `syscall` */
#define VSYSCALL_PAGE	0xffffffffff600000UL
#define X32_SYSCALL_BIT 0x40000000

#define W_ARCH	LX_BPF_WORD(offsetof(struct seccomp_data, arch))
#define W_NR	LX_BPF_WORD(offsetof(struct seccomp_data, nr))
#define W_IP_LO LX_BPF_WORD(offsetof(struct seccomp_data, instruction_pointer))
#define W_IP_HI LX_BPF_WORD(offsetof(struct seccomp_data, instruction_pointer) + 4)

#define THREAD_FLAGS                                                                               \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |        \
	 CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

static struct sock_fprog progs[2]; /* [0] default profile, [1] hardened */

static int setup(void **state)
{
	struct zone_error err = {0};
	(void)state;
	for (int h = 0; h < 2; h++) {
		struct lx_filter_opts o = {.hardened = h};
		if (lx_filter_build(&o, &progs[h], &err) < 0) {
			fprintf(stderr, "lx_filter_build: %s\n", err.msg);
			return -1;
		}
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int h = 0; h < 2; h++)
		free(progs[h].filter);
	return 0;
}

static uint32_t run_args(int h, uint32_t arch, int nr, uint64_t a0, uint64_t a1, uint64_t ip,
			 uint32_t *loaded)
{
	struct seccomp_data d = {.nr = nr, .arch = arch, .instruction_pointer = ip};
	struct lx_bpf_run r, r2;
	struct zone_error err = {0};
	d.args[0] = a0;
	d.args[1] = a1;
	if (lx_bpf_run(progs[h].filter, progs[h].len, &d, &r, &err) < 0)
		fail_msg("nr %d: %s", nr, err.msg);
	/* the unchecked run lx_filter_verify uses decides the same, by the same path */
	if (lx_bpf_exec(progs[h].filter, progs[h].len, &d, &r2, &err) < 0 || r2.ret != r.ret ||
	    r2.loaded != r.loaded || r2.steps != r.steps)
		fail_msg("nr %d: lx_bpf_exec differs from lx_bpf_run", nr);
	if (loaded)
		*loaded = r.loaded;
	return r.ret;
}

static uint32_t run_full(int h, uint32_t arch, int nr, uint64_t a0, uint64_t ip, uint32_t *loaded)
{
	return run_args(h, arch, nr, a0, 0, ip, loaded);
}

static uint32_t run(int nr, uint64_t a0, uint64_t ip)
{
	return run_full(0, AUDIT_ARCH_X86_64, nr, a0, ip, NULL);
}

static int in_gate(uint64_t ip)
{
	return ip > LX_GATE_ADDR && ip <= LX_GATE_ADDR + LX_GATE_LEN;
}

/* What the table says the filter must return, independently of how the filter is built. */
static uint32_t expected(int h, int nr, uint64_t a0, uint64_t ip)
{
	unsigned cls = LX_SYS_NONE;
	if (nr >= 0 && nr < LX_NSYSCALLS)
		cls = h ? lx_systable[nr].cls_hardened : lx_systable[nr].cls;
	switch (cls) {
	case LX_SYS_PASS:
		return SECCOMP_RET_ALLOW;
	case LX_SYS_REFUSE:
		return SECCOMP_RET_ERRNO | lx_systable[nr].err;
	case LX_SYS_EMUL:
		/* only threads trap: fork- and vfork-style clones run natively */
		if (nr == SYS_clone && (a0 & (CLONE_VM | CLONE_VFORK)) != CLONE_VM)
			return SECCOMP_RET_ALLOW;
		/* hardened futex: op 0 (FUTEX_WAIT) passes; test_futex_commands has the rest */
		if (nr == SYS_futex)
			return SECCOMP_RET_ALLOW;
		/* the brand's own host epoll instances (syscalls/lx_epoll_host.c): created from
		 * the gate, and named from it only in the brand's reserved descriptor range */
		if (h && in_gate(ip) && nr == SYS_epoll_create1)
			return SECCOMP_RET_ALLOW;
		if (h && in_gate(ip) &&
		    (nr == SYS_epoll_ctl || nr == SYS_epoll_pwait || nr == SYS_epoll_pwait2) &&
		    (uint32_t)a0 >= 896 && (uint32_t)a0 < 960)
			return SECCOMP_RET_ALLOW;
		/* what the hardened profile keeps from the host is refused even from the gate */
		if (h && lx_systable[nr].cls == LX_SYS_PASS && in_gate(ip))
			return SECCOMP_RET_ERRNO | EPERM;
		return in_gate(ip) ? SECCOMP_RET_ALLOW : RET_TRAP;
	default:
		return RET_TRAP; /* UNSUP, holes, unknown numbers */
	}
}

static void check_row(int h, int nr, uint64_t a0, uint64_t ip)
{
	uint32_t loaded, got = run_full(h, AUDIT_ARCH_X86_64, nr, a0, ip, &loaded);
	uint32_t want = expected(h, nr, a0, ip);
	if (got != want)
		fail_msg("profile %d nr %d (%s) a0 %#lx ip %#lx: got %#x, want %#x", h, nr,
			 nr < LX_NSYSCALLS && lx_systable[nr].name ? lx_systable[nr].name : "?",
			 (unsigned long)a0, (unsigned long)ip, got, want);
	/* Policy and pass-through decisions read only arch and nr: action-cache friendly.
	 * The argument rules (clone's flags, setns's nstype) read their argument too. */
	if (nr == SYS_clone || nr == SYS_setns ||
	    (h && (nr == SYS_futex || nr == SYS_epoll_ctl || nr == SYS_epoll_pwait ||
		   nr == SYS_epoll_pwait2)))
		return;
	if (want == SECCOMP_RET_ALLOW && !in_gate(ip))
		assert_int_equal(loaded, W_ARCH | W_NR);
	if ((want & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO && !in_gate(ip))
		assert_int_equal(loaded, W_ARCH | W_NR);
}

static void test_every_table_row(void **state)
{
	(void)state;
	static const uint64_t ips[] = {IP_OUTSIDE, IP_GATE, 0};
	for (int h = 0; h < 2; h++)
		for (int nr = 0; nr < LX_NSYSCALLS + 64; nr++)
			for (size_t i = 0; i < sizeof(ips) / sizeof(ips[0]); i++)
				check_row(h, nr, 0, ips[i]);
	/* far beyond the table, and -1 (which libseccomp lets through its x32 test) */
	check_row(0, 1000, 0, IP_OUTSIDE);
	check_row(0, X32_SYSCALL_BIT - 1, 0, IP_OUTSIDE);
	assert_int_equal(run(-1, 0, IP_OUTSIDE), RET_TRAP);
}

/* Hardened epoll: the brand's host instances are named from the gate only in [896, 960) (the
 * low word of the first argument); around it, and from anywhere else, the calls stay out of
 * the host's reach (EPERM from the gate, a trap elsewhere).  The default profile passes them. */
static void test_epoll_range(void **state)
{
	(void)state;
	static const uint64_t fds[] = {0,
				       3,
				       895,
				       896,
				       959,
				       960,
				       0xffffffff00000380ULL,
				       0xffffffffULL,
				       (uint64_t)-1,
				       0x1000003c0ULL};
	static const int nrs[] = {SYS_epoll_ctl, SYS_epoll_pwait, SYS_epoll_pwait2};
	for (size_t n = 0; n < 3; n++)
		for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
			int in = (uint32_t)fds[i] >= 896 && (uint32_t)fds[i] < 960;
			assert_int_equal(
			    run_full(1, AUDIT_ARCH_X86_64, nrs[n], fds[i], IP_OUTSIDE, NULL),
			    RET_TRAP);
			assert_int_equal(
			    run_full(1, AUDIT_ARCH_X86_64, nrs[n], fds[i], IP_GATE, NULL),
			    in ? SECCOMP_RET_ALLOW : SECCOMP_RET_ERRNO | EPERM);
			assert_int_equal(
			    run_full(0, AUDIT_ARCH_X86_64, nrs[n], fds[i], IP_GATE, NULL),
			    SECCOMP_RET_ALLOW);
			check_row(1, nrs[n], fds[i], IP_GATE);
		}
	/* epoll_create and epoll_wait stay refused from the gate, epoll_create1 passes */
	assert_int_equal(run_full(1, AUDIT_ARCH_X86_64, SYS_epoll_create1, 0, IP_GATE, NULL),
			 SECCOMP_RET_ALLOW);
	assert_int_equal(run_full(1, AUDIT_ARCH_X86_64, SYS_epoll_create1, 0, IP_OUTSIDE, NULL),
			 RET_TRAP);
	assert_int_equal(run_full(1, AUDIT_ARCH_X86_64, SYS_epoll_create, 1, IP_GATE, NULL),
			 SECCOMP_RET_ERRNO | EPERM);
	assert_int_equal(run_full(1, AUDIT_ARCH_X86_64, SYS_epoll_wait, 900, IP_GATE, NULL),
			 SECCOMP_RET_ERRNO | EPERM);
	/* epoll_ppoll: no host eventpoll for the brand either */
	struct lx_filter_opts o = {.hardened = 1, .epoll_ppoll = 1};
	struct sock_fprog p;
	struct zone_error err = {0};
	struct seccomp_data d = {
	    .nr = SYS_epoll_ctl, .arch = AUDIT_ARCH_X86_64, .instruction_pointer = IP_GATE};
	struct lx_bpf_run r;
	assert_int_equal(lx_filter_build(&o, &p, &err), 0);
	d.args[0] = 900;
	assert_int_equal(lx_bpf_run(p.filter, p.len, &d, &r, &err), 0);
	assert_int_equal(r.ret, SECCOMP_RET_ERRNO | EPERM);
	d.nr = SYS_epoll_create1;
	assert_int_equal(lx_bpf_run(p.filter, p.len, &d, &r, &err), 0);
	assert_int_equal(r.ret, SECCOMP_RET_ERRNO | EPERM);
	free(p.filter);
}

/* The hardened profile traps futex's PI and requeue commands, with or without the private and
 * clock flags, lets the others through, and sends unknown ones to the brand (ENOSYS); the
 * default profile passes them all. */
static void test_futex_commands(void **state)
{
	(void)state;
	static const int trapped[] = {3, 4, 6, 7, 8, 11, 12, 13}, passed[] = {0, 1, 2, 5, 9, 10};
	for (int cmd = 0; cmd < 16; cmd++)
		for (int fl = 0; fl < 4; fl++) {
			uint64_t op = (uint64_t)cmd | (fl & 1 ? 128 : 0) | (fl & 2 ? 256 : 0);
			int trap = 1;
			for (size_t i = 0; i < sizeof(passed) / sizeof(passed[0]); i++)
				if (passed[i] == cmd)
					trap = 0;
			assert_int_equal(
			    run_args(1, AUDIT_ARCH_X86_64, SYS_futex, 0, op, IP_OUTSIDE, NULL),
			    trap ? RET_TRAP : SECCOMP_RET_ALLOW);
			assert_int_equal(
			    run_args(0, AUDIT_ARCH_X86_64, SYS_futex, 0, op, IP_OUTSIDE, NULL),
			    SECCOMP_RET_ALLOW);
		}
	/* the brand never makes them: from the gate they are refused */
	for (size_t i = 0; i < sizeof(trapped) / sizeof(trapped[0]); i++)
		assert_int_equal(run_args(1, AUDIT_ARCH_X86_64, SYS_futex, 0, (uint64_t)trapped[i],
					  IP_GATE, NULL),
				 SECCOMP_RET_ERRNO | EPERM);
}

static void test_pass_paths_load_only_arch_and_nr(void **state)
{
	(void)state;
	int npass = 0;
	for (int nr = 0; nr < LX_NSYSCALLS; nr++) {
		if (lx_systable[nr].cls != LX_SYS_PASS)
			continue;
		uint32_t loaded;
		/* an ip inside the gate must not matter either: same path, same loads */
		assert_int_equal(run_full(0, AUDIT_ARCH_X86_64, nr, ~0ULL, IP_GATE, &loaded),
				 SECCOMP_RET_ALLOW);
		assert_int_equal(loaded, W_ARCH | W_NR);
		npass++;
	}
	assert_true(npass > 300);
	/* while a trapped call does read the instruction pointer */
	uint32_t loaded;
	assert_int_equal(run_full(0, AUDIT_ARCH_X86_64, SYS_uname, 0, IP_OUTSIDE, &loaded),
			 RET_TRAP);
	assert_int_equal(loaded, W_ARCH | W_NR | W_IP_HI); /* another high word than the gate's */
	assert_int_equal(run_full(0, AUDIT_ARCH_X86_64, SYS_uname, 0,
				  LX_GATE_ADDR + LX_GATE_LEN + 1, &loaded),
			 RET_TRAP);
	assert_int_equal(loaded, W_ARCH | W_NR | W_IP_HI | W_IP_LO);
}

static void test_clone_flags(void **state)
{
	(void)state;
	static const struct {
		uint64_t flags;
		uint32_t outside, gate;
	} rows[] = {
	    {THREAD_FLAGS, RET_TRAP, SECCOMP_RET_ALLOW},     /* pthread_create */
	    {SIGCHLD, SECCOMP_RET_ALLOW, SECCOMP_RET_ALLOW}, /* fork() */
	    {CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD, SECCOMP_RET_ALLOW,
	     SECCOMP_RET_ALLOW},
	    {0, SECCOMP_RET_ALLOW, SECCOMP_RET_ALLOW},
	    {CLONE_VFORK | SIGCHLD, SECCOMP_RET_ALLOW, SECCOMP_RET_ALLOW},
	    {CLONE_VM | SIGCHLD, RET_TRAP, SECCOMP_RET_ALLOW},
	    {CLONE_VM | CLONE_VFORK, SECCOMP_RET_ALLOW, SECCOMP_RET_ALLOW},
	    {CLONE_VM | CLONE_VFORK | SIGCHLD, SECCOMP_RET_ALLOW, SECCOMP_RET_ALLOW}, /* spawn */
	    {CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD, SECCOMP_RET_ALLOW, SECCOMP_RET_ALLOW},
	    /* bits in the high word do not hide or fake the vfork bits */
	    {0xffffffff00000000ULL | CLONE_VM | CLONE_VFORK, SECCOMP_RET_ALLOW, SECCOMP_RET_ALLOW},
	    {0xffffffff00000000ULL | SIGCHLD, SECCOMP_RET_ALLOW, SECCOMP_RET_ALLOW},
	    {0xffffffff00000000ULL | CLONE_VM, RET_TRAP, SECCOMP_RET_ALLOW},
	    {~0ULL, SECCOMP_RET_ALLOW, SECCOMP_RET_ALLOW},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (run(SYS_clone, rows[i].flags, IP_OUTSIDE) != rows[i].outside ||
		    run(SYS_clone, rows[i].flags, IP_GATE) != rows[i].gate)
			fail_msg("clone flags %#llx", (unsigned long long)rows[i].flags);
		check_row(0, SYS_clone, rows[i].flags, IP_OUTSIDE);
		check_row(0, SYS_clone, rows[i].flags, IP_GATE);
	}
	/* vfork itself is plain pass-through; clone3 always traps (its flags are behind a
	 * pointer), whatever its registers hold, and the brand's re-issue passes */
	assert_int_equal(run(SYS_vfork, 0, IP_OUTSIDE), SECCOMP_RET_ALLOW);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(run(SYS_clone3, rows[i].flags, IP_OUTSIDE), RET_TRAP);
		assert_int_equal(
		    run_args(0, AUDIT_ARCH_X86_64, SYS_clone3, 0, rows[i].flags, IP_OUTSIDE, NULL),
		    RET_TRAP);
		assert_int_equal(run(SYS_clone3, rows[i].flags, IP_GATE), SECCOMP_RET_ALLOW);
	}
}

/* setns: refused but for a time namespace (nstype CLONE_NEWTIME, an int), from anywhere */
static void test_setns_nstype(void **state)
{
	(void)state;
	static const struct {
		uint64_t nstype;
		uint32_t want;
	} rows[] = {
	    {CLONE_NEWTIME, SECCOMP_RET_ALLOW},
	    {0xffffffff00000000ULL | CLONE_NEWTIME,
	     SECCOMP_RET_ALLOW}, /* the kernel reads an int */
	    {0x100000000ULL | CLONE_NEWTIME, SECCOMP_RET_ALLOW},
	    {0, SECCOMP_RET_ERRNO | EPERM}, /* any namespace the fd names */
	    {CLONE_NEWTIME | CLONE_NEWNET, SECCOMP_RET_ERRNO | EPERM},
	    {CLONE_NEWNS, SECCOMP_RET_ERRNO | EPERM},
	    {CLONE_NEWPID, SECCOMP_RET_ERRNO | EPERM},
	    {CLONE_NEWUSER, SECCOMP_RET_ERRNO | EPERM},
	    {CLONE_NEWCGROUP, SECCOMP_RET_ERRNO | EPERM},
	    {0x80ULL << 32, SECCOMP_RET_ERRNO | EPERM},
	    {~0ULL, SECCOMP_RET_ERRNO | EPERM},
	};
	static const uint64_t ips[] = {IP_OUTSIDE, IP_GATE, VSYSCALL_PAGE + 9};
	for (int h = 0; h < 2; h++)
		for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
			for (size_t j = 0; j < sizeof(ips) / sizeof(ips[0]); j++)
				if (run_args(h, AUDIT_ARCH_X86_64, SYS_setns, 3, rows[i].nstype,
					     ips[j], NULL) != rows[i].want)
					fail_msg("profile %d setns nstype %#llx ip %#llx: want %#x",
						 h, (unsigned long long)rows[i].nstype,
						 (unsigned long long)ips[j], rows[i].want);
	/* unshare passes whatever the flags: creating namespaces reaches nothing outside */
	assert_int_equal(run(SYS_unshare, CLONE_NEWTIME | CLONE_NEWNS, IP_OUTSIDE),
			 SECCOMP_RET_ALLOW);
}

static void test_gate_boundaries(void **state)
{
	(void)state;
	static const struct {
		uint64_t ip;
		uint32_t want;
	} rows[] = {
	    {LX_GATE_ADDR, RET_TRAP}, /* ip is after the instruction: never the first byte */
	    {LX_GATE_ADDR + 1, SECCOMP_RET_ALLOW},
	    {IP_GATE, SECCOMP_RET_ALLOW},
	    {LX_GATE_ADDR + LX_GATE_LEN, SECCOMP_RET_ALLOW},
	    {LX_GATE_ADDR + LX_GATE_LEN + 1, RET_TRAP},
	    {LX_GATE_ADDR - 1, RET_TRAP},
	    {(1ULL << 32) ^ (LX_GATE_ADDR + 1), RET_TRAP}, /* same low word, another high */
	    {(1ULL << 32) ^ IP_GATE, RET_TRAP},
	    {(uint32_t)IP_GATE, RET_TRAP}, /* the low word alone (the gate sits above 4 GiB) */
	    {0xffffffff00000000ULL | IP_GATE, RET_TRAP},
	    {0, RET_TRAP},
	    {~0ULL, RET_TRAP},
	};
	static const int emul[] = {SYS_uname, SYS_execve, SYS_rt_sigaction, SYS_readlink};
	for (size_t e = 0; e < sizeof(emul) / sizeof(emul[0]); e++)
		for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
			if (run(emul[e], 0, rows[i].ip) != rows[i].want)
				fail_msg("nr %d ip %#llx: want %#x", emul[e],
					 (unsigned long long)rows[i].ip, rows[i].want);
	/* unsupported calls trap even from the gate: the brand has no reason to make them */
	assert_int_equal(run(SYS_create_module, 0, IP_GATE), RET_TRAP);
	assert_int_equal(run(LX_NSYSCALLS + 5, 0, IP_GATE), RET_TRAP);
}

/* The host emulates the vsyscall page and runs the filter with ip inside it (DESIGN.md). */
static void test_vsyscall_page_is_never_the_gate(void **state)
{
	(void)state;
	for (uint64_t off = 0; off <= 0xfff; off++)
		for (int nr = 0; nr < LX_NSYSCALLS; nr++)
			if (lx_systable[nr].cls == LX_SYS_EMUL && nr != SYS_clone)
				assert_int_equal(run(nr, 0, VSYSCALL_PAGE + off), RET_TRAP);
	/* what the page really calls: gettimeofday, time, getcpu stay pass-through */
	assert_int_equal(run(SYS_gettimeofday, 0, VSYSCALL_PAGE + 0x9), SECCOMP_RET_ALLOW);
	assert_int_equal(run(SYS_time, 0, VSYSCALL_PAGE + 0x409), SECCOMP_RET_ALLOW);
	assert_int_equal(run(SYS_getcpu, 0, VSYSCALL_PAGE + 0x809), SECCOMP_RET_ALLOW);
}

static void test_refusals_ignore_the_gate(void **state)
{
	(void)state;
	int n = 0;
	for (int nr = 0; nr < LX_NSYSCALLS; nr++) {
		if (lx_systable[nr].cls != LX_SYS_REFUSE)
			continue;
		uint32_t want = SECCOMP_RET_ERRNO | lx_systable[nr].err;
		assert_int_equal(run(nr, 0, IP_GATE), want);
		assert_int_equal(run(nr, 0, LX_GATE_ADDR + 1), want);
		assert_int_equal(run(nr, 0, LX_GATE_ADDR + LX_GATE_LEN), want);
		n++;
	}
	assert_true(n >= 40);
	assert_int_equal(run(SYS_kexec_load, 0, IP_GATE), SECCOMP_RET_ERRNO | EPERM);
	assert_int_equal(run(SYS_io_uring_setup, 0, IP_GATE), SECCOMP_RET_ERRNO | ENOSYS);
}

static void test_other_abis_are_killed(void **state)
{
	(void)state;
	static const uint32_t arches[] = {AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64, 0, 0xffffffff};
	static const uint64_t ips[] = {IP_OUTSIDE, IP_GATE};
	for (int h = 0; h < 2; h++)
		for (size_t a = 0; a < sizeof(arches) / sizeof(arches[0]); a++)
			for (int nr = 0; nr < 450; nr += 7)
				for (int i = 0; i < 2; i++)
					assert_int_equal(
					    run_full(h, arches[a], nr, 0, ips[i], NULL),
					    SECCOMP_RET_KILL_PROCESS);
	/* i386 numbers that are harmless on x86_64 (getpid is 20 there, `write` here) */
	assert_int_equal(run_full(0, AUDIT_ARCH_I386, 20, 0, IP_OUTSIDE, NULL),
			 SECCOMP_RET_KILL_PROCESS);
	/* x32 shares AUDIT_ARCH_X86_64; its numbers have bit 30 set and must never be read as
	 * the 64-bit call with the same low bits (x32 read, uname, execve, clone ...). */
	for (int h = 0; h < 2; h++)
		for (int nr = 0; nr < 600; nr++)
			for (int i = 0; i < 2; i++)
				assert_int_equal(run_full(h, AUDIT_ARCH_X86_64,
							  X32_SYSCALL_BIT | nr, 0, ips[i], NULL),
						 SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(run(0x7fffffff, 0, IP_OUTSIDE), SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(run((int)0x80000000, 0, IP_GATE), SECCOMP_RET_KILL_PROCESS);
}

static void test_program_shape(void **state)
{
	(void)state;
	for (int h = 0; h < 2; h++) {
		const struct sock_fprog *p = &progs[h];
		struct zone_error err = {0};
		int traps = 0;
		assert_int_equal(lx_bpf_check(p->filter, p->len, &err), 0);
		assert_true(p->len <= BPF_MAXINSNS);
		for (unsigned i = 0; i < p->len; i++) {
			const struct sock_filter *f = &p->filter[i];
			if (BPF_CLASS(f->code) != BPF_RET)
				continue;
			assert_int_equal(f->code, BPF_RET | BPF_K);
			uint32_t act = f->k & SECCOMP_RET_ACTION_FULL;
			/* no placeholder survives the post-pass */
			assert_int_not_equal(act, SECCOMP_RET_TRACE);
			if (act == SECCOMP_RET_TRAP) {
				assert_int_equal(f->k, RET_TRAP);
				traps++;
			}
		}
		assert_true(traps >= 2); /* the default one and the gate block's */
		/* one gate block at the end (the hardened profile adds its refusing twin): ip is
		 * loaded exactly twice per block in the whole program */
		int ip_loads = 0;
		for (unsigned i = 0; i < p->len; i++)
			if (p->filter[i].code == (BPF_LD | BPF_W | BPF_ABS) &&
			    p->filter[i].k >= offsetof(struct seccomp_data, instruction_pointer) &&
			    p->filter[i].k < offsetof(struct seccomp_data, args))
				ip_loads++;
		assert_int_equal(ip_loads, h ? 4 : 2);
		assert_int_equal(p->filter[p->len - 1].k, RET_TRAP);
		assert_int_equal(p->filter[p->len - 2].k,
				 h ? SECCOMP_RET_ERRNO | EPERM : SECCOMP_RET_ALLOW);
	}
}

/* ---- the post-pass on hand-made programs ---- */

static int sim(const struct sock_filter *p, size_t n, const struct seccomp_data *d,
	       struct lx_bpf_run *r)
{
	struct zone_error err = {0};
	return lx_bpf_run(p, n, d, r, &err);
}

#define RET_K(k) BPF_STMT(BPF_RET | BPF_K, (k))

static void test_gate_pass_rewrites_placeholders(void **state)
{
	(void)state;
	struct sock_filter p[4 + LX_FILTER_GATE_BLOCK_LEN] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
	    RET_K(SECCOMP_RET_TRACE | LX_FILTER_MARK_GATED),
	    RET_K(SECCOMP_RET_TRACE | LX_FILTER_MARK_PLAIN),
	};
	struct zone_error err = {0};
	struct lx_bpf_run r;
	long n = lx_filter_gate_pass(p, 4, &err);
	/* no MARK_NEWER: only the trapping gate check (test_kernel_version: the other) */
	assert_int_equal(n, 4 + LX_FILTER_GATE_BLOCK_LEN / 3);
	assert_int_equal(p[2].code, BPF_JMP | BPF_JA);
	assert_int_equal(2 + 1 + p[2].k, 4); /* lands on the appended block */
	assert_int_equal(p[3].code, BPF_RET | BPF_K);
	assert_int_equal(p[3].k, RET_TRAP);

	struct seccomp_data d = {.nr = 1, .instruction_pointer = IP_GATE};
	assert_int_equal(sim(p, (size_t)n, &d, &r), 0);
	assert_int_equal(r.ret, SECCOMP_RET_ALLOW);
	d.instruction_pointer = IP_OUTSIDE;
	assert_int_equal(sim(p, (size_t)n, &d, &r), 0);
	assert_int_equal(r.ret, RET_TRAP);
	d.nr = 2;
	d.instruction_pointer = IP_GATE;
	assert_int_equal(sim(p, (size_t)n, &d, &r), 0);
	assert_int_equal(r.ret, RET_TRAP); /* a plain trap is never gated */
}

/* All three checks: GATED traps outside the gate, NEWER answers ENOSYS outside it, HARD (the
 * hardened profile's host subsystems) traps outside and is refused from the gate. */
static void test_gate_pass_three_checks(void **state)
{
	(void)state;
	struct sock_filter p[7 + LX_FILTER_GATE_BLOCK_LEN] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
	    RET_K(SECCOMP_RET_TRACE | LX_FILTER_MARK_GATED),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 1),
	    RET_K(SECCOMP_RET_TRACE | LX_FILTER_MARK_NEWER),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 3, 0, 1),
	    RET_K(SECCOMP_RET_TRACE | LX_FILTER_MARK_HARD),
	};
	const struct {
		uint32_t nr;
		uint64_t ip;
		uint32_t ret;
	} want[] = {
	    {1, IP_GATE, SECCOMP_RET_ALLOW},	     {1, IP_OUTSIDE, RET_TRAP},
	    {2, IP_GATE, SECCOMP_RET_ALLOW},	     {2, IP_OUTSIDE, SECCOMP_RET_ERRNO | ENOSYS},
	    {3, IP_GATE, SECCOMP_RET_ERRNO | EPERM}, {3, IP_OUTSIDE, RET_TRAP},
	};
	struct zone_error err = {0};
	struct lx_bpf_run r;
	long n = lx_filter_gate_pass(p, 7, &err);

	assert_int_equal(n, 7 + LX_FILTER_GATE_BLOCK_LEN);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct seccomp_data d = {.nr = (int)want[i].nr, .instruction_pointer = want[i].ip};
		assert_int_equal(sim(p, (size_t)n, &d, &r), 0);
		assert_int_equal(r.ret, want[i].ret);
	}
}

static void test_gate_pass_rejects_strays(void **state)
{
	(void)state;
	static const struct sock_filter bad[][2] = {
	    {RET_K(SECCOMP_RET_TRACE | LX_FILTER_MARK_GATED), RET_K(SECCOMP_RET_TRACE | 5)},
	    {RET_K(SECCOMP_RET_TRACE | LX_FILTER_MARK_GATED), BPF_STMT(BPF_RET | BPF_A, 0)},
	    {RET_K(SECCOMP_RET_TRACE | LX_FILTER_MARK_PLAIN), RET_K(SECCOMP_RET_ALLOW)},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sock_filter p[2 + LX_FILTER_GATE_BLOCK_LEN];
		struct zone_error err = {0};
		memcpy(p, bad[i], sizeof(bad[i]));
		assert_int_equal(lx_filter_gate_pass(p, 2, &err), -1);
		assert_true(strlen(err.msg) > 0);
	}
	/* too long for the kernel once the block is appended */
	size_t len = BPF_MAXINSNS - 2;
	struct sock_filter *p = calloc(len + LX_FILTER_GATE_BLOCK_LEN, sizeof(*p));
	assert_non_null(p);
	for (size_t i = 0; i < len; i++)
		p[i] = (struct sock_filter)RET_K(SECCOMP_RET_TRACE | LX_FILTER_MARK_GATED);
	struct zone_error err = {0};
	assert_int_equal(lx_filter_gate_pass(p, len, &err), -1);
	free(p);
}

/* ---- the simulator itself ---- */

/* Zones: mount and umount2 go to the mount service (a user notification) for every caller, the
 * gate included, decided on the number alone; every other row is unchanged. */
static void test_mount_notify(void **state)
{
	(void)state;
	struct lx_filter_opts o = {.mount_notify = 1, .lxproc = 1};
	struct sock_fprog p;
	struct zone_error err = {0};
	static const uint64_t ips[] = {IP_OUTSIDE, IP_GATE, LX_GATE_ADDR + 1, 0};

	if (lx_filter_build(&o, &p, &err) < 0)
		fail_msg("lx_filter_build: %s", err.msg);
	for (size_t i = 0; i < sizeof(ips) / sizeof(ips[0]); i++) {
		static const int nrs[] = {SYS_mount, SYS_umount2};
		for (size_t k = 0; k < 2; k++) {
			struct seccomp_data d = {
			    .nr = nrs[k], .arch = AUDIT_ARCH_X86_64, .instruction_pointer = ips[i]};
			struct lx_bpf_run r;
			if (lx_bpf_run(p.filter, p.len, &d, &r, &err) < 0)
				fail_msg("%s", err.msg);
			assert_int_equal(r.ret, SECCOMP_RET_USER_NOTIF);
			assert_int_equal(r.loaded, W_ARCH | W_NR);
		}
	}
	/* the simulator's full check of every other number, under these options */
	if (lx_filter_verify(&o, &p, &err) < 0)
		fail_msg("lx_filter_verify: %s", err.msg);
	/* the key separates the two filters, so a cached one is never taken for the other */
	struct lx_filter_opts plain = {.lxproc = 1};
	assert_true(lx_filter_key(&o) != lx_filter_key(&plain));
	assert_int_equal(lx_filter_verify(&plain, &p, &err), -1);
	free(p.filter);
	/* without the option (lxrun, no zone): refused, and the new mount API answers ENOSYS
	 * so libmount falls back to mount(2) */
	assert_int_equal(run(SYS_mount, 0, IP_OUTSIDE), SECCOMP_RET_ERRNO | EPERM);
	assert_int_equal(run(SYS_umount2, 0, IP_GATE), SECCOMP_RET_ERRNO | EPERM);
	assert_int_equal(run(SYS_fsopen, 0, IP_OUTSIDE), SECCOMP_RET_ERRNO | ENOSYS);
	assert_int_equal(run(SYS_mount_setattr, 0, IP_OUTSIDE), SECCOMP_RET_ERRNO | ENOSYS);
}

/* The table's USERNS rows (statmount, listmount): passed from anywhere in a user-namespaced
 * zone of the default profile; refused (ENOSYS) in a privileged zone, in the hardened profile
 * and under lxrun, from the gate too.  The key tells the filters apart. */
static uint32_t ret_of(const struct sock_fprog *p, int nr, uint64_t ip)
{
	struct seccomp_data d = {.nr = nr, .arch = AUDIT_ARCH_X86_64, .instruction_pointer = ip};
	struct lx_bpf_run r;
	struct zone_error err = {0};

	if (lx_bpf_run(p->filter, p->len, &d, &r, &err) < 0)
		fail_msg("%s", err.msg);
	return r.ret;
}

static void test_userns_rows(void **state)
{
	(void)state;
	static const struct {
		struct lx_filter_opts o;
		int pass;
	} cases[] = {
	    {{.mount_notify = 1, .userns = 1}, 1},
	    {{.mount_notify = 1, .userns = 1, .lxproc = 1}, 1},
	    {{.mount_notify = 1}, 0},				  /* privileged zone */
	    {{.mount_notify = 1, .userns = 1, .hardened = 1}, 0}, /* hardened */
	    {{0}, 0},						  /* lxrun */
	};
	static const int nrs[] = {SYS_statmount, SYS_listmount};
	int nusers = 0;

	for (int nr = 0; nr < LX_NSYSCALLS; nr++)
		nusers += lx_systable[nr].trap == LX_TRAP_USERNS;
	assert_true(nusers >= 2);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct sock_fprog p;
		struct zone_error err = {0};

		if (lx_filter_build(&cases[c].o, &p, &err) < 0)
			fail_msg("lx_filter_build: %s", err.msg);
		for (size_t k = 0; k < sizeof(nrs) / sizeof(nrs[0]); k++) {
			const uint32_t want =
			    cases[c].pass ? SECCOMP_RET_ALLOW : SECCOMP_RET_ERRNO | ENOSYS;
			assert_int_equal(lx_systable[nrs[k]].trap, LX_TRAP_USERNS);
			assert_int_equal(ret_of(&p, nrs[k], IP_OUTSIDE), want);
			assert_int_equal(ret_of(&p, nrs[k], IP_GATE), want);
		}
		/* the new mount API goes to the mount service in every zone, ENOSYS without one */
		static const int api[] = {SYS_fsopen,	    SYS_fsconfig,  SYS_fsmount,
					  SYS_fspick,	    SYS_open_tree, SYS_move_mount,
					  SYS_mount_setattr};
		for (size_t k = 0; k < sizeof(api) / sizeof(api[0]); k++) {
			const uint32_t want = cases[c].o.mount_notify ? SECCOMP_RET_USER_NOTIF
								      : SECCOMP_RET_ERRNO | ENOSYS;
			assert_int_equal(ret_of(&p, api[k], IP_OUTSIDE), want);
			assert_int_equal(ret_of(&p, api[k], IP_GATE), want);
		}
		if (lx_filter_verify(&cases[c].o, &p, &err) < 0)
			fail_msg("lx_filter_verify (case %zu): %s", c, err.msg);
		free(p.filter);
	}
	assert_true(lx_filter_key(&cases[0].o) != lx_filter_key(&cases[2].o));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_table_row),
	    cmocka_unit_test(test_futex_commands),
	    cmocka_unit_test(test_epoll_range),
	    cmocka_unit_test(test_pass_paths_load_only_arch_and_nr),
	    cmocka_unit_test(test_clone_flags),
	    cmocka_unit_test(test_setns_nstype),
	    cmocka_unit_test(test_gate_boundaries),
	    cmocka_unit_test(test_vsyscall_page_is_never_the_gate),
	    cmocka_unit_test(test_refusals_ignore_the_gate),
	    cmocka_unit_test(test_mount_notify),
	    cmocka_unit_test(test_userns_rows),
	    cmocka_unit_test(test_other_abis_are_killed),
	    cmocka_unit_test(test_program_shape),
	    cmocka_unit_test(test_gate_pass_rewrites_placeholders),
	    cmocka_unit_test(test_gate_pass_three_checks),
	    cmocka_unit_test(test_gate_pass_rejects_strays),
	};
	return cmocka_run_group_tests_name("filter", tests, setup, teardown);
}
