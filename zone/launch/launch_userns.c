/*
 * A zone's user namespace, and the namespaces it owns.
 *
 * A zone that is not privileged runs in a user namespace U of its own: its ids 0..count-1 are
 * the host's base..base+count-1 (zone/idmap.h allocates the range).  U and the zone's uts, ipc
 * and (net none) network namespaces are made here, by a short-lived helper cloned with
 * CLONE_NEWUSER and the others at once: the kernel makes U first, so each of the others is
 * owned by U and the zone's root can set its host name and configure its network, as the
 * kernel allows a user namespace's root.  This process (host root) writes the helper's
 * uid_map and gid_map (setgroups stays allowed: a privileged writer) and keeps a descriptor
 * of each namespace; the helper is then killed.
 *
 * The helper is not a fork: it shares our memory and descriptor table (CLONE_VM, CLONE_FILES)
 * and runs a few calls on a small stack of its own, so a boot pays for no page-table copy and
 * no copy-on-write faults for it (a fork and exit cost 3-4 ms of CPU here under load).  It
 * also makes U's binfmt_misc instance (launch_binfmt.c), which takes a process in U in a
 * mount namespace U owns (CLONE_NEWNS, made after U), and sends the detached mount back
 * (binfmt_fd), so the plan's LOP_BINFMT forks no helper of its own.  Sharing our memory
 * exposes nothing: the helper exists only inside this function, before any process of the
 * zone does, and a process of U could not trace it anyway (its memory is the host's).
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
#include "lib/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

void launch_userns_init(struct launch_userns *u)
{
	memset(u, 0, sizeof(*u));
	u->user_fd = u->uts_fd = u->ipc_fd = u->net_fd = u->binfmt_fd = -1;
}

void launch_userns_close(struct launch_userns *u)
{
	int *fds[] = {&u->user_fd, &u->uts_fd, &u->ipc_fd, &u->net_fd, &u->binfmt_fd};

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
	if (u->joined) /* the maps read from the kernel */
		u->uid_map = u->gid_map = NULL;
	free(u->maps[0]);
	free(u->maps[1]);
	u->maps[0] = u->maps[1] = NULL;
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

/* The idle helper of launch_userns_for_maps: it only has to exist, in its new user namespace,
 * until its SIGKILL (pause only: nothing it shares with us is touched). */
__attribute__((no_sanitize("address", "undefined"))) static int idle_main(void *arg)
{
	(void)arg;
	for (;;)
		syscall(SYS_pause);
	return 0;
}

/* The pid of the process pidfd names in the pid namespace of our /proc: a zone's setup is PID 1
 * of a namespace of its own with the host's /proc still mounted, where clone's pid means
 * another process.  fdinfo's "Pid:" is in the namespace of the procfs read.  -1 if unknown. */
static pid_t proc_pid_of(int pidfd)
{
	char buf[512], *p;

	if (zone_read_text(buf, sizeof(buf), "/proc/self/fdinfo/%d", pidfd) < 0)
		return -1;
	p = strstr(buf, "\nPid:");
	return p ? (pid_t)strtol(p + 5, NULL, 10) : -1;
}

int launch_userns_for_maps(const char *uid_map, const char *gid_map)
{
	static char stack[16 << 10] __attribute__((aligned(64)));
	int pidfd = -1, fd = -1, e = 0;
	pid_t helper = clone(idle_main, stack + sizeof(stack),
			     CLONE_VM | CLONE_NEWUSER | CLONE_PIDFD | SIGCHLD, NULL, &pidfd),
	      at;

	if (helper < 0)
		return -1;
	at = proc_pid_of(pidfd);
	if (at <= 0)
		e = ESRCH;
	else if (write_map(at, "uid_map", uid_map) < 0 || write_map(at, "gid_map", gid_map) < 0 ||
		 (fd = open_ns(at, "user")) < 0)
		e = errno;
	kill(helper, SIGKILL);
	waitpid(helper, NULL, 0);
	close(pidfd);
	errno = e;
	return e ? -1 : fd;
}

/* The helper's socket, and for a user namespace joined (join_fd >= 0) that namespace and the
 * ones it makes there (unshare). */
struct helper_arg {
	int sock, join_fd, unshare;
};

/* What the helper does.  Joining U (launch_userns_join): setns to it, make the namespaces U is
 * to own, and say so on sock (one byte, its errno or 0).  Then, in U, once we say go on sock
 * (U's ids mapped: a binfmt_misc superblock made before gets files owned by an unmapped id,
 * which even host root may not open): U's binfmt_misc instance, sent back (one byte, its
 * errno or 0, with the detached mount when it is 0); then it waits for its SIGKILL.  Its
 * calls' errno lands in our thread's errno, but we wait meanwhile, and look at errno only after
 * the message; the helper calls nothing that can fail after it. */
#define HELPER_STACK (64 << 10)
static char helper_stack[HELPER_STACK] __attribute__((aligned(64)));

__attribute__((no_sanitize("address", "undefined"))) static int helper_main(void *arg)
{
	const struct helper_arg *a = arg;
	int sock = a->sock, m = -1, fc = -1;
	char e = 0, cbuf[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {&e, 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};

	/* system calls only, no libc wrapper a sanitizer intercepts: we share its state */
	syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (a->join_fd >= 0) {
		/* not sharing our fs_struct (no CLONE_FS), as setns to a user namespace needs */
		/* fs ids 0 of U (its root) for the ipc namespace's mqueue root, as above; the
		 * change resets the dumpable flag of the memory we share to fs.suid_dumpable
		 * (launch.h, launch_undumpable), so it is cleared again at once */
		if (syscall(SYS_setns, a->join_fd, CLONE_NEWUSER) < 0 ||
		    syscall(SYS_setfsgid, 0) < 0 || syscall(SYS_setfsuid, 0) < 0 ||
		    syscall(SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 ||
		    syscall(SYS_unshare, a->unshare) < 0)
			e = (char)(errno ? errno : EPROTO);
		if (syscall(SYS_write, sock, &e, 1) != 1 || e)
			syscall(SYS_exit, 0);
	}
	if (syscall(SYS_read, sock, &e, 1) != 1) /* we are gone, or failed */
		syscall(SYS_exit, 0);
	e = 0;
	fc = (int)syscall(SYS_fsopen, "binfmt_misc", FSOPEN_CLOEXEC);
	if (fc < 0 || syscall(SYS_fsconfig, fc, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ||
	    (m = (int)syscall(SYS_fsmount, fc, FSMOUNT_CLOEXEC, 0)) < 0)
		e = (char)(errno ? errno : EPROTO);
	if (m >= 0) {
		struct cmsghdr *cm;

		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &m, sizeof(int));
	}
	syscall(SYS_sendmsg, sock, &mh, 0);
	for (;;)
		syscall(SYS_pause);
	return 0;
}

/* The helper's message: 0 with U's binfmt_misc mount in u, or its errno (binfmt_errno), or
 * -1 when it died without one. */
static int helper_result(int sock, struct launch_userns *u)
{
	char e = 0, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {&e, 1};
	struct msghdr mh = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *cm;
	ssize_t n;

	while ((n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	if (n != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&mh);
	if (e == 0 && cm && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&u->binfmt_fd, CMSG_DATA(cm), sizeof(int));
	else
		u->binfmt_errno = e ? e : EPROTO;
	return 0;
}

struct idrange {
	unsigned long first, host, count;
};

static int idrange_cmp(const void *a, const void *b)
{
	const struct idrange *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

/* A map's "ID HOSTID COUNT" lines, in any order, as ranges sorted by ID; their number, or -1. */
static int map_ranges(const char *map, struct idrange *r, int max)
{
	int n = 0;

	for (const char *p = map; p && *p; n++) {
		if (n == max || sscanf(p, "%lu %lu %lu", &r[n].first, &r[n].host, &r[n].count) != 3)
			return -1;
		if ((p = strchr(p, '\n')))
			p++;
	}
	qsort(r, (size_t)n, sizeof(*r), idrange_cmp);
	return n;
}

int launch_userns_maps_equal(const char *a, const char *b)
{
	struct idrange ra[LAUNCH_IDMAP_LINES], rb[LAUNCH_IDMAP_LINES];
	int na = map_ranges(a, ra, LAUNCH_IDMAP_LINES), nb = map_ranges(b, rb, LAUNCH_IDMAP_LINES);

	return na >= 0 && na == nb && memcmp(ra, rb, (size_t)na * sizeof(ra[0])) == 0;
}

/* Whether a map gives the container the host's id 0: a process of the container would own
 * what host root owns (nothing privileged of the host may be in a zone). */
static int host_root_mapped(const char *map)
{
	struct idrange r[LAUNCH_IDMAP_LINES];
	int n = map ? map_ranges(map, r, LAUNCH_IDMAP_LINES) : 0;

	for (int i = 0; i < n; i++)
		if (r[i].host == 0)
			return 1;
	return 0;
}

static int maps_refuse_host_root(const struct launch_userns *u, struct zone_error *err)
{
	const char *id = host_root_mapped(u->uid_map)	? "uid"
			 : host_root_mapped(u->gid_map) ? "gid"
							: NULL;

	if (id)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, EPERM,
				   "user namespace: its %s map gives the container the host's %s 0",
				   id, id);
	return 0;
}

/*
 * One map of U as the kernel shows it to host root (/proc/PID/uid_map: "%10u %10u %10u" lines,
 * host ids on the right), as "ID HOSTID COUNT\n" lines in *out (malloc'd), with the host id
 * of U's 0 in *root.  0, or -1 with err.
 */
static int map_read(pid_t pid, const char *file, char **out, uint32_t *root, struct zone_error *err)
{
	struct idrange r[LAUNCH_IDMAP_LINES];
	char *text = malloc(LAUNCH_IDMAP_TEXT);
	size_t k = 0;
	int n;

	if (!text || zone_read_text(text, LAUNCH_IDMAP_TEXT, "/proc/%d/%s", (int)pid, file) < 0) {
		int e = text ? errno : ENOMEM;

		free(text);
		return launch_fail(err, LAUNCH_EXIT_CANNOT, e, "user namespace: read %s", file);
	}
	/* sorted by ID: U's 0, when mapped, is the first range's first id */
	if ((n = map_ranges(text, r, LAUNCH_IDMAP_LINES)) <= 0 || r[0].first != 0) {
		free(text);
		/* the setup acts as U's root: its /dev, /dev/shm and /tmp are that root's */
		return launch_fail(err, LAUNCH_EXIT_CANNOT, 0,
				   "user namespace: its %s has no id 0 (the container's root)",
				   file);
	}
	*root = (uint32_t)r[0].host;
	/* the same buffer again, the ranges in the kernel's own shorter form */
	for (int i = 0; i < n; i++)
		k += (size_t)snprintf(text + k, LAUNCH_IDMAP_TEXT - k, "%lu %lu %lu\n", r[i].first,
				      r[i].host, r[i].count);
	*out = text;
	return 0;
}

/* U made by the clone (u->user_fd -1) with the maps written here, or joined (u->user_fd, the
 * helper's setns) with the maps read; then U's uts, ipc and new_net's network namespaces
 * opened, and U's binfmt_misc instance made. */
static int userns_create(int new_net, struct launch_userns *u, struct zone_error *err)
{
	char map[64], desc[160], st = 0;
	int sv[2], e = 0, join = u->user_fd >= 0;
	int owned = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | (new_net ? CLONE_NEWNET : 0);
	struct helper_arg arg = {-1, join ? u->user_fd : -1, owned};
	pid_t helper;

	if (!join && maps_refuse_host_root(u, err) < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "socketpair");
	arg.sock = sv[1];
	/* the ipc namespace's mqueue root is made with the maker's fs ids (mqueue_fill_super):
	 * U's root's, so that /dev/mqueue is the zone root's as under runc, not nobody's */
	int ofsgid = join ? 0 : setfsgid(u->gid_base), ofsuid = join ? 0 : setfsuid(u->base);
	helper = clone(helper_main, helper_stack + HELPER_STACK,
		       CLONE_VM | (join ? 0 : CLONE_NEWUSER | owned) | SIGCHLD, &arg);
	e = errno;
	if (!join) {
		setfsuid((uid_t)ofsuid);
		setfsgid((gid_t)ofsgid);
		/* a change of fs ids resets the flag to fs.suid_dumpable (launch.h) */
		if (launch_undumpable() < 0 && helper >= 0) {
			e = errno;
			kill(helper, SIGKILL);
			waitpid(helper, NULL, 0);
			helper = -1;
		}
	}
	close(sv[1]); /* the helper has its own copy: end-of-file if it dies */
	if (helper < 0) {
		close(sv[0]);
		if (join)
			launch_userns_close(u);
		return launch_fail(err, LAUNCH_EXIT_CANNOT, e, "new user namespace (clone)");
	}
	if (join) {
		/* the helper's word that it is in U, with U's own namespaces made */
		if (read(sv[0], &st, 1) != 1 || st) {
			launch_fail(err, LAUNCH_EXIT_CANNOT, st ? st : EPROTO,
				    "join the user namespace");
			goto fail;
		}
		if (map_read(helper, "uid_map", &u->maps[0], &u->base, err) < 0 ||
		    map_read(helper, "gid_map", &u->maps[1], &u->gid_base, err) < 0)
			goto fail;
		u->uid_map = u->maps[0];
		u->gid_map = u->maps[1];
		if (maps_refuse_host_root(u, err) < 0)
			goto fail;
	} else {
		/* the namespaces exist from the clone on */
		snprintf(map, sizeof(map), "0 %u %u\n", u->base, u->count);
		if (write_map(helper, "uid_map", u->uid_map ? u->uid_map : map) < 0 ||
		    write_map(helper, "gid_map", u->gid_map ? u->gid_map : map) < 0) {
			e = errno;
			launch_userns_describe(u, desc, sizeof(desc));
			launch_fail(err, LAUNCH_EXIT_CANNOT, e, "user namespace: map %s", desc);
			goto fail;
		}
		u->user_fd = open_ns(helper, "user");
	}
	u->uts_fd = open_ns(helper, "uts");
	u->ipc_fd = open_ns(helper, "ipc");
	if (new_net)
		u->net_fd = open_ns(helper, "net");
	if (u->user_fd < 0 || u->uts_fd < 0 || u->ipc_fd < 0 || (new_net && u->net_fd < 0)) {
		launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "user namespace: open namespaces");
		goto fail;
	}
	if (write(sv[0], "g", 1) != 1 || helper_result(sv[0], u) < 0) {
		launch_fail(err, LAUNCH_EXIT_CANNOT, 0, "new user namespace: the helper died");
		goto fail;
	}
	close(sv[0]);
	kill(helper, SIGKILL);
	waitpid(helper, NULL, 0);
	return 0;
fail:
	close(sv[0]);
	kill(helper, SIGKILL);
	waitpid(helper, NULL, 0);
	launch_userns_close(u);
	return -1;
}

int launch_userns_create(uint32_t base, uint32_t count, int new_net, struct launch_userns *u,
			 struct zone_error *err)
{
	launch_userns_init(u);
	u->base = u->gid_base = base;
	u->count = count;
	if (count == 0 || (uint64_t)base + count > UINT32_MAX)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, EINVAL, "user namespace: ids %u+%u",
				   base, count);
	return userns_create(new_net, u, err);
}

int launch_userns_create_maps(const char *uid_map, const char *gid_map, uint32_t root_uid,
			      uint32_t root_gid, int new_net, struct launch_userns *u,
			      struct zone_error *err)
{
	launch_userns_init(u);
	u->base = root_uid;
	u->gid_base = root_gid;
	u->uid_map = uid_map;
	u->gid_map = gid_map;
	if (!uid_map || !gid_map || !*uid_map || !*gid_map)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, EINVAL, "user namespace: no map");
	return userns_create(new_net, u, err);
}

int launch_userns_join(int user_fd, int new_net, struct launch_userns *u, struct zone_error *err)
{
	launch_userns_init(u);
	u->user_fd = user_fd;
	u->joined = 1;
	if (user_fd < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, EBADF, "user namespace: no descriptor");
	return userns_create(new_net, u, err);
}

/* One map's lines as "0 1000 2000, 10 5000 10" (cut short at len). */
static void describe_map(const char *map, char *buf, size_t len)
{
	size_t k = 0;

	for (const char *p = map; *p && k + 3 < len; p++) {
		if (*p != '\n') {
			buf[k++] = *p;
		} else if (p[1]) {
			buf[k++] = ',';
			buf[k++] = ' ';
		}
	}
	buf[k] = '\0';
}

void launch_userns_describe(const struct launch_userns *u, char *buf, size_t len)
{
	char um[96], gm[96];

	if (!u->uid_map) {
		snprintf(buf, len, "uid/gid 0-%u -> host %u-%u", u->count - 1, u->base,
			 u->base + u->count - 1);
		return;
	}
	describe_map(u->uid_map, um, sizeof(um));
	describe_map(u->gid_map, gm, sizeof(gm));
	snprintf(buf, len, "uid %s; gid %s (container id, host id, count)", um, gm);
}
