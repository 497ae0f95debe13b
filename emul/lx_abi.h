/*
 * Linux x86_64 ABI the brand speaks: system call numbers it makes itself, signal frames,
 * auxv, flags.  Everything carries an LX_ prefix so the freestanding brand never includes a
 * host header and host tools can include this beside them.
 */
#ifndef LXZONE_LX_ABI_H
#define LXZONE_LX_ABI_H

#include <stddef.h>
#include <stdint.h>

/* system call numbers the brand itself issues or handles */
#define LX_SYS_read		 0
#define LX_SYS_write		 1
#define LX_SYS_open		 2
#define LX_SYS_close		 3
#define LX_SYS_fstat		 5
#define LX_SYS_mmap		 9
#define LX_SYS_mprotect		 10
#define LX_SYS_munmap		 11
#define LX_SYS_rt_sigaction	 13
#define LX_SYS_rt_sigprocmask	 14
#define LX_SYS_rt_sigreturn	 15
#define LX_SYS_pread64		 17
#define LX_SYS_pwrite64		 18
#define LX_SYS_access		 21
#define LX_SYS_mremap		 25
#define LX_SYS_brk		 12
#define LX_SYS_getpid		 39
#define LX_SYS_clone		 56
#define LX_SYS_fork		 57
#define LX_SYS_vfork		 58
#define LX_SYS_execve		 59
#define LX_SYS_exit		 60
#define LX_SYS_uname		 63
#define LX_SYS_fcntl		 72
#define LX_SYS_getcwd		 79
#define LX_SYS_readlink		 89
#define LX_SYS_getppid		 110
#define LX_SYS_capget		 125
#define LX_SYS_rt_sigpending	 127
#define LX_SYS_sigaltstack	 131
#define LX_SYS_personality	 135
#define LX_SYS_statfs		 137
#define LX_SYS_fstatfs		 138
#define LX_SYS_geteuid		 107
#define LX_SYS_getresuid	 118
#define LX_SYS_getresgid	 120
#define LX_SYS_getegid		 108
#define LX_SYS_prctl		 157
#define LX_SYS_fgetxattr	 193
#define LX_SYS_gettid		 186
#define LX_SYS_tgkill		 234
#define LX_SYS_rt_tgsigqueueinfo 297
#define LX_SYS_openat		 257
#define LX_SYS_newfstatat	 262
#define LX_SYS_readlinkat	 267
#define LX_SYS_faccessat	 269
#define LX_SYS_signalfd		 282
#define LX_SYS_signalfd4	 289
#define LX_SYS_process_vm_readv	 310
#define LX_SYS_process_vm_writev 311
#define LX_SYS_getrandom	 318
#define LX_SYS_execveat		 322
#define LX_SYS_clone3		 435
#define LX_SYS_faccessat2	 439

#define LX_AT_FDCWD	       (-100)
#define LX_AT_SYMLINK_NOFOLLOW 0x100
#define LX_AT_EACCESS	       0x200
#define LX_AT_EMPTY_PATH       0x1000

#define LX_O_RDONLY	   0
#define LX_O_WRONLY	   1
#define LX_O_RDWR	   2
#define LX_O_CREAT	   0100
#define LX_O_APPEND	   02000
#define LX_O_NOFOLLOW	   0400000
#define LX_O_CLOEXEC	   02000000
#define LX_O_PATH	   010000000
#define LX_F_DUPFD	   0
#define LX_F_DUPFD_CLOEXEC 1030

#define LX_PROT_NONE	       0
#define LX_PROT_READ	       1
#define LX_PROT_WRITE	       2
#define LX_PROT_EXEC	       4
#define LX_MAP_PRIVATE	       0x02
#define LX_MAP_FIXED	       0x10
#define LX_MAP_ANONYMOUS       0x20
#define LX_MAP_NORESERVE       0x4000
#define LX_MAP_POPULATE	       0x8000
#define LX_MAP_FIXED_NOREPLACE 0x100000
#define LX_MREMAP_MAYMOVE      1
#define LX_MREMAP_FIXED	       2
#define LX_PAGE		       4096UL
#define LX_ADDR_NO_RANDOMIZE   0x0040000 /* personality(2) */

#define LX_PR_SET_NAME	       15
#define LX_PR_SET_MM	       35
#define LX_PR_SET_MM_MAP       14
#define LX_PR_GET_NO_NEW_PRIVS 39
#define LX_PR_GET_SECCOMP      21
#define LX_ST_NOSUID	       2
#define LX_ST_NOEXEC	       8
#define LX_F_OK		       0
#define LX_X_OK		       1
#define LX_R_OK		       4

/* clone flags */
#define LX_CSIGNAL	       0x000000ff
#define LX_CLONE_VM	       0x00000100
#define LX_CLONE_VFORK	       0x00004000
#define LX_CLONE_THREAD	       0x00010000
#define LX_CLONE_SETTLS	       0x00080000
#define LX_CLONE_CLEAR_SIGHAND 0x100000000ULL

/* clone3's argument block; sizes of its published versions (include/uapi/linux/sched.h) */
struct lx_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	uint64_t set_tid, set_tid_size; /* VER1 */
	uint64_t cgroup;		/* VER2 */
};
#define LX_CLONE_ARGS_SIZE_VER0 64
#define LX_CLONE_ARGS_SIZE_VER2 88

/* signals */
#define LX_NSIG	      64
#define LX_SIGHUP     1
#define LX_SIGINT     2
#define LX_SIGQUIT    3
#define LX_SIGILL     4
#define LX_SIGTRAP    5
#define LX_SIGABRT    6
#define LX_SIGBUS     7
#define LX_SIGFPE     8
#define LX_SIGKILL    9
#define LX_SIGSEGV    11
#define LX_SIGPIPE    13
#define LX_SIGCHLD    17
#define LX_SIGCONT    18
#define LX_SIGSTOP    19
#define LX_SIGURG     23
#define LX_SIGWINCH   28
#define LX_SIGSYS     31
#define LX_SIG_BIT(s) (1ULL << ((s)-1))

#define LX_SIG_DFL     ((uint64_t)0)
#define LX_SIG_IGN     ((uint64_t)1)
#define LX_SIG_BLOCK   0
#define LX_SIG_UNBLOCK 1
#define LX_SIG_SETMASK 2

#define LX_SA_NOCLDSTOP	     0x00000001UL
#define LX_SA_NOCLDWAIT	     0x00000002UL
#define LX_SA_SIGINFO	     0x00000004UL
#define LX_SA_UNSUPPORTED    0x00000400UL
#define LX_SA_EXPOSE_TAGBITS 0x00000800UL
#define LX_SA_RESTORER	     0x04000000UL
#define LX_SA_ONSTACK	     0x08000000UL
#define LX_SA_RESTART	     0x10000000UL
#define LX_SA_NODEFER	     0x40000000UL
#define LX_SA_RESETHAND	     0x80000000UL

#define LX_SS_ONSTACK	 1
#define LX_SS_DISABLE	 2
#define LX_SS_AUTODISARM (1U << 31)
#define LX_MINSIGSTKSZ	 2048

#define LX_SYS_SECCOMP 1 /* si_code of a seccomp SIGSYS */
#define LX_SI_USER     0
#define LX_SI_TKILL    (-6)

struct lx_kernel_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

struct lx_stack {
	uint64_t ss_sp;
	int32_t ss_flags;
	int32_t pad;
	uint64_t ss_size;
};

struct lx_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;
	uint64_t reserved1[8];
};

struct lx_ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct lx_stack uc_stack;
	struct lx_sigcontext uc_mcontext;
	uint64_t uc_sigmask;
};

struct lx_siginfo {
	int32_t si_signo;
	int32_t si_errno;
	int32_t si_code;
	int32_t pad0;
	union {
		struct {
			uint64_t call_addr;
			int32_t syscall;
			uint32_t arch;
		} sigsys;
		struct {
			int32_t pid;
			uint32_t uid;
		} kill;
		uint64_t addr;
		char pad[112];
	} u;
};

struct lx_rt_sigframe {
	uint64_t pretcode;
	struct lx_ucontext uc;
	struct lx_siginfo info;
};

/* the xsave area's software-reserved bytes (fxsave bytes 464..511) */
#define LX_FP_XSTATE_MAGIC1 0x46505853U
#define LX_FXSAVE_SIZE	    512
struct lx_fpx_sw_bytes {
	uint32_t magic1;
	uint32_t extended_size;
	uint64_t xfeatures;
	uint32_t xstate_size;
	uint32_t padding[7];
};

#define LX_EFLAGS_TF 0x100
#define LX_EFLAGS_DF 0x400
#define LX_EFLAGS_RF 0x10000

/* auxv */
#define LX_AT_NULL	   0
#define LX_AT_IGNORE	   1
#define LX_AT_EXECFD	   2
#define LX_AT_PHDR	   3
#define LX_AT_PHENT	   4
#define LX_AT_PHNUM	   5
#define LX_AT_PAGESZ	   6
#define LX_AT_BASE	   7
#define LX_AT_FLAGS	   8
#define LX_AT_ENTRY	   9
#define LX_AT_SECURE	   23
#define LX_AT_RANDOM	   25
#define LX_AT_EXECFN	   31
#define LX_AT_SYSINFO_EHDR 33

struct lx_utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

struct lx_stat {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, pad0;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	uint64_t times[6];
	int64_t unused[3];
};

struct lx_iovec {
	uint64_t base;
	uint64_t len;
};

#endif
