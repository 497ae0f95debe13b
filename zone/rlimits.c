/*
 * A zone's resource limits (config keys rlimit-memlock, rlimit-nice; docs/zone-config.md).
 *
 * In a user-namespaced zone the kernel honours CAP_IPC_LOCK and CAP_SYS_NICE only in the
 * initial user namespace (mm/mlock.c, kernel/sched/syscalls.c use capable()), so the zone's
 * root, which holds both in its own, is held to RLIMIT_MEMLOCK (the host's 8 MiB) and
 * RLIMIT_NICE (0: no nice below 0).  The limits stand in for the capabilities where that is
 * safe for the host:
 *
 *   memlock  mlocked pages are charged to the zone's memory cgroup like any other (memory.max
 *            bounds them, the OOM killer acts within the zone), so with a memory cap the
 *            limit may be that cap: the zone can pin no more than it may use.  Without a cap
 *            nothing bounds it, and the inherited limit stays.
 *   nice     with the cpu controller in the zone's cgroup its processes are one task group:
 *            nice weighs them against each other, the group's cpu.weight against the host,
 *            so a nice of -20 takes nothing from the host or other zones.  Without it they
 *            would compete with the host's own processes, and the inherited limit stays.
 *            RLIMIT_RTPRIO stays: real-time tasks are not bounded by the group's weight
 *            (RT bandwidth is host-wide), and SCHED_DEADLINE asks CAP_SYS_NICE itself.
 *
 * The limits are every process's in the zone, not root's only (as Docker's `--ulimit` and
 * LXC's lxc.prlimit give them): a zone user may lower its nice to -20 as its root may, within
 * the zone's share; rlimit-nice=0 keeps Linux's default for users.
 */
#include "zone/rlimits.h"
#include "zone/config.h"

#include <ctype.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static int copy(const char *v, char *out, size_t sz, struct zone_error *err)
{
	if (strlen(v) >= sz)
		return zone_error_set(err, 0, "value too long");
	strcpy(out, v);
	return 0;
}

int zone_rlimit_memlock_check(const char *v, char *out, size_t sz, struct zone_error *err)
{
	uint64_t b;

	if (!strcmp(v, "auto") || !strcmp(v, "unlimited"))
		return copy(v, out, sz, err);
	if (zone_size_parse(v, &b, err) < 0)
		return zone_error_set(err, 0, "'%s' is not auto, unlimited or a size like 64M", v);
	return copy(v, out, sz, err);
}

int zone_rlimit_nice_check(const char *v, char *out, size_t sz, struct zone_error *err)
{
	char *end;
	unsigned long n;

	if (!strcmp(v, "auto"))
		return copy(v, out, sz, err);
	n = isdigit((unsigned char)*v) ? strtoul(v, &end, 10) : 41;
	if (n > 40 || *end)
		return zone_error_set(err, 0,
				      "'%s' is not auto or 0 to 40 (the lowest nice is 20 - N)", v);
	return copy(v, out, sz, err);
}

size_t zone_rlimits(json_t *cfg, uint64_t caps, bool userns, bool cpu_group,
		    struct launch_rlimit out[ZONE_RLIMITS_MAX])
{
	const char *mem = zone_config_str(cfg, "rlimit-memlock");
	const char *nice = zone_config_str(cfg, "rlimit-nice");
	struct zone_error e = {0};
	size_t n = 0;
	uint64_t v;

	if (mem && !strcmp(mem, "auto")) {
		v = zone_config_u64(cfg, "memory");
		if (userns && (caps >> CAP_IPC_LOCK & 1) && v != ZONE_UNLIMITED)
			out[n++] = (struct launch_rlimit){RLIMIT_MEMLOCK, v, 1, "rlimit-memlock"};
	} else if (mem && zone_size_parse(mem, &v, &e) == 0) {
		out[n++] = (struct launch_rlimit){RLIMIT_MEMLOCK,
						  v == ZONE_UNLIMITED ? (uint64_t)RLIM_INFINITY : v,
						  0, "rlimit-memlock"};
	}
	if (nice && !strcmp(nice, "auto")) {
		if (userns && (caps >> CAP_SYS_NICE & 1) && cpu_group)
			out[n++] = (struct launch_rlimit){RLIMIT_NICE, 40, 1, "rlimit-nice"};
	} else if (nice) {
		out[n++] =
		    (struct launch_rlimit){RLIMIT_NICE, strtoull(nice, NULL, 10), 0, "rlimit-nice"};
	}
	return n;
}

bool zone_cgroup_cpu_group(const struct zone_cgroup *cg)
{
	char path[ZONE_CG_PATH + 32], buf[512];
	FILE *f;
	bool cpu = false;

	if (cg->layout != ZONE_CG_V2)
		return cg->v1[ZONE_CG_CPU][0] != '\0';
	snprintf(path, sizeof(path), "%s/cgroup.controllers", cg->v2);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f))
		for (char *w = strtok(buf, " \n"); w; w = strtok(NULL, " \n"))
			cpu |= !strcmp(w, "cpu");
	fclose(f);
	return cpu;
}
