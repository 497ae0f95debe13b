/*
 * config.json's device keys and the cgroup keys zone/cgroup.c has no row for:
 * linux.devices, linux.resources.devices, hugepageLimits and unified (docs/oci.md).
 *
 * linux.devices: each node is the host's node bound in (LOP_DEV_BIND, as the zone's own /dev
 * and runc's rootless mode do) when the host has one at that path with the same type and
 * numbers, else made with mknod (LOP_MKNOD), which a user-namespaced container cannot do (the
 * kernel refuses mknod there): that is one clear error.  Only under /dev, the plan's tmpfs.
 *
 * linux.resources.devices: the v1 devices controller (the one the launcher confines with on a
 * v1 or hybrid host): the zone's rules first (deny all, allow its /dev), then the bundle's in
 * order, then the zone's allows again and one per linux.devices node, as runc appends its
 * default and the spec's devices after the bundle's rules, so a "deny all" (podman's first
 * rule) never takes /dev/null away.  On a pure cgroup2 host there is no device program here:
 * the rules are not applied (a warning).
 *
 * blockIO: the container's v1 blkio cgroup (zone/cgroup.c's, which PID 1 and every exec join
 * and delete removes), with the throttle files; a weight the host's blkio lacks (no
 * proportional-weight scheduler: no blkio.weight) is skipped with a warning.  Without a v1
 * blkio hierarchy, io.max / io.weight on the cgroup2 one, refused like a unified key when
 * its io controller is not there.
 *
 * hugepageLimits and unified go to the container's cgroup2 directory (the unified hierarchy
 * beside v1 ones on a hybrid host), with the controller enabled down to it; a key whose
 * controller or file that hierarchy lacks is refused, naming it.
 */
#include "cli/oci_container.h"
#include "lib/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int dev_type_ok(const char *t)
{
	return t && (!strcmp(t, "c") || !strcmp(t, "b") || !strcmp(t, "u") || !strcmp(t, "p"));
}

static int access_ok(const char *a)
{
	return a && strspn(a, "rwm") == strlen(a);
}

/* A device number the kernel takes: 32 bits (mknod's major and minor, a devices rule's). */
static int dev_num_ok(json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) >= 0 &&
	       json_integer_value(v) <= (json_int_t)UINT32_MAX;
}

/* Under /dev/, naming something there, and no ".." component on the way. */
static int dev_path_ok(const char *path)
{
	size_t n;

	if (!path || strncmp(path, "/dev/", 5) || !path[5] || strstr(path, "/../"))
		return 0;
	n = strlen(path);
	return !(n >= 3 && !strcmp(path + n - 3, "/.."));
}

static int devices_parse(json_t *a, struct zone_error *e)
{
	json_t *d;
	size_t i;

	json_array_foreach(a, i, d)
	{
		const char *path = json_string_value(json_object_get(d, "path"));
		const char *t = json_string_value(json_object_get(d, "type"));

		if (!dev_path_ok(path))
			return oci_fail(e, "linux.devices: path %s: must be under /dev",
					path ? path : "(none)");
		if (!dev_type_ok(t))
			return oci_fail(e, "linux.devices %s: type %s is not c, b, u or p", path,
					t ? t : "(none)");
		if (strcmp(t, "p") && (!json_is_integer(json_object_get(d, "major")) ||
				       !json_is_integer(json_object_get(d, "minor"))))
			return oci_fail(e, "linux.devices %s: major and minor are required", path);
		if (strcmp(t, "p") && (!dev_num_ok(json_object_get(d, "major")) ||
				       !dev_num_ok(json_object_get(d, "minor"))))
			return oci_fail(e, "linux.devices %s: major and minor must be 0 to %u",
					path, UINT32_MAX);
	}
	return 0;
}

static int rules_parse(json_t *a, struct zone_error *e)
{
	json_t *r;
	size_t i;

	json_array_foreach(a, i, r)
	{
		const char *t = json_string_value(json_object_get(r, "type"));
		const char *acc = json_string_value(json_object_get(r, "access"));
		json_t *ma = json_object_get(r, "major"), *mi = json_object_get(r, "minor");

		if (!json_is_boolean(json_object_get(r, "allow")))
			return oci_fail(e, "linux.resources.devices[%zu]: allow must be a boolean",
					i);
		if (t && strcmp(t, "a") && strcmp(t, "c") && strcmp(t, "b"))
			return oci_fail(e, "linux.resources.devices[%zu]: type %s is not a, c or b",
					i, t);
		if (acc && !access_ok(acc))
			return oci_fail(e, "linux.resources.devices[%zu]: access %s is not of rwm",
					i, acc);
		/* left out, null or negative: any ("*"); else a number the kernel takes */
		if ((json_is_integer(ma) && json_integer_value(ma) > (json_int_t)UINT32_MAX) ||
		    (json_is_integer(mi) && json_integer_value(mi) > (json_int_t)UINT32_MAX))
			return oci_fail(e,
					"linux.resources.devices[%zu]: major and minor must be at "
					"most %u",
					i, UINT32_MAX);
	}
	return 0;
}

/* blockIO's per-device throttles: the file (v1, v2 io.max key) each list goes to. */
static const struct {
	const char *key, *v1, *v2;
} throttles[] = {
    {"throttleReadBpsDevice", "blkio.throttle.read_bps_device", "rbps"},
    {"throttleWriteBpsDevice", "blkio.throttle.write_bps_device", "wbps"},
    {"throttleReadIOPSDevice", "blkio.throttle.read_iops_device", "riops"},
    {"throttleWriteIOPSDevice", "blkio.throttle.write_iops_device", "wiops"},
};

static int blockio_parse(json_t *b, struct zone_error *e)
{
	json_t *w = json_object_get(b, "weight"), *d;
	size_t i;

	if (!json_is_object(b))
		return oci_fail(e, "linux.resources.blockIO must be an object");
	if (w &&
	    (!json_is_integer(w) || json_integer_value(w) < 10 || json_integer_value(w) > 1000))
		return oci_fail(e, "blockIO.weight must be an integer from 10 to 1000");
	for (size_t t = 0; t < sizeof(throttles) / sizeof(throttles[0]); t++)
		json_array_foreach(json_object_get(b, throttles[t].key), i,
				   d) if (!json_is_integer(json_object_get(d, "major")) ||
					  !json_is_integer(json_object_get(d, "minor")) ||
					  !json_is_integer(json_object_get(d, "rate")) ||
					  json_integer_value(json_object_get(d, "rate")) <
					      0) return oci_fail(e,
								 "blockIO.%s[%zu]: major, "
								 "minor and rate "
								 "(>= 0) are required",
								 throttles[t].key, i);
	return 0;
}

/* "2MB", "1GB", "64KB": the hugetlb file's size part, as the kernel names it. */
static int page_size_ok(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n > 0 && (!strcmp(s + n, "KB") || !strcmp(s + n, "MB") || !strcmp(s + n, "GB"));
}

int oci_resources_parse(json_t *linux_, struct oci_config *c, struct zone_error *e)
{
	json_t *res = json_object_get(linux_, "resources"), *v;
	const char *key;
	size_t i;

	c->devices = json_object_get(linux_, "devices");
	c->dev_rules = json_object_get(res, "devices");
	c->hugepages = json_object_get(res, "hugepageLimits");
	c->unified = json_object_get(res, "unified");
	c->blockio = json_object_get(res, "blockIO");
	if (c->blockio && blockio_parse(c->blockio, e) < 0)
		return -1;
	if ((c->devices && !json_is_array(c->devices)) ||
	    (c->dev_rules && !json_is_array(c->dev_rules)) ||
	    (c->hugepages && !json_is_array(c->hugepages)) ||
	    (c->unified && !json_is_object(c->unified)))
		return oci_fail(e, "config.json: linux.devices, resources.devices and "
				   "hugepageLimits must be arrays, unified an object");
	if (devices_parse(c->devices, e) < 0 || rules_parse(c->dev_rules, e) < 0)
		return -1;
	json_array_foreach(c->hugepages, i, v)
	{
		const char *ps = json_string_value(json_object_get(v, "pageSize"));

		if (!ps || !page_size_ok(ps) || !json_is_integer(json_object_get(v, "limit")))
			return oci_fail(e,
					"hugepageLimits[%zu]: pageSize (2MB, 1GB...) and limit "
					"are required",
					i);
	}
	json_object_foreach(c->unified, key, v)
	{
		const char *dot = strchr(key, '.');

		if (!dot || dot == key || strchr(key, '/') || !json_is_string(v) ||
		    !strncmp(key, "cgroup.", 7))
			return oci_fail(e,
					"unified: %s: a CONTROLLER.FILE key with a string value "
					"(not cgroup.*)",
					key);
	}
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* linux.devices in the plan */

static mode_t dev_ifmt(const char *t)
{
	return !strcmp(t, "b") ? S_IFBLK : !strcmp(t, "p") ? S_IFIFO : S_IFCHR;
}

int oci_devices_plan(struct container *k,
		     int (*insert)(struct launch_plan *, const struct launch_op *,
				   struct zone_error *),
		     struct zone_error *e)
{
	json_t *d;
	size_t i;

	json_array_foreach(k->cfg.devices, i, d)
	{
		const char *path = json_string_value(json_object_get(d, "path"));
		const char *t = json_string_value(json_object_get(d, "type"));
		json_t *fm = json_object_get(d, "fileMode");
		dev_t rdev = makedev((unsigned)json_integer_value(json_object_get(d, "major")),
				     (unsigned)json_integer_value(json_object_get(d, "minor")));
		mode_t ifmt = dev_ifmt(t);
		struct launch_op op = {.dest = path};
		struct stat st;

		if (strcmp(t, "p") && stat(path, &st) == 0 && (st.st_mode & S_IFMT) == ifmt &&
		    st.st_rdev == rdev) {
			op.kind = LOP_DEV_BIND; /* the host's node, as the zone's /dev */
			op.src = path;
		} else if (k->cfg.userns) {
			return oci_fail(e,
					"linux.devices %s: a user-namespaced container cannot "
					"mknod (the kernel refuses it) and the host has no %s "
					"%u:%u node there to bind",
					path, t, major(rdev), minor(rdev));
		} else {
			op.kind = LOP_MKNOD;
			op.flags = rdev;
			/* left out (or null, which oci_schema_check removed): runc's 0666 */
			op.mode =
			    (unsigned)ifmt | (fm ? (unsigned)json_integer_value(fm) & 07777 : 0666);
		}
		if (insert(&k->plan, &op, e) < 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* The cgroup */

static void rule_text(json_t *r, char *buf, size_t len)
{
	const char *t = json_string_value(json_object_get(r, "type"));
	const char *acc = json_string_value(json_object_get(r, "access"));
	json_t *ma = json_object_get(r, "major"), *mi = json_object_get(r, "minor");
	char a[16] = "*", b[16] = "*";

	if (json_is_integer(ma) && json_integer_value(ma) >= 0)
		snprintf(a, sizeof(a), "%lld", (long long)json_integer_value(ma));
	if (json_is_integer(mi) && json_integer_value(mi) >= 0)
		snprintf(b, sizeof(b), "%lld", (long long)json_integer_value(mi));
	if (!t || !strcmp(t, "a"))
		snprintf(buf, len, "a");
	else
		snprintf(buf, len, "%s %s:%s %s", t, a, b, acc && *acc ? acc : "rwm");
}

static int devices_apply(struct container *k, struct zone_error *e)
{
	const char *dir = k->cg.v1[ZONE_CG_DEVICES];
	char zone_rules[16][ZONE_CG_RULE], line[64];
	size_t nz;
	json_t *r;
	size_t i;

	if (!json_array_size(k->cfg.dev_rules) && !json_array_size(k->cfg.devices))
		return 0;
	if (!zone_cgroup_confines_devices(&k->cg)) {
		oci_log("warning", "linux.resources.devices: not applied (no v1 devices "
				   "controller; cgroup2 device programs are not done)");
		return 0;
	}
	json_array_foreach(k->cfg.dev_rules, i, r)
	{
		rule_text(r, line, sizeof(line));
		if (oci_cg_write(dir,
				 json_is_true(json_object_get(r, "allow")) ? "devices.allow"
									   : "devices.deny",
				 line, e) < 0)
			return -1;
	}
	nz = zone_cgroup_device_rules(NULL, 0, zone_rules, 16);
	for (i = 0; i < nz; i++)
		if (oci_cg_write(dir, "devices.allow", zone_rules[i], e) < 0)
			return -1;
	json_array_foreach(k->cfg.devices, i, r)
	{
		const char *t = json_string_value(json_object_get(r, "type"));

		if (!strcmp(t, "p"))
			continue;
		snprintf(line, sizeof(line), "%s %lld:%lld rwm", !strcmp(t, "u") ? "c" : t,
			 (long long)json_integer_value(json_object_get(r, "major")),
			 (long long)json_integer_value(json_object_get(r, "minor")));
		if (oci_cg_write(dir, "devices.allow", line, e) < 0)
			return -1;
	}
	return 0;
}

/* The controller of a cgroup2 file enabled from the hierarchy's root down to the
 * container's cgroup (each level's cgroup.subtree_control), if the root has it. */
static int v2_enable(const struct zone_cgroup *cg, const char *ctrl, struct zone_error *e)
{
	char root[ZONE_CG_PATH], p[ZONE_CG_PATH + 32], avail[512], plus[80];
	int found = 0;

	snprintf(root, sizeof(root), "%s%s", cg->mnt,
		 cg->layout == ZONE_CG_HYBRID ? "/unified" : "");
	zone_read_text(avail, sizeof(avail), "%s/cgroup.controllers", root);
	for (char *w = strtok(avail, " \n"); w; w = strtok(NULL, " \n"))
		found |= !strcmp(w, ctrl);
	if (!found)
		return oci_fail(e, "the controller %s is not on the cgroup2 hierarchy %s", ctrl,
				root);
	snprintf(plus, sizeof(plus), "+%s", ctrl);
	snprintf(p, sizeof(p), "%s", cg->v2);
	if (oci_cg_write(root, "cgroup.subtree_control", plus, e) < 0)
		return -1;
	for (char *q = strchr(p + strlen(root) + 1, '/'); q; q = strchr(q + 1, '/')) {
		*q = '\0';
		if (oci_cg_write(p, "cgroup.subtree_control", plus, e) < 0)
			return -1;
		*q = '/';
	}
	return 0;
}

static int v2_write(struct container *k, const char *file, const char *val, const char *what,
		    struct zone_error *e)
{
	char ctrl[64], path[ZONE_CG_PATH + 128];
	size_t n = strcspn(file, ".");

	if (!k->cg.v2[0])
		return oci_fail(e, "%s: this host has no cgroup2 hierarchy", what);
	snprintf(ctrl, sizeof(ctrl), "%.*s", (int)n, file);
	snprintf(path, sizeof(path), "%s/%s", k->cg.v2, file);
	if (access(path, F_OK) != 0) {
		struct zone_error why = {0};

		if (v2_enable(&k->cg, ctrl, &why) < 0)
			return oci_fail(e, "%s: %s: %s", what, file, why.msg);
		if (access(path, F_OK) != 0)
			return oci_fail(e, "%s: %s: no such file in %s", what, file, k->cg.v2);
	}
	return oci_cg_write(k->cg.v2, file, val, e);
}

/* blockIO (see the top): the v1 blkio cgroup where the host has one, else cgroup2's io. */
static int blockio_apply(struct container *k, struct zone_error *e)
{
	json_t *b = k->cfg.blockio, *w = json_object_get(b, "weight"), *d;
	const char *dir = k->cg.v1[ZONE_CG_BLKIO];
	char line[96];
	size_t i;

	if (!b)
		return 0;
	if (!dir[0]) {
		/* cgroup2: io.weight and io.max, if its io controller is there */
		if (w) {
			snprintf(line, sizeof(line), "default %lld",
				 (long long)json_integer_value(w));
			if (v2_write(k, "io.weight", line, "blockIO", e) < 0)
				return -1;
		}
		for (size_t t = 0; t < sizeof(throttles) / sizeof(throttles[0]); t++)
			json_array_foreach(json_object_get(b, throttles[t].key), i, d)
			{
				snprintf(line, sizeof(line), "%lld:%lld %s=%lld",
					 (long long)json_integer_value(json_object_get(d, "major")),
					 (long long)json_integer_value(json_object_get(d, "minor")),
					 throttles[t].v2,
					 (long long)json_integer_value(json_object_get(d, "rate")));
				if (v2_write(k, "io.max", line, "blockIO", e) < 0)
					return -1;
			}
		return 0;
	}
	if (w) {
		char f[ZONE_CG_PATH + 16];

		snprintf(f, sizeof(f), "%s/blkio.weight", dir);
		snprintf(line, sizeof(line), "%lld", (long long)json_integer_value(w));
		if (access(f, F_OK) != 0)
			oci_log("warning", "blockIO.weight: skipped: this host's blkio has no "
					   "blkio.weight (no proportional-weight I/O scheduler)");
		else if (oci_cg_write(dir, "blkio.weight", line, e) < 0)
			return -1;
	}
	for (size_t t = 0; t < sizeof(throttles) / sizeof(throttles[0]); t++)
		json_array_foreach(json_object_get(b, throttles[t].key), i, d)
		{
			snprintf(line, sizeof(line), "%lld:%lld %lld",
				 (long long)json_integer_value(json_object_get(d, "major")),
				 (long long)json_integer_value(json_object_get(d, "minor")),
				 (long long)json_integer_value(json_object_get(d, "rate")));
			if (oci_cg_write(dir, throttles[t].v1, line, e) < 0)
				return -1;
		}
	return 0;
}

int oci_resources_apply(struct container *k, struct zone_error *e)
{
	const char *key;
	json_t *v;
	size_t i;

	if (devices_apply(k, e) < 0 || blockio_apply(k, e) < 0)
		return -1;
	json_array_foreach(k->cfg.hugepages, i, v)
	{
		char file[64], val[32];

		snprintf(file, sizeof(file), "hugetlb.%s.max",
			 json_string_value(json_object_get(v, "pageSize")));
		snprintf(val, sizeof(val), "%lld",
			 (long long)json_integer_value(json_object_get(v, "limit")));
		if (v2_write(k, file, val, "hugepageLimits", e) < 0)
			return -1;
	}
	json_object_foreach(k->cfg.unified, key, v)
	{
		if (v2_write(k, key, json_string_value(v), "unified", e) < 0)
			return -1;
	}
	return 0;
}
