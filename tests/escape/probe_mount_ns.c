/*
 * probe_mount_ns: list the mounts of a mount namespace that is not the zone's, by its id,
 * with listmount(2) (statmount(2) is gated by the same check).
 * escape-contexts: zone hardened lxrun oci oci-userns
 * escape-native: escaped
 * escape-timeout: 120
 * Safe outcome: in a user-namespaced zone the kernel answers only for the namespaces the
 * zone's user namespace owns (ENOENT for every other id, the host's included); in the
 * hardened profile, a privileged zone and under lxrun the filter refuses the call (ENOSYS),
 * as it does in the suite's zone, whose kernel-version (5.15) predates the calls:
 * probe_mount_ns_zone.sh runs this probe in zones claiming the host's release.
 *
 * Mount namespace ids are small global counters, so a guest can try them all.  The probe
 * reads its own namespace's id (NS_GET_MNTNS_ID), starts a child in a new mount namespace of
 * its own (so one namespace besides its own exists wherever it runs), then asks listmount
 * for the root of every id from 1 to 64k past the highest it knows.  An id answers legitimately
 * if it is the probe's own namespace or, inside a zone's pid namespace, one of a process the
 * zone's /proc shows (the zone's own).  Natively the child's namespace counts as another one,
 * so the self-test sees the probe fail.  Nothing is changed: the child's namespace goes when
 * the child is killed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/escape/probe.h"

#define SYS_listmount_nr 458
#define NS_GET_MNTNS_ID	 _IOR(0xb7, 0x5, uint64_t) /* linux/nsfs.h, 6.10 */
#define LSMT_ROOT	 0xffffffffffffffffULL
#define SCAN_PAST	 65536
#define MAX_KNOWN	 4096

struct mnt_id_req {
	uint32_t size;
	uint32_t mnt_ns_fd;
	uint64_t mnt_id;
	uint64_t param;
	uint64_t mnt_ns_id;
};

static uint64_t known[MAX_KNOWN];
static size_t nknown;

static long list_root(uint64_t ns_id, uint64_t *ids, size_t n)
{
	struct mnt_id_req r = {.size = sizeof(r), .mnt_id = LSMT_ROOT, .mnt_ns_id = ns_id};

	return syscall(SYS_listmount_nr, &r, ids, n, 0);
}

static int ns_id_of(const char *path, uint64_t *id)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc = fd < 0 ? -1 : ioctl(fd, NS_GET_MNTNS_ID, id);

	if (fd >= 0)
		close(fd);
	return rc;
}

static void add_known(uint64_t id)
{
	for (size_t i = 0; i < nknown; i++)
		if (known[i] == id)
			return;
	if (nknown < MAX_KNOWN)
		known[nknown++] = id;
}

static int is_known(uint64_t id)
{
	for (size_t i = 0; i < nknown; i++)
		if (known[i] == id)
			return 1;
	return 0;
}

/* The namespaces of every process this /proc shows: inside a zone, the zone's own. */
static void add_visible(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char p[300];
	uint64_t id;

	if (!d)
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9') {
			snprintf(p, sizeof(p), "/proc/%s/ns/mnt", e->d_name);
			if (ns_id_of(p, &id) == 0)
				add_known(id);
		}
	closedir(d);
}

/* A child in a mount namespace of its own, waiting to be killed; 0 if none could be made. */
static pid_t other_ns_child(uint64_t *id)
{
	int fds[2];
	char c = 0, p[64];
	pid_t pid;

	if (pipe(fds) < 0)
		return 0;
	pid = fork();
	if (pid == 0) {
		c = unshare(CLONE_NEWNS) == 0 ? 'y' : 'n';
		if (write(fds[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(fds[1]);
	if (pid < 0 || read(fds[0], &c, 1) != 1 || c != 'y') {
		close(fds[0]);
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		return 0;
	}
	close(fds[0]);
	snprintf(p, sizeof(p), "/proc/%d/ns/mnt", (int)pid);
	if (ns_id_of(p, id) < 0)
		*id = 0;
	return pid;
}

static void end_child(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

int main(void)
{
	uint64_t own = 0, child_id = 0, ids[64];
	long n = list_root(0, ids, 64);
	pid_t child;

	if (n < 0 && (errno == ENOSYS || errno == EPERM))
		probe_safe("listmount refused (%s)", probe_errname(errno));
	if (n < 0)
		probe_skip("listmount of the probe's own namespace: %s", probe_errname(errno));
	if (ns_id_of("/proc/self/ns/mnt", &own) < 0)
		probe_skip("NS_GET_MNTNS_ID: %s (kernel older than 6.10?)", probe_errname(errno));
	add_known(own);
	child = other_ns_child(&child_id);
	if (probe_in_zone_pidns())
		add_visible(); /* the child's namespace, and any other of the zone's */
	uint64_t top = own > child_id ? own : child_id;
	for (uint64_t id = 1; id <= top + SCAN_PAST; id++) {
		if (is_known(id))
			continue;
		n = list_root(id, ids, 64);
		if (n >= 0) {
			end_child(child);
			probe_escaped(
			    "listmount of mount namespace %llu (not the zone's; own %llu): "
			    "%ld mounts",
			    (unsigned long long)id, (unsigned long long)own, n);
		}
	}
	end_child(child);
	probe_safe("listmount answered only for the zone's namespaces (own %llu, %zu known; ids "
		   "1-%llu: ENOENT)",
		   (unsigned long long)own, nknown, (unsigned long long)(top + SCAN_PAST));
}
