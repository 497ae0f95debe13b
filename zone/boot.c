/*
 * Boot, halt, shutdown and exec. See boot.h for the supervisor's contract.
 */
#include "zone/boot.h"
#include "zone/identity.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <linux/openat2.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "zone/launch/launch.h"
#include "emul/systable.h"
#include "filter/filter.h"
#include "zone/boot_init.h"
#include "zone/boot_userns.h"
#include "zone/cgroup.h"
#include "zone/clone.h"
#include "zone/config.h"
#include "zone/console.h"
#include "zone/fsutil.h"
#include "zone/idmap.h"
#include "zone/mountd.h"
#include "zone/lxprocfs.h"
#include "zone/net.h"
#include "zone/netbpf.h"
#include "zone/paths.h"
#include "zone/zonepage.h"

#define ZONE_IDLE_PATH "/dev/.lxzone-idle"
#define MAX_BINDS      64
#define PAGE_SAMPLE_NS UINT64_C(1000000000) /* the zone page is sampled once a second */

static int helper_path(const char *env, const char *name, char *buf, size_t sz,
		       struct zone_error *err)
{
	int r = zone_own_helper(env, name, buf, sz);

	if (r == -ENOENT)
		return zone_error_set(err, ENOENT, "%s (set %s)", buf, env);
	if (r < 0)
		return zone_error_set(err, -r, "locate %s", name);
	return 0;
}

/* The zone's cgroup, delegated: its processes live in a child the zone manages. */
static int zone_cgroup_for(struct zone *z, struct zone_cgroup *cg, struct zone_error *err)
{
	if (zone_cgroup_init(cg, getenv("LXZONE_CGROUP_MNT"), z->name, err) < 0)
		return -1;
	zone_cgroup_delegate(cg);
	return 0;
}

/* Will the zone have a devices cgroup (zone/cgroup.h)?  Decides whether its default
 * capability set keeps cap_mknod. */
static bool zone_devices_confined(struct zone *z)
{
	struct zone_cgroup cg;
	struct zone_error ignored;

	return zone_cgroup_for(z, &cg, &ignored) == 0 && zone_cgroup_confines_devices(&cg);
}

/* This process's bounding set (CapBnd of /proc/self/status); all bits when unreadable. */
static uint64_t host_bounding_set(void)
{
	char line[256];
	uint64_t v = UINT64_MAX;
	FILE *f = fopen("/proc/self/status", "re");

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "CapBnd:", 7) == 0)
			v = strtoull(line + 7, NULL, 16);
	if (f)
		fclose(f);
	return v;
}

/* The capability set the zone boots with, on this host: never more than the host's root has
 * (joining a user namespace fills the bounding set, which would otherwise give a zone's root
 * capabilities, over what its namespace owns, that host root lacks here). */
static uint64_t zone_caps(struct zone *z)
{
	return zone_config_caps(z->config, zone_devices_confined(z)) & host_bounding_set();
}

pid_t zone_init_pid(struct zone *z)
{
	if (zone_get_state(z) < ZONE_READY)
		return 0;
	return (pid_t)json_integer_value(json_object_get(z->state, "init-pid"));
}

int zone_cleanup_leftovers(struct zone *z, struct zone_error *err)
{
	struct zone_cgroup cg;

	char page[PATH_MAX];

	snprintf(page, sizeof(page), "%s/%s", zone_path(z), LXZONE_PAGE_FILE);
	unlink(page); /* a dead supervisor's zone page */
	if (zone_cgroup_for(z, &cg, err) < 0)
		return -1;
	if (!zone_cgroup_exists(&cg))
		return 0;
	if (zone_cgroup_kill(&cg, 5000, err) < 0 || zone_cgroup_remove(&cg, err) < 0)
		return zone_error_wrap(err, "zone %s: clean up cgroup", z->name);
	return 0;
}

/* Is there an executable regular file at `path` inside root (resolved as the zone would)? */
static int root_has_program(const char *root, const char *path)
{
	cleanup_close int rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	cleanup_close int fd = -1;
	struct stat st;

	if (rfd < 0)
		return 0;
	fd = (int)syscall(SYS_openat2, rfd, path, &how, sizeof(how));
	return fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

/* A random UUID (RFC 4122 version 4), from the kernel's generator. */
static const char *zone_new_uuid(void)
{
	static char u[40];
	cleanup_fclose FILE *f = fopen("/proc/sys/kernel/random/uuid", "re");

	if (f == NULL || fgets(u, sizeof(u), f) == NULL)
		snprintf(u, sizeof(u), "00000000-0000-4000-8000-%012llx",
			 (unsigned long long)time(NULL));
	u[strcspn(u, "\n")] = '\0';
	return u;
}

extern char **environ;

struct boot_ctx {
	struct launch_opts opts;
	struct launch_bind binds[MAX_BINDS];
	struct zone_mount mounts[MAX_BINDS];
	char root[PATH_MAX];
	char idle[PATH_MAX];
	char *argv[2];
	char procs[ZONE_CG_NCTRL + 1][ZONE_CG_PROCS];
	const char *procs_ptr[ZONE_CG_NCTRL + 1];
	struct zone_cgroup cg;
	struct zone_net net;
	char page_path[PATH_MAX];
	struct lxzone_page_writer page;
	struct zone_cgroup_fs cgfs[ZONE_CG_MAXFS];
	struct launch_cgroupfs cgfs_ops[ZONE_CG_MAXFS];
	/* the zone's block devices and its mount service */
	struct zone_device devspec[MOUNTD_MAX_DEVS];
	struct launch_device devices[MOUNTD_MAX_DEVS];
	struct mountd_zone mountd;
	/* the zone's user namespace (not privileged) */
	struct zone_idrange ids;
	struct launch_userns userns;
	/* the zone's lxproc files, served by the kernel (zone/lxprocfs.h) */
	struct lxprocfs lxfs;
	struct lxprocfs_bind lxbinds[LXPROCFS_MAXFILES];
	struct launch_lxproc_file lxfiles[LXPROCFS_MAXFILES];
	/* the console terminal's host path, and init's environment */
	char console[64];
	char envbuf[5][128];
	char *env[6];
	enum zone_init_kind kind;
	char notify[PATH_MAX]; /* the notification socket (zone_init_notifies) */
};

/* The kernel serves the zone's lxproc files when there is FUSE; else the brand, trapping
 * opens.  Its server starts once the page exists (boot_lxprocfs_start). */
static void boot_lxprocfs_plan(struct boot_ctx *b, bool dry_run)
{
	struct zone_error ferr = {0};
	size_t n;

	/* --dry-run shows what a boot would do, without opening the device */
	if (dry_run ? access("/dev/fuse", R_OK | W_OK) < 0 : lxprocfs_open(&b->lxfs, &ferr) < 0)
		return;
	n = lxprocfs_binds(b->opts.kernel_version, b->lxbinds);
	for (size_t i = 0; i < n; i++) {
		b->lxfiles[i].name = b->lxbinds[i].name;
		b->lxfiles[i].zone = b->lxbinds[i].zone;
	}
	b->opts.lxproc_files = b->lxfiles;
	b->opts.nlxproc_files = n;
	b->opts.lxproc_fuse_fd = b->lxfs.fd;
	b->opts.lxproc_kernel = 1;
}

/* A zone that is not `privileged` runs in a user namespace with its recorded id range. */
static bool zone_userns(struct zone *z)
{
	return !zone_config_bool(z->config, "privileged");
}

/*
 * The zone's block devices (config `device`): each must still be a block device on the host;
 * the plan makes its node in the zone's /dev and the mount service lets the zone mount it.
 */
static int zone_devices(struct zone *z, struct zone_device *spec, struct launch_device *dev,
			struct mountd_zone *md, struct zone_error *err)
{
	json_t *v;
	size_t i;

	md->ndevs = 0;
	json_array_foreach(json_object_get(z->config, "device"), i, v)
	{
		unsigned long rdev;

		if (md->ndevs >= MOUNTD_MAX_DEVS)
			return zone_error_set(err, 0, "more than %d devices", MOUNTD_MAX_DEVS);
		if (zone_device_parse(json_string_value(v), &spec[md->ndevs], err) < 0 ||
		    zone_device_host_check(json_string_value(v), &rdev, err) < 0)
			return zone_error_wrap(err, "zone %s", z->name);
		dev[md->ndevs].zone = spec[md->ndevs].zone;
		dev[md->ndevs].rdev = rdev;
		md->devs[md->ndevs++] = rdev;
	}
	return 0;
}

static int build_opts(struct zone *z, struct boot_ctx *b, struct zone_error *err)
{
	const char *init = zone_config_str(z->config, "init");
	json_t *m;
	size_t i, nb = 0;

	memset(&b->opts, 0, sizeof(b->opts));
	snprintf(b->root, sizeof(b->root), "%s/root", zone_path(z));
	if (helper_path("LXZONE_IDLE", "lxzone-idle", b->idle, sizeof(b->idle), err) < 0)
		return -1;
	json_array_foreach(json_object_get(z->config, "mount"), i, m)
	{
		if (nb >= MAX_BINDS - 1)
			return zone_error_set(err, 0, "too many mounts");
		if (zone_mount_parse(json_string_value(m), &b->mounts[nb], err) < 0)
			return -1;
		b->binds[nb].host = b->mounts[nb].host;
		b->binds[nb].zone = b->mounts[nb].zone;
		b->binds[nb].ro = b->mounts[nb].readonly;
		nb++;
	}
	b->binds[nb].host = b->idle;
	b->binds[nb].zone = ZONE_IDLE_PATH;
	b->binds[nb].ro = 1;
	nb++;

	b->opts.root = b->root;
	/* the zone page: the supervisor writes it, every brand process in the zone maps it */
	snprintf(b->page_path, sizeof(b->page_path), "%s/%s", zone_path(z), LXZONE_PAGE_FILE);
	b->opts.zone_page_host = b->page_path;
	b->opts.zone_page = LAUNCH_ZONE_PAGE;
	b->opts.kernel_version = zone_config_str(z->config, "kernel-version");
	/* the plan shows a CPU-capped zone only its CPUs in /sys/devices/system/cpu */
	b->opts.millicpus = zone_config_millicpus(z->config);
	if (b->opts.millicpus == UINT64_MAX) /* "unlimited" */
		b->opts.millicpus = 0;
	b->opts.hardened = strcmp(zone_config_str(z->config, "profile"), "hardened") == 0;
	b->opts.drop_caps = 1;
	b->opts.caps = zone_caps(z);
	b->opts.hostname = zone_config_str(z->config, "hostname");
	b->opts.binds = b->binds;
	b->opts.nbinds = nb;
	b->opts.net = LAUNCH_NET_NONE;
	/* CLOCK_BOOTTIME counts from the zone's boot (launch_timens.c; the page says when) */
	b->opts.timens = strcmp(zone_config_str(z->config, "boottime"), "zone") == 0 &&
			 launch_timens_supported();
	if (strcmp(init, "minimal") == 0 ||
	    (strcmp(init, "auto") == 0 && !root_has_program(b->root, "/sbin/init"))) {
		b->argv[0] = (char *)ZONE_IDLE_PATH;
		b->opts.init = LAUNCH_INIT_MINIMAL;
	} else {
		b->argv[0] = (char *)(strcmp(init, "auto") == 0 ? "/sbin/init" : init);
		if (!root_has_program(b->root, b->argv[0]))
			return zone_error_set(err, ENOENT, "init %s not found in the zone",
					      b->argv[0]);
		b->opts.init = LAUNCH_INIT_IMAGE;
	}
	b->kind = b->opts.init == LAUNCH_INIT_MINIMAL ? ZONE_INIT_MINIMAL
						      : zone_init_kind_detect(b->root, b->argv[0]);
	b->argv[1] = NULL;
	b->opts.argv = b->argv;
	/* systemd's container interface (systemd.io/CONTAINER_INTERFACE): who runs it, and the
	 * zone's stable id; nothing of the environment lxzone was started in */
	snprintf(b->envbuf[0], sizeof(b->envbuf[0]), "container=lxzone");
	snprintf(b->envbuf[1], sizeof(b->envbuf[1]), "container_uuid=%s",
		 zone_state_get(z, "uuid"));
	snprintf(b->envbuf[2], sizeof(b->envbuf[2]),
		 "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	snprintf(b->envbuf[3], sizeof(b->envbuf[3]), "TERM=linux");
	/* systemd says READY=1 there (zone/boot_init.h); the socket is bound in the zone's /dev */
	snprintf(b->envbuf[4], sizeof(b->envbuf[4]), "NOTIFY_SOCKET=%s", ZONE_NOTIFY_PATH);
	int ne = zone_init_notifies(b->kind) ? 5 : 4;
	for (int i = 0; i < ne; i++)
		b->env[i] = b->envbuf[i];
	b->env[ne] = NULL;
	if (zone_init_notifies(b->kind)) {
		if (b->opts.nbinds >= MAX_BINDS)
			return zone_error_set(err, 0, "too many mounts");
		snprintf(b->notify, sizeof(b->notify), "%s/%s", zone_path(z), ZONE_NOTIFY_FILE);
		b->binds[b->opts.nbinds].host = b->notify;
		b->binds[b->opts.nbinds].zone = ZONE_NOTIFY_PATH;
		b->binds[b->opts.nbinds].ro = 0;
		b->opts.nbinds++;
	}
	if (zone_devices(z, b->devspec, b->devices, &b->mountd, err) < 0)
		return -1;
	b->opts.devices = b->devices;
	b->opts.ndevices = b->mountd.ndevs;
	return 0;
}

/* The zone's cgroups, as the launcher joins them (the delegated child) and mounts them under
 * /sys/fs/cgroup (after a new cgroup namespace, writable): b->cg must be initialized. */
static void set_zone_cgroups(struct boot_ctx *b)
{
	int np = zone_cgroup_procs_files(&b->cg, b->procs, ZONE_CG_NCTRL + 1);
	size_t nfs = zone_cgroup_fs_list(&b->cg, b->cgfs, ZONE_CG_MAXFS);

	for (int i = 0; i < np; i++)
		b->procs_ptr[i] = b->procs[i];
	b->opts.cgroup_procs = b->procs_ptr;
	b->opts.ncgroup_procs = (size_t)np;
	for (size_t i = 0; i < nfs; i++) {
		b->cgfs_ops[i].fstype = b->cgfs[i].fstype;
		b->cgfs_ops[i].dest = b->cgfs[i].dest;
		b->cgfs_ops[i].data = b->cgfs[i].data;
		b->cgfs_ops[i].rw = b->cgfs[i].rw;
	}
	b->opts.cgroupfs = b->cgfs_ops;
	b->opts.ncgroupfs = nfs;
}

static bool zone_net_is(struct zone *z, const char *mode)
{
	return strcmp(zone_config_str(z->config, "net"), mode) == 0;
}

/* net=shared: the kernel's hooks on the zone's cgroup (zone/netbpf.h), then its addresses on
 * the host; the zone stays in the host's network namespace, owned by the host's user
 * namespace, where its root has no capability. */
static int boot_net_shared(struct zone *z, struct boot_ctx *b, struct zone_error *err)
{
	const char *addr = zone_config_str(z->config, "address");
	struct zone_netpolicy pol = {0};

	if (!b->cg.v2[0])
		return zone_error_set(err, 0,
				      "net=shared needs a cgroup2 hierarchy for its socket hooks; "
				      "this host has none");
	if (zone_netpolicy_parse(&pol, addr, err) < 0)
		return zone_error_wrap(err, "net=shared");
	pol.lo4 = zone_netbpf_loopback(z->name);
	pol.root_uid = b->ids.base;
	if (zone_netbpf_attach(b->cg.v2, &pol, err) < 0 ||
	    zone_net_shared_up(zone_config_str(z->config, "shared-interface"), addr, &b->net, err) <
		0)
		return zone_error_wrap(err, "net=shared");
	b->opts.net = LAUNCH_NET_HOST;
	return 0;
}

/* The cgroup's limits, and its devices: the zone's /dev and its block devices
 * (build_opts found them). */
static void limits_from_config(json_t *cfg, const struct boot_ctx *b, struct zone_cg_limits *l)
{
	l->memory = zone_config_u64(cfg, "memory");
	l->swap = zone_config_u64(cfg, "swap");
	l->millicpus = zone_config_millicpus(cfg);
	l->pids = zone_config_u64(cfg, "pids");
	l->devices = true;
	l->blockdevs = b->mountd.devs;
	l->nblockdevs = b->mountd.ndevs;
}

int zone_boot_plan_print(struct zone *z, FILE *out, struct zone_error *err)
{
	struct boot_ctx *b = calloc(1, sizeof(*b));
	struct launch_plan *plan = calloc(1, sizeof(*plan));
	struct zone_cg_limits lim;
	int ret = -1;

	if (b == NULL || plan == NULL) {
		zone_error_set(err, ENOMEM, "plan");
		goto out;
	}
	if (zone_overlay_lower(z) != NULL)
		fprintf(out,
			"supervisor mount overlay lowerdir=%s upperdir=%s/upper on %s/root%s\n",
			zone_overlay_lower(z), zone_path(z), zone_path(z),
			zone_userns(z) ? " (idmapped layers)" : "");
	if (build_opts(z, b, err) < 0 || zone_cgroup_for(z, &b->cg, err) < 0)
		goto out;
	launch_userns_init(&b->userns);
	if (zone_userns(z)) {
		/* a zone created before user namespaces gets its range at its first boot */
		if (zone_idmap_get(z->state, &b->ids) < 0) {
			fprintf(out, "supervisor idmap (a free range, allocated at boot)\n");
			b->ids.base = ZONE_IDMAP_FIRST;
			b->ids.count = ZONE_IDMAP_COUNT;
		}
		b->userns.base = b->ids.base;
		b->userns.count = b->ids.count;
		b->opts.userns = &b->userns;
		b->opts.root_mapped = zone_overlay_lower(z) != NULL;
		fprintf(out, "supervisor chown delegated cgroup to %u:%u\n", b->ids.base,
			b->ids.base);
	}
	limits_from_config(z->config, b, &lim);
	fprintf(out, "supervisor cgroup %s", zone_cg_layout_name(b->cg.layout));
	set_zone_cgroups(b);
	for (size_t i = 0; i < b->opts.ncgroup_procs; i++)
		fprintf(out, " %s", b->procs[i]);
	fprintf(out, "\nsupervisor limits memory=%s swap=%s cpus=%s pids=%s\n",
		zone_config_str(z->config, "memory"), zone_config_str(z->config, "swap"),
		zone_config_str(z->config, "cpus"), zone_config_str(z->config, "pids"));
	if (zone_cgroup_confines_devices(&b->cg)) {
		char rules[MOUNTD_MAX_DEVS + 16][ZONE_CG_RULE];
		size_t n = zone_cgroup_device_rules(lim.blockdevs, lim.nblockdevs, rules,
						    MOUNTD_MAX_DEVS + 16);

		fprintf(out, "supervisor devices deny a; allow");
		for (size_t i = 0; i < n; i++)
			fprintf(out, "%s %s", i ? "," : "", rules[i]);
		fprintf(out, "\n");
	} else {
		fprintf(out, "supervisor devices unconfined (no devices controller)\n");
	}
	if (zone_net_is(z, "shared")) {
		struct in_addr lo = {.s_addr = zone_netbpf_loopback(z->name)};
		fprintf(out, "supervisor shared %s on %s, loopback %s, socket hooks on %s\n",
			zone_config_str(z->config, "address"),
			zone_config_str(z->config, "shared-interface"), inet_ntoa(lo),
			b->cg.v2[0] ? b->cg.v2 : "(no cgroup2: boot refuses)");
		b->opts.net = LAUNCH_NET_HOST;
	}
	if (zone_net_is(z, "exclusive")) {
		const char *addr = zone_config_str(z->config, "address");
		char ifname[16], list[256], hosts[160] = "", host[64];
		size_t o = 0;

		zone_net_host_ifname(z->name, ifname, sizeof(ifname));
		if (zone_net_exclusive_check(addr, err) < 0)
			goto out;
		snprintf(list, sizeof(list), "%s", addr);
		for (char *sp, *a = strtok_r(list, ",", &sp); a; a = strtok_r(NULL, ",", &sp))
			if (zone_net_host_address(a, host, sizeof(host), err) == 0 &&
			    o < sizeof(hosts))
				o += (size_t)snprintf(hosts + o, sizeof(hosts) - o, "%s%s",
						      o ? "," : "", host);
		fprintf(out, "supervisor veth %s (%s) <-> eth0 (%s)\n", ifname, hosts, addr);
		b->opts.net = LAUNCH_NET_FD;
		b->opts.net_fd = 1000; /* placeholder: the real fd exists only at boot */
	}
	lxprocfs_init(&b->lxfs);
	boot_lxprocfs_plan(b, true);
	b->opts.console = "/dev/pts/N"; /* the supervisor's terminal, made at boot */
	if (launch_plan_build(&b->opts, plan, err) < 0) {
		zone_error_wrap(err, "plan");
		goto out;
	}
	launch_plan_print(plan, out);
	ret = 0;
out:
	free(b);
	free(plan);
	return ret;
}

/*
 * The brand filter for a zone process: from the store's cache when it holds exactly the
 * filter lx_filter_build would return (filter/filter.h: key, ownership, checksum, BPF
 * checker and simulator), else built and cached.  One file per key in the store's root, so
 * every zone with the same profile, and every boot and exec, shares one build (~4 ms of
 * libseccomp) until the table, the profile, libseccomp or the builder changes.
 */
static int zone_filter_get(struct zone *z, const struct lx_filter_opts *fo, struct sock_fprog *out,
			   struct zone_error *err)
{
	cleanup_close int sfd = open(z->store->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char name[64];
	struct zone_error why = {0}; /* a miss: build it */

	snprintf(name, sizeof(name), ".filter-%016llx.bpf", (unsigned long long)lx_filter_key(fo));
	if (sfd >= 0 && lx_filter_cache_read(sfd, name, fo, out, &why) == 0)
		return 0;
	if (lx_filter_build(fo, out, err) < 0)
		return -1;
	/* a cache that cannot be written costs the next command time, nothing else */
	if (sfd >= 0)
		lx_filter_cache_write(sfd, name, fo, out, &why);
	return 0;
}

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
 * remount), then start the service on the socket the program sends its listener over.
 */
static int boot_mountd_start(struct zone *z, struct boot_ctx *b, pid_t init, int sock,
			     pid_t *server, struct zone_error *err)
{
	cleanup_close int zp = open(zone_path(z), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (zp < 0)
		return zone_error_set(err, errno, "%s", zone_path(z));
	if (mountd_boot_record(init, zp, err) < 0 || mountd_boot_load(zp, &b->mountd, err) < 0)
		return -1;
	if (!b->mountd.boot_known)
		return zone_error_set(err, 0, "no record of the boot mounts");
	/* execs hand their listeners to this service instead of starting one each */
	int lsock = mountd_listen(zone_path(z), err);
	if (lsock == -1)
		return -1;
	int r = mountd_start(sock, lsock, &b->mountd, server, err);
	if (lsock >= 0)
		close(lsock);
	return r;
}

/* The supervisor: runs in a child of `lxzone boot`, never returns. */
/* /etc/hostname, hosts, resolv.conf (zone/identity.c); an overlay on idmapped layers is
 * written as the zone's root, a directory root as its on-disk ids (0) */
static int boot_identity(struct zone *z, struct boot_ctx *b, struct zone_error *err)
{
	uid_t id = zone_userns(z) && zone_overlay_lower(z) ? b->ids.base : 0;
	bool net = strcmp(zone_config_str(z->config, "net"), "none") != 0;

	return zone_identity_write(b->root, zone_config_str(z->config, "identity-files"),
				   b->opts.hostname ? b->opts.hostname : z->name,
				   net ? "/etc/resolv.conf" : NULL, id, id, err);
}

static void __attribute__((noreturn)) supervise(struct zone *z, int readyfd)
{
	struct boot_ctx *b = calloc(1, sizeof(*b));
	struct zone_error err = {0};
	struct launch_plan *plan = calloc(1, sizeof(*plan));
	struct lx_filter_opts fo = {0};
	struct sock_fprog filter = {0, NULL};
	struct zone_cg_limits lim;
	struct zone_console con;
	char log[PATH_MAX];
	sigset_t orig, wait_set;
	pid_t init = 0;
	int halted = 0, asked = 0, reboot = 0, status = 0, fd;

	if (b)
		lxprocfs_init(&b->lxfs);
	setsid();
	if (z->lockfd >= 0) {
		close(z->lockfd); /* the boot command keeps the lock; we must not */
		z->lockfd = -1;
	}
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		dup2(fd, 0);
	/* the console log, capped and rotated (zone/console.h): our stdout and stderr from here,
	 * the zone's through a pipe we read */
	snprintf(log, sizeof(log), "%s/%s", zone_path(z), ZONE_CONSOLE_LOG);
	if (zone_console_open(&con, zone_path(z), zone_config_u64(z->config, "console-log-size"),
			      (unsigned)zone_config_u64(z->config, "console-log-files"),
			      &err) < 0) {
		ready_fail(readyfd, &err);
		_exit(1);
	}
	zone_console_own_stdio(&con);
	if (b == NULL || plan == NULL) {
		zone_error_set(&err, ENOMEM, "supervisor");
		ready_fail(readyfd, &err);
		_exit(1);
	}
	b->net.netns_fd = -1;
	launch_userns_init(&b->userns);
	/* the host's mount namespace, to boot the zone again from after a reboot in it */
	int host_mnt = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		zone_error_set(&err, errno, "supervisor mount namespace");
		goto fail;
	}
	bool exclusive = zone_net_is(z, "exclusive"), shared = zone_net_is(z, "shared");
	if (zone_userns(z)) {
		if (zone_idmap_get(z->state, &b->ids) < 0) {
			zone_error_set(&err, 0, "no host id range in state.json");
			goto fail;
		}
		if (launch_userns_create(b->ids.base, b->ids.count, !exclusive && !shared,
					 &b->userns, &err) < 0)
			goto fail;
		if (zone_overlay_mount_idmapped(z, b->userns.user_fd, b->ids.base, &err) < 0)
			goto fail;
	} else if (zone_overlay_mount(z, &err) < 0) {
		goto fail;
	}
	if (build_opts(z, b, &err) < 0)
		goto fail;
	if (zone_userns(z)) {
		b->opts.userns = &b->userns;
		b->opts.root_mapped = zone_overlay_lower(z) != NULL;
	}
	if (boot_identity(z, b, &err) < 0)
		goto fail;
	if (zone_cgroup_for(z, &b->cg, &err) < 0)
		goto fail;
	if (zone_cgroup_exists(&b->cg) &&
	    (zone_cgroup_kill(&b->cg, 5000, &err) < 0 || zone_cgroup_remove(&b->cg, &err) < 0))
		goto fail;
	limits_from_config(z->config, b, &lim);
	if (zone_cgroup_create(&b->cg, &lim, &err) < 0)
		goto fail;
	/* the delegated child is the zone root's to manage */
	if (zone_userns(z) && zone_cgroup_chown(&b->cg, b->ids.base, b->ids.base, &err) < 0)
		goto fail_cg;
	set_zone_cgroups(b);
	if (shared && boot_net_shared(z, b, &err) < 0)
		goto fail_cg;
	if (exclusive) {
		/* owned by the zone's user namespace: its root configures its own network */
		if (zone_net_exclusive_create(z->name, zone_config_str(z->config, "address"),
					      b->userns.user_fd, &b->net, &err) < 0)
			goto fail_cg;
		b->opts.net = LAUNCH_NET_FD;
		b->opts.net_fd = b->net.netns_fd;
	}
	boot_lxprocfs_plan(b, false);
	b->opts.affinity_native = zone_cgroup_cpus_native(&b->cg, b->opts.millicpus);
	/* the zone's /dev/console, a terminal the supervisor holds and logs */
	if (zone_console_pty_open(&con, zone_userns(z) ? b->ids.base : (uid_t)-1,
				  zone_userns(z) ? b->ids.base : (gid_t)-1, b->console,
				  sizeof(b->console), &err) < 0)
		goto fail_cg;
	b->opts.console = b->console;
	if (launch_plan_build(&b->opts, plan, &err) < 0) {
		zone_error_wrap(&err, "plan");
		goto fail_cg;
	}
	fo.hardened = b->opts.hardened;
	fo.mount_notify = 1;
	fo.lxproc = (b->opts.zone_page && *b->opts.zone_page) ||
		    (b->opts.kernel_version && *b->opts.kernel_version);
	fo.kernel = lx_sys_kv_parse(b->opts.kernel_version);
	fo.lxproc_kernel_files = b->opts.lxproc_kernel;
	fo.affinity_native = b->opts.affinity_native;
	if (zone_filter_get(z, &fo, &filter, &err) < 0) {
		zone_error_wrap(&err, "filter");
		goto fail_cg;
	}
	/* the page exists, with a first sample, before the zone's init can look for it; the
	 * zone's time namespace counts from the same boot */
	b->opts.timens_boot_ns = lxzone_boottime_ns();
	if (lxzone_page_create(&b->page, b->page_path, b->opts.timens_boot_ns, &err) < 0)
		goto fail_cg;
	if (b->opts.timens)
		lxzone_page_set_timens(&b->page, b->opts.timens_boot_ns);
	lxzone_page_set_disks(&b->page, "/sys/dev/block", b->mountd.devs, b->mountd.ndevs);
	if (lxzone_page_sample(&b->page, &b->cg, &err) < 0)
		goto fail_cg;
	/* the plan of a zone without a user namespace mounts from inside its pid namespace */
	if (b->opts.lxproc_kernel && lxprocfs_start(&b->lxfs, b->page_path, b->opts.kernel_version,
						    b->opts.userns == NULL, &err) < 0)
		goto fail_cg;
	lxzone_page_set_flags(&b->page, (b->opts.lxproc_kernel ? LXZP_F_KERNEL_FILES : 0) |
					    (b->opts.affinity_native ? LXZP_F_AFFINITY_NATIVE : 0));
	sigprocmask(SIG_SETMASK, NULL, &orig);
	launch_forward_sigset(&wait_set);
	sigaddset(&wait_set, SIGCHLD);
	sigaddset(&wait_set, SIGIO); /* the notification socket */
	sigprocmask(SIG_BLOCK, &wait_set, NULL);
	/* "ok" only once init has the zone's root in place: exec joins its mount namespace */
	int ready[2];
	if (pipe2(ready, O_CLOEXEC) < 0) {
		zone_error_set(&err, errno, "pipe");
		goto fail_cg;
	}
	b->opts.ready_fd = &ready[1];
	/* the program sends its mount listener over notify[1] (launch.h) */
	int notify[2];
	pid_t mountd = 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, notify) < 0) {
		zone_error_set(&err, errno, "socketpair");
		goto fail_cg;
	}
	b->opts.notify_sock = &notify[1];
	/* init's stdin, stdout and stderr: the console, inherited through launch_spawn; the
	 * supervisor's cap bounds what of it reaches the host's disk.  Its environment: the
	 * container interface's, nothing of ours */
	int nfd = -1;
	if (zone_init_notifies(b->kind) && (nfd = zone_init_notify_open(zone_path(z))) < 0) {
		zone_error_set(&err, -nfd, "notification socket");
		goto fail_cg;
	}
	if (zone_console_listen(&con, zone_path(z), &err) < 0)
		goto fail_cg;
	zone_console_pty_stdio(&con);
	char **host_env = environ;
	environ = b->env;
	int spawned = launch_spawn(plan, &filter, NULL, &orig, &init, &err);
	environ = host_env;
	zone_console_log_stdio(&con);
	if (spawned < 0) {
		zone_error_wrap(&err, "start init");
		goto fail_cg;
	}
	launch_userns_close(&b->userns); /* init holds them now */
	close(ready[1]);
	char rb;
	ssize_t rn;
	while ((rn = read(ready[0], &rb, 1)) < 0 && errno == EINTR)
		;
	close(ready[0]);
	if (rn != 1) {
		int st = 0;
		waitpid(init, &st, 0);
		zone_console_drain(&con); /* init's reason, before ours */
		zone_error_set(&err, 0, "init could not set the zone up (status %d; see %s)",
			       WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), log);
		goto fail_cg;
	}
	if (boot_mountd_start(z, b, init, notify[0], &mountd, &err) < 0) {
		kill(init, SIGKILL);
		waitpid(init, NULL, 0);
		zone_error_wrap(&err, "mount service");
		goto fail_cg;
	}
	close(notify[0]);
	/* started; and ready, unless init says so itself (boot_init.h) */
	dprintf(readyfd, "ok %d\n", (int)init);
	if (!zone_init_notifies(b->kind) && !zone_init_polled(b->kind)) {
		dprintf(readyfd, "ready\n");
		close(readyfd);
		readyfd = -1;
	}
	zone_console_printf(&con, "lxzone: zone %s booted, init pid %d (%s)\n", z->name, (int)init,
			    zone_init_kind_name(b->kind));

	uint64_t next_sample = lxzone_boottime_ns() + PAGE_SAMPLE_NS;
	int sample_failed = 0;
	for (;;) {
		siginfo_t si;
		uint64_t now = lxzone_boottime_ns();
		/* a deadline, not a timeout: signals in between do not hold the sampler back */
		if (now >= next_sample) {
			struct zone_error serr = {0};
			if (lxzone_page_sample(&b->page, &b->cg, &serr) < 0 && !sample_failed++)
				zone_console_printf(&con, "lxzone: zone %s: %s\n", z->name,
						    serr.msg);
			next_sample = now + PAGE_SAMPLE_NS;
		}
		struct timespec ts = {(time_t)((next_sample - now) / 1000000000u),
				      (long)((next_sample - now) % 1000000000u)};
		if (readyfd >= 0 && zone_init_polled(b->kind)) {
			if (zone_init_sysv_ready(init)) {
				dprintf(readyfd, "ready\n");
				close(readyfd);
				readyfd = -1;
				zone_console_printf(&con, "lxzone: zone %s ready\n", z->name);
			}
			ts = (struct timespec){0, 100 * 1000 * 1000}; /* look again soon */
		}
		/* what the zone writes is copied to the log meanwhile */
		int sig = zone_console_sigwait(&con, &wait_set, &si, &ts);
		if (sig < 0)
			continue;
		if (sig == SIGCHLD) {
			int st;
			pid_t p;
			int done = 0;
			while ((p = waitpid(-1, &st, WNOHANG)) > 0)
				if (p == init) {
					status =
					    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
					/* reboot(2) in the zone: the kernel ended init with
					 * SIGHUP for a restart, SIGINT for a power-off */
					reboot = WIFSIGNALED(st) && WTERMSIG(st) == SIGHUP;
					done = 1;
				}
			if (done)
				break;
		} else if (sig == SIGTERM) {
			halted = 1;
			zone_cgroup_kill(&b->cg, 5000, NULL);
			kill(init, SIGKILL);
		} else if (sig == SIGUSR1) {
			asked = 1;
			zone_init_request_poweroff(b->kind, init);
		} else if (sig == SIGIO) { /* the console's client, or the notification socket */
			zone_console_serve(&con);
			if (readyfd >= 0 && nfd >= 0 && zone_init_notify_ready(nfd, init)) {
				dprintf(readyfd, "ready\n");
				close(readyfd);
				readyfd = -1;
				zone_console_printf(&con, "lxzone: zone %s ready\n", z->name);
			}
		}
	}
	zone_cgroup_kill(&b->cg, 5000, NULL);
	/* the zone is gone: the end of what it wrote goes to the log before its end is told */
	zone_console_drain(&con);
	zone_cgroup_remove(&b->cg, NULL);
	zone_net_destroy(&b->net);
	lxzone_page_close(&b->page, true);
	lxprocfs_stop(&b->lxfs);
	if (mountd > 0) /* it ends when the zone's last process does; do not wait for that */
		kill(mountd, SIGKILL);
	mountd_unlink(zone_path(z));
	/* ended before it was ready: the boot command, still waiting, records it */
	bool boot_waiting = readyfd >= 0;
	if (readyfd >= 0) {
		close(readyfd);
		readyfd = -1;
	}
	if (nfd >= 0)
		close(nfd);
	zone_console_unlink(zone_path(z));
	if (b->notify[0])
		unlink(b->notify);
	reboot &= !halted && !asked;
	zone_console_printf(&con, "lxzone: zone %s %s, init status %d\n", z->name,
			    halted   ? "halted"
			    : reboot ? "rebooting"
				     : "stopped",
			    status);
	if (con.dropped)
		zone_console_printf(&con,
				    "lxzone: zone %s: %" PRIu64 " bytes of console output lost\n",
				    z->name, con.dropped);
	write_exit_status(z, status, halted);
	if (!halted && !asked && !boot_waiting)
		record_stopped(z);
	if (reboot)
		boot_again(z, host_mnt, &orig);
	_exit(0);

fail_cg:
	zone_cgroup_kill(&b->cg, 5000, NULL);
	zone_console_drain(&con);
	zone_cgroup_remove(&b->cg, NULL);
	zone_net_destroy(&b->net);
	lxzone_page_close(&b->page, true);
	lxprocfs_stop(&b->lxfs);
fail:
	launch_userns_close(&b->userns);
	zone_console_printf(&con, "lxzone: zone %s: boot failed: %s\n", z->name, err.msg);
	ready_fail(readyfd, &err);
	_exit(1);
}

/* The capability set the zone booted with, for every later exec: a `configure` of a running
 * zone must not give exec'd processes more than its init has. */
static void zone_state_put_caps(struct zone *z)
{
	char hex[32];

	snprintf(hex, sizeof(hex), "%" PRIx64, zone_caps(z));
	zone_state_put(z, "capabilities", json_string(hex));
}

static uint64_t zone_booted_caps(struct zone *z)
{
	const char *hex = json_string_value(json_object_get(z->state, "capabilities"));
	char *end;
	uint64_t v;

	if (hex == NULL || !*hex)
		return zone_caps(z);
	v = strtoull(hex, &end, 16);
	return *end ? zone_caps(z) : v;
}

static int wait_gone(pid_t pid, int timeout_ms);

/*
 * Read from fd into buf (got bytes already there) until it holds `lines` newlines, the
 * writer closes it, or timeout_ms passes.  Returns the number of complete lines, or -1 on
 * the timeout.
 */
static int read_lines(int fd, char *buf, size_t sz, size_t *got, int lines, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	struct timespec t0, t;
	int have;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		have = 0;
		for (size_t i = 0; i < *got; i++)
			have += buf[i] == '\n';
		if (have >= lines || *got >= sz - 1)
			return have;
		clock_gettime(CLOCK_MONOTONIC, &t);
		long left = timeout_ms -
			    ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			return -1;
		int pr = poll(&p, 1, (int)left);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			return pr == 0 ? -1 : have;
		ssize_t n = read(fd, buf + *got, sz - 1 - *got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return have;
		*got += (size_t)n;
		buf[*got] = '\0';
	}
}

/* The console log's last lines (at most len - 1 bytes, whole lines), "" when there is none. */
static void console_tail(struct zone *z, char *out, size_t len)
{
	char path[PATH_MAX];
	cleanup_close int fd = -1;
	struct stat st;
	off_t off;
	ssize_t n;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", zone_path(z), ZONE_CONSOLE_LOG);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return;
	off = st.st_size > (off_t)len - 1 ? st.st_size - (off_t)len + 1 : 0;
	n = pread(fd, out, len - 1, off);
	if (n <= 0)
		return;
	out[n] = '\0';
	if (off > 0 && strchr(out, '\n')) /* from the first whole line */
		memmove(out, strchr(out, '\n') + 1, strlen(strchr(out, '\n') + 1) + 1);
	/* this boot's lines only: from the supervisor's "booted" line on */
	char mark[128], *from = NULL;
	snprintf(mark, sizeof(mark), "lxzone: zone %s booted", z->name);
	for (char *p = strstr(out, mark); p; p = strstr(p + 1, mark))
		from = p;
	if (from)
		memmove(out, from, strlen(from) + 1);
}

int zone_boot(struct zone *z, struct zone_error *err)
{
	enum zone_state s = zone_get_state(z);
	int pfd[2];
	pid_t sup;
	char buf[1200] = {0};
	size_t got = 0;

	if (s != ZONE_INSTALLED)
		return zone_error_set(err, 0, "zone %s is %s; boot needs it installed", z->name,
				      zone_state_name(s));
	if (zone_config_bool(z->config, "golden"))
		return zone_error_set(err, 0,
				      "zone %s is golden (a template): clone it, or use lxzone run "
				      "--from %s",
				      z->name, z->name);
	/* a zone whose supervisor ended without a command to record it (its init died on its
	 * own) is installed, whatever state.json says: record that before the new supervisor is */
	if (strcmp(zone_state_get(z, "state"), zone_state_name(ZONE_INSTALLED)) != 0 &&
	    zone_set_state(z, ZONE_INSTALLED, err) < 0)
		return -1;
	if (zone_userns(z) && zone_idmap_ensure(z, err) < 0)
		return -1;
	if (zone_net_is(z, "shared") && zone_net_shared_conflicts(z, err) < 0)
		return zone_error_wrap(err, "boot zone %s", z->name);
	if (*zone_state_get(z, "uuid") == '\0') /* the zone's container_uuid, for good */
		zone_state_put(z, "uuid", json_string(zone_new_uuid()));
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return zone_error_set(err, errno, "pipe");
	fflush(NULL);
	sup = fork();
	if (sup < 0)
		return zone_error_set(err, errno, "fork supervisor");
	if (sup == 0) {
		close(pfd[0]);
		supervise(z, pfd[1]);
	}
	close(pfd[1]);
	zone_state_put(z, "supervisor",
		       json_pack("{s:i, s:I}", "pid", (int)sup, "start",
				 (json_int_t)zone_proc_starttime(sup)));
	zone_state_put(z, "init-pid", NULL);
	zone_state_put_caps(z);
	if (zone_set_state(z, ZONE_READY, err) < 0) {
		kill(sup, SIGTERM);
		close(pfd[0]);
		return -1;
	}
	/* the first line: init started ("ok PID") or not ("err ...") */
	read_lines(pfd[0], buf, sizeof(buf), &got, 1, 60000);
	if (strncmp(buf, "ok ", 3) != 0) {
		close(pfd[0]);
		char *nl = strchr(buf, '\n');
		if (nl)
			*nl = '\0';
		waitpid(sup, NULL, 0);
		zone_error_set(err, 0, "boot zone %s: %s", z->name,
			       strncmp(buf, "err ", 4) == 0 ? buf + 4 : "supervisor died");
		zone_set_state(z, ZONE_INSTALLED, NULL);
		return -1;
	}
	zone_state_put(z, "init-pid", json_integer(atoi(buf + 3)));
	if (zone_set_state(z, ZONE_BOOTING, err) < 0) {
		close(pfd[0]);
		return -1;
	}
	/* the second: init ready (boot_init.h), within boot-timeout */
	int tmo = (int)zone_config_u64(z->config, "boot-timeout");
	int r = read_lines(pfd[0], buf, sizeof(buf), &got, 2, tmo * 1000);
	close(pfd[0]);
	if (r == 2 && strstr(buf, "\nready\n"))
		return zone_set_state(z, ZONE_RUNNING, err);
	char last[1024];
	console_tail(z, last, sizeof(last));
	if (r < 0) {
		/* the kill: what a halt does, with its clean-up */
		kill(sup, SIGTERM);
		if (wait_gone(sup, 15000) < 0)
			kill(sup, SIGKILL);
		waitpid(sup, NULL, 0);
		zone_cleanup_leftovers(z, NULL);
		zone_error_set(err, 0,
			       "boot zone %s: init not ready after %ds (boot-timeout), halted; its "
			       "console's last lines:\n%s",
			       z->name, tmo, last);
	} else {
		waitpid(sup, NULL, 0);
		zone_error_set(err, 0,
			       "boot zone %s: init exited before it was ready; its console's last "
			       "lines:\n%s",
			       z->name, last);
	}
	zone_state_put(z, "init-pid", NULL);
	zone_set_state(z, ZONE_INSTALLED, NULL);
	return -1;
}

/*
 * Wait until pid has exited.  A pidfd polls readable when the process exits, zombie or not:
 * the supervisor is not our child (boot daemonized it), and its reaper may take seconds to
 * collect it, which kill(pid, 0) would count as alive (that was most of halt's time).
 */
static int wait_gone(pid_t pid, int timeout_ms)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (pfd >= 0) {
		struct pollfd p = {.fd = pfd, .events = POLLIN};
		int r;

		do
			r = poll(&p, 1, timeout_ms);
		while (r < 0 && errno == EINTR);
		close(pfd);
		if (r != 1)
			return -1;
		waitpid(pid, NULL, WNOHANG); /* our own child (boot and halt in one process) */
		return 0;
	}
	if (errno == ESRCH)
		return 0;
	for (int t = 0; t < timeout_ms; t += 20) {
		if (kill(pid, 0) < 0 && errno == ESRCH)
			return 0;
		waitpid(pid, NULL, WNOHANG);
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return -1;
}

static pid_t parent_of(pid_t pid)
{
	char path[64], line[256];
	cleanup_fclose FILE *f = NULL;
	pid_t ppid = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "PPid: %d", &ppid) == 1)
			break;
	return ppid;
}

/*
 * The supervisor of a zone whose state.json is lost: the parent of the zone's init, which is
 * the process in the zone's cgroup whose parent is not, and a fork of this very program.
 * 0 when there is none.
 */
static pid_t supervisor_from_cgroup(struct zone *z)
{
	struct zone_cgroup cg;
	struct zone_error ignored;
	char procs[ZONE_CG_PROCS + 16], exe[PATH_MAX], self[PATH_MAX];
	pid_t pids[64], sup = 0;
	size_t n = 0;
	ssize_t l1, l2;
	cleanup_fclose FILE *f = NULL;

	if (zone_cgroup_for(z, &cg, &ignored) < 0)
		return 0;
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg.v2[0] ? cg.v2 : cg.v1[ZONE_CG_PIDS]);
	f = fopen(procs, "re");
	while (f != NULL && n < 64 && fscanf(f, "%d", &pids[n]) == 1)
		n++;
	for (size_t i = 0; i < n && sup == 0; i++) {
		pid_t pp = parent_of(pids[i]);
		bool inside = false;
		for (size_t j = 0; j < n; j++)
			inside |= pids[j] == pp;
		if (pp > 1 && !inside)
			sup = pp;
	}
	snprintf(procs, sizeof(procs), "/proc/%d/exe", (int)sup);
	l1 = sup > 0 ? readlink(procs, exe, sizeof(exe)) : -1;
	l2 = readlink("/proc/self/exe", self, sizeof(self));
	if (l1 <= 0 || l1 != l2 || memcmp(exe, self, (size_t)l1) != 0)
		return 0;
	return sup;
}

int zone_halt(struct zone *z, struct zone_error *err)
{
	pid_t sup = z->state_broken ? supervisor_from_cgroup(z) : zone_supervisor_pid(z);
	int was_running = sup > 0;

	if (sup > 0) {
		kill(sup, SIGTERM);
		if (wait_gone(sup, 15000) < 0) {
			kill(sup, SIGKILL);
			wait_gone(sup, 2000);
		}
	}
	/* Whatever a killed or crashed supervisor left: processes, cgroup. */
	if (zone_cleanup_leftovers(z, err) < 0)
		return -1;
	if (z->state_broken)
		return 0; /* nothing to record: state.json stays as found, for destroy */
	if (!was_running && strcmp(zone_state_get(z, "state"), "installed") == 0)
		return zone_error_set(err, 0, "zone %s is not running", z->name);
	zone_state_put(z, "init-pid", NULL);
	return zone_set_state(z, ZONE_INSTALLED, err);
}

int zone_shutdown(struct zone *z, int timeout_s, struct zone_error *err)
{
	pid_t sup = zone_supervisor_pid(z);

	if (sup == 0 || zone_get_state(z) != ZONE_RUNNING)
		return zone_halt(z, err);
	if (zone_set_state(z, ZONE_SHUTTING_DOWN, err) < 0)
		return -1;
	kill(sup, SIGUSR1);
	if (wait_gone(sup, timeout_s * 1000) == 0) {
		zone_state_put(z, "init-pid", NULL);
		if (zone_cleanup_leftovers(z, err) < 0)
			return -1;
		return zone_set_state(z, ZONE_INSTALLED, err);
	}
	fprintf(stderr, "lxzone shutdown: zone %s: init did not stop in %ds, halting\n", z->name,
		timeout_s);
	return zone_halt(z, err);
}

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
		return zone_error_set(err, 0, "zone %s is %s, not running", z->name,
				      zone_state_name(st));
	if (zone_cgroup_for(z, &cg, err) < 0)
		return -1;
	/* a zone booted by an lxzone without the devices cgroup: its processes have none to
	 * join, and its capability set (recorded at boot) has no cap_mknod */
	if (zone_cgroup_confines_devices(&cg) && access(cg.v1[ZONE_CG_DEVICES], F_OK) < 0)
		cg.v1[ZONE_CG_DEVICES][0] = '\0';
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
	opts.drop_caps = 1;
	opts.caps = zone_booted_caps(z);
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
	struct lx_filter_opts fo = {.hardened = opts.hardened,
				    .lxproc = (opts.zone_page && *opts.zone_page) ||
					      (opts.kernel_version && *opts.kernel_version),
				    .lxproc_kernel_files = opts.lxproc_kernel,
				    .affinity_native = opts.affinity_native,
				    .kernel = lx_sys_kv_parse(opts.kernel_version)};
	cleanup_free struct sock_filter *prog = NULL;
	struct sock_fprog filter;
	fo.mount_notify = 1;
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
