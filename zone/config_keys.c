/*
 * The zone configuration table: every key with its type, default, validator and help. Adding
 * a key means adding one row below (and regenerating docs/zone-config.md with `lxzone
 * config-doc`); config.c does everything else from the table.
 */
#include "zone/config.h"
#include "zone/roff.h"
#include "zone/capset.h"
#include "zone/net.h"
#include "zone/rlimits.h"
#include "zone/ttys.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int copy_out(const char *value, char *out, size_t outsz, struct zone_error *err)
{
	if (strlen(value) >= outsz)
		return zone_error_set(err, 0, "value too long");
	strcpy(out, value);
	return 0;
}

static int one_of(const char *value, const char *choices, char *out, size_t outsz,
		  struct zone_error *err)
{
	size_t n = strlen(value);
	const char *p = choices;

	while (*p) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && strncmp(p, value, n) == 0)
			return copy_out(value, out, outsz, err);
		p += len + (bar ? 1 : 0);
	}
	return zone_error_set(err, 0, "'%s' is not one of %s", value, choices);
}

static int v_brand(const char *v, char *out, size_t sz, struct zone_error *err)
{
	return one_of(v, "lx", out, sz, err);
}

static int v_profile(const char *v, char *out, size_t sz, struct zone_error *err)
{
	return one_of(v, "default|hardened", out, sz, err);
}

static int v_patching(const char *v, char *out, size_t sz, struct zone_error *err)
{
	return one_of(v, "auto|on|off", out, sz, err);
}

static int v_net(const char *v, char *out, size_t sz, struct zone_error *err)
{
	return one_of(v, "none|exclusive|shared", out, sz, err);
}

static int v_identity(const char *v, char *out, size_t sz, struct zone_error *err)
{
	return one_of(v, "missing|always|never", out, sz, err);
}

static int v_boottime(const char *v, char *out, size_t sz, struct zone_error *err)
{
	return one_of(v, "zone|host", out, sz, err);
}

static int v_root_type(const char *v, char *out, size_t sz, struct zone_error *err)
{
	return one_of(v, "whole|sparse", out, sz, err);
}

/* A Linux release string as uname(2) reports it: digits.digits[.digits][suffix]. */
static int v_kernel_version(const char *v, char *out, size_t sz, struct zone_error *err)
{
	const char *p = v;
	int dots = 0;

	if (strlen(v) > 64)
		return zone_error_set(err, 0, "'%s' is longer than 64 characters", v);
	for (int part = 0; part < 3; part++) {
		if (!isdigit((unsigned char)*p))
			break;
		while (isdigit((unsigned char)*p))
			p++;
		if (*p == '.' && part < 2 && isdigit((unsigned char)p[1])) {
			p++;
			dots++;
		} else {
			break;
		}
	}
	if (dots < 1)
		return zone_error_set(err, 0, "'%s' is not a kernel version like 5.15.0", v);
	for (; *p; p++)
		if (!isalnum((unsigned char)*p) && strchr("-.+_~", *p) == NULL)
			return zone_error_set(err, 0, "'%s': unexpected character '%c'", v, *p);
	return copy_out(v, out, sz, err);
}

int zone_size_parse(const char *s, uint64_t *bytes, struct zone_error *err)
{
	char *end;
	unsigned long long n;
	uint64_t mult = 1;

	if (strcmp(s, "unlimited") == 0 || strcmp(s, "max") == 0) {
		*bytes = ZONE_UNLIMITED;
		return 0;
	}
	if (!isdigit((unsigned char)*s))
		return zone_error_set(err, 0, "'%s' is not a size like 512M or 2G", s);
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno != 0)
		return zone_error_set(err, 0, "'%s' is not a size like 512M or 2G", s);
	switch (toupper((unsigned char)*end)) {
	case '\0':
		break;
	case 'K':
		mult = 1ULL << 10;
		break;
	case 'M':
		mult = 1ULL << 20;
		break;
	case 'G':
		mult = 1ULL << 30;
		break;
	case 'T':
		mult = 1ULL << 40;
		break;
	default:
		return zone_error_set(err, 0, "'%s': unknown size suffix '%s'", s, end);
	}
	if (*end != '\0') {
		end++;
		if (strcmp(end, "") != 0 && strcasecmp(end, "B") != 0 && strcasecmp(end, "iB") != 0)
			return zone_error_set(err, 0, "'%s': unknown size suffix", s);
	}
	if (n > UINT64_MAX / mult)
		return zone_error_set(err, 0, "'%s' is too large", s);
	*bytes = n * mult;
	return 0;
}

static int v_size(const char *v, char *out, size_t sz, struct zone_error *err)
{
	uint64_t b = 0;

	if (zone_size_parse(v, &b, err) < 0)
		return -1;
	if (b == ZONE_UNLIMITED)
		return copy_out("unlimited", out, sz, err);
	return copy_out(v, out, sz, err);
}

/* A size (v_size) of at least min bytes, named min_name in the message, or unlimited. */
static int size_at_least(const char *v, char *out, size_t sz, uint64_t min, const char *min_name,
			 struct zone_error *err)
{
	uint64_t b;

	if (v_size(v, out, sz, err) < 0)
		return -1;
	zone_size_parse(out, &b, err);
	if (b != ZONE_UNLIMITED && b < min)
		return zone_error_set(err, 0, "'%s' is below the %s minimum", v, min_name);
	return 0;
}

static int v_memory(const char *v, char *out, size_t sz, struct zone_error *err)
{
	return size_at_least(v, out, sz, 4ULL << 20, "4M", err);
}

/* A decimal number of CPUs with up to three decimals: "2", "0.5". */
static int v_cpus(const char *v, char *out, size_t sz, struct zone_error *err)
{
	const char *p = v;
	int decimals = -1;
	uint64_t milli = 0;

	if (strcmp(v, "unlimited") == 0)
		return copy_out(v, out, sz, err);
	if (!isdigit((unsigned char)*p))
		return zone_error_set(err, 0, "'%s' is not a number of CPUs like 2 or 0.5", v);
	for (; *p; p++) {
		if (*p == '.' && decimals < 0) {
			decimals = 0;
			continue;
		}
		if (!isdigit((unsigned char)*p) || decimals >= 3 || milli > 1000000)
			return zone_error_set(err, 0, "'%s' is not a number of CPUs like 2 or 0.5",
					      v);
		if (decimals >= 0)
			decimals++;
		milli = milli * 10 + (uint64_t)(*p - '0');
	}
	for (int d = decimals < 0 ? 0 : decimals; d < 3; d++)
		milli *= 10;
	if (milli < 10)
		return zone_error_set(err, 0, "'%s' is below the 0.01 CPU minimum", v);
	return copy_out(v, out, sz, err);
}

/* The console log's cap: a size of at least 4K, or unlimited. */
static int v_console_size(const char *v, char *out, size_t sz, struct zone_error *err)
{
	return size_at_least(v, out, sz, 4ULL << 10, "4K", err);
}

/* A plain decimal from lo to hi, written to out as read; false when v is not one. */
static bool decimal_in(const char *v, unsigned long lo, unsigned long hi, char *out, size_t sz)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (!isdigit((unsigned char)*v) || *end != '\0' || errno != 0 || n < lo || n > hi)
		return false;
	snprintf(out, sz, "%lu", n);
	return true;
}

/* How many pty-backed /dev/ttyN a zone gets: 0 to ZONE_TTYS_MAX (zone/ttys.h). */
static int v_ttys(const char *v, char *out, size_t sz, struct zone_error *err)
{
	if (!decimal_in(v, 0, ZONE_TTYS_MAX, out, sz))
		return zone_error_set(err, 0, "'%s' is not a number of terminals from 0 to %d", v,
				      ZONE_TTYS_MAX);
	return 0;
}

/* How many files the console log is kept in: 1 to 100 (zone/console.h). */
static int v_console_files(const char *v, char *out, size_t sz, struct zone_error *err)
{
	if (!decimal_in(v, 1, 100, out, sz))
		return zone_error_set(err, 0, "'%s' is not a number of files between 1 and 100", v);
	return 0;
}

static int v_boot_timeout(const char *v, char *out, size_t sz, struct zone_error *err)
{
	if (!decimal_in(v, 1, 3600, out, sz))
		return zone_error_set(err, 0, "'%s' is not a number of seconds between 1 and 3600",
				      v);
	return 0;
}

static int v_count(const char *v, char *out, size_t sz, struct zone_error *err)
{
	char *end;
	unsigned long long n;

	if (strcmp(v, "unlimited") == 0)
		return copy_out(v, out, sz, err);
	errno = 0;
	n = strtoull(v, &end, 10);
	if (!isdigit((unsigned char)*v) || *end != '\0' || errno != 0 || n < 1 || n > 4194304)
		return zone_error_set(err, 0, "'%s' is not a count between 1 and 4194304", v);
	return copy_out(v, out, sz, err);
}

/* One IPv4 or IPv6 address with a prefix length. */
static int v_one_address(const char *v, struct zone_error *err)
{
	char addr[INET6_ADDRSTRLEN + 1];
	unsigned char buf[sizeof(struct in6_addr)];
	const char *slash = strchr(v, '/');
	char *end;
	long prefix;
	int v6;

	if (slash == NULL || (size_t)(slash - v) >= sizeof(addr))
		return zone_error_set(err, 0, "'%s' is not an address/prefix like 10.0.3.2/24", v);
	memcpy(addr, v, (size_t)(slash - v));
	addr[slash - v] = '\0';
	v6 = strchr(addr, ':') != NULL;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, addr, buf) != 1)
		return zone_error_set(err, 0, "'%s': '%s' is not an IP address", v, addr);
	errno = 0;
	prefix = strtol(slash + 1, &end, 10);
	if (slash[1] == '\0' || *end != '\0' || prefix < 1 || prefix > (v6 ? 128 : 32))
		return zone_error_set(err, 0, "'%s': bad prefix length", v);
	return 0;
}

/* ADDR/PREFIX[,ADDR/PREFIX...] (several only make sense for net=shared: zone_config_check) */
static int v_address(const char *v, char *out, size_t sz, struct zone_error *err)
{
	char one[INET6_ADDRSTRLEN + 8];
	const char *p = v;
	size_t count = 0;

	if (*v && v[strlen(v) - 1] == ',')
		return zone_error_set(err, 0, "'%s' ends with a comma", v);
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (len == 0 || len >= sizeof(one))
			return zone_error_set(err, 0,
					      "'%s' is not a list like 10.0.3.2/24,fd00::2/64", v);
		memcpy(one, p, len);
		one[len] = '\0';
		if (v_one_address(one, err) < 0)
			return -1;
		if (++count > ZONE_MAX_ADDRESSES)
			return zone_error_set(err, 0, "'%s': at most %d addresses", v,
					      ZONE_MAX_ADDRESSES);
		p += len + (comma ? 1 : 0);
	}
	return copy_out(v, out, sz, err);
}

/* A host interface name (IFNAMSIZ, no '/' or blanks, as the kernel takes them). */
static int v_ifname(const char *v, char *out, size_t sz, struct zone_error *err)
{
	if (*v == '\0' || strlen(v) > 15 || strcmp(v, ".") == 0 || strcmp(v, "..") == 0 ||
	    strpbrk(v, "/: \t\n") != NULL)
		return zone_error_set(err, 0, "'%s' is not an interface name (1-15 characters)", v);
	return copy_out(v, out, sz, err);
}

/* net=exclusive's further interfaces (zone/net_config.c) */
static int v_interface(const char *v, char *out, size_t sz, struct zone_error *err)
{
	struct zone_netif nif;

	if (zone_netif_parse(v, &nif, err) < 0)
		return -1;
	return copy_out(v, out, sz, err);
}

static int v_dns(const char *v, char *out, size_t sz, struct zone_error *err)
{
	if (zone_dns_check(v, err) < 0)
		return -1;
	return copy_out(v, out, sz, err);
}

static int v_bool(const char *v, char *out, size_t sz, struct zone_error *err)
{
	if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 || strcmp(v, "1") == 0)
		return copy_out("true", out, sz, err);
	if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0 || strcmp(v, "0") == 0)
		return copy_out("false", out, sz, err);
	return zone_error_set(err, 0, "'%s' is not true or false", v);
}

/* RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens. */
int zone_hostname_check(const char *v, char *out, size_t sz, struct zone_error *err)
{
	size_t label = 0, n = strlen(v);

	if (n == 0 || n > 64)
		return zone_error_set(err, 0, "'%s': a hostname has 1 to 64 characters", v);
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (c == '.') {
			if (label == 0 || v[i - 1] == '-')
				return zone_error_set(err, 0, "'%s' is not a valid hostname", v);
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)c) && !(c == '-' && label > 0))
			return zone_error_set(err, 0, "'%s' is not a valid hostname", v);
		label++;
	}
	if (label == 0 || v[n - 1] == '-')
		return zone_error_set(err, 0, "'%s' is not a valid hostname", v);
	return copy_out(v, out, sz, err);
}

static int v_init(const char *v, char *out, size_t sz, struct zone_error *err)
{
	if (strcmp(v, "auto") == 0 || strcmp(v, "minimal") == 0)
		return copy_out(v, out, sz, err);
	if (v[0] != '/' || strstr(v, "/../") != NULL || strcmp(v + strlen(v) - 3, "/..") == 0)
		return zone_error_set(err, 0, "'%s' is not auto, minimal or an absolute path", v);
	return copy_out(v, out, sz, err);
}

static int path_ok(const char *p)
{
	const char *s = p;

	if (p[0] != '/')
		return 0;
	while ((s = strstr(s, "..")) != NULL) {
		if ((s == p || s[-1] == '/') && (s[2] == '/' || s[2] == '\0'))
			return 0;
		s += 2;
	}
	return 1;
}

int zone_mount_parse(const char *spec, struct zone_mount *m, struct zone_error *err)
{
	const char *colon = strchr(spec, ':');
	const char *rest;
	const char *opt;
	size_t hl, zl;

	memset(m, 0, sizeof(*m));
	if (colon == NULL)
		return zone_error_set(err, 0, "'%s' is not HOSTPATH:ZONEPATH[:ro]", spec);
	hl = (size_t)(colon - spec);
	rest = colon + 1;
	opt = strchr(rest, ':');
	zl = opt ? (size_t)(opt - rest) : strlen(rest);
	if (hl == 0 || hl >= sizeof(m->host) || zl == 0 || zl >= sizeof(m->zone))
		return zone_error_set(err, 0, "'%s' is not HOSTPATH:ZONEPATH[:ro]", spec);
	memcpy(m->host, spec, hl);
	memcpy(m->zone, rest, zl);
	if (opt != NULL) {
		if (strcmp(opt + 1, "ro") == 0)
			m->readonly = true;
		else if (strcmp(opt + 1, "rw") != 0)
			return zone_error_set(err, 0, "'%s': option must be ro or rw", spec);
	}
	if (!path_ok(m->host))
		return zone_error_set(err, 0, "'%s': host path must be absolute, without '..'",
				      spec);
	if (!path_ok(m->zone) || strcmp(m->zone, "/") == 0)
		return zone_error_set(
		    err, 0, "'%s': zone path must be absolute, without '..', not '/'", spec);
	return 0;
}

/* Checked against the default profile's set; the profile in force is applied at boot. */
static int v_capabilities(const char *v, char *out, size_t sz, struct zone_error *err)
{
	uint64_t mask;

	return zone_caps_parse(v, zone_caps_profile(false, true), &mask, out, sz, err);
}

static int v_mount(const char *v, char *out, size_t sz, struct zone_error *err)
{
	struct zone_mount m;

	if (zone_mount_parse(v, &m, err) < 0)
		return -1;
	return copy_out(v, out, sz, err);
}

int zone_device_parse(const char *spec, struct zone_device *d, struct zone_error *err)
{
	const char *colon = strchr(spec, ':');
	size_t hl = colon ? (size_t)(colon - spec) : strlen(spec);

	memset(d, 0, sizeof(*d));
	if (hl == 0 || hl >= sizeof(d->host) || (colon && strlen(colon + 1) >= sizeof(d->zone)))
		return zone_error_set(err, 0, "'%s' is not HOSTDEV[:ZONEPATH]", spec);
	memcpy(d->host, spec, hl);
	snprintf(d->zone, sizeof(d->zone), "%s", colon ? colon + 1 : d->host);
	if (!path_ok(d->host))
		return zone_error_set(err, 0, "'%s': host device must be absolute, without '..'",
				      spec);
	if (!path_ok(d->zone) || strncmp(d->zone, "/dev/", 5) != 0 || d->zone[5] == '\0' ||
	    d->zone[strlen(d->zone) - 1] == '/')
		return zone_error_set(
		    err, 0, "'%s': zone path must be a file under /dev, without '..'", spec);
	return 0;
}

int zone_device_host_check(const char *spec, unsigned long *rdev, struct zone_error *err)
{
	struct zone_device d;
	struct stat st;

	if (zone_device_parse(spec, &d, err) < 0)
		return -1;
	if (stat(d.host, &st) < 0)
		return zone_error_set(err, errno, "device %s", d.host);
	if (!S_ISBLK(st.st_mode))
		return zone_error_set(err, 0, "device %s: not a block device", d.host);
	if (rdev)
		*rdev = (unsigned long)st.st_rdev;
	return 0;
}

/* Syntax only: a zone whose device went away must still load (to be reconfigured); that it
 * is a block device is checked when it is configured and at every boot. */
static int v_device(const char *v, char *out, size_t sz, struct zone_error *err)
{
	struct zone_device d;

	if (zone_device_parse(v, &d, err) < 0)
		return -1;
	return copy_out(v, out, sz, err);
}

const struct zone_config_key zone_config_keys[] = {
    {"brand", ZONE_KEY_ENUM, "lx", "lx", v_brand, "Brand every process in the zone runs under."},
    {"profile", ZONE_KEY_ENUM, "default", "default|hardened", v_profile,
     "Brand profile: `hardened` emulates epoll, futex PI/requeue and inotify instead of "
     "passing them to the host kernel."},
    {"syscall-patching", ZONE_KEY_ENUM, "auto", "auto|on|off", v_patching,
     "Rewrite the site of a trapped call (`mov $nr, %eax; syscall`) into a jump to the brand, "
     "so later calls from it take no signal (docs/architecture.md, \"Syscall-site patching\"); "
     "`auto` is `on` in the hardened profile and, in the default profile, patches a site once it "
     "trapped 32 times in a process. The environment variable "
     "LXZONE_SYSCALL_PATCHING=on|off of lxzone/lxrun decides for `auto` (theirs, never the "
     "zone's: `exec --env` gives it to the program only)."},
    {"kernel-version", ZONE_KEY_STRING, "5.15.0", "X.Y[.Z][suffix]", v_kernel_version,
     "Linux release the zone sees in uname(2) and /proc; system calls Linux added after it "
     "answer ENOSYS, as that kernel would (docs/syscalls.md, column since)."},
    {"memory", ZONE_KEY_SIZE, "unlimited", "SIZE|unlimited", v_memory,
     "Memory cap (K, M, G, T suffixes, powers of 1024); at least 4M."},
    {"swap", ZONE_KEY_SIZE, "0", "SIZE|unlimited", v_size,
     "Swap the zone may use on top of `memory` (only meaningful with a memory cap)."},
    {"rlimit-memlock", ZONE_KEY_STRING, "auto", "auto|SIZE|unlimited", zone_rlimit_memlock_check,
     "RLIMIT_MEMLOCK of every process in the zone (as `ulimit -l`, LXC's lxc.prlimit.memlock, "
     "OCI's process.rlimits): how much memory it may lock (mlock, mlockall, SHM_LOCK). In a "
     "zone with a user namespace the kernel ignores its root's cap_ipc_lock (it counts only in "
     "the host's user namespace), so without this a large mlock gets ENOMEM. `auto`: in such "
     "a zone with cap_ipc_lock and a `memory` cap, that cap (locked pages are charged to the "
     "zone's memory cgroup, so the cap bounds them); otherwise the limit lxzone inherited "
     "(never lowered). A size sets it exactly. Raising it past the inherited hard limit needs "
     "CAP_SYS_RESOURCE on the host: `auto` then stops at that limit, a size fails the boot. "
     "Applies from the next boot; `lxzone exec` takes the zone init's."},
    {"rlimit-nice", ZONE_KEY_STRING, "auto", "auto|0..40", zone_rlimit_nice_check,
     "RLIMIT_NICE of every process in the zone (as `ulimit -e`): the lowest nice value it may "
     "set is 20 - N. In a zone with a user namespace the kernel ignores its root's "
     "cap_sys_nice, so nice(-1) gets EPERM. `auto`: 40 (nice down to -20) in such a zone with "
     "cap_sys_nice whose cgroup has the cpu controller, where nice weighs the zone's "
     "processes only against each other (the group's cpu.weight against the host); otherwise "
     "the inherited limit. Every zone user gets it, not root only (as Docker's `--ulimit "
     "nice`): 0 keeps Linux's default for users. Real-time priorities stay refused (they are "
     "not bounded by the group's weight). Raising past the inherited hard limit needs "
     "CAP_SYS_RESOURCE on the host, as for rlimit-memlock."},
    {"cpus", ZONE_KEY_COUNT, "unlimited", "N|unlimited", v_cpus,
     "CPU cap: a quota of N CPUs (decimals allowed), and a cpuset of the first ceil(N) "
     "host CPUs."},
    {"pids", ZONE_KEY_COUNT, "unlimited", "N|unlimited", v_count,
     "Maximum number of processes and threads in the zone."},
    {"net", ZONE_KEY_ENUM, "none", "none|exclusive|shared", v_net,
     "`none`: own network namespace with loopback only. `exclusive`: own namespace and a "
     "veth pair to the host an interface (`address`'s eth0, each `interface`). `shared`: "
     "the host's network stack, the zone's `address`es added to `shared-interface` at boot "
     "and removed at halt; the kernel (cgroup socket hooks) lets the zone bind, connect and "
     "send from those addresses only, and gives it a loopback address of its own in 127/8 "
     "for 127.0.0.1 (docs/network.md). Not with `privileged`."},
    {"address", ZONE_KEY_STRING, "", "ADDR/PREFIX[,ADDR/PREFIX...]", v_address,
     "Zone address (IPv4 or IPv6, with prefix length), comma-separated: for net=exclusive "
     "an IPv4 one, an IPv6 one or both (each gets a default route via the host end); for "
     "net=shared one or more of either family."},
    {"interface", ZONE_KEY_LIST, "", "NAME[,address=A/P]...[,gateway=A]...[,bridge=BR|macvlan=IF]",
     v_interface,
     "A further interface of a net=exclusive zone (repeatable, as LXC's lxc.net.N and "
     "zonecfg's `add net`): its name in the zone, addresses of either family with prefix, "
     "default routes (`gateway=`, one a family in the zone, on one of the interface's subnets "
     "or IPv6 link-local), and its host side: a veth whose host end lxz<hash>n<N> is routed "
     "(it takes the first other address of each subnet, as `address`'s eth0's does) or, with "
     "`bridge=`, a port of that host bridge (which must exist); or, with `macvlan=`, no veth "
     "but a macvlan (bridge mode) of that host interface, which reaches its network but not "
     "the host itself. `address` is eth0 with a default route via its host end; leave it "
     "empty to give eth0 as an interface too (docs/network.md)."},
    {"dns", ZONE_KEY_STRING, "", "ADDR|DOMAIN[,...]", v_dns,
     "The zone's resolver: addresses are nameservers (at most 3), names search domains (at "
     "most 6), written to /etc/resolv.conf at every boot in place of the host's (identity-files "
     "`missing` or `always`; not with `never`). Empty: identity-files copies the host's."},
    {"shared-interface", ZONE_KEY_STRING, "lxzone0", "IFNAME", v_ifname,
     "Host interface a net=shared zone's addresses go on. `lxzone0` is lxzone's own (made "
     "at the first boot that needs it: a dummy, or a bridge without ports where the kernel "
     "has no dummy driver); another name must exist."},
    {"root-type", ZONE_KEY_ENUM, "whole", "whole|sparse", v_root_type,
     "`whole`: a private copy of the image. `sparse`: an overlay with the source image "
     "as read-only lower layer."},
    {"capabilities", ZONE_KEY_STRING, "default", "default|default-profile|all|none|[+-]CAP,...",
     v_capabilities,
     "Capabilities root keeps in the zone (bounding, permitted and effective sets; "
     "inheritable and ambient are empty). `default` is the profile's set: for `default`, "
     "all but cap_dac_read_search, cap_sys_module, cap_sys_rawio, cap_sys_pacct, "
     "cap_audit_control, cap_audit_read, cap_mac_override, cap_mac_admin, cap_syslog, "
     "cap_wake_alarm, cap_block_suspend, cap_perfmon and cap_bpf, and cap_mknod on a host "
     "without the cgroup v1 `devices` controller (pure cgroup2: no devices cgroup confines the "
     "nodes a zone makes); for `hardened`, Docker's default set without cap_mknod (cap_chown, "
     "cap_dac_override, cap_fowner, cap_fsetid, cap_kill, cap_setgid, cap_setuid, cap_setpcap, "
     "cap_net_bind_service, cap_net_raw, cap_sys_chroot, cap_audit_write, cap_setfcap). "
     "cap_sys_time only allows time-namespace offsets: the brand refuses every call that sets "
     "the host's clock. `default-profile` is the `default` profile's set whatever the zone's "
     "profile (a hardened zone's emulations and filter with the default zone's capabilities: "
     "what the LTP harness measures the hardened profile's translation with). "
     "`+cap_x,-cap_y` changes the profile's set, a list of names replaces it. A user other "
     "than root ends with none."},
    {"mount", ZONE_KEY_LIST, "", "HOSTPATH:ZONEPATH[:ro]", v_mount,
     "Host directory bind-mounted into the zone (repeatable; read-only with `:ro`)."},
    {"device", ZONE_KEY_LIST, "", "HOSTDEV[:ZONEPATH]", v_device,
     "Host block device given to the zone (repeatable): a node with its major:minor, mode "
     "0660, at ZONEPATH (default: the host path; under /dev). The zone may mount it "
     "(ext2/3/4, xfs, btrfs, vfat, exfat) through its mount service."},
    {"golden", ZONE_KEY_BOOL, "false", "true|false", v_bool,
     "Golden image: a template for clones and `lxzone run --from`; never booted itself."},
    {"privileged", ZONE_KEY_BOOL, "false", "true|false", v_bool,
     "Run the zone without a user namespace of its own: its root is the host's root, "
     "confined only by namespaces, capabilities, cgroups and the filter. `false` (the "
     "default): the zone's uids and gids 0-65535 map to a host range of its own (state.json "
     "`idmap`), its root file system is presented through an idmapped mount, and every boot "
     "mount is locked by the kernel. `list` and `info` flag privileged zones. A privileged "
     "zone's set-user-ID and execute-only programs run through the host binfmt_misc's "
     "`lxzone-oci` entry, which its boot registers when missing, and its supervisor again "
     "within a second of a flush of the host's entries (docs/architecture.md)."},
    {"hostname", ZONE_KEY_STRING, NULL, "NAME", zone_hostname_check,
     "Host name inside the zone (default: the zone name)."},
    {"identity-files", ZONE_KEY_STRING, "missing", "missing|always|never", v_identity,
     "The zone's /etc/hostname, /etc/hosts (localhost and the host name) and, with a network, "
     "/etc/resolv.conf (the host's), as systemd-nspawn and Docker give them: `missing` writes "
     "each at boot only where the image has none (not even a symbolic link), `always` "
     "rewrites them at every boot (a symbolic link is replaced by a file), `never` leaves "
     "the image's as they are."},
    {"init", ZONE_KEY_STRING, "minimal", "minimal|auto|PATH", v_init,
     "PID 1: `auto` runs the image's /sbin/init when present, else lxzone's minimal init; "
     "`minimal` always uses the minimal init; or an absolute path in the zone."},
    {"console-log-size", ZONE_KEY_SIZE, "1M", "SIZE|unlimited", v_console_size,
     "Size cap of the zone's console log, ZONEPATH/console.log (what the zone's init and "
     "every process that inherits its stdout and stderr write; the zone holds a pipe, lxzone "
     "writes the file): when full it is rotated to console.log.1 (see `console-log-files`). "
     "At least 4K. `unlimited` never rotates, and lets the zone fill the host's disk."},
    {"console-log-files", ZONE_KEY_COUNT, "3", "N", v_console_files,
     "Files the console log is kept in, console.log included, as Docker's `max-file` and the "
     "kubelet's `containerLogMaxFiles`: console.log.1 is the newest rotated one, the oldest "
     "past N is deleted, so the log takes at most `console-log-size` x N on the host. 1: "
     "console.log is emptied when full. Applies from the next boot."},
    {"ttys", ZONE_KEY_COUNT, "6", "N", v_ttys,
     "Terminals /dev/tty1..ttyN of the zone, pty-backed, as LXC's `lxc.tty.max` (0 to 12): "
     "an inittab's gettys on tty1..tty6 (Debian's sysvinit, busybox's) wait on them for a "
     "login instead of failing and being respawned for as long as the zone runs (`boot` "
     "warns of an inittab's gettys on ttys beyond N: LXC leaves the inittab to the image "
     "too, and lxzone does not rewrite it). The supervisor holds each terminal's other end; "
     "`lxzone console NAME --tty K` attaches "
     "to /dev/ttyK (as `lxc console -t K`). Applies from the next boot."},
    {"boot-timeout", ZONE_KEY_COUNT, "90", "SECONDS", v_boot_timeout,
     "How long `boot` waits for the zone's init to be ready (systemd: READY=1 on its "
     "NOTIFY_SOCKET; other inits are ready once started). Past it the boot fails with the "
     "console's last lines and the zone is halted, left `installed`."},
    {"boottime", ZONE_KEY_ENUM, "zone", "zone|host", v_boottime,
     "What the zone's CLOCK_BOOTTIME counts from. `zone`: the zone's boot (a time namespace "
     "of its own with that boottime offset), so process start times (/proc/PID/stat, ps, "
     "htop) agree with the zone's uptime and btime. `host`: the host's boot (no time "
     "namespace): ps then shows start times off by the host's uptime at the zone's boot, but "
     "offsets a program writes for a time namespace of its own (which Linux takes from the "
     "host's clocks) mean what they mean on the host, as LTP's clock_gettime03, sysinfo03 "
     "and timerfd04 expect. The zone's /proc/uptime is its own either way."},
};
const size_t zone_config_nkeys = sizeof(zone_config_keys) / sizeof(zone_config_keys[0]);
