/*
 * Classic BPF, as seccomp runs it (see bpf_sim.h).  Written from the instruction set's
 * definition in <linux/filter.h> and the rules of the kernel's seccomp checker: only 32-bit
 * absolute loads at aligned offsets inside seccomp_data, 16 scratch words, forward jumps only
 * (so every run ends), the last instruction a return.  Reading a scratch word nobody stored is
 * an error here (the kernel rejects such programs at load time).
 */
#include "filter/bpf_sim.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Does the opcode belong to the set the seccomp checker accepts? */
static int opcode_known(uint16_t code)
{
	switch (code) {
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_W | BPF_LEN:
	case BPF_LD | BPF_IMM:
	case BPF_LDX | BPF_IMM:
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
	case BPF_JMP | BPF_JA:
		return 1;
	}
	if (BPF_CLASS(code) == BPF_ALU) {
		switch (BPF_OP(code)) {
		case BPF_ADD:
		case BPF_SUB:
		case BPF_MUL:
		case BPF_DIV:
		case BPF_MOD:
		case BPF_AND:
		case BPF_OR:
		case BPF_XOR:
		case BPF_LSH:
		case BPF_RSH:
			return code == (BPF_ALU | BPF_OP(code) | BPF_K) ||
			       code == (BPF_ALU | BPF_OP(code) | BPF_X);
		case BPF_NEG:
			return code == (BPF_ALU | BPF_NEG);
		}
		return 0;
	}
	if (BPF_CLASS(code) == BPF_JMP) {
		switch (BPF_OP(code)) {
		case BPF_JEQ:
		case BPF_JGT:
		case BPF_JGE:
		case BPF_JSET:
			return code == (BPF_JMP | BPF_OP(code) | BPF_K) ||
			       code == (BPF_JMP | BPF_OP(code) | BPF_X);
		}
	}
	return 0;
}

int lx_bpf_check(const struct sock_filter *prog, size_t len, struct zone_error *err)
{
	if (!prog || len == 0 || len > BPF_MAXINSNS)
		return zone_error_set(err, 0, "bpf: program length %zu not in 1..%d", len,
				      BPF_MAXINSNS);
	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &prog[pc];
		if (!opcode_known(f->code))
			return zone_error_set(err, 0, "bpf: insn %zu: opcode 0x%04x not allowed",
					      pc, f->code);
		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (f->k >= sizeof(struct seccomp_data) || (f->k & 3))
				return zone_error_set(err, 0, "bpf: insn %zu: bad load offset %u",
						      pc, f->k);
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
		case BPF_ST:
		case BPF_STX:
			if (f->k >= BPF_MEMWORDS)
				return zone_error_set(err, 0, "bpf: insn %zu: scratch word %u", pc,
						      f->k);
			break;
		case BPF_ALU | BPF_DIV | BPF_K:
		case BPF_ALU | BPF_MOD | BPF_K:
			if (f->k == 0)
				return zone_error_set(err, 0,
						      "bpf: insn %zu: division by constant 0", pc);
			break;
		case BPF_ALU | BPF_LSH | BPF_K:
		case BPF_ALU | BPF_RSH | BPF_K:
			if (f->k >= 32)
				return zone_error_set(err, 0, "bpf: insn %zu: shift by %u", pc,
						      f->k);
			break;
		case BPF_JMP | BPF_JA:
			if (f->k >= len - pc - 1)
				return zone_error_set(err, 0, "bpf: insn %zu: jump out of program",
						      pc);
			break;
		}
		if (BPF_CLASS(f->code) == BPF_JMP && BPF_OP(f->code) != BPF_JA &&
		    (pc + 1 + f->jt >= len || pc + 1 + f->jf >= len))
			return zone_error_set(err, 0, "bpf: insn %zu: jump out of program", pc);
	}
	if (BPF_CLASS(prog[len - 1].code) != BPF_RET)
		return zone_error_set(err, 0, "bpf: last instruction is not a return");
	return 0;
}

static uint32_t alu(uint16_t op, uint32_t a, uint32_t v)
{
	switch (op) {
	case BPF_ADD:
		return a + v;
	case BPF_SUB:
		return a - v;
	case BPF_MUL:
		return a * v;
	case BPF_DIV:
		return a / v; /* v != 0: checked by the caller */
	case BPF_MOD:
		return a % v;
	case BPF_AND:
		return a & v;
	case BPF_OR:
		return a | v;
	case BPF_XOR:
		return a ^ v;
	case BPF_LSH:
		return a << (v & 31); /* the kernel masks shift counts from X the same way */
	case BPF_RSH:
		return a >> (v & 31);
	case BPF_NEG:
		return -a;
	}
	return 0;
}

static int jump_taken(uint16_t op, uint32_t a, uint32_t v)
{
	switch (op) {
	case BPF_JEQ:
		return a == v;
	case BPF_JGT:
		return a > v;
	case BPF_JGE:
		return a >= v;
	case BPF_JSET:
		return (a & v) != 0;
	}
	return 0;
}

int lx_bpf_run(const struct sock_filter *prog, size_t len, const struct seccomp_data *d,
	       struct lx_bpf_run *out, struct zone_error *err)
{
	if (lx_bpf_check(prog, len, err) < 0)
		return -1;
	return lx_bpf_exec(prog, len, d, out, err);
}

int lx_bpf_exec(const struct sock_filter *prog, size_t len, const struct seccomp_data *d,
		struct lx_bpf_run *out, struct zone_error *err)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {0};
	unsigned mem_set = 0;

	memset(out, 0, sizeof(*out));
	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &prog[pc];
		out->steps++;
		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
			if (f->code == (BPF_LD | BPF_W | BPF_ABS)) {
				memcpy(&a, (const char *)d + f->k, sizeof(a));
				out->loaded |= LX_BPF_WORD(f->k);
			} else if (f->code == (BPF_LD | BPF_W | BPF_LEN)) {
				a = sizeof(struct seccomp_data);
			} else if (f->code == (BPF_LD | BPF_IMM)) {
				a = f->k;
			} else {
				if (!(mem_set & (1u << f->k)))
					return zone_error_set(
					    err, 0, "bpf: insn %zu: M[%u] read unset", pc, f->k);
				a = mem[f->k];
			}
			break;
		case BPF_LDX:
			if (f->code == (BPF_LDX | BPF_W | BPF_LEN)) {
				x = sizeof(struct seccomp_data);
			} else if (f->code == (BPF_LDX | BPF_IMM)) {
				x = f->k;
			} else {
				if (!(mem_set & (1u << f->k)))
					return zone_error_set(
					    err, 0, "bpf: insn %zu: M[%u] read unset", pc, f->k);
				x = mem[f->k];
			}
			break;
		case BPF_ST:
			mem[f->k] = a;
			mem_set |= 1u << f->k;
			break;
		case BPF_STX:
			mem[f->k] = x;
			mem_set |= 1u << f->k;
			break;
		case BPF_ALU: {
			uint32_t v = BPF_SRC(f->code) == BPF_X ? x : f->k;
			uint16_t op = BPF_OP(f->code);
			if ((op == BPF_DIV || op == BPF_MOD) && v == 0) {
				out->ret = 0; /* the kernel ends the program, returning 0 */
				return 0;
			}
			a = alu(op, a, v);
			break;
		}
		case BPF_JMP:
			if (BPF_OP(f->code) == BPF_JA)
				pc += f->k;
			else if (jump_taken(BPF_OP(f->code), a,
					    BPF_SRC(f->code) == BPF_X ? x : f->k))
				pc += f->jt;
			else
				pc += f->jf;
			break;
		case BPF_RET:
			out->ret = BPF_RVAL(f->code) == BPF_A ? a : f->k;
			return 0;
		case BPF_MISC:
			if (BPF_MISCOP(f->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		}
	}
	/* Unreachable after lx_bpf_check: the last instruction returns. */
	return zone_error_set(err, 0, "bpf: ran off the end of the program");
}
