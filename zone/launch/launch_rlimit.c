/*
 * A zone's resource limits: what its init (and so every process of the zone) gets in place of
 * the launcher's own.
 *
 * Some limits stand in for a capability the kernel honours only in the initial user
 * namespace: CAP_IPC_LOCK lifts RLIMIT_MEMLOCK and CAP_SYS_NICE RLIMIT_NICE only there
 * (mm/mlock.c, kernel/sched/syscalls.c: capable()), so a user-namespaced zone's root, which
 * holds both in its own namespace, gets ENOMEM from a large mlock and EPERM from nice(-1)
 * where the root of a privileged zone would not.  The zone's configuration (zone/rlimits.c)
 * chooses the values; they are set here while the launcher is still the host's root, since
 * raising a hard limit needs CAP_SYS_RESOURCE in the initial user namespace, which nothing
 * in the zone has.
 */
#include "zone/launch/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Has this process CAP_SYS_RESOURCE in its effective set? */
static int have_sys_resource(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2] = {{0, 0, 0}, {0, 0, 0}};

	return syscall(SYS_capget, &h, d) == 0 && (d[0].effective >> CAP_SYS_RESOURCE & 1);
}

static int apply_one(const struct launch_rlimit *l, struct zone_error *err)
{
	struct rlimit old, want = {(rlim_t)l->value, (rlim_t)l->value};

	if (getrlimit(l->resource, &old) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "%s: getrlimit", l->name);
	if (l->at_least) {
		if (old.rlim_cur >= want.rlim_cur) /* RLIM_INFINITY is the largest */
			return 0;
		if (old.rlim_max == RLIM_INFINITY || old.rlim_max > want.rlim_max)
			want.rlim_max = old.rlim_max; /* raise, never lower */
	}
	if (setrlimit(l->resource, &want) == 0)
		return 0;
	if (errno != EPERM)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "%s: setrlimit", l->name);
	if (!l->at_least)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, EPERM,
				   "%s: raising the hard limit from %llu needs CAP_SYS_RESOURCE, "
				   "which this process lacks",
				   l->name, (unsigned long long)old.rlim_max);
	/* auto: as high as this host lets root go without CAP_SYS_RESOURCE */
	old.rlim_cur = old.rlim_max;
	if (setrlimit(l->resource, &old) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "%s: setrlimit", l->name);
	return 0;
}

int launch_rlimits_apply(const struct launch_opts *opts, struct zone_error *err)
{
	for (size_t i = 0; i < opts->nrlimits; i++)
		if (apply_one(&opts->rlimits[i], err) < 0)
			return -1;
	return 0;
}

int launch_oom_score_apply(const struct launch_opts *opts, struct zone_error *err)
{
	char buf[16];
	int fd, n;

	if (!opts->has_oom_score_adj)
		return 0;
	n = snprintf(buf, sizeof(buf), "%d", opts->oom_score_adj);
	fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, buf, (size_t)n) != n) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return launch_fail(err, LAUNCH_EXIT_CANNOT, e, "set oom_score_adj");
	}
	close(fd);
	return 0;
}

int launch_rlimits_check(const struct launch_opts *opts, struct zone_error *err)
{
	int cap = have_sys_resource();

	for (size_t i = 0; i < opts->nrlimits; i++) {
		const struct launch_rlimit *l = &opts->rlimits[i];
		struct rlimit old;

		if (l->at_least || cap || getrlimit(l->resource, &old) < 0 ||
		    old.rlim_max == RLIM_INFINITY || (rlim_t)l->value <= old.rlim_max)
			continue;
		return launch_fail(err, LAUNCH_EXIT_USAGE, EPERM,
				   "%s: %llu is above the hard limit lxzone inherited (%llu), and "
				   "raising it needs CAP_SYS_RESOURCE, which lxzone lacks",
				   l->name, (unsigned long long)l->value,
				   (unsigned long long)old.rlim_max);
	}
	return 0;
}

void launch_rlimits_copy(pid_t pid)
{
	static const int res[] = {RLIMIT_MEMLOCK, RLIMIT_NICE};

	for (size_t i = 0; i < sizeof(res) / sizeof(res[0]); i++) {
		struct rlimit want, own;

		if (prlimit(pid, res[i], NULL, &want) < 0 || getrlimit(res[i], &own) < 0)
			continue;
		if (setrlimit(res[i], &want) == 0 || errno != EPERM)
			continue;
		/* a hard limit above ours: as far as we may go */
		if (want.rlim_cur > own.rlim_max)
			want.rlim_cur = own.rlim_max;
		want.rlim_max = own.rlim_max;
		setrlimit(res[i], &want);
	}
}
