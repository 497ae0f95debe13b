#ifndef LXZONE_LOADER_H
#define LXZONE_LOADER_H

#include <stdint.h>

struct lx_image {
	uint64_t entry;
	uint64_t bias; /* load address minus link address (0 for ET_EXEC) */
	uint64_t phdr; /* address of the program headers in memory */
	uint64_t phnum;
	uint64_t phent;
};

/* Maps the ELF open on fd as the kernel's binfmt_elf would. main: the program (PIE goes at
 * the kernel's ELF_ET_DYN_BASE plus randomness), else an interpreter (anywhere). 0/-errno. */
int lx_load_elf(long fd, int main, struct lx_image *img);

#endif
