/*
 * A stand-in brand image for the launcher's tests (not the brand).  Static, no libc; uses only
 * system calls the brand's filter passes through, because it runs with the filter installed
 * and no SIGSYS handler.  It prints:
 *
 *     pid <getpid()>
 *     argv[<i>] <arg>            for each argument
 *     brand <LXZONE_BRAND with 0x1f shown as '|'>
 *
 * then, for arguments "unsup=<nr>", appends "<nr>\n" to the report path named in LXZONE_BRAND
 * (as the brand does); "trap" makes a call the filter traps (uname: with no SIGSYS handler the
 * process dies of SIGSYS, which shows the filter is installed); "pause" waits for a signal;
 * exits with N if an argument is "exit=<N>", else 0.
 */
#define SYS_write      1
#define SYS_open       2
#define SYS_close      3
#define SYS_pause      34
#define SYS_getpid     39
#define SYS_uname      63
#define SYS_exit_group 231
#define O_WRONLY       01
#define O_APPEND       02000

static long sys3(long nr, long a, long b, long c)
{
	long r;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return r;
}

static unsigned long slen(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

static void out(const char *s)
{
	sys3(SYS_write, 1, (long)s, (long)slen(s));
}

static void out_num(long v)
{
	char buf[24];
	int i = 23;

	buf[i] = '\0';
	if (v < 0)
		v = -v;
	do
		buf[--i] = (char)('0' + v % 10);
	while ((v /= 10) && i > 0);
	out(buf + i);
}

static int prefix(const char *s, const char *p)
{
	while (*p)
		if (*s++ != *p++)
			return 0;
	return 1;
}

static long parse_num(const char *s)
{
	long v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return v;
}

__attribute__((used)) void standin_main(long *sp)
{
	long argc = sp[0], i;
	char **argv = (char **)(sp + 1), **envp = argv + argc + 1;
	char report[4096];
	const char *brand = "";
	long code = 0;

	report[0] = '\0';
	out("pid ");
	out_num(sys3(SYS_getpid, 0, 0, 0));
	out("\n");
	for (i = 0; i < argc; i++) {
		out("argv[");
		out_num(i);
		out("] ");
		out(argv[i]);
		out("\n");
		if (prefix(argv[i], "exit="))
			code = parse_num(argv[i] + 5);
	}
	for (i = 0; envp[i]; i++)
		if (prefix(envp[i], "LXZONE_BRAND="))
			brand = envp[i] + 13;
	{
		/* show the separators, and pick out field 4 (the report path) */
		char shown[8192];
		unsigned long k = 0, field = 0, r = 0;

		for (; brand[k] && k + 1 < sizeof(shown); k++) {
			shown[k] = brand[k] == '\x1f' ? '|' : brand[k];
			if (brand[k] == '\x1f')
				field++;
			else if (field == 3 && r + 1 < sizeof(report))
				report[r++] = brand[k];
		}
		shown[k] = '\0';
		report[r] = '\0';
		out("brand ");
		out(shown);
		out("\n");
	}
	for (i = 0; i < argc; i++) {
		if (prefix(argv[i], "unsup=") && report[0]) {
			long fd = sys3(SYS_open, (long)report, O_WRONLY | O_APPEND, 0);
			const char *n = argv[i] + 6;

			if (fd >= 0) {
				sys3(SYS_write, fd, (long)n, (long)slen(n));
				sys3(SYS_write, fd, (long)"\n", 1);
				sys3(SYS_close, fd, 0, 0);
			}
		}
	}
	for (i = 0; i < argc; i++) {
		char uts[390];

		if (prefix(argv[i], "trap"))
			sys3(SYS_uname, (long)uts, 0, 0);
		if (prefix(argv[i], "pause"))
			sys3(SYS_pause, 0, 0, 0);
	}
	sys3(SYS_exit_group, code, 0, 0);
}

__asm__(".globl _start\n"
	"_start:\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call standin_main\n"
	"	hlt\n");
