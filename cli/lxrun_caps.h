/*
 * lxrun --memory / --cpus: a transient cgroup for one run, and the zone page that shows its
 * caps to the brand.
 *
 * Without a root the program runs on the host, in a cgroup of its own (<parent>/lxrun-<pid>
 * in every hierarchy, through zone/cgroup.h), and the brand maps the page at its host path;
 * with --root the page is bound read-only at LAUNCH_ZONE_PAGE.  lxrun's waiting parent is the
 * page's writer: it samples the cgroup once before the program starts and then every second
 * (launch_opts.tick).  The cgroup (after killing what is left in it) and the page go when the
 * run ends, on errors too, and on the forwarded signals (which end the program first).
 */
#ifndef LXZONE_CLI_LXRUN_CAPS_H
#define LXZONE_CLI_LXRUN_CAPS_H

#include <stdbool.h>

#include "zone/launch/launch.h"
#include "zone/cgroup.h"
#include "zone/lxprocfs.h"
#include "zone/zonepage.h"

struct lxrun_caps {
	bool active; /* --memory or --cpus given */
	bool created;
	struct zone_cgroup cg;
	char procs[ZONE_CG_NCTRL + 1][ZONE_CG_PROCS];
	const char *procs_ptr[ZONE_CG_NCTRL + 1];
	char page_dir[PATH_MAX];
	char page_path[PATH_MAX];
	struct lxzone_page_writer page;
	bool warned; /* a failed sample was reported once */
	/* with a root, as root: the lxproc files served by the kernel (zone/lxprocfs.h) */
	struct lxprocfs fs;
	struct lxprocfs_bind binds[LXPROCFS_MAXFILES];
	struct launch_lxproc_file files[LXPROCFS_MAXFILES];
};

/* lxrun's run directory (zone pages, the filter cache): $LXZONE_RUN_DIR, /run/lxzone for
 * root, else $XDG_RUNTIME_DIR/lxzone; 0.  Without those, $TMPDIR or /tmp (shared with other
 * users: pages only, never the cache) and 1. */
int lxrun_run_dir(char *buf, size_t sz);

/* Decide the cgroup and page paths and point opts at them (cgroup_procs, zone_page,
 * zone_page_host); with a root, as root, open /dev/fuse for the lxproc files (lxproc_files,
 * lxproc_fuse_fd; without FUSE the brand serves them).  Changes nothing on the host: the
 * plan, and --dry-run, show the result. */
int lxrun_caps_plan(struct lxrun_caps *c, struct launch_opts *opts, struct zone_error *err);

/* Create the cgroup with the caps, create the page, sample it once, install the sampler as
 * opts->tick, start the lxproc files' server and set opts->affinity_native.  On error
 * nothing is left behind. */
int lxrun_caps_start(struct lxrun_caps *c, struct launch_opts *opts, struct zone_error *err);

/* Kill what is left in the cgroup, remove it and the page. Safe to call more than once. */
void lxrun_caps_end(struct lxrun_caps *c);

#endif
