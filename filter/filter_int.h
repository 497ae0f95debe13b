/* What the files of the filter builder (filter/) share; nothing else includes it. */
#ifndef LXZONE_FILTER_INT_H
#define LXZONE_FILTER_INT_H

#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include "filter/filter.h"
#include "kernel-shim/brand_abi.h"

#define LX_VSYSCALL_ADDR 0xffffffffff600000UL

_Static_assert(LX_GATE_ADDR >> 32 == (LX_GATE_ADDR + LX_GATE_LEN) >> 32,
	       "the gate check compares the high word for equality: the gate must not cross 4 GiB");
_Static_assert(LX_VSYSCALL_ADDR >> 32 != 0,
	       "the vsyscall page must have a nonzero high word so it is never the gate");
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "instruction_pointer's low word is the first one on x86_64 only");

#define IP_LO ((uint32_t)offsetof(struct seccomp_data, instruction_pointer))
#define IP_HI (IP_LO + 4)
#define GATE_HI ((uint32_t)(LX_GATE_ADDR >> 32)) /* the gate's high word */

#define RET_TRAP_BRAND (SECCOMP_RET_TRAP | LX_TRAP_DATA)
#define GATE_CHECK_LEN 7 /* instructions of one gate check (lx_filter_gate_pass) */

/* CLONE_VM|CLONE_VFORK children run on the parent's memory and stack until they exec or exit;
 * the brand cannot interpose a trampoline there, and need not: the parent is suspended. */
#define CLONE_VFORK_STYLE ((scmp_datum_t)(CLONE_VM | CLONE_VFORK))

/* rules.c */
#define LX_FUTEX_TRAPPED 8
#define LX_FUTEX_PASSED	 6
extern const int lx_filter_futex_trapped[LX_FUTEX_TRAPPED]; /* futex commands the brand emulates */
extern const int lx_filter_futex_passed[LX_FUTEX_PASSED];
int lx_filter_lxproc_nr(const struct lx_filter_opts *o, int nr);
unsigned lx_filter_effective_class(const struct lx_filter_opts *o, int nr);
int lx_filter_hard_only(int nr);
/* The hardened epoll calls the brand makes on the host's eventpoll under o (add_epoll_rules):
 * LX_EPH_ANY from the gate with any arguments, LX_EPH_RANGE from the gate on a first argument
 * in the brand's reserved range; 0 for every other call, and for any call without o->hardened
 * or with o->epoll_ppoll. */
#define LX_EPH_ANY   1
#define LX_EPH_RANGE 2
int lx_filter_eph_nr(const struct lx_filter_opts *o, int nr);
/* the gate refuses nr with EPERM (LX_FILTER_MARK_HARD): hardened calls, lxproc zones' sysinfo */
int lx_filter_gate_refuses(const struct lx_filter_opts *o, int nr);
int lx_filter_add_rules(scmp_filter_ctx ctx, const struct lx_filter_opts *o,
			struct zone_error *err);

/* gate.c */
int lx_filter_export_bpf(scmp_filter_ctx ctx, struct sock_filter **prog, size_t *len, size_t extra,
			 struct zone_error *err);

#endif
