/*
 * A zone's cgroups on the host's layout (cgroup v1 controllers, cgroup2, or both): finding,
 * joining, counting, killing and removing them (making them: cgroup_create.c).
 */
#include "zone/cgroup_int.h"
#include "lib/readfile.h"

const char *const zone_cg_ctrl_names[ZONE_CG_NCTRL] = {
    [ZONE_CG_MEMORY] = "memory",   [ZONE_CG_CPU] = "cpu",	  [ZONE_CG_CPUACCT] = "cpuacct",
    [ZONE_CG_CPUSET] = "cpuset",   [ZONE_CG_PIDS] = "pids",	  [ZONE_CG_FREEZER] = "freezer",
    [ZONE_CG_DEVICES] = "devices", [ZONE_CG_BLKIO] = "blkio",
    [ZONE_CG_SYSTEMD] = "systemd",
};

const char *zone_cg_layout_name(enum zone_cg_layout l)
{
	return l == ZONE_CG_V2 ? "v2" : l == ZONE_CG_HYBRID ? "hybrid" : "v1";
}

int zone_cg_exists(const char *dir, const char *file)
{
	char p[ZONE_CG_PATH + 64];
	snprintf(p, sizeof(p), "%s/%s", dir, file);
	return access(p, F_OK) == 0;
}

const char *zone_cgroup_parent_env(void)
{
	const char *p = getenv("LXZONE_CGROUP_PARENT");
	return p && *p ? p : "lxzone";
}

int zone_cgroup_init(struct zone_cgroup *cg, const char *mnt, const char *zone,
		     struct zone_error *err)
{
	return zone_cgroup_init_in(cg, mnt, NULL, zone, err);
}

int zone_cgroup_init_in(struct zone_cgroup *cg, const char *mnt, const char *parent,
			const char *zone, struct zone_error *err)
{
	const char *pn = parent && *parent ? parent : zone_cgroup_parent_env();
	char unified[300];

	memset(cg, 0, sizeof(*cg));
	snprintf(cg->mnt, sizeof(cg->mnt), "%s", mnt ? mnt : "/sys/fs/cgroup");
	snprintf(unified, sizeof(unified), "%s/unified", cg->mnt);
	if (zone_cg_exists(cg->mnt, "cgroup.controllers")) {
		cg->layout = ZONE_CG_V2;
		snprintf(cg->v2, sizeof(cg->v2), "%s/%s/%s", cg->mnt, pn, zone);
		return 0;
	}
	cg->layout = zone_cg_exists(unified, "cgroup.controllers") ? ZONE_CG_HYBRID : ZONE_CG_V1;
	int found = 0;
	for (int c = 0; c < ZONE_CG_NCTRL; c++) {
		char d[300];
		snprintf(d, sizeof(d), "%s/%s", cg->mnt, zone_cg_ctrl_names[c]);
		if (!zone_cg_exists(d, "cgroup.procs"))
			continue;
		snprintf(cg->v1[c], sizeof(cg->v1[c]), "%s/%s/%s", d, pn, zone);
		found++;
	}
	if (found == 0)
		return zone_error_set(err, ENOENT, "no cgroup hierarchy under %s", cg->mnt);
	if (cg->layout == ZONE_CG_HYBRID)
		snprintf(cg->v2, sizeof(cg->v2), "%s/%s/%s", unified, pn, zone);
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

	return cg->inner[0] && cgroup_dirs(cg, dirs) > 0 && zone_cg_exists(dirs[0], cg->inner);
}

void zone_cgroup_skip_absent(struct zone_cgroup *cg, enum zone_cg_ctrl c)
{
	if (cg->v1[c][0] && access(cg->v1[c], F_OK) < 0)
		cg->v1[c][0] = '\0';
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

	snprintf(link, sizeof(link), "%s/%s", cg->mnt, zone_cg_ctrl_names[c]);
	n = readlink(link, target, sizeof(target) - 1);
	if (n > 0 && !memchr(target, '/', (size_t)n) && target[0] != '.') {
		target[n] = '\0';
		snprintf(buf, sz, "%s", target);
		return;
	}
	snprintf(buf, sz, "%s", zone_cg_ctrl_names[c]);
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
		if (strcmp(name, zone_cg_ctrl_names[c]) != 0 &&
		    !fs_add(out, max, &n, "symlink", zone_cg_ctrl_names[c], name))
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
	char inner[ZONE_CG_PATH + 32], ctl[256], text[4096], dir[ZONE_CG_PATH];
	int n = zone_cgroup_procs_files(cg, files, max);

	if (cg->layout != ZONE_CG_V2 || !cg->inner[0] || n < 1)
		return n;
	snprintf(inner, sizeof(inner), "%s/%s", cg->v2, cg->inner);
	if (zone_cg_read_file(inner, "cgroup.subtree_control", ctl, sizeof(ctl)) < 0 ||
	    ctl[0] == '\0')
		return n;
	if (zone_read_text(text, sizeof(text), "/proc/%d/cgroup", (int)init) < 0)
		return zone_error_set(err, errno, "/proc/%d/cgroup", (int)init);
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
	bool freezer = *fz && zone_cg_exists(fz, "freezer.state");
	int waited = 0;

	/* cgroup.kill (Linux 5.14) kills the whole subtree at once; hybrid hosts have it too,
	 * in the unified tracking cgroup. */
	if (cg->v2[0] && zone_cg_exists(cg->v2, "cgroup.kill"))
		zone_cg_write_file(cg->v2, "cgroup.kill", "1", NULL);
	/* Freeze first so a fork bomb cannot outrun the kill loop (freezing the zone's cgroup
	 * freezes every cgroup under it). */
	if (freezer)
		zone_cg_write_file(fz, "freezer.state", "FROZEN", NULL);
	while (for_each_pid(cg, true) > 0) {
		if (freezer)
			thaw_all(cg, fz);
		if (waited >= timeout_ms)
			return zone_error_set(err, EBUSY, "processes remain in the zone's cgroup");
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
		waited += 10;
		if (freezer)
			zone_cg_write_file(fz, "freezer.state", "FROZEN", NULL);
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
		r = zone_cg_read_file(cg->v1[ZONE_CG_CPUSET], "cpuset.effective_cpus", list,
				      sizeof(list));
	else if (cg->layout == ZONE_CG_V2)
		r = zone_cg_read_file(cg->v2, "cpuset.cpus.effective", list, sizeof(list));
	if (r < 0)
		r = zone_cg_read_file("/sys/devices/system/cpu", "online", list, sizeof(list));
	if (r < 0)
		return false;
	if (strcmp(list, "0") == 0)
		last = 0;
	else if (sscanf(list, "0-%u%c", &last, &extra) != 1)
		return false;
	/* a quota below the cpuset's size cuts the zone's CPUs (lxproc_zone_cpus) */
	return millicpus == 0 || millicpus == UINT64_MAX ||
	       zone_cg_ceil_cpus(millicpus) >= last + 1;
}
