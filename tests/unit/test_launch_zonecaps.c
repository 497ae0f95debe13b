/*
 * The launch plan's zone confinement: the cgroup namespace after the cgroup joins, the zone's
 * cgroup file systems read-only under the read-only /sys, the capability set in the printed
 * plan, and lxrun's --capabilities.  Pure: plans are built, never executed.
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

#include "zone/launch/launch.h"
#include "zone/capset.h"

static char *argv_true[] = {"true", NULL};

static int op_at(const struct launch_plan *p, int kind, const char *dest)
{
	for (size_t i = 0; i < p->nops; i++)
		if (p->ops[i].kind == kind &&
		    (!dest || (p->ops[i].dest && !strcmp(p->ops[i].dest, dest))))
			return (int)i;
	return -1;
}

static void test_cgroupns_and_cgroupfs(void **state)
{
	static const char *procs[] = {"/sys/fs/cgroup/memory/lxzone/z/cgroup.procs",
				      "/sys/fs/cgroup/unified/lxzone/z/cgroup.procs"};
	static const struct launch_cgroupfs fs[] = {
	    {"cgroup", "/sys/fs/cgroup/memory", "memory", 0},
	    {"cgroup", "/sys/fs/cgroup/cpu,cpuacct", "cpu,cpuacct", 0},
	    {"symlink", "/sys/fs/cgroup/cpu", "cpu,cpuacct", 0},
	    {"cgroup2", "/sys/fs/cgroup/unified", "", 0},
	};
	struct launch_opts o = {.argv = argv_true,
				.brand_image = "/b/lxzone-brand",
				.root = "/srv/z",
				.net_fd = -1,
				.cgroup_procs = procs,
				.ncgroup_procs = 2,
				.cgroupfs = fs,
				.ncgroupfs = 4};
	static struct launch_plan p;
	struct zone_error e = {0};
	int ns, sys, tmpfs, mem, cpu, link, uni, ro, pivot;

	(void)state;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	ns = op_at(&p, LOP_NEW_CGROUPNS, NULL);
	/* the namespace comes after both joins: its root is then the zone's cgroup */
	assert_true(ns > op_at(&p, LOP_JOIN_CGROUP, NULL));
	assert_string_equal(p.ops[ns - 1].src, procs[1]);
	sys = op_at(&p, LOP_MOUNT, "/sys");
	tmpfs = op_at(&p, LOP_MOUNT, "/sys/fs/cgroup");
	mem = op_at(&p, LOP_MOUNT, "/sys/fs/cgroup/memory");
	cpu = op_at(&p, LOP_MOUNT, "/sys/fs/cgroup/cpu,cpuacct");
	link = op_at(&p, LOP_SYMLINK, "/sys/fs/cgroup/cpu");
	uni = op_at(&p, LOP_MOUNT, "/sys/fs/cgroup/unified");
	ro = op_at(&p, LOP_REMOUNT_RO, "/sys/fs/cgroup");
	pivot = op_at(&p, LOP_PIVOT_ROOT, NULL);
	/* the tmpfs gets its mount points and symlinks and goes read-only (recursively) before
	 * the cgroup file systems are mounted on it */
	assert_true(ns < sys && sys < tmpfs && tmpfs < link && link < ro && ro < mem && mem < cpu &&
		    cpu < uni && uni < pivot);
	assert_true(op_at(&p, LOP_MKDIR, "/sys/fs/cgroup/memory") < ro);
	assert_true(op_at(&p, LOP_MKDIR, "/sys/fs/cgroup/unified") < ro);
	assert_true(p.ops[sys].flags & MS_RDONLY);
	assert_string_equal(p.ops[tmpfs].fstype, "tmpfs");
	assert_string_equal(p.ops[mem].fstype, "cgroup");
	assert_string_equal(p.ops[mem].data, "memory");
	assert_string_equal(p.ops[cpu].data, "cpu,cpuacct");
	assert_string_equal(p.ops[link].src, "cpu,cpuacct");
	assert_string_equal(p.ops[uni].fstype, "cgroup2");
	assert_null(p.ops[uni].data);
	for (int i = mem; i <= uni; i++)
		if (p.ops[i].kind == LOP_MOUNT)
			assert_true(p.ops[i].flags & MS_RDONLY);
	assert_false(p.ops[tmpfs].flags & MS_RDONLY); /* filled first, then remount-ro */

	/* a delegated zone cgroup: the cgroup mounts writable, the tmpfs holding them not */
	static const struct launch_cgroupfs fs_rw[] = {
	    {"cgroup", "/sys/fs/cgroup/memory", "memory", 1},
	    {"symlink", "/sys/fs/cgroup/cpu", "cpu,cpuacct", 0},
	    {"cgroup2", "/sys/fs/cgroup/unified", "", 1},
	};
	o.cgroupfs = fs_rw;
	o.ncgroupfs = 3;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	mem = op_at(&p, LOP_MOUNT, "/sys/fs/cgroup/memory");
	uni = op_at(&p, LOP_MOUNT, "/sys/fs/cgroup/unified");
	assert_false(p.ops[mem].flags & MS_RDONLY);
	assert_false(p.ops[uni].flags & MS_RDONLY);
	assert_true(p.ops[mem].flags & MS_NOSUID && p.ops[mem].flags & MS_NODEV &&
		    p.ops[mem].flags & MS_NOEXEC);
	assert_true(op_at(&p, LOP_REMOUNT_RO, "/sys/fs/cgroup") < mem);

	/* pure v2: cgroup2 straight on /sys/fs/cgroup, no tmpfs */
	static const struct launch_cgroupfs v2[] = {{"cgroup2", "/sys/fs/cgroup", "", 0}};
	o.cgroupfs = v2;
	o.ncgroupfs = 1;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	mem = op_at(&p, LOP_MOUNT, "/sys/fs/cgroup");
	assert_string_equal(p.ops[mem].fstype, "cgroup2");
	assert_int_equal(op_at(&p, LOP_REMOUNT_RO, "/sys/fs/cgroup"), -1);

	/* no cgroups (lxrun --root): still a cgroup namespace, no cgroup file system */
	o.ncgroupfs = 0;
	o.ncgroup_procs = 0;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	assert_true(op_at(&p, LOP_NEW_CGROUPNS, NULL) >= 0);
	assert_int_equal(op_at(&p, LOP_MOUNT, "/sys/fs/cgroup"), -1);
}

static void test_caps_in_printed_plan(void **state)
{
	struct launch_opts o = {.argv = argv_true,
				.brand_image = "/b/lxzone-brand",
				.root = "/srv/z",
				.net_fd = -1,
				.drop_caps = 1,
				.caps = 0x21};
	static struct launch_plan p;
	struct zone_error e = {0};
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(launch_plan_build(&o, &p, &e), 0);
	f = open_memstream(&text, &len);
	launch_plan_print(&p, f);
	fclose(f);
	assert_non_null(strstr(text, "\ncapabilities cap_chown,cap_kill\n"));
	assert_non_null(strstr(text, "\nnew-cgroupns\n"));
	free(text);
	o.drop_caps = 0;
	f = open_memstream(&text, &len);
	launch_plan_print(&p, f);
	fclose(f);
	assert_null(strstr(text, "capabilities"));
	free(text);
}

static void test_lxrun_capabilities_option(void **state)
{
	struct launch_opts o;
	struct zone_error e = {0};
	char *ok[] = {"lxrun", "--root", "/r", "--capabilities", "-sys_admin", "true", NULL};
	char *hard[] = {"lxrun",	  "--hardened", "--root", "/r",
			"--capabilities", "default",	"true",	  NULL};
	char *bad[] = {"lxrun", "--root", "/r", "--capabilities", "nosuch", "true", NULL};
	char *noroot[] = {"lxrun", "--capabilities", "default", "true", NULL};
	char *none[] = {"lxrun", "--root", "/r", "true", NULL};
	char *all[] = {"lxrun", "--root", "/r", "--capabilities", "all", "true", NULL};
	char *host[] = {"lxrun", "true", NULL};

	(void)state;
	assert_int_equal(launch_opts_parse(6, ok, &o, stdout, &e), 0);
	assert_true(o.drop_caps);
	assert_int_equal(o.caps, zone_caps_profile(false, false) & ~(UINT64_C(1) << 21));
	/* `default` is the profile's set, whatever the option order */
	assert_int_equal(launch_opts_parse(7, hard, &o, stdout, &e), 0);
	assert_int_equal(o.caps, zone_caps_profile(true, false));
	assert_int_equal(launch_opts_parse(6, bad, &o, stdout, &e), -1);
	assert_int_equal(e.status, LAUNCH_EXIT_USAGE);
	assert_string_equal(e.msg, "--capabilities: unknown capability 'nosuch'");
	assert_int_equal(launch_opts_parse(4, noroot, &o, stdout, &e), -1);
	assert_int_equal(e.status, LAUNCH_EXIT_USAGE);
	/* without the option a rooted run keeps the profile's set (no cap_mknod: lxrun has no
	 * devices cgroup), as a zone does; `all` is lxrun's own; without a root nothing drops */
	assert_int_equal(launch_opts_parse(4, none, &o, stdout, &e), 0);
	assert_true(o.drop_caps);
	assert_int_equal(o.caps, zone_caps_profile(false, false));
	assert_false(o.caps & (UINT64_C(1) << 27)); /* cap_mknod */
	assert_int_equal(launch_opts_parse(6, all, &o, stdout, &e), 0);
	assert_true(o.drop_caps);
	assert_true(o.caps & (UINT64_C(1) << 27));
	assert_int_equal(launch_opts_parse(2, host, &o, stdout, &e), 0);
	assert_false(o.drop_caps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cgroupns_and_cgroupfs),
	    cmocka_unit_test(test_caps_in_printed_plan),
	    cmocka_unit_test(test_lxrun_capabilities_option),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
