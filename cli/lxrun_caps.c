/*
 * lxrun's transient cgroup and zone page. See lxrun_caps.h.
 */
#include "cli/lxrun_caps.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Where the page goes on the host: $LXZONE_RUN_DIR, /run/lxzone for root, else the user's
 * runtime directory, else $TMPDIR. */
static void page_dir(char *buf, size_t sz)
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
	else
		snprintf(buf, sz, "%s", tmp && *tmp ? tmp : "/tmp");
}

int lxrun_caps_plan(struct lxrun_caps *c, struct launch_opts *opts, struct launch_error *err)
{
	struct zone_error zerr = {0};
	char name[64];
	int n;

	memset(c, 0, sizeof(*c));
	if (!opts->memory && !opts->millicpus)
		return 0;
	c->active = true;
	snprintf(name, sizeof(name), "lxrun-%d", (int)getpid());
	if (zone_cgroup_init(&c->cg, getenv("LXZONE_CGROUP_MNT"), name, &zerr) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, 0, "--memory/--cpus: %s", zerr.msg);
	n = zone_cgroup_procs_files(&c->cg, c->procs, ZONE_CG_NCTRL + 1);
	for (int i = 0; i < n; i++)
		c->procs_ptr[i] = c->procs[i];
	opts->cgroup_procs = c->procs_ptr;
	opts->ncgroup_procs = (size_t)n;

	page_dir(c->page_dir, sizeof(c->page_dir));
	if ((size_t)snprintf(c->page_path, sizeof(c->page_path), "%s/%s.page", c->page_dir, name) >=
	    sizeof(c->page_path))
		return launch_fail(err, LAUNCH_EXIT_CANNOT, ENAMETOOLONG, "zone page in %s",
				   c->page_dir);
	if (opts->root) {
		opts->zone_page_host = c->page_path;
		opts->zone_page = LAUNCH_ZONE_PAGE;
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

int lxrun_caps_start(struct lxrun_caps *c, struct launch_opts *opts, struct launch_error *err)
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
	if (mkdir(c->page_dir, 0755) < 0 && errno != EEXIST) {
		zone_error_set(&zerr, errno, "mkdir %s", c->page_dir);
		goto fail;
	}
	if (lxzone_page_create(&c->page, c->page_path, lxzone_boottime_ns(), &zerr) < 0)
		goto fail;
	c->page.host_pidns = opts->root == NULL;
	if (lxzone_page_sample(&c->page, &c->cg, &zerr) < 0)
		goto fail;
	opts->tick = caps_tick;
	opts->tick_arg = c;
	return 0;
fail:
	lxrun_caps_end(c);
	return launch_fail(err, LAUNCH_EXIT_CANNOT, 0, "--memory/--cpus: %s", zerr.msg);
}

void lxrun_caps_end(struct lxrun_caps *c)
{
	struct zone_error zerr = {0};

	if (!c->active)
		return;
	lxzone_page_close(&c->page, true);
	if (c->created) {
		/* the program's leftovers (daemons it started) go with the run, as in a zone */
		if (zone_cgroup_kill(&c->cg, 5000, &zerr) < 0 ||
		    zone_cgroup_remove(&c->cg, &zerr) < 0)
			fprintf(stderr, "lxrun: remove cgroup: %s\n", zerr.msg);
		c->created = false;
	}
}
