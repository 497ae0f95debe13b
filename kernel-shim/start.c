/*
 * The brand image's start: what the kernel executed is the brand; this turns the process
 * into the guest's program under the brand.
 *
 *  1. read the hand-over (LXZONE_BRAND, kernel-shim/brand_abi.h) from the environment;
 *  2. give the main thread its emulation stack and install the SIGSYS entry;
 *  3. load the guest's ELF and its interpreter (kernel-shim/loader.c);
 *  4. make the stack the kernel would have made for the guest: the argv and envp strings
 *     stay where the kernel put them (so /proc/<pid>/cmdline and environ are the guest's),
 *     the vectors are rewritten in place, without LXZONE_BRAND, and the auxv describes the
 *     guest (AT_PHDR, AT_ENTRY, AT_BASE, AT_EXECFN; AT_RANDOM and AT_SYSINFO_EHDR pass
 *     through);
 *  5. jump to the interpreter (or the program) with the registers the kernel would leave.
 *
 * It runs on the kernel's stack, under the vectors (kernel-shim/entry.S): the pages it takes
 * there are the guest stack's next pages, so the start has no stack of its own to fault in.
 *
 * Started by the kernel through the zone's binfmt_misc entry (brand_abi.h; AT_EXECFD in the
 * auxv, which only the kernel writes), the program is the kernel's descriptor, the kernel
 * put [brand, filename] before the guest's argv (dropped here, and /proc/<pid>/cmdline moved
 * past them with PR_SET_MM_MAP, which needs no privilege for the process's own argv), and the
 * process may hold credentials the caller did not (AT_SECURE): then the hand-over, written by
 * whoever called execve, is not trusted with anything a privileged process would act on (the
 * report file is dropped, the zone page taken only from its fixed path) and AT_SECURE reaches
 * the guest's ld.so as the kernel set it.  Errors after this point cannot go back to the execve
 * caller: they print one line and exit 127, the shell's "cannot run".
 *
 * Once the program is loaded, /proc/<pid>/exe is made to name it where the zone allows
 * (syscalls/lx_exe.c).
 */
#include "emul/patch.h"
#include "emul/lx_abi.h"
#include "emul/lx_elf.h"
#include "emul/lx_errno.h"
#include "emul/lx_libc.h"
#include "emul/signal.h"
#include "emul/state.h"
#include "emul/systable.h"
#include "kernel-shim/brand_abi.h"
#include "kernel-shim/loader.h"
#include "syscalls/handlers.h"

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

/* A hex field of the hand-over: up to its end, a ':' or a separator. */
static uint64_t hex(const char *s)
{
	uint64_t v = 0;

	for (; *s && *s != ':' && *s != LX_BRAND_SEP; s++)
		v = v * 16 + (uint64_t)(*s >= 'a'   ? *s - 'a' + 10
					: *s >= 'A' ? *s - 'A' + 10
						    : *s - '0');
	return v;
}

static uint64_t aux_get(const uint64_t *auxv, uint64_t type, int *found)
{
	for (; auxv[0] != LX_AT_NULL; auxv += 2)
		if (auxv[0] == type) {
			*found = 1;
			return auxv[1];
		}
	*found = 0;
	return 0;
}

static void basename_comm(const char *name)
{
	const char *b = lx_strrchr(name, '/');
	char comm[16];

	lx_strlcpy(comm, b ? b + 1 : name, sizeof(comm));
	lx_sys2(LX_SYS_prctl, LX_PR_SET_NAME, comm);
}

/* What the kernel handed the brand: its vectors, and what the auxiliary vector says. */
struct start_vec {
	uint64_t argc;
	char **argv, **envp;
	uint64_t *auxv;
	char *handover; /* LX_BRAND_ENV's value */
	long execfd;	/* AT_EXECFD: binfmt_misc's descriptor of the program */
	int has_execfd, secure;
	int has_ignored;  /* the hand-over's hint of the ignored signals, trusted only so far */
	uint64_t ignored; /* as lx_signal_init asks the kernel about each, and not AT_EXECFD */
};

/* The descriptor a binfmt_misc start's filename names, which the caller's exec kept open for
 * the kernel: closed (the kernel's own is AT_EXECFD). */
static void close_handed(const char *filename, long execfd)
{
	static const char link[] = LX_EXEC_LINKS "/";
	char num[24];
	uint64_t n;
	size_t k;

	if (lx_startswith(filename, "/dev/fd/")) {
		if (lx_atou(filename + 8, &n))
			return;
	} else if (lx_startswith(filename, link)) {
		filename += sizeof(link) - 1;
		for (k = 0; k + 1 < sizeof(num) && filename[k] >= '0' && filename[k] <= '9'; k++)
			num[k] = filename[k];
		num[k] = '\0';
		if (!k || lx_strcmp(filename + k, "." LX_EXEC_EXT) != 0 || lx_atou(num, &n))
			return;
	} else {
		return;
	}
	if ((long)n != execfd && n > 2)
		lx_sys1(LX_SYS_close, (long)n);
}

/* 1. The vectors, the binfmt_misc start's [brand, filename] dropped, and the hand-over. */
static void start_vectors(uint64_t *ksp, struct start_vec *v)
{
	char **e;
	int secure_known;

	v->argc = ksp[0];
	v->argv = (char **)(ksp + 1);
	v->envp = v->argv + v->argc + 1;
	v->handover = NULL;
	v->has_ignored = 0;
	for (e = v->envp; *e; e++)
		if (lx_startswith(*e, LX_BRAND_ENV "="))
			v->handover = *e + sizeof(LX_BRAND_ENV);
	v->auxv = (uint64_t *)(e + 1);
	v->execfd = (long)aux_get(v->auxv, LX_AT_EXECFD, &v->has_execfd);
	v->secure = aux_get(v->auxv, LX_AT_SECURE, &secure_known) != 0;
	if (v->secure && !v->has_execfd)
		die("privileged start without the kernel's descriptor of the program",
		    "lxzone-brand", 0);
	if (v->has_execfd) {
		/* [brand, filename, the guest's argv...]: the filename is "/dev/fd/N" of the
		 * descriptor the brand's execve kept open for the kernel, or LX_EXEC_LINKS
		 * "/N." LX_EXEC_EXT, its link (lx_exec.c) */
		if (v->argc < 2)
			die("binfmt_misc start without a program", "lxzone-brand", 0);
		close_handed(v->argv[1], v->execfd);
		v->argc -= 2;
		v->argv += 2;
		lx_proc.binfmt = 1;
	}
	if (!v->handover && v->has_execfd && lx_sys1(LX_SYS_prctl, LX_PR_GET_SECCOMP) == 0) {
		/* a process without any filter (the host's root entering the zone with nsenter)
		 * exec'd a program in the zone's user namespace: no guest made it, nothing will
		 * trap, and the brand only loads the program (the entry is its only way to run) */
		static char plain[sizeof(LX_BRAND_ENV_VERSION) + 8 + 4096];
		lx_strlcpy(plain,
			   LX_BRAND_ENV_VERSION "\x1f"
						"0\x1f\x1f\x1f\x1f",
			   sizeof(plain));
		lx_strlcpy(plain + lx_strlen(plain), v->argv[-1], sizeof(plain) - lx_strlen(plain));
		v->handover = plain;
	}
	if (!v->handover)
		die("not started by lxrun or lxzone (no " LX_BRAND_ENV ")", "lxzone-brand", 0);
}

/*
 * A launcher's start (lxrun, `lxzone exec`, lxzone-oci: a hand-over that names the program
 * by path, where the brand's own execve hands over its descriptor with LX_BF_EXECFD): a
 * set-user-ID, set-group-ID, file-capability or execute-only program goes to the kernel as
 * the brand's execve sends one (lx_exec_kernel_start), so the program a session starts gets
 * its credentials as under Linux.  Read without a change: the hand-over is parsed in place
 * after, and the exec passes it on as it came.
 */
static void start_launched(const struct start_vec *v)
{
	const char *p = v->handover;
	int field = 0;

	if (v->has_execfd)
		return; /* the kernel started this one already */
	while (*p && *p != LX_BRAND_SEP)
		p++;
	if (hex(p + (*p != 0)) & LX_BF_EXECFD)
		return;
	/* the guest path: after the fifth separator, the rest of the variable */
	for (p = v->handover; *p && field < LX_BRAND_ENV_FIELDS - 1; p++)
		field += *p == LX_BRAND_SEP;
	if (field == LX_BRAND_ENV_FIELDS - 1 && *p)
		lx_exec_kernel_start(p, v->argv, v->envp);
}

static const char zone_page[] = LX_ZONE_PAGE;

/* A path of the hand-over as lx_proc keeps it: "" and LX_ZONE_PAGE as constants, anything
 * else copied into buf. */
static const char *start_path(const char *s, char *buf, size_t cap)
{
	if (!*s)
		return "";
	if (lx_strcmp(s, zone_page) == 0)
		return zone_page;
	lx_strlcpy(buf, s, cap);
	return buf;
}

/*
 * The hand-over's fields into lx_proc, and the program: its descriptor (returned) and its
 * name (*namep).  Parsed in place: the variable is the brand's and is removed from the
 * guest's envp (a copy would cost this process page faults on every exec).
 */
static long start_handover(struct start_vec *v, char **namep)
{
	char *f[LX_BRAND_ENV_FIELDS], *name, *ign;
	long fd;

	if (split_handover(v->handover, f) || lx_strcmp(f[0], LX_BRAND_ENV_VERSION) != 0)
		die("malformed " LX_BRAND_ENV, "lxzone-brand", 0);
	lx_proc.pid = (int)lx_sys0(LX_SYS_getpid);
	/* "<flags>[:<ignored signals>]" */
	for (ign = f[1]; *ign && *ign != ':'; ign++)
		;
	if (*ign) {
		/* not where the kernel started the brand (set-user-ID, file capabilities, an
		 * execute-only program): the process is not its caller's to trace, and a forged
		 * hint that hid an ignored signal would have it read a disposition the kernel
		 * does not hold; those starts are rare, /proc/self/status answers for them */
		*ign++ = '\0';
		v->has_ignored = !v->secure && !v->has_execfd;
		v->ignored = hex(ign);
	}
	lx_proc.flags = (unsigned)hex(f[1]);
	lx_strlcpy(lx_proc.kver, f[2], sizeof(lx_proc.kver));
	lx_proc.kv = lx_sys_kv_parse(lx_proc.kver);
	/* the report's and the zone page's paths: constants for the usual values, copied (into
	 * lx_proc's cold part, a page of its own) only otherwise */
	lx_proc.report =
	    start_path(v->secure ? "" : f[3], lx_proc.report_buf, sizeof(lx_proc.report_buf));
	lx_proc.page_path =
	    v->secure && lx_strcmp(f[4], zone_page) != 0
		? ""
		: start_path(f[4], lx_proc.page_path_buf, sizeof(lx_proc.page_path_buf));
	if (v->has_execfd) {
		char *sep = f[5];
		while ((lx_proc.flags & LX_BF_EXECFD) && *sep && *sep != LX_BRAND_SEP)
			sep++;
		name = *sep == LX_BRAND_SEP ? sep + 1 : f[5];
		lx_proc.flags &= ~(unsigned)LX_BF_EXECFD;
		fd = v->execfd;
		lx_mm_map((uintptr_t)(v->argc ? v->argv[0] : v->argv[-1]),
			  -1); /* cosmetic if it fails */
	} else if (lx_proc.flags & LX_BF_EXECFD) {
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
	*namep = name;
	return fd;
}

/* 2. The emulation stack and SIGSYS. */
static void start_signals(const struct start_vec *v, const char *name)
{
	struct lx_thread *t = lx_estack_first();
	struct lx_stack ss;
	long r;

	if (!t)
		die("out of memory for the emulation stack", name, -LX_ENOMEM);
	lx_estack_stack(t, &ss);
	if ((r = lx_sys2(LX_SYS_sigaltstack, &ss, 0)) < 0)
		die("sigaltstack", name, r);
	if ((r = lx_signal_init(t, !!(lx_proc.flags & LX_BF_SIGSYS_MASKED),
				v->has_ignored ? &v->ignored : NULL)) < 0)
		die("signal set-up", name, r);
}

/* 3. The program and its PT_INTERP (read again from the file now mapped); 1 if it has one. */
static int start_load(long fd, const char *name, struct lx_image *prog, struct lx_image *interp)
{
	const struct lx_elf64_phdr *ph;
	int has_interp = 0;
	char ipath[256];
	long r;

	if ((r = lx_load_elf(fd, 1, prog)) < 0)
		die("cannot load program", name, r);
	ph = (const void *)(uintptr_t)prog->phdr;
	for (uint64_t i = 0; prog->phdr && i < prog->phnum; i++) {
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
		if ((r = lx_load_elf(ifd, 0, interp)) < 0)
			die("cannot load interpreter", ipath, r);
		lx_sys1(LX_SYS_close, ifd);
		has_interp = 1;
	}
	return has_interp;
}

/*
 * 4. The guest's stack: the kernel's vectors rewritten in place, so that the guest's stack
 * starts where the kernel put it and the start's frames under it were in the pages the guest's
 * stack takes next (kernel-shim/entry.S).  The new vectors are never longer than the kernel's:
 * argv loses the binfmt_misc start's [brand, filename] (argc moves up two words, over them),
 * envp loses the hand-over (what follows moves down a word; the top word is left over), auxv
 * keeps its length and describes the guest.  AT_EXECFN points to the name, which lives in the
 * hand-over's string (or the brand's copy of it, start_vectors): the strings stay where the
 * kernel put them, outside the environment vector, so nothing of the guest overwrites it.
 * Returns the guest's stack pointer, 16-aligned as ksp.
 */
static uint64_t *start_stack(const struct start_vec *v, const char *name,
			     const struct lx_image *prog, const struct lx_image *interp,
			     int has_interp)
{
	uint64_t *sp = (uint64_t *)v->argv - 1, *w = (uint64_t *)v->envp, *r = w;

	*sp = v->argc; /* ksp, or two words up (v->argv moved past [brand, filename]) */
	for (; *r; r++)
		if (!lx_startswith((const char *)(uintptr_t)*r, LX_BRAND_ENV "="))
			*w++ = *r;
	*w++ = 0;
	for (r++;; r += 2) {
		uint64_t type = r[0], val = r[1];
		switch (type) {
		case LX_AT_PHDR:
			val = prog->phdr;
			break;
		case LX_AT_PHENT:
			val = prog->phent;
			break;
		case LX_AT_PHNUM:
			val = prog->phnum;
			break;
		case LX_AT_BASE:
			val = has_interp ? interp->bias : 0;
			break;
		case LX_AT_ENTRY:
			val = prog->entry;
			break;
		case LX_AT_EXECFN:
			val = (uintptr_t)name;
			break;
		case LX_AT_SECURE:
			val = (uint64_t)v->secure;
			break;
		case LX_AT_EXECFD: /* the brand's, closed: the guest's ld.so must not see it */
			type = LX_AT_IGNORE;
			val = 0;
			break;
		default:
			break;
		}
		*w++ = type;
		*w++ = val;
		if (type == LX_AT_NULL)
			break;
	}
	return sp;
}

__attribute__((noreturn, used)) void lx_brand_main(uint64_t *ksp)
{
	struct lx_image prog, interp;
	struct start_vec v;
	char *name;
	uint64_t *sp;
	int has_interp;
	long fd;

	if ((uintptr_t)lx_gate_region != LX_GATE_ADDR)
		die("brand image built with the gate at the wrong address", "lxzone-brand", 0);
	lx_mm_layout(ksp);
	start_vectors(ksp, &v);
	start_launched(&v);
	fd = start_handover(&v, &name);
	lx_exe_prepare();
	start_signals(&v, name);
	/* its state is zero-initialized: written only where patching is on (at the first trap or
	 * lazily), so that the page it lives in is not one more fresh page of every exec */
	if (lx_proc.flags & (LX_BF_PATCH | LX_BF_PATCH_LAZY | LX_BF_HARDENED))
		lx_patch_init(lx_proc.flags);
	has_interp = start_load(fd, name, &prog, &interp);
	lx_mm_heap(lx_heap_start(&prog)); /* cosmetic if it fails: the heap after the brand */
	lx_exe_becomes_program(fd);
	/* what /proc/self/exe shows the guest, learnt when first asked (lx_proc_exe): where the
	 * kernel's link does not name the program, the file mapped here, and until then the
	 * name it was executed by */
	if (!lx_proc.exe_program) {
		lx_proc.exe_map = prog.file;
		lx_strlcpy(lx_proc.exe, name, sizeof(lx_proc.exe));
	}
	lx_sys1(LX_SYS_close, fd);
	basename_comm(name);
	sp = start_stack(&v, name, &prog, &interp, has_interp);
	/* 5. go */
	lx_enter_guest(has_interp ? interp.entry : prog.entry, (uintptr_t)sp);
}
