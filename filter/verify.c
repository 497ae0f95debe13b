/*
 * Verifying a program: run it in the BPF simulator (filter/bpf_sim.c) for every syscall number
 * from an ordinary address, from the gate and from the vsyscall page, and compare with what the
 * table says.  The filter cache uses it before trusting a cached program; the tests use it on
 * every build.
 */
#include "filter/filter_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "emul/epoll_inst.h"
#include "emul/systable.h"
#include "filter/bpf_sim.h"
#include "kernel-shim/brand_abi.h"

/* What the filter must return for nr (not clone) from an ordinary address or the gate. */
static uint32_t expected_action(const struct lx_filter_opts *o, int nr, int from_gate)
{
	if (lx_sys_newer(&lx_systable[nr], o ? o->kernel : 0)) {
		unsigned cls = lx_filter_effective_class(o, nr);
		if ((cls == LX_SYS_PASS || cls == LX_SYS_EMUL) && from_gate &&
		    !(o && o->hardened && lx_filter_hard_only(nr)))
			return SECCOMP_RET_ALLOW;
		return SECCOMP_RET_ERRNO | ENOSYS;
	}
	if (o && o->mount_notify && lx_systable[nr].trap == LX_TRAP_MOUNTD)
		return SECCOMP_RET_USER_NOTIF;
	switch (lx_filter_effective_class(o, nr)) {
	case LX_SYS_PASS:
		return SECCOMP_RET_ALLOW;
	case LX_SYS_REFUSE:
		return SECCOMP_RET_ERRNO | (lx_systable[nr].err & SECCOMP_RET_DATA);
	case LX_SYS_EMUL:
		if (from_gate && lx_filter_gate_refuses(o, nr))
			return SECCOMP_RET_ERRNO | EPERM;
		return from_gate ? SECCOMP_RET_ALLOW : RET_TRAP_BRAND;
	default:
		return RET_TRAP_BRAND;
	}
}

/* The calls the host's vsyscall emulation makes from the vsyscall page (DESIGN.md, 10). */
static int vsyscall_nr(int nr)
{
	return nr == SCMP_SYS(gettimeofday) || nr == SCMP_SYS(time) || nr == SCMP_SYS(getcpu);
}

static int verify_one(const struct sock_fprog *prog, struct seccomp_data *d, uint32_t want,
		      struct zone_error *err)
{
	struct lx_bpf_run r;

	if (lx_bpf_exec(prog->filter, prog->len, d, &r, err) < 0)
		return -1;
	if (r.ret != want)
		return zone_error_set(
		    err, 0, "filter: %s (%d) from %#llx gives %#x, the table says %#x",
		    d->nr >= 0 && d->nr < LX_NSYSCALLS ? lx_systable[d->nr].name : "?", d->nr,
		    (unsigned long long)d->instruction_pointer, r.ret, want);
	return 0;
}

/* Does nr take lxproc's argument rules under o (add_lxproc_rules)? */
static int lxproc_args_nr(const struct lx_filter_opts *o, int nr)
{
	unsigned base;

	if (!lx_filter_lxproc_nr(o, nr))
		return 0;
	base = o->hardened ? lx_systable[nr].cls_hardened : lx_systable[nr].cls;
	if (base != LX_SYS_PASS)
		return 0;
	switch (nr) {
	case SCMP_SYS(open):
	case SCMP_SYS(openat):
	case SCMP_SYS(lseek):
	case SCMP_SYS(pread64):
	case SCMP_SYS(preadv):
	case SCMP_SYS(preadv2):
		return 1;
	default:
		return 0;
	}
}

/* The argument cases of add_lxproc_rules: (args, trapped?) from an ordinary address, and the
 * trapped ones again from the gate, where they are allowed. */
static int verify_lxproc_args(const struct sock_fprog *prog, int nr, struct zone_error *err)
{
	static const struct {
		int nr;
		uint64_t a[4];
		int trap;
	} cases[] = {
	    {SCMP_SYS(open), {0, O_RDONLY, 0, 0}, 1},
	    {SCMP_SYS(open), {0, O_WRONLY | O_CREAT, 0644, 0}, 1},
	    {SCMP_SYS(open), {0, O_RDONLY | O_DIRECTORY, 0, 0}, 0},
	    {SCMP_SYS(open), {0, O_PATH, 0, 0}, 0},
	    {SCMP_SYS(openat), {(uint32_t)AT_FDCWD, 0, O_RDONLY, 0}, 1},
	    {SCMP_SYS(openat), {(uint64_t)(int64_t)AT_FDCWD, 0, O_RDONLY | O_CLOEXEC, 0}, 1},
	    {SCMP_SYS(openat), {3, 0, O_RDONLY, 0}, 1},
	    {SCMP_SYS(openat), {3, 0, O_RDONLY | O_NOFOLLOW | O_NOCTTY, 0}, 0},
	    {SCMP_SYS(openat), {(uint32_t)AT_FDCWD, 0, O_RDONLY | O_NOFOLLOW, 0}, 1},
	    {SCMP_SYS(openat), {3, 0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0}, 0},
	    {SCMP_SYS(openat), {(uint32_t)AT_FDCWD, 0, O_RDONLY | O_DIRECTORY, 0}, 0},
	    {SCMP_SYS(openat), {3, 0, O_PATH | O_CLOEXEC, 0}, 0},
	    {SCMP_SYS(lseek), {3, 0, SEEK_SET, 0}, 1},
	    {SCMP_SYS(lseek), {3, 0, SEEK_CUR, 0}, 0},
	    {SCMP_SYS(lseek), {3, 0, SEEK_END, 0}, 0},
	    {SCMP_SYS(lseek), {3, 4096, SEEK_SET, 0}, 0},
	    {SCMP_SYS(lseek), {3, (uint64_t)-1, SEEK_SET, 0}, 0},
	    {SCMP_SYS(pread64), {3, 0, 8192, 0}, 1},
	    {SCMP_SYS(pread64), {3, 0, 8192, 4096}, 0},
	    {SCMP_SYS(pread64), {3, 0, 8192, 1ULL << 32}, 0},
	    {SCMP_SYS(preadv), {3, 0, 2, 0}, 1},
	    {SCMP_SYS(preadv), {3, 0, 2, 4096}, 0},
	    {SCMP_SYS(preadv2), {3, 0, 2, 0}, 1},
	    {SCMP_SYS(preadv2), {3, 0, 2, (uint64_t)-1}, 0},
	};
	struct seccomp_data d = {.arch = AUDIT_ARCH_X86_64, .nr = nr};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].nr != nr)
			continue;
		memcpy(d.args, cases[i].a, sizeof(cases[i].a));
		d.instruction_pointer = 0x400000;
		if (verify_one(prog, &d, cases[i].trap ? RET_TRAP_BRAND : SECCOMP_RET_ALLOW, err) <
		    0)
			return -1;
		d.instruction_pointer = LX_GATE_ADDR + 2;
		if (verify_one(prog, &d, SECCOMP_RET_ALLOW, err) < 0)
			return -1;
	}
	return 0;
}

/* futex's commands (add_futex_rules), with the private and clock flags, from an ordinary
 * address and from the gate. */
static int verify_futex(const struct sock_fprog *prog, struct zone_error *err)
{
	struct seccomp_data d = {.arch = AUDIT_ARCH_X86_64, .nr = SCMP_SYS(futex)};

	for (int cmd = 0; cmd < 20; cmd++)
		for (int fl = 0; fl < 4; fl++) {
			int trapped = 0, passed = 0;
			for (size_t i = 0; i < LX_FUTEX_TRAPPED; i++)
				trapped |= lx_filter_futex_trapped[i] == cmd;
			for (size_t i = 0; i < LX_FUTEX_PASSED; i++)
				passed |= lx_filter_futex_passed[i] == cmd;
			d.args[1] = (uint64_t)(cmd | (fl & 1 ? 128 : 0) | (fl & 2 ? 256 : 0));
			d.instruction_pointer = 0x400000;
			if (verify_one(prog, &d, passed ? SECCOMP_RET_ALLOW : RET_TRAP_BRAND, err) <
			    0)
				return -1;
			d.instruction_pointer = LX_GATE_ADDR + 2;
			if (verify_one(prog, &d,
				       passed	 ? SECCOMP_RET_ALLOW
				       : trapped ? SECCOMP_RET_ERRNO | EPERM
						 : RET_TRAP_BRAND,
				       err) < 0)
				return -1;
		}
	return 0;
}

/* The hardened epoll calls decided on their first argument (add_epoll_rules): from the gate,
 * allowed in the brand's reserved range (the low word counts, as the kernel reads an int) and
 * refused around it; trapped from anywhere else. */
static int verify_epoll(const struct sock_fprog *prog, int nr, struct zone_error *err)
{
	static const struct {
		uint64_t fd;
		int in;
	} cases[] = {
	    {0, 0},
	    {3, 0},
	    {LX_EPH_FD_BASE - 1, 0},
	    {LX_EPH_FD_BASE, 1},
	    {LX_EPH_FD_BASE + LX_EPH_FD_COUNT - 1, 1},
	    {LX_EPH_FD_BASE + LX_EPH_FD_COUNT, 0},
	    {0xffffffff00000000ULL | LX_EPH_FD_BASE, 1},
	    {0xffffffffULL, 0},
	    {(uint64_t)-1, 0},
	    {0x100000000ULL + LX_EPH_FD_BASE + LX_EPH_FD_COUNT, 0},
	};
	struct seccomp_data d = {.arch = AUDIT_ARCH_X86_64, .nr = nr};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		d.args[0] = cases[i].fd;
		d.instruction_pointer = 0x400000;
		if (verify_one(prog, &d, RET_TRAP_BRAND, err) < 0)
			return -1;
		d.instruction_pointer = LX_GATE_ADDR + 2;
		if (verify_one(prog, &d,
			       cases[i].in ? SECCOMP_RET_ALLOW : SECCOMP_RET_ERRNO | EPERM,
			       err) < 0)
			return -1;
	}
	return 0;
}

/* mount with userns (add_mount_notify_rule): MS_REMOUNT and MS_BIND both set
 * pass, whatever else is set (the magic, the high word); anything else goes to the service;
 * the same from the gate. */
static int verify_remount_bind(const struct sock_fprog *prog, struct zone_error *err)
{
	static const struct {
		uint64_t flags;
		int pass;
	} cases[] = {
	    {MS_REMOUNT | MS_BIND, 1},
	    {MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, 1},
	    {0xC0ED0000UL | MS_REMOUNT | MS_BIND, 1},
	    {0xffffffff00000000ULL | MS_REMOUNT | MS_BIND | MS_REC, 1},
	    {0, 0},
	    {MS_REMOUNT, 0},
	    {MS_REMOUNT | MS_RDONLY, 0},
	    {MS_BIND, 0},
	    {MS_BIND | MS_REC | MS_RDONLY, 0},
	    {MS_MOVE, 0},
	    {MS_PRIVATE | MS_REC, 0},
	    {0xC0ED0000UL, 0},
	    {0xffffffff00000000ULL | MS_BIND, 0},
	};
	struct seccomp_data d = {.arch = AUDIT_ARCH_X86_64, .nr = SCMP_SYS(mount)};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		d.args[3] = cases[i].flags;
		for (int g = 0; g < 2; g++) {
			d.instruction_pointer = g ? LX_GATE_ADDR + 2 : 0x400000;
			if (verify_one(prog, &d,
				       cases[i].pass ? SECCOMP_RET_ALLOW : SECCOMP_RET_USER_NOTIF,
				       err) < 0)
				return -1;
		}
	}
	return 0;
}

int lx_filter_verify(const struct lx_filter_opts *o, const struct sock_fprog *prog,
		     struct zone_error *err)
{
	const uint64_t plain = 0x400000, gate = LX_GATE_ADDR + 2, vsys = LX_VSYSCALL_ADDR + 0x400;
	struct seccomp_data d = {.arch = AUDIT_ARCH_X86_64};

	/* checked once here; verify_one runs it unchecked */
	if (lx_bpf_check(prog->filter, prog->len, err) < 0)
		return -1;
	for (int nr = 0; nr < LX_NSYSCALLS; nr++) {
		const int newer = lx_sys_newer(&lx_systable[nr], o ? o->kernel : 0);

		if (nr == SCMP_SYS(clone) && lx_systable[nr].trap == LX_TRAP_ARGS && !newer)
			continue; /* decided on its flags; covered by the key */
		if (!newer && lxproc_args_nr(o, nr)) {
			if (verify_lxproc_args(prog, nr, err) < 0)
				return -1;
			continue;
		}
		if (!newer && lx_filter_eph_nr(o, nr) == LX_EPH_RANGE &&
		    lx_filter_effective_class(o, nr) == LX_SYS_EMUL) {
			if (verify_epoll(prog, nr, err) < 0)
				return -1;
			continue;
		}
		if (nr == SCMP_SYS(futex) && !newer &&
		    lx_filter_effective_class(o, nr) == LX_SYS_EMUL) {
			if (verify_futex(prog, err) < 0)
				return -1;
			continue;
		}
		if (nr == SCMP_SYS(setns) && lx_systable[nr].trap == LX_TRAP_ARGS && !newer &&
		    lx_filter_effective_class(o, nr) == LX_SYS_REFUSE) {
			/* decided on nstype's low word: CLONE_NEWTIME passes, from anywhere */
			const uint64_t ns[4] = {0, CLONE_NEWTIME,
						0xffffffff00000000ULL | CLONE_NEWTIME,
						CLONE_NEWTIME | CLONE_NEWNET};
			d.nr = nr;
			for (int i = 0; i < 8; i++) {
				d.args[1] = ns[i % 4];
				d.instruction_pointer = i < 4 ? plain : gate;
				if (verify_one(prog, &d,
					       i % 4 == 1 || i % 4 == 2 ? SECCOMP_RET_ALLOW
									: expected_action(o, nr, 0),
					       err) < 0)
					return -1;
			}
			d.args[1] = 0;
			continue;
		}
		if (nr == SCMP_SYS(mount) && !newer && o && o->mount_notify && o->userns) {
			if (verify_remount_bind(prog, err) < 0)
				return -1;
			continue;
		}
		d.nr = nr;
		d.instruction_pointer = plain;
		if (verify_one(prog, &d, expected_action(o, nr, 0), err) < 0)
			return -1;
		/* the gate may bypass emulation, never the policy: every number is checked */
		d.instruction_pointer = gate;
		if (verify_one(prog, &d, expected_action(o, nr, 1), err) < 0)
			return -1;
		d.instruction_pointer = vsys;
		if (vsyscall_nr(nr) && verify_one(prog, &d, expected_action(o, nr, 0), err) < 0)
			return -1;
	}
	d.nr = 0x40000000; /* x32 read */
	d.instruction_pointer = plain;
	if (verify_one(prog, &d, SECCOMP_RET_KILL_PROCESS, err) < 0)
		return -1;
	d.nr = 0;
	d.arch = AUDIT_ARCH_I386;
	return verify_one(prog, &d, SECCOMP_RET_KILL_PROCESS, err);
}
