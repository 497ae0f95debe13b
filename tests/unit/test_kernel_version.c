/*
 * Kernel-version personality (filter/filter.c, lx_filter_opts.kernel): a zone claiming
 * an older kernel gets ENOSYS, in the kernel and without a trap, for every call the table
 * (emul/systable.def, column since) says that kernel lacks; the brand's own calls from the
 * gate still pass.  Built filters are run in the BPF simulator over every row.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "emul/systable.h"
#include "filter/bpf_sim.h"
#include "kernel-shim/brand_abi.h"
#include "filter/filter.h"

#define IP_OUTSIDE 0x401234UL
#define IP_GATE	   (LX_GATE_ADDR + 25)
#define RET_ENOSYS (SECCOMP_RET_ERRNO | ENOSYS)
#define RET_TRAP   (SECCOMP_RET_TRAP | LX_TRAP_DATA)

static void test_parse(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		unsigned kv;
	} cases[] = {
	    {"5.15.0", LX_KV(5, 15, 0)},
	    {"3.10", LX_KV(3, 10, 0)},
	    {"4.19.0-26-amd64", LX_KV(4, 19, 0)},
	    {"6.1.0-rc3", LX_KV(6, 1, 0)},
	    {"2.6.32", LX_KV(2, 6, 32)},
	    {"5.4.1000", LX_KV(5, 4, 255)},
	    {"5.15-lx", LX_KV(5, 15, 0)},
	    {NULL, 0},
	    {"", 0},
	    {"5", 0},
	    {"v5.15", 0},
	    {"5..1", 0},
	    {"0.9", 0},
	    {"300.1", 0},
	    {"5.300", 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (lx_sys_kv_parse(cases[i].s) != cases[i].kv)
			fail_msg("lx_sys_kv_parse(%s) = %#x, want %#x",
				 cases[i].s ? cases[i].s : "NULL", lx_sys_kv_parse(cases[i].s),
				 cases[i].kv);
}

static uint32_t sim(const struct sock_fprog *p, int nr, uint64_t ip, uint32_t *loaded)
{
	struct seccomp_data d = {.nr = nr, .arch = AUDIT_ARCH_X86_64, .instruction_pointer = ip};
	struct lx_bpf_run r;
	struct zone_error err = {0};

	if (lx_bpf_run(p->filter, p->len, &d, &r, &err) < 0)
		fail_msg("nr %d: %s", nr, err.msg);
	if (loaded)
		*loaded = r.loaded;
	return r.ret;
}

static void build(struct lx_filter_opts *o, struct sock_fprog *p)
{
	struct zone_error err = {0};

	if (lx_filter_build(o, p, &err) < 0)
		fail_msg("lx_filter_build: %s", err.msg);
	if (lx_filter_verify(o, p, &err) < 0)
		fail_msg("lx_filter_verify: %s", err.msg);
}

/* Every row newer than the claimed kernel: ENOSYS from outside the gate, never a trap; from
 * the gate, ALLOW for calls the profile passes or emulates (the brand needs memfd_create,
 * statx, seccomp ... whatever the guest is told), ENOSYS for refused and unsupported ones. */
static void test_every_newer_row(void **state)
{
	(void)state;
	static const unsigned kvs[] = {LX_KV(3, 10, 0), LX_KV(4, 19, 0), LX_KV(5, 15, 0)};

	for (size_t k = 0; k < sizeof(kvs) / sizeof(kvs[0]); k++)
		for (int h = 0; h < 2; h++)
			for (int lxproc = 0; lxproc < 2; lxproc++) {
				struct lx_filter_opts o = {.hardened = h,
							   .lxproc = lxproc,
							   .mount_notify = 1,
							   .kernel = kvs[k]};
				struct sock_fprog p;
				int newer = 0;

				build(&o, &p);
				for (int nr = 0; nr < LX_NSYSCALLS; nr++) {
					const struct lx_sysent *e = &lx_systable[nr];
					unsigned cls = h ? e->cls_hardened : e->cls;
					uint32_t got, loaded;

					if (!e->name || e->since <= kvs[k])
						continue;
					newer++;
					got = sim(&p, nr, IP_OUTSIDE, &loaded);
					if (got != RET_ENOSYS)
						fail_msg(
						    "%s under %#x: %#x from outside, want ENOSYS",
						    e->name, kvs[k], got);
					/* decided on arch, nr and (for the gate) ip: no argument */
					assert_int_equal(loaded &
							     ~(LX_BPF_WORD(8) | LX_BPF_WORD(12)),
							 LX_BPF_WORD(0) | LX_BPF_WORD(4));
					got = sim(&p, nr, IP_GATE, NULL);
					/* the hardened profile's host subsystems: ENOSYS from
					 * the gate too (the brand never calls them) */
					int hard = h && e->cls == LX_SYS_PASS &&
						   e->cls_hardened == LX_SYS_EMUL;
					if (got !=
					    ((cls == LX_SYS_PASS || cls == LX_SYS_EMUL) && !hard
						 ? SECCOMP_RET_ALLOW
						 : RET_ENOSYS))
						fail_msg("%s under %#x: %#x from the gate", e->name,
							 kvs[k], got);
				}
				assert_true(newer > 0);
				free(p.filter);
			}
}

/* The calls glibc and Go probe, by name: what each claimed kernel answers. */
static void test_named_calls(void **state)
{
	(void)state;
	static const struct {
		unsigned kv;
		long nr;
		uint32_t want; /* from outside the gate, default profile, no zone page */
	} cases[] = {
	    {LX_KV(4, 19, 0), SYS_clone3, RET_ENOSYS},
	    {LX_KV(4, 19, 0), SYS_openat2, RET_ENOSYS},
	    {LX_KV(4, 19, 0), SYS_pidfd_open, RET_ENOSYS},
	    {LX_KV(4, 19, 0), SYS_close_range, RET_ENOSYS},
	    {LX_KV(4, 19, 0), SYS_epoll_pwait2, RET_ENOSYS},
	    {LX_KV(4, 19, 0), SYS_faccessat2, RET_ENOSYS},
	    {LX_KV(4, 19, 0), SYS_io_uring_setup, RET_ENOSYS},
	    {LX_KV(4, 19, 0), SYS_statx, SECCOMP_RET_ALLOW},
	    {LX_KV(4, 19, 0), SYS_rseq, SECCOMP_RET_ALLOW},
	    {LX_KV(4, 19, 0), SYS_getrandom, SECCOMP_RET_ALLOW},
	    {LX_KV(4, 19, 0), SYS_bpf, SECCOMP_RET_ERRNO | EPERM},
	    {LX_KV(3, 10, 0), SYS_getrandom, RET_ENOSYS},
	    {LX_KV(3, 10, 0), SYS_memfd_create, RET_ENOSYS},
	    {LX_KV(3, 10, 0), SYS_statx, RET_ENOSYS},
	    {LX_KV(3, 10, 0), SYS_copy_file_range, RET_ENOSYS},
	    {LX_KV(3, 10, 0), SYS_renameat2, RET_ENOSYS},
	    {LX_KV(3, 10, 0), SYS_execveat, RET_ENOSYS},
	    {LX_KV(3, 10, 0), SYS_bpf, RET_ENOSYS},
	    {LX_KV(3, 10, 0), SYS_finit_module, SECCOMP_RET_ERRNO | EPERM},
	    {LX_KV(3, 10, 0), SYS_process_vm_readv, SECCOMP_RET_ALLOW},
	    {LX_KV(3, 10, 0), SYS_setns, SECCOMP_RET_ERRNO | EPERM},
	    {LX_KV(3, 10, 0), SYS_execve, RET_TRAP},
	    {LX_KV(5, 15, 0), SYS_clone3, RET_TRAP},
	    {LX_KV(5, 15, 0), SYS_close_range, SECCOMP_RET_ALLOW},
	    {LX_KV(5, 15, 0), SYS_process_mrelease, SECCOMP_RET_ALLOW},
	    {LX_KV(5, 15, 0), SYS_futex_waitv, RET_ENOSYS},
	    {LX_KV(5, 15, 0), 452 /* fchmodat2 */, RET_ENOSYS},
	    {0, 452, SECCOMP_RET_ALLOW},
	    {0, SYS_clone3, RET_TRAP},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lx_filter_opts o = {.kernel = cases[i].kv};
		struct sock_fprog p;
		uint32_t got;

		build(&o, &p);
		got = sim(&p, (int)cases[i].nr, IP_OUTSIDE, NULL);
		if (got != cases[i].want)
			fail_msg("%s under %#x: %#x, want %#x", lx_systable[cases[i].nr].name,
				 cases[i].kv, got, cases[i].want);
		free(p.filter);
	}
}

/* The post-pass: a MARK_NEWER return jumps to the second gate check, which answers ENOSYS
 * outside the gate; without one, only the first check is appended. */
static void test_gate_pass_newer(void **state)
{
	(void)state;
	struct sock_filter p[5 + LX_FILTER_GATE_BLOCK_LEN] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | LX_FILTER_MARK_GATED),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | LX_FILTER_MARK_NEWER),
	};
	struct sock_filter q[1 + LX_FILTER_GATE_BLOCK_LEN] = {
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | LX_FILTER_MARK_GATED),
	};
	struct zone_error err = {0};
	long n = lx_filter_gate_pass(p, 5, &err);
	struct sock_fprog fp = {.len = (unsigned short)n, .filter = p};

	assert_int_equal(n, 5 + 2 * LX_FILTER_GATE_BLOCK_LEN / 3); /* no MARK_HARD: two checks */
	/* nr 3 falls off the end of the hand-made program into the first check */
	assert_int_equal(sim(&fp, 1, IP_OUTSIDE, NULL), RET_TRAP);
	assert_int_equal(sim(&fp, 1, IP_GATE, NULL), SECCOMP_RET_ALLOW);
	assert_int_equal(sim(&fp, 2, IP_OUTSIDE, NULL), RET_ENOSYS);
	assert_int_equal(sim(&fp, 2, IP_GATE, NULL), SECCOMP_RET_ALLOW);
	assert_int_equal(sim(&fp, 2, 0xffffffffff600400UL, NULL), RET_ENOSYS);
	assert_int_equal(lx_filter_gate_pass(q, 1, &err), 1 + LX_FILTER_GATE_BLOCK_LEN / 3);
}

/* The filter cache keys on the kernel-version: a 4.19 zone never reads a 5.15 zone's filter. */
static void test_key(void **state)
{
	(void)state;
	struct lx_filter_opts a = {.kernel = LX_KV(4, 19, 0)}, b = {.kernel = LX_KV(5, 15, 0)},
			      c = {.kernel = 0};
	assert_true(lx_filter_key(&a) != lx_filter_key(&b));
	assert_true(lx_filter_key(&a) != lx_filter_key(&c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),	cmocka_unit_test(test_every_newer_row),
	    cmocka_unit_test(test_named_calls), cmocka_unit_test(test_gate_pass_newer),
	    cmocka_unit_test(test_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
