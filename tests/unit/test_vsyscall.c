/*
 * The vsyscall page on vsyscall=none hosts (emul/vsyscall.c): the decoder against every
 * address shape the kernel's emulate_vsyscall tells apart, and the emulation against stub
 * and real system calls.  This host's kernel emulates the page itself (vsyscall=xonly or
 * emulate: a call there never faults), so the whole path through the brand's SIGSEGV entry
 * cannot run here; a vsyscall=none kernel is needed for that (docs/architecture.md).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "emul/lx_abi.h"
#include "emul/vsyscall.h"

#define SEGV_MAPERR_ 1
#define SEGV_ACCERR_ 2
#define VS	     LX_VSYSCALL_ADDR

static void test_decode(void **state)
{
	(void)state;
	static const struct {
		int signo, code;
		uint64_t addr, rip;
		int want;
	} cases[] = {
	    {11, SEGV_MAPERR_, VS, VS, SYS_gettimeofday},
	    {11, SEGV_MAPERR_, VS + 0x400, VS + 0x400, SYS_time},
	    {11, SEGV_MAPERR_, VS + 0x800, VS + 0x800, SYS_getcpu},
	    {11, SEGV_ACCERR_, VS + 0x400, VS + 0x400, SYS_time},
	    /* the fourth slot and misaligned entries: the kernel's "misaligned vsyscall" */
	    {11, SEGV_MAPERR_, VS + 0xc00, VS + 0xc00, -1},
	    {11, SEGV_MAPERR_, VS + 1, VS + 1, -1},
	    {11, SEGV_MAPERR_, VS + 0x404, VS + 0x404, -1},
	    {11, SEGV_MAPERR_, VS + 0x1000, VS + 0x1000, -1},
	    {11, SEGV_MAPERR_, VS - 0x1000, VS - 0x1000, -1},
	    /* a data access to the page from elsewhere: not a call */
	    {11, SEGV_MAPERR_, VS, 0x401000, -1},
	    {11, SEGV_MAPERR_, 0x401000, VS, -1},
	    /* sent, not raised by a fault (kill: SI_USER 0, sigqueue: SI_QUEUE -1, SI_KERNEL) */
	    {11, 0, VS, VS, -1},
	    {11, -1, VS, VS, -1},
	    {11, 0x80, VS, VS, -1},
	    /* another signal */
	    {7, SEGV_MAPERR_, VS, VS, -1},
	    {4, SEGV_MAPERR_, VS, VS, -1},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got =
		    lx_vsyscall_decode(cases[i].signo, cases[i].code, cases[i].addr, cases[i].rip);
		if (got != cases[i].want)
			fail_msg("case %zu (sig %d code %d addr %#llx rip %#llx): %d, want %d", i,
				 cases[i].signo, cases[i].code, (unsigned long long)cases[i].addr,
				 (unsigned long long)cases[i].rip, got, cases[i].want);
	}
}

/* stubs: record the call, answer `answer`; the guest stack is `stack` at `stack_at` */
static long last_nr = -1, answer;
static uint64_t last_a[3], stack_at, stack_val;

static long stub_call(long nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	last_nr = nr;
	last_a[0] = a0;
	last_a[1] = a1;
	last_a[2] = a2;
	return answer;
}

static int stub_read(uint64_t addr, uint64_t *out)
{
	if (addr != stack_at)
		return -EFAULT;
	*out = stack_val;
	return 0;
}

static const struct lx_vsyscall_ops stubs = {stub_call, stub_read};

static void test_emulate_stub(void **state)
{
	(void)state;
	static const int nrs[] = {SYS_gettimeofday, SYS_time, SYS_getcpu};
	for (size_t i = 0; i < 3; i++) {
		struct lx_sigcontext m = {.rdi = 0x1000,
					  .rsi = 0x2000,
					  .rdx = 0x3000,
					  .rsp = 0x7ffe0000,
					  .rip = VS + 0x400 * i,
					  .rax = 77};
		stack_at = m.rsp;
		stack_val = 0x401234;
		answer = 1234;
		assert_int_equal(lx_vsyscall_emulate(nrs[i], &m, &stubs), 1);
		assert_int_equal(last_nr, nrs[i]);
		assert_int_equal(last_a[0], 0x1000);
		/* time has one argument; getcpu's cache pointer is never passed, as in the
		 * kernel */
		assert_int_equal(last_a[1], nrs[i] == SYS_time ? 0 : 0x2000);
		assert_int_equal(last_a[2], 0);
		assert_int_equal(m.rax, 1234);
		assert_int_equal(m.rip, 0x401234); /* the `ret` */
		assert_int_equal(m.rsp, 0x7ffe0008);
		assert_int_equal(m.rdi, 0x1000);

		/* errors other than EFAULT are returned, with the ret */
		m.rsp = stack_at;
		answer = -EINVAL;
		assert_int_equal(lx_vsyscall_emulate(nrs[i], &m, &stubs), 1);
		assert_int_equal((long)m.rax, -EINVAL);

		/* EFAULT (a bad output pointer) and a bad stack: SIGSEGV, nothing changed */
		struct lx_sigcontext before = m;
		m.rsp = stack_at;
		before = m;
		answer = -EFAULT;
		assert_int_equal(lx_vsyscall_emulate(nrs[i], &m, &stubs), 0);
		assert_memory_equal(&m, &before, sizeof(m));
		answer = 0;
		last_nr = -1;
		m.rsp = 0xdead0000;
		before = m;
		assert_int_equal(lx_vsyscall_emulate(nrs[i], &m, &stubs), 0);
		assert_memory_equal(&m, &before, sizeof(m));
		assert_int_equal(last_nr, -1); /* the stack is read before the call is made */
	}
	struct lx_sigcontext m = {.rsp = stack_at};
	assert_int_equal(lx_vsyscall_emulate(SYS_getpid, &m, &stubs), 0);
}

/* the real calls, as the brand makes them through its gate */
static long real_call(long nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	long r = syscall(nr, a0, a1, a2);
	return r < 0 ? -errno : r;
}

static int real_read(uint64_t addr, uint64_t *out)
{
	memcpy(out, (const void *)(uintptr_t)addr, sizeof(*out));
	return 0;
}

static void test_emulate_real(void **state)
{
	(void)state;
	static const struct lx_vsyscall_ops real = {real_call, real_read};
	uint64_t fake_stack[2] = {0x401234, 0};
	struct timeval tv = {0, 0};
	time_t t = 0, now = time(NULL);
	unsigned cpu = ~0U, node = ~0U;
	struct lx_sigcontext m = {.rsp = (uintptr_t)fake_stack};

	m.rdi = (uintptr_t)&tv;
	m.rsi = 0;
	assert_int_equal(lx_vsyscall_decode(11, SEGV_MAPERR_, VS, VS), SYS_gettimeofday);
	assert_int_equal(lx_vsyscall_emulate(SYS_gettimeofday, &m, &real), 1);
	assert_int_equal(m.rax, 0);
	assert_true(tv.tv_sec >= now && tv.tv_sec <= now + 5);

	m.rsp = (uintptr_t)fake_stack;
	m.rdi = (uintptr_t)&t;
	assert_int_equal(lx_vsyscall_emulate(SYS_time, &m, &real), 1);
	assert_true((time_t)m.rax >= now && (time_t)m.rax <= now + 5);
	assert_int_equal((time_t)m.rax, t);

	m.rsp = (uintptr_t)fake_stack;
	m.rdi = (uintptr_t)&cpu;
	m.rsi = (uintptr_t)&node;
	assert_int_equal(lx_vsyscall_emulate(SYS_getcpu, &m, &real), 1);
	assert_int_equal(m.rax, 0);
	assert_true(cpu < 4096 && node < 4096);
	assert_int_equal(m.rip, 0x401234);

	/* gettimeofday into an unmapped page: EFAULT from the kernel, so SIGSEGV */
	m.rsp = (uintptr_t)fake_stack;
	m.rdi = 16;
	assert_int_equal(lx_vsyscall_emulate(SYS_gettimeofday, &m, &real), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decode),
	    cmocka_unit_test(test_emulate_stub),
	    cmocka_unit_test(test_emulate_real),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
