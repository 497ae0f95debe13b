/*
 * A bundle's config.json -> struct oci_config (jansson).
 *
 * What the runtime spec says a runtime must do with what it does not know: ignore unknown
 * properties (logged as a warning here), but refuse a value it cannot honour.  So an unknown
 * namespace type, capability, rlimit or mount option, a joined user or cgroup namespace,
 * user namespace maps the kernel would refuse, or a hook kind the brand cannot run where the
 * spec says are one error line each, before anything is made.
 * Tables, not ladders: mount options, rlimits, namespaces.
 * The linux object (namespaces and id maps, resources, masked and read-only paths, sysctls)
 * is parsed in oci_linux.c; this file holds the rest of the document and runs the hooks.
 */
#include "cli/oci.h"
#include "cli/oci_parse.h"
#include "zone/capset.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const struct {
	const char *name;
	unsigned long set, clear;
} mount_opts[] = {
    {"ro", MS_RDONLY, 0},
    {"rw", 0, MS_RDONLY},
    {"nosuid", MS_NOSUID, 0},
    {"suid", 0, MS_NOSUID},
    {"nodev", MS_NODEV, 0},
    {"dev", 0, MS_NODEV},
    {"noexec", MS_NOEXEC, 0},
    {"exec", 0, MS_NOEXEC},
    {"sync", MS_SYNCHRONOUS, 0},
    {"dirsync", MS_DIRSYNC, 0},
    {"relatime", MS_RELATIME, 0},
    {"norelatime", 0, MS_RELATIME},
    {"strictatime", MS_STRICTATIME, 0},
    {"noatime", MS_NOATIME, 0},
    {"nodiratime", MS_NODIRATIME, 0},
    {"bind", MS_BIND, 0},
    {"rbind", MS_BIND | MS_REC, 0},
    /* propagation: every container mount is private to its namespace */
    {"private", 0, 0},
    {"rprivate", 0, 0},
    {"slave", 0, 0},
    {"rslave", 0, 0},
    {"shared", 0, 0},
    {"rshared", 0, 0},
    {"defaults", 0, 0},
};

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

/* Destinations the launcher's plan mounts itself, the brand's way (zone/launch/launch_plan.c). */
static const char *const plan_mounts[] = {"/proc",    "/sys",		"/dev", "/dev/pts",
					  "/dev/shm", "/sys/fs/cgroup", "/tmp"};

static const char *const known_top[] = {"ociVersion", "root",  "mounts",      "process", "hostname",
					"domainname", "hooks", "annotations", "linux"};

void oci_warn_unknown(json_t *obj, const char *const *known, size_t n, const char *where)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v)
	{
		size_t i;

		for (i = 0; i < n && strcmp(known[i], key); i++)
			;
		if (i == n)
			oci_log("warning", "config.json: unknown property %s%s ignored", where,
				key);
	}
}

/* A string member, NULL when absent; -1 when present and not a string. */
int oci_get_str(json_t *o, const char *key, const char **out, struct zone_error *e)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return oci_fail(e, "config.json: %s must be a string", key);
	*out = json_string_value(v);
	return 0;
}

static int str_array(json_t *a, const char *what, char ***out, struct zone_error *e)
{
	size_t i, n;
	json_t *v;

	*out = NULL;
	if (!a || json_is_null(a))
		return 0;
	if (!json_is_array(a))
		return oci_fail(e, "config.json: %s must be an array of strings", what);
	n = json_array_size(a);
	*out = calloc(n + 1, sizeof(char *));
	if (!*out)
		return oci_fail(e, "out of memory");
	json_array_foreach(a, i, v)
	{
		if (!json_is_string(v))
			return oci_fail(e, "config.json: %s must be an array of strings", what);
		(*out)[i] = (char *)json_string_value(v);
	}
	return 0;
}

static int caps_set(json_t *set, uint64_t *mask, struct zone_error *e)
{
	json_t *v;
	size_t i;

	*mask = 0;
	json_array_foreach(set, i, v)
	{
		const char *n = json_string_value(v);
		int c;

		if (!n || strncasecmp(n, "CAP_", 4) != 0 ||
		    (c = zone_cap_from_name(n + 4, strlen(n + 4))) < 0)
			return oci_fail(e, "unknown capability %s", n ? n : "(not a string)");
		*mask |= UINT64_C(1) << c;
	}
	return 0;
}

static int caps_parse(json_t *caps, struct oci_config *c, struct zone_error *e)
{
	json_t *set;

	c->caps = c->caps_inh = c->caps_amb = 0;
	if (!caps)
		return 0;
	/* the brand's processes keep one set: bounding (what exec can ever give back) as the
	 * permitted and effective ones too; inheritable and ambient within it */
	set = json_object_get(caps, "bounding");
	if (!set)
		set = json_object_get(caps, "effective");
	if (caps_set(set, &c->caps, e) < 0 ||
	    caps_set(json_object_get(caps, "inheritable"), &c->caps_inh, e) < 0 ||
	    caps_set(json_object_get(caps, "ambient"), &c->caps_amb, e) < 0)
		return -1;
	c->caps_inh &= c->caps;
	c->caps_amb &= c->caps_inh;
	return 0;
}

int oci_process_parse(json_t *proc, struct oci_config *c, struct zone_error *e)
{
	static const char *const known[] = {"terminal",
					    "consoleSize",
					    "user",
					    "args",
					    "commandLine",
					    "env",
					    "cwd",
					    "capabilities",
					    "rlimits",
					    "noNewPrivileges",
					    "apparmorProfile",
					    "oomScoreAdj",
					    "selinuxLabel",
					    "ioPriority",
					    "scheduler",
					    "execCPUAffinity"};
	json_t *user, *rl, *v, *groups;
	size_t i;

	if (!json_is_object(proc))
		return oci_fail(e, "config.json: process must be an object");
	oci_warn_unknown(proc, known, sizeof(known) / sizeof(known[0]), "process.");
	if (str_array(json_object_get(proc, "args"), "process.args", &c->args, e) < 0 ||
	    str_array(json_object_get(proc, "env"), "process.env", &c->env, e) < 0 ||
	    oci_get_str(proc, "cwd", &c->cwd, e) < 0)
		return -1;
	if (!c->args || !c->args[0])
		return oci_fail(e, "args must not be empty");
	if (!c->cwd || c->cwd[0] != '/')
		return oci_fail(e, "cwd property must not be empty and must be absolute");
	c->terminal = json_is_true(json_object_get(proc, "terminal"));
	c->nnp = json_is_true(json_object_get(proc, "noNewPrivileges"));
	if ((v = json_object_get(proc, "oomScoreAdj"))) {
		if (!json_is_integer(v) || json_integer_value(v) < -1000 ||
		    json_integer_value(v) > 1000)
			return oci_fail(e, "oomScoreAdj must be an integer from -1000 to 1000");
		c->has_oom = 1;
		c->oom = (int)json_integer_value(v);
	}
	memset(&c->user, 0, sizeof(c->user));
	c->umask = -1;
	user = json_object_get(proc, "user");
	if (user) {
		if ((v = json_object_get(user, "umask")) && !json_is_null(v)) {
			if (!json_is_integer(v) || json_integer_value(v) < 0 ||
			    json_integer_value(v) > 0777)
				return oci_fail(e,
						"process.user.umask must be an integer from 0 to "
						"0777");
			c->umask = (int)json_integer_value(v);
		}
		c->user.uid = (uid_t)json_integer_value(json_object_get(user, "uid"));
		c->user.gid = (gid_t)json_integer_value(json_object_get(user, "gid"));
		groups = json_object_get(user, "additionalGids");
		json_array_foreach(groups, i, v)
		{
			if (c->user.ngroups >= sizeof(c->user.groups) / sizeof(c->user.groups[0]))
				return oci_fail(e, "too many additionalGids");
			c->user.groups[c->user.ngroups++] = (gid_t)json_integer_value(v);
		}
		if (json_object_get(user, "username"))
			return oci_fail(e, "process.user.username is for Windows");
	}
	if (caps_parse(json_object_get(proc, "capabilities"), c, e) < 0)
		return -1;
	c->nrlimits = 0;
	rl = json_object_get(proc, "rlimits");
	json_array_foreach(rl, i, v)
	{
		const char *t = json_string_value(json_object_get(v, "type"));
		size_t k;

		for (k = 0; k < sizeof(rlimit_names) / sizeof(rlimit_names[0]); k++)
			if (t && !strcmp(t, rlimit_names[k].name))
				break;
		if (k == sizeof(rlimit_names) / sizeof(rlimit_names[0]))
			return oci_fail(e, "rlimit type %s is unknown", t ? t : "(none)");
		if (c->nrlimits >= OCI_MAX_RLIMITS)
			return oci_fail(e, "too many rlimits");
		c->rlimits[c->nrlimits].resource = rlimit_names[k].resource;
		c->rlimits[c->nrlimits].soft =
		    (uint64_t)json_integer_value(json_object_get(v, "soft"));
		c->rlimits[c->nrlimits].hard =
		    (uint64_t)json_integer_value(json_object_get(v, "hard"));
		c->nrlimits++;
	}
	return 0;
}

static int is_plan_mount(const char *dest)
{
	for (size_t i = 0; i < sizeof(plan_mounts) / sizeof(plan_mounts[0]); i++)
		if (!strcmp(dest, plan_mounts[i]))
			return 1;
	return 0;
}

/* The bundle's /dev/shm tmpfs, which the plan makes: its size and noexec are kept (runc's
 * spec and containerd's give 64 MiB); the mode and owner stay the plan's. */
static int shm_parse(const struct oci_mount *om, struct oci_config *c, struct zone_error *e)
{
	c->shm_noexec = (om->flags & MS_NOEXEC) != 0;
	for (const char *t = om->data; *t; t += strcspn(t, ",") + (t[strcspn(t, ",")] == ',')) {
		size_t n = strcspn(t, ",");

		if (strncmp(t, "size=", 5))
			continue;
		if (n == 5 || n - 5 >= sizeof(c->shm_size) ||
		    strspn(t + 5, "0123456789kKmMgG%") != n - 5)
			return oci_fail(e, "mount /dev/shm: %.*s is not a size", (int)n, t);
		memcpy(c->shm_size, t + 5, n - 5);
		c->shm_size[n - 5] = '\0';
	}
	return 0;
}

/*
 * A mount's own uidMappings and gidMappings (runtime-spec 1.1, runc 1.2): the bind is idmapped
 * with them (the file system's id containerID appears as hostID), its top mount unless the
 * options say ridmap.  Only a bind, and both maps or neither.  The idmap and ridmap options
 * without maps take the container's user namespace's (checked in create).  0, or -1 with e.
 */
static int mount_idmap_parse(json_t *m, struct oci_mount *om, struct zone_error *e)
{
	json_t *um = json_object_get(m, "uidMappings"), *gm = json_object_get(m, "gidMappings");
	char ctx[PATH_MAX + 16];

	if (!um && !gm) {
		if (om->idmap && !om->bind)
			return oci_fail(e, "mount %s: idmap and ridmap are for bind mounts",
					om->dest);
		return 0;
	}
	if (!om->bind)
		return oci_fail(e, "mount %s: uidMappings and gidMappings are for bind mounts",
				om->dest);
	if (!um || !gm)
		return oci_fail(e, "mount %s: uidMappings and gidMappings go together", om->dest);
	snprintf(ctx, sizeof(ctx), "mount %s", om->dest);
	if (oci_idmap_parse(um, ctx, "uid", &om->uid_map, NULL, e) < 0 ||
	    oci_idmap_parse(gm, ctx, "gid", &om->gid_map, NULL, e) < 0)
		return -1;
	if (!om->idmap)
		om->idmap = LAUNCH_IDMAP_TOP;
	return 0;
}

static int mount_parse(json_t *m, struct oci_config *c, struct zone_error *e)
{
	struct oci_mount *om;
	const char *dest, *type, *src;
	json_t *opts, *v;
	size_t i;

	if (oci_get_str(m, "destination", &dest, e) < 0 || oci_get_str(m, "type", &type, e) < 0 ||
	    oci_get_str(m, "source", &src, e) < 0)
		return -1;
	if (!dest || dest[0] != '/')
		return oci_fail(e, "invalid mount destination %s: must be absolute",
				dest ? dest : "(none)");
	if (c->nmounts >= OCI_MAX_MOUNTS)
		return oci_fail(e, "too many mounts (at most %d)", OCI_MAX_MOUNTS);
	om = &c->mounts[c->nmounts];
	memset(om, 0, sizeof(*om));
	om->dest = dest;
	om->type = type ? type : "none";
	om->source = src;
	opts = json_object_get(m, "options");
	json_array_foreach(opts, i, v)
	{
		const char *o = json_string_value(v);
		size_t k;

		if (!o)
			return oci_fail(e, "mount %s: options must be strings", dest);
		/* runc's extension for tmpfs (podman's --tmpfs, --read-only's /run and /tmp) */
		if (!strcmp(o, "tmpcopyup") || !strcmp(o, "notmpcopyup")) {
			om->copyup = o[0] == 't';
			continue;
		}
		/* runc 1.2's idmapped binds: of the top mount, or of every mount under it */
		if (!strcmp(o, "idmap") || !strcmp(o, "ridmap")) {
			om->idmap = o[0] == 'r' ? LAUNCH_IDMAP_REC : LAUNCH_IDMAP_TOP;
			continue;
		}
		for (k = 0; k < sizeof(mount_opts) / sizeof(mount_opts[0]); k++)
			if (!strcmp(o, mount_opts[k].name))
				break;
		if (k < sizeof(mount_opts) / sizeof(mount_opts[0])) {
			om->flags = (om->flags | mount_opts[k].set) & ~mount_opts[k].clear;
			continue;
		}
		/* anything else is file-system data (mode=755, size=65536k, gid=5...) */
		if (strlen(om->data) + strlen(o) + 2 > sizeof(om->data))
			return oci_fail(e, "mount %s: options too long", dest);
		if (om->data[0])
			strcat(om->data, ",");
		strcat(om->data, o);
	}
	om->bind = (om->flags & MS_BIND) || !strcmp(om->type, "bind");
	/* the plan makes proc, sysfs, /dev, devpts, /dev/shm, the cgroup file systems and
	 * /tmp itself, confined and masked as in every zone: the bundle's are those.  So is
	 * a bind of the host's /sys, which podman gives a container with a user namespace in
	 * the host's network namespace (where the kernel refuses runc a sysfs): the plan's
	 * sysfs, mounted by host root, shows that network namespace too */
	if ((!om->bind || !strcmp(dest, "/sys")) && is_plan_mount(dest)) {
		if (!strcmp(dest, "/sys"))
			c->sys_at = c->nmounts;
		if (!strcmp(dest, "/dev/shm") && shm_parse(om, c, e) < 0)
			return -1;
		if (src && !om->bind &&
		    c->nplan_src < sizeof(c->plan_src) / sizeof(c->plan_src[0])) {
			c->plan_src[c->nplan_src].dest = dest;
			c->plan_src[c->nplan_src++].source = src;
		}
		return 0;
	}
	if (om->bind) {
		if (!src)
			return oci_fail(e, "mount %s: bind mount without a source", dest);
		if (src[0] == '/')
			snprintf(om->source_abs, sizeof(om->source_abs), "%s", src);
		else if ((size_t)snprintf(om->source_abs, sizeof(om->source_abs), "%.*s/%s",
					  (int)(sizeof(om->source_abs) / 2), c->bundle,
					  src) >= sizeof(om->source_abs))
			return oci_fail(e, "mount %s: source path too long", dest);
	} else if (strcmp(om->type, "tmpfs") && strcmp(om->type, "mqueue")) {
		return oci_fail(e,
				"mount %s: type %s is not supported (bind, tmpfs, mqueue, and "
				"the plan's proc, sysfs, devpts, cgroup)",
				dest, om->type);
	}
	/* last: its maps are freed with the mounts counted */
	if (mount_idmap_parse(m, om, e) < 0) {
		free(om->uid_map);
		free(om->gid_map);
		return -1;
	}
	c->nmounts++;
	return 0;
}

const char *const oci_hook_kinds[OCI_HOOK_KINDS] = {
    "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"};

int oci_is_hook_kind(const char *k)
{
	for (size_t i = 0; i < OCI_HOOK_KINDS; i++)
		if (!strcmp(oci_hook_kinds[i], k))
			return 1;
	return 0;
}

static int hooks_check(json_t *hooks, struct zone_error *e)
{
	const char *key;
	json_t *v;

	json_object_foreach(hooks, key, v)
	{
		if (!oci_is_hook_kind(key) && json_array_size(v) > 0)
			return oci_fail(e,
					"hooks.%s: not a hook kind lxzone-oci runs "
					"(prestart, createRuntime, createContainer, "
					"startContainer, poststart, poststop)",
					key);
	}
	return 0;
}

static int annotations_parse(json_t *a, struct oci_config *c, struct zone_error *e)
{
	const char *p = json_string_value(json_object_get(a, "io.lxzone.profile"));

	c->kernel_version = json_string_value(json_object_get(a, "io.lxzone.kernel-version"));
	if (p && strcmp(p, "hardened") && strcmp(p, "default"))
		return oci_fail(e, "annotation io.lxzone.profile=%s: default or hardened", p);
	c->hardened = p && !strcmp(p, "hardened");
	/* the brand's knob is the annotation's, never process.env's: the program's environment
	 * is the guest's (LXZONE_SYSCALL_PATCHING there reaches the program and nothing else) */
	p = json_string_value(json_object_get(a, "io.lxzone.syscall-patching"));
	c->syscall_patching = p ? launch_patching_value(p) : LAUNCH_PATCH_AUTO;
	if (c->syscall_patching < 0)
		return oci_fail(e, "annotation io.lxzone.syscall-patching=%s: auto, on or off", p);
	if (c->kernel_version) {
		unsigned a1, b1, c1;
		char x;

		if (sscanf(c->kernel_version, "%u.%u.%u%c", &a1, &b1, &c1, &x) != 3)
			return oci_fail(e, "annotation io.lxzone.kernel-version=%s: X.Y.Z",
					c->kernel_version);
	}
	return 0;
}

int oci_config_load_file(const char *path, const char *bundle, struct oci_config *c,
			 struct zone_error *e)
{
	json_error_t je;
	json_t *root, *v;
	const char *rpath;
	char joined[PATH_MAX * 2];

	memset(c, 0, sizeof(*c));
	c->memory = c->swap = c->millicpus = c->pids = UINT64_MAX;
	snprintf(c->bundle, sizeof(c->bundle), "%s", bundle);
	c->json = oci_json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!c->json) {
		if (access(path, F_OK) != 0)
			return oci_fail(e, "JSON specification file config.json not found");
		return oci_fail(e, "config.json: line %d column %d: %s", je.line, je.column,
				je.text);
	}
	if (!json_is_object(c->json))
		return oci_fail(e, "config.json: not a JSON object");
	if (oci_schema_check(c->json, "", "config.json: ", e) < 0)
		return -1;
	oci_warn_unknown(c->json, known_top, sizeof(known_top) / sizeof(known_top[0]), "");
	if (!json_is_string(json_object_get(c->json, "ociVersion")))
		return oci_fail(e, "config.json: ociVersion must be a string");
	root = json_object_get(c->json, "root");
	if (!root || oci_get_str(root, "path", &rpath, e) < 0 || !rpath)
		return oci_fail(e, "config.json: root.path is required");
	c->root_ro = json_is_true(json_object_get(root, "readonly"));
	if (rpath[0] == '/')
		snprintf(joined, sizeof(joined), "%s", rpath);
	else
		snprintf(joined, sizeof(joined), "%s/%s", c->bundle, rpath);
	/* the root's own path may be a link (runc resolves it too); what is inside it is
	 * resolved confined to it, by the plan */
	if (!realpath(joined, c->rootfs))
		return oci_fail(e, "rootfs (%s) does not exist", joined);
	if (oci_process_parse(json_object_get(c->json, "process"), c, e) < 0)
		return -1;
	if (oci_get_str(c->json, "domainname", &c->domainname, e) < 0)
		return -1;
	if (oci_get_str(c->json, "hostname", &c->hostname, e) < 0)
		return -1;
	c->sys_at = (size_t)-1; /* no /sys: the plan's goes after every mount */
	if ((v = json_object_get(c->json, "mounts"))) {
		size_t i;
		json_t *m;

		if (!json_is_array(v))
			return oci_fail(e, "config.json: mounts must be an array");
		json_array_foreach(v, i, m) if (mount_parse(m, c, e) < 0) return -1;
	}
	if (oci_linux_parse(json_object_get(c->json, "linux"), c, e) < 0 ||
	    hooks_check(json_object_get(c->json, "hooks"), e) < 0 ||
	    annotations_parse(json_object_get(c->json, "annotations"), c, e) < 0)
		return -1;
	return 0;
}

int oci_config_load(const char *bundle, struct oci_config *c, struct zone_error *e)
{
	char abs[PATH_MAX], path[PATH_MAX + 16];

	if (!realpath(bundle, abs)) {
		memset(c, 0, sizeof(*c));
		return oci_fail(e, "bundle %s: %s", bundle, strerror(errno));
	}
	snprintf(path, sizeof(path), "%s/config.json", abs);
	return oci_config_load_file(path, abs, c, e);
}

void oci_config_free(struct oci_config *c)
{
	free(c->args);
	free(c->env);
	free(c->uid_map);
	free(c->gid_map);
	for (size_t i = 0; i < c->nmounts; i++) {
		free(c->mounts[i].uid_map);
		free(c->mounts[i].gid_map);
	}
	json_decref(c->json);
	c->args = c->env = NULL;
	c->uid_map = c->gid_map = NULL;
	c->json = NULL;
}

/* A hook's process on the host (or, for createContainer, in the container's mount
 * namespace before pivot_root): fork and execve. */
static pid_t hook_spawn_native(void *arg, const char *path, char *const *argv, char *const *envp,
			       int in_fd, struct zone_error *e)
{
	pid_t pid = fork();

	(void)arg;
	if (pid == 0) {
		dup2(in_fd, 0);
		execve(path, argv, envp);
		_exit(127);
	}
	if (pid < 0)
		return oci_fail(e, "fork %s: %s", path, strerror(errno));
	return pid;
}

/* A pipe holding all of json, its write end closed: read end in p[0], close-on-exec. */
static int state_pipe(int p[2], const char *json)
{
	size_t len = strlen(json);
	ssize_t n = -1;
	int errnum;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	/* the default 64 KiB holds any usual state; a bigger one (annotations) asks for room */
	if (len < 65536 || fcntl(p[1], F_SETPIPE_SZ, (int)len + 1) >= 0)
		n = write(p[1], json, len);
	errnum = n < 0 ? errno : EIO;
	close(p[1]);
	if (n == (ssize_t)len)
		return 0;
	close(p[0]);
	errno = errnum;
	return -1;
}

/* One hook's path, argv (its args, else the path alone) and env, as its process gets them:
 * the strings are the config's; free *args and *env (arrays only). */
struct hook_cmd {
	const char *path;
	char **args, **env;
	char *def_args[2];
};

static char *hook_no_env[] = {NULL};

static int hook_parse(json_t *h, const char *kind, struct hook_cmd *c, struct zone_error *e)
{
	memset(c, 0, sizeof(*c));
	c->path = json_string_value(json_object_get(h, "path"));
	if (!c->path || c->path[0] != '/')
		return oci_fail(e, "hook %s: path must be absolute", kind);
	if (str_array(json_object_get(h, "args"), "hook args", &c->args, e) < 0 ||
	    str_array(json_object_get(h, "env"), "hook env", &c->env, e) < 0) {
		free(c->args);
		free(c->env);
		return -1;
	}
	c->def_args[0] = (char *)c->path;
	return 0;
}

static char *const *hook_argv(const struct hook_cmd *c)
{
	return c->args && c->args[0] ? c->args : c->def_args;
}

static char *const *hook_envp(const struct hook_cmd *c)
{
	return c->env ? c->env : hook_no_env;
}

/* One hook: path, args, env, timeout (seconds), the state on its standard input. */
static int hook_run(json_t *h, const char *kind, const char *state_json, oci_hook_spawn_fn spawn,
		    void *arg, struct zone_error *e)
{
	json_int_t timeout = json_integer_value(json_object_get(h, "timeout"));
	struct hook_cmd c;
	int in[2], st = 0;
	pid_t pid;

	if (hook_parse(h, kind, &c, e) < 0)
		return -1;
	/* the state goes into the pipe before the hook exists, so no write meets a reader gone
	 * (SIGPIPE): the caller's dispositions stay as they are, which PID 1's program inherits
	 * (ignoring SIGPIPE here once gave it SIGPIPE ignored), and no call the brand traps is
	 * made (rt_sigaction) */
	if (state_pipe(in, state_json) < 0) {
		int errnum = errno;

		free(c.args);
		free(c.env);
		return oci_fail(e, "hook %s: the state's pipe: %s", kind, strerror(errnum));
	}
	pid = spawn(arg, c.path, hook_argv(&c), hook_envp(&c), in[0], e);
	close(in[0]);
	free(c.args);
	free(c.env);
	if (pid < 0)
		return -1;
	for (json_int_t waited = 0;; waited += 10) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			break;
		if (timeout > 0 && waited >= timeout * 1000) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return oci_fail(e, "%s hook %s: timeout after %lld seconds", kind, c.path,
					(long long)timeout);
		}
		poll(NULL, 0, 10);
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return oci_fail(e, "%s hook %s: exit status %d", kind, c.path,
				launch_status_code(st));
	return 0;
}

int oci_hooks_each(const struct oci_config *c, const char *kind, oci_hook_each_fn fn, void *arg,
		   struct zone_error *e)
{
	json_t *list = json_object_get(json_object_get(c->json, "hooks"), kind), *h;
	struct hook_cmd cmd;
	size_t i;
	int r = 0;

	json_array_foreach(list, i, h)
	{
		if (hook_parse(h, kind, &cmd, e) < 0)
			return -1;
		r = fn(arg, cmd.path, hook_argv(&cmd), hook_envp(&cmd), e);
		free(cmd.args);
		free(cmd.env);
		if (r < 0)
			return -1;
	}
	return 0;
}

int oci_hooks_run(const struct oci_config *c, const char *kind, const struct oci_state *s,
		  enum oci_status st, struct zone_error *e)
{
	return oci_hooks_run_by(c, kind, s, st, NULL, NULL, e);
}

int oci_hooks_run_by(const struct oci_config *c, const char *kind, const struct oci_state *s,
		     enum oci_status st, oci_hook_spawn_fn spawn, void *arg, struct zone_error *e)
{
	json_t *list = json_object_get(json_object_get(c->json, "hooks"), kind), *h;
	char *sj;
	size_t i;
	int r = 0;

	if (json_array_size(list) == 0)
		return 0;
	if (!spawn)
		spawn = hook_spawn_native;
	sj = oci_state_json(s, st);
	json_array_foreach(
	    list, i, h) if (r == 0 && hook_run(h, kind, sj ? sj : "{}", spawn, arg, e) < 0) r = -1;
	free(sj);
	return r;
}
