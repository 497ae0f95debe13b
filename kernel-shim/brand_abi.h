/*
 * The contract between the host side (lxrun, lxzone, the filter builder) and the brand image.
 *
 * Pure constants: this header is included by the freestanding brand and by host tools alike.
 *
 * The gate.  The brand makes every one of its own system calls through one small region of
 * code linked at a fixed address (LX_GATE_ADDR, section .lxgate).  The seccomp filter routes
 * each TRAP outcome through "instruction pointer inside the gate region -> ALLOW", so the brand
 * bypasses *emulation* but never the *policy* (ERRNO / KILL outcomes are never gated).  The
 * kernel reports the instruction pointer *after* the `syscall` instruction, so the check is
 * LX_GATE_ADDR < ip <= LX_GATE_ADDR + LX_GATE_LEN.  Host tools that must exec the brand under
 * an installed filter (lxrun) map a copy of the gate stub at the same address.
 *
 * Our trap marker.  Every TRAP the brand's filter returns carries LX_TRAP_DATA in
 * SECCOMP_RET_DATA, which the kernel hands over in siginfo.si_errno.  A SIGSYS with
 * si_code == SYS_SECCOMP but another si_errno came from a filter the guest installed itself,
 * and is the guest's to handle.
 *
 * Exec hand-over.  The brand image is what the kernel really executes; the guest program is
 * loaded by the brand.  The kernel sees the guest's argv (so /proc/<pid>/cmdline is right);
 * what the brand must know is passed in one environment variable, LX_BRAND_ENV, appended last
 * to envp and removed before the guest sees its environment:
 *
 *     LXZONE_BRAND=<version>\x1f<flags hex>[:<ignored hex>]\x1f<kernel-version>\x1f<report path>
 *                \x1f<zone page>\x1f<guest path>
 *
 * The guest path comes last and may hold any byte but NUL.  An empty kernel-version means
 * "the host's"; an empty report path means no report; an empty zone page path means the
 * zone has no caps and lxproc shows the host (proc/lxzonepage.h).  <ignored hex>, which only
 * the brand's own execve writes, is the set of signals the caller had ignored (bit sig - 1):
 * the new image asks the kernel about those instead of reading /proc/self/status for the set
 * (~10 us of every exec).  Anyone can forge it, so it only narrows which signals are asked
 * about, the kernel's answer decides, and a start the kernel made through binfmt_misc
 * (AT_EXECFD: set-user-ID, file capabilities, execute-only, AT_SECURE or not) ignores it.
 */
#ifndef LXZONE_BRAND_ABI_H
#define LXZONE_BRAND_ABI_H

/*
 * Where the brand sits.  Every process carries the brand's image, its .bss and its first
 * emulation stack in one 2 MiB at this fixed address, and the page tables that map it: a
 * page-table page per level that the guest's own mappings do not already need is made at
 * every exec, copied at every fork and freed at every exit, and on this kind of VM (shadow
 * paging) each costs about as much as a fresh page of memory (docs/performance.md, "Where the
 * brand sits").  The top 512 GiB of the address space (0x7f8000000000 up) always holds the
 * process's stack (the kernel puts it in the top 16 GiB, below 0x7ffffffff000, at random), so
 * an image there shares the stack's PUD page; at 0x70000000 it needed one of its own in a
 * 512 GiB that dynamic programs (at 0x55.., libraries and stack at 0x7f..) do not use.
 * 0x7ff000000000 is 48 GiB below the lowest stack the kernel places, outside the 32-bit and
 * MAP_32BIT range (below 4 GiB), and the kernel's mmap(NULL) simply goes round it.  Above
 * 2 GiB the brand is compiled position-independent (-fpie: RIP-relative, still linked at
 * this address), and the gate check compares both words of the instruction pointer.
 */
#define LX_BRAND_BASE 0x7ff000000000UL /* link address of the brand image (ET_EXEC) */
#define LX_GATE_ADDR  0x7ff000001000UL /* first byte of .lxgate */
#define LX_GATE_LEN   64UL	       /* size of the gate region */

#define LX_TRAP_DATA 0x1a7 /* SECCOMP_RET_DATA of the brand's TRAPs */

#define LX_BRAND_ENV	     "LXZONE_BRAND"
#define LX_BRAND_ENV_VERSION "2"
#define LX_BRAND_ENV_FIELDS  6
#define LX_BRAND_SEP	     '\x1f'

/* flags in LX_BRAND_ENV */
#define LX_BF_STRICT	    0x1 /* an unsupported system call kills the process (SIGSYS) */
#define LX_BF_SIGSYS_MASKED 0x2 /* the guest had SIGSYS blocked across execve */
#define LX_BF_HARDENED	    0x4 /* hardened brand profile */
/* The last field is "<fd>\x1f<name>": load the program from the inherited descriptor fd (the
 * brand's execve opened it, so the file checked is the file run), and use name as the
 * kernel would use the execve path (AT_EXECFN, comm).  Without the flag it is a path. */
#define LX_BF_EXECFD 0x8
/* lxproc's descriptor filter (emul/fdfilter.h) is stacked on the process: not again */
#define LX_BF_FDFILTER 0x10
/* the zone's processes name their program as their exe (syscalls/lx_exe.c): readlink passes
 * the main filter (lx_filter_opts.exe_kernel) */
#define LX_BF_EXE_KERNEL 0x20
/* the exe filter (emul/exefilter.h) is stacked on the process: not again */
#define LX_BF_EXEFILTER 0x40
/* patch the sites of trapped calls into jumps to the brand (emul/patch.h) */
#define LX_BF_PATCH 0x80
/* the default profile's `auto`: patch only a site that trapped LX_PATCH_LAZY_TRAPS times
 * (emul/patch.c), so a process that makes a call once or twice never pays for a rewrite */
#define LX_BF_PATCH_LAZY 0x100

/*
 * Privileged execs (docs/architecture.md, "Set-user-ID, file capabilities, execute-only").
 * A zone with a user namespace registers an execute-only copy of the brand with its own
 * binfmt_misc instance as the interpreter of every x86_64 ELF whose EI_OSABI is below 0x80,
 * flags POCF: the kernel applies the program's set-user-ID, set-group-ID and file
 * capabilities, opens it for the brand (AT_EXECFD) and starts the brand.  The brand and
 * lxzone-init carry EI_OSABI LX_BRAND_OSABI, so they never match their own entry.  The brand
 * execs a program that way only when the entry is there (LX_BINFMT_ENTRY); processes the
 * kernel started that way exec the readable brand (LX_ZONE_BRAND) for ordinary programs.
 */
#define LX_BRAND_OSABI	0xff
#define LX_BINFMT_NAME	"lxzone"
#define LX_BINFMT_DIR	"/proc/sys/fs/binfmt_misc"
#define LX_BINFMT_ENTRY LX_BINFMT_DIR "/" LX_BINFMT_NAME
#define LX_ZONE_BRAND	"/dev/.lxzone-brand"
/* The same brand bound a second time (another mount): the brand maps its code from here before
 * it names its program as its exe, since the kernel refuses while a mapping has the exe's
 * mount and dentry (syscalls/lx_exe.c).  Never executed. */
#define LX_ZONE_BRAND_MAP "/dev/.lxzone-brand-map"
#define LX_ZONE_PAGE	  "/dev/.lxzone-page" /* the zone page's path in a zone */

/*
 * The same privileged execs in a container without a user namespace (an OCI container's
 * default), which has no binfmt_misc instance of its own.  The host's instance gets one entry,
 * LX_BINFMT_HOST_NAME, which matches only a path ending in "." LX_EXEC_EXT and names as its
 * interpreter LX_EXEC_BRAND, a path the kernel resolves in the exec'ing process's root: an
 * execute-only copy of the brand on a read-only tmpfs at LX_EXEC_LINKS in each container, which
 * also holds the links "<N>." LX_EXEC_EXT -> /proc/thread-self/fd/<N> for N below
 * LX_EXEC_LINKS_MAX.  The brand execs LX_EXEC_LINKS "/<fd>." LX_EXEC_EXT for the descriptor of
 * the file it checked (zone/launch/launch_binfmt.c, syscalls/lx_exec.c).
 */
#define LX_BINFMT_HOST_NAME "lxzone-oci"
#define LX_EXEC_EXT	    "lxzone-exec"
#define LX_EXEC_LINKS	    "/dev/.lxzone-exec"
#define LX_EXEC_BRAND	    LX_EXEC_LINKS "/brand"
#define LX_EXEC_LINKS_MAX   256

/*
 * The gate's first 26 bytes: `long lx_gate(long nr, long a1, ..., long a6)`, a function that
 * moves its arguments into the system call registers and executes `syscall; ret`.  The brand's
 * kernel-shim/entry.S assembles exactly these bytes at LX_GATE_ADDR (tests/unit/check_gate_bytes.sh
 * compares them);
 * lxrun copies them to the same address to execve the brand under the installed filter.
 */
#define LX_GATE_STUB_BYTES                                                                         \
	{                                                                                          \
		0x48, 0x89, 0xf8, 0x48, 0x89, 0xf7, 0x48, 0x89, 0xd6, 0x48, 0x89, 0xca, 0x4d,      \
		    0x89, 0xc2, 0x4d, 0x89, 0xc8, 0x4c, 0x8b, 0x4c, 0x24, 0x08, 0x0f, 0x05, 0xc3   \
	}

/* One line "<nr>\n" is appended to the report file per unsupported call. */

#endif
