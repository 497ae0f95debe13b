/*
 * launch_harden (zone/launch/launch_harden.c): in a child process (the test runner stays whole),
 * the descriptors kept are exactly those asked for, wherever they are (gaps, duplicates, -1,
 * unsorted), the process is not dumpable, and a keep list longer than supported fails
 * without closing anything; launch_user_after_arm defers only a user other than root in a
 * zone that keeps CAP_SYS_ADMIN; launch_admin_drop_prepare leaves the sets an exec's process
 * would have had without CAP_SYS_ADMIN kept through its filter, and admin_until_exec keeps it
 * only without no_new_privs (as root: skipped otherwise).  Capabilities and users need root
 * and are covered by the zone tests (test_capabilities.sh, test_exec_user.sh,
 * test_exec_user_setuid.sh, test_exec_race.sh).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/capability.h>

#include "zone/launch/launch.h"

/* Runs body in a child; the child's exit status is the result (0: all held). */
static int in_child(int (*body)(void))
{
	int st;
	pid_t p = fork();

	if (p == 0)
		_exit(body());
	assert_true(p > 0);
	assert_int_equal(waitpid(p, &st, 0), p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

static int open_at(int fd)
{
	int f = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (f < 0 || dup2(f, fd) < 0)
		return -1;
	if (f != fd)
		close(f);
	return 0;
}

static int is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static int keeps_exactly(void)
{
	const int fds[] = {3, 4, 5, 9, 10, 11, 40, 41, 200};
	struct zone_error err = {0};

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (open_at(fds[i]) < 0)
			return 1;
	const int keep[] = {41, 0, 1, 2, 10, -1, 4, 10, 200};
	const struct launch_harden h = {.keep = keep, .nkeep = sizeof(keep) / sizeof(keep[0])};
	if (launch_harden(&h, &err) < 0)
		return 2;
	if (!is_open(4) || !is_open(10) || !is_open(41) || !is_open(200))
		return 3; /* a kept one was closed */
	if (is_open(3) || is_open(5) || is_open(9) || is_open(11) || is_open(40))
		return 4; /* one not kept is still open, close-on-exec or not */
	if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
		return 5;
	return 0;
}

static void test_keeps_exactly(void **state)
{
	(void)state;
	assert_int_equal(in_child(keeps_exactly), 0);
}

static int nothing_kept(void)
{
	struct zone_error err = {0};
	const struct launch_harden h = {.keep = NULL, .nkeep = 0};

	if (open_at(7) < 0 || launch_harden(&h, &err) < 0)
		return 1;
	/* even stdio goes when not asked for */
	return is_open(0) || is_open(1) || is_open(2) || is_open(7) ? 2 : 0;
}

static void test_nothing_kept(void **state)
{
	(void)state;
	assert_int_equal(in_child(nothing_kept), 0);
}

static int too_many(void)
{
	int keep[17];
	struct zone_error err = {0};

	for (int i = 0; i < 17; i++)
		keep[i] = i;
	const struct launch_harden h = {.keep = keep, .nkeep = 17};
	if (open_at(30) < 0)
		return 1;
	if (launch_harden(&h, &err) == 0)
		return 2;
	if (err.status != LAUNCH_EXIT_CANNOT || !strstr(err.msg, "close descriptors"))
		return 3;
	return is_open(30) ? 0 : 4; /* refused before closing anything */
}

static void test_too_many(void **state)
{
	(void)state;
	assert_int_equal(in_child(too_many), 0);
}

/* The user change waits for the filter only where root installs it without no_new_privs. */
static void test_user_after_arm(void **state)
{
	struct launch_user alice = {.uid = 1000, .gid = 1000}, root = {.uid = 0, .gid = 5};
	const uint64_t admin = UINT64_C(1) << CAP_SYS_ADMIN, setuid = UINT64_C(1) << CAP_SETUID;
	const struct {
		const struct launch_user *user;
		int drop_caps;
		uint64_t caps;
		int want;
	} cases[] = {
	    {NULL, 0, 0, 0},		    /* root stays root */
	    {&root, 0, 0, 0},		    /* uid 0: the zone's set applies as for root */
	    {&alice, 0, 0, 1},		    /* every capability kept */
	    {&alice, 1, admin | setuid, 1}, /* the default set keeps CAP_SYS_ADMIN */
	    {&alice, 1, setuid, 0},	    /* hardened: no_new_privs, as its init */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct launch_harden h = {
		    .user = cases[i].user, .drop_caps = cases[i].drop_caps, .caps = cases[i].caps};
		assert_int_equal(launch_user_after_arm(&h), cases[i].want);
	}
}

/* What an OCI exec drops before its fork: the sets launch_harden leaves without
 * admin_until_exec (the zone's for root and for a user that kept them for OCI's inheritable or
 * ambient sets, none for another user), out of what the process holds now; inheritable as is. */
static void test_admin_drop_prepare(void **state)
{
	struct launch_user alice = {.uid = 1000, .gid = 1000}, root = {.uid = 0, .gid = 0};
	const uint64_t admin = UINT64_C(1) << CAP_SYS_ADMIN, kill = UINT64_C(1) << CAP_KILL,
		       raw = UINT64_C(1) << CAP_NET_RAW, all = ~UINT64_C(0);
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct now[2];
	const struct {
		const struct launch_user *user;
		uint64_t caps, inh, amb, want;
	} cases[] = {
	    {NULL, kill | raw, 0, 0, kill | raw},	/* stays root: the set */
	    {&root, kill, 0, 0, kill},			/* uid 0: the same */
	    {&root, all, 0, 0, all},			/* CAP_SYS_ADMIN given: kept */
	    {&alice, kill | raw, 0, 0, 0},		/* setresuid would have emptied them */
	    {&alice, kill | raw, raw, raw, kill | raw}, /* PR_SET_KEEPCAPS kept them */
	    {&alice, admin | kill, 0, 0, 0},		/* even CAP_SYS_ADMIN given */
	};
	(void)state;
	assert_int_equal(syscall(SYS_capget, &hdr, now), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct launch_harden h = {.drop_caps = 1,
					  .caps = cases[i].caps,
					  .inh = cases[i].inh,
					  .amb = cases[i].amb,
					  .admin_until_exec = 1,
					  .user = cases[i].user};
		struct launch_admin_drop d;
		struct zone_error err = {0};

		assert_int_equal(launch_admin_drop_prepare(&h, &d, &err), 0);
		assert_int_equal(d.hdr.version, _LINUX_CAPABILITY_VERSION_3);
		for (int k = 0; k < 2; k++) {
			uint32_t want = (uint32_t)(cases[i].want >> (32 * k));

			assert_int_equal(d.data[k].permitted, now[k].permitted & want);
			assert_int_equal(d.data[k].effective, now[k].effective & want);
			assert_int_equal(d.data[k].inheritable, now[k].inheritable);
		}
	}
}

/* admin_until_exec keeps CAP_SYS_ADMIN (permitted and effective, not bounding) only without
 * no_new_privs: a process that asked for no_new_privs never holds more than its set.  Root
 * with CAP_SETPCAP only (else 77: skipped). */
static uint64_t eff_bnd(uint64_t *bnd)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];

	*bnd = 0;
	for (int cap = 0; cap < 64; cap++)
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1)
			*bnd |= UINT64_C(1) << cap;
	if (syscall(SYS_capget, &hdr, d) < 0)
		return ~UINT64_C(0);
	return d[0].effective | (uint64_t)d[1].effective << 32;
}

static int admin_until_exec(int nnp)
{
	const uint64_t kill = UINT64_C(1) << CAP_KILL, admin = UINT64_C(1) << CAP_SYS_ADMIN;
	const int keep[] = {0, 1, 2};
	const struct launch_harden h = {
	    .keep = keep, .nkeep = 3, .drop_caps = 1, .caps = kill, .admin_until_exec = 1};
	struct zone_error err = {0};
	uint64_t bnd, eff;

	if (geteuid() != 0 || prctl(PR_CAPBSET_READ, CAP_SETPCAP, 0, 0, 0) != 1 ||
	    (eff_bnd(&bnd) & admin) == 0)
		return 77;
	if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return 1;
	if (launch_harden(&h, &err) < 0)
		return 2;
	eff = eff_bnd(&bnd);
	if (bnd != kill)
		return 3;
	return eff == (nnp ? kill : kill | admin) ? 0 : 4;
}

static int admin_kept(void)
{
	return admin_until_exec(0);
}

static int admin_not_under_nnp(void)
{
	return admin_until_exec(1);
}

static void test_admin_until_exec(void **state)
{
	int a = in_child(admin_kept), b = in_child(admin_not_under_nnp);

	(void)state;
	if (a == 77 || b == 77)
		skip();
	assert_int_equal(a, 0);
	assert_int_equal(b, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_keeps_exactly),      cmocka_unit_test(test_nothing_kept),
	    cmocka_unit_test(test_too_many),	       cmocka_unit_test(test_user_after_arm),
	    cmocka_unit_test(test_admin_drop_prepare), cmocka_unit_test(test_admin_until_exec),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
