/*
 * From libseccomp's program to the brand's: export the BPF and rewrite the TRACE placeholders
 * into the gate checks (the gate post-pass, described in filter/filter.c).
 */
#include "filter/filter_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "emul/systable.h"
#include "filter/bpf_sim.h"
#include "kernel-shim/brand_abi.h"

/* libseccomp 2.5.4 exports only to a file descriptor: go through a memfd. */
int lx_filter_export_bpf(scmp_filter_ctx ctx, struct sock_filter **prog, size_t *len, size_t extra,
			 struct zone_error *err)
{
	int fd = memfd_create("lxzone-filter", MFD_CLOEXEC);
	struct stat st;
	int rc;

	if (fd < 0)
		return zone_error_set(err, errno, "filter: memfd_create");
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0) {
		close(fd);
		return zone_error_set(err, -rc, "filter: export BPF");
	}
	if (fstat(fd, &st) < 0 || st.st_size <= 0 ||
	    st.st_size % (off_t)sizeof(struct sock_filter) != 0) {
		close(fd);
		return zone_error_set(err, 0, "filter: exported BPF has a bad size");
	}
	*len = (size_t)st.st_size / sizeof(struct sock_filter);
	*prog = calloc(*len + extra, sizeof(struct sock_filter));
	if (!*prog) {
		close(fd);
		return zone_error_set(err, ENOMEM, "filter");
	}
	ssize_t n = pread(fd, *prog, (size_t)st.st_size, 0);
	close(fd);
	if (n != st.st_size) {
		free(*prog);
		*prog = NULL;
		return zone_error_set(err, 0, "filter: read back exported BPF: %s",
				      n < 0 ? strerror(errno) : "short read");
	}
	return 0;
}

long lx_filter_gate_pass(struct sock_filter *prog, size_t len, struct zone_error *err)
{
	const size_t gate = len;
	size_t gated = 0, newer = 0, nhard = 0, total, at;
	/* where each check lands: the trap check first, then those the program needs */
	size_t newer_at, hard_at;

	for (size_t i = 0; i < len; i++) {
		struct sock_filter *f = &prog[i];
		if (f->code == (BPF_RET | BPF_A))
			return zone_error_set(err, 0, "filter: insn %zu: unexpected ret A", i);
		if (f->code != (BPF_RET | BPF_K) ||
		    (f->k & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_TRACE)
			continue;
		switch (f->k & SECCOMP_RET_DATA) {
		case LX_FILTER_MARK_GATED:
			gated++;
			break;
		case LX_FILTER_MARK_NEWER:
			newer++;
			break;
		case LX_FILTER_MARK_HARD:
			nhard++;
			break;
		case LX_FILTER_MARK_PLAIN:
			break;
		default:
			return zone_error_set(err, 0, "filter: insn %zu: stray ret TRACE|0x%x", i,
					      f->k & SECCOMP_RET_DATA);
		}
	}
	if (gated == 0)
		return zone_error_set(err, 0, "filter: no gated trap in the program");
	newer_at = gate + GATE_CHECK_LEN;
	hard_at = newer_at + (newer ? GATE_CHECK_LEN : 0);
	total = hard_at + (nhard ? GATE_CHECK_LEN : 0);
	if (total > BPF_MAXINSNS)
		return zone_error_set(err, 0, "filter: %zu instructions, the kernel takes %d",
				      total, BPF_MAXINSNS);
	for (size_t i = 0; i < len; i++) {
		struct sock_filter *f = &prog[i];
		size_t to;

		if (f->code != (BPF_RET | BPF_K) ||
		    (f->k & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_TRACE)
			continue;
		switch (f->k & SECCOMP_RET_DATA) {
		case LX_FILTER_MARK_PLAIN:
			*f = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, RET_TRAP_BRAND);
			continue;
		case LX_FILTER_MARK_NEWER:
			to = newer_at;
			break;
		case LX_FILTER_MARK_HARD:
			to = hard_at;
			break;
		default:
			to = gate;
		}
		*f = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, to - i - 1, 0, 0);
	}

	/* One check, three uses; `inside` is the answer for a call from the gate (the brand's
	 * own), `outside` for any other address:
	 *   GATED  ALLOW / trap            an emulated call
	 *   NEWER  ALLOW / ENOSYS          a call newer than the zone's kernel-version
	 *   HARD   EPERM / trap            a host subsystem the hardened profile keeps out of
	 *                                  reach, which the brand never calls: a guest jumping to
	 *                                  the gate must not reach it either */
#define GATE_CHECK(inside, outside)                                                                \
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, IP_HI), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, GATE_HI, 0, 4), \
	    /* another high word: not the gate */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, IP_LO),      \
	    BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, (uint32_t)LX_GATE_ADDR, 0, 2),                     \
	    BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, (uint32_t)(LX_GATE_ADDR + LX_GATE_LEN), 1, 0),     \
	    BPF_STMT(BPF_RET | BPF_K, inside), BPF_STMT(BPF_RET | BPF_K, outside)
	const struct sock_filter gated_check[] = {GATE_CHECK(SECCOMP_RET_ALLOW, RET_TRAP_BRAND)};
	const struct sock_filter newer_check[] = {
	    GATE_CHECK(SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | ENOSYS)};
	const struct sock_filter hard_check[] = {
	    GATE_CHECK(SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA), RET_TRAP_BRAND)};
#undef GATE_CHECK
	_Static_assert(sizeof(gated_check) == GATE_CHECK_LEN * sizeof(gated_check[0]),
		       "GATE_CHECK_LEN");
	_Static_assert(3 * GATE_CHECK_LEN == LX_FILTER_GATE_BLOCK_LEN, "LX_FILTER_GATE_BLOCK_LEN");
	at = gate;
	memcpy(&prog[at], gated_check, sizeof(gated_check));
	at += GATE_CHECK_LEN;
	if (newer) {
		memcpy(&prog[at], newer_check, sizeof(newer_check));
		at += GATE_CHECK_LEN;
	}
	if (nhard)
		memcpy(&prog[at], hard_check, sizeof(hard_check));
	return (long)total;
}
