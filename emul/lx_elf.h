/* The ELF64 structures and constants the brand reads (execprobe, the loader, start-up). */
#ifndef LXZONE_LX_ELF_H
#define LXZONE_LX_ELF_H

#include <stdint.h>

#define LX_EI_NIDENT   16
#define LX_ELFCLASS64  2
#define LX_ELFDATA2LSB 1
#define LX_ET_EXEC     2
#define LX_ET_DYN      3
#define LX_EM_X86_64   62
#define LX_PT_LOAD     1
#define LX_PT_INTERP   3
#define LX_PT_PHDR     6
#define LX_PF_X	       1
#define LX_PF_W	       2
#define LX_PF_R	       4

struct lx_elf64_ehdr {
	unsigned char e_ident[LX_EI_NIDENT];
	uint16_t e_type, e_machine;
	uint32_t e_version;
	uint64_t e_entry, e_phoff, e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct lx_elf64_phdr {
	uint32_t p_type, p_flags;
	uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

#endif
