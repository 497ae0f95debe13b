/*
 * The brand's seccomp filter: built from the syscall table (emul/systable.def) with libseccomp,
 * then rewritten so that every trap goes through the gate check (filter/filter.c).
 * Host side only (libc, libseccomp): lxrun builds and installs it before exec'ing the brand.
 */
#ifndef LXZONE_FILTER_H
#define LXZONE_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include <linux/filter.h>

#include "lib/error.h"

struct lx_filter_opts {
	int hardened; /* use the table's hardened profile (cls_hardened) */
	int lxproc;   /* the zone has a zone page: trap the table's CAPS rows (lxproc's calls) */
	/* lxproc is on for the kernel-version's files alone (/proc/version, osrelease), with no
	 * zone page: sysinfo and sched_getaffinity, whose answers only a zone page changes, pass
	 * to the kernel (and the gate does not refuse sysinfo, which the brand then asks the
	 * kernel for) */
	int lxproc_version_only;
	/* the kernel serves lxproc's files (zone/lxprocfs.h): of lxproc's calls only the ones
	 * that are no file (sysinfo, sched_getaffinity) trap, and opens never do */
	int lxproc_kernel_files;
	/* the zone's CPUs are host CPUs 0..n-1 (its cpuset, uncut by a quota): the kernel's
	 * sched_getaffinity is lxproc's answer, so it is not trapped */
	int affinity_native;
	/* zones only: the table's MOUNTD rows (mount, umount2) go to the zone's mount service as
	 * seccomp user notifications (zone/mountd.h) instead of failing with EPERM */
	int mount_notify;
	/* hardened: keep the host's eventpoll from the brand too (its epoll then waits over
	 * ppoll only); without it the brand may use one host epoll instance per process and
	 * instance on its reserved descriptors (syscalls/lx_epoll_host.c, lx_filter_eph_nr) */
	int epoll_ppoll;
	/* with mount_notify: the zone has a user namespace of its own (its root is an
	 * unprivileged host uid range).  mount(2) with both MS_REMOUNT and MS_BIND (a change of
	 * one mount's flags, nothing else) passes to the kernel, which enforces the boot mounts'
	 * locked flags there (docs/security.md, "Flag-only remounts"), and so do the table's
	 * USERNS rows in the default profile: calls whose every check the kernel makes against
	 * the caller's user namespace (docs/security.md, "Calls the kernel confines to a user
	 * namespace") */
	int userns;
	/* the zone's kernel-version as LX_KV (lx_sys_kv_parse), 0: the host's.  Calls the table
	 * says are newer answer ENOSYS in the kernel, as that kernel would, except from the gate
	 * (the brand's own calls); refused and unsupported ones answer ENOSYS from anywhere. */
	unsigned kernel;
	/* the zone's processes name their program as their exe (a zone with a user namespace,
	 * where the brand can exec LX_ZONE_BRAND again; kernel-shim/start.c): the table's EXE rows
	 * flip, readlink passes and the calls that can drop CAP_SYS_ADMIN trap (emul/exefilter.h)
	 */
	int exe_kernel;
};

/*
 * Placeholders libseccomp emits before the post-pass (SCMP_ACT_TRACE data).  None survives in
 * a built filter; exported for the tests.
 */
#define LX_FILTER_MARK_GATED 0x1a70 /* trap unless the call comes from the gate */
#define LX_FILTER_MARK_PLAIN 0x1a71 /* trap always (unknown / unsupported calls) */
#define LX_FILTER_MARK_NEWER 0x1a72 /* ENOSYS unless from the gate (kernel-version gating) */
/* hardened profile: trap, but refuse (EPERM) from the gate: the host subsystems the profile
 * keeps out of reach (epoll, futex PI/requeue, inotify), which the brand never calls itself;
 * a guest that jumps to the gate must not reach them either */
#define LX_FILTER_MARK_HARD 0x1a73

/*
 * The post-pass, exposed for its tests: rewrites the placeholders in prog[0..len) and appends
 * the gate checks at prog[len] (up to three of 7 instructions: one trapping outside the gate,
 * one answering ENOSYS for MARK_NEWER, one refusing MARK_HARD from the gate), which must have
 * room for LX_FILTER_GATE_BLOCK_LEN more instructions.  Returns the new length, or -1 with a
 * message in err (a stray TRACE return, a `ret A`, no gated trap at all, or a program too long
 * for the kernel).
 */
#define LX_FILTER_GATE_BLOCK_LEN 21
long lx_filter_gate_pass(struct sock_filter *prog, size_t len, struct zone_error *err);

/*
 * Builds the filter.  On success returns 0 and out->filter is malloc'ed (the caller frees it);
 * on failure returns -1 with a message in err.
 */
int lx_filter_build(const struct lx_filter_opts *o, struct sock_fprog *out, struct zone_error *err);

/*
 * Installs prog on the calling thread.  Sets PR_SET_NO_NEW_PRIVS first unless the caller has
 * CAP_SYS_ADMIN (which lets it install a filter without).  0, or -1 with a message in err.
 */
int lx_filter_install(const struct sock_fprog *prog, struct zone_error *err);

/*
 * The same, with SECCOMP_FILTER_FLAG_NEW_LISTENER (and WAIT_KILLABLE_RECV where the kernel has
 * it, so a mount in progress is not restarted by a signal): *listener is the notification fd,
 * for the zone's mount service.  Uses only the raw seccomp and prctl calls, so it can run
 * after another brand filter is in.  0, or -1 with a message in err.
 */
int lx_filter_install_listener(const struct sock_fprog *prog, int *listener,
			       struct zone_error *err);

/*
 * The filter cache (filter/cache.c): a zone's supervisor builds the filter once
 * per boot and writes it into the zone directory; `lxzone exec` reads it back instead of
 * building it again.
 *
 * lx_filter_key: a hash of everything lx_filter_build(o) depends on.
 * lx_filter_verify: runs prog in the BPF simulator and checks, for every syscall number but
 *   clone, the action from an ordinary address, from the gate and from the vsyscall page
 *   against the table, and that i386 and x32 calls are killed.  0, or -1 with a message.
 * lx_filter_cache_write: writes prog, built with o, as dirfd/name (mode 0600, atomically).
 * lx_filter_cache_read: reads dirfd/name back into out (malloc'ed) only if dirfd is a
 *   directory of ours that nobody else may write, and name a regular file of ours, mode
 *   0600, with the key of o, an intact checksum, and passes lx_bpf_check and
 *   lx_filter_verify; else -1 with the reason in err, and the caller builds the filter.
 */
uint64_t lx_filter_key(const struct lx_filter_opts *o);
int lx_filter_verify(const struct lx_filter_opts *o, const struct sock_fprog *prog,
		     struct zone_error *err);
int lx_filter_cache_write(int dirfd, const char *name, const struct lx_filter_opts *o,
			  const struct sock_fprog *prog, struct zone_error *err);
int lx_filter_cache_read(int dirfd, const char *name, const struct lx_filter_opts *o,
			 struct sock_fprog *out, struct zone_error *err);

#endif
