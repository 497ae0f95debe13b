/*
 * The filter's rules: the brand's table (emul/systable.def) and the zone's options -> libseccomp
 * rules, with the TRACE placeholders the gate post-pass rewrites (filter/gate.c).  Which
 * calls trap, pass or are refused is decided here and nowhere else.
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
#include <sys/mount.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "emul/epoll_inst.h"
#include "emul/systable.h"
#include "filter/bpf_sim.h"
#include "kernel-shim/brand_abi.h"

static int add_clone_rules(scmp_filter_ctx ctx, uint32_t gated, struct zone_error *err)
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
		return zone_error_set(err, -rc, "filter: clone rules");
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
static int add_lxproc_rules(scmp_filter_ctx ctx, uint32_t gated, int nr, struct zone_error *err)
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
		return zone_error_set(err, -rc, "filter: lxproc rules for %s",
				      lx_systable[nr].name);
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
const int lx_filter_futex_trapped[LX_FUTEX_TRAPPED] = {3, 4, 6, 7, 8, 11, 12, 13};
const int lx_filter_futex_passed[LX_FUTEX_PASSED] = {0, 1, 2, 5, 9, 10};

static int add_futex_rules(scmp_filter_ctx ctx, uint32_t gated, struct zone_error *err)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < LX_FUTEX_TRAPPED; i++)
		rc = seccomp_rule_add(ctx, gated, SCMP_SYS(futex), 1,
				      SCMP_A1_64(SCMP_CMP_MASKED_EQ, FUTEX_CMD_BITS,
						 (scmp_datum_t)lx_filter_futex_trapped[i]));
	for (size_t i = 0; rc == 0 && i < LX_FUTEX_PASSED; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(futex), 1,
				      SCMP_A1_64(SCMP_CMP_MASKED_EQ, FUTEX_CMD_BITS,
						 (scmp_datum_t)lx_filter_futex_passed[i]));
	if (rc < 0)
		return zone_error_set(err, -rc, "filter: futex rules");
	return 0;
}

/*
 * Hardened epoll (syscalls/lx_epoll_host.c): the brand's own host epoll instances.  From the
 * gate, epoll_create1 passes, and epoll_ctl, epoll_pwait and epoll_pwait2 pass on a first
 * argument (an int: its low word) in [LX_EPH_FD_BASE, +LX_EPH_FD_COUNT), a 64-aligned range
 * checked with one masked compare; below or above it they stay refused from the gate (HARD),
 * and from anywhere else every one traps into the emulation.  epoll_create, epoll_wait and the
 * rest stay HARD.
 */
int lx_filter_eph_nr(const struct lx_filter_opts *o, int nr)
{
	if (!o || !o->hardened || o->epoll_ppoll)
		return 0;
	if (nr == SCMP_SYS(epoll_create1))
		return LX_EPH_ANY;
	if (nr == SCMP_SYS(epoll_ctl) || nr == SCMP_SYS(epoll_pwait) ||
	    nr == SCMP_SYS(epoll_pwait2))
		return LX_EPH_RANGE;
	return 0;
}

_Static_assert((LX_EPH_FD_BASE & (LX_EPH_FD_COUNT - 1)) == 0 &&
		   (LX_EPH_FD_COUNT & (LX_EPH_FD_COUNT - 1)) == 0,
	       "the reserved range is one masked compare");

static int add_epoll_rules(scmp_filter_ctx ctx, uint32_t gated, uint32_t hard, int nr,
			   struct zone_error *err)
{
	const scmp_datum_t mask = (scmp_datum_t)(uint32_t) ~(LX_EPH_FD_COUNT - 1);
	int rc = seccomp_rule_add(ctx, gated, nr, 1,
				  SCMP_A0_32(SCMP_CMP_MASKED_EQ, mask, LX_EPH_FD_BASE));

	if (rc == 0)
		rc = seccomp_rule_add(ctx, hard, nr, 1, SCMP_A0_32(SCMP_CMP_LT, LX_EPH_FD_BASE, 0));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, hard, nr, 1,
				      SCMP_A0_32(SCMP_CMP_GE, LX_EPH_FD_BASE + LX_EPH_FD_COUNT, 0));
	if (rc < 0)
		return zone_error_set(err, -rc, "filter: epoll rules for %s", lx_systable[nr].name);
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
static int add_setns_rules(scmp_filter_ctx ctx, int e, struct zone_error *err)
{
	int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(setns), 1,
				  SCMP_A1_64(SCMP_CMP_MASKED_EQ, 0xffffffffULL, CLONE_NEWTIME));

	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(e), SCMP_SYS(setns), 1,
				      SCMP_A1_32(SCMP_CMP_NE, CLONE_NEWTIME, 0));
	if (rc < 0)
		return zone_error_set(err, -rc, "filter: setns rules");
	return 0;
}

/*
 * A zone's mount and umount2: a user notification to the zone's mount service, outside the
 * zone (zone/mountd.c), for everyone, the gate included.  Like a refusal it depends only on
 * the number, so it stays cacheable and the brand cannot bypass it.  Without a listener the
 * kernel answers ENOSYS.  The exception (userns, user-namespaced zones): mount(2)
 * whose flags hold MS_REMOUNT and MS_BIND, which the kernel takes as a change of the target
 * mount's flags and nothing else (path_mount tests that pair first, whatever other bits are
 * set, MS_MGC_VAL's included), passes for everyone: the kernel decides it exactly as it would
 * the service's helper's call, which acts as the zone's root in the zone's user namespace
 * (docs/security.md, "Flag-only remounts").
 */
static int add_mount_notify_rule(scmp_filter_ctx ctx, const struct lx_filter_opts *o, int nr,
				 struct zone_error *err)
{
	const uint64_t rb = MS_REMOUNT | MS_BIND;
	int rc = 0;

	if (o->userns && nr == SCMP_SYS(mount)) {
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
				      SCMP_A3_64(SCMP_CMP_MASKED_EQ, rb, rb));
		if (rc == 0)
			rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 1,
					      SCMP_A3_64(SCMP_CMP_MASKED_EQ, rb, 0));
		if (rc == 0)
			rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 1,
					      SCMP_A3_64(SCMP_CMP_MASKED_EQ, rb, MS_REMOUNT));
		if (rc == 0)
			rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 1,
					      SCMP_A3_64(SCMP_CMP_MASKED_EQ, rb, MS_BIND));
	} else {
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 0);
	}
	if (rc < 0)
		return zone_error_set(err, -rc, "filter: mount notification rule for %s",
				      lx_systable[nr].name);
	return 0;
}

/*
 * Does o trap nr as one of lxproc's calls (the table's CAPS rows, in a zone with a zone page)?
 * With the kernel serving the files (zone/lxprocfs.h) only the calls that are no file stay:
 * sysinfo, and sched_getaffinity unless the zone's cpuset is the answer.
 */
int lx_filter_lxproc_nr(const struct lx_filter_opts *o, int nr)
{
	if (!o || !o->lxproc || lx_systable[nr].trap != LX_TRAP_CAPS)
		return 0;
	if (o->lxproc_version_only && (nr == SCMP_SYS(sysinfo) || nr == SCMP_SYS(sched_getaffinity)))
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

/*
 * The table's USERNS rows in a user-namespaced zone of the default profile pass: the kernel
 * checks each against the caller's user namespace, whose root the zone's root is and nothing
 * more (docs/security.md, "Calls the kernel confines to a user namespace").  A privileged
 * zone's root is capable over the host's namespaces, and lxrun runs in the host's: refused
 * there; the hardened profile keeps them refused too (less of the host's kernel in reach).
 */
static int userns_pass(const struct lx_filter_opts *o, int nr)
{
	return o && o->mount_notify && o->userns && !o->hardened &&
	       lx_systable[nr].trap == LX_TRAP_USERNS;
}

/* The class the filter gives nr under o: the profile's, for the table's CAPS rows in a zone
 * with a zone page emulated (lxproc's argument rules may narrow it, add_rules), reboot
 * passed in a zone (zone_reboot), the USERNS rows in a user-namespaced one (userns_pass), and
 * the EXE rows flipped where processes name their exe (readlink passes, setuid and friends
 * trap: emul/exefilter.h). */
unsigned lx_filter_effective_class(const struct lx_filter_opts *o, int nr)
{
	const struct lx_sysent *e = &lx_systable[nr];
	unsigned cls = o && o->hardened ? e->cls_hardened : e->cls;

	if (lx_filter_lxproc_nr(o, nr))
		cls = LX_SYS_EMUL;
	if (zone_reboot(o, nr) || userns_pass(o, nr))
		cls = LX_SYS_PASS;
	if (o && o->exe_kernel && e->trap == LX_TRAP_EXE)
		cls = cls == LX_SYS_EMUL ? LX_SYS_PASS : LX_SYS_EMUL;
	return cls;
}

/* A call the hardened profile keeps from the host: emulated there, passed in the default
 * profile, and never made by the brand itself (LX_FILTER_MARK_HARD). */
int lx_filter_hard_only(int nr)
{
	return nr >= 0 && nr < LX_NSYSCALLS && lx_systable[nr].cls == LX_SYS_PASS &&
	       lx_systable[nr].cls_hardened == LX_SYS_EMUL;
}

/*
 * Does the gate refuse nr (EPERM) rather than let it through?  The hardened profile's calls
 * (above), and sysinfo in a zone with a zone page: the brand answers it from the page alone
 * (emul/zoneview.c, the host's memory figures included), so the gate refuses it (EPERM) like the
 * hardened profile's calls: a guest that jumps to the gate gets no host answer either.
 * sched_getaffinity stays gated: where it traps (no cpuset that is the zone's CPUs) the brand's
 * answer is the kernel's mask cut to the zone's CPUs, which needs the kernel's mask, the one
 * /proc/<pid>/status shows as Cpus_allowed anyway; where the zone has such a cpuset it is not
 * trapped, and the kernel's answer from any address is the zone's.
 */
int lx_filter_gate_refuses(const struct lx_filter_opts *o, int nr)
{
	/* the hardened calls but those the brand makes on its own eventpoll with any argument */
	if (o && o->hardened && lx_filter_hard_only(nr) && lx_filter_eph_nr(o, nr) != LX_EPH_ANY)
		return 1;
	return nr == SCMP_SYS(sysinfo) && lx_filter_lxproc_nr(o, nr);
}

/* The table's ARGS rows: the argument rule each has here.  0, or -1 with a message (a row
 * marked ARGS with no rule is a table the filter cannot honour). */
static int add_arg_rules(scmp_filter_ctx ctx, uint32_t gated, int nr, unsigned cls,
			 struct zone_error *err)
{
	if (nr == SCMP_SYS(clone) && cls == LX_SYS_EMUL)
		return add_clone_rules(ctx, gated, err);
	if (nr == SCMP_SYS(setns) && cls == LX_SYS_REFUSE)
		return add_setns_rules(ctx, lx_systable[nr].err, err);
	return zone_error_set(err, 0, "filter: %s is marked ARGS but has no argument rule",
			      lx_systable[nr].name);
}

int lx_filter_add_rules(scmp_filter_ctx ctx, const struct lx_filter_opts *o, struct zone_error *err)
{
	const uint32_t gated = SCMP_ACT_TRACE(LX_FILTER_MARK_GATED);
	const uint32_t hard = SCMP_ACT_TRACE(LX_FILTER_MARK_HARD);
	const int hardened = o && o->hardened;

	for (int nr = 0; nr < LX_NSYSCALLS; nr++) {
		const struct lx_sysent *e = &lx_systable[nr];
		const unsigned cls = lx_filter_effective_class(o, nr);
		uint32_t action;
		int rc;

		if (lx_sys_newer(e, o ? o->kernel : 0)) {
			/* as the zone's kernel would answer, decided on the number alone */
			action = (cls == LX_SYS_PASS || cls == LX_SYS_EMUL) &&
					 !(hardened && lx_filter_hard_only(nr))
				     ? SCMP_ACT_TRACE(LX_FILTER_MARK_NEWER)
				     : SCMP_ACT_ERRNO(ENOSYS);
			rc = seccomp_rule_add(ctx, action, nr, 0);
			if (rc < 0)
				return zone_error_set(err, -rc, "filter: add rule for %s", e->name);
			continue;
		}
		if (e->trap == LX_TRAP_MOUNTD && o && o->mount_notify) {
			if (add_mount_notify_rule(ctx, o, nr, err) < 0)
				return -1;
			continue;
		}
		if (e->trap == LX_TRAP_ARGS) {
			if (add_arg_rules(ctx, gated, nr, cls, err) < 0)
				return -1;
			continue;
		}
		/* hardened epoll: the brand's host instances (add_epoll_rules) */
		if (cls == LX_SYS_EMUL && lx_filter_eph_nr(o, nr) == LX_EPH_RANGE) {
			if (add_epoll_rules(ctx, gated, hard, nr, err) < 0)
				return -1;
			continue;
		}
		/* hardened futex: an argument rule on the command (add_futex_rules) */
		if (nr == SCMP_SYS(futex) && cls == LX_SYS_EMUL) {
			if (add_futex_rules(ctx, hard, err) < 0)
				return -1;
			continue;
		}
		if (lx_filter_lxproc_nr(o, nr) &&
		    (hardened ? e->cls_hardened : e->cls) == LX_SYS_PASS) {
			int done = add_lxproc_rules(ctx, gated, nr, err);
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
			action = lx_filter_gate_refuses(o, nr) ? hard : gated;
			break;
		default:
			continue; /* UNSUP and holes: the default action, a plain trap */
		}
		rc = seccomp_rule_add(ctx, action, nr, 0);
		if (rc < 0)
			return zone_error_set(err, -rc, "filter: add rule for %s (%d)", e->name,
					      nr);
	}
	return 0;
}
