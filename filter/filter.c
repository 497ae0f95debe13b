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
 *   NETVIEW -> ALLOW here; shared-IP zones' netlink filter traps them (netlink/nlfilter.h)
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
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "emul/systable.h"
#include "filter/bpf_sim.h"
#include "kernel-shim/brand_abi.h"

int lx_filter_build(const struct lx_filter_opts *o, struct sock_fprog *out, struct zone_error *err)
{
	struct sock_filter *prog = NULL;
	size_t len = 0;
	long newlen;
	int rc;

	memset(out, 0, sizeof(*out));
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRACE(LX_FILTER_MARK_PLAIN));
	if (!ctx)
		return zone_error_set(err, 0, "filter: seccomp_init failed");
	/* seccomp_init adds the native architecture; the brand is x86_64 only. */
	if (seccomp_arch_native() != SCMP_ARCH_X86_64 ||
	    seccomp_arch_exist(ctx, SCMP_ARCH_X86_64) != 0) {
		seccomp_release(ctx);
		return zone_error_set(err, 0, "filter: native architecture is not x86_64");
	}
	/* i386 entries and x32 numbers (same audit arch, nr | 0x40000000) share this action. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0); /* lx_filter_install decides */
	if (rc == 0) /* a binary tree over ~450 numbers keeps trapped calls' paths short */
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc < 0) {
		seccomp_release(ctx);
		return zone_error_set(err, -rc, "filter: set attributes");
	}
	if (lx_filter_add_rules(ctx, o, err) < 0 ||
	    lx_filter_export_bpf(ctx, &prog, &len, LX_FILTER_GATE_BLOCK_LEN, err) < 0) {
		seccomp_release(ctx);
		return -1;
	}
	seccomp_release(ctx);

	newlen = lx_filter_gate_pass(prog, len, err);
	/* what the kernel would reject, rejected here with a better message */
	if (newlen < 0 || lx_bpf_check(prog, (size_t)newlen, err) < 0) {
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

int lx_filter_install(const struct sock_fprog *prog, struct zone_error *err)
{
	if (!has_cap_sys_admin() && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return zone_error_set(err, errno, "install filter: set no_new_privs");
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) < 0)
		return zone_error_set(err, errno, "install filter (%u instructions): seccomp",
				      prog->len);
	return 0;
}

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

int lx_filter_install_listener(const struct sock_fprog *prog, int *listener, struct zone_error *err)
{
	long fd;

	if (!has_cap_sys_admin() && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return zone_error_set(err, errno, "install filter: set no_new_privs");
	/* killable wait (Linux 5.19): once the service has the request, a signal must not
	 * restart the call and have the mount performed twice */
	fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		     SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
		     prog);
	if (fd < 0 && errno == EINVAL)
		fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
			     prog);
	if (fd < 0)
		return zone_error_set(err, errno,
				      "install filter (%u instructions) with a listener: seccomp",
				      prog->len);
	*listener = (int)fd;
	return 0;
}
