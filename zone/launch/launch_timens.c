/*
 * The zone's time namespace.
 *
 * The brand shows a zone its own uptime (/proc/uptime, sysinfo, /proc/stat's btime) from the
 * zone page, but the kernel counts /proc/<pid>/stat's starttime on the reader's CLOCK_BOOTTIME:
 * without a time namespace of its own, `ps -o lstart,etime` in a zone that booted hours after
 * the host puts every process hours in the future.  So a booted zone gets a time namespace
 * whose boottime offset is minus the host's CLOCK_BOOTTIME at the zone's boot (the page's
 * zone_boot_ns, to the nanosecond): the kernel then counts starttime, CLOCK_BOOTTIME and its
 * own /proc/uptime from the zone's boot, and the page's uptime is exactly that clock.
 *
 * CLOCK_MONOTONIC is not offset: nothing the kernel shows the zone counts from it, and runc,
 * crun and LXC offset neither clock unless the container's configuration asks for it.  The
 * offsets can only be written before any process is in the namespace, so the namespace is
 * made with unshare(CLONE_NEWTIME) in the process that clones the zone's init (it applies to
 * children only), the offsets are written, init is cloned into it, and the caller goes back
 * to making children in its own namespace.  `lxzone exec` joins init's with setns on its
 * pidfd, which moves the caller and so its children.
 *
 * Offsets written later inside the zone (/proc/self/timens_offsets of a namespace the guest
 * makes) are, as on Linux, from the host's clocks, not the zone's.
 */
#include "zone/launch/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define NS_PER_SEC UINT64_C(1000000000)

int launch_timens_supported(void)
{
	return access("/proc/self/ns/time", F_OK) == 0;
}

int launch_timens_offsets(uint64_t boot_ns, char *buf, size_t len)
{
	/* -boot_ns = -(s + n/1e9) = -(s + 1) + (1e9 - n)/1e9 when n > 0 */
	uint64_t s = boot_ns / NS_PER_SEC, n = boot_ns % NS_PER_SEC;
	int w;

	if (n)
		w = snprintf(buf, len, "boottime -%" PRIu64 " %" PRIu64 "\n", s + 1,
			     NS_PER_SEC - n);
	else
		w = snprintf(buf, len, "boottime %s%" PRIu64 " 0\n", s ? "-" : "", s);
	return w < 0 || (size_t)w >= len ? -1 : w;
}

int launch_timens_set_offsets(uint64_t boot_ns)
{
	char line[64];
	int fd, e, len = launch_timens_offsets(boot_ns, line, sizeof(line));

	if (len < 0) {
		errno = EOVERFLOW;
		return -1;
	}
	fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, line, (size_t)len) != len) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

int launch_timens_enter(uint64_t boot_ns, int *restore_fd, struct zone_error *err)
{
	char line[64];
	int own, len = launch_timens_offsets(boot_ns, line, sizeof(line));

	if (len < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, EOVERFLOW, "time namespace offset");
	own = open("/proc/self/ns/time", O_RDONLY | O_CLOEXEC);
	if (own < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "open /proc/self/ns/time");
	if (unshare(CLONE_NEWTIME) < 0) {
		int e = errno;
		close(own);
		return launch_fail(err, LAUNCH_EXIT_CANNOT, e, "new time namespace");
	}
	if (launch_timens_set_offsets(boot_ns) < 0) {
		int e = errno;
		struct zone_error ignored;

		launch_timens_restore(own, &ignored);
		line[len - 1] = '\0';
		return launch_fail(err, LAUNCH_EXIT_CANNOT, e, "time namespace offsets \"%s\"",
				   line);
	}
	*restore_fd = own;
	return 0;
}

int launch_timens_restore(int fd, struct zone_error *err)
{
	int r = setns(fd, CLONE_NEWTIME);
	int e = errno;

	close(fd);
	return r < 0 ? launch_fail(err, LAUNCH_EXIT_CANNOT, e, "back to the own time namespace")
		     : 0;
}
