/*
 * The mount service's policy (zone/mountd_policy.c): classification of requests, the decision
 * over the facts the helper gathers, and the mountinfo / boot-record parsers.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cmocka.h>

#include "zone/mountd.h"

static const char known[] = "nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\n\text4\nnodev\toverlay\n"
			    "nodev\tcgroup2\n\tvfat\n";

/* mountd_classify's answer: its own -errno, else the refusal it recorded for later */
static int classify(const char *src, const char *type, unsigned long flags, struct mountd_op *op)
{
	struct mountd_req r = {.flags = flags, .source = src, .target = "/mnt", .fstype = type};
	int e = mountd_classify(&r, known, op);
	return e ? e : op->err;
}

/* mount(2)'s data may not name another device or namespace, as fsconfig's keys may not */
static void test_classify_data_named_elsewhere(void **state)
{
	struct mountd_op op;
	struct mountd_req r = {.source = "/dev/vdb", .target = "/mnt", .fstype = "ext4"};

	(void)state;
	r.data = "noatime,journal_path=/dev/sda1";
	assert_int_equal(mountd_classify(&r, known, &op), 0);
	assert_int_equal(op.err, -EPERM);
	r.data = "journal_dev=0x801";
	assert_int_equal(mountd_classify(&r, known, &op), 0);
	assert_int_equal(op.err, -EPERM);
	r.data = "errors=remount-ro,journal_checksum"; /* a longer key with the same start */
	assert_int_equal(mountd_classify(&r, known, &op), 0);
	assert_int_equal(op.err, 0);
	r.fstype = "proc";
	r.source = "proc";
	r.data = "hidepid=2,pidns=/proc/1/ns/pid";
	assert_int_equal(mountd_classify(&r, known, &op), 0);
	assert_int_equal(op.err, -EPERM);
	r.fstype = "tmpfs"; /* a key only block file systems and proc are refused */
	r.data = "size=1m,device=x";
	assert_int_equal(mountd_classify(&r, known, &op), 0);
	assert_int_equal(op.err, 0);
}

static void test_classify_kinds(void **state)
{
	(void)state;
	struct mountd_op op;

	assert_int_equal(classify("none", "tmpfs", 0, &op), 0);
	assert_int_equal(op.kind, MOUNTD_NEW);
	assert_int_equal(op.fs, MOUNTD_FS_VIRTUAL);
	/* the old magic number in the high bits is dropped, as the kernel does */
	assert_int_equal(classify("none", "tmpfs", 0xC0ED0000UL | MS_NOSUID, &op), 0);
	assert_int_equal(op.flags, MS_NOSUID);
	assert_int_equal(classify("sysfs", "sysfs", 0, &op), 0);
	assert_int_equal(op.fs, MOUNTD_FS_SYSFS);
	assert_true(op.flags & MS_RDONLY); /* always read-only */
	assert_int_equal(classify("proc", "proc", 0, &op), 0);
	assert_int_equal(op.fs, MOUNTD_FS_PROC);
	assert_int_equal(classify("/dev/vdb", "ext4", 0, &op), 0);
	assert_int_equal(op.fs, MOUNTD_FS_BLOCK);
	assert_true(op.flags & MS_NODEV); /* a zone device's file system: always nodev */
	assert_int_equal(classify("overlay", "overlay", MS_NOATIME, &op), 0);
	assert_int_equal(op.fs, MOUNTD_FS_OVERLAY);
	assert_int_equal(op.flags, MS_NOATIME);
	/* the kernel's order: remount+bind, remount, bind, propagation, move, new */
	assert_int_equal(classify(NULL, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, &op), 0);
	assert_int_equal(op.kind, MOUNTD_REMOUNT_BIND);
	assert_int_equal(classify(NULL, "ext4", MS_REMOUNT, &op), 0);
	assert_int_equal(op.kind, MOUNTD_REMOUNT);
	assert_int_equal(classify("/a", NULL, MS_BIND | MS_REC, &op), 0);
	assert_int_equal(op.kind, MOUNTD_BIND);
	assert_int_equal(classify(NULL, NULL, MS_REC | MS_SHARED, &op), 0);
	assert_int_equal(op.kind, MOUNTD_PROPAGATION);
	assert_int_equal(classify("/a", NULL, MS_MOVE, &op), 0);
	assert_int_equal(op.kind, MOUNTD_MOVE);
	assert_int_equal(classify("/a", NULL, MS_MOVE | MS_PRIVATE, &op), 0);
	assert_int_equal(op.kind, MOUNTD_PROPAGATION);
}

static void test_classify_refusals(void **state)
{
	(void)state;
	struct mountd_op op;

	/* known to the host but not allowed: EPERM; unknown: the kernel's ENODEV */
	assert_int_equal(classify("none", "cgroup2", 0, &op), -EPERM);
	assert_int_equal(classify("none", "nosuchfs", 0, &op), -ENODEV);
	assert_int_equal(classify("none", "", 0, &op), -ENODEV);
	/* an allowed type the host does not have is ENODEV too, whatever the source (LTP's
	 * probe mounts /dev/zero with the type and expects ENODEV for a missing one) */
	assert_int_equal(classify("/dev/zero", "exfat", 0, &op), -ENODEV);
	assert_int_equal(classify("/dev/vdb", "xfs", 0, &op), -ENODEV);
	assert_int_equal(classify("/dev/vdb", "vfat", 0, &op), 0);
	/* a type that is the tail of a listed one is not listed */
	assert_int_equal(classify("none", "fs", 0, &op), -ENODEV);
	/* the refusals wait for the target's lookup: mountd_classify itself says 0 */
	struct mountd_req r = {.source = "x", .target = "/mnt", .fstype = "nosuchfs"};
	assert_int_equal(mountd_classify(&r, known, &op), 0);
	assert_int_equal(op.err, -ENODEV);
	/* without /proc/filesystems, everything not allowed is EPERM */
	assert_int_equal(mountd_classify(&r, NULL, &op), 0);
	assert_int_equal(op.err, -EPERM);
	/* an empty /proc/filesystems (unreadable): nothing is known */
	r.fstype = "tmpfs";
	assert_int_equal(mountd_classify(&r, "", &op), 0);
	assert_int_equal(op.err, -ENODEV);
	/* MS_NOUSER: EINVAL */
	assert_int_equal(classify("none", "tmpfs", 1UL << 31, &op), -EINVAL);
	/* a new mount needs a type; a block one and a bind or move a source */
	assert_int_equal(classify("none", NULL, 0, &op), -EINVAL);
	assert_int_equal(classify(NULL, "ext4", 0, &op), -EINVAL);
	assert_int_equal(classify("", "vfat", 0, &op), -EINVAL);
	assert_int_equal(classify(NULL, NULL, MS_BIND, &op), -EINVAL);
	assert_int_equal(classify("", NULL, MS_MOVE, &op), -EINVAL);
}

static void test_classify_umount(void **state)
{
	(void)state;
	struct mountd_op op;
	struct mountd_req r = {.umount = 1, .target = "/mnt", .flags = MNT_DETACH};

	assert_int_equal(mountd_classify(&r, known, &op), 0);
	assert_int_equal(op.kind, MOUNTD_UMOUNT);
	r.flags = 0x8 | MNT_FORCE; /* UMOUNT_NOFOLLOW */
	assert_int_equal(mountd_classify(&r, known, &op), 0);
	r.flags = 0x100;
	assert_int_equal(mountd_classify(&r, known, &op), -EINVAL);
	r.flags = MNT_EXPIRE | MNT_DETACH;
	assert_int_equal(mountd_classify(&r, known, &op), -EINVAL);
}

/* A zone: /dev/vdb is 7:3; boot mounts: the root (254:0 rw), /proc (0:46), /sys (0:47 ro). */
static void zone_setup(struct mountd_zone *z)
{
	memset(z, 0, sizeof(*z));
	z->devs[z->ndevs++] = makedev(7, 3);
	z->boot[z->nboot++] = (struct mountd_mnt){128, makedev(254, 0), 0};
	z->boot[z->nboot++] = (struct mountd_mnt){129, makedev(0, 46), 0};
	z->boot[z->nboot++] = (struct mountd_mnt){130, makedev(0, 47), 1};
	z->boot_known = 1;
}

static int check(const struct mountd_zone *z, int kind, int fs, unsigned long flags,
		 const struct mountd_facts *f)
{
	struct mountd_op op = {.kind = kind, .fs = fs, .flags = flags};
	return mountd_check(z, &op, flags, f);
}

static void test_check_block_devices(void **state)
{
	(void)state;
	struct mountd_zone z;
	struct mountd_facts f = {.admin = 1,
				 .src = {.mode = S_IFBLK | 0660, .rdev = makedev(7, 3)}};

	zone_setup(&z);
	assert_int_equal(check(&z, MOUNTD_NEW, MOUNTD_FS_BLOCK, 0, &f), 0);
	/* a node the zone made for a host disk: same type, another major:minor */
	f.src.rdev = makedev(8, 0);
	assert_int_equal(check(&z, MOUNTD_NEW, MOUNTD_FS_BLOCK, 0, &f), -EPERM);
	f.src.mode = S_IFREG | 0644;
	assert_int_equal(check(&z, MOUNTD_NEW, MOUNTD_FS_BLOCK, 0, &f), -ENOTBLK);
	f.src.mode = S_IFCHR | 0666;
	f.src.rdev = makedev(7, 3); /* a character device with the same numbers */
	assert_int_equal(check(&z, MOUNTD_NEW, MOUNTD_FS_BLOCK, 0, &f), -ENOTBLK);
	f.src.err = ENOENT;
	assert_int_equal(check(&z, MOUNTD_NEW, MOUNTD_FS_BLOCK, 0, &f), -ENOENT);
	/* virtual filesystems need no facts */
	assert_int_equal(check(&z, MOUNTD_NEW, MOUNTD_FS_VIRTUAL, 0, &f), 0);
	/* a zone without devices mounts none */
	z.ndevs = 0;
	f = (struct mountd_facts){.admin = 1, .src = {.mode = S_IFBLK, .rdev = makedev(7, 3)}};
	assert_int_equal(check(&z, MOUNTD_NEW, MOUNTD_FS_BLOCK, 0, &f), -EPERM);
}

static void test_check_own_mounts(void **state)
{
	(void)state;
	struct mountd_zone z;
	/* a tmpfs the zone mounted */
	struct mountd_facts own = {
	    .admin = 1, .mnt_id = 140, .mnt_is_root = 1, .mnt_in_ns = 1, .mnt_dev = makedev(0, 60)};
	struct mountd_facts proc = {
	    .admin = 1, .mnt_id = 129, .mnt_is_root = 1, .mnt_in_ns = 1, .mnt_dev = makedev(0, 46)};

	zone_setup(&z);
	assert_int_equal(check(&z, MOUNTD_UMOUNT, 0, 0, &own), 0);
	assert_int_equal(check(&z, MOUNTD_UMOUNT, 0, MNT_DETACH, &proc), -EPERM);
	assert_int_equal(check(&z, MOUNTD_REMOUNT, 0, MS_REMOUNT | MS_RDONLY, &own), 0);
	assert_int_equal(check(&z, MOUNTD_REMOUNT, 0, MS_REMOUNT, &proc), -EPERM);
	assert_int_equal(check(&z, MOUNTD_MOVE, 0, MS_MOVE, &own), 0);
	assert_int_equal(check(&z, MOUNTD_MOVE, 0, MS_MOVE, &proc), -EPERM);
	/* a mount not in the caller's namespace (a detached one, the brand image): never */
	struct mountd_facts gone = own;
	gone.mnt_in_ns = 0;
	assert_int_equal(check(&z, MOUNTD_REMOUNT_BIND, 0, MS_REMOUNT | MS_BIND, &gone), -EPERM);
	assert_int_equal(check(&z, MOUNTD_UMOUNT, 0, 0, &gone), -EPERM);
	/* not a mount point: the kernel's EINVAL; a failed lookup: its errno */
	struct mountd_facts inner = own;
	inner.mnt_is_root = 0;
	assert_int_equal(check(&z, MOUNTD_UMOUNT, 0, 0, &inner), -EINVAL);
	/* a remount of a directory that is no mount point: EINVAL before any ownership (LTP's
	 * mount02), for the zone's own mounts and the boot ones alike */
	assert_int_equal(check(&z, MOUNTD_REMOUNT, 0, MS_REMOUNT, &inner), -EINVAL);
	assert_int_equal(check(&z, MOUNTD_REMOUNT_BIND, 0, MS_REMOUNT | MS_BIND, &inner), -EINVAL);
	struct mountd_facts proc_inner = proc;
	proc_inner.mnt_is_root = 0;
	assert_int_equal(check(&z, MOUNTD_REMOUNT, 0, MS_REMOUNT, &proc_inner), -EINVAL);
	struct mountd_facts missing = {.admin = 1, .mnt_errno = ENOENT};
	assert_int_equal(check(&z, MOUNTD_UMOUNT, 0, 0, &missing), -ENOENT);
	assert_int_equal(check(&z, MOUNTD_MOVE, 0, MS_MOVE, &missing), -ENOENT);
	/* binds and propagation changes need no ownership */
	assert_int_equal(check(&z, MOUNTD_BIND, 0, MS_BIND, &proc), 0);
	assert_int_equal(check(&z, MOUNTD_PROPAGATION, 0, MS_SHARED, &proc), 0);
	/* no boot record: no mount counts as the zone's own */
	z.boot_known = 0;
	assert_int_equal(check(&z, MOUNTD_UMOUNT, 0, 0, &own), -EPERM);
	assert_false(mountd_is_boot(&z, 1) == 0);
}

static void test_check_shared_superblocks(void **state)
{
	(void)state;
	struct mountd_zone z;
	/* the zone's bind of /sys (a new mount over the boot superblock 0:47), read-only */
	struct mountd_facts sysbind = {.admin = 1,
				       .mnt_id = 141,
				       .mnt_is_root = 1,
				       .mnt_in_ns = 1,
				       .mnt_dev = makedev(0, 47),
				       .mnt_ro = 1};
	/* the zone's bind of one of its own directories (the root's superblock, 254:0) */
	struct mountd_facts rootbind = {.admin = 1,
					.mnt_id = 142,
					.mnt_is_root = 1,
					.mnt_in_ns = 1,
					.mnt_dev = makedev(254, 0),
					.mnt_ro = 1};
	/* the zone's own ext4, read-only */
	struct mountd_facts ext4 = {.admin = 1,
				    .mnt_id = 143,
				    .mnt_is_root = 1,
				    .mnt_in_ns = 1,
				    .mnt_dev = makedev(7, 3),
				    .mnt_ro = 1};

	zone_setup(&z);
	/* per-mount flags: making it writable over a boot superblock is refused */
	assert_int_equal(check(&z, MOUNTD_REMOUNT_BIND, 0, MS_REMOUNT | MS_BIND, &sysbind), -EPERM);
	assert_int_equal(check(&z, MOUNTD_REMOUNT_BIND, 0, MS_REMOUNT | MS_BIND, &rootbind),
			 -EPERM);
	/* keeping it read-only is fine */
	assert_int_equal(check(&z, MOUNTD_REMOUNT_BIND, 0,
			       MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOEXEC, &sysbind),
			 0);
	assert_int_equal(check(&z, MOUNTD_REMOUNT_BIND, 0, MS_REMOUNT | MS_BIND, &ext4), 0);
	/* a superblock remount through a zone mount over a boot superblock would change /sys
	 * (or the host filesystem under the root): refused, even read-only */
	assert_int_equal(check(&z, MOUNTD_REMOUNT, 0, MS_REMOUNT | MS_RDONLY, &sysbind), -EPERM);
	assert_int_equal(check(&z, MOUNTD_REMOUNT, 0, MS_REMOUNT | MS_RDONLY, &rootbind), -EPERM);
	assert_int_equal(check(&z, MOUNTD_REMOUNT, 0, MS_REMOUNT, &ext4), 0);
	/* unmounting them is fine: they are the zone's */
	assert_int_equal(check(&z, MOUNTD_UMOUNT, 0, 0, &sysbind), 0);
}

/* The kernel's order: the target's lookup, then may_mount (CAP_SYS_ADMIN), then the rest. */
static void test_check_order(void **state)
{
	(void)state;
	struct mountd_zone z;
	struct mountd_op op = {.kind = MOUNTD_NEW, .fs = MOUNTD_FS_VIRTUAL, .err = -ENODEV};
	struct mountd_facts f = {.tgt_errno = ENOENT};

	zone_setup(&z);
	assert_int_equal(mountd_check(&z, &op, 0, &f), -ENOENT);
	f.tgt_errno = 0;
	assert_int_equal(mountd_check(&z, &op, 0, &f), -EPERM); /* not privileged */
	f.admin = 1;
	assert_int_equal(mountd_check(&z, &op, 0, &f), -ENODEV);
	op.err = 0;
	assert_int_equal(mountd_check(&z, &op, 0, &f), 0);
	/* a caller without CAP_SYS_ADMIN gets nothing, not even a bind or a tmpfs */
	f.admin = 0;
	assert_int_equal(mountd_check(&z, &op, 0, &f), -EPERM);
	op.kind = MOUNTD_BIND;
	assert_int_equal(mountd_check(&z, &op, MS_BIND, &f), -EPERM);
	op.kind = MOUNTD_PROPAGATION;
	assert_int_equal(mountd_check(&z, &op, MS_PRIVATE, &f), -EPERM);
	struct mountd_facts own = {.mnt_id = 140, .mnt_is_root = 1, .mnt_in_ns = 1};
	op.kind = MOUNTD_UMOUNT;
	assert_int_equal(mountd_check(&z, &op, 0, &own), -EPERM);
	/* umount2: the lookup, the privilege, then "not a mount point" */
	own.admin = 1;
	own.mnt_is_root = 0;
	assert_int_equal(mountd_check(&z, &op, 0, &own), -EINVAL);
	own.admin = 0;
	assert_int_equal(mountd_check(&z, &op, 0, &own), -EPERM);
	own.tgt_errno = ENOTDIR;
	assert_int_equal(mountd_check(&z, &op, 0, &own), -ENOTDIR);
}

/* nodev cannot be taken away from a mount, and an overlay takes its layers' flags. */
static void test_flags(void **state)
{
	(void)state;
	struct mountd_op op = {.kind = MOUNTD_REMOUNT_BIND, .flags = MS_REMOUNT | MS_BIND};
	struct mountd_facts f = {.admin = 1, .mnt_nodev = 1};

	assert_int_equal(mountd_flags(&op, &f), MS_REMOUNT | MS_BIND | MS_NODEV);
	op.kind = MOUNTD_REMOUNT;
	op.flags = MS_REMOUNT | MS_RDONLY;
	assert_int_equal(mountd_flags(&op, &f), MS_REMOUNT | MS_RDONLY | MS_NODEV);
	f.mnt_nodev = 0;
	assert_int_equal(mountd_flags(&op, &f), MS_REMOUNT | MS_RDONLY);
	op = (struct mountd_op){.kind = MOUNTD_NEW, .fs = MOUNTD_FS_OVERLAY, .flags = MS_RDONLY};
	f.layer_flags = MS_NOSUID | MS_NODEV | MS_RDONLY;
	assert_int_equal(mountd_flags(&op, &f), MS_RDONLY | MS_NOSUID | MS_NODEV);
	/* layer flags count for overlay only */
	op.fs = MOUNTD_FS_VIRTUAL;
	assert_int_equal(mountd_flags(&op, &f), MS_RDONLY);
}

static const struct mountd_ovl_opt *ovl_at(const struct mountd_ovl *o, size_t i)
{
	assert_true(i < o->n);
	return &o->opt[i];
}

static void test_overlay_parse(void **state)
{
	(void)state;
	static struct mountd_ovl o;

	/* what LTP mounts */
	assert_int_equal(mountd_overlay_parse("lowerdir=lower,upperdir=upper,workdir=work", &o), 0);
	assert_int_equal(o.n, 7);
	assert_int_equal(ovl_at(&o, 0)->kind, MOUNTD_OVL_RESET);
	assert_int_equal(ovl_at(&o, 1)->kind, MOUNTD_OVL_LOWER);
	assert_string_equal(ovl_at(&o, 1)->value, "lower");
	assert_int_equal(ovl_at(&o, 2)->kind, MOUNTD_OVL_UPPER);
	assert_string_equal(ovl_at(&o, 2)->value, "upper");
	assert_int_equal(ovl_at(&o, 3)->kind, MOUNTD_OVL_WORK);
	/* always last: xattrs the zone can write are not trusted, no file handles decoded */
	assert_int_equal(ovl_at(&o, 4)->kind, MOUNTD_OVL_FLAG);
	assert_string_equal(ovl_at(&o, 4)->key, "userxattr");
	assert_string_equal(ovl_at(&o, 5)->key, "index");
	assert_string_equal(ovl_at(&o, 5)->value, "off");
	assert_string_equal(ovl_at(&o, 6)->key, "nfs_export");

	/* several lower layers, data layers after "::", escapes as overlayfs reads them */
	assert_int_equal(mountd_overlay_parse("lowerdir=/a\\:b:/c::/d,xino=off", &o), 0);
	assert_string_equal(ovl_at(&o, 1)->value, "/a:b");
	assert_int_equal(ovl_at(&o, 2)->kind, MOUNTD_OVL_LOWER);
	assert_string_equal(ovl_at(&o, 2)->value, "/c");
	assert_int_equal(ovl_at(&o, 3)->kind, MOUNTD_OVL_DATA);
	assert_string_equal(ovl_at(&o, 3)->value, "/d");
	assert_int_equal(ovl_at(&o, 4)->kind, MOUNTD_OVL_STRING);
	assert_string_equal(ovl_at(&o, 4)->key, "xino");
	assert_string_equal(ovl_at(&o, 4)->value, "off");
	/* an escaped comma stays in the path */
	assert_int_equal(mountd_overlay_parse("upperdir=/u\\,v,workdir=/w", &o), 0);
	assert_string_equal(ovl_at(&o, 0)->value, "/u,v");
	/* lowerdir+ and datadir+ take the path as it is */
	assert_int_equal(mountd_overlay_parse("lowerdir+=/a\\b,datadir+=/d", &o), 0);
	assert_string_equal(ovl_at(&o, 0)->value, "/a\\b");
	assert_int_equal(ovl_at(&o, 1)->kind, MOUNTD_OVL_DATA);
	/* empty options are skipped; flags pass */
	assert_int_equal(mountd_overlay_parse(",,lowerdir=/l,,default_permissions,ro", &o), 0);
	assert_string_equal(ovl_at(&o, 2)->key, "default_permissions");
	assert_int_equal(ovl_at(&o, 2)->kind, MOUNTD_OVL_FLAG);
	assert_int_equal(mountd_overlay_parse(NULL, &o), 0);
	assert_int_equal(o.n, 3);

	/* malformed layer lists: overlayfs' EINVAL */
	assert_int_equal(mountd_overlay_parse("lowerdir=/a:", &o), -EINVAL);
	assert_int_equal(mountd_overlay_parse("lowerdir=/a:::/b", &o), -EINVAL);
	assert_int_equal(mountd_overlay_parse("lowerdir=:/a", &o), -EINVAL);
	assert_int_equal(mountd_overlay_parse("lowerdir=/a::/d:/b", &o), -EINVAL);
	assert_int_equal(mountd_overlay_parse("lowerdir=/a,lowerdir+=/b", &o), -EINVAL);
	assert_int_equal(mountd_overlay_parse("upperdir=", &o), -EINVAL);
	/* options overlayfs does not have, or that could name a path in a future kernel */
	assert_int_equal(mountd_overlay_parse("lowerdir=/a,nosuchopt", &o), -EINVAL);
	assert_int_equal(mountd_overlay_parse("lowerdir=/a,context=system_u:object_r:x", &o),
			 -EINVAL);
	assert_int_equal(mountd_overlay_parse("source=/x", &o), -EINVAL);
	/* what would make overlayfs decode file handles the zone wrote */
	assert_int_equal(mountd_overlay_parse("lowerdir=/a,index=on", &o), -EPERM);
	assert_int_equal(mountd_overlay_parse("lowerdir=/a,nfs_export=on", &o), -EPERM);
	assert_int_equal(mountd_overlay_parse("lowerdir=/a,index=off", &o), 0);
	/* too long, or too many layers */
	static char big[5000];
	memset(big, 'a', sizeof(big) - 1);
	assert_int_equal(mountd_overlay_parse(big, &o), -EINVAL);
	char many[1024] = "lowerdir=/a";
	for (int i = 0; i < 70; i++)
		strcat(many, ":/b");
	assert_int_equal(mountd_overlay_parse(many, &o), -EINVAL);
}

static void test_mountinfo_parse(void **state)
{
	(void)state;
	static const char mi[] =
	    "128 104 254:0 /srv/z/root / rw,relatime - ext4 /dev/vda rw\n"
	    "129 128 0:46 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
	    "130 128 0:47 / /sys ro,nosuid,nodev,noexec,relatime - sysfs sysfs ro\n"
	    "141 131 254:0 /x /dev/.lxzone-idle ro - ext4 /dev/vda rw\n"
	    "150 128 7:3 / /mnt\\040d rw shared:5 master:2 - ext4 /dev/vdb rw\n";
	struct mountd_mnt m[8];

	assert_int_equal(mountd_mountinfo_parse(mi, sizeof(mi) - 1, m, 8), 5);
	assert_int_equal(m[0].id, 128);
	assert_int_equal(m[0].dev, makedev(254, 0));
	assert_false(m[0].ro);
	assert_true(m[2].ro);
	assert_true(m[3].ro);
	assert_int_equal(m[4].id, 150);
	assert_int_equal(m[4].dev, makedev(7, 3));
	/* more mounts than room: an error, never a record that misses one */
	assert_int_equal(mountd_mountinfo_parse(mi, sizeof(mi) - 1, m, 4), -1);
	assert_int_equal(mountd_mountinfo_parse("x\n", 2, m, 8), -1);
	assert_int_equal(mountd_mountinfo_parse("12 1 zz / / rw - a b c\n", 23, m, 8), -1);
	assert_int_equal(mountd_mountinfo_parse("", 0, m, 8), 0);
}

/* A bind without MS_REC of a path with lxzone's masks under it would show the unmasked proc:
 * EINVAL, as the kernel's locked mounts in a user namespace */
static void test_bind_over_boot_mounts(void **state)
{
	(void)state;
	static const char mi[] =
	    "128 104 254:0 /srv/z/root / rw,relatime - ext4 /dev/vda rw\n"
	    "129 128 0:46 / /proc rw,nosuid,nodev,noexec - proc proc rw\n"
	    "131 129 0:46 /sys /proc/sys ro,nosuid,nodev,noexec - proc proc rw\n"
	    "132 131 0:46 /sys/net /proc/sys/net rw,nosuid,nodev,noexec - proc proc rw\n"
	    "133 129 0:50 /empty /proc/kcore ro - tmpfs tmpfs ro\n"
	    "140 128 0:60 / /mnt\\040x rw - tmpfs tmpfs rw\n"
	    "141 140 0:61 / /mnt\\040x/in rw - tmpfs tmpfs rw\n";
	struct mountd_mnt boot[] = {{128, makedev(254, 0), 0},
				    {129, makedev(0, 46), 0},
				    {131, makedev(0, 46), 1},
				    {132, makedev(0, 46), 0},
				    {133, makedev(0, 50), 1}};
	struct mountd_zone z;
	struct mountd_facts f = {.admin = 1};

	memset(&z, 0, sizeof(z));
	memcpy(z.boot, boot, sizeof(boot));
	z.nboot = 5;
	z.boot_known = 1;
	/* /proc (129) has the masks below it; so has / (128), which holds /proc */
	assert_true(mountd_boot_below(&z, mi, sizeof(mi) - 1, 129, "/proc"));
	assert_true(mountd_boot_below(&z, mi, sizeof(mi) - 1, 129, "/proc/"));
	assert_true(mountd_boot_below(&z, mi, sizeof(mi) - 1, 128, "/"));
	assert_true(mountd_boot_below(&z, mi, sizeof(mi) - 1, 131, "/proc/sys"));
	/* a path beside them, or a mount of the zone's own, is free to bind */
	assert_false(mountd_boot_below(&z, mi, sizeof(mi) - 1, 129, "/proc/self"));
	assert_false(mountd_boot_below(&z, mi, sizeof(mi) - 1, 128, "/etc"));
	assert_false(mountd_boot_below(&z, mi, sizeof(mi) - 1, 129, "/proc/sy"));
	assert_false(mountd_boot_below(&z, mi, sizeof(mi) - 1, 132, "/proc/sys/net"));
	assert_false(mountd_boot_below(&z, mi, sizeof(mi) - 1, 140, "/mnt x"));
	/* no record: every mount may be lxzone's */
	z.boot_known = 0;
	assert_true(mountd_boot_below(&z, mi, sizeof(mi) - 1, 140, "/mnt x"));

	f.src_boot_below = 1;
	assert_int_equal(check(&z, MOUNTD_BIND, 0, MS_BIND, &f), -EINVAL);
	assert_int_equal(check(&z, MOUNTD_BIND, 0, MS_BIND | MS_REC, &f), 0);
	f.src_boot_below = 0;
	assert_int_equal(check(&z, MOUNTD_BIND, 0, MS_BIND, &f), 0);
}

/* The zone's lxproc binds (FUSE, source "lxproc") are lxzone's wherever they sit: on its boot
 * /proc or on a proc the zone mounted itself (zone/mountd_lxproc.c).  Never unmounted, moved or
 * remounted, and a bind without MS_REC of a mount that has one below is EINVAL. */
static void test_lxproc_binds(void **state)
{
	(void)state;
	static const char mi[] = "128 104 254:0 /srv/z/root / rw,relatime - ext4 /dev/vda rw\n"
				 "150 128 0:70 / /mnt/p rw,relatime - proc proc rw\n"
				 "151 150 0:71 /3 /mnt/p/meminfo rw,nosuid shared:5 - fuse lxproc "
				 "rw,user_id=0,group_id=0\n"
				 "152 128 0:72 / /mnt/q rw - fuse.sshfs lxproc rw\n"
				 "153 128 0:73 / /mnt/t rw - tmpfs lxproc rw\n";
	const char *l2 = strstr(mi, "151 "), *l3 = strstr(mi, "152 "), *l4 = strstr(mi, "153 ");
	struct mountd_mnt boot[] = {{128, makedev(254, 0), 0}};
	struct mountd_facts bind = {
	    .admin = 1, .mnt_id = 151, .mnt_is_root = 1, .mnt_in_ns = 1, .mnt_lxproc = 1};
	struct mountd_zone z;

	assert_false(mountd_lxproc_line(mi, (size_t)(strchr(mi, '\n') - mi)));
	assert_true(mountd_lxproc_line(l2, (size_t)(strchr(l2, '\n') - l2)));
	assert_true(mountd_lxproc_line(l3, (size_t)(strchr(l3, '\n') - l3)));  /* a subtype */
	assert_false(mountd_lxproc_line(l4, (size_t)(strchr(l4, '\n') - l4))); /* not FUSE */
	assert_false(mountd_lxproc_line("151 150 0:71 / /x rw - fuse", 27));   /* cut short */

	memset(&z, 0, sizeof(z));
	memcpy(z.boot, boot, sizeof(boot));
	z.nboot = 1;
	z.boot_known = 1;
	/* the zone's own proc (150) has a bind below it: only a recursive bind */
	assert_true(mountd_boot_below(&z, mi, sizeof(mi) - 1, 150, "/mnt/p"));
	assert_false(mountd_boot_below(&z, mi, sizeof(mi) - 1, 153, "/mnt/t"));
	assert_int_equal(check(&z, MOUNTD_UMOUNT, 0, 0, &bind), -EPERM);
	assert_int_equal(check(&z, MOUNTD_UMOUNT, 0, MNT_DETACH, &bind), -EPERM);
	assert_int_equal(check(&z, MOUNTD_MOVE, 0, MS_MOVE, &bind), -EPERM);
	assert_int_equal(check(&z, MOUNTD_REMOUNT, 0, MS_REMOUNT, &bind), -EPERM);
	assert_int_equal(check(&z, MOUNTD_REMOUNT_BIND, 0, MS_REMOUNT | MS_BIND, &bind), -EPERM);
	bind.mnt_lxproc = 0; /* the same mount, were it the zone's own */
	assert_int_equal(check(&z, MOUNTD_UMOUNT, 0, 0, &bind), 0);
}

static void test_boot_record_roundtrip(void **state)
{
	(void)state;
	struct mountd_mnt m[3] = {
	    {128, makedev(254, 0), 0}, {130, makedev(0, 47), 1}, {4000000000ULL, makedev(7, 3), 0}};
	struct mountd_zone z;
	char buf[256];
	int n = mountd_boot_format(m, 3, buf, sizeof(buf));

	assert_true(n > 0);
	assert_string_equal(buf, "128 254:0 rw\n130 0:47 ro\n4000000000 7:3 rw\n");
	memset(&z, 0, sizeof(z));
	assert_int_equal(mountd_boot_parse(buf, (size_t)n, &z), 0);
	assert_true(z.boot_known);
	assert_int_equal(z.nboot, 3);
	assert_int_equal(z.boot[2].id, 4000000000ULL);
	assert_true(z.boot[1].ro);
	assert_true(mountd_is_boot(&z, 130));
	assert_false(mountd_is_boot(&z, 131));
	assert_int_equal(mountd_boot_format(m, 3, buf, 10), -1);
	/* a damaged record is refused (the caller then treats every mount as lxzone's) */
	assert_int_equal(mountd_boot_parse("128 254:0 xx\n", 13, &z), -1);
	assert_int_equal(mountd_boot_parse("garbage\n", 8, &z), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_classify_kinds),
	    cmocka_unit_test(test_classify_data_named_elsewhere),
	    cmocka_unit_test(test_classify_refusals),
	    cmocka_unit_test(test_classify_umount),
	    cmocka_unit_test(test_check_block_devices),
	    cmocka_unit_test(test_check_own_mounts),
	    cmocka_unit_test(test_check_shared_superblocks),
	    cmocka_unit_test(test_check_order),
	    cmocka_unit_test(test_flags),
	    cmocka_unit_test(test_overlay_parse),
	    cmocka_unit_test(test_mountinfo_parse),
	    cmocka_unit_test(test_boot_record_roundtrip),
	    cmocka_unit_test(test_bind_over_boot_mounts),
	    cmocka_unit_test(test_lxproc_binds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
