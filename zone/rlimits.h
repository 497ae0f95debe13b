#ifndef LXZONE_ZONE_RLIMITS_H
#define LXZONE_ZONE_RLIMITS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"
#include "zone/cgroup.h"
#include "zone/launch/launch.h"

/* The limits a zone configures: RLIMIT_MEMLOCK (rlimit-memlock) and RLIMIT_NICE (rlimit-nice). */
#define ZONE_RLIMITS_MAX 2

/*
 * The zone's limits from its configuration cfg, for a zone with capability set caps (bit N =
 * capability N), a user namespace of its own or not (userns), and a CPU task group of its own
 * or not (cpu_group: its cgroup has the cpu controller), into out; returns how many.  `auto`
 * stands in, in a user-namespaced zone, for a capability the kernel honours only in the
 * initial user namespace: RLIMIT_MEMLOCK the memory cap (with cap_ipc_lock and a cap),
 * RLIMIT_NICE 40 (with cap_sys_nice and a task group of its own); otherwise the inherited
 * limit stays.  A number sets the limit exactly.
 */
size_t zone_rlimits(json_t *cfg, uint64_t caps, bool userns, bool cpu_group,
		    struct launch_rlimit out[ZONE_RLIMITS_MAX]);

/* Does the zone's cgroup cg have the cpu controller (so its processes are a task group of
 * their own, whose weight against the rest of the host their nice values do not change)? */
bool zone_cgroup_cpu_group(const struct zone_cgroup *cg);

/* Config validators: "auto", a size or "unlimited"; "auto" or 0..40. */
int zone_rlimit_memlock_check(const char *v, char *out, size_t sz, struct zone_error *err);
int zone_rlimit_nice_check(const char *v, char *out, size_t sz, struct zone_error *err);

#endif
