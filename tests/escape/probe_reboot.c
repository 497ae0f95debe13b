/*
 * probe_reboot: reboot(2) from a zone.
 * escape-contexts: zone hardened lxrun oci oci-userns
 * escape-native: escaped
 * Safe outcome: refused by the filter (EPERM); in a zone (its own pid namespace, where the
 * filter passes reboot so that the zone's init can power off and reboot the zone) the
 * kernel's EINVAL for the unknown command: there it can only end the zone's init.
 *
 * With the right magic numbers and a command the kernel does not know: had the call got
 * through, the kernel would answer EINVAL and do nothing (in the host's pid namespace or the
 * zone's).
 */
#include <sys/syscall.h>
#include <unistd.h>

#include "tests/escape/probe.h"

int main(void)
{
	long r = syscall(SYS_reboot, 0xfee1deadUL, 672274793UL, 0x0badc0deUL, 0UL);

	if (r == 0)
		probe_escaped("reboot with an unknown command returned 0");
	if (errno == EPERM)
		probe_safe("reboot refused (EPERM)");
	if (errno == EINVAL && probe_in_zone_pidns())
		probe_safe("reboot reached the kernel in the zone's own pid namespace, where it "
			   "can only end the zone's init (EINVAL for an unknown command)");
	probe_escaped("reboot reached the kernel (%s), not refused by the filter",
		      probe_errname(errno));
}
