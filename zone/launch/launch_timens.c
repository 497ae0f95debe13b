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
 *
 * An OCI container asks for the same thing in runtime-spec words (cli/oci_timens.c): a "time"
 * namespace gets linux.timeOffsets' monotonic and boottime offsets as given (a clock left out
 * keeps the 0 the namespace copied from the runtime's), made and entered the same way; a
 * "time" namespace with a path is joined instead (setns on it, which moves the caller: it
 * goes back to its own once init is cloned).  In a user-namespaced container the new one is
 * made inside the user namespace (timens_in_userns, launch_root.c), which owns it; a joined
 * one is entered here, by the host's root, before the clone, and the container's user
 * namespace changes nothing about it (runc joins it the same way, before its unshare).
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

/* c - ns nanoseconds, kept in the kernel's form (0 <= nsecs < 1e9).  0, or -1 on overflow. */
static int clock_sub_ns(struct launch_clock_offset *c, uint64_t ns)
{
	uint64_t s = ns / NS_PER_SEC;
	uint32_t n = (uint32_t)(ns % NS_PER_SEC);

	if (s > INT64_MAX || __builtin_sub_overflow(c->secs, (int64_t)s, &c->secs))
		return -1;
	if (c->nsecs < n) {
		if (__builtin_sub_overflow(c->secs, 1, &c->secs))
			return -1;
		c->nsecs += (uint32_t)NS_PER_SEC;
	}
	c->nsecs -= n;
	return 0;
}

int launch_timens_of(const struct launch_opts *o, struct launch_timens_offsets *out)
{
	*out = o->timens_offsets;
	if (!o->timens_boot_ns)
		return 0;
	/* a booted zone: CLOCK_BOOTTIME counts from its boot, -boot_ns */
	out->boottime.set = 1;
	return clock_sub_ns(&out->boottime, o->timens_boot_ns);
}

int launch_timens_offsets(const struct launch_timens_offsets *off, char *buf, size_t len)
{
	const struct launch_clock_offset *c[2] = {&off->monotonic, &off->boottime};
	static const char *const name[2] = {"monotonic", "boottime"};
	size_t at = 0;

	if (len)
		buf[0] = '\0';
	for (int i = 0; i < 2; i++) {
		int w;

		if (!c[i]->set)
			continue;
		w = snprintf(buf + at, len - at, "%s %" PRId64 " %" PRIu32 "\n", name[i],
			     c[i]->secs, c[i]->nsecs);
		if (w < 0 || (size_t)w >= len - at)
			return -1;
		at += (size_t)w;
	}
	return (int)at;
}

/* launch_timens_of(o)'s offsets as the kernel takes them, into text: the length ("" for none),
 * or -1. */
static int offsets_text(const struct launch_opts *o, char *text, size_t len)
{
	struct launch_timens_offsets off;

	return launch_timens_of(o, &off) < 0 ? -1 : launch_timens_offsets(&off, text, len);
}

/* text, len bytes, into the time_for_children namespace's offsets.  0, or -1 with errno. */
static int offsets_write(const char *text, int len)
{
	int fd, e;

	if (len == 0)
		return 0; /* the namespace keeps the offsets it copied */
	fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* one write: the kernel takes every line of it or none */
	if (write(fd, text, (size_t)len) != len) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

int launch_timens_set_offsets(const struct launch_opts *o)
{
	char text[128];
	int len = offsets_text(o, text, sizeof(text));

	if (len < 0) {
		errno = EOVERFLOW;
		return -1;
	}
	return offsets_write(text, len);
}

int launch_timens_enter(const struct launch_opts *o, int *restore_fd, struct zone_error *err)
{
	char text[128];
	int own, len = offsets_text(o, text, sizeof(text));

	if (len < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, EOVERFLOW, "time namespace offset");
	own = open("/proc/self/ns/time", O_RDONLY | O_CLOEXEC);
	if (own < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "open /proc/self/ns/time");
	if (o->timens == LAUNCH_TIMENS_JOIN) {
		if (setns(o->timens_fd, CLONE_NEWTIME) < 0) {
			int e = errno;
			close(own);
			return launch_fail(err, LAUNCH_EXIT_CANNOT, e, "join the time namespace");
		}
		*restore_fd = own;
		return 0;
	}
	if (unshare(CLONE_NEWTIME) < 0) {
		int e = errno;
		close(own);
		return launch_fail(err, LAUNCH_EXIT_CANNOT, e, "new time namespace");
	}
	if (offsets_write(text, len) < 0) {
		int e = errno;
		struct zone_error ignored;
		size_t n = (size_t)len;

		launch_timens_restore(own, &ignored);
		while (n && text[n - 1] == '\n')
			text[--n] = '\0';
		for (char *p = text; (p = strchr(p, '\n'));)
			*p = ',';
		return launch_fail(err, LAUNCH_EXIT_CANNOT, e, "time namespace offsets \"%s\"",
				   text);
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
