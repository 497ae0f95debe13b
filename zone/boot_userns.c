/*
 * What a user-namespaced zone needs of the supervisor beyond the launcher: its overlay root
 * over idmapped layers.
 *
 * An overlay mount itself cannot be idmapped (overlayfs has no FS_ALLOW_IDMAP: mount_setattr
 * MOUNT_ATTR_IDMAP on it is EINVAL, checked on 6.18), but overlayfs takes idmapped layers.
 * So each lower layer and the zone directory holding upper/ and work/ are cloned as detached
 * mounts idmapped to the zone's user namespace, and the overlay is made on those, by this
 * (host root) process acting with fsuid/fsgid = the zone root's host ids: overlayfs does its
 * work on the layers with the mounter's credentials, and an idmapped layer refuses to create
 * a file for an fsuid outside its map (copy-up, whiteouts, work files), so the mounter must
 * be an id the map has.  Its capabilities are raised again after the fsuid change (which
 * drops the file ones), so copy-up may chown and set trusted.overlay.* as before: the upper
 * layer of an existing clone keeps working, nothing on disk changes, and a clone stays O(1).
 * The overlay then shows every file with the zone's host ids (base + on-disk id), so the
 * launcher binds it as it is (launch_opts.root_mapped).
 */
#include "zone/boot_userns.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "zone/clone.h"

#define MAX_LAYERS 16

/* A detached, idmapped clone of the mount at path (not recursive); -1 with errno. */
static int idmapped_clone(const char *path, int userns_fd)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd};
	int fd = (int)syscall(SYS_open_tree, AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	if (fd < 0)
		return -1;
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Effective capabilities = permitted again (a change of fsuid away from 0 drops the file
 * capabilities from the effective set). */
static int caps_raise(void)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -1;
	d[0].effective = d[0].permitted;
	d[1].effective = d[1].permitted;
	return (int)syscall(SYS_capset, &h, d);
}

static int act_as(uid_t uid, gid_t gid)
{
	setfsgid(gid);
	setfsuid(uid);
	if ((uid_t)setfsuid((uid_t)-1) != uid || (gid_t)setfsgid((gid_t)-1) != gid) {
		errno = EPERM;
		return -1;
	}
	return caps_raise();
}

int zone_overlay_mount_idmapped(struct zone *z, int userns_fd, uint32_t base,
				struct zone_error *err)
{
	cleanup_free char *root = zone_subpath(z, "root");
	cleanup_free char *lowers = NULL;
	char opts[8192], *save = NULL, *tok;
	int fds[MAX_LAYERS + 1], n = 0, zfd = -1, ret = -1, e = 0;
	size_t len;
	const char *lower = zone_overlay_lower(z);

	if (lower == NULL)
		return 0;
	lowers = strdup(lower);
	if (lowers == NULL)
		return zone_error_set(err, ENOMEM, "overlay layers");
	/* "a:b": the recorded layers are store paths, never escaped colons */
	len = (size_t)snprintf(opts, sizeof(opts), "lowerdir=");
	for (tok = strtok_r(lowers, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		if (n >= MAX_LAYERS) {
			zone_error_set(err, E2BIG, "overlay: more than %d lower layers",
				       MAX_LAYERS);
			goto out;
		}
		fds[n] = idmapped_clone(tok, userns_fd);
		if (fds[n] < 0) {
			zone_error_set(err, errno, "idmapped mount of overlay layer %s", tok);
			goto out;
		}
		len += (size_t)snprintf(opts + len, sizeof(opts) - len, "%s/proc/self/fd/%d",
					n ? ":" : "", fds[n]);
		n++;
	}
	zfd = idmapped_clone(zone_path(z), userns_fd);
	if (zfd < 0) {
		zone_error_set(err, errno, "idmapped mount of %s", zone_path(z));
		goto out;
	}
	len += (size_t)snprintf(opts + len, sizeof(opts) - len,
				",upperdir=/proc/self/fd/%d/upper,workdir=/proc/self/fd/%d/work",
				zfd, zfd);
	if (len >= sizeof(opts)) {
		zone_error_set(err, ENAMETOOLONG, "overlay options");
		goto out;
	}
	if (act_as(base, base) < 0) {
		zone_error_set(err, errno, "act as the zone's root (host uid %u)", base);
		goto out;
	}
	if (mount("overlay", root, "overlay", MS_NODEV, opts) < 0)
		e = errno;
	if (act_as(0, 0) < 0 && e == 0)
		e = errno;
	if (e) {
		zone_error_set(err, e, "mount overlay on %s (idmapped layers)", root);
		goto out;
	}
	ret = 0;
out:
	while (n > 0)
		close(fds[--n]);
	if (zfd >= 0)
		close(zfd);
	return ret;
}
