/* The netlink view's descriptor filter (netlink/nlfilter.h). */
#include "netlink/nlfilter.h"
#include "emul/bpf_ins.h"

#define LX_AF_NETLINK 16
#define LX_O_ACCMODE  3
/* O_DIRECTORY, O_PATH, and O_NONBLOCK: a server opening its files nonblocking (nginx: one open
 * per request) must not pay a trap per request (0.70 of native nginx with it); a reader of
 * /proc/net (cat, netstat, ss, python, Go) opens blocking */
#define LX_O_NOTREAD (0200000 | 010000000 | 04000)

/* the calls trapped on a descriptor of the range, by number (x86_64), the hottest first
 * (recv and send are recvfrom and sendto); bind and setsockopt only on the uevent part of it.
 * Not read and write: see nlfilter.h */
static const uint32_t fd_calls[] = {45 /* recvfrom */, 44 /* sendto */, 47 /* recvmsg */,
				    46 /* sendmsg */};
static const uint32_t uevent_calls[] = {49 /* bind */, 54 /* setsockopt */};
#define NFD_CALLS     (sizeof(fd_calls) / sizeof(fd_calls[0]))
#define NUEVENT_CALLS (sizeof(uevent_calls) / sizeof(uevent_calls[0]))

enum {
	I_ARCH,
	I_ARCH_OK,
	I_NR,
	I_IS_FD_CALL,
	I_IS_SOCKET = I_IS_FD_CALL + NFD_CALLS,
	I_IS_OPENAT,
	I_IS_OPEN,
	I_IS_OPENAT2,
	I_IS_UEVENT_CALL,
	I_ALLOW_OTHER = I_IS_UEVENT_CALL + NUEVENT_CALLS,
	I_DOMAIN,
	I_IS_NETLINK,
	I_FD,
	I_FD_LOW,
	I_FD_HIGH,
	I_UFD,
	I_UFD_LOW,
	I_UFD_HIGH,
	I_OPEN_FLAGS,
	I_OPEN_JUMP,
	I_OPENAT_FLAGS,
	I_READ_ONLY,
	I_NOT_DIR_PATH,
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
_Static_assert(I_END == LX_NLFILTER_LEN, "LX_NLFILTER_LEN");

void lx_nlfilter_build(struct lx_sock_filter p[LX_NLFILTER_LEN])
{
	lx_bpf_head(p, I_ALLOW);
	for (int i = 0; i < (int)NFD_CALLS; i++)
		p[I_IS_FD_CALL + i] =
		    ins(BPF_JEQ_K, fd_calls[i], I_IS_FD_CALL + i, I_FD, I_IS_FD_CALL + i + 1);
	p[I_IS_SOCKET] = ins(BPF_JEQ_K, 41, I_IS_SOCKET, I_DOMAIN, I_IS_SOCKET + 1);
	p[I_IS_OPENAT] = ins(BPF_JEQ_K, 257, I_IS_OPENAT, I_OPENAT_FLAGS, I_IS_OPENAT + 1);
	p[I_IS_OPEN] = ins(BPF_JEQ_K, 2, I_IS_OPEN, I_OPEN_FLAGS, I_IS_OPEN + 1);
	/* openat2's flags are behind a pointer: always */
	p[I_IS_OPENAT2] = ins(BPF_JEQ_K, 437, I_IS_OPENAT2, I_GATE_HI, I_IS_OPENAT2 + 1);
	for (int i = 0; i < (int)NUEVENT_CALLS; i++)
		p[I_IS_UEVENT_CALL + i] = ins(BPF_JEQ_K, uevent_calls[i], I_IS_UEVENT_CALL + i,
					      I_UFD, I_IS_UEVENT_CALL + i + 1);
	p[I_ALLOW_OTHER] = ins(BPF_RET_K, RET_ALLOW, I_ALLOW_OTHER, 0, 0);
	/* socket(domain, type, protocol): the domain is an int, the low word of args[0] */
	p[I_DOMAIN] = ins(BPF_LD_W_ABS, OFF_ARG_LO(0), I_DOMAIN, 0, 0);
	p[I_IS_NETLINK] = ins(BPF_JEQ_K, LX_AF_NETLINK, I_IS_NETLINK, I_GATE_HI, I_ALLOW);
	/* the descriptor: the kernel reads the low word (an int / unsigned int) */
	p[I_FD] = ins(BPF_LD_W_ABS, OFF_ARG_LO(0), I_FD, 0, 0);
	p[I_FD_LOW] = ins(BPF_JGE_K, LX_NL_FD_BASE, I_FD_LOW, I_FD_LOW + 1, I_ALLOW);
	p[I_FD_HIGH] =
	    ins(BPF_JGE_K, LX_NL_FD_BASE + LX_NL_FD_COUNT, I_FD_HIGH, I_ALLOW, I_GATE_HI);
	/* bind, setsockopt: the uevent sockets' part of the range */
	p[I_UFD] = ins(BPF_LD_W_ABS, OFF_ARG_LO(0), I_UFD, 0, 0);
	p[I_UFD_LOW] = ins(BPF_JGE_K, LX_NL_FD_UEVENT, I_UFD_LOW, I_UFD_LOW + 1, I_ALLOW);
	p[I_UFD_HIGH] =
	    ins(BPF_JGE_K, LX_NL_FD_BASE + LX_NL_FD_COUNT, I_UFD_HIGH, I_ALLOW, I_GATE_HI);
	/* open(path, flags), openat(dirfd, path, flags): read-only, without O_DIRECTORY, O_PATH
	 * and O_NONBLOCK (the flags are an int: the low word) */
	p[I_OPEN_FLAGS] = ins(BPF_LD_W_ABS, OFF_ARG_LO(1), I_OPEN_FLAGS, 0, 0);
	p[I_OPEN_JUMP] = ins(BPF_JEQ_K, 0, I_OPEN_JUMP, I_READ_ONLY, I_READ_ONLY); /* always */
	p[I_OPENAT_FLAGS] = ins(BPF_LD_W_ABS, OFF_ARG_LO(2), I_OPENAT_FLAGS, 0, 0);
	p[I_READ_ONLY] = ins(BPF_JSET_K, LX_O_ACCMODE, I_READ_ONLY, I_ALLOW, I_READ_ONLY + 1);
	p[I_NOT_DIR_PATH] = ins(BPF_JSET_K, LX_O_NOTREAD, I_NOT_DIR_PATH, I_ALLOW, I_GATE_HI);
	lx_bpf_gate_tail(p, I_GATE_HI);
}
