/*
 * probe_io_uring: io_uring performs I/O without system calls, out of the filter's sight.
 * escape-contexts: zone hardened lxrun oci oci-userns
 * escape-native: escaped
 * Safe outcome: io_uring_setup is refused (ENOSYS, so liburing users fall back to read/write).
 *
 * The call is a real one (a ring of 8 entries): made, it would prove rings can be set up; the
 * ring is closed at once and touches nothing.
 */
#include <sys/syscall.h>
#include <unistd.h>

#include "tests/escape/probe.h"

#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#endif

int main(void)
{
	unsigned char params[120] = {0}; /* struct io_uring_params (zeroed: defaults) */
	long fd = syscall(SYS_io_uring_setup, 8, params);

	if (fd >= 0) {
		close((int)fd);
		probe_escaped("io_uring_setup made a ring (fd %ld): I/O beyond the filter", fd);
	}
	if (errno == ENOSYS || errno == EPERM)
		probe_safe("io_uring_setup refused (%s)", probe_errname(errno));
	probe_escaped("io_uring_setup reached the kernel (%s), not refused by the filter",
		      probe_errname(errno));
}
