#include "zone/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

static const char *const ctrl_names[ZONE_CG_NCTRL] = {
    [ZONE_CG_MEMORY] = "memory",   [ZONE_CG_CPU] = "cpu",	  [ZONE_CG_CPUACCT] = "cpuacct",
    [ZONE_CG_CPUSET] = "cpuset",   [ZONE_CG_PIDS] = "pids",	  [ZONE_CG_FREEZER] = "freezer",
    [ZONE_CG_DEVICES] = "devices", [ZONE_CG_SYSTEMD] = "systemd",
};

const char *zone_cg_layout_name(enum zone_cg_layout l)
{
	return l == ZONE_CG_V2 ? "v2" : l == ZONE_CG_HYBRID ? "hybrid" : "v1";
}

static int exists(const char *dir, const char *file)
{
	char p[ZONE_CG_PATH + 64];
	snprintf(p, sizeof(p), "%s/%s", dir, file);
	return access(p, F_OK) == 0;
}

static const char *parent_name(void)
{
	const char *p = getenv("LXZONE_CGROUP_PARENT");
	return p && *p ? p : "lxzone";
}

int zone_cgroup_init(struct zone_cgroup *cg, const char *mnt, const char *zone,
		     struct zone_error *err)
{
	char unified[300];

	memset(cg, 0, sizeof(*cg));
	snprintf(cg->mnt, sizeof(cg->mnt), "%s", mnt ? mnt : "/sys/fs/cgroup");
	snprintf(unified, sizeof(unified), "%s/unified", cg->mnt);
	if (exists(cg->mnt, "cgroup.controllers")) {
		cg->layout = ZONE_CG_V2;
		snprintf(cg->v2, sizeof(cg->v2), "%s/%s/%s", cg->mnt, parent_name(), zone);
		return 0;
	}
	cg->layout = exists(unified, "cgroup.controllers") ? ZONE_CG_HYBRID : ZONE_CG_V1;
	int found = 0;
	for (int c = 0; c < ZONE_CG_NCTRL; c++) {
		char d[300];
		snprintf(d, sizeof(d), "%s/%s", cg->mnt, ctrl_names[c]);
		if (!exists(d, "cgroup.procs"))
			continue;
		snprintf(cg->v1[c], sizeof(cg->v1[c]), "%s/%s/%s", d, parent_name(), zone);
		found++;
	}
	if (found == 0)
		return zone_error_set(err, ENOENT, "no cgroup hierarchy under %s", cg->mnt);
	if (cg->layout == ZONE_CG_HYBRID)
		snprintf(cg->v2, sizeof(cg->v2), "%s/%s/%s", unified, parent_name(), zone);
	return 0;
}

void zone_cgroup_delegate(struct zone_cgroup *cg)
{
	snprintf(cg->inner, sizeof(cg->inner), "%s", ZONE_CG_INNER);
}

/* The zone's cgroup directories, one per hierarchy used (co-mounted v1 controllers give the
 * same directory twice); returns how many. */
static size_t cgroup_dirs(const struct zone_cgroup *cg, const char *dirs[ZONE_CG_NCTRL + 1])
{
	size_t n = 0;

	if (cg->layout != ZONE_CG_V2)
		for (int c = 0; c < ZONE_CG_NCTRL; c++)
			if (cg->v1[c][0])
				dirs[n++] = cg->v1[c];
	if (cg->v2[0])
		dirs[n++] = cg->v2;
	return n;
}

bool zone_cgroup_inner_exists(const struct zone_cgroup *cg)
{
	const char *dirs[ZONE_CG_NCTRL + 1];

	return cg->inner[0] && cgroup_dirs(cg, dirs) > 0 && exists(dirs[0], cg->inner);
}

int zone_cgroup_chown(const struct zone_cgroup *cg, uid_t uid, gid_t gid, struct zone_error *err)
{
	const char *dirs[ZONE_CG_NCTRL + 1];
	size_t n = cgroup_dirs(cg, dirs);

	if (!cg->inner[0])
		return 0;
	for (size_t i = 0; i < n; i++) {
		char d[ZONE_CG_PATH + 32];
		DIR *dir;
		struct dirent *de;
		int e = 0;

		snprintf(d, sizeof(d), "%s/%s", dirs[i], cg->inner);
		dir = opendir(d);
		if (dir == NULL)
			return zone_error_set(err, errno, "delegate cgroup %s", d);
		/* the directory (sub-cgroups) and its files (cgroup.procs, tasks, the
		 * controllers' knobs below the zone's caps) */
		if (fchown(dirfd(dir), uid, gid) < 0)
			e = errno;
		while (e == 0 && (de = readdir(dir)) != NULL)
			if (de->d_name[0] != '.' &&
			    fchownat(dirfd(dir), de->d_name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
				e = errno;
		closedir(dir);
		if (e)
			return zone_error_set(err, e, "delegate cgroup %s to %u:%u", d,
					      (unsigned)uid, (unsigned)gid);
	}
	return 0;
}

static int write_file(const char *dir, const char *file, const char *val, struct zone_error *err)
{
	char p[ZONE_CG_PATH + 64];
	int fd;
	ssize_t n;

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	fd = open(p, O_WRONLY | O_CLOEXEC | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return zone_error_set(err, errno, "open %s", p);
	n = write(fd, val, strlen(val));
	if (n < 0) {
		int e = errno;
		close(fd);
		return zone_error_set(err, e, "write '%s' to %s", val, p);
	}
	close(fd);
	return 0;
}

static int read_file(const char *dir, const char *file, char *buf, size_t sz)
{
	char p[ZONE_CG_PATH + 64];
	int fd;
	ssize_t n;

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sz - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

/* Is word one of the space-separated words of list ("cpu" is not in "cpuset memory")? */
static bool word_in(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ' || p[n] == '\n'))
			return true;
	return false;
}

static int mkdir_one(const char *path, struct zone_error *err)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return zone_error_set(err, errno, "mkdir %s", path);
	return 0;
}

/* cpuset.cpus and cpuset.mems start empty in a new v1 cgroup: inherit the parent's. */
static int cpuset_inherit(const char *dir, struct zone_error *err)
{
	char parent[ZONE_CG_PATH], val[1024];
	const char *files[] = {"cpuset.cpus", "cpuset.mems"};

	snprintf(parent, sizeof(parent), "%s", dir);
	*strrchr(parent, '/') = '\0';
	for (int i = 0; i < 2; i++) {
		char cur[1024];
		if (read_file(dir, files[i], cur, sizeof(cur)) == 0 && cur[0] != '\0')
			continue;
		if (read_file(parent, files[i], val, sizeof(val)) < 0)
			continue;
		if (write_file(dir, files[i], val, err) < 0)
			return -1;
	}
	return 0;
}

/* The first n CPUs of a cpu list like "0-3,8-11", as a list. */
static void first_cpus(const char *list, unsigned n, char *out, size_t sz)
{
	const char *p = list;
	size_t o = 0;

	out[0] = '\0';
	while (*p && n > 0) {
		char *end;
		unsigned long a = strtoul(p, &end, 10), b = a;
		if (end == p)
			break;
		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		for (unsigned long c = a; c <= b && n > 0; c++, n--)
			o += (size_t)snprintf(out + o, sz - o, "%s%lu", o ? "," : "", c);
		p = *end == ',' ? end + 1 : end;
	}
}

static unsigned ceil_cpus(uint64_t milli)
{
	return (unsigned)((milli + 999) / 1000);
}

/*
 * The character devices of the zone's /dev (zone/launch/launch_plan.c: dev_nodes, and devpts with
 * newinstance, whose ptmx is 5:2 and whose slaves are Unix98 ptys, major 136), read, write
 * and mknod; and mknod of any node, as LXC and runc allow, since a node is only a name: what
 * matters is whether it opens.
 */
static const char *const dev_rules[] = {
    "c *:* m",	 "b *:* m",	/* mknod only */
    "c 1:3 rwm", "c 1:5 rwm",	/* null, zero */
    "c 1:7 rwm", "c 1:8 rwm",	/* full, random */
    "c 1:9 rwm", "c 5:0 rwm",	/* urandom, tty */
    "c 5:2 rwm", "c 136:* rwm", /* ptmx, /dev/pts/N */
};

size_t zone_cgroup_device_rules(const unsigned long *blockdevs, size_t n,
				char rules[][ZONE_CG_RULE], size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < sizeof(dev_rules) / sizeof(dev_rules[0]) && k < max; i++)
		snprintf(rules[k++], ZONE_CG_RULE, "%s", dev_rules[i]);
	for (size_t i = 0; i < n && k < max; i++)
		snprintf(rules[k++], ZONE_CG_RULE, "b %u:%u rwm", major((dev_t)blockdevs[i]),
			 minor((dev_t)blockdevs[i]));
	return k;
}

bool zone_cgroup_confines_devices(const struct zone_cgroup *cg)
{
	return cg->layout != ZONE_CG_V2 && cg->v1[ZONE_CG_DEVICES][0] != '\0';
}

/* Deny every device, then allow the rules: one write(2) per rule, as the kernel parses them. */
static int devices_confine(const char *dir, const struct zone_cg_limits *lim,
			   struct zone_error *err)
{
	char rules[sizeof(dev_rules) / sizeof(dev_rules[0]) + 64][ZONE_CG_RULE];
	size_t n = zone_cgroup_device_rules(lim->blockdevs, lim->nblockdevs, rules,
					    sizeof(rules) / sizeof(rules[0]));
	char p[ZONE_CG_PATH + 64];
	int fd;

	if (lim->nblockdevs + sizeof(dev_rules) / sizeof(dev_rules[0]) > n)
		return zone_error_set(err, E2BIG, "%zu block devices: too many", lim->nblockdevs);
	if (write_file(dir, "devices.deny", "a", err) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/devices.allow", dir);
	fd = open(p, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return zone_error_set(err, errno, "open %s", p);
	for (size_t i = 0; i < n; i++) {
		char line[ZONE_CG_RULE + 1];
		int len = snprintf(line, sizeof(line), "%s\n", rules[i]);

		if (write(fd, line, (size_t)len) != len) {
			int e = errno;
			close(fd);
			return zone_error_set(err, e, "write '%s' to %s", rules[i], p);
		}
	}
	close(fd);
	return 0;
}

static int create_v1(struct zone_cgroup *cg, const struct zone_cg_limits *lim,
		     struct zone_error *err)
{
	char buf[64];

	for (int c = 0; c < ZONE_CG_NCTRL; c++) {
		char parent[ZONE_CG_PATH];
		if (cg->v1[c][0] == '\0')
			continue;
		snprintf(parent, sizeof(parent), "%s", cg->v1[c]);
		*strrchr(parent, '/') = '\0';
		if (mkdir_one(parent, err) < 0 || mkdir_one(cg->v1[c], err) < 0)
			return -1;
		if (c == ZONE_CG_CPUSET &&
		    (cpuset_inherit(parent, err) < 0 || cpuset_inherit(cg->v1[c], err) < 0))
			return -1;
		if (c == ZONE_CG_DEVICES && lim->devices &&
		    devices_confine(cg->v1[c], lim, err) < 0)
			return -1;
	}
	const char *mem = cg->v1[ZONE_CG_MEMORY];
	if (lim->memory != UINT64_MAX) {
		if (!*mem)
			return zone_error_set(err, 0, "memory cap set but no memory controller");
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)lim->memory);
		if (write_file(mem, "memory.limit_in_bytes", buf, err) < 0)
			return -1;
		if (exists(mem, "memory.memsw.limit_in_bytes")) {
			if (lim->swap == UINT64_MAX)
				snprintf(buf, sizeof(buf), "-1");
			else
				snprintf(buf, sizeof(buf), "%llu",
					 (unsigned long long)(lim->memory + lim->swap));
			if (write_file(mem, "memory.memsw.limit_in_bytes", buf, err) < 0)
				return -1;
		} else if (lim->swap != UINT64_MAX) {
			/* No swap accounting: keep the zone out of swap so the cap is a cap. */
			write_file(mem, "memory.swappiness", "0", NULL);
		}
	}
	if (lim->millicpus != UINT64_MAX) {
		const char *cpu = cg->v1[ZONE_CG_CPU];
		const char *cs = cg->v1[ZONE_CG_CPUSET];
		if (*cpu) {
			snprintf(buf, sizeof(buf), "%llu",
				 (unsigned long long)lim->millicpus * 100);
			if (write_file(cpu, "cpu.cfs_period_us", "100000", err) < 0 ||
			    write_file(cpu, "cpu.cfs_quota_us", buf, err) < 0)
				return -1;
		}
		if (*cs) {
			char all[1024], some[1024];
			if (read_file(cs, "cpuset.cpus", all, sizeof(all)) == 0 && all[0]) {
				first_cpus(all, ceil_cpus(lim->millicpus), some, sizeof(some));
				if (write_file(cs, "cpuset.cpus", some, err) < 0)
					return -1;
			}
		}
	}
	if (lim->pids != UINT64_MAX) {
		const char *p = cg->v1[ZONE_CG_PIDS];
		if (!*p)
			return zone_error_set(err, 0, "pids cap set but no pids controller");
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)lim->pids);
		if (write_file(p, "pids.max", buf, err) < 0)
			return -1;
	}
	if (cg->v2[0]) {
		/* Hybrid: a tracking cgroup in the unified hierarchy; no limits live there. */
		char parent[ZONE_CG_PATH];
		snprintf(parent, sizeof(parent), "%s", cg->v2);
		*strrchr(parent, '/') = '\0';
		if (mkdir_one(parent, err) < 0 || mkdir_one(cg->v2, err) < 0)
			return -1;
	}
	return 0;
}

static int create_v2(struct zone_cgroup *cg, const struct zone_cg_limits *lim,
		     struct zone_error *err)
{
	char parent[ZONE_CG_PATH], buf[128], avail[256];
	const char *want[] = {"memory", "cpu", "cpuset", "pids"};

	snprintf(parent, sizeof(parent), "%s", cg->v2);
	*strrchr(parent, '/') = '\0';
	if (mkdir_one(parent, err) < 0)
		return -1;
	/* Delegate the controllers we use from the top down to the zone's parent. */
	if (read_file(cg->mnt, "cgroup.controllers", avail, sizeof(avail)) < 0)
		avail[0] = '\0';
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (!word_in(avail, want[i]))
			continue;
		snprintf(buf, sizeof(buf), "+%s", want[i]);
		write_file(cg->mnt, "cgroup.subtree_control", buf, NULL);
		write_file(parent, "cgroup.subtree_control", buf, NULL);
	}
	if (mkdir_one(cg->v2, err) < 0)
		return -1;
	if (lim->memory != UINT64_MAX) {
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)lim->memory);
		if (write_file(cg->v2, "memory.max", buf, err) < 0)
			return -1;
		if (lim->swap == UINT64_MAX)
			snprintf(buf, sizeof(buf), "max");
		else
			snprintf(buf, sizeof(buf), "%llu", (unsigned long long)lim->swap);
		if (exists(cg->v2, "memory.swap.max") &&
		    write_file(cg->v2, "memory.swap.max", buf, err) < 0)
			return -1;
	}
	if (lim->millicpus != UINT64_MAX) {
		char all[1024], some[1024];
		snprintf(buf, sizeof(buf), "%llu 100000", (unsigned long long)lim->millicpus * 100);
		if (write_file(cg->v2, "cpu.max", buf, err) < 0)
			return -1;
		if (read_file(cg->v2, "cpuset.cpus.effective", all, sizeof(all)) == 0 && all[0]) {
			first_cpus(all, ceil_cpus(lim->millicpus), some, sizeof(some));
			if (write_file(cg->v2, "cpuset.cpus", some, err) < 0)
				return -1;
		}
	}
	if (lim->pids != UINT64_MAX) {
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)lim->pids);
		if (write_file(cg->v2, "pids.max", buf, err) < 0)
			return -1;
	}
	return 0;
}

/*
 * The caps copied from the zone's cgroup into its delegated child, in an order the kernel
 * accepts (memory before memsw; period before quota): the zone then reads its caps where
 * programs look for them (its cgroup namespace's root: the JVM, Go runtimes, systemd,
 * lxproc-less tools).  The copy is the zone's to change; the caps that bind stay in the zone's
 * cgroup above it.
 */
static const struct {
	enum zone_cg_ctrl ctrl;
	const char *file;
} v1_mirrored[] = {
    {ZONE_CG_MEMORY, "memory.limit_in_bytes"},
    {ZONE_CG_MEMORY, "memory.memsw.limit_in_bytes"},
    {ZONE_CG_CPU, "cpu.cfs_period_us"},
    {ZONE_CG_CPU, "cpu.cfs_quota_us"},
    {ZONE_CG_PIDS, "pids.max"},
};
static const char *const v2_mirrored[] = {"memory.max", "memory.swap.max", "cpu.max", "pids.max"};

/* Copy dir/file to dir/inner/file when dir has it. */
static int mirror(const char *dir, const char *inner, const char *file, struct zone_error *err)
{
	char val[64], d[ZONE_CG_PATH + 32];

	if (read_file(dir, file, val, sizeof(val)) < 0 || val[0] == '\0')
		return 0;
	snprintf(d, sizeof(d), "%s/%s", dir, inner);
	return write_file(d, file, val, err);
}

/* Controllers a v2 zone cgroup hands on to its delegated child. */
static const char *const v2_delegated[] = {"memory", "cpu", "cpuset", "pids", "io"};

/*
 * The delegated child, once the zone's cgroup has its limits and device rules: a new v1
 * cgroup starts with its parent's device rules (and, with cgroup.clone_children, its cpuset),
 * so the child never holds more than the zone; its caps are copied (v1_mirrored).  Its cpuset gets
 * clone_children so that the cgroups the zone makes start with CPUs and memory nodes (empty ones
 * could take no task), as LXC does.  In v2 the zone's cgroup enables its controllers in
 * cgroup.subtree_control (it has no process of its own, so the no-internal-process rule allows it):
 * the child then has them to use and to hand on.
 */
static int create_inner(struct zone_cgroup *cg, struct zone_error *err)
{
	char d[ZONE_CG_PATH + 32], avail[256], buf[64];

	if (!cg->inner[0])
		return 0;
	if (cg->layout != ZONE_CG_V2)
		for (int c = 0; c < ZONE_CG_NCTRL; c++) {
			if (!cg->v1[c][0])
				continue;
			snprintf(d, sizeof(d), "%s/%s", cg->v1[c], cg->inner);
			if (mkdir_one(d, err) < 0)
				return -1;
			if (c == ZONE_CG_CPUSET &&
			    (cpuset_inherit(d, err) < 0 ||
			     write_file(d, "cgroup.clone_children", "1", err) < 0))
				return -1;
			for (size_t i = 0; i < sizeof(v1_mirrored) / sizeof(v1_mirrored[0]); i++)
				if (v1_mirrored[i].ctrl == (enum zone_cg_ctrl)c &&
				    mirror(cg->v1[c], cg->inner, v1_mirrored[i].file, err) < 0)
					return -1;
		}
	if (!cg->v2[0])
		return 0;
	/* one write: "+memory +cpu ..." */
	if (cg->layout == ZONE_CG_V2 &&
	    read_file(cg->v2, "cgroup.controllers", avail, sizeof(avail)) == 0) {
		size_t o = 0;

		for (size_t i = 0; i < sizeof(v2_delegated) / sizeof(v2_delegated[0]); i++)
			if (word_in(avail, v2_delegated[i]))
				o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s+%s",
						      o ? " " : "", v2_delegated[i]);
		if (o && write_file(cg->v2, "cgroup.subtree_control", buf, err) < 0)
			return -1;
	}
	snprintf(d, sizeof(d), "%s/%s", cg->v2, cg->inner);
	if (mkdir_one(d, err) < 0)
		return -1;
	for (size_t i = 0;
	     cg->layout == ZONE_CG_V2 && i < sizeof(v2_mirrored) / sizeof(v2_mirrored[0]); i++)
		if (mirror(cg->v2, cg->inner, v2_mirrored[i], err) < 0)
			return -1;
	return 0;
}

int zone_cgroup_create(struct zone_cgroup *cg, const struct zone_cg_limits *lim,
		       struct zone_error *err)
{
	int r = cg->layout == ZONE_CG_V2 ? create_v2(cg, lim, err) : create_v1(cg, lim, err);
	if (r == 0)
		r = create_inner(cg, err);
	if (r < 0) {
		zone_cgroup_remove(cg, NULL);
		return zone_error_wrap(err, "cgroup (%s)", zone_cg_layout_name(cg->layout));
	}
	return 0;
}

int zone_cgroup_procs_files(struct zone_cgroup *cg, char files[][ZONE_CG_PROCS], size_t max)
{
	const char *dirs[ZONE_CG_NCTRL + 1];
	size_t nd = cgroup_dirs(cg, dirs), n = 0;

	for (size_t i = 0; i < nd && n < max; i++)
		snprintf(files[n++], ZONE_CG_PROCS, "%s%s%s/cgroup.procs", dirs[i],
			 cg->inner[0] ? "/" : "", cg->inner);
	return (int)n;
}

/* The name of the hierarchy a v1 controller lives in: "cpu,cpuacct" when <mnt>/cpu is the
 * usual symlink to a co-mounted hierarchy, else the controller's own name. */
static void v1_hierarchy_name(const struct zone_cgroup *cg, int c, char *buf, size_t sz)
{
	char link[300], target[64];
	ssize_t n;

	snprintf(link, sizeof(link), "%s/%s", cg->mnt, ctrl_names[c]);
	n = readlink(link, target, sizeof(target) - 1);
	if (n > 0 && !memchr(target, '/', (size_t)n) && target[0] != '.') {
		target[n] = '\0';
		snprintf(buf, sz, "%s", target);
		return;
	}
	snprintf(buf, sz, "%s", ctrl_names[c]);
}

static struct zone_cgroup_fs *fs_add(struct zone_cgroup_fs *out, size_t max, size_t *n,
				     const char *fstype, const char *name, const char *data)
{
	struct zone_cgroup_fs *f;

	if (*n >= max)
		return NULL;
	f = &out[(*n)++];
	memset(f, 0, sizeof(*f));
	snprintf(f->fstype, sizeof(f->fstype), "%s", fstype);
	/* a name that does not fit (no real controller's) is left out, not truncated */
	if (snprintf(f->dest, sizeof(f->dest), "/sys/fs/cgroup%s%s", *name ? "/" : "", name) >=
	    (int)sizeof(f->dest)) {
		(*n)--;
		return NULL;
	}
	snprintf(f->data, sizeof(f->data), "%s", data);
	f->rw = false;
	return f;
}

static size_t fs_list(const struct zone_cgroup *cg, struct zone_cgroup_fs *out, size_t max)
{
	size_t n = 0;

	if (cg->layout == ZONE_CG_V2) {
		fs_add(out, max, &n, "cgroup2", "", "");
		return n;
	}
	for (int c = 0; c < ZONE_CG_NCTRL; c++) {
		char name[64];
		size_t i;

		if (!cg->v1[c][0])
			continue;
		v1_hierarchy_name(cg, c, name, sizeof(name));
		for (i = 0; i < n; i++)
			if (!strcmp(out[i].fstype, "cgroup") && !strcmp(out[i].data, name))
				break;
		if (i == n && !fs_add(out, max, &n, "cgroup", name,
				      c == ZONE_CG_SYSTEMD ? "none,name=systemd" : name))
			return n;
		if (strcmp(name, ctrl_names[c]) != 0 &&
		    !fs_add(out, max, &n, "symlink", ctrl_names[c], name))
			return n;
	}
	if (cg->v2[0])
		fs_add(out, max, &n, "cgroup2", "unified", "");
	return n;
}

size_t zone_cgroup_fs_list(const struct zone_cgroup *cg, struct zone_cgroup_fs *out, size_t max)
{
	size_t n = fs_list(cg, out, max);

	for (size_t i = 0; i < n; i++)
		out[i].rw = cg->inner[0] && strcmp(out[i].fstype, "symlink") != 0;
	return n;
}

int zone_cgroup_join(struct zone_cgroup *cg, pid_t pid, struct zone_error *err)
{
	char files[ZONE_CG_NCTRL + 1][ZONE_CG_PROCS];
	char buf[32];
	int n = zone_cgroup_procs_files(cg, files, ZONE_CG_NCTRL + 1);

	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (int i = 0; i < n; i++) {
		int fd = open(files[i], O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, buf, strlen(buf)) < 0) {
			int e = errno;
			if (fd >= 0)
				close(fd);
			return zone_error_set(err, e, "join %s", files[i]);
		}
		close(fd);
	}
	return 0;
}

/* Is the cgroup path p (len bytes, each component after a '/') free of empty, "." and ".."
 * components?  The kernel never writes them; a path built from one is refused anyway. */
static bool clean_path(const char *p, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t j = i + 1;

		while (j < len && p[j] != '/')
			j++;
		if (p[i] != '/' || j == i + 1 || (j == i + 2 && p[i + 1] == '.') ||
		    (j == i + 3 && p[i + 1] == '.' && p[i + 2] == '.'))
			return false;
		i = j;
	}
	return true;
}

int zone_cgroup_v2_dir_of(const struct zone_cgroup *cg, const char *proc_cgroup, char *out,
			  size_t sz)
{
	size_t ml = strlen(cg->mnt), wl, len;
	const char *rel = NULL;
	char want[ZONE_CG_PATH + 32];

	/* the zone's delegated child, relative to the cgroup2 mount */
	if (!cg->v2[0] || !cg->inner[0] || strncmp(cg->v2, cg->mnt, ml) != 0)
		return -1;
	wl = (size_t)snprintf(want, sizeof(want), "%s/%s", cg->v2 + ml, cg->inner);
	/* the cgroup2 line: "0::PATH" */
	for (const char *l = proc_cgroup; l != NULL; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (strncmp(l, "0::", 3) == 0) {
			rel = l + 3;
			break;
		}
	if (rel == NULL)
		return -1;
	len = strcspn(rel, "\n");
	if (len < wl || strncmp(rel, want, wl) != 0 || (len > wl && rel[wl] != '/') ||
	    !clean_path(rel, len))
		return -1;
	if ((size_t)snprintf(out, sz, "%s%.*s", cg->mnt, (int)len, rel) >= sz)
		return -1;
	return 0;
}

int zone_cgroup_enter_files(struct zone_cgroup *cg, pid_t init, char files[][ZONE_CG_PROCS],
			    size_t max, struct zone_error *err)
{
	char inner[ZONE_CG_PATH + 32], ctl[256], path[64], text[4096], dir[ZONE_CG_PATH];
	int n = zone_cgroup_procs_files(cg, files, max);
	ssize_t got;
	int fd;

	if (cg->layout != ZONE_CG_V2 || !cg->inner[0] || n < 1)
		return n;
	snprintf(inner, sizeof(inner), "%s/%s", cg->v2, cg->inner);
	if (read_file(inner, "cgroup.subtree_control", ctl, sizeof(ctl)) < 0 || ctl[0] == '\0')
		return n;
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)init);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return zone_error_set(err, errno, "%s", path);
	got = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (got < 0)
		return zone_error_set(err, errno, "%s", path);
	text[got] = '\0';
	if (zone_cgroup_v2_dir_of(cg, text, dir, sizeof(dir)) < 0)
		return zone_error_set(err, EPERM, "the zone's init is in no cgroup of the zone");
	snprintf(files[0], ZONE_CG_PROCS, "%s/cgroup.procs", dir);
	return n;
}

/*
 * Walking a zone's cgroup and every cgroup the zone made below it.  Descriptors, not paths:
 * a deep tree never makes a path too long, and one descriptor a level (up to
 * ZONE_CG_MAX_DEPTH) is all a walk holds.  A cgroup file system has no symlinks and no
 * files that are directories, so the walk meets only cgroups; O_NOFOLLOW keeps it so on the
 * fake trees of the unit tests.
 */
struct cg_walk {
	void (*visit)(int dfd, struct cg_walk *w); /* every cgroup, parents first */
	bool remove;				   /* rmdir every cgroup below, children first */
	bool kill;				   /* visit_procs: SIGKILL each pid */
	int pids;				   /* visit_procs: pids seen */
	int err;				   /* first errno of a failed rmdir, or ELOOP */
};

/* The names of the directories right below dfd, NUL-separated in one malloc'd buffer of *len
 * bytes, read whole before any of them is removed.  "." and ".." are left out; other names
 * may begin with a dot (LXC makes ".lxc"). */
static char *child_names(int dfd, size_t *len)
{
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	char *buf = NULL;
	size_t n = 0, cap = 0;

	*len = 0;
	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		const char *nm = de->d_name;
		struct stat st;
		size_t l = strlen(nm) + 1;

		if (nm[0] == '.' && (nm[1] == '\0' || (nm[1] == '.' && nm[2] == '\0')))
			continue;
		if (de->d_type != DT_DIR &&
		    (de->d_type != DT_UNKNOWN || fstatat(dfd, nm, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		     !S_ISDIR(st.st_mode)))
			continue;
		if (n + l > cap) {
			char *nb = realloc(buf, cap = 2 * (cap + l));
			if (nb == NULL)
				break;
			buf = nb;
		}
		memcpy(buf + n, nm, l);
		n += l;
	}
	closedir(d);
	*len = n;
	return buf;
}

static int rmdir_retry_at(int dfd, const char *name)
{
	for (int i = 0; i < 100; i++) {
		if (unlinkat(dfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -1;
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return -1;
}

static void walk_below(int dfd, int depth, struct cg_walk *w)
{
	size_t len;
	char *names;

	if (w->visit)
		w->visit(dfd, w);
	names = child_names(dfd, &len);
	for (size_t off = 0; off < len; off += strlen(names + off) + 1) {
		const char *name = names + off;
		int c;

		if (depth >= ZONE_CG_MAX_DEPTH) {
			if (!w->err)
				w->err = ELOOP;
			break;
		}
		c = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (c < 0)
			continue; /* removed meanwhile */
		walk_below(c, depth + 1, w);
		close(c);
		if (w->remove && rmdir_retry_at(dfd, name) < 0 && !w->err)
			w->err = errno;
	}
	free(names);
}

/* Walk each of the zone's cgroup directories (a missing one is fine). */
static void walk(const struct zone_cgroup *cg, const char *only, struct cg_walk *w)
{
	const char *dirs[ZONE_CG_NCTRL + 1];
	size_t n = cgroup_dirs(cg, dirs);

	for (size_t i = 0; i < n; i++) {
		if (only && strcmp(dirs[i], only) != 0)
			continue;
		int fd = open(dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;
		walk_below(fd, 0, w);
		close(fd);
	}
}

static void visit_procs(int dfd, struct cg_walk *w)
{
	int fd = openat(dfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
	FILE *f = fd >= 0 ? fdopen(fd, "re") : NULL;
	long pid;

	if (f == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while (fscanf(f, "%ld", &pid) == 1) {
		w->pids++;
		if (w->kill && pid > 0)
			kill((pid_t)pid, SIGKILL);
	}
	fclose(f);
}

static void visit_thaw(int dfd, struct cg_walk *w)
{
	int fd = openat(dfd, "freezer.state", O_WRONLY | O_CLOEXEC);

	(void)w;
	if (fd >= 0) {
		if (write(fd, "THAWED", 6) < 0) {
			/* gone meanwhile: nothing to thaw */
		}
		close(fd);
	}
}

/* Pids listed in the zone's cgroups and below (SIGKILLed when kill); returns how many. */
static int for_each_pid(struct zone_cgroup *cg, bool kill)
{
	struct cg_walk w = {.visit = visit_procs, .kill = kill};

	walk(cg, NULL, &w);
	return w.pids;
}

int zone_cgroup_count(struct zone_cgroup *cg)
{
	return for_each_pid(cg, false);
}

/* Thaw the freezer cgroup fz and every cgroup under it. */
static void thaw_all(struct zone_cgroup *cg, const char *fz)
{
	struct cg_walk w = {.visit = visit_thaw};

	walk(cg, fz, &w);
}

int zone_cgroup_kill(struct zone_cgroup *cg, int timeout_ms, struct zone_error *err)
{
	const char *fz = cg->layout == ZONE_CG_V2 ? "" : cg->v1[ZONE_CG_FREEZER];
	bool freezer = *fz && exists(fz, "freezer.state");
	int waited = 0;

	/* cgroup.kill (Linux 5.14) kills the whole subtree at once; hybrid hosts have it too,
	 * in the unified tracking cgroup. */
	if (cg->v2[0] && exists(cg->v2, "cgroup.kill"))
		write_file(cg->v2, "cgroup.kill", "1", NULL);
	/* Freeze first so a fork bomb cannot outrun the kill loop (freezing the zone's cgroup
	 * freezes every cgroup under it). */
	if (freezer)
		write_file(fz, "freezer.state", "FROZEN", NULL);
	while (for_each_pid(cg, true) > 0) {
		if (freezer)
			thaw_all(cg, fz);
		if (waited >= timeout_ms)
			return zone_error_set(err, EBUSY, "processes remain in the zone's cgroup");
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
		waited += 10;
		if (freezer)
			write_file(fz, "freezer.state", "FROZEN", NULL);
	}
	if (freezer)
		thaw_all(cg, fz);
	return 0;
}

int zone_cgroup_remove(struct zone_cgroup *cg, struct zone_error *err)
{
	const char *dirs[ZONE_CG_NCTRL + 1];
	size_t n = cgroup_dirs(cg, dirs);
	int ret = 0;

	for (size_t i = 0; i < n; i++) {
		struct cg_walk w = {.remove = true};

		walk(cg, dirs[i], &w);
		if (w.err) {
			ret = zone_error_set(err, w.err, "remove cgroups under %s", dirs[i]);
			continue;
		}
		if (rmdir_retry_at(AT_FDCWD, dirs[i]) < 0)
			ret = zone_error_set(err, errno, "remove cgroup %s", dirs[i]);
	}
	return ret;
}

int zone_cgroup_exists(struct zone_cgroup *cg)
{
	struct stat st;
	for (int c = 0; c < ZONE_CG_NCTRL; c++)
		if (cg->layout != ZONE_CG_V2 && cg->v1[c][0] && stat(cg->v1[c], &st) == 0)
			return 1;
	return cg->v2[0] && stat(cg->v2, &st) == 0;
}

bool zone_cgroup_cpus_native(const struct zone_cgroup *cg, uint64_t millicpus)
{
	char list[1024], extra;
	unsigned last;
	int r = -1;

	if (*cg->v1[ZONE_CG_CPUSET])
		r = read_file(cg->v1[ZONE_CG_CPUSET], "cpuset.effective_cpus", list, sizeof(list));
	else if (cg->layout == ZONE_CG_V2)
		r = read_file(cg->v2, "cpuset.cpus.effective", list, sizeof(list));
	if (r < 0)
		r = read_file("/sys/devices/system/cpu", "online", list, sizeof(list));
	if (r < 0)
		return false;
	if (strcmp(list, "0") == 0)
		last = 0;
	else if (sscanf(list, "0-%u%c", &last, &extra) != 1)
		return false;
	/* a quota below the cpuset's size cuts the zone's CPUs (lxproc_zone_cpus) */
	return millicpus == 0 || millicpus == UINT64_MAX || ceil_cpus(millicpus) >= last + 1;
}
