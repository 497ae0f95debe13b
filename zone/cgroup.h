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
 *
 * Delegation (zone_cgroup_delegate; LXC's "payload", systemd's delegated unit).  The zone's
 * cgroup Z holds its caps and belongs to the host.  The zone's processes live in a child,
 * Z/payload, the root of the zone's cgroup namespace, which the zone may manage: make
 * cgroups below it, move its processes between them, set their limits.  Z's own files are
 * above the namespace root, so the zone never sees them, and every limit the zone sets below
 * is bounded by Z's, hierarchically, by the kernel: v1 memory and memsw (charges go up to
 * Z: a child allowed more is killed at Z's cap), pids (the same), cpu (a child's CFS quota
 * above an ancestor's is refused, EINVAL), cpuset (a child's CPUs must be a subset of its
 * parent's, EACCES otherwise), devices (a child cannot allow what its parent denies, EPERM);
 * cgroup2's memory.max, pids.max and cpu.max likewise apply at every level.  The walk
 * functions below (count, kill, remove) cover Z and every cgroup the zone made under it.
 */
#ifndef LXZONE_ZONE_CGROUP_H
#define LXZONE_ZONE_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"

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
	/* no limit of a zone's own (zone config has none; OCI's blockIO writes it): the zone's
	 * block I/O is counted as its own, not in the hierarchy's root, as runc and LXC join
	 * every v1 controller */
	ZONE_CG_BLKIO,
	/* not a controller: the named v1 hierarchy systemd keeps (name=systemd) on a v1 or
	 * hybrid host.  A systemd booted in a zone needs its own, writable, at
	 * /sys/fs/cgroup/systemd (it cannot mount it there: the zone's /sys/fs/cgroup is
	 * read-only), as systemd-nspawn and LXC give it. */
	ZONE_CG_SYSTEMD,
	ZONE_CG_NCTRL,
};

#define ZONE_CG_PATH 512

/* The delegated child of a zone's cgroup (see above). */
#define ZONE_CG_INNER "payload"
/* Room for a cgroup.procs path: a cgroup's path, the delegated child and the file name. */
#define ZONE_CG_PROCS (ZONE_CG_PATH + 32)

struct zone_cgroup {
	enum zone_cg_layout layout;
	char mnt[256];
	/* v1 (and hybrid): per-controller directory, "" when the controller is absent. */
	char v1[ZONE_CG_NCTRL][ZONE_CG_PATH];
	/* v2, or hybrid's unified tracking cgroup; "" when none. */
	char v2[ZONE_CG_PATH];
	/* The delegated child processes join (ZONE_CG_INNER), "" when they join the cgroup
	 * itself (lxrun's transient cgroups). */
	char inner[16];
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
	/* The zone's root (NULL: none of its own): with blockdevs, the disks whose I/O by the
	 * zone a v1 blkio cgroup counts (zone_cgroup_count_io). */
	const char *root;
};

const char *zone_cg_layout_name(enum zone_cg_layout l);

/* Give the delegated child (its directory and files, in every hierarchy) to uid:gid, the
 * host ids of a user-namespaced zone's root, so that root manages it as the kernel allows an
 * owner (sub-cgroups, moving its processes); the caps above it stay host root's.  0 when the
 * cgroup has no delegated child. */
int zone_cgroup_chown(const struct zone_cgroup *cg, uid_t uid, gid_t gid, struct zone_error *err);

/* Detect the layout under mnt (NULL: /sys/fs/cgroup) and compute the zone's paths, under
 * the parent $LXZONE_CGROUP_PARENT (default "lxzone"). */
int zone_cgroup_init(struct zone_cgroup *cg, const char *mnt, const char *zone,
		     struct zone_error *err);

/* The same under the parent given (NULL: the environment's, as zone_cgroup_init). */
int zone_cgroup_init_in(struct zone_cgroup *cg, const char *mnt, const char *parent,
			const char *zone, struct zone_error *err);

/* The parent the environment names: $LXZONE_CGROUP_PARENT, or "lxzone". */
const char *zone_cgroup_parent_env(void);

/* Give the zone a delegated child (ZONE_CG_INNER): zone_cgroup_create makes it, processes
 * join it and its cgroup file systems are mounted writable. */
void zone_cgroup_delegate(struct zone_cgroup *cg);

/* Does the delegated child exist (in the first hierarchy used)?  False for a zone booted by
 * an lxzone without delegation, whose processes are in the zone's cgroup itself. */
bool zone_cgroup_inner_exists(const struct zone_cgroup *cg);

/* Leave out the v1 controller c when its directory is not there (a zone or container started
 * by an lxzone that did not make it: an exec then has none to join). */
void zone_cgroup_skip_absent(struct zone_cgroup *cg, enum zone_cg_ctrl c);

/*
 * Is the kernel's sched_getaffinity the zone's answer?  True when the cgroup's effective CPUs
 * (its cpuset, else the host's online CPUs) are host CPUs 0..n-1 and no quota (millicpus, 0 or
 * UINT64_MAX: none) cuts them: lxproc then numbers the zone's CPUs as the kernel does.
 */
bool zone_cgroup_cpus_native(const struct zone_cgroup *cg, uint64_t millicpus);

/* Create the cgroup(s) and write the limits; then, when delegated, the child (after the
 * limits and device rules, so it starts with them: v1 cpuset and devices copy the parent's
 * at creation; cgroup.clone_children is set in its cpuset so the zone's own children do
 * too; a v2 zone cgroup enables its controllers for the child). */
int zone_cgroup_create(struct zone_cgroup *cg, const struct zone_cg_limits *lim,
		       struct zone_error *err);

/* The cgroup.procs files a process must be written to, to join the zone (the delegated
 * child's when there is one; at most ZONE_CG_NCTRL + 1 entries). */
int zone_cgroup_procs_files(struct zone_cgroup *cg, char files[][ZONE_CG_PROCS], size_t max);

/*
 * What the zone sees at /sys/fs/cgroup, shaped like the host's: one mount per
 * hierarchy the zone has a cgroup in (v1: /sys/fs/cgroup/<hierarchy> with the controller list
 * as mount data; hybrid: also cgroup2 at /sys/fs/cgroup/unified; v2: cgroup2 at
 * /sys/fs/cgroup), and "symlink" entries for controllers of a co-mounted hierarchy
 * (dest /sys/fs/cgroup/cpu, data "cpu,cpuacct"), as the host has them.  Mounted after the
 * zone's init joined the cgroups and took a cgroup namespace, each shows only the zone's
 * subtree.  Writable when the zone is delegated (its caps are above the namespace root),
 * else read-only (its caps would be at the root).  Returns the number of entries (at most
 * max).
 */
struct zone_cgroup_fs {
	char fstype[8]; /* "cgroup", "cgroup2" or "symlink" */
	char dest[64];
	char data[64];
	bool rw;
};
#define ZONE_CG_MAXFS (2 * ZONE_CG_NCTRL + 1)
size_t zone_cgroup_fs_list(const struct zone_cgroup *cg, struct zone_cgroup_fs *out, size_t max);

/*
 * Devices (LXC's and runc's model, cgroup v1 `devices`): the zone's cgroup denies every
 * device, then allows mknod of any node (`c *:* m`, `b *:* m`: a node is only a name) and
 * read, write and mknod of exactly what the zone's /dev has: null, zero, full, random,
 * urandom, tty, ptmx and the /dev/pts slaves (zone/launch/launch_plan.c), plus the block devices
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

/*
 * Since Linux 6.9 a v1 blkio cgroup counts I/O (blkio.throttle.io_serviced and
 * io_service_bytes, which the zone's /proc/diskstats and `events --stats` show) only on a disk
 * where blk-throttle is active, which the kernel makes it at the first throttle rule written
 * for that disk, in any cgroup, for as long as the disk exists.  So the zone's cgroup writes a
 * rule of "no limit" (0) for the disk its root is on (a root on no block device, an overlay's
 * merged directory: its parent's disk, the layers') and for the disks of its block devices (a
 * partition's whole disk): the kernel then counts the zone's I/O there, as before 6.9, and
 * limits nothing.  Best effort: a disk left out (a root on tmpfs or btrfs, a disk without
 * throttling) is not counted unless something else made it active.  sys_dev_block: the
 * /sys/dev/block to read (NULL: the host's; tests: a fake tree).  Returns how many rules were
 * written.
 */
int zone_cgroup_count_io(const char *blkio_dir, const char *sys_dev_block, const char *root,
			 const unsigned long *devs, size_t n);

/* Does this host give the zone a devices cgroup (v1 or hybrid with `devices`)? */
bool zone_cgroup_confines_devices(const struct zone_cgroup *cg);

int zone_cgroup_join(struct zone_cgroup *cg, pid_t pid, struct zone_error *err);

/*
 * The cgroup.procs files a process entering a running zone (exec, login) joins: those of
 * zone_cgroup_procs_files, except on cgroup2 when the zone has enabled controllers in its
 * delegated child (cgroup.subtree_control not empty): the child may then hold no process
 * (the no-internal-process rule: EBUSY), so the process joins the cgroup the zone's init is
 * in, as LXC attaches, provided it lies in the zone's subtree.  Returns the count, or -1.
 */
int zone_cgroup_enter_files(struct zone_cgroup *cg, pid_t init, char files[][ZONE_CG_PROCS],
			    size_t max, struct zone_error *err);

/* The pure part: the cgroup2 directory of a process from the text of its /proc/PID/cgroup
 * (the host's view), in out; -1 unless it is the zone's delegated child or below. */
int zone_cgroup_v2_dir_of(const struct zone_cgroup *cg, const char *proc_cgroup, char *out,
			  size_t sz);

/* Number of processes listed in the zone's cgroups and every cgroup below them (summed over
 * the hierarchies, so a process counts once per hierarchy it is in). */
int zone_cgroup_count(struct zone_cgroup *cg);

/* SIGKILL every process in the zone's cgroups and below until they are empty (or timeout_ms
 * passes).  The v1 freezer holds the zone still meanwhile, and every cgroup under it is
 * thawed after each round: a v1 cgroup the zone froze itself stays frozen when its parent
 * thaws, and its tasks cannot die until it thaws. */
int zone_cgroup_kill(struct zone_cgroup *cg, int timeout_ms, struct zone_error *err);

/* Remove the cgroup directories, every cgroup under them first (children before their
 * parent; all must be empty). Missing ones are fine. */
int zone_cgroup_remove(struct zone_cgroup *cg, struct zone_error *err);

/* Deepest nesting below a zone's cgroup that count, kill and remove walk (one descriptor a
 * level); a deeper tree is an error (ELOOP) and is left in place. */
#define ZONE_CG_MAX_DEPTH 64

/* Does any of the zone's cgroup directories exist? */
int zone_cgroup_exists(struct zone_cgroup *cg);

#endif
