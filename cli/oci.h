/*
 * lxzone-oci: lxzone as an OCI runtime, with runc's command line (docs/oci.md).
 *
 * crun's shape: one thin function per verb (oci_main.c, oci_create.c, oci_ops.c, oci_exec.c) over
 * the pieces here: the bundle's config.json parsed into struct oci_config (oci_config.c, its linux
 * object in oci_linux.c), the container's state directory (oci_state.c), and the launcher
 * (zone/launch/launch.h), which runs every container process under the brand exactly as it
 * runs a zone's.
 *
 * Errors: every fallible function returns 0 or -1 and fills a struct zone_error with one line
 * (no program name); main logs it as runc does (the --log file, text or JSON, and stderr)
 * and exits 1.
 */
#ifndef LXZONE_CLI_OCI_H
#define LXZONE_CLI_OCI_H

#include <jansson.h>
#include <limits.h>
#include <stdint.h>
#include <sys/types.h>
#include <termios.h>

#include "lib/error.h"
#include "zone/launch/launch.h"

#define OCI_SPEC_VERSION "1.2.0"
#define OCI_DEFAULT_ROOT "/run/lxzone-oci"

/* Errors are the host's one type (lib/error.h); oci_fail fills one with runc's wording, which
 * carries no errno suffix. */
int oci_fail(struct zone_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* --pid-file: pid written to a temporary file, renamed into place (runc's way). */
int oci_write_pid_file(const char *path, pid_t pid, struct zone_error *e);

/* --preserve-fds N (oci_create.c): descriptors 3..3+N-1 are the caller's, for the container's
 * program (socket activation's LISTEN_FDS).  oci_preserve_fds_arg: N from the command line
 * (-1 when it is not a number); reserve: first thing in main, /dev/null on those of them not
 * open, so nothing lxzone-oci opens lands there and reaches the container; pass: their
 * close-on-exec cleared, for the launcher (launch_opts.preserve_fds); close: in create once
 * PID 1 has its copies, so the hooks and the page daemon never hold them. */
int oci_preserve_fds_arg(const char *val);
void oci_preserve_fds_reserve(int argc, char **argv);
int oci_preserve_fds_pass(int n, struct zone_error *e);
void oci_preserve_fds_close(int n);

/* The log (global --log, --log-format): level "error", "warning", "info". */
void oci_log(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Global options. */
struct oci_global {
	const char *root; /* state directory, one subdirectory per container */
	const char *log;
	int log_json;
	const char *prog; /* argv[0]'s base name: "runc" when a shim calls us so */
};
extern struct oci_global oci_g;

#define OCI_MAX_MOUNTS	64
#define OCI_MAX_RLIMITS 16
#define OCI_MAX_PATHS	64

struct oci_mount {
	const char *dest, *type, *source;
	unsigned long flags; /* MS_* from options */
	char data[512];	     /* the options that are not flags, comma-separated */
	int bind;	     /* bind or rbind */
	int copyup;	     /* tmpcopyup: the covered directory's contents copied in */
	/* an idmapped bind (runc 1.2's): enum launch_idmap from the idmap or ridmap option or
	 * the mount's own uidMappings and gidMappings (the kernel's map text, malloc'd; NULL:
	 * the container's user namespace's) */
	int idmap;
	char *uid_map, *gid_map;
	char source_abs[PATH_MAX];
};

struct oci_rlimit {
	int resource;
	uint64_t soft, hard;
};

struct oci_config {
	json_t *json; /* the whole document; every const char * below points into it */
	char bundle[PATH_MAX], rootfs[PATH_MAX];
	int root_ro;
	/* process */
	char **args, **env; /* NULL-terminated, malloc'ed arrays of pointers into json */
	const char *cwd;
	struct launch_user user;
	int umask; /* process.user.umask, -1: none given (runc's 022 then) */
	int terminal, nnp, has_oom, oom;
	uint64_t caps;		     /* bounding set (bit N = capability N) */
	uint64_t caps_inh, caps_amb; /* inheritable, ambient (within caps) */
	/* the plan's own mounts as config.json names them: their sources, and how many of
	 * mounts[] come before /sys (sys_at; nmounts when no /sys), so the order is the config's */
	struct {
		const char *dest, *source;
	} plan_src[8];
	size_t nplan_src, sys_at;
	char shm_size[32]; /* the bundle's /dev/shm tmpfs: its size= ("": none), noexec */
	int shm_noexec;
	struct oci_rlimit rlimits[OCI_MAX_RLIMITS];
	size_t nrlimits;
	/* namespaces */
	const char *hostname;
	const char *domainname;
	int new_net;			 /* network namespace without a path */
	const char *netns_path;		 /* network namespace to join */
	const char *uts_path, *ipc_path; /* uts / ipc namespace to join (a pod's sandbox) */
	const char *pid_path;	   /* pid namespace PID 1 is born in (shareProcessNamespace) */
	const char *mnt_path;	   /* mount namespace the plan joins and builds the root in */
	const char *cgroupns_path; /* cgroup namespace PID 1 joins after its cgroup, for its own */
	/* time: a new namespace with linux.timeOffsets' clocks (those given), or the one at
	 * timens_path, joined */
	int timens;
	const char *timens_path;
	struct launch_timens_offsets time_offsets;
	int userns; /* a user namespace with the config's maps, as uid_map and gid_map take
		     * them (malloc'd), where the container's root is host root_uid:root_gid */
	const char *userns_path; /* or the one to join (a pod's sandbox's): maps optional */
	char *uid_map, *gid_map;
	uint32_t root_uid, root_gid;
	/* mounts the plan does not make itself */
	struct oci_mount mounts[OCI_MAX_MOUNTS];
	size_t nmounts;
	const char *masked[OCI_MAX_PATHS], *readonly[OCI_MAX_PATHS];
	size_t nmasked, nreadonly;
	/* linux.resources */
	uint64_t memory, swap, millicpus, pids, cpu_shares; /* UINT64_MAX (shares: 0): unset */
	const char *cpuset_cpus, *cpuset_mems;
	const char *cgroups_path;
	/* linux.devices (nodes made or bound in /dev) and the resources' devices rules,
	 * hugepageLimits and unified (cgroup2 keys), each checked; NULL: none */
	json_t *devices, *dev_rules, *hugepages, *unified, *blockio;
	/* linux.sysctl: the /proc/sys path and the value, namespaced keys only */
	struct {
		char path[256];
		const char *value;
	} sysctls[32];
	size_t nsysctls;
	/* brand knobs (annotations) */
	const char *kernel_version; /* io.lxzone.kernel-version */
	int hardened;		    /* io.lxzone.profile=hardened */
	int syscall_patching;	    /* io.lxzone.syscall-patching: LAUNCH_PATCH_* (auto) */
};

/* Read BUNDLE/config.json (bundle resolved to an absolute path).  0, or -1 with e. */
int oci_config_load(const char *bundle, struct oci_config *c, struct zone_error *e);
/* The same, from a file and a bundle directory already absolute (state's copy). */
int oci_config_load_file(const char *path, const char *bundle, struct oci_config *c,
			 struct zone_error *e);
void oci_config_free(struct oci_config *c);
/* The `process` object of config.json or of `exec --process`, into c's process fields. */
int oci_process_parse(json_t *proc, struct oci_config *c, struct zone_error *e);
/* Every member the runtime spec defines has its JSON type (oci_schema.c): v is the document
 * at pattern ("" config.json, "process" a process.json); 0, or -1 with e naming the member
 * after prefix ("config.json: "). On 0, v's null members are gone: null is the member left
 * out, as Go decodes it for runc, so the parsers take their defaults. */
int oci_schema_check(json_t *v, const char *pattern, const char *prefix, struct zone_error *e);
/* json_loadf / json_load_file, except that Go's uint64(-1), 18446744073709551615, which
 * jansson cannot hold, is read as -1 (its two's complement: an rlimit's RLIM_INFINITY). */
json_t *oci_json_load(FILE *f, size_t flags, json_error_t *je);
json_t *oci_json_load_file(const char *path, size_t flags, json_error_t *je);
/* runc spec's default config.json (rootless: the user-namespace variant). */
json_t *oci_spec_default(int rootless);

/* The console socket (runc's protocol, oci_create.c): connect to it (the descriptor, or
 * -1 with e), and send it a terminal's master (one SCM_RIGHTS message). */
int oci_console_connect(const char *path, struct zone_error *e);
int oci_send_fd(int sock, int fd);
/* In PID 1 (oci_console.c): the terminal from the container's devpts, over sock. */
int oci_console_setup(int sock, int ctty, struct zone_error *err);
/* Make stdin, the terminal oci_console_setup left there, the controlling terminal of a new
 * session led by the caller. */
int oci_console_ctty(struct zone_error *err);
/* exec --tty: the terminal opened through init's root and sent (socket_path NULL: its master
 * in *master_out); the slave, or -1 with e; then, in the forked session leader, it becomes
 * the controlling terminal and stdio. */
int oci_exec_tty(pid_t init, const char *socket_path, int *master_out, struct zone_error *e);
int oci_exec_tty_take(int slave, struct zone_error *e);

/* The runtime's own terminal relay (oci_tty.c, runc's tty.go): run in the foreground, or exec
 * --tty not detached, with no console socket.  host: find the caller's terminal (stderr,
 * stdout, stdin, else /dev/tty); pair: a socketpair whose *child_end stands for the console
 * socket; recv: the master from it, or use: a master already at hand; either makes the
 * caller's terminal raw and sizes the container's.  relay: copy both ways until pid ends,
 * forwarding signals and window changes; pid's exit status.  close: the caller's terminal
 * restored.  0, or -1 with e. */
struct oci_tty {
	int host, host_owned, sock, master, raw;
	struct termios saved;
};
int oci_tty_host(struct oci_tty *t, struct zone_error *e);
int oci_tty_pair(struct oci_tty *t, int *child_end, struct zone_error *e);
int oci_tty_recv(struct oci_tty *t, struct zone_error *e);
int oci_tty_use(struct oci_tty *t, int master, struct zone_error *e);
int oci_tty_relay(struct oci_tty *t, pid_t pid);
void oci_tty_close(struct oci_tty *t);

/* linux.seccomp (oci_seccomp.c): built in create (*out: a libseccomp context, NULL when
 * the config has none), loaded by the container's processes before the brand's filter. */
int oci_seccomp_build(json_t *sec, void **out, struct zone_error *e);
void oci_seccomp_free(void *ctx); /* a built filter not loaded after all */
int oci_seccomp_load(void *ctx, struct zone_error *err);

/* ------------------------------------------------------------------------------------------ */
/* State (oci_state.c): ROOT/ID/{state.json,config.json,exec.fifo,creating} */

#define OCI_CGROUP_MAX 256

enum oci_status { OCI_CREATING, OCI_CREATED, OCI_RUNNING, OCI_PAUSED, OCI_STOPPED };

/* In the state directory from its mkdir until create succeeds: the state saved for the
 * createRuntime and prestart hooks, while PID 1 may still be before its pivot_root, is
 * "creating", which exec, start and pause refuse (runc has no state to find then). */
#define OCI_CREATING_MARK "creating"

struct oci_state {
	char id[256];
	char dir[PATH_MAX];
	char bundle[PATH_MAX], rootfs[PATH_MAX];
	pid_t pid;
	unsigned long long start_time; /* /proc/PID/stat field 22: pid reuse is not us */
	char created[64];	       /* RFC 3339 */
	char cgroup[OCI_CGROUP_MAX];   /* the cgroup name below each hierarchy's mount */
	json_t *annotations;
};

int oci_id_check(const char *id, struct zone_error *e);
/* Load ROOT/ID/state.json; "container does not exist" when there is none. */
int oci_state_load(const char *id, struct oci_state *s, struct zone_error *e);
int oci_state_save(const struct oci_state *s, struct zone_error *e);
void oci_state_free(struct oci_state *s);
enum oci_status oci_state_status(const struct oci_state *s);
const char *oci_status_name(enum oci_status st);
/* The state JSON `runc state` prints (and hooks read), malloc'ed. */
char *oci_state_json(const struct oci_state *s, enum oci_status st);
/* The six hook kinds lxzone-oci runs, in the runtime spec's order (features, the config's
 * check and its types share them); oci_is_hook_kind: whether k is one. */
#define OCI_HOOK_KINDS 6
extern const char *const oci_hook_kinds[OCI_HOOK_KINDS];
int oci_is_hook_kind(const char *k);
/* The hooks of kind ("createRuntime", "poststart", ...) run with s's state JSON (as status st)
 * on their standard input; poststop's failures are only logged.  0, or -1 with e. */
int oci_hooks_run(const struct oci_config *c, const char *kind, const struct oci_state *s,
		  enum oci_status st, struct zone_error *e);
/* The same, each hook's process made by spawn (standard input in_fd; its pid, or -1 with e):
 * createContainer's in the container's mount namespace, startContainer's under the brand in
 * the container (oci_create.c). */
typedef pid_t (*oci_hook_spawn_fn)(void *arg, const char *path, char *const *argv,
				   char *const *envp, int in_fd, struct zone_error *e);
int oci_hooks_run_by(const struct oci_config *c, const char *kind, const struct oci_state *s,
		     enum oci_status st, oci_hook_spawn_fn spawn, void *arg, struct zone_error *e);
/* fn for each hook of kind, in order, with its path, argv and env as its process gets them
 * (the config's strings, alive as long as c): 0, or -1 with e (a malformed hook, or fn's). */
typedef int (*oci_hook_each_fn)(void *arg, const char *path, char *const *argv,
				char *const *envp, struct zone_error *e);
int oci_hooks_each(const struct oci_config *c, const char *kind, oci_hook_each_fn fn, void *arg,
		   struct zone_error *e);
unsigned long long oci_proc_start_time(pid_t pid);
/* Remove ROOT/ID and everything in it. */
void oci_state_remove(const char *dir);
/* Until the container's page daemon (cli/oci_page.c), which locks dir, has exited, and with it
 * the server of its lxproc files; at most 5 s. */
void oci_page_daemon_wait(const char *dir);

/* The container's cgroups (oci_ops.c): from its state, for signals, ps, pause, delete. */
struct zone_cgroup;
int oci_cgroup_of(const struct oci_state *s, struct zone_cgroup *cg, struct zone_error *e);

/* Verbs. argc/argv start at the verb. Each returns the exit status. */
int oci_cmd_create(int argc, char **argv);
int oci_cmd_run(int argc, char **argv);
int oci_cmd_start(int argc, char **argv);
int oci_cmd_state(int argc, char **argv);
int oci_cmd_kill(int argc, char **argv);
int oci_cmd_delete(int argc, char **argv);
int oci_cmd_exec(int argc, char **argv);
int oci_cmd_ps(int argc, char **argv);
int oci_cmd_pause(int argc, char **argv);
int oci_cmd_resume(int argc, char **argv);
int oci_cmd_events(int argc, char **argv);
/* events (oci_events.c): the container's statistics as runc's types.Stats; a Go duration
 * ("1m30s", "250ms") in ns: 0, or -1 when it is not one. */
struct zone_cgroup;
json_t *oci_stats_json(const struct zone_cgroup *cg);
int oci_parse_duration(const char *s, long long *ns);
int oci_cmd_update(int argc, char **argv);
int oci_cmd_list(int argc, char **argv);

/* Report e as runc does and return 1 (oci_log.c); the --log file. */
int oci_error(const struct zone_error *e);
int oci_log_open(const char *path, struct zone_error *e);

#endif
