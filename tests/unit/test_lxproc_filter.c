/*
 * lxproc's argument rules in the brand's filter (filter/filter.c, add_lxproc_rules):
 * with lxproc on, open/openat trap unless O_DIRECTORY or O_PATH, and openat relative to a
 * directory descriptor also passes with O_NOFOLLOW (fts file opens),
 * openat2 always traps, lseek traps only as lseek(fd, 0, SEEK_SET), pread64, preadv and
 * preadv2 only at offset 0; from the gate all of them pass.  fstat, stat and mmap are never
 * trapped by it.  The descriptor filter the brand stacks on a process holding a synthesized
 * file (emul/fdfilter.c) traps fstat, newfstatat and statx with AT_EMPTY_PATH, and mmap
 * without MAP_ANONYMOUS, except from the gate, and allows everything else.  Without lxproc they are
 * plain pass-through decided on the number alone.  Run in the BPF simulator, as test_filter does
 * for the table.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "emul/exefilter.h"
#include "emul/fdfilter.h"
#include "emul/systable.h"
#include "filter/bpf_sim.h"
#include "kernel-shim/brand_abi.h"
#include "filter/filter.h"

#define RET_TRAP   (SECCOMP_RET_TRAP | LX_TRAP_DATA)
#define IP_OUTSIDE 0x401234UL
#define IP_GATE	   (LX_GATE_ADDR + 25)
#define W_ARCH	   LX_BPF_WORD(offsetof(struct seccomp_data, arch))
#define W_NR	   LX_BPF_WORD(offsetof(struct seccomp_data, nr))
#define W_IP_LO	   LX_BPF_WORD(offsetof(struct seccomp_data, instruction_pointer))

/* [hardened][lxproc] */
static struct sock_fprog progs[2][2];

static int setup(void **state)
{
	struct zone_error err = {0};

	(void)state;
	for (int h = 0; h < 2; h++)
		for (int l = 0; l < 2; l++) {
			struct lx_filter_opts o = {.hardened = h, .lxproc = l};
			if (lx_filter_build(&o, &progs[h][l], &err) < 0) {
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
		for (int l = 0; l < 2; l++)
			free(progs[h][l].filter);
	return 0;
}

/* Runs prog over (nr, args, ip, arch); the words it loaded in *loaded when given. */
static uint32_t run_prog(const struct sock_filter *p, size_t len, int nr, const uint64_t a[4],
			 uint64_t ip, uint32_t arch, uint32_t *loaded)
{
	struct seccomp_data d = {.nr = nr, .arch = arch, .instruction_pointer = ip};
	struct lx_bpf_run r;
	struct zone_error err = {0};

	memcpy(d.args, a, 4 * sizeof(a[0]));
	if (lx_bpf_run(p, len, &d, &r, &err) < 0)
		fail_msg("nr %d: %s", nr, err.msg);
	if (loaded)
		*loaded = r.loaded;
	return r.ret;
}

/* The main filter of profile h, lxproc l. */
static uint32_t run(int h, int l, int nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
		    uint64_t ip, uint32_t *loaded)
{
	const uint64_t a[4] = {a0, a1, a2, a3};

	return run_prog(progs[h][l].filter, progs[h][l].len, nr, a, ip, AUDIT_ARCH_X86_64, loaded);
}

struct argcase {
	const char *what;
	int nr;
	uint64_t a[4];
	int trap;
};

static const struct argcase cases[] = {
    {"open O_RDONLY", SYS_open, {0, O_RDONLY, 0, 0}, 1},
    {"open O_WRONLY|O_CREAT", SYS_open, {0, O_WRONLY | O_CREAT, 0644, 0}, 1},
    {"open O_DIRECTORY", SYS_open, {0, O_RDONLY | O_DIRECTORY, 0, 0}, 0},
    {"open O_PATH", SYS_open, {0, O_PATH, 0, 0}, 0},
    {"openat AT_FDCWD", SYS_openat, {(uint32_t)AT_FDCWD, 0, O_RDONLY, 0}, 1},
    {"openat AT_FDCWD sign-extended", SYS_openat, {(uint64_t)(int64_t)AT_FDCWD, 0, O_RDONLY, 0}, 1},
    {"openat procfd, \"meminfo\"", SYS_openat, {3, 0, O_RDONLY | O_CLOEXEC, 0}, 1},
    {"openat procfd, O_NOFOLLOW (fts file)",
     SYS_openat,
     {3, 0, O_RDONLY | O_NOFOLLOW | O_NOCTTY, 0},
     0},
    {"openat AT_FDCWD, O_NOFOLLOW",
     SYS_openat,
     {(uint32_t)AT_FDCWD, 0, O_RDONLY | O_NOFOLLOW, 0},
     1},
    {"openat AT_FDCWD sign-extended, O_NOFOLLOW",
     SYS_openat,
     {(uint64_t)(int64_t)AT_FDCWD, 0, O_RDONLY | O_NOFOLLOW, 0},
     1},
    {"open O_NOFOLLOW", SYS_open, {0, O_RDONLY | O_NOFOLLOW, 0, 0}, 1},
    {"openat dirfd, O_DIRECTORY (fts)",
     SYS_openat,
     {3, 0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0},
     0},
    {"opendir", SYS_openat, {(uint32_t)AT_FDCWD, 0, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0}, 0},
    {"openat O_PATH", SYS_openat, {3, 0, O_PATH | O_CLOEXEC, 0}, 0},
    {"openat2", SYS_openat2, {3, 0, 0, 24}, 1},
    {"lseek(fd, 0, SEEK_SET)", SYS_lseek, {3, 0, SEEK_SET, 0}, 1},
    {"lseek(fd, 0, SEEK_CUR)", SYS_lseek, {3, 0, SEEK_CUR, 0}, 0},
    {"lseek(fd, 0, SEEK_END)", SYS_lseek, {3, 0, SEEK_END, 0}, 0},
    {"lseek(fd, 4096, SEEK_SET)", SYS_lseek, {3, 4096, SEEK_SET, 0}, 0},
    {"lseek(fd, 1<<32, SEEK_SET)", SYS_lseek, {3, 1ULL << 32, SEEK_SET, 0}, 0},
    {"lseek(fd, -1, SEEK_SET)", SYS_lseek, {3, (uint64_t)-1, SEEK_SET, 0}, 0},
    {"pread64 at 0", SYS_pread64, {3, 0, 8192, 0}, 1},
    {"pread64 at 64 (ld.so)", SYS_pread64, {3, 0, 784, 64}, 0},
    {"pread64 at 1<<32", SYS_pread64, {3, 0, 8192, 1ULL << 32}, 0},
    {"preadv at 0", SYS_preadv, {3, 0, 2, 0}, 1},
    {"preadv at 4096", SYS_preadv, {3, 0, 2, 4096}, 0},
    {"preadv2 at 0", SYS_preadv2, {3, 0, 2, 0}, 1},
    {"preadv2 at -1 (the file offset)", SYS_preadv2, {3, 0, 2, (uint64_t)-1}, 0},
};

/* The descriptor filter's shapes (trap: 1) */
static const struct argcase fdcases[] = {
    {"fstat", SYS_fstat, {3, 0, 0, 0}, 1},
    {"read", SYS_read, {3, 0, 4096, 0}, 0},
    {"openat", SYS_openat, {3, 0, 0, 0}, 0},
    {"munmap", SYS_munmap, {0x7f0000000000, 4096, 0, 0}, 0},
    {"fstatat(fd, \"\", AT_EMPTY_PATH) (glibc fstat)", SYS_newfstatat, {3, 0, 0, 0x1000}, 1},
    {"stat by path", SYS_newfstatat, {(uint32_t)AT_FDCWD, 0, 0, 0}, 0},
    {"lstat by path", SYS_newfstatat, {(uint32_t)AT_FDCWD, 0, 0, 0x100}, 0},
    {"fstatat dirfd, name (fts)", SYS_newfstatat, {3, 0, 0, 0x100}, 0},
    {"statx AT_EMPTY_PATH", SYS_statx, {3, 0, 0x1000, 0x7ff}, 1},
    {"statx by path", SYS_statx, {(uint32_t)AT_FDCWD, 0, 0, 0x7ff}, 0},
    {"mmap of a file", SYS_mmap, {0, 4096, 1, 2}, 1},
    {"mmap of a file, MAP_FIXED (ld.so)", SYS_mmap, {0x7f0000000000, 4096, 5, 0x12}, 1},
    {"mmap anonymous", SYS_mmap, {0, 4096, 3, 0x22}, 0},
    {"mmap anonymous, high garbage in flags", SYS_mmap, {0, 4096, 3, 0xffffffff00000022ULL}, 0},
};

static void test_fdfilter_shapes(void **state)
{
	struct lx_sock_filter raw[LX_FDFILTER_LEN];
	const struct sock_filter *p = (const struct sock_filter *)raw;
	struct zone_error err = {0};

	(void)state;
	_Static_assert(sizeof(raw[0]) == sizeof(struct sock_filter), "sock_filter layout");
	lx_fdfilter_build(raw);
	if (lx_bpf_check(p, LX_FDFILTER_LEN, &err) < 0)
		fail_msg("the kernel would refuse it: %s", err.msg);
	for (size_t i = 0; i < sizeof(fdcases) / sizeof(fdcases[0]); i++) {
		const struct argcase *c = &fdcases[i];
		uint32_t got =
		    run_prog(p, LX_FDFILTER_LEN, c->nr, c->a, IP_OUTSIDE, AUDIT_ARCH_X86_64, NULL);
		if (got != (c->trap ? RET_TRAP : SECCOMP_RET_ALLOW))
			fail_msg("%s: got %#x", c->what, got);
		/* from the gate, and at the gate's edges */
		assert_int_equal(
		    run_prog(p, LX_FDFILTER_LEN, c->nr, c->a, IP_GATE, AUDIT_ARCH_X86_64, NULL),
		    SECCOMP_RET_ALLOW);
		assert_int_equal(run_prog(p, LX_FDFILTER_LEN, c->nr, c->a,
					  LX_GATE_ADDR + LX_GATE_LEN, AUDIT_ARCH_X86_64, NULL),
				 SECCOMP_RET_ALLOW);
		const uint64_t outside[] = {LX_GATE_ADDR, LX_GATE_ADDR + LX_GATE_LEN + 1,
					    (1ULL << 32) ^ (LX_GATE_ADDR + 2), (uint32_t)(LX_GATE_ADDR + 2),
					    0xffffffffff600400ULL /* vsyscall */};
		for (size_t k = 0; c->trap && k < sizeof(outside) / sizeof(outside[0]); k++)
			if (run_prog(p, LX_FDFILTER_LEN, c->nr, c->a, outside[k], AUDIT_ARCH_X86_64,
				     NULL) != RET_TRAP)
				fail_msg("%s from %#llx: not trapped", c->what,
					 (unsigned long long)outside[k]);
		/* another architecture is the main filter's to kill */
		assert_int_equal(
		    run_prog(p, LX_FDFILTER_LEN, c->nr, c->a, IP_OUTSIDE, AUDIT_ARCH_I386, NULL),
		    SECCOMP_RET_ALLOW);
		/* the table's FDFILTER rows are exactly the calls this program traps */
		assert_int_equal(lx_systable[c->nr].trap == LX_TRAP_FDFILTER,
				 c->nr == SYS_fstat || c->nr == SYS_newfstatat ||
				     c->nr == SYS_statx || c->nr == SYS_mmap);
	}
}

/* The main filter leaves fstat, stat by path and mmap to the descriptor filter: decided on the
 * number alone, even with lxproc on. */
static void test_main_filter_passes_fstat_mmap(void **state)
{
	(void)state;
	for (int h = 0; h < 2; h++)
		for (size_t i = 0; i < sizeof(fdcases) / sizeof(fdcases[0]); i++) {
			const struct argcase *c = &fdcases[i];
			uint32_t loaded;
			if (c->nr == SYS_openat)
				continue;
			uint32_t got = run(h, 1, c->nr, c->a[0], c->a[1], c->a[2], c->a[3],
					   IP_OUTSIDE, &loaded);
			if (got != SECCOMP_RET_ALLOW || loaded != (W_ARCH | W_NR))
				fail_msg("profile %d, %s: %#x, loaded %#x", h, c->what, got,
					 loaded);
		}
}

static void test_lxproc_shapes_trap(void **state)
{
	(void)state;
	for (int h = 0; h < 2; h++)
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			const struct argcase *c = &cases[i];
			uint32_t loaded;
			uint32_t got = run(h, 1, c->nr, c->a[0], c->a[1], c->a[2], c->a[3],
					   IP_OUTSIDE, &loaded);
			if (got != (c->trap ? RET_TRAP : SECCOMP_RET_ALLOW))
				fail_msg("profile %d, %s: got %#x", h, c->what, got);
			/* a pass decided on arguments never reads the instruction pointer */
			if (!c->trap && (loaded & W_IP_LO))
				fail_msg("profile %d, %s: the pass path read the ip", h, c->what);
			/* the brand's own calls, whatever their shape */
			got = run(h, 1, c->nr, c->a[0], c->a[1], c->a[2], c->a[3], IP_GATE, NULL);
			if (got != SECCOMP_RET_ALLOW)
				fail_msg("profile %d, %s from the gate: got %#x", h, c->what, got);
		}
}

static void test_without_lxproc_all_pass_on_the_number(void **state)
{
	(void)state;
	for (int h = 0; h < 2; h++)
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			const struct argcase *c = &cases[i];
			uint32_t loaded;
			uint32_t got = run(h, 0, c->nr, c->a[0], c->a[1], c->a[2], c->a[3],
					   IP_OUTSIDE, &loaded);
			if (got != SECCOMP_RET_ALLOW)
				fail_msg("profile %d, no lxproc, %s: got %#x", h, c->what, got);
			if (loaded != (W_ARCH | W_NR))
				fail_msg("profile %d, no lxproc, %s: read more than arch and nr", h,
					 c->what);
		}
}

/* read stays cacheable: lxproc traps no read and no close */
static void test_read_close_untouched(void **state)
{
	(void)state;
	for (int h = 0; h < 2; h++) {
		uint32_t loaded;
		assert_int_equal(run(h, 1, SYS_read, 3, 0, 8192, 0, IP_OUTSIDE, &loaded),
				 SECCOMP_RET_ALLOW);
		assert_int_equal(loaded, W_ARCH | W_NR);
		assert_int_equal(run(h, 1, SYS_close, 3, 0, 0, 0, IP_OUTSIDE, &loaded),
				 SECCOMP_RET_ALLOW);
		assert_int_equal(loaded, W_ARCH | W_NR);
	}
}

/* the cache's own check (lx_filter_verify) agrees with the built program */
static void test_verify_accepts_built_program(void **state)
{
	struct zone_error err = {0};

	(void)state;
	for (int h = 0; h < 2; h++)
		for (int l = 0; l < 2; l++) {
			struct lx_filter_opts o = {.hardened = h, .lxproc = l};
			if (lx_filter_verify(&o, &progs[h][l], &err) != 0)
				fail_msg("profile %d lxproc %d: %s", h, l, err.msg);
		}
}

/* a program built without lxproc is refused as one with it, and the other way round */
static void test_verify_tells_lxproc_apart(void **state)
{
	struct zone_error err = {0};
	struct lx_filter_opts with = {.lxproc = 1}, without = {.lxproc = 0};

	(void)state;
	assert_int_equal(lx_filter_verify(&with, &progs[0][0], &err), -1);
	assert_int_equal(lx_filter_verify(&without, &progs[0][1], &err), -1);
}

/*
 * The kernel serving lxproc's files (lxproc_kernel_files): no open, lseek or pread traps, on any
 * argument; sysinfo still does, and sched_getaffinity unless affinity_native.  Both profiles,
 * and lx_filter_verify accepts the programs.
 */
static void test_kernel_files_trap_no_open(void **state)
{
	struct zone_error err = {0};

	(void)state;
	for (int h = 0; h < 2; h++)
		for (int aff = 0; aff < 2; aff++) {
			struct lx_filter_opts o = {.hardened = h,
						   .lxproc = 1,
						   .lxproc_kernel_files = 1,
						   .affinity_native = aff};
			struct sock_fprog p;
			const uint64_t none[4] = {0, 0, 0, 0};

			if (lx_filter_build(&o, &p, &err) != 0)
				fail_msg("build: %s", err.msg);
			if (lx_filter_verify(&o, &p, &err) != 0)
				fail_msg("verify: %s", err.msg);
			for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
				uint32_t got = run_prog(p.filter, p.len, cases[i].nr, cases[i].a,
							IP_OUTSIDE, AUDIT_ARCH_X86_64, NULL);
				/* openat2 is pass-through in the table; the hardened profile's
				 * own refusals stay what they are */
				if (got == RET_TRAP)
					fail_msg("profile %d: %s traps with the kernel's files", h,
						 cases[i].what);
			}
			assert_int_equal(run_prog(p.filter, p.len, SYS_sysinfo, none, IP_OUTSIDE,
						  AUDIT_ARCH_X86_64, NULL),
					 RET_TRAP);
			/* the brand answers sysinfo from the zone page: the gate refuses it, so
			 * no address gives the host's answer */
			assert_int_equal(run_prog(p.filter, p.len, SYS_sysinfo, none, IP_GATE,
						  AUDIT_ARCH_X86_64, NULL),
					 SECCOMP_RET_ERRNO | EPERM);
			uint32_t aff_got = run_prog(p.filter, p.len, SYS_sched_getaffinity, none,
						    IP_OUTSIDE, AUDIT_ARCH_X86_64, NULL);
			if (aff ? aff_got == RET_TRAP : aff_got != RET_TRAP)
				fail_msg("profile %d affinity_native %d: sched_getaffinity %#x", h,
					 aff, aff_got);
			free(p.filter);
		}
}

/*
 * lxproc on for the kernel-version's files alone (lxrun --kernel-version, a zone without
 * caps: no zone page): the opens trap as with a page, but sysinfo and sched_getaffinity pass
 * from anywhere, and the gate does not refuse sysinfo, which the brand has no page to answer
 * from (it asks the kernel).  With a page the gate refuses it, as above.  Both profiles.
 */
static void test_version_only_passes_sysinfo(void **state)
{
	const uint64_t none[4] = {0, 0, 0, 0};
	const uint64_t procpath[4] = {(uint64_t)-100, 0x7fff0000, 0, 0};
	struct zone_error err = {0};

	(void)state;
	for (int h = 0; h < 2; h++)
		for (int only = 0; only < 2; only++) {
			struct lx_filter_opts o = {
			    .hardened = h, .lxproc = 1, .lxproc_version_only = only, .kernel = LX_KV(6, 1, 0)};
			struct sock_fprog p;
			uint32_t gate, out, aff;

			if (lx_filter_build(&o, &p, &err) != 0)
				fail_msg("build: %s", err.msg);
			if (lx_filter_verify(&o, &p, &err) != 0)
				fail_msg("verify: %s", err.msg);
			gate = run_prog(p.filter, p.len, SYS_sysinfo, none, IP_GATE,
					AUDIT_ARCH_X86_64, NULL);
			out = run_prog(p.filter, p.len, SYS_sysinfo, none, IP_OUTSIDE,
				       AUDIT_ARCH_X86_64, NULL);
			aff = run_prog(p.filter, p.len, SYS_sched_getaffinity, none, IP_OUTSIDE,
				       AUDIT_ARCH_X86_64, NULL);
			if (only ? gate != SECCOMP_RET_ALLOW || out != SECCOMP_RET_ALLOW ||
				       aff != SECCOMP_RET_ALLOW
				 : gate != (SECCOMP_RET_ERRNO | EPERM) || out != RET_TRAP ||
				       aff != RET_TRAP)
				fail_msg("profile %d version-only %d: sysinfo gate %#x outside %#x, "
					 "sched_getaffinity %#x",
					 h, only, gate, out, aff);
			/* the kernel-version's files still need the opens */
			assert_int_equal(run_prog(p.filter, p.len, SYS_openat, procpath, IP_OUTSIDE,
						  AUDIT_ARCH_X86_64, NULL),
					 RET_TRAP);
			free(p.filter);
		}
}

/*
 * The exe filter (emul/exefilter.h): readlink and readlinkat trap outside the gate, pass from
 * it; every other call and another architecture pass (the main filter decides).  And the main
 * filter of a zone whose processes name their exe (exe_kernel): readlink passes on the number
 * alone, the calls that can drop the capability trap (gated); without it, the reverse.
 */
static void test_exefilter_and_exe_kernel(void **state)
{
	struct lx_sock_filter raw[LX_EXEFILTER_LEN];
	const struct sock_filter *p = (const struct sock_filter *)raw;
	const uint64_t none[4] = {0, 0, 0, 0};
	const int links[] = {SYS_readlink, SYS_readlinkat};
	const int creds[] = {SYS_setuid, SYS_setreuid, SYS_setresuid, SYS_capset};
	const int others[] = {SYS_getpid, SYS_openat, SYS_setuid, SYS_setgid, SYS_execve};
	struct zone_error err = {0};

	(void)state;
	lx_exefilter_build(raw);
	if (lx_bpf_check(p, LX_EXEFILTER_LEN, &err) < 0)
		fail_msg("the kernel would refuse it: %s", err.msg);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(run_prog(p, LX_EXEFILTER_LEN, links[i], none, IP_OUTSIDE,
					  AUDIT_ARCH_X86_64, NULL),
				 RET_TRAP);
		assert_int_equal(
		    run_prog(p, LX_EXEFILTER_LEN, links[i], none, IP_GATE, AUDIT_ARCH_X86_64, NULL),
		    SECCOMP_RET_ALLOW);
		assert_int_equal(run_prog(p, LX_EXEFILTER_LEN, links[i], none, IP_OUTSIDE,
					  AUDIT_ARCH_I386, NULL),
				 SECCOMP_RET_ALLOW);
	}
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		assert_int_equal(run_prog(p, LX_EXEFILTER_LEN, others[i], none, IP_OUTSIDE,
					  AUDIT_ARCH_X86_64, NULL),
				 SECCOMP_RET_ALLOW);

	for (int h = 0; h < 2; h++)
		for (int exe = 0; exe < 2; exe++) {
			struct lx_filter_opts o = {.hardened = h,
						   .lxproc = 1,
						   .lxproc_kernel_files = 1,
						   .exe_kernel = exe};
			struct sock_fprog f;
			uint32_t loaded;

			if (lx_filter_build(&o, &f, &err) != 0)
				fail_msg("build: %s", err.msg);
			if (lx_filter_verify(&o, &f, &err) != 0)
				fail_msg("verify: %s", err.msg);
			for (size_t i = 0; i < 2; i++) {
				uint32_t got = run_prog(f.filter, f.len, links[i], none, IP_OUTSIDE,
							AUDIT_ARCH_X86_64, &loaded);
				if (exe ? got != SECCOMP_RET_ALLOW || loaded != (W_ARCH | W_NR)
					: got != RET_TRAP)
					fail_msg("profile %d exe_kernel %d: readlink %d: %#x", h,
						 exe, links[i], got);
			}
			for (size_t i = 0; i < sizeof(creds) / sizeof(creds[0]); i++) {
				uint32_t got = run_prog(f.filter, f.len, creds[i], none, IP_OUTSIDE,
							AUDIT_ARCH_X86_64, NULL);
				if (got != (exe ? RET_TRAP : SECCOMP_RET_ALLOW))
					fail_msg("profile %d exe_kernel %d: cred call %d: %#x", h,
						 exe, creds[i], got);
				assert_int_equal(run_prog(f.filter, f.len, creds[i], none, IP_GATE,
							  AUDIT_ARCH_X86_64, NULL),
						 SECCOMP_RET_ALLOW);
			}
			free(f.filter);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lxproc_shapes_trap),
	    cmocka_unit_test(test_without_lxproc_all_pass_on_the_number),
	    cmocka_unit_test(test_read_close_untouched),
	    cmocka_unit_test(test_fdfilter_shapes),
	    cmocka_unit_test(test_main_filter_passes_fstat_mmap),
	    cmocka_unit_test(test_verify_accepts_built_program),
	    cmocka_unit_test(test_verify_tells_lxproc_apart),
	    cmocka_unit_test(test_kernel_files_trap_no_open),
	    cmocka_unit_test(test_exefilter_and_exe_kernel),
	    cmocka_unit_test(test_version_only_passes_sysinfo),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
