/*
 * Host id ranges for zones' user namespaces (see idmap.h).  The allocator is a pure function
 * over the ranges already taken; the store part only gathers them under a lock.
 */
#include "zone/idmap.h"
#include "lib/readfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "zone/config.h"
#include "zone/fsutil.h"
#include "zone/store.h"

#define MAX_TAKEN 4096

static int overlaps(const struct zone_idrange *r, uint64_t base, uint64_t count)
{
	return (uint64_t)r->base < base + count && base < (uint64_t)r->base + r->count;
}

int zone_idmap_pick(const struct zone_idrange *taken, size_t n, uint32_t first, uint32_t count,
		    uint32_t *base)
{
	/* the last usable id is 2^32-2: (uid_t)-1 means "no change" to the kernel */
	const uint64_t limit = UINT64_C(0xffffffff);
	uint64_t b;

	if (count == 0 || (count & (count - 1)) != 0)
		return -1;
	b = ((uint64_t)first + count - 1) / count * count;
	while (b + count <= limit) {
		uint64_t next = 0;

		for (size_t i = 0; i < n; i++)
			if (taken[i].count && overlaps(&taken[i], b, count)) {
				/* skip past this range, to the next aligned base */
				uint64_t end = (uint64_t)taken[i].base + taken[i].count;
				uint64_t cand = (end + count - 1) / count * count;
				if (cand > next)
					next = cand;
			}
		if (next == 0) {
			*base = (uint32_t)b;
			return 0;
		}
		b = next;
	}
	return -1;
}

size_t zone_idmap_parse_subid(const char *text, struct zone_idrange *out, size_t max)
{
	size_t n = 0;

	while (text && *text && n < max) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		char line[512], *c1, *c2, *end;
		unsigned long long start, count;

		if (len < sizeof(line)) {
			memcpy(line, text, len);
			line[len] = '\0';
			c1 = strchr(line, ':');
			c2 = c1 ? strchr(c1 + 1, ':') : NULL;
			if (c2 && line[0] != '#') {
				errno = 0;
				start = strtoull(c1 + 1, &end, 10);
				if (!errno && end == c2 && c1[1] && start <= UINT32_MAX) {
					count = strtoull(c2 + 1, &end, 10);
					if (!errno && c2[1] && (*end == '\0' || *end == '\r') &&
					    count > 0 && count <= UINT32_MAX - start) {
						out[n].base = (uint32_t)start;
						out[n].count = (uint32_t)count;
						n++;
					}
				}
			}
		}
		text = nl ? nl + 1 : NULL;
	}
	return n;
}

int zone_idmap_get(json_t *state, struct zone_idrange *r)
{
	json_t *m = json_object_get(state, "idmap");
	json_int_t b = json_integer_value(json_object_get(m, "base"));
	json_int_t c = json_integer_value(json_object_get(m, "count"));

	if (!json_is_object(m) || b <= 0 || c <= 0 || b + c > (json_int_t)UINT32_MAX)
		return -1;
	r->base = (uint32_t)b;
	r->count = (uint32_t)c;
	return 0;
}

int zone_idmap_lock(struct zone_store *s, struct zone_error *err)
{
	char p[sizeof(s->root) + 32];
	int fd;

	snprintf(p, sizeof(p), "%s/.idmap.lock", s->root);
	fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return zone_error_set(err, errno, "open %s", p);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int e = errno;
			close(fd);
			return zone_error_set(err, e, "lock %s", p);
		}
	}
	return fd;
}

/* /etc/subuid or /etc/subgid: the ranges given to users on this host (absent: none). */
static size_t host_subids(const char *path, struct zone_idrange *out, size_t max)
{
	char buf[65536];

	if (zone_read_text(buf, sizeof(buf), "%s", path) <= 0)
		return 0;
	return zone_idmap_parse_subid(buf, out, max);
}

int zone_idmap_alloc_locked(struct zone_store *s, json_t *state, struct zone_error *err)
{
	cleanup_free struct zone_idrange *taken = calloc(MAX_TAKEN, sizeof(*taken));
	cleanup_closedir DIR *d = opendir(s->root);
	struct dirent *de;
	size_t n = 0;
	uint32_t base;

	if (taken == NULL)
		return zone_error_set(err, ENOMEM, "allocate ids");
	if (d == NULL)
		return zone_error_set(err, errno, "open zone store %s", s->root);
	n += host_subids("/etc/subuid", taken + n, MAX_TAKEN - n);
	n += host_subids("/etc/subgid", taken + n, MAX_TAKEN - n);
	/* every zone directory, also one being moved or created (".new-"): only a destroyed
	 * zone (".gone-", or no directory) gives its range back */
	while ((de = readdir(d)) != NULL && n < MAX_TAKEN) {
		cleanup_close int zfd = -1;
		json_t *st = NULL;
		struct zone_error ignored;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strncmp(de->d_name, ".gone-", 6))
			continue;
		zfd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (zfd < 0 || zone_json_read(zfd, "state.json", &st, &ignored) < 0)
			continue;
		if (zone_idmap_get(st, &taken[n]) == 0)
			n++;
		json_decref(st);
	}
	if (zone_idmap_pick(taken, n, ZONE_IDMAP_FIRST, ZONE_IDMAP_COUNT, &base) < 0)
		return zone_error_set(err, ENOSPC, "no free host id range for a zone");
	json_object_set_new(state, "idmap",
			    json_pack("{s:I, s:I}", "base", (json_int_t)base, "count",
				      (json_int_t)ZONE_IDMAP_COUNT));
	return 0;
}

int zone_idmap_ensure(struct zone *z, struct zone_error *err)
{
	struct zone_idrange r;
	int lock, ret;

	if (zone_idmap_get(z->state, &r) == 0)
		return 0;
	lock = zone_idmap_lock(z->store, err);
	if (lock < 0)
		return zone_error_wrap(err, "zone %s", z->name);
	ret = zone_idmap_alloc_locked(z->store, z->state, err);
	if (ret == 0)
		ret = zone_save_state(z, err);
	close(lock);
	return ret < 0 ? zone_error_wrap(err, "zone %s: id range", z->name) : 0;
}
