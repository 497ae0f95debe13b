/* The cgroup-bpf socket hooks of a net=shared zone (zone/netbpf.h says what each one does). */
#include "zone/netbpf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

const struct zone_netbpf_hookinfo zone_netbpf_hooks[ZONE_HOOK_COUNT] = {
    [ZONE_HOOK_SOCK_CREATE] = {"sock_create", BPF_PROG_TYPE_CGROUP_SOCK,
			       BPF_CGROUP_INET_SOCK_CREATE},
    [ZONE_HOOK_BIND4] = {"bind4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_BIND},
    [ZONE_HOOK_BIND6] = {"bind6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_BIND},
    [ZONE_HOOK_POST_BIND4] = {"post_bind4", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET4_POST_BIND},
    [ZONE_HOOK_POST_BIND6] = {"post_bind6", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET6_POST_BIND},
    [ZONE_HOOK_CONNECT4] = {"connect4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT},
    [ZONE_HOOK_CONNECT6] = {"connect6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_CONNECT},
    [ZONE_HOOK_SENDMSG4] = {"sendmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_SENDMSG},
    [ZONE_HOOK_SENDMSG6] = {"sendmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_SENDMSG},
    [ZONE_HOOK_RECVMSG4] = {"recvmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_RECVMSG},
    [ZONE_HOOK_GETPEERNAME4] = {"getpeername4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
				BPF_CGROUP_INET4_GETPEERNAME},
    [ZONE_HOOK_GETSOCKNAME4] = {"getsockname4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
				BPF_CGROUP_INET4_GETSOCKNAME},
};

/*
 * A small assembler: instructions appended to an array, forward jumps to numbered labels
 * patched at the end.  Registers: R1 the context on entry, R6 keeps it (calls clobber
 * R1-R5), R7 the address word being checked, R2-R5 scratch.
 */
#define MAXLABEL 32
#define MAXFIX	 128

struct as {
	struct bpf_insn *p;
	size_t n, max;
	int fail;
	long label[MAXLABEL];
	struct {
		size_t at;
		int label;
	} fix[MAXFIX];
	size_t nfix;
};

static void emit(struct as *a, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	if (a->n >= a->max) {
		a->fail = 1;
		return;
	}
	a->p[a->n++] =
	    (struct bpf_insn){.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

static void label(struct as *a, int l)
{
	a->label[l] = (long)a->n;
}

/* if (u32)reg OP imm goto l (JMP32: the comparison of a 32-bit word, no sign extension) */
static void jmp32(struct as *a, uint8_t op, uint8_t reg, uint32_t imm, int l)
{
	if (a->nfix >= MAXFIX) {
		a->fail = 1;
		return;
	}
	a->fix[a->nfix].at = a->n;
	a->fix[a->nfix++].label = l;
	emit(a, BPF_JMP32 | op | BPF_K, reg, 0, 0, (int32_t)imm);
}

/* if reg OP imm goto l, on the whole 64-bit register (pointers) */
static void jmp64(struct as *a, uint8_t op, uint8_t reg, int32_t imm, int l)
{
	if (a->nfix >= MAXFIX) {
		a->fail = 1;
		return;
	}
	a->fix[a->nfix].at = a->n;
	a->fix[a->nfix++].label = l;
	emit(a, BPF_JMP | op | BPF_K, reg, 0, 0, imm);
}

static void go(struct as *a, int l)
{
	jmp64(a, BPF_JA, 0, 0, l);
}

static void mov_reg(struct as *a, uint8_t dst, uint8_t src)
{
	emit(a, BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0);
}

/* 32-bit move: zero-extended, so any u32 fits */
static void mov32(struct as *a, uint8_t dst, uint32_t imm)
{
	emit(a, BPF_ALU | BPF_MOV | BPF_K, dst, 0, 0, (int32_t)imm);
}

static void mov64(struct as *a, uint8_t dst, int32_t imm)
{
	emit(a, BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm);
}

static void ldw(struct as *a, uint8_t dst, uint8_t base, int16_t off)
{
	emit(a, BPF_LDX | BPF_MEM | BPF_W, dst, base, off, 0);
}

static void stxw(struct as *a, uint8_t base, int16_t off, uint8_t src)
{
	emit(a, BPF_STX | BPF_MEM | BPF_W, base, src, off, 0);
}

/* a word to the stack (R10-relative) */
static void stw(struct as *a, int16_t off, uint32_t imm)
{
	emit(a, BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, off, (int32_t)imm);
}

/* ctx word = imm (the context takes no immediate stores: through R2) */
static void set_ctx(struct as *a, int16_t off, uint32_t imm)
{
	mov32(a, BPF_REG_2, imm);
	stxw(a, BPF_REG_6, off, BPF_REG_2);
}

static void call(struct as *a, int32_t fn)
{
	emit(a, BPF_JMP | BPF_CALL, 0, 0, 0, fn);
}

static void ret(struct as *a, int32_t v)
{
	mov64(a, BPF_REG_0, v);
	emit(a, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

/* return 0 with the errno the syscall fails with */
static void ret_errno(struct as *a, int e)
{
	mov64(a, BPF_REG_1, -e);
	call(a, BPF_FUNC_set_retval);
	ret(a, 0);
}

static size_t finish(struct as *a)
{
	if (a->fail)
		return 0;
	for (size_t i = 0; i < a->nfix; i++) {
		long to = a->label[a->fix[i].label];
		if (to < 0)
			return 0;
		a->p[a->fix[i].at].off = (int16_t)(to - (long)a->fix[i].at - 1);
	}
	return a->n;
}

#define CTX(f)	      ((int16_t)offsetof(struct bpf_sock_addr, f))
#define SK(f)	      ((int16_t)offsetof(struct bpf_sock, f))
#define IP6W(base, i) ((int16_t)((base) + 4 * (i)))

static uint32_t be32(uint32_t host)
{
	return htonl(host);
}

static uint32_t w6(const uint8_t *a, int i)
{
	uint32_t w;
	memcpy(&w, a + 4 * i, 4);
	return w;
}

/* the zone's first IPv6 address as four address words */
static void first6(const struct zone_netpolicy *pol, uint32_t w[4])
{
	for (int i = 0; i < 4; i++)
		w[i] = w6(pol->v6[0], i);
}

/* goto l when R7 (an IPv4 address word) is one of the zone's (and its loopback, if lo) */
static void jmp_if_own4(struct as *a, const struct zone_netpolicy *pol, int lo, int l)
{
	for (size_t i = 0; i < pol->n4; i++)
		jmp32(a, BPF_JEQ, BPF_REG_7, pol->v4[i], l);
	if (lo)
		jmp32(a, BPF_JEQ, BPF_REG_7, pol->lo4, l);
}

/* R2..R5 := the four words at ctx+off (ctx in R6, or sk for post_bind) */
static void load6(struct as *a, int16_t off)
{
	for (int i = 0; i < 4; i++)
		ldw(a, (uint8_t)(BPF_REG_2 + i), BPF_REG_6, IP6W(off, i));
}

/* goto l when R2..R5 is one of the zone's IPv6 addresses; uses label scratch */
static void jmp_if_own6(struct as *a, const struct zone_netpolicy *pol, int l, int scratch)
{
	for (size_t k = 0; k < pol->n6 && k < 8; k++) {
		int next = scratch + (int)k;
		for (int i = 0; i < 4; i++)
			jmp32(a, BPF_JNE, (uint8_t)(BPF_REG_2 + i), w6(pol->v6[k], i), next);
		go(a, l);
		label(a, next);
	}
}

/* goto l when R2..R5 is a v4-mapped address (::ffff:a.b.c.d); R7 := the IPv4 word */
static void jmp_if_mapped(struct as *a, int l, int not )
{
	jmp32(a, BPF_JNE, BPF_REG_2, 0, not );
	jmp32(a, BPF_JNE, BPF_REG_3, 0, not );
	jmp32(a, BPF_JNE, BPF_REG_4, be32(0xffff), not );
	mov_reg(a, BPF_REG_7, BPF_REG_5);
	go(a, l);
}

/* R2..R5 all zero? (the wildcard) R7 scratch */
static void jmp_if_any6(struct as *a, int l)
{
	mov_reg(a, BPF_REG_7, BPF_REG_2);
	emit(a, BPF_ALU64 | BPF_OR | BPF_X, BPF_REG_7, BPF_REG_3, 0, 0);
	emit(a, BPF_ALU64 | BPF_OR | BPF_X, BPF_REG_7, BPF_REG_4, 0, 0);
	emit(a, BPF_ALU64 | BPF_OR | BPF_X, BPF_REG_7, BPF_REG_5, 0, 0);
	jmp64(a, BPF_JEQ, BPF_REG_7, 0, l);
}

static void jmp_if_loopback6(struct as *a, int l, int not )
{
	jmp32(a, BPF_JNE, BPF_REG_2, 0, not );
	jmp32(a, BPF_JNE, BPF_REG_3, 0, not );
	jmp32(a, BPF_JNE, BPF_REG_4, 0, not );
	jmp32(a, BPF_JEQ, BPF_REG_5, be32(1), l);
}

static void set_ctx6(struct as *a, int16_t off, const uint32_t w[4])
{
	for (int i = 0; i < 4; i++)
		set_ctx(a, IP6W(off, i), w[i]);
}

/* Zone root may bind below 1024 (return 3: the hook's "no CAP_NET_BIND_SERVICE check"). */
static void bind_ok(struct as *a, const struct zone_netpolicy *pol, int l_root)
{
	call(a, BPF_FUNC_get_current_uid_gid);
	jmp32(a, BPF_JEQ, BPF_REG_0, pol->root_uid, l_root);
	ret(a, 1);
	label(a, l_root);
	ret(a, 3);
}

static void gen_bind4(struct as *a, const struct zone_netpolicy *pol)
{
	enum { ANY, LO, OK, ROOT };
	mov_reg(a, BPF_REG_6, BPF_REG_1);
	ldw(a, BPF_REG_7, BPF_REG_6, CTX(user_ip4));
	jmp32(a, BPF_JEQ, BPF_REG_7, 0, ANY);
	jmp32(a, BPF_JEQ, BPF_REG_7, be32(INADDR_LOOPBACK), LO);
	jmp_if_own4(a, pol, 1, OK);
	ret_errno(a, EADDRNOTAVAIL);
	label(a, ANY);
	if (pol->n4 == 0) {
		ret_errno(a, EADDRNOTAVAIL);
	} else {
		set_ctx(a, CTX(user_ip4), pol->v4[0]);
		go(a, OK);
	}
	label(a, LO);
	set_ctx(a, CTX(user_ip4), pol->lo4);
	label(a, OK);
	bind_ok(a, pol, ROOT);
}

static void gen_bind6(struct as *a, const struct zone_netpolicy *pol)
{
	enum { ANY, MAPPED, NOTMAPPED, LO, OK, ROOT, MANY, SCRATCH };
	mov_reg(a, BPF_REG_6, BPF_REG_1);
	load6(a, CTX(user_ip6));
	jmp_if_any6(a, ANY);
	jmp_if_mapped(a, MAPPED, NOTMAPPED);
	label(a, NOTMAPPED);
	jmp_if_own6(a, pol, OK, SCRATCH);
	ret_errno(a, EADDRNOTAVAIL);
	label(a, ANY);
	if (pol->n6) {
		uint32_t w[4];

		first6(pol, w);
		set_ctx6(a, CTX(user_ip6), w);
		go(a, OK);
	} else if (pol->n4) {
		uint32_t w[4] = {0, 0, be32(0xffff), pol->v4[0]};
		set_ctx6(a, CTX(user_ip6), w);
		go(a, OK);
	} else {
		ret_errno(a, EADDRNOTAVAIL);
	}
	label(a, MAPPED);
	jmp32(a, BPF_JEQ, BPF_REG_7, be32(INADDR_LOOPBACK), LO);
	jmp32(a, BPF_JEQ, BPF_REG_7, 0, MANY);
	jmp_if_own4(a, pol, 1, OK);
	ret_errno(a, EADDRNOTAVAIL);
	label(a, MANY);
	if (pol->n4) {
		set_ctx(a, IP6W(CTX(user_ip6), 3), pol->v4[0]);
		go(a, OK);
	} else {
		ret_errno(a, EADDRNOTAVAIL);
	}
	label(a, LO);
	set_ctx(a, IP6W(CTX(user_ip6), 3), pol->lo4);
	label(a, OK);
	bind_ok(a, pol, ROOT);
}

static void gen_post_bind4(struct as *a, const struct zone_netpolicy *pol)
{
	enum { OK };
	ldw(a, BPF_REG_7, BPF_REG_1, SK(src_ip4));
	jmp_if_own4(a, pol, 1, OK);
	ret(a, 0);
	label(a, OK);
	ret(a, 1);
}

static void gen_post_bind6(struct as *a, const struct zone_netpolicy *pol)
{
	enum { OK, MAPPED, NOTMAPPED, SCRATCH };
	mov_reg(a, BPF_REG_6, BPF_REG_1);
	load6(a, SK(src_ip6));
	jmp_if_mapped(a, MAPPED, NOTMAPPED);
	label(a, NOTMAPPED);
	jmp_if_own6(a, pol, OK, SCRATCH);
	ret(a, 0);
	label(a, MAPPED);
	jmp_if_own4(a, pol, 1, OK);
	ret(a, 0);
	label(a, OK);
	ret(a, 1);
}

/* bpf_bind(ctx, {AF_INET, port 0, addr}): the source, before the kernel picks a host's. A
 * socket bound already keeps its address (bpf_bind says EINVAL, which is ignored). */
static void bind_src4(struct as *a, uint32_t addr)
{
	stw(a, -16, AF_INET);
	stw(a, -12, addr);
	stw(a, -8, 0);
	stw(a, -4, 0);
	mov_reg(a, BPF_REG_1, BPF_REG_6);
	mov_reg(a, BPF_REG_2, BPF_REG_10);
	emit(a, BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -16);
	mov64(a, BPF_REG_3, 16);
	call(a, BPF_FUNC_bind);
}

static void bind_src6(struct as *a, const uint32_t w[4])
{
	stw(a, -32, AF_INET6);
	stw(a, -28, 0);
	for (int i = 0; i < 4; i++)
		stw(a, (int16_t)(-24 + 4 * i), w[i]);
	stw(a, -8, 0);
	stw(a, -4, 0);
	mov_reg(a, BPF_REG_1, BPF_REG_6);
	mov_reg(a, BPF_REG_2, BPF_REG_10);
	emit(a, BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -32);
	mov64(a, BPF_REG_3, 28);
	call(a, BPF_FUNC_bind);
}

/*
 * 127.0.0.1 from the zone: the zone's loopback address when a socket of the zone listens (or
 * is bound, for UDP) there, else its first address, where a server bound to the wildcard is.
 * Looked up with bpf_sk_lookup_{tcp,udp} on the tuple (0, lo4, 0, port) at R10-48.  Leaves
 * the chosen address in the context and goes to l_lo or l_first.
 */
static void pick_loopback4(struct as *a, const struct zone_netpolicy *pol, int l_lo, int l_first,
			   int udp_only, int l_udp, int l_looked, int l_none)
{
	stw(a, -48, 0);
	stw(a, -44, pol->lo4);
	ldw(a, BPF_REG_2, BPF_REG_6, CTX(user_port));
	emit(a, BPF_ALU64 | BPF_LSH | BPF_K, BPF_REG_2, 0, 0, 16);
	stxw(a, BPF_REG_10, -40, BPF_REG_2);
	mov_reg(a, BPF_REG_1, BPF_REG_6);
	mov_reg(a, BPF_REG_2, BPF_REG_10);
	emit(a, BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -48);
	mov64(a, BPF_REG_3, 12); /* sizeof tuple.ipv4 */
	mov64(a, BPF_REG_4, -1); /* BPF_F_CURRENT_NETNS */
	mov64(a, BPF_REG_5, 0);
	if (!udp_only) {
		ldw(a, BPF_REG_0, BPF_REG_6, CTX(type));
		jmp32(a, BPF_JEQ, BPF_REG_0, SOCK_DGRAM, l_udp);
		call(a, BPF_FUNC_sk_lookup_tcp);
		go(a, l_looked);
	}
	label(a, l_udp);
	call(a, BPF_FUNC_sk_lookup_udp);
	label(a, l_looked);
	jmp64(a, BPF_JEQ, BPF_REG_0, 0, l_none);
	mov_reg(a, BPF_REG_1, BPF_REG_0);
	call(a, BPF_FUNC_sk_release);
	set_ctx(a, CTX(user_ip4), pol->lo4);
	go(a, l_lo);
	label(a, l_none);
	set_ctx(a, CTX(user_ip4), pol->n4 ? pol->v4[0] : pol->lo4);
	go(a, pol->n4 ? l_first : l_lo);
}

/*
 * R7 is an IPv4 destination: goto l_remote outside 127/8, l_own for the zone's own loopback
 * address, l_lo for 127.0.0.1 (which is the zone's own address to the zone); any other 127/8
 * address (another zone's loopback, the host's other 127/8 services) is refused here: ret 0.
 * R2 scratch.
 */
static void jmp_loopback4(struct as *a, const struct zone_netpolicy *pol, int l_remote, int l_own,
			  int l_lo)
{
	mov_reg(a, BPF_REG_2, BPF_REG_7);
	emit(a, BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xff); /* the first octet */
	jmp32(a, BPF_JNE, BPF_REG_2, 127, l_remote);
	jmp32(a, BPF_JEQ, BPF_REG_7, pol->lo4, l_own);
	jmp32(a, BPF_JEQ, BPF_REG_7, be32(INADDR_LOOPBACK), l_lo);
	ret(a, 0);
}

static void gen_connect4(struct as *a, const struct zone_netpolicy *pol)
{
	enum { REMOTE, LOSRC, SRC, UDP, LOOKED, NONE, PICK };
	mov_reg(a, BPF_REG_6, BPF_REG_1);
	ldw(a, BPF_REG_7, BPF_REG_6, CTX(user_ip4));
	jmp_loopback4(a, pol, REMOTE, LOSRC, PICK);
	label(a, PICK);
	pick_loopback4(a, pol, LOSRC, SRC, 0, UDP, LOOKED, NONE);
	label(a, LOSRC);
	bind_src4(a, pol->lo4);
	ret(a, 1);
	label(a, REMOTE);
	if (pol->n4 == 0) { /* no IPv4 address: pick_loopback4 never goes to SRC */
		ret_errno(a, ENETUNREACH);
		return;
	}
	label(a, SRC);
	bind_src4(a, pol->v4[0]);
	ret(a, 1);
}

/* Check (or set, when unset) msg_src_ip4: R7 is scratch. */
static void src_check4(struct as *a, const struct zone_netpolicy *pol, uint32_t dflt, int l_ok,
		       int l_set)
{
	ldw(a, BPF_REG_7, BPF_REG_6, CTX(msg_src_ip4));
	jmp32(a, BPF_JEQ, BPF_REG_7, 0, l_set);
	jmp_if_own4(a, pol, 1, l_ok);
	ret(a, 0);
	label(a, l_set);
	set_ctx(a, CTX(msg_src_ip4), dflt);
	go(a, l_ok);
}

static void gen_sendmsg4(struct as *a, const struct zone_netpolicy *pol)
{
	enum { REMOTE, LO, FIRST, UDP, LOOKED, NONE, OK, SET1, SET2, PICK };
	mov_reg(a, BPF_REG_6, BPF_REG_1);
	ldw(a, BPF_REG_7, BPF_REG_6, CTX(user_ip4));
	jmp_loopback4(a, pol, REMOTE, LO, PICK);
	label(a, PICK);
	pick_loopback4(a, pol, LO, FIRST, 1, UDP, LOOKED, NONE);
	label(a, LO);
	src_check4(a, pol, pol->lo4, OK, SET1);
	label(a, REMOTE);
	if (pol->n4 == 0) { /* the verifier refuses code nothing reaches: no FIRST then */
		ret_errno(a, ENETUNREACH);
	} else {
		label(a, FIRST);
		src_check4(a, pol, pol->v4[0], OK, SET2);
	}
	label(a, OK);
	ret(a, 1);
}

static void gen_connect6(struct as *a, const struct zone_netpolicy *pol)
{
	enum { MAPPED, NOTMAPPED, LOOP, NOTLOOP, LO, LOSRC, REMOTE4 };
	mov_reg(a, BPF_REG_6, BPF_REG_1);
	load6(a, CTX(user_ip6));
	jmp_if_mapped(a, MAPPED, NOTMAPPED);
	label(a, NOTMAPPED);
	jmp_if_loopback6(a, LOOP, NOTLOOP);
	label(a, NOTLOOP);
	if (pol->n6) {
		uint32_t w[4];

		first6(pol, w);
		bind_src6(a, w);
		ret(a, 1);
	} else {
		ret_errno(a, ENETUNREACH);
	}
	label(a, LOOP); /* ::1 has no per-zone twin: refused, clients fall back to 127.0.0.1 */
	ret_errno(a, ECONNREFUSED);
	label(a, MAPPED);
	jmp_loopback4(a, pol, REMOTE4, LOSRC, LO);
	label(a, LO);
	set_ctx(a, IP6W(CTX(user_ip6), 3), pol->lo4);
	label(a, LOSRC);
	{
		uint32_t w[4] = {0, 0, be32(0xffff), pol->lo4};
		bind_src6(a, w);
		ret(a, 1);
	}
	label(a, REMOTE4);
	if (pol->n4) {
		uint32_t w[4] = {0, 0, be32(0xffff), pol->v4[0]};
		bind_src6(a, w);
		ret(a, 1);
	} else {
		ret_errno(a, ENETUNREACH);
	}
}

static void gen_sendmsg6(struct as *a, const struct zone_netpolicy *pol)
{
	enum { MAPPED, NOTMAPPED, LOOP, NOTLOOP, SET, OK, LO, SCRATCH };
	mov_reg(a, BPF_REG_6, BPF_REG_1);
	load6(a, CTX(user_ip6));
	jmp_if_mapped(a, MAPPED, NOTMAPPED);
	label(a, NOTMAPPED);
	jmp_if_loopback6(a, LOOP, NOTLOOP);
	label(a, NOTLOOP);
	if (pol->n6 == 0) {
		ret_errno(a, ENETUNREACH);
	} else {
		uint32_t w[4];

		first6(pol, w);
		load6(a, CTX(msg_src_ip6));
		jmp_if_any6(a, SET);
		jmp_if_own6(a, pol, OK, SCRATCH);
		ret(a, 0);
		label(a, SET);
		set_ctx6(a, CTX(msg_src_ip6), w);
	}
	label(a, OK);
	ret(a, 1);
	label(a, LOOP);
	ret_errno(a, ECONNREFUSED);
	/* a v4-mapped destination: its loopback as in sendmsg4 (without the lookup) */
	label(a, MAPPED);
	jmp_loopback4(a, pol, OK, OK, LO);
	label(a, LO);
	set_ctx(a, IP6W(CTX(user_ip6), 3), pol->lo4);
	go(a, OK);
}

/* the zone's loopback address shows as 127.0.0.1 (recvmsg4, getpeername4, getsockname4) */
static void gen_unrewrite4(struct as *a, const struct zone_netpolicy *pol)
{
	enum { OUT };
	mov_reg(a, BPF_REG_6, BPF_REG_1);
	ldw(a, BPF_REG_7, BPF_REG_6, CTX(user_ip4));
	jmp32(a, BPF_JNE, BPF_REG_7, pol->lo4, OUT);
	set_ctx(a, CTX(user_ip4), be32(INADDR_LOOPBACK));
	label(a, OUT);
	ret(a, 1);
}

static void gen_sock_create(struct as *a, const struct zone_netpolicy *pol)
{
	enum { STREAM, DGRAM };
	(void)pol;
	ldw(a, BPF_REG_2, BPF_REG_1, SK(type));
	ldw(a, BPF_REG_3, BPF_REG_1, SK(protocol));
	jmp32(a, BPF_JEQ, BPF_REG_2, SOCK_STREAM, STREAM);
	jmp32(a, BPF_JEQ, BPF_REG_2, SOCK_DGRAM, DGRAM);
	ret(a, 0);
	label(a, STREAM);
	jmp32(a, BPF_JNE, BPF_REG_3, IPPROTO_TCP, DGRAM + 1);
	ret(a, 1);
	label(a, DGRAM);
	jmp32(a, BPF_JNE, BPF_REG_3, IPPROTO_UDP, DGRAM + 1);
	ret(a, 1);
	label(a, DGRAM + 1);
	ret(a, 0);
}

size_t zone_netbpf_gen(enum zone_netbpf_hook hook, const struct zone_netpolicy *pol,
		       struct bpf_insn *out, size_t max)
{
	static void (*const gen[ZONE_HOOK_COUNT])(struct as *, const struct zone_netpolicy *) = {
	    [ZONE_HOOK_SOCK_CREATE] = gen_sock_create,
	    [ZONE_HOOK_BIND4] = gen_bind4,
	    [ZONE_HOOK_BIND6] = gen_bind6,
	    [ZONE_HOOK_POST_BIND4] = gen_post_bind4,
	    [ZONE_HOOK_POST_BIND6] = gen_post_bind6,
	    [ZONE_HOOK_CONNECT4] = gen_connect4,
	    [ZONE_HOOK_CONNECT6] = gen_connect6,
	    [ZONE_HOOK_SENDMSG4] = gen_sendmsg4,
	    [ZONE_HOOK_SENDMSG6] = gen_sendmsg6,
	    [ZONE_HOOK_RECVMSG4] = gen_unrewrite4,
	    [ZONE_HOOK_GETPEERNAME4] = gen_unrewrite4,
	    [ZONE_HOOK_GETSOCKNAME4] = gen_unrewrite4,
	};
	struct as *a;
	size_t n;

	if ((unsigned)hook >= ZONE_HOOK_COUNT || pol->n4 > ZONE_NET_MAXADDR ||
	    pol->n6 > ZONE_NET_MAXADDR)
		return 0;
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return 0;
	a->p = out;
	a->max = max;
	for (int i = 0; i < MAXLABEL; i++)
		a->label[i] = -1;
	gen[hook](a, pol);
	n = finish(a);
	free(a);
	return n;
}

int zone_netpolicy_parse(struct zone_netpolicy *pol, const char *list, struct zone_error *err)
{
	const char *p = list;

	pol->n4 = pol->n6 = 0;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char addr[INET6_ADDRSTRLEN + 8];
		char *slash;

		if (len == 0 || len >= sizeof(addr))
			return zone_error_set(err, 0, "address list '%s': empty or long entry",
					      list);
		memcpy(addr, p, len);
		addr[len] = '\0';
		slash = strchr(addr, '/');
		if (slash)
			*slash = '\0';
		if (strchr(addr, ':')) {
			if (pol->n6 >= ZONE_NET_MAXADDR)
				return zone_error_set(err, 0, "more than %d IPv6 addresses",
						      ZONE_NET_MAXADDR);
			if (inet_pton(AF_INET6, addr, pol->v6[pol->n6]) != 1)
				return zone_error_set(err, 0, "'%s' is not an IPv6 address", addr);
			pol->n6++;
		} else {
			struct in_addr in;
			if (pol->n4 >= ZONE_NET_MAXADDR)
				return zone_error_set(err, 0, "more than %d IPv4 addresses",
						      ZONE_NET_MAXADDR);
			if (inet_pton(AF_INET, addr, &in) != 1)
				return zone_error_set(err, 0, "'%s' is not an IPv4 address", addr);
			pol->v4[pol->n4++] = in.s_addr;
		}
		p += len + (comma ? 1 : 0);
	}
	return 0;
}

uint32_t zone_netbpf_loopback(const char *zone)
{
	uint32_t h = 2166136261u; /* FNV-1a, as the veth names */

	for (const char *p = zone; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return htonl(127u << 24 | (1 + h % 254) << 16 | ((h >> 8) & 0xff) << 8 |
		     (1 + (h >> 16) % 254));
}

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* Load one program; on a refusal, again with the verifier's log, whose last line says why. */
int zone_netbpf_load(enum zone_netbpf_hook hook, const struct zone_netpolicy *pol,
		     struct zone_error *err)
{
	static char log[16384];
	struct bpf_insn insn[ZONE_NETBPF_MAXINSN];
	size_t n = zone_netbpf_gen(hook, pol, insn, ZONE_NETBPF_MAXINSN);
	union bpf_attr attr;
	int fd, e;

	if (n == 0)
		return zone_error_set(err, 0, "the %s hook does not assemble",
				      zone_netbpf_hooks[hook].name);

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = zone_netbpf_hooks[hook].prog_type;
	attr.expected_attach_type = zone_netbpf_hooks[hook].attach_type;
	attr.insns = (uint64_t)(uintptr_t)insn;
	attr.insn_cnt = (uint32_t)n;
	attr.license = (uint64_t)(uintptr_t) "lxzone";
	snprintf(attr.prog_name, sizeof(attr.prog_name), "lxz_%s", zone_netbpf_hooks[hook].name);
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd >= 0)
		return fd;
	e = errno;
	log[0] = '\0';
	attr.log_buf = (uint64_t)(uintptr_t)log;
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd >= 0)
		return fd;
	size_t l = strlen(log);
	while (l && log[l - 1] == '\n')
		log[--l] = '\0';
	char *last = strrchr(log, '\n');
	return zone_error_set(err, e, "load the %s hook%s%s", zone_netbpf_hooks[hook].name,
			      *log ? ": " : "", last ? last + 1 : log);
}

int zone_netbpf_attach(const char *cgdir, const struct zone_netpolicy *pol, struct zone_error *err)
{
	int cg = open(cgdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (cg < 0)
		return zone_error_set(err, errno, "open %s", cgdir);
	for (int h = 0; h < ZONE_HOOK_COUNT; h++) {
		union bpf_attr attr;
		int fd = zone_netbpf_load((enum zone_netbpf_hook)h, pol, err);

		if (fd < 0) {
			close(cg);
			return -1;
		}
		memset(&attr, 0, sizeof(attr));
		attr.target_fd = (uint32_t)cg;
		attr.attach_bpf_fd = (uint32_t)fd;
		attr.attach_type = zone_netbpf_hooks[h].attach_type;
		attr.attach_flags = 0; /* nothing below may attach or override */
		if (sys_bpf(BPF_PROG_ATTACH, &attr) < 0) {
			int e = errno;
			close(fd);
			close(cg);
			return zone_error_set(err, e, "attach the %s hook to %s",
					      zone_netbpf_hooks[h].name, cgdir);
		}
		close(fd); /* the cgroup holds it until it is removed */
	}
	close(cg);
	return 0;
}
