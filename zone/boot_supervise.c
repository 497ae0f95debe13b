/*
 * The supervisor (boot.h): sets the zone up, starts its init, holds the zone until it ends,
 * and takes it down.
 */
#include "zone/boot_int.h"
#include "zone/rlimits.h"

static void write_exit_status(struct zone *z, int status, int halted)
{
	cleanup_close int zp = open(zone_path(z), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	json_t *o = json_pack("{s:i, s:b, s:I}", "status", status, "halted", halted, "time",
			      (json_int_t)time(NULL));
	if (zp >= 0)
		zone_json_write_atomic(zp, "exit-status", o, NULL);
	json_decref(o);
}

/*
 * init ended on its own (no halt or shutdown command is waiting for us, holding the lock):
 * record the zone installed, so state.json never says running for a zone that is not.  Only
 * while state.json still names this supervisor, and only with the zone's lock, waited for
 * 3 s at most: a command that took it meanwhile to stop the zone records the end itself.
 */
static void record_stopped(struct zone *z)
{
	struct zone *cur = NULL;
	struct zone_error ignored = {0};
	json_t *sup;

	setenv("LXZONE_LOCK_TIMEOUT", "3", 1);
	if (zone_open(z->store, z->name, ZONE_OPEN_LOCK, &cur, &ignored) < 0)
		return;
	sup = json_object_get(cur->state, "supervisor");
	if (json_integer_value(json_object_get(sup, "pid")) == getpid()) {
		zone_state_put(cur, "init-pid", NULL);
		zone_set_state(cur, ZONE_INSTALLED, &ignored);
	}
	zone_free(cur);
}

/*
 * After a reboot in the zone (recorded installed by record_stopped): `lxzone boot NAME`
 * again, as a new command from the host's mount namespace with the signal mask lxzone
 * started with, so the zone boots exactly as the first time (a new supervisor, new
 * namespaces).  Its output goes to the console log.  Returns only when it cannot exec.
 */
static void boot_again(struct zone *z, int host_mnt, const sigset_t *mask)
{
	char *argv[] = {(char *)"lxzone", (char *)"boot", z->name, NULL};

	unsetenv("LXZONE_LOCK_TIMEOUT"); /* record_stopped's */
	if (host_mnt < 0 || setns(host_mnt, CLONE_NEWNS) < 0) {
		fprintf(stderr, "lxzone: zone %s: reboot: host mount namespace: %s\n", z->name,
			strerror(errno));
		return;
	}
	sigprocmask(SIG_SETMASK, mask, NULL);
	execv("/proc/self/exe", argv);
	fprintf(stderr, "lxzone: zone %s: reboot: exec lxzone: %s\n", z->name, strerror(errno));
}

static void ready_fail(int fd, struct zone_error *err)
{
	dprintf(fd, "err %s\n", err->msg);
	close(fd);
}

/*
 * The mount service of init's tree, once init has the zone's root in place and before any
 * zone process can mount: record the boot mounts (what the zone may never unmount or
 * remount) and listen on the service's socket; returns the listener (-2: none, execs start a
 * service each).  The service itself is forked after the boot command has its answer
 * (boot_mountd_start): a zone process's first mount waits in the filter's notification until
 * it serves, and an exec's connection waits in the listener's backlog.
 */
static int boot_mountd_prepare(struct zone *z, struct boot_ctx *b, pid_t init,
			       struct zone_error *err)
{
	cleanup_close int zp = open(zone_path(z), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (zp < 0)
		return zone_error_set(err, errno, "%s", zone_path(z));
	if (mountd_boot_record(init, zp, err) < 0 || mountd_boot_load(zp, &b->mountd, err) < 0)
		return -1;
	if (!b->mountd.boot_known)
		return zone_error_set(err, 0, "no record of the boot mounts");
	/* execs hand their listeners to this service instead of starting one each */
	return mountd_listen(zone_path(z), err);
}

/* The service, on the socket the program sends its listener over, and lsock (closed here). */
static int boot_mountd_start(struct boot_ctx *b, int sock, int lsock, pid_t *server,
			     struct zone_error *err)
{
	int r = mountd_start(sock, lsock, &b->mountd, server, err);

	if (lsock >= 0)
		close(lsock);
	return r;
}

/* /etc/hostname, hosts, resolv.conf (zone/identity.c); an overlay on idmapped layers is
 * written as the zone's root, a directory root as its on-disk ids (0) */
static int boot_identity(struct zone *z, struct boot_ctx *b, struct zone_error *err)
{
	uid_t id = zone_userns(z) && zone_overlay_lower(z) ? b->ids.base : 0;
	bool net = strcmp(zone_config_str(z->config, "net"), "none") != 0;

	return zone_identity_write(b->root, zone_config_str(z->config, "identity-files"),
				   b->opts.hostname ? b->opts.hostname : z->name,
				   net ? "/etc/resolv.conf" : NULL,
				   zone_config_str(z->config, "dns"), id, id, err);
}

/* What the supervisor holds from its start to the zone's end. */
struct sup {
	struct zone *z;
	struct boot_ctx *b;
	struct launch_plan *plan;
	struct sock_fprog filter;
	struct zone_console con;
	struct zone_error err;
	char log[PATH_MAX];
	sigset_t orig, wait_set;
	pid_t init, mountd;
	int readyfd, nfd, host_mnt;
	int halted, asked, reboot, status;
};

static void sup_ready(struct sup *s)
{
	dprintf(s->readyfd, "ready\n");
	close(s->readyfd);
	s->readyfd = -1;
}

/* A session of its own, stdin on /dev/null, stdout and stderr the console log (capped and
 * rotated, zone/console.h); the zone's output comes through a pipe we read.  Never returns on
 * failure: there is nothing to undo yet. */
static void sup_stdio(struct sup *s)
{
	struct zone *z = s->z;
	int fd;

	if (s->b)
		lxprocfs_init(&s->b->lxfs);
	setsid();
	if (z->lockfd >= 0) {
		close(z->lockfd); /* the boot command keeps the lock; we must not */
		z->lockfd = -1;
	}
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		dup2(fd, 0);
	snprintf(s->log, sizeof(s->log), "%s/%s", zone_path(z), ZONE_CONSOLE_LOG);
	if (zone_console_open(&s->con, zone_path(z), zone_config_u64(z->config, "console-log-size"),
			      (unsigned)zone_config_u64(z->config, "console-log-files"),
			      &s->err) < 0) {
		ready_fail(s->readyfd, &s->err);
		_exit(1);
	}
	zone_console_own_stdio(&s->con);
	if (s->b == NULL || s->plan == NULL) {
		zone_error_set(&s->err, ENOMEM, "supervisor");
		ready_fail(s->readyfd, &s->err);
		_exit(1);
	}
	s->b->net.netns_fd = -1;
	launch_userns_init(&s->b->userns);
}

/* The zone's root in our private mount namespace, its user namespace, the launch options
 * from its configuration and the identity files.  Nothing on the host to undo on failure. */
static int sup_root(struct sup *s)
{
	struct zone *z = s->z;
	struct boot_ctx *b = s->b;
	struct zone_error *err = &s->err;

	/* the host's mount namespace, to boot the zone again from after a reboot in it */
	s->host_mnt = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	/* a privileged zone has no binfmt_misc of its own: its set-user-ID programs go through
	 * the host's entry for the exec links, found or made from the host's mount namespace,
	 * where its mount outlives this one (launch_binfmt.c) */
	int host_entry = zone_userns(z) ? 0 : launch_binfmt_host();
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return zone_error_set(err, errno, "supervisor mount namespace");
	if (zone_userns(z)) {
		if (zone_idmap_get(z->state, &b->ids) < 0)
			return zone_error_set(err, 0, "no host id range in state.json");
		if (launch_userns_create(b->ids.base, b->ids.count,
					 !zone_net_is(z, "exclusive") && !zone_net_is(z, "shared"),
					 &b->userns, err) < 0 ||
		    zone_overlay_mount_idmapped(z, b->userns.user_fd, b->ids.base, err) < 0)
			return -1;
	} else if (zone_overlay_mount(z, err) < 0) {
		return -1;
	}
	if (boot_build_opts(z, b, err) < 0)
		return -1;
	if (zone_userns(z)) {
		b->opts.userns = &b->userns;
		b->opts.root_mapped = zone_overlay_lower(z) != NULL;
	}
	b->opts.exec_links = host_entry;
	return boot_identity(z, b, err);
}

/* The zone's cgroup (a stale one of a dead supervisor removed first), its network, its
 * console terminal, and the launcher's plan.  On failure the caller removes the cgroup. */
static int sup_cgroup_net(struct sup *s)
{
	struct zone *z = s->z;
	struct boot_ctx *b = s->b;
	struct zone_error *err = &s->err;
	struct zone_cg_limits lim;

	if (zone_cgroup_exists(&b->cg) &&
	    (zone_cgroup_kill(&b->cg, 5000, err) < 0 || zone_cgroup_remove(&b->cg, err) < 0))
		return -1;
	boot_limits(z->config, b, &lim);
	if (zone_cgroup_create(&b->cg, &lim, err) < 0)
		return -1;
	/* the delegated child is the zone root's to manage */
	if (zone_userns(z) && zone_cgroup_chown(&b->cg, b->ids.base, b->ids.base, err) < 0)
		return -1;
	boot_set_cgroups(b);
	if (zone_net_is(z, "shared") && boot_net_shared(z, b, err) < 0)
		return -1;
	if (zone_net_is(z, "exclusive")) {
		/* owned by the zone's user namespace: its root configures its own network */
		if (zone_net_exclusive_create(z->name, z->config, b->userns.user_fd, &b->net, err) <
		    0)
			return -1;
		b->opts.net = LAUNCH_NET_FD;
		b->opts.net_fd = b->net.netns_fd;
	}
	boot_lxprocfs_plan(b, false);
	b->opts.affinity_native = zone_cgroup_cpus_native(&b->cg, b->opts.millicpus);
	/* memlock and nice in place of the capabilities a user namespace voids (zone/rlimits.c) */
	b->opts.nrlimits = zone_rlimits(z->config, b->opts.caps, zone_userns(z),
					zone_cgroup_cpu_group(&b->cg), b->rlimits);
	b->opts.rlimits = b->rlimits;
	if (launch_rlimits_check(&b->opts, err) < 0)
		return -1;
	/* with a user namespace the zone binds the readable brand its processes exec again once
	 * their exe names the program (LX_ZONE_BRAND, syscalls/lx_exe.c) */
	b->opts.exe_kernel = b->opts.userns != NULL;
	/* the zone's /dev/console, a terminal the supervisor holds and logs */
	if (zone_console_pty_open(&s->con, zone_userns(z) ? b->ids.base : (uid_t)-1,
				  zone_userns(z) ? b->ids.base : (gid_t)-1, b->console,
				  sizeof(b->console), err) < 0)
		return -1;
	b->opts.console = b->console;
	/* and its /dev/tty1..N, for an inittab's gettys (zone/ttys.h) */
	if (zone_ttys_open(&b->ttys, zone_config_u64(z->config, "ttys"),
			   zone_userns(z) ? b->ids.base : (uid_t)-1,
			   zone_userns(z) ? b->ids.base : (gid_t)-1, err) < 0)
		return -1;
	b->opts.ttys = b->ttys.paths;
	b->opts.nttys = b->ttys.n;
	if (launch_plan_build(&b->opts, s->plan, err) < 0)
		return zone_error_wrap(err, "plan");
	return 0;
}

/* The filter (cached in the store), the zone page with a first sample and the lxproc file
 * server: all there before the zone's init can look for them. */
static int sup_filter_page(struct sup *s)
{
	struct boot_ctx *b = s->b;
	struct zone_error *err = &s->err;
	struct lx_filter_opts fo = {
	    .hardened = b->opts.hardened,
	    .mount_notify = 1,
	    /* the kernel locks the boot mounts' flags in the zone's user namespace */
	    .userns = b->opts.userns != NULL,
	    .exe_kernel = b->opts.exe_kernel,
	};

	launch_filter_view(&b->opts, &fo);
	if (zone_filter_get(s->z, &fo, &s->filter, err) < 0)
		return zone_error_wrap(err, "filter");
	/* the zone's time namespace counts from the same boot as the page */
	b->opts.timens_boot_ns = lxzone_boottime_ns();
	if (lxzone_page_create(&b->page, b->page_path, b->opts.timens_boot_ns, err) < 0)
		return -1;
	if (b->opts.timens)
		lxzone_page_set_timens(&b->page, b->opts.timens_boot_ns);
	lxzone_page_set_disks(&b->page, "/sys/dev/block", b->mountd.devs, b->mountd.ndevs);
	if (b->opts.net_view && boot_net_view(s->z, b, err) < 0)
		return -1;
	if (lxzone_page_sample(&b->page, &b->cg, err) < 0)
		return -1;
	/* the plan of a zone without a user namespace mounts from inside its pid namespace */
	if (b->opts.lxproc_kernel && lxprocfs_start(&b->lxfs, b->page_path, b->opts.kernel_version,
						    b->opts.userns == NULL, err) < 0)
		return -1;
	lxzone_page_set_flags(&b->page, (b->opts.lxproc_kernel ? LXZP_F_KERNEL_FILES : 0) |
					    (b->opts.affinity_native ? LXZP_F_AFFINITY_NATIVE : 0) |
					    (b->opts.net_view ? LXZP_F_NET_SHARED : 0));
	return 0;
}

/* Start the zone's init and wait until it has the zone's root in place ("ok" to the boot
 * command then: exec joins its mount namespace), then start the mount service. */
static int sup_start_init(struct sup *s)
{
	struct zone *z = s->z;
	struct boot_ctx *b = s->b;
	struct zone_error *err = &s->err;
	int ready[2], notify[2];
	char rb;
	ssize_t rn;

	sigprocmask(SIG_SETMASK, NULL, &s->orig);
	launch_forward_sigset(&s->wait_set);
	sigaddset(&s->wait_set, SIGCHLD);
	sigaddset(&s->wait_set, SIGIO); /* the notification socket */
	sigprocmask(SIG_BLOCK, &s->wait_set, NULL);
	if (pipe2(ready, O_CLOEXEC) < 0)
		return zone_error_set(err, errno, "pipe");
	b->opts.ready_fd = &ready[1];
	/* the program sends its mount listener over notify[1] (launch.h) */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, notify) < 0)
		return zone_error_set(err, errno, "socketpair");
	b->opts.notify_sock = &notify[1];
	/* init's stdin, stdout and stderr: the console, inherited through launch_spawn; the
	 * supervisor's cap bounds what of it reaches the host's disk.  Its environment: the
	 * container interface's, nothing of ours */
	if (zone_init_notifies(b->kind) && (s->nfd = zone_init_notify_open(zone_path(z))) < 0)
		return zone_error_set(err, -s->nfd, "notification socket");
	if (zone_console_listen(&s->con, zone_path(z), err) < 0)
		return -1;
	/* `lxzone console --tty K` (zone/ttys.h) */
	if (b->ttys.listen_fd < 0 && zone_ttys_listen(&b->ttys, zone_path(z), err) < 0)
		return -1;
	zone_console_pty_stdio(&s->con);
	char **host_env = environ;
	environ = b->env;
	int spawned = launch_spawn(s->plan, &s->filter, NULL, &s->orig, &s->init, err);
	environ = host_env;
	zone_console_log_stdio(&s->con);
	if (spawned < 0)
		return zone_error_wrap(err, "start init");
	launch_userns_close(&b->userns); /* init holds them now */
	close(ready[1]);
	while ((rn = read(ready[0], &rb, 1)) < 0 && errno == EINTR)
		;
	if (rn != 1 || rb != 'r') {
		/* 'e' and init's reason (launch_init.c), or init died without one */
		char why[sizeof(err->msg)] = "";
		size_t n =
		    rn == 1 && rb == 'e' ? launch_ready_reason(ready[0], why, sizeof(why)) : 0;
		int st = 0;

		close(ready[0]);
		waitpid(s->init, &st, 0);
		zone_console_drain(&s->con); /* what init printed, before ours */
		if (n) {
			zone_console_printf(&s->con, "lxzone: zone %s: %s\n", z->name, why);
			return zone_error_set(err, 0, "init could not set the zone up: %s", why);
		}
		return zone_error_set(err, 0, "init could not set the zone up (status %d; see %s)",
				      WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), s->log);
	}
	close(ready[0]);
	int lsock = boot_mountd_prepare(z, b, s->init, err);
	/* reading init's mounts fails once the kernel has dropped its namespaces, a moment
	 * before it is a zombie: a failure waits for it a little before it counts as the mount
	 * service's own */
	if (lsock == -1 && boot_pid_ends(s->init, 500) == 1) {
		/* init said ready and exited before its mounts could be read: the zone ends as
		 * an init's exit before readiness ends it, with init's status and last words (not
		 * reaped here: sup_loop does that) */
		dprintf(s->readyfd, "ok %d\n", (int)s->init);
		close(notify[0]);
		return 0;
	}
	if (lsock == -1) {
		kill(s->init, SIGKILL);
		waitpid(s->init, NULL, 0);
		return zone_error_wrap(err, "mount service");
	}
	/* started; and ready, unless init says so itself (boot_init.h): both in one write */
	if (!zone_init_notifies(b->kind) && !zone_init_polled(b->kind)) {
		dprintf(s->readyfd, "ok %d\nready\n", (int)s->init);
		close(s->readyfd);
		s->readyfd = -1;
	} else {
		dprintf(s->readyfd, "ok %d\n", (int)s->init);
	}
	if (boot_mountd_start(b, notify[0], lsock, &s->mountd, err) < 0) {
		/* the boot command has its answer: the zone ends, and sup_end records it */
		zone_console_printf(&s->con, "lxzone: zone %s: mount service: %s\n", z->name,
				    err->msg);
		kill(s->init, SIGKILL);
	}
	close(notify[0]);
	zone_console_printf(&s->con, "lxzone: zone %s booted, init pid %d (%s)\n", z->name,
			    (int)s->init, zone_init_kind_name(b->kind));
	return 0;
}

/* init ended: its status, and whether the kernel ended it for reboot(2) in the zone (SIGHUP
 * restarts, SIGINT powers off).  Returns 1 when init is among the reaped children. */
static int sup_reap(struct sup *s)
{
	int st, done = 0;
	pid_t p;

	while ((p = waitpid(-1, &st, WNOHANG)) > 0)
		if (p == s->init) {
			s->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			s->reboot = WIFSIGNALED(st) && WTERMSIG(st) == SIGHUP;
			done = 1;
		}
	return done;
}

/* Until init ends: sample the zone page once a second (a deadline, not a timeout: signals in
 * between do not hold the sampler back), copy what the zone writes to the log, watch for
 * readiness, and obey halt (SIGTERM) and shutdown (SIGUSR1). */
static void sup_loop(struct sup *s)
{
	struct boot_ctx *b = s->b;
	uint64_t next_sample = lxzone_boottime_ns() + PAGE_SAMPLE_NS;
	int sample_failed = 0;

	for (;;) {
		siginfo_t si;
		uint64_t now = lxzone_boottime_ns();

		if (now >= next_sample) {
			struct zone_error serr = {0};
			if (lxzone_page_sample(&b->page, &b->cg, &serr) < 0 && !sample_failed++)
				zone_console_printf(&s->con, "lxzone: zone %s: %s\n", s->z->name,
						    serr.msg);
			next_sample = now + PAGE_SAMPLE_NS;
			/* the host's entry for the exec links, again if a flush took it
			 * (launch_binfmt.c) */
			if (b->opts.exec_links)
				launch_binfmt_host();
		}
		struct timespec ts = {(time_t)((next_sample - now) / 1000000000u),
				      (long)((next_sample - now) % 1000000000u)};
		if (s->readyfd >= 0 && zone_init_polled(b->kind)) {
			if (zone_init_sysv_ready(s->init)) {
				sup_ready(s);
				zone_console_printf(&s->con, "lxzone: zone %s ready\n", s->z->name);
			}
			ts = (struct timespec){0, 100 * 1000 * 1000}; /* look again soon */
		}
		int sig = zone_console_sigwait(&s->con, &s->wait_set, &si, &ts);
		if (sig == SIGCHLD && sup_reap(s))
			return;
		if (sig == SIGTERM) {
			s->halted = 1;
			zone_cgroup_kill(&b->cg, 5000, NULL);
			kill(s->init, SIGKILL);
		} else if (sig == SIGUSR1) {
			s->asked = 1;
			zone_init_request_poweroff(b->kind, s->init);
		} else if (sig == SIGIO) { /* the console's client, or the notification socket */
			zone_console_serve(&s->con);
			zone_ttys_serve(&s->b->ttys);
			/* every message is read, ready or not: a sender blocks once the socket's
			 * queue is full (net.unix.max_dgram_qlen, 10 here), and trixie's systemd
			 * (257) still notifies while it shuts down: its `systemctl reboot` hung */
			bool ready = s->nfd >= 0 && zone_init_notify_ready(s->nfd, s->init);
			if (ready && s->readyfd >= 0) {
				sup_ready(s);
				zone_console_printf(&s->con, "lxzone: zone %s ready\n", s->z->name);
			}
		}
	}
}

/* Kill what is left in the zone's cgroup and remove what the boot made on the host. */
static void sup_teardown(struct sup *s)
{
	struct boot_ctx *b = s->b;

	zone_cgroup_kill(&b->cg, 5000, NULL);
	/* the zone is gone: the end of what it wrote goes to the log before its end is told */
	zone_console_drain(&s->con);
	zone_cgroup_remove(&b->cg, NULL);
	zone_net_destroy(&b->net);
	lxzone_page_close(&b->page, true);
	lxprocfs_stop(&b->lxfs);
}

/* The zone ended: tear down, tell the log and the store, boot again after a reboot in it. */
static void __attribute__((noreturn)) sup_end(struct sup *s)
{
	struct zone *z = s->z;

	sup_teardown(s);
	if (s->mountd > 0) /* it ends when the zone's last process does; do not wait for that */
		kill(s->mountd, SIGKILL);
	mountd_unlink(zone_path(z));
	/* ended before it was ready: the boot command, still waiting, records it */
	bool boot_waiting = s->readyfd >= 0;
	if (s->readyfd >= 0)
		close(s->readyfd);
	if (s->nfd >= 0)
		close(s->nfd);
	zone_console_unlink(zone_path(z));
	zone_ttys_unlink(zone_path(z));
	if (s->b->notify[0])
		unlink(s->b->notify);
	s->reboot &= !s->halted && !s->asked;
	zone_console_printf(&s->con, "lxzone: zone %s %s, init status %d\n", z->name,
			    s->halted	? "halted"
			    : s->reboot ? "rebooting"
					: "stopped",
			    s->status);
	if (s->con.dropped)
		zone_console_printf(&s->con,
				    "lxzone: zone %s: %" PRIu64 " bytes of console output lost\n",
				    z->name, s->con.dropped);
	write_exit_status(z, s->status, s->halted);
	if (!s->halted && !s->asked && !boot_waiting)
		record_stopped(z);
	if (s->reboot)
		boot_again(z, s->host_mnt, &s->orig);
	_exit(0);
}

/* The supervisor: runs in a child of `lxzone boot`, never returns. */
void __attribute__((noreturn)) zone_supervise(struct zone *z, int readyfd)
{
	struct sup s = {.z = z,
			.b = calloc(1, sizeof(*s.b)),
			.plan = calloc(1, sizeof(*s.plan)),
			.readyfd = readyfd,
			.nfd = -1,
			.host_mnt = -1};

	sup_stdio(&s);
	if (sup_root(&s) < 0)
		goto fail;
	if (zone_cgroup_for(z, &s.b->cg, &s.err) < 0)
		goto fail;
	if (sup_cgroup_net(&s) < 0 || sup_filter_page(&s) < 0 || sup_start_init(&s) < 0) {
		sup_teardown(&s);
		goto fail;
	}
	sup_loop(&s);
	sup_end(&s);
fail:
	launch_userns_close(&s.b->userns);
	zone_console_printf(&s.con, "lxzone: zone %s: boot failed: %s\n", z->name, s.err.msg);
	ready_fail(s.readyfd, &s.err);
	_exit(1);
}
