/*
 * The container's time namespace: linux.namespaces' "time" and linux.timeOffsets
 * (config-linux.md), as runc 1.2 and crun take them.
 *
 * Without a path the container gets a new time namespace whose CLOCK_MONOTONIC and
 * CLOCK_BOOTTIME offsets are the config's timeOffsets (a clock left out keeps 0); with a path
 * PID 1 is born in that namespace, whose offsets are its own (so runc refuses offsets beside
 * a path, and so does oci_linux.c).  The launcher does the work as for a booted zone's time
 * namespace (zone/launch/launch_timens.c): the new one is made and its offsets written before
 * PID 1 is cloned into it (in a user-namespaced container, inside that user namespace, which
 * then owns it); one to join is joined by create, as the host's root, just for the clone.
 * `exec` joins PID 1's with the rest of its namespaces (launch_enter), so what it starts sees
 * the same clocks.
 *
 * The container's lxproc clock stays the container's own: /proc/uptime, sysinfo().uptime and
 * /proc/stat's btime count from `create` on the host's clock, as in every lxzone-oci
 * container.  The brand reads its own CLOCK_BOOTTIME, which the namespace offsets, and turns
 * it back into the host's with the page's timens_boot_ns (lxzone_page_host_ns); the page is
 * told minus the namespace's boottime offset (modulo 2^64: an offset ahead of the host is a
 * negative timens_boot_ns, which the brand's unsigned addition takes as it should), read
 * from PID 1's /proc/PID/timens_offsets, so a joined namespace's offsets are known too.
 * Without that, sysinfo() in a namespace with a boottime offset would count the offset into
 * the uptime while the kernel-served /proc/uptime (the FUSE server runs in the host's
 * namespace) did not.  The offsets show where the kernel shows them: clock_gettime, timers,
 * /proc/PID/stat's starttime, /proc/PID/timens_offsets.
 */
#include "cli/oci_container.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int oci_timens_opts(struct container *k, struct zone_error *e)
{
	const struct oci_config *c = &k->cfg;
	struct launch_opts *o = &k->opts;

	o->timens_fd = -1;
	if (!c->timens)
		return 0;
	/* runc's words (it asks for /proc/self/timens_offsets) */
	if (!launch_timens_supported())
		return oci_fail(e, "time namespaces aren't enabled in the kernel");
	if (c->timens_path) {
		if ((o->timens_fd = oci_ns_open(c->timens_path, OCI_NS_TIME, e)) < 0)
			return -1;
		o->timens = LAUNCH_TIMENS_JOIN;
		return 0;
	}
	o->timens = LAUNCH_TIMENS_NEW;
	o->timens_offsets = c->time_offsets;
	return 0;
}

/* The boottime offset of pid's time namespace in ns, modulo 2^64 (0: none).  0 or -errno. */
static int boottime_offset(pid_t pid, uint64_t *ns)
{
	char path[64], buf[256], *line;
	long long sec;
	unsigned long nsec;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/timens_offsets", (int)pid);
	if (!(f = fopen(path, "re")))
		return -errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	*ns = 0;
	line = strstr(buf, "boottime");
	if (!line)
		return 0; /* the kernel always prints it; none is 0 */
	if (sscanf(line + 8, "%lld %lu", &sec, &nsec) != 2)
		return -EINVAL;
	*ns = (uint64_t)sec * UINT64_C(1000000000) + nsec;
	return 0;
}

int oci_timens_spawned(struct container *k, pid_t pid, struct zone_error *e)
{
	uint64_t off;
	int r;

	if (k->opts.timens_fd >= 0)
		close(k->opts.timens_fd); /* PID 1 is in it */
	k->opts.timens_fd = -1;
	if (!k->cfg.timens)
		return 0;
	if ((r = boottime_offset(pid, &off)) < 0)
		return oci_fail(e, "time namespace: /proc/%d/timens_offsets: %s", (int)pid,
				strerror(-r));
	lxzone_page_set_timens(&k->page, -off);
	return 0;
}
