/* The zone id-range allocator (zone/idmap.c): a pure function over the ranges taken. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "zone/idmap.h"

#define C ZONE_IDMAP_COUNT
#define F ZONE_IDMAP_FIRST

static uint32_t pick(const struct zone_idrange *t, size_t n)
{
	uint32_t b = 0;

	assert_int_equal(zone_idmap_pick(t, n, F, C, &b), 0);
	assert_int_equal(b % C, 0);
	for (size_t i = 0; i < n; i++) /* disjoint from every taken range */
		assert_true((uint64_t)b + C <= t[i].base || b >= (uint64_t)t[i].base + t[i].count);
	return b;
}

static void test_first_free(void **state)
{
	(void)state;
	assert_int_equal(pick(NULL, 0), F);
	assert_int_equal(F % C, 0);
	assert_true(F >= 1000000);
}

static void test_skips_taken_and_fills_holes(void **state)
{
	struct zone_idrange t[] = {{F, C}, {F + 2 * C, C}};

	(void)state;
	assert_int_equal(pick(t, 2), F + C); /* the hole between */
	t[1].base = F + C;
	assert_int_equal(pick(t, 2), F + 2 * C); /* after both, any order */
}

static void test_unaligned_subid_ranges(void **state)
{
	/* /etc/subuid-style ranges that straddle alignments push past their end */
	struct zone_idrange t[] = {{F + 10, 100000}, {F + 100, 5}};

	(void)state;
	assert_int_equal(pick(t, 2), F + 2 * C);
}

static void test_full(void **state)
{
	struct zone_idrange all = {0, 0xffffffffu};
	uint32_t b;

	(void)state;
	assert_int_equal(zone_idmap_pick(&all, 1, F, C, &b), -1);
	assert_int_equal(zone_idmap_pick(NULL, 0, F, 3, &b), -1); /* not a power of two */
	/* the last usable range is the one ending below 2^32-1 ((uid_t)-1) */
	struct zone_idrange below = {0, 0xfffe0000u};
	assert_int_equal(zone_idmap_pick(&below, 1, F, C, &b), 0);
	assert_int_equal(b, 0xfffe0000u);
	below.count = 0xffff0000u;
	assert_int_equal(zone_idmap_pick(&below, 1, F, C, &b), -1);
}

static void test_parse_subid(void **state)
{
	struct zone_idrange r[8];
	size_t n = zone_idmap_parse_subid("alice:100000:65536\n# c\nbob:165536:65536\n"
					  "bad\nx:1:\ny:abc:3\nz:5:0\nlast:200:7",
					  r, 8);

	(void)state;
	assert_int_equal(n, 3);
	assert_int_equal(r[0].base, 100000);
	assert_int_equal(r[0].count, 65536);
	assert_int_equal(r[1].base, 165536);
	assert_int_equal(r[2].base, 200);
	assert_int_equal(r[2].count, 7);
}

static void test_state_get(void **state)
{
	struct zone_idrange r;
	json_t *st =
	    json_pack("{s:{s:I, s:I}}", "idmap", "base", (json_int_t)F, "count", (json_int_t)C);

	(void)state;
	assert_int_equal(zone_idmap_get(st, &r), 0);
	assert_int_equal(r.base, F);
	assert_int_equal(r.count, C);
	json_object_del(st, "idmap");
	assert_int_equal(zone_idmap_get(st, &r), -1);
	json_decref(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_first_free),
	    cmocka_unit_test(test_skips_taken_and_fills_holes),
	    cmocka_unit_test(test_unaligned_subid_ranges),
	    cmocka_unit_test(test_full),
	    cmocka_unit_test(test_parse_subid),
	    cmocka_unit_test(test_state_get),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
