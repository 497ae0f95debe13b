/* zone/progress.c: silent in the first second; off a terminal, one line per quarter with the
 * size, or one per 5 s tick when the total is not known; -q silences it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "zone/progress.h"

/* Run fn with standard error (not a terminal) captured into out. */
static void capture(void (*fn)(void), char *out, size_t len)
{
	FILE *f = tmpfile();
	int saved = dup(2);
	size_t n;

	assert_non_null(f);
	fflush(stderr);
	dup2(fileno(f), 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	fclose(f);
}

static void age(struct zone_progress *p, long ms)
{
	p->start.tv_sec -= ms / 1000;
}

static void quarters(void)
{
	struct zone_progress p;
	uint64_t total = UINT64_C(400) << 20;

	zone_progress_start(&p, "web", "install");
	zone_progress_update(&p, total / 2, total); /* within the first second: nothing */
	age(&p, 2000);
	for (uint64_t d = 0; d <= total; d += total / 40)
		zone_progress_update(&p, d, total);
	zone_progress_end(&p);
}

static void test_quarters(void **state)
{
	char out[1024];

	(void)state;
	zone_progress_quiet = false;
	capture(quarters, out, sizeof(out));
	assert_string_equal(out, "web: install 25% (100 MiB)\n"
				 "web: install 50% (200 MiB)\n"
				 "web: install 75% (300 MiB)\n"
				 "web: install 100% (400 MiB)\n");
}

static void ticks(void)
{
	struct zone_progress p;

	zone_progress_start(&p, "web", "clone");
	age(&p, 6000);
	zone_progress_update(&p, UINT64_C(3) << 29, 0);
	zone_progress_update(&p, UINT64_C(4) << 29, 0); /* same 5 s tick: no line */
	zone_progress_end(&p);
}

static void test_unknown_total(void **state)
{
	char out[1024];

	(void)state;
	zone_progress_quiet = false;
	capture(ticks, out, sizeof(out));
	assert_string_equal(out, "web: clone 1.5 GiB\n");
}

static int measured;

static uint64_t measure(void *arg, uint64_t done)
{
	measured++;
	return done + *(uint64_t *)arg;
}

/* A removal counting files, its total measured once when it outlasts the quiet second. */
static void counted(void)
{
	struct zone_progress p;
	uint64_t left = 3000;

	zone_progress_start(&p, "web", "remove root");
	p.unit = "files";
	zone_progress_measure(&p, measure, &left);
	zone_progress_update(&p, 500, 0); /* within the first second: not even measured */
	assert_int_equal(measured, 0);
	age(&p, 2000);
	zone_progress_update(&p, 1000, 0); /* measured: 1000 + 3000; 25% */
	zone_progress_update(&p, 1500, 0);
	zone_progress_update(&p, 2000, 0);
	zone_progress_update(&p, 3900, 0);
	zone_progress_finish(&p); /* done: the 100% line the updates did not reach */
	assert_int_equal(measured, 1);
}

static void test_measured_total(void **state)
{
	char out[1024];

	(void)state;
	zone_progress_quiet = false;
	capture(counted, out, sizeof(out));
	assert_string_equal(out, "web: remove root 25% (1000 files)\n"
				 "web: remove root 50% (2000 files)\n"
				 "web: remove root 75% (3900 files)\n"
				 "web: remove root 100% (4000 files)\n");
}

static void test_quiet(void **state)
{
	char out[1024];

	(void)state;
	zone_progress_quiet = true;
	capture(quarters, out, sizeof(out));
	assert_string_equal(out, "");
	zone_progress_quiet = false;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_quarters),
	    cmocka_unit_test(test_unknown_total),
	    cmocka_unit_test(test_measured_total),
	    cmocka_unit_test(test_quiet),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
