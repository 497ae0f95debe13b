/*
 * config.json's linux object -> struct oci_config: linux.namespaces with the user
 * namespace's uidMappings and gidMappings and the time namespace's timeOffsets,
 * linux.resources' cgroup limits, maskedPaths and readonlyPaths, linux.sysctl (device keys,
 * hugepageLimits and unified: oci_resources.c).
 *
 * Apart from oci_config.c (the document's other members: root, process, mounts, hooks,
 * annotations) because this is the runtime spec's config-linux.md, read against it on its
 * own; the two share oci_get_str, oci_warn_unknown and oci_linux_parse through cli/oci_parse.h.
 * Same rule as there: a value the kernel or the runtime cannot honour is one error line, before
 * anything is made.
 */
#include "cli/oci_container.h"
#include "cli/oci_parse.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The kernel takes a map in one write under a page (kernel/user_namespace.c). */
#define IDMAP_LINES LAUNCH_IDMAP_LINES
#define IDMAP_TEXT  4096

/*
 * uidMappings or gidMappings, checked as the kernel would check the map, so that a bad one is
 * refused before anything is made: each range non-empty and inside 32 bits, no two
 * overlapping on either side.  ctx names whose they are in messages ("user namespace", "mount
 * /data").  With root, the container's id 0 must be mapped (the setup acts as the container's
 * root: its /dev, /dev/shm and /tmp are that root's) and *root is its host id; a mount's maps
 * (root NULL) need not map it.  *text: the map as the kernel takes it.
 */
int oci_idmap_parse(json_t *a, const char *ctx, const char *what, char **text, uint32_t *root,
		    struct zone_error *e)
{
	uint64_t first[IDMAP_LINES], host[IDMAP_LINES], size[IDMAP_LINES];
	size_t n = json_array_size(a), len = 0;
	int root_found = 0;

	if (!json_is_array(a) || n == 0)
		return root ? oci_fail(e, "user namespaces enabled, but no %s mappings found", what)
			    : oci_fail(e, "%s: no %s mappings", ctx, what);
	if (n > IDMAP_LINES)
		return oci_fail(e, "%s: %zu %s mappings (the kernel takes %d)", ctx, n, what,
				IDMAP_LINES);
	for (size_t i = 0; i < n; i++) {
		json_t *m = json_array_get(a, i);
		json_t *f[3] = {json_object_get(m, "containerID"), json_object_get(m, "hostID"),
				json_object_get(m, "size")};
		uint64_t *v[3] = {&first[i], &host[i], &size[i]};

		for (int k = 0; k < 3; k++) {
			if (!json_is_integer(f[k]) || json_integer_value(f[k]) < 0 ||
			    json_integer_value(f[k]) > UINT32_MAX)
				return oci_fail(e,
						"%s: %s mapping %zu: containerID, hostID and "
						"size must be 32-bit unsigned integers",
						ctx, what, i);
			*v[k] = (uint64_t)json_integer_value(f[k]);
		}
		if (size[i] == 0 || first[i] + size[i] > UINT32_MAX ||
		    host[i] + size[i] > UINT32_MAX)
			return oci_fail(e,
					"%s: %s mapping %zu (%ju %ju %ju) is empty or goes past "
					"4294967294",
					ctx, what, i, (uintmax_t)first[i], (uintmax_t)host[i],
					(uintmax_t)size[i]);
		for (size_t j = 0; j < i; j++)
			if ((first[i] < first[j] + size[j] && first[j] < first[i] + size[i]) ||
			    (host[i] < host[j] + size[j] && host[j] < host[i] + size[i]))
				return oci_fail(e, "%s: %s mappings %zu and %zu overlap", ctx,
						what, j, i);
		if (first[i] == 0 && root) {
			*root = (uint32_t)host[i];
			root_found = 1;
		}
	}
	if (root && !root_found)
		return oci_fail(e,
				"%s: the container's %s 0 is not mapped "
				"(lxzone-oci sets the container up as its root)",
				ctx, what);
	if (!(*text = malloc(IDMAP_TEXT)))
		return oci_fail(e, "%s: %s", ctx, strerror(ENOMEM));
	for (size_t i = 0; i < n; i++) {
		int k = snprintf(*text + len, IDMAP_TEXT - len, "%ju %ju %ju\n",
				 (uintmax_t)first[i], (uintmax_t)host[i], (uintmax_t)size[i]);
		if (k < 0 || (size_t)k >= IDMAP_TEXT - len)
			return oci_fail(e, "%s: the %s map is longer than the kernel's %d bytes",
					ctx, what, IDMAP_TEXT - 1);
		len += (size_t)k;
	}
	return 0;
}

/* linux.namespaces: pid, uts, ipc, mount and cgroup of the container's own unless a path
 * names one to join. */
static int namespaces_parse(json_t *linux_, struct oci_config *c, struct zone_error *e)
{
	json_t *a = json_object_get(linux_, "namespaces"), *v;
	size_t i;

	json_array_foreach(a, i, v)
	{
		const char *t = json_string_value(json_object_get(v, "type"));
		const char *path = json_string_value(json_object_get(v, "path"));

		if (!t)
			return oci_fail(e, "namespace without a type");
		if (path && !*path)
			path = NULL; /* Go's empty string: no path, as runc reads it */
		if (!strcmp(t, "network")) {
			c->new_net = path == NULL;
			c->netns_path = path;
		} else if (!strcmp(t, "user")) {
			/* by path: a pod's sandbox's, joined with a helper (oci_create.c) */
			c->userns = 1;
			c->userns_path = path;
		} else if (path && !strcmp(t, "pid")) {
			/* podman's --pid container:X, a pod's shareProcessNamespace: PID 1 is
			 * cloned into it (oci_create.c) */
			c->pid_path = path;
		} else if (path && (!strcmp(t, "uts") || !strcmp(t, "ipc"))) {
			/* a pod's containers share its sandbox's: joined by PID 1 after the
			 * plan (container_setup) */
			*(!strcmp(t, "uts") ? &c->uts_path : &c->ipc_path) = path;
		} else if (path && !strcmp(t, "cgroup")) {
			/* joined by PID 1 after its cgroup joins, where it would make its own
			 * (LOP_JOIN_CGROUPNS): /proc/self/cgroup and a cgroup mount are seen
			 * from that namespace's root, as runc's container would */
			c->cgroupns_path = path;
		} else if (path && !strcmp(t, "mount")) {
			/* joined by PID 1 before the plan's first mount, as runc's init: the
			 * root is built in it (LOP_JOIN_MNTNS) */
			c->mnt_path = path;
		} else if (!strcmp(t, "pid") || !strcmp(t, "ipc") || !strcmp(t, "uts") ||
			   !strcmp(t, "mount") || !strcmp(t, "cgroup")) {
			if (path)
				return oci_fail(e,
						"joining a %s namespace (%s) is not supported: "
						"every lxzone container has its own",
						t, path);
		} else if (!strcmp(t, "time")) {
			/* with timeOffsets, or joined (time_offsets_parse, oci_timens.c) */
			c->timens = 1;
			c->timens_path = path;
		} else {
			return oci_fail(e, "namespace %s does not exist", t);
		}
	}
	if (c->userns) {
		json_t *um = json_object_get(linux_, "uidMappings");
		json_t *gm = json_object_get(linux_, "gidMappings");

		/* a namespace joined has its maps: the config's, when given, must be them
		 * (checked once it is open, oci_create.c) */
		if ((!c->userns_path || um || gm) &&
		    (oci_idmap_parse(um, "user namespace", "uid", &c->uid_map, &c->root_uid, e) <
			 0 ||
		     oci_idmap_parse(gm, "user namespace", "gid", &c->gid_map, &c->root_gid, e) <
			 0))
			return -1;
		/* a pod's sandbox's uts, ipc and pid namespaces belong to its user namespace,
		 * never to one the container makes */
		if (!c->userns_path && (c->uts_path || c->ipc_path || c->pid_path))
			return oci_fail(e,
					"joining a uts, ipc or pid namespace with a user namespace "
					"of the container's own is not supported");
		/* the container's root must own the mount namespace its mounts are locked in
		 * (launch_userns.c): one given by path is not its own */
		if (c->mnt_path)
			return oci_fail(e,
					"joining a mount namespace (%s) with a user namespace is "
					"not supported",
					c->mnt_path);
		/* a cgroup namespace by path: with a pod's user namespace, one it owns, joined
		 * from it (oci_userns_join checks the owner); with one of the container's own,
		 * joined before it, as runc's nsexec joins paths before its unshare */
	}
	return 0;
}

/* The kernel's limit on a clock's offset: the clock it makes must stay within 0 ..
 * KTIME_SEC_MAX / 2 (kernel/time/namespace.c), which no offset past that can meet. */
#define TIMENS_SEC_MAX INT64_C(4611686018)

/*
 * linux.timeOffsets: the clocks a time namespace of the container's own gets, as runc writes
 * them into /proc/PID/timens_offsets ("monotonic" and "boottime"; a clock left out keeps 0).
 * runc's refusals and words: offsets without a time namespace, or with one to join (its
 * offsets are its own).  What the kernel would refuse at the write is refused here, before
 * anything is made: another clock, nanosecs from 1e9, secs past the kernel's range.
 */
static int time_offsets_parse(json_t *linux_, struct oci_config *c, struct zone_error *e)
{
	json_t *t = json_object_get(linux_, "timeOffsets"), *v;
	const char *clock;

	if (!json_is_object(t)) /* absent or null (the schema refused another type) */
		return 0;
	if (!c->timens)
		return oci_fail(e, "time namespace offsets specified, but time namespace isn't "
				   "enabled in the config");
	if (c->timens_path)
		return oci_fail(e, "time namespace enabled, but both namespace path and time "
				   "offsets specified -- you may only provide one");
	json_object_foreach(t, clock, v)
	{
		struct launch_clock_offset *o;
		json_int_t secs = json_integer_value(json_object_get(v, "secs"));
		json_int_t ns = json_integer_value(json_object_get(v, "nanosecs"));

		if (!strcmp(clock, "monotonic"))
			o = &c->time_offsets.monotonic;
		else if (!strcmp(clock, "boottime"))
			o = &c->time_offsets.boottime;
		else
			return oci_fail(e,
					"linux.timeOffsets: clock \"%s\": only monotonic and "
					"boottime have offsets in a time namespace",
					clock);
		/* null (Go's zero value) is 0 s 0 ns, written as runc would */
		if (ns >= 1000000000)
			return oci_fail(e,
					"linux.timeOffsets.%s.nanosecs %lld: must be below "
					"1000000000",
					clock, (long long)ns);
		if (secs > TIMENS_SEC_MAX || secs < -TIMENS_SEC_MAX)
			return oci_fail(e,
					"linux.timeOffsets.%s.secs %lld: out of the kernel's range "
					"(-%lld .. %lld)",
					clock, (long long)secs, (long long)TIMENS_SEC_MAX,
					(long long)TIMENS_SEC_MAX);
		*o = (struct launch_clock_offset){1, (int64_t)secs, (uint32_t)ns};
	}
	return 0;
}

/* The kernel's largest CFS quota, in microseconds (kernel/sched/core.c: max_cfs_runtime, MAX_BW
 * with BW_SHIFT 20): cpu.cfs_quota_us and cpu.max refuse more with EINVAL, and more would
 * overflow the thousandths of a CPU computed from it. */
#define CFS_QUOTA_MAX_US ((INT64_C(1) << 44) - 1)

static int resources_parse(json_t *r, struct oci_config *c, struct zone_error *e)
{
	json_t *mem = json_object_get(r, "memory"), *cpu = json_object_get(r, "cpu");
	json_t *pids = json_object_get(r, "pids"), *v;

	c->memory = c->swap = c->millicpus = c->pids = UINT64_MAX;
	c->cpu_shares = 0;
	if ((v = json_object_get(mem, "limit")) && json_integer_value(v) > 0)
		c->memory = (uint64_t)json_integer_value(v);
	/* OCI's swap is memory+swap, as v1's memsw; the zone's key is the part above memory */
	if ((v = json_object_get(mem, "swap")) && json_integer_value(v) > 0 &&
	    c->memory != UINT64_MAX && (uint64_t)json_integer_value(v) >= c->memory)
		c->swap = (uint64_t)json_integer_value(v) - c->memory;
	if ((v = json_object_get(cpu, "quota")) && json_integer_value(v) > 0) {
		json_int_t period = json_integer_value(json_object_get(cpu, "period"));

		if (json_integer_value(v) > CFS_QUOTA_MAX_US)
			return oci_fail(e,
					"linux.resources.cpu.quota %lld: above the kernel's limit "
					"(%lld microseconds)",
					(long long)json_integer_value(v),
					(long long)CFS_QUOTA_MAX_US);
		if (period <= 0)
			period = 100000;
		c->millicpus = (uint64_t)(json_integer_value(v) * 1000 / period);
		if (c->millicpus == 0)
			c->millicpus = 1;
	}
	if ((v = json_object_get(cpu, "shares")) && json_integer_value(v) > 0)
		c->cpu_shares = (uint64_t)json_integer_value(v);
	c->cpuset_cpus = json_string_value(json_object_get(cpu, "cpus"));
	c->cpuset_mems = json_string_value(json_object_get(cpu, "mems"));
	if (c->cpuset_cpus && !*c->cpuset_cpus)
		c->cpuset_cpus = NULL;
	if (c->cpuset_mems && !*c->cpuset_mems)
		c->cpuset_mems = NULL;
	if ((v = json_object_get(pids, "limit")) && json_integer_value(v) > 0)
		c->pids = (uint64_t)json_integer_value(v);
	return 0;
}

static int paths_parse(json_t *a, const char **out, size_t *n, const char *what,
		       struct zone_error *e)
{
	json_t *v;
	size_t i;

	*n = 0;
	json_array_foreach(a, i, v)
	{
		const char *p = json_string_value(v);

		if (!p || p[0] != '/')
			return oci_fail(e, "%s: %s is not an absolute path", what, p ? p : "?");
		if (*n >= OCI_MAX_PATHS)
			return oci_fail(e, "%s: too many paths", what);
		out[(*n)++] = p;
	}
	return 0;
}

/* The sysctls a container may set: those its own namespaces hold (runc's list). */
static int sysctl_namespaced(const char *key, const struct oci_config *c)
{
	static const char *const ipc[] = {"kernel.msgmax", "kernel.msgmnb",	    "kernel.msgmni",
					  "kernel.sem",	   "kernel.shmall",	    "kernel.shmmax",
					  "kernel.shmmni", "kernel.shm_rmid_forced"};

	for (size_t i = 0; i < sizeof(ipc) / sizeof(ipc[0]); i++)
		if (!strcmp(key, ipc[i]))
			return 1;
	if (!strncmp(key, "fs.mqueue.", 10))
		return 1;
	if (!strcmp(key, "kernel.hostname") || !strcmp(key, "kernel.domainname"))
		return 1;
	/* the network's only in a network namespace of the container's own */
	return !strncmp(key, "net.", 4) && (c->new_net || c->netns_path);
}

static int sysctl_parse(json_t *sys, struct oci_config *c, struct zone_error *e)
{
	const char *key;
	json_t *v;

	c->nsysctls = 0;
	json_object_foreach(sys, key, v)
	{
		char *p;

		if (!json_is_string(v))
			return oci_fail(e, "sysctl %s: the value must be a string", key);
		if (strstr(key, "..") || key[0] == '.' || key[0] == '/')
			return oci_fail(e, "sysctl \"%s\" is not valid", key);
		char dotted[256];

		/* the check reads the dotted form: "net/ipv4/conf/eth0.100/x" is a net key */
		snprintf(dotted, sizeof(dotted), "%s", key);
		for (p = dotted; *p; p++)
			if (*p == '/')
				*p = '.';
		if (!sysctl_namespaced(dotted, c))
			return oci_fail(e, "sysctl \"%s\" is not in a separate kernel namespace",
					key);
		if (c->nsysctls >= sizeof(c->sysctls) / sizeof(c->sysctls[0]))
			return oci_fail(e, "too many sysctls");
		if ((size_t)snprintf(c->sysctls[c->nsysctls].path, sizeof(c->sysctls[0].path),
				     "/proc/sys/%s", key) >= sizeof(c->sysctls[0].path))
			return oci_fail(e, "sysctl %s: name too long", key);
		/* dots separate levels unless the key uses slashes (an interface "eth0.100") */
		if (!strchr(key, '/'))
			for (p = c->sysctls[c->nsysctls].path + 10; *p; p++)
				if (*p == '.')
					*p = '/';
		c->sysctls[c->nsysctls++].value = json_string_value(v);
	}
	return 0;
}

int oci_linux_parse(json_t *l, struct oci_config *c, struct zone_error *e)
{
	static const char *const known[] = {
	    "namespaces",	 "uidMappings",	  "gidMappings", "resources",	"cgroupsPath",
	    "maskedPaths",	 "readonlyPaths", "sysctl",	 "seccomp",	"devices",
	    "rootfsPropagation", "mountLabel",	  "personality", "timeOffsets", "intelRdt"};
	c->memory = c->swap = c->millicpus = c->pids = UINT64_MAX;
	if (!l)
		return 0;
	if (!json_is_object(l))
		return oci_fail(e, "config.json: linux must be an object");
	oci_warn_unknown(l, known, sizeof(known) / sizeof(known[0]), "linux.");
	if (namespaces_parse(l, c, e) < 0 || time_offsets_parse(l, c, e) < 0)
		return -1;
	if (resources_parse(json_object_get(l, "resources"), c, e) < 0)
		return -1;
	/* net_cls/net_prio: not applied, so refused (runc too fails where they are missing) */
	if (json_object_size(json_object_get(json_object_get(l, "resources"), "network")) > 0)
		return oci_fail(e, "linux.resources.network (classID, priorities) is not supported "
				   "by lxzone-oci");
	if (oci_get_str(l, "cgroupsPath", &c->cgroups_path, e) < 0)
		return -1;
	if (c->cgroups_path && strchr(c->cgroups_path, ':') && c->cgroups_path[0] != '/')
		return oci_fail(e,
				"cgroupsPath %s: the systemd slice:prefix:name form needs "
				"--systemd-cgroup, which lxzone-oci does not support",
				c->cgroups_path);
	if (c->cgroups_path && strstr(c->cgroups_path, ".."))
		return oci_fail(e, "cgroupsPath %s: must not contain ..", c->cgroups_path);
	if (paths_parse(json_object_get(l, "maskedPaths"), c->masked, &c->nmasked, "maskedPaths",
			e) < 0 ||
	    paths_parse(json_object_get(l, "readonlyPaths"), c->readonly, &c->nreadonly,
			"readonlyPaths", e) < 0)
		return -1;
	if (oci_resources_parse(l, c, e) < 0) /* oci_resources.c */
		return -1;
	return sysctl_parse(json_object_get(l, "sysctl"), c, e);
}
