/*
 * lxprocfs: the zone's lxproc files served by the kernel.
 *
 * THEORY
 *
 * lxproc's files (proc/lxproc_table.c: /proc/meminfo, cpuinfo, stat, uptime, loadavg, swaps,
 * diskstats, version, sys/kernel/osrelease, /sys/devices/system/cpu/online, possible,
 * present) used to be served by the brand: every open and openat of a capped zone trapped so
 * that the brand could catch those paths, and a static-file server, which opens a file per
 * request, ran at about half its native speed.  Now the kernel serves them: a small FUSE file
 * system whose server runs outside the zone, in the zone's supervisor's namespaces (lxzone's
 * per-zone supervisor, or lxrun's waiting parent), and whose files the launch plan binds over
 * the zone's own (LOP_LXPROC_FILES, zone/launch/launch_plan.c) before the zone's mounts are locked
 * by its user namespace.  Opens are never trapped; the brand keeps only what is not a file
 * (sysinfo, and sched_getaffinity where the zone's cpuset is not the answer).
 *
 * What a file says is the same lxproc code the brand runs: the page's fields go through
 * lxproc_view_from_page (proc/lxzonepage.h), the host's text is read live from the server's
 * (the host's) /proc, and the row's generator writes the text.  Freshness is seq_file's: the
 * text is made when a descriptor reads at offset 0 (its first read, and every re-read after a
 * rewind: procps's lseek(fd, 0) or pread at 0) and kept for that descriptor's later reads, so
 * one pass over a file is one consistent text.  The page behind it is the supervisor's
 * sample: memory and CPU time once a second, tasks and load every 5 s; the last pid of
 * loadavg and stat's "processes" are lifted to the reader's own pid in its namespace (the
 * kernel's ns_last_pid answers only for the reader's own namespace, and the server is
 * outside it).
 *
 * Why FUSE, and why this shape.  Files a supervisor rewrites (lxcfs-like, but on a tmpfs)
 * would be at best a second old and torn for a reader that reads while the writer writes;
 * FUSE makes the text per read.  The files are opened with FOPEN_DIRECT_IO, so nothing is
 * cached in the page cache and every read reaches the server; stat shows size 0 like procfs
 * (4096 for sysfs), mode 0444, owner root.  Writes: a sysfs or sysctl file refuses an open for
 * writing (EACCES), any other /proc file opens (root, as on Linux) and write fails with EIO.
 * The kernel checks the mode bits (default_permissions); allow_other lets the zone's users
 * (other uids) in.  The server is one single-threaded process: a request is a few
 * microseconds of text generation, and an open holds no lock a slow reader could keep.
 *
 * What this buys beyond speed: the files are right whatever path, flags or descriptor trick
 * reaches them (openat2, O_PATH + /proc/self/fd, dirfd-relative, chdir /proc) and for a guest
 * that jumps to the brand's gate: the kernel resolves the path to the bind mount.  In a zone
 * with its own user namespace the binds are locked: they cannot be unmounted, a non-recursive
 * bind or open_tree of /proc is refused (EINVAL: locked children), and a fresh procfs mount is
 * refused (EPERM: the existing one is not fully visible).
 *
 * Not here: /proc/<pid> (the kernel's, the zone's own pid namespace), the CPU directories
 * (the plan's tmpfs, zone/launch/launch_plan.c), /proc/sys/kernel/ostype (always "Linux").
 */
#ifndef LXZONE_ZONE_LXPROCFS_H
#define LXZONE_ZONE_LXPROCFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"

struct lxprocfs {
	int fd;	   /* /dev/fuse, close-on-exec; -1: none */
	pid_t pid; /* the server, forked by lxprocfs_start; 0: none */
	int pidfd; /* the server's, taken at the fork: its pid may be reaped and reused */
	/* a pipe: one byte on wake (close-on-exec) once the file system is mounted, so the
	 * server reads its first request at once instead of at its next 10 ms look */
	int wake, wake_rd;
};

/* Files a zone binds: at most this many rows of lxproc_files. */
#define LXPROCFS_MAXFILES 16

struct lxprocfs_bind {
	char name[12];	  /* in the file system's root: the row's index */
	const char *zone; /* the zone path it is bound over (a row's path) */
};

/* fs->fd = -1, fs->pid = 0, fs->pidfd = fs->wake = fs->wake_rd = -1. */
void lxprocfs_init(struct lxprocfs *fs);

/* Opens /dev/fuse and the wake pipe (close-on-exec).  0, or -1 with err: no FUSE, and the
 * caller falls back to the brand's traps. */
int lxprocfs_open(struct lxprocfs *fs, struct zone_error *err);

/*
 * The rows of lxproc_files a zone with kernel-version kver (NULL or "": the host's) binds, into
 * out[0 .. LXPROCFS_MAXFILES); returns how many.  version and osrelease only with a kver (the
 * kernel's own are right without one), never ostype.
 */
size_t lxprocfs_binds(const char *kver, struct lxprocfs_bind *out);

struct launch_opts;
struct launch_lxproc_file;

/*
 * Points a launch plan's options at the kernel's lxproc files on fs (opened by lxprocfs_open;
 * a dry run's fd is -1): the rows a zone with opts->kernel_version binds, into binds and files
 * (LXPROCFS_MAXFILES each, the caller's while opts is used), lxproc_fuse_fd, lxproc_wake_fd
 * and lxproc_kernel.  Shared by a zone's boot, lxrun --root and lxzone-oci create.
 */
void lxprocfs_plan_opts(struct lxprocfs *fs, struct lxprocfs_bind *binds,
			struct launch_lxproc_file *files, struct launch_opts *opts);

/*
 * Forks the server on fs->fd for the zone page at page_path (host path; the supervisor
 * writes it) and kernel-version kver.  FUSE gives each request the reader's pid in the pid
 * namespace of the process that mounted the file system: zone_pids says that is the zone's
 * (the plan ran in it: a zone without a user namespace, lxrun --root), else it is the
 * host's and the server looks the reader's own pid up (NSpid).  The server waits for the plan's
 * mount (a byte on fs->wake, or its 10 ms looks), answers until the file system goes away with the
 * zone's last mount (or its parent dies), then exits. 0, or -1 with err.
 */
int lxprocfs_start(struct lxprocfs *fs, const char *page_path, const char *kver, int zone_pids,
		   struct zone_error *err);

/* Ends the server (SIGKILL to the pid we forked, and waits for it) and closes fs->fd.  Safe
 * to call more than once. */
void lxprocfs_stop(struct lxprocfs *fs);

/* ---- The server's request handling, for its unit tests. ---- */

struct lxprocfs_srv;

/* A server for page_path (NULL: no page yet, then every read fails with EIO) reading the
 * host's text under proc_root ("/proc"; tests: a fixture tree).  NULL on ENOMEM. */
struct lxprocfs_srv *lxprocfs_srv_new(const char *page_path, const char *kver,
				      const char *proc_root);
void lxprocfs_srv_free(struct lxprocfs_srv *s);

/* One request (a FUSE message as read from /dev/fuse) into its reply in out[0 .. cap):
 * returns the reply's length, 0 when the request takes no reply. */
size_t lxprocfs_srv_handle(struct lxprocfs_srv *s, const void *req, size_t len, void *out,
			   size_t cap);

#endif
