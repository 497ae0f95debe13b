/*
 * lxzone-init: PID 1 of a zone (or of `lxrun --root`) whose program is not an init itself.
 *
 * The launcher's PID 1 (zone/launch/launch_init.c) executes the plan, forks the program (the guest),
 * closes every descriptor but stdio, installs the brand's filter and then execs this image by
 * descriptor, from a private copy on a read-only, nosuid, nodev tmpfs with no mount point
 * (zone/launch/launch_image.c): /proc/1/exe in the zone is "/lxzone-init", a file no zone process can
 * open for writing (EROFS), and nothing of the host (no lxzone binary, no host path, no
 * descriptor) stays in PID 1.
 *
 *     lxzone-init GUEST-PID
 *
 * What it does, in one loop:
 *   - every signal is blocked (the launcher blocked them before the exec; the mask and the
 *     pending signals survive it), so each one sent to PID 1 queues: the kernel drops a
 *     signal for which a namespace's init has no handler, but never a blocked one;
 *   - SIGCHLD: reap every child (orphans of the zone are reparented to PID 1); when the
 *     guest is reaped, exit with its status (128+N for signal N), and the kernel kills what
 *     is left in the pid namespace;
 *   - any other signal sent from outside the zone (lxrun or lxzone's supervisor relaying a
 *     terminal's signal or a shutdown; the kernel shows such a sender as si_pid 0, as it does
 *     a signal it raises itself, with si_code SI_USER or SI_KERNEL): forward it to the guest;
 *   - a signal sent from inside the zone (si_pid > 0): ignore it.  That is what Linux does
 *     for a pid namespace's init with no handler for the signal (pid_namespaces(7)): the
 *     kernel drops it.  Forwarding it made `kill -USR1 1` kill the program, and so the zone.
 *
 * Why freestanding (no libc, no startup code): the filter is installed before the exec and
 * traps nearly everything a libc start-up makes (arch_prctl, set_tid_address, brk, ...), with
 * no SIGSYS handler to catch it.  This program makes only calls the filter passes through:
 * rt_sigtimedwait, wait4, kill, write (an error line) and exit_group.  It does not load the
 * brand.  Deliberately not here: job control, subreapers, consoles; a zone's own
 * poweroff goes through reboot(2), which in a pid namespace ends this init with SIGINT
 * (SIGHUP for a restart), as it ends any other.
 */

#define INIT_NR_write		1
#define INIT_NR_kill		62
#define INIT_NR_wait4		61
#define INIT_NR_rt_sigtimedwait 128
#define INIT_NR_exit_group	231

#define INIT_SIGCHLD 17
#define INIT_WNOHANG 1
#define INIT_ECHILD  10

#define INIT_EXIT_CANNOT 126 /* LAUNCH_EXIT_CANNOT */

static long sys4(long nr, long a, long b, long c, long d)
{
	register long r10 __asm__("r10") = d;
	long r;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return r;
}

static void __attribute__((noreturn)) die(const char *msg, unsigned long len)
{
	sys4(INIT_NR_write, 2, (long)msg, (long)len, 0);
	for (;;)
		sys4(INIT_NR_exit_group, INIT_EXIT_CANNOT, 0, 0, 0);
}

#define DIE(msg) die(msg, sizeof(msg) - 1)

/* What a shell reports for a wait status: the exit code, or 128+N for signal N. */
static int status_code(int st)
{
	if ((st & 0x7f) == 0)
		return (st >> 8) & 0xff;
	return 128 + (st & 0x7f);
}

/* Reap every child that has exited; exit with the guest's status when it is among them. */
static void reap(long guest)
{
	long p;
	int st;

	while ((p = sys4(INIT_NR_wait4, -1, (long)&st, INIT_WNOHANG, 0)) > 0)
		if (p == guest)
			sys4(INIT_NR_exit_group, status_code(st), 0, 0, 0);
	if (p == -INIT_ECHILD) /* no child at all: the guest is gone and was never ours */
		DIE("lxzone-init: no guest to wait for\n");
}

/*
 * Was the signal sent from outside the zone (kill() from an ancestor pid namespace, which
 * the kernel shows as si_pid 0), or raised by the kernel (SI_KERNEL)?  A zone process can
 * forge si_pid 0 with rt_sigqueueinfo, but only with a negative si_code.
 */
static int from_outside(const int *si)
{
	return si[4] == 0 && si[2] >= 0;
}

static long parse_pid(const char *s)
{
	long v = 0;

	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 4194304)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v > 1 && v <= 4194304 ? v : -1;
}

__attribute__((used)) void init_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);
	unsigned long all[2] = {~0UL, ~0UL}; /* sigset, 8 bytes used */
	int si[32]; /* siginfo_t: si_signo, si_errno, si_code, padding, si_pid (x86_64) */
	long guest, sig;
	char *a;

	guest = argc == 2 ? parse_pid(argv[1]) : -1;
	if (guest < 0)
		DIE("usage: lxzone-init GUEST-PID\n");
	/* ps and /proc/1/cmdline show the name alone: the number was only for us */
	for (a = argv[1]; *a; a++)
		*a = '\0';
	/* the guest may have ended before the exec: its SIGCHLD is pending, reap anyway */
	reap(guest);
	for (;;) {
		sig = sys4(INIT_NR_rt_sigtimedwait, (long)all, (long)si, 0, 8);
		if (sig <= 0)
			continue; /* EINTR, EAGAIN */
		if (sig == INIT_SIGCHLD)
			reap(guest);
		else if (from_outside(si))
			sys4(INIT_NR_kill, guest, sig, 0, 0);
	}
}

__asm__(".globl _start\n"
	"_start:\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call init_main\n"
	"	hlt\n");
