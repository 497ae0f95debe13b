/*
 * The mount service's policy for the new mount API (zone/mountd_api_policy.c): fsopen's type,
 * fsconfig's shapes and keys, mount_setattr's flags over the facts, fsmount's forced flags.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#include <cmocka.h>

#include "zone/mountd.h"

static const char known[] = "nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\n\text4\nnodev\toverlay\n"
			    "nodev\tbinfmt_misc\nnodev\tcgroup\n";

static void test_fsopen_types(void **state)
{
	(void)state;
	int fs = 0;

	assert_int_equal(mountd_fs_of("tmpfs", known, &fs), 0);
	assert_int_equal(fs, MOUNTD_FS_VIRTUAL);
	assert_int_equal(mountd_fs_of("ext4", known, &fs), 0);
	assert_int_equal(fs, MOUNTD_FS_BLOCK);
	assert_int_equal(mountd_fs_of("proc", known, &fs), 0);
	assert_int_equal(fs, MOUNTD_FS_PROC);
	/* registered but not the service's: mount(2)'s EPERM */
	assert_int_equal(mountd_fs_of("binfmt_misc", known, &fs), -EPERM);
	assert_int_equal(mountd_fs_of("cgroup", known, &fs), -EPERM);
	/* not registered: ENODEV, even for a type the service would take (no module load) */
	assert_int_equal(mountd_fs_of("xfs", known, &fs), -ENODEV);
	assert_int_equal(mountd_fs_of("nosuchfs", known, &fs), -ENODEV);
	/* fspick: by the superblock's magic */
	assert_int_equal(mountd_fs_of_magic(TMPFS_MAGIC), MOUNTD_FS_VIRTUAL);
	assert_int_equal(mountd_fs_of_magic(EXT4_SUPER_MAGIC), MOUNTD_FS_BLOCK);
	assert_int_equal(mountd_fs_of_magic(SYSFS_MAGIC), MOUNTD_FS_SYSFS);
	assert_int_equal(mountd_fs_of_magic(0x42494e4d /* binfmt_misc */), MOUNTD_FS_NONE);
}

static void test_fsconfig_shapes(void **state)
{
	(void)state;
	/* the kernel's order: the descriptor's sign, then each command's shape (LTP fsconfig02) */
	assert_int_equal(mountd_fsconfig_shape(-1, FSCONFIG_SET_FLAG, 1, 0, 0), -EINVAL);
	assert_int_equal(mountd_fsconfig_shape(3, 100, 1, 0, 0), -EOPNOTSUPP);
	assert_int_equal(mountd_fsconfig_shape(3, FSCONFIG_SET_FLAG, 0, 0, 0), -EINVAL);
	assert_int_equal(mountd_fsconfig_shape(3, FSCONFIG_SET_FLAG, 1, 1, 0), -EINVAL);
	assert_int_equal(mountd_fsconfig_shape(3, FSCONFIG_SET_FLAG, 1, 0, 1), -EINVAL);
	assert_int_equal(mountd_fsconfig_shape(3, FSCONFIG_SET_FLAG, 1, 0, 0), 0);
	assert_int_equal(mountd_fsconfig_shape(3, FSCONFIG_SET_STRING, 1, 0, 0), -EINVAL);
	assert_int_equal(mountd_fsconfig_shape(3, FSCONFIG_SET_STRING, 1, 1, 0), 0);
	assert_int_equal(mountd_fsconfig_shape(3, FSCONFIG_SET_BINARY, 1, 1, 0), -EINVAL);
	assert_int_equal(mountd_fsconfig_shape(3, FSCONFIG_SET_PATH, 1, 1, -1), -EINVAL);
	assert_int_equal(mountd_fsconfig_shape(3, FSCONFIG_SET_PATH, 1, 1, AT_FDCWD), 0);
	assert_int_equal(mountd_fsconfig_shape(3, FSCONFIG_SET_FD, 1, 1, 3), -EINVAL);
	assert_int_equal(mountd_fsconfig_shape(3, FSCONFIG_SET_FD, 1, 0, -1), -EINVAL);
	assert_int_equal(mountd_fsconfig_shape(3, FSCONFIG_CMD_CREATE, 1, 0, 0), -EINVAL);
	assert_int_equal(mountd_fsconfig_shape(3, FSCONFIG_CMD_RECONFIGURE, 0, 0, 1), -EINVAL);
	assert_int_equal(mountd_fsconfig_shape(3, MOUNTD_FSCONFIG_CREATE_EXCL, 0, 0, 0), 0);
}

static void test_fsconfig_keys(void **state)
{
	(void)state;
	int layer = 0;

	/* what mount(2)'s data carries: relayed */
	assert_int_equal(
	    mountd_fsconfig_check(MOUNTD_FS_VIRTUAL, 0, FSCONFIG_SET_STRING, "size", "1m", &layer),
	    MOUNTD_FC_PASS);
	assert_int_equal(
	    mountd_fsconfig_check(MOUNTD_FS_BLOCK, 0, FSCONFIG_SET_FLAG, "rw", NULL, &layer),
	    MOUNTD_FC_PASS);
	/* a block source: checked by the service; another device named by a key: refused */
	assert_int_equal(mountd_fsconfig_check(MOUNTD_FS_BLOCK, 0, FSCONFIG_SET_STRING, "source",
					       "/dev/vdb", &layer),
			 MOUNTD_FC_SOURCE_BLOCK);
	assert_int_equal(mountd_fsconfig_check(MOUNTD_FS_BLOCK, 0, FSCONFIG_SET_STRING,
					       "journal_path", "/dev/sda", &layer),
			 -EPERM);
	assert_int_equal(mountd_fsconfig_check(MOUNTD_FS_BLOCK, 0, FSCONFIG_SET_STRING,
					       "journal_dev", "2049", &layer),
			 -EPERM);
	assert_int_equal(mountd_fsconfig_check(MOUNTD_FS_PROC, 0, FSCONFIG_SET_STRING, "pidns",
					       "/proc/1/ns/pid", &layer),
			 -EPERM);
	/* no option smuggled in a key or a block file system's value */
	assert_int_equal(mountd_fsconfig_check(MOUNTD_FS_BLOCK, 0, FSCONFIG_SET_STRING, "errors",
					       "continue,journal_dev=2049", &layer),
			 -EINVAL);
	assert_int_equal(mountd_fsconfig_check(MOUNTD_FS_VIRTUAL, 0, FSCONFIG_SET_FLAG,
					       "ro,journal_dev=1", NULL, &layer),
			 -EINVAL);
	/* a path or descriptor value: only for a flag key the VFS takes by name */
	assert_int_equal(
	    mountd_fsconfig_check(MOUNTD_FS_BLOCK, 0, FSCONFIG_SET_PATH, "sync", NULL, &layer),
	    MOUNTD_FC_SBFLAG);
	assert_int_equal(
	    mountd_fsconfig_check(MOUNTD_FS_BLOCK, 0, FSCONFIG_SET_FD, "ro", NULL, &layer),
	    MOUNTD_FC_SBFLAG);
	assert_int_equal(mountd_fsconfig_check(MOUNTD_FS_BLOCK, 0, FSCONFIG_SET_PATH,
					       "journal_path", NULL, &layer),
			 -EPERM);
	assert_int_equal(
	    mountd_fsconfig_check(MOUNTD_FS_OVERLAY, 0, FSCONFIG_SET_FD, "upperdir", NULL, &layer),
	    -EPERM);
	assert_int_equal(
	    mountd_fsconfig_check(MOUNTD_FS_VIRTUAL, 0, FSCONFIG_SET_BINARY, "size", NULL, &layer),
	    -EINVAL);
	/* overlay: layers resolved by the service; options as mount(2)'s overlay data */
	assert_int_equal(mountd_fsconfig_check(MOUNTD_FS_OVERLAY, 0, FSCONFIG_SET_STRING,
					       "upperdir", "/u", &layer),
			 MOUNTD_FC_LAYER);
	assert_int_equal(layer, MOUNTD_OVL_UPPER);
	assert_int_equal(mountd_fsconfig_check(MOUNTD_FS_OVERLAY, 0, FSCONFIG_SET_STRING,
					       "lowerdir", "/a:/b", &layer),
			 MOUNTD_FC_LAYER);
	assert_int_equal(layer, MOUNTD_OVL_RESET);
	assert_int_equal(
	    mountd_fsconfig_check(MOUNTD_FS_OVERLAY, 0, FSCONFIG_SET_STRING, "index", "on", &layer),
	    -EPERM);
	assert_int_equal(mountd_fsconfig_check(MOUNTD_FS_OVERLAY, 0, FSCONFIG_SET_FLAG,
					       "nouserxattr", NULL, &layer),
			 -EINVAL);
	assert_int_equal(mountd_fsconfig_check(MOUNTD_FS_OVERLAY, 0, FSCONFIG_SET_STRING, "xino",
					       "auto", &layer),
			 MOUNTD_FC_PASS);
	/* commands */
	assert_int_equal(
	    mountd_fsconfig_check(MOUNTD_FS_BLOCK, 0, FSCONFIG_CMD_CREATE, NULL, NULL, &layer),
	    MOUNTD_FC_CREATE);
	assert_int_equal(
	    mountd_fsconfig_check(MOUNTD_FS_BLOCK, 1, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, &layer),
	    MOUNTD_FC_RECONFIGURE);
}

/* A zone whose boot mounts are ids 10 (the root, 8:1, read-write) and 11 (/sys, 0:20, ro). */
static void zone_of(struct mountd_zone *z)
{
	memset(z, 0, sizeof(*z));
	z->boot[0] = (struct mountd_mnt){10, makedev(8, 1), 0};
	z->boot[1] = (struct mountd_mnt){11, makedev(0, 20), 1};
	z->nboot = 2;
	z->boot_known = 1;
}

static void test_setattr(void **state)
{
	(void)state;
	struct mountd_zone z;
	struct mountd_facts boot_sys = {.admin = 1,
					.mnt_id = 11,
					.mnt_in_ns = 1,
					.mnt_dev = makedev(0, 20),
					.mnt_ro = 1,
					.mnt_is_root = 1};
	struct mountd_facts own = {
	    .admin = 1, .mnt_id = 40, .mnt_in_ns = 1, .mnt_dev = makedev(0, 50), .mnt_is_root = 1};
	struct mountd_facts bind_sys = boot_sys, clone_sys = boot_sys, nodev = own;
	struct mountd_attr a;

	zone_of(&z);
	bind_sys.mnt_id = 41;	 /* a bind the zone made of the read-only /sys */
	clone_sys.mnt_in_ns = 0; /* a detached clone of it */
	nodev.mnt_nodev = 1;
	/* only restricting: anywhere, boot mounts included */
	a = (struct mountd_attr){.set = MOUNT_ATTR_RDONLY};
	assert_int_equal(mountd_setattr_check(&z, &boot_sys, 0, 0, &a), 0);
	a = (struct mountd_attr){.propagation = MS_SHARED};
	assert_int_equal(mountd_setattr_check(&z, &boot_sys, 1, 0, &a), 0);
	/* clearing: never on a boot mount, nor read-only off a boot superblock */
	a = (struct mountd_attr){.clr = MOUNT_ATTR_NOSUID};
	assert_int_equal(mountd_setattr_check(&z, &boot_sys, 0, 0, &a), -EPERM);
	a = (struct mountd_attr){.clr = MOUNT_ATTR_RDONLY};
	assert_int_equal(mountd_setattr_check(&z, &bind_sys, 0, 0, &a), -EPERM);
	assert_int_equal(mountd_setattr_check(&z, &clone_sys, 0, 0, &a), -EPERM);
	assert_int_equal(mountd_setattr_check(&z, &own, 0, 0, &a), 0);
	/* recursively: not over a tree with a boot mount, nor a detached one */
	assert_int_equal(mountd_setattr_check(&z, &own, 1, -EPERM, &a), -EPERM);
	assert_int_equal(mountd_setattr_check(&z, &own, 1, 0, &a), 0);
	a = (struct mountd_attr){.clr = MOUNT_ATTR_NOEXEC};
	assert_int_equal(mountd_setattr_check(&z, &clone_sys, 1, 0, &a), -EPERM);
	/* nodev stays, silently (mount(2)'s remount keeps it) */
	a = (struct mountd_attr){.clr = MOUNT_ATTR_NODEV};
	assert_int_equal(mountd_setattr_check(&z, &nodev, 0, 0, &a), 0);
	assert_int_equal(a.clr, 0);
	/* no idmapping; no capability; unknown bits */
	a = (struct mountd_attr){.set = MOUNT_ATTR_IDMAP};
	assert_int_equal(mountd_setattr_check(&z, &own, 0, 0, &a), -EPERM);
	own.admin = 0;
	a = (struct mountd_attr){.set = MOUNT_ATTR_RDONLY};
	assert_int_equal(mountd_setattr_check(&z, &own, 0, 0, &a), -EPERM);
	own.admin = 1;
	a = (struct mountd_attr){.set = 1ULL << 40};
	assert_int_equal(mountd_setattr_check(&z, &own, 0, 0, &a), -EINVAL);
}

static void test_tree(void **state)
{
	(void)state;
	struct mountd_zone z;
	/* 40 the zone's tmpfs at /mnt; 41 a bind of /sys (ro, 0:20) below it; 42 a tmpfs below
	 * 41's sibling; 43 an lxproc file elsewhere */
	static const char mi[] = "10 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
				 "40 10 0:50 / /mnt rw - tmpfs none rw\n"
				 "41 40 0:20 / /mnt/s ro - sysfs sysfs ro\n"
				 "42 40 0:51 / /mnt/t rw - tmpfs none rw\n"
				 "44 42 0:52 / /mnt/t/u rw - tmpfs none rw\n"
				 "43 10 0:60 / /proc/meminfo rw - fuse lxproc rw\n";

	zone_of(&z);
	assert_int_equal(mountd_tree_check(&z, mi, strlen(mi), 40, 1), -EPERM);
	assert_int_equal(mountd_tree_check(&z, mi, strlen(mi), 40, 0), 0);
	assert_int_equal(mountd_tree_check(&z, mi, strlen(mi), 42, 1), 0);
	/* the root's tree holds a boot mount (and an lxproc file): refused either way */
	assert_int_equal(mountd_tree_check(&z, mi, strlen(mi), 10, 0), -EPERM);
}

static void test_fsmount_attrs(void **state)
{
	(void)state;
	assert_int_equal(mountd_fsmount_attrs(MOUNTD_FS_BLOCK, 0, 0), MOUNT_ATTR_NODEV);
	assert_int_equal(mountd_fsmount_attrs(MOUNTD_FS_SYSFS, 0, MOUNT_ATTR_NOEXEC),
			 MOUNT_ATTR_NOEXEC | MOUNT_ATTR_RDONLY);
	assert_int_equal(mountd_fsmount_attrs(MOUNTD_FS_OVERLAY, 4 | 8, 0),
			 MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	assert_int_equal(mountd_fsmount_attrs(MOUNTD_FS_VIRTUAL, 0, MOUNT_ATTR_NOSUID),
			 MOUNT_ATTR_NOSUID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fsopen_types),  cmocka_unit_test(test_fsconfig_shapes),
	    cmocka_unit_test(test_fsconfig_keys), cmocka_unit_test(test_setattr),
	    cmocka_unit_test(test_tree),	  cmocka_unit_test(test_fsmount_attrs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
