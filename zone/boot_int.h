/* What the files of boot (zone/boot*.c) share; nothing else includes it. */
#ifndef LXZONE_ZONE_BOOT_INT_H
#define LXZONE_ZONE_BOOT_INT_H

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
#include "zone/ttys.h"
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
	struct launch_rlimit rlimits[2]; /* the zone's (zone/rlimits.h), once its cgroup is known */
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
	struct zone_ttys ttys; /* its /dev/tty1..N */
	char envbuf[5][128];
	char *env[6];
	enum zone_init_kind kind;
	char notify[PATH_MAX]; /* the notification socket (zone_init_notifies) */
};

/* boot_plan.c: the launch options from the zone's configuration */
int boot_build_opts(struct zone *z, struct boot_ctx *b, struct zone_error *err);
int zone_devices(struct zone *z, struct zone_device *spec, struct launch_device *dev,
		 struct mountd_zone *md, struct zone_error *err);
void boot_lxprocfs_plan(struct boot_ctx *b, bool dry_run);
void boot_set_cgroups(struct boot_ctx *b);
void boot_limits(json_t *cfg, const struct boot_ctx *b, struct zone_cg_limits *l);
int boot_net_shared(struct zone *z, struct boot_ctx *b, struct zone_error *err);
int boot_net_view(struct zone *z, struct boot_ctx *b, struct zone_error *err);
int zone_cgroup_for(struct zone *z, struct zone_cgroup *cg, struct zone_error *err);
void zone_cgroup_record(struct zone *z);
int boot_pid_ends(pid_t pid, int timeout_ms);
int zone_filter_get(struct zone *z, const struct lx_filter_opts *fo, struct sock_fprog *out,
		    struct zone_error *err);
uint64_t zone_caps(struct zone *z);
const char *zone_new_uuid(void);
bool zone_userns(struct zone *z);
bool zone_net_is(struct zone *z, const char *mode);

/* boot.c: the capability set the zone booted with, for every later exec */
uint64_t zone_booted_caps(struct zone *z);

/* boot_supervise.c: the supervisor (boot.h), in a child of `lxzone boot`; never returns */
void __attribute__((noreturn)) zone_supervise(struct zone *z, int readyfd);

#endif
