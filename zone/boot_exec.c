/*
 * exec and login: a program in a running zone, under the brand, with the zone's filter and
 * its mount service.
 */
#include "zone/boot_int.h"

/*
 * The mount service of an entered program (lxzone exec, login): started before this process
 * joins the zone, so it stays in the host's pid namespace; it serves the program's listener,
 * which arrives on *sock, for as long as a process with that filter lives.
 */
static int exec_mountd_spawn(struct zone *z, int *sock, struct zone_error *err)
{
	cleanup_free struct mountd_zone *md = calloc(1, sizeof(*md));
	cleanup_free struct zone_device *spec = calloc(MOUNTD_MAX_DEVS, sizeof(*spec));
	cleanup_free struct launch_device *dev = calloc(MOUNTD_MAX_DEVS, sizeof(*dev));
	cleanup_close int zp = open(zone_path(z), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int sv[2];
	pid_t pid;

	if (!md || !spec || !dev)
		return zone_error_set(err, ENOMEM, "mount service");
	if (zp < 0)
		return zone_error_set(err, errno, "%s", zone_path(z));
	/* no boot record (a zone booted by an older lxzone): no mount is the zone's own */
	if (zone_devices(z, spec, dev, md, err) < 0 || mountd_boot_load(zp, md, err) < 0)
		return zone_error_wrap(err, "exec in zone %s: mount service", z->name);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return zone_error_set(err, errno, "exec in zone %s: socketpair", z->name);
	if (mountd_start(sv[0], -1, md, &pid, err) < 0) {
		close(sv[0]);
		close(sv[1]);
		return zone_error_wrap(err, "exec in zone %s", z->name);
	}
	close(sv[0]);
	*sock = sv[1];
	return 0;
}

static int exec_mountd_start(struct zone *z, int *sock, struct zone_error *err)
{
	/* the zone's own service takes the listener: no process to start (a fork and its
	 * copy-on-write faults on every exec); a zone booted without one gets its own */
	*sock = mountd_connect(zone_path(z));
	if (*sock >= 0)
		return 0;
	return exec_mountd_spawn(z, sock, err);
}

int zone_exec(struct zone *z, char **argv, const struct zone_exec_opts *o, int *status,
	      struct zone_error *err)
{
	static const struct zone_exec_opts none;
	struct launch_opts opts = {0};
	struct zone_cgroup cg;
	char procs[ZONE_CG_NCTRL + 1][ZONE_CG_PROCS];
	const char *procs_ptr[ZONE_CG_NCTRL + 1];
	const char *term = getenv("TERM");
	/* lxzone's own environment decides for auto, before it becomes the zone's (clearenv,
	 * -e): a program's LXZONE_SYSCALL_PATCHING is the guest's, not the brand's */
	const int patching = launch_patching_knob(
	    launch_patching_value(zone_config_str(z->config, "syscall-patching")));
	char termbuf[128];
	enum zone_state st = zone_get_state(z); /* checks the supervisor: once is enough */
	pid_t init = st == ZONE_RUNNING || st == ZONE_BOOTING
			 ? (pid_t)json_integer_value(json_object_get(z->state, "init-pid"))
			 : 0;
	char **av = argv;
	cleanup_free char **wrapped = NULL;

	if (o == NULL)
		o = &none;
	if ((st != ZONE_RUNNING && st != ZONE_BOOTING) || init <= 0)
		return zone_error_set(err, 0,
				      "zone %s is %s, not running (lxzone boot %s starts it)",
				      z->name, zone_state_name(st), z->name);
	if (zone_cgroup_for(z, &cg, err) < 0)
		return -1;
	/* a zone booted by an lxzone without the devices cgroup: its processes have none to
	 * join, and its capability set (recorded at boot) has no cap_mknod; nor, by one without
	 * the blkio cgroup, a blkio one */
	zone_cgroup_skip_absent(&cg, ZONE_CG_DEVICES);
	zone_cgroup_skip_absent(&cg, ZONE_CG_BLKIO);
	/* a zone booted by an lxzone without delegation: its processes are in the zone's
	 * cgroup itself */
	if (!zone_cgroup_inner_exists(&cg))
		cg.inner[0] = '\0';
	int np = zone_cgroup_enter_files(&cg, init, procs, ZONE_CG_NCTRL + 1, err);
	if (np < 0)
		return zone_error_wrap(err, "exec in zone %s", z->name);
	for (int i = 0; i < np; i++)
		procs_ptr[i] = procs[i];
	if (o->workdir != NULL) {
		/* The launcher enters at "/": change directory through the zone's shell. */
		size_t n = 0;
		while (argv[n])
			n++;
		wrapped = calloc(n + 6, sizeof(char *));
		if (wrapped == NULL)
			return zone_error_set(err, ENOMEM, "exec");
		wrapped[0] = (char *)"/bin/sh";
		wrapped[1] = (char *)"-c";
		wrapped[2] = (char *)"cd \"$0\" && exec \"$@\"";
		wrapped[3] = (char *)o->workdir;
		for (size_t i = 0; i < n; i++)
			wrapped[4 + i] = argv[i];
		av = wrapped;
	}
	/* The zone gets a clean environment, not the host's. */
	if (term != NULL)
		snprintf(termbuf, sizeof(termbuf), "%s", term);
	clearenv();
	setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
	setenv("HOME", "/root", 1);
	setenv("HOSTNAME", zone_config_str(z->config, "hostname"), 1);
	if (term != NULL)
		setenv("TERM", termbuf, 1);
	for (size_t i = 0; o->env && o->env[i]; i++)
		if (putenv(o->env[i]) != 0)
			return zone_error_set(err, errno, "environment %s", o->env[i]);
	opts.kernel_version = zone_config_str(z->config, "kernel-version");
	opts.hardened = strcmp(zone_config_str(z->config, "profile"), "hardened") == 0;
	opts.syscall_patching = patching;
	opts.drop_caps = 1;
	opts.caps = zone_booted_caps(z);
	opts.rlimits_from_init = 1; /* the zone's memlock and nice (zone/rlimits.c), not ours */
	opts.cgroup_procs = procs_ptr;
	opts.ncgroup_procs = (size_t)np;
	opts.zone_page = LAUNCH_ZONE_PAGE; /* bound there at boot, in the zone's mount namespace */
	opts.argv = av;
	/* The zone's filter, from the store's cache when it is exactly the one we would build. */
	/* how the zone booted: the kernel's lxproc files and affinity (the supervisor's page) */
	char page_path[PATH_MAX];
	snprintf(page_path, sizeof(page_path), "%s/%s", zone_path(z), LXZONE_PAGE_FILE);
	uint32_t pflags = lxzone_page_flags(page_path);
	opts.lxproc_kernel = (pflags & LXZP_F_KERNEL_FILES) != 0;
	opts.affinity_native = (pflags & LXZP_F_AFFINITY_NATIVE) != 0;
	opts.net_view = (pflags & LXZP_F_NET_SHARED) != 0;
	struct lx_filter_opts fo = {.hardened = opts.hardened};
	launch_filter_view(&opts, &fo);
	/* with a user namespace the zone binds the readable brand (LX_ZONE_BRAND) its processes
	 * exec again once their exe names the program (syscalls/lx_exe.c) */
	opts.exe_kernel = fo.exe_kernel = zone_userns(z);
	cleanup_free struct sock_filter *prog = NULL;
	struct sock_fprog filter;
	fo.mount_notify = 1;
	fo.userns = zone_userns(z); /* as the boot's filter (boot_supervise.c) */
	if (zone_filter_get(z, &fo, &filter, err) < 0)
		return zone_error_wrap(err, "exec in zone %s: filter", z->name);
	prog = filter.filter;
	opts.filter = &filter;
	cleanup_close int notify_sock = -1;
	if (exec_mountd_start(z, &notify_sock, err) < 0)
		return -1;
	opts.notify_sock = &notify_sock;
	opts.enter_in_place = o->in_place;
	opts.user = o->user;
	opts.pty = o->pty;
	if (launch_enter(init, &opts, status, err) < 0)
		return zone_error_wrap(err, "exec in zone %s", z->name);
	return 0;
}
