/*
 * The brand image's start: what the kernel executed is the brand; this turns the process
 * into the guest's program under the brand.
 *
 *  1. read the hand-over (LXZONE_BRAND, kernel-shim/brand_abi.h) from the environment;
 *  2. give the main thread its emulation stack and install the SIGSYS entry;
 *  3. load the guest's ELF and its interpreter (kernel-shim/loader.c);
 *  4. build the stack the kernel would have built for the guest: the argv and envp strings
 *     stay where the kernel put them (so /proc/<pid>/cmdline and environ are the guest's),
 *     new vectors go below them, without LXZONE_BRAND, and the auxv describes the guest
 *     (AT_PHDR, AT_ENTRY, AT_BASE, AT_EXECFN; AT_RANDOM and AT_SYSINFO_EHDR pass through);
 *  5. jump to the interpreter (or the program) with the registers the kernel would leave.
 *
 * It runs on a small static boot stack, so the kernel's stack below the original vectors is
 * free for the new ones.  Errors after this point cannot go back to the execve caller: they
 * print one line and exit 127, the shell's "cannot run".
 */
#include "emul/lx_abi.h"
#include "emul/lx_elf.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "emul/path.h"
#include "emul/signal.h"
#include "emul/state.h"
#include "emul/systable.h"
#include "kernel-shim/brand_abi.h"
#include "kernel-shim/loader.h"

void lx_enter_guest(uint64_t entry, uint64_t sp) __attribute__((noreturn));
extern char lx_gate_region[];

__attribute__((noreturn)) static void die(const char *what, const char *name, long err)
{
	char num[24];
	const char *parts[] = {name, ": ", what, err ? " (errno " : "", num, err ? ")" : "", NULL};

	num[0] = '\0';
	if (err)
		lx_utoa((uint64_t)-err, num);
	lx_msg(parts);
	lx_exit_group(127);
}

/* Splits the hand-over value in place into its fields; 0 or -1.  The last field (the
 * program) is left whole: it may contain the separator. */
static int split_handover(char *v, char **fields)
{
	int n = 0;

	fields[n++] = v;
	for (; *v && n < LX_BRAND_ENV_FIELDS; v++) {
		if (*v == LX_BRAND_SEP) {
			*v = '\0';
			fields[n++] = v + 1;
		}
	}
	return n == LX_BRAND_ENV_FIELDS ? 0 : -1;
}

static uint64_t hex(const char *s)
{
	uint64_t v = 0;

	for (; *s; s++)
		v = v * 16 + (uint64_t)(*s >= 'a'   ? *s - 'a' + 10
					: *s >= 'A' ? *s - 'A' + 10
						    : *s - '0');
	return v;
}

static void basename_comm(const char *name)
{
	const char *b = lx_strrchr(name, '/');
	char comm[16];

	lx_strlcpy(comm, b ? b + 1 : name, sizeof(comm));
	lx_sys2(LX_SYS_prctl, LX_PR_SET_NAME, comm);
}

__attribute__((noreturn, used)) void lx_brand_main(uint64_t *ksp)
{
	uint64_t argc = ksp[0];
	char **argv = (char **)(ksp + 1), **envp = argv + argc + 1, **e;
	uint64_t *auxv;
	char *handover = NULL, *f[LX_BRAND_ENV_FIELDS], *name;
	size_t envc = 0, auxc = 0;
	struct lx_image prog, interp;
	struct lx_thread *t;
	struct lx_stack ss;
	long fd, r;
	int has_interp = 0;

	if ((uintptr_t)lx_gate_region != LX_GATE_ADDR)
		die("brand image built with the gate at the wrong address", "lxzone-brand", 0);
	for (e = envp; *e; e++) {
		if (lx_startswith(*e, LX_BRAND_ENV "="))
			handover = *e + sizeof(LX_BRAND_ENV);
		else
			envc++;
	}
	auxv = (uint64_t *)(e + 1);
	while (auxv[2 * auxc] != LX_AT_NULL)
		auxc++;
	if (!handover)
		die("not started by lxrun or lxzone (no " LX_BRAND_ENV ")", "lxzone-brand", 0);
	/* parsed in place: the variable is the brand's and is removed from the guest's envp
	 * (a copy would cost this process page faults on every exec) */
	if (split_handover(handover, f) || lx_strcmp(f[0], LX_BRAND_ENV_VERSION) != 0)
		die("malformed " LX_BRAND_ENV, "lxzone-brand", 0);

	lx_proc.pid = (int)lx_sys0(LX_SYS_getpid);
	lx_proc.flags = (unsigned)hex(f[1]);
	lx_strlcpy(lx_proc.kver, f[2], sizeof(lx_proc.kver));
	lx_proc.kv = lx_sys_kv_parse(lx_proc.kver);
	lx_strlcpy(lx_proc.report, f[3], sizeof(lx_proc.report));
	lx_strlcpy(lx_proc.page_path, f[4], sizeof(lx_proc.page_path));
	if (lx_proc.flags & LX_BF_EXECFD) {
		char *sep = f[5];
		uint64_t n;
		while (*sep && *sep != LX_BRAND_SEP)
			sep++;
		if (!*sep)
			die("malformed " LX_BRAND_ENV, "lxzone-brand", 0);
		*sep = '\0';
		name = sep + 1;
		if (lx_atou(f[5], &n))
			die("malformed " LX_BRAND_ENV, "lxzone-brand", 0);
		fd = (long)n; /* closed once the program is loaded */
	} else {
		name = f[5];
		fd = lx_sys3(LX_SYS_open, name, LX_O_RDONLY | LX_O_CLOEXEC, 0);
		if (fd < 0)
			die("cannot open", name, fd);
	}
	if (lx_fd_path(fd, lx_proc.exe, sizeof(lx_proc.exe)) <= 0)
		lx_strlcpy(lx_proc.exe, name, sizeof(lx_proc.exe));

	/* 2. emulation stack and SIGSYS */
	t = lx_estack_alloc();
	if (!t)
		die("out of memory for the emulation stack", name, -LX_ENOMEM);
	lx_estack_stack(t, &ss);
	if ((r = lx_sys2(LX_SYS_sigaltstack, &ss, 0)) < 0)
		die("sigaltstack", name, r);
	if ((r = lx_signal_init(t, !!(lx_proc.flags & LX_BF_SIGSYS_MASKED))) < 0)
		die("signal set-up", name, r);

	/* 3. load */
	if ((r = lx_load_elf(fd, 1, &prog)) < 0)
		die("cannot load program", name, r);
	{
		/* PT_INTERP, read again from the file now mapped */
		const struct lx_elf64_phdr *ph = (const void *)(uintptr_t)prog.phdr;
		char ipath[256];
		for (uint64_t i = 0; prog.phdr && i < prog.phnum; i++) {
			if (ph[i].p_type != LX_PT_INTERP)
				continue;
			if (ph[i].p_filesz == 0 || ph[i].p_filesz > sizeof(ipath))
				die("bad PT_INTERP", name, 0);
			if (lx_sys4(LX_SYS_pread64, fd, ipath, ph[i].p_filesz, ph[i].p_offset) !=
			    (long)ph[i].p_filesz)
				die("cannot read PT_INTERP", name, 0);
			ipath[ph[i].p_filesz - 1] = '\0';
			long ifd = lx_sys3(LX_SYS_open, ipath, LX_O_RDONLY | LX_O_CLOEXEC, 0);
			if (ifd < 0)
				die("cannot open interpreter", ipath, ifd);
			if ((r = lx_load_elf(ifd, 0, &interp)) < 0)
				die("cannot load interpreter", ipath, r);
			lx_sys1(LX_SYS_close, ifd);
			has_interp = 1;
		}
	}
	lx_sys1(LX_SYS_close, fd);
	basename_comm(name);

	/* 4. the guest's stack: AT_EXECFN string, auxv, envp, argv, argc */
	size_t nlen = lx_strlen(name) + 1;
	uint64_t str = ((uintptr_t)ksp - nlen - 64) & ~15ULL;
	memcpy((void *)(uintptr_t)str, name, nlen);
	size_t words = 1 + argc + 1 + envc + 1 + 2 * (auxc + 1);
	uint64_t *sp = (uint64_t *)(uintptr_t)((str - words * 8) & ~15ULL), *w = sp;
	*w++ = argc;
	for (uint64_t i = 0; i < argc; i++)
		*w++ = (uintptr_t)argv[i];
	*w++ = 0;
	for (e = envp; *e; e++)
		if (!lx_startswith(*e, LX_BRAND_ENV "="))
			*w++ = (uintptr_t)*e;
	*w++ = 0;
	for (size_t i = 0; i < auxc; i++) {
		uint64_t type = auxv[2 * i], val = auxv[2 * i + 1];
		switch (type) {
		case LX_AT_PHDR:
			val = prog.phdr;
			break;
		case LX_AT_PHENT:
			val = prog.phent;
			break;
		case LX_AT_PHNUM:
			val = prog.phnum;
			break;
		case LX_AT_BASE:
			val = has_interp ? interp.bias : 0;
			break;
		case LX_AT_ENTRY:
			val = prog.entry;
			break;
		case LX_AT_EXECFN:
			val = str;
			break;
		case LX_AT_SECURE:
			val = 0;
			break;
		default:
			break;
		}
		*w++ = type;
		*w++ = val;
	}
	*w++ = LX_AT_NULL;
	*w++ = 0;

	/* 5. go */
	lx_enter_guest(has_interp ? interp.entry : prog.entry, (uintptr_t)sp);
}
