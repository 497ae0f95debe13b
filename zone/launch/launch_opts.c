/*
 * lxrun's command line -> struct launch_opts.  Pure: no system calls beyond writing --help.
 */
#include "zone/launch/launch.h"
#include "zone/capset.h"
#include "zone/netbpf.h"
#include "zone/roff.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *launch_prog = "lxrun";

int launch_fail(struct zone_error *err, int status, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	if (errnum) {
		n = strlen(err->msg);
		snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(errnum));
	}
	err->code = errnum;
	if (status)
		err->status = status;
	else if (!err->status)
		err->status = 1;
	return -1;
}

int launch_wrap(struct zone_error *err, int status, const char *fmt, ...)
{
	char ctx[256];
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);
	err->status = status;
	return zone_error_wrap(err, "%s", ctx);
}

static const char usage_text[] =
    "usage: lxrun [OPTION...] [--] PROGRAM [ARG...]\n"
    "Run PROGRAM under the lxzone brand (in-process Linux system call emulation).\n"
    "\n"
    "  --root DIR              run in a new zone rooted at DIR (mount, pid, uts, ipc,\n"
    "                          net namespaces; /proc, /dev, read-only /sys, /tmp; minimal init;\n"
    "                          /proc and /sys masked as docs/security-paths.md says)\n"
    "  --net none|host         with --root: none (the default) gives the zone its own\n"
    "                          network namespace with only loopback, up; host shares\n"
    "                          lxrun's (and keeps /proc/sys/net read-only)\n"
    "  --shared-ip ADDR/P[,ADDR/P...]\n"
    "                          on the host's network (no --root, or --net host): hold\n"
    "                          the program's sockets to these host addresses, as a\n"
    "                          net=shared zone's (docs/network.md; needs root)\n"
    "  --kernel-version X.Y.Z  kernel release the program sees (uname); newer calls: ENOSYS\n"
    "  --memory SIZE           memory cap (bytes, or with a k, m, g or t suffix); /proc,\n"
    "                          sysinfo() and free show it\n"
    "  --cpus N                CPU cap, fractions allowed (1.5): a CFS quota of N CPUs on\n"
    "                          the first ceil(N) CPUs; nproc, /proc/cpuinfo show them\n"
    "  --report-unsupported[=FILE]\n"
    "                          at exit, list unsupported system calls (to FILE or stderr)\n"
    "  --strict                an unsupported system call kills the process (SIGSYS)\n"
    "  --hardened              hardened brand profile: epoll, futex PI/requeue and inotify\n"
    "                          emulated by the brand, never the host's\n"
    "  --epoll-ppoll           hardened: the brand's epoll waits over ppoll only, without a\n"
    "                          host epoll instance of its own (stricter, slower)\n"
    "  --syscall-patching on|off|auto\n"
    "                          patch the sites of trapped calls into jumps to the brand\n"
    "                          (auto: on in the hardened profile, a site's 32nd trap in the\n"
    "                          default one; $LXZONE_SYSCALL_PATCHING)\n"
    "  --profile default|hardened\n"
    "                          the brand profile, as lxzone's `profile` key\n"
    "  --capabilities SPEC     with --root: the capabilities the zone keeps, as lxzone's\n"
    "                          `capabilities` key (default: the profile's set; +CAP,-CAP\n"
    "                          change it; a list, all, none; `all` is lxrun's own set).\n"
    "                          lxrun has no devices cgroup, so its `default` leaves\n"
    "                          cap_mknod out, as lxzone's does on a pure cgroup2 host\n"
    "  --dry-run               print the launch plan and exit\n"
    "  -h, --help              this text\n"
    "\n"
    "Brand image: $LXZONE_BRAND_IMAGE, else lxzone-brand beside lxrun.\n"
    "Exit status: the program's (128+N if killed by signal N); 125 usage error;\n"
    "126 cannot execute or unusable root; 127 program or interpreter not found.\n";

/*
 * lxrun(1), from usage_text itself (so the page is --help, laid out): the first line is the
 * synopsis, the second the description; an option line ("  --x ARG   text") opens an entry
 * and deeper-indented lines continue it; the paragraphs after the options close the page.
 * `lxrun --man` prints it; the build writes it (cli/CMakeLists.txt).
 */
void launch_usage_man(FILE *out)
{
	char text[sizeof(usage_text)];
	int n = 0, blank = 0, notes = 0;

	memcpy(text, usage_text, sizeof(text));
	roff_header(out, "LXRUN", "1", "User Commands");
	for (char *line = text, *next; *line; line = next, n++) {
		next = strchr(line, '\n');
		*next++ = '\0'; /* usage_text ends in a newline */
		if (n == 0) {
			fputs(".SH NAME\nlxrun \\- run a program under the lxzone brand\n"
			      ".SH SYNOPSIS\n",
			      out);
			roff_line(out, line + strlen("usage: "));
			fputs(".SH DESCRIPTION\n", out);
		} else if (n == 1) {
			roff_line(out, line);
			fputs(".SH OPTIONS\n", out);
		} else if (*line == '\0') {
			blank = 1;
			continue;
		} else if (strncmp(line, "  -", 3) == 0) {
			char *gap = strstr(line + 2, "  ");

			fputs(".TP\n.B ", out);
			if (gap)
				*gap = '\0';
			roff_line(out, line + 2);
			if (gap)
				roff_line(out, gap + 1 + strspn(gap + 1, " "));
		} else if (line[0] == ' ') {
			roff_line(out, line + strspn(line, " "));
		} else {
			/* the paragraphs after the options */
			if (!notes)
				fputs(".SH NOTES\n", out);
			else if (blank)
				fputs(".PP\n", out);
			notes = 1;
			roff_line(out, line);
		}
		blank = 0;
	}
	fputs(".SH SEE ALSO\n.BR lxzone (8),\n.BR lxzone.conf (5)\n", out);
}

enum {
	OPT_ROOT = 256,
	OPT_KVER,
	OPT_REPORT,
	OPT_STRICT,
	OPT_HARDENED,
	OPT_DRY_RUN,
	OPT_MEMORY,
	OPT_CPUS,
	OPT_CAPS,
	OPT_NET,
	OPT_MAN,
	OPT_PROFILE,
	OPT_SHARED_IP,
	OPT_EPOLL_PPOLL,
	OPT_SYSCALL_PATCHING,
};

static const struct option long_opts[] = {
    {"root", required_argument, NULL, OPT_ROOT},
    {"kernel-version", required_argument, NULL, OPT_KVER},
    {"report-unsupported", optional_argument, NULL, OPT_REPORT},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"hardened", no_argument, NULL, OPT_HARDENED},
    {"epoll-ppoll", no_argument, NULL, OPT_EPOLL_PPOLL},
    {"syscall-patching", required_argument, NULL, OPT_SYSCALL_PATCHING},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    {"memory", required_argument, NULL, OPT_MEMORY},
    {"cpus", required_argument, NULL, OPT_CPUS},
    {"capabilities", required_argument, NULL, OPT_CAPS},
    {"net", required_argument, NULL, OPT_NET},
    {"profile", required_argument, NULL, OPT_PROFILE},
    {"shared-ip", required_argument, NULL, OPT_SHARED_IP},
    {"help", no_argument, NULL, 'h'},
    {"man", no_argument, NULL, OPT_MAN},
    {NULL, 0, NULL, 0},
};

/* X.Y.Z with decimal numbers, optionally followed by a suffix ("-generic"), as uname -r. */
static int kernel_version_valid(const char *s)
{
	int parts = 0;

	for (;;) {
		if (*s < '0' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
		parts++;
		if (*s != '.' || parts == 3)
			break;
		s++;
	}
	if (parts < 2)
		return 0;
	/* a suffix may follow; it must fit in utsname.release (65 bytes) with the rest */
	return strlen(s) < 64 && !strchr(s, '\x1f');
}

/* SIZE: a decimal number of bytes, or with a binary suffix k, m, g, t (either case, an
 * optional "b" or "ib" after it), as docker --memory. */
static int parse_size(const char *s, uint64_t *bytes)
{
	static const char units[] = "kmgt";
	uint64_t v = 0, mul = 1;
	const char *p = s, *u;

	if (*p < '0' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return 0;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p && (u = strchr(units, *p | 0x20)) != NULL) {
		mul = UINT64_C(1) << (10 * (u - units + 1));
		p++;
		if ((*p | 0x20) == 'i' && (p[1] | 0x20) == 'b')
			p += 2;
		else if ((*p | 0x20) == 'b')
			p++;
	} else if ((*p | 0x20) == 'b') {
		p++;
	}
	if (*p || v == 0 || v > (UINT64_C(1) << 62) / mul)
		return 0;
	*bytes = v * mul;
	return 1;
}

/* N CPUs, up to three decimals ("0.5", "1.5", "2"), at least 0.01 (a 1 ms quota per 100 ms
 * period, the kernel's minimum). */
static int parse_cpus(const char *s, uint64_t *milli)
{
	uint64_t whole = 0, frac = 0;
	int fd = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > 100000)
			return 0;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, fd++)
			if (fd < 3)
				frac = frac * 10 + (uint64_t)(*p - '0');
			else if (*p != '0')
				return 0; /* finer than a thousandth */
		if (fd == 0)
			return 0;
	}
	for (; fd < 3; fd++)
		frac *= 10;
	if (*p || whole * 1000 + frac < 10)
		return 0;
	*milli = whole * 1000 + frac;
	return 1;
}

/* --capabilities over the profile's set, known only once --hardened has been seen. */
static int launch_opts_caps(struct launch_opts *opts, struct zone_error *err)
{
	if (!opts->root)
		return launch_fail(err, LAUNCH_EXIT_USAGE, 0,
				   "--capabilities needs --root (a zone to confine)");
	if (zone_caps_parse_in(opts->caps_spec, zone_caps_profile(opts->hardened, false),
			       zone_caps_profile(false, false), &opts->caps, NULL, 0, err) < 0)
		return launch_wrap(err, LAUNCH_EXIT_USAGE, "--capabilities");
	opts->drop_caps = 1;
	return 0;
}

/* --net: a zone (--root) gets a network namespace of its own unless --net host says to
 * share lxrun's, where it would hold CAP_NET_ADMIN over the host's interfaces. */
static int launch_opts_net(struct launch_opts *opts, const char *net, struct zone_error *err)
{
	if (!net) {
		opts->net = opts->root ? LAUNCH_NET_NONE : LAUNCH_NET_HOST;
		return 0;
	}
	if (!opts->root)
		return launch_fail(err, LAUNCH_EXIT_USAGE, 0,
				   "--net needs --root (without one, lxrun runs on the host)");
	if (!strcmp(net, "none"))
		opts->net = LAUNCH_NET_NONE;
	else if (!strcmp(net, "host"))
		opts->net = LAUNCH_NET_HOST;
	else
		return launch_fail(err, LAUNCH_EXIT_USAGE, 0, "--net %s: expected none or host",
				   net);
	return 0;
}

int launch_opts_parse(int argc, char **argv, struct launch_opts *opts, FILE *out,
		      struct zone_error *err)
{
	const char *net = NULL;
	int c;

	memset(opts, 0, sizeof(*opts));
	opts->net_fd = -1;
	optind = 1;
	opterr = 0;
	/* '+': stop at the first non-option, so PROGRAM's own options are never ours */
	while ((c = getopt_long(argc, argv, "+:h", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT:
			if (!*optarg)
				return launch_fail(err, LAUNCH_EXIT_USAGE, 0, "--root: empty path");
			opts->root = optarg;
			break;
		case OPT_KVER:
			if (!kernel_version_valid(optarg))
				return launch_fail(err, LAUNCH_EXIT_USAGE, 0,
						   "--kernel-version %s: expected X.Y.Z", optarg);
			opts->kernel_version = optarg;
			break;
		case OPT_REPORT:
			opts->report = 1;
			if (optarg && !*optarg)
				return launch_fail(err, LAUNCH_EXIT_USAGE, 0,
						   "--report-unsupported=: empty file name");
			opts->report_file = optarg;
			break;
		case OPT_STRICT:
			opts->strict = 1;
			break;
		case OPT_HARDENED:
			opts->hardened = 1;
			break;
		case OPT_EPOLL_PPOLL:
			opts->epoll_ppoll = 1;
			break;
		case OPT_SYSCALL_PATCHING:
			opts->syscall_patching = launch_patching_value(optarg);
			if (opts->syscall_patching < 0)
				return launch_fail(err, LAUNCH_EXIT_USAGE, 0,
						   "--syscall-patching %s: not on, off or auto",
						   optarg);
			break;
		case OPT_PROFILE:
			if (strcmp(optarg, "default") != 0 && strcmp(optarg, "hardened") != 0)
				return launch_fail(err, LAUNCH_EXIT_USAGE, 0,
						   "--profile %s: not default or hardened", optarg);
			opts->hardened = strcmp(optarg, "hardened") == 0;
			break;
		case OPT_DRY_RUN:
			opts->dry_run = 1;
			break;
		case OPT_MEMORY:
			if (!parse_size(optarg, &opts->memory))
				return launch_fail(err, LAUNCH_EXIT_USAGE, 0,
						   "--memory %s: expected a size such as 256m or "
						   "1g",
						   optarg);
			break;
		case OPT_CPUS:
			if (!parse_cpus(optarg, &opts->millicpus))
				return launch_fail(err, LAUNCH_EXIT_USAGE, 0,
						   "--cpus %s: expected a number of CPUs of at "
						   "least 0.01, such as 0.5 or 2",
						   optarg);
			break;
		case OPT_CAPS:
			opts->caps_spec = optarg;
			break;
		case OPT_NET:
			net = optarg;
			break;
		case OPT_SHARED_IP: {
			struct zone_netpolicy pol;
			struct zone_error zerr = {0};
			if (zone_netpolicy_parse(&pol, optarg, &zerr) < 0 || pol.n4 + pol.n6 == 0)
				return launch_fail(err, LAUNCH_EXIT_USAGE, 0, "--shared-ip %s: %s",
						   optarg, zerr.msg[0] ? zerr.msg : "no address");
			opts->shared_ip = optarg;
			break;
		}
		case 'h':
			fputs(usage_text, out);
			return 1;
		case OPT_MAN:
			launch_usage_man(out);
			return 1;
		case ':':
			return launch_fail(err, LAUNCH_EXIT_USAGE, 0, "%s: missing argument",
					   argv[optind - 1]);
		default:
			if (optopt)
				return launch_fail(err, LAUNCH_EXIT_USAGE, 0, "unknown option -%c",
						   optopt);
			return launch_fail(err, LAUNCH_EXIT_USAGE, 0, "unknown option %s",
					   argv[optind - 1]);
		}
	}
	/* a rooted run is a zone: its root keeps the profile's set, never lxrun's own (which
	 * holds cap_mknod and cap_sys_rawio with no devices cgroup to bound them) */
	if (opts->root && !opts->caps_spec)
		opts->caps_spec = "default";
	if (opts->caps_spec && launch_opts_caps(opts, err) < 0)
		return -1;
	if (launch_opts_net(opts, net, err) < 0)
		return -1;
	/* the hooks hold sockets in the host's network namespace; a zone's own has its own */
	if (opts->shared_ip && opts->net != LAUNCH_NET_HOST)
		return launch_fail(err, LAUNCH_EXIT_USAGE, 0,
				   "--shared-ip is for the host's network: without --root, or "
				   "with --net host");
	if (optind >= argc)
		return launch_fail(
		    err, LAUNCH_EXIT_USAGE, 0,
		    "no program given (usage: lxrun [OPTION...] -- PROGRAM [ARG...])");
	if (!*argv[optind])
		return launch_fail(err, LAUNCH_EXIT_NOTFOUND, ENOENT, "''");
	opts->argv = argv + optind;
	/* lxrun's own environment, read now: the program's is the guest's */
	opts->syscall_patching = launch_patching_knob(opts->syscall_patching);
	return 0;
}

/* on|off|auto as LAUNCH_PATCH_*, -1 for anything else */
int launch_patching_value(const char *v)
{
	static const char *const names[] = {
	    [LAUNCH_PATCH_AUTO] = "auto", [LAUNCH_PATCH_ON] = "on", [LAUNCH_PATCH_OFF] = "off"};

	for (int i = 0; v && i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (strcmp(v, names[i]) == 0)
			return i;
	return -1;
}

int launch_patching_knob(int v)
{
	int env = launch_patching_value(getenv("LXZONE_SYSCALL_PATCHING"));

	return v == LAUNCH_PATCH_AUTO && env > 0 ? env : v;
}

unsigned launch_patching(const struct launch_opts *o)
{
	int v = o->syscall_patching;

	if (v == LAUNCH_PATCH_ON || (v == LAUNCH_PATCH_AUTO && o->hardened))
		return LX_BF_PATCH;
	return v == LAUNCH_PATCH_AUTO ? LX_BF_PATCH_LAZY : 0;
}
