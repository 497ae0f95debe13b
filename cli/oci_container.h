/*
 * What create holds for one container (cli/oci_create.c), shared with the files that make
 * its cgroup and zone page (cli/oci_cgroup.c).  Private to lxzone-oci.
 */
#ifndef LXZONE_CLI_OCI_CONTAINER_H
#define LXZONE_CLI_OCI_CONTAINER_H

#include "cli/oci.h"
#include "zone/cgroup.h"
#include "zone/lxprocfs.h"
#include "zone/zonepage.h"

struct create_opts {
	const char *id, *bundle, *pid_file, *console_socket;
	int preserve_fds, detach, no_pivot;
};

/* Everything a container's create holds until PID 1 is started. */
struct container {
	struct oci_config cfg;
	struct oci_state st;
	struct zone_cgroup cg;
	struct launch_opts opts;
	struct launch_plan plan;
	struct launch_userns userns;
	struct launch_bind binds[OCI_MAX_MOUNTS];
	char procs[ZONE_CG_NCTRL + 1][ZONE_CG_PROCS];
	const char *procs_ptr[ZONE_CG_NCTRL + 1];
	struct zone_cgroup_fs cgfs[ZONE_CG_MAXFS];
	struct launch_cgroupfs cgfs_ops[ZONE_CG_MAXFS];
	int console_fd, start_fd, ready[2], cg_made;
	/* run in the foreground with a terminal and no console socket: ours (oci_tty.c) */
	int tty_relay;
	struct oci_tty tty;
	/* createRuntime/prestart before createContainer (runtime-spec order): PID 1 writes 'h'
	 * on ready[1] before pivot_root and waits for create's 'g' on hooks_go[0] */
	int hooks_go[2], runtime_hooks, runtime_hooks_done;
	int uts_fd, ipc_fd; /* namespaces PID 1 joins after the plan, or -1 */
	/* a pid namespace joined without a user namespace: init's pid comes here once it is
	 * forked into it, after the setup (launch_opts.init_pid_rfd); else -1 */
	int init_pid_rfd;
	struct lxzone_page_writer page;
	void *seccomp; /* linux.seccomp, built; loaded by PID 1 */
	char page_path[PATH_MAX + 16];
	/* the lxproc files, served by the kernel where FUSE is usable (oci_page.c) */
	struct lxprocfs fs;
	struct lxprocfs_bind lxbinds[LXPROCFS_MAXFILES];
	struct launch_lxproc_file lxfiles[LXPROCFS_MAXFILES];
	int page_go; /* the page daemon's pipe: PID 1's pid, or -1 for a failed create; -1 */
	/* the startContainer hooks, which PID 1 spawns under the brand's filter: prepared just
	 * before it went on (container_arming), in order */
	struct oci_prepared_hook *started;
	size_t nstarted, next_started;
};

/* k->opts as far as k->cfg decides them, no file opened (oci_create.c: create's first step,
 * and the config fuzz target's, tests/fuzz); the namespace descriptors stay -1. */
void oci_opts_from_config(struct container *k);
/* The launch options' bind list, /dev/shm's size and noexec, from k->cfg's mounts (oci_create.c:
 * create's, and the config fuzz target's, tests/fuzz). */
void oci_opts_binds(struct container *k, struct launch_opts *o);

/* The container's cgroup (limits, cpuset, shares), its procs files and cgroup file systems
 * in k->opts, and its zone page (oci_cgroup.c).  0, or -1 with e. */
int oci_container_cgroup(struct container *k, struct zone_error *e);
/* Write val to dir/file, an existing cgroup file (oci_cgroup.c): -1 with runc's wording. */
int oci_cg_write(const char *dir, const char *file, const char *val, struct zone_error *e);
/* config.json's device keys, hugepageLimits and unified (oci_resources.c): parsed and
 * checked; linux.devices into the plan (insert: before pivot_root); the cgroup's rules and
 * files once zone_cgroup_create made it.  0, or -1 with e. */
int oci_resources_parse(json_t *linux_, struct oci_config *c, struct zone_error *e);
int oci_devices_plan(struct container *k,
		     int (*insert)(struct launch_plan *, const struct launch_op *,
				   struct zone_error *),
		     struct zone_error *e);
int oci_resources_apply(struct container *k, struct zone_error *e);
/* The container's additions to the launcher's plan (oci_plan.c): config.json's mounts in
 * order, its devices; 0 or -1. */
int oci_plan_extend(struct container *k, struct zone_error *e);
/*
 * The page daemon (oci_page.c): the zone page's writer and the lxproc files' server's parent,
 * beside the container until its init exits.  start forks it before PID 1 (the server then
 * answers the plan's binds) with an flock on the state directory; go gives it PID 1's pid
 * (init <= 0 or a failed create: it ends the server and exits); oci_state_remove waits until
 * it has (oci_page_daemon_wait, cli/oci.h).
 */
int oci_page_daemon_start(struct container *k, struct zone_error *e);
void oci_page_daemon_go(struct container *k, pid_t init);
/*
 * The container's time namespace (oci_timens.c): the launcher's options for a new one with
 * timeOffsets or one to join by path (opened and checked: oci_ns_open),
 * after opts_build; once PID 1 is in it, its descriptor closed and the zone page told the
 * namespace's boottime offset.  0, or -1 with e.
 */
int oci_timens_opts(struct container *k, struct zone_error *e);
int oci_timens_spawned(struct container *k, pid_t pid, struct zone_error *e);

/*
 * linux.namespaces' paths (oci_ns.c).  oci_ns_open: the namespace file at path, opened in the
 * runtime's own mount namespace (as runc resolves it) and checked to be one of the kind, and
 * (but for time) not the runtime's own or the host init's; its descriptor, or -1 with e.
 * oci_userns_join: a pod's user namespace joined into k->userns, its maps checked against the
 * config's.
 */
enum oci_ns_kind { OCI_NS_MOUNT, OCI_NS_CGROUP, OCI_NS_PID, OCI_NS_USER, OCI_NS_TIME };
int oci_ns_open(const char *path, enum oci_ns_kind kind, struct zone_error *e);
int oci_userns_join(struct container *k, struct zone_error *e);

#endif
