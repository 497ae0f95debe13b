/*
 * The brand's dispatch: system call number -> handler, for the rows emul/systable.c marks
 * LX_SYS_EMUL.  A trapped call with no handler here is answered as unsupported (ENOSYS and a
 * record), so a table row can never crash the brand; test_brand checks both agree.
 */
#include "emul/lx_abi.h"
#include "emul/systable.h"
#include "syscalls/handlers.h"

const lx_handler_fn lx_handlers[LX_NSYSCALLS] = {
    [LX_SYS_rt_sigaction] = lx_sys_rt_sigaction,
    [LX_SYS_rt_sigprocmask] = lx_sys_rt_sigprocmask,
    [LX_SYS_sigaltstack] = lx_sys_sigaltstack,
    [LX_SYS_rt_sigpending] = lx_sys_rt_sigpending,
    [LX_SYS_signalfd] = lx_sys_signalfd,
    [LX_SYS_signalfd4] = lx_sys_signalfd4,
    [LX_SYS_execve] = lx_sys_execve,
    [LX_SYS_execveat] = lx_sys_execveat,
    [LX_SYS_clone] = lx_sys_clone,
    [LX_SYS_clone3] = lx_sys_clone3,
    [LX_SYS_exit] = lx_sys_exit,
    [LX_SYS_uname] = lx_sys_uname,
    [LX_SYS_readlink] = lx_sys_readlink,
    [LX_SYS_readlinkat] = lx_sys_readlinkat,
    /* lxproc's calls: trapped only in zones with a zone page (lx_sys_is_lxproc) */
    [LX_SYS_open] = lx_sys_open,
    [LX_SYS_openat] = lx_sys_openat,
    [437] = lx_sys_openat2,
    [8] = lx_sys_lseek,
    [LX_SYS_pread64] = lx_sys_pread64,
    [295] = lx_sys_preadv,
    [327] = lx_sys_preadv2,
    [LX_SYS_fstat] = lx_sys_fstat,
    [LX_SYS_newfstatat] = lx_sys_newfstatat,
    [332] = lx_sys_statx,
    [LX_SYS_mmap] = lx_sys_mmap,
    [99] = lx_sys_sysinfo,
    [204] = lx_sys_sched_getaffinity,
    /* hardened profile: epoll over ppoll (syscalls/lx_epoll.c) */
    [213] = lx_sys_epoll_create,
    [291] = lx_sys_epoll_create1,
    [233] = lx_sys_epoll_ctl,
    [232] = lx_sys_epoll_wait,
    [281] = lx_sys_epoll_pwait,
    [441] = lx_sys_epoll_pwait2,
    /* hardened profile: futex PI and requeue (syscalls/lx_futex.c) */
    [202] = lx_sys_futex,
    /* hardened profile: inotify by polling (syscalls/lx_inotify.c) */
    [253] = lx_sys_inotify_init,
    [294] = lx_sys_inotify_init1,
    [254] = lx_sys_inotify_add_watch,
    [255] = lx_sys_inotify_rm_watch,
};
