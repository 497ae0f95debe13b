/*
 * lx_buf and lx_text (proc/lxbuf.c), lx_kver_cmp and the load-average step: the primitives
 * every lxproc generator stands on.  Bounds are checked with canaries around the buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "proc/lxproc.h"

/* A buffer of `cap` bytes inside a larger array whose outer bytes must stay untouched. */
struct guarded {
	char mem[256];
	struct lx_buf b;
};

static void guarded_init(struct guarded *g, size_t cap)
{
	memset(g->mem, 0x5a, sizeof(g->mem));
	lx_buf_init(&g->b, g->mem + 16, cap);
}

static void assert_guards(const struct guarded *g, size_t cap)
{
	for (size_t i = 0; i < 16; i++)
		assert_int_equal(g->mem[i], 0x5a);
	for (size_t i = 16 + cap; i < sizeof(g->mem); i++)
		assert_int_equal(g->mem[i], 0x5a);
}

static void assert_text(const struct lx_buf *b, const char *want)
{
	assert_int_equal(b->len, strlen(want));
	assert_memory_equal(b->p, want, b->len);
}

static void test_buf_appends(void **state)
{
	struct guarded g;

	(void)state;
	guarded_init(&g, 100);
	lx_buf_puts(&g.b, "MemTotal:");
	lx_buf_u64(&g.b, 262144, 8, ' ');
	lx_buf_putc(&g.b, '|');
	lx_buf_u64(&g.b, 7, 3, '0');
	lx_buf_putc(&g.b, '|');
	lx_buf_s64(&g.b, -42, 5, ' ');
	lx_buf_putc(&g.b, '|');
	lx_buf_s64(&g.b, -42, 5, '0');
	lx_buf_putc(&g.b, '|');
	lx_buf_u64(&g.b, UINT64_MAX, 0, ' ');
	lx_buf_putc(&g.b, '|');
	lx_buf_s64(&g.b, INT64_MIN, 0, ' ');
	assert_false(lx_buf_truncated(&g.b));
	assert_text(&g.b, "MemTotal:  262144|007|  -42|-0042|18446744073709551615|"
			  "-9223372036854775808");
	assert_guards(&g, 100);
}

static void test_buf_fixed_point(void **state)
{
	struct guarded g;

	(void)state;
	guarded_init(&g, 100);
	lx_buf_fix(&g.b, 1234, 2);
	lx_buf_putc(&g.b, ' ');
	lx_buf_fix(&g.b, 5, 2);
	lx_buf_putc(&g.b, ' ');
	lx_buf_fix(&g.b, 0, 2);
	lx_buf_putc(&g.b, ' ');
	lx_buf_fix(&g.b, 100, 3);
	lx_buf_putc(&g.b, ' ');
	lx_buf_fix(&g.b, 42, 0);
	assert_text(&g.b, "12.34 0.05 0.00 0.100 42");
	assert_guards(&g, 100);
}

static void test_buf_pad_to(void **state)
{
	struct guarded g;
	size_t start;

	(void)state;
	guarded_init(&g, 100);
	start = g.b.len;
	lx_buf_puts(&g.b, "none");
	lx_buf_pad_to(&g.b, start, 8, true);
	lx_buf_putc(&g.b, '|');
	start = g.b.len;
	lx_buf_puts(&g.b, "averyverylongname");
	lx_buf_pad_to(&g.b, start, 8, true);
	lx_buf_putc(&g.b, '|');
	lx_buf_pad_to(&g.b, g.b.len, 0, false);
	assert_text(&g.b, "none    |averyverylongname |");
}

/* Every append at every capacity: never a byte past cap, and truncation is reported. */
static void test_buf_truncation_never_overflows(void **state)
{
	static const char full[] = "abc 12345 -678 3.14 xyz";

	(void)state;
	for (size_t cap = 0; cap <= sizeof(full); cap++) {
		struct guarded g;

		guarded_init(&g, cap);
		lx_buf_puts(&g.b, "abc ");
		lx_buf_u64(&g.b, 12345, 0, ' ');
		lx_buf_putc(&g.b, ' ');
		lx_buf_s64(&g.b, -678, 0, ' ');
		lx_buf_putc(&g.b, ' ');
		lx_buf_fix(&g.b, 314, 2);
		lx_buf_fill(&g.b, ' ', 1);
		lx_buf_putn(&g.b, "xyz", 3);
		assert_guards(&g, cap);
		assert_true(g.b.len <= cap);
		/* What fitted is a prefix of the whole text. */
		assert_memory_equal(g.b.p, full, g.b.len);
		assert_int_equal(lx_buf_truncated(&g.b), cap < sizeof(full) - 1);
	}
}

static void test_text_lines_and_words(void **state)
{
	struct lx_text t = lx_text_cstr("one two\n\nthree"), line, w;
	uint64_t v;

	(void)state;
	assert_true(lx_text_next_line(&t, &line));
	assert_true(lx_text_eq_cstr(line, "one two"));
	assert_true(lx_text_next_word(&line, &w));
	assert_true(lx_text_eq_cstr(w, "one"));
	assert_true(lx_text_next_word(&line, &w));
	assert_true(lx_text_eq_cstr(w, "two"));
	assert_false(lx_text_next_word(&line, &w));
	assert_true(lx_text_next_line(&t, &line));
	assert_int_equal(line.len, 0);
	assert_true(lx_text_next_line(&t, &line));
	assert_true(lx_text_eq_cstr(line, "three"));
	assert_false(lx_text_next_line(&t, &line));

	assert_true(lx_text_to_u64(lx_text_cstr(" 18446744073709551615\n"), &v));
	assert_true(v == UINT64_MAX);
	assert_false(lx_text_to_u64(lx_text_cstr("18446744073709551616"), &v));
	assert_false(lx_text_to_u64(lx_text_cstr("12abc"), &v));
	assert_false(lx_text_to_u64(lx_text_cstr(""), &v));
	assert_false(lx_text_to_u64(lx_text_cstr("-1"), &v));
}

static void test_kver_cmp(void **state)
{
	(void)state;
	assert_true(lx_kver_cmp("2.6.32", "2.6.33") < 0);
	assert_true(lx_kver_cmp("2.6.33", "2.6.33") == 0);
	assert_true(lx_kver_cmp("2.6.33.1", "2.6.33") > 0);
	assert_true(lx_kver_cmp("2.6", "2.6.0") == 0);
	assert_true(lx_kver_cmp("5.15.0-91-generic", "5.15.0") == 0);
	assert_true(lx_kver_cmp("5.15.0-91-generic", "5.4.0") > 0);
	assert_true(lx_kver_cmp("3.10", "2.6.39") > 0);
	assert_true(lx_kver_cmp("10.0", "9.99") > 0);
}

static void test_stat_columns_follow_kernel_version(void **state)
{
	(void)state;
	assert_int_equal(lxproc_stat_ncols("2.4.37"), 4);
	assert_int_equal(lxproc_stat_ncols("2.5.40"), 4);
	assert_int_equal(lxproc_stat_ncols("2.5.41"), 7);
	assert_int_equal(lxproc_stat_ncols("2.6.9"), 7);
	assert_int_equal(lxproc_stat_ncols("2.6.11"), 8);
	assert_int_equal(lxproc_stat_ncols("2.6.23"), 8);
	assert_int_equal(lxproc_stat_ncols("2.6.24"), 9);
	assert_int_equal(lxproc_stat_ncols("2.6.32"), 9);
	assert_int_equal(lxproc_stat_ncols("2.6.33"), 10);
	assert_int_equal(lxproc_stat_ncols("5.15.0"), 10);
	assert_int_equal(lxproc_stat_ncols(NULL), 10);
	assert_int_equal(lxproc_stat_ncols(""), 10);
}

/* The kernel's calc_load: a constant load of 1 gives 1 - 1/e after one minute. */
static void test_load_average_converges(void **state)
{
	struct lx_loadavg la = {{0, 0, 0}};

	(void)state;
	for (int i = 0; i < 12; i++) /* one minute of 5 s samples */
		lx_loadavg_sample(&la, 1);
	/* 0.632 * 2048 = 1294; the kernel's rounding lands within a few units. */
	assert_in_range(la.avenrun[0], 1280, 1310);
	assert_true(la.avenrun[1] < la.avenrun[0]);
	assert_true(la.avenrun[2] < la.avenrun[1]);
	for (int i = 0; i < 12 * 60; i++) /* an hour */
		lx_loadavg_sample(&la, 1);
	assert_int_equal(la.avenrun[0], LX_FIXED_1);
	assert_int_equal(la.avenrun[1], LX_FIXED_1);
	assert_int_equal(la.avenrun[2], LX_FIXED_1);
	for (int i = 0; i < 12 * 60; i++) /* an idle hour: back to 0 */
		lx_loadavg_sample(&la, 0);
	assert_int_equal(la.avenrun[0], 0);
	assert_int_equal(la.avenrun[2] < 20, 1);
	assert_int_equal(lx_calc_load(0, LX_EXP_1, 3 * LX_FIXED_1),
			 (3 * LX_FIXED_1 * (LX_FIXED_1 - LX_EXP_1) + LX_FIXED_1 - 1) / LX_FIXED_1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_buf_appends),
	    cmocka_unit_test(test_buf_fixed_point),
	    cmocka_unit_test(test_buf_pad_to),
	    cmocka_unit_test(test_buf_truncation_never_overflows),
	    cmocka_unit_test(test_text_lines_and_words),
	    cmocka_unit_test(test_kver_cmp),
	    cmocka_unit_test(test_stat_columns_follow_kernel_version),
	    cmocka_unit_test(test_load_average_converges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
