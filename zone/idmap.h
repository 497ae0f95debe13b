/*
 * Host id ranges for zones' user namespaces.
 *
 * A zone that is not `privileged` runs in a user namespace of its own whose uids and gids
 * 0..65535 map to a host range [base, base+65536) that no other zone uses.  The range is
 * chosen when the zone is created (a clone gets its own: idmapped mounts make that free),
 * recorded in its state.json as "idmap": {"base": B, "count": 65536}, and released when the
 * zone's directory goes (destroy).  Allocation runs under a store-wide lock (.idmap.lock in
 * the store), so two commands never hand out one range.
 *
 * The pure part (zone_idmap_pick, zone_idmap_parse_subid) is unit-tested
 * (tests/unit/test_zone_idmap.c).
 */
#ifndef LXZONE_ZONE_IDMAP_H
#define LXZONE_ZONE_IDMAP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

#define ZONE_IDMAP_COUNT 65536u
/* The first 65536-aligned id at or above 1,000,000: far above any distribution's users and
 * the usual /etc/subuid ranges (100000 + 65536 * n), which are skipped anyway. */
#define ZONE_IDMAP_FIRST 1048576u

struct zone_idrange {
	uint32_t base, count;
};

/*
 * The lowest base >= first, a multiple of count (count a power of two), with
 * [base, base+count) disjoint from every range in taken (any order, may overlap each other)
 * and below 2^32-1 (the invalid id).  0 and *base, or -1 when every range is taken.
 */
int zone_idmap_pick(const struct zone_idrange *taken, size_t n, uint32_t first, uint32_t count,
		    uint32_t *base);

/* The ranges of /etc/subuid-style text ("name:start:count" lines); malformed lines are
 * skipped.  Returns how many were stored (at most max). */
size_t zone_idmap_parse_subid(const char *text, struct zone_idrange *out, size_t max);

/* The range recorded in a zone's state.json object: 0 and *r, or -1 when it has none (a zone
 * created by an lxzone without user namespaces) or it is malformed. */
int zone_idmap_get(json_t *state, struct zone_idrange *r);

struct zone_store;
struct zone;

/* The store-wide allocation lock: a descriptor to close (or -1 with err). */
int zone_idmap_lock(struct zone_store *s, struct zone_error *err);

/*
 * With the lock held: choose a free range (every zone's state.json in the store, and
 * /etc/subuid and /etc/subgid, are taken) and record it in state ("idmap").  0 or -1 with
 * err.  The caller writes state.json before it drops the lock.
 */
int zone_idmap_alloc_locked(struct zone_store *s, json_t *state, struct zone_error *err);

/* A zone without a range (created before user namespaces): allocate one and save its state.
 * The zone must be locked.  0 when it has one (now), or -1 with err. */
int zone_idmap_ensure(struct zone *z, struct zone_error *err);

#endif
