/*
 * probe_boot_mounts: undo lxzone's boot mounts from a mount namespace the zone makes itself:
 * unmounting a mask or the read-only /sys, or moving /proc, shows what they cover.
 * escape-contexts: zone hardened lxrun oci oci-userns
 * Safe outcome: after unshare(CLONE_NEWNS), every mount the zone booted with (/, /proc,
 * /sys and its cgroup tree, /dev and its binds, the zone page, the idle and probe binds, /tmp)
 * can be neither moved nor unmounted.
 *
 * Everything happens in the probe's own mount namespace, made private first, so even a
 * success changes no other process's view: not the zone's, never the host's.
 */
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/escape/probe.h"

#define MAX_MOUNTS 128

static char points[MAX_MOUNTS][256];
static int npoints;

/* The mount points of the namespace, in mountinfo order (parents before children). */
static void read_mounts(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[1024];

	if (!f)
		probe_skip("open /proc/self/mountinfo: %s", probe_errname(errno));
	while (npoints < MAX_MOUNTS && fgets(line, sizeof(line), f)) {
		char point[256];

		/* id parent major:minor root POINT ... (octal escapes never occur here) */
		if (sscanf(line, "%*d %*d %*s %*s %255s", point) == 1)
			snprintf(points[npoints++], sizeof(points[0]), "%s", point);
	}
	fclose(f);
}

int main(void)
{
	const char *target = "/tmp/.escape-move-target";
	char moves[512] = "", umounts[512] = "";
	size_t mused = 0, uused = 0;
	int moved = 0, unmounted = 0;

	read_mounts();
	if (unshare(CLONE_NEWNS) < 0)
		probe_safe("unshare(CLONE_NEWNS) refused (%s): no mount namespace of its own",
			   probe_errname(errno));
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 && errno != EPERM)
		probe_skip("cannot make the new namespace private (%s): not risking propagation",
			   probe_errname(errno));
	if (mkdir(target, 0700) < 0 && errno != EEXIST)
		target = NULL;

	/* moves first (each undone if it worked), then unmounts, deepest first */
	for (int i = 0; target && i < npoints; i++) {
		const char *p = points[i];

		if (strcmp(p, "/tmp") == 0 || strncmp(p, "/tmp/", 5) == 0)
			continue; /* the target lives there */
		if (mount(p, target, NULL, MS_MOVE, NULL) == 0) {
			moved++;
			if (mused < sizeof(moves))
				mused += snprintf(moves + mused, sizeof(moves) - mused, " %s", p);
			mount(target, p, NULL, MS_MOVE, NULL);
		}
	}
	for (int i = npoints - 1; i >= 0; i--) {
		if (umount2(points[i], MNT_DETACH) == 0) {
			unmounted++;
			if (uused < sizeof(umounts))
				uused += snprintf(umounts + uused, sizeof(umounts) - uused, " %s",
						  points[i]);
		}
	}
	if (target)
		rmdir(target);
	if (moved || unmounted)
		probe_escaped("in a new mount namespace, of %d boot mounts %d moved (%s ) and %d "
			      "unmounted (%s )",
			      npoints, moved, moves, unmounted, umounts);
	probe_safe("in a new mount namespace, none of the %d boot mounts moves or unmounts",
		   npoints);
}
