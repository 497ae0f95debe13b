/*
 * The ELF loader: what binfmt_elf does for the guest's program and its interpreter, done by
 * the brand after the kernel has executed the brand image.  Static, static-PIE and dynamic
 * executables; the interpreter is loaded here too, as the kernel would, so the guest's ld.so
 * starts with the auxv it expects.  Segments are mapped from the file (private, fixed inside
 * one reservation of the whole image, so they never land on another mapping), the partial
 * bss page zeroed and the rest of the bss mapped anonymous.
 */
#include "kernel-shim/loader.h"
#include "emul/lx_abi.h"
#include "emul/lx_elf.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"

#define MAX_PHDRS	128
#define STACK_PHDRS	24		  /* read onto the boot stack; more (rare) into a mapping */
#define ELF_ET_DYN_BASE 0x555555554000ULL /* the kernel's, 2/3 of the 47-bit space */

#define PAGE_DOWN(x) ((x) & ~(LX_PAGE - 1))
#define PAGE_UP(x)   (((x) + LX_PAGE - 1) & ~(LX_PAGE - 1))

static int prot_of(uint32_t f)
{
	return ((f & LX_PF_R) ? LX_PROT_READ : 0) | ((f & LX_PF_W) ? LX_PROT_WRITE : 0) |
	       ((f & LX_PF_X) ? LX_PROT_EXEC : 0);
}

static int read_full(long fd, void *buf, size_t len, uint64_t off)
{
	long r = lx_sys4(LX_SYS_pread64, fd, buf, len, off);

	if (r < 0)
		return (int)r;
	return (size_t)r == len ? 0 : -LX_ENOEXEC;
}

/*
 * A random page offset below 2^bits pages (a PIE program's from ELF_ET_DYN_BASE, the heap's
 * from the program's end), or none under ADDR_NO_RANDOMIZE (setarch -R, gdb's default), as
 * the kernel places both then.  The persona is asked here, once per exec, rather than handed
 * over.  (The kernel also stops randomizing when kernel.randomize_va_space is 0; the brand
 * does not read that host-wide knob and randomizes then.)
 */
static uint64_t random_pages(unsigned bits)
{
	static int8_t fixed LX_BSS_HOT; /* 0: not asked yet, 1: ADDR_NO_RANDOMIZE, -1: random */
	uint32_t rnd = 0;

	if (!fixed) {
		long pers = lx_sys1(LX_SYS_personality, 0xffffffffUL);

		fixed = pers >= 0 && (pers & LX_ADDR_NO_RANDOMIZE) ? 1 : -1;
	}
	if (fixed > 0)
		return 0;
	lx_sys3(LX_SYS_getrandom, &rnd, sizeof(rnd), 0);
	return (uint64_t)(rnd & ((1U << bits) - 1)) * LX_PAGE;
}

uint64_t lx_heap_start(const struct lx_image *prog)
{
	return prog->end + random_pages(18); /* 1 GiB, x86-64's */
}

static int load_segments(long fd, int main, struct lx_image *img, const struct lx_elf64_ehdr *ehp,
			 struct lx_elf64_phdr *ph);

int lx_load_elf(long fd, int main, struct lx_image *img)
{
	/* the header and the usual dozen program headers in one read, into a small buffer:
	 * every page of the boot stack the start writes is a fresh page per exec */
	union {
		struct lx_elf64_ehdr eh;
		char b[sizeof(struct lx_elf64_ehdr) + STACK_PHDRS * sizeof(struct lx_elf64_phdr)];
	} u;
	struct lx_elf64_phdr *ph;
	size_t phsz, maplen = 0;
	long n = lx_sys4(LX_SYS_pread64, fd, u.b, sizeof(u.b), 0);
	int r = 0;

	if (n < 0)
		return (int)n;
	if ((size_t)n < sizeof(u.eh))
		return -LX_ENOEXEC;
	if (u.eh.e_phentsize != sizeof(struct lx_elf64_phdr) || u.eh.e_phnum == 0 ||
	    u.eh.e_phnum > MAX_PHDRS)
		return -LX_ENOEXEC;
	phsz = u.eh.e_phnum * sizeof(struct lx_elf64_phdr);
	if (u.eh.e_phoff + phsz <= (uint64_t)n && !(u.eh.e_phoff & 7)) {
		ph = (struct lx_elf64_phdr *)(void *)(u.b + u.eh.e_phoff);
	} else {
		maplen = PAGE_UP(phsz);
		if (!(ph = lx_mmap_anon(maplen)))
			return -LX_ENOMEM;
		r = read_full(fd, ph, phsz, u.eh.e_phoff);
	}
	if (r == 0)
		r = load_segments(fd, main, img, &u.eh, ph);
	if (maplen)
		lx_munmap(ph, maplen);
	return r;
}

static int load_segments(long fd, int main, struct lx_image *img, const struct lx_elf64_ehdr *ehp,
			 struct lx_elf64_phdr *ph)
{
	const struct lx_elf64_ehdr eh = *ehp;
	uint64_t lo = ~0ULL, hi = 0, bias = 0, base, hint;
	int i;

	for (i = 0; i < eh.e_phnum; i++) {
		if (ph[i].p_type != LX_PT_LOAD)
			continue;
		if (ph[i].p_memsz < ph[i].p_filesz ||
		    (ph[i].p_vaddr & (LX_PAGE - 1)) != (ph[i].p_offset & (LX_PAGE - 1)))
			return -LX_ENOEXEC;
		if (PAGE_DOWN(ph[i].p_vaddr) < lo)
			lo = PAGE_DOWN(ph[i].p_vaddr);
		if (PAGE_UP(ph[i].p_vaddr + ph[i].p_memsz) > hi)
			hi = PAGE_UP(ph[i].p_vaddr + ph[i].p_memsz);
	}
	if (hi <= lo)
		return -LX_ENOEXEC;

	/* one reservation for the whole image; segments are then mapped inside it */
	if (eh.e_type == LX_ET_DYN) {
		hint = main ? ELF_ET_DYN_BASE + random_pages(24) : 0; /* up to 64 GiB */
		long m = lx_sys6(LX_SYS_mmap, hint, hi - lo, LX_PROT_NONE,
				 LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | LX_MAP_NORESERVE, -1, 0);
		if (lx_is_err(m))
			return (int)m;
		base = (uint64_t)m;
		bias = base - lo;
	} else {
		long m = lx_sys6(LX_SYS_mmap, lo, hi - lo, LX_PROT_NONE,
				 LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | LX_MAP_NORESERVE |
				     LX_MAP_FIXED_NOREPLACE,
				 -1, 0);
		if (lx_is_err(m))
			return m == -LX_EEXIST ? -LX_ENOMEM : (int)m;
		base = lo;
	}

	img->phdr = 0;
	img->file = 0;
	for (i = 0; i < eh.e_phnum; i++) {
		struct lx_elf64_phdr *p = &ph[i];
		if (p->p_type == LX_PT_PHDR)
			img->phdr = p->p_vaddr + bias;
		if (p->p_type != LX_PT_LOAD)
			continue;
		uint64_t start = PAGE_DOWN(p->p_vaddr + bias);
		uint64_t file_end = p->p_vaddr + bias + p->p_filesz;
		uint64_t mem_end = p->p_vaddr + bias + p->p_memsz;
		int prot = prot_of(p->p_flags);
		long m;

		if (!img->phdr && eh.e_phoff >= p->p_offset &&
		    eh.e_phoff < p->p_offset + p->p_filesz)
			img->phdr = p->p_vaddr + bias + (eh.e_phoff - p->p_offset);
		if (p->p_filesz) {
			m = lx_sys6(LX_SYS_mmap, start, PAGE_UP(file_end) - start,
				    prot | (p->p_memsz > p->p_filesz ? LX_PROT_WRITE : 0),
				    LX_MAP_PRIVATE | LX_MAP_FIXED, fd, PAGE_DOWN(p->p_offset));
			if (lx_is_err(m))
				goto fail;
			if (!img->file)
				img->file = start;
		}
		if (p->p_memsz > p->p_filesz) {
			/* bss: the tail of the last file page, then anonymous pages */
			if (p->p_filesz && (file_end & (LX_PAGE - 1)))
				memset((void *)(uintptr_t)file_end, 0,
				       PAGE_UP(file_end) - file_end);
			if (p->p_filesz && !(prot & LX_PROT_WRITE))
				lx_sys3(LX_SYS_mprotect, start, PAGE_UP(file_end) - start, prot);
			uint64_t anon = p->p_filesz ? PAGE_UP(file_end) : start;
			if (PAGE_UP(mem_end) > anon) {
				m = lx_sys6(LX_SYS_mmap, anon, PAGE_UP(mem_end) - anon, prot,
					    LX_MAP_PRIVATE | LX_MAP_FIXED | LX_MAP_ANONYMOUS, -1,
					    0);
				if (lx_is_err(m))
					goto fail;
			}
		}
	}
	img->entry = eh.e_entry + bias;
	img->bias = bias;
	img->end = hi + bias;
	img->phnum = eh.e_phnum;
	img->phent = sizeof(struct lx_elf64_phdr);
	return 0;
fail:
	lx_munmap((void *)(uintptr_t)base, hi - lo);
	return -LX_ENOMEM;
}
