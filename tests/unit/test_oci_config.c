/*
 * lxzone-oci's config.json parsing (cli/oci_config.c, cli/oci_linux.c), seccomp profiles
 * (cli/oci_seccomp.c) and container ids (cli/oci_state.c): what is taken, and each refusal's
 * words.  Pure: a bundle in a temporary directory, nothing run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cli/oci.h"
#include "cli/oci_container.h"

#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static char bundle[256];

static json_t *base(void)
{
	return json_pack("{s:s, s:{s:s}, s:{s:[s, s], s:[s], s:s, s:{s:[s, s]}, "
			 "s:[{s:s, s:i, s:i}]}, s:[{s:s, s:s, s:s}, {s:s, s:s, s:s, s:[s, s]}, "
			 "{s:s, s:s, s:s, s:[s, s, s]}], s:{s:[{s:s}, {s:s}]}}",
			 "ociVersion", "1.0.2", "root", "path", "rootfs", "process", "args", "sh",
			 "-c", "env", "PATH=/bin", "cwd", "/", "capabilities", "bounding",
			 "CAP_KILL", "CAP_CHOWN", "rlimits", "type", "RLIMIT_NOFILE", "hard", 100,
			 "soft", 50, "mounts", "destination", "/proc", "type", "proc", "source",
			 "proc", "destination", "/data", "type", "bind", "source", "data",
			 "options", "rbind", "ro", "destination", "/scratch", "type", "tmpfs",
			 "source", "tmpfs", "options", "nosuid", "size=1m", "mode=700", "linux",
			 "namespaces", "type", "pid", "type", "mount");
}

/* Write doc as the bundle's config.json and load it; the return of oci_config_load. */
static int load(json_t *doc, struct oci_config *c, struct zone_error *e)
{
	char path[300];

	snprintf(path, sizeof(path), "%s/config.json", bundle);
	assert_int_equal(json_dump_file(doc, path, 0), 0);
	json_decref(doc);
	memset(e, 0, sizeof(*e));
	return oci_config_load(bundle, c, e);
}

/* Load doc and expect a refusal containing want. */
static void refused(json_t *doc, const char *want)
{
	struct oci_config c;
	struct zone_error e;

	assert_int_equal(load(doc, &c, &e), -1);
	if (!strstr(e.msg, want))
		fail_msg("error \"%s\" does not say \"%s\"", e.msg, want);
	oci_config_free(&c);
}

static json_t *linux_of(json_t *doc);

/* doc with a user namespace and the maps given as [[containerID, hostID, size], ...]. */
static json_t *userns_doc(json_t *doc, const char *uids, const char *gids)
{
	const char *text[2] = {uids, gids}, *key[2] = {"uidMappings", "gidMappings"};

	json_array_append_new(json_object_get(linux_of(doc), "namespaces"),
			      json_pack("{s:s}", "type", "user"));
	for (int k = 0; k < 2; k++) {
		json_t *in = json_loads(text[k], 0, NULL), *out = json_array(), *r;
		size_t i;

		assert_non_null(in);
		json_array_foreach(in, i, r) json_array_append_new(
		    out, json_pack("{s:O, s:O, s:O}", "containerID", json_array_get(r, 0), "hostID",
				   json_array_get(r, 1), "size", json_array_get(r, 2)));
		json_decref(in);
		json_object_set_new(linux_of(doc), key[k], out);
	}
	return doc;
}

static json_t *linux_of(json_t *doc)
{
	return json_object_get(doc, "linux");
}

static int setup(void **state)
{
	char root[300];

	(void)state;
	snprintf(bundle, sizeof(bundle), "%s/test-oci-XXXXXX", getenv("TMPDIR") ?: "/tmp");
	assert_non_null(mkdtemp(bundle));
	snprintf(root, sizeof(root), "%s/rootfs", bundle);
	assert_int_equal(mkdir(root, 0755), 0);
	oci_g.log = NULL;
	return 0;
}

static int teardown(void **state)
{
	char cmd[400];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", bundle);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_good(void **state)
{
	struct oci_config c;
	struct zone_error e;
	char want[PATH_MAX + 8];

	(void)state;
	assert_int_equal(load(base(), &c, &e), 0);
	assert_string_equal(c.args[0], "sh");
	assert_null(c.args[2]);
	assert_string_equal(c.env[0], "PATH=/bin");
	assert_int_equal(c.caps, (UINT64_C(1) << 5) | (UINT64_C(1) << 0)); /* KILL, CHOWN */
	assert_int_equal(c.nrlimits, 1);
	assert_int_equal(c.rlimits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(c.rlimits[0].soft, 50);
	/* proc is the plan's own: only the bind and the tmpfs are kept */
	assert_int_equal(c.nmounts, 2);
	assert_true(c.mounts[0].bind);
	assert_true(c.mounts[0].flags & MS_RDONLY);
	snprintf(want, sizeof(want), "%s/data", c.bundle);
	assert_string_equal(c.mounts[0].source_abs, want);
	assert_string_equal(c.mounts[1].type, "tmpfs");
	assert_true(c.mounts[1].flags & MS_NOSUID);
	assert_string_equal(c.mounts[1].data, "size=1m,mode=700");
	assert_false(c.new_net);
	assert_null(c.netns_path);
	assert_int_equal(c.memory, UINT64_MAX);
	oci_config_free(&c);
}

/* inheritable and ambient: kept within the bounding set, ambient within inheritable */
static void test_caps_sets(void **state)
{
	struct oci_config c;
	struct zone_error e;
	json_t *doc = base(), *caps;

	(void)state;
	caps = json_object_get(json_object_get(doc, "process"), "capabilities");
	json_object_set_new(caps, "inheritable", json_pack("[s, s]", "CAP_KILL", "CAP_SYS_ADMIN"));
	json_object_set_new(caps, "ambient", json_pack("[s, s]", "CAP_KILL", "CAP_CHOWN"));
	assert_int_equal(load(doc, &c, &e), 0);
	assert_int_equal(c.caps, (UINT64_C(1) << 5) | (UINT64_C(1) << 0));
	assert_int_equal(c.caps_inh, UINT64_C(1) << 5); /* SYS_ADMIN: not in bounding */
	assert_int_equal(c.caps_amb, UINT64_C(1) << 5); /* CHOWN: not inheritable */
	oci_config_free(&c);
	doc = base();
	caps = json_object_get(json_object_get(doc, "process"), "capabilities");
	json_object_set_new(caps, "ambient", json_pack("[s]", "CAP_BOGUS"));
	refused(doc, "unknown capability CAP_BOGUS");
}

/* linux.resources.network is not applied: refused, never silently dropped */
static void test_network_refused(void **state)
{
	json_t *doc = base();

	(void)state;
	json_object_set_new(linux_of(doc), "resources",
			    json_pack("{s:{s:i}}", "network", "classID", 1048577));
	refused(doc, "linux.resources.network (classID, priorities) is not supported");
}

static void test_resources(void **state)
{
	struct oci_config c;
	struct zone_error e;
	json_t *doc = base();

	(void)state;
	json_object_set_new(linux_of(doc), "resources",
			    json_pack("{s:{s:I, s:I}, s:{s:I, s:I, s:s}, s:{s:i}}", "memory",
				      "limit", (json_int_t)64 << 20, "swap", (json_int_t)96 << 20,
				      "cpu", "quota", (json_int_t)50000, "period",
				      (json_int_t)100000, "cpus", "0", "pids", "limit", 10));
	assert_int_equal(load(doc, &c, &e), 0);
	assert_int_equal(c.memory, 64 << 20);
	assert_int_equal(c.swap, 32 << 20); /* OCI's swap is memory+swap */
	assert_int_equal(c.millicpus, 500);
	assert_string_equal(c.cpuset_cpus, "0");
	assert_int_equal(c.pids, 10);
	oci_config_free(&c);
	/* a quota the kernel refuses (above 2^44 - 1 us) is refused here: times 1000 it once
	 * overflowed (UBSan), and the container got a thousandth of a CPU */
	doc = base();
	json_object_set_new(linux_of(doc), "resources",
			    json_pack("{s:{s:I}}", "cpu", "quota", (json_int_t)INT64_MAX));
	refused(doc, "linux.resources.cpu.quota 9223372036854775807: above the kernel's limit");
	doc = base();
	json_object_set_new(linux_of(doc), "resources",
			    json_pack("{s:{s:I, s:I}}", "cpu", "quota", ((json_int_t)1 << 44) - 1,
				      "period", (json_int_t)1000));
	assert_int_equal(load(doc, &c, &e), 0);
	assert_int_equal(c.millicpus, (UINT64_C(1) << 44) - 1); /* quota * 1000 / period */
	oci_config_free(&c);
}

static void test_malformed(void **state)
{
	struct oci_config c;
	struct zone_error e;
	char path[300];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"ociVersion\": \"1.0.0\", \"root\": ", f);
	fclose(f);
	assert_int_equal(oci_config_load(bundle, &c, &e), -1);
	assert_non_null(strstr(e.msg, "config.json: line 1"));
	oci_config_free(&c);
	unlink(path);
	assert_int_equal(oci_config_load(bundle, &c, &e), -1);
	assert_string_equal(e.msg, "JSON specification file config.json not found");
	oci_config_free(&c);
}

/* null is the member left out, as Go decodes it into runc's structs: taken, with the default */
static void test_nulls(void **state)
{
	struct oci_config c;
	struct zone_error e;
	json_t *doc = base();

	(void)state;
	json_object_set_new(json_object_get(doc, "process"), "oomScoreAdj", json_null());
	json_object_set_new(json_object_get(doc, "process"), "user", json_null());
	json_object_set_new(doc, "hostname", json_null());
	json_object_set_new(linux_of(doc), "resources",
			    json_pack("{s:{s:n}, s:{s:n, s:I}}", "blockIO", "weight", "cpu",
				      "shares", "quota", (json_int_t)50000));
	if (load(doc, &c, &e) != 0)
		fail_msg("nulls refused: %s", e.msg);
	assert_int_equal(c.has_oom, 0);
	assert_null(c.hostname);
	assert_int_equal(c.millicpus, 500);
	oci_config_free(&c);
}

static void test_process_refusals(void **state)
{
	json_t *doc;

	(void)state;
	doc = base();
	json_object_set_new(json_object_get(doc, "process"), "args", json_array());
	refused(doc, "args must not be empty");
	doc = base();
	json_object_set_new(json_object_get(doc, "process"), "cwd", json_string("tmp"));
	refused(doc, "must be absolute");
	doc = base();
	json_object_set_new(json_object_get(doc, "process"), "user",
			    json_pack("{s:i, s:i, s:i}", "uid", 0, "gid", 0, "umask", 01000));
	refused(doc, "umask must be an integer from 0 to 0777");
	doc = base();
	json_object_set_new(json_object_get(doc, "process"), "user",
			    json_pack("{s:i, s:i, s:s}", "uid", 0, "gid", 0, "umask", "022"));
	refused(doc,
		"config.json: process.user.umask must be an unsigned 32-bit integer, not a string");
	doc = base();
	json_array_append_new(
	    json_object_get(json_object_get(json_object_get(doc, "process"), "capabilities"),
			    "bounding"),
	    json_string("CAP_FLY"));
	refused(doc, "unknown capability CAP_FLY");
	doc = base();
	json_object_set_new(
	    json_array_get(json_object_get(json_object_get(doc, "process"), "rlimits"), 0), "type",
	    json_string("RLIMIT_WINGS"));
	refused(doc, "rlimit type RLIMIT_WINGS is unknown");
	doc = base();
	json_object_del(doc, "root");
	refused(doc, "root.path is required");
}

static void test_namespaces(void **state)
{
	struct oci_config c;
	struct zone_error e;
	json_t *doc, *ns;

	(void)state;
	doc = base();
	json_array_append_new(json_object_get(linux_of(doc), "namespaces"),
			      json_pack("{s:s}", "type", "bogus"));
	refused(doc, "namespace bogus does not exist");
	/* a pid namespace by path is joined (shareProcessNamespace), not with a user one */
	doc = base();
	json_array_append_new(json_object_get(linux_of(doc), "namespaces"),
			      json_pack("{s:s, s:s}", "type", "pid", "path", "/proc/1/ns/pid"));
	assert_int_equal(load(doc, &c, &e), 0);
	assert_string_equal(c.pid_path, "/proc/1/ns/pid");
	oci_config_free(&c);
	doc = base();
	json_array_append_new(json_object_get(linux_of(doc), "namespaces"),
			      json_pack("{s:s, s:s}", "type", "pid", "path", "/proc/1/ns/pid"));
	json_array_append_new(json_object_get(linux_of(doc), "namespaces"),
			      json_pack("{s:s}", "type", "user"));
	json_object_set_new(
	    linux_of(doc), "uidMappings",
	    json_pack("[{s:i, s:i, s:i}]", "containerID", 0, "hostID", 100000, "size", 65536));
	json_object_set(linux_of(doc), "gidMappings",
			json_object_get(linux_of(doc), "uidMappings"));
	refused(doc, "joining a uts, ipc or pid namespace with a user namespace");
	/* a mount or cgroup namespace by path is joined (the root is built in the one, PID 1's
	 * cgroup seen from the other's root), neither with a user namespace of its own */
	doc = base();
	json_array_append_new(json_object_get(linux_of(doc), "namespaces"),
			      json_pack("{s:s, s:s}", "type", "mount", "path", "/proc/7/ns/mnt"));
	assert_int_equal(load(doc, &c, &e), 0);
	assert_string_equal(c.mnt_path, "/proc/7/ns/mnt");
	oci_config_free(&c);
	doc = userns_doc(base(), "[[0, 100000, 65536]]", "[[0, 100000, 65536]]");
	json_array_append_new(json_object_get(linux_of(doc), "namespaces"),
			      json_pack("{s:s, s:s}", "type", "mount", "path", "/proc/7/ns/mnt"));
	refused(doc, "joining a mount namespace (/proc/7/ns/mnt) with a user namespace");
	doc = base();
	json_array_append_new(
	    json_object_get(linux_of(doc), "namespaces"),
	    json_pack("{s:s, s:s}", "type", "cgroup", "path", "/proc/7/ns/cgroup"));
	assert_int_equal(load(doc, &c, &e), 0);
	assert_string_equal(c.cgroupns_path, "/proc/7/ns/cgroup");
	assert_null(c.mnt_path);
	oci_config_free(&c);
	doc = userns_doc(base(), "[[0, 100000, 65536]]", "[[0, 100000, 65536]]");
	json_array_append_new(
	    json_object_get(linux_of(doc), "namespaces"),
	    json_pack("{s:s, s:s}", "type", "cgroup", "path", "/proc/7/ns/cgroup"));
	/* with a user namespace of the container's own: joined before it, as runc's nsexec */
	assert_int_equal(load(doc, &c, &e), 0);
	assert_string_equal(c.cgroupns_path, "/proc/7/ns/cgroup");
	assert_true(c.userns);
	assert_null(c.userns_path);
	oci_config_free(&c);
	/* with a pod's user namespace, joined: the pod's cgroup namespace with it */
	doc = base();
	json_array_append_new(json_object_get(linux_of(doc), "namespaces"),
			      json_pack("{s:s, s:s}", "type", "user", "path", "/proc/7/ns/user"));
	json_array_append_new(
	    json_object_get(linux_of(doc), "namespaces"),
	    json_pack("{s:s, s:s}", "type", "cgroup", "path", "/proc/7/ns/cgroup"));
	assert_int_equal(load(doc, &c, &e), 0);
	assert_string_equal(c.cgroupns_path, "/proc/7/ns/cgroup");
	assert_string_equal(c.userns_path, "/proc/7/ns/user");
	oci_config_free(&c);
	/* an empty path is none (runc's Go string): a namespace of the container's own */
	doc = base();
	json_array_append_new(json_object_get(linux_of(doc), "namespaces"),
			      json_pack("{s:s, s:s}", "type", "network", "path", ""));
	json_array_append_new(json_object_get(linux_of(doc), "namespaces"),
			      json_pack("{s:s, s:s}", "type", "pid", "path", ""));
	assert_int_equal(load(doc, &c, &e), 0);
	assert_true(c.new_net);
	assert_null(c.netns_path);
	assert_null(c.pid_path);
	oci_config_free(&c);
	/* a user namespace by path (a pod's): joined, with the sandbox's uts, ipc and pid
	 * namespaces too; its maps are the kernel's, the config's optional (compared once it
	 * is open); a mount path still refused with it */
	doc = base();
	json_array_append_new(json_object_get(linux_of(doc), "namespaces"),
			      json_pack("{s:s, s:s}", "type", "user", "path", "/proc/7/ns/user"));
	json_array_append_new(json_object_get(linux_of(doc), "namespaces"),
			      json_pack("{s:s, s:s}", "type", "pid", "path", "/proc/7/ns/pid"));
	json_array_append_new(json_object_get(linux_of(doc), "namespaces"),
			      json_pack("{s:s, s:s}", "type", "uts", "path", "/proc/7/ns/uts"));
	assert_int_equal(load(doc, &c, &e), 0);
	assert_true(c.userns);
	assert_string_equal(c.userns_path, "/proc/7/ns/user");
	assert_string_equal(c.pid_path, "/proc/7/ns/pid");
	assert_null(c.uid_map);
	assert_null(c.gid_map);
	oci_config_free(&c);
	doc = userns_doc(base(), "[[0, 100000, 65536]]", "[[0, 100000, 65536]]");
	ns = json_object_get(linux_of(doc), "namespaces");
	json_object_set_new(json_array_get(ns, json_array_size(ns) - 1), "path",
			    json_string("/proc/7/ns/user"));
	assert_int_equal(load(doc, &c, &e), 0);
	assert_string_equal(c.userns_path, "/proc/7/ns/user");
	assert_string_equal(c.uid_map, "0 100000 65536\n");
	oci_config_free(&c);
	doc = base();
	json_array_append_new(json_object_get(linux_of(doc), "namespaces"),
			      json_pack("{s:s, s:s}", "type", "user", "path", "/proc/7/ns/user"));
	json_object_set_new(
	    linux_of(doc), "uidMappings",
	    json_pack("[{s:i, s:i, s:i}]", "containerID", 0, "hostID", 100000, "size", 65536));
	refused(doc, "user namespaces enabled, but no gid mappings found");
	doc = base();
	json_array_append_new(json_object_get(linux_of(doc), "namespaces"),
			      json_pack("{s:s, s:s}", "type", "user", "path", "/proc/7/ns/user"));
	json_array_append_new(json_object_get(linux_of(doc), "namespaces"),
			      json_pack("{s:s, s:s}", "type", "mount", "path", "/proc/7/ns/mnt"));
	refused(doc, "joining a mount namespace (/proc/7/ns/mnt) with a user namespace");
	doc = base();
	json_array_append_new(json_object_get(linux_of(doc), "namespaces"),
			      json_pack("{s:s}", "type", "network"));
	userns_doc(doc, "[[0, 100000, 65536]]", "[[0, 100000, 65536]]");
	assert_int_equal(load(doc, &c, &e), 0);
	assert_true(c.userns);
	assert_true(c.new_net);
	assert_string_equal(c.uid_map, "0 100000 65536\n");
	assert_string_equal(c.gid_map, "0 100000 65536\n");
	assert_int_equal(c.root_uid, 100000);
	assert_int_equal(c.root_gid, 100000);
	oci_config_free(&c);
	/* several ranges, uid and gid maps apart (runtime-tools' linux_uid_mappings) */
	doc = userns_doc(base(), "[[1, 5000, 10], [0, 1000, 1]]", "[[0, 1000, 3000]]");
	assert_int_equal(load(doc, &c, &e), 0);
	assert_string_equal(c.uid_map, "1 5000 10\n0 1000 1\n");
	assert_string_equal(c.gid_map, "0 1000 3000\n");
	assert_int_equal(c.root_uid, 1000);
	assert_int_equal(c.root_gid, 1000);
	oci_config_free(&c);
	/* what the kernel would refuse, refused before anything is made */
	refused(userns_doc(base(), "[]", "[[0, 1000, 1]]"), "no uid mappings found");
	refused(userns_doc(base(), "[[0, 1000, 10]]", "[[0, 1000, 10], [5, 2000, 10]]"),
		"gid mappings 0 and 1 overlap");
	refused(userns_doc(base(), "[[0, 1000, 10], [10, 1005, 10]]", "[[0, 1000, 10]]"),
		"uid mappings 0 and 1 overlap");
	refused(userns_doc(base(), "[[0, 1000, 0]]", "[[0, 1000, 10]]"), "is empty");
	refused(userns_doc(base(), "[[0, 4294967000, 1000]]", "[[0, 1000, 10]]"),
		"goes past 4294967294");
	refused(
	    userns_doc(base(), "[[0, -1, 10]]", "[[0, 1000, 10]]"),
	    "config.json: linux.uidMappings[0].hostID must be an unsigned 32-bit integer, not an "
	    "integer out of range");
	refused(userns_doc(base(), "[[1, 1000, 10]]", "[[0, 1000, 10]]"),
		"the container's uid 0 is not mapped");
	json_t *many = json_array();
	for (int i = 0; i < 341; i++)
		json_array_append_new(many, json_pack("[i, i, i]", i, 1000 + i, 1));
	char *text = json_dumps(many, JSON_COMPACT);
	json_decref(many);
	refused(userns_doc(base(), text, "[[0, 1000, 10]]"), "341 uid mappings");
	free(text);
	/* 340 ranges of long numbers pass the kernel's line count, not its page */
	many = json_array();
	for (int i = 0; i < 340; i++)
		json_array_append_new(many, json_pack("[I, I, i]", (json_int_t)1000000000 + i,
						      (json_int_t)3000000000LL + i, 1));
	json_array_append_new(many, json_pack("[i, i, i]", 0, 2000, 1));
	json_array_remove(many, 0);
	text = json_dumps(many, JSON_COMPACT);
	json_decref(many);
	refused(userns_doc(base(), text, "[[0, 1000, 10]]"), "longer than the kernel's 4095");
	free(text);
}

/* doc with a time namespace (path NULL: a new one) and timeOffsets as JSON text (NULL: none). */
static json_t *timens_doc(const char *path, const char *offsets)
{
	json_t *doc = base();

	json_array_append_new(json_object_get(linux_of(doc), "namespaces"),
			      path ? json_pack("{s:s, s:s}", "type", "time", "path", path)
				   : json_pack("{s:s}", "type", "time"));
	if (offsets)
		json_object_set_new(linux_of(doc), "timeOffsets", json_loads(offsets, 0, NULL));
	return doc;
}

/* linux.namespaces' time and linux.timeOffsets (config-linux.md), with runc's refusals */
static void test_time_namespace(void **state)
{
	struct oci_config c;
	struct zone_error e;
	json_t *doc;

	(void)state;
	/* none: nothing asked */
	assert_int_equal(load(base(), &c, &e), 0);
	assert_false(c.timens);
	oci_config_free(&c);
	/* a new one without offsets: both clocks left as the namespace copies them */
	assert_int_equal(load(timens_doc(NULL, NULL), &c, &e), 0);
	assert_true(c.timens);
	assert_null(c.timens_path);
	assert_false(c.time_offsets.monotonic.set);
	assert_false(c.time_offsets.boottime.set);
	oci_config_free(&c);
	/* both clocks, a negative one; a clock's missing member is 0 */
	assert_int_equal(load(timens_doc(NULL, "{\"monotonic\": {\"secs\": -7881, \"nanosecs\": "
					       "2718281}, \"boottime\": {\"secs\": 1337}}"),
			      &c, &e),
			 0);
	assert_true(c.time_offsets.monotonic.set);
	assert_int_equal(c.time_offsets.monotonic.secs, -7881);
	assert_int_equal(c.time_offsets.monotonic.nsecs, 2718281);
	assert_true(c.time_offsets.boottime.set);
	assert_int_equal(c.time_offsets.boottime.secs, 1337);
	assert_int_equal(c.time_offsets.boottime.nsecs, 0);
	oci_config_free(&c);
	/* one clock only */
	assert_int_equal(load(timens_doc(NULL, "{\"boottime\": {\"secs\": 604800}}"), &c, &e), 0);
	assert_false(c.time_offsets.monotonic.set);
	assert_int_equal(c.time_offsets.boottime.secs, 604800);
	oci_config_free(&c);
	/* joined by path */
	assert_int_equal(load(timens_doc("/proc/7/ns/time", NULL), &c, &e), 0);
	assert_true(c.timens);
	assert_string_equal(c.timens_path, "/proc/7/ns/time");
	oci_config_free(&c);
	/* with a user namespace of the container's own, new or joined */
	assert_int_equal(load(userns_doc(timens_doc(NULL, "{\"monotonic\": {\"secs\": 5}}"),
					 "[[0, 100000, 65536]]", "[[0, 100000, 65536]]"),
			      &c, &e),
			 0);
	assert_true(c.userns);
	assert_true(c.timens);
	assert_int_equal(c.time_offsets.monotonic.secs, 5);
	oci_config_free(&c);
	assert_int_equal(load(userns_doc(timens_doc("/proc/7/ns/time", NULL),
					 "[[0, 100000, 65536]]", "[[0, 100000, 65536]]"),
			      &c, &e),
			 0);
	assert_string_equal(c.timens_path, "/proc/7/ns/time");
	oci_config_free(&c);
	/* runc's refusals, in its words */
	doc = base();
	json_object_set_new(linux_of(doc), "timeOffsets",
			    json_pack("{s:{s:i}}", "boottime", "secs", 1));
	refused(doc, "time namespace offsets specified, but time namespace isn't enabled in the "
		     "config");
	doc = base(); /* an empty object is offsets given, as Go's decoding makes it */
	json_object_set_new(linux_of(doc), "timeOffsets", json_object());
	refused(doc, "time namespace offsets specified, but time namespace isn't enabled");
	refused(timens_doc("/proc/7/ns/time", "{\"monotonic\": {\"secs\": 1}}"),
		"time namespace enabled, but both namespace path and time offsets specified -- you "
		"may only provide one");
	/* what the kernel would refuse at the write */
	refused(timens_doc(NULL, "{\"realtime\": {\"secs\": 1}}"),
		"linux.timeOffsets: clock \"realtime\": only monotonic and boottime");
	refused(timens_doc(NULL, "{\"boottime\": {\"secs\": 1, \"nanosecs\": 1000000000}}"),
		"linux.timeOffsets.boottime.nanosecs 1000000000: must be below 1000000000");
	refused(timens_doc(NULL, "{\"monotonic\": {\"secs\": 4611686019}}"),
		"linux.timeOffsets.monotonic.secs 4611686019: out of the kernel's range");
	refused(timens_doc(NULL, "{\"monotonic\": {\"secs\": -4611686019}}"),
		"linux.timeOffsets.monotonic.secs -4611686019: out of the kernel's range");
	assert_int_equal(load(timens_doc(NULL, "{\"monotonic\": {\"secs\": -4611686018, "
					       "\"nanosecs\": 999999999}}"),
			      &c, &e),
			 0);
	oci_config_free(&c);
	/* typed as the spec's int64 and uint32 (oci_schema.c) */
	refused(
	    timens_doc(NULL, "{\"boottime\": {\"secs\": \"5\"}}"),
	    "config.json: linux.timeOffsets.boottime.secs must be a 64-bit integer, not a string");
	refused(
	    timens_doc(NULL, "{\"boottime\": {\"nanosecs\": -1}}"),
	    "config.json: linux.timeOffsets.boottime.nanosecs must be an unsigned 32-bit integer");
	refused(timens_doc(NULL, "{\"boottime\": 5}"),
		"config.json: linux.timeOffsets.boottime must be an object");
}

static void test_sysctl(void **state)
{
	struct oci_config c;
	struct zone_error e;
	json_t *doc;

	(void)state;
	doc = base();
	json_object_set_new(linux_of(doc), "sysctl",
			    json_pack("{s:s}", "net.ipv4.ip_forward", "1"));
	refused(doc, "sysctl \"net.ipv4.ip_forward\" is not in a separate kernel namespace");
	doc = base();
	json_object_set_new(linux_of(doc), "sysctl",
			    json_pack("{s:s}", "kernel.core_pattern", "|/x"));
	refused(doc, "sysctl \"kernel.core_pattern\" is not in a separate kernel namespace");
	doc = base();
	json_array_append_new(json_object_get(linux_of(doc), "namespaces"),
			      json_pack("{s:s}", "type", "network"));
	json_object_set_new(linux_of(doc), "sysctl",
			    json_pack("{s:s, s:s}", "net.ipv4.ping_group_range", "0 0",
				      "net/ipv4/conf/eth0.100/forwarding", "1"));
	assert_int_equal(load(doc, &c, &e), 0);
	assert_int_equal(c.nsysctls, 2);
	for (size_t i = 0; i < 2; i++)
		assert_true(
		    !strcmp(c.sysctls[i].path, "/proc/sys/net/ipv4/ping_group_range") ||
		    !strcmp(c.sysctls[i].path, "/proc/sys/net/ipv4/conf/eth0.100/forwarding"));
	oci_config_free(&c);
}

/* base() with a tmpfs mount at dest, its options given as a JSON array. */
static json_t *tmpfs_doc(const char *dest, const char *options)
{
	json_t *doc = base(), *o = json_loads(options, 0, NULL);

	assert_non_null(o);
	json_array_append_new(json_object_get(doc, "mounts"),
			      json_pack("{s:s, s:s, s:s, s:o}", "destination", dest, "type",
					"tmpfs", "source", "tmpfs", "options", o));
	return doc;
}

/* runc's tmpcopyup: a flag of the mount, not tmpfs data. */
static void test_tmpcopyup(void **state)
{
	struct oci_config c;
	struct zone_error e;

	(void)state;
	assert_int_equal(
	    load(tmpfs_doc("/run", "[\"nosuid\", \"tmpcopyup\", \"size=1m\"]"), &c, &e), 0);
	assert_int_equal(c.nmounts, 3); /* /data and /scratch from base(), then /run */
	assert_string_equal(c.mounts[2].dest, "/run");
	assert_true(c.mounts[2].copyup);
	assert_string_equal(c.mounts[2].data, "size=1m");
	assert_false(c.mounts[1].copyup);
	oci_config_free(&c);
}

/* A bind with its own maps (runc 1.2's idmapped mounts): the kernel's map text, the top mount
 * unless ridmap; the options alone; refusals. */
static json_t *idmap_doc(const char *type, json_t *opts, json_t *um, json_t *gm)
{
	json_t *doc = base(), *m = json_pack("{s:s, s:s, s:s, s:o}", "destination", "/v", "type",
					     type, "source", "/srv/v", "options", opts);

	if (um)
		json_object_set_new(m, "uidMappings", um);
	if (gm)
		json_object_set_new(m, "gidMappings", gm);
	json_array_append_new(json_object_get(doc, "mounts"), m);
	return doc;
}

static json_t *one_map(int cid, int hid, int size)
{
	return json_pack("[{s:i, s:i, s:i}]", "containerID", cid, "hostID", hid, "size", size);
}

static void test_idmap_mounts(void **state)
{
	struct oci_config c;
	struct zone_error e;

	(void)state;
	assert_int_equal(load(idmap_doc("bind", json_pack("[s]", "rbind"), one_map(0, 1234, 10),
					one_map(5, 99, 1)),
			      &c, &e),
			 0);
	assert_int_equal(c.nmounts, 3);
	assert_string_equal(c.mounts[2].uid_map, "0 1234 10\n");
	assert_string_equal(c.mounts[2].gid_map, "5 99 1\n");
	assert_int_equal(c.mounts[2].idmap, LAUNCH_IDMAP_TOP);
	assert_null(c.mounts[1].uid_map); /* base()'s /data */
	assert_int_equal(c.mounts[1].idmap, LAUNCH_IDMAP_AUTO);
	oci_config_free(&c);
	assert_int_equal(load(idmap_doc("bind", json_pack("[s, s]", "rbind", "ridmap"),
					one_map(0, 1234, 10), one_map(0, 1234, 10)),
			      &c, &e),
			 0);
	assert_int_equal(c.mounts[2].idmap, LAUNCH_IDMAP_REC);
	oci_config_free(&c);
	assert_int_equal(load(idmap_doc("bind", json_pack("[s, s]", "bind", "idmap"), NULL, NULL),
			      &c, &e),
			 0);
	assert_int_equal(c.mounts[2].idmap, LAUNCH_IDMAP_TOP);
	assert_null(c.mounts[2].uid_map);
	assert_string_equal(c.mounts[2].data, ""); /* not file-system data */
	oci_config_free(&c);
	refused(idmap_doc("bind", json_pack("[s]", "rbind"), one_map(0, 1234, 10), NULL),
		"mount /v: uidMappings and gidMappings go together");
	refused(idmap_doc("tmpfs", json_pack("[]"), one_map(0, 1234, 10), one_map(0, 1234, 10)),
		"mount /v: uidMappings and gidMappings are for bind mounts");
	refused(idmap_doc("tmpfs", json_pack("[s]", "idmap"), NULL, NULL),
		"mount /v: idmap and ridmap are for bind mounts");
	refused(idmap_doc("bind", json_pack("[s]", "rbind"), one_map(0, 1234, 0), one_map(0, 1, 1)),
		"mount /v: uid mapping 0 (0 1234 0) is empty");
	refused(idmap_doc("bind", json_pack("[s]", "rbind"), one_map(0, 1, 1),
			  json_pack("[{s:i, s:i, s:i}, {s:i, s:i, s:i}]", "containerID", 0, "hostID",
				    10, "size", 5, "containerID", 3, "hostID", 20, "size", 1)),
		"mount /v: gid mappings 0 and 1 overlap");
}

/* The bundle's /dev/shm tmpfs: the plan makes it, with the bundle's size and noexec. */
static void test_shm(void **state)
{
	struct oci_config c;
	struct zone_error e;

	(void)state;
	assert_int_equal(
	    load(tmpfs_doc("/dev/shm", "[\"nosuid\", \"noexec\", \"mode=1777\", \"size=65536k\"]"),
		 &c, &e),
	    0);
	assert_string_equal(c.shm_size, "65536k");
	assert_true(c.shm_noexec);
	for (size_t i = 0; i < c.nmounts; i++)
		assert_string_not_equal(c.mounts[i].dest, "/dev/shm"); /* the plan's */
	oci_config_free(&c);
	assert_int_equal(load(tmpfs_doc("/dev/shm", "[\"mode=1777\"]"), &c, &e), 0);
	assert_string_equal(c.shm_size, "");
	assert_false(c.shm_noexec);
	oci_config_free(&c);
	refused(tmpfs_doc("/dev/shm", "[\"size=64m;uid=0\"]"),
		"mount /dev/shm: size=64m;uid=0 is not a size");
}

/* A bind of the host's /sys (podman's, for a user namespace in the host's network namespace)
 * is the plan's sysfs, as a sysfs mount there is; a bind elsewhere is the bundle's. */
static void test_sys_bind(void **state)
{
	struct oci_config c;
	struct zone_error e;
	json_t *doc = base();
	int srv = 0;

	(void)state;
	json_array_append_new(json_object_get(doc, "mounts"),
			      json_pack("{s:s, s:s, s:s, s:[s, s]}", "destination", "/sys", "type",
					"bind", "source", "/sys", "options", "rbind", "ro"));
	json_array_append_new(json_object_get(doc, "mounts"),
			      json_pack("{s:s, s:s, s:s, s:[s]}", "destination", "/srv", "type",
					"bind", "source", "/sys", "options", "rbind"));
	assert_int_equal(load(doc, &c, &e), 0);
	for (size_t i = 0; i < c.nmounts; i++) {
		assert_string_not_equal(c.mounts[i].dest, "/sys");
		srv += !strcmp(c.mounts[i].dest, "/srv") && c.mounts[i].bind;
	}
	assert_int_equal(srv, 1);
	oci_config_free(&c);
}

static void test_other_refusals(void **state)
{
	json_t *doc;

	(void)state;
	doc = base();
	json_object_set_new(linux_of(doc), "cgroupsPath", json_string("system.slice:x:y"));
	refused(doc, "needs --systemd-cgroup");
	doc = base();
	json_object_set_new(doc, "hooks", json_pack("{s:[{s:s}]}", "onCrash", "path", "/bin/true"));
	refused(doc, "hooks.onCrash: not a hook kind");
	doc = base();
	json_object_set_new(doc, "annotations", json_pack("{s:s}", "io.lxzone.profile", "fast"));
	refused(doc, "io.lxzone.profile=fast");
	doc = base();
	json_object_set_new(doc, "annotations",
			    json_pack("{s:s}", "io.lxzone.kernel-version", "five"));
	refused(doc, "kernel-version=five");
	doc = base();
	json_object_set_new(doc, "annotations",
			    json_pack("{s:s}", "io.lxzone.syscall-patching", "sometimes"));
	refused(doc, "io.lxzone.syscall-patching=sometimes: auto, on or off");
	doc = base();
	json_array_append_new(json_object_get(doc, "mounts"),
			      json_pack("{s:s, s:s, s:s}", "destination", "/o", "type", "overlay",
					"source", "overlay"));
	refused(doc, "type overlay is not supported");
	doc = base();
	json_array_append_new(json_object_get(doc, "mounts"),
			      json_pack("{s:s, s:s}", "destination", "rel", "type", "tmpfs"));
	refused(doc, "must be absolute");
}

/* The brand's patching is the annotation's; process.env's variable is the program's. */
static void test_syscall_patching_annotation(void **state)
{
	static const struct {
		const char *value;
		int want;
	} cases[] = {{NULL, LAUNCH_PATCH_AUTO},
		     {"auto", LAUNCH_PATCH_AUTO},
		     {"on", LAUNCH_PATCH_ON},
		     {"off", LAUNCH_PATCH_OFF}};
	struct oci_config c;
	struct zone_error e;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *doc = base();

		json_array_append_new(json_object_get(json_object_get(doc, "process"), "env"),
				      json_string("LXZONE_SYSCALL_PATCHING=on"));
		if (cases[i].value)
			json_object_set_new(
			    doc, "annotations",
			    json_pack("{s:s}", "io.lxzone.syscall-patching", cases[i].value));
		assert_int_equal(load(doc, &c, &e), 0);
		assert_int_equal(c.syscall_patching, cases[i].want);
		oci_config_free(&c);
	}
}

/* The six kinds of the runtime spec are taken (createContainer and startContainer run
 * inside the container: it-oci-extras checks where and in what order). */
static void test_hook_kinds(void **state)
{
	struct oci_config c;
	struct zone_error e;
	json_t *doc = base(), *h = json_object();
	static const char *const kinds[] = {"prestart",	      "createRuntime", "createContainer",
					    "startContainer", "poststart",     "poststop"};

	(void)state;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		json_object_set_new(h, kinds[i], json_pack("[{s:s}]", "path", "/bin/true"));
	json_object_set_new(doc, "hooks", h);
	assert_int_equal(load(doc, &c, &e), 0);
	oci_config_free(&c);
}

/* linux.devices, resources.devices, hugepageLimits, unified: taken, and each refusal. */
static void test_device_keys(void **state)
{
	struct oci_config c;
	struct zone_error e;
	json_t *doc;

	(void)state;
	doc = base();
	json_object_set_new(linux_of(doc), "devices",
			    json_pack("[{s:s, s:s, s:i, s:i}, {s:s, s:s}]", "path", "/dev/fuse",
				      "type", "c", "major", 10, "minor", 229, "path", "/dev/p",
				      "type", "p"));
	json_object_set_new(
	    linux_of(doc), "resources",
	    json_pack("{s:[{s:b, s:s}, {s:b, s:s, s:i, s:i, s:s}], s:[{s:s, s:i}], s:{s:s}}",
		      "devices", "allow", 0, "access", "rwm", "allow", 1, "type", "c", "major", 10,
		      "minor", 229, "access", "rw", "hugepageLimits", "pageSize", "2MB", "limit",
		      4194304, "unified", "hugetlb.2MB.max", "2097152"));
	assert_int_equal(load(doc, &c, &e), 0);
	assert_int_equal(json_array_size(c.devices), 2);
	assert_int_equal(json_array_size(c.dev_rules), 2);
	assert_int_equal(json_array_size(c.hugepages), 1);
	assert_int_equal(json_object_size(c.unified), 1);
	oci_config_free(&c);

	doc = base();
	json_object_set_new(linux_of(doc), "devices",
			    json_pack("[{s:s, s:s, s:i, s:i}]", "path", "/etc/x", "type", "c",
				      "major", 1, "minor", 3));
	refused(doc, "linux.devices: path /etc/x: must be under /dev");
	doc = base();
	json_object_set_new(linux_of(doc), "devices",
			    json_pack("[{s:s, s:s, s:i, s:i}]", "path", "/dev/x", "type", "z",
				      "major", 1, "minor", 3));
	refused(doc, "type z is not c, b, u or p");
	doc = base();
	json_object_set_new(linux_of(doc), "devices",
			    json_pack("[{s:s, s:s}]", "path", "/dev/x", "type", "c"));
	refused(doc, "major and minor are required");
	/* ".." as the last component passes a "/../" search: it names /dev's parent */
	const char *up[] = {"/dev/..", "/dev/x/..", "/dev/../etc/x"};
	for (size_t i = 0; i < sizeof(up) / sizeof(up[0]); i++) {
		doc = base();
		json_object_set_new(linux_of(doc), "devices",
				    json_pack("[{s:s, s:s, s:i, s:i}]", "path", up[i], "type", "c",
					      "major", 1, "minor", 3));
		refused(doc, "must be under /dev");
	}
	/* mknod takes 32-bit numbers: more would be cut, another device made */
	doc = base();
	json_object_set_new(linux_of(doc), "devices",
			    json_pack("[{s:s, s:s, s:I, s:i}]", "path", "/dev/x", "type", "c",
				      "major", (json_int_t)1 << 32 | 1, "minor", 3));
	refused(doc, "linux.devices /dev/x: major and minor must be 0 to 4294967295");
	doc = base();
	json_object_set_new(linux_of(doc), "devices",
			    json_pack("[{s:s, s:s, s:i, s:i}]", "path", "/dev/x", "type", "c",
				      "major", 1, "minor", -3));
	refused(doc, "major and minor must be 0 to");
	doc = base();
	json_object_set_new(linux_of(doc), "resources",
			    json_pack("{s:[{s:b, s:s, s:i, s:I}]}", "devices", "allow", 1, "type",
				      "c", "major", 1, "minor", (json_int_t)1 << 40));
	refused(doc, "linux.resources.devices[0]: major and minor must be at most 4294967295");
	doc = base();
	json_object_set_new(linux_of(doc), "resources",
			    json_pack("{s:[{s:b, s:s}]}", "devices", "allow", 1, "access", "rwx"));
	refused(doc, "access rwx is not of rwm");
	doc = base();
	json_object_set_new(linux_of(doc), "resources",
			    json_pack("{s:[{s:s}]}", "devices", "access", "r"));
	refused(doc, "allow must be a boolean");
	doc = base();
	json_object_set_new(
	    linux_of(doc), "resources",
	    json_pack("{s:[{s:s, s:i}]}", "hugepageLimits", "pageSize", "2M", "limit", 1));
	refused(doc, "hugepageLimits[0]: pageSize");
	doc = base();
	json_object_set_new(linux_of(doc), "resources",
			    json_pack("{s:{s:s}}", "unified", "cgroup.procs", "1"));
	refused(doc, "unified: cgroup.procs");
	doc = base();
	json_object_set_new(linux_of(doc), "resources",
			    json_pack("{s:{s:s}}", "unified", "../x.max", "1"));
	refused(doc, "unified: ../x.max");
	doc = base();
	json_object_set_new(linux_of(doc), "resources",
			    json_pack("{s:{s:i}}", "blockIO", "weight", 5));
	refused(doc, "blockIO.weight must be an integer from 10 to 1000");
	doc = base();
	json_object_set_new(linux_of(doc), "resources",
			    json_pack("{s:{s:[{s:i, s:i}]}}", "blockIO", "throttleReadBpsDevice",
				      "major", 8, "minor", 0));
	refused(doc, "blockIO.throttleReadBpsDevice[0]: major, minor and rate");
}

/* linux.devices' nodes in the plan (oci_devices_plan): mknod's mode is fileMode, 0666 when it
 * is left out or null (Go's nil), as runc makes them; it was once 0 for null. */
static mode_t made_modes[4];
static size_t nmade;

static int record_mknod(struct launch_plan *p, const struct launch_op *op, struct zone_error *e)
{
	(void)p;
	(void)e;
	assert_int_equal(op->kind, LOP_MKNOD);
	assert_true(nmade < sizeof(made_modes) / sizeof(made_modes[0]));
	made_modes[nmade++] = (mode_t)op->mode;
	return 0;
}

static void test_device_modes(void **state)
{
	static struct container k;
	struct zone_error e;
	json_t *doc = base();

	(void)state;
	json_object_set_new(linux_of(doc), "devices",
			    json_pack("[{s:s, s:s, s:i, s:i, s:n}, {s:s, s:s, s:i, s:i, s:i}, "
				      "{s:s, s:s, s:i, s:i}]",
				      "path", "/dev/lxzone-test-a", "type", "c", "major", 1,
				      "minor", 3, "fileMode", "path", "/dev/lxzone-test-b", "type",
				      "c", "major", 1, "minor", 3, "fileMode", 0600, "path",
				      "/dev/lxzone-test-c", "type", "b", "major", 7, "minor", 0));
	memset(&k, 0, sizeof(k));
	assert_int_equal(load(doc, &k.cfg, &e), 0);
	nmade = 0;
	assert_int_equal(oci_devices_plan(&k, record_mknod, &e), 0);
	assert_int_equal(nmade, 3);
	assert_int_equal(made_modes[0], S_IFCHR | 0666);
	assert_int_equal(made_modes[1], S_IFCHR | 0600);
	assert_int_equal(made_modes[2], S_IFBLK | 0666);
	oci_config_free(&k.cfg);
}

/* The filter as libseccomp's pseudo filter code shows it ("action ERRNO(1);" lines). */
static const char *seccomp_pfc(void *ctx)
{
	static char text[65536];
	FILE *f = tmpfile();
	size_t n;

	assert_non_null(f);
	assert_int_equal(seccomp_export_pfc(ctx, fileno(f)), 0);
	rewind(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	return text;
}

static void test_seccomp(void **state)
{
	struct zone_error e;
	void *ctx = NULL;
	json_t *p;

	(void)state;
	p = json_pack("{s:s}", "defaultAction", "SCMP_ACT_TRAP");
	assert_int_equal(oci_seccomp_build(p, &ctx, &e), -1);
	assert_non_null(strstr(e.msg, "SCMP_ACT_TRAP is not supported under the brand"));
	json_decref(p);
	p = json_pack("{s:s}", "defaultAction", "SCMP_ACT_MAYBE");
	assert_int_equal(oci_seccomp_build(p, &ctx, &e), -1);
	assert_non_null(strstr(e.msg, "unknown action SCMP_ACT_MAYBE"));
	json_decref(p);
	p = json_pack("{s:s, s:[{s:[s], s:s, s:[{s:i, s:i, s:s}]}]}", "defaultAction",
		      "SCMP_ACT_ALLOW", "syscalls", "names", "personality", "action",
		      "SCMP_ACT_ERRNO", "args", "index", 0, "value", 8, "op", "SCMP_CMP_ALMOST");
	assert_int_equal(oci_seccomp_build(p, &ctx, &e), -1);
	assert_non_null(strstr(e.msg, "unknown operator SCMP_CMP_ALMOST"));
	json_decref(p);
	p = json_pack("{s:s, s:[{s:[s, s, s], s:s, s:i}]}", "defaultAction", "SCMP_ACT_ALLOW",
		      "syscalls", "names", "mkdir", "no_such_call_anywhere", "mkdirat", "action",
		      "SCMP_ACT_ERRNO", "errnoRet", 1);
	assert_int_equal(oci_seccomp_build(p, &ctx, &e), 0);
	assert_non_null(ctx);
	oci_seccomp_free(ctx);
	json_decref(p);
	assert_int_equal(oci_seccomp_build(NULL, &ctx, &e), 0);
	assert_null(ctx);
	/* errnoRet and defaultErrnoRet null are left out (Go's nil): EPERM, as runc, where they
	 * once gave errno 0, a denied call returning success (the schema check, which every
	 * config.json passes before its filter is built, removes the nulls) */
	p = json_pack("{s:s, s:n, s:[{s:[s], s:s, s:n}]}", "defaultAction", "SCMP_ACT_ERRNO",
		      "defaultErrnoRet", "syscalls", "names", "mkdir", "action", "SCMP_ACT_ALLOW",
		      "errnoRet");
	assert_int_equal(oci_schema_check(p, "linux.seccomp", "config.json: ", &e), 0);
	assert_int_equal(oci_seccomp_build(p, &ctx, &e), 0);
	assert_non_null(strstr(seccomp_pfc(ctx), "# default action\n  action ERRNO(1);"));
	oci_seccomp_free(ctx);
	json_decref(p);
	p = json_pack("{s:s, s:[{s:[s], s:s, s:n}]}", "defaultAction", "SCMP_ACT_ALLOW", "syscalls",
		      "names", "mkdir", "action", "SCMP_ACT_ERRNO", "errnoRet");
	assert_int_equal(oci_schema_check(p, "linux.seccomp", "config.json: ", &e), 0);
	assert_int_equal(oci_seccomp_build(p, &ctx, &e), 0);
	assert_non_null(strstr(seccomp_pfc(ctx), "action ERRNO(1);")); /* mkdir's: the only one */
	oci_seccomp_free(ctx);
	json_decref(p);
}

/* Every member the spec defines has its JSON type, as runc's Go decoding demands: a wrong one
 * is one error naming the member (never taken as absent or 0: a uid "1000" is not root);
 * null is the member left out; members the spec does not define are not typed. */
static void test_types(void **state)
{
	static const struct {
		const char *path, *value, *says;
	} bad[] = {
	    {"process.user.uid", "\"1000\"",
	     "config.json: process.user.uid must be an unsigned 32-bit integer, not a string"},
	    {"process.user.gid", "-5",
	     "process.user.gid must be an unsigned 32-bit integer, not an "
	     "integer out of range"},
	    {"root.readonly", "\"x\"",
	     "config.json: root.readonly must be true or false, not a string"},
	    {"process.terminal", "1", "process.terminal must be true or false, not an integer"},
	    {"process.capabilities.permitted", "1.5",
	     "process.capabilities.permitted must be an array, not a number with a fraction"},
	    {"linux.readonlyPaths", "\"/\"", "linux.readonlyPaths must be an array, not a string"},
	    {"linux.resources", "[1]", "linux.resources must be an object, not an array"},
	    {"linux.resources.memory.limit", "\"1G\"",
	     "linux.resources.memory.limit must be a 64-bit integer, not a string"},
	    {"process.oomScoreAdj", "4294967296",
	     "process.oomScoreAdj must be a 32-bit integer, not an integer out of range"},
	    {"annotations", "{\"a\": 1}", "annotations.a must be a string, not an integer"},
	    {"hooks", "{\"prestart\": [{\"path\": \"/bin/true\", \"timeout\": \"5\"}]}",
	     "hooks.prestart[0].timeout must be a 32-bit integer, not a string"},
	    {"linux.sysctl", "{\"net.ipv4.ip_forward\": true}",
	     "linux.sysctl.net.ipv4.ip_forward must be a string, not a boolean"},
	    {"linux.seccomp",
	     "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
	     "[\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1.5}]}",
	     "linux.seccomp.syscalls[0].errnoRet must be an unsigned 32-bit integer, not a number "
	     "with a fraction"},
	};
	struct oci_config c;
	struct zone_error e = {0};
	json_t *doc, *p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char buf[64], *k = buf, *dot;
		json_t *o;

		doc = base();
		o = doc;
		snprintf(buf, sizeof(buf), "%s", bad[i].path);
		while ((dot = strchr(k, '.'))) { /* the objects on the way, made when missing */
			*dot = 0;
			if (!json_object_get(o, k))
				json_object_set_new(o, k, json_object());
			o = json_object_get(o, k);
			k = dot + 1;
		}
		json_object_set_new(o, k, json_loads(bad[i].value, JSON_DECODE_ANY, NULL));
		refused(doc, bad[i].says);
	}
	/* null is the member left out; an undefined member is not typed */
	doc = base();
	json_object_set_new(json_object_get(json_object_get(doc, "process"), "user"), "uid",
			    json_null());
	json_object_set_new(linux_of(doc), "sysctl", json_null());
	json_object_set_new(linux_of(doc), "nosuch", json_integer(1));
	assert_int_equal(load(doc, &c, &e), 0);
	assert_int_equal(c.user.uid, 0);
	oci_config_free(&c);
	/* exec --process: the document is the process object */
	p = json_pack("{s:[s], s:s, s:{s:s}}", "args", "true", "cwd", "/", "user", "uid", "0");
	assert_int_equal(oci_schema_check(p, "process", "process.json: ", &e), -1);
	assert_string_equal(e.msg, "process.json: user.uid must be an unsigned 32-bit integer, not "
				   "a string");
	json_object_set_new(json_object_get(p, "user"), "uid", json_integer(0));
	assert_int_equal(oci_schema_check(p, "process", "process.json: ", &e), 0);
	json_decref(p);
	p = json_string("x");
	assert_int_equal(oci_schema_check(p, "process", "process.json: ", &e), -1);
	assert_string_equal(e.msg, "process.json: process must be an object, not a string");
	json_decref(p);
}

/* Go's uint64(-1) (podman's `--ulimit core=-1`: RLIM_INFINITY), which jansson cannot hold,
 * is read as -1 and so as the rlimit's infinity; only that literal, only outside strings,
 * and only as a whole number: 2^64, a longer one, a negative one or a fraction stay errors. */
static int load_text(const char *hard, struct oci_config *c, struct zone_error *e)
{
	char path[300];
	FILE *f;

	snprintf(path, sizeof(path), "%s/config.json", bundle);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f,
		"{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"},\n"
		" \"annotations\": {\"n\": \"18446744073709551615 stays text\"},\n"
		" \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", \"rlimits\": [{\"type\": "
		"\"RLIMIT_CORE\", \"hard\": %s, \"soft\": 18446744073709551615}]}}\n",
		hard);
	fclose(f);
	memset(e, 0, sizeof(*e));
	return oci_config_load(bundle, c, e);
}

static void test_u64_max(void **state)
{
	static const struct {
		const char *value, *says;
	} bad[] = {
	    {"18446744073709551616", "config.json: line 3 column"},
	    {"184467440737095516150", "too big integer"},
	    {"-18446744073709551615", "too big negative integer"},
	    {"18446744073709551615.5",
	     "process.rlimits[0].hard must be an unsigned 64-bit integer, not a number with a "
	     "fraction"},
	    {"-2", "process.rlimits[0].hard must be an unsigned 64-bit integer, not an integer out "
		   "of range"},
	};
	struct oci_config c;
	struct zone_error e;

	(void)state;
	assert_int_equal(load_text("18446744073709551615", &c, &e), 0);
	assert_int_equal(c.nrlimits, 1);
	assert_int_equal(c.rlimits[0].resource, RLIMIT_CORE);
	assert_true(c.rlimits[0].hard == RLIM_INFINITY && c.rlimits[0].soft == RLIM_INFINITY);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(c.json, "annotations"), "n")),
	    "18446744073709551615 stays text");
	oci_config_free(&c);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(load_text(bad[i].value, &c, &e), -1);
		if (!strstr(e.msg, bad[i].says))
			fail_msg("%s: \"%s\" does not say \"%s\"", bad[i].value, e.msg,
				 bad[i].says);
		oci_config_free(&c);
	}
}

static void test_ids(void **state)
{
	struct zone_error e;

	(void)state;
	assert_int_equal(oci_id_check("web-1.a_b+c", &e), 0);
	assert_int_equal(oci_id_check("../x", &e), -1);
	assert_string_equal(e.msg, "invalid container ID format");
	assert_int_equal(oci_id_check("a b", &e), -1);
	assert_int_equal(oci_id_check("..", &e), -1);
	assert_int_equal(oci_id_check("", &e), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_good, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_caps_sets, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_network_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_resources, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_process_refusals, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_namespaces, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sysctl, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_shm, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sys_bind, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tmpcopyup, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_idmap_mounts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_other_refusals, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_syscall_patching_annotation, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hook_kinds, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_device_keys, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_device_modes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nulls, setup, teardown),
	    cmocka_unit_test(test_seccomp),
	    cmocka_unit_test_setup_teardown(test_types, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_u64_max, setup, teardown),
	    cmocka_unit_test(test_ids),
	    cmocka_unit_test_setup_teardown(test_time_namespace, setup, teardown),
	};

	/* the config's warnings (unknown properties) go to stderr, as the log */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
