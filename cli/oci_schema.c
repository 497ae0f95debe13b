/*
 * The JSON type of every config.json member the runtime spec defines, checked before any of
 * it is read: runc decodes config.json into Go structs, so a member of the wrong type (a
 * string uid, a bool for the mount options, a number for a capability) fails create with
 * one error, where reading the member with jansson's *_value would take it as absent or 0
 * and go on (a uid "1000" would run the program as root; readonlyPaths "/" would protect
 * nothing).  As under Go, null is the member left out, and an integer must be integral and
 * within its field's range.  Members the spec does not define are not looked at here (the
 * parsers warn about them, as runc ignores them).
 *
 * The schema is one table of dotted patterns: "[]" is any element of an array, "*" any
 * member of a map (annotations, sysctl, unified, timeOffsets).  runtime-spec 1.0-1.2, config.md and
 * config-linux.md; the Windows, Solaris, VM and z/OS objects are not read by lxzone-oci and
 * are left out.
 */
#include "cli/oci.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { OBJ, ARR, STR, BOOL, I32, I64, U16, U32, U64 };

static const struct member {
	const char *pattern;
	enum kind kind;
} schema[] = {
    {"ociVersion", STR},
    {"hostname", STR},
    {"domainname", STR},
    {"root", OBJ},
    {"root.path", STR},
    {"root.readonly", BOOL},
    {"process", OBJ},
    {"process.terminal", BOOL},
    {"process.consoleSize", OBJ},
    {"process.consoleSize.height", U32},
    {"process.consoleSize.width", U32},
    {"process.cwd", STR},
    {"process.env", ARR},
    {"process.env[]", STR},
    {"process.args", ARR},
    {"process.args[]", STR},
    {"process.commandLine", STR},
    {"process.rlimits", ARR},
    {"process.rlimits[]", OBJ},
    {"process.rlimits[].type", STR},
    {"process.rlimits[].soft", U64},
    {"process.rlimits[].hard", U64},
    {"process.apparmorProfile", STR},
    {"process.capabilities", OBJ},
    {"process.capabilities.bounding", ARR},
    {"process.capabilities.bounding[]", STR},
    {"process.capabilities.effective", ARR},
    {"process.capabilities.effective[]", STR},
    {"process.capabilities.inheritable", ARR},
    {"process.capabilities.inheritable[]", STR},
    {"process.capabilities.permitted", ARR},
    {"process.capabilities.permitted[]", STR},
    {"process.capabilities.ambient", ARR},
    {"process.capabilities.ambient[]", STR},
    {"process.noNewPrivileges", BOOL},
    {"process.oomScoreAdj", I32},
    {"process.scheduler", OBJ},
    {"process.scheduler.policy", STR},
    {"process.scheduler.nice", I32},
    {"process.scheduler.priority", I32},
    {"process.scheduler.flags", ARR},
    {"process.scheduler.flags[]", STR},
    {"process.ioPriority", OBJ},
    {"process.ioPriority.class", STR},
    {"process.ioPriority.priority", I32},
    {"process.selinuxLabel", STR},
    {"process.user", OBJ},
    {"process.user.uid", U32},
    {"process.user.gid", U32},
    {"process.user.umask", U32},
    {"process.user.additionalGids", ARR},
    {"process.user.additionalGids[]", U32},
    {"process.user.username", STR},
    {"mounts", ARR},
    {"mounts[]", OBJ},
    {"mounts[].destination", STR},
    {"mounts[].source", STR},
    {"mounts[].type", STR},
    {"mounts[].options", ARR},
    {"mounts[].options[]", STR},
    {"mounts[].uidMappings", ARR},
    {"mounts[].uidMappings[]", OBJ},
    {"mounts[].uidMappings[].containerID", U32},
    {"mounts[].uidMappings[].hostID", U32},
    {"mounts[].uidMappings[].size", U32},
    {"mounts[].gidMappings", ARR},
    {"mounts[].gidMappings[]", OBJ},
    {"mounts[].gidMappings[].containerID", U32},
    {"mounts[].gidMappings[].hostID", U32},
    {"mounts[].gidMappings[].size", U32},
    {"hooks", OBJ},
    {"hooks.KIND", ARR},
    {"hooks.KIND[]", OBJ},
    {"hooks.KIND[].path", STR},
    {"hooks.KIND[].args", ARR},
    {"hooks.KIND[].args[]", STR},
    {"hooks.KIND[].env", ARR},
    {"hooks.KIND[].env[]", STR},
    {"hooks.KIND[].timeout", I32},
    {"annotations", OBJ},
    {"annotations.*", STR},
    {"linux", OBJ},
    {"linux.namespaces", ARR},
    {"linux.namespaces[]", OBJ},
    {"linux.namespaces[].type", STR},
    {"linux.namespaces[].path", STR},
    {"linux.uidMappings", ARR},
    {"linux.uidMappings[]", OBJ},
    {"linux.uidMappings[].containerID", U32},
    {"linux.uidMappings[].hostID", U32},
    {"linux.uidMappings[].size", U32},
    {"linux.gidMappings", ARR},
    {"linux.gidMappings[]", OBJ},
    {"linux.gidMappings[].containerID", U32},
    {"linux.gidMappings[].hostID", U32},
    {"linux.gidMappings[].size", U32},
    {"linux.timeOffsets", OBJ},
    {"linux.timeOffsets.*", OBJ},
    {"linux.timeOffsets.*.secs", I64},
    {"linux.timeOffsets.*.nanosecs", U32},
    {"linux.devices", ARR},
    {"linux.devices[]", OBJ},
    {"linux.devices[].type", STR},
    {"linux.devices[].path", STR},
    {"linux.devices[].major", I64},
    {"linux.devices[].minor", I64},
    {"linux.devices[].fileMode", U32},
    {"linux.devices[].uid", U32},
    {"linux.devices[].gid", U32},
    {"linux.cgroupsPath", STR},
    {"linux.resources", OBJ},
    {"linux.resources.devices", ARR},
    {"linux.resources.devices[]", OBJ},
    {"linux.resources.devices[].allow", BOOL},
    {"linux.resources.devices[].type", STR},
    {"linux.resources.devices[].major", I64},
    {"linux.resources.devices[].minor", I64},
    {"linux.resources.devices[].access", STR},
    {"linux.resources.memory", OBJ},
    {"linux.resources.memory.limit", I64},
    {"linux.resources.memory.reservation", I64},
    {"linux.resources.memory.swap", I64},
    {"linux.resources.memory.kernel", I64},
    {"linux.resources.memory.kernelTCP", I64},
    {"linux.resources.memory.swappiness", U64},
    {"linux.resources.memory.disableOOMKiller", BOOL},
    {"linux.resources.memory.useHierarchy", BOOL},
    {"linux.resources.memory.checkBeforeUpdate", BOOL},
    {"linux.resources.cpu", OBJ},
    {"linux.resources.cpu.shares", U64},
    {"linux.resources.cpu.quota", I64},
    {"linux.resources.cpu.burst", U64},
    {"linux.resources.cpu.period", U64},
    {"linux.resources.cpu.realtimeRuntime", I64},
    {"linux.resources.cpu.realtimePeriod", U64},
    {"linux.resources.cpu.cpus", STR},
    {"linux.resources.cpu.mems", STR},
    {"linux.resources.cpu.idle", I64},
    {"linux.resources.pids", OBJ},
    {"linux.resources.pids.limit", I64},
    {"linux.resources.blockIO", OBJ},
    {"linux.resources.blockIO.weight", U16},
    {"linux.resources.blockIO.leafWeight", U16},
    {"linux.resources.blockIO.weightDevice", ARR},
    {"linux.resources.blockIO.weightDevice[]", OBJ},
    {"linux.resources.blockIO.weightDevice[].major", I64},
    {"linux.resources.blockIO.weightDevice[].minor", I64},
    {"linux.resources.blockIO.weightDevice[].weight", U16},
    {"linux.resources.blockIO.weightDevice[].leafWeight", U16},
    {"linux.resources.blockIO.throttleReadBpsDevice", ARR},
    {"linux.resources.blockIO.throttleReadBpsDevice[]", OBJ},
    {"linux.resources.blockIO.throttleReadBpsDevice[].major", I64},
    {"linux.resources.blockIO.throttleReadBpsDevice[].minor", I64},
    {"linux.resources.blockIO.throttleReadBpsDevice[].rate", U64},
    {"linux.resources.blockIO.throttleWriteBpsDevice", ARR},
    {"linux.resources.blockIO.throttleWriteBpsDevice[]", OBJ},
    {"linux.resources.blockIO.throttleWriteBpsDevice[].major", I64},
    {"linux.resources.blockIO.throttleWriteBpsDevice[].minor", I64},
    {"linux.resources.blockIO.throttleWriteBpsDevice[].rate", U64},
    {"linux.resources.blockIO.throttleReadIOPSDevice", ARR},
    {"linux.resources.blockIO.throttleReadIOPSDevice[]", OBJ},
    {"linux.resources.blockIO.throttleReadIOPSDevice[].major", I64},
    {"linux.resources.blockIO.throttleReadIOPSDevice[].minor", I64},
    {"linux.resources.blockIO.throttleReadIOPSDevice[].rate", U64},
    {"linux.resources.blockIO.throttleWriteIOPSDevice", ARR},
    {"linux.resources.blockIO.throttleWriteIOPSDevice[]", OBJ},
    {"linux.resources.blockIO.throttleWriteIOPSDevice[].major", I64},
    {"linux.resources.blockIO.throttleWriteIOPSDevice[].minor", I64},
    {"linux.resources.blockIO.throttleWriteIOPSDevice[].rate", U64},
    {"linux.resources.hugepageLimits", ARR},
    {"linux.resources.hugepageLimits[]", OBJ},
    {"linux.resources.hugepageLimits[].pageSize", STR},
    {"linux.resources.hugepageLimits[].limit", U64},
    {"linux.resources.network", OBJ},
    {"linux.resources.network.classID", U32},
    {"linux.resources.network.priorities", ARR},
    {"linux.resources.network.priorities[]", OBJ},
    {"linux.resources.network.priorities[].name", STR},
    {"linux.resources.network.priorities[].priority", U32},
    {"linux.resources.rdma", OBJ},
    {"linux.resources.unified", OBJ},
    {"linux.resources.unified.*", STR},
    {"linux.intelRdt", OBJ},
    {"linux.sysctl", OBJ},
    {"linux.sysctl.*", STR},
    {"linux.seccomp", OBJ},
    {"linux.seccomp.defaultAction", STR},
    {"linux.seccomp.defaultErrnoRet", U32},
    {"linux.seccomp.flags", ARR},
    {"linux.seccomp.flags[]", STR},
    {"linux.seccomp.listenerPath", STR},
    {"linux.seccomp.listenerMetadata", STR},
    {"linux.seccomp.architectures", ARR},
    {"linux.seccomp.architectures[]", STR},
    {"linux.seccomp.syscalls", ARR},
    {"linux.seccomp.syscalls[]", OBJ},
    {"linux.seccomp.syscalls[].names", ARR},
    {"linux.seccomp.syscalls[].names[]", STR},
    {"linux.seccomp.syscalls[].action", STR},
    {"linux.seccomp.syscalls[].errnoRet", U32},
    {"linux.seccomp.syscalls[].args", ARR},
    {"linux.seccomp.syscalls[].args[]", OBJ},
    {"linux.seccomp.syscalls[].args[].index", U32},
    {"linux.seccomp.syscalls[].args[].value", U64},
    {"linux.seccomp.syscalls[].args[].valueTwo", U64},
    {"linux.seccomp.syscalls[].args[].op", STR},
    {"linux.rootfsPropagation", STR},
    {"linux.maskedPaths", ARR},
    {"linux.maskedPaths[]", STR},
    {"linux.readonlyPaths", ARR},
    {"linux.readonlyPaths[]", STR},
    {"linux.mountLabel", STR},
    {"linux.personality", OBJ},
    {"linux.personality.domain", STR},
    {"linux.personality.flags", ARR},
    {"linux.personality.flags[]", STR},
};

static const char *kind_name(enum kind k)
{
	static const char *const names[] = {
	    [OBJ] = "an object",
	    [ARR] = "an array",
	    [STR] = "a string",
	    [BOOL] = "true or false",
	    [I32] = "a 32-bit integer",
	    [I64] = "a 64-bit integer",
	    [U16] = "an unsigned 16-bit integer",
	    [U32] = "an unsigned 32-bit integer",
	    [U64] = "an unsigned 64-bit integer",
	};
	return names[k];
}

/* What v is, as the message says it; an integer of the wrong range, when one was wanted. */
static const char *json_kind(const json_t *v, enum kind wanted)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return wanted >= I32 ? "an integer out of range" : "an integer";
	case JSON_REAL:
		return "a number with a fraction";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

static int fits(const json_t *v, enum kind k)
{
	json_int_t n;

	switch (k) {
	case OBJ:
		return json_is_object(v);
	case ARR:
		return json_is_array(v);
	case STR:
		return json_is_string(v);
	case BOOL:
		return json_is_boolean(v);
	default:
		break;
	}
	/* jansson keeps integers as long long: 2^64 - 1 is read as -1 (oci_json_load), other
	 * values above INT64_MAX do not parse (Go would take them) */
	if (!json_is_integer(v))
		return 0;
	n = json_integer_value(v);
	switch (k) {
	case I32:
		return n >= INT32_MIN && n <= INT32_MAX;
	case U16:
		return n >= 0 && n <= UINT16_MAX;
	case U32:
		return n >= 0 && n <= (json_int_t)UINT32_MAX;
	case U64:
		return n >= -1;
	default:
		return 1; /* I64 */
	}
}

static const struct member *lookup(const struct member *table, size_t n, const char *pattern)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(table[i].pattern, pattern))
			return &table[i];
	return NULL;
}

struct walk {
	const struct member *table;
	size_t n;
	const char *prefix; /* what the message puts before the path: "config.json: " */
	struct zone_error *e;
};

/* v at path (as the message shows it: mounts[3].options) and pattern (mounts[].options):
 * its own kind if the schema has it, then its members'. */
static int walk(const struct walk *w, json_t *v, const char *path, const char *pattern)
{
	char p[512], q[512];
	const struct member *m;

	if (json_is_null(v))
		return 0; /* Go: left out */
	if (*pattern) {
		if (!(m = lookup(w->table, w->n, pattern)))
			return 0; /* not the spec's: the parsers warn */
		if (!fits(v, m->kind))
			return oci_fail(w->e, "%s%s must be %s, not %s", w->prefix,
					*path ? path : pattern, kind_name(m->kind),
					json_kind(v, m->kind));
	}
	if (json_is_array(v)) {
		size_t i;
		json_t *x;

		json_array_foreach(v, i, x)
		{
			snprintf(p, sizeof(p), "%s[%zu]", path, i);
			snprintf(q, sizeof(q), "%s[]", pattern);
			if (walk(w, x, p, q) < 0)
				return -1;
		}
	} else if (json_is_object(v)) {
		const char *k;
		json_t *x;

		json_object_foreach(v, k, x)
		{
			snprintf(p, sizeof(p), "%s%s%s", path, *path ? "." : "", k);
			snprintf(q, sizeof(q), "%s%s%s", pattern, *pattern ? "." : "", k);
			/* the six hook kinds share one shape: hooks.KIND in the table */
			if (!strcmp(pattern, "hooks") && oci_is_hook_kind(k))
				snprintf(q, sizeof(q), "hooks.KIND");
			else if (!lookup(w->table, w->n, q))
				snprintf(q, sizeof(q), "%s%s*", pattern, *pattern ? "." : "");
			if (walk(w, x, p, q) < 0)
				return -1;
		}
	}
	return 0;
}

/* Every member whose value is null removed, in objects at any depth (an array's null elements
 * stay: Go decodes them as the element's zero value, which the parsers refuse or take). */
static void drop_nulls(json_t *v)
{
	const char *k;
	json_t *x;
	void *it;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach_safe(v, it, k, x)
		{
			if (json_is_null(x))
				json_object_del(v, k);
			else
				drop_nulls(x);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x) drop_nulls(x);
	}
}

int oci_schema_check(json_t *v, const char *pattern, const char *prefix, struct zone_error *e)
{
	const struct walk w = {schema, sizeof(schema) / sizeof(schema[0]), prefix, e};

	if (walk(&w, v, "", pattern) < 0)
		return -1;
	drop_nulls(v);
	return 0;
}

/*
 * Go writes uint64(-1) as 18446744073709551615: podman's `--ulimit core=-1` is an rlimit of
 * RLIM_INFINITY, and a seccomp mask can be all ones.  jansson holds integers as long long and
 * refuses the literal ("too big integer"), so it is read as -1, whose uint64 it is: the
 * literal (outside strings, a whole number token) becomes "-1" and spaces, which keeps every
 * other line and column where the parser's messages put them.
 */
#define U64_MAX_TEXT "18446744073709551615"

static void u64_max_as_minus_one(char *s, size_t n)
{
	const size_t k = sizeof(U64_MAX_TEXT) - 1;
	int in_str = 0;

	for (size_t i = 0; i < n; i++) {
		if (in_str) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				in_str = 0;
		} else if (s[i] == '"') {
			in_str = 1;
		} else if (s[i] >= '0' && s[i] <= '9' &&
			   (i == 0 || !strchr("-.0123456789eE+", s[i - 1])) && n - i >= k &&
			   !memcmp(s + i, U64_MAX_TEXT, k) &&
			   (i + k == n || !strchr(".0123456789eE", s[i + k]))) {
			memcpy(s + i, "-1", 2);
			memset(s + i + 2, ' ', k - 2);
			i += k - 1;
		}
	}
}

json_t *oci_json_load(FILE *f, size_t flags, json_error_t *je)
{
	size_t len = 0, cap = 0;
	char *buf = NULL;
	json_t *j;

	for (;;) {
		if (cap - len < 4096) {
			char *nb = cap < (64u << 20) ? realloc(buf, cap ? cap * 2 : 65536) : NULL;

			if (!nb) {
				free(buf);
				snprintf(je->text, sizeof(je->text), "%s",
					 cap ? "larger than 64 MiB" : strerror(ENOMEM));
				je->line = je->column = -1;
				return NULL;
			}
			buf = nb;
			cap = cap ? cap * 2 : 65536;
		}
		size_t r = fread(buf + len, 1, cap - len, f);

		len += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		snprintf(je->text, sizeof(je->text), "read: %s", strerror(errno));
		je->line = je->column = -1;
		return NULL;
	}
	u64_max_as_minus_one(buf, len);
	j = json_loadb(buf, len, flags, je);
	free(buf);
	return j;
}

json_t *oci_json_load_file(const char *path, size_t flags, json_error_t *je)
{
	FILE *f = fopen(path, "re");
	json_t *j;

	if (!f) {
		snprintf(je->text, sizeof(je->text), "%s", strerror(errno));
		je->line = je->column = -1;
		return NULL;
	}
	j = oci_json_load(f, flags, je);
	fclose(f);
	return j;
}
