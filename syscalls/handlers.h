/* Every emulated system call's handler, by family (one file each in syscalls/). */
#ifndef LXZONE_HANDLERS_H
#define LXZONE_HANDLERS_H

#include "emul/signal.h"

/* lx_sys_<name>, for every row of emul/systable.def with a family (syscalls/lx_<family>.c) */
#define LX_HANDLER_DECL(n) long lx_sys_##n(struct lx_sysctx *c);
#define PASS(nr, n, since)
#define TRAPS(nr, n, since, trap, fam, note) LX_HANDLER_DECL(n)
#define EMUL(nr, n, since, trap, fam, note)  LX_HANDLER_DECL(n)
#define HARDENED(nr, n, since, fam, note)    LX_HANDLER_DECL(n)
#define REFUSE(nr, n, since, e, why, note)
#define REFUSE_IF(nr, n, since, e, why, trap, note)
#define HARDENED_UNSUP(nr, n, since, why, note)
#define UNSUP(nr, n, since, why, note)
#include "emul/systable.def"
#undef PASS
#undef TRAPS
#undef EMUL
#undef HARDENED
#undef REFUSE
#undef REFUSE_IF
#undef HARDENED_UNSUP
#undef UNSUP
#undef LX_HANDLER_DECL

/* The path a synthesized file's memfd link (n bytes, "/memfd:lxproc:<path> (deleted)") stands
 * for: its length, with *path pointing into link; -1 for any other link (syscalls/lx_proc.c). */
long lx_proc_memfd_path(const char *link, size_t n, const char **path);
long lx_unsupported(struct lx_sysctx *c);
/* What /proc/self/exe shows the guest (lx_proc.exe_map, lx_proc.exe: emul/state.h), learnt
 * on first use (syscalls/lx_readlink.c). */
const char *lx_proc_exe(void);

/* syscalls/lx_exe.c: PR_SET_MM_MAP of the current layout with arg_start (0: the kernel's) and
 * exe_fd (-1: keep the exe link), 0 or -errno; at the brand's start, its code mapped from a
 * second mount where the zone names exes (lx_exe_prepare, first), then /proc/<pid>/exe made to
 * name the program on fd where the zone allows (or the exe filter stacked). */
long lx_mm_map(uint64_t arg_start, long exe_fd);
/* The program's heap where the kernel would have put it (at: its start_brk and brk), not after
 * the brand's image; before the guest runs.  0 or -errno (the heap stays where it was). */
long lx_mm_heap(uint64_t at);
/* Records where the kernel put the brand's stack and strings (its stack pointer at entry),
 * for lx_mm_map; called first thing. */
void lx_mm_layout(const uint64_t *ksp);
void lx_exe_prepare(void);
void lx_start_early(const uint64_t *ksp);
void lx_exe_becomes_program(long fd);
/* syscalls/lx_exec.c: at a launcher's start, a program the kernel must run itself (set-user-ID,
 * set-group-ID, file capabilities, execute-only) exec'd that way with the start's vectors;
 * returns only when it is not one, or the exec failed. */
void lx_exec_kernel_start(const char *path, char *const *argv, char *const *envp);

#endif
