/*
 * Hand-assembled classic BPF for the brand's small stacked filters (emul/fdfilter.c,
 * emul/exefilter.c, netlink/nlfilter.c): the opcodes and seccomp_data offsets they use, one
 * instruction builder, and the head they all start with and the tail they all end with.
 * Freestanding; included by those files only.
 */
#ifndef LX_EMUL_BPF_INS_H
#define LX_EMUL_BPF_INS_H

#include "emul/fdfilter.h" /* struct lx_sock_filter */
#include "kernel-shim/brand_abi.h"

/* classic BPF, as <linux/filter.h> and <linux/seccomp.h> number it */
#define BPF_LD_W_ABS 0x20 /* BPF_LD | BPF_W | BPF_ABS */
#define BPF_JEQ_K    0x15 /* BPF_JMP | BPF_JEQ | BPF_K */
#define BPF_JGT_K    0x25 /* BPF_JMP | BPF_JGT | BPF_K */
#define BPF_JGE_K    0x35 /* BPF_JMP | BPF_JGE | BPF_K */
#define BPF_JSET_K   0x45 /* BPF_JMP | BPF_JSET | BPF_K */
#define BPF_RET_K    0x06 /* BPF_RET | BPF_K */

#define RET_ALLOW     0x7fff0000U
#define RET_TRAP      0x00030000U
#define AUDIT_X86_64  0xc000003eU
#define OFF_NR	      0
#define OFF_ARCH      4
#define OFF_IP_LO     8
#define OFF_IP_HI     12
#define OFF_ARG_LO(i) (16 + 8 * (i))

/* One instruction at index at; jt and jf are absolute indexes (0: no jump). */
static inline struct lx_sock_filter ins(uint16_t code, uint32_t k, int at, int jt, int jf)
{
	/* jumps are relative to the next instruction */
	struct lx_sock_filter f = {code, (uint8_t)(jt ? jt - at - 1 : 0),
				   (uint8_t)(jf ? jf - at - 1 : 0), k};
	return f;
}

#define LX_BPF_HEAD_LEN 3

/*
 * The head, at p[0 .. 2]: another architecture goes to allow (the main filter decides: it
 * kills), then the system call's number is loaded for the filter's own tests from p[3] on.
 */
static inline void lx_bpf_head(struct lx_sock_filter *p, int allow)
{
	p[0] = ins(BPF_LD_W_ABS, OFF_ARCH, 0, 0, 0);
	p[1] = ins(BPF_JEQ_K, AUDIT_X86_64, 1, 2, allow);
	p[2] = ins(BPF_LD_W_ABS, OFF_NR, 2, 0, 0);
}

#define LX_BPF_GATE_TAIL_LEN 7

/*
 * The tail, at p[at .. at + 6]: the brand's own calls (LX_GATE_ADDR < ip <=
 * LX_GATE_ADDR + LX_GATE_LEN) pass, anything else traps; then the trap (at + 5) and allow
 * (at + 6) returns the filter's other instructions jump to.
 */
static inline void lx_bpf_gate_tail(struct lx_sock_filter *p, int at)
{
	const int hi = at, hi_gate = at + 1, lo = at + 2, above = at + 3, below = at + 4,
		  trap = at + 5, allow = at + 6;

	p[hi] = ins(BPF_LD_W_ABS, OFF_IP_HI, hi, 0, 0);
	p[hi_gate] = ins(BPF_JEQ_K, (uint32_t)(LX_GATE_ADDR >> 32), hi_gate, lo, trap);
	p[lo] = ins(BPF_LD_W_ABS, OFF_IP_LO, lo, 0, 0);
	p[above] = ins(BPF_JGT_K, (uint32_t)LX_GATE_ADDR, above, below, trap);
	p[below] = ins(BPF_JGT_K, (uint32_t)(LX_GATE_ADDR + LX_GATE_LEN), below, trap, allow);
	p[trap] = ins(BPF_RET_K, RET_TRAP | LX_TRAP_DATA, trap, 0, 0);
	p[allow] = ins(BPF_RET_K, RET_ALLOW, allow, 0, 0);
}

#endif
