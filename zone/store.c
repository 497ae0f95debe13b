#include <limits.h>
#include "zone/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "zone/clone.h"
#include "zone/config.h"
#include "zone/fsutil.h"
#include "zone/idmap.h"

int zone_store_init(struct zone_store *s, struct zone_error *err)
{
	const char *root = getenv("LXZONE_ROOT");

	if (root == NULL || *root == '\0')
		root = "/var/lib/lxzone";
	if (root[0] != '/')
		return zone_error_set(err, 0, "LXZONE_ROOT must be an absolute path, not '%s'",
				      root);
	if (strlen(root) >= sizeof(s->root) - 128)
		return zone_error_set(err, ENAMETOOLONG, "zone store %s", root);
	snprintf(s->root, sizeof(s->root), "%s", root);
	/* every command starts here: one mkdir when the store exists, the walk only when not */
	if (mkdir(s->root, 0700) < 0 && errno != EEXIST && zone_mkdir_p(s->root, 0700, err) < 0)
		return zone_error_wrap(err, "zone store");
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int zone_store_list(struct zone_store *s, char ***names, size_t *n, struct zone_error *err)
{
	cleanup_closedir DIR *d = opendir(s->root);
	struct dirent *de;
	char **v = NULL;
	size_t cnt = 0;

	if (d == NULL)
		return zone_error_set(err, errno, "open zone store %s", s->root);
	while ((de = readdir(d)) != NULL) {
		char p[4096 + 300];
		struct zone_error ignored;
		if (de->d_name[0] == '.' || zone_name_validate(de->d_name, &ignored) < 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s/config.json", s->root, de->d_name);
		if (access(p, F_OK) < 0)
			continue;
		char **nv = realloc(v, (cnt + 1) * sizeof(*v));
		if (nv == NULL) {
			zone_names_free(v, cnt);
			return zone_error_set(err, ENOMEM, "list zones");
		}
		v = nv;
		v[cnt++] = strdup(de->d_name);
	}
	if (cnt > 0)
		qsort(v, cnt, sizeof(*v), cmp_names);
	*names = v;
	*n = cnt;
	return 0;
}

void zone_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static double lock_timeout(void)
{
	const char *t = getenv("LXZONE_LOCK_TIMEOUT");
	if (t != NULL && *t != '\0')
		return atof(t);
	return 5.0;
}

int zone_lock(struct zone *z, struct zone_error *err)
{
	double waited = 0, limit = lock_timeout();
	struct stat a, b;

	if (z->lockfd >= 0)
		return 0;
	z->lockfd = openat(z->dirfd, ".lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (z->lockfd < 0)
		return zone_error_set(err, errno, "zone %s: open lock", z->name);
	for (;;) {
		if (flock(z->lockfd, LOCK_EX | LOCK_NB) == 0)
			break;
		if (errno != EWOULDBLOCK)
			return zone_error_set(err, errno, "zone %s: lock", z->name);
		if (waited >= limit) {
			close(z->lockfd);
			z->lockfd = -1;
			return zone_error_set(err, 0,
					      "zone %s is busy: another lxzone command holds its "
					      "lock (waited %.0fs); try again when it is done, or "
					      "wait longer with LXZONE_LOCK_TIMEOUT",
					      z->name, limit);
		}
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
		waited += 0.05;
	}
	/* The holder may have destroyed the zone while we waited. */
	if (fstat(z->dirfd, &a) < 0 || a.st_nlink == 0 ||
	    fstatat(z->dirfd, "config.json", &b, 0) < 0)
		return zone_error_set(err, ENOENT, "zone %s", z->name);
	return 0;
}

/* Record why one file of a broken zone could not be loaded (ZONE_OPEN_BROKEN). */
static void zone_broken(struct zone *z, const struct zone_error *why)
{
	size_t n = strlen(z->broken);

	snprintf(z->broken + n, sizeof(z->broken) - n, "%s%s", n ? "; " : "", why->msg);
}

static int zone_load(struct zone *z, unsigned flags, struct zone_error *caller_err)
{
	struct zone_error local, *err = caller_err ? caller_err : &local;
	bool broken_ok = flags & ZONE_OPEN_BROKEN;
	json_t *cfg = NULL, *st = NULL;
	bool bad = zone_json_read(z->dirfd, "config.json", &cfg, err) < 0;

	z->broken[0] = '\0';
	z->state_broken = false;
	if (!bad && zone_config_validate_all(cfg, err) < 0) {
		zone_error_wrap(err, "config.json");
		bad = true;
	}
	if (bad) {
		json_decref(cfg);
		if (!broken_ok)
			return zone_error_wrap(err, "zone %s", z->name);
		zone_broken(z, err);
		cfg = json_object();
	}
	if (zone_json_read(z->dirfd, "state.json", &st, err) == 0 &&
	    (!json_is_object(st) ||
	     zone_state_from_name(json_string_value(json_object_get(st, "state")) ?: "") < 0)) {
		json_decref(st);
		st = NULL;
		zone_error_set(err, 0, "state.json: no valid \"state\"");
	}
	if (st == NULL) {
		if (!broken_ok) {
			json_decref(cfg);
			return zone_error_wrap(err, "zone %s", z->name);
		}
		zone_broken(z, err);
		z->state_broken = true;
		st = json_object();
	}
	zone_error_clear(err);
	json_decref(z->config);
	json_decref(z->state);
	z->config = cfg;
	z->state = st;
	return 0;
}

static struct zone *zone_alloc(struct zone_store *s, const char *name)
{
	struct zone *z = calloc(1, sizeof(*z));
	if (z == NULL)
		return NULL;
	z->store = s;
	z->dirfd = -1;
	z->lockfd = -1;
	snprintf(z->name, sizeof(z->name), "%s", name);
	snprintf(z->dir, sizeof(z->dir), "%s/%s", s->root, name);
	return z;
}

int zone_open(struct zone_store *s, const char *name, unsigned flags, struct zone **out,
	      struct zone_error *err)
{
	struct zone *z;

	if (zone_name_validate(name, err) < 0)
		return -1;
	z = zone_alloc(s, name);
	if (z == NULL)
		return zone_error_set(err, ENOMEM, "zone %s", name);
	z->dirfd = open(z->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (z->dirfd < 0 || faccessat(z->dirfd, "config.json", F_OK, 0) < 0) {
		zone_free(z);
		return zone_error_set(err, 0, "no such zone %s (lxzone list shows the zones)",
				      name);
	}
	if ((flags & ZONE_OPEN_LOCK) && zone_lock(z, err) < 0) {
		zone_free(z);
		return -1;
	}
	if (zone_load(z, flags, err) < 0) {
		zone_free(z);
		return -1;
	}
	*out = z;
	return 0;
}

static void now_iso(char *buf, size_t sz)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, sz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int zone_new(struct zone_store *s, const char *name, json_t *config, struct zone **out,
	     struct zone_error *err)
{
	char tmpname[128], ts[64];
	cleanup_close int tfd = -1;
	cleanup_close int sfd = -1;
	struct zone *z;
	json_t *st;

	if (zone_name_validate(name, err) < 0) {
		json_decref(config);
		return -1;
	}
	if (zone_config_validate_all(config, err) < 0) {
		json_decref(config);
		return zone_error_wrap(err, "create zone %s", name);
	}
	/* Build the directory under a temporary name and rename it into place, so a zone is
	 * either absent or complete with config.json and state.json. */
	sfd = open(s->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0) {
		json_decref(config);
		return zone_error_set(err, errno, "open zone store %s", s->root);
	}
	if (faccessat(sfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		json_decref(config);
		return zone_error_set(err, 0, "zone %s already exists", name);
	}
	snprintf(tmpname, sizeof(tmpname), ".new-%s.%d", name, (int)getpid());
	if (mkdirat(sfd, tmpname, 0700) < 0) {
		json_decref(config);
		return zone_error_set(err, errno, "create zone %s", name);
	}
	tfd = openat(sfd, tmpname, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	st = json_object();
	now_iso(ts, sizeof(ts));
	json_object_set_new(st, "state", json_string("configured"));
	json_object_set_new(st, "created", json_string(ts));
	json_object_set_new(st, "changed", json_string(ts));
	/* the zone's host id range (zone/idmap.h), chosen and written under the store's lock,
	 * which is held until the zone is visible under its name */
	cleanup_close int idlock = zone_idmap_lock(s, err);
	if (idlock < 0 || tfd < 0 || zone_idmap_alloc_locked(s, st, err) < 0 ||
	    zone_json_write_atomic(tfd, "config.json", config, err) < 0 ||
	    zone_json_write_atomic(tfd, "state.json", st, err) < 0) {
		zone_rmtree_at(sfd, tmpname, NULL);
		json_decref(config);
		json_decref(st);
		return zone_error_wrap(err, "create zone %s", name);
	}
	if (renameat2(sfd, tmpname, sfd, name, RENAME_NOREPLACE) < 0) {
		int e = errno;
		zone_rmtree_at(sfd, tmpname, NULL);
		json_decref(config);
		json_decref(st);
		if (e == EEXIST)
			return zone_error_set(err, 0, "zone %s already exists", name);
		return zone_error_set(err, e, "create zone %s", name);
	}
	fsync(sfd);
	z = zone_alloc(s, name);
	z->config = config;
	z->state = st;
	z->dirfd = tfd;
	tfd = -1;
	if (zone_lock(z, err) < 0) {
		zone_free(z);
		return -1;
	}
	*out = z;
	return 0;
}

void zone_free(struct zone *z)
{
	if (z == NULL)
		return;
	if (z->lockfd >= 0)
		close(z->lockfd);
	if (z->dirfd >= 0)
		close(z->dirfd);
	json_decref(z->config);
	json_decref(z->state);
	free(z);
}

void zone_freep(struct zone **z)
{
	zone_free(*z);
}

const char *zone_state_get(struct zone *z, const char *key)
{
	const char *s = json_string_value(json_object_get(z->state, key));
	return s ? s : "";
}

void zone_state_put(struct zone *z, const char *key, json_t *value)
{
	if (value == NULL)
		json_object_del(z->state, key);
	else
		json_object_set_new(z->state, key, value);
}

unsigned long long zone_proc_starttime(pid_t pid)
{
	char path[64], buf[1024];
	unsigned long long start = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return 0;
	if (fgets(buf, sizeof(buf), f) != NULL) {
		char *p = strrchr(buf, ')');
		/* Field 22 (starttime); p points at the end of field 2. */
		for (int field = 2; p != NULL && field < 22; field++)
			p = strchr(p + 1, ' ');
		if (p != NULL)
			start = strtoull(p + 1, NULL, 10);
	}
	fclose(f);
	return start;
}

pid_t zone_supervisor_pid(struct zone *z)
{
	json_t *sup = json_object_get(z->state, "supervisor");
	pid_t pid = (pid_t)json_integer_value(json_object_get(sup, "pid"));
	unsigned long long start =
	    (unsigned long long)json_integer_value(json_object_get(sup, "start"));

	if (pid <= 0)
		return 0;
	if (kill(pid, 0) < 0 && errno == ESRCH)
		return 0;
	if (start != 0 && zone_proc_starttime(pid) != start)
		return 0;
	return pid;
}

enum zone_state zone_get_state(struct zone *z)
{
	int s = zone_state_from_name(zone_state_get(z, "state"));
	if (s < 0)
		return ZONE_INCOMPLETE;
	/* A zone whose supervisor died without recording it is no longer running. */
	if ((s == ZONE_READY || s == ZONE_BOOTING || s == ZONE_RUNNING ||
	     s == ZONE_SHUTTING_DOWN) &&
	    zone_supervisor_pid(z) == 0)
		return ZONE_INSTALLED;
	return (enum zone_state)s;
}

int zone_save_state(struct zone *z, struct zone_error *err)
{
	char ts[64];

	now_iso(ts, sizeof(ts));
	json_object_set_new(z->state, "changed", json_string(ts));
	/* a runtime state (ready, booting, running, shutting-down) means nothing after a crash
	 * (zone_get_state: no supervisor, so installed), so the old file coming back is as good:
	 * no directory fsync on boot's path, which cost 8-15 ms a state under load */
	int s = zone_state_from_name(zone_state_get(z, "state"));
	int runtime =
	    s == ZONE_READY || s == ZONE_BOOTING || s == ZONE_RUNNING || s == ZONE_SHUTTING_DOWN;
	if ((runtime ? zone_json_write_replace : zone_json_write_atomic)(z->dirfd, "state.json",
									 z->state, err) < 0)
		return zone_error_wrap(err, "zone %s", z->name);
	return 0;
}

int zone_set_state(struct zone *z, enum zone_state to, struct zone_error *err)
{
	enum zone_state from = zone_get_state(z);

	if (from != to && !zone_state_transition_ok(from, to))
		return zone_error_set(err, 0, "zone %s: cannot go from %s to %s", z->name,
				      zone_state_name(from), zone_state_name(to));
	json_object_set_new(z->state, "state", json_string(zone_state_name(to)));
	if (to == ZONE_INSTALLED || to == ZONE_CONFIGURED)
		json_object_del(z->state, "supervisor");
	return zone_save_state(z, err);
}

int zone_save_config(struct zone *z, struct zone_error *err)
{
	if (zone_config_validate_all(z->config, err) < 0)
		return zone_error_wrap(err, "zone %s", z->name);
	if (zone_json_write_atomic(z->dirfd, "config.json", z->config, err) < 0)
		return zone_error_wrap(err, "zone %s", z->name);
	return 0;
}

const char *zone_path(struct zone *z)
{
	const char *p = zone_state_get(z, "zonepath");
	return *p ? p : z->dir;
}

char *zone_subpath(struct zone *z, const char *sub)
{
	return zone_path_join(zone_path(z), sub);
}

int zone_remove(struct zone *z, struct zone_error *err)
{
	char gone[128];
	cleanup_close int sfd = open(z->store->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (sfd < 0)
		return zone_error_set(err, errno, "open zone store");
	/* Rename first so the name is free at once and a half-removed zone is never listed. */
	snprintf(gone, sizeof(gone), ".gone-%s.%d", z->name, (int)getpid());
	if (renameat(sfd, z->name, sfd, gone) < 0)
		return zone_error_set(err, errno, "destroy zone %s", z->name);
	/* unreachable now: the files go in the background (zone_rmtree_detached) */
	if (zone_rmtree_detached(sfd, gone, err) < 0)
		return zone_error_wrap(err, "destroy zone %s", z->name);
	return 0;
}

const char *zone_state_hint(struct zone *z, char *buf, size_t len)
{
	enum zone_state s = zone_get_state(z);
	const char *what;

	if (s == ZONE_CONFIGURED && json_object_get(z->state, "detached") != NULL)
		return "detached";
	if (s != ZONE_INCOMPLETE)
		return zone_state_name(s);
	if (zone_move_pending(z))
		what = "interrupted move: run lxzone verify %s to finish or roll it back";
	else if (zone_rollback_pending(z))
		what = "interrupted rollback: run lxzone verify %s to finish it";
	else if (zone_attach_pending(z))
		what = "interrupted attach: run lxzone verify %s to finish or undo it";
	else
		what = "interrupted install: run lxzone uninstall %s, then install again";
	snprintf(buf, len, "incomplete (");
	size_t n = strlen(buf);
	snprintf(buf + n, len - n, what, z->name);
	n = strlen(buf);
	snprintf(buf + n, len - n, ")");
	return buf;
}

json_t *zone_info_json(struct zone *z)
{
	char hint[256];

	json_t *o = json_object();
	pid_t sup = zone_supervisor_pid(z);

	json_object_set_new(o, "name", json_string(z->name));
	json_object_set_new(o, "state", json_string(zone_state_name(zone_get_state(z))));
	/* what the state means for the user (detached; an incomplete zone's way out) */
	const char *h = zone_state_hint(z, hint, sizeof(hint));
	if (strcmp(h, zone_state_name(zone_get_state(z))) != 0)
		json_object_set_new(o, "state-detail", json_string(h));
	json_object_set_new(o, "brand", json_string(zone_config_str(z->config, "brand")));
	json_object_set_new(o, "root-type", json_string(zone_config_str(z->config, "root-type")));
	json_object_set_new(o, "golden", json_boolean(zone_config_bool(z->config, "golden")));
	json_object_set_new(o, "privileged",
			    json_boolean(zone_config_bool(z->config, "privileged")));
	json_t *idmap = json_object_get(z->state, "idmap");
	if (idmap != NULL)
		json_object_set(o, "idmap", idmap);
	json_object_set_new(o, "zonepath", json_string(zone_path(z)));
	if (sup > 0)
		json_object_set_new(o, "supervisor-pid", json_integer(sup));
	/* The supervisor records how the zone's init last ended. */
	char ep[PATH_MAX + 64];
	json_t *last = NULL;
	if (snprintf(ep, sizeof(ep), "%s/exit-status", zone_path(z)) < (int)sizeof(ep))
		last = json_load_file(ep, 0, NULL);
	if (last != NULL)
		json_object_set_new(o, "last-exit", last);
	const char *keys[] = {"origin", "created", "changed"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		json_t *v = json_object_get(z->state, keys[i]);
		if (v != NULL)
			json_object_set(o, keys[i], v);
	}
	if (z->broken[0] != '\0') {
		/* what the state file still says (running: halt it), beside why it is broken */
		if (!z->state_broken)
			json_object_set_new(o, "recorded-state",
					    json_string(zone_state_name(zone_get_state(z))));
		json_object_set_new(o, "state", json_string("broken"));
		json_object_set_new(o, "reason", json_string(z->broken));
	}
	return o;
}
