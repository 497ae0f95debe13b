/*
 * What a boot does, from the zone's configuration: the launcher's options (namespaces, root,
 * binds, devices, cgroups, network, lxproc files, the init), printed by `boot --dry-run`, and
 * the filter, cached in the store.
 */
#include "zone/boot_int.h"
#include "lib/openat2.h"

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

/*
 * The zone's cgroup, delegated: its processes live in a child the zone manages.  Where its
 * last boot recorded it (state.json's "cgroup", zone_cgroup_record): exec, halt and the
 * clean-up after a crash find the zone where it runs, whatever LXZONE_CGROUP_PARENT and
 * LXZONE_CGROUP_MNT their own environment says; a zone never booted, where they say.
 */
int zone_cgroup_for(struct zone *z, struct zone_cgroup *cg, struct zone_error *err)
{
	json_t *rec = json_object_get(z->state, "cgroup");
	const char *parent = json_string_value(json_object_get(rec, "parent"));
	const char *mnt = json_is_object(rec) ? json_string_value(json_object_get(rec, "mnt"))
					      : getenv("LXZONE_CGROUP_MNT");

	if (zone_cgroup_init_in(cg, mnt, parent, z->name, err) < 0)
		return -1;
	zone_cgroup_delegate(cg);
	return 0;
}

/* Boot: where this boot's environment puts the zone's cgroup, for zone_cgroup_for. */
void zone_cgroup_record(struct zone *z)
{
	zone_state_put(z, "cgroup",
		       json_pack("{s:s, s:s?}", "parent", zone_cgroup_parent_env(), "mnt",
				 getenv("LXZONE_CGROUP_MNT")));
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
uint64_t zone_caps(struct zone *z)
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
	fd = lx_openat2(rfd, path, &how);
	return fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

/* A random UUID (RFC 4122 version 4), from the kernel's generator. */
const char *zone_new_uuid(void)
{
	static char u[40];
	cleanup_fclose FILE *f = fopen("/proc/sys/kernel/random/uuid", "re");

	if (f == NULL || fgets(u, sizeof(u), f) == NULL)
		snprintf(u, sizeof(u), "00000000-0000-4000-8000-%012llx",
			 (unsigned long long)time(NULL));
	u[strcspn(u, "\n")] = '\0';
	return u;
}

/* The kernel serves the zone's lxproc files when there is FUSE; else the brand, trapping
 * opens.  Its server starts once the page exists (boot_lxprocfs_start). */
void boot_lxprocfs_plan(struct boot_ctx *b, bool dry_run)
{
	struct zone_error ferr = {0};

	/* --dry-run shows what a boot would do, without opening the device */
	if (dry_run ? access("/dev/fuse", R_OK | W_OK) < 0 : lxprocfs_open(&b->lxfs, &ferr) < 0)
		return;
	lxprocfs_plan_opts(&b->lxfs, b->lxbinds, b->lxfiles, &b->opts);
}

/* A zone that is not `privileged` runs in a user namespace with its recorded id range. */
bool zone_userns(struct zone *z)
{
	return !zone_config_bool(z->config, "privileged");
}

/*
 * The zone's block devices (config `device`): each must still be a block device on the host;
 * the plan makes its node in the zone's /dev and the mount service lets the zone mount it.
 */
int zone_devices(struct zone *z, struct zone_device *spec, struct launch_device *dev,
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

int boot_build_opts(struct zone *z, struct boot_ctx *b, struct zone_error *err)
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
	/* lxzone's own environment decides for auto, never the zone's */
	b->opts.syscall_patching = launch_patching_knob(
	    launch_patching_value(zone_config_str(z->config, "syscall-patching")));
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
void boot_set_cgroups(struct boot_ctx *b)
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

bool zone_net_is(struct zone *z, const char *mode)
{
	return strcmp(zone_config_str(z->config, "net"), mode) == 0;
}

/* net=shared: the kernel's hooks on the zone's cgroup (zone/netbpf.h), then its addresses on
 * the host; the zone stays in the host's network namespace, owned by the host's user
 * namespace, where its root has no capability. */
int boot_net_shared(struct zone *z, struct boot_ctx *b, struct zone_error *err)
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
	b->opts.net_view = 1;
	b->opts.net_view_ifname = zone_config_str(z->config, "shared-interface");
	return 0;
}

/* net=shared: what its netlink sockets show (the zone page's net_* fields); the filter that
 * sends them to the brand is the launcher's (netlink/nlfilter.h, opts.net_view) */
int boot_net_view(struct zone *z, struct boot_ctx *b, struct zone_error *err)
{
	struct zone_netpolicy pol = {0};

	if (zone_netpolicy_parse(&pol, zone_config_str(z->config, "address"), err) < 0 ||
	    lxzone_page_set_net(&b->page, zone_config_str(z->config, "shared-interface"), pol.v4,
				pol.n4, (const uint8_t(*)[16])pol.v6, pol.n6, err) < 0)
		return zone_error_wrap(err, "net=shared");
	return 0;
}

/* The cgroup's limits, and its devices: the zone's /dev and its block devices
 * (build_opts found them). */
void boot_limits(json_t *cfg, const struct boot_ctx *b, struct zone_cg_limits *l)
{
	l->memory = zone_config_u64(cfg, "memory");
	l->swap = zone_config_u64(cfg, "swap");
	l->millicpus = zone_config_millicpus(cfg);
	l->pids = zone_config_u64(cfg, "pids");
	l->devices = true;
	l->blockdevs = b->mountd.devs;
	l->nblockdevs = b->mountd.ndevs;
	l->root = b->root;
}

/* "supervisor veth lxz... (HOST ADDRESSES) <-> eth0 (ZONE ADDRESSES)", or "on bridge BR",
 * and the interface's default routes */
static void boot_plan_netif(FILE *out, const char *zone, size_t i, const struct zone_netif *nif)
{
	char ifname[16], host[64], hosts[ZONE_NETIF_ADDR_MAX * 64] = "", addrs[sizeof(hosts)] = "";
	size_t o = 0, oa = 0;

	zone_net_host_ifname(zone, i, ifname, sizeof(ifname));
	for (size_t k = 0; k < nif->naddr; k++) {
		oa += (size_t)snprintf(addrs + oa, sizeof(addrs) - oa, "%s%s", k ? "," : "",
				       nif->addr[k]);
		if (ZONE_NETIF_ROUTED(nif) &&
		    zone_net_host_address(nif->addr[k], host, sizeof(host), NULL) == 0 &&
		    strstr(hosts, host) == NULL)
			o += (size_t)snprintf(hosts + o, sizeof(hosts) - o, "%s%s", o ? "," : "",
					      host);
	}
	if (nif->macvlan[0])
		fprintf(out, "supervisor macvlan on %s <-> %s (%s)\n", nif->macvlan, nif->name,
			addrs);
	else if (nif->bridge[0])
		fprintf(out, "supervisor veth %s on bridge %s <-> %s (%s)\n", ifname, nif->bridge,
			nif->name, addrs);
	else
		fprintf(out, "supervisor veth %s (%s) <-> %s (%s)\n", ifname, hosts, nif->name,
			addrs);
	for (int f = 0; f < 2; f++)
		if (nif->gw[f][0])
			fprintf(out, "supervisor route %s default via %s dev %s\n", f ? "-6" : "-4",
				nif->gw[f], nif->name);
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
	if (boot_build_opts(z, b, err) < 0 || zone_cgroup_for(z, &b->cg, err) < 0)
		goto out;
	launch_userns_init(&b->userns);
	if (zone_userns(z)) {
		/* a zone created before user namespaces gets its range at its first boot */
		if (zone_idmap_get(z->state, &b->ids) < 0) {
			fprintf(out, "supervisor idmap (a free range, allocated at boot)\n");
			b->ids.base = ZONE_IDMAP_FIRST;
			b->ids.count = ZONE_IDMAP_COUNT;
		}
		b->userns.base = b->userns.gid_base = b->ids.base;
		b->userns.count = b->ids.count;
		b->opts.userns = &b->userns;
		b->opts.root_mapped = zone_overlay_lower(z) != NULL;
		fprintf(out, "supervisor chown delegated cgroup to %u:%u\n", b->ids.base,
			b->ids.base);
	} else {
		b->opts.exec_links = 1; /* where the host's binfmt_misc has or takes the entry */
	}
	boot_limits(z->config, b, &lim);
	fprintf(out, "supervisor cgroup %s", zone_cg_layout_name(b->cg.layout));
	boot_set_cgroups(b);
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
		struct zone_netif ifs[ZONE_NET_IF_MAX];
		size_t nif;

		if (zone_net_ifaces(z->config, ifs, &nif, err) < 0)
			goto out;
		for (size_t i = 0; i < nif; i++)
			boot_plan_netif(out, z->name, i, &ifs[i]);
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
int zone_filter_get(struct zone *z, const struct lx_filter_opts *fo, struct sock_fprog *out,
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
