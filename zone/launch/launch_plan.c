/*
 * Options -> the launch plan, and the plan as text (`lxrun --dry-run`).
 *
 * The plan is the complete list of what PID 1 of a new zone does before the program runs, in
 * order.  Building it touches nothing, so it is unit-tested as data; launch_root.c executes it.
 * Zone paths (dest) are always absolute and are resolved inside the root at execution time.
 */
#include "zone/launch/launch.h"
#include "zone/capset.h"
#include "zone/paths.h"
#include "zone/ttys.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/mount.h>
#include <unistd.h>

static const char *const op_names[] = {
    [LOP_JOIN_NETNS] = "join-netns",
    [LOP_JOIN_CGROUP] = "join-cgroup",
    [LOP_NEW_CGROUPNS] = "new-cgroupns",
    [LOP_HOSTNAME] = "hostname",
    [LOP_DOMAINNAME] = "domainname",
    [LOP_LOOPBACK_UP] = "loopback-up",
    [LOP_MAKE_PRIVATE] = "make-rprivate",
    [LOP_BRAND_BIND] = "brand-bind",
    [LOP_INIT_IMAGE] = "init-image",
    [LOP_BIND_ROOT] = "bind-root",
    [LOP_MOUNT] = "mount",
    [LOP_BIND] = "bind",
    [LOP_DEV_BIND] = "dev-bind",
    [LOP_SYMLINK] = "symlink",
    [LOP_MKDIR] = "mkdir",
    [LOP_REPORT_BIND] = "report-bind",
    [LOP_PAGE_BIND] = "page-bind",
    [LOP_WRITE_FILE] = "write-file",
    [LOP_REMOUNT_RO] = "remount-ro",
    [LOP_PIVOT_ROOT] = "pivot-root",
    [LOP_MKNOD] = "mknod",
    [LOP_HOST_CPU_DIR] = "host-cpu-dir",
    [LOP_MASK] = "mask",
    [LOP_READ_ONLY] = "read-only",
    [LOP_READ_WRITE] = "read-write",
    [LOP_SPAWN_INIT] = "spawn-init",
    [LOP_BINFMT] = "binfmt",
    [LOP_EXEC_LINKS] = "exec-links",
    [LOP_ENTER_USERNS] = "enter-userns",
    [LOP_LXPROC_FILES] = "lxproc-files",
    [LOP_JOIN_MNTNS] = "join-mntns",
    [LOP_JOIN_CGROUPNS] = "join-cgroupns",
};

const char *launch_op_name(int kind)
{
	if (kind <= 0 || (size_t)kind >= sizeof(op_names) / sizeof(op_names[0]) || !op_names[kind])
		return "?";
	return op_names[kind];
}

/* An image of ours: given, else $env, else NAME beside /proc/self/exe or installed
 * (zone/paths.h). */
static int image_path(const char *given, const char *env_name, const char *name, char *buf,
		      size_t len, struct zone_error *err)
{
	int r;

	if (given) {
		if (strlen(given) >= len)
			return launch_fail(err, LAUNCH_EXIT_CANNOT, ENAMETOOLONG, "%s %s", name,
					   given);
		strcpy(buf, given);
		return 0;
	}
	r = zone_own_helper(env_name, name, buf, len);
	if (r == -ENAMETOOLONG || (r < 0 && r != -ENOENT))
		return launch_fail(err, LAUNCH_EXIT_CANNOT, -r, "locate %s", name);
	return 0; /* a missing file is reported where it is opened, with its path */
}

int launch_brand_path(const struct launch_opts *opts, char *buf, size_t len, struct zone_error *err)
{
	return image_path(opts->brand_image, "LXZONE_BRAND_IMAGE", "lxzone-brand", buf, len, err);
}

int launch_init_image_path(const struct launch_opts *opts, char *buf, size_t len,
			   struct zone_error *err)
{
	return image_path(opts->init_image, "LXZONE_INIT_IMAGE", LAUNCH_INIT_NAME, buf, len, err);
}

static struct launch_op *add(struct launch_plan *plan, int kind, const char *src, const char *dest)
{
	struct launch_op *op;

	if (plan->nops >= LAUNCH_MAX_OPS)
		return NULL;
	op = &plan->ops[plan->nops++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->src = src;
	op->dest = dest;
	return op;
}

static struct launch_op *add_mount(struct launch_plan *plan, const char *fstype, const char *dest,
				   unsigned long flags, const char *data);

/*
 * A zone capped to n CPUs (the first n of the host's, as the cgroup's cpuset) sees only
 * cpu0..cpu(n-1) in /sys/devices/system/cpu: tools such as htop count those directories
 * (getdents, which the brand does not trap).  A read-only tmpfs over the directory holds
 * the host's cpuK directories bind-mounted read-only, online/possible/present saying
 * "0-(n-1)", and the host's cpufreq, cpuidle and vulnerabilities.  Returns 1 when the plan
 * is full.
 */
/* CPUs of a run's /sys/devices/system/cpu when --cpus hides some of the host's, else 0;
 * plan->cpu_list says them ("0-(n-1)\n"). */
static unsigned cpu_dir_cpus(struct launch_plan *plan, const struct launch_opts *opts)
{
	long host = sysconf(_SC_NPROCESSORS_CONF);
	unsigned n = (unsigned)((opts->millicpus + 999) / 1000);

	if (!opts->millicpus || opts->millicpus > (uint64_t)LAUNCH_MAX_ZONE_CPUS * 1000 ||
	    host <= 0 || n == 0 || n >= (unsigned long)host)
		return 0;
	if (n == 1)
		snprintf(plan->cpu_list, sizeof(plan->cpu_list), "0\n");
	else
		snprintf(plan->cpu_list, sizeof(plan->cpu_list), "0-%u\n", n - 1);
	return n;
}

static int add_cpu_dir(struct launch_plan *plan, const struct launch_opts *opts)
{
	static const char *const files[] = {"online", "possible", "present"};
	static const char *const dirs[] = {"cpufreq", "cpuidle", "vulnerabilities"};
	static char paths[6][48];
	unsigned n = cpu_dir_cpus(plan, opts), k;
	struct launch_op *op;
	int full = 0;

	if (n == 0)
		return 0;
	full |= !add_mount(plan, "tmpfs", "/sys/devices/system/cpu",
			   MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755");
	for (k = 0; k < n; k++) {
		snprintf(plan->cpu_dirs[k], sizeof(plan->cpu_dirs[k]),
			 "/sys/devices/system/cpu/cpu%u", k);
		op = add(plan, LOP_BIND, plan->cpu_dirs[k], plan->cpu_dirs[k]);
		if (op)
			op->flags = MS_RDONLY;
		full |= !op;
	}
	for (k = 0; k < 3; k++) {
		snprintf(paths[k], sizeof(paths[k]), "/sys/devices/system/cpu/%s", files[k]);
		op = add(plan, LOP_WRITE_FILE, NULL, paths[k]);
		if (op)
			op->data = plan->cpu_list;
		full |= !op;
	}
	for (k = 0; k < 3; k++) {
		snprintf(paths[3 + k], sizeof(paths[3 + k]), "/sys/devices/system/cpu/%s", dirs[k]);
		if (access(paths[3 + k], F_OK) != 0)
			continue;
		op = add(plan, LOP_BIND, paths[3 + k], paths[3 + k]);
		if (op)
			op->flags = MS_RDONLY;
		full |= !op;
	}
	full |= !add(plan, LOP_REMOUNT_RO, NULL, "/sys/devices/system/cpu");
	return full;
}

static struct launch_op *add_mount(struct launch_plan *plan, const char *fstype, const char *dest,
				   unsigned long flags, const char *data)
{
	struct launch_op *op = add(plan, LOP_MOUNT, fstype, dest);

	if (op) {
		op->fstype = fstype;
		op->flags = flags;
		op->data = data;
	}
	return op;
}

/*
 * A net=shared zone's /sys/class/net (the host's sysfs: the zone shares its network
 * namespace): a read-only tmpfs over it with the links of lo and the shared interface only,
 * as the netlink view shows them (syscalls/lx_net.c).  The host's links are relative
 * ("../../devices/virtual/net/lxzone0") and resolve in the zone's /sys alike.  Returns 1
 * when the plan is full.
 */
static int add_net_view_dir(struct launch_plan *plan, const struct launch_opts *opts)
{
	const char *names[2] = {"lo", opts->net_view_ifname};
	int full = 0;

	if (!opts->net_view || !opts->net_view_ifname || !*opts->net_view_ifname)
		return 0;
	full |= !add_mount(plan, "tmpfs", "/sys/class/net", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			   "mode=755");
	for (int k = 0; k < 2; k++) {
		char *dest = plan->netif[k][0], *target = plan->netif[k][1];
		ssize_t n;

		if (strlen(names[k]) > 64 || strchr(names[k], '/'))
			continue;
		snprintf(dest, sizeof(plan->netif[k][0]), "/sys/class/net/%s", names[k]);
		n = readlink(dest, target, sizeof(plan->netif[k][1]) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		full |= !add(plan, LOP_SYMLINK, target, dest);
	}
	full |= !add(plan, LOP_REMOUNT_RO, NULL, "/sys/class/net");
	return full;
}

/*
 * The zone's cgroup file systems under /sys/fs/cgroup (itself part of the read-only sysfs):
 * pure v2 mounts there directly; v1 and hybrid get a tmpfs holding one mount per hierarchy
 * and the co-mount symlinks, as the host has it.  The cgroup namespace (LOP_NEW_CGROUPNS,
 * earlier in the plan) makes each mount's root the cgroup the zone's init joined.  Each
 * mount is read-only unless its entry says rw (a delegated zone cgroup, zone/cgroup.h: the
 * caps sit above that root).  The tmpfs is read-only either way: it gets its mount points
 * and symlinks, is made read-only (recursively, so before anything is mounted on it), and
 * only then are the cgroup file systems mounted on it.  Returns 1 when the plan is full.
 */
static int add_cgroupfs(struct launch_plan *plan, const struct launch_opts *opts)
{
	const unsigned long rw = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	int full = 0, tmpfs = 0;

	for (size_t i = 0; i < opts->ncgroupfs; i++) {
		const struct launch_cgroupfs *f = &opts->cgroupfs[i];
		struct launch_op *op;

		if (strcmp(f->dest, "/sys/fs/cgroup") == 0)
			continue;
		if (!tmpfs) {
			full |= !add_mount(plan, "tmpfs", "/sys/fs/cgroup", rw, "mode=755");
			tmpfs = 1;
		}
		if (!strcmp(f->fstype, "symlink")) {
			full |= !add(plan, LOP_SYMLINK, f->data, f->dest);
			continue;
		}
		op = add(plan, LOP_MKDIR, NULL, f->dest);
		if (op)
			op->mode = 0755;
		full |= !op;
	}
	if (tmpfs)
		full |= !add(plan, LOP_REMOUNT_RO, NULL, "/sys/fs/cgroup");
	for (size_t i = 0; i < opts->ncgroupfs; i++) {
		const struct launch_cgroupfs *f = &opts->cgroupfs[i];

		if (strcmp(f->fstype, "symlink") != 0)
			full |= !add_mount(plan, f->fstype, f->dest, f->rw ? rw : rw | MS_RDONLY,
					   *f->data ? f->data : NULL);
	}
	return full;
}

/*
 * The rows of the /proc and /sys table (launch_mask.c) under fs_root, in table order, right
 * after that file system's mount: masks and read-only binds are made before pivot_root, by
 * the launcher's full privilege.  fs_root's own row is its mount's flags (sysfs is mounted
 * read-only).  A namespace's knobs (/proc/sys/net, the IPC ones, ...) are made writable again
 * only where the zone owns that namespace (owned_ns).  Returns 1 when the plan is full.
 */
static int add_path_rules(struct launch_plan *plan, const char *fs_root, int owned_ns)
{
	static const int kinds[] = {
	    [LAUNCH_PATH_MASK] = LOP_MASK,
	    [LAUNCH_PATH_RO] = LOP_READ_ONLY,
	    [LAUNCH_PATH_RW_OWN_NS] = LOP_READ_WRITE,
	};
	size_t n = strlen(fs_root);
	int full = 0;

	for (size_t i = 0; i < launch_npaths; i++) {
		const struct launch_path *p = &launch_paths[i];

		if (strncmp(p->path, fs_root, n) != 0 || p->path[n] != '/')
			continue;
		if (p->rule == LAUNCH_PATH_RW_OWN_NS && !(p->ns & owned_ns))
			continue;
		full |= !add(plan, kinds[p->rule], NULL, p->path);
	}
	return full;
}

/* A zone path must be absolute and must not climb: "/a/../../etc" would be harmless inside
 * the root (resolution is confined) but says something the user did not mean. */
static int zone_path_ok(const char *p)
{
	const char *s = p;

	if (*p != '/')
		return 0;
	while ((s = strstr(s, "..")) != NULL) {
		if (s[-1] == '/' && (s[2] == '/' || s[2] == '\0'))
			return 0;
		s += 2;
	}
	return 1;
}

static const char *const dev_paths[][2] = {
    {"/dev/null", "/dev/null"},	    {"/dev/zero", "/dev/zero"},	      {"/dev/full", "/dev/full"},
    {"/dev/random", "/dev/random"}, {"/dev/urandom", "/dev/urandom"}, {"/dev/tty", "/dev/tty"},
};
static const char *const dev_links[][2] = {
    {"pts/ptmx", "/dev/ptmx"},		{"/proc/self/fd", "/dev/fd"},
    {"/proc/self/fd/0", "/dev/stdin"},	{"/proc/self/fd/1", "/dev/stdout"},
    {"/proc/self/fd/2", "/dev/stderr"},
};

/* The zone's block devices (config `device`): nodes in its /dev tmpfs, never binds of the
 * host's nodes (a chmod in the zone must not change the host's). */
static int add_devices(const struct launch_opts *opts, struct launch_plan *plan, int *full,
		       struct zone_error *err)
{
	for (size_t i = 0; i < opts->ndevices; i++) {
		const struct launch_device *d = &opts->devices[i];
		struct launch_op *op;

		if (!d->zone || strncmp(d->zone, "/dev/", 5) != 0 || !zone_path_ok(d->zone) ||
		    !d->zone[5])
			return launch_fail(err, LAUNCH_EXIT_USAGE, 0,
					   "device %s: zone path must be under /dev, without ..",
					   d->zone ? d->zone : "(null)");
		op = add(plan, LOP_MKNOD, NULL, d->zone);
		if (op) {
			op->flags = d->rdev;
			op->mode = 0660;
		}
		*full |= !op;
	}
	return 0;
}

/* Joins, namespaces, identity, the brand and init, the root: what comes before the zone's
 * file systems.  -1 with err filled, else 0 with *full set when the plan ran out of room. */
static int zone_ops_enter(const struct launch_opts *opts, struct launch_plan *plan, int *full,
			  struct zone_error *err)
{
	struct launch_op *op;

	if (opts->net == LAUNCH_NET_FD) {
		if (opts->net_fd < 0)
			return launch_fail(err, LAUNCH_EXIT_USAGE, 0, "network: no netns fd");
		*full |= !add(plan, LOP_JOIN_NETNS, NULL, NULL);
	}
	for (size_t i = 0; i < opts->ncgroup_procs; i++)
		*full |= !add(plan, LOP_JOIN_CGROUP, opts->cgroup_procs[i], NULL);
	/* a mount namespace given (OCI's by path): joined before the first mount, so the whole
	 * root is built in it; after the cgroup joins, whose files are the runtime's */
	if (opts->joined_ns & CLONE_NEWNS)
		*full |= !add(plan, LOP_JOIN_MNTNS, NULL, NULL);
	/* after the joins: the zone's /proc/self/cgroup shows "/", never the host's path; or
	 * the namespace given (OCI's by path), whose root is someone else's cgroup */
	*full |=
	    !add(plan, opts->joined_ns & CLONE_NEWCGROUP ? LOP_JOIN_CGROUPNS : LOP_NEW_CGROUPNS,
		 NULL, NULL);
	*full |= !add(plan, LOP_MAKE_PRIVATE, NULL, "/");
	if (opts->hostname) {
		op = add(plan, LOP_HOSTNAME, NULL, NULL);
		if (strlen(opts->hostname) > 64 || !*opts->hostname)
			return launch_fail(err, LAUNCH_EXIT_USAGE, 0,
					   "hostname '%s': 1 to 64 characters", opts->hostname);
		if (op)
			op->data = opts->hostname;
		*full |= !op;
	}
	if (opts->domainname) {
		op = add(plan, LOP_DOMAINNAME, NULL, NULL);
		if (strlen(opts->domainname) > 64)
			return launch_fail(err, LAUNCH_EXIT_USAGE, 0,
					   "domainname '%s': at most 64 characters",
					   opts->domainname);
		if (op)
			op->data = opts->domainname;
		*full |= !op;
	}
	if (opts->net == LAUNCH_NET_NONE)
		*full |= !add(plan, LOP_LOOPBACK_UP, NULL, NULL);
	*full |= !add(plan, LOP_BRAND_BIND, plan->brand, NULL);
	/* PID 1 runs lxzone-init from its own read-only mount, never lxrun's binary */
	if (plan->init == LAUNCH_INIT_MINIMAL)
		*full |= !add(plan, LOP_INIT_IMAGE, plan->init_image, NULL);
	/* init, in U's pid namespace, before proc is mounted for that namespace (it inherits
	 * the brand's and lxzone-init's descriptors made above) */
	if (opts->userns)
		*full |= !add(plan, LOP_SPAWN_INIT, NULL, NULL);
	op = add(plan, LOP_BIND_ROOT, opts->root, "/");
	if (op) /* an overlay over idmapped layers shows the zone's ids already */
		op->idmap = opts->userns && !opts->root_mapped;
	*full |= !op;
	return 0;
}

/* /proc, /sys, /dev (with the console, ttys, pts, shm and devices) and /tmp. */
static int zone_ops_fs(const struct launch_opts *opts, struct launch_plan *plan, int *full,
		       struct zone_error *err)
{
	const char *dev_data = "mode=755", *shm_data = "mode=1777", *tmp_data = "mode=1777";
	size_t i;

	if (opts->userns) {
		/* the zone's root owns its /dev, /dev/shm and /tmp (its host ids in U's maps) */
		for (i = 0; i < 3; i++)
			snprintf(plan->tmpfs_data[i], sizeof(plan->tmpfs_data[i]),
				 "mode=%s,uid=%u,gid=%u", i ? "1777" : "755", opts->userns->base,
				 opts->userns->gid_base);
		dev_data = plan->tmpfs_data[0];
		shm_data = plan->tmpfs_data[1];
		tmp_data = plan->tmpfs_data[2];
	}
	*full |= !add_mount(plan, "proc", "/proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	*full |= add_path_rules(plan, "/proc", launch_owned_ns(opts));
	*full |=
	    !add_mount(plan, "sysfs", "/sys", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	*full |= add_path_rules(plan, "/sys", launch_owned_ns(opts));
	*full |= add_cpu_dir(plan, opts);
	*full |= add_cgroupfs(plan, opts);
	*full |= add_net_view_dir(plan, opts);
	*full |= !add_mount(plan, "tmpfs", "/dev", MS_NOSUID | MS_STRICTATIME, dev_data);
	for (i = 0; i < sizeof(dev_paths) / sizeof(dev_paths[0]); i++)
		*full |= !add(plan, LOP_DEV_BIND, dev_paths[i][0], dev_paths[i][1]);
	if (opts->console) /* not idmapped: the supervisor gave it to the zone's root */
		*full |= !add(plan, LOP_DEV_BIND, opts->console, "/dev/console");
	for (i = 0; i < opts->nttys && zone_tty_name(i); i++) /* the same, zone/ttys.h */
		*full |= !add(plan, LOP_DEV_BIND, opts->ttys[i], zone_tty_name(i));
	*full |= !add_mount(plan, "devpts", "/dev/pts", MS_NOSUID | MS_NOEXEC,
			    "newinstance,ptmxmode=0666,mode=620");
	if (opts->shm_size) {
		snprintf(plan->shm_data, sizeof(plan->shm_data), "%s,size=%s", shm_data,
			 opts->shm_size);
		shm_data = plan->shm_data;
	}
	*full |= !add_mount(plan, "tmpfs", "/dev/shm",
			    MS_NOSUID | MS_NODEV | (opts->shm_noexec ? MS_NOEXEC : 0), shm_data);
	for (i = 0; i < sizeof(dev_links) / sizeof(dev_links[0]); i++)
		*full |= !add(plan, LOP_SYMLINK, dev_links[i][0], dev_links[i][1]);
	*full |= !add_mount(plan, "tmpfs", "/tmp", MS_NOSUID | MS_NODEV, tmp_data);
	return add_devices(opts, plan, full, err);
}

/* The extra binds (--mount / mount=), the host's ids shifted into the zone's as the root's. */
static int zone_ops_binds(const struct launch_opts *opts, struct launch_plan *plan, int *full,
			  struct zone_error *err)
{
	for (size_t i = 0; i < opts->nbinds; i++) {
		const struct launch_bind *b = &opts->binds[i];
		struct launch_op *op;

		if (!b->host || *b->host != '/')
			return launch_fail(err, LAUNCH_EXIT_USAGE, 0,
					   "bind %s: host path must be absolute",
					   b->host ? b->host : "(null)");
		if (!b->zone || !zone_path_ok(b->zone) || !strcmp(b->zone, "/"))
			return launch_fail(err, LAUNCH_EXIT_USAGE, 0,
					   "bind %s:%s: zone path must be absolute, not / and "
					   "without ..",
					   b->host, b->zone ? b->zone : "(null)");
		if (b->idmap != LAUNCH_IDMAP_AUTO && !b->uid_map && !opts->userns)
			return launch_fail(err, LAUNCH_EXIT_USAGE, 0,
					   "bind %s: idmapped without maps of its own needs a user "
					   "namespace",
					   b->zone);
		op = add(plan, LOP_BIND, b->host, b->zone);
		if (op) {
			op->flags = b->ro ? MS_RDONLY : 0;
			op->idmap = opts->userns != NULL || b->uid_map;
			op->idmap_how = b->idmap;
			op->uid_map = b->uid_map;
			op->gid_map = b->gid_map;
		}
		*full |= !op;
	}
	return 0;
}

/* binfmt, the report and page binds, lxproc's files, pivot_root and, last, the user
 * namespace: every mount above is made by host root, then locked by the copy. */
static void zone_ops_last(const struct launch_opts *opts, struct launch_plan *plan, int *full)
{
	struct launch_op *op;

	/* set-user-ID, file capabilities and execute-only programs (launch_binfmt.c) */
	if (opts->userns)
		*full |= !add(plan, LOP_BINFMT, plan->brand, LX_BINFMT_DIR);
	else if (opts->exec_links)
		*full |= !add(plan, LOP_EXEC_LINKS, plan->brand, LX_EXEC_LINKS);
	if (opts->report)
		*full |= !add(plan, LOP_REPORT_BIND, NULL, LAUNCH_ZONE_REPORT);
	if (opts->zone_page_host) {
		/* read-only: the guest must not forge its own limits */
		op = add(plan, LOP_PAGE_BIND, opts->zone_page_host, LAUNCH_ZONE_PAGE);
		if (op)
			op->flags = MS_RDONLY;
		*full |= !op;
	}
	/* the kernel serves lxproc's files: bound by host root, locked with the rest */
	if (opts->nlxproc_files)
		*full |= !add(plan, LOP_LXPROC_FILES, NULL, NULL);
	*full |= !add(plan, LOP_PIVOT_ROOT, opts->root, NULL);
	if (opts->userns)
		*full |= !add(plan, LOP_ENTER_USERNS, NULL, NULL);
}

static int build_zone_ops(const struct launch_opts *opts, struct launch_plan *plan,
			  struct zone_error *err)
{
	int full = 0;

	if (zone_ops_enter(opts, plan, &full, err) < 0 || zone_ops_fs(opts, plan, &full, err) < 0 ||
	    zone_ops_binds(opts, plan, &full, err) < 0)
		return -1;
	zone_ops_last(opts, plan, &full);
	if (full)
		return launch_fail(err, LAUNCH_EXIT_USAGE, 0, "too many mounts (at most %d)",
				   LAUNCH_MAX_OPS);
	return 0;
}

int launch_plan_build(const struct launch_opts *opts, struct launch_plan *plan,
		      struct zone_error *err)
{
	unsigned n;

	memset(plan, 0, sizeof(*plan));
	plan->opts = opts;
	plan->init = opts->init;
	if (!opts->argv || !opts->argv[0])
		return launch_fail(err, LAUNCH_EXIT_USAGE, 0, "no program given");
	if (launch_brand_path(opts, plan->brand, sizeof(plan->brand), err) < 0)
		return -1;
	if (!opts->root) {
		if (opts->hostname || opts->nbinds || opts->net != LAUNCH_NET_HOST ||
		    opts->init != LAUNCH_INIT_MINIMAL)
			return launch_fail(err, LAUNCH_EXIT_USAGE, 0,
					   "hostname, binds, network and init need a root");
		/* without a root, only a report needs someone to outlive the program */
		plan->fork_for_wait = opts->report || opts->ncgroup_procs;
		for (size_t i = 0; i < opts->ncgroup_procs; i++)
			if (!add(plan, LOP_JOIN_CGROUP, opts->cgroup_procs[i], NULL))
				return launch_fail(err, LAUNCH_EXIT_USAGE, 0, "too many cgroups");
		/* --cpus on the host: the run's own view of the CPU directory, as a root's (the
		 * cgroup's lxrun stays to clean up, so the program is forked there) */
		if (opts->ncgroup_procs && (n = cpu_dir_cpus(plan, opts)) > 0) {
			struct launch_op *op =
			    add(plan, LOP_HOST_CPU_DIR, NULL, "/sys/devices/system/cpu");

			if (!op)
				return launch_fail(err, LAUNCH_EXIT_USAGE, 0,
						   "too many operations");
			op->flags = n;
			op->data = plan->cpu_list;
		}
		if (opts->report)
			strcpy(plan->report_zone, "(report file)");
		return 0;
	}
	plan->clone_flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC;
	if (opts->net == LAUNCH_NET_NONE)
		plan->clone_flags |= CLONE_NEWNET;
	/* with a user namespace the uts, ipc and network namespaces exist already, owned by it
	 * (launch_userns.c), and the setup process joins them; init's pid namespace comes with
	 * LOP_SPAWN_INIT */
	if (opts->userns)
		plan->clone_flags = CLONE_NEWNS;
	if (opts->joined_ns & CLONE_NEWNS) {
		/* U's init copies the setup's mount namespace into one U owns (LOP_ENTER_USERNS):
		 * the zone would not be in the one given, and U may not join a host-owned one */
		if (opts->userns)
			return launch_fail(err, LAUNCH_EXIT_USAGE, 0,
					   "a mount namespace to join and a user namespace of the "
					   "zone's own: not supported");
		if (opts->mnt_fd < 0)
			return launch_fail(err, LAUNCH_EXIT_USAGE, 0, "mount: no namespace fd");
		plan->clone_flags &= ~CLONE_NEWNS;
	}
	if (opts->joined_ns & CLONE_NEWCGROUP) {
		/* with a U, init's parent joins it in LOP_SPAWN_INIT's place for a new one: before
		 * it enters a U of the zone's own (which owns none yet), from a U joined (OCI's
		 * pod, which owns the one given) */
		if (opts->cgroupns_fd < 0)
			return launch_fail(err, LAUNCH_EXIT_USAGE, 0, "cgroup: no namespace fd");
	}
	if (launch_joins_pidns_late(opts)) {
		/* the setup is cloned in the caller's pid namespace and forks init into the one
		 * given once the root is built and it is hardened (launch_init.c), then exits */
		if (opts->pidns_fd < 0)
			return launch_fail(err, LAUNCH_EXIT_USAGE, 0, "pid: no namespace fd");
		if (!opts->detached || !opts->init_pid_rfd)
			return launch_fail(err, LAUNCH_EXIT_USAGE, 0,
					   "a pid namespace to join: only for a detached zone "
					   "whose caller reads init's pid");
		plan->clone_flags &= ~CLONE_NEWPID;
	}
	plan->new_timens = opts->timens != 0;
	if (opts->init == LAUNCH_INIT_MINIMAL &&
	    launch_init_image_path(opts, plan->init_image, sizeof(plan->init_image), err) < 0)
		return -1;
	if (opts->report)
		strcpy(plan->report_zone, LAUNCH_ZONE_REPORT);
	return build_zone_ops(opts, plan, err);
}

static const struct {
	unsigned long flag;
	const char *name;
} mount_flag_names[] = {
    {MS_RDONLY, "ro"},	   {MS_NOSUID, "nosuid"},	    {MS_NODEV, "nodev"},
    {MS_NOEXEC, "noexec"}, {MS_STRICTATIME, "strictatime"},
};

static void print_flags(FILE *out, unsigned long flags, const char *data)
{
	const char *sep = " (";
	size_t i;

	for (i = 0; i < sizeof(mount_flag_names) / sizeof(mount_flag_names[0]); i++)
		if (flags & mount_flag_names[i].flag) {
			fprintf(out, "%s%s", sep, mount_flag_names[i].name);
			sep = ",";
		}
	if (data) {
		fprintf(out, "%s%s", sep, data);
		sep = ",";
	}
	if (*sep == ',')
		fputc(')', out);
}

static void print_op(const struct launch_plan *plan, const struct launch_op *op, FILE *out)
{
	char ids[256];

	fprintf(out, "%s", launch_op_name(op->kind));
	switch (op->kind) {
	case LOP_JOIN_NETNS:
		fprintf(out, " fd %d", plan->opts->net_fd);
		break;
	case LOP_JOIN_MNTNS:
		fprintf(out, " fd %d", plan->opts->mnt_fd);
		break;
	case LOP_JOIN_CGROUPNS:
		fprintf(out, " fd %d", plan->opts->cgroupns_fd);
		break;
	case LOP_HOSTNAME:
	case LOP_DOMAINNAME:
		fprintf(out, " %s", op->data);
		break;
	case LOP_MOUNT:
		fprintf(out, " %s on %s", op->fstype, op->dest);
		print_flags(out, op->flags, op->data);
		break;
	case LOP_BIND:
	case LOP_DEV_BIND:
	case LOP_PAGE_BIND:
		fprintf(out, " %s on %s", op->src, op->dest);
		print_flags(out, op->flags,
			    !op->idmap			       ? NULL
			    : op->idmap_how == LAUNCH_IDMAP_REC ? "ridmap"
			    : op->uid_map		       ? "idmap (own maps)"
							       : "idmap");
		break;
	case LOP_BIND_ROOT:
		fprintf(out, " %s%s", op->src, op->idmap ? " (idmap)" : "");
		break;
	case LOP_SPAWN_INIT:
		fprintf(out, " (a child in the user namespace forks init as PID 1 of new pid and "
			     "cgroup namespaces it owns; init waits for enter-userns)");
		break;
	case LOP_ENTER_USERNS:
		launch_userns_describe(plan->opts->userns, ids, sizeof(ids));
		fprintf(out,
			" %s (init: new mount namespace, boot mounts locked; this setup process "
			"exits)",
			ids);
		break;
	case LOP_SYMLINK:
		fprintf(out, " %s -> %s", op->dest, op->src);
		break;
	case LOP_MKDIR:
		fprintf(out, " %s %04o", op->dest, op->mode);
		break;
	case LOP_MKNOD:
		fprintf(out, " %s block %u:%u %04o", op->dest, major((dev_t)op->flags),
			minor((dev_t)op->flags), op->mode);
		break;
	case LOP_REPORT_BIND:
		fprintf(out, " (report file) on %s", op->dest);
		break;
	case LOP_BINFMT:
		fprintf(out, " %s (ro) on %s and %s; execute-only copy registered, on %s (ro)",
			op->src, LX_ZONE_BRAND, LX_ZONE_BRAND_MAP, op->dest);
		break;
	case LOP_EXEC_LINKS:
		fprintf(out,
			" %s (ro) on %s; where the host's binfmt_misc has or takes the entry %s, "
			"an execute-only copy and the links on %s (ro)",
			op->src, LX_ZONE_BRAND, LX_BINFMT_HOST_NAME, op->dest);
		break;
	case LOP_BRAND_BIND:
	case LOP_INIT_IMAGE:
		fprintf(out, " %s (ro)", op->src);
		break;
	case LOP_LOOPBACK_UP:
	case LOP_NEW_CGROUPNS:
		break;
	case LOP_MASK:
	case LOP_READ_ONLY:
	case LOP_READ_WRITE:
		fprintf(out, " %s (if present)", op->dest);
		break;
	case LOP_LXPROC_FILES:
		for (size_t i = 0; i < plan->opts->nlxproc_files; i++)
			fprintf(out, " %s", plan->opts->lxproc_files[i].zone);
		fprintf(out, " (FUSE, served outside the zone)");
		break;
	case LOP_HOST_CPU_DIR:
		fprintf(out, " %s cpu0..cpu%lu online %.*s (private mount namespace)", op->dest,
			op->flags - 1, (int)strcspn(op->data, "\n"), op->data);
		break;
	default:
		fprintf(out, " %s", op->src ? op->src : op->dest);
		break;
	}
	fputc('\n', out);
}

void launch_plan_print(const struct launch_plan *plan, FILE *out)
{
	const struct launch_opts *o = plan->opts;
	size_t i;

	if (plan->clone_flags && o->userns) {
		char ids[256];

		launch_userns_describe(o->userns, ids, sizeof(ids));
		fprintf(out,
			"namespaces user,pid,mount,uts,ipc%s,cgroup%s (user: %s; it owns pid, uts, "
			"ipc%s, cgroup)\n",
			o->net == LAUNCH_NET_NONE ? ",net" : "", plan->new_timens ? ",time" : "",
			ids, o->net == LAUNCH_NET_HOST ? "" : ", net");
	} else if (plan->clone_flags) {
		fprintf(out, "namespaces pid,%suts,ipc%s%s\n",
			plan->clone_flags & CLONE_NEWNS ? "mount," : "",
			plan->clone_flags & CLONE_NEWNET ? ",net" : "",
			plan->new_timens ? ",time" : "");
	} else {
		fprintf(out, "namespaces none\n");
	}
	for (i = 0; i < plan->nops; i++)
		print_op(plan, &plan->ops[i], out);
	if (plan->clone_flags)
		fprintf(out, "init %s\n",
			plan->init == LAUNCH_INIT_IMAGE ? "image"
							: "minimal " LAUNCH_INIT_NAME " (by fd)");
	if (o->drop_caps) {
		char names[1024];

		zone_caps_format(o->caps, names, sizeof(names));
		fprintf(out, "capabilities %s\n", names);
	}
	fprintf(out, "filter %s\n", o->hardened ? "hardened" : "default");
	fprintf(out, "exec-brand %s%s kernel-version=%s strict=%d report=%s", plan->brand,
		plan->clone_flags ? " (by fd)" : "", o->kernel_version ? o->kernel_version : "host",
		o->strict, *plan->report_zone ? plan->report_zone : "none");
	if (o->zone_page)
		fprintf(out, " zone-page=%s", o->zone_page);
	fprintf(out, " argv");
	for (i = 0; o->argv[i]; i++)
		fprintf(out, " '%s'", o->argv[i]);
	fprintf(out, "%s\n",
		plan->clone_flags     ? ""
		: plan->fork_for_wait ? " (fork, wait)"
				      : " (in place)");
}
