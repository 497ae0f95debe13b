/* lxproc's descriptor filter (emul/fdfilter.h). */
#include "emul/fdfilter.h"
#include "emul/bpf_ins.h"

#define NR_FSTAT      5
#define NR_MMAP	      9
#define NR_NEWFSTATAT 262
#define NR_STATX      332
#define AT_EMPTY_PATH 0x1000
#define MAP_ANONYMOUS 0x20

/* instruction indexes, so the jumps below read as names */
enum {
	I_ARCH,
	I_ARCH_OK,
	I_NR,
	I_IS_FSTAT,
	I_IS_FSTATAT,
	I_IS_STATX,
	I_IS_MMAP,
	I_ALLOW_OTHER,
	I_FSTATAT_FLAGS,
	I_FSTATAT_EMPTY,
	I_STATX_FLAGS,
	I_STATX_EMPTY,
	I_MMAP_FLAGS,
	I_MMAP_ANON,
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
_Static_assert(I_END == LX_FDFILTER_LEN, "LX_FDFILTER_LEN");

void lx_fdfilter_build(struct lx_sock_filter p[LX_FDFILTER_LEN])
{
	lx_bpf_head(p, I_ALLOW);
	p[I_IS_FSTAT] = ins(BPF_JEQ_K, NR_FSTAT, I_IS_FSTAT, I_GATE_HI, I_IS_FSTAT + 1);
	p[I_IS_FSTATAT] =
	    ins(BPF_JEQ_K, NR_NEWFSTATAT, I_IS_FSTATAT, I_FSTATAT_FLAGS, I_IS_FSTATAT + 1);
	p[I_IS_STATX] = ins(BPF_JEQ_K, NR_STATX, I_IS_STATX, I_STATX_FLAGS, I_IS_STATX + 1);
	p[I_IS_MMAP] = ins(BPF_JEQ_K, NR_MMAP, I_IS_MMAP, I_MMAP_FLAGS, I_ALLOW_OTHER);
	p[I_ALLOW_OTHER] = ins(BPF_RET_K, RET_ALLOW, I_ALLOW_OTHER, 0, 0);
	/* newfstatat(fd, path, buf, flags): flags is the low word of args[3] */
	p[I_FSTATAT_FLAGS] = ins(BPF_LD_W_ABS, OFF_ARG_LO(3), I_FSTATAT_FLAGS, 0, 0);
	p[I_FSTATAT_EMPTY] = ins(BPF_JSET_K, AT_EMPTY_PATH, I_FSTATAT_EMPTY, I_GATE_HI, I_ALLOW);
	/* statx(fd, path, flags, mask, buf) */
	p[I_STATX_FLAGS] = ins(BPF_LD_W_ABS, OFF_ARG_LO(2), I_STATX_FLAGS, 0, 0);
	p[I_STATX_EMPTY] = ins(BPF_JSET_K, AT_EMPTY_PATH, I_STATX_EMPTY, I_GATE_HI, I_ALLOW);
	/* mmap(addr, len, prot, flags, fd, off) */
	p[I_MMAP_FLAGS] = ins(BPF_LD_W_ABS, OFF_ARG_LO(3), I_MMAP_FLAGS, 0, 0);
	p[I_MMAP_ANON] = ins(BPF_JSET_K, MAP_ANONYMOUS, I_MMAP_ANON, I_ALLOW, I_GATE_HI);
	lx_bpf_gate_tail(p, I_GATE_HI);
}
