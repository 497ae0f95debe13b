/*
 * `exec`: a new process in a running container, as runc runs it (--process FILE or the
 * command line, --tty with a console socket or the caller's terminal, --detach, --pid-file),
 * under the container's filter and in its namespaces and cgroup.
 */
#include "cli/oci.h"
#include "lib/readfile.h"
#include "emul/systable.h"
#include "filter/filter.h"
#include "zone/cgroup.h"
#include "zone/zonepage.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* In the container's namespaces, before the launcher hardens itself: no_new_privs when the
 * process asks (the filter goes on with CAP_SYS_ADMIN, which launch_enter drops before the
 * fork: launch_admin_drop_armed), then its seccomp profile, as create's PID 1 does. */
struct exec_setup_arg {
	int nnp;
	void *seccomp;
};

static int exec_setup(void *arg, struct zone_error *err)
{
	const struct exec_setup_arg *a = arg;

	if (a->nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno, "set no_new_privs");
	return a->seccomp ? oci_seccomp_load(a->seccomp, err) : 0;
}

/* What `exec` was asked. */
struct exec_req {
	const char *id, *process, *pid_file, *cwd, *console;
	char user[64];
	int proc_user; /* cfg->user (--process's, or the container's without --user) */
	char **args, *envs[64];
	size_t nenv;
	int tty, detach, preserve_fds;
	/* --no-new-privs[=BOOL]: over the container's process.noNewPrivileges, either way, as
	 * runc's IsSet; -1: not given */
	int no_new_privs;
	int relay; /* --tty in the foreground, no console socket: our terminal relays (oci_tty.c) */
	struct oci_tty term;
	char **env; /* the program's environment exec_env built (environ), freed by exec_free */
};

/* runc exec's command line; 0 or -1 with e filled (runc's wording). */
static int exec_parse(int argc, char **argv, struct exec_req *x, struct zone_error *e)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (x->id) {
			x->args = argv + i;
			break;
		}
		if (a[0] != '-') {
			x->id = a;
			continue;
		}
		if (!strcmp(a, "--tty") || !strcmp(a, "-t"))
			x->tty = 1;
		else if (!strcmp(a, "--detach") || !strcmp(a, "-d"))
			x->detach = 1;
		else if (!strcmp(a, "--no-new-privs"))
			x->no_new_privs = 1;
		else if (!strcmp(a, "--no-new-privs=false")) /* oci_main.c's normal form */
			x->no_new_privs = 0;
		else if (i + 1 >= argc)
			return oci_fail(e, "flag needs an argument: %s", a);
		else if (!strcmp(a, "--process") || !strcmp(a, "-p"))
			x->process = argv[++i];
		else if (!strcmp(a, "--pid-file"))
			x->pid_file = argv[++i];
		else if (!strcmp(a, "--cwd"))
			x->cwd = argv[++i];
		else if (!strcmp(a, "--user") || !strcmp(a, "-u"))
			snprintf(x->user, sizeof(x->user), "%s", argv[++i]);
		else if (!strcmp(a, "--env") || !strcmp(a, "-e")) {
			if (x->nenv < 63)
				x->envs[x->nenv++] = argv[++i];
		} else if (!strcmp(a, "--preserve-fds")) {
			if ((x->preserve_fds = oci_preserve_fds_arg(argv[++i])) < 0)
				return oci_fail(e,
						"invalid value \"%s\" for flag -preserve-fds: "
						"parse error",
						argv[i]);
		} else if (!strcmp(a, "--console-socket")) {
			x->console = argv[++i];
		} else if (!strcmp(a, "--cap") || !strcmp(a, "--apparmor") ||
			   !strcmp(a, "--process-label") || !strcmp(a, "--cgroup")) {
			i++; /* accepted, not applied: docs/oci.md */
		} else
			return oci_fail(e, "flag provided but not defined: %s", a);
	}
	if (!x->id)
		return oci_fail(e, "%s: \"exec\" requires a minimum of 1 argument(s)", oci_g.prog);
	return 0;
}

/* The container's environment with --env's entries over it (a name given again replaces it);
 * never the caller's own. */
static int exec_env(struct exec_req *x, const struct oci_config *cfg, struct zone_error *e)
{
	size_t n = 0, k;
	char **env;

	while (cfg->env && cfg->env[n])
		n++;
	if (!(env = calloc(n + x->nenv + 1, sizeof(*env))))
		return oci_fail(e, "%s", strerror(ENOMEM));
	memcpy(env, cfg->env, n * sizeof(*env));
	for (size_t i = 0; i < x->nenv; i++) {
		size_t len = strcspn(x->envs[i], "=");

		for (k = 0; k < n; k++)
			if (!strncmp(env[k], x->envs[i], len) && env[k][len] == '=')
				break;
		env[k] = x->envs[i];
		n += k == n;
	}
	environ = x->env = env;
	return 0;
}

/* The process: --process's JSON (args, cwd, user, env, rlimits), or, as runc builds it, the
 * container's own process (env, cwd, user, rlimits) with the command line's args and its
 * --env, --cwd and --user over it. */
static int exec_process(struct exec_req *x, const struct oci_state *s, struct oci_config *cfg,
			struct zone_error *e)
{
	if (x->process) {
		json_error_t je;
		json_t *p = oci_json_load_file(x->process, 0, &je);

		if (!p)
			return oci_fail(e, "process %s: line %d: %s", x->process, je.line, je.text);
		cfg->json = p;
		if (oci_schema_check(p, "process", "process.json: ", e) < 0 ||
		    oci_process_parse(p, cfg, e) < 0)
			return -1;
		x->args = cfg->args;
		x->cwd = cfg->cwd;
		x->proc_user = 1; /* cfg->user: uid, gid and additionalGids as given */
		environ = cfg->env;
		x->tty |= cfg->terminal; /* --process's terminal: true is --tty */
	} else {
		char path[PATH_MAX + 16];

		snprintf(path, sizeof(path), "%s/config.json", s->dir);
		if (oci_config_load_file(path, s->bundle, cfg, e) < 0 || exec_env(x, cfg, e) < 0)
			return -1;
		if (!x->cwd)
			x->cwd = cfg->cwd;
		/* runc: --no-new-privs only without --process */
		if (x->no_new_privs >= 0)
			cfg->nnp = x->no_new_privs;
		x->proc_user = !x->user[0]; /* --user's, else the container's process.user */
	}
	for (size_t k = 0; k < cfg->nrlimits; k++) {
		struct rlimit rl = {cfg->rlimits[k].soft, cfg->rlimits[k].hard};

		setrlimit(cfg->rlimits[k].resource, &rl);
	}
	/* runc's checkTerminal, but for a foreground exec given a console socket: runc refuses
	 * it, here the socket is used as with --detach (docs/oci.md) */
	if (x->tty && !x->console && x->detach)
		return oci_fail(e, "cannot allocate tty if runc will detach without setting "
				   "console socket");
	if (!x->tty && x->console)
		return oci_fail(e, "cannot use console socket if runc will not detach or "
				   "allocate tty");
	x->relay = x->tty && !x->console;
	if (x->relay && oci_tty_host(&x->term, e) < 0)
		return -1;
	if (!x->args || !x->args[0])
		return oci_fail(e, "args must not be empty");
	return 0;
}

/* The launch options from the container's config (brand knobs, caps, its seccomp) and its
 * cgroup, whose procs files the program joins. */
static int exec_opts(const struct exec_req *x, const struct oci_state *s,
		     const struct oci_config *cfg, struct launch_opts *o,
		     char procs[][ZONE_CG_PROCS], const char **procs_ptr, void **seccomp,
		     struct exec_setup_arg *setup_arg, struct zone_error *e)
{
	struct zone_cgroup cg;
	struct oci_config c0 = {0};
	const struct oci_config *ct = cfg; /* the container's: cfg itself without --process */
	char path[PATH_MAX + 16];
	int np;

	if (oci_cgroup_of(s, &cg, e) < 0)
		return -1;
	/* a container created by an lxzone-oci without the blkio cgroup (and no blockIO) has
	 * none to join */
	zone_cgroup_skip_absent(&cg, ZONE_CG_BLKIO);
	np = zone_cgroup_procs_files(&cg, procs, ZONE_CG_NCTRL + 1);
	for (int k = 0; k < np; k++)
		procs_ptr[k] = procs[k];
	memset(o, 0, sizeof(*o));
	if (x->process) { /* exec_process read only the process's file */
		snprintf(path, sizeof(path), "%s/config.json", s->dir);
		if (oci_config_load_file(path, s->bundle, &c0, e) < 0)
			return -1;
		ct = &c0;
	}
	o->kernel_version = ct->kernel_version ? strdup(ct->kernel_version) : NULL;
	o->hardened = ct->hardened;
	o->syscall_patching = ct->syscall_patching;
	/* the process's capabilities and umask: --process's, else the container's (cfg either
	 * way); a umask neither gives is runc's 022, never the caller's */
	o->caps = cfg->caps;
	o->caps_inh = cfg->caps_inh;
	o->caps_amb = cfg->caps_amb;
	umask(cfg->umask >= 0 ? (mode_t)cfg->umask : ct->umask >= 0 ? (mode_t)ct->umask : 022);
	int r = oci_seccomp_build(json_object_get(json_object_get(ct->json, "linux"), "seccomp"),
				  seccomp, e);
	oci_config_free(&c0);
	if (r < 0)
		return -1;
	o->drop_caps = 1;
	/* no_new_privs as process.noNewPrivileges says (exec_setup), not forced by the filter */
	o->admin_until_exec = 1;
	o->zone_page = LAUNCH_ZONE_PAGE; /* bound there at create, in its mount namespace */
	/* the filter create's PID 1 has: without open traps where the kernel serves lxproc */
	snprintf(path, sizeof(path), "%s/zone-page", s->dir);
	o->lxproc_kernel = (lxzone_page_flags(path) & LXZP_F_KERNEL_FILES) != 0;
	o->argv = x->args;
	o->cwd = x->cwd;
	o->user = x->user[0] ? x->user : NULL;
	o->init_user = x->proc_user ? &cfg->user : NULL;
	o->cgroup_procs = procs_ptr;
	o->ncgroup_procs = (size_t)(np > 0 ? np : 0);
	o->enter_in_place = 1;
	o->preserve_fds = x->preserve_fds;
	setup_arg->nnp = cfg->nnp;
	setup_arg->seccomp = *seccomp;
	o->setup = exec_setup;
	o->setup_arg = setup_arg;
	return 0;
}

/* runc's words and status for an exec that failed once its command line was read: "exec
 * failed: REASON", 255 (runc 1.1's fatalWithCode). */
static int exec_error(const struct zone_error *e)
{
	struct zone_error p;

	snprintf(p.msg, sizeof(p.msg), "exec failed: %.1000s", e->msg);
	oci_error(&p);
	return 255;
}

/* --detach or --tty: a child enters the container (in a session of its own); the parent writes
 * the pid file and, for a terminal, waits.  Returns -1 in the child (go on and enter), else
 * the exit status for the parent, or 255 after an error. */
static int exec_fork(struct exec_req *x, int slave, struct zone_error *e)
{
	pid_t child = fork();

	if (child < 0)
		return oci_fail(e, "fork: %s", strerror(errno)), exec_error(e);
	if (child == 0) {
		setsid();
		if (x->relay)
			close(x->term.master);
		if (x->tty && oci_exec_tty_take(slave, e) < 0)
			_exit(exec_error(e));
		return -1;
	}
	if (x->tty)
		close(slave);
	/* the waiter's pid: it exits with the program's status (docs/oci.md) */
	if (x->pid_file && oci_write_pid_file(x->pid_file, child, e) < 0)
		return exec_error(e);
	if (x->relay) { /* the caller's terminal is the program's */
		int st = oci_tty_relay(&x->term, child);

		oci_tty_close(&x->term);
		return st;
	}
	if (!x->detach) { /* a terminal wants a session of its own: wait for it */
		int st = 0;

		while (waitpid(child, &st, 0) < 0 && errno == EINTR)
			;
		return launch_status_code(st);
	}
	return 0;
}

/* What exec allocated, freed before it returns (its process then exits): the environment
 * built for the program (environ, no longer used), the config, the launch options' copy and
 * the profile's filter context, which the forked program loaded, not this process. */
static void exec_free(struct exec_req *x, struct oci_config *cfg, struct launch_opts *o,
		      void *seccomp)
{
	if (environ == x->env || environ == cfg->env)
		environ = NULL;
	free(x->env); /* exec_env's array; its strings are cfg's and the command line's */
	x->env = NULL;
	oci_config_free(cfg);
	free((char *)o->kernel_version);
	o->kernel_version = NULL;
	oci_seccomp_free(seccomp);
}

int oci_cmd_exec(int argc, char **argv)
{
	struct exec_req x = {.no_new_privs = -1};
	struct oci_state s;
	struct oci_config cfg = {0};
	struct zone_error e = {0};
	struct launch_opts o = {0};
	char procs[ZONE_CG_NCTRL + 1][ZONE_CG_PROCS];
	const char *procs_ptr[ZONE_CG_NCTRL + 1];
	void *seccomp = NULL;
	struct exec_setup_arg setup_arg;
	int status = 0, slave = -1, master = -1, r;

	if (exec_parse(argc, argv, &x, &e) < 0)
		return oci_error(&e);
	if (oci_state_load(x.id, &s, &e) < 0)
		return exec_error(&e);
	if (oci_state_status(&s) == OCI_CREATING) {
		/* PID 1 may be before its pivot_root: its root the host's (oci.h) */
		oci_fail(&e, "cannot exec in a container that is being created");
		goto fail;
	}
	if (oci_state_status(&s) != OCI_RUNNING && oci_state_status(&s) != OCI_CREATED) {
		oci_fail(&e, "cannot exec in a stopped container");
		goto fail;
	}
	if (exec_process(&x, &s, &cfg, &e) < 0 ||
	    exec_opts(&x, &s, &cfg, &o, procs, procs_ptr, &seccomp, &setup_arg, &e) < 0)
		goto fail;
	if (oci_preserve_fds_pass(x.preserve_fds, &e) < 0 ||
	    (x.tty && (slave = oci_exec_tty(s.pid, x.console, &master, &e)) < 0) ||
	    (x.relay && oci_tty_use(&x.term, master, &e) < 0))
		goto fail;
	if (x.detach || x.tty) {
		if ((r = exec_fork(&x, slave, &e)) >= 0) {
			oci_state_free(&s);
			exec_free(&x, &cfg, &o, seccomp);
			return r;
		}
	} else if (x.pid_file && oci_write_pid_file(x.pid_file, getpid(), &e) < 0) {
		goto fail; /* we are the waiter: in place, our pid is the exec's until it ends */
	}
	if (launch_enter(s.pid, &o, &status, &e) < 0)
		goto fail;
	oci_state_free(&s);
	exec_free(&x, &cfg, &o, seccomp);
	return status;
fail:
	if (x.relay)
		oci_tty_close(&x.term);
	oci_state_free(&s);
	exec_free(&x, &cfg, &o, seccomp);
	return exec_error(&e);
}
