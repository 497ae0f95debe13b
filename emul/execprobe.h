/*
 * What execve would do with a file, decided from its bytes: an x86_64 ELF (static, static-PIE
 * or dynamic with an interpreter) or a "#!" script.  Pure: the caller supplies the reads, so
 * the brand (freestanding) and lxrun (libc) share one implementation and the cmocka tests
 * drive it with buffers.
 */
#ifndef LXZONE_EXECPROBE_H
#define LXZONE_EXECPROBE_H

#include <stddef.h>

#define LX_EXEC_PATH_MAX 4096
#define LX_BINPRM_BUF	 256 /* Linux reads this much of a "#!" line */

enum lx_exec_kind {
	LX_EXEC_ELF = 1,
	LX_EXEC_SCRIPT,
};

struct lx_exec_info {
	int kind;			/* enum lx_exec_kind */
	int is_dyn;			/* ELF: ET_DYN (PIE or shared object) rather than ET_EXEC */
	char interp[LX_BINPRM_BUF];	/* ELF: PT_INTERP (empty if static); script: interpreter */
	char interp_arg[LX_BINPRM_BUF]; /* script: the optional single argument, else empty */
};

/* Reads up to len bytes at offset off; returns bytes read or -errno. */
typedef long (*lx_pread_fn)(void *ctx, void *buf, size_t len, long off);

/*
 * Returns 0, or -LX_ENOEXEC (not ELF / not x86_64 / not a "#!" file / malformed), or the
 * -errno of a failed read.  Values are Linux errno numbers (LX_ prefix in the brand).
 */
int lx_exec_probe(lx_pread_fn rd, void *ctx, struct lx_exec_info *out);

#endif
