/* Zone cgroups on fake v1 / v2 / hybrid trees (what gets written where), and on the real
 * host hierarchy when running as root (join, count, kill, remove: nothing left). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zone/cgroup.h"
#include "zone/fsutil.h"

static char fake[256];

static void touch(const char *dir, const char *file, const char *content)
{
	char p[600];
	struct zone_error err;
	assert_int_equal(zone_mkdir_p(dir, 0755, &err), 0);
	assert_true(snprintf(p, sizeof(p), "%s/%s", dir, file) < (int)sizeof(p));
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static void expect(const char *dir, const char *file, const char *want)
{
	char p[600], buf[256] = {0};
	snprintf(p, sizeof(p), "%s/%s", dir, file);
	FILE *f = fopen(p, "r");
	if (f == NULL)
		fail_msg("%s missing", p);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (strcmp(buf, want) != 0)
		fail_msg("%s: '%s', want '%s'", p, buf, want);
}

static int setup(void **state)
{
	(void)state;
	snprintf(fake, sizeof(fake), "/tmp/test_zone_cgroup.%d", (int)getpid());
	unsetenv("LXZONE_CGROUP_PARENT");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	struct zone_error err;
	zone_rmtree(fake, &err);
	return 0;
}

static void make_v1(int with_unified)
{
	const char *ctrls[] = {"memory", "cpu", "cpuacct", "cpuset", "pids", "freezer"};
	char d[400];
	for (size_t i = 0; i < 6; i++) {
		snprintf(d, sizeof(d), "%s/%s", fake, ctrls[i]);
		touch(d, "cgroup.procs", "");
	}
	snprintf(d, sizeof(d), "%s/cpuset", fake);
	touch(d, "cpuset.cpus", "0-3\n");
	touch(d, "cpuset.mems", "0\n");
	snprintf(d, sizeof(d), "%s/memory/lxzone/z", fake);
	touch(d, "memory.memsw.limit_in_bytes", "");
	if (with_unified) {
		snprintf(d, sizeof(d), "%s/unified", fake);
		touch(d, "cgroup.controllers", "");
	}
}

static void test_v1_limits(void **state)
{
	(void)state;
	struct zone_cgroup cg;
	struct zone_error err = {0};
	struct zone_cg_limits lim = {64 << 20, 0, 1500, 64, false, NULL, 0, NULL};
	char d[400];

	make_v1(0);
	assert_int_equal(zone_cgroup_init(&cg, fake, "z", &err), 0);
	assert_int_equal(cg.layout, ZONE_CG_V1);
	assert_string_equal(cg.v2, "");
	if (zone_cgroup_create(&cg, &lim, &err) < 0)
		fail_msg("%s", err.msg);
	snprintf(d, sizeof(d), "%s/memory/lxzone/z", fake);
	expect(d, "memory.limit_in_bytes", "67108864");
	expect(d, "memory.memsw.limit_in_bytes", "67108864"); /* swap=0: memsw == memory */
	snprintf(d, sizeof(d), "%s/cpu/lxzone/z", fake);
	expect(d, "cpu.cfs_quota_us", "150000");
	expect(d, "cpu.cfs_period_us", "100000");
	snprintf(d, sizeof(d), "%s/cpuset/lxzone/z", fake);
	expect(d, "cpuset.cpus", "0,1"); /* ceil(1.5) CPUs of the parent's 0-3 */
	expect(d, "cpuset.mems", "0");
	snprintf(d, sizeof(d), "%s/pids/lxzone/z", fake);
	expect(d, "pids.max", "64");

	char files[8][ZONE_CG_PROCS];
	assert_int_equal(zone_cgroup_procs_files(&cg, files, 8), 6);
	snprintf(d, sizeof(d), "%s/memory/lxzone/z/cgroup.procs", fake);
	assert_string_equal(files[0], d);
}

static void test_v1_swap_and_unlimited(void **state)
{
	(void)state;
	struct zone_cgroup cg;
	struct zone_error err = {0};
	struct zone_cg_limits lim = {64 << 20, 32 << 20, UINT64_MAX, UINT64_MAX,
				     false,    NULL,	 0,	     NULL};
	char d[400], p[500];

	make_v1(1);
	setenv("LXZONE_CGROUP_PARENT", "custom", 1);
	assert_int_equal(zone_cgroup_init(&cg, fake, "z", &err), 0);
	assert_int_equal(cg.layout, ZONE_CG_HYBRID);
	snprintf(d, sizeof(d), "%s/unified/custom/z", fake);
	assert_string_equal(cg.v2, d);
	snprintf(d, sizeof(d), "%s/memory/custom/z", fake);
	touch(d, "memory.memsw.limit_in_bytes", "");
	if (zone_cgroup_create(&cg, &lim, &err) < 0)
		fail_msg("%s", err.msg);
	expect(d, "memory.memsw.limit_in_bytes", "100663296");
	snprintf(p, sizeof(p), "%s/pids/custom/z/pids.max", fake);
	assert_int_equal(access(p, F_OK), -1); /* unlimited: nothing written */
	assert_true(zone_cgroup_exists(&cg));
	char files[8][ZONE_CG_PROCS];
	assert_int_equal(zone_cgroup_procs_files(&cg, files, 8), 7); /* 6 v1 + unified */
	unsetenv("LXZONE_CGROUP_PARENT");
}

static void test_v2_limits(void **state)
{
	(void)state;
	struct zone_cgroup cg;
	struct zone_error err = {0};
	struct zone_cg_limits lim = {1 << 30, UINT64_MAX, 500, 100, false, NULL, 0, NULL};
	char d[400], p[400];

	touch(fake, "cgroup.controllers", "cpuset cpu io memory pids\n");
	snprintf(d, sizeof(d), "%s/lxzone/z", fake);
	touch(d, "cpuset.cpus.effective", "0-7\n");
	touch(d, "memory.swap.max", "");
	assert_int_equal(zone_cgroup_init(&cg, fake, "z", &err), 0);
	assert_int_equal(cg.layout, ZONE_CG_V2);
	if (zone_cgroup_create(&cg, &lim, &err) < 0)
		fail_msg("%s", err.msg);
	/* io enabled down to the zone's cgroup too (its io.stat: the zone's /proc/diskstats);
	 * the fake file keeps the last of the writes, io's */
	expect(fake, "cgroup.subtree_control", "+io");
	snprintf(p, sizeof(p), "%s/lxzone", fake);
	expect(p, "cgroup.subtree_control", "+io");
	expect(d, "memory.max", "1073741824");
	expect(d, "memory.swap.max", "max");
	expect(d, "cpu.max", "50000 100000");
	expect(d, "cpuset.cpus", "0");
	expect(d, "pids.max", "100");
	char files[8][ZONE_CG_PROCS];
	assert_int_equal(zone_cgroup_procs_files(&cg, files, 8), 1);
}

/* The devices cgroup: deny all, then the zone's /dev and its block devices, one rule a line
 * (the fake file collects the writes; the kernel takes one rule per write). */
static void test_v1_devices(void **state)
{
	(void)state;
	struct zone_cgroup cg;
	struct zone_error err = {0};
	const unsigned long disks[] = {makedev(8, 0), makedev(259, 3)};
	struct zone_cg_limits lim = {UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX,
				     true,	 disks,	     2,		 NULL};
	char d[400], p[500];

	make_v1(1);
	snprintf(d, sizeof(d), "%s/devices", fake);
	touch(d, "cgroup.procs", "");
	assert_int_equal(zone_cgroup_init(&cg, fake, "z", &err), 0);
	assert_true(zone_cgroup_confines_devices(&cg));
	if (zone_cgroup_create(&cg, &lim, &err) < 0)
		fail_msg("%s", err.msg);
	snprintf(d, sizeof(d), "%s/devices/lxzone/z", fake);
	expect(d, "devices.deny", "a");
	expect(d, "devices.allow",
	       "c *:* m\nb *:* m\nc 1:3 rwm\nc 1:5 rwm\nc 1:7 rwm\nc 1:8 rwm\nc 1:9 rwm\n"
	       "c 5:0 rwm\nc 5:2 rwm\nc 136:* rwm\nb 8:0 rwm\nb 259:3 rwm\n");
	char files[8][ZONE_CG_PROCS];
	assert_int_equal(zone_cgroup_procs_files(&cg, files, 8), 8); /* 7 v1 + unified */

	/* devices=false (lxrun without --root): a devices cgroup, no rules */
	zone_rmtree(fake, &err);
	make_v1(0);
	snprintf(d, sizeof(d), "%s/devices", fake);
	touch(d, "cgroup.procs", "");
	lim.devices = false;
	assert_int_equal(zone_cgroup_init(&cg, fake, "z", &err), 0);
	if (zone_cgroup_create(&cg, &lim, &err) < 0)
		fail_msg("%s", err.msg);
	snprintf(p, sizeof(p), "%s/devices/lxzone/z/devices.deny", fake);
	assert_int_equal(access(p, F_OK), -1);

	/* the rule list is bounded by max */
	char rules[4][ZONE_CG_RULE];
	assert_int_equal(zone_cgroup_device_rules(disks, 2, rules, 4), 4);
	assert_string_equal(rules[3], "c 1:5 rwm");
	assert_int_equal(zone_cgroup_device_rules(NULL, 0, rules, 0), 0);

	/* v2 and a v1 host without the controller: nothing confines device nodes */
	zone_rmtree(fake, &err);
	make_v1(0);
	assert_int_equal(zone_cgroup_init(&cg, fake, "z", &err), 0);
	assert_false(zone_cgroup_confines_devices(&cg));
	zone_rmtree(fake, &err);
	touch(fake, "cgroup.controllers", "memory pids");
	assert_int_equal(zone_cgroup_init(&cg, fake, "z", &err), 0);
	assert_false(zone_cgroup_confines_devices(&cg));
}

/* A fake /sys/dev/block under fake/sys: sda (8:0) and its partition sda1 (8:1), loop0 (7:0)
 * and, when "/" is on a block device, that device (so a root on this machine's disk is one). */
static void fake_sys_dev_block(char *sys, size_t sz, unsigned long *rootdev)
{
	static const struct {
		const char *dev, *dir;
		bool part;
	} devs[] = {{"8:0", "block/sda", false},
		    {"8:1", "block/sda/sda1", true},
		    {"7:0", "block/loop0", false}};
	char d[512], link[600], target[600];
	struct stat st;

	snprintf(sys, sz, "%s/sys/dev/block", fake);
	touch(sys, ".keep", "");
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		snprintf(d, sizeof(d), "%s/sys/devices/%s", fake, devs[i].dir);
		touch(d, "dev", devs[i].dev);
		if (devs[i].part)
			touch(d, "partition", "1\n");
		snprintf(link, sizeof(link), "%s/%s", sys, devs[i].dev);
		snprintf(target, sizeof(target), "../../devices/%s", devs[i].dir);
		assert_int_equal(symlink(target, link), 0);
	}
	*rootdev = 0;
	if (stat("/", &st) == 0 && major(st.st_dev) != 0 && major(st.st_dev) != 8 &&
	    major(st.st_dev) != 7) {
		snprintf(d, sizeof(d), "%s/sys/devices/block/rootdisk", fake);
		snprintf(target, sizeof(target), "%u:%u", major(st.st_dev), minor(st.st_dev));
		touch(d, "dev", target);
		snprintf(link, sizeof(link), "%s/%u:%u", sys, major(st.st_dev), minor(st.st_dev));
		assert_int_equal(symlink("../../devices/block/rootdisk", link), 0);
		*rootdev = st.st_dev;
	}
}

/* blk-throttle made active for the zone's disks (a rule of "no limit" each): the root's disk
 * (an overlay's: its parent directory's) and the given devices' whole disks (a partition's
 * disk), each once; nothing for a root on no block device, a device sysfs does not know, or
 * a directory without the throttle file. */
static void test_v1_count_io(void **state)
{
	(void)state;
	const unsigned long devs[] = {makedev(8, 1), makedev(8, 0), makedev(7, 0),
				      makedev(4095, 77)};
	char sys[300], blk[300], want[64], ovl[400];
	unsigned long rootdev;

	fake_sys_dev_block(sys, sizeof(sys), &rootdev);
	snprintf(blk, sizeof(blk), "%s/blkio", fake);
	touch(blk, "cgroup.procs", "");
	/* no throttle file: not a blkio cgroup */
	assert_int_equal(zone_cgroup_count_io(blk, sys, "/dev/shm", devs, 4), 0);
	assert_int_equal(zone_cgroup_count_io("", sys, "/dev/shm", devs, 4), 0);
	touch(blk, "blkio.throttle.read_bps_device", "");
	/* sda1 is sda's, sda once, loop0, the unknown device left out, the root on tmpfs (no
	 * block device, nor its parent /dev) too; the fake file keeps the last write */
	assert_int_equal(zone_cgroup_count_io(blk, sys, "/dev/shm", devs, 4), 2);
	expect(blk, "blkio.throttle.read_bps_device", "7:0 0");
	assert_int_equal(zone_cgroup_count_io(blk, sys, "/dev/shm", devs, 1), 1);
	expect(blk, "blkio.throttle.read_bps_device", "8:0 0");
	assert_int_equal(zone_cgroup_count_io(blk, sys, "/dev/shm", NULL, 0), 0);
	if (rootdev == 0)
		skip(); /* "/" is on no block device here */
	/* a root on this machine's disk: that disk */
	snprintf(want, sizeof(want), "%u:%u 0", major(rootdev), minor(rootdev));
	assert_int_equal(zone_cgroup_count_io(blk, sys, "/", NULL, 0), 1);
	expect(blk, "blkio.throttle.read_bps_device", want);
	/* an overlay's merged directory (here a tmpfs) under a directory on that disk */
	snprintf(ovl, sizeof(ovl), "%s/ovl/merged", fake);
	touch(ovl, ".keep", "");
	if (mount("tmpfs", ovl, "tmpfs", 0, "size=64k") < 0)
		skip(); /* not root */
	touch(blk, "blkio.throttle.read_bps_device", "");
	int written = zone_cgroup_count_io(blk, sys, ovl, NULL, 0);
	umount(ovl); /* before any assertion, so that teardown can remove the tree */
	assert_int_equal(written, 1);
	expect(blk, "blkio.throttle.read_bps_device", want);
}

/* zone_cgroup_create writes the rules in the zone's blkio cgroup (the host's /sys/dev/block:
 * its loop0, when there is one). */
static void test_v1_create_counts_io(void **state)
{
	(void)state;
	struct zone_cgroup cg;
	struct zone_error err = {0};
	const unsigned long devs[] = {makedev(7, 0)};
	struct zone_cg_limits lim = {UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX,
				     false,	 devs,	     1,		 "/dev/shm"};
	char d[400];

	if (access("/sys/dev/block/7:0", F_OK) < 0)
		skip(); /* no loop0 */
	make_v1(0);
	snprintf(d, sizeof(d), "%s/blkio", fake);
	touch(d, "cgroup.procs", "");
	/* the kernel makes the file with the directory; the fake needs it there first */
	snprintf(d, sizeof(d), "%s/blkio/lxzone/z", fake);
	touch(d, "blkio.throttle.read_bps_device", "");
	assert_int_equal(zone_cgroup_init(&cg, fake, "z", &err), 0);
	if (zone_cgroup_create(&cg, &lim, &err) < 0)
		fail_msg("%s", err.msg);
	expect(d, "blkio.throttle.read_bps_device", "7:0 0");
}

/* A delegated zone cgroup on v1 (hybrid): the caps in the zone's cgroup, the child made
 * after them with a copy of them, joined, and mounted writable. */
static void test_v1_delegated(void **state)
{
	(void)state;
	struct zone_cgroup cg;
	struct zone_error err = {0};
	struct zone_cg_limits lim = {64 << 20, 0, 1500, 64, false, NULL, 0, NULL};
	struct zone_cgroup_fs fs[ZONE_CG_MAXFS];
	char d[400], files[8][ZONE_CG_PROCS];

	make_v1(1);
	assert_int_equal(zone_cgroup_init(&cg, fake, "z", &err), 0);
	assert_string_equal(cg.inner, "");
	assert_false(zone_cgroup_inner_exists(&cg));
	zone_cgroup_delegate(&cg);
	assert_string_equal(cg.inner, ZONE_CG_INNER);
	if (zone_cgroup_create(&cg, &lim, &err) < 0)
		fail_msg("%s", err.msg);
	assert_true(zone_cgroup_inner_exists(&cg));
	snprintf(d, sizeof(d), "%s/memory/lxzone/z", fake);
	expect(d, "memory.limit_in_bytes", "67108864");
	snprintf(d, sizeof(d), "%s/memory/lxzone/z/payload", fake);
	expect(d, "memory.limit_in_bytes", "67108864");
	expect(d, "memory.memsw.limit_in_bytes", "67108864");
	snprintf(d, sizeof(d), "%s/cpu/lxzone/z/payload", fake);
	expect(d, "cpu.cfs_period_us", "100000");
	expect(d, "cpu.cfs_quota_us", "150000");
	snprintf(d, sizeof(d), "%s/pids/lxzone/z/payload", fake);
	expect(d, "pids.max", "64");
	/* the child's cpuset is the zone's, and the zone's own children start with it */
	snprintf(d, sizeof(d), "%s/cpuset/lxzone/z/payload", fake);
	expect(d, "cpuset.cpus", "0,1");
	expect(d, "cpuset.mems", "0");
	expect(d, "cgroup.clone_children", "1");
	snprintf(d, sizeof(d), "%s/unified/lxzone/z/payload", fake);
	assert_int_equal(access(d, F_OK), 0);
	snprintf(d, sizeof(d), "%s/freezer/lxzone/z/payload", fake);
	assert_int_equal(access(d, F_OK), 0);

	assert_int_equal(zone_cgroup_procs_files(&cg, files, 8), 7);
	snprintf(d, sizeof(d), "%s/memory/lxzone/z/payload/cgroup.procs", fake);
	assert_string_equal(files[0], d);
	snprintf(d, sizeof(d), "%s/unified/lxzone/z/payload/cgroup.procs", fake);
	assert_string_equal(files[6], d);

	size_t n = zone_cgroup_fs_list(&cg, fs, ZONE_CG_MAXFS);
	assert_int_equal(n, 7);
	for (size_t i = 0; i < n; i++)
		assert_true(fs[i].rw);
	/* not delegated: read-only */
	cg.inner[0] = '\0';
	n = zone_cgroup_fs_list(&cg, fs, ZONE_CG_MAXFS);
	for (size_t i = 0; i < n; i++)
		assert_false(fs[i].rw);
}

/* v2: the zone's cgroup enables the controllers it has for the child, in one write, and the
 * child gets a copy of the caps. */
static void test_v2_delegated(void **state)
{
	(void)state;
	struct zone_cgroup cg;
	struct zone_error err = {0};
	struct zone_cg_limits lim = {1 << 30, UINT64_MAX, 500, 100, false, NULL, 0, NULL};
	char d[400];

	touch(fake, "cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma\n");
	snprintf(d, sizeof(d), "%s/lxzone/z", fake);
	touch(d, "cpuset.cpus.effective", "0-7\n");
	/* what the kernel would show the zone's cgroup: its parent's subtree_control */
	touch(d, "cgroup.controllers", "cpuset memory pids\n");
	assert_int_equal(zone_cgroup_init(&cg, fake, "z", &err), 0);
	zone_cgroup_delegate(&cg);
	if (zone_cgroup_create(&cg, &lim, &err) < 0)
		fail_msg("%s", err.msg);
	/* "cpu" is not "cpuset": not enabled, the zone's cgroup does not have it */
	expect(d, "cgroup.subtree_control", "+memory +cpuset +pids");
	snprintf(d, sizeof(d), "%s/lxzone/z/payload", fake);
	expect(d, "memory.max", "1073741824");
	expect(d, "cpu.max", "50000 100000");
	expect(d, "pids.max", "100");
	char files[2][ZONE_CG_PROCS];
	assert_int_equal(zone_cgroup_procs_files(&cg, files, 2), 1);
	snprintf(d, sizeof(d), "%s/lxzone/z/payload/cgroup.procs", fake);
	assert_string_equal(files[0], d);
}

/* Entering a running v2 zone: the delegated child, or, once the zone has handed controllers
 * down from it, the cgroup its init is in, if that is in the zone's subtree. */
static void test_v2_enter(void **state)
{
	(void)state;
	struct zone_cgroup cg;
	struct zone_error err = {0};
	char d[400], out[600], files[2][ZONE_CG_PROCS];

	touch(fake, "cgroup.controllers", "memory pids\n");
	assert_int_equal(zone_cgroup_init(&cg, fake, "z", &err), 0);
	zone_cgroup_delegate(&cg);
	snprintf(d, sizeof(d), "%s/lxzone/z/payload", fake);
	touch(d, "cgroup.subtree_control", "");

	/* init's cgroup, from /proc/PID/cgroup (v1 lines first on a hybrid host) */
	assert_int_equal(zone_cgroup_v2_dir_of(&cg,
					       "1:memory:/x\n0::/lxzone/z/payload/init.scope\n",
					       out, sizeof(out)),
			 0);
	snprintf(d, sizeof(d), "%s/lxzone/z/payload/init.scope", fake);
	assert_string_equal(out, d);
	assert_int_equal(zone_cgroup_v2_dir_of(&cg, "0::/lxzone/z/payload", out, sizeof(out)), 0);
	snprintf(d, sizeof(d), "%s/lxzone/z/payload", fake);
	assert_string_equal(out, d);
	/* anything else is refused: the zone's cgroup itself, a sibling, the host, a look-alike
	 * name, a climb, no cgroup2 line, no room */
	const char *bad[] = {"0::/lxzone/z\n",
			     "0::/lxzone/y/payload\n",
			     "0::/\n",
			     "0::/lxzone/z/payloadx\n",
			     "0::/lxzone/z/payload/../../y\n",
			     "0::/lxzone/z/payload/./a\n",
			     "0::/lxzone/z/payload//a\n",
			     "1:memory:/lxzone/z/payload\n",
			     ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (zone_cgroup_v2_dir_of(&cg, bad[i], out, sizeof(out)) == 0)
			fail_msg("accepted '%s' as %s", bad[i], out);
	assert_int_equal(zone_cgroup_v2_dir_of(&cg, "0::/lxzone/z/payload/a", out, 8), -1);

	/* no controllers handed down: the child itself */
	assert_int_equal(zone_cgroup_enter_files(&cg, getpid(), files, 2, &err), 1);
	snprintf(d, sizeof(d), "%s/lxzone/z/payload/cgroup.procs", fake);
	assert_string_equal(files[0], d);
	/* handed down: init's cgroup, which here (this test process, on the real host) is no
	 * cgroup of the fake zone: refused */
	snprintf(d, sizeof(d), "%s/lxzone/z/payload", fake);
	touch(d, "cgroup.subtree_control", "memory\n");
	assert_int_equal(zone_cgroup_enter_files(&cg, getpid(), files, 2, &err), -1);
	assert_int_equal(err.code, EPERM);
	/* a v1 layout is never redirected */
	zone_rmtree(fake, &err);
	make_v1(0);
	assert_int_equal(zone_cgroup_init(&cg, fake, "z", &err), 0);
	zone_cgroup_delegate(&cg);
	char f6[8][ZONE_CG_PROCS];
	assert_int_equal(zone_cgroup_enter_files(&cg, getpid(), f6, 8, &err), 6);
}

/* Count and remove walk every cgroup below the zone's, by descriptor: pids of nested
 * cgroups are counted (names may begin with a dot); removal takes children first; a tree
 * deeper than ZONE_CG_MAX_DEPTH is refused (ELOOP) and left in place. */
static void test_walk_nested(void **state)
{
	(void)state;
	struct zone_cgroup cg;
	struct zone_error err = {0};
	char d[4096], p[4200];

	touch(fake, "cgroup.controllers", "");
	assert_int_equal(zone_cgroup_init(&cg, fake, "z", &err), 0);
	zone_cgroup_delegate(&cg);
	snprintf(d, sizeof(d), "%s/lxzone/z", fake);
	touch(d, "cgroup.procs", "");
	snprintf(d, sizeof(d), "%s/lxzone/z/payload", fake);
	touch(d, "cgroup.procs", "1\n");
	snprintf(d, sizeof(d), "%s/lxzone/z/payload/a/b", fake);
	touch(d, "cgroup.procs", "2\n3\n");
	snprintf(d, sizeof(d), "%s/lxzone/z/payload/.lxc", fake);
	touch(d, "cgroup.procs", "4\n");
	assert_int_equal(zone_cgroup_count(&cg), 4);

	/* the fake cgroups' files go; the directories are what remove must take */
	zone_rmtree(fake, &err);
	touch(fake, "cgroup.controllers", "");
	snprintf(d, sizeof(d), "%s/lxzone/z/payload/a/b/c", fake);
	assert_int_equal(zone_mkdir_p(d, 0755, &err), 0);
	snprintf(d, sizeof(d), "%s/lxzone/z/payload/.x", fake);
	assert_int_equal(zone_mkdir_p(d, 0755, &err), 0);
	if (zone_cgroup_remove(&cg, &err) < 0)
		fail_msg("%s", err.msg);
	assert_false(zone_cgroup_exists(&cg));
	snprintf(d, sizeof(d), "%s/lxzone", fake);
	assert_int_equal(access(d, F_OK), 0); /* the parent stays */

	/* deeper than the walk goes: an error, and nothing removed */
	size_t o = (size_t)snprintf(d, sizeof(d), "%s/lxzone/z/payload", fake);
	for (int i = 0; i < ZONE_CG_MAX_DEPTH + 1; i++)
		o += (size_t)snprintf(d + o, sizeof(d) - o, "/d");
	assert_int_equal(zone_mkdir_p(d, 0755, &err), 0);
	assert_int_equal(zone_cgroup_remove(&cg, &err), -1);
	assert_int_equal(err.code, ELOOP);
	assert_true(zone_cgroup_exists(&cg));
	snprintf(p, sizeof(p), "%s", d);
	assert_int_equal(access(p, F_OK), 0);
}

static void test_no_hierarchy(void **state)
{
	(void)state;
	struct zone_cgroup cg;
	struct zone_error err = {0};
	struct zone_error e2;
	assert_int_equal(zone_mkdir_p(fake, 0755, &e2), 0);
	assert_int_equal(zone_cgroup_init(&cg, fake, "z", &err), -1);
	assert_non_null(strstr(err.msg, "no cgroup hierarchy"));
}

static void test_real_host_join_kill_remove(void **state)
{
	(void)state;
	struct zone_cgroup cg;
	struct zone_error err = {0};
	struct zone_cg_limits lim = {64 << 20, 0, 1000, 32, true, NULL, 0, NULL};
	char name[64];

	if (geteuid() != 0 || access("/sys/fs/cgroup", W_OK) != 0)
		skip();
	snprintf(name, sizeof(name), "unit-test-%d", (int)getpid());
	if (zone_cgroup_init(&cg, NULL, name, &err) < 0)
		skip();
	if (zone_cgroup_create(&cg, &lim, &err) < 0)
		fail_msg("%s", err.msg);
	if (zone_cgroup_confines_devices(&cg)) {
		/* the kernel took every rule: the list is the zone's, not "a *:* rwm" */
		char p[ZONE_CG_PATH + 32], list[1024] = {0};
		snprintf(p, sizeof(p), "%s/devices.list", cg.v1[ZONE_CG_DEVICES]);
		FILE *f = fopen(p, "re");
		assert_non_null(f);
		size_t n = fread(list, 1, sizeof(list) - 1, f);
		fclose(f);
		list[n] = '\0';
		assert_null(strstr(list, "a *:* rwm"));
		assert_non_null(strstr(list, "c 1:3 rwm"));
		assert_non_null(strstr(list, "c 136:* rwm"));
		assert_non_null(strstr(list, "b *:* m"));
	}
	pid_t kids[3];
	for (int i = 0; i < 3; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			for (;;)
				pause();
		}
		if (zone_cgroup_join(&cg, kids[i], &err) < 0)
			fail_msg("%s", err.msg);
	}
	assert_true(zone_cgroup_count(&cg) >= 3);
	if (zone_cgroup_kill(&cg, 2000, &err) < 0)
		fail_msg("%s", err.msg);
	for (int i = 0; i < 3; i++) {
		int status;
		assert_int_equal(waitpid(kids[i], &status, 0), kids[i]);
		assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	}
	assert_int_equal(zone_cgroup_count(&cg), 0);
	if (zone_cgroup_remove(&cg, &err) < 0)
		fail_msg("%s", err.msg);
	assert_false(zone_cgroup_exists(&cg));
}

static void write_str(const char *dir, const char *file, const char *val)
{
	char p[ZONE_CG_PATH + 64];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	f = fopen(p, "we");
	if (f == NULL)
		fail_msg("open %s: %s", p, strerror(errno));
	fputs(val, f);
	if (fclose(f) != 0)
		fail_msg("write '%s' to %s: %s", val, p, strerror(errno));
}

/* What a delegated zone may do to its cgroups, and halt: a process the zone moved into a
 * nested cgroup whose freezer it froze itself (a v1 cgroup frozen on its own stays frozen
 * when its parent thaws, and its tasks cannot die) is killed, and every cgroup the zone made
 * is removed, children first. */
static void test_real_host_nested_kill_remove(void **state)
{
	(void)state;
	struct zone_cgroup cg;
	struct zone_error err = {0};
	struct zone_cg_limits lim = {64 << 20, 0, 1000, 32, true, NULL, 0, NULL};
	char name[64], d[ZONE_CG_PATH + 64], pid[32];
	const char *dirs[ZONE_CG_NCTRL + 1];
	size_t nd = 0;

	if (geteuid() != 0 || access("/sys/fs/cgroup", W_OK) != 0)
		skip();
	snprintf(name, sizeof(name), "unit-nested-%d", (int)getpid());
	if (zone_cgroup_init(&cg, NULL, name, &err) < 0)
		skip();
	zone_cgroup_delegate(&cg);
	if (zone_cgroup_create(&cg, &lim, &err) < 0)
		fail_msg("%s", err.msg);
	pid_t kid = fork();
	if (kid == 0) {
		/* left frozen if the kill fails: it must not hold the test's output open */
		int nul = open("/dev/null", O_RDWR);
		dup2(nul, 1);
		dup2(nul, 2);
		for (;;)
			pause();
	}
	if (zone_cgroup_join(&cg, kid, &err) < 0)
		fail_msg("%s", err.msg);
	snprintf(pid, sizeof(pid), "%d", (int)kid);
	if (cg.layout != ZONE_CG_V2)
		for (int c = 0; c < ZONE_CG_NCTRL; c++)
			if (cg.v1[c][0])
				dirs[nd++] = cg.v1[c];
	if (cg.v2[0])
		dirs[nd++] = cg.v2;
	for (size_t i = 0; i < nd; i++) {
		snprintf(d, sizeof(d), "%s/payload/a/.b", dirs[i]);
		if (zone_mkdir_p(d, 0755, &err) < 0)
			fail_msg("%s", err.msg);
		write_str(d, "cgroup.procs", pid);
	}
	if (cg.layout != ZONE_CG_V2 && cg.v1[ZONE_CG_FREEZER][0]) {
		snprintf(d, sizeof(d), "%s/payload/a", cg.v1[ZONE_CG_FREEZER]);
		write_str(d, "freezer.state", "FROZEN");
	}
	assert_true(zone_cgroup_count(&cg) >= 1);
	if (zone_cgroup_kill(&cg, 2000, &err) < 0)
		fail_msg("%s", err.msg);
	int status;
	assert_int_equal(waitpid(kid, &status, 0), kid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_int_equal(zone_cgroup_count(&cg), 0);
	if (zone_cgroup_remove(&cg, &err) < 0)
		fail_msg("%s", err.msg);
	assert_false(zone_cgroup_exists(&cg));
}

/* What the zone mounts at /sys/fs/cgroup: the hierarchies it has a cgroup in, in the host's
 * shape; a co-mounted v1 hierarchy once, with its other names as symlinks. */
static void test_fs_list(void **state)
{
	(void)state;
	struct zone_cgroup cg;
	struct zone_cgroup_fs fs[ZONE_CG_MAXFS];
	struct zone_error err;
	char d[400], l[400];
	size_t n;

	/* hybrid: memory, cpu,cpuacct co-mounted (cpu and cpuacct symlinks), pids, devices
	 * (its zone cgroup shows the zone's own device rules, read-only), blkio, unified;
	 * net_cls has no zone cgroup and is not listed */
	const char *dirs[] = {"memory", "cpu,cpuacct", "pids",	 "devices",
			      "blkio",	"net_cls",     "unified"};
	for (size_t i = 0; i < 7; i++) {
		snprintf(d, sizeof(d), "%s/%s", fake, dirs[i]);
		touch(d, "cgroup.procs", "");
	}
	snprintf(d, sizeof(d), "%s/unified", fake);
	touch(d, "cgroup.controllers", "");
	snprintf(l, sizeof(l), "%s/cpu", fake);
	assert_int_equal(symlink("cpu,cpuacct", l), 0);
	snprintf(l, sizeof(l), "%s/cpuacct", fake);
	assert_int_equal(symlink("cpu,cpuacct", l), 0);
	assert_int_equal(zone_cgroup_init(&cg, fake, "z1", &err), 0);
	assert_int_equal(cg.layout, ZONE_CG_HYBRID);
	n = zone_cgroup_fs_list(&cg, fs, ZONE_CG_MAXFS);
	const char *want[][3] = {
	    {"cgroup", "/sys/fs/cgroup/memory", "memory"},
	    {"cgroup", "/sys/fs/cgroup/cpu,cpuacct", "cpu,cpuacct"},
	    {"symlink", "/sys/fs/cgroup/cpu", "cpu,cpuacct"},
	    {"symlink", "/sys/fs/cgroup/cpuacct", "cpu,cpuacct"},
	    {"cgroup", "/sys/fs/cgroup/pids", "pids"},
	    {"cgroup", "/sys/fs/cgroup/devices", "devices"},
	    {"cgroup", "/sys/fs/cgroup/blkio", "blkio"},
	    {"cgroup2", "/sys/fs/cgroup/unified", ""},
	};
	assert_int_equal(n, 8);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(fs[i].fstype, want[i][0]);
		assert_string_equal(fs[i].dest, want[i][1]);
		assert_string_equal(fs[i].data, want[i][2]);
	}
	/* a short array: truncated, never overrun */
	assert_int_equal(zone_cgroup_fs_list(&cg, fs, 2), 2);

	/* v2: one cgroup2 mount at /sys/fs/cgroup itself */
	zone_rmtree(fake, &err);
	touch(fake, "cgroup.controllers", "memory pids");
	assert_int_equal(zone_cgroup_init(&cg, fake, "z1", &err), 0);
	n = zone_cgroup_fs_list(&cg, fs, ZONE_CG_MAXFS);
	assert_int_equal(n, 1);
	assert_string_equal(fs[0].fstype, "cgroup2");
	assert_string_equal(fs[0].dest, "/sys/fs/cgroup");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_v1_limits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v1_swap_and_unlimited, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v2_limits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v1_count_io, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v1_create_counts_io, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v1_devices, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v1_delegated, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v2_delegated, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v2_enter, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_walk_nested, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_hierarchy, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fs_list, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_real_host_join_kill_remove, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_real_host_nested_kill_remove, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
