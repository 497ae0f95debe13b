/*
 * The mount service's policy for the new mount API (zone/mountd.h; plumbing in
 * zone/mountd_api.c): pure functions, no system calls.
 *
 * The rule is mount(2)'s (zone/mountd_policy.c), applied to the pieces the new API splits a
 * mount into, and never wider:
 *   - fsopen(type): the type as mount(2)'s (the host's /proc/filesystems, then the service's
 *     list; binfmt_misc and every other type EPERM);
 *   - fsconfig: a string or flag key is what mount(2)'s data string would carry, passed as
 *     mount(2) passes its data, except the keys that name another device or namespace
 *     (ext4's journal_dev / journal_path, xfs's logdev / rtdev, btrfs's device, proc's pidns:
 *     EPERM); a block file system's source is checked and resolved as mount(2)'s; an overlay's
 *     layers are resolved inside the zone without magic links and its options checked as
 *     mount(2)'s overlay data; a path or descriptor value (which mount(2) cannot give) only
 *     for the VFS's superblock flag keys, which take no value;
 *   - fspick: mount(2)'s MS_REMOUNT rule (the service's check on the mount it names);
 *   - mount_setattr: propagation anywhere, as mount(2)'s; flags that only restrict (nothing
 *     cleared) anywhere; clearing a flag only where mount(2)'s MS_REMOUNT|MS_BIND may (the
 *     zone's own mounts, not a read-only one over a boot superblock), not over a tree that
 *     holds a boot mount, and nodev stays; never an idmapping (mount(2) has none).
 */
#include "zone/mountd.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#ifndef BTRFS_SUPER_MAGIC
#define BTRFS_SUPER_MAGIC 0x9123683E
#endif
#ifndef XFS_SUPER_MAGIC
#define XFS_SUPER_MAGIC 0x58465342
#endif
#ifndef EXFAT_SUPER_MAGIC
#define EXFAT_SUPER_MAGIC 0x2011BAB0
#endif
#ifndef MSDOS_SUPER_MAGIC
#define MSDOS_SUPER_MAGIC 0x4d44
#endif
#ifndef OVERLAYFS_SUPER_MAGIC
#define OVERLAYFS_SUPER_MAGIC 0x794c7630
#endif
#ifndef MQUEUE_MAGIC
#define MQUEUE_MAGIC 0x19800202
#endif
#ifndef DEVPTS_SUPER_MAGIC
#define DEVPTS_SUPER_MAGIC 0x1cd1
#endif

int mountd_fs_of(const char *type, const char *known_fs, int *fs)
{
	struct mountd_req r = {.fstype = type, .source = "-", .target = "-"};
	struct mountd_op op;
	int e = mountd_classify(&r, known_fs, &op);

	if (e < 0)
		return e;
	if (op.err)
		return op.err;
	*fs = op.fs;
	return 0;
}

int mountd_fs_of_magic(long magic)
{
	static const struct {
		long magic;
		int fs;
	} t[] = {
	    {TMPFS_MAGIC, MOUNTD_FS_VIRTUAL},	     {RAMFS_MAGIC, MOUNTD_FS_VIRTUAL},
	    {DEVPTS_SUPER_MAGIC, MOUNTD_FS_VIRTUAL}, {MQUEUE_MAGIC, MOUNTD_FS_VIRTUAL},
	    {PROC_SUPER_MAGIC, MOUNTD_FS_PROC},	     {SYSFS_MAGIC, MOUNTD_FS_SYSFS},
	    {EXT4_SUPER_MAGIC, MOUNTD_FS_BLOCK},     {XFS_SUPER_MAGIC, MOUNTD_FS_BLOCK},
	    {BTRFS_SUPER_MAGIC, MOUNTD_FS_BLOCK},    {MSDOS_SUPER_MAGIC, MOUNTD_FS_BLOCK},
	    {EXFAT_SUPER_MAGIC, MOUNTD_FS_BLOCK},    {OVERLAYFS_SUPER_MAGIC, MOUNTD_FS_OVERLAY},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].magic == magic)
			return t[i].fs;
	return MOUNTD_FS_NONE;
}

int mountd_fsconfig_shape(int fd, unsigned cmd, int has_key, int has_value, int aux)
{
	/* fs/fsopen.c, in its order: the descriptor's sign, then each command's shape */
	if (fd < 0)
		return -EINVAL;
	switch (cmd) {
	case FSCONFIG_SET_FLAG:
		return !has_key || has_value || aux ? -EINVAL : 0;
	case FSCONFIG_SET_STRING:
		return !has_key || !has_value || aux ? -EINVAL : 0;
	case FSCONFIG_SET_BINARY:
		return !has_key || !has_value || aux <= 0 || aux > 1024 * 1024 ? -EINVAL : 0;
	case FSCONFIG_SET_PATH:
	case FSCONFIG_SET_PATH_EMPTY:
		return !has_key || !has_value || (aux != AT_FDCWD && aux < 0) ? -EINVAL : 0;
	case FSCONFIG_SET_FD:
		return !has_key || has_value || aux < 0 ? -EINVAL : 0;
	case FSCONFIG_CMD_CREATE:
	case FSCONFIG_CMD_RECONFIGURE:
	case MOUNTD_FSCONFIG_CREATE_EXCL:
		return has_key || has_value || aux ? -EINVAL : 0;
	}
	return -EOPNOTSUPP;
}

/* The VFS's superblock flag keys (vfs_parse_sb_flag): taken by name, whatever the value. */
static const char *const sb_flag_keys[] = {"dirsync", "lazytime", "mand",  "posixacl",
					   "ro",      "sync",	  "async", "nolazytime",
					   "nomand",  "rw",	  "silent"};

/* Keys that name another device or namespace than the checked source: mount(2)'s helper is
 * given none of them by the service's own code, and a zone has no use for them. */
static const struct {
	int fs;
	const char *key;
} named_elsewhere[] = {
    {MOUNTD_FS_BLOCK, "journal_dev"}, {MOUNTD_FS_BLOCK, "journal_path"},
    {MOUNTD_FS_BLOCK, "logdev"},      {MOUNTD_FS_BLOCK, "rtdev"},
    {MOUNTD_FS_BLOCK, "device"},      {MOUNTD_FS_PROC, "pidns"},
};

static int names_elsewhere(int fs, const char *key, size_t len)
{
	for (size_t i = 0; i < sizeof(named_elsewhere) / sizeof(named_elsewhere[0]); i++)
		if (named_elsewhere[i].fs == fs && strlen(named_elsewhere[i].key) == len &&
		    strncmp(named_elsewhere[i].key, key, len) == 0)
			return 1;
	return 0;
}

int mountd_data_names_elsewhere(int fs, const char *data)
{
	for (const char *o = data; o && *o; o = strchr(o, ','), o = o ? o + 1 : NULL) {
		size_t len = strcspn(o, ",=");

		if (names_elsewhere(fs, o, len))
			return 1;
	}
	return 0;
}

static int in_list(const char *const *l, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(l[i], key) == 0)
			return 1;
	return 0;
}

int mountd_fsconfig_check(int fs, int picked, unsigned cmd, const char *key, const char *value,
			  int *layer)
{
	static const struct {
		const char *key;
		int kind;
	} layers[] = {{"lowerdir", MOUNTD_OVL_RESET},
		      {"lowerdir+", MOUNTD_OVL_LOWER},
		      {"datadir+", MOUNTD_OVL_DATA},
		      {"upperdir", MOUNTD_OVL_UPPER},
		      {"workdir", MOUNTD_OVL_WORK}};
	char opt[300];

	if (cmd == FSCONFIG_CMD_CREATE || cmd == MOUNTD_FSCONFIG_CREATE_EXCL)
		return MOUNTD_FC_CREATE;
	if (cmd == FSCONFIG_CMD_RECONFIGURE)
		return MOUNTD_FC_RECONFIGURE;
	if (cmd == FSCONFIG_SET_BINARY)
		return -EINVAL; /* no type the service admits takes one; mount(2) cannot give one */
	if (cmd != FSCONFIG_SET_STRING && cmd != FSCONFIG_SET_FLAG)
		return in_list(sb_flag_keys, sizeof(sb_flag_keys) / sizeof(sb_flag_keys[0]), key)
			   ? MOUNTD_FC_SBFLAG
			   : -EPERM;
	/* a comma or '=' in a key (or a block file system's value) would become more options
	 * where the kernel joins them into a mount(2)-style data string (legacy contexts) */
	if (strchr(key, ',') || strchr(key, '=') ||
	    (fs == MOUNTD_FS_BLOCK && value && strchr(value, ',')))
		return -EINVAL;
	if (names_elsewhere(fs, key, strlen(key)))
		return -EPERM;
	if (fs == MOUNTD_FS_BLOCK && !picked && strcmp(key, "source") == 0)
		return cmd == FSCONFIG_SET_STRING ? MOUNTD_FC_SOURCE_BLOCK : -EINVAL;
	if (fs != MOUNTD_FS_OVERLAY || strcmp(key, "source") == 0)
		return MOUNTD_FC_PASS;
	/* overlay: the layers resolved by the service, the rest as mount(2)'s overlay data */
	for (size_t i = 0; i < sizeof(layers) / sizeof(layers[0]); i++)
		if (strcmp(layers[i].key, key) == 0) {
			if (cmd != FSCONFIG_SET_STRING)
				return -EINVAL;
			*layer = layers[i].kind;
			return picked ? -EPERM : MOUNTD_FC_LAYER;
		}
	if (strchr(key, ',') || strchr(key, '=') || (value && strchr(value, ',')))
		return -EINVAL;
	if (snprintf(opt, sizeof(opt), "%s%s%s", key, value ? "=" : "", value ? value : "") >=
	    (int)sizeof(opt))
		return -EINVAL;
	{
		static struct mountd_ovl o;
		int e = mountd_overlay_parse(opt, &o);
		if (e < 0)
			return e;
	}
	return MOUNTD_FC_PASS;
}

int mountd_tree_check(const struct mountd_zone *z, const char *mountinfo, size_t len, uint64_t id,
		      int clr_ro)
{
	static struct {
		uint64_t id, parent;
		unsigned long dev;
		int ro, lxproc;
	} m[1024];
	static int in[1024];
	const char *p = mountinfo, *end = mountinfo + len;
	size_t n = 0;
	int grew = 1;

	while (p < end && n < sizeof(m) / sizeof(m[0])) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = (size_t)((nl ? nl : end) - p);
		unsigned long long a, b;
		unsigned maj, min;
		char opts[8];

		if (sscanf(p, "%llu %llu %u:%u %*s %*s %7s", &a, &b, &maj, &min, opts) == 5) {
			m[n].id = a;
			m[n].parent = b;
			m[n].dev = (unsigned long)makedev(maj, min);
			m[n].ro = strncmp(opts, "ro", 2) == 0 && (opts[2] == ',' || !opts[2]);
			m[n].lxproc = mountd_lxproc_line(p, l);
			in[n] = m[n].id == id;
			n++;
		}
		p = nl ? nl + 1 : end;
	}
	if (p < end)
		return -EPERM; /* more mounts than we can see: refuse rather than guess */
	while (grew) {	       /* the subtree: every mount whose parent is in it */
		grew = 0;
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; !in[i] && j < n; j++)
				if (in[j] && m[i].parent == m[j].id && m[i].id != m[j].id)
					in[i] = grew = 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (!in[i] || m[i].id == id)
			continue;
		if (mountd_is_boot(z, m[i].id) || m[i].lxproc ||
		    (clr_ro && m[i].ro && mountd_boot_shares_sb(z, m[i].dev)))
			return -EPERM;
	}
	return 0;
}

int mountd_setattr_check(const struct mountd_zone *z, const struct mountd_facts *f, int recursive,
			 int tree_err, struct mountd_attr *a)
{
	const uint64_t known = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			       MOUNT_ATTR_NOEXEC | MOUNT_ATTR__ATIME | MOUNT_ATTR_NODIRATIME |
			       MOUNT_ATTR_IDMAP | MOUNT_ATTR_NOSYMFOLLOW;
	int own;

	if (((a->set | a->clr) & ~known) != 0)
		return -EINVAL; /* the kernel's answer, before any lookup */
	if ((a->set | a->clr) & MOUNT_ATTR_IDMAP)
		return -EPERM; /* mount(2) has no idmapping */
	if (!f->admin)
		return -EPERM;
	if (f->mnt_errno)
		return -f->mnt_errno;
	/* nodev is sticky (mountd_flags): kept, silently, as mount(2)'s remount keeps it */
	if (f->mnt_nodev)
		a->clr &= ~(uint64_t)MOUNT_ATTR_NODEV;
	if (a->clr == 0)
		return 0; /* propagation, and flags that only restrict: anywhere */
	/* clearing: mount(2)'s MS_REMOUNT|MS_BIND rule on the mount, and on every mount below it */
	own = f->mnt_in_ns ? !mountd_is_boot(z, f->mnt_id) && !f->mnt_lxproc : !f->mnt_lxproc;
	if (!own || (recursive && (tree_err || !f->mnt_in_ns)))
		return -EPERM;
	if ((a->clr & MOUNT_ATTR_RDONLY) && f->mnt_ro && mountd_boot_shares_sb(z, f->mnt_dev))
		return -EPERM;
	return 0;
}

uint64_t mountd_fsmount_attrs(int fs, unsigned long layer_flags, uint64_t attrs)
{
	if (fs == MOUNTD_FS_BLOCK)
		attrs |= MOUNT_ATTR_NODEV;
	if (fs == MOUNTD_FS_SYSFS)
		attrs |= MOUNT_ATTR_RDONLY;
	if (fs == MOUNTD_FS_OVERLAY) {
		if (layer_flags & 4 /* MS_NODEV */)
			attrs |= MOUNT_ATTR_NODEV;
		if (layer_flags & 2 /* MS_NOSUID */)
			attrs |= MOUNT_ATTR_NOSUID;
		if (layer_flags & 8 /* MS_NOEXEC */)
			attrs |= MOUNT_ATTR_NOEXEC;
	}
	return attrs;
}
