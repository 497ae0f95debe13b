/* The zone store: atomic creation, state changes along the table, the per-zone lock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zone/config.h"
#include "zone/fsutil.h"
#include "zone/store.h"

static char root[256];
static struct zone_store store;

static int setup(void **state)
{
	(void)state;
	struct zone_error err;
	snprintf(root, sizeof(root), "/tmp/test_zone_store.%d", (int)getpid());
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

static struct zone *make(const char *name)
{
	json_t *cfg;
	struct zone *z = NULL;
	struct zone_error err;
	assert_int_equal(zone_config_new(name, &cfg, &err), 0);
	if (zone_new(&store, name, cfg, &z, &err) < 0)
		fail_msg("%s", err.msg);
	return z;
}

static void test_create_list_open(void **state)
{
	(void)state;
	struct zone_error err;
	struct zone *z = make("b");
	zone_free(make("a"));
	assert_int_equal(zone_get_state(z), ZONE_CONFIGURED);
	zone_free(z);

	json_t *cfg;
	assert_int_equal(zone_config_new("a", &cfg, &err), 0);
	assert_int_equal(zone_new(&store, "a", cfg, &z, &err), -1);
	assert_non_null(strstr(err.msg, "already exists"));

	char **names;
	size_t n;
	assert_int_equal(zone_store_list(&store, &names, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "a");
	assert_string_equal(names[1], "b");
	zone_names_free(names, n);

	assert_int_equal(zone_open(&store, "nope", 0, &z, &err), -1);
	assert_non_null(strstr(err.msg, "no such zone"));
	assert_int_equal(zone_open(&store, "../etc", 0, &z, &err), -1);
	assert_int_equal(zone_open(&store, "a", 0, &z, &err), 0);
	assert_string_equal(zone_config_str(z->config, "hostname"), "a");
	zone_free(z);
}

static void test_state_changes_follow_the_table(void **state)
{
	(void)state;
	struct zone_error err;
	struct zone *z = make("s");
	assert_int_equal(zone_set_state(z, ZONE_INSTALLED, &err), -1);
	assert_non_null(strstr(err.msg, "cannot go from configured to installed"));
	assert_int_equal(zone_set_state(z, ZONE_INCOMPLETE, &err), 0);
	assert_int_equal(zone_set_state(z, ZONE_INSTALLED, &err), 0);
	zone_free(z);
	/* A fresh reader sees the change on disk. */
	assert_int_equal(zone_open(&store, "s", 0, &z, &err), 0);
	assert_int_equal(zone_get_state(z), ZONE_INSTALLED);
	/* running without a live supervisor reads as installed (crashed supervisor) */
	zone_state_put(z, "state", json_string("running"));
	zone_state_put(z, "supervisor", json_pack("{s:i}", "pid", 999999));
	assert_int_equal(zone_get_state(z), ZONE_INSTALLED);
	zone_free(z);
}

static void test_lock_contention_fails_clearly(void **state)
{
	(void)state;
	struct zone_error err;
	struct zone *z = make("busy");
	int pfd[2];
	char c;
	assert_int_equal(pipe(pfd), 0);
	zone_free(z);
	pid_t pid = fork();
	if (pid == 0) {
		struct zone *h;
		struct zone_error e;
		if (zone_open(&store, "busy", ZONE_OPEN_LOCK, &h, &e) < 0)
			_exit(1);
		if (write(pfd[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	assert_int_equal(read(pfd[0], &c, 1), 1);
	setenv("LXZONE_LOCK_TIMEOUT", "0.2", 1);
	assert_int_equal(zone_open(&store, "busy", ZONE_OPEN_LOCK, &z, &err), -1);
	assert_non_null(strstr(err.msg, "zone busy is busy"));
	/* Reading without the lock still works. */
	assert_int_equal(zone_open(&store, "busy", 0, &z, &err), 0);
	zone_free(z);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	/* The lock dies with its holder. */
	assert_int_equal(zone_open(&store, "busy", ZONE_OPEN_LOCK, &z, &err), 0);
	zone_free(z);
	unsetenv("LXZONE_LOCK_TIMEOUT");
	close(pfd[0]);
	close(pfd[1]);
}

static void test_remove(void **state)
{
	(void)state;
	struct zone_error err;
	struct zone *z = make("gone");
	assert_int_equal(zone_remove(z, &err), 0);
	zone_free(z);
	assert_int_equal(zone_open(&store, "gone", 0, &z, &err), -1);
	zone_free(make("gone")); /* the name is free again */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_create_list_open, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_state_changes_follow_the_table, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lock_contention_fails_clearly, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_remove, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
