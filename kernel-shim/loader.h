#ifndef LXZONE_LOADER_H
#define LXZONE_LOADER_H

#include <stdint.h>

struct lx_image {
	uint64_t entry;
	uint64_t bias; /* load address minus link address (0 for ET_EXEC) */
	uint64_t phdr; /* address of the program headers in memory */
	uint64_t phnum;
	uint64_t phent;
	uint64_t end; /* one past the image's highest page, as mapped */
	uint64_t file; /* the start of its first segment mapped from the file (0: none) */
};

/* Where the kernel puts a program's heap: after its image, a random page of the next 1 GiB
 * (arch_randomize_brk) unless ADDR_NO_RANDOMIZE. */
uint64_t lx_heap_start(const struct lx_image *prog);

/* Maps the ELF open on fd as the kernel's binfmt_elf would. main: the program (PIE goes at
 * the kernel's ELF_ET_DYN_BASE plus randomness), else an interpreter (anywhere). 0/-errno. */
int lx_load_elf(long fd, int main, struct lx_image *img);

#endif
