/*
 * The brand's seccomp filter.
 *
 * What it decides, per system call (emul/systable.h):
 *   PASS   -> ALLOW
 *   REFUSE -> ERRNO(err)                       the policy: never gated
 *   EMUL   -> TRAP, unless the call comes from the gate -> ALLOW
 *   UNSUP, holes, unknown numbers -> TRAP      (the brand answers ENOSYS and records it)
 * and by the row's trap condition:
 *   MOUNTD with mount_notify -> USER_NOTIF     (zones: the mount service decides)
 *   ARGS   -> the call's argument rule below   (clone, setns)
 *   CAPS with lxproc -> TRAP, narrowed by lxproc's argument rules where it has them
 *   FDFILTER -> ALLOW here; the brand's descriptor filter traps them (emul/fdfilter.h)
 *   another architecture (i386), x32 numbers -> KILL_PROCESS
 * All TRAPs carry LX_TRAP_DATA, so the brand can tell them from a guest's own filter.
 *
 * How it is built.  libseccomp does the policy part (architecture checks, the x32 test,
 * syscall dispatch, clone's argument rule) and exports classic BPF.  libseccomp's TRAP action
 * carries no data and it has no notion of the gate, so the rules use two SCMP_ACT_TRACE
 * placeholders instead (LX_FILTER_MARK_GATED, LX_FILTER_MARK_PLAIN) and a post-pass rewrites
 * the exported program:
 *   ret TRACE|GATED  ->  ja <gate check>     (one block appended after the program)
 *   ret TRACE|PLAIN  ->  ret TRAP|LX_TRAP_DATA
 * Any other TRACE return is an error: the brand never asks for ptrace.  Rewriting a `ret` in
 * place keeps every other jump offset valid, and the gate check is reached only from trap
 * outcomes, so paths to ALLOW and ERRNO read only `arch` and `nr` and stay in the kernel's
 * per-syscall action cache.  The exceptions are clone, whose flags decide between a native
 * vfork-style child and a trapped one, and setns, whose nstype lets a time namespace pass.
 *
 * The gate check.  The kernel reports the instruction pointer after the `syscall`
 * instruction, so the gate is LX_GATE_ADDR < ip <= LX_GATE_ADDR + LX_GATE_LEN, compared as
 * two 32-bit words (classic BPF has no 64-bit loads): high word must be 0, low word in range.
 * The vsyscall page (0xffffffffff600000) has a high word of 0xffffffff, so a call the host
 * emulates from there is never taken for the brand's own.
 *
 * Other ABIs.  The filter's first test is seccomp_data.arch == AUDIT_ARCH_X86_64; i386 entries
 * (int 0x80) fail it.  x32 calls arrive with the same audit arch and nr | 0x40000000;
 * libseccomp, when x32 is not in the filter, follows the arch test with "nr >= 0x40000000
 * and nr != -1 -> bad-arch action", so no x32 number reaches the 64-bit dispatch with its
 * low bits read as a 64-bit call.  (nr == -1 is let through for tracers that skip a call;
 * it reaches the default action, a trap.)  tests/unit/test_filter.c pins both.
 *
 * What it does not do: it never reads a pointer argument (it cannot, and TOCTOU would make it
 * worthless), and it does not install itself with NO_NEW_PRIVS when the caller is privileged
 * enough not to need it (setuid binaries in a zone keep working).
 */
#include "filter/filter.h"

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
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "emul/systable.h"
#include "filter/bpf_sim.h"
#include "kernel-shim/brand_abi.h"

#define LX_VSYSCALL_ADDR 0xffffffffff600000UL

_Static_assert(LX_GATE_ADDR + LX_GATE_LEN <= 0xffffffffUL,
	       "the gate check compares only the low word; the gate must sit below 4 GiB");
_Static_assert(LX_VSYSCALL_ADDR >> 32 != 0,
	       "the vsyscall page must have a nonzero high word so it is never the gate");
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "instruction_pointer's low word is the first one on x86_64 only");

#define IP_LO ((uint32_t)offsetof(struct seccomp_data, instruction_pointer))
#define IP_HI (IP_LO + 4)

#define RET_TRAP_BRAND (SECCOMP_RET_TRAP | LX_TRAP_DATA)
#define GATE_CHECK_LEN 7 /* instructions of one gate check (lx_filter_gate_pass) */

/* CLONE_VM|CLONE_VFORK children run on the parent's memory and stack until they exec or exit;
 * the brand cannot interpose a trampoline there, and need not: the parent is suspended. */
#define CLONE_VFORK_STYLE ((scmp_datum_t)(CLONE_VM | CLONE_VFORK))

static int add_clone_rules(scmp_filter_ctx ctx, uint32_t gated, char *err, size_t errlen)
{
	/* Only threads trap (CLONE_VM without CLONE_VFORK): they need an emulation stack before
	 * their first instruction.  Fork-style children (CLONE_VM clear) get a copy of the
	 * parent's, and vfork-style ones borrow it while the parent sleeps: both run natively.
	 * libseccomp has no "masked not-equal", so the allow side is its two halves. */
	int rc = seccomp_rule_add(
	    ctx, gated, SCMP_SYS(clone), 1,
	    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_VFORK_STYLE, (scmp_datum_t)CLONE_VM));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				      SCMP_A0(SCMP_CMP_MASKED_EQ, (scmp_datum_t)CLONE_VM, 0));
	if (rc == 0)
		rc = seccomp_rule_add(
		    ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
		    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_VFORK_STYLE, CLONE_VFORK_STYLE));
	if (rc < 0)
		return lx_filter_fail(err, errlen, "filter: clone rules: %s", strerror(-rc));
	return 0;
}

/*
 * lxproc's argument rules (the zone has a page or a kernel-version to show).  The brand needs
 * to see only the calls that can name or re-read a synthesized file, so the filter traps:
 *   open, openat   unless the flags say O_DIRECTORY or O_PATH: a directory open (opendir,
 *                  find, du, every fts walk) can never be a synthesized file, and O_PATH
 *                  opens read nothing.  openat relative to a directory descriptor traps
 *                  too (openat(procfd, "meminfo"), util-linux's path API), unless it says
 *                  O_NOFOLLOW: fts walks open every file that way (grep -r, tar), and
 *                  trapping each cost grep -r over /usr/include x1.2; the price is that
 *                  such an open of an lxproc file shows the kernel's;
 *   lseek          only lseek(fd, 0, SEEK_SET): the rewind procps does before each re-read;
 *   pread64, preadv, preadv2
 *                  only at offset 0 (pos_l: on x86_64 it alone is the offset);
 * (fstat and mmap of a synthesized descriptor are trapped by a second filter the brand stacks
 * on a process once it holds one: emul/fdfilter.h.)
 * Everything else passes on its flags/offsets, never on a pointer.  whence is an unsigned int
 * to the kernel, compared on its low 32 bits (libseccomp 2.5's 32-bit compares still look at
 * the high word, so the masked compare, emitted first, takes the trap side; a whence with
 * garbage high bits and low bits 0 may pass untrapped, which only costs a stale re-read).
 * lx_filter_verify checks every rule.
 */
/* The one-operand compares (EQ, NE) spell out datum_b as 0 (unused by libseccomp): the
 * macros leave it out of their compound literal otherwise, which clang's
 * -Wmissing-field-initializers rejects under -Werror. */
#define LXPROC_OPEN_PASS ((scmp_datum_t)(O_DIRECTORY | O_PATH))
#define LXPROC_AT_PASS	 ((scmp_datum_t)(O_DIRECTORY | O_PATH | O_NOFOLLOW))

static int add_open_rules(scmp_filter_ctx ctx, uint32_t gated, int nr, unsigned arg)
{
	int rc = seccomp_rule_add(
	    ctx, SCMP_ACT_ALLOW, nr, 1,
	    (struct scmp_arg_cmp){arg, SCMP_CMP_MASKED_EQ, O_DIRECTORY, O_DIRECTORY});

	if (rc == 0)
		rc = seccomp_rule_add(
		    ctx, SCMP_ACT_ALLOW, nr, 1,
		    (struct scmp_arg_cmp){arg, SCMP_CMP_MASKED_EQ, O_PATH, O_PATH});
	if (rc == 0 && nr == SCMP_SYS(open))
		rc = seccomp_rule_add(
		    ctx, gated, nr, 1,
		    (struct scmp_arg_cmp){arg, SCMP_CMP_MASKED_EQ, LXPROC_OPEN_PASS, 0});
	if (rc < 0 || nr != SCMP_SYS(openat))
		return rc;
	/* openat: AT_FDCWD (masked compare first, see above) traps; relative to a directory
	 * descriptor, O_NOFOLLOW passes (fts: grep -r, tar) and the rest traps */
	rc = seccomp_rule_add(
	    ctx, gated, nr, 2,
	    SCMP_A0_64(SCMP_CMP_MASKED_EQ, 0xffffffffULL, (scmp_datum_t)(uint32_t)AT_FDCWD),
	    (struct scmp_arg_cmp){arg, SCMP_CMP_MASKED_EQ, LXPROC_OPEN_PASS, 0});
	if (rc == 0)
		rc = seccomp_rule_add(
		    ctx, SCMP_ACT_ALLOW, nr, 2, SCMP_A0_32(SCMP_CMP_NE, (uint32_t)AT_FDCWD, 0),
		    (struct scmp_arg_cmp){arg, SCMP_CMP_MASKED_EQ, O_NOFOLLOW, O_NOFOLLOW});
	if (rc == 0)
		rc = seccomp_rule_add(
		    ctx, gated, nr, 2, SCMP_A0_32(SCMP_CMP_NE, (uint32_t)AT_FDCWD, 0),
		    (struct scmp_arg_cmp){arg, SCMP_CMP_MASKED_EQ, LXPROC_AT_PASS, 0});
	return rc;
}

/* 1 when nr (pass-through in the profile) got lxproc's argument rules, 0 when it takes the
 * plain trap, -1 on error. */
static int add_lxproc_rules(scmp_filter_ctx ctx, uint32_t gated, int nr, char *err, size_t errlen)
{
	int rc;

	switch (nr) {
	case SCMP_SYS(open):
		rc = add_open_rules(ctx, gated, nr, 1);
		break;
	case SCMP_SYS(openat):
		rc = add_open_rules(ctx, gated, nr, 2);
		break;
	case SCMP_SYS(lseek):
		rc = seccomp_rule_add(ctx, gated, nr, 2, SCMP_A1_64(SCMP_CMP_EQ, 0, 0),
				      SCMP_A2_64(SCMP_CMP_MASKED_EQ, 0xffffffffULL, SEEK_SET));
		if (rc == 0)
			rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
					      SCMP_A1_64(SCMP_CMP_NE, 0, 0));
		if (rc == 0)
			rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
					      SCMP_A2_64(SCMP_CMP_NE, SEEK_SET, 0));
		break;
	case SCMP_SYS(pread64):
	case SCMP_SYS(preadv):
	case SCMP_SYS(preadv2):
		rc = seccomp_rule_add(ctx, gated, nr, 1, SCMP_A3_64(SCMP_CMP_EQ, 0, 0));
		if (rc == 0)
			rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
					      SCMP_A3_64(SCMP_CMP_NE, 0, 0));
		break;
	default:
		return 0;
	}
	if (rc < 0)
		return lx_filter_fail(err, errlen, "filter: lxproc rules for %s: %s",
				      lx_systable[nr].name, strerror(-rc));
	return 1;
}

/*
 * futex in the hardened profile: the PI and requeue commands trap (the brand emulates them on
 * WAIT/WAKE, syscalls/lx_futex.c); WAIT, WAKE, the bitset variants, WAKE_OP and the obsolete
 * FD pass.  The command is op without FUTEX_PRIVATE_FLAG and FUTEX_CLOCK_REALTIME, compared
 * on op's low word (the kernel reads an int); anything else (unknown commands) takes the
 * default trap, where the brand answers ENOSYS as the kernel would.
 */
#define FUTEX_CMD_BITS ((scmp_datum_t)0xfffffe7fU)
static const int futex_trapped[] = {3, 4, 6, 7, 8, 11, 12, 13};
static const int futex_passed[] = {0, 1, 2, 5, 9, 10};

static int add_futex_rules(scmp_filter_ctx ctx, uint32_t gated, char *err, size_t errlen)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof(futex_trapped) / sizeof(futex_trapped[0]); i++)
		rc = seccomp_rule_add(
		    ctx, gated, SCMP_SYS(futex), 1,
		    SCMP_A1_64(SCMP_CMP_MASKED_EQ, FUTEX_CMD_BITS, (scmp_datum_t)futex_trapped[i]));
	for (size_t i = 0; rc == 0 && i < sizeof(futex_passed) / sizeof(futex_passed[0]); i++)
		rc = seccomp_rule_add(
		    ctx, SCMP_ACT_ALLOW, SCMP_SYS(futex), 1,
		    SCMP_A1_64(SCMP_CMP_MASKED_EQ, FUTEX_CMD_BITS, (scmp_datum_t)futex_passed[i]));
	if (rc < 0)
		return lx_filter_fail(err, errlen, "filter: futex rules: %s", strerror(-rc));
	return 0;
}

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/*
 * setns: refused, but for nstype CLONE_NEWTIME (compared on its low 32 bits: the kernel reads
 * an int).  The kernel itself refuses an fd that is not a time namespace (EINVAL), and a time
 * namespace only offsets CLOCK_MONOTONIC and CLOCK_BOOTTIME for the caller's children
 * (LTP's clock_gettime03, timens tools); nstype 0 ("any") stays refused.  As for openat, the
 * masked compare is emitted first, so the "not CLONE_NEWTIME" refusal sees only the rest.
 */
static int add_setns_rules(scmp_filter_ctx ctx, int e, char *err, size_t errlen)
{
	int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(setns), 1,
				  SCMP_A1_64(SCMP_CMP_MASKED_EQ, 0xffffffffULL, CLONE_NEWTIME));

	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(e), SCMP_SYS(setns), 1,
				      SCMP_A1_32(SCMP_CMP_NE, CLONE_NEWTIME, 0));
	if (rc < 0)
		return lx_filter_fail(err, errlen, "filter: setns rules: %s", strerror(-rc));
	return 0;
}

/*
 * A zone's mount and umount2: a user notification to the zone's mount service, outside the
 * zone (zone/mountd.c), for everyone, the gate included.  Like a refusal it depends only on
 * the number, so it stays cacheable and the brand cannot bypass it.  Without a listener the
 * kernel answers ENOSYS.
 */
static int add_mount_notify_rule(scmp_filter_ctx ctx, int nr, char *err, size_t errlen)
{
	int rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 0);

	if (rc < 0)
		return lx_filter_fail(err, errlen, "filter: mount notification rule for %s: %s",
				      lx_systable[nr].name, strerror(-rc));
	return 0;
}

/*
 * Does o trap nr as one of lxproc's calls (the table's CAPS rows, in a zone with a zone page)?
 * With the kernel serving the files (zone/lxprocfs.h) only the calls that are no file stay:
 * sysinfo, and sched_getaffinity unless the zone's cpuset is the answer.
 */
static int lxproc_nr(const struct lx_filter_opts *o, int nr)
{
	if (!o || !o->lxproc || lx_systable[nr].trap != LX_TRAP_CAPS)
		return 0;
	if (nr == SCMP_SYS(sched_getaffinity))
		return !o->affinity_native;
	return !o->lxproc_kernel_files || nr == SCMP_SYS(sysinfo);
}

/*
 * reboot(2) in a zone (mount_notify: only zones have it, and a zone is always a pid namespace
 * of its own) passes: there the kernel only ends the zone's init, with SIGHUP for a restart
 * and SIGINT for a power-off or halt (reboot_pid_ns; any other command is EINVAL), which the
 * supervisor turns into a reboot or a halt of the zone.  Elsewhere (lxrun) it stays refused.
 */
static int zone_reboot(const struct lx_filter_opts *o, int nr)
{
	return o && o->mount_notify && nr == SCMP_SYS(reboot);
}

/* The class the filter gives nr under o: the profile's, for the table's CAPS rows in a zone
 * with a zone page emulated (lxproc's argument rules may narrow it, add_rules), and reboot
 * passed in a zone (zone_reboot). */
static unsigned effective_class(const struct lx_filter_opts *o, int nr)
{
	const struct lx_sysent *e = &lx_systable[nr];
	unsigned cls = o && o->hardened ? e->cls_hardened : e->cls;

	if (lxproc_nr(o, nr))
		cls = LX_SYS_EMUL;
	if (zone_reboot(o, nr))
		cls = LX_SYS_PASS;
	return cls;
}

/* A call the hardened profile keeps from the host: emulated there, passed in the default
 * profile, and never made by the brand itself (LX_FILTER_MARK_HARD). */
static int hard_only(int nr)
{
	return nr >= 0 && nr < LX_NSYSCALLS && lx_systable[nr].cls == LX_SYS_PASS &&
	       lx_systable[nr].cls_hardened == LX_SYS_EMUL;
}

/* The table's ARGS rows: the argument rule each has here.  0, or -1 with a message (a row
 * marked ARGS with no rule is a table the filter cannot honour). */
static int add_arg_rules(scmp_filter_ctx ctx, uint32_t gated, int nr, unsigned cls, char *err,
			 size_t errlen)
{
	if (nr == SCMP_SYS(clone) && cls == LX_SYS_EMUL)
		return add_clone_rules(ctx, gated, err, errlen);
	if (nr == SCMP_SYS(setns) && cls == LX_SYS_REFUSE)
		return add_setns_rules(ctx, lx_systable[nr].err, err, errlen);
	return lx_filter_fail(err, errlen, "filter: %s is marked ARGS but has no argument rule",
			      lx_systable[nr].name);
}

static int add_rules(scmp_filter_ctx ctx, const struct lx_filter_opts *o, char *err, size_t errlen)
{
	const uint32_t gated = SCMP_ACT_TRACE(LX_FILTER_MARK_GATED);
	const uint32_t hard = SCMP_ACT_TRACE(LX_FILTER_MARK_HARD);
	const int hardened = o && o->hardened;

	for (int nr = 0; nr < LX_NSYSCALLS; nr++) {
		const struct lx_sysent *e = &lx_systable[nr];
		const unsigned cls = effective_class(o, nr);
		uint32_t action;
		int rc;

		if (lx_sys_newer(e, o ? o->kernel : 0)) {
			/* as the zone's kernel would answer, decided on the number alone */
			action = (cls == LX_SYS_PASS || cls == LX_SYS_EMUL) &&
					 !(hardened && hard_only(nr))
				     ? SCMP_ACT_TRACE(LX_FILTER_MARK_NEWER)
				     : SCMP_ACT_ERRNO(ENOSYS);
			rc = seccomp_rule_add(ctx, action, nr, 0);
			if (rc < 0)
				return lx_filter_fail(err, errlen, "filter: add rule for %s: %s",
						      e->name, strerror(-rc));
			continue;
		}
		if (e->trap == LX_TRAP_MOUNTD && o && o->mount_notify) {
			if (add_mount_notify_rule(ctx, nr, err, errlen) < 0)
				return -1;
			continue;
		}
		if (e->trap == LX_TRAP_ARGS) {
			if (add_arg_rules(ctx, gated, nr, cls, err, errlen) < 0)
				return -1;
			continue;
		}
		/* hardened futex: an argument rule on the command (add_futex_rules) */
		if (nr == SCMP_SYS(futex) && cls == LX_SYS_EMUL) {
			if (add_futex_rules(ctx, hard, err, errlen) < 0)
				return -1;
			continue;
		}
		if (lxproc_nr(o, nr) && (hardened ? e->cls_hardened : e->cls) == LX_SYS_PASS) {
			int done = add_lxproc_rules(ctx, gated, nr, err, errlen);
			if (done < 0)
				return -1;
			if (done)
				continue;
		}
		switch (cls) {
		case LX_SYS_PASS:
			action = SCMP_ACT_ALLOW;
			break;
		case LX_SYS_REFUSE:
			action = SCMP_ACT_ERRNO(e->err);
			break;
		case LX_SYS_EMUL:
			action = hardened && hard_only(nr) ? hard : gated;
			break;
		default:
			continue; /* UNSUP and holes: the default action, a plain trap */
		}
		rc = seccomp_rule_add(ctx, action, nr, 0);
		if (rc < 0)
			return lx_filter_fail(err, errlen, "filter: add rule for %s (%d): %s",
					      e->name, nr, strerror(-rc));
	}
	return 0;
}

/* libseccomp 2.5.4 exports only to a file descriptor: go through a memfd. */
static int export_bpf(scmp_filter_ctx ctx, struct sock_filter **prog, size_t *len, size_t extra,
		      char *err, size_t errlen)
{
	int fd = memfd_create("lxzone-filter", MFD_CLOEXEC);
	struct stat st;
	int rc;

	if (fd < 0)
		return lx_filter_fail(err, errlen, "filter: memfd_create: %s", strerror(errno));
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0) {
		close(fd);
		return lx_filter_fail(err, errlen, "filter: export BPF: %s", strerror(-rc));
	}
	if (fstat(fd, &st) < 0 || st.st_size <= 0 ||
	    st.st_size % (off_t)sizeof(struct sock_filter) != 0) {
		close(fd);
		return lx_filter_fail(err, errlen, "filter: exported BPF has a bad size");
	}
	*len = (size_t)st.st_size / sizeof(struct sock_filter);
	*prog = calloc(*len + extra, sizeof(struct sock_filter));
	if (!*prog) {
		close(fd);
		return lx_filter_fail(err, errlen, "filter: %s", strerror(ENOMEM));
	}
	ssize_t n = pread(fd, *prog, (size_t)st.st_size, 0);
	close(fd);
	if (n != st.st_size) {
		free(*prog);
		*prog = NULL;
		return lx_filter_fail(err, errlen, "filter: read back exported BPF: %s",
				      n < 0 ? strerror(errno) : "short read");
	}
	return 0;
}

long lx_filter_gate_pass(struct sock_filter *prog, size_t len, char *err, size_t errlen)
{
	const size_t gate = len;
	size_t gated = 0, newer = 0, nhard = 0, total, at;
	/* where each check lands: the trap check first, then those the program needs */
	size_t newer_at, hard_at;

	for (size_t i = 0; i < len; i++) {
		struct sock_filter *f = &prog[i];
		if (f->code == (BPF_RET | BPF_A))
			return lx_filter_fail(err, errlen, "filter: insn %zu: unexpected ret A", i);
		if (f->code != (BPF_RET | BPF_K) ||
		    (f->k & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_TRACE)
			continue;
		switch (f->k & SECCOMP_RET_DATA) {
		case LX_FILTER_MARK_GATED:
			gated++;
			break;
		case LX_FILTER_MARK_NEWER:
			newer++;
			break;
		case LX_FILTER_MARK_HARD:
			nhard++;
			break;
		case LX_FILTER_MARK_PLAIN:
			break;
		default:
			return lx_filter_fail(err, errlen, "filter: insn %zu: stray ret TRACE|0x%x",
					      i, f->k & SECCOMP_RET_DATA);
		}
	}
	if (gated == 0)
		return lx_filter_fail(err, errlen, "filter: no gated trap in the program");
	newer_at = gate + GATE_CHECK_LEN;
	hard_at = newer_at + (newer ? GATE_CHECK_LEN : 0);
	total = hard_at + (nhard ? GATE_CHECK_LEN : 0);
	if (total > BPF_MAXINSNS)
		return lx_filter_fail(err, errlen, "filter: %zu instructions, the kernel takes %d",
				      total, BPF_MAXINSNS);
	for (size_t i = 0; i < len; i++) {
		struct sock_filter *f = &prog[i];
		size_t to;

		if (f->code != (BPF_RET | BPF_K) ||
		    (f->k & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_TRACE)
			continue;
		switch (f->k & SECCOMP_RET_DATA) {
		case LX_FILTER_MARK_PLAIN:
			*f = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, RET_TRAP_BRAND);
			continue;
		case LX_FILTER_MARK_NEWER:
			to = newer_at;
			break;
		case LX_FILTER_MARK_HARD:
			to = hard_at;
			break;
		default:
			to = gate;
		}
		*f = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, to - i - 1, 0, 0);
	}

	/* One check, three uses; `inside` is the answer for a call from the gate (the brand's
	 * own), `outside` for any other address:
	 *   GATED  ALLOW / trap            an emulated call
	 *   NEWER  ALLOW / ENOSYS          a call newer than the zone's kernel-version
	 *   HARD   EPERM / trap            a host subsystem the hardened profile keeps out of
	 *                                  reach, which the brand never calls: a guest jumping to
	 *                                  the gate must not reach it either */
#define GATE_CHECK(inside, outside)                                                                \
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, IP_HI), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 4),   \
	    /* hi != 0: not the gate (vsyscall) */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, IP_LO),      \
	    BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, (uint32_t)LX_GATE_ADDR, 0, 2),                     \
	    BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, (uint32_t)(LX_GATE_ADDR + LX_GATE_LEN), 1, 0),     \
	    BPF_STMT(BPF_RET | BPF_K, inside), BPF_STMT(BPF_RET | BPF_K, outside)
	const struct sock_filter gated_check[] = {GATE_CHECK(SECCOMP_RET_ALLOW, RET_TRAP_BRAND)};
	const struct sock_filter newer_check[] = {
	    GATE_CHECK(SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | ENOSYS)};
	const struct sock_filter hard_check[] = {
	    GATE_CHECK(SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA), RET_TRAP_BRAND)};
#undef GATE_CHECK
	_Static_assert(sizeof(gated_check) == GATE_CHECK_LEN * sizeof(gated_check[0]),
		       "GATE_CHECK_LEN");
	_Static_assert(3 * GATE_CHECK_LEN == LX_FILTER_GATE_BLOCK_LEN, "LX_FILTER_GATE_BLOCK_LEN");
	at = gate;
	memcpy(&prog[at], gated_check, sizeof(gated_check));
	at += GATE_CHECK_LEN;
	if (newer) {
		memcpy(&prog[at], newer_check, sizeof(newer_check));
		at += GATE_CHECK_LEN;
	}
	if (nhard)
		memcpy(&prog[at], hard_check, sizeof(hard_check));
	return (long)total;
}

int lx_filter_build(const struct lx_filter_opts *o, struct sock_fprog *out, char *err,
		    size_t errlen)
{
	struct sock_filter *prog = NULL;
	size_t len = 0;
	long newlen;
	int rc;

	memset(out, 0, sizeof(*out));
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRACE(LX_FILTER_MARK_PLAIN));
	if (!ctx)
		return lx_filter_fail(err, errlen, "filter: seccomp_init failed");
	/* seccomp_init adds the native architecture; the brand is x86_64 only. */
	if (seccomp_arch_native() != SCMP_ARCH_X86_64 ||
	    seccomp_arch_exist(ctx, SCMP_ARCH_X86_64) != 0) {
		seccomp_release(ctx);
		return lx_filter_fail(err, errlen, "filter: native architecture is not x86_64");
	}
	/* i386 entries and x32 numbers (same audit arch, nr | 0x40000000) share this action. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0); /* lx_filter_install decides */
	if (rc == 0) /* a binary tree over ~450 numbers keeps trapped calls' paths short */
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc < 0) {
		seccomp_release(ctx);
		return lx_filter_fail(err, errlen, "filter: set attributes: %s", strerror(-rc));
	}
	if (add_rules(ctx, o, err, errlen) < 0 ||
	    export_bpf(ctx, &prog, &len, LX_FILTER_GATE_BLOCK_LEN, err, errlen) < 0) {
		seccomp_release(ctx);
		return -1;
	}
	seccomp_release(ctx);

	newlen = lx_filter_gate_pass(prog, len, err, errlen);
	/* what the kernel would reject, rejected here with a better message */
	if (newlen < 0 || lx_bpf_check(prog, (size_t)newlen, err, errlen) < 0) {
		free(prog);
		return -1;
	}
	out->len = (unsigned short)newlen;
	out->filter = prog;
	return 0;
}

static int has_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) < 0)
		return 0;
	return (data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective & CAP_TO_MASK(CAP_SYS_ADMIN)) != 0;
}

int lx_filter_install(const struct sock_fprog *prog, char *err, size_t errlen)
{
	if (!has_cap_sys_admin() && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return lx_filter_fail(err, errlen, "install filter: set no_new_privs: %s",
				      strerror(errno));
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) < 0)
		return lx_filter_fail(err, errlen, "install filter (%u instructions): seccomp: %s",
				      prog->len, strerror(errno));
	return 0;
}

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

int lx_filter_install_listener(const struct sock_fprog *prog, int *listener, char *err,
			       size_t errlen)
{
	long fd;

	if (!has_cap_sys_admin() && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return lx_filter_fail(err, errlen, "install filter: set no_new_privs: %s",
				      strerror(errno));
	/* killable wait (Linux 5.19): once the service has the request, a signal must not
	 * restart the call and have the mount performed twice */
	fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		     SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
		     prog);
	if (fd < 0 && errno == EINVAL)
		fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
			     prog);
	if (fd < 0)
		return lx_filter_fail(
		    err, errlen, "install filter (%u instructions) with a listener: seccomp: %s",
		    prog->len, strerror(errno));
	*listener = (int)fd;
	return 0;
}

/*
 * The filter cache.
 *
 * Building the filter costs ~4 ms (libseccomp), and `lxzone exec` used to pay it on every
 * call.  A zone's supervisor builds it once per boot and writes it to its zone directory;
 * exec reads it back.  A cached program is used only if it is exactly what lx_filter_build
 * would return now:
 *   - the key in its header is a hash of everything the build depends on: the effective class
 *     and errno of every table entry under these options, the options, the gate and trap
 *     constants, the libseccomp version and this file's build stamp (a rebuilt filter.c may
 *     build differently, so its cache is refused);
 *   - the directory is ours and nobody else may write it; the file is a regular file owned
 *     by us, mode 0600 or stricter, opened without following a symlink, and its size,
 *     length and checksum agree with its header;
 *   - the program passes the kernel's load-time checks (lx_bpf_check), and, run in the BPF
 *     simulator, decides every syscall number from an ordinary address, from the gate and
 *     from the vsyscall page as the table says, and kills i386 and x32 calls.
 * Anything else is refused and the caller builds the filter as before: a stale or forged
 * cache can cost time, never change the policy.
 */
#define CACHE_MAGIC   "LXZFLT01"
#define CACHE_VERSION 1

struct cache_header {
	char magic[8];
	uint64_t key;
	uint64_t sum;
	uint32_t len;
	uint32_t pad;
};

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

#define FNV_BASIS UINT64_C(0xcbf29ce484222325)

uint64_t lx_filter_key(const struct lx_filter_opts *o)
{
	const struct scmp_version *v = seccomp_version();
	uint64_t h = fnv1a(FNV_BASIS, CACHE_MAGIC, 8);
	uint32_t w[12] = {CACHE_VERSION,
			  o && o->hardened,
			  o && o->lxproc,
			  (uint32_t)LX_GATE_ADDR,
			  (uint32_t)LX_GATE_LEN,
			  LX_TRAP_DATA,
			  LX_NSYSCALLS,
			  LX_FILTER_GATE_BLOCK_LEN,
			  o && o->mount_notify,
			  o ? o->kernel : 0,
			  o && o->lxproc_kernel_files,
			  o && o->affinity_native};

	h = fnv1a(h, w, sizeof(w));
	if (v) {
		uint32_t ver[3] = {v->major, v->minor, v->micro};
		h = fnv1a(h, ver, sizeof(ver));
	}
	/* the builder's and the table's sources (kernel-shim/CMakeLists.txt), not the build time:
	 * the same sources make the same filter */
	const uint64_t src = LXZONE_FILTER_SOURCES_HASH;
	h = fnv1a(h, &src, sizeof(src));
	for (int nr = 0; nr < LX_NSYSCALLS; nr++) {
		uint32_t e[4] = {(uint32_t)nr, effective_class(o, nr), lx_systable[nr].err,
				 lx_systable[nr].trap};
		h = fnv1a(h, e, sizeof(e));
	}
	return h;
}

/* What the filter must return for nr (not clone) from an ordinary address or the gate. */
static uint32_t expected_action(const struct lx_filter_opts *o, int nr, int from_gate)
{
	if (lx_sys_newer(&lx_systable[nr], o ? o->kernel : 0)) {
		unsigned cls = effective_class(o, nr);
		if ((cls == LX_SYS_PASS || cls == LX_SYS_EMUL) && from_gate &&
		    !(o && o->hardened && hard_only(nr)))
			return SECCOMP_RET_ALLOW;
		return SECCOMP_RET_ERRNO | ENOSYS;
	}
	if (o && o->mount_notify && lx_systable[nr].trap == LX_TRAP_MOUNTD)
		return SECCOMP_RET_USER_NOTIF;
	switch (effective_class(o, nr)) {
	case LX_SYS_PASS:
		return SECCOMP_RET_ALLOW;
	case LX_SYS_REFUSE:
		return SECCOMP_RET_ERRNO | (lx_systable[nr].err & SECCOMP_RET_DATA);
	case LX_SYS_EMUL:
		if (from_gate && o && o->hardened && hard_only(nr))
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
		      char *err, size_t errlen)
{
	struct lx_bpf_run r;

	if (lx_bpf_exec(prog->filter, prog->len, d, &r, err, errlen) < 0)
		return -1;
	if (r.ret != want)
		return lx_filter_fail(
		    err, errlen, "filter: %s (%d) from %#llx gives %#x, the table says %#x",
		    d->nr >= 0 && d->nr < LX_NSYSCALLS ? lx_systable[d->nr].name : "?", d->nr,
		    (unsigned long long)d->instruction_pointer, r.ret, want);
	return 0;
}

/* Does nr take lxproc's argument rules under o (add_lxproc_rules)? */
static int lxproc_args_nr(const struct lx_filter_opts *o, int nr)
{
	unsigned base;

	if (!lxproc_nr(o, nr))
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
static int verify_lxproc_args(const struct sock_fprog *prog, int nr, char *err, size_t errlen)
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
		if (verify_one(prog, &d, cases[i].trap ? RET_TRAP_BRAND : SECCOMP_RET_ALLOW, err,
			       errlen) < 0)
			return -1;
		d.instruction_pointer = LX_GATE_ADDR + 2;
		if (verify_one(prog, &d, SECCOMP_RET_ALLOW, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* futex's commands (add_futex_rules), with the private and clock flags, from an ordinary
 * address and from the gate. */
static int verify_futex(const struct sock_fprog *prog, char *err, size_t errlen)
{
	struct seccomp_data d = {.arch = AUDIT_ARCH_X86_64, .nr = SCMP_SYS(futex)};

	for (int cmd = 0; cmd < 20; cmd++)
		for (int fl = 0; fl < 4; fl++) {
			int trapped = 0, passed = 0;
			for (size_t i = 0; i < sizeof(futex_trapped) / sizeof(futex_trapped[0]);
			     i++)
				trapped |= futex_trapped[i] == cmd;
			for (size_t i = 0; i < sizeof(futex_passed) / sizeof(futex_passed[0]); i++)
				passed |= futex_passed[i] == cmd;
			d.args[1] = (uint64_t)(cmd | (fl & 1 ? 128 : 0) | (fl & 2 ? 256 : 0));
			d.instruction_pointer = 0x400000;
			if (verify_one(prog, &d, passed ? SECCOMP_RET_ALLOW : RET_TRAP_BRAND, err,
				       errlen) < 0)
				return -1;
			d.instruction_pointer = LX_GATE_ADDR + 2;
			if (verify_one(prog, &d,
				       passed	 ? SECCOMP_RET_ALLOW
				       : trapped ? SECCOMP_RET_ERRNO | EPERM
						 : RET_TRAP_BRAND,
				       err, errlen) < 0)
				return -1;
		}
	return 0;
}

int lx_filter_verify(const struct lx_filter_opts *o, const struct sock_fprog *prog, char *err,
		     size_t errlen)
{
	const uint64_t plain = 0x400000, gate = LX_GATE_ADDR + 2, vsys = LX_VSYSCALL_ADDR + 0x400;
	struct seccomp_data d = {.arch = AUDIT_ARCH_X86_64};

	/* checked once here; verify_one runs it unchecked */
	if (lx_bpf_check(prog->filter, prog->len, err, errlen) < 0)
		return -1;
	for (int nr = 0; nr < LX_NSYSCALLS; nr++) {
		const int newer = lx_sys_newer(&lx_systable[nr], o ? o->kernel : 0);

		if (nr == SCMP_SYS(clone) && lx_systable[nr].trap == LX_TRAP_ARGS && !newer)
			continue; /* decided on its flags; covered by the key */
		if (!newer && lxproc_args_nr(o, nr)) {
			if (verify_lxproc_args(prog, nr, err, errlen) < 0)
				return -1;
			continue;
		}
		if (nr == SCMP_SYS(futex) && !newer && effective_class(o, nr) == LX_SYS_EMUL) {
			if (verify_futex(prog, err, errlen) < 0)
				return -1;
			continue;
		}
		if (nr == SCMP_SYS(setns) && lx_systable[nr].trap == LX_TRAP_ARGS && !newer &&
		    effective_class(o, nr) == LX_SYS_REFUSE) {
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
					       err, errlen) < 0)
					return -1;
			}
			d.args[1] = 0;
			continue;
		}
		d.nr = nr;
		d.instruction_pointer = plain;
		if (verify_one(prog, &d, expected_action(o, nr, 0), err, errlen) < 0)
			return -1;
		/* the gate may bypass emulation, never the policy: every number is checked */
		d.instruction_pointer = gate;
		if (verify_one(prog, &d, expected_action(o, nr, 1), err, errlen) < 0)
			return -1;
		d.instruction_pointer = vsys;
		if (vsyscall_nr(nr) &&
		    verify_one(prog, &d, expected_action(o, nr, 0), err, errlen) < 0)
			return -1;
	}
	d.nr = 0x40000000; /* x32 read */
	d.instruction_pointer = plain;
	if (verify_one(prog, &d, SECCOMP_RET_KILL_PROCESS, err, errlen) < 0)
		return -1;
	d.nr = 0;
	d.arch = AUDIT_ARCH_I386;
	return verify_one(prog, &d, SECCOMP_RET_KILL_PROCESS, err, errlen);
}

int lx_filter_cache_write(int dirfd, const char *name, const struct lx_filter_opts *o,
			  const struct sock_fprog *prog, char *err, size_t errlen)
{
	struct cache_header h = {.key = lx_filter_key(o), .len = prog->len};
	size_t body = (size_t)prog->len * sizeof(struct sock_filter);
	char tmp[256];
	int fd;

	memcpy(h.magic, CACHE_MAGIC, sizeof(h.magic));
	h.sum = fnv1a(FNV_BASIS, prog->filter, body);
	snprintf(tmp, sizeof(tmp), ".%s.tmp.%d", name, (int)getpid());
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return lx_filter_fail(err, errlen, "filter cache %s: %s", tmp, strerror(errno));
	/* no fsync: a cache lost in a crash is rebuilt, and one cut short is refused */
	if (write(fd, &h, sizeof(h)) != (ssize_t)sizeof(h) ||
	    write(fd, prog->filter, body) != (ssize_t)body || close(fd) < 0) {
		int e = errno;
		unlinkat(dirfd, tmp, 0);
		return lx_filter_fail(err, errlen, "filter cache %s: %s", tmp, strerror(e));
	}
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		int e = errno;
		unlinkat(dirfd, tmp, 0);
		return lx_filter_fail(err, errlen, "filter cache %s: %s", name, strerror(e));
	}
	return 0;
}

int lx_filter_cache_read(int dirfd, const char *name, const struct lx_filter_opts *o,
			 struct sock_fprog *out, char *err, size_t errlen)
{
	struct cache_header h;
	struct sock_filter *prog = NULL;
	struct stat st;
	size_t body;
	int fd;

	memset(out, 0, sizeof(*out));
	/* a directory others may write could hold a file swapped in under the name */
	if (fstat(dirfd, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022) != 0)
		return lx_filter_fail(
		    err, errlen, "filter cache %s: directory not ours or writable by others", name);
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return lx_filter_fail(err, errlen, "filter cache %s: %s", name, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077) != 0) {
		close(fd);
		return lx_filter_fail(err, errlen, "filter cache %s: not a private file of ours",
				      name);
	}
	if (st.st_size < (off_t)sizeof(h) || pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
	    memcmp(h.magic, CACHE_MAGIC, sizeof(h.magic)) != 0 || h.len == 0 ||
	    h.len > BPF_MAXINSNS ||
	    st.st_size != (off_t)(sizeof(h) + (size_t)h.len * sizeof(struct sock_filter))) {
		close(fd);
		return lx_filter_fail(err, errlen, "filter cache %s: bad header or size", name);
	}
	if (h.key != lx_filter_key(o)) {
		close(fd);
		return lx_filter_fail(err, errlen,
				      "filter cache %s: stale (built from another table, "
				      "profile or build)",
				      name);
	}
	body = (size_t)h.len * sizeof(struct sock_filter);
	prog = malloc(body);
	if (prog == NULL || pread(fd, prog, body, sizeof(h)) != (ssize_t)body ||
	    fnv1a(FNV_BASIS, prog, body) != h.sum) {
		close(fd);
		free(prog);
		return lx_filter_fail(err, errlen, "filter cache %s: checksum mismatch", name);
	}
	close(fd);
	out->len = (unsigned short)h.len;
	out->filter = prog;
	if (lx_filter_verify(o, out, err, errlen) < 0) { /* lx_bpf_check, then the simulator */
		free(prog);
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}
