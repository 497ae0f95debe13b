/*
 * create, start, run: a bundle becomes a zone-shaped container under the brand.
 *
 * create builds launcher options from config.json (the plan's namespaces, mounts, masks,
 * capabilities, cgroup joins), adds what only OCI asks for (tmpfs and mqueue mounts, extra
 * masked and read-only paths, a read-only root) before the plan's pivot_root, makes the
 * cgroup, and spawns PID 1 detached: it executes the plan, runs setup (terminal from the
 * console socket, rlimits, oom score, environment, cwd), hardens itself, resolves the
 * program, puts the brand's filter on (dropping the CAP_SYS_ADMIN that took), says ready and
 * waits on exec.fifo (launch_init.c: init_armed, start_gate).  create records
 * the state and exits; PID 1 is adopted by the caller's subreaper (conmon, a shim) or init.
 * start writes the fifo and PID 1 execs the brand with the program: the container's pid is
 * the program's.  run is create + start + wait + delete.
 *
 * Nothing is left behind by a failed create: the cgroup is killed and removed, the state
 * directory removed, and every mount lived in the container's mount namespace (in one joined
 * by path, PID 1 takes back what it bound there when it fails before its pivot_root).
 */
#include "cli/oci.h"
#include "cli/oci_container.h"
#include "emul/systable.h"
#include "filter/filter.h"
#include "zone/cgroup.h"
#include "zone/zonepage.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <linux/nsfs.h>

extern char **environ;

/* ------------------------------------------------------------------------------------------ */
/* In PID 1, after the plan (inside the root), before hardening. */

static int container_setup(void *arg, struct zone_error *err)
{
	struct container *k = arg;
	const struct oci_config *c = &k->cfg;

	/* the session is led by init: here, unless init is forked from here later (a pid
	 * namespace joined without a user namespace: container_forked) */
	if (k->console_fd >= 0 &&
	    oci_console_setup(k->console_fd, !launch_joins_pidns_late(&k->opts), err) < 0)
		return -1;
	/* a pod's sandbox namespaces: after the plan, whose hostname went to the uts namespace
	 * the clone made (the sandbox's keeps its own, as under runc) */
	if ((k->uts_fd >= 0 && setns(k->uts_fd, CLONE_NEWUTS) < 0) ||
	    (k->ipc_fd >= 0 && setns(k->ipc_fd, CLONE_NEWIPC) < 0))
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno,
				   "join the uts or ipc namespace "
				   "named in config.json");
	/* root.readonly: the root's own mount only, as runc (the plan's read-only remount is
	 * recursive and would take the bundle's writable mounts, /dev and /proc with it); the
	 * flags it has are kept, since a user namespace locks them */
	if (c->root_ro) {
		struct statvfs sv;
		unsigned long keep = 0;

		if (statvfs("/", &sv) == 0)
			keep = (sv.f_flag & ST_NOSUID ? MS_NOSUID : 0) |
			       (sv.f_flag & ST_NODEV ? MS_NODEV : 0) |
			       (sv.f_flag & ST_NOEXEC ? MS_NOEXEC : 0) |
			       (sv.f_flag & ST_NOATIME ? MS_NOATIME : 0) |
			       (sv.f_flag & ST_RELATIME ? MS_RELATIME : 0);
		if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | keep, NULL) < 0)
			return launch_fail(err, LAUNCH_EXIT_CANNOT, errno,
					   "remount the root read-only");
	}
	for (size_t i = 0; i < c->nrlimits; i++) {
		struct rlimit rl = {.rlim_cur = c->rlimits[i].soft, .rlim_max = c->rlimits[i].hard};

		if (setrlimit(c->rlimits[i].resource, &rl) < 0)
			return launch_fail(err, LAUNCH_EXIT_CANNOT, errno,
					   "error setting rlimit type %d", c->rlimits[i].resource);
	}
	umask(c->umask >= 0 ? (mode_t)c->umask : 022); /* runc's default */
	environ = c->env;
	if (!environ) {
		static char *none[] = {NULL};

		environ = none;
	}
	/* runc's: an environment without HOME gets the user's from the container's
	 * /etc/passwd, "/" without an entry */
	if (!getenv("HOME")) {
		char home[256];

		launch_user_home(c->user.uid, home, sizeof(home));
		if (setenv("HOME", home, 1) < 0)
			return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "set HOME");
	}
	if (chdir(c->cwd) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno,
				   "chdir to cwd (\"%s\") set in "
				   "config.json",
				   c->cwd);
	if (c->nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "set no_new_privs");
	/* last: the profile bounds the rest of the launcher's calls too (hardening, the brand's
	 * filter, the exec), which every default profile allows */
	return oci_seccomp_load(k->seccomp, err);
}

/* In init, just forked into a pid namespace joined late by the setup, which exits: the
 * terminal's session is init's (a session whose leader exits loses its terminal). */
static int container_forked(void *arg, struct zone_error *err)
{
	const struct container *k = arg;

	return k->console_fd >= 0 ? oci_console_ctty(err) : 0;
}

/* The hooks that run inside the container (runtime-spec): createContainer by the process
 * executing the plan, after the mounts and before pivot_root, natively (the path is the
 * runtime's, as for createRuntime); startContainer by PID 1 after start's byte and before the
 * program, under the brand like every process of the container (the path is the
 * container's), with PID 1's credentials, capabilities and seccomp profile, as runc's. */
static int container_hooks(struct container *k, const char *kind, enum oci_status st,
			   oci_hook_spawn_fn spawn, void *arg, struct zone_error *err)
{
	struct zone_error e = {0};

	k->st.pid = getpid(); /* as runc's init reports itself */
	if (oci_hooks_run_by(&k->cfg, kind, &k->st, st, spawn, arg, &e) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, 0, "%s", e.msg);
	return 0;
}

/* Before pivot_root: create's createRuntime and prestart hooks first (it says 'g' when they
 * passed; end-of-file when they failed or create died), then createContainer here. */
static int container_before_pivot(void *arg, struct zone_error *err)
{
	struct container *k = arg;
	char c = 0;

	if (k->runtime_hooks) {
		ssize_t n;

		/* create's end, hooks_go[1], was closed when this process was cloned
		 * (launch_opts.caller_wfd): create's close is end-of-file here */
		if (write(k->ready[1], "h", 1) != 1)
			return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "ask for the hooks");
		while ((n = read(k->hooks_go[0], &c, 1)) < 0 && errno == EINTR)
			;
		close(k->hooks_go[0]);
		if (n != 1 || c != 'g')
			return launch_fail(err, LAUNCH_EXIT_CANNOT, 0,
					   "createRuntime or prestart hooks failed");
	}
	return container_hooks(arg, "createContainer", OCI_CREATING, NULL, NULL, err);
}

/* A startContainer hook resolved before PID 1's filter went on (init_armed, launch_init.c):
 * its program, or why it cannot run, said when its turn comes, as its process would have. */
struct oci_prepared_hook {
	struct launch_exec ex;
	struct zone_error err;
	int failed;
};

struct started_ctx {
	struct container *k;
	const struct launch_brand *b;
};

static int hook_prepare(void *arg, const char *path, char *const *argv, char *const *envp,
			struct zone_error *e)
{
	struct started_ctx *c = arg;
	struct oci_prepared_hook *h = &c->k->started[c->k->nstarted++];

	(void)e;
	if (launch_brand_prepare(c->b, path, argv, envp, &h->ex, &h->err) < 0)
		h->failed = 1;
	return 0;
}

/* launch_opts.arming: the setup, before the brand's filter; PID 1 then spawns each through the
 * gate (hook_spawn_armed) */
static int container_arming(void *arg, const struct launch_brand *b, struct zone_error *err)
{
	struct container *k = arg;
	struct started_ctx c = {k, b};
	size_t n = json_array_size(
	    json_object_get(json_object_get(k->cfg.json, "hooks"), "startContainer"));

	k->started = calloc(n ? n : 1, sizeof(*k->started));
	if (!k->started)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, ENOMEM, "startContainer hooks");
	k->nstarted = k->next_started = 0;
	return oci_hooks_each(&k->cfg, "startContainer", hook_prepare, &c, err);
}

/* Armed: the next prepared hook, through the gate; one that could not be prepared ends as its
 * process would have (its message on stderr, 126 or 127), so start's outcome is runc's. */
static pid_t hook_spawn_armed(void *arg, const char *path, char *const *argv, char *const *envp,
			      int in_fd, struct zone_error *e)
{
	struct started_ctx *c = arg;
	struct oci_prepared_hook *h;
	pid_t pid;

	(void)argv;
	(void)envp;
	if (c->k->next_started >= c->k->nstarted)
		return launch_fail(e, LAUNCH_EXIT_CANNOT, 0, "startContainer hook %s: not prepared",
				   path);
	h = &c->k->started[c->k->next_started++];
	if (!h->failed)
		return launch_brand_spawn_armed(c->b, &h->ex, in_fd, e);
	pid = launch_armed_fork();
	if (pid < 0)
		return launch_fail(e, LAUNCH_EXIT_CANNOT, errno, "fork %s", path);
	if (pid == 0) {
		fprintf(stderr, "%s: %s\n", launch_prog, h->err.msg);
		LAUNCH_ARMED_EXIT(h->err.status ? h->err.status : LAUNCH_EXIT_CANNOT);
	}
	return pid;
}

static int container_started(void *arg, const struct launch_brand *b, struct zone_error *err)
{
	struct started_ctx c = {arg, b};

	return container_hooks(arg, "startContainer", OCI_CREATED, hook_spawn_armed, &c, err);
}

/* ------------------------------------------------------------------------------------------ */
/* In create. */

void oci_opts_binds(struct container *k, struct launch_opts *o)
{
	const struct oci_config *c = &k->cfg;
	size_t nb = 0;

	for (size_t i = 0; i < c->nmounts; i++)
		if (c->mounts[i].bind) {
			k->binds[nb].host = c->mounts[i].source_abs;
			k->binds[nb].zone = c->mounts[i].dest;
			k->binds[nb].ro = (c->mounts[i].flags & MS_RDONLY) != 0;
			k->binds[nb].idmap = c->mounts[i].idmap;
			k->binds[nb].uid_map = c->mounts[i].uid_map;
			k->binds[nb].gid_map = c->mounts[i].gid_map;
			nb++;
		}
	o->binds = k->binds;
	o->shm_size = c->shm_size[0] ? c->shm_size : NULL;
	o->shm_noexec = c->shm_noexec;
	o->nbinds = nb;
}

void oci_opts_from_config(struct container *k)
{
	struct oci_config *c = &k->cfg;
	struct launch_opts *o = &k->opts;

	memset(o, 0, sizeof(*o));
	o->root = c->rootfs;
	o->argv = c->args;
	o->hostname = c->hostname;
	o->domainname = c->domainname;
	o->init = LAUNCH_INIT_IMAGE; /* the program is PID 1, as in runc */
	o->drop_caps = 1;
	o->caps = c->caps;
	o->has_oom_score_adj = c->has_oom;
	o->oom_score_adj = c->oom;
	o->caps_inh = c->caps_inh;
	o->caps_amb = c->caps_amb;
	o->admin_until_exec = 1;
	o->kernel_version = c->kernel_version;
	o->hardened = c->hardened;
	o->syscall_patching = c->syscall_patching;
	o->detached = 1;
	o->init_user = &c->user;
	/* with a user namespace too: a new one is U's (made with it); one given by path is
	 * joined by the setup, still host root (join-netns), as runc joins it before the user
	 * namespace; none asked for is the runtime's, as under runc */
	o->net = c->new_net ? LAUNCH_NET_NONE : LAUNCH_NET_HOST;
	o->net_fd = -1;
	k->uts_fd = k->ipc_fd = -1;
	/* a pod's sandbox's namespaces are not the container's own: their knobs stay read-only */
	o->joined_ns = (c->uts_path ? CLONE_NEWUTS : 0) | (c->ipc_path ? CLONE_NEWIPC : 0) |
		       (c->pid_path ? CLONE_NEWPID : 0) | (c->mnt_path ? CLONE_NEWNS : 0) |
		       (c->cgroupns_path ? CLONE_NEWCGROUP : 0);
	o->mnt_fd = o->cgroupns_fd = o->pidns_fd = -1;
	/* a pid path (podman's --pid container:X, a pod's shareProcessNamespace): the setup
	 * (with a user namespace, init's parent in U) forks init into it once it has built the
	 * root, become the user and hardened itself (launch_joins_pidns_late), and reports
	 * init's pid on init_pid_rfd.  The program is then not PID 1 of its namespace: the
	 * namespace's init is the other container's.  Checked as with a user namespace: the
	 * runtime's own (the host's) would show the container every host process, to signal or
	 * trace. */
	k->init_pid_rfd = -1;
	if (c->pid_path)
		o->init_pid_rfd = &k->init_pid_rfd;
}

static int opts_build(struct container *k, const struct create_opts *co, struct zone_error *e)
{
	struct oci_config *c = &k->cfg;
	struct launch_opts *o = &k->opts;

	oci_opts_from_config(k);
	o->setup = container_setup;
	o->forked = container_forked;
	o->setup_arg = k;
	k->runtime_hooks =
	    json_array_size(json_object_get(json_object_get(c->json, "hooks"), "createRuntime")) ||
	    json_array_size(json_object_get(json_object_get(c->json, "hooks"), "prestart"));
	if (k->runtime_hooks ||
	    json_array_size(json_object_get(json_object_get(c->json, "hooks"), "createContainer")))
		o->before_pivot = container_before_pivot;
	if (json_array_size(json_object_get(json_object_get(c->json, "hooks"), "startContainer")))
		o->started = container_started;
	o->arming = container_arming;
	o->ready_fd = &k->ready[1];
	o->start_fd = &k->start_fd;
	o->caller_wfd = &k->hooks_go[1];
	o->preserve_fds = co->preserve_fds;
	if ((c->mnt_path && (o->mnt_fd = oci_ns_open(c->mnt_path, OCI_NS_MOUNT, e)) < 0) ||
	    (c->cgroupns_path &&
	     (o->cgroupns_fd = oci_ns_open(c->cgroupns_path, OCI_NS_CGROUP, e)) < 0) ||
	    (c->pid_path && (o->pidns_fd = oci_ns_open(c->pid_path, OCI_NS_PID, e)) < 0))
		return -1;
	if ((c->uts_path && (k->uts_fd = open(c->uts_path, O_RDONLY | O_CLOEXEC)) < 0) ||
	    (c->ipc_path && (k->ipc_fd = open(c->ipc_path, O_RDONLY | O_CLOEXEC)) < 0))
		return oci_fail(e, "namespace %s: %s",
				k->uts_fd < 0 && c->uts_path ? c->uts_path : c->ipc_path,
				strerror(errno));
	if (c->netns_path) {
		o->net = LAUNCH_NET_FD;
		o->net_fd = open(c->netns_path, O_RDONLY | O_CLOEXEC);
		if (o->net_fd < 0)
			return oci_fail(e, "network namespace %s: %s", c->netns_path,
					strerror(errno));
	}
	oci_opts_binds(k, o);
	launch_userns_init(&k->userns);
	if (c->userns) {
		/* e keeps the errno, which runc's wording has no place for */
		if (c->userns_path
			? oci_userns_join(k, e) < 0
			: launch_userns_create_maps(c->uid_map, c->gid_map, c->root_uid,
						    c->root_gid, c->new_net, &k->userns, e) < 0)
			return -1;
		o->userns = &k->userns;
		o->root_mapped = 1; /* the bundle's root is used as it is, as runc does */
	} else {
		/* set-user-ID programs through the host's binfmt_misc, if it has or takes the
		 * entry (from the runtime's mount namespace, where its mount lives on) */
		o->exec_links = launch_binfmt_host();
	}
	(void)co;
	return 0;
}

static const struct sock_fprog *filter_get(const struct container *k, struct sock_fprog *prog,
					   struct zone_error *e)
{
	struct lx_filter_opts fo = {.hardened = k->opts.hardened,
				    .lxproc = 1, /* the zone page */
				    .lxproc_kernel_files = k->opts.lxproc_kernel,
				    .kernel = lx_sys_kv_parse(k->opts.kernel_version)};
	struct zone_error why = {0};
	char name[64];
	int dfd = open(oci_g.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	snprintf(name, sizeof(name), ".filter-%016llx.bpf", (unsigned long long)lx_filter_key(&fo));
	if (dfd >= 0 && lx_filter_cache_read(dfd, name, &fo, prog, &why) == 0) {
		close(dfd);
		return prog;
	}
	if (lx_filter_build(&fo, prog, &why) < 0) {
		if (dfd >= 0)
			close(dfd);
		oci_fail(e, "brand filter: %s", why.msg);
		return NULL;
	}
	if (dfd >= 0) {
		lx_filter_cache_write(dfd, name, &fo, prog, &why);
		close(dfd);
	}
	return prog;
}

int oci_write_pid_file(const char *path, pid_t pid, struct zone_error *e)
{
	char tmp[PATH_MAX + 16], buf[16];
	int fd, n;

	snprintf(tmp, sizeof(tmp), "%s.lxzone-tmp", path);
	n = snprintf(buf, sizeof(buf), "%d", (int)pid);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, buf, (size_t)n) != n || close(fd) < 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		return oci_fail(e, "write pid file %s: %s", path, strerror(errno));
	}
	return 0;
}

static void now_rfc3339(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%09ldZ", ts.tv_nsec);
}

static int copy_config(const struct container *k, struct zone_error *e)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/config.json", k->st.dir);
	if (json_dump_file(k->cfg.json, path, JSON_COMPACT) < 0)
		return oci_fail(e, "write %s: %s", path, strerror(errno));
	return 0;
}

/* Undo a create that failed (or a run that ended): the init, the cgroup, the state. */
static void container_destroy(struct container *k, pid_t pid)
{
	struct zone_error ze = {0};

	if (pid > 0)
		kill(pid, SIGKILL);
	if (k->cg_made) {
		zone_cgroup_kill(&k->cg, 5000, &ze);
		zone_cgroup_remove(&k->cg, &ze);
	}
	oci_state_remove(k->st.dir);
}

/* runc's words for a failed create or run: "runc create failed: REASON". */
static int create_error(const struct zone_error *e, int run)
{
	struct zone_error p;

	snprintf(p.msg, sizeof(p.msg), "%s %s failed: %.900s", oci_g.prog, run ? "run" : "create",
		 e->msg);
	return oci_error(&p);
}

/* The state root and its parents (a shim names /run/containerd/runc/NAMESPACE), as runc's
 * MkdirAll; the root itself private to root. */
static int mkdir_p(const char *path)
{
	char buf[PATH_MAX];

	if ((size_t)snprintf(buf, sizeof(buf), "%s", path) >= sizeof(buf))
		return errno = ENAMETOOLONG, -1;
	for (char *p = strchr(buf + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

/* The state directory's OCI_CREATING_MARK made (set) or removed: "creating" until create is
 * done, so no exec joins PID 1 while its mount namespace's root may be the host's. */
static int creating_mark(const struct container *k, int set, struct zone_error *e)
{
	char path[PATH_MAX + 16];
	int fd;

	snprintf(path, sizeof(path), "%s/" OCI_CREATING_MARK, k->st.dir);
	if (!set) {
		if (unlink(path) < 0)
			return oci_fail(e, "unlink %s: %s", path, strerror(errno));
		return 0;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		int en = errno;

		rmdir(k->st.dir);
		return oci_fail(e, "create %s: %s", path, strerror(en));
	}
	close(fd);
	return 0;
}

/* create; with run set, the container is also started, waited for and deleted. */
/* What runc refuses before anything is made, then the container's state directory (its
 * existence is the id's lock).  0 or -1 with e filled; nothing to undo on failure. */
static int create_check(struct container *k, const struct create_opts *co, int run,
			struct zone_error *e)
{
	if (oci_id_check(co->id, e) < 0 || oci_config_load(co->bundle, &k->cfg, e) < 0)
		return -1;
	int detach = !run || co->detach;

	/* runc's checkTerminal, but for a foreground run given a console socket: runc refuses
	 * it, here the socket is used as create would (docs/oci.md) */
	if (k->cfg.terminal && !co->console_socket && detach)
		return oci_fail(e, "cannot allocate tty if runc will detach without setting "
				   "console socket");
	if (!k->cfg.terminal && co->console_socket)
		return oci_fail(e, "cannot use console socket if runc will not detach or "
				   "allocate tty");
	/* in the foreground with no socket the caller's terminal is the console (oci_tty.c) */
	k->tty_relay = k->cfg.terminal && !detach && !co->console_socket;
	if (k->tty_relay &&
	    (oci_tty_host(&k->tty, e) < 0 || oci_tty_pair(&k->tty, &k->console_fd, e) < 0))
		return -1;
	if (mkdir_p(oci_g.root) < 0)
		return oci_fail(e, "mkdir %s: %s", oci_g.root, strerror(errno));
	snprintf(k->st.id, sizeof(k->st.id), "%s", co->id);
	snprintf(k->st.dir, sizeof(k->st.dir), "%s/%s", oci_g.root, co->id);
	snprintf(k->st.bundle, sizeof(k->st.bundle), "%s", k->cfg.bundle);
	snprintf(k->st.rootfs, sizeof(k->st.rootfs), "%s", k->cfg.rootfs);
	if (mkdir(k->st.dir, 0711) < 0) {
		if (errno == EEXIST)
			return oci_fail(e, "container with given ID already exists");
		return oci_fail(e, "mkdir %s: %s", k->st.dir, strerror(errno));
	}
	return creating_mark(k, 1, e);
}

/* The state (so a hook may ask for it) and the hooks create runs in the runtime's namespaces,
 * once (before PID 1's pivot_root when it asks, else once it is ready). */
static int create_runtime_hooks(struct container *k, pid_t pid, struct zone_error *e)
{
	/* they ran while PID 1 waited before its pivot ('h'), with the pid create had then: in a
	 * pid namespace joined late, the setup's or init's parent's, and init exists only now */
	if (k->runtime_hooks_done && k->st.pid == pid)
		return 0;
	k->st.pid = pid;
	k->st.start_time = oci_proc_start_time(pid);
	if (oci_state_save(&k->st, e) < 0)
		return -1;
	if (k->runtime_hooks_done)
		return 0;
	k->runtime_hooks_done = 1;
	if (oci_hooks_run(&k->cfg, "createRuntime", &k->st, OCI_CREATED, e) < 0 ||
	    oci_hooks_run(&k->cfg, "prestart", &k->st, OCI_CREATED, e) < 0)
		return -1;
	return 0;
}

/*
 * The kernel serves the container's lxproc files where the runtime may mount FUSE (root,
 * /dev/fuse): the plan binds them over the /proc and /sys paths it mounted itself, after
 * those mounts and before config.json's maskedPaths and readonlyPaths (oci_plan_extend puts
 * those last, before pivot_root), so a masked path stays masked; the page says so to exec
 * and the brand.  Without FUSE the brand serves them, trapping opens, as in a zone.
 */
static void lxproc_kernel_files(struct container *k)
{
	struct zone_error fe = {0};

	lxprocfs_init(&k->fs);
	if (geteuid() != 0 || lxprocfs_open(&k->fs, &fe) < 0)
		return;
	lxprocfs_plan_opts(&k->fs, k->lxbinds, k->lxfiles, &k->opts);
	lxzone_page_set_flags(&k->page, LXZP_F_KERNEL_FILES);
}

/* The container's PID 1, started and waiting on exec.fifo for `start`: the plan, the filter,
 * the fifo, the spawn, and PID 1's word that the container is set up.  *pid is set once it
 * exists (-1 again when it died). */
static int create_spawn(struct container *k, const struct create_opts *co, struct sock_fprog *prog,
			pid_t *pid, struct zone_error *e)
{
	const struct sock_fprog *filter;
	char fifo[PATH_MAX + 16], c;
	sigset_t none;
	int status = 0, reaped = 0;

	k->st.annotations = json_incref(json_object_get(k->cfg.json, "annotations"));
	now_rfc3339(k->st.created, sizeof(k->st.created));
	snprintf(fifo, sizeof(fifo), "%s/exec.fifo", k->st.dir);
	if (copy_config(k, e) < 0 ||
	    oci_seccomp_build(json_object_get(json_object_get(k->cfg.json, "linux"), "seccomp"),
			      &k->seccomp, e) < 0 ||
	    opts_build(k, co, e) < 0 || oci_timens_opts(k, e) < 0 || oci_container_cgroup(k, e) < 0)
		return -1;
	if (co->console_socket && (k->console_fd = oci_console_connect(co->console_socket, e)) < 0)
		return -1;
	lxproc_kernel_files(k);
	if (launch_plan_build(&k->opts, &k->plan, e) < 0 || oci_plan_extend(k, e) < 0)
		return -1;
	if (!(filter = filter_get(k, prog, e)))
		return -1;
	/* before PID 1 and in create's own pid namespace: the server answers the plan's binds */
	if (oci_page_daemon_start(k, e) < 0)
		return -1;
	if (mkfifo(fifo, 0622) < 0 ||
	    (k->start_fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0 ||
	    pipe2(k->ready, O_CLOEXEC) < 0 || pipe2(k->hooks_go, O_CLOEXEC) < 0)
		return oci_fail(e, "exec fifo %s: %s", fifo, strerror(errno));
	if (oci_preserve_fds_pass(co->preserve_fds, e) < 0)
		return -1;
	sigemptyset(&none);
	if (launch_spawn(&k->plan, filter, NULL, &none, pid, e) < 0)
		return -1;
	oci_preserve_fds_close(co->preserve_fds);
	if (k->opts.mnt_fd >= 0)
		close(k->opts.mnt_fd); /* PID 1's now */
	if (k->opts.cgroupns_fd >= 0)
		close(k->opts.cgroupns_fd);
	if (k->opts.pidns_fd >= 0)
		close(k->opts.pidns_fd);
	if (oci_timens_spawned(k, *pid, e) < 0)
		return -1;
	close(k->ready[1]);
	close(k->hooks_go[0]);
	close(k->start_fd);
	if (k->console_fd >= 0)
		close(k->console_fd);
	launch_userns_close(&k->userns);
	/* 'h': PID 1 is before pivot_root and waits for the createRuntime/prestart hooks;
	 * 'r': it is set up and waits for start */
	while (read(k->ready[0], &c, 1) == 1 && c == 'h') {
		if (create_runtime_hooks(k, *pid, e) < 0) {
			/* PID 1 sees end-of-file and gives up; waited for, so what it made in a
			 * joined mount namespace is taken back before create's kill */
			close(k->hooks_go[1]);
			if (waitpid(*pid, NULL, 0) == *pid)
				*pid = -1;
			return -1;
		}
		if (write(k->hooks_go[1], "g", 1) != 1)
			return oci_fail(e, "let the container go on: %s", strerror(errno));
		c = 0;
	}
	close(k->hooks_go[1]);
	/* init forked into a pid namespace joined late: *pid was the setup's (with a user
	 * namespace, init's parent's), which exited once it reported init's (create is the
	 * subreaper that adopted init); without init, its status is the one to report */
	if (k->init_pid_rfd >= 0) {
		pid_t init = -1;

		if (read(k->init_pid_rfd, &init, sizeof(init)) != sizeof(init))
			init = -1;
		close(k->init_pid_rfd);
		k->init_pid_rfd = -1;
		reaped = waitpid(*pid, &status, 0) == *pid && init <= 0;
		if (init <= 0 && c == 'r')
			return oci_fail(e, "container init failed: no pid from its setup");
		if (init > 0)
			*pid = init;
	}
	if (c != 'r') {
		/* PID 1 said why ('e' and its message: launch_init.c) or died; its status says
		 * how */
		char why[sizeof(e->msg)] = "";
		size_t n = c == 'e' ? launch_ready_reason(k->ready[0], why, sizeof(why)) : 0;
		if (!reaped)
			waitpid(*pid, &status, 0);
		*pid = -1;
		if (n)
			return oci_fail(e, "unable to start container process: %s", why);
		return oci_fail(e, "container init failed (exit status %d)",
				launch_status_code(status));
	}
	close(k->ready[0]);
	return 0;
}

/* run: start it, wait unless detached, then delete. */
static int create_run(struct container *k, const struct create_opts *co, pid_t pid)
{
	struct zone_error e = {0};
	char *argv[] = {"start", (char *)co->id, NULL};
	int status;

	if (oci_cmd_start(2, argv) != 0) {
		oci_tty_close(&k->tty);
		container_destroy(k, pid);
		return 1;
	}
	if (co->detach)
		return 0;
	if (k->tty_relay) {
		status = oci_tty_relay(&k->tty, pid);
		oci_tty_close(&k->tty); /* the caller's terminal as it was, before any message */
	} else {
		status = launch_wait(pid);
	}
	container_destroy(k, -1);
	if (oci_hooks_run(&k->cfg, "poststop", &k->st, OCI_STOPPED, &e) < 0)
		oci_log("warning", "%s", e.msg);
	return status;
}

static int do_create(const struct create_opts *co, int run)
{
	static struct container k; /* large (the plan): one per process */
	struct sock_fprog prog = {0, NULL};
	struct zone_error e = {0};
	pid_t pid = -1;

	k.console_fd = k.start_fd = k.ready[0] = k.ready[1] = k.hooks_go[0] = k.hooks_go[1] = -1;
	k.page_go = -1;
	lxprocfs_init(&k.fs);
	k.tty.host = k.tty.sock = k.tty.master = -1;
	if (create_check(&k, co, run, &e) < 0) {
		oci_tty_close(&k.tty);
		return create_error(&e, run);
	}
	if (create_spawn(&k, co, &prog, &pid, &e) < 0)
		goto fail;
	/* PID 1 sent the terminal before it said it was ready */
	if (k.tty_relay && oci_tty_recv(&k.tty, &e) < 0)
		goto fail;
	if (create_runtime_hooks(&k, pid, &e) < 0)
		goto fail;
	if ((co->pid_file && oci_write_pid_file(co->pid_file, pid, &e) < 0) ||
	    creating_mark(&k, 0, &e) < 0)
		goto fail;
	oci_page_daemon_go(&k, pid);
	lxprocfs_stop(&k.fs); /* create's descriptors: the server is the daemon's */
	lxzone_page_close(&k.page, false);
	free(prog.filter);
	return run ? create_run(&k, co, pid) : 0;
fail:
	oci_page_daemon_go(&k, -1);
	lxprocfs_stop(&k.fs);
	oci_tty_close(&k.tty);
	free(prog.filter);
	lxzone_page_close(&k.page, false);
	launch_userns_close(&k.userns);
	container_destroy(&k, pid);
	return create_error(&e, run);
}

static int parse_create(int argc, char **argv, struct create_opts *co, int run)
{
	struct zone_error e;

	memset(co, 0, sizeof(*co));
	co->bundle = ".";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		char name[64];
		const char *val = NULL;

		if (a[0] != '-') {
			if (co->id)
				return oci_fail(&e, "%s: \"%s\" requires exactly 1 argument(s)",
						oci_g.prog, argv[0]),
				       oci_error(&e), -1;
			co->id = a;
			continue;
		}
		snprintf(name, sizeof(name), "%.*s", eq ? (int)(eq - a) : (int)strlen(a), a);
		if (!strcmp(name, "--no-pivot") || !strcmp(name, "--no-new-keyring") ||
		    !strcmp(name, "--keep") || !strcmp(name, "--no-subreaper")) {
			continue;
		}
		if (!strcmp(name, "--detach") || !strcmp(name, "-d")) {
			co->detach = 1;
			continue;
		}
		if (eq)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		else
			return oci_fail(&e, "flag needs an argument: %s", a), oci_error(&e), -1;
		if (!strcmp(name, "--bundle") || !strcmp(name, "-b"))
			co->bundle = val;
		else if (!strcmp(name, "--pid-file"))
			co->pid_file = val;
		else if (!strcmp(name, "--console-socket"))
			co->console_socket = val;
		else if (!strcmp(name, "--preserve-fds")) {
			if ((co->preserve_fds = oci_preserve_fds_arg(val)) < 0)
				return oci_fail(&e,
						"invalid value \"%s\" for flag -preserve-fds: "
						"parse error",
						val),
				       oci_error(&e), -1;
		} else
			return oci_fail(&e, "flag provided but not defined: %s", a), oci_error(&e),
			       -1;
	}
	(void)run;
	if (!co->id)
		return oci_fail(&e, "%s: \"%s\" requires exactly 1 argument(s)", oci_g.prog,
				argv[0]),
		       oci_error(&e), -1;
	return 0;
}

int oci_cmd_create(int argc, char **argv)
{
	struct create_opts co;

	if (parse_create(argc, argv, &co, 0) < 0)
		return 1;
	return do_create(&co, 0);
}

int oci_cmd_run(int argc, char **argv)
{
	struct create_opts co;

	if (parse_create(argc, argv, &co, 1) < 0)
		return 1;
	return do_create(&co, 1);
}

int oci_cmd_start(int argc, char **argv)
{
	struct oci_state s;
	struct oci_config cfg;
	struct zone_error e;
	char fifo[PATH_MAX + 16], path[PATH_MAX + 16];
	int fd;

	if (argc != 2)
		return oci_fail(&e, "%s: \"start\" requires exactly 1 argument(s)", oci_g.prog),
		       oci_error(&e);
	if (oci_state_load(argv[1], &s, &e) < 0)
		return oci_error(&e);
	switch (oci_state_status(&s)) {
	case OCI_CREATED:
		break;
	case OCI_STOPPED:
		oci_state_free(&s);
		return oci_fail(&e, "cannot start a container that has stopped"), oci_error(&e);
	case OCI_RUNNING:
		oci_state_free(&s);
		return oci_fail(&e, "cannot start an already running container"), oci_error(&e);
	default:
		oci_fail(&e, "cannot start a container in the %s state",
			 oci_status_name(oci_state_status(&s)));
		oci_state_free(&s);
		return oci_error(&e);
	}
	snprintf(fifo, sizeof(fifo), "%s/exec.fifo", s.dir);
	fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || write(fd, "0", 1) != 1) {
		oci_fail(&e, "%s",
			 errno == ENXIO ? "cannot start a container that has stopped"
					: strerror(errno));
		if (fd >= 0)
			close(fd);
		oci_state_free(&s);
		return oci_error(&e);
	}
	/* PID 1 holds the read end until it execs the program (after startContainer hooks):
	 * no reader left (POLLERR) is the program started, or PID 1 gone */
	for (;;) {
		struct pollfd p = {.fd = fd, .events = 0};

		if (poll(&p, 1, -1) < 0 && errno == EINTR)
			continue;
		break;
	}
	close(fd);
	unlink(fifo);
	snprintf(path, sizeof(path), "%s/config.json", s.dir);
	if (oci_config_load_file(path, s.bundle, &cfg, &e) == 0 &&
	    oci_hooks_run(&cfg, "poststart", &s, OCI_RUNNING, &e) < 0)
		oci_log("warning", "%s", e.msg);
	oci_config_free(&cfg);
	oci_state_free(&s);
	return 0;
}
