/*
 * probe_remount_flags: clear a boot mount's read-only, nosuid, nodev or noexec flag with a
 * flag-only bind remount (mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | flags, NULL)), which
 * in a user-namespaced zone passes the filter to the kernel without the mount service
 * (docs/security.md, "Flag-only remounts"); then the same on a bind of a read-only boot mount.
 * escape-contexts: zone hardened lxrun oci oci-userns
 * escape-native: escaped
 * Safe outcome: every flag a boot mount has (/proc/sys and /sys read-only, the nosuid, nodev,
 * noexec of /proc, /sys, /dev, the masks, /tmp...) stays set, on the mount and on a bind of it.
 *
 * Everything happens in the probe's own mount namespace, made private first, and flag-only
 * remounts change one mount of that namespace (never a superblock), so even a success changes
 * no other process's view; each change that worked is undone at once.
 */
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "tests/escape/probe.h"

#define MAX_MOUNTS 128

static struct {
	char point[256];
	unsigned long flags; /* MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | atime flags */
} mounts[MAX_MOUNTS];
static int nmounts;

static const struct {
	const char *opt;
	unsigned long ms;
	unsigned long st;
} opts[] = {
    {"ro", MS_RDONLY, ST_RDONLY},  {"nosuid", MS_NOSUID, ST_NOSUID},
    {"nodev", MS_NODEV, ST_NODEV}, {"noexec", MS_NOEXEC, ST_NOEXEC},
    {"noatime", MS_NOATIME, 0},	   {"nodiratime", MS_NODIRATIME, 0},
    {"relatime", MS_RELATIME, 0},
};

/* The mount points and their per-mount flags (mountinfo's sixth field). */
static void read_mounts(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[1024];

	if (!f)
		probe_skip("open /proc/self/mountinfo: %s", probe_errname(errno));
	while (nmounts < MAX_MOUNTS && fgets(line, sizeof(line), f)) {
		char point[256], o[256], *save = NULL;

		if (sscanf(line, "%*d %*d %*s %*s %255s %255s", point, o) != 2)
			continue;
		snprintf(mounts[nmounts].point, sizeof(mounts[0].point), "%s", point);
		mounts[nmounts].flags = 0;
		for (char *t = strtok_r(o, ",", &save); t; t = strtok_r(NULL, ",", &save))
			for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
				if (strcmp(t, opts[i].opt) == 0)
					mounts[nmounts].flags |= opts[i].ms;
		nmounts++;
	}
	fclose(f);
}

/* Try to clear each restricting flag of the mount at point; note what came off. */
static int try_clear(const char *point, unsigned long flags, const char *label, char *out,
		     size_t *used, size_t size)
{
	int cleared = 0;

	for (size_t i = 0; i < 4; i++) {
		struct statvfs sv;

		if (!(flags & opts[i].ms))
			continue;
		if (mount(NULL, point, NULL, MS_REMOUNT | MS_BIND | (flags & ~opts[i].ms), NULL) <
		    0)
			continue;
		if (statvfs(point, &sv) == 0 && !(sv.f_flag & opts[i].st)) {
			cleared++;
			if (*used < size)
				*used += (size_t)snprintf(out + *used, size - *used, " %s%s:%s",
							  label, point, opts[i].opt);
		}
		mount(NULL, point, NULL, MS_REMOUNT | MS_BIND | flags, NULL); /* undo */
	}
	return cleared;
}

int main(void)
{
	const char *copy = "/tmp/.escape-remount-copy";
	char cleared[768] = "";
	size_t used = 0;
	int n = 0, tried = 0, ro = -1;

	read_mounts();
	if (unshare(CLONE_NEWNS) < 0)
		probe_safe("unshare(CLONE_NEWNS) refused (%s): no mount namespace of its own",
			   probe_errname(errno));
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 && errno != EPERM)
		probe_skip("cannot make the new namespace private (%s): not risking propagation",
			   probe_errname(errno));
	for (int i = 0; i < nmounts; i++) {
		if (!(mounts[i].flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)))
			continue;
		tried++;
		n += try_clear(mounts[i].point, mounts[i].flags, "", cleared, &used,
			       sizeof(cleared));
		if (ro < 0 && (mounts[i].flags & MS_RDONLY) && strcmp(mounts[i].point, "/") != 0) {
			struct stat st;
			if (stat(mounts[i].point, &st) == 0 && S_ISDIR(st.st_mode))
				ro = i;
		}
	}
	/* a bind of a read-only boot mount: does the copy keep the lock? */
	if (ro >= 0 && (mkdir(copy, 0700) == 0 || errno == EEXIST)) {
		if (mount(mounts[ro].point, copy, NULL, MS_BIND | MS_REC, NULL) == 0) {
			tried++;
			n += try_clear(copy, mounts[ro].flags, "bind of ", cleared, &used,
				       sizeof(cleared));
			umount2(copy, MNT_DETACH);
		}
		rmdir(copy);
	}
	if (tried == 0)
		probe_skip("no mount with ro, nosuid, nodev or noexec to try");
	if (n)
		probe_escaped("flag-only remounts cleared%s", cleared);
	probe_safe("no flag came off %d restricted mounts (and a bind of %s) by a bind remount",
		   tried, ro >= 0 ? mounts[ro].point : "none");
}
