/*
 * lxzone-oci: the runc command line (global options, the verb table, logging as runc logs,
 * --version, features, spec).  Named `runc` (a shim's BinaryName, a symlink) it answers the
 * same: everything here keys on the verb, never on the program's name.
 *
 * Logging follows runc (logrus): an error goes to the log as
 *     time="2026-12-04T23:59:00Z" level=error msg="container does not exist"
 * or with --log-format json as
 *     {"level":"error","msg":"container does not exist","time":"2026-12-04T23:59:00Z"}
 * and, when the log is a file, also as the bare message on stderr: shims read both.
 */
#include "cli/oci.h"
#include "zone/capset.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef LXZONE_VERSION
#define LXZONE_VERSION "0.1.0"
#endif

static int print_version(void)
{
	printf("%s version %s\n", oci_g.prog, LXZONE_VERSION);
	printf("spec: %s\n", OCI_SPEC_VERSION);
	printf("lxzone: the brand runs every container process\n");
	return 0;
}

static json_t *strings(const char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* The runtime-spec features document: what config.json may say and lxzone-oci honours. */
static int cmd_features(int argc, char **argv)
{
	static const char *const mopts[] = {
	    "bind",	   "rbind",	 "ro",	       "rw",	  "nosuid",   "suid",
	    "nodev",	   "dev",	 "noexec",     "exec",	  "relatime", "norelatime",
	    "strictatime", "noatime",	 "nodiratime", "private", "rprivate", "slave",
	    "rslave",	   "shared",	 "rshared",    "sync",	  "dirsync",  "defaults",
	    "tmpcopyup",   "notmpcopyup", "idmap",	 "ridmap"};
	static const char *const ns[] = {"pid",	  "network", "ipc",    "uts",
					 "mount", "user",    "cgroup", "time"};
	json_t *caps = json_array(), *doc;
	char *s;

	(void)argc;
	(void)argv;
	for (int c = 0; c <= ZONE_CAP_LAST; c++) {
		char up[64];
		const char *n = zone_cap_name(c);
		size_t i;

		for (i = 0; n && n[i] && i < sizeof(up) - 1; i++)
			up[i] = (char)(n[i] >= 'a' && n[i] <= 'z' ? n[i] - 32 : n[i]);
		up[i] = '\0';
		if (n)
			json_array_append_new(caps, json_string(up));
	}
	doc = json_pack("{s:s, s:s, s:o, s:o, s:{s:o, s:o, s:{s:b, s:b, s:b}, s:{s:b}, "
			"s:{s:{s:b}}}, s:{s:s}}",
			"ociVersionMin", "1.0.0", "ociVersionMax", OCI_SPEC_VERSION, "hooks",
			strings(oci_hook_kinds, OCI_HOOK_KINDS), "mountOptions",
			strings(mopts, sizeof(mopts) / sizeof(mopts[0])), "linux", "namespaces",
			strings(ns, sizeof(ns) / sizeof(ns[0])), "capabilities", caps, "cgroup",
			"v1", 1, "v2", 1, "systemd", 0, "seccomp", "enabled", 1,
			/* idmapped binds (mounts[].uidMappings, idmap, ridmap): containerd asks */
			"mountExtensions", "idmap", "enabled", 1, "annotations",
			"io.lxzone.version", LXZONE_VERSION);
	s = json_dumps(doc, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
	printf("%s\n", s);
	free(s);
	json_decref(doc);
	return 0;
}

/* runc spec [--bundle DIR] [--rootless]: config.json in the bundle, refused if present. */
static int cmd_spec(int argc, char **argv)
{
	struct zone_error e;
	const char *bundle = ".";
	int rootless = 0, fd;
	char path[PATH_MAX];
	json_t *doc;

	for (int i = 1; i < argc; i++) {
		if ((!strcmp(argv[i], "--bundle") || !strcmp(argv[i], "-b")) && i + 1 < argc)
			bundle = argv[++i];
		else if (!strncmp(argv[i], "--bundle=", 9))
			bundle = argv[i] + 9;
		else if (!strcmp(argv[i], "--rootless"))
			rootless = 1;
		else
			return oci_fail(&e, "spec: unknown option %s", argv[i]), oci_error(&e);
	}
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0) {
		if (errno == EEXIST)
			oci_fail(&e, "File %s exists. Remove it first", path);
		else
			oci_fail(&e, "open %s: %s", path, strerror(errno));
		return oci_error(&e);
	}
	doc = oci_spec_default(rootless);
	if (json_dumpfd(doc, fd, JSON_INDENT(4) | JSON_PRESERVE_ORDER) < 0 ||
	    write(fd, "\n", 1) != 1) {
		oci_fail(&e, "write %s: %s", path, strerror(errno));
		close(fd);
		json_decref(doc);
		return oci_error(&e);
	}
	close(fd);
	json_decref(doc);
	return 0;
}

static int usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: %s [--root DIR] [--log FILE] [--log-format text|json] COMMAND [ARG...]\n"
	    "Open Container Initiative runtime: lxzone's brand runs every container process.\n"
	    "commands: create, start, run, state, kill, delete, exec, ps, pause, resume, events,\n"
	    "          update, list, features, spec\n"
	    "See docs/oci.md.\n",
	    oci_g.prog);
	return out == stdout ? 0 : 1;
}

static const struct {
	const char *name;
	int (*fn)(int, char **);
} verbs[] = {
    {"create", oci_cmd_create}, {"start", oci_cmd_start},   {"run", oci_cmd_run},
    {"state", oci_cmd_state},	{"kill", oci_cmd_kill},	    {"delete", oci_cmd_delete},
    {"exec", oci_cmd_exec},	{"ps", oci_cmd_ps},	    {"pause", oci_cmd_pause},
    {"resume", oci_cmd_resume}, {"events", oci_cmd_events}, {"update", oci_cmd_update},
    {"list", oci_cmd_list},	{"features", cmd_features}, {"spec", cmd_spec},
};

/* A global option's value: "--opt VALUE" or "--opt=VALUE". */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (!strncmp(argv[*i], name, n) && argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (!strcmp(argv[*i], name) && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

/*
 * A verb's options as urfave/cli (runc's parser) takes them, rewritten for the verbs' own
 * parsers, which take "--name VALUE" and "--flag": "--name=VALUE" becomes the two words, a
 * boolean's "--flag=true" the flag alone and its "=false" nothing (go-runc sends
 * "update --resources=-").  Only the options before the first argument that is not one (the
 * container's id; an exec's program and its arguments come after it) are looked at.
 */
static char **verb_args(int argc, char **argv, int *out_argc)
{
	static const char *const values[] = {"--bundle",
					     "-b",
					     "--pid-file",
					     "--console-socket",
					     "--preserve-fds",
					     "--process",
					     "-p",
					     "--cwd",
					     "--env",
					     "-e",
					     "--user",
					     "-u",
					     "--format",
					     "--resources",
					     "-r",
					     "--memory",
					     "-m",
					     "--memory-swap",
					     "--memory-reservation",
					     "--cpu-quota",
					     "--cpu-period",
					     "--cpu-share",
					     "--cpuset-cpus",
					     "--cpuset-mems",
					     "--pids-limit",
					     "--cap",
					     "-c",
					     "--apparmor",
					     "--process-label",
					     "--cgroup",
					     "--interval",
					     "--blkio-weight",
					     "--kernel-memory",
					     "--kernel-memory-tcp",
					     "--cpu-rt-period",
					     "--cpu-rt-runtime"};
	static const char *const bools[] = {
	    "--detach",	      "--tty",	"--all",   "--force", "--no-pivot",	"--no-new-keyring",
	    "--no-subreaper", "--keep", "--stats", "--quiet", "--no-new-privs", "--ignore-paused"};
	char **out = calloc((size_t)argc * 2 + 1, sizeof(*out));
	int n = 0, j;

	if (!out)
		return NULL;
	out[n++] = argv[0];
	for (j = 1; j < argc && argv[j][0] == '-' && strcmp(argv[j], "--"); j++) {
		const char *eq = strchr(argv[j], '=');
		size_t k;

		if (!strncmp(argv[j], "--", 2) && eq) {
			size_t len = (size_t)(eq - argv[j]);

			for (k = 0; k < sizeof(bools) / sizeof(bools[0]); k++)
				if (strlen(bools[k]) == len && !strncmp(argv[j], bools[k], len))
					break;
			if (k < sizeof(bools) / sizeof(bools[0])) {
				if (!strcmp(eq + 1, "true") || !strcmp(eq + 1, "1"))
					out[n++] = (char *)bools[k];
				else if (strcmp(eq + 1, "false") && strcmp(eq + 1, "0"))
					out[n++] = argv[j]; /* the verb's parser refuses it */
				else if (!strcmp(bools[k], "--no-new-privs"))
					/* exec's: false overrides the container's true (runc's
					 * IsSet), so it is said, not dropped */
					out[n++] = "--no-new-privs=false";
				continue;
			}
			out[n++] = strndup(argv[j], len); /* lives as long as the process */
			out[n++] = (char *)eq + 1;
			continue;
		}
		out[n++] = argv[j];
		/* "-f" is delete's --force, the others' --format */
		if (!strcmp(argv[j], "-f") && strcmp(argv[0], "delete") && j + 1 < argc) {
			out[n++] = argv[++j];
			continue;
		}
		for (k = 0; k < sizeof(values) / sizeof(values[0]); k++)
			if (!strcmp(argv[j], values[k]) && j + 1 < argc) {
				out[n++] = argv[++j];
				break;
			}
	}
	while (j < argc)
		out[n++] = argv[j++];
	*out_argc = n;
	return out;
}

static char **verb_argv; /* the verb's argv (verb_args), for the life of the process */

int main(int argc, char **argv)
{
	struct zone_error e;
	const char *slash = strrchr(argv[0], '/'), *v;
	int i;

	oci_g.prog = slash ? slash + 1 : argv[0];
	launch_prog = oci_g.prog;
	/* before any namespace is made or joined (launch.h, launch_undumpable) */
	if (launch_undumpable() < 0)
		return oci_fail(&e, "make the process not dumpable: %s", strerror(errno)),
		       oci_error(&e);
	oci_preserve_fds_reserve(argc, argv); /* before anything opens a descriptor */
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if ((v = opt_value(argc, argv, &i, "--root")))
			oci_g.root = v;
		else if ((v = opt_value(argc, argv, &i, "--log")))
			oci_g.log = v;
		else if ((v = opt_value(argc, argv, &i, "--log-format"))) {
			if (strcmp(v, "json") && strcmp(v, "text"))
				return oci_fail(&e, "invalid log-format: %s", v), oci_error(&e);
			oci_g.log_json = !strcmp(v, "json");
		} else if (!strcmp(argv[i], "--systemd-cgroup")) {
			return oci_fail(&e, "--systemd-cgroup is not supported by lxzone-oci: use "
					    "cgroupfs (podman --cgroup-manager cgroupfs)"),
			       oci_error(&e);
		} else if (!strcmp(argv[i], "--debug")) {
			continue;
		} else if ((v = opt_value(argc, argv, &i, "--rootless"))) {
			continue; /* lxzone-oci runs as root; "auto"/"false" change nothing */
		} else if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-v")) {
			return print_version();
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			return usage(stdout);
		} else {
			return oci_fail(&e, "flag provided but not defined: %s", argv[i]),
			       oci_error(&e);
		}
	}
	if (oci_g.log && oci_log_open(oci_g.log, &e) < 0)
		return oci_error(&e);
	if (i >= argc)
		return usage(stderr);
	for (size_t k = 0; k < sizeof(verbs) / sizeof(verbs[0]); k++)
		if (!strcmp(argv[i], verbs[k].name)) {
			int vargc;

			/* held to the end, as argv is: the verb keeps pointers into it (and to the
			 * names verb_args copied), and so does exit-time leak checking */
			verb_argv = verb_args(argc - i, argv + i, &vargc);
			if (!verb_argv)
				return oci_fail(&e, "%s", strerror(ENOMEM)), oci_error(&e);
			return verbs[k].fn(vargc, verb_argv);
		}
	return oci_fail(&e, "No help topic for '%s'", argv[i]), oci_error(&e);
}

/* runc spec's document (libcontainer/specconv's Example), with lxzone's hostname. */
json_t *oci_spec_default(int rootless)
{
	json_t *caps =
	    json_pack("[s, s, s]", "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
	json_t *doc = json_pack(
	    "{s:s, s:{s:b, s:{s:i, s:i}, s:[s], s:[s, s], s:s, s:{s:O, s:O, s:O}, "
	    "s:[{s:s, s:i, s:i}], s:b}, s:{s:s, s:b}, s:s, s:[{s:s, s:s, s:s}, "
	    "{s:s, s:s, s:s, s:[s, s, s, s]}, {s:s, s:s, s:s, s:[s, s, s, s, s, s]}, "
	    "{s:s, s:s, s:s, s:[s, s, s, s, s]}, {s:s, s:s, s:s, s:[s, s, s]}, "
	    "{s:s, s:s, s:s, s:[s, s, s, s]}, {s:s, s:s, s:s, s:[s, s, s, s, s]}], "
	    "s:{s:{s:[{s:b, s:s}]}, s:[{s:s}, {s:s}, {s:s}, {s:s}, {s:s}], "
	    "s:[s, s, s, s, s, s, s, s, s, s], s:[s, s, s, s, s]}}",
	    "ociVersion", OCI_SPEC_VERSION, "process", "terminal", 1, "user", "uid", 0, "gid", 0,
	    "args", "sh", "env",
	    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm",
	    "cwd", "/", "capabilities", "bounding", caps, "effective", caps, "permitted", caps,
	    "rlimits", "type", "RLIMIT_NOFILE", "hard", 1024, "soft", 1024, "noNewPrivileges", 1,
	    "root", "path", "rootfs", "readonly", 1, "hostname", "lxzone", "mounts", "destination",
	    "/proc", "type", "proc", "source", "proc", "destination", "/dev", "type", "tmpfs",
	    "source", "tmpfs", "options", "nosuid", "strictatime", "mode=755", "size=65536k",
	    "destination", "/dev/pts", "type", "devpts", "source", "devpts", "options", "nosuid",
	    "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", "destination",
	    "/dev/shm", "type", "tmpfs", "source", "shm", "options", "nosuid", "noexec", "nodev",
	    "mode=1777", "size=65536k", "destination", "/dev/mqueue", "type", "mqueue", "source",
	    "mqueue", "options", "nosuid", "noexec", "nodev", "destination", "/sys", "type",
	    "sysfs", "source", "sysfs", "options", "nosuid", "noexec", "nodev", "ro", "destination",
	    "/sys/fs/cgroup", "type", "cgroup", "source", "cgroup", "options", "nosuid", "noexec",
	    "nodev", "relatime", "ro", "linux", "resources", "devices", "allow", 0, "access", "rwm",
	    "namespaces", "type", "pid", "type", "network", "type", "ipc", "type", "uts", "type",
	    "mount", "maskedPaths", "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
	    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
	    "/sys/firmware", "/proc/scsi", "readonlyPaths", "/proc/bus", "/proc/fs", "/proc/irq",
	    "/proc/sys", "/proc/sysrq-trigger");

	json_decref(caps);
	if (doc && rootless) {
		json_t *l = json_object_get(doc, "linux");

		json_array_append_new(json_object_get(l, "namespaces"),
				      json_pack("{s:s}", "type", "user"));
		json_object_set_new(l, "uidMappings",
				    json_pack("[{s:i, s:i, s:i}]", "containerID", 0, "hostID",
					      (int)geteuid(), "size", 1));
		json_object_set_new(l, "gidMappings",
				    json_pack("[{s:i, s:i, s:i}]", "containerID", 0, "hostID",
					      (int)getegid(), "size", 1));
	}
	return doc;
}
