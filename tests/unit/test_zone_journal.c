/* The attach journal's recovery (zone/detach.c) on a zone's state alone: an uncommitted
 * attach of the zone's own root is rolled back without touching that root, even when the
 * journal wrongly says the root is a copy; a copy attach's partial root goes; a committed
 * one is finished.  And the shared helpers (zone/journal.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zone/clone.h"
#include "zone/config.h"
#include "zone/fsutil.h"
#include "zone/journal.h"
#include "zone/store.h"

static char root[256];
static struct zone_store store;

static int setup(void **state)
{
	(void)state;
	struct zone_error err;
	snprintf(root, sizeof(root), "/tmp/test_zone_journal.%d", (int)getpid());
	setenv("LXZONE_ROOT", root, 1);
	assert_int_equal(zone_store_init(&store, &err), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	struct zone_error err;
	zone_rmtree(root, &err);
	return 0;
}

/* A zone `incomplete` mid-attach: its root holds one file, the journal as given. */
static struct zone *mid_attach(const char *name, const char *from, bool only_copy,
			       const char *phase)
{
	json_t *cfg;
	struct zone *z = NULL;
	struct zone_error err;
	char f[PATH_MAX];
	assert_int_equal(zone_config_new(name, &cfg, &err), 0);
	if (zone_new(&store, name, cfg, &z, &err) < 0)
		fail_msg("%s", err.msg);
	cleanup_free char *r = zone_subpath(z, "root");
	assert_int_equal(zone_mkdir_p(r, 0755, &err), 0);
	snprintf(f, sizeof(f), "%s/keep", r);
	FILE *fp = fopen(f, "w");
	assert_non_null(fp);
	fclose(fp);
	json_t *j = json_pack("{s:s, s:s, s:b, s:s}", "source", from ? from : r, "from",
			      from ? from : r, "only-copy", only_copy, "phase", phase);
	assert_non_null(j);
	zone_state_put(z, "attach", j);
	assert_int_equal(zone_set_state(z, ZONE_INCOMPLETE, &err), 0);
	return z;
}

static bool has_root(struct zone *z)
{
	cleanup_free char *r = zone_subpath(z, "root");
	char f[PATH_MAX];
	snprintf(f, sizeof(f), "%s/keep", r);
	return access(f, F_OK) == 0;
}

static void test_only_copy_rolls_back_untouched(void **state)
{
	(void)state;
	struct zone_error err;
	enum zone_recovery done;
	struct zone *z = mid_attach("inplace", NULL, true, "copy");
	assert_true(zone_attach_only_copy(z));
	assert_int_equal(zone_attach_recover(z, &done, &err), 0);
	assert_int_equal(done, ZONE_ROLLED_BACK);
	assert_int_equal(zone_get_state(z), ZONE_CONFIGURED);
	assert_false(zone_attach_pending(z));
	assert_true(has_root(z));
	zone_free(z);
}

static void test_own_root_survives_a_wrong_journal(void **state)
{
	(void)state;
	struct zone_error err;
	enum zone_recovery done;
	/* only-copy false, but `from` is the zone's own root: the paths win */
	struct zone *z = mid_attach("liar", NULL, false, "copy");
	assert_false(zone_attach_only_copy(z));
	assert_int_equal(zone_attach_recover(z, &done, &err), 0);
	assert_int_equal(done, ZONE_ROLLED_BACK);
	assert_true(has_root(z));
	zone_free(z);
}

static void test_partial_copy_goes(void **state)
{
	(void)state;
	struct zone_error err;
	enum zone_recovery done;
	struct zone *z = mid_attach("copied", "/nonexistent/elsewhere", false, "copy");
	assert_false(zone_attach_only_copy(z));
	assert_int_equal(zone_attach_recover(z, &done, &err), 0);
	assert_int_equal(done, ZONE_ROLLED_BACK);
	assert_int_equal(zone_get_state(z), ZONE_CONFIGURED);
	assert_false(has_root(z));
	zone_free(z);
}

static void test_committed_is_finished(void **state)
{
	(void)state;
	struct zone_error err;
	enum zone_recovery done;
	struct zone *z = mid_attach("committed", NULL, true, "copy");
	assert_int_equal(zone_set_state(z, ZONE_INSTALLED, &err), 0);
	assert_int_equal(zone_journal_phase(z, "attach", "cleanup", &err), 0);
	assert_false(zone_attach_only_copy(z));
	assert_int_equal(zone_attach_recover(z, &done, &err), 0);
	assert_int_equal(done, ZONE_ROLLED_FORWARD);
	assert_int_equal(zone_get_state(z), ZONE_INSTALLED);
	assert_false(zone_attach_pending(z));
	assert_true(has_root(z));
	zone_free(z);
}

static void test_unknown_phase_refused(void **state)
{
	(void)state;
	struct zone_error err;
	enum zone_recovery done;
	struct zone *z = mid_attach("odd", NULL, true, "sideways");
	assert_int_equal(zone_attach_recover(z, &done, &err), -1);
	assert_non_null(strstr(err.msg, "unknown phase"));
	assert_true(has_root(z));
	zone_free(z);
}

static void test_path_within(void **state)
{
	(void)state;
	assert_true(zone_path_within("/a/b", "/a/b"));
	assert_true(zone_path_within("/a/b/c", "/a/b"));
	assert_false(zone_path_within("/a/bc", "/a/b"));
	assert_false(zone_path_within("/a", "/a/b"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_only_copy_rolls_back_untouched, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_own_root_survives_a_wrong_journal, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_partial_copy_goes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_committed_is_finished, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unknown_phase_refused, setup, teardown),
	    cmocka_unit_test(test_path_within),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
