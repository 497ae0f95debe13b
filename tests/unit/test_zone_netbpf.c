/*
 * The net=shared socket hooks (zone/netbpf.c): the address list, the zone's loopback address,
 * the shape of every generated program, and, where this process may load BPF (root), the
 * kernel verifier's acceptance of each program for zones with IPv4 only, IPv6 only, both and
 * the most addresses.  What the programs do to real sockets is pinned by
 * tests/integration/zone/test_net_shared.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "zone/netbpf.h"

static struct zone_netpolicy policy(const char *list)
{
	struct zone_netpolicy pol = {0};
	struct zone_error err;

	assert_int_equal(zone_netpolicy_parse(&pol, list, &err), 0);
	pol.lo4 = zone_netbpf_loopback("web1");
	pol.root_uid = 1000000;
	return pol;
}

static const char *const lists[] = {
    "198.51.100.7/32",
    "fd77::7/128",
    "198.51.100.7/24,fd77::7/64,198.51.100.8/32",
    "1.0.0.1/32,1.0.0.2/32,1.0.0.3/32,1.0.0.4/32,1.0.0.5/32,1.0.0.6/32,1.0.0.7/32,1.0.0.8/32,"
    "fd77::1/128,fd77::2/128,fd77::3/128,fd77::4/128,fd77::5/128,fd77::6/128,fd77::7/128,"
    "fd77::8/128",
};

static void test_parse(void **state)
{
	(void)state;
	struct zone_netpolicy pol = policy("198.51.100.7/24,fd77::7/64,198.51.100.8/32");
	struct zone_error err;
	struct in_addr a;

	assert_int_equal(pol.n4, 2);
	assert_int_equal(pol.n6, 1);
	inet_pton(AF_INET, "198.51.100.8", &a);
	assert_int_equal(pol.v4[1], a.s_addr);
	assert_int_equal(pol.v6[0][0], 0xfd);
	assert_int_equal(pol.v6[0][15], 7);
	assert_int_equal(zone_netpolicy_parse(&pol, "198.51.100.300/32", &err), -1);
	assert_int_equal(zone_netpolicy_parse(&pol, "198.51.100.7/32,,", &err), -1);
	assert_int_equal(zone_netpolicy_parse(&pol, "fd77::g/64", &err), -1);
	assert_int_equal(zone_netpolicy_parse(&pol,
					      "1.0.0.1,1.0.0.2,1.0.0.3,1.0.0.4,1.0.0.5,1.0.0.6,"
					      "1.0.0.7,1.0.0.8,1.0.0.9",
					      &err),
			 -1);
	assert_non_null(strstr(err.msg, "more than"));
}

static void test_loopback(void **state)
{
	(void)state;
	uint32_t a = ntohl(zone_netbpf_loopback("web1"));
	uint32_t b = ntohl(zone_netbpf_loopback("web2"));

	assert_int_equal(a >> 24, 127);
	assert_int_not_equal((a >> 16) & 0xff, 0); /* never 127.0/16 */
	assert_int_not_equal(a & 0xff, 0);
	assert_int_not_equal(a & 0xff, 255);
	assert_int_equal(a, ntohl(zone_netbpf_loopback("web1")));
	assert_int_not_equal(a, b);
	for (char n[8] = "z000"; n[1] <= '9'; n[1]++)
		for (n[3] = '0'; n[3] <= '9'; n[3]++) {
			uint32_t l = ntohl(zone_netbpf_loopback(n));
			assert_int_equal(l >> 24, 127);
			assert_int_not_equal((l >> 16) & 0xff, 0);
		}
}

/* Every program ends in exit (or a jump back to one), every jump lands inside it, and a
 * program that does not fit is refused, never cut short. */
static void test_program_shape(void **state)
{
	(void)state;
	struct bpf_insn insn[ZONE_NETBPF_MAXINSN];

	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
		struct zone_netpolicy pol = policy(lists[l]);
		for (int h = 0; h < ZONE_HOOK_COUNT; h++) {
			size_t n = zone_netbpf_gen(h, &pol, insn, ZONE_NETBPF_MAXINSN);
			assert_true(n > 2);
			/* the last instruction leaves or jumps back: nothing runs off the end */
			assert_true(
			    insn[n - 1].code == (BPF_JMP | BPF_EXIT) ||
			    (insn[n - 1].code == (BPF_JMP | BPF_JA) && insn[n - 1].off < 0));
			for (size_t i = 0; i < n; i++) {
				uint8_t cls = BPF_CLASS(insn[i].code), op = BPF_OP(insn[i].code);
				if ((cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_CALL &&
				    op != BPF_EXIT) {
					long to = (long)i + 1 + insn[i].off;
					assert_true(to >= 0);
					assert_true(to < (long)n);
				}
			}
			assert_int_equal(zone_netbpf_gen(h, &pol, insn, n - 1), 0);
		}
	}
	struct zone_netpolicy bad = policy("198.51.100.7/32");
	bad.n4 = ZONE_NET_MAXADDR + 1;
	assert_int_equal(zone_netbpf_gen(ZONE_HOOK_BIND4, &bad, insn, ZONE_NETBPF_MAXINSN), 0);
}

/* The bind hook refuses with EADDRNOTAVAIL and lets zone root bind low ports: the immediates
 * that say so are in the program. */
static void test_bind_answers(void **state)
{
	(void)state;
	struct zone_netpolicy pol = policy("198.51.100.7/32");
	struct bpf_insn insn[ZONE_NETBPF_MAXINSN];
	size_t n = zone_netbpf_gen(ZONE_HOOK_BIND4, &pol, insn, ZONE_NETBPF_MAXINSN);
	int eaddr = 0, root = 0, addr = 0;

	for (size_t i = 0; i < n; i++) {
		eaddr |=
		    insn[i].code == (BPF_ALU64 | BPF_MOV | BPF_K) && insn[i].imm == -EADDRNOTAVAIL;
		root |= BPF_CLASS(insn[i].code) == BPF_JMP32 && (uint32_t)insn[i].imm == 1000000;
		addr |= BPF_CLASS(insn[i].code) == BPF_JMP32 && (uint32_t)insn[i].imm == pol.v4[0];
	}
	assert_true(eaddr);
	assert_true(root);
	assert_true(addr);
}

/* The kernel's verifier accepts every program (needs CAP_BPF: skipped elsewhere). */
static void test_verifier_accepts(void **state)
{
	(void)state;
	struct zone_error err;
	struct zone_netpolicy first = policy(lists[0]);
	int fd = zone_netbpf_load(ZONE_HOOK_SOCK_CREATE, &first, &err);

	if (fd < 0 && (err.code == EPERM || err.code == ENOSYS || geteuid() != 0))
		skip();
	assert_true(fd >= 0);
	close(fd);
	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
		struct zone_netpolicy pol = policy(lists[l]);
		for (int h = 0; h < ZONE_HOOK_COUNT; h++) {
			fd = zone_netbpf_load(h, &pol, &err);
			if (fd < 0)
				fail_msg("%s: %s", lists[l], err.msg);
			close(fd);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_loopback),
	    cmocka_unit_test(test_program_shape),
	    cmocka_unit_test(test_bind_answers),
	    cmocka_unit_test(test_verifier_accepts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
