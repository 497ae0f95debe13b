/*
 * The zone page in the launcher: lxrun's --memory/--cpus parsing, lxrun_caps_plan's paths
 * (over a fake cgroup v2 tree), and the plan's read-only page bind and hand-over.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "zone/launch/launch.h"
#include "cli/lxrun_caps.h"

static int parse(struct launch_opts *o, struct zone_error *err, ...)
{
	char *argv[16];
	int argc = 0;
	va_list ap;

	argv[argc++] = (char *)"lxrun";
	va_start(ap, err);
	for (char *a; (a = va_arg(ap, char *)) != NULL;)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	memset(err, 0, sizeof(*err));
	return launch_opts_parse(argc, argv, o, stdout, err);
}

static void test_memory_and_cpus_options(void **state)
{
	struct launch_opts o;
	struct zone_error err;

	(void)state;
	assert_int_equal(parse(&o, &err, "--memory", "256M", "--cpus", "1.5", "true", NULL), 0);
	assert_int_equal(o.memory, UINT64_C(256) << 20);
	assert_int_equal(o.millicpus, 1500);
	assert_int_equal(parse(&o, &err, "--memory", "1g", "--cpus", "0.5", "true", NULL), 0);
	assert_int_equal(o.memory, UINT64_C(1) << 30);
	assert_int_equal(o.millicpus, 500);
	assert_int_equal(parse(&o, &err, "--memory", "512MiB", "--cpus", "2", "true", NULL), 0);
	assert_int_equal(o.memory, UINT64_C(512) << 20);
	assert_int_equal(o.millicpus, 2000);
	assert_int_equal(parse(&o, &err, "--memory", "1048576", "true", NULL), 0);
	assert_int_equal(o.memory, 1048576);
	assert_int_equal(o.millicpus, 0);

	static const char *const bad_mem[] = {"", "0", "12x", "m", "-1", "1.5g", "99999999999t"};
	for (size_t i = 0; i < sizeof(bad_mem) / sizeof(bad_mem[0]); i++) {
		assert_int_equal(parse(&o, &err, "--memory", bad_mem[i], "true", NULL), -1);
		assert_int_equal(err.status, LAUNCH_EXIT_USAGE);
		assert_non_null(strstr(err.msg, "--memory"));
	}
	static const char *const bad_cpus[] = {"", "0", "0.001", "1.", ".5", "-1", "1.0001", "x"};
	for (size_t i = 0; i < sizeof(bad_cpus) / sizeof(bad_cpus[0]); i++) {
		assert_int_equal(parse(&o, &err, "--cpus", bad_cpus[i], "true", NULL), -1);
		assert_int_equal(err.status, LAUNCH_EXIT_USAGE);
		assert_non_null(strstr(err.msg, "--cpus"));
	}
	/* trailing zeros past a thousandth are fine */
	assert_int_equal(parse(&o, &err, "--cpus", "0.2500", "true", NULL), 0);
	assert_int_equal(o.millicpus, 250);
}

static const struct launch_op *find(const struct launch_plan *p, int kind, size_t *at)
{
	for (size_t i = 0; i < p->nops; i++)
		if (p->ops[i].kind == kind) {
			if (at)
				*at = i;
			return &p->ops[i];
		}
	return NULL;
}

/* A fake v2 hierarchy and page directory: the caps' paths, without touching the system. */
static void test_caps_plan_paths(void **state)
{
	char tmpl[] = "/tmp/test_zonepage_launch.XXXXXX", f[600], want[700];
	char *d = mkdtemp(tmpl);
	struct launch_opts o;
	struct zone_error err;
	struct lxrun_caps *c = calloc(1, sizeof(*c));
	struct launch_plan *plan = calloc(1, sizeof(*plan));
	char *argv[] = {(char *)"/bin/true", NULL};

	(void)state;
	assert_non_null(d);
	snprintf(f, sizeof(f), "%s/cgroup.controllers", d);
	FILE *fp = fopen(f, "w");
	assert_non_null(fp);
	fputs("cpuset cpu memory pids\n", fp);
	fclose(fp);
	setenv("LXZONE_CGROUP_MNT", d, 1);
	setenv("LXZONE_CGROUP_PARENT", "caps-test", 1);
	setenv("LXZONE_RUN_DIR", "/run/caps-test", 1);
	setenv("LXZONE_BRAND_IMAGE", "/nonexistent/lxzone-brand", 1);

	/* no caps: nothing planned, no page */
	memset(&o, 0, sizeof(o));
	o.argv = argv;
	assert_int_equal(lxrun_caps_plan(c, &o, &err), 0);
	assert_false(c->active);
	assert_null(o.zone_page);
	assert_int_equal(o.ncgroup_procs, 0);

	/* on the host: the program joins the cgroup, the brand gets the page's host path */
	o.memory = 256u << 20;
	assert_int_equal(lxrun_caps_plan(c, &o, &err), 0);
	assert_true(c->active);
	assert_int_equal(o.ncgroup_procs, 1);
	snprintf(want, sizeof(want), "%s/caps-test/lxrun-%d/cgroup.procs", d, (int)getpid());
	assert_string_equal(o.cgroup_procs[0], want);
	snprintf(want, sizeof(want), "/run/caps-test/lxrun-%d.page", (int)getpid());
	assert_string_equal(o.zone_page, want);
	assert_null(o.zone_page_host);
	assert_int_equal(launch_plan_build(&o, plan, &err), 0);
	assert_true(plan->fork_for_wait); /* the sampler needs lxrun to stay */
	assert_null(find(plan, LOP_PAGE_BIND, NULL));
	assert_null(find(plan, LOP_HOST_CPU_DIR, NULL)); /* no --cpus: the host's CPUs */

	/* --cpus on the host: a private /sys/devices/system/cpu for the run, after the joins,
	 * when the host has more CPUs than that */
	o.millicpus = 1000;
	assert_int_equal(lxrun_caps_plan(c, &o, &err), 0);
	assert_int_equal(launch_plan_build(&o, plan, &err), 0);
	{
		size_t at_dir, at_join;
		const struct launch_op *dir = find(plan, LOP_HOST_CPU_DIR, &at_dir);

		if (sysconf(_SC_NPROCESSORS_CONF) > 1) {
			char *t = NULL;
			size_t tl = 0;
			FILE *tf = open_memstream(&t, &tl);

			assert_non_null(dir);
			assert_int_equal(dir->flags, 1);
			assert_string_equal(dir->data, "0\n");
			assert_non_null(find(plan, LOP_JOIN_CGROUP, &at_join));
			assert_true(at_join < at_dir);
			launch_plan_print(plan, tf);
			fclose(tf);
			assert_non_null(strstr(t, "host-cpu-dir /sys/devices/system/cpu cpu0..cpu0 "
						  "online 0 (private mount namespace)\n"));
			free(t);
		} else {
			assert_null(dir); /* nothing to hide on a 1-CPU host */
		}
	}
	o.millicpus = 0;

	/* with a root: bound read-only at LAUNCH_ZONE_PAGE after /dev, before pivot_root */
	o.root = "/srv/zone";
	assert_int_equal(lxrun_caps_plan(c, &o, &err), 0);
	assert_string_equal(o.zone_page, LAUNCH_ZONE_PAGE);
	assert_string_equal(o.zone_page_host, want);
	assert_int_equal(launch_plan_build(&o, plan, &err), 0);
	size_t at_page, at_pivot;
	const struct launch_op *op = find(plan, LOP_PAGE_BIND, &at_page);
	assert_non_null(op);
	assert_string_equal(op->src, want);
	assert_string_equal(op->dest, "/dev/.lxzone-page");
	assert_true(op->flags & MS_RDONLY);
	assert_non_null(find(plan, LOP_PIVOT_ROOT, &at_pivot));
	assert_true(at_page < at_pivot);
	for (size_t i = at_page; i < plan->nops; i++)
		assert_false(plan->ops[i].kind == LOP_MOUNT &&
			     !strcmp(plan->ops[i].dest, "/dev")); /* no /dev over it */

	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	launch_plan_print(plan, out);
	fclose(out);
	assert_non_null(strstr(text, "page-bind "));
	assert_non_null(strstr(text, " on /dev/.lxzone-page (ro)\n"));
	assert_non_null(strstr(text, "zone-page=/dev/.lxzone-page argv '/bin/true'"));
	free(text);

	unsetenv("LXZONE_CGROUP_MNT");
	unsetenv("LXZONE_CGROUP_PARENT");
	unsetenv("LXZONE_RUN_DIR");
	unlink(f);
	rmdir(d);
	free(c);
	free(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_memory_and_cpus_options),
	    cmocka_unit_test(test_caps_plan_paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
