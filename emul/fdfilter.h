/*
 * lxproc's descriptor filter (the table's FDFILTER rows, emul/systable.def): a second, small
 * seccomp filter the brand stacks on a process the first time it hands that process a synthesized
 * /proc or /sys descriptor (so only processes that can hold one pay for it).  It traps fstat,
 * newfstatat and statx with AT_EMPTY_PATH, and mmap without MAP_ANONYMOUS, unless they come from
 * the gate; everything else it allows, leaving the decision to the brand's main filter (the kernel
 * takes the strictest action of all filters).  syscalls/lx_proc.c answers the trapped calls.
 *
 * Pure: builds the classic BPF program; the unit test runs it in the BPF simulator.
 */
#ifndef LXZONE_FDFILTER_H
#define LXZONE_FDFILTER_H

#include <stddef.h>
#include <stdint.h>

/* struct sock_filter's layout, without the kernel header */
struct lx_sock_filter {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};

#define LX_FDFILTER_LEN 21

/* Writes the program (LX_FDFILTER_LEN instructions) to out. */
void lx_fdfilter_build(struct lx_sock_filter out[LX_FDFILTER_LEN]);

#endif
