/* What the files of the mount service (zone/mountd*.c) share; nothing else includes it. */
#ifndef LXZONE_ZONE_MOUNTD_INT_H
#define LXZONE_ZONE_MOUNTD_INT_H

#include "zone/mountd.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/readfile.h"

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif
#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT 0x00002000
#endif
#ifndef UMOUNT_NOFOLLOW
#define UMOUNT_NOFOLLOW 0x8
#endif

#define STR_MAX 4096 /* PATH_MAX, and the page of data mount(2) copies */

/* One request: the caller's descriptors and what was read from it */
struct req_ctx {
	int root, cwd, ns_mnt, ns_net, ns_ipc, ns_pid, ns_user, status;
	int tgt_fd, src_fd; /* a path given as the caller's own descriptor (caller_fd_path) */
	char src[STR_MAX], tgt[STR_MAX], type[STR_MAX], data[STR_MAX];
	struct mountd_req r;
	uint64_t cap_eff;	/* the caller's effective capabilities */
	int userns;		/* the caller is in another user namespace than the service */
	char known_fs[16384];	/* /proc/filesystems, read for each request */
	char status_text[8192]; /* /proc/<tid>/status */
};

/* mountd.c */
ssize_t mountd_read_caller(pid_t pid, uint64_t addr, char *buf, size_t len);
int mountd_read_string(pid_t pid, uint64_t addr, char *buf, size_t len);

/* mountd_api.c: the new mount API's requests.  serve answers one (after mountd.c's steps 1-2):
 * -errno, 0, or MOUNTD_ANSWERED when it already answered (a descriptor installed with
 * SECCOMP_ADDFD_FLAG_SEND).  pollfds: the read ends of the placeholders of the contexts the
 * service holds, to poll for a hang-up (events 0); hangup: one hung up, its context goes. */
#define MOUNTD_ANSWERED 1
int mountd_api_nr(long nr);
int mountd_api_serve(int listener, const struct seccomp_notif *n, const struct mountd_zone *z,
		     struct req_ctx *c);
int mountd_api_pollfds(struct pollfd *p, int max);
void mountd_api_hangup(int rd);

/* mountd_fs.c: the helper's mounts; each returns 0 or an errno */
void mountd_mount_facts(int fd, int mi, struct mountd_facts *f);
int mountd_private_node(const char *path, unsigned long rdev);
/* A block source at path, in the caller's root and cwd the helper entered: its stat into *s,
 * and (abs, sz) its absolute path there, for mountd_private_node: 0 or -ENAMETOOLONG. */
void mountd_src_stat(const char *path, struct mountd_src *s);
int mountd_src_abs(const char *path, char *abs, size_t sz);
int mountd_mount_proc(const struct req_ctx *c, int tfd, unsigned long flags);
int mountd_mount_sysfs(const struct req_ctx *c, int tfd, unsigned long flags);
int mountd_bind_facts(int sfd, int self_fd, int mi, const struct mountd_zone *z,
		      struct mountd_facts *f);
int mountd_adopt_caps(uint64_t eff);
int mountd_ovl_layer(const char *path, int self_fd, unsigned long *mflags);
int mountd_mount_overlay(const struct req_ctx *c, const struct mountd_op *op,
			 struct mountd_facts *f, int tfd, int self_fd);

#endif
