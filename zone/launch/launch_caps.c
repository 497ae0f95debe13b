/*
 * A zone's capability set on a process, with libcap.
 *
 * Linux keeps five sets.  For root (no file capabilities: the brand image has none) execve
 * computes the new permitted set as inheritable | bounding, and the effective set from it; for
 * any other user, as (inheritable & file inheritable) | (file permitted & bounding) | ambient.
 * So a zone process is confined when
 *
 *   bounding     = the zone's set   (nothing outside it can ever come back, not even through
 *                                    a setuid-root or file-capability program)
 *   inheritable  = empty            (runc does the same since CVE-2022-24769)
 *   ambient      = empty
 *   permitted, effective = what the process had, within the zone's set
 *
 * and then root keeps exactly the zone's set across every execve, and a user other than root
 * ends with none (setresuid away from 0 clears permitted, effective and ambient).
 *
 * The order matters and is split in two for that reason: dropping from the bounding set needs
 * CAP_SETPCAP, and becoming another user needs CAP_SETUID and CAP_SETGID, whether or not the
 * zone keeps them.  launch_caps_bound comes first, then the user change, then
 * launch_caps_limit.
 */
#include "zone/launch/launch.h"

#include <errno.h>
#include <sys/capability.h>

#include "zone/capset.h"

static int last_cap(void)
{
	int n = (int)cap_max_bits(); /* the running kernel's, from /proc/sys/kernel/cap_last_cap */

	return n > 64 ? 63 : n - 1;
}

int launch_caps_bound(uint64_t keep, struct zone_error *err)
{
	cap_t c;
	int r;

	for (int cap = 0; cap <= last_cap(); cap++) {
		if (keep & (UINT64_C(1) << cap) || cap_get_bound((cap_value_t)cap) != 1)
			continue;
		if (cap_drop_bound((cap_value_t)cap) < 0)
			return launch_fail(err, LAUNCH_EXIT_CANNOT, errno,
					   "drop capability %d (%s) from the bounding set", cap,
					   zone_cap_name(cap) ? zone_cap_name(cap) : "?");
	}
	if (cap_reset_ambient() < 0 && errno != EINVAL) /* EINVAL: no ambient set (< 4.3) */
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "clear the ambient set");
	c = cap_get_proc();
	if (!c)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "read capabilities");
	r = cap_clear_flag(c, CAP_INHERITABLE) < 0 ? -1 : cap_set_proc(c);
	cap_free(c);
	if (r < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "clear the inheritable set");
	return 0;
}

int launch_caps_limit(uint64_t keep, struct zone_error *err)
{
	cap_t c = cap_get_proc();
	int r = 0;

	if (!c)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "read capabilities");
	for (int cap = 0; cap <= last_cap() && r == 0; cap++) {
		cap_value_t v = (cap_value_t)cap;

		if (keep & (UINT64_C(1) << cap))
			continue;
		r = cap_set_flag(c, CAP_PERMITTED, 1, &v, CAP_CLEAR) |
		    cap_set_flag(c, CAP_EFFECTIVE, 1, &v, CAP_CLEAR);
	}
	if (r == 0)
		r = cap_set_proc(c);
	cap_free(c);
	if (r < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "limit capabilities");
	return 0;
}

int launch_caps_apply(uint64_t keep, struct zone_error *err)
{
	if (launch_caps_bound(keep, err) < 0)
		return -1;
	return launch_caps_limit(keep, err);
}

int launch_caps_inherit(uint64_t keep, uint64_t inh, uint64_t amb, struct zone_error *err)
{
	cap_t c = cap_get_proc();
	int r = 0;

	if (!c)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "read capabilities");
	for (int cap = 0; cap <= last_cap() && r == 0; cap++) {
		cap_value_t v = (cap_value_t)cap;
		cap_flag_value_t perm = CAP_CLEAR;

		/* only what the process holds: a capability the host's bounding set lacks is not
		 * in the permitted set either, and asking for it would fail */
		if (!(keep & (UINT64_C(1) << cap)) ||
		    cap_get_flag(c, v, CAP_PERMITTED, &perm) < 0 || perm != CAP_SET)
			continue;
		if (inh & (UINT64_C(1) << cap))
			r = cap_set_flag(c, CAP_INHERITABLE, 1, &v, CAP_SET);
		if (r == 0)
			r = cap_set_flag(c, CAP_EFFECTIVE, 1, &v, CAP_SET);
	}
	if (r == 0)
		r = cap_set_proc(c);
	cap_free(c);
	if (r < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "set the inheritable set");
	for (int cap = 0; cap <= last_cap(); cap++)
		if ((amb & inh & keep & (UINT64_C(1) << cap)) &&
		    cap_get_bound((cap_value_t)cap) == 1 &&
		    cap_set_ambient((cap_value_t)cap, CAP_SET) < 0)
			return launch_fail(err, LAUNCH_EXIT_CANNOT, errno,
					   "raise capability %d (%s) in the ambient set", cap,
					   zone_cap_name(cap) ? zone_cap_name(cap) : "?");
	return 0;
}
