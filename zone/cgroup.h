/*
 * Zone cgroups behind one interface, on the three layouts a Linux host can have:
 *
 *   v1      one hierarchy per controller: <mnt>/memory, <mnt>/cpu, <mnt>/cpuset, <mnt>/pids...
 *   v2      one unified hierarchy at <mnt> (cgroup.controllers at its top)
 *   hybrid  v1 controllers plus a cgroup2 mount at <mnt>/unified with no useful controllers
 *           (this machine): limits go to v1, and the zone also gets a unified cgroup so
 *           process tracking is the same everywhere.
 *
 * A zone's cgroup is <parent>/<zone name> in every hierarchy it uses, parent being
 * $LXZONE_CGROUP_PARENT or "lxzone". Layout detection looks at files, not file-system magic,
 * so the unit tests can run it over a plain directory tree.
 */
#ifndef LXZONE_ZONE_CGROUP_H
#define LXZONE_ZONE_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "zone/error.h"

enum zone_cg_layout {
	ZONE_CG_V1,
	ZONE_CG_V2,
	ZONE_CG_HYBRID,
};

enum zone_cg_ctrl {
	ZONE_CG_MEMORY,
	ZONE_CG_CPU,
	ZONE_CG_CPUACCT,
	ZONE_CG_CPUSET,
	ZONE_CG_PIDS,
	ZONE_CG_FREEZER,
	ZONE_CG_DEVICES,
	ZONE_CG_NCTRL,
};

#define ZONE_CG_PATH 512

struct zone_cgroup {
	enum zone_cg_layout layout;
	char mnt[256];
	/* v1 (and hybrid): per-controller directory, "" when the controller is absent. */
	char v1[ZONE_CG_NCTRL][ZONE_CG_PATH];
	/* v2, or hybrid's unified tracking cgroup; "" when none. */
	char v2[ZONE_CG_PATH];
};

struct zone_cg_limits {
	uint64_t memory;    /* bytes, UINT64_MAX: unlimited */
	uint64_t swap;	    /* bytes on top of memory, UINT64_MAX: unlimited */
	uint64_t millicpus; /* thousandths of a CPU, UINT64_MAX: unlimited */
	uint64_t pids;	    /* UINT64_MAX: unlimited */
	/* Confine device nodes (v1 devices controller; see zone_cgroup_device_rules): false
	 * leaves the devices cgroup open (lxrun without --root: the program uses the host's
	 * /dev). */
	bool devices;
	const unsigned long *blockdevs; /* host dev_t of the zone's block devices (`device`) */
	size_t nblockdevs;
};

const char *zone_cg_layout_name(enum zone_cg_layout l);

/* Detect the layout under mnt (NULL: /sys/fs/cgroup) and compute the zone's paths. */
int zone_cgroup_init(struct zone_cgroup *cg, const char *mnt, const char *zone,
		     struct zone_error *err);

/* Create the cgroup(s) and write the limits. */
int zone_cgroup_create(struct zone_cgroup *cg, const struct zone_cg_limits *lim,
		       struct zone_error *err);

/* The cgroup.procs files a process must be written to, to join the zone (NULL-terminated
 * array of pointers into cg; at most ZONE_CG_NCTRL + 1 entries). */
int zone_cgroup_procs_files(struct zone_cgroup *cg, char files[][ZONE_CG_PATH + 16], size_t max);

/*
 * What the zone sees at /sys/fs/cgroup, shaped like the host's: one read-only mount per
 * hierarchy the zone has a cgroup in (v1: /sys/fs/cgroup/<hierarchy> with the controller list
 * as mount data; hybrid: also cgroup2 at /sys/fs/cgroup/unified; v2: cgroup2 at
 * /sys/fs/cgroup), and "symlink" entries for controllers of a co-mounted hierarchy
 * (dest /sys/fs/cgroup/cpu, data "cpu,cpuacct"), as the host has them.  Mounted after the
 * zone's init joined the cgroups and took a cgroup namespace, each shows only the zone's
 * subtree.  Returns the number of entries (at most max).
 */
struct zone_cgroup_fs {
	char fstype[8]; /* "cgroup", "cgroup2" or "symlink" */
	char dest[64];
	char data[64];
};
#define ZONE_CG_MAXFS (2 * ZONE_CG_NCTRL + 1)
size_t zone_cgroup_fs_list(const struct zone_cgroup *cg, struct zone_cgroup_fs *out, size_t max);

/*
 * Devices (LXC's and runc's model, cgroup v1 `devices`): the zone's cgroup denies every
 * device, then allows mknod of any node (`c *:* m`, `b *:* m`: a node is only a name) and
 * read, write and mknod of exactly what the zone's /dev has: null, zero, full, random,
 * urandom, tty, ptmx and the /dev/pts slaves (cli/launch_plan.c), plus the block devices
 * given with the `device` key.  So root in a zone may keep CAP_MKNOD: a node it makes for a
 * host disk cannot be opened (EPERM).  A pure cgroup2 host has no devices controller (only a
 * BPF program could do it), so there zone_cgroup_confines_devices is false and the zone's
 * default capability set leaves cap_mknod out (zone/capset.h).
 *
 * zone_cgroup_device_rules writes the lines for devices.allow into rules (each at most
 * ZONE_CG_RULE bytes) and returns how many (at most max).
 */
#define ZONE_CG_RULE 32
size_t zone_cgroup_device_rules(const unsigned long *blockdevs, size_t n,
				char rules[][ZONE_CG_RULE], size_t max);

/* Does this host give the zone a devices cgroup (v1 or hybrid with `devices`)? */
bool zone_cgroup_confines_devices(const struct zone_cgroup *cg);

int zone_cgroup_join(struct zone_cgroup *cg, pid_t pid, struct zone_error *err);

/* Number of processes in the zone's cgroup (from the first hierarchy used). */
int zone_cgroup_count(struct zone_cgroup *cg);

/* SIGKILL every process in the zone's cgroup until it is empty (or timeout_ms passes). */
int zone_cgroup_kill(struct zone_cgroup *cg, int timeout_ms, struct zone_error *err);

/* Remove the cgroup directories (the cgroup must be empty). Missing ones are fine. */
int zone_cgroup_remove(struct zone_cgroup *cg, struct zone_error *err);

/* Does any of the zone's cgroup directories exist? */
int zone_cgroup_exists(struct zone_cgroup *cg);

#endif
