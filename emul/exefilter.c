/* The exe filter (emul/exefilter.h). */
#include "emul/exefilter.h"
#include "emul/bpf_ins.h"

#define NR_READLINK   89
#define NR_READLINKAT 267

/* instruction indexes, so the jumps below read as names */
enum {
	I_ARCH,
	I_ARCH_OK,
	I_NR,
	I_IS_READLINK,
	I_IS_READLINKAT,
	I_ALLOW_OTHER,
	I_GATE_HI,
	I_GATE_HI_ZERO,
	I_GATE_LO,
	I_GATE_ABOVE_START,
	I_GATE_BELOW_END,
	I_TRAP,
	I_ALLOW,
	I_END
};
_Static_assert(I_NR == LX_BPF_HEAD_LEN - 1 && I_ARCH == 0, "the head's layout (emul/bpf_ins.h)");
_Static_assert(I_ALLOW == I_GATE_HI + LX_BPF_GATE_TAIL_LEN - 1 && I_TRAP == I_ALLOW - 1,
	       "the gate tail's layout (emul/bpf_ins.h)");
_Static_assert(I_END == LX_EXEFILTER_LEN, "LX_EXEFILTER_LEN");

void lx_exefilter_build(struct lx_sock_filter p[LX_EXEFILTER_LEN])
{
	lx_bpf_head(p, I_ALLOW);
	p[I_IS_READLINK] = ins(BPF_JEQ_K, NR_READLINK, I_IS_READLINK, I_GATE_HI, I_IS_READLINK + 1);
	p[I_IS_READLINKAT] =
	    ins(BPF_JEQ_K, NR_READLINKAT, I_IS_READLINKAT, I_GATE_HI, I_ALLOW_OTHER);
	p[I_ALLOW_OTHER] = ins(BPF_RET_K, RET_ALLOW, I_ALLOW_OTHER, 0, 0);
	lx_bpf_gate_tail(p, I_GATE_HI);
}
