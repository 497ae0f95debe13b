/*
 * lxrun's transient cgroup and zone page. See lxrun_caps.h.
 */
#include "cli/lxrun_caps.h"
#include "lib/readfile.h"
#include "zone/netbpf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

int lxrun_run_dir(char *buf, size_t sz)
{
	const char *e = getenv("LXZONE_RUN_DIR");
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	const char *tmp = getenv("TMPDIR");

	if (e && *e)
		snprintf(buf, sz, "%s", e);
	else if (geteuid() == 0)
		snprintf(buf, sz, "/run/lxzone");
	else if (xdg && *xdg)
		snprintf(buf, sz, "%s/lxzone", xdg);
	else {
		snprintf(buf, sz, "%s", tmp && *tmp ? tmp : "/tmp");
		return 1;
	}
	return 0;
}

/* Linux 5.14 or later: cgroup v2's cgroup.kill. */
static bool has_cgroup_kill(void)
{
	struct utsname u;
	unsigned major = 0, minor = 0;

	return uname(&u) == 0 && sscanf(u.release, "%u.%u", &major, &minor) == 2 &&
	       (major > 5 || (major == 5 && minor >= 14));
}

/*
 * Only the v1 hierarchies this run uses: every one costs a mkdir, a join, a read when the
 * run ends and an rmdir.  cpuacct always (the zone's CPU time in /proc/stat); memory for
 * --memory; cpu (quota) and cpuset for --cpus; no pids (lxrun sets no pids cap); the freezer
 * only where no cgroup.kill (a hybrid host's unified tracking cgroup) ends the run's leftovers.
 */
static void trim_controllers(struct zone_cgroup *cg, const struct launch_opts *opts)
{
	if (cg->layout == ZONE_CG_V2)
		return; /* one directory whatever the controllers */
	if (!opts->memory)
		cg->v1[ZONE_CG_MEMORY][0] = '\0';
	if (!opts->millicpus) {
		cg->v1[ZONE_CG_CPU][0] = '\0';
		cg->v1[ZONE_CG_CPUSET][0] = '\0';
	}
	cg->v1[ZONE_CG_PIDS][0] = '\0';
	if (cg->v2[0] && has_cgroup_kill())
		cg->v1[ZONE_CG_FREEZER][0] = '\0';
}

int lxrun_caps_plan(struct lxrun_caps *c, struct launch_opts *opts, struct zone_error *err)
{
	char name[64];
	int n;

	memset(c, 0, sizeof(*c));
	if (!opts->memory && !opts->millicpus && !opts->shared_ip)
		return 0;
	c->active = true;
	snprintf(name, sizeof(name), "lxrun-%d", (int)getpid());
	if (zone_cgroup_init(&c->cg, getenv("LXZONE_CGROUP_MNT"), name, err) < 0)
		return launch_wrap(err, LAUNCH_EXIT_CANNOT, "--memory/--cpus");
	trim_controllers(&c->cg, opts);
	n = zone_cgroup_procs_files(&c->cg, c->procs, ZONE_CG_NCTRL + 1);
	for (int i = 0; i < n; i++)
		c->procs_ptr[i] = c->procs[i];
	opts->cgroup_procs = c->procs_ptr;
	opts->ncgroup_procs = (size_t)n;

	lxrun_run_dir(c->page_dir, sizeof(c->page_dir));
	if ((size_t)snprintf(c->page_path, sizeof(c->page_path), "%s/%s.page", c->page_dir, name) >=
	    sizeof(c->page_path))
		return launch_fail(err, LAUNCH_EXIT_CANNOT, ENAMETOOLONG, "zone page in %s",
				   c->page_dir);
	lxprocfs_init(&c->fs);
	if (opts->root) {
		opts->zone_page_host = c->page_path;
		opts->zone_page = LAUNCH_ZONE_PAGE;
		/* the kernel serves the lxproc files (mounting them takes root); no FUSE: the
		 * brand does, trapping opens */
		if (geteuid() == 0 && lxprocfs_open(&c->fs, err) == 0)
			lxprocfs_plan_opts(&c->fs, c->binds, c->files, opts);
	} else {
		opts->zone_page = c->page_path;
	}
	return 0;
}

static void caps_tick(void *arg)
{
	struct lxrun_caps *c = arg;
	struct zone_error zerr = {0};

	if (lxzone_page_sample(&c->page, &c->cg, &zerr) < 0 && !c->warned) {
		fprintf(stderr, "lxrun: %s\n", zerr.msg);
		c->warned = true;
	}
}

/* --shared-ip: the net=shared hooks on the run's cgroup (the caller is root, whose uid may
 * bind low ports as it could without them) */
static int shared_ip_hooks(struct lxrun_caps *c, const struct launch_opts *opts,
			   struct zone_error *zerr)
{
	struct zone_netpolicy pol = {0};
	char name[64];

	if (!c->cg.v2[0])
		return zone_error_set(zerr, 0, "--shared-ip needs a cgroup2 hierarchy");
	if (zone_netpolicy_parse(&pol, opts->shared_ip, zerr) < 0)
		return -1;
	snprintf(name, sizeof(name), "lxrun-%d", (int)getpid());
	pol.lo4 = zone_netbpf_loopback(name);
	pol.root_uid = (uint32_t)getuid();
	return zone_netbpf_attach(c->cg.v2, &pol, zerr);
}

int lxrun_caps_start(struct lxrun_caps *c, struct launch_opts *opts, struct zone_error *err)
{
	struct zone_error zerr = {0};
	struct zone_cg_limits lim = {
	    .memory = opts->memory ? opts->memory : UINT64_MAX,
	    .swap = UINT64_MAX,
	    .millicpus = opts->millicpus ? opts->millicpus : UINT64_MAX,
	    .pids = UINT64_MAX,
	    /* no devices rules: lxrun's `default` capabilities have no cap_mknod, and without
	     * --root the program uses the host's /dev */
	    .devices = false,
	    .root = opts->root ? opts->root : "/",
	};

	if (!c->active)
		return 0;
	/* a cgroup of the same name is an earlier lxrun's with our pid that did not clean up */
	if (zone_cgroup_exists(&c->cg) &&
	    (zone_cgroup_kill(&c->cg, 5000, &zerr) < 0 || zone_cgroup_remove(&c->cg, &zerr) < 0))
		goto fail;
	if (zone_cgroup_create(&c->cg, &lim, &zerr) < 0)
		goto fail;
	c->created = true;
	if (opts->shared_ip && shared_ip_hooks(c, opts, &zerr) < 0)
		goto fail;
	if (mkdir(c->page_dir, 0755) < 0 && errno != EEXIST) {
		zone_error_set(&zerr, errno, "mkdir %s", c->page_dir);
		goto fail;
	}
	if (lxzone_page_create(&c->page, c->page_path, lxzone_boottime_ns(), &zerr) < 0)
		goto fail;
	c->page.host_pidns = opts->root == NULL;
	if (lxzone_page_sample(&c->page, &c->cg, &zerr) < 0)
		goto fail;
	if (opts->nlxproc_files &&
	    lxprocfs_start(&c->fs, c->page_path, opts->kernel_version, 1, &zerr) < 0)
		goto fail;
	opts->affinity_native = zone_cgroup_cpus_native(&c->cg, opts->millicpus);
	opts->tick = caps_tick;
	opts->tick_arg = c;
	return 0;
fail:
	lxrun_caps_end(c);
	return launch_fail(err, LAUNCH_EXIT_CANNOT, 0, "%s: %s",
			   opts->shared_ip ? "--shared-ip" : "--memory/--cpus", zerr.msg);
}

/* Any process left in the run's cgroup?  One read of the unified tracking cgroup's
 * cgroup.events where there is one, else its cgroup.procs files. */
static bool cgroup_populated(struct zone_cgroup *cg)
{
	char buf[256];

	if (cg->v2[0] == '\0' || zone_read_text(buf, sizeof(buf), "%s/cgroup.events", cg->v2) <= 0)
		return zone_cgroup_count(cg) != 0;
	return strstr(buf, "populated 0") == NULL;
}

void lxrun_caps_end(struct lxrun_caps *c)
{
	struct zone_error zerr = {0};

	if (!c->active)
		return;
	lxprocfs_stop(&c->fs);
	lxzone_page_close(&c->page, true);
	if (c->created) {
		/* the program's leftovers (daemons it started) go with the run, as in a zone */
		if ((cgroup_populated(&c->cg) && zone_cgroup_kill(&c->cg, 5000, &zerr) < 0) ||
		    zone_cgroup_remove(&c->cg, &zerr) < 0)
			fprintf(stderr, "lxrun: remove cgroup: %s\n", zerr.msg);
		c->created = false;
	}
}
