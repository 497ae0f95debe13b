/*
 * The mount service's policy (zone/mountd.h): pure functions, no system calls.
 *
 * What a zone may do (everything else is EPERM), and only a caller with CAP_SYS_ADMIN (the
 * kernel's may_mount; without it every request is EPERM):
 *   - new instances of tmpfs, ramfs, devpts, mqueue (nothing of the host's behind them),
 *     proc (of the caller's pid namespace) and sysfs (of the zone's network namespace,
 *     always read-only);
 *   - block filesystems (ext2/3/4, xfs, btrfs, vfat, exfat) only when the source is a block
 *     device given to the zone (`device` key): checked by its major:minor, so a node the zone
 *     makes itself for a host disk does not count; always nodev (mountd_flags);
 *   - overlay, its layers resolved by the helper in the caller's root without magic links,
 *     with userxattr (mountd_overlay_parse) and the layers' nodev/nosuid/noexec;
 *   - bind mounts: the kernel already refuses a source outside the caller's mount namespace,
 *     and the service resolves both paths in the caller's root; without MS_REC, not of a
 *     path with a boot mount under it (EINVAL, as the kernel's locked mounts): that bind
 *     would show what lxzone's masks cover (zone/launch/launch_mask.c);
 *   - MS_MOVE, remount and umount2 of mounts the zone made itself: every mount in the zone's
 *     namespace except the ones lxzone set up at boot (recorded by mount id);
 *   - a remount may not touch a superblock that a boot mount shares (the zone root is the
 *     host's filesystem; /proc and /sys are the zone's only), nor make writable a zone mount
 *     over such a superblock (a bind of the read-only /sys, or of a read-only host mount), nor
 *     clear nodev;
 *   - propagation changes on any mount of the zone's namespace (it is private to the zone).
 *
 * Errors come in the kernel's order (the arguments' copies, the target's lookup, the caller's
 * privilege, EINVAL for bad flags, ENODEV for a type the host does not have, ENOTBLK for a
 * source that is not a block device, ENOENT for a missing path) wherever they are harmless,
 * so a zone sees what a native run sees wherever the request would be allowed.
 */
#include "zone/mountd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#ifndef MS_MGC_MSK
#define MS_MGC_MSK 0xffff0000UL
#endif
#ifndef MS_MGC_VAL
#define MS_MGC_VAL 0xC0ED0000UL
#endif
#ifndef UMOUNT_NOFOLLOW
#define UMOUNT_NOFOLLOW 0x8
#endif

#ifndef MS_NOUSER
#define MS_NOUSER (1UL << 31)
#endif

#define MS_PROPAGATION (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)

static const struct {
	const char *name;
	int fs;
} fs_table[] = {
    {"tmpfs", MOUNTD_FS_VIRTUAL},  {"ramfs", MOUNTD_FS_VIRTUAL},   {"devpts", MOUNTD_FS_VIRTUAL},
    {"mqueue", MOUNTD_FS_VIRTUAL}, {"proc", MOUNTD_FS_PROC},	   {"sysfs", MOUNTD_FS_SYSFS},
    {"ext2", MOUNTD_FS_BLOCK},	   {"ext3", MOUNTD_FS_BLOCK},	   {"ext4", MOUNTD_FS_BLOCK},
    {"xfs", MOUNTD_FS_BLOCK},	   {"btrfs", MOUNTD_FS_BLOCK},	   {"vfat", MOUNTD_FS_BLOCK},
    {"exfat", MOUNTD_FS_BLOCK},	   {"overlay", MOUNTD_FS_OVERLAY},
};

/* Does /proc/filesystems' text list name (the last field of a line)? */
static int fs_known(const char *known_fs, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = known_fs; p && *p;) {
		const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);
		const char *tab = memchr(p, '\t', (size_t)(end - p));
		const char *f = tab ? tab + 1 : p;

		if ((size_t)(end - f) == n && memcmp(f, name, n) == 0)
			return 1;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

int mountd_classify(const struct mountd_req *r, const char *known_fs, struct mountd_op *op)
{
	unsigned long f = r->flags;

	memset(op, 0, sizeof(*op));
	if (r->umount) {
		/* checked before the lookup */
		if (f & ~(unsigned long)(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
			return -EINVAL;
		if ((f & MNT_EXPIRE) && (f & (MNT_FORCE | MNT_DETACH)))
			return -EINVAL;
		op->kind = MOUNTD_UMOUNT;
		op->flags = f;
		return 0;
	}
	if ((f & MS_MGC_MSK) == MS_MGC_VAL)
		f &= ~MS_MGC_MSK;
	op->flags = f;
	/* the kernel's order (path_mount), after the target's lookup and may_mount */
	if (f & MS_NOUSER) {
		op->err = -EINVAL;
	} else if ((f & MS_REMOUNT) && (f & MS_BIND)) {
		op->kind = MOUNTD_REMOUNT_BIND;
	} else if (f & MS_REMOUNT) {
		op->kind = MOUNTD_REMOUNT;
	} else if (f & MS_BIND) {
		op->kind = MOUNTD_BIND;
		if (!r->source || !*r->source)
			op->err = -EINVAL;
	} else if (f & MS_PROPAGATION) {
		op->kind = MOUNTD_PROPAGATION;
	} else if (f & MS_MOVE) {
		op->kind = MOUNTD_MOVE;
		if (!r->source || !*r->source)
			op->err = -EINVAL;
	} else {
		op->kind = MOUNTD_NEW;
		if (!r->fstype) {
			op->err = -EINVAL;
			return 0;
		}
		/* get_fs_type: ENODEV for a type the kernel has not registered, allowed or not */
		if (known_fs && !fs_known(known_fs, r->fstype)) {
			op->err = -ENODEV;
			return 0;
		}
		for (size_t i = 0; i < sizeof(fs_table) / sizeof(fs_table[0]); i++)
			if (strcmp(r->fstype, fs_table[i].name) == 0)
				op->fs = fs_table[i].fs;
		if (op->fs == MOUNTD_FS_NONE)
			op->err = -EPERM;
		else if (op->fs == MOUNTD_FS_SYSFS)
			op->flags |= MS_RDONLY;
		else if (op->fs == MOUNTD_FS_BLOCK && (!r->source || !*r->source))
			op->err = -EINVAL;
		else if (op->fs == MOUNTD_FS_BLOCK)
			op->flags |= MS_NODEV;
		/* journal_dev=, logdev=, pidns=...: as fsconfig refuses them (mountd_api_policy.c)
		 */
		if (!op->err && mountd_data_names_elsewhere(op->fs, r->data))
			op->err = -EPERM;
	}
	return 0;
}

int mountd_is_boot(const struct mountd_zone *z, uint64_t id)
{
	if (!z->boot_known)
		return 1;
	for (size_t i = 0; i < z->nboot; i++)
		if (z->boot[i].id == id)
			return 1;
	return 0;
}

int mountd_boot_shares_sb(const struct mountd_zone *z, unsigned long dev)
{
	if (!z->boot_known)
		return 1;
	for (size_t i = 0; i < z->nboot; i++)
		if (z->boot[i].dev == dev)
			return 1;
	return 0;
}

/* A mount the zone made: in its namespace now, and not one lxzone set up. */
/* lxproc's binds are lxzone's, wherever they sit (boot, or a proc the zone mounted:
 * zone/mountd_lxproc.c): under them are the host's files */
static int zone_made(const struct mountd_zone *z, const struct mountd_facts *f)
{
	return f->mnt_in_ns && !mountd_is_boot(z, f->mnt_id) && !f->mnt_lxproc;
}

int mountd_src_check(const struct mountd_zone *z, const struct mountd_src *s)
{
	if (s->err)
		return -s->err;
	if (!S_ISBLK(s->mode))
		return -ENOTBLK;
	for (size_t i = 0; i < z->ndevs; i++)
		if (z->devs[i] == s->rdev)
			return 0;
	return -EPERM;
}

int mountd_check(const struct mountd_zone *z, const struct mountd_op *op, unsigned long flags,
		 const struct mountd_facts *f)
{
	if (f->tgt_errno)
		return -f->tgt_errno;
	if (!f->admin)
		return -EPERM;
	if (op->err)
		return op->err;
	switch (op->kind) {
	case MOUNTD_NEW:
		return op->fs == MOUNTD_FS_BLOCK ? mountd_src_check(z, &f->src) : 0;
	case MOUNTD_BIND:
		return !(flags & MS_REC) && f->src_boot_below ? -EINVAL : 0;
	case MOUNTD_PROPAGATION:
		return 0;
	case MOUNTD_MOVE:
		if (f->mnt_errno)
			return -f->mnt_errno;
		return zone_made(z, f) ? 0 : -EPERM;
	case MOUNTD_UMOUNT:
		if (f->mnt_errno)
			return -f->mnt_errno;
		if (!f->mnt_is_root)
			return -EINVAL; /* not a mount point: the kernel's answer */
		return zone_made(z, f) ? 0 : -EPERM;
	case MOUNTD_REMOUNT:
		if (f->mnt_errno)
			return -f->mnt_errno;
		if (!f->mnt_is_root)
			return -EINVAL; /* do_remount: not a mount point, before any permission */
		if (!zone_made(z, f) || mountd_boot_shares_sb(z, f->mnt_dev))
			return -EPERM;
		return 0;
	case MOUNTD_REMOUNT_BIND:
		if (f->mnt_errno)
			return -f->mnt_errno;
		if (!f->mnt_is_root)
			return -EINVAL; /* do_reconfigure_mnt, as do_remount */
		if (!zone_made(z, f))
			return -EPERM;
		/* flags replace the mount's: no MS_RDONLY on a read-only mount makes it writable */
		if (f->mnt_ro && !(flags & MS_RDONLY) && mountd_boot_shares_sb(z, f->mnt_dev))
			return -EPERM;
		return 0;
	}
	return -EPERM;
}

unsigned long mountd_flags(const struct mountd_op *op, const struct mountd_facts *f)
{
	unsigned long flags = op->flags;

	if (op->kind == MOUNTD_NEW && op->fs == MOUNTD_FS_OVERLAY)
		flags |= f->layer_flags & (MS_NODEV | MS_NOSUID | MS_NOEXEC);
	if ((op->kind == MOUNTD_REMOUNT || op->kind == MOUNTD_REMOUNT_BIND) && f->mnt_nodev)
		flags |= MS_NODEV;
	return flags;
}

/* ------------------------------------------------------------------------------------------ */
/* overlay's options */

/* Options overlayfs (and the VFS, for any filesystem) takes that name no path.  Anything else
 * is EINVAL, as the kernel answers an option it does not know: a future option could. */
static const char *const ovl_passed[] = {
    "default_permissions",
    "redirect_dir",
    "uuid",
    "xino",
    "metacopy",
    "verity",
    "volatile",
    "fsync",
    "userxattr",
    "override_creds",
    "nooverride_creds",
    "ro",
    "rw",
    "sync",
    "async",
    "dirsync",
    "lazytime",
    "nolazytime",
    "mand",
    "nomand",
    "silent",
    "index",
    "nfs_export",
};

/* The next option: up to an unescaped comma (ovl_next_opt); NULL at the end. */
static char *ovl_next(char **s)
{
	char *b = *s, *p;

	if (!b)
		return NULL;
	for (p = b; *p; p++) {
		if (*p == '\\') {
			if (!*++p)
				break;
		} else if (*p == ',') {
			*p = '\0';
			*s = p + 1;
			return b;
		}
	}
	*s = NULL;
	return b;
}

/* Drop the escaping backslashes in place (ovl_unescape). */
static void ovl_unescape(char *s)
{
	char *d = s;

	for (;; s++, d++) {
		if (*s == '\\')
			s++;
		*d = *s;
		if (!*s)
			break;
	}
}

static int ovl_add(struct mountd_ovl *o, int kind, const char *key, const char *value)
{
	if (o->n >= MOUNTD_OVL_MAX)
		return -EINVAL;
	o->opt[o->n++] = (struct mountd_ovl_opt){kind, key, value};
	return 0;
}

/* lowerdir=A:B::D: layers split at unescaped colons, "::" before the data-only ones */
static int ovl_lowerdirs(struct mountd_ovl *o, char *v)
{
	int data = 0, e;

	if ((e = ovl_add(o, MOUNTD_OVL_RESET, NULL, NULL)) < 0)
		return e;
	if (!*v)
		return 0;
	if (*v == ':')
		return -EINVAL;
	for (;;) {
		char *p = v;
		while (*p && *p != ':') {
			if (*p == '\\' && p[1])
				p++;
			p++;
		}
		int end = !*p, dbl = !end && p[1] == ':';
		*p = '\0';
		if (!*v)
			return -EINVAL; /* an empty layer */
		ovl_unescape(v);
		if ((e = ovl_add(o, data ? MOUNTD_OVL_DATA : MOUNTD_OVL_LOWER, NULL, v)) < 0)
			return e;
		if (end)
			return 0;
		if (dbl && p[2] == ':')
			return -EINVAL; /* ":::" */
		if (!dbl && data)
			return -EINVAL; /* a regular layer after data layers */
		data |= dbl;
		v = p + 1 + dbl;
		if (!*v)
			return -EINVAL; /* trailing colons */
	}
}

int mountd_overlay_parse(const char *data, struct mountd_ovl *o)
{
	char *s = o->buf, *opt;
	int seen_lowerdir = 0, e;

	o->n = 0;
	if (!data)
		data = "";
	if (strlen(data) >= sizeof(o->buf))
		return -EINVAL;
	memcpy(o->buf, data, strlen(data) + 1);
	while ((opt = ovl_next(&s)) != NULL) {
		char *v = strchr(opt, '=');
		size_t i;

		if (!*opt || v == opt)
			continue; /* vfs_parse_monolithic_sep skips these */
		if (v)
			*v++ = '\0';
		if (strcmp(opt, "lowerdir") == 0 && v) {
			seen_lowerdir = 1;
			e = ovl_lowerdirs(o, v);
		} else if ((strcmp(opt, "lowerdir+") == 0 || strcmp(opt, "datadir+") == 0) && v &&
			   *v) {
			if (seen_lowerdir)
				return -EINVAL; /* overlayfs: they cannot follow lowerdir= */
			e = ovl_add(o, opt[0] == 'l' ? MOUNTD_OVL_LOWER : MOUNTD_OVL_DATA, NULL, v);
		} else if ((strcmp(opt, "upperdir") == 0 || strcmp(opt, "workdir") == 0) && v &&
			   *v) {
			ovl_unescape(v);
			e = ovl_add(o, opt[0] == 'u' ? MOUNTD_OVL_UPPER : MOUNTD_OVL_WORK, NULL, v);
		} else {
			for (i = 0; i < sizeof(ovl_passed) / sizeof(ovl_passed[0]); i++)
				if (strcmp(opt, ovl_passed[i]) == 0)
					break;
			if (i == sizeof(ovl_passed) / sizeof(ovl_passed[0]))
				return -EINVAL;
			if ((strcmp(opt, "index") == 0 || strcmp(opt, "nfs_export") == 0) && v &&
			    strcmp(v, "off") != 0)
				return -EPERM;
			e = ovl_add(o, v ? MOUNTD_OVL_STRING : MOUNTD_OVL_FLAG, opt, v);
		}
		if (e < 0)
			return e;
	}
	/* after the caller's options, so none of them can turn these off again */
	if ((e = ovl_add(o, MOUNTD_OVL_FLAG, "userxattr", NULL)) < 0 ||
	    (e = ovl_add(o, MOUNTD_OVL_STRING, "index", "off")) < 0 ||
	    (e = ovl_add(o, MOUNTD_OVL_STRING, "nfs_export", "off")) < 0)
		return e;
	return 0;
}

/* Next space-separated field of a mountinfo line. */
static const char *field(const char *p, const char *end, const char **fend)
{
	while (p < end && *p == ' ')
		p++;
	*fend = p;
	while (*fend < end && **fend != ' ')
		(*fend)++;
	return p;
}

/* A mountinfo path field, its \ooo escapes undone, into buf (NUL-terminated; 0 if too long). */
static int unescape_field(const char *f, const char *fe, char *buf, size_t len)
{
	size_t n = 0;

	while (f < fe) {
		char c = *f++;

		if (c == '\\' && fe - f >= 3) {
			c = (char)(((f[0] - '0') << 6) | ((f[1] - '0') << 3) | (f[2] - '0'));
			f += 3;
		}
		if (n + 1 >= len)
			return 0;
		buf[n++] = c;
	}
	buf[n] = '\0';
	return 1;
}

int mountd_lxproc_line(const char *line, size_t len)
{
	const char *end = line + len, *f, *fe;

	/* "... - fstype source options": the optional fields end at a lone "-" */
	for (f = field(line, end, &fe); f < end; f = field(fe, end, &fe))
		if (fe - f == 1 && *f == '-')
			break;
	if (f >= end)
		return 0;
	f = field(fe, end, &fe);
	if (!((fe - f == 4 && !memcmp(f, "fuse", 4)) || (fe - f > 5 && !memcmp(f, "fuse.", 5))))
		return 0;
	f = field(fe, end, &fe);
	return fe - f == 6 && !memcmp(f, "lxproc", 6);
}

int mountd_boot_below(const struct mountd_zone *z, const char *mountinfo, size_t len, uint64_t id,
		      const char *path)
{
	const char *p = mountinfo, *end = mountinfo + len;
	size_t plen = strlen(path);
	char mp[4096];

	while (plen > 1 && path[plen - 1] == '/')
		plen--;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *f, *fe;
		unsigned long long child, parent;

		f = field(p, le, &fe);
		child = strtoull(f, NULL, 10);
		f = field(fe, le, &fe);
		parent = strtoull(f, NULL, 10);
		f = field(fe, le, &fe); /* major:minor */
		f = field(fe, le, &fe); /* root */
		f = field(fe, le, &fe); /* mount point */
		if (parent != id || child == id ||
		    (!mountd_is_boot(z, child) && !mountd_lxproc_line(p, (size_t)(le - p))) ||
		    !unescape_field(f, fe, mp, sizeof(mp))) {
			p = le + 1;
			continue;
		}
		p = le + 1;
		if (plen == 1 ||
		    (!strncmp(mp, path, plen) && (mp[plen] == '\0' || mp[plen] == '/')))
			return 1;
	}
	return 0;
}

int mountd_mountinfo_parse(const char *text, size_t len, struct mountd_mnt *out, size_t max)
{
	const char *p = text, *end = text + len;
	size_t n = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *fe, *f;
		char num[32];
		unsigned maj, min;
		unsigned long long id;

		if (le == p) {
			p = le + 1;
			continue;
		}
		f = field(p, le, &fe); /* mount id */
		if (fe == f || (size_t)(fe - f) >= sizeof(num))
			return -1;
		memcpy(num, f, (size_t)(fe - f));
		num[fe - f] = '\0';
		id = strtoull(num, NULL, 10);
		f = field(fe, le, &fe); /* parent id */
		f = field(fe, le, &fe); /* major:minor */
		if (fe == f || (size_t)(fe - f) >= sizeof(num))
			return -1;
		memcpy(num, f, (size_t)(fe - f));
		num[fe - f] = '\0';
		if (sscanf(num, "%u:%u", &maj, &min) != 2)
			return -1;
		f = field(fe, le, &fe); /* root */
		f = field(fe, le, &fe); /* mount point */
		f = field(fe, le, &fe); /* per-mount options */
		if (fe == f)
			return -1;
		if (n < max) {
			out[n].id = id;
			out[n].dev = (unsigned long)makedev(maj, min);
			out[n].ro = (fe - f == 2 || f[2] == ',') && memcmp(f, "ro", 2) == 0;
		}
		n++;
		p = nl ? nl + 1 : end;
	}
	/* a record that misses a boot mount would let the zone unmount it */
	return n <= max ? (int)n : -1;
}

int mountd_boot_format(const struct mountd_mnt *m, size_t n, char *buf, size_t len)
{
	size_t at = 0;

	for (size_t i = 0; i < n; i++) {
		int w =
		    snprintf(buf + at, len - at, "%llu %u:%u %s\n", (unsigned long long)m[i].id,
			     major((dev_t)m[i].dev), minor((dev_t)m[i].dev), m[i].ro ? "ro" : "rw");
		if (w < 0 || (size_t)w >= len - at)
			return -1;
		at += (size_t)w;
	}
	return (int)at;
}

int mountd_boot_parse(const char *text, size_t len, struct mountd_zone *z)
{
	const char *p = text, *end = text + len;

	z->nboot = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		char line[96], rw[4];
		unsigned long long id;
		unsigned maj, min;
		size_t l = (size_t)((nl ? nl : end) - p);

		if (l >= sizeof(line))
			return -1;
		memcpy(line, p, l);
		line[l] = '\0';
		p = nl ? nl + 1 : end;
		if (l == 0)
			continue;
		if (sscanf(line, "%llu %u:%u %3s", &id, &maj, &min, rw) != 4 ||
		    (strcmp(rw, "ro") && strcmp(rw, "rw")) || z->nboot >= MOUNTD_MAX_BOOT)
			return -1;
		z->boot[z->nboot].id = id;
		z->boot[z->nboot].dev = (unsigned long)makedev(maj, min);
		z->boot[z->nboot].ro = strcmp(rw, "ro") == 0;
		z->nboot++;
	}
	z->boot_known = 1;
	return 0;
}
