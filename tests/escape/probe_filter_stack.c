/*
 * probe_filter_stack: a guest stacks a seccomp filter of its own that allows everything,
 * hoping it overrides the brand's.
 * escape-contexts: zone hardened lxrun oci oci-userns
 * escape-native: escaped
 * Safe outcome: the filter installs (or is refused), and the brand's refusals still hold:
 * keyctl and reboot answer EPERM, io_uring_setup ENOSYS, as before.
 *
 * The kernel runs every filter of the chain and takes the most restrictive answer, so an
 * ALLOW of the guest's cannot undo the brand's ERRNO.  Same harmless arguments as
 * probe_kernel_calls and probe_reboot.
 */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tests/escape/probe.h"

static int err_of(long r)
{
	return r < 0 ? errno : 0;
}

int main(void)
{
	struct sock_filter allow[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
	struct sock_fprog prog = {.len = 1, .filter = allow};
	unsigned char params[120] = {0};
	const char *installed = "installed";
	int k, r, u;

	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); /* so no capability is needed; this process only */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		installed = probe_errname(errno);
	k = err_of(syscall(SYS_keyctl, 0, -1, 0)); /* the thread keyring, never created */
	r = err_of(syscall(SYS_reboot, 0xfee1deadUL, 672274793UL, 0x0badc0deUL, 0UL));
	u = err_of(syscall(SYS_io_uring_setup, 8, params));
	if (u == 0)
		probe_escaped("after an allow-all filter (%s), io_uring_setup made a ring",
			      installed);
	/* in a zone's pid namespace reboot passes by design (probe_reboot) */
	if (r == EINVAL && probe_in_zone_pidns())
		r = EPERM;
	if (k != EPERM || r != EPERM || u != ENOSYS)
		probe_escaped(
		    "after an allow-all filter (%s): keyctl %s, reboot %s, io_uring_setup "
		    "%s",
		    installed, probe_errname(k), probe_errname(r), probe_errname(u));
	probe_safe("allow-all filter %s; keyctl and reboot still EPERM, io_uring_setup ENOSYS",
		   installed);
}
