/*
 * A container's cgroup and zone page (create's part, cli/oci_create.c).
 *
 * The cgroup is cgroupsPath below every hierarchy's mount (zone/cgroup.c does the limits,
 * the devices rules and the removal, as for a zone), else <$LXZONE_CGROUP_PARENT or
 * lxzone-oci>/<id>; processes live in it directly (not delegated).  The zone page is what
 * the brand's lxproc reads the container's limits and usage from.
 */
#include "cli/oci_container.h"
#include "lib/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int oci_cgroup_of(const struct oci_state *s, struct zone_cgroup *cg, struct zone_error *e)
{
	struct zone_error ze = {0};
	char parent[OCI_CGROUP_MAX], *slash, *old = getenv("LXZONE_CGROUP_PARENT");
	char saved[OCI_CGROUP_MAX] = "";
	int r;

	snprintf(parent, sizeof(parent), "%s", s->cgroup);
	slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return oci_fail(e, "cgroup %s: needs a parent", s->cgroup);
	*slash = '\0';
	if (old)
		snprintf(saved, sizeof(saved), "%s", old);
	setenv("LXZONE_CGROUP_PARENT", parent, 1);
	r = zone_cgroup_init(cg, NULL, slash + 1, &ze);
	if (old)
		setenv("LXZONE_CGROUP_PARENT", saved, 1);
	else
		unsetenv("LXZONE_CGROUP_PARENT");
	if (r < 0)
		return oci_fail(e, "cgroup %s: %s", s->cgroup, ze.msg);
	return 0;
}

/*
 * The zone page (proc/lxzonepage.h): the container's limits and usage as its lxproc shows
 * them (/proc/meminfo, /proc/stat, /proc/loadavg...), bound read-only into it as a zone's.
 * Sampled once here; the page daemon (oci_page.c) keeps it current while the container lives.
 */
static int page_make(struct container *k, struct zone_error *e)
{
	struct zone_error ze = {0};

	snprintf(k->page_path, sizeof(k->page_path), "%s/zone-page", k->st.dir);
	if (lxzone_page_create(&k->page, k->page_path, lxzone_boottime_ns(), &ze) < 0 ||
	    lxzone_page_sample(&k->page, &k->cg, &ze) < 0)
		return oci_fail(e, "zone page %s: %s", k->page_path, ze.msg);
	k->opts.zone_page_host = k->page_path;
	k->opts.zone_page = LAUNCH_ZONE_PAGE;
	return 0;
}

/* The cgroup's name below every hierarchy: an absolute cgroupsPath from the hierarchy's root, a
 * relative one (of any depth) below the parent, as runc puts it below its own cgroup; else
 * <parent>/<id>. */
static int cgroup_name(const struct oci_config *c, const char *id, char *out, size_t len)
{
	const char *parent = getenv("LXZONE_CGROUP_PARENT");
	const char *p = c->cgroups_path, *rel;
	int n;

	if (!parent || !*parent)
		parent = "lxzone-oci";
	if (!p) {
		n = snprintf(out, len, "%s/%s", parent, id);
	} else {
		rel = p + strspn(p, "/");
		if (rel != p && strchr(rel, '/'))
			n = snprintf(out, len, "%s", rel);
		else /* an absolute path of one level is below the hierarchy's root, as runc:
		      * "." is the parent zone/cgroup.c joins it to */
			n = snprintf(out, len, "%s/%s", rel != p && *rel ? "." : parent, rel);
	}
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int oci_cg_write(const char *dir, const char *file, const char *val, struct zone_error *e)
{
	char path[ZONE_CG_PATH + 256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, val, strlen(val)) != (ssize_t)strlen(val)) {
		int en = errno;

		if (fd >= 0)
			close(fd);
		return oci_fail(e, "write %s to %s: %s", val, path, strerror(en));
	}
	close(fd);
	return 0;
}

/* A v1 cpuset directory made by us inherits its parent's CPUs and memory nodes (a new v1
 * cpuset starts empty, and a task cannot join an empty one). */
static void cpuset_copy(const char *dir)
{
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
	char parent[ZONE_CG_PATH], buf[256];

	snprintf(parent, sizeof(parent), "%s", dir);
	*strrchr(parent, '/') = '\0';
	for (int i = 0; i < 2; i++) {
		if (zone_read_text(buf, sizeof(buf), "%s/%s", parent, files[i]) > 0) {
			struct zone_error e;

			oci_cg_write(dir, files[i], buf, &e);
		}
	}
}

/* mkdir -p of the levels above the cgroup's parent (zone_cgroup_create makes the last
 * two): cgroupsPath may be deep. */
static void cgroup_ancestors(const struct zone_cgroup *cg)
{
	const char *dirs[ZONE_CG_NCTRL + 1];
	size_t n = 0;

	for (int c = 0; c < ZONE_CG_NCTRL; c++)
		if (cg->v1[c][0])
			dirs[n++] = cg->v1[c];
	if (cg->v2[0])
		dirs[n++] = cg->v2;
	for (size_t i = 0; i < n; i++) {
		char p[ZONE_CG_PATH];
		size_t mlen = strlen(cg->mnt);
		char *s;
		int levels = 0;

		snprintf(p, sizeof(p), "%s", dirs[i]);
		/* the parent of the parent, then each level from the hierarchy's root down */
		for (s = p + strlen(p); s > p + mlen && levels < 2; s--)
			if (*s == '/')
				levels++;
		if (levels < 2)
			continue;
		s[1] = '\0';
		for (char *q = strchr(p + mlen + 1, '/'); q; q = strchr(q + 1, '/')) {
			*q = '\0';
			if (mkdir(p, 0755) == 0 && strstr(p, "/cpuset/"))
				cpuset_copy(p);
			*q = '/';
		}
		if (mkdir(p, 0755) == 0 && strstr(p, "/cpuset/"))
			cpuset_copy(p);
	}
}

/* A number of o as the cgroup file wants it; 0 when absent or not an integer. */
static int cg_num(json_t *o, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		return 0;
	snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	return 1;
}

/*
 * linux.resources beyond the zone's limits (zone/cgroup.c, the cpu key in thousandths of a
 * CPU): the exact CFS period and quota, and the memory knobs runc writes.  Kernel memory
 * (deprecated, refused by Linux 5.16+) only warns when the write fails, as runc 1.1.
 */
static int resources_exact(struct container *k, struct zone_error *e)
{
	json_t *r = json_object_get(json_object_get(k->cfg.json, "linux"), "resources");
	json_t *cpu = json_object_get(r, "cpu"), *mem = json_object_get(r, "memory");
	const char *cd = k->cg.v1[ZONE_CG_CPU], *md = k->cg.v1[ZONE_CG_MEMORY];
	char buf[32], q[32];
	struct zone_error ign = {0};

	if (cd[0] && cg_num(cpu, "period", buf, sizeof(buf)) && strcmp(buf, "0") &&
	    oci_cg_write(cd, "cpu.cfs_period_us", buf, e) < 0)
		return -1;
	if (cd[0] && cg_num(cpu, "quota", buf, sizeof(buf)) && strcmp(buf, "0") &&
	    oci_cg_write(cd, "cpu.cfs_quota_us", buf, e) < 0)
		return -1;
	if (!cd[0] && k->cg.layout == ZONE_CG_V2 && cg_num(cpu, "quota", q, sizeof(q)) &&
	    cg_num(cpu, "period", buf, sizeof(buf)) && strcmp(buf, "0")) {
		char max[70];

		snprintf(max, sizeof(max), "%s %s", q, buf);
		if (oci_cg_write(k->cg.v2, "cpu.max", max, e) < 0)
			return -1;
	}
	if (!md[0])
		return 0;
	if (cg_num(mem, "reservation", buf, sizeof(buf)) &&
	    oci_cg_write(md, "memory.soft_limit_in_bytes", buf, e) < 0)
		return -1;
	/* uint64(-1), read as -1 (oci_json_load), is no swappiness, as runc takes it */
	if (cg_num(mem, "swappiness", buf, sizeof(buf)) && strcmp(buf, "-1") &&
	    oci_cg_write(md, "memory.swappiness", buf, e) < 0)
		return -1;
	if (json_is_true(json_object_get(mem, "disableOOMKiller")) &&
	    oci_cg_write(md, "memory.oom_control", "1", e) < 0)
		return -1;
	if (cg_num(mem, "kernel", buf, sizeof(buf)) &&
	    oci_cg_write(md, "memory.kmem.limit_in_bytes", buf, &ign) < 0)
		oci_log("warning", "linux.resources.memory.kernel: %s", ign.msg);
	if (cg_num(mem, "kernelTCP", buf, sizeof(buf)) &&
	    oci_cg_write(md, "memory.kmem.tcp.limit_in_bytes", buf, &ign) < 0)
		oci_log("warning", "linux.resources.memory.kernelTCP: %s", ign.msg);
	return 0;
}

int oci_container_cgroup(struct container *k, struct zone_error *e)
{
	const struct oci_config *c = &k->cfg;
	struct zone_cg_limits lim = {.memory = c->memory,
				     .swap = c->swap,
				     .millicpus = c->millicpus,
				     .pids = c->pids,
				     .devices = true,
				     .root = c->rootfs};
	struct zone_error ze = {0};
	char buf[32];
	int np;
	size_t nfs;

	if (cgroup_name(c, k->st.id, k->st.cgroup, sizeof(k->st.cgroup)) < 0)
		return oci_fail(e, "cgroup name of %s: too long", k->st.id);
	if (oci_cgroup_of(&k->st, &k->cg, e) < 0)
		return -1;
	if (zone_cgroup_exists(&k->cg))
		return oci_fail(e, "cgroup %s exists already", k->st.cgroup);
	cgroup_ancestors(&k->cg);
	k->cg_made = 1;
	if (zone_cgroup_create(&k->cg, &lim, &ze) < 0)
		return oci_fail(e, "create cgroup %s: %s", k->st.cgroup, ze.msg);
	if (c->cpuset_cpus && k->cg.v1[ZONE_CG_CPUSET][0] &&
	    oci_cg_write(k->cg.v1[ZONE_CG_CPUSET], "cpuset.cpus", c->cpuset_cpus, e) < 0)
		return -1;
	if (c->cpuset_mems && k->cg.v1[ZONE_CG_CPUSET][0] &&
	    oci_cg_write(k->cg.v1[ZONE_CG_CPUSET], "cpuset.mems", c->cpuset_mems, e) < 0)
		return -1;
	if (c->cpuset_cpus && k->cg.layout == ZONE_CG_V2 &&
	    oci_cg_write(k->cg.v2, "cpuset.cpus", c->cpuset_cpus, e) < 0)
		return -1;
	if (c->cpu_shares && k->cg.v1[ZONE_CG_CPU][0]) {
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)c->cpu_shares);
		if (oci_cg_write(k->cg.v1[ZONE_CG_CPU], "cpu.shares", buf, e) < 0)
			return -1;
	}
	if (oci_resources_apply(k, e) < 0 || resources_exact(k, e) < 0)
		return -1;
	np = zone_cgroup_procs_files(&k->cg, k->procs, ZONE_CG_NCTRL + 1);
	for (int i = 0; i < np; i++)
		k->procs_ptr[i] = k->procs[i];
	k->opts.cgroup_procs = k->procs_ptr;
	k->opts.ncgroup_procs = (size_t)(np > 0 ? np : 0);
	nfs = zone_cgroup_fs_list(&k->cg, k->cgfs, ZONE_CG_MAXFS);
	for (size_t i = 0; i < nfs; i++) {
		k->cgfs_ops[i].fstype = k->cgfs[i].fstype;
		k->cgfs_ops[i].dest = k->cgfs[i].dest;
		k->cgfs_ops[i].data = k->cgfs[i].data;
		k->cgfs_ops[i].rw = 0; /* not delegated: the limits are at its root */
	}
	k->opts.cgroupfs = k->cgfs_ops;
	k->opts.ncgroupfs = nfs;
	return page_make(k, e);
}
