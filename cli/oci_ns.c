/*
 * The namespaces a container's config.json names by path (linux.namespaces), opened and
 * checked in create before anything is made: the mount, cgroup, pid, user and time ones by
 * type (oci_ns_open) and the user namespace of a pod's sandbox joined (oci_userns_join).
 * Apart from oci_create.c, which uses them, to keep both files to one subject each.
 */
#include "cli/oci_container.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/nsfs.h>

/*
 * A namespace named by path, by kind (enum oci_ns_kind): opened here, in the runtime's own
 * mount namespace (as runc resolves it), and checked before anything is made, so the setns
 * that joins it (LOP_JOIN_MNTNS, LOP_JOIN_CGROUPNS, spawn-init's, the helper's) finds a
 * namespace of the type.  The runtime's own, or the host's init's, is refused (why says what
 * would follow); a time namespace has none: the host's is where a container without one is,
 * and joining it is allowed, as by runc.  The fd, or -1 with e.
 */
static const struct joinable_ns {
	int type;
	const char *name, *own[2], *why;
} kinds[] = {
    [OCI_NS_MOUNT] = {CLONE_NEWNS,
		      "mount",
		      {"/proc/self/ns/mnt", "/proc/1/ns/mnt"},
		      "the container's mounts would be the host's"},
    [OCI_NS_CGROUP] = {CLONE_NEWCGROUP,
		       "cgroup",
		       {"/proc/self/ns/cgroup", "/proc/1/ns/cgroup"},
		       "the container would see the host's whole cgroup tree"},
    [OCI_NS_PID] = {CLONE_NEWPID,
		    "pid",
		    {"/proc/self/ns/pid", "/proc/1/ns/pid"},
		    "the container would see the host's processes"},
    [OCI_NS_USER] = {CLONE_NEWUSER,
		     "user",
		     {"/proc/self/ns/user", "/proc/1/ns/user"},
		     "the container's root would be the host's"},
    [OCI_NS_TIME] = {CLONE_NEWTIME, "time", {NULL, NULL}, NULL},
};

int oci_ns_open(const char *path, enum oci_ns_kind kind, struct zone_error *e)
{
	const struct joinable_ns *ns = &kinds[kind];
	char fdpath[32], what[64] = "";
	struct stat st, o;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return oci_fail(e, "%s namespace %s: %s", ns->name, path, strerror(errno));
	if (ioctl(fd, NS_GET_NSTYPE) != ns->type) {
		/* the kernel names a namespace file's type: net:[4026531840] */
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
		if (readlink(fdpath, what, sizeof(what) - 1) < 0 || what[0] == '/')
			oci_fail(e, "%s namespace %s: not a namespace file", ns->name, path);
		else
			oci_fail(e, "%s namespace %s: %s, not a %s namespace", ns->name, path, what,
				 ns->name);
		close(fd);
		return -1;
	}
	for (size_t i = 0; i < sizeof(ns->own) / sizeof(ns->own[0]) && ns->own[i]; i++)
		if (fstat(fd, &st) == 0 && stat(ns->own[i], &o) == 0 && st.st_dev == o.st_dev &&
		    st.st_ino == o.st_ino) {
			close(fd);
			return oci_fail(e, "%s namespace %s: the runtime's own (or the host's): %s",
					ns->name, path, ns->why);
		}
	return fd;
}

/* Is the namespace open at fd owned by the user namespace open at user_fd? */
static int ns_owned_by(int fd, int user_fd)
{
	int owner = ioctl(fd, NS_GET_USERNS);
	struct stat a, b;
	int same = owner >= 0 && fstat(owner, &a) == 0 && fstat(user_fd, &b) == 0 &&
		   a.st_dev == b.st_dev && a.st_ino == b.st_ino;

	if (owner >= 0)
		close(owner);
	return same;
}

/*
 * linux.namespaces' user path (a Kubernetes pod's user namespace, made with its sandbox):
 * checked as oci_ns_open checks the others, then joined by a helper that makes the container's
 * uts, ipc and (a new one asked for) network namespaces in it (launch_userns_join).  Its maps
 * are the kernel's; the config's uidMappings and gidMappings, when given, must be the same
 * ranges, or the container's files and ids would not be what its config says.
 */
int oci_userns_join(struct container *k, struct zone_error *e)
{
	const struct oci_config *c = &k->cfg;
	int fd = oci_ns_open(c->userns_path, OCI_NS_USER, e);
	char desc[160];

	if (fd < 0 || launch_userns_join(fd, c->new_net, &k->userns, e) < 0)
		return -1;
	/* the pod's other namespaces beside it are joined from it (spawn-init's child, PID 1):
	 * the kernel lets it into those its user namespace owns, and into no other */
	const struct {
		int fd;
		const char *kind, *path;
	} beside[] = {{k->opts.pidns_fd, "pid", c->pid_path},
		      {k->opts.cgroupns_fd, "cgroup", c->cgroupns_path},
		      {k->uts_fd, "uts", c->uts_path},
		      {k->ipc_fd, "ipc", c->ipc_path}};
	for (size_t i = 0; i < sizeof(beside) / sizeof(beside[0]); i++)
		if (beside[i].fd >= 0 && !ns_owned_by(beside[i].fd, k->userns.user_fd))
			return oci_fail(e, "%s namespace %s: not one the user namespace %s owns",
					beside[i].kind, beside[i].path, c->userns_path);
	if ((c->uid_map && !launch_userns_maps_equal(c->uid_map, k->userns.uid_map)) ||
	    (c->gid_map && !launch_userns_maps_equal(c->gid_map, k->userns.gid_map))) {
		launch_userns_describe(&k->userns, desc, sizeof(desc));
		return oci_fail(e,
				"user namespace %s: the config's uidMappings and gidMappings are "
				"not its maps (%s)",
				c->userns_path, desc);
	}
	return 0;
}
