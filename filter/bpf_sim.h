/*
 * A classic-BPF interpreter for seccomp programs, for tests: run the exported filter over a
 * struct seccomp_data and see what the kernel would return, without installing anything.
 *
 * It accepts what the kernel's seccomp checker accepts (LD W ABS into seccomp_data, LD/LDX
 * IMM/MEM/LEN, ST/STX, ALU K/X, JMP JA/JEQ/JGT/JGE/JSET K/X, RET K/A, TAX/TXA) and behaves as
 * the kernel does where that is observable (a division by X == 0 ends the program with 0).
 * A malformed program yields an error, never a crash.  Each run records which 32-bit words
 * of seccomp_data it loaded, so a test can prove that a path read only `arch` and `nr` (the
 * kernel's per-syscall action cache applies exactly to those paths).
 */
#ifndef LXZONE_BPF_SIM_H
#define LXZONE_BPF_SIM_H

#include <stddef.h>
#include <stdint.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include "lib/error.h"

/* Bit of lx_bpf_run.loaded for the 32-bit word at byte offset `off` of seccomp_data. */
#define LX_BPF_WORD(off) (1u << ((off) / 4))

struct lx_bpf_run {
	uint32_t ret;	 /* the value the program returned */
	uint32_t loaded; /* LX_BPF_WORD() bits of the seccomp_data words this run loaded */
	unsigned steps;	 /* instructions executed */
};

/* Static checks the kernel makes at load time.  0, or -1 with a message in err. */
int lx_bpf_check(const struct sock_filter *prog, size_t len, struct zone_error *err);

/* Checks prog, then runs it over d.  0 and *out filled, or -1 with a message in err. */
int lx_bpf_run(const struct sock_filter *prog, size_t len, const struct seccomp_data *d,
	       struct lx_bpf_run *out, struct zone_error *err);

/* Runs prog over d without checking it: prog must have passed lx_bpf_check (whose bounds
 * make every load, scratch word and jump safe).  For callers that run one program over many
 * inputs (lx_filter_verify: ~900 runs), where checking it every time was most of the cost. */
int lx_bpf_exec(const struct sock_filter *prog, size_t len, const struct seccomp_data *d,
		struct lx_bpf_run *out, struct zone_error *err);

#endif
