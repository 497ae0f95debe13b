/*
 * The x86_64 system call table: for every number 0 .. LX_NSYSCALLS-1, its name and what the
 * brand does with it (emul/systable.h).
 *
 * Why a table and not a switch: the seccomp filter (kernel-shim/filter.c), docs/syscalls.md
 * (docs/gen_syscalls.c), `--report-unsupported` and the brand's dispatch all read this one
 * array, so they cannot disagree.  tests/unit/test_systable.c checks the names against the
 * host's <asm/unistd_64.h> and the invariants of each class.
 *
 * How calls are classed (default profile):
 *  - PASS: straight to the host kernel, decided by number only, so the kernel's per-syscall
 *    action cache makes it cost nothing.
 *  - EMUL: the brand must see the call (exec re-entry, threads, SIGSYS ownership, uname).
 *    clone is EMUL with one argument rule: only threads (CLONE_VM without CLONE_VFORK) trap;
 *    clone3, whose flags the filter cannot see, always traps.
 *  - REFUSE: the security policy, enforced in the kernel (ERRNO), never trapped: calls that
 *    reach host-wide state (kernel, clock, swap, modules, keyring) or that let a process leave
 *    or see past the zone (mounts, setns, open_by_handle_at).  runc's default seccomp profile
 *    was the reference.  Calls that libraries probe and then fall back from (io_uring,
 *    statmount/listmount, the new mount API) answer ENOSYS rather than EPERM so that the
 *    fallback happens.  setns has one argument rule: nstype CLONE_NEWTIME passes
 *    (kernel-shim/filter.c).  In zones, mount and umount2 are the exception: the filter sends
 *    them to the zone's mount service as user notifications (lx_sys_is_mountd).
 *  - UNSUP: trapped; the brand answers ENOSYS and records the call, with a reason.
 *  - NONE: numbers x86_64 never assigned (335 .. 423 were left for other architectures'
 *    numbering to catch up); the filter traps them like any unknown number.
 *
 * Pure data: no libc, because the freestanding brand links this file too (errno values come
 * from emul/lx_errno.h, not <errno.h>).
 */
#include "emul/systable.h"
#include "emul/lx_errno.h"

/* The hardened profile starts as the default one; later issues narrow it. */
/* clang-format off */
#define PASS(n)                 {#n, LX_SYS_PASS, LX_SYS_PASS, LX_WHY_NONE, 0, 0}
#define EMUL(n, note)           {#n, LX_SYS_EMUL, LX_SYS_EMUL, LX_WHY_NONE, 0, note}
#define REFUSE(n, e, why, note) {#n, LX_SYS_REFUSE, LX_SYS_REFUSE, why, e, note}
#define UNSUP(n, why, note)     {#n, LX_SYS_UNSUP, LX_SYS_UNSUP, why, 0, note}
/* clang-format on */

const struct lx_sysent lx_systable[LX_NSYSCALLS] = {
    [0] = PASS(read),
    [1] = PASS(write),
    [2] = PASS(open),
    [3] = PASS(close),
    [4] = PASS(stat),
    [5] = PASS(fstat),
    [6] = PASS(lstat),
    [7] = PASS(poll),
    [8] = PASS(lseek),
    [9] = PASS(mmap),
    [10] = PASS(mprotect),
    [11] = PASS(munmap),
    [12] = PASS(brk),
    [13] = EMUL(rt_sigaction, "The guest's SIGSYS handler is virtualized; other handlers are "
			      "registered so that signals land in the brand first."),
    [14] = EMUL(rt_sigprocmask,
		"The guest may not block the real SIGSYS; its SIGSYS mask bit is virtualized."),
    [15] = PASS(rt_sigreturn),
    [16] = PASS(ioctl),
    [17] = PASS(pread64),
    [18] = PASS(pwrite64),
    [19] = PASS(readv),
    [20] = PASS(writev),
    [21] = PASS(access),
    [22] = PASS(pipe),
    [23] = PASS(select),
    [24] = PASS(sched_yield),
    [25] = PASS(mremap),
    [26] = PASS(msync),
    [27] = PASS(mincore),
    [28] = PASS(madvise),
    [29] = PASS(shmget),
    [30] = PASS(shmat),
    [31] = PASS(shmctl),
    [32] = PASS(dup),
    [33] = PASS(dup2),
    [34] = PASS(pause),
    [35] = PASS(nanosleep),
    [36] = PASS(getitimer),
    [37] = PASS(alarm),
    [38] = PASS(setitimer),
    [39] = PASS(getpid),
    [40] = PASS(sendfile),
    [41] = PASS(socket),
    [42] = PASS(connect),
    [43] = PASS(accept),
    [44] = PASS(sendto),
    [45] = PASS(recvfrom),
    [46] = PASS(sendmsg),
    [47] = PASS(recvmsg),
    [48] = PASS(shutdown),
    [49] = PASS(bind),
    [50] = PASS(listen),
    [51] = PASS(getsockname),
    [52] = PASS(getpeername),
    [53] = PASS(socketpair),
    [54] = PASS(setsockopt),
    [55] = PASS(getsockopt),
    [56] = EMUL(clone, "Threads (CLONE_VM without CLONE_VFORK) start on their own emulation "
		       "stack through the brand's trampoline; fork- and vfork-style clones pass "
		       "through."),
    [57] = PASS(fork),
    [58] = PASS(vfork),
    [59] = EMUL(execve, "Re-executes the brand image, which loads the guest program; the kernel "
			"sees the guest's argv."),
    [60] = EMUL(
	exit,
	"Trapped so the brand can release the thread's emulation stack before the thread ends."),
    [61] = PASS(wait4),
    [62] = PASS(kill),
    [63] = EMUL(
	uname,
	"release and version from the zone's kernel-version; nodename from the uts namespace."),
    [64] = PASS(semget),
    [65] = PASS(semop),
    [66] = PASS(semctl),
    [67] = PASS(shmdt),
    [68] = PASS(msgget),
    [69] = PASS(msgsnd),
    [70] = PASS(msgrcv),
    [71] = PASS(msgctl),
    [72] = PASS(fcntl),
    [73] = PASS(flock),
    [74] = PASS(fsync),
    [75] = PASS(fdatasync),
    [76] = PASS(truncate),
    [77] = PASS(ftruncate),
    [78] = PASS(getdents),
    [79] = PASS(getcwd),
    [80] = PASS(chdir),
    [81] = PASS(fchdir),
    [82] = PASS(rename),
    [83] = PASS(mkdir),
    [84] = PASS(rmdir),
    [85] = PASS(creat),
    [86] = PASS(link),
    [87] = PASS(unlink),
    [88] = PASS(symlink),
    [89] = EMUL(readlink, "/proc/<pid>/exe resolves to the guest program, never the brand image."),
    [90] = PASS(chmod),
    [91] = PASS(fchmod),
    [92] = PASS(chown),
    [93] = PASS(fchown),
    [94] = PASS(lchown),
    [95] = PASS(umask),
    [96] = PASS(gettimeofday),
    [97] = PASS(getrlimit),
    [98] = PASS(getrusage),
    [99] = PASS(sysinfo),
    [100] = PASS(times),
    [101] = PASS(ptrace),
    [102] = PASS(getuid),
    [103] = REFUSE(syslog, LX_EPERM, LX_WHY_SECURITY, "The kernel log is the host's."),
    [104] = PASS(getgid),
    [105] = PASS(setuid),
    [106] = PASS(setgid),
    [107] = PASS(geteuid),
    [108] = PASS(getegid),
    [109] = PASS(setpgid),
    [110] = PASS(getppid),
    [111] = PASS(getpgrp),
    [112] = PASS(setsid),
    [113] = PASS(setreuid),
    [114] = PASS(setregid),
    [115] = PASS(getgroups),
    [116] = PASS(setgroups),
    [117] = PASS(setresuid),
    [118] = PASS(getresuid),
    [119] = PASS(setresgid),
    [120] = PASS(getresgid),
    [121] = PASS(getpgid),
    [122] = PASS(setfsuid),
    [123] = PASS(setfsgid),
    [124] = PASS(getsid),
    [125] = PASS(capget),
    [126] = PASS(capset),
    [127] = EMUL(rt_sigpending, "Adds a guest-sent SIGSYS held while the guest blocks it."),
    [128] = PASS(rt_sigtimedwait),
    [129] = PASS(rt_sigqueueinfo),
    [130] = PASS(rt_sigsuspend),
    [131] = EMUL(
	sigaltstack,
	"The guest's alternate stack is recorded; the real one stays the brand's emulation stack."),
    [132] = PASS(utime),
    [133] = PASS(mknod),
    [134] = UNSUP(uselib, LX_WHY_OBSOLETE, "a.out library loading; removed from modern kernels."),
    [135] = PASS(personality),
    [136] = PASS(ustat),
    [137] = PASS(statfs),
    [138] = PASS(fstatfs),
    [139] = PASS(sysfs),
    [140] = PASS(getpriority),
    [141] = PASS(setpriority),
    [142] = PASS(sched_setparam),
    [143] = PASS(sched_getparam),
    [144] = PASS(sched_setscheduler),
    [145] = PASS(sched_getscheduler),
    [146] = PASS(sched_get_priority_max),
    [147] = PASS(sched_get_priority_min),
    [148] = PASS(sched_rr_get_interval),
    [149] = PASS(mlock),
    [150] = PASS(munlock),
    [151] = PASS(mlockall),
    [152] = PASS(munlockall),
    [153] = PASS(vhangup),
    [154] = PASS(modify_ldt),
    [155] =
	REFUSE(pivot_root, LX_EPERM, LX_WHY_SECURITY, "The zone root is fixed by the boot plan."),
    [156] = UNSUP(_sysctl, LX_WHY_OBSOLETE, "Removed in Linux 5.5; /proc/sys replaces it."),
    [157] = PASS(prctl),
    [158] = PASS(arch_prctl),
    [159] =
	REFUSE(adjtimex, LX_EPERM, LX_WHY_HOST_STATE,
	       "May adjust the host clock; the mode is behind a pointer the filter cannot read."),
    [160] = PASS(setrlimit),
    [161] = PASS(chroot),
    [162] = PASS(sync),
    [163] = REFUSE(acct, LX_EPERM, LX_WHY_HOST_STATE, "Process accounting is host-wide."),
    [164] = REFUSE(settimeofday, LX_EPERM, LX_WHY_HOST_STATE, "The system clock is the host's."),
    [165] = REFUSE(mount, LX_EPERM, LX_WHY_SECURITY,
		   "Refused without a zone. In a zone, sent to the zone's mount service "
		   "(zone/mountd.c), which allows tmpfs, proc, sysfs (read-only) and the like, "
		   "the zone's own block devices, binds inside the zone, and remounts of the "
		   "zone's own mounts; raw mounts of host filesystems stay refused."),
    [166] = REFUSE(umount2, LX_EPERM, LX_WHY_SECURITY,
		   "Refused without a zone. In a zone, sent to the zone's mount service, which "
		   "unmounts only mounts the zone made itself."),
    [167] = REFUSE(swapon, LX_EPERM, LX_WHY_HOST_STATE, "Swap is host-wide."),
    [168] = REFUSE(swapoff, LX_EPERM, LX_WHY_HOST_STATE, "Swap is host-wide."),
    [169] = REFUSE(reboot, LX_EPERM, LX_WHY_HOST_STATE,
		   "Would reboot the host when no pid namespace is in use. Passes in a zone (its "
		   "own pid namespace): it ends the zone's init, and lxzone reboots or halts the "
		   "zone (kernel-shim/filter.c)."),
    [170] = PASS(sethostname),
    [171] = PASS(setdomainname),
    [172] = REFUSE(iopl, LX_EPERM, LX_WHY_SECURITY, "Raw I/O port access."),
    [173] = REFUSE(ioperm, LX_EPERM, LX_WHY_SECURITY, "Raw I/O port access."),
    [174] = UNSUP(create_module, LX_WHY_OBSOLETE, "Removed in Linux 2.6."),
    [175] = REFUSE(init_module, LX_EPERM, LX_WHY_HOST_STATE,
		   "Kernel modules are loaded into the host kernel."),
    [176] = REFUSE(delete_module, LX_EPERM, LX_WHY_HOST_STATE,
		   "Kernel modules belong to the host kernel."),
    [177] = UNSUP(get_kernel_syms, LX_WHY_OBSOLETE, "Removed in Linux 2.6."),
    [178] = UNSUP(query_module, LX_WHY_OBSOLETE, "Removed in Linux 2.6."),
    [179] = REFUSE(quotactl, LX_EPERM, LX_WHY_HOST_STATE, "Disk quotas are host filesystem state."),
    [180] = UNSUP(nfsservctl, LX_WHY_OBSOLETE, "Removed in Linux 3.1."),
    [181] = UNSUP(getpmsg, LX_WHY_OBSOLETE, "Never implemented (STREAMS)."),
    [182] = UNSUP(putpmsg, LX_WHY_OBSOLETE, "Never implemented (STREAMS)."),
    [183] = UNSUP(afs_syscall, LX_WHY_OBSOLETE, "Never implemented."),
    [184] = UNSUP(tuxcall, LX_WHY_OBSOLETE, "Never implemented."),
    [185] = UNSUP(security, LX_WHY_OBSOLETE, "Never implemented."),
    [186] = PASS(gettid),
    [187] = PASS(readahead),
    [188] = PASS(setxattr),
    [189] = PASS(lsetxattr),
    [190] = PASS(fsetxattr),
    [191] = PASS(getxattr),
    [192] = PASS(lgetxattr),
    [193] = PASS(fgetxattr),
    [194] = PASS(listxattr),
    [195] = PASS(llistxattr),
    [196] = PASS(flistxattr),
    [197] = PASS(removexattr),
    [198] = PASS(lremovexattr),
    [199] = PASS(fremovexattr),
    [200] = PASS(tkill),
    [201] = PASS(time),
    [202] = PASS(futex),
    [203] = PASS(sched_setaffinity),
    [204] = PASS(sched_getaffinity),
    [205] = PASS(set_thread_area),
    [206] = PASS(io_setup),
    [207] = PASS(io_destroy),
    [208] = PASS(io_getevents),
    [209] = PASS(io_submit),
    [210] = PASS(io_cancel),
    [211] = PASS(get_thread_area),
    [212] = REFUSE(lookup_dcookie, LX_EPERM, LX_WHY_SECURITY,
		   "oprofile interface that names host paths; removed in Linux 6.8."),
    [213] = PASS(epoll_create),
    [214] = UNSUP(epoll_ctl_old, LX_WHY_OBSOLETE, "Never implemented on x86_64."),
    [215] = UNSUP(epoll_wait_old, LX_WHY_OBSOLETE, "Never implemented on x86_64."),
    [216] = PASS(remap_file_pages),
    [217] = PASS(getdents64),
    [218] = PASS(set_tid_address),
    [219] = PASS(restart_syscall),
    [220] = PASS(semtimedop),
    [221] = PASS(fadvise64),
    [222] = PASS(timer_create),
    [223] = PASS(timer_settime),
    [224] = PASS(timer_gettime),
    [225] = PASS(timer_getoverrun),
    [226] = PASS(timer_delete),
    [227] = REFUSE(clock_settime, LX_EPERM, LX_WHY_HOST_STATE, "The system clock is the host's."),
    [228] = PASS(clock_gettime),
    [229] = PASS(clock_getres),
    [230] = PASS(clock_nanosleep),
    [231] = PASS(exit_group),
    [232] = PASS(epoll_wait),
    [233] = PASS(epoll_ctl),
    [234] = PASS(tgkill),
    [235] = PASS(utimes),
    [236] = UNSUP(vserver, LX_WHY_OBSOLETE, "Never implemented."),
    [237] = PASS(mbind),
    [238] = PASS(set_mempolicy),
    [239] = PASS(get_mempolicy),
    [240] = PASS(mq_open),
    [241] = PASS(mq_unlink),
    [242] = PASS(mq_timedsend),
    [243] = PASS(mq_timedreceive),
    [244] = PASS(mq_notify),
    [245] = PASS(mq_getsetattr),
    [246] = REFUSE(kexec_load, LX_EPERM, LX_WHY_HOST_STATE, "Would replace the host kernel."),
    [247] = PASS(waitid),
    [248] = REFUSE(add_key, LX_EPERM, LX_WHY_SECURITY, "The kernel keyring is not namespaced."),
    [249] = REFUSE(request_key, LX_EPERM, LX_WHY_SECURITY, "The kernel keyring is not namespaced."),
    [250] = REFUSE(keyctl, LX_EPERM, LX_WHY_SECURITY, "The kernel keyring is not namespaced."),
    [251] = PASS(ioprio_set),
    [252] = PASS(ioprio_get),
    [253] = PASS(inotify_init),
    [254] = PASS(inotify_add_watch),
    [255] = PASS(inotify_rm_watch),
    [256] = PASS(migrate_pages),
    [257] = PASS(openat),
    [258] = PASS(mkdirat),
    [259] = PASS(mknodat),
    [260] = PASS(fchownat),
    [261] = PASS(futimesat),
    [262] = PASS(newfstatat),
    [263] = PASS(unlinkat),
    [264] = PASS(renameat),
    [265] = PASS(linkat),
    [266] = PASS(symlinkat),
    [267] =
	EMUL(readlinkat, "/proc/<pid>/exe resolves to the guest program, never the brand image."),
    [268] = PASS(fchmodat),
    [269] = PASS(faccessat),
    [270] = PASS(pselect6),
    [271] = PASS(ppoll),
    [272] = PASS(unshare),
    [273] = PASS(set_robust_list),
    [274] = PASS(get_robust_list),
    [275] = PASS(splice),
    [276] = PASS(tee),
    [277] = PASS(sync_file_range),
    [278] = PASS(vmsplice),
    [279] = PASS(move_pages),
    [280] = PASS(utimensat),
    [281] = PASS(epoll_pwait),
    [282] = EMUL(signalfd, "SIGSYS is removed from the real mask and virtualized."),
    [283] = PASS(timerfd_create),
    [284] = PASS(eventfd),
    [285] = PASS(fallocate),
    [286] = PASS(timerfd_settime),
    [287] = PASS(timerfd_gettime),
    [288] = PASS(accept4),
    [289] = EMUL(signalfd4, "SIGSYS is removed from the real mask and virtualized."),
    [290] = PASS(eventfd2),
    [291] = PASS(epoll_create1),
    [292] = PASS(dup3),
    [293] = PASS(pipe2),
    [294] = PASS(inotify_init1),
    [295] = PASS(preadv),
    [296] = PASS(pwritev),
    [297] = PASS(rt_tgsigqueueinfo),
    [298] = REFUSE(perf_event_open, LX_EPERM, LX_WHY_SECURITY,
		   "Exposes host-wide performance data; a frequent kernel attack surface."),
    [299] = PASS(recvmmsg),
    [300] = PASS(fanotify_init),
    [301] = PASS(fanotify_mark),
    [302] = PASS(prlimit64),
    [303] = PASS(name_to_handle_at),
    [304] = REFUSE(open_by_handle_at, LX_EPERM, LX_WHY_SECURITY,
		   "Opens files by handle, bypassing the zone root (the 'shocker' escape)."),
    [305] =
	REFUSE(clock_adjtime, LX_EPERM, LX_WHY_HOST_STATE,
	       "May adjust the host clock; the mode is behind a pointer the filter cannot read."),
    [306] = PASS(syncfs),
    [307] = PASS(sendmmsg),
    [308] = REFUSE(setns, LX_EPERM, LX_WHY_SECURITY,
		   "Joining another namespace would leave the zone; but nstype CLONE_NEWTIME "
		   "passes (the kernel checks the fd is a time namespace, which only offsets the "
		   "monotonic and boot clocks)."),
    [309] = PASS(getcpu),
    [310] = PASS(process_vm_readv),
    [311] = PASS(process_vm_writev),
    [312] = PASS(kcmp),
    [313] = REFUSE(finit_module, LX_EPERM, LX_WHY_HOST_STATE,
		   "Kernel modules are loaded into the host kernel."),
    [314] = PASS(sched_setattr),
    [315] = PASS(sched_getattr),
    [316] = PASS(renameat2),
    [317] = PASS(seccomp),
    [318] = PASS(getrandom),
    [319] = PASS(memfd_create),
    [320] = REFUSE(kexec_file_load, LX_EPERM, LX_WHY_HOST_STATE, "Would replace the host kernel."),
    [321] = REFUSE(bpf, LX_EPERM, LX_WHY_SECURITY,
		   "eBPF programs run in the host kernel and can read host state."),
    [322] = EMUL(execveat, "As execve; the target is resolved relative to the directory fd first."),
    [323] = REFUSE(userfaultfd, LX_EPERM, LX_WHY_SECURITY,
		   "Lets a process stall kernel page faults; a common exploit primitive."),
    [324] = PASS(membarrier),
    [325] = PASS(mlock2),
    [326] = PASS(copy_file_range),
    [327] = PASS(preadv2),
    [328] = PASS(pwritev2),
    [329] = PASS(pkey_mprotect),
    [330] = PASS(pkey_alloc),
    [331] = PASS(pkey_free),
    [332] = PASS(statx),
    [333] = PASS(io_pgetevents),
    [334] = PASS(rseq),
    [424] = PASS(pidfd_send_signal),
    [425] = REFUSE(io_uring_setup, LX_ENOSYS, LX_WHY_BYPASS,
		   "io_uring performs operations without system calls, bypassing the brand; "
		   "libraries fall back on ENOSYS."),
    [426] = REFUSE(io_uring_enter, LX_ENOSYS, LX_WHY_BYPASS,
		   "io_uring performs operations without system calls, bypassing the brand."),
    [427] = REFUSE(io_uring_register, LX_ENOSYS, LX_WHY_BYPASS,
		   "io_uring performs operations without system calls, bypassing the brand."),
    [428] = REFUSE(open_tree, LX_ENOSYS, LX_WHY_SECURITY,
		   "New mount API: can clone mounts from outside the zone root. ENOSYS, so "
		   "libmount (2.39+) and systemd fall back to mount(2)."),
    [429] = REFUSE(move_mount, LX_ENOSYS, LX_WHY_SECURITY,
		   "New mount API: ENOSYS, so callers fall back to mount(2)."),
    [430] = REFUSE(fsopen, LX_ENOSYS, LX_WHY_SECURITY,
		   "New mount API: ENOSYS, so callers fall back to mount(2), which a zone's "
		   "mount service decides on."),
    [431] = REFUSE(fsconfig, LX_ENOSYS, LX_WHY_SECURITY,
		   "New mount API: ENOSYS, so callers fall back to mount(2)."),
    [432] = REFUSE(fsmount, LX_ENOSYS, LX_WHY_SECURITY,
		   "New mount API: ENOSYS, so callers fall back to mount(2)."),
    [433] = REFUSE(fspick, LX_ENOSYS, LX_WHY_SECURITY,
		   "New mount API: ENOSYS, so callers fall back to mount(2)."),
    [434] = PASS(pidfd_open),
    [435] = EMUL(clone3, "Always trapped (its flags are behind a pointer); re-issued from the gate "
			 "with the guest's arguments, CLONE_VM children starting on their own "
			 "emulation stack as clone threads do."),
    [436] = PASS(close_range),
    [437] = PASS(openat2),
    [438] = PASS(pidfd_getfd),
    [439] = PASS(faccessat2),
    [440] = PASS(process_madvise),
    [441] = PASS(epoll_pwait2),
    [442] = REFUSE(mount_setattr, LX_ENOSYS, LX_WHY_SECURITY,
		   "New mount API: could make read-only zone mounts writable. ENOSYS, so "
		   "libmount falls back to mount(2) with MS_REMOUNT."),
    [443] =
	REFUSE(quotactl_fd, LX_EPERM, LX_WHY_HOST_STATE, "Disk quotas are host filesystem state."),
    [444] = PASS(landlock_create_ruleset),
    [445] = PASS(landlock_add_rule),
    [446] = PASS(landlock_restrict_self),
    [447] = PASS(memfd_secret),
    [448] = PASS(process_mrelease),
    [449] = PASS(futex_waitv),
    [450] = PASS(set_mempolicy_home_node),
    [451] = PASS(cachestat),
    [452] = PASS(fchmodat2),
    [453] = PASS(map_shadow_stack),
    [454] = PASS(futex_wake),
    [455] = PASS(futex_wait),
    [456] = PASS(futex_requeue),
    [457] = REFUSE(statmount, LX_ENOSYS, LX_WHY_SECURITY,
		   "Can query mount namespaces other than the zone's; ENOSYS makes libmount fall "
		   "back to /proc/self/mountinfo."),
    [458] = REFUSE(listmount, LX_ENOSYS, LX_WHY_SECURITY,
		   "Can list mount namespaces other than the zone's; ENOSYS makes libmount fall "
		   "back to /proc/self/mountinfo."),
    [459] = PASS(lsm_get_self_attr),
    [460] = PASS(lsm_set_self_attr),
    [461] = PASS(lsm_list_modules),
    [462] = PASS(mseal),
    [463] = PASS(setxattrat),
    [464] = PASS(getxattrat),
    [465] = PASS(listxattrat),
    [466] = PASS(removexattrat),
    [467] = REFUSE(open_tree_attr, LX_ENOSYS, LX_WHY_SECURITY,
		   "New mount API: can clone mounts from outside the zone root; ENOSYS, so "
		   "callers fall back to mount(2)."),
    [468] = PASS(file_getattr),
    [469] = PASS(file_setattr),
};

const char *lx_sys_reason_name(unsigned reason)
{
	static const char *const names[] = {
	    [LX_WHY_NONE] = "none",
	    [LX_WHY_NOT_YET] = "not-yet",
	    [LX_WHY_NO_HOST_EQUIV] = "no-host-equivalent",
	    [LX_WHY_HOST_STATE] = "host-state",
	    [LX_WHY_OBSOLETE] = "obsolete",
	    [LX_WHY_BYPASS] = "bypass",
	    [LX_WHY_SECURITY] = "security",
	};
	if (reason >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[reason];
}

const char *lx_sys_class_name(unsigned cls)
{
	static const char *const names[] = {
	    [LX_SYS_NONE] = "none",	[LX_SYS_PASS] = "pass",		[LX_SYS_EMUL] = "emulate",
	    [LX_SYS_REFUSE] = "refuse", [LX_SYS_UNSUP] = "unsupported",
	};
	if (cls >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[cls];
}

int lx_sys_is_mountd(int nr)
{
	/* mount, umount2 */
	return nr == 165 || nr == 166;
}

int lx_sys_is_lxproc(int nr)
{
	/* open, openat, openat2, lseek, pread64, preadv, preadv2 (filter.c traps only their
	 * lxproc shapes), sysinfo, sched_getaffinity.  fstat and mmap are trapped by a second
	 * filter, only in processes holding a synthesized file (emul/fdfilter.h). */
	static const short nrs[] = {2, 257, 437, 8, 17, 295, 327, 99, 204};

	for (unsigned i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++)
		if (nrs[i] == nr)
			return 1;
	return 0;
}
