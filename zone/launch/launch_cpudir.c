/*
 * A run without a root, capped with --cpus: its own /sys/devices/system/cpu.
 *
 * Tools such as htop, lscpu and OpenMP runtimes count the cpuN directories (getdents, which
 * the brand does not trap), so a run capped to n CPUs must not list the host's.  A rooted run
 * gets a fresh sysfs with a tmpfs over the directory from its plan (launch_plan.c,
 * add_cpu_dir); a run on the host gets the same tmpfs in a mount namespace of its own, made
 * here in the process that then execs the program.  The namespace is a slave of the host's:
 * mounts the host makes later still show, mounts the program makes stay in it.
 *
 * The host's cpuK directories are hidden by the tmpfs once it is mounted, so they are bound
 * through a descriptor of the directory opened before (/proc/self/fd/N/cpuK resolves from
 * the sysfs mount, under the tmpfs).
 */
#include "zone/launch/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define CPU_DIR "/sys/devices/system/cpu"

/* Bind the host's CPU_DIR/name (through dirfd) on CPU_DIR/name; a directory. */
static int bind_entry(int dirfd, const char *name, struct zone_error *err)
{
	char src[64], dst[128];

	snprintf(src, sizeof(src), "/proc/self/fd/%d/%s", dirfd, name);
	snprintf(dst, sizeof(dst), CPU_DIR "/%s", name);
	if (mkdir(dst, 0755) < 0 && errno != EEXIST)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "mkdir %s", dst);
	if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "bind %s", dst);
	return 0;
}

static int write_list(const char *name, const char *list, struct zone_error *err)
{
	char p[128];
	size_t len = strlen(list);
	int fd;

	snprintf(p, sizeof(p), CPU_DIR "/%s", name);
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
	if (fd < 0 || write(fd, list, len) != (ssize_t)len) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return launch_fail(err, LAUNCH_EXIT_CANNOT, e, "write %s", p);
	}
	close(fd);
	return 0;
}

static int fill(int host, const struct launch_op *op, struct zone_error *err)
{
	static const char *const files[] = {"online", "possible", "present"};
	static const char *const dirs[] = {"cpufreq", "cpuidle", "vulnerabilities"};
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
	char name[32];
	struct stat st;
	int fd;

	if (mount("tmpfs", CPU_DIR, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "mount tmpfs on " CPU_DIR);
	for (unsigned long k = 0; k < op->flags; k++) {
		snprintf(name, sizeof(name), "cpu%lu", k);
		if (bind_entry(host, name, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (write_list(files[i], op->data, err) < 0)
			return -1;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (fstatat(host, dirs[i], &st, 0) == 0 && S_ISDIR(st.st_mode) &&
		    bind_entry(host, dirs[i], err) < 0)
			return -1;
	/* the tmpfs and every bind under it read-only */
	fd = open(CPU_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro, sizeof(ro)) < 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return launch_fail(err, LAUNCH_EXIT_CANNOT, e, "remount " CPU_DIR " read-only");
	}
	close(fd);
	return 0;
}

int launch_host_cpu_dir(const struct launch_op *op, struct zone_error *err)
{
	int host, r;

	if (unshare(CLONE_NEWNS) < 0) {
		if (errno == EPERM)
			return 0; /* not privileged: the host's directory, as without --cpus */
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "new mount namespace");
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "make / a slave");
	host = open(CPU_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (host < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "open " CPU_DIR);
	r = fill(host, op, err);
	close(host);
	return r;
}
