/*
 * A container's state directory, ROOT/ID (ROOT: --root, default /run/lxzone-oci):
 *
 *   state.json   what `state` prints, plus the init's start time and cgroup (ours)
 *   config.json  the bundle's config as it was at create (delete's poststop hooks need it
 *                when the bundle is gone)
 *   exec.fifo    present from create to start: init waits on it (launch_init.c)
 *
 * Status, as runc derives it: stopped when the init is gone (or a zombie, or its pid now
 * names another process: the start time differs), created while exec.fifo exists, paused
 * while the freezer holds the cgroup, else running.  state.json is written to a temporary
 * file and renamed.
 */
#include "cli/oci.h"
#include "lib/readfile.h"
#include "zone/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int oci_id_check(const char *id, struct zone_error *e)
{
	size_t n = strlen(id);

	/* runc's rule: letters, digits, _ + - . , no . or .. , at most 1024 */
	if (n == 0 || n >= sizeof(((struct oci_state *)0)->id) || !strcmp(id, ".") ||
	    !strcmp(id, ".."))
		return oci_fail(e, "invalid container ID format");
	for (size_t i = 0; i < n; i++) {
		char ch = id[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '+' || ch == '-' || ch == '.'))
			return oci_fail(e, "invalid container ID format");
	}
	return 0;
}

unsigned long long oci_proc_start_time(pid_t pid)
{
	char buf[1024], *p;
	unsigned long long t = 0;

	if (zone_read_text(buf, sizeof(buf), "/proc/%d/stat", (int)pid) <= 0)
		return 0;
	p = strrchr(buf, ')'); /* the command may hold spaces and parentheses */
	if (!p || p[1] != ' ')
		return 0;
	/* p+2: field 3 (state); start time is field 22 */
	if (p[2] == 'Z' || p[2] == 'X')
		return 0;
	if (sscanf(p + 2,
		   "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d "
		   "%*d %*d %llu",
		   &t) != 1)
		return 0;
	return t;
}

int oci_state_load(const char *id, struct oci_state *s, struct zone_error *e)
{
	char path[PATH_MAX + 16];
	json_error_t je;
	json_t *j;

	memset(s, 0, sizeof(*s));
	if (oci_id_check(id, e) < 0)
		return -1;
	snprintf(s->id, sizeof(s->id), "%s", id);
	snprintf(s->dir, sizeof(s->dir), "%s/%s", oci_g.root, id);
	snprintf(path, sizeof(path), "%s/state.json", s->dir);
	j = json_load_file(path, 0, &je);
	if (!j)
		return oci_fail(e, "container does not exist");
	snprintf(s->bundle, sizeof(s->bundle), "%s",
		 json_string_value(json_object_get(j, "bundle")) ?: "");
	snprintf(s->rootfs, sizeof(s->rootfs), "%s",
		 json_string_value(json_object_get(j, "rootfs")) ?: "");
	snprintf(s->created, sizeof(s->created), "%s",
		 json_string_value(json_object_get(j, "created")) ?: "");
	snprintf(s->cgroup, sizeof(s->cgroup), "%s",
		 json_string_value(json_object_get(j, "lxzone.cgroup")) ?: "");
	s->pid = (pid_t)json_integer_value(json_object_get(j, "pid"));
	s->start_time = (unsigned long long)json_integer_value(json_object_get(j, "lxzone.start"));
	s->annotations = json_incref(json_object_get(j, "annotations"));
	json_decref(j);
	return 0;
}

int oci_state_save(const struct oci_state *s, struct zone_error *e)
{
	char path[PATH_MAX + 16], tmp[PATH_MAX + 16];
	json_t *j =
	    json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:I, s:O?}", "ociVersion",
		      OCI_SPEC_VERSION, "id", s->id, "pid", (int)s->pid, "bundle", s->bundle,
		      "rootfs", s->rootfs, "created", s->created, "lxzone.cgroup", s->cgroup,
		      "lxzone.start", (json_int_t)s->start_time, "annotations", s->annotations);

	snprintf(path, sizeof(path), "%s/state.json", s->dir);
	snprintf(tmp, sizeof(tmp), "%s/.state.json.tmp", s->dir);
	if (!j || json_dump_file(j, tmp, JSON_COMPACT) < 0 || rename(tmp, path) < 0) {
		json_decref(j);
		unlink(tmp);
		return oci_fail(e, "write %s: %s", path, strerror(errno));
	}
	json_decref(j);
	return 0;
}

void oci_state_free(struct oci_state *s)
{
	json_decref(s->annotations);
	s->annotations = NULL;
}

static int frozen(const struct oci_state *s)
{
	struct zone_cgroup cg;
	struct zone_error e;
	char buf[32];
	ssize_t n;

	if (oci_cgroup_of(s, &cg, &e) < 0)
		return 0;
	if (cg.v1[ZONE_CG_FREEZER][0])
		n = zone_read_text(buf, sizeof(buf), "%s/freezer.state", cg.v1[ZONE_CG_FREEZER]);
	else if (cg.layout == ZONE_CG_V2)
		n = zone_read_text(buf, sizeof(buf), "%s/cgroup.freeze", cg.v2);
	else
		return 0;
	if (n <= 0)
		return 0;
	return !strncmp(buf, "FROZEN", 6) || !strncmp(buf, "FREEZING", 8) || buf[0] == '1';
}

enum oci_status oci_state_status(const struct oci_state *s)
{
	char fifo[PATH_MAX + 16];

	if (s->pid <= 0)
		return OCI_STOPPED;
	if (oci_proc_start_time(s->pid) != s->start_time)
		return OCI_STOPPED;
	/* until create is done (oci_create.c: OCI_CREATING_MARK), PID 1 may be before its
	 * pivot_root, in a mount namespace whose root is the host's */
	snprintf(fifo, sizeof(fifo), "%s/" OCI_CREATING_MARK, s->dir);
	if (access(fifo, F_OK) == 0)
		return OCI_CREATING;
	snprintf(fifo, sizeof(fifo), "%s/exec.fifo", s->dir);
	if (access(fifo, F_OK) == 0)
		return OCI_CREATED;
	if (frozen(s))
		return OCI_PAUSED;
	return OCI_RUNNING;
}

const char *oci_status_name(enum oci_status st)
{
	static const char *const names[] = {
	    [OCI_CREATING] = "creating", [OCI_CREATED] = "created", [OCI_RUNNING] = "running",
	    [OCI_PAUSED] = "paused",	 [OCI_STOPPED] = "stopped",
	};
	return names[st];
}

char *oci_state_json(const struct oci_state *s, enum oci_status st)
{
	json_t *j =
	    json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:O?}", "ociVersion",
		      OCI_SPEC_VERSION, "id", s->id, "pid", st == OCI_STOPPED ? 0 : (int)s->pid,
		      "status", oci_status_name(st), "bundle", s->bundle, "rootfs", s->rootfs,
		      "created", s->created, "owner", "", "annotations", s->annotations);
	char *out;

	if (!j)
		return NULL;
	if (json_is_null(json_object_get(j, "annotations")))
		json_object_del(j, "annotations"); /* omitted when empty, as runc */
	out = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	return out;
}

/* rm -r of a state directory: flat (files only), so no recursion needed. */
void oci_state_remove(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	oci_page_daemon_wait(dir); /* nothing of the container's outlives its state */
	if (d) {
		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				unlinkat(dirfd(d), de->d_name, 0);
		closedir(d);
	}
	rmdir(dir);
}
