/*
 * mountapi: the new mount API (fsopen, fsconfig, fsmount, fspick, open_tree, move_mount,
 * mount_setattr) for the mount-service test (test_mount_api.sh).  Each step prints
 * "<name> <errno name or ok>", so the script compares exact results.  Static, so it runs in
 * the busybox zone.
 *
 *   mountapi new TYPE SOURCE TARGET [KEY=VALUE|FLAG]...   fsopen .. move_mount, step by step
 *   mountapi fsopen TYPE                                  fsopen alone
 *   mountapi key TYPE CMD KEY [VALUE]                      one fsconfig on a fresh context
 *                                                         (CMD: flag string path fd)
 *   mountapi clone PATH TARGET [rec]                      open_tree(OPEN_TREE_CLONE), attached
 *   mountapi move FROM TO                                 move_mount of an attached mount
 *   mountapi setattr PATH SET CLR [rec]                   mount_setattr (MOUNT_ATTR_* in hex)
 *   mountapi clonesetattr PATH SET CLR                    the same on a detached clone (recursive)
 *   mountapi pick PATH FLAG                               fspick, a flag, reconfigure
 *   mountapi procfd                                       a proc through fsopen: its MemTotal
 *                                                         line, read through the detached mount
 *   mountapi unattached TYPE DEV                          fsmount, close it unattached: is the
 *                                                         device free again while this runs?
 *   mountapi nocap ...                                    the same without any capability
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *ename(int e)
{
	static const struct {
		int e;
		const char *n;
	} t[] = {{0, "ok"},
		 {EPERM, "EPERM"},
		 {EFAULT, "EFAULT"},
		 {EINVAL, "EINVAL"},
		 {ENOENT, "ENOENT"},
		 {ENOTBLK, "ENOTBLK"},
		 {ENODEV, "ENODEV"},
		 {EBUSY, "EBUSY"},
		 {ENOSYS, "ENOSYS"},
		 {EBADF, "EBADF"},
		 {EROFS, "EROFS"},
		 {EACCES, "EACCES"},
		 {EOPNOTSUPP, "EOPNOTSUPP"}};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].e == e)
			return t[i].n;
	return "other";
}

static int report(const char *name, long r)
{
	int e = r < 0 ? errno : 0;

	printf("%s %s\n", name, ename(e));
	return e;
}

static int cmd_of(const char *s)
{
	return !strcmp(s, "flag")     ? FSCONFIG_SET_FLAG
	       : !strcmp(s, "string") ? FSCONFIG_SET_STRING
	       : !strcmp(s, "path")   ? FSCONFIG_SET_PATH
				      : FSCONFIG_SET_FD;
}

/* One fsconfig of a KEY=VALUE (a string) or a FLAG. */
static int set_opt(int fs, const char *opt)
{
	char k[256];
	const char *eq = strchr(opt, '=');

	if (!eq)
		return (int)fsconfig(fs, FSCONFIG_SET_FLAG, opt, NULL, 0);
	snprintf(k, sizeof(k), "%.*s", (int)(eq - opt), opt);
	return (int)fsconfig(fs, FSCONFIG_SET_STRING, k, eq + 1, 0);
}

static int do_new(int argc, char **argv)
{
	int fs, m;

	if (report("fsopen", fs = fsopen(argv[0], FSOPEN_CLOEXEC)))
		return 1;
	if (strcmp(argv[1], "-") &&
	    report("source", fsconfig(fs, FSCONFIG_SET_STRING, "source", argv[1], 0)))
		return 1;
	for (int i = 3; i < argc; i++)
		if (report(argv[i], set_opt(fs, argv[i])))
			return 1;
	if (report("create", fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0)))
		return 1;
	if (report("fsmount", m = fsmount(fs, FSMOUNT_CLOEXEC, 0)))
		return 1;
	close(fs);
	return report("attach", move_mount(m, "", AT_FDCWD, argv[2], MOVE_MOUNT_F_EMPTY_PATH)) != 0;
}

static int do_key(char **argv)
{
	int fs = fsopen(argv[0], FSOPEN_CLOEXEC);
	int cmd = cmd_of(argv[1]);

	if (report("fsopen", fs))
		return 1;
	return report("key", fsconfig(fs, cmd, argv[2], cmd == FSCONFIG_SET_FD ? NULL : argv[3],
				      cmd == FSCONFIG_SET_FD	 ? 0
				      : cmd == FSCONFIG_SET_PATH ? AT_FDCWD
								 : 0)) != 0;
}

static int do_clone(char **argv, int rec)
{
	int t = (int)syscall(SYS_open_tree, AT_FDCWD, argv[0],
			     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (rec ? AT_RECURSIVE : 0));

	if (report("clone", t))
		return 1;
	return report("attach", move_mount(t, "", AT_FDCWD, argv[1], MOVE_MOUNT_F_EMPTY_PATH)) != 0;
}

static int do_setattr(int fd, const char *path, char **argv, int rec)
{
	struct mount_attr a = {.attr_set = strtoull(argv[0], NULL, 16),
			       .attr_clr = strtoull(argv[1], NULL, 16)};

	return report("setattr",
		      mount_setattr(fd, path,
				    (rec ? AT_RECURSIVE : 0) | (*path ? 0 : AT_EMPTY_PATH), &a,
				    sizeof(a))) != 0;
}

static int do_pick(char **argv)
{
	int p = fspick(AT_FDCWD, argv[0], FSPICK_CLOEXEC);

	if (report("fspick", p))
		return 1;
	if (report("flag", fsconfig(p, FSCONFIG_SET_FLAG, argv[1], NULL, 0)))
		return 1;
	return report("reconfigure", fsconfig(p, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0)) != 0;
}

static void drop_caps(void)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2] = {{0}};

	if (syscall(SYS_capset, &h, d) < 0) {
		perror("capset");
		exit(2);
	}
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "nocap")) {
		drop_caps();
		argv++;
		argc--;
	}
	if (argc < 2)
		goto usage;
	const char *c = argv[1];
	argv += 2;
	argc -= 2;
	if (!strcmp(c, "new") && argc >= 3)
		return do_new(argc, argv);
	if (!strcmp(c, "fsopen") && argc == 1) {
		int fs = fsopen(argv[0], FSOPEN_CLOEXEC);
		return report("fsopen", fs) != 0;
	}
	if (!strcmp(c, "key") && argc >= 3)
		return do_key(argv);
	if (!strcmp(c, "clone") && argc >= 2)
		return do_clone(argv, argc > 2);
	if (!strcmp(c, "move") && argc == 2)
		return report("move", move_mount(AT_FDCWD, argv[0], AT_FDCWD, argv[1], 0)) != 0;
	if (!strcmp(c, "setattr") && argc >= 3)
		return do_setattr(AT_FDCWD, argv[0], argv + 1, argc > 3);
	if (!strcmp(c, "clonesetattr") && argc == 3) {
		int t = (int)syscall(SYS_open_tree, AT_FDCWD, argv[0],
				     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		if (report("clone", t))
			return 1;
		return do_setattr(t, "", argv + 1, 0);
	}
	if (!strcmp(c, "pick") && argc == 2)
		return do_pick(argv);
	if (!strcmp(c, "unattached") && argc == 2) {
		int fs = fsopen(argv[0], FSOPEN_CLOEXEC), m, d = -1;

		if (report("fsopen", fs) ||
		    report("source", fsconfig(fs, FSCONFIG_SET_STRING, "source", argv[1], 0)) ||
		    report("create", fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0)) ||
		    report("fsmount", m = fsmount(fs, FSMOUNT_CLOEXEC, 0)))
			return 1;
		close(m);
		close(fs);
		/* the service lets the tree go once it sees the close: give it 3 s */
		for (int i = 0; i < 300 && d < 0; i++) {
			d = open(argv[1], O_RDONLY | O_EXCL | O_CLOEXEC);
			if (d < 0)
				usleep(10000);
		}
		report("released", d);
		return d < 0;
	}
	if (!strcmp(c, "procfd") && argc == 0) {
		char buf[8192] = "";
		int fs = fsopen("proc", FSOPEN_CLOEXEC), m, f;
		ssize_t n;

		if (report("fsopen", fs) ||
		    report("create", fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0)) ||
		    report("fsmount", m = fsmount(fs, FSMOUNT_CLOEXEC, 0)) ||
		    report("meminfo", f = openat(m, "meminfo", O_RDONLY | O_CLOEXEC)))
			return 1;
		n = read(f, buf, sizeof(buf) - 1);
		buf[n < 0 ? 0 : n] = '\0';
		char *nl = strchr(buf, '\n');
		if (nl)
			*nl = '\0';
		printf("%s\n", buf);
		return 0;
	}
usage:
	fprintf(
	    stderr,
	    "usage: mountapi [nocap] new|fsopen|key|clone|move|setattr|clonesetattr|pick ...\n");
	return 2;
}
