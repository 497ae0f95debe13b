/*
 * Making a zone's cgroup with its limits: in each cgroup v1 controller's hierarchy, in cgroup2,
 * or both (the host's layout, zone_cgroup_init), with the delegated child the zone manages.
 */
#include "zone/cgroup_int.h"
#include "lib/readfile.h"

int zone_cg_write_file(const char *dir, const char *file, const char *val, struct zone_error *err)
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

int zone_cg_read_file(const char *dir, const char *file, char *buf, size_t sz)
{
	ssize_t n = zone_read_text(buf, sz, "%s/%s", dir, file);

	if (n < 0)
		return -1;
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
		if (zone_cg_read_file(dir, files[i], cur, sizeof(cur)) == 0 && cur[0] != '\0')
			continue;
		if (zone_cg_read_file(parent, files[i], val, sizeof(val)) < 0)
			continue;
		if (zone_cg_write_file(dir, files[i], val, err) < 0)
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

unsigned zone_cg_ceil_cpus(uint64_t milli)
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
	if (zone_cg_write_file(dir, "devices.deny", "a", err) < 0)
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

/* The whole disk of block device dev (a partition's parent), 0 when sysfs (sys: its
 * /sys/dev/block) has no disk for it. */
static unsigned long whole_disk(const char *sys, unsigned long dev)
{
	char p[PATH_MAX], num[32];
	unsigned ma, mi;

	if (major(dev) == 0)
		return 0; /* an anonymous device: tmpfs, overlayfs, btrfs */
	snprintf(p, sizeof(p), "%s/%u:%u/partition", sys, major(dev), minor(dev));
	if (access(p, F_OK) < 0) {
		snprintf(p, sizeof(p), "%s/%u:%u", sys, major(dev), minor(dev));
		return access(p, F_OK) == 0 ? dev : 0;
	}
	/* MAJ:MIN -> .../block/sda/sda1: the disk is the link target's parent */
	snprintf(p, sizeof(p), "%s/%u:%u/../dev", sys, major(dev), minor(dev));
	if (zone_read_text(num, sizeof(num), "%s", p) <= 0 || sscanf(num, "%u:%u", &ma, &mi) != 2)
		return 0;
	return makedev(ma, mi);
}

/* The disk under the root: its file system's, else (an overlay's merged directory: the
 * layers' disk) its parent directory's. */
static unsigned long root_disk(const char *sys, const char *root)
{
	char parent[PATH_MAX];
	struct stat st;
	unsigned long d;

	if (root == NULL || stat(root, &st) < 0)
		return 0;
	if ((d = whole_disk(sys, st.st_dev)) != 0)
		return d;
	if (snprintf(parent, sizeof(parent), "%s/..", root) >= (int)sizeof(parent) ||
	    stat(parent, &st) < 0)
		return 0;
	return whole_disk(sys, st.st_dev);
}

/* The disks whose I/O is counted: the root's and the block devices' (64), each once. */
#define COUNT_IO_MAX 65

static void add_disk(unsigned long *disks, size_t *nd, unsigned long d)
{
	for (size_t j = 0; j < *nd; j++)
		if (disks[j] == d)
			return;
	if (d != 0 && *nd < COUNT_IO_MAX)
		disks[(*nd)++] = d;
}

int zone_cgroup_count_io(const char *blkio_dir, const char *sys_dev_block, const char *root,
			 const unsigned long *devs, size_t n)
{
	const char *sys = sys_dev_block ? sys_dev_block : "/sys/dev/block";
	unsigned long disks[COUNT_IO_MAX];
	size_t nd = 0;
	int done = 0;

	if (blkio_dir == NULL || *blkio_dir == '\0' ||
	    !zone_cg_exists(blkio_dir, "blkio.throttle.read_bps_device"))
		return 0;
	add_disk(disks, &nd, root_disk(sys, root));
	for (size_t i = 0; i < n; i++)
		add_disk(disks, &nd, whole_disk(sys, devs[i]));
	for (size_t i = 0; i < nd; i++) {
		char rule[32];

		snprintf(rule, sizeof(rule), "%u:%u 0", major(disks[i]), minor(disks[i]));
		if (zone_cg_write_file(blkio_dir, "blkio.throttle.read_bps_device", rule, NULL) ==
		    0)
			done++;
	}
	return done;
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
		if (c == ZONE_CG_BLKIO)
			zone_cgroup_count_io(cg->v1[c], NULL, lim->root, lim->blockdevs,
					     lim->nblockdevs);
	}
	const char *mem = cg->v1[ZONE_CG_MEMORY];
	if (lim->memory != UINT64_MAX) {
		if (!*mem)
			return zone_error_set(err, 0, "memory cap set but no memory controller");
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)lim->memory);
		if (zone_cg_write_file(mem, "memory.limit_in_bytes", buf, err) < 0)
			return -1;
		if (zone_cg_exists(mem, "memory.memsw.limit_in_bytes")) {
			if (lim->swap == UINT64_MAX)
				snprintf(buf, sizeof(buf), "-1");
			else
				snprintf(buf, sizeof(buf), "%llu",
					 (unsigned long long)(lim->memory + lim->swap));
			if (zone_cg_write_file(mem, "memory.memsw.limit_in_bytes", buf, err) < 0)
				return -1;
		} else if (lim->swap != UINT64_MAX) {
			/* No swap accounting: keep the zone out of swap so the cap is a cap. */
			zone_cg_write_file(mem, "memory.swappiness", "0", NULL);
		}
	}
	if (lim->millicpus != UINT64_MAX) {
		const char *cpu = cg->v1[ZONE_CG_CPU];
		const char *cs = cg->v1[ZONE_CG_CPUSET];
		if (*cpu) {
			snprintf(buf, sizeof(buf), "%llu",
				 (unsigned long long)lim->millicpus * 100);
			if (zone_cg_write_file(cpu, "cpu.cfs_period_us", "100000", err) < 0 ||
			    zone_cg_write_file(cpu, "cpu.cfs_quota_us", buf, err) < 0)
				return -1;
		}
		if (*cs) {
			char all[1024], some[1024];
			if (zone_cg_read_file(cs, "cpuset.cpus", all, sizeof(all)) == 0 && all[0]) {
				first_cpus(all, zone_cg_ceil_cpus(lim->millicpus), some,
					   sizeof(some));
				if (zone_cg_write_file(cs, "cpuset.cpus", some, err) < 0)
					return -1;
			}
		}
	}
	if (lim->pids != UINT64_MAX) {
		const char *p = cg->v1[ZONE_CG_PIDS];
		if (!*p)
			return zone_error_set(err, 0, "pids cap set but no pids controller");
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)lim->pids);
		if (zone_cg_write_file(p, "pids.max", buf, err) < 0)
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
	const char *want[] = {"memory", "cpu", "cpuset", "pids", "io"};

	snprintf(parent, sizeof(parent), "%s", cg->v2);
	*strrchr(parent, '/') = '\0';
	if (mkdir_one(parent, err) < 0)
		return -1;
	/* Delegate the controllers we use from the top down to the zone's parent (io for its
	 * io.stat: the zone's I/O in its /proc/diskstats; it limits nothing by itself). */
	if (zone_cg_read_file(cg->mnt, "cgroup.controllers", avail, sizeof(avail)) < 0)
		avail[0] = '\0';
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (!word_in(avail, want[i]))
			continue;
		snprintf(buf, sizeof(buf), "+%s", want[i]);
		zone_cg_write_file(cg->mnt, "cgroup.subtree_control", buf, NULL);
		zone_cg_write_file(parent, "cgroup.subtree_control", buf, NULL);
	}
	if (mkdir_one(cg->v2, err) < 0)
		return -1;
	if (lim->memory != UINT64_MAX) {
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)lim->memory);
		if (zone_cg_write_file(cg->v2, "memory.max", buf, err) < 0)
			return -1;
		if (lim->swap == UINT64_MAX)
			snprintf(buf, sizeof(buf), "max");
		else
			snprintf(buf, sizeof(buf), "%llu", (unsigned long long)lim->swap);
		if (zone_cg_exists(cg->v2, "memory.swap.max") &&
		    zone_cg_write_file(cg->v2, "memory.swap.max", buf, err) < 0)
			return -1;
	}
	if (lim->millicpus != UINT64_MAX) {
		char all[1024], some[1024];
		snprintf(buf, sizeof(buf), "%llu 100000", (unsigned long long)lim->millicpus * 100);
		if (zone_cg_write_file(cg->v2, "cpu.max", buf, err) < 0)
			return -1;
		if (zone_cg_read_file(cg->v2, "cpuset.cpus.effective", all, sizeof(all)) == 0 &&
		    all[0]) {
			first_cpus(all, zone_cg_ceil_cpus(lim->millicpus), some, sizeof(some));
			if (zone_cg_write_file(cg->v2, "cpuset.cpus", some, err) < 0)
				return -1;
		}
	}
	if (lim->pids != UINT64_MAX) {
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)lim->pids);
		if (zone_cg_write_file(cg->v2, "pids.max", buf, err) < 0)
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

	if (zone_cg_read_file(dir, file, val, sizeof(val)) < 0 || val[0] == '\0')
		return 0;
	snprintf(d, sizeof(d), "%s/%s", dir, inner);
	return zone_cg_write_file(d, file, val, err);
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
			     zone_cg_write_file(d, "cgroup.clone_children", "1", err) < 0))
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
	    zone_cg_read_file(cg->v2, "cgroup.controllers", avail, sizeof(avail)) == 0) {
		size_t o = 0;

		for (size_t i = 0; i < sizeof(v2_delegated) / sizeof(v2_delegated[0]); i++)
			if (word_in(avail, v2_delegated[i]))
				o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s+%s",
						      o ? " " : "", v2_delegated[i]);
		if (o && zone_cg_write_file(cg->v2, "cgroup.subtree_control", buf, err) < 0)
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
