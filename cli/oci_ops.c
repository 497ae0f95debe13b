/*
 * The verbs on an existing container: state, kill, delete, ps, pause, resume, update, list
 * (exec: oci_exec.c; events: oci_events.c).  Each loads ROOT/ID/state.json, derives the
 * status (oci_state.c) and answers with runc's words where a shim parses them ("container
 * does not exist", "container not running", "cannot delete container ID that is not
 * stopped: running").
 */
#include "cli/oci.h"
#include "lib/readfile.h"
#include "emul/systable.h"
#include "filter/filter.h"
#include "zone/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int need_args(int argc, char **argv, int min, int max, struct zone_error *e)
{
	if (argc - 1 < min)
		return oci_fail(e, "%s: \"%s\" requires a minimum of %d argument(s)", oci_g.prog,
				argv[0], min);
	if (max >= 0 && argc - 1 > max)
		return oci_fail(e, "%s: \"%s\" requires a maximum of %d argument(s)", oci_g.prog,
				argv[0], max);
	return 0;
}

int oci_cmd_state(int argc, char **argv)
{
	struct oci_state s;
	struct zone_error e;
	char *j;

	if (need_args(argc, argv, 1, 1, &e) < 0 || oci_state_load(argv[1], &s, &e) < 0)
		return oci_error(&e);
	j = oci_state_json(&s, oci_state_status(&s));
	printf("%s\n", j ? j : "{}");
	free(j);
	oci_state_free(&s);
	return 0;
}

static const struct {
	const char *name;
	int sig;
} signals[] = {
    {"HUP", SIGHUP},	   {"INT", SIGINT},   {"QUIT", SIGQUIT},   {"ILL", SIGILL},
    {"TRAP", SIGTRAP},	   {"ABRT", SIGABRT}, {"BUS", SIGBUS},	   {"FPE", SIGFPE},
    {"KILL", SIGKILL},	   {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},   {"USR2", SIGUSR2},
    {"PIPE", SIGPIPE},	   {"ALRM", SIGALRM}, {"TERM", SIGTERM},   {"CHLD", SIGCHLD},
    {"CONT", SIGCONT},	   {"STOP", SIGSTOP}, {"TSTP", SIGTSTP},   {"TTIN", SIGTTIN},
    {"TTOU", SIGTTOU},	   {"URG", SIGURG},   {"XCPU", SIGXCPU},   {"XFSZ", SIGXFSZ},
    {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO},
    {"PWR", SIGPWR},	   {"SYS", SIGSYS},
};

static int parse_signal(const char *s, struct zone_error *e)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*s && !*end)
		return n > 0 && n < NSIG ? (int)n : oci_fail(e, "unknown signal \"%s\"", s);
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (!strcasecmp(s, signals[i].name))
			return signals[i].sig;
	return oci_fail(e, "unknown signal \"%s\"", s);
}

/* Every pid in the container's cgroup (the hierarchy holding every process: unified on a
 * hybrid host, else the first v1 one); returns the count, at most max. */
static size_t cgroup_pids(const struct zone_cgroup *cg, pid_t *out, size_t max)
{
	char path[ZONE_CG_PATH + 32];
	const char *dir = cg->v2[0] ? cg->v2 : NULL;
	size_t n = 0;
	FILE *f;
	int pid;

	for (int c = 0; !dir && c < ZONE_CG_NCTRL; c++)
		if (cg->v1[c][0])
			dir = cg->v1[c];
	if (!dir)
		return 0;
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (n < max && fscanf(f, "%d", &pid) == 1)
		out[n++] = pid;
	fclose(f);
	return n;
}

int oci_cmd_kill(int argc, char **argv)
{
	struct oci_state s;
	struct zone_error e;
	int all = 0, sig = SIGTERM, i = 1;
	const char *id = NULL, *sigs = NULL;

	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--all") || !strcmp(argv[i], "-a"))
			all = 1;
		else if (!id)
			id = argv[i];
		else if (!sigs)
			sigs = argv[i];
		else
			return oci_fail(&e, "%s: \"kill\" requires a maximum of 2 argument(s)",
					oci_g.prog),
			       oci_error(&e);
	}
	if (!id)
		return oci_fail(&e, "%s: \"kill\" requires a minimum of 1 argument(s)", oci_g.prog),
		       oci_error(&e);
	if (sigs && (sig = parse_signal(sigs, &e)) < 0)
		return oci_error(&e);
	if (oci_state_load(id, &s, &e) < 0)
		return oci_error(&e);
	if (oci_state_status(&s) == OCI_STOPPED) {
		oci_state_free(&s);
		if (all)
			return 0;
		return oci_fail(&e, "container not running"), oci_error(&e);
	}
	if (all) {
		struct zone_cgroup cg;
		pid_t pids[4096];
		size_t n;

		if (oci_cgroup_of(&s, &cg, &e) < 0) {
			oci_state_free(&s);
			return oci_error(&e);
		}
		n = cgroup_pids(&cg, pids, sizeof(pids) / sizeof(pids[0]));
		for (size_t k = 0; k < n; k++)
			kill(pids[k], sig);
	} else if (kill(s.pid, sig) < 0) {
		oci_fail(&e, "%s", errno == ESRCH ? "container not running" : strerror(errno));
		oci_state_free(&s);
		return oci_error(&e);
	}
	oci_state_free(&s);
	return 0;
}

/* The container gone: its processes, cgroup and state; then its poststop hooks. */
static int destroy(struct oci_state *s, struct zone_error *e)
{
	struct zone_cgroup cg;
	struct zone_error ze = {0};
	struct oci_config cfg;
	char path[PATH_MAX + 16];
	int have_cfg;

	if (s->pid > 0 && oci_proc_start_time(s->pid) == s->start_time)
		kill(s->pid, SIGKILL);
	if (oci_cgroup_of(s, &cg, e) == 0 && zone_cgroup_exists(&cg)) {
		if (zone_cgroup_kill(&cg, 5000, &ze) < 0 || zone_cgroup_remove(&cg, &ze) < 0)
			return oci_fail(e, "remove cgroup %s: %s", s->cgroup, ze.msg);
	}
	snprintf(path, sizeof(path), "%s/config.json", s->dir);
	have_cfg = oci_config_load_file(path, s->bundle, &cfg, e) == 0;
	oci_state_remove(s->dir);
	if (have_cfg && oci_hooks_run(&cfg, "poststop", s, OCI_STOPPED, e) < 0)
		oci_log("warning", "%s", e->msg);
	oci_config_free(&cfg);
	return 0;
}

int oci_cmd_delete(int argc, char **argv)
{
	struct oci_state s;
	struct zone_error e;
	enum oci_status st;
	const char *id = NULL;
	int force = 0, r;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--force") || !strcmp(argv[i], "-f"))
			force = 1;
		else if (!id)
			id = argv[i];
		else
			return oci_fail(&e, "%s: \"delete\" requires exactly 1 argument(s)",
					oci_g.prog),
			       oci_error(&e);
	if (!id)
		return oci_fail(&e, "%s: \"delete\" requires exactly 1 argument(s)", oci_g.prog),
		       oci_error(&e);
	if (oci_state_load(id, &s, &e) < 0) {
		/* an aborted create may have left the directory without state.json */
		char dir[PATH_MAX];

		if (oci_id_check(id, &e) == 0) {
			snprintf(dir, sizeof(dir), "%s/%s", oci_g.root, id);
			oci_state_remove(dir);
		}
		if (force)
			return 0;
		oci_fail(&e, "container does not exist");
		return oci_error(&e);
	}
	st = oci_state_status(&s);
	if (!force && st != OCI_STOPPED && st != OCI_CREATED) {
		oci_fail(&e, "cannot delete container %s that is not stopped: %s", id,
			 oci_status_name(st));
		oci_state_free(&s);
		return oci_error(&e);
	}
	r = destroy(&s, &e);
	oci_state_free(&s);
	return r < 0 ? oci_error(&e) : 0;
}

static int freeze(int argc, char **argv, int on)
{
	struct oci_state s;
	struct zone_cgroup cg;
	struct zone_error e;
	char path[ZONE_CG_PATH + 32];
	const char *val;
	enum oci_status st;
	int fd;

	if (need_args(argc, argv, 1, 1, &e) < 0 || oci_state_load(argv[1], &s, &e) < 0)
		return oci_error(&e);
	st = oci_state_status(&s);
	if (on && st != OCI_RUNNING && st != OCI_CREATED) {
		oci_state_free(&s);
		return oci_fail(&e, "container not running"), oci_error(&e);
	}
	if (!on && st != OCI_PAUSED) {
		oci_state_free(&s);
		return oci_fail(&e, "container not paused"), oci_error(&e);
	}
	if (oci_cgroup_of(&s, &cg, &e) < 0) {
		oci_state_free(&s);
		return oci_error(&e);
	}
	oci_state_free(&s);
	if (cg.v1[ZONE_CG_FREEZER][0]) {
		snprintf(path, sizeof(path), "%s/freezer.state", cg.v1[ZONE_CG_FREEZER]);
		val = on ? "FROZEN" : "THAWED";
	} else if (cg.layout == ZONE_CG_V2) {
		snprintf(path, sizeof(path), "%s/cgroup.freeze", cg.v2);
		val = on ? "1" : "0";
	} else {
		return oci_fail(&e, "no freezer cgroup on this host"), oci_error(&e);
	}
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, val, strlen(val)) < 0) {
		oci_fail(&e, "write %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return oci_error(&e);
	}
	close(fd);
	return 0;
}

int oci_cmd_pause(int argc, char **argv)
{
	return freeze(argc, argv, 1);
}

int oci_cmd_resume(int argc, char **argv)
{
	return freeze(argc, argv, 0);
}

int oci_cmd_ps(int argc, char **argv)
{
	struct oci_state s;
	struct zone_cgroup cg;
	struct zone_error e;
	const char *id = NULL, *fmt = "table";
	pid_t pids[4096];
	size_t n;
	int i;

	for (i = 1; i < argc && !id; i++) {
		if (!strcmp(argv[i], "--format") || !strcmp(argv[i], "-f")) {
			if (++i >= argc)
				return oci_fail(&e, "flag needs an argument: -format"),
				       oci_error(&e);
			fmt = argv[i];
		} else if (!strncmp(argv[i], "--format=", 9)) {
			fmt = argv[i] + 9;
		} else {
			id = argv[i];
		}
	}
	if (!id)
		return oci_fail(&e, "%s: \"ps\" requires a minimum of 1 argument(s)", oci_g.prog),
		       oci_error(&e);
	if (strcmp(fmt, "json") && strcmp(fmt, "table"))
		return oci_fail(&e, "invalid format option"), oci_error(&e);
	if (oci_state_load(id, &s, &e) < 0)
		return oci_error(&e);
	if (oci_cgroup_of(&s, &cg, &e) < 0) {
		oci_state_free(&s);
		return oci_error(&e);
	}
	oci_state_free(&s);
	n = cgroup_pids(&cg, pids, sizeof(pids) / sizeof(pids[0]));
	if (!strcmp(fmt, "json")) {
		printf("[");
		for (size_t k = 0; k < n; k++)
			printf("%s%d", k ? "," : "", (int)pids[k]);
		printf("]\n");
		return 0;
	}
	/* table: ps(1) with the given options (default -ef), only the container's lines */
	{
		char cmd[4096] = "ps";
		char line[4096];
		FILE *p;
		int pidcol = -1, first = 1;

		if (i >= argc)
			strcat(cmd, " -ef");
		for (; i < argc; i++) {
			if (strlen(cmd) + strlen(argv[i]) + 4 >= sizeof(cmd) ||
			    strspn(argv[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01"
					    "23456789-,=") != strlen(argv[i]))
				return oci_fail(&e, "ps: unsupported argument %s", argv[i]),
				       oci_error(&e);
			strcat(cmd, " ");
			strcat(cmd, argv[i]);
		}
		fflush(stdout);
		p = popen(cmd, "re");
		if (!p)
			return oci_fail(&e, "ps: %s", strerror(errno)), oci_error(&e);
		while (fgets(line, sizeof(line), p)) {
			if (first) {
				char tmp[4096], *tok, *save;
				int col = 0;

				snprintf(tmp, sizeof(tmp), "%s", line);
				for (tok = strtok_r(tmp, " \t\n", &save); tok;
				     tok = strtok_r(NULL, " \t\n", &save), col++)
					if (!strcmp(tok, "PID"))
						pidcol = col;
				fputs(line, stdout);
				first = 0;
				continue;
			}
			char tmp[4096], *tok, *save;
			int col = 0, pid = -1;

			snprintf(tmp, sizeof(tmp), "%s", line);
			for (tok = strtok_r(tmp, " \t\n", &save); tok;
			     tok = strtok_r(NULL, " \t\n", &save), col++)
				if (col == pidcol) {
					pid = atoi(tok);
					break;
				}
			for (size_t k = 0; k < n; k++)
				if (pids[k] == pid) {
					fputs(line, stdout);
					break;
				}
		}
		pclose(p);
		if (pidcol < 0)
			return oci_fail(&e, "couldn't find PID field in ps output"), oci_error(&e);
	}
	return 0;
}

/* update's rows: runc's flags and the LinuxResources keys of --resources, and the files. */
enum {
	UP_MEM,
	UP_SWAP,
	UP_RESERVE,
	UP_QUOTA,
	UP_PERIOD,
	UP_SHARES,
	UP_CPUS,
	UP_MEMS,
	UP_PIDS,
	UP_N
};

static const struct {
	const char *flag, *obj, *key; /* --flag; --resources' obj.key */
	int ctrl;
	const char *v1, *v2;
} up_rows[UP_N] = {
    [UP_MEM] = {"--memory", "memory", "limit", ZONE_CG_MEMORY, "memory.limit_in_bytes",
		"memory.max"},
    [UP_SWAP] = {"--memory-swap", "memory", "swap", ZONE_CG_MEMORY, "memory.memsw.limit_in_bytes",
		 "memory.swap.max"},
    [UP_RESERVE] = {"--memory-reservation", "memory", "reservation", ZONE_CG_MEMORY,
		    "memory.soft_limit_in_bytes", "memory.low"},
    [UP_QUOTA] = {"--cpu-quota", "cpu", "quota", ZONE_CG_CPU, "cpu.cfs_quota_us", NULL},
    [UP_PERIOD] = {"--cpu-period", "cpu", "period", ZONE_CG_CPU, "cpu.cfs_period_us", NULL},
    [UP_SHARES] = {"--cpu-share", "cpu", "shares", ZONE_CG_CPU, "cpu.shares", NULL},
    [UP_CPUS] = {"--cpuset-cpus", "cpu", "cpus", ZONE_CG_CPUSET, "cpuset.cpus", "cpuset.cpus"},
    [UP_MEMS] = {"--cpuset-mems", "cpu", "mems", ZONE_CG_CPUSET, "cpuset.mems", "cpuset.mems"},
    [UP_PIDS] = {"--pids-limit", "pids", "limit", ZONE_CG_PIDS, "pids.max", "pids.max"},
};

/* --resources FILE or - (standard input): a LinuxResources object, as containerd's shim sends
 * it; its keys fill the rows (numbers as decimal text, -1 for "no limit"). */
static int update_resources(const char *in, char val[UP_N][64], struct zone_error *e)
{
	json_error_t je;
	json_t *r =
	    !strcmp(in, "-") ? oci_json_load(stdin, 0, &je) : oci_json_load_file(in, 0, &je);

	if (!r || !json_is_object(r)) {
		json_decref(r);
		return oci_fail(e, "unable to parse the resources %s: %s", in,
				r ? "not an object" : je.text);
	}
	/* typed as runc's Go decoding types it: a string limit is refused, not written */
	if (oci_schema_check(r, "linux.resources", "resources: ", e) < 0) {
		json_decref(r);
		return -1;
	}
	for (int k = 0; k < UP_N; k++) {
		json_t *v = json_object_get(json_object_get(r, up_rows[k].obj), up_rows[k].key);

		if (!v || json_is_null(v))
			continue;
		if (json_is_integer(v))
			snprintf(val[k], 64, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		else if (json_is_string(v) && strlen(json_string_value(v)) < 64)
			snprintf(val[k], 64, "%s", json_string_value(v));
		else {
			json_decref(r);
			return oci_fail(e, "resources %s.%s: not a number or a string",
					up_rows[k].obj, up_rows[k].key);
		}
	}
	json_decref(r);
	return 0;
}

static int update_write(const struct zone_cgroup *cg, int k, const char *val, struct zone_error *e)
{
	const char *dir = cg->layout == ZONE_CG_V2 ? cg->v2 : cg->v1[up_rows[k].ctrl];
	const char *file = cg->layout == ZONE_CG_V2 ? up_rows[k].v2 : up_rows[k].v1;
	char path[ZONE_CG_PATH + 64];
	int fd, en;

	if (!dir[0] || !file)
		return oci_fail(e, "update %s: no such cgroup file on this host", up_rows[k].flag);
	if (cg->layout == ZONE_CG_V2 && !strcmp(val, "-1"))
		val = "max";
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0 && write(fd, val, strlen(val)) >= 0) {
		close(fd);
		return 0;
	}
	en = errno;
	if (fd >= 0)
		close(fd);
	errno = en;
	return oci_fail(e, "write %s: %s", path, strerror(en));
}

/* update: the resources runc's flags (or --resources) name, written to the v1 (or v2) files. */
int oci_cmd_update(int argc, char **argv)
{
	struct oci_state s;
	struct zone_cgroup cg;
	struct zone_error e;
	const char *id = NULL, *resources = NULL;
	char val[UP_N][64] = {{0}};

	for (int i = 1; i < argc; i++) {
		int k;

		if (argv[i][0] != '-') {
			id = argv[i];
			continue;
		}
		if ((!strcmp(argv[i], "-r") || !strcmp(argv[i], "--resources")) && i + 1 < argc) {
			resources = argv[++i];
			continue;
		}
		for (k = 0; k < UP_N; k++)
			if (!strcmp(argv[i], up_rows[k].flag) && i + 1 < argc &&
			    strlen(argv[i + 1]) < sizeof(val[k])) {
				snprintf(val[k], sizeof(val[k]), "%s", argv[++i]);
				break;
			}
		if (k == UP_N) {
			oci_fail(&e, "update: flag %s is not supported by lxzone-oci", argv[i]);
			return oci_error(&e);
		}
	}
	if (!id) {
		oci_fail(&e, "%s: \"update\" requires exactly 1 argument(s)", oci_g.prog);
		return oci_error(&e);
	}
	/* runc: --resources, when given, is the whole update (the flags are not read) */
	if (resources) {
		memset(val, 0, sizeof(val));
		if (update_resources(resources, val, &e) < 0)
			return oci_error(&e);
	}
	if (oci_state_load(id, &s, &e) < 0)
		return oci_error(&e);
	if (oci_cgroup_of(&s, &cg, &e) < 0) {
		oci_state_free(&s);
		return oci_error(&e);
	}
	oci_state_free(&s);
	/* memory and memory+swap: v1 keeps memory <= memsw, so raising both writes memsw first
	 * (runc's order): memory first, and on EINVAL memsw then memory */
	if (val[UP_MEM][0] && val[UP_SWAP][0] && cg.layout != ZONE_CG_V2) {
		if (update_write(&cg, UP_MEM, val[UP_MEM], &e) == 0)
			val[UP_MEM][0] = '\0';
		else if (errno != EINVAL || update_write(&cg, UP_SWAP, val[UP_SWAP], &e) < 0 ||
			 update_write(&cg, UP_MEM, val[UP_MEM], &e) < 0)
			return oci_error(&e);
		else
			val[UP_MEM][0] = val[UP_SWAP][0] = '\0';
	}
	for (int k = 0; k < UP_N; k++)
		if (val[k][0] && update_write(&cg, k, val[k], &e) < 0)
			return oci_error(&e);
	return 0;
}

/* runc list's table: text/tabwriter with a minimum width of 12 and 3 spaces of padding. */
#define LIST_COLS 6

static void list_table(char *(*rows)[LIST_COLS], size_t n)
{
	size_t w[LIST_COLS] = {0};

	for (size_t r = 0; r < n; r++)
		for (int c = 0; c < LIST_COLS; c++)
			if (rows[r][c] && strlen(rows[r][c]) + 3 > w[c])
				w[c] = strlen(rows[r][c]) + 3;
	for (size_t r = 0; r < n; r++) {
		for (int c = 0; c < LIST_COLS - 1; c++)
			printf("%-*s", (int)(w[c] < 12 ? 12 : w[c]), rows[r][c] ? rows[r][c] : "");
		printf("%s\n", rows[r][LIST_COLS - 1] ? rows[r][LIST_COLS - 1] : "");
	}
}

/* runc list [--format table|json] [--quiet]: every container under --root. */
int oci_cmd_list(int argc, char **argv)
{
	const char *format = "table";
	int quiet = 0, json;
	char *(*rows)[LIST_COLS] = NULL;
	size_t n = 1;
	json_t *all = json_array();
	struct zone_error e;
	DIR *d;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) {
			quiet = 1;
		} else if ((!strcmp(argv[i], "-f") || !strcmp(argv[i], "--format")) &&
			   i + 1 < argc) {
			format = argv[++i];
		} else if (!strncmp(argv[i], "--format=", 9)) {
			format = argv[i] + 9;
		} else {
			json_decref(all);
			oci_fail(&e, "flag provided but not defined: %s", argv[i]);
			return oci_error(&e);
		}
	}
	if (strcmp(format, "table") && strcmp(format, "json")) {
		json_decref(all);
		oci_fail(&e, "invalid format option");
		return oci_error(&e);
	}
	json = !strcmp(format, "json");
	rows = calloc(1, sizeof(*rows));
	if (rows) {
		static char *head[LIST_COLS] = {"ID",	  "PID",     "STATUS",
						"BUNDLE", "CREATED", "OWNER"};
		memcpy(rows[0], head, sizeof(head));
	}
	d = opendir(oci_g.root);
	for (struct dirent *de; d && rows && (de = readdir(d));) {
		struct oci_state s;
		struct stat st;
		void *more;

		if (de->d_name[0] == '.' || oci_state_load(de->d_name, &s, &e) < 0)
			continue;
		enum oci_status status = oci_state_status(&s);
		struct passwd *pw = stat(s.dir, &st) == 0 ? getpwuid(st.st_uid) : NULL;
		const char *owner = pw ? pw->pw_name : "";

		if (quiet) {
			printf("%s\n", s.id);
		} else if (json) {
			char *sj = oci_state_json(&s, status);
			json_t *j = sj ? json_loads(sj, 0, NULL) : NULL;

			free(sj);
			if (j) {
				json_object_set_new(j, "owner", json_string(owner));
				json_array_append_new(all, j);
			}
		} else if ((more = realloc(rows, (n + 1) * sizeof(*rows)))) {
			char pid[16];

			snprintf(pid, sizeof(pid), "%d", status == OCI_STOPPED ? 0 : (int)s.pid);
			rows = more;
			rows[n][0] = strdup(s.id);
			rows[n][1] = strdup(pid);
			rows[n][2] = strdup(oci_status_name(status));
			rows[n][3] = strdup(s.bundle);
			rows[n][4] = strdup(s.created);
			rows[n][5] = strdup(owner);
			n++;
		}
		oci_state_free(&s);
	}
	if (d)
		closedir(d);
	if (!quiet && json) {
		char *out = json_array_size(all) ? json_dumps(all, JSON_COMPACT) : NULL;

		printf("%s\n", out ? out : "null"); /* runc's encoding of no containers */
		free(out);
	} else if (!quiet && rows) {
		list_table(rows, n);
	}
	for (size_t r = 1; rows && r < n; r++)
		for (int c = 0; c < LIST_COLS; c++)
			free(rows[r][c]);
	free(rows);
	json_decref(all);
	return 0;
}
