/*
 * The hot system calls of a server and a build (read, write, sendfile, epoll_wait,
 * accept4, recvfrom, writev, close, fstat, mmap, futex, and glibc's newfstatat and
 * epoll_pwait) are decided by the brand's filter on the syscall number alone, under every
 * option a zone or lxrun can give it: the kernel then answers them from its per-syscall
 * action cache without running the filter (docs/performance.md, "Filter stacking").  The
 * exceptions are pinned here so they stay the only ones:
 *   - what the hardened profile's table emulates (epoll, futex: a trap by design);
 *   - lxproc's descriptor filter (emul/fdfilter.h), stacked only on a process that was
 *     handed a synthesized /proc or /sys descriptor, reads the arguments of fstat,
 *     newfstatat and mmap and lets everything else through on the number;
 *   - the netlink view's filter (netlink/nlfilter.h), stacked in shared-IP zones, reads the
 *     descriptor of recvfrom (a netlink descriptor's reply is filtered) and lets the other
 *     hot calls through on the number.
 * The exe filter (emul/exefilter.h), stacked on a zone process that may not name its exe,
 * decides every hot call on the number.  These are every filter a zone process can carry
 * (docs/performance.md, "Filter stacking"); the main filter is checked under every option a
 * zone gets (a booted capped zone has lxproc, kernel files, a native affinity, the mount
 * service, a user namespace, named exes and a kernel-version).
 */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "emul/exefilter.h"
#include "emul/fdfilter.h"
#include "emul/systable.h"
#include "filter/bpf_sim.h"
#include "kernel-shim/brand_abi.h"
#include "filter/filter.h"
#include "netlink/nlfilter.h"

#define W_ARCH LX_BPF_WORD(offsetof(struct seccomp_data, arch))
#define W_NR   LX_BPF_WORD(offsetof(struct seccomp_data, nr))

static const int hot[] = {
    SYS_read,	SYS_write, SYS_sendfile, SYS_epoll_wait, SYS_epoll_pwait, SYS_accept4, SYS_recvfrom,
    SYS_writev, SYS_close, SYS_fstat,	 SYS_newfstatat, SYS_mmap,	  SYS_futex};

/* Emulated by the hardened profile's table (h6's epoll and futex emulation): trapped on
 * purpose, never passed on arguments. */
static int hardened_emulates(int nr)
{
	return lx_systable[nr].cls_hardened == LX_SYS_EMUL;
}

/* A few argument shapes: the decision and the words read must not depend on them. */
static const uint64_t shapes[][6] = {
    {0, 0, 0, 0, 0, 0},
    {3, 0x7f0000001000, 4096, 0x1000 /* AT_EMPTY_PATH */, 5, 0},
    {(uint64_t)-100, 0x1000, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, 0x2, 7, 4096},
    {~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL},
};

static void run(const struct sock_filter *p, size_t len, int nr, const uint64_t *a,
		struct lx_bpf_run *r)
{
	struct seccomp_data d = {
	    .nr = nr, .arch = AUDIT_ARCH_X86_64, .instruction_pointer = 0x401000};
	struct zone_error err = {0};

	for (int i = 0; i < 6; i++)
		d.args[i] = a[i];
	if (lx_bpf_run(p, len, &d, r, &err) < 0)
		fail_msg("nr %d: %s", nr, err.msg);
}

static void test_main_filter_number_only(void **state)
{
	(void)state;
	for (int opts = 0; opts < 512; opts++) {
		struct lx_filter_opts o = {.hardened = opts & 1,
					   .lxproc = !!(opts & 2),
					   .mount_notify = !!(opts & 4),
					   .lxproc_kernel_files = !!(opts & 8),
					   .affinity_native = !!(opts & 16),
					   .userns = !!(opts & 32),
					   .exe_kernel = !!(opts & 64),
					   .epoll_ppoll = !!(opts & 128),
					   .kernel = opts & 256 ? LX_KV(5, 15, 0) : 0};
		struct sock_fprog p;
		struct zone_error err = {0};

		if (lx_filter_build(&o, &p, &err) < 0)
			fail_msg("lx_filter_build: %s", err.msg);
		for (size_t i = 0; i < sizeof(hot) / sizeof(hot[0]); i++) {
			if (o.hardened && hardened_emulates(hot[i]))
				continue;
			for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
				struct lx_bpf_run r;
				run(p.filter, p.len, hot[i], shapes[s], &r);
				if (r.ret != SECCOMP_RET_ALLOW || r.loaded != (W_ARCH | W_NR))
					fail_msg("options %d: %s gives %#x reading words %#x", opts,
						 lx_systable[hot[i]].name, r.ret, r.loaded);
			}
		}
		free(p.filter);
	}
}

static void test_descriptor_filter(void **state)
{
	struct lx_sock_filter fd[LX_FDFILTER_LEN];
	const struct sock_filter *p = (const struct sock_filter *)fd;

	(void)state;
	_Static_assert(sizeof(struct lx_sock_filter) == sizeof(struct sock_filter), "layout");
	lx_fdfilter_build(fd);
	for (size_t i = 0; i < sizeof(hot) / sizeof(hot[0]); i++) {
		int nr = hot[i];
		int args = nr == SYS_fstat || nr == SYS_newfstatat || nr == SYS_mmap;
		for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
			struct lx_bpf_run r;
			run(p, LX_FDFILTER_LEN, nr, shapes[s], &r);
			if (args) {
				/* fstat traps on the number (no argument read): only the
				 * gate check reads more, newfstatat and mmap their flags */
				assert_int_equal(lx_systable[nr].trap, LX_TRAP_FDFILTER);
				continue;
			}
			if (r.ret != SECCOMP_RET_ALLOW || r.loaded != (W_ARCH | W_NR))
				fail_msg("descriptor filter: %s gives %#x reading words %#x",
					 lx_systable[nr].name, r.ret, r.loaded);
		}
	}
}

/* A small stacked filter (exe, netlink view): every hot call but those in `args` passes on
 * arch and nr alone; those in `args` read more (their price is in docs/performance.md). */
static void check_stacked(const char *what, const struct sock_filter *p, size_t len,
			  const int *args, size_t nargs)
{
	for (size_t i = 0; i < sizeof(hot) / sizeof(hot[0]); i++) {
		int reads = 0;
		for (size_t k = 0; k < nargs; k++)
			reads |= hot[i] == args[k];
		for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
			struct lx_bpf_run r;
			run(p, len, hot[i], shapes[s], &r);
			if (reads) {
				if (r.loaded == (W_ARCH | W_NR))
					fail_msg(
					    "%s: %s no longer reads its arguments: drop it from "
					    "the exceptions",
					    what, lx_systable[hot[i]].name);
				continue;
			}
			if (r.ret != SECCOMP_RET_ALLOW || r.loaded != (W_ARCH | W_NR))
				fail_msg("%s: %s gives %#x reading words %#x", what,
					 lx_systable[hot[i]].name, r.ret, r.loaded);
		}
	}
}

static void test_exe_filter(void **state)
{
	struct lx_sock_filter f[LX_EXEFILTER_LEN];

	(void)state;
	lx_exefilter_build(f);
	check_stacked("exe filter", (const struct sock_filter *)f, LX_EXEFILTER_LEN, NULL, 0);
}

static void test_netlink_view_filter(void **state)
{
	static const int args[] = {SYS_recvfrom};
	struct lx_sock_filter f[LX_NLFILTER_LEN];

	(void)state;
	lx_nlfilter_build(f);
	check_stacked("netlink view filter", (const struct sock_filter *)f, LX_NLFILTER_LEN, args,
		      1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_main_filter_number_only),
	    cmocka_unit_test(test_descriptor_filter),
	    cmocka_unit_test(test_exe_filter),
	    cmocka_unit_test(test_netlink_view_filter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
