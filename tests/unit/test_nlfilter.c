/*
 * netlink/nlfilter.c in the BPF simulator: the netlink view's filter traps socket(AF_NETLINK)
 * and the data and membership calls on the descriptor range, and the read-only opens
 * (/proc/net), from anywhere but the gate, and allows everything else; the table's NETVIEW
 * rows are exactly the descriptor calls it traps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>

#include "emul/systable.h"
#include "filter/bpf_sim.h"
#include "kernel-shim/brand_abi.h"
#include "netlink/nlfilter.h"

#define RET_TRAP   (SECCOMP_RET_TRAP | LX_TRAP_DATA)
#define IP_OUTSIDE 0x401000ULL
#define IP_GATE	   (LX_GATE_ADDR + 26)

static uint32_t run(const struct sock_filter *p, int nr, uint64_t a0, uint64_t ip, uint32_t arch)
{
	struct seccomp_data d;
	struct lx_bpf_run out;
	struct zone_error err = {0};

	memset(&d, 0, sizeof(d));
	d.nr = nr;
	d.arch = arch;
	d.instruction_pointer = ip;
	/* the same value in every argument: a descriptor, a domain or open's flags */
	for (int i = 0; i < 6; i++)
		d.args[i] = a0;
	if (lx_bpf_run(p, LX_NLFILTER_LEN, &d, &out, &err) < 0)
		fail_msg("%s", err.msg);
	return out.ret;
}

static const int fd_calls[] = {SYS_sendto, SYS_recvfrom, SYS_sendmsg, SYS_recvmsg};

static int is_fd_call(int nr)
{
	for (size_t i = 0; i < sizeof(fd_calls) / sizeof(fd_calls[0]); i++)
		if (fd_calls[i] == nr)
			return 1;
	return 0;
}

static void test_nlfilter(void **state)
{
	struct lx_sock_filter raw[LX_NLFILTER_LEN];
	const struct sock_filter *p = (const struct sock_filter *)raw;
	const uint64_t base = LX_NL_FD_BASE, end = LX_NL_FD_BASE + LX_NL_FD_COUNT;
	struct zone_error err = {0};

	(void)state;
	lx_nlfilter_build(raw);
	if (lx_bpf_check(p, LX_NLFILTER_LEN, &err) < 0)
		fail_msg("the kernel would refuse it: %s", err.msg);
	for (int nr = 0; nr < LX_NSYSCALLS; nr++) {
		const int fdc = is_fd_call(nr), sock = nr == SYS_socket;
		const int uev = nr == SYS_bind || nr == SYS_setsockopt;
		const int opn = nr == SYS_open || nr == SYS_openat;
		/* the table's NETVIEW rows are this program's calls */
		assert_int_equal(lx_systable[nr].trap == LX_TRAP_NETVIEW, fdc || sock || uev);
		/* and the read-only opens (syscalls/lx_procnet.c), which are CAPS rows */
		if (opn || nr == SYS_openat2)
			assert_int_equal(lx_systable[nr].trap, LX_TRAP_CAPS);
		const uint64_t args[] = {0,
					 3,
					 base - 1,
					 base,
					 end - 1,
					 end,
					 LX_NL_FD_UEVENT - 1,
					 LX_NL_FD_UEVENT,
					 16,
					 (1ULL << 32) | base};
		for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
			uint64_t a = args[i];
			/* the kernel reads the low word of a descriptor or a domain */
			uint32_t lo = (uint32_t)a;
			int trap = (fdc && lo >= base && lo < end) || (sock && lo == 16) ||
				   (uev && lo >= LX_NL_FD_UEVENT && lo < end) ||
				   (opn && !(lo & (O_ACCMODE | O_DIRECTORY | O_PATH))) ||
				   nr == SYS_openat2;
			uint32_t got = run(p, nr, a, IP_OUTSIDE, AUDIT_ARCH_X86_64);
			if (got != (trap ? RET_TRAP : SECCOMP_RET_ALLOW))
				fail_msg("nr %d a0 %#llx: got %#x", nr, (unsigned long long)a, got);
			assert_int_equal(run(p, nr, a, IP_GATE, AUDIT_ARCH_X86_64),
					 SECCOMP_RET_ALLOW);
			if (trap) {
				assert_int_equal(run(p, nr, a, LX_GATE_ADDR, AUDIT_ARCH_X86_64),
						 RET_TRAP);
				assert_int_equal(
				    run(p, nr, a, 0xffffffffff600400ULL, AUDIT_ARCH_X86_64),
				    RET_TRAP);
			}
			/* another architecture is the main filter's to kill */
			assert_int_equal(run(p, nr, a, IP_OUTSIDE, AUDIT_ARCH_I386),
					 SECCOMP_RET_ALLOW);
		}
	}
}

/* open's and openat's flags: only a blocking read-only open that can be read traps (the low
 * word); a nonblocking one is a server's (nginx's per request) and passes */
static void test_open_flags(void **state)
{
	struct lx_sock_filter raw[LX_NLFILTER_LEN];
	const struct sock_filter *p = (const struct sock_filter *)raw;
	const struct {
		uint64_t flags;
		int trap;
	} cases[] = {
	    {O_RDONLY, 1},
	    {O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 1},
	    {O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW, 0},
	    {O_RDONLY | O_NONBLOCK, 0},
	    {O_RDONLY | O_CREAT, 1},
	    {O_WRONLY, 0},
	    {O_RDWR | O_CLOEXEC, 0},
	    {3, 0}, /* O_ACCMODE itself */
	    {O_RDONLY | O_DIRECTORY, 0},
	    {O_PATH, 0},
	    {O_PATH | O_NOFOLLOW | O_CLOEXEC, 0},
	    {(1ULL << 32) | O_RDONLY, 1},
	    {(1ULL << 32) | O_WRONLY, 0},
	};

	(void)state;
	lx_nlfilter_build(raw);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t want = cases[i].trap ? RET_TRAP : SECCOMP_RET_ALLOW;
		assert_int_equal(run(p, SYS_open, cases[i].flags, IP_OUTSIDE, AUDIT_ARCH_X86_64),
				 want);
		assert_int_equal(run(p, SYS_openat, cases[i].flags, IP_OUTSIDE, AUDIT_ARCH_X86_64),
				 want);
		assert_int_equal(run(p, SYS_open, cases[i].flags, IP_GATE, AUDIT_ARCH_X86_64),
				 SECCOMP_RET_ALLOW);
	}
	assert_int_equal(run(p, SYS_openat2, 0, IP_OUTSIDE, AUDIT_ARCH_X86_64), RET_TRAP);
	assert_int_equal(run(p, SYS_openat2, 0, IP_GATE, AUDIT_ARCH_X86_64), SECCOMP_RET_ALLOW);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_nlfilter),
					   cmocka_unit_test(test_open_flags)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
