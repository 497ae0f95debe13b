/*
 * The BPF simulator (filter/bpf_sim.c) on hand-made programs: the arithmetic, jumps and
 * loads the seccomp programs use, division by zero, and the programs the kernel would refuse.
 */
#include <linux/audit.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "filter/bpf_sim.h"

static int sim(const struct sock_filter *p, size_t n, const struct seccomp_data *d,
	       struct lx_bpf_run *r)
{
	struct zone_error err = {0};
	return lx_bpf_run(p, n, d, r, &err);
}

#define RET_K(k) BPF_STMT(BPF_RET | BPF_K, (k))
#define W_NR	 LX_BPF_WORD(offsetof(struct seccomp_data, nr))

static void test_sim_alu_and_jumps(void **state)
{
	(void)state;
	struct seccomp_data d = {.nr = 7, .arch = AUDIT_ARCH_X86_64};
	d.args[1] = 0x1122334455667788ULL;
	struct lx_bpf_run r;
	const struct sock_filter p[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)), /* A=7 */
	    BPF_STMT(BPF_ALU | BPF_MUL | BPF_K, 6),				   /* 42 */
	    BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 8),				   /* 50 */
	    BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 3),				   /* 16 */
	    BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 5),				   /* 1 */
	    BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 4),				   /* 16 */
	    BPF_STMT(BPF_ALU | BPF_OR | BPF_K, 3),				   /* 19 */
	    BPF_STMT(BPF_ALU | BPF_XOR | BPF_K, 1),				   /* 18 */
	    BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xfe),				   /* 18 */
	    BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 1),				   /* 9 */
	    BPF_STMT(BPF_ALU | BPF_SUB | BPF_K, 10),				   /* -1 */
	    BPF_STMT(BPF_ALU | BPF_NEG, 0),					   /* 1 */
	    BPF_STMT(BPF_ST, 3),
	    BPF_STMT(BPF_LDX | BPF_IMM, 5),
	    BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0), /* 6 */
	    BPF_STMT(BPF_MISC | BPF_TAX, 0),	    /* X=6 */
	    BPF_STMT(BPF_LD | BPF_MEM, 3),	    /* A=1 */
	    BPF_JUMP(BPF_JMP | BPF_JGT | BPF_X, 0, 6, 0),
	    BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 5),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1]) + 4),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x11223344, 0, 3),
	    BPF_STMT(BPF_MISC | BPF_TXA, 0),
	    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 6, 0, 1),
	    BPF_STMT(BPF_RET | BPF_A, 0), /* returns 6 */
	    BPF_STMT(BPF_RET | BPF_K, 0xdead),
	};
	assert_int_equal(sim(p, sizeof(p) / sizeof(p[0]), &d, &r), 0);
	assert_int_equal(r.ret, 6);
	assert_int_equal(r.loaded, W_NR | LX_BPF_WORD(offsetof(struct seccomp_data, args[1]) + 4));
	assert_int_equal(r.steps, 24);
}

static void test_sim_div_by_zero_returns_0(void **state)
{
	(void)state;
	struct seccomp_data d = {0};
	struct lx_bpf_run r;
	const struct sock_filter p[] = {
	    BPF_STMT(BPF_LD | BPF_IMM, 10),
	    BPF_STMT(BPF_LDX | BPF_IMM, 0),
	    BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	assert_int_equal(sim(p, 4, &d, &r), 0);
	assert_int_equal(r.ret, 0);
	const struct sock_filter q[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
	    BPF_STMT(BPF_LDX | BPF_IMM, 0),
	    BPF_STMT(BPF_ALU | BPF_MOD | BPF_X, 0),
	    BPF_STMT(BPF_RET | BPF_A, 0),
	};
	assert_int_equal(sim(q, 4, &d, &r), 0);
	assert_int_equal(r.ret, 0);
	const struct sock_filter l[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
	    BPF_STMT(BPF_RET | BPF_A, 0),
	};
	assert_int_equal(sim(l, 2, &d, &r), 0);
	assert_int_equal(r.ret, sizeof(struct seccomp_data));
}

static void test_sim_rejects_bad_programs(void **state)
{
	(void)state;
	struct seccomp_data d = {0};
	struct lx_bpf_run r;
	struct zone_error err = {0};
	const struct sock_filter ret0 = BPF_STMT(BPF_RET | BPF_K, 0);
	const struct {
		struct sock_filter insn;
		const char *what;
	} bad[] = {
	    {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64), "load past seccomp_data"},
	    {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2), "unaligned load"},
	    {BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 0), "half-word load"},
	    {BPF_STMT(BPF_LD | BPF_W | BPF_IND, 0), "indirect load"},
	    {BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0), "MSH"},
	    {BPF_STMT(BPF_ST, 16), "scratch word 16"},
	    {BPF_STMT(BPF_LD | BPF_MEM, 99), "scratch word 99"},
	    {BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0), "division by constant 0"},
	    {BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 32), "shift by 32"},
	    {BPF_STMT(BPF_JMP | BPF_JA, 1), "ja past the end"},
	    {BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 2, 0), "jt past the end"},
	    {BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 0, 0, 255), "jf past the end"},
	    {BPF_STMT(0xffff, 0), "unknown opcode"},
	    {BPF_STMT(BPF_ALU | 0xf0 | BPF_K, 1), "unknown ALU op"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct sock_filter p[] = {bad[i].insn, ret0};
		if (lx_bpf_run(p, 2, &d, &r, &err) != -1)
			fail_msg("accepted: %s", bad[i].what);
		assert_true(strlen(err.msg) > 0);
	}
	/* the program must end with a return, and exist */
	const struct sock_filter noret[] = {BPF_STMT(BPF_LD | BPF_IMM, 1)};
	assert_int_equal(sim(noret, 1, &d, &r), -1);
	assert_int_equal(sim(noret, 0, &d, &r), -1);
	assert_int_equal(sim(NULL, 1, &d, &r), -1);
	assert_int_equal(sim(&ret0, BPF_MAXINSNS + 1, &d, &r), -1);
	/* reading a scratch word nobody stored */
	const struct sock_filter unset[] = {BPF_STMT(BPF_LDX | BPF_MEM, 2), ret0};
	assert_int_equal(sim(unset, 2, &d, &r), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sim_alu_and_jumps),
	    cmocka_unit_test(test_sim_div_by_zero_returns_0),
	    cmocka_unit_test(test_sim_rejects_bad_programs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
