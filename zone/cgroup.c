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
    [ZONE_CG_MEMORY] = "memory",   [ZONE_CG_CPU] = "cpu",   [ZONE_CG_CPUACCT] = "cpuacct",
    [ZONE_CG_CPUSET] = "cpuset",   [ZONE_CG_PIDS] = "pids", [ZONE_CG_FREEZER] = "freezer",
    [ZONE_CG_DEVICES] = "devices",
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
 * The character devices of the zone's /dev (cli/launch_plan.c: dev_nodes, and devpts with
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
		if (strstr(avail, want[i]) == NULL)
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

int zone_cgroup_create(struct zone_cgroup *cg, const struct zone_cg_limits *lim,
		       struct zone_error *err)
{
	int r = cg->layout == ZONE_CG_V2 ? create_v2(cg, lim, err) : create_v1(cg, lim, err);
	if (r < 0) {
		zone_cgroup_remove(cg, NULL);
		return zone_error_wrap(err, "cgroup (%s)", zone_cg_layout_name(cg->layout));
	}
	return 0;
}

int zone_cgroup_procs_files(struct zone_cgroup *cg, char files[][ZONE_CG_PATH + 16], size_t max)
{
	size_t n = 0;

	if (cg->layout != ZONE_CG_V2)
		for (int c = 0; c < ZONE_CG_NCTRL && n < max; c++)
			if (cg->v1[c][0])
				snprintf(files[n++], ZONE_CG_PATH + 16, "%s/cgroup.procs",
					 cg->v1[c]);
	if (cg->v2[0] && n < max)
		snprintf(files[n++], ZONE_CG_PATH + 16, "%s/cgroup.procs", cg->v2);
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
	snprintf(f->dest, sizeof(f->dest), "/sys/fs/cgroup%s%s", *name ? "/" : "", name);
	snprintf(f->data, sizeof(f->data), "%s", data);
	return f;
}

size_t zone_cgroup_fs_list(const struct zone_cgroup *cg, struct zone_cgroup_fs *out, size_t max)
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
		if (i == n && !fs_add(out, max, &n, "cgroup", name, name))
			return n;
		if (strcmp(name, ctrl_names[c]) != 0 &&
		    !fs_add(out, max, &n, "symlink", ctrl_names[c], name))
			return n;
	}
	if (cg->v2[0])
		fs_add(out, max, &n, "cgroup2", "unified", "");
	return n;
}

int zone_cgroup_join(struct zone_cgroup *cg, pid_t pid, struct zone_error *err)
{
	char files[ZONE_CG_NCTRL + 1][ZONE_CG_PATH + 16];
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

/* Call fn for every pid listed in any of the zone's cgroup.procs; returns how many. */
static int for_each_pid(struct zone_cgroup *cg, void (*fn)(pid_t))
{
	char files[ZONE_CG_NCTRL + 1][ZONE_CG_PATH + 16];
	int n = zone_cgroup_procs_files(cg, files, ZONE_CG_NCTRL + 1), count = 0;

	for (int i = 0; i < n; i++) {
		FILE *f = fopen(files[i], "re");
		long pid;
		if (f == NULL)
			continue;
		while (fscanf(f, "%ld", &pid) == 1) {
			count++;
			if (fn)
				fn((pid_t)pid);
		}
		fclose(f);
	}
	return count;
}

int zone_cgroup_count(struct zone_cgroup *cg)
{
	return for_each_pid(cg, NULL);
}

static void kill9(pid_t pid)
{
	kill(pid, SIGKILL);
}

int zone_cgroup_kill(struct zone_cgroup *cg, int timeout_ms, struct zone_error *err)
{
	const char *fz = cg->layout == ZONE_CG_V2 ? "" : cg->v1[ZONE_CG_FREEZER];
	int waited = 0;

	/* cgroup.kill (Linux 5.14) kills the whole subtree at once; hybrid hosts have it too,
	 * in the unified tracking cgroup. */
	if (cg->v2[0] && exists(cg->v2, "cgroup.kill"))
		write_file(cg->v2, "cgroup.kill", "1", NULL);
	/* Freeze first so a fork bomb cannot outrun the kill loop. */
	if (*fz && exists(fz, "freezer.state"))
		write_file(fz, "freezer.state", "FROZEN", NULL);
	while (for_each_pid(cg, kill9) > 0) {
		if (*fz && exists(fz, "freezer.state"))
			write_file(fz, "freezer.state", "THAWED", NULL);
		if (waited >= timeout_ms)
			return zone_error_set(err, EBUSY, "processes remain in the zone's cgroup");
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
		waited += 10;
		if (*fz && exists(fz, "freezer.state"))
			write_file(fz, "freezer.state", "FROZEN", NULL);
	}
	if (*fz && exists(fz, "freezer.state"))
		write_file(fz, "freezer.state", "THAWED", NULL);
	return 0;
}

static int rmdir_retry(const char *path, struct zone_error *err)
{
	for (int i = 0; i < 100; i++) {
		if (rmdir(path) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			break;
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return zone_error_set(err, errno, "remove cgroup %s", path);
}

int zone_cgroup_remove(struct zone_cgroup *cg, struct zone_error *err)
{
	int ret = 0;

	for (int c = 0; c < ZONE_CG_NCTRL; c++)
		if (cg->layout != ZONE_CG_V2 && cg->v1[c][0] && rmdir_retry(cg->v1[c], err) < 0)
			ret = -1;
	if (cg->v2[0] && rmdir_retry(cg->v2, err) < 0)
		ret = -1;
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
