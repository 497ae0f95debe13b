/* Tree copy (p2v install, copy clones, snapshots): everything a root file system needs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/acl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "zone/copy.h"
#include "zone/fsutil.h"

static char base[256], src[300], dst[300];

static void path(char *out, size_t sz, const char *dir, const char *name)
{
	snprintf(out, sz, "%s/%s", dir, name);
}

static void put(const char *dir, const char *name, const char *text, mode_t mode)
{
	char p[512];
	path(p, sizeof(p), dir, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(chmod(p, mode), 0);
}

static int setup(void **state)
{
	(void)state;
	struct zone_error err;
	snprintf(base, sizeof(base), "/tmp/test_zone_copy.%d", (int)getpid());
	snprintf(src, sizeof(src), "%s/src", base);
	snprintf(dst, sizeof(dst), "%s/dst", base);
	assert_int_equal(zone_mkdir_p(src, 0755, &err), 0);
	assert_int_equal(zone_mkdir_p(dst, 0755, &err), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	struct zone_error err;
	zone_rmtree(base, &err);
	return 0;
}

static void test_copy_preserves_everything(void **state)
{
	(void)state;
	char p[512], q[512];
	struct stat a, b;
	struct zone_error err = {0};
	struct zone_copy_stats st = {0};
	int root = geteuid() == 0;

	path(p, sizeof(p), src, "etc");
	assert_int_equal(mkdir(p, 0750), 0);
	put(src, "etc/passwd", "root:x:0:0\n", 0644);
	put(src, "etc/shadow", "secret\n", 0640);
	put(src, "su", "binary", 04755);
	path(p, sizeof(p), src, "su");
	if (root)
		assert_int_equal(chown(p, 0, 0), 0);
	assert_int_equal(chmod(p, 04755), 0); /* chown cleared the setuid bit */
	path(p, sizeof(p), src, "etc/shadow");
	if (root)
		assert_int_equal(chown(p, 0, 42), 0);
	/* hard links */
	put(src, "a", "same inode", 0644);
	path(p, sizeof(p), src, "a");
	path(q, sizeof(q), src, "etc/b");
	assert_int_equal(link(p, q), 0);
	/* a sparse file: 64 MiB hole, 5 bytes of data */
	path(p, sizeof(p), src, "sparse");
	int fd = open(p, O_WRONLY | O_CREAT, 0644);
	assert_int_equal(pwrite(fd, "tail!", 5, 64 << 20), 5);
	close(fd);
	/* xattrs and an ACL */
	path(p, sizeof(p), src, "etc/passwd");
	assert_int_equal(setxattr(p, "user.lxzone", "v1", 2, 0), 0);
	/* overlayfs's own metadata is copied too: an overlay zone's upper layer, which snapshots
	 * and moves copy, holds its opaque directories (root, as this test runs, writes it) */
	int trusted = setxattr(p, "trusted.overlay.opaque", "y", 1, 0) == 0, terr = errno;
	acl_t acl = acl_from_text("u::rw-,u:1000:r--,g::r--,m::r--,o::r--");
	assert_non_null(acl);
	assert_int_equal(acl_set_file(p, ACL_TYPE_ACCESS, acl), 0);
	acl_free(acl);
	/* symlinks (dangling and absolute: copied, never followed), FIFO, device */
	path(p, sizeof(p), src, "abs");
	assert_int_equal(symlink("/etc/passwd", p), 0);
	path(p, sizeof(p), src, "dangling");
	assert_int_equal(symlink("../nowhere", p), 0);
	path(p, sizeof(p), src, "fifo");
	assert_int_equal(mkfifo(p, 0620), 0);
	if (root) {
		path(p, sizeof(p), src, "null");
		assert_int_equal(mknod(p, S_IFCHR | 0666, makedev(1, 3)), 0);
	}
	/* a directory mtime set before copying its contents */
	path(p, sizeof(p), src, "etc");
	struct timespec ts[2] = {{1000000000, 0}, {1000000000, 0}};
	assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);

	if (zone_copy_tree(src, dst, NULL, &st, &err) < 0)
		fail_msg("copy: %s", err.msg);

	const char *names[] = {"etc", "etc/passwd", "etc/shadow", "su", "a", "sparse", "fifo"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		path(p, sizeof(p), src, names[i]);
		path(q, sizeof(q), dst, names[i]);
		assert_int_equal(lstat(p, &a), 0);
		assert_int_equal(lstat(q, &b), 0);
		assert_int_equal(a.st_mode, b.st_mode);
		assert_int_equal(a.st_uid, b.st_uid);
		assert_int_equal(a.st_gid, b.st_gid);
		assert_int_equal(a.st_size, b.st_size);
		assert_int_equal(a.st_mtim.tv_sec, b.st_mtim.tv_sec);
	}
	path(q, sizeof(q), dst, "su");
	assert_int_equal(lstat(q, &b), 0);
	assert_int_equal(b.st_mode & 07777, 04755);
	/* hard link kept */
	path(p, sizeof(p), dst, "a");
	path(q, sizeof(q), dst, "etc/b");
	assert_int_equal(stat(p, &a), 0);
	assert_int_equal(stat(q, &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(st.hardlinks, 1);
	/* holes kept: far fewer blocks than the size */
	path(q, sizeof(q), dst, "sparse");
	assert_int_equal(stat(q, &b), 0);
	assert_int_equal(b.st_size, (64 << 20) + 5);
	assert_true(b.st_blocks * 512 < (1 << 20));
	/* xattr and ACL */
	char v[16] = {0};
	path(q, sizeof(q), dst, "etc/passwd");
	assert_int_equal(getxattr(q, "user.lxzone", v, sizeof(v)), 2);
	assert_memory_equal(v, "v1", 2);
	if (trusted) {
		assert_int_equal(getxattr(q, "trusted.overlay.opaque", v, sizeof(v)), 1);
		assert_memory_equal(v, "y", 1);
	} else {
		printf("(trusted.overlay.opaque not settable here: %s)\n", strerror(terr));
	}
	/* The ACL (an xattr) is byte-for-byte the source's. */
	char sa[256], da[256];
	path(p, sizeof(p), src, "etc/passwd");
	ssize_t sl = getxattr(p, "system.posix_acl_access", sa, sizeof(sa));
	ssize_t dl = getxattr(q, "system.posix_acl_access", da, sizeof(da));
	assert_true(sl > 28); /* header + 5 entries */
	assert_int_equal(sl, dl);
	assert_memory_equal(sa, da, (size_t)sl);
	/* symlinks as symlinks */
	char t[64] = {0};
	path(q, sizeof(q), dst, "abs");
	assert_int_equal(readlink(q, t, sizeof(t)), 11);
	assert_string_equal(t, "/etc/passwd");
	path(q, sizeof(q), dst, "dangling");
	assert_int_equal(lstat(q, &b), 0);
	assert_true(S_ISLNK(b.st_mode));
	path(q, sizeof(q), dst, "fifo");
	assert_int_equal(lstat(q, &b), 0);
	assert_true(S_ISFIFO(b.st_mode));
	if (root) {
		path(q, sizeof(q), dst, "null");
		assert_int_equal(lstat(q, &b), 0);
		assert_true(S_ISCHR(b.st_mode));
		assert_int_equal(b.st_rdev, makedev(1, 3));
	}
}

static void test_copy_devices_can_be_skipped(void **state)
{
	(void)state;
	char p[512];
	struct stat b;
	struct zone_error err = {0};
	struct zone_copy_opts o = {.skip_devices = true};
	if (geteuid() != 0)
		skip();
	path(p, sizeof(p), src, "null");
	assert_int_equal(mknod(p, S_IFCHR | 0666, makedev(1, 3)), 0);
	assert_int_equal(zone_copy_tree(src, dst, &o, NULL, &err), 0);
	path(p, sizeof(p), dst, "null");
	assert_int_equal(lstat(p, &b), -1);
}

static void test_rmtree_does_not_follow_symlinks(void **state)
{
	(void)state;
	char p[512], keep[512];
	struct zone_error err = {0};
	put(dst, "keep", "x", 0644);
	path(keep, sizeof(keep), dst, "keep");
	path(p, sizeof(p), src, "d");
	mkdir(p, 0755);
	path(p, sizeof(p), src, "d/link");
	assert_int_equal(symlink(dst, p), 0);
	assert_int_equal(zone_rmtree(src, &err), 0);
	assert_int_equal(access(keep, F_OK), 0);
	assert_int_equal(access(src, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_copy_preserves_everything, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_copy_devices_can_be_skipped, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rmtree_does_not_follow_symlinks, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
