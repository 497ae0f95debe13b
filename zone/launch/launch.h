/*
 * The launcher: run a program under the brand, on the host or in a new zone.
 *
 * Used by `lxrun` (cli/lxrun.c) and by `lxzone` (boot, exec, run).  The shape is bubblewrap's:
 *
 *     options (struct launch_opts)
 *        -> a declarative plan (struct launch_plan: namespaces, then a list of mount / mkdir /
 *           symlink / device operations, then the hand-over to the brand)
 *        -> execute the plan (launch_run, or launch_spawn + launch_wait).
 *
 * The plan is built without touching the system, so it can be printed (`--dry-run`) and
 * unit-tested; only launch_spawn / launch_run / launch_enter act.
 *
 * Errors.  Every fallible function returns 0 or -1 and fills a struct zone_error: one line
 * with context ("mount proc on /srv/z/proc: Permission denied", without the program name) and
 * the exit status a shell would give (125 usage, 126 cannot execute / unusable root, 127 not
 * found).  Callers print "lxrun: <msg>" (or "lxzone: ...") and exit with .status.
 *
 * Files: launch_opts.c (lxrun's command line), launch_plan.c (plan building and printing),
 * launch_root.c (executing the plan, pivot_root), launch_mount.c (its mount operations),
 * launch_init.c (the minimal init, waiting and signal forwarding), launch_exec.c (resolving and
 * probing the program, the brand environment, the gate stub, filter install and exec),
 * launch_report.c (the unsupported-call summary), launch_enter.c (joining a running zone),
 * launch_userns.c (a zone's user namespace and the namespaces it owns).
 */
#ifndef LXZONE_LAUNCH_H
#define LXZONE_LAUNCH_H

#include <stddef.h>
#include <stdint.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <linux/capability.h>
#include <linux/filter.h>

#include "kernel-shim/brand_abi.h"
#include "lib/error.h"
#include "zone/launch/launch_mask.h" /* the /proc and /sys table (launch_mask.c) */

#define LAUNCH_EXIT_USAGE    125
#define LAUNCH_EXIT_CANNOT   126
#define LAUNCH_EXIT_NOTFOUND 127

/* Fill err (lib/error.h) with the exit status a shell would give; returns -1.  status 0 means
 * "keep the status already set, else 1". */
int launch_fail(struct zone_error *err, int status, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Prefix err's message with context and set the exit status; returns -1. */
int launch_wrap(struct zone_error *err, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ------------------------------------------------------------------------------------------ */
/* Options */

/* One extra bind mount, HOSTPATH:ZONEPATH[:ro].  The whole host subtree appears at ZONEPATH; a
 * bind mount's root is a mount boundary, so ".." from ZONEPATH never reaches the host path's
 * parent.  ZONEPATH is resolved inside the root (symlinks in the image cannot lead out). */
/* One of the zone's lxproc files served by the kernel: the file `name` of the FUSE file
 * system (zone/lxprocfs.h) bound over the zone path `zone`. */
struct launch_lxproc_file {
	const char *name;
	const char *zone;
};

/* How a bind is idmapped (launch_mount.c): AUTO, the default, is every bind of a zone with a
 * user namespace, recursively where the file systems allow and else its top mount; TOP and
 * REC are asked for (OCI's idmap and ridmap options, or a mount's own maps: TOP). */
enum launch_idmap { LAUNCH_IDMAP_AUTO, LAUNCH_IDMAP_TOP, LAUNCH_IDMAP_REC };

struct launch_bind {
	const char *host;
	const char *zone;
	int ro;
	int idmap; /* enum launch_idmap */
	/* the maps of the bind's own idmapping (the kernel's text); NULL: the zone's user
	 * namespace's, and none without one */
	const char *uid_map, *gid_map;
};

/* One entry of a zone's /sys/fs/cgroup (zone/cgroup.h, zone_cgroup_fs_list): fstype "cgroup"
 * (v1: data is the hierarchy's controller list, dest /sys/fs/cgroup/NAME), "cgroup2" (dest
 * /sys/fs/cgroup, or /sys/fs/cgroup/unified beside v1 ones), or "symlink" (dest -> data, the
 * name a controller of a co-mounted v1 hierarchy is also known by: cpu -> cpu,cpuacct).
 * rw: mounted writable (a zone with a delegated cgroup, whose caps are above its cgroup
 * namespace's root), else read-only. */
struct launch_cgroupfs {
	const char *fstype;
	const char *dest;
	const char *data;
	int rw;
};

/* A device node made in the zone's /dev tmpfs (zone config `device`). */
struct launch_device {
	const char *zone;   /* absolute zone path under /dev */
	unsigned long rdev; /* makedev(major, minor) of the host's block device */
};

enum launch_net {
	LAUNCH_NET_HOST = 0, /* share the caller's network namespace (lxrun --net host, and
			      lxrun without a root) */
	LAUNCH_NET_NONE,     /* a new network namespace with only loopback, up */
	LAUNCH_NET_FD, /* join the network namespace open at net_fd (a veth set up by lxzone) */
};

enum launch_init {
	LAUNCH_INIT_MINIMAL = 0, /* PID 1 is lxrun's minimal init; the program is its child */
	LAUNCH_INIT_IMAGE,	 /* PID 1 is the program itself (the image's /sbin/init) */
};

/* A zone's time namespace (launch_opts.timens; launch_timens.c). */
enum launch_timens {
	LAUNCH_TIMENS_NONE = 0, /* the caller's */
	LAUNCH_TIMENS_NEW,	/* a new one, with launch_timens_of's offsets */
	LAUNCH_TIMENS_JOIN,	/* the one open at timens_fd (OCI's path) */
};

/* A clock's offset in a time namespace as /proc/PID/timens_offsets takes it: secs + nsecs/1e9
 * (either sign in secs, 0 <= nsecs < 1e9), written only when set (else the namespace keeps
 * what it copied from its maker's, the host's 0). */
struct launch_clock_offset {
	int set;
	int64_t secs;
	uint32_t nsecs;
};

struct launch_timens_offsets {
	struct launch_clock_offset monotonic, boottime;
};

/* A resource limit for the zone (launch_rlimit.c): soft and hard both value (RLIM_INFINITY:
 * unlimited).  at_least: only raise (an `auto` value: kept where the inherited soft limit is
 * as high; where the hard limit cannot be raised, the soft one goes up to it); else exactly
 * value, and a hard limit the launcher cannot raise fails the launch. */
struct launch_rlimit {
	int resource; /* RLIMIT_* */
	uint64_t value;
	int at_least;
	const char *name; /* for messages: the zone key, "rlimit-memlock" */
};

struct launch_opts;
/* Set opts->rlimits on the calling process.  0, or -1 with err. */
int launch_rlimits_apply(const struct launch_opts *opts, struct zone_error *err);
/* Before anything is made: an exact limit this process could not set (above its hard limit,
 * without CAP_SYS_RESOURCE) fails with one line.  0, or -1 with err. */
int launch_rlimits_check(const struct launch_opts *opts, struct zone_error *err);
/* Write opts->oom_score_adj (when has_oom_score_adj) to our /proc/self/oom_score_adj: as the
 * host's root, since the file of a process that is not dumpable (launch_undumpable) is owned
 * by the host's uid 0, which a user namespace's root may not write.  0, or -1 with err. */
int launch_oom_score_apply(const struct launch_opts *opts, struct zone_error *err);
/* Take the RLIMIT_MEMLOCK and RLIMIT_NICE of process pid (the zone's init) as far as this
 * process may (never fails: a hard limit it cannot raise keeps its own). */
void launch_rlimits_copy(pid_t pid);

/*
 * A zone's user namespace and the namespaces it owns (zone/launch/launch_userns.c).  Zone ids
 * 0..count-1 are host ids base..base+count-1.  Descriptors are -1 when absent (net_fd: the zone
 * joins another network namespace, or none was asked for); a plan printed with --dry-run has
 * only base and count.
 */
struct launch_userns {
	/* base: the host uid of the zone's root (its uid 0), gid_base its host gid.  A zone's
	 * U maps one range, ids 0..count-1 to host base.. for both; an OCI container's the
	 * config's ranges, uid_map and gid_map as the kernel takes them ("ID HOSTID COUNT\n"
	 * lines, the caller's strings), count 0 */
	uint32_t base, gid_base, count;
	const char *uid_map, *gid_map;
	int user_fd;		    /* the user namespace U */
	int uts_fd, ipc_fd, net_fd; /* owned by U */
	/* U is another's (an OCI pod's sandbox), joined: launch_userns_join read its maps into
	 * maps[] (uid, gid), which uid_map and gid_map then point to */
	int joined;
	char *maps[2];
	/* U's binfmt_misc instance, a detached mount (launch_binfmt.c); -1: binfmt_errno says
	 * why (the kernel has no instance per namespace), or 0: not made (LOP_BINFMT makes it) */
	int binfmt_fd, binfmt_errno;
};

/* A user namespace whose maps are uid_map and gid_map (the kernel's text), owned by us and
 * with no process in it: for an idmapped mount (mount_setattr's userns_fd).  Its descriptor,
 * or -1 with errno. */
int launch_userns_for_maps(const char *uid_map, const char *gid_map);

/* Make U (helper process, maps written by the caller), its uts, ipc and, with new_net,
 * network namespaces (the pid namespace is init's clone's: launch_userns.c says why), and its
 * binfmt_misc instance.  0, or -1 with err and nothing open. */
int launch_userns_create(uint32_t base, uint32_t count, int new_net, struct launch_userns *u,
			 struct zone_error *err);
/* The same with the maps given (each line checked by the caller; the kernel refuses overlaps
 * and more than 340 lines) and the host ids the zone's root has in them. */
int launch_userns_create_maps(const char *uid_map, const char *gid_map, uint32_t root_uid,
			      uint32_t root_gid, int new_net, struct launch_userns *u,
			      struct zone_error *err);
/* The kernel's limits on a map (kernel/user_namespace.c): 340 lines; as /proc shows them,
 * 33 bytes each. */
#define LAUNCH_IDMAP_LINES 340
#define LAUNCH_IDMAP_TEXT  12288
/* Join the user namespace open at user_fd (another's: an OCI pod's sandbox's), which u then
 * owns, even on failure: its maps read (U's 0 must be mapped: base and gid_base are its host
 * ids), new uts, ipc and, with new_net, network namespaces made in it, and U's binfmt_misc
 * instance (the entry may be there already: launch_binfmt_register).  0, or -1 with err and
 * nothing open. */
int launch_userns_join(int user_fd, int new_net, struct launch_userns *u,
		       struct zone_error *err);
/* Two maps of "ID HOSTID COUNT" lines the same ranges, in whatever order. */
int launch_userns_maps_equal(const char *a, const char *b);
/* "uid/gid 0-N -> host B-E", or both maps on one line ("uid 0 B N, 10 C M; gid ..."). */
void launch_userns_describe(const struct launch_userns *u, char *buf, size_t len);
void launch_userns_init(struct launch_userns *u); /* all descriptors -1 */
void launch_userns_close(struct launch_userns *u);

struct launch_brand;

/* syscall-site patching (emul/patch.h): auto is on in the hardened profile, where the trapped
 * calls (epoll, futex PI, inotify) are hot enough to pay for it, and lazy in the default one
 * (a site at its LX_PATCH_LAZY_TRAPS-th trap: only hot sites pay for the rewrite) */
enum { LAUNCH_PATCH_AUTO, LAUNCH_PATCH_ON, LAUNCH_PATCH_OFF };

struct launch_opts {
	/* lxrun's options */
	const char *root; /* zone root directory, or NULL: run on the host, no namespaces */
	const char *kernel_version; /* X.Y.Z the zone's uname reports, or NULL: the host's */
	const char *zone_page; /* the zone page (proc/lxzonepage.h) as the brand sees it, or NULL */
	const char *user; /* launch_enter: NAME, UID or UID:GID, resolved in the zone; NULL: root */
	int pty;	  /* launch_enter: give the program a terminal from the zone's devpts */
	int report;	  /* --report-unsupported given */
	const char *report_file; /* where the summary goes; NULL: stderr */
	int strict;		 /* LX_BF_STRICT */
	int hardened;		 /* hardened brand profile and filter */
	int epoll_ppoll;	 /* hardened: no host eventpoll for the brand (filter.h) */
	int syscall_patching;	 /* LAUNCH_PATCH_*: patch trapped call sites (emul/patch.h) */
	int dry_run;		 /* print the plan, do nothing */
	int exe_kernel; /* the zone's processes name their exe (LX_BF_EXE_KERNEL, lx_exe.c) */
	const char *brand_image; /* NULL: $LXZONE_BRAND_IMAGE, else lxzone-brand beside lxrun */
	const char *init_image;	 /* NULL: $LXZONE_INIT_IMAGE, else lxzone-init beside lxrun */
	char **argv;		 /* PROGRAM ARG...; NULL-terminated, argv[0] non-NULL */

	/* Caps of a run (lxrun --memory/--cpus: a transient cgroup and a zone page). */
	const char *zone_page_host; /* with a root: host path of the page, bound read-only at
				       LAUNCH_ZONE_PAGE (zone_page is then LAUNCH_ZONE_PAGE) */
	uint64_t memory;	    /* --memory: bytes, 0 = no cap */
	uint64_t millicpus;	    /* --cpus: thousandths of a CPU, 0 = no cap */
	/* --shared-ip: the host addresses (ADDR/PREFIX,...) the run's sockets are held to by
	 * the kernel (zone/netbpf.h, on its transient cgroup); NULL: none */
	const char *shared_ip;
	/* net=shared zones: stack the netlink view's filter (netlink/nlfilter.h) under the
	 * brand's, so the zone's netlink sockets show the zone page's view; and with a root,
	 * /sys/class/net shows lo and net_view_ifname (the shared interface) only */
	int net_view;
	const char *net_view_ifname;
	/* Called about once a second while launch_run waits for the program (the zone page
	 * sampler); NULL: none. */
	void (*tick)(void *arg);
	void *tick_arg;

	/* What a zone needs beyond lxrun (lxzone fills these; ignored when root is NULL). */
	const char *hostname; /* sethostname in the new uts namespace, or NULL */
	const char *domainname; /* setdomainname there (OCI's domainname), or NULL */
	/* host path of a terminal (a pty slave the supervisor holds the master of) bound on
	 * the zone's /dev/console, or NULL: none */
	const char *console;
	/* host paths of terminals bound on the zone's /dev/tty1..ttyN (zone/ttys.h) */
	const char *const *ttys;
	size_t nttys;
	const struct launch_bind *binds; /* extra bind mounts, after the standard mounts */
	size_t nbinds;
	const char *const *cgroup_procs; /* cgroup.procs files PID 1 joins before anything runs
					    (one for cgroup v2, one per controller for v1) */
	size_t ncgroup_procs;
	int net;    /* enum launch_net */
	int net_fd; /* LAUNCH_NET_FD: an open /proc/<pid>/ns/net or netns */
	/* CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWPID: namespaces the caller joins the zone to
	 * after the plan (an OCI pod's sandbox's), not the zone's own: their sysctls stay
	 * read-only (launch_owned_ns).  CLONE_NEWNS: the plan joins the mount namespace open
	 * at mnt_fd instead of making one (LOP_JOIN_MNTNS), and builds the whole root in it
	 * (an OCI bundle's mount namespace by path); not with userns */
	int joined_ns;
	int mnt_fd; /* read only when joined_ns has CLONE_NEWNS */
	/* CLONE_NEWCGROUP in joined_ns: PID 1 joins the cgroup namespace open at cgroupns_fd
	 * after its cgroup joins (LOP_JOIN_CGROUPNS) instead of making its own; not with
	 * userns */
	int cgroupns_fd;
	/* CLONE_NEWPID in joined_ns: the pid namespace open at pidns_fd is init's.  With
	 * userns, LOP_SPAWN_INIT's child forks init into it once it is in U.  Without, the
	 * setup is cloned in the caller's pid namespace, builds the root and pivots there, and
	 * forks init into it only once it has hardened itself (launch_init.c): no process of
	 * that namespace ever sees one of ours with the host's root or capabilities the zone
	 * was not given.  Only for a detached zone: the setup exits once init exists. */
	int pidns_fd;
	/* resource limits the zone's init gets (and so every process it starts), set while the
	 * launcher is still root of the host (raising a hard limit needs CAP_SYS_RESOURCE in the
	 * initial user namespace) */
	const struct launch_rlimit *rlimits;
	size_t nrlimits;
	/* has_oom_score_adj: init's oom_score_adj (OCI's process.oomScoreAdj), written with the
	 * limits (launch_oom_score_apply) */
	int has_oom_score_adj, oom_score_adj;
	/* launch_enter: the program gets the RLIMIT_MEMLOCK and RLIMIT_NICE of the zone's init
	 * (lxzone exec, login: the zone's limits, not the caller's) */
	int rlimits_from_init;
	int init; /* enum launch_init */
	/* launch_spawn: PID 1 writes one byte to *ready_fd once the plan's operations are done
	 * (the zone's root, mounts and devices in place) and closes it; NULL: no signal.  A
	 * process that joins the zone's mount namespace before then could see the host's root.
	 * A PID 1 that fails before then writes 'e' and its error instead (not on its stderr):
	 * the reader's launch_ready_reason. */
	const int *ready_fd;
	/* launch_spawn, when init is not the process it cloned (a user namespace, or a pid
	 * namespace joined): NULL, launch_spawn waits for init's pid itself; else it returns
	 * the setup's pid and leaves in *init_pid_rfd a pipe's read end on which the setup
	 * writes init's (a pid_t) once init exists, end-of-file if it failed before.  The
	 * caller reads it once PID 1 said ready (a joined pid namespace's init exists only after
	 * the createRuntime and prestart hooks, which the setup waits for) and closes it.  With
	 * a user namespace too, launch_spawn returns the pid of the process that becomes init's
	 * parent (in U, in the caller's pid namespace: LOP_SPAWN_INIT), not the setup's. */
	int *init_pid_rfd;
	/* launch_spawn: the caller's end of a pipe the setup reads (create's answer to its
	 * createRuntime hooks), closed first thing in the process it clones (and -1 there), so
	 * that no process forked during the plan (a user-namespaced init, LOP_SPAWN_INIT) holds
	 * it and the caller's close is end-of-file for the setup; NULL: none */
	int *caller_wfd;
	/* launch_enter: join the zone in the calling process itself and fork only the program,
	 * saving a process.  The caller is hardened and under the zone's filter before it forks
	 * (launch_harden.c), so once the program runs it can only wait: launch_enter does not
	 * return then, the caller exits with the program's status (lxzone exec and login).
	 * 0: a helper process joins, and launch_enter returns. */
	int enter_in_place;

	/* Capabilities (zone/launch/launch_caps.c).  drop_caps: every process of the zone (its
	 * init, and what launch_enter runs) keeps only the capabilities in caps (bit N = capability
	 * N, zone/capset.h) in its bounding, permitted and effective sets, with inheritable and
	 * ambient empty.  0: the caller's capabilities, unchanged (lxrun's default). */
	int drop_caps;
	uint64_t caps;
	/* OCI's inheritable and ambient sets (lxzone-oci; within caps, 0 for a zone): set after
	 * the rest, a user other than root keeping the ambient ones across its uid change */
	uint64_t caps_inh, caps_amb;
	/* lxzone-oci: PID 1 (init image) installs the brand's filter holding CAP_SYS_ADMIN, so
	 * it sets no_new_privs only when process.noNewPrivileges asks (launch_harden.c); so
	 * does exec's launch_enter, which drops it through the gate before its fork */
	int admin_until_exec;
	const char *caps_spec; /* lxrun --capabilities, resolved into caps by launch_opts_parse */

	/* The zone's own cgroups, mounted under /sys/fs/cgroup (after PID 1 joined them and
	 * took a new cgroup namespace, so each shows only the zone's subtree), read-only unless
	 * the entry says rw; none: no cgroup file system in the zone. */
	const struct launch_cgroupfs *cgroupfs;
	size_t ncgroupfs;

	/* The brand filter, already built and checked (a zone's cached filter,
	 * lx_filter_cache_read; lxrun's, cli/lxrun.c), or NULL: launch_enter and launch_run
	 * build it from hardened / zone_page / kernel_version. */
	const struct sock_fprog *filter;

	/* The zone's mount service (zone/mountd.h).  When set, the process that execs the
	 * program installs the filter (built with mount_notify) with a new seccomp listener and
	 * sends the listener over *notify_sock (SCM_RIGHTS) before the exec; the socket is
	 * close-on-exec, and every other process of the launcher closes its copy once the
	 * program is forked, so the receiver sees end-of-file if no listener ever comes.  NULL:
	 * no listener (mount and umount2 get what the filter says). */
	int *notify_sock;

	/*
	 * A time namespace for the zone (with a root; launch_timens.c), enum launch_timens.  A
	 * new one: a booted zone's CLOCK_BOOTTIME counts from the caller's timens_boot_ns (the
	 * offset is -timens_boot_ns; CLOCK_MONOTONIC is not offset), so the kernel's
	 * /proc/<pid>/stat starttime counts from the zone's boot as the zone page's uptime does;
	 * an OCI container's clocks get its timeOffsets (timens_offsets; timens_boot_ns 0).  Or
	 * the one timens_fd names, joined (OCI's path).  LAUNCH_TIMENS_NONE: the caller's.
	 * launch_enter joins the zone's whenever the kernel has time namespaces.
	 */
	int timens;
	uint64_t timens_boot_ns; /* read by launch_spawn, so it may be set after the plan */
	struct launch_timens_offsets timens_offsets;
	int timens_fd; /* LAUNCH_TIMENS_JOIN: the namespace (the caller keeps it open) */

	/*
	 * The zone's lxproc files served by the kernel (with a root; zone/lxprocfs.h):
	 * LOP_LXPROC_FILES mounts the FUSE device lxproc_fuse_fd (close-on-exec; its server runs
	 * outside the zone) and binds its files read-only over the zone's paths, before the user
	 * namespace locks the zone's mounts; the filter then traps no open (lxproc_kernel_files
	 * in filter/filter.h).  0 files: none, the brand serves them and opens trap.
	 */
	const struct launch_lxproc_file *lxproc_files;
	size_t nlxproc_files;
	int lxproc_fuse_fd;
	/* NULL, or a pipe's write end (struct lxprocfs.wake): one byte once the file system is
	 * mounted, so its server answers at once (it would look again within 10 ms) */
	const int *lxproc_wake_fd;
	/* The zone's lxproc files are the kernel's: mounted by this plan (lxproc_files), or by
	 * the zone's boot for what launch_enter runs.  The filter traps no open. */
	int lxproc_kernel;
	/* The zone's CPUs are host CPUs 0..n-1 (cgroup cpuset, no smaller quota): the kernel's
	 * sched_getaffinity is the zone's answer, and the filter does not trap it. */
	int affinity_native;

	/* Block devices given to the zone: a node in its /dev, same major:minor, mode 0660. */
	const struct launch_device *devices;
	size_t ndevices;

	/*
	 * The zone's user namespace (with a root), or NULL: the zone's root is the host's root
	 * (a `privileged` zone).  With one, a setup process (host root, outside the zone's pid
	 * namespace) joins the uts, ipc and network namespaces U owns and executes the plan in
	 * a mount namespace of its own (the root bound through an idmapped mount, /dev, /tmp
	 * and /dev/shm owned by the zone's root); on the way (LOP_SPAWN_INIT) a child of it in U
	 * forks the zone's init as PID 1 of pid and cgroup namespaces U owns; at the end
	 * (LOP_ENTER_USERNS) init copies the mount namespace into one owned by U (every boot
	 * mount locked) and becomes uid and gid 0 in U, and the setup process exits.
	 * root_mapped: the root already shows the zone's ids (an overlay over idmapped layers,
	 * zone/boot_userns.c), so it is bound as it is.
	 */
	const struct launch_userns *userns;
	int root_mapped;
	/* without userns: set-user-ID, file-capability and execute-only programs run through
	 * the host binfmt_misc instance's extension entry (LOP_EXEC_LINKS, launch_binfmt.c),
	 * which the caller found or made there (launch_binfmt_host) */
	int exec_links;

	/*
	 * An OCI runtime's container (cli/oci_*.c).  detached: PID 1 outlives the launcher (no
	 * parent-death signal: `create` exits and the container stays, adopted by the caller's
	 * subreaper).  setup(setup_arg): called in PID 1 once the plan is executed and before
	 * it hardens itself (the process's cwd, environment, rlimits, oom score); -1 with err
	 * ends the zone.  launch_enter calls it too, once it joined the zone.  user: who the
	 * program runs as (launch_harden).  start_fd: once the program is resolved PID 1 signals
	 * *ready_fd and waits for a byte on *start_fd (the exec fifo `start` writes) before it runs
	 * it; NULL: it runs at once.
	 */
	int detached;
	int (*setup)(void *arg, struct zone_error *err);
	void *setup_arg;
	const struct launch_user *init_user;
	const int *start_fd;
	const char *cwd; /* launch_enter: the program's working directory; NULL: "/" */
	/* an OCI bundle's own /dev/shm tmpfs: its size= value (NULL: none) and noexec */
	const char *shm_size;
	int shm_noexec;
	/* OCI hooks.  before_pivot(setup_arg): createContainer, called by the process executing
	 * the plan (PID 1; the setup process of a user-namespaced zone) in the zone's mount
	 * namespace once every mount is made, just before pivot_root.  started(setup_arg, b):
	 * startContainer, called in PID 1 once start_fd said go, just before the program, with
	 * PID 1 under the brand's filter (init_armed in launch_init.c); b runs a program of the
	 * zone under the brand (launch_brand_spawn_armed) that arming(setup_arg, b) prepared
	 * (launch_brand_prepare) just before the filter went on.  NULL: none; -1 with err ends
	 * the zone. */
	int (*before_pivot)(void *arg, struct zone_error *err);
	/* forked(setup_arg): called in init once the setup forked it into a pid namespace
	 * joined late (launch_joins_pidns_late), before anything else there: what only init
	 * may do, as its session's leader (the controlling terminal; the setup exits, and a
	 * session whose leader exits loses its terminal).  Like started, under the brand's
	 * filter with nothing loaded: only calls the filter passes (setsid, ioctl, poll, wait4,
	 * kill), none the brand would trap.  NULL: none. */
	int (*forked)(void *arg, struct zone_error *err);
	int (*started)(void *arg, const struct launch_brand *b, struct zone_error *err);
	int (*arming)(void *arg, const struct launch_brand *b, struct zone_error *err);
	/* descriptors 3..3+preserve_fds-1 reach the program as they are (OCI --preserve-fds,
	 * socket activation's LISTEN_FDS): the caller opened them, not close-on-exec */
	int preserve_fds;
};

/*
 * Parse lxrun's command line into opts (argv is kept by pointer).  Returns 0; 1 when --help or
 * --version was printed to `out` (exit 0); -1 on a usage error (err->status 125).
 */
/* The name the launcher's own messages start with: "lxrun", or "lxzone exec" etc. when
 * lxzone runs it. */
extern const char *launch_prog;

/* lxrun(1) in roff, laid out from the --help text (`lxrun --man`). */
void launch_usage_man(FILE *out);
int launch_opts_parse(int argc, char **argv, struct launch_opts *opts, FILE *out,
		      struct zone_error *err);

/* ------------------------------------------------------------------------------------------ */
/* The plan */

enum launch_op_kind {
	LOP_JOIN_NETNS = 1, /* setns(net_fd, CLONE_NEWNET) */
	LOP_JOIN_CGROUP,    /* write "0" to path (a cgroup.procs file, host path) */
	LOP_NEW_CGROUPNS,   /* unshare(CLONE_NEWCGROUP): the cgroups joined become the zone's "/" */
	LOP_HOSTNAME,	    /* sethostname(data) */
	LOP_DOMAINNAME,	    /* setdomainname(data) */
	LOP_LOOPBACK_UP,    /* bring "lo" up in the new network namespace */
	LOP_MAKE_PRIVATE,   /* mount --make-rprivate / */
	LOP_BRAND_BIND,	    /* bind path read-only over itself, open it O_PATH|O_CLOEXEC */
	LOP_INIT_IMAGE,	    /* copy the init image src onto a tmpfs of its own, made read-only,
			       open it O_PATH|O_CLOEXEC (launch_image_copy_ro) */
	LOP_BIND_ROOT,	    /* bind path (the root) onto itself, recursively */
	LOP_MOUNT,	    /* mount fstype on the zone path dest, flags, data */
	LOP_BIND,	    /* bind host path src on zone path dest (rec; ro flag) */
	LOP_DEV_BIND,	    /* bind the host device node src on zone path dest (a file) */
	LOP_SYMLINK,	    /* symlink src at zone path dest */
	LOP_MKDIR,	    /* mkdir zone path dest, mode */
	LOP_REPORT_BIND,    /* bind the host report file (known at run time) on zone path dest */
	LOP_PAGE_BIND,	    /* bind the host zone page src read-only on zone path dest */
	LOP_WRITE_FILE,	    /* create the file dest in the zone and write data into it */
	LOP_REMOUNT_RO,	    /* make the mount at zone path dest read-only */
	LOP_PIVOT_ROOT,	    /* pivot_root into path, detach the old root */
	LOP_MKNOD,	    /* device node dest (rdev in flags; mode: permissions, and the
			       S_IFMT type, S_IFBLK when none) in the zone */
	LOP_HOST_CPU_DIR,   /* no root: a private mount namespace whose /sys/devices/system/cpu
			       shows flags CPUs, online etc. saying data (launch_cpudir.c) */
	LOP_MASK,	    /* hide zone path dest under an empty read-only file or directory
			       (launch_mask.c); skipped when the path does not exist */
	LOP_READ_ONLY,	    /* bind zone path dest read-only over itself; skipped if missing */
	LOP_READ_WRITE,	    /* bind zone path dest writable over itself (under a read-only
			       one: the sysctls of a namespace the zone owns) */
	LOP_SPAWN_INIT,	    /* user namespace: fork (through a child in U) the zone's init as
			       PID 1 of new pid and cgroup namespaces owned by U; it waits */
	LOP_LXPROC_FILES,   /* mount the lxproc FUSE file system (opts->lxproc_fuse_fd) and bind
			       its files over the zone paths of opts->lxproc_files (missing
			       ones skipped) */
	LOP_ENTER_USERNS,   /* after the pivot: let init go: it copies the mount namespace into
			       one owned by U (boot mounts locked) and becomes root in U; this
			       process (the setup) is done */
	LOP_BINFMT,	    /* user namespace: bind the brand src read-only on LX_ZONE_BRAND and
			       register an execute-only copy of it with U's binfmt_misc, mounted
			       read-only on dest (launch_binfmt.c) */
	LOP_EXEC_LINKS,	    /* no user namespace: the host binfmt_misc's entry for paths ending
			       in LX_EXEC_EXT, and dest (LX_EXEC_LINKS): a read-only tmpfs with an
			       execute-only copy of the brand src and the links its execs name;
			       src also bound read-only on LX_ZONE_BRAND (launch_binfmt.c) */
	LOP_JOIN_MNTNS,	    /* setns(mnt_fd, CLONE_NEWNS): the plan's mounts, pivot_root and
			       all, are made in that namespace (opts->joined_ns) */
	LOP_JOIN_CGROUPNS,  /* setns(cgroupns_fd, CLONE_NEWCGROUP), in LOP_NEW_CGROUPNS's place
			       (opts->joined_ns) */
};

struct launch_op {
	int kind;	     /* enum launch_op_kind */
	const char *src;     /* host path (bind, device), symlink target, or host path (others) */
	const char *dest;    /* zone path, absolute, resolved inside the root */
	const char *fstype;  /* LOP_MOUNT */
	unsigned long flags; /* LOP_MOUNT: MS_*; LOP_BIND: MS_RDONLY for read-only */
	const char *data;    /* LOP_MOUNT: mount data; LOP_HOSTNAME, LOP_DOMAINNAME: the name */
	unsigned mode;	     /* LOP_MKDIR */
	int idmap;	     /* LOP_BIND_ROOT, LOP_BIND: an idmapped mount (opts->userns) */
	/* LOP_BIND, idmapped: how (enum launch_idmap), and with whose maps (launch_bind's) */
	int idmap_how;
	const char *uid_map, *gid_map;
	int copyup; /* LOP_MOUNT: what the mount point held copied into the new mount (runc's
		     * tmpcopyup, which podman's tmpfs mounts ask for) */
};

#define LAUNCH_MAX_OPS	512
#define LAUNCH_MAX_ARGS 4096

#define LAUNCH_MAX_ZONE_CPUS 64 /* CPUs a capped zone's /sys/devices/system/cpu can list */

struct launch_plan {
	const struct launch_opts *opts;
	int clone_flags;       /* CLONE_NEW*; 0: no zone (run on the host) */
	int new_timens;	       /* a time namespace too (not a clone flag: clone() has no room) */
	int init;	       /* enum launch_init, LAUNCH_INIT_MINIMAL also without a root */
	int fork_for_wait;     /* no root: fork and wait (report wanted) instead of exec in place */
	char brand[4096];      /* host path of the brand image */
	char init_image[4096]; /* host path of lxzone-init (LAUNCH_INIT_MINIMAL with a root) */
	char report_zone[64];  /* report path as the brand sees it ("" until the file exists) */
	/* the zone's /sys/devices/system/cpu when --cpus caps it (strings the ops point to) */
	char cpu_dirs[LAUNCH_MAX_ZONE_CPUS][40];
	char cpu_list[24];
	/* tmpfs options with the owner of a user-namespaced zone's root (/dev, /dev/shm, /tmp) */
	char tmpfs_data[3][64];
	char shm_data[128]; /* /dev/shm's, with opts->shm_size */
	/* net_view: the zone's /sys/class/net entries (name, link target) */
	char netif[2][2][256];
	size_t nops;
	struct launch_op ops[LAUNCH_MAX_OPS];
};

/* Where the brand image is: opts->brand_image, $LXZONE_BRAND_IMAGE, or lxzone-brand in the
 * directory of /proc/self/exe.  Does not check that it exists. */
int launch_brand_path(const struct launch_opts *opts, char *buf, size_t len,
		      struct zone_error *err);

/* Where lxzone-init is: opts->init_image, $LXZONE_INIT_IMAGE, or lxzone-init beside lxrun. */
int launch_init_image_path(const struct launch_opts *opts, char *buf, size_t len,
			   struct zone_error *err);

/* Build the plan from opts.  Touches nothing (reads the environment and /proc/self/exe only
 * when opts->brand_image is NULL).  The plan keeps pointers into opts. */
int launch_plan_build(const struct launch_opts *opts, struct launch_plan *plan,
		      struct zone_error *err);

/* One line per operation, then the hand-over ("exec-brand ..."), as `--dry-run` prints it. */
void launch_plan_print(const struct launch_plan *plan, FILE *out);

/* Name of an op kind ("mount", "bind", ...), for printing and tests. */
const char *launch_op_name(int kind);

/*
 * LOP_HOST_CPU_DIR, in the process that execs the program of a run without a root (after it
 * joined the cgroup): a mount namespace of its own, a slave of the host's, with a read-only
 * tmpfs over /sys/devices/system/cpu holding the host's cpu0 .. cpu(n-1), cpufreq, cpuidle
 * and vulnerabilities bound read-only and online / possible / present saying data, as a
 * zone's root has it.  Without the privilege for a mount namespace (EPERM) the host's
 * directory stays, and 0.  0, or -1 with err.
 */
int launch_host_cpu_dir(const struct launch_op *op, struct zone_error *err);

/* ------------------------------------------------------------------------------------------ */
/* Executing */

/*
 * Everything lxrun does: check the root, build the filter, create the report file, then
 *   - no root, no report: exec the brand in place (returns only on error);
 *   - otherwise: launch_spawn, launch_wait, print the report; returns 0 and sets *status to
 *     the program's exit status (128+N when killed by signal N).
 * On error returns -1 and err holds the message and status; nothing is left mounted (all
 * mounts live in the child's mount namespace) or running.
 */
int launch_run(const struct launch_plan *plan, int *status, struct zone_error *err);

struct lx_filter_opts;
/*
 * The filter options that say what the zone's processes see (filter/filter.h): lxproc's calls
 * (on with a zone page, or a kernel-version's files alone), the kernel serving lxproc's files,
 * native affinity, the kernel-version.  The one place that reads them from opts: lxrun,
 * a zone's boot and exec, and launch_enter each add their own options to these.
 */
void launch_filter_view(const struct launch_opts *opts, struct lx_filter_opts *fo);

/* After an 'e' on the ready pipe (launch_opts.ready_fd): PID 1's error, read to the end into
 * why (len bytes with the 0); its length, 0 when PID 1 said nothing more. */
size_t launch_ready_reason(int fd, char *why, size_t len);

/*
 * Start the zone: clone PID 1 in new namespaces, which executes the plan and runs the program
 * (under the minimal init, or as PID 1 itself).  Returns 0 and the init's pid (in the caller's
 * pid namespace).  Errors inside the child (mount, probe) are printed there to stderr as
 * "lxrun: ..." and become its exit status (126 / 127).  filter: from lx_filter_build, installed
 * on init and on the program.  report_path: host path of the report file to bind into the zone,
 * or NULL.  guest_mask: the signal mask the program starts with (NULL: the caller's).  Block
 * the launch_forward_sigset() signals and SIGCHLD before calling, so none is lost before
 * launch_wait.
 */
int launch_spawn(const struct launch_plan *plan, const struct sock_fprog *filter,
		 const char *report_path, const sigset_t *guest_mask, pid_t *pid,
		 struct zone_error *err);

/*
 * Wait for pid, forwarding SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 sent by other
 * processes (not the terminal's: those reach the foreground group directly).  Returns the
 * exit status (128+N for signal N).
 */
int launch_wait(pid_t pid);
/* The same, calling tick(arg) about every tick_ms while waiting (tick NULL: never). */
int launch_wait_tick(pid_t pid, unsigned tick_ms, void (*tick)(void *), void *arg);

/* A wait status as a shell reports it: the exit code, 128+N when killed by signal N.  Inline:
 * the gate-only paths (launch_harden.c, launch_pty.c) use it after the filter is in. */
static inline int launch_status_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 1;
}

struct launch_exec;
/* What PID 1 runs a program of the zone under the brand with (launch_opts.started). */
struct launch_brand {
	const struct launch_plan *plan;
	const struct sock_fprog *filter;
	int brand_fd;
};
/* Resolve path (in the zone, as the program is), argv (argv[0] as given) and envp into ex
 * for launch_brand_spawn_armed, in the caller and before its filter (launch_opts.arming;
 * envp's strings and argv[0] must outlive ex): 0, or -1 with err (126/127 and "PROG:
 * reason", as a process running it would have ended). */
int launch_brand_prepare(const struct launch_brand *b, const char *path, char *const *argv,
			 char *const *envp, struct launch_exec *ex, struct zone_error *err);
/* In PID 1 under the filter (launch_opts.started): fork through the gate a process that takes
 * in_fd as its standard input and execs ex under the brand, born with PID 1's credentials,
 * descriptors and filter.  Its pid, or -1 with err. */
pid_t launch_brand_spawn_armed(const struct launch_brand *b, const struct launch_exec *ex,
			       int in_fd, struct zone_error *err);

/* The signals launch_wait forwards, plus SIGCHLD: block them before launch_spawn. */
void launch_forward_sigset(sigset_t *set);

/*
 * Enter a running zone: join the namespaces of init_pid (its pid, mount, uts, ipc, net,
 * cgroup and, where the kernel has them, time namespaces, through a pidfd) and opts->cgroup_procs,
 * then run opts->argv under the brand as a child of the caller, inside the zone (cwd "/").
 * opts->root is ignored (the mount namespace has it); kernel_version, strict, hardened and report
 * apply.  Returns 0 and the program's exit status in *status (with enter_in_place: only when
 * the program could not be started; once it was, the caller exits with its status).  The brand
 * image is bound read-only on a detached mount before joining, as at boot.  The process that
 * forks the program closes its descriptors, becomes not dumpable, takes the zone's
 * capabilities and installs the filter first (launch_harden.c), so the program is born so.
 */
int launch_enter(pid_t init_pid, const struct launch_opts *opts, int *status,
		 struct zone_error *err);

/* ------------------------------------------------------------------------------------------ */
/* Pieces shared by the files above (and tested on their own). */

/* The kernel has time namespaces (CONFIG_TIME_NS: /proc/self/ns/time exists). */
int launch_timens_supported(void);

/*
 * The offsets a new time namespace gets (opts->timens_offsets, with a booted zone's boottime
 * counting from opts->timens_boot_ns on top).  0, or -1 when a clock would leave 64 bits.
 */
int launch_timens_of(const struct launch_opts *o, struct launch_timens_offsets *out);

/*
 * What /proc/self/timens_offsets takes for off: "monotonic S N\n" and "boottime S N\n" for
 * the clocks set (seconds rounded down, 0 <= N < 1e9, as the kernel wants); "" for none.
 * Returns the length, or -1 when it does not fit in len.
 */
int launch_timens_offsets(const struct launch_timens_offsets *off, char *buf, size_t len);

/*
 * In the caller, for the zone's init it makes next (launch_spawn): the time namespace o asks
 * for, as its children's.  A new one (unshare CLONE_NEWTIME, launch_timens_of's offsets
 * written) leaves the caller in its own; joining timens_fd (setns) moves the caller too.
 * *restore_fd: the caller's own namespace, for launch_timens_restore once the children are
 * made.  0, or -1 with err (and nothing changed).
 */
int launch_timens_enter(const struct launch_opts *o, int *restore_fd, struct zone_error *err);
/* Write launch_timens_of(o)'s offsets into the caller's time_for_children namespace (just
 * unshared, no process in it yet).  0, or -1 with errno. */
int launch_timens_set_offsets(const struct launch_opts *o);
/* Children are made in the caller's own time namespace again; closes fd.  0 or -1 with err. */
int launch_timens_restore(int fd, struct zone_error *err);

/* LOP_BINFMT (launch_binfmt.c): the registration line for interpreter path interp, its
 * length or -1; register it with U's binfmt_misc and mount that read-only on the directory
 * target (0 also when the kernel has no per-namespace binfmt_misc), or -1 with err. */
int launch_binfmt_entry(const char *interp, char *buf, size_t len);
int launch_binfmt_register(const char *brand, const struct launch_userns *u, int target,
			   struct zone_error *err);

/* LOP_EXEC_LINKS (launch_binfmt.c): the host instance's entry for LX_EXEC_EXT, registered if
 * missing (binfmt_misc mounted on LX_BINFMT_DIR first if nothing is), in the caller's mount
 * namespace: 1 there, 0 where it cannot be (no binfmt_misc, turned off, another's entry of
 * the name); the tmpfs for LX_EXEC_LINKS with the execute-only copy of brand, a detached
 * mount in *mnt, 0 or -1 with err. */
int launch_binfmt_host(void);
/* Its registration line (zone/launch/lxzone-oci.binfmt.conf, installed in binfmt.d, has it). */
const char *launch_binfmt_host_line(void);
int launch_exec_links_fs(const char *brand, int *mnt, struct zone_error *err);

/* Path a zone's brand sees its report at. */
#define LAUNCH_ZONE_REPORT "/dev/.lxzone-unsupported"
/* Path a zone's brand sees the zone page at (proc/lxzonepage.h); read-only. */
#define LAUNCH_ZONE_PAGE "/dev/.lxzone-page"

/* Resolve a program like execvp: a name without '/' is searched in path (NULL: the default
 * "/bin:/usr/bin"), skipping entries that are not executable regular files.  Writes the path
 * into buf.  Errors: 127 not found, 126 found but not executable. */
int launch_resolve(const char *prog, const char *path, char *buf, size_t len,
		   struct zone_error *err);

/* The value of LXZONE_BRAND (without "LXZONE_BRAND="). */
int launch_brand_env_value(unsigned flags, const char *kver, const char *report, const char *page,
			   const char *guest, char *buf, size_t len);

/* The program as the brand will run it: resolved, probed, argv rewritten for "#!", the
 * environment with LXZONE_BRAND appended.  Heap memory, owned by the struct. */
struct launch_exec {
	char path[4096];  /* the resolved program */
	char guest[4096]; /* what the brand loads: path, or the interpreter of a script */
	char **argv;	  /* as the kernel would build it */
	char **envp;
	char *brand_env; /* "LXZONE_BRAND=..." (inside envp) */
	size_t nargv;
	int notify_sock; /* opts->notify_sock, or -1: send the mount listener over it */
	int net_view;	 /* opts->net_view */
};

/* Resolve opts->argv[0] in the current root and cwd (PATH from the environment), probe it,
 * build argv and envp.  flags: LX_BF_* besides strict/hardened (from opts).  Errors: 126/127
 * with "PROG: reason". */
int launch_exec_prepare(const struct launch_opts *opts, const char *report_path, unsigned flags,
			struct launch_exec *ex, struct zone_error *err);
void launch_exec_free(struct launch_exec *ex);
/* Once the program is forked, only it may send the mount listener (notify_sock): the
 * launcher closes its copy. */
void launch_notify_sock_close(const struct launch_opts *opts);

/* The two halves of launch_exec_brand, for a parent that installs the filter on itself
 * before it forks the program (launch_harden.c): arm maps the gate and installs the filter
 * (sending the listener as below; -1 with err only when nothing was installed, else it
 * exits 126), armed execs the brand through the gate and, on failure, writes "lxrun: ..."
 * and exits 126 (it never returns; not declared noreturn, see launch_harden.c). */
int launch_exec_arm(const struct launch_exec *ex, const struct sock_fprog *filter,
		    struct zone_error *err);
void launch_exec_armed(const struct launch_exec *ex, int brand_fd, const char *brand_path);
/* After launch_exec_arm, for a session whose brand may not name its exe (a user other than
 * root, syscalls/lx_exe.c): stack the exe filter (emul/exefilter.h).  0, or -1 with err. */
int launch_exefilter_arm(struct zone_error *err);

/* Map the gate stub at LX_GATE_ADDR, install filter (with a listener sent over
 * ex->notify_sock when that is >= 0), exec the brand (by brand_fd with
 * execveat if >= 0, else by brand_path) through the stub.  Returns -1 only when nothing was
 * installed yet; once the filter is in, a failure writes "lxrun: ..." and exits 126. */
int launch_exec_brand(const struct launch_exec *ex, const struct sock_fprog *filter, int brand_fd,
		      const char *brand_path, struct zone_error *err);

/* Execute plan->ops in the current process, which must already be in the new namespaces
 * (PID 1 of the zone).  On return the process is inside the root (cwd "/") and *brand_fd is
 * the brand image, bound read-only, open O_PATH|O_CLOEXEC; *init_fd (init_fd may be NULL
 * when the plan has no LOP_INIT_IMAGE) the same for lxzone-init, or -1.  report_path: the
 * host report file for LOP_REPORT_BIND.  Errors: status 126, message with the host path
 * involved.  With a user namespace (LOP_SPAWN_INIT) two processes return: the zone's init
 * with 0, and the setup process, whose work is done, with 1. */
int launch_ops_execute(const struct launch_plan *plan, const char *report_path, int *brand_fd,
		       int *init_fd, struct zone_error *err);
/* LOP_SPAWN_INIT (or, for a pid namespace joined, zone_init's fork of init) writes init's
 * pid (a pid_t, in the caller's pid namespace) to fd once it exists; -1: nowhere.  Set in
 * the setup process before launch_ops_execute.  A user namespace and a pid namespace joined
 * write twice: LOP_SPAWN_INIT the pid of the process that forks init, zone_init init's. */
void launch_ops_set_init_pid_fd(int fd);
int launch_ops_init_pid_fd(void);
/* A pid namespace to join (opts->pidns_fd): init is forked into it last, by the process
 * that built the root and hardened itself outside it (the setup, or with a user namespace
 * the process LOP_SPAWN_INIT made in U), so nothing in that namespace ever sees it before.
 * 1 or 0. */
int launch_joins_pidns_late(const struct launch_opts *opts);
/* That process's /proc/self/fd with a user namespace (launch_harden.fd_dir), opened by
 * LOP_SPAWN_INIT while /proc still showed it; -1 otherwise. */
int launch_ops_init_self_fd(void);

/* zone/launch/launch_image.c.  An image on a detached read-only, nosuid, nodev bind mount of its
 * own (open_tree), open O_PATH|O_CLOEXEC in *fd: executable by descriptor, never writable, with no
 * mount point anywhere.  what names it in the error ("brand image"). */
int launch_image_open_ro(const char *path, const char *what, int *fd, struct zone_error *err);
/* A private copy of the image at path, named name, on a nosuid, nodev tmpfs of its own whose
 * superblock and mount are read-only (opens for writing answer EROFS), with no mount point
 * anywhere; open O_PATH|O_CLOEXEC in *fd. */
int launch_image_copy_ro(const char *path, const char *name, int *fd, struct zone_error *err);

/* A copy of src (size bytes) as the one file of a private, read-only, nosuid, nodev tmpfs
 * mount (superblock and mount read-only, so any open for writing gets EROFS): *fd is an
 * O_PATH descriptor of it.  For lxzone-init (launch_image_copy_ro) and the zone's
 * execute-only brand (launch_binfmt.c). */
struct launch_tmpfs_copy {
	const char *name;	/* the file's name in the tmpfs */
	const char *tmpfs_size; /* the tmpfs's size= */
	mode_t mode;
	uid_t owner; /* owner of the copy, (uid_t)-1 to leave it and the group */
	gid_t group;
	unsigned links; /* beside it, the links "<N>." LX_EXEC_EXT -> /proc/thread-self/fd/<N>
			 * for N below links (LOP_EXEC_LINKS) */
	int *mnt;	/* if not NULL: the tmpfs's detached mount, to be moved into place */
};
int launch_tmpfs_copy(int src, off_t size, const struct launch_tmpfs_copy *how, int *fd,
		      struct zone_error *err);

/* What ps shows for the minimal init. */
#define LAUNCH_INIT_NAME "lxzone-init"

/*
 * PID 1's last step (cli/lxzone_init.c), after launch_exec_arm put the filter on it: exec
 * lxzone-init at init_fd (from launch_ops_execute) through the gate, with argv
 * "lxzone-init GUEST" and an empty environment.  Call with every signal blocked and no
 * descriptor but stdio and init_fd (close-on-exec) open.  Does not return: a failed exec
 * writes "lxrun: exec init PATH: reason" and exits 126 (not declared noreturn, as
 * launch_exec_armed).
 */
void launch_exec_init_armed(int init_fd, const char *init_path, pid_t guest);

/* Summarize a report file's contents ("<nr>\n" lines) into out, one line per distinct call,
 * most frequent first: "<name> <count> <reason>".  Returns the number of distinct calls. */
int launch_report_summarize(const char *text, size_t len, FILE *out);

/* zone/launch/launch_caps.c: the zone's capability set on the calling process (see
 * launch_opts.caps). bound: bounding set = keep, ambient and inheritable empty (needs CAP_SETPCAP;
 * a user change may follow); limit: permitted and effective within keep. apply: both. */
int launch_caps_bound(uint64_t keep, struct zone_error *err);
int launch_caps_limit(uint64_t keep, struct zone_error *err);
int launch_caps_apply(uint64_t keep, struct zone_error *err);
/* After limit, for OCI's sets: inheritable = inh & keep, then each of amb & inh & keep raised
 * into the ambient set; a user other than root (kept its permitted set with PR_SET_KEEPCAPS)
 * has its effective set made its permitted one again, as runc does. */
int launch_caps_inherit(uint64_t keep, uint64_t inh, uint64_t amb, struct zone_error *err);

/* zone/launch/launch_pty.c: a pseudo-terminal from the current (zone's) devpts, the child side,
 * and the relay between the caller's terminal and it; the relay returns the child's
 * status (128+N when killed by signal N). */
int launch_pty_open(int *master, char *slave, size_t len, struct zone_error *err);

/* ------------------------------------------------------------------------------------------ */
/* Hardening a process before it forks into a zone (zone/launch/launch_harden.c) */

/* Who the program runs as: resolved in the zone (launch_enter.c). */
struct launch_user {
	uid_t uid;
	gid_t gid;
	size_t ngroups;
	gid_t groups[64];
	char home[256], name[64];
};

/* The home directory of uid in the zone's /etc/passwd (read where the caller's root is), or
 * "/", as runc gives a process whose environment has no HOME. */
void launch_user_home(uid_t uid, char *home, size_t len);

struct launch_harden {
	const int *keep; /* descriptors to keep (at most 16; negative entries ignored) */
	size_t nkeep;
	int keep_below; /* every descriptor below it is kept too (3 + launch_opts.preserve_fds) */
	int drop_caps;	/* as launch_opts.drop_caps / caps / caps_inh / caps_amb */
	uint64_t caps, inh, amb;
	/* keep CAP_SYS_ADMIN until the exec that follows the filter (launch_harden.c): only
	 * where nothing but that exec comes after (an OCI container's PID 1), or where the
	 * caller drops it through the gate before anything else (launch_admin_drop_armed: an
	 * OCI exec, before its fork) */
	int admin_until_exec;
	const struct launch_user *user; /* become this user; NULL: stay who we are */
	/* leave the user change to launch_become_user_armed, after the caller's filter is in
	 * (launch_user_after_arm says when) */
	int user_after_arm;
	/* the caller's /proc/self/fd, opened while /proc still showed it (a setup outside the
	 * pid namespace of the proc it mounted: launch_joins_pidns_late), for a profile that
	 * refuses close_range; NULL: /proc/self/fd.  Closed with the rest. */
	const int *fd_dir;
};

/*
 * Should a process that becomes h->user install the brand's filter first, as the zone's root?
 * Yes for a user other than root in a zone whose set keeps CAP_SYS_ADMIN: root installs the
 * filter without no_new_privs, so the user's set-user-ID and file-capability programs work as
 * in a session the zone's own root started (getty and login, su, sshd).  A zone without it
 * (hardened profiles) gives every process no_new_privs, and so does its exec --user.
 */
int launch_user_after_arm(const struct launch_harden *h);

/*
 * What a process hardened with admin_until_exec holds beyond h's set, and drops through the
 * gate once its filter is in and before it forks (an OCI exec, launch_enter.c): so the filter
 * went on without no_new_privs (left to process.noNewPrivileges, as for the container's PID
 * 1), and the program, born in the container's pid namespace, never holds CAP_SYS_ADMIN the
 * config did not give.  prepare, after launch_harden, computes the sets launch_harden would
 * have left without admin_until_exec (the kernel's capset arguments); armed sets them, or
 * writes one line and exits 126.
 */
struct launch_admin_drop {
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct data[2];
};
int launch_admin_drop_prepare(const struct launch_harden *h, struct launch_admin_drop *d,
			      struct zone_error *err);
void launch_admin_drop_armed(struct launch_admin_drop *d);

/* After launch_exec_arm, through the gate: become u (groups, gid, uid: a user other than
 * root keeps no capability) and not dumpable again.  On failure one line on stderr and
 * exit_group(LAUNCH_EXIT_CANNOT). */
void launch_become_user_armed(const struct launch_user *u);

/*
 * Harden the calling process before it forks into a zone: close every descriptor but
 * h->keep, make it not dumpable, reduce its capabilities to the zone's set (and become
 * h->user between the bounding set and the rest, as launch_caps.c explains; with
 * h->user_after_arm only the bounding set: launch_become_user_armed does the rest).  Its
 * children inherit all of it.  0, or -1 with err (the process may be half hardened: exit).
 */
int launch_harden(const struct launch_harden *h, struct zone_error *err);

/*
 * Not dumpable, for every process of lxzone's that makes or joins a zone's namespaces (each
 * CLI's main, before anything else): a zone root with CAP_SYS_PTRACE in its user namespace
 * may ptrace, pidfd_getfd or read /proc/<pid>/{root,cwd,fd,mem} of a dumpable process whose
 * credentials are in that namespace, and an OCI container's PID 1 before its exec is one, in
 * the pod's pid namespace, with the host's root as its root while the setup runs (runc's
 * CVE-2016-9962).  Not dumpable, that takes CAP_SYS_PTRACE in the user namespace that owns
 * the mm: the host's.  The kernel sets the flag back to fs.suid_dumpable whenever the
 * effective or fs ids change, and 1 there ("debug") is dumpable, so it is called again after
 * each such change.  0, or -1 with errno.
 */
int launch_undumpable(void);

/* Become the root of the user namespace we are in (after setns to it): uid and gid 0 there,
 * no supplementary groups, and not dumpable again (the change of ids reset the flag).  0, or
 * -1 with errno. */
int launch_become_ns_root(void);

/* The gate stub (mapped by launch_exec_arm): the one way a process with the brand's filter
 * and no brand loaded makes a system call that the filter would trap. */
#define LAUNCH_GATE ((long (*)(long, long, long, long, long, long, long))LX_GATE_ADDR)

/* After launch_exec_arm, through the gate only: a fork (raw clone; -1 and errno), and
 * launch_wait (fwd: launch_forward_sigset, blocked). */
pid_t launch_armed_fork(void);
int launch_armed_wait(pid_t pid, const sigset_t *fwd);

/* After launch_exec_arm: exit_group(status) through the gate, for a function the sanitizers
 * instrument.  Not declared noreturn: before a call to a noreturn function AddressSanitizer
 * calls __asan_handle_no_return, whose sigaltstack the filter traps (a sanitized build would
 * die of SIGSYS there), so LAUNCH_ARMED_EXIT follows the call with __builtin_unreachable. */
void launch_armed_exit(int status);
#define LAUNCH_ARMED_EXIT(status)                                                                  \
	do {                                                                                       \
		launch_armed_exit(status);                                                         \
		__builtin_unreachable();                                                           \
	} while (0)

/* The terminal of `lxzone login`: the caller's standard input put in raw mode before arming
 * (saved: its kernel termios, restored by the relay), the child's side on an open slave, and
 * the relay, all after launch_exec_arm through the gate.  The relay returns the child's
 * status (128+N when killed by signal N). */
struct launch_pty {
	int master, slave; /* -1: none */
	int is_tty;	   /* standard input is a terminal: saved holds its settings */
	unsigned char saved[64];
};
int launch_pty_raw(struct launch_pty *t);
int launch_pty_child_armed(const struct launch_pty *t);
int launch_pty_relay_armed(const struct launch_pty *t, pid_t pid);

/* How the brand patches trapped call sites: LX_BF_PATCH (at a site's first trap: on, and auto
 * in the hardened profile), LX_BF_PATCH_LAZY (once a site trapped a few times: auto in the
 * default profile) or 0 (off), from o->syscall_patching alone. */
unsigned launch_patching(const struct launch_opts *o);
int launch_patching_value(const char *v); /* on|off|auto: LAUNCH_PATCH_*, or -1 */
/* v, or for LAUNCH_PATCH_AUTO the host tool's LXZONE_SYSCALL_PATCHING=on|off (a knob for
 * measurements and for switching it off): lxrun and lxzone call it while the environment is
 * still their own, before it becomes the guest's (lxzone exec's clearenv and -e, a zone's
 * init environment); lxzone-oci does not (its io.lxzone.syscall-patching annotation). */
int launch_patching_knob(int v);

#endif
