/*
 * The zone's identity files.  A minbase image has no /etc/hosts (so "localhost" does not
 * resolve) and often no /etc/hostname or /etc/resolv.conf; systemd-nspawn and Docker give a
 * container these three at start.  lxzone writes them into the zone's root at boot
 * (identity-files: by default only where the image has none, so an image's own stay).
 *
 * The root is the zone's to shape: /etc may be a symbolic link, and so may the files.  Every
 * open is openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) from the root, and the file itself
 * is opened O_NOFOLLOW and replaced by rename, so a link in the image never leads a write
 * out of the root (tests/escape/probe_links.sh's class).
 */
#include "zone/identity.h"
#include "lib/openat2.h"
#include "zone/net.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
#define cleanup_fd __attribute__((cleanup(close_fd)))

int zone_identity_hosts(const char *hostname, char *buf, size_t len)
{
	int n = snprintf(buf, len,
			 "127.0.0.1\tlocalhost\n"
			 "127.0.1.1\t%s\n"
			 "::1\t\tlocalhost ip6-localhost ip6-loopback\n"
			 "ff02::1\t\tip6-allnodes\n"
			 "ff02::2\t\tip6-allrouters\n",
			 hostname);
	return n >= 0 && (size_t)n < len ? n : -1;
}

static int open_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = {.flags = (uint64_t)flags,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};

	return lx_openat2(rootfd, path, &how);
}

/* One file of /etc: written when mode says so; through a temporary name and rename, so a
 * link at the name is replaced, never followed. */
static int put(int etc, const char *name, const char *data, size_t len, int always,
	       struct zone_error *err)
{
	char tmp[64];
	struct stat st;
	cleanup_fd int fd = -1;

	if (!always && fstatat(etc, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return 0;
	snprintf(tmp, sizeof(tmp), ".%s.lxzone", name);
	unlinkat(etc, tmp, 0);
	fd = openat(etc, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len || fchmod(fd, 0644) < 0 ||
	    renameat(etc, tmp, etc, name) < 0) {
		int e = errno;
		unlinkat(etc, tmp, 0);
		zone_error_set(err, e, "write /etc/%s in the zone", name);
		return -1;
	}
	return 0;
}

static int write_all(int root, const char *mode, const char *hostname, const char *resolv,
		     const char *dns, struct zone_error *err)
{
	int always = strcmp(mode, "always") == 0;
	cleanup_fd int etc = open_in_root(root, "/etc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	char buf[4096];
	int n;

	if (etc < 0) {
		if (errno == ENOENT)
			return 0; /* not a distro root: nothing resolves names there anyway */
		zone_error_set(err, errno, "open /etc in the zone");
		return -1;
	}
	/* O_PATH cannot be written through: reopen the directory itself */
	cleanup_fd int dir = openat(etc, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0) {
		zone_error_set(err, errno, "open /etc in the zone");
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "%s\n", hostname);
	if (put(dir, "hostname", buf, (size_t)n, always, err) < 0)
		return -1;
	n = zone_identity_hosts(hostname, buf, sizeof(buf));
	if (n < 0 || put(dir, "hosts", buf, (size_t)n, always, err) < 0)
		return -1;
	if (dns && *dns) {
		/* the zone's own resolver, as configured: at every boot, whatever the image has */
		n = zone_dns_resolv(dns, buf, sizeof(buf));
		if (n < 0)
			return zone_error_set(err, 0, "dns %s: resolv.conf too long", dns);
		if (put(dir, "resolv.conf", buf, (size_t)n, 1, err) < 0)
			return -1;
	} else if (resolv) {
		cleanup_fd int fd = open(resolv, O_RDONLY | O_CLOEXEC);
		ssize_t k = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
		if (k > 0 && put(dir, "resolv.conf", buf, (size_t)k, always, err) < 0)
			return -1;
	}
	return 0;
}

int zone_identity_write(const char *root, const char *mode, const char *hostname,
			const char *resolv, const char *dns, uid_t uid, gid_t gid,
			struct zone_error *err)
{
	cleanup_fd int rootfd = -1;
	uid_t ou;
	gid_t og;
	int r;

	if (!mode || strcmp(mode, "never") == 0)
		return 0;
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		zone_error_set(err, errno, "open the zone root %s", root);
		return -1;
	}
	og = (gid_t)setfsgid(gid);
	ou = (uid_t)setfsuid(uid);
	r = write_all(rootfd, mode, hostname, resolv, dns, err);
	setfsuid(ou);
	setfsgid(og);
	return r;
}
