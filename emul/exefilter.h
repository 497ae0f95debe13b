/*
 * The exe filter: a second, small seccomp filter that traps readlink and readlinkat (unless they
 * come from the gate) in a process whose /proc/<pid>/exe still names the brand.  In a zone where
 * processes name their own program as their exe (lx_filter_opts.exe_kernel: the brand makes its
 * image anonymous and passes the program to PR_SET_MM_MAP, kernel-shim/start.c), the main filter
 * lets readlink through, and only a process that may not name its exe (it lacks CAP_SYS_ADMIN
 * and CAP_CHECKPOINT_RESTORE in its user namespace: a zone user other than root) carries this
 * filter, stacked while it still could (docs/architecture.md, "execve"), so that
 * syscalls/lx_readlink.c still answers its /proc/self/exe.  Everything else it allows, leaving
 * the decision to the main filter.
 *
 * Pure: builds the classic BPF program; the unit test runs it in the BPF simulator.
 */
#ifndef LXZONE_EXEFILTER_H
#define LXZONE_EXEFILTER_H

#include "emul/fdfilter.h" /* struct lx_sock_filter */

#define LX_EXEFILTER_LEN 13

/* Writes the program (LX_EXEFILTER_LEN instructions) to out. */
void lx_exefilter_build(struct lx_sock_filter out[LX_EXEFILTER_LEN]);

#endif
