/* Every emulated system call's handler, by family (one file each in syscalls/). */
#ifndef LXZONE_HANDLERS_H
#define LXZONE_HANDLERS_H

#include "emul/signal.h"

long lx_sys_rt_sigaction(struct lx_sysctx *c);
long lx_sys_rt_sigprocmask(struct lx_sysctx *c);
long lx_sys_sigaltstack(struct lx_sysctx *c);
long lx_sys_rt_sigpending(struct lx_sysctx *c);
long lx_sys_signalfd(struct lx_sysctx *c);
long lx_sys_signalfd4(struct lx_sysctx *c);
long lx_sys_execve(struct lx_sysctx *c);
long lx_sys_execveat(struct lx_sysctx *c);
long lx_sys_clone(struct lx_sysctx *c);
long lx_sys_clone3(struct lx_sysctx *c);
long lx_sys_exit(struct lx_sysctx *c);
long lx_sys_uname(struct lx_sysctx *c);
long lx_sys_readlink(struct lx_sysctx *c);
long lx_sys_readlinkat(struct lx_sysctx *c);
long lx_sys_open(struct lx_sysctx *c);
long lx_sys_openat(struct lx_sysctx *c);
long lx_sys_openat2(struct lx_sysctx *c);
long lx_sys_lseek(struct lx_sysctx *c);
long lx_sys_pread64(struct lx_sysctx *c);
long lx_sys_preadv(struct lx_sysctx *c);
long lx_sys_preadv2(struct lx_sysctx *c);
long lx_sys_fstat(struct lx_sysctx *c);
long lx_sys_newfstatat(struct lx_sysctx *c);
long lx_sys_statx(struct lx_sysctx *c);
long lx_sys_mmap(struct lx_sysctx *c);
/* The path a synthesized file's memfd link (n bytes, "/memfd:lxproc:<path> (deleted)") stands
 * for: its length, with *path pointing into link; -1 for any other link (syscalls/lx_proc.c). */
long lx_proc_memfd_path(const char *link, size_t n, const char **path);
long lx_sys_sysinfo(struct lx_sysctx *c);
long lx_sys_sched_getaffinity(struct lx_sysctx *c);
/* epoll over ppoll, hardened profile (syscalls/lx_epoll.c) */
long lx_sys_epoll_create(struct lx_sysctx *c);
long lx_sys_epoll_create1(struct lx_sysctx *c);
long lx_sys_epoll_ctl(struct lx_sysctx *c);
long lx_sys_epoll_wait(struct lx_sysctx *c);
long lx_sys_epoll_pwait(struct lx_sysctx *c);
long lx_sys_epoll_pwait2(struct lx_sysctx *c);
/* futex PI and requeue over WAIT/WAKE, hardened profile (syscalls/lx_futex.c) */
long lx_sys_futex(struct lx_sysctx *c);
/* inotify by polling snapshots, hardened profile (syscalls/lx_inotify.c) */
long lx_sys_inotify_init(struct lx_sysctx *c);
long lx_sys_inotify_init1(struct lx_sysctx *c);
long lx_sys_inotify_add_watch(struct lx_sysctx *c);
long lx_sys_inotify_rm_watch(struct lx_sysctx *c);
long lx_unsupported(struct lx_sysctx *c);

#endif
