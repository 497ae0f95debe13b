/*
 * probe_mknod_disk: make a node for the host's root disk and open it.
 * escape-contexts: zone hardened lxrun oci oci-userns
 * Safe outcome: mknod is refused, or the node is made but does not open (devices cgroup).
 *
 * The host's device (ESCAPE_HOSTDEV=major:minor, the driver reads it from the host) comes
 * first, then the usual first disks.  The node is made where the zone may have device nodes
 * (its /dev, its root; /tmp is nodev), opened read-only and removed; nothing is read.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "tests/escape/probe.h"

int main(void)
{
	const char *env = getenv("ESCAPE_HOSTDEV");
	unsigned devs[8][2] = {{8, 0}, {253, 0}, {254, 0}, {259, 0}, {202, 0}};
	int n = 5, made = 0;
	char node[64], refused[300] = "";

	if (env && sscanf(env, "%u:%u", &devs[n][0], &devs[n][1]) == 2) {
		/* the host's own first */
		unsigned t0 = devs[0][0], t1 = devs[0][1];
		devs[0][0] = devs[n][0];
		devs[0][1] = devs[n][1];
		devs[n][0] = t0;
		devs[n][1] = t1;
		n++;
	}
	static const char *const dirs[] = {"/dev", "", "/tmp"};
	int fd = -1;

	/* the first directory that takes a node */
	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		snprintf(node, sizeof(node), "%s/.escape-disk-%d", dirs[d], (int)getpid());
		if (mknod(node, S_IFBLK | 0600, makedev(devs[0][0], devs[0][1])) == 0) {
			unlink(node);
			break;
		}
	}
	for (int i = 0; i < n; i++) {
		if (mknod(node, S_IFBLK | 0600, makedev(devs[i][0], devs[i][1])) < 0) {
			if (i == 0)
				snprintf(refused, sizeof(refused), "mknod %u:%u: %s", devs[i][0],
					 devs[i][1], probe_errname(errno));
			continue;
		}
		made++;
		fd = open(node, O_RDONLY);
		if (fd < 0 && i == 0)
			snprintf(refused, sizeof(refused), "node for %u:%u made in %s, open: %s",
				 devs[i][0], devs[i][1], node, probe_errname(errno));
		unlink(node);
		if (fd >= 0) {
			close(fd);
			probe_escaped("a node for host block device %u:%u opens for reading",
				      devs[i][0], devs[i][1]);
		}
	}
	probe_safe("%s (%d of %d disk nodes made, none opens)", refused, made, n);
}
