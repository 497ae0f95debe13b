/*
 * A zone's capability set: the `capabilities` configuration key, parsed into a mask.
 *
 * Syntax (comma-separated items, case-insensitive, the "cap_" prefix optional):
 *
 *   default                      the brand profile's set (zone_caps_profile)
 *   default-profile              the default profile's set whatever the zone's profile: a
 *                                hardened zone's emulations and filter with the default
 *                                zone's capabilities (what the LTP harness measures the
 *                                translation library with, apart from the capability policy)
 *   all | none                   every capability / none
 *   +NAME, -NAME                 add to / remove from what precedes; a list that starts with a
 *                                signed item starts from the profile's set
 *   NAME,NAME...                 an explicit set (unsigned names add)
 *
 * so `default`, `-net_raw,+sys_time`, `default,-sys_admin` and `chown,kill,setuid` are all
 * valid.  A keyword may only come first.  An unknown name is one error naming it.
 *
 * Bit N of a mask is capability N (linux/capability.h).  Pure: no libcap, no system calls, so
 * the config table validates with it and the unit tests drive it; zone/launch/launch_caps.c applies
 * a mask to a process with libcap.
 */
#ifndef LXZONE_ZONE_CAPSET_H
#define LXZONE_ZONE_CAPSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

#define ZONE_CAP_LAST 40 /* CAP_CHECKPOINT_RESTORE, the last one Linux 6.x knows */
#define ZONE_CAPS_ALL ((UINT64_C(1) << (ZONE_CAP_LAST + 1)) - 1)

/* The set a zone of this brand profile gets when its configuration says `default`.
 * devices_cgroup: the zone's device nodes are confined by a devices cgroup
 * (zone_cgroup_confines_devices); without one the default profile leaves cap_mknod out. */
uint64_t zone_caps_profile(bool hardened, bool devices_cgroup);

/* "cap_chown" for 0; NULL past ZONE_CAP_LAST. */
const char *zone_cap_name(int cap);

/* The number of a capability name ("cap_sys_time", "SYS_TIME"), or -1. */
int zone_cap_from_name(const char *name, size_t len);

/* Parse spec over the profile set base.  norm (may be NULL) gets the spec with names
 * normalized to "cap_xxx" and keywords lowercased. */
int zone_caps_parse(const char *spec, uint64_t base, uint64_t *mask, char *norm, size_t normsz,
		    struct zone_error *err);

/* The same, where `default-profile` is dflt (zone_caps_parse takes the default profile's set
 * on a host with a devices cgroup). */
int zone_caps_parse_in(const char *spec, uint64_t base, uint64_t dflt, uint64_t *mask, char *norm,
		       size_t normsz, struct zone_error *err);

/* "cap_chown,cap_kill,..." in number order, "none" for 0.  Returns the length it needed. */
size_t zone_caps_format(uint64_t mask, char *buf, size_t sz);

#endif
