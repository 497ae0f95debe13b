/*
 * execprobe: what would execve do with this file?
 *
 * The brand must answer execve's errors in the calling process (ENOENT for a missing ELF
 * interpreter, ENOEXEC for a file the shell should run as a script, ...) before it replaces
 * itself, and must turn "#!" files into the argv the kernel would build, because the argv it
 * hands the kernel is what /proc/<pid>/cmdline shows.  lxrun needs the same answers to print
 * a shell's errors.  This file decides from bytes only; callers do the I/O.
 *
 * Deliberately not here: binfmt_misc (a zone has no host binfmt handlers), 32-bit ELF (this
 * host cannot run it: ENOEXEC, as Linux without IA32 emulation), a.out.
 */
#include "emul/execprobe.h"
#include "emul/lx_elf.h"
#include "emul/lx_errno.h"

#include <stdint.h>

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The kernel's load_script(), in bytes: "#!" interp [one argument] to the end of the line. */
static int probe_script(const char *buf, long n, struct lx_exec_info *out)
{
	long end = 2, i, j;

	while (end < n && buf[end] != '\n' && buf[end] != '\0')
		end++;
	if (end == n && n == LX_BINPRM_BUF) {
		/* no newline in the first 256 bytes: fine only if the interpreter name ended */
		for (i = 2; i < end && is_blank(buf[i]); i++)
			;
		for (; i < end && !is_blank(buf[i]); i++)
			;
		if (i == end)
			return -LX_ENOEXEC;
	}
	while (end > 2 && is_blank(buf[end - 1]))
		end--;
	for (i = 2; i < end && is_blank(buf[i]); i++)
		;
	if (i == end)
		return -LX_ENOEXEC;
	for (j = 0; i < end && !is_blank(buf[i]); i++)
		out->interp[j++] = buf[i];
	out->interp[j] = '\0';
	while (i < end && is_blank(buf[i]))
		i++;
	for (j = 0; i < end; i++)
		out->interp_arg[j++] = buf[i];
	out->interp_arg[j] = '\0';
	out->kind = LX_EXEC_SCRIPT;
	return 0;
}

static int probe_elf(lx_pread_fn rd, void *ctx, const struct lx_elf64_ehdr *eh,
		     struct lx_exec_info *out)
{
	/* read in chunks: the brand probes on its emulation stack, where every page an exec
	 * writes is a fresh one in a fork child (syscalls/lx_exec.c); most programs have fewer */
	struct lx_elf64_phdr phs[16], ph;
	int i, loads = 0, chunk = 0;
	long n;

	if (eh->e_ident[4] != LX_ELFCLASS64 || eh->e_ident[5] != LX_ELFDATA2LSB ||
	    eh->e_machine != LX_EM_X86_64)
		return -LX_ENOEXEC;
	if (eh->e_type != LX_ET_EXEC && eh->e_type != LX_ET_DYN)
		return -LX_ENOEXEC;
	if (eh->e_phentsize != sizeof(ph) || eh->e_phnum == 0 || eh->e_phnum > 65536 / sizeof(ph))
		return -LX_ENOEXEC;
	out->kind = LX_EXEC_ELF;
	out->is_dyn = eh->e_type == LX_ET_DYN;
	for (i = 0; i < eh->e_phnum; i++) {
		if (i % 16 == 0) {
			chunk = eh->e_phnum - i < 16 ? eh->e_phnum - i : 16;
			n = rd(ctx, phs, (size_t)chunk * sizeof(ph),
			       (long)(eh->e_phoff + (uint64_t)i * sizeof(ph)));
			if (n < 0)
				return (int)n;
			if (n != (long)((size_t)chunk * sizeof(ph)))
				return -LX_ENOEXEC;
		}
		ph = phs[i % 16];
		if (ph.p_type == LX_PT_LOAD)
			loads++;
		if (ph.p_type != LX_PT_INTERP)
			continue;
		if (ph.p_filesz < 2 || ph.p_filesz > sizeof(out->interp))
			return -LX_ENOEXEC;
		n = rd(ctx, out->interp, ph.p_filesz, (long)ph.p_offset);
		if (n < 0)
			return (int)n;
		if ((uint64_t)n != ph.p_filesz || out->interp[n - 1] != '\0')
			return -LX_ENOEXEC;
	}
	return loads ? 0 : -LX_ENOEXEC;
}

int lx_exec_probe(lx_pread_fn rd, void *ctx, struct lx_exec_info *out)
{
	union {
		char c[LX_BINPRM_BUF];
		struct lx_elf64_ehdr eh;
	} u;
	long n;

	out->kind = 0;
	out->is_dyn = 0;
	out->interp[0] = '\0';
	out->interp_arg[0] = '\0';
	n = rd(ctx, u.c, sizeof(u.c), 0);
	if (n < 0)
		return (int)n;
	if (n >= 2 && u.c[0] == '#' && u.c[1] == '!')
		return probe_script(u.c, n, out);
	if (n >= (long)sizeof(u.eh) && u.c[0] == 0x7f && u.c[1] == 'E' && u.c[2] == 'L' &&
	    u.c[3] == 'F')
		return probe_elf(rd, ctx, &u.eh, out);
	return -LX_ENOEXEC;
}
