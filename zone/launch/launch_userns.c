/*
 * A zone's user namespace, and the namespaces it owns.
 *
 * A zone that is not privileged runs in a user namespace U of its own: its ids 0..count-1 are
 * the host's base..base+count-1 (zone/idmap.h allocates the range).  U and the zone's uts, ipc
 * and (net none) network namespaces are made here, by a short-lived helper that unshares
 * CLONE_NEWUSER and then the others, so that each is owned by U: the zone's root can then set
 * its host name and configure its network, as the kernel allows a user namespace's root.
 * This process (host root) writes the helper's uid_map and gid_map (setgroups stays allowed:
 * a privileged writer) and keeps a descriptor of each namespace; the helper is then killed.
 *
 * The pid namespace is not made here: a process joins a pid namespace only once it has a
 * PID 1 (/proc/PID/ns/pid_for_children gives ENOENT before, checked on 6.18), so the zone's
 * init is forked by a child of the setup process that joined U and unshared it
 * (launch_root.c, LOP_SPAWN_INIT).
 *
 * The mount namespace is deliberately not here: the setup process (host root) starts in a
 * mount namespace owned by the host (M0) and sets the root up there (an idmapped mount of the
 * root, tmpfs owned by the zone's root, proc of init's pid namespace), and only then does
 * init, in U, copy M0 into a namespace owned by U (launch_root.c, LOP_ENTER_USERNS).  That copy is
 * what makes the kernel lock every boot mount: a namespace owned by a less privileged user
 * namespace gets its inherited mounts MNT_LOCKED (no unmount, no move) with their read-only,
 * nosuid, nodev, noexec and atime flags locked, and so does every namespace made from it.
 */
#include "zone/launch/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void launch_userns_init(struct launch_userns *u)
{
	memset(u, 0, sizeof(*u));
	u->user_fd = u->uts_fd = u->ipc_fd = u->net_fd = -1;
}

void launch_userns_close(struct launch_userns *u)
{
	int *fds[] = {&u->user_fd, &u->uts_fd, &u->ipc_fd, &u->net_fd};

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}

static int write_map(pid_t pid, const char *file, const char *map)
{
	char path[64];
	int fd, r;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = write(fd, map, strlen(map)) == (ssize_t)strlen(map) ? 0 : -1;
	close(fd);
	return r;
}

static int open_ns(pid_t pid, const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

int launch_userns_create(uint32_t base, uint32_t count, int new_net, struct launch_userns *u,
			 struct zone_error *err)
{
	char map[64], c = 0;
	int sync[2], e = 0;
	pid_t helper;

	launch_userns_init(u);
	u->base = base;
	u->count = count;
	if (count == 0 || (uint64_t)base + count > UINT32_MAX)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, EINVAL, "user namespace: ids %u+%u",
				   base, count);
	if (pipe2(sync, O_CLOEXEC) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "pipe");
	helper = fork();
	if (helper < 0) {
		e = errno;
		close(sync[0]);
		close(sync[1]);
		return launch_fail(err, LAUNCH_EXIT_CANNOT, e, "fork");
	}
	if (helper == 0) {
		int flags = CLONE_NEWUTS | CLONE_NEWIPC | (new_net ? CLONE_NEWNET : 0);

		close(sync[0]);
		/* owned by U: unshared after it, by a process that is U's root */
		if (unshare(CLONE_NEWUSER) < 0 || unshare(flags) < 0)
			_exit(1);
		if (write(sync[1], "u", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(sync[1]);
	if (read(sync[0], &c, 1) != 1) {
		launch_fail(err, LAUNCH_EXIT_CANNOT, 0,
			    "new user namespace: the helper could not unshare");
		goto fail;
	}
	snprintf(map, sizeof(map), "0 %u %u\n", base, count);
	if (write_map(helper, "uid_map", map) < 0 || write_map(helper, "gid_map", map) < 0) {
		launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "user namespace: map ids to %u+%u",
			    base, count);
		goto fail;
	}
	u->user_fd = open_ns(helper, "user");
	u->uts_fd = open_ns(helper, "uts");
	u->ipc_fd = open_ns(helper, "ipc");
	if (new_net)
		u->net_fd = open_ns(helper, "net");
	if (u->user_fd < 0 || u->uts_fd < 0 || u->ipc_fd < 0 || (new_net && u->net_fd < 0)) {
		launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "user namespace: open namespaces");
		goto fail;
	}
	close(sync[0]);
	kill(helper, SIGKILL);
	waitpid(helper, NULL, 0);
	return 0;
fail:
	close(sync[0]);
	kill(helper, SIGKILL);
	waitpid(helper, NULL, 0);
	launch_userns_close(u);
	return -1;
}
