/*
 * probe_gate: the brand's gate bypasses emulation, never the policy.
 * escape-contexts: zone hardened lxrun oci oci-userns
 * Safe outcome: every call the table refuses (emul/systable.def) gives the same errno through
 * the gate (LX_GATE_ADDR) as when called directly.  The table's USERNS rows (statmount,
 * listmount) are not refused in a user-namespaced zone of the default profile (they pass to
 * the kernel, which confines them to the zone's user namespace: docs/security.md), so there
 * they are left out; in the hardened zone and under lxrun they are refused and tried.
 *
 * The brand makes its own system calls through code at a fixed address, and the filter allows
 * trapped calls made from there, so any guest can jump to it.  If the filter let a refused
 * call through because of where it came from, the call would reach the kernel: every call is
 * made with all arguments -1, which the kernel rejects (EFAULT, EBADF, EINVAL, a missing
 * capability) before doing anything, so even an escape changes nothing.  uname, which the
 * brand emulates, shows that the gate is live: through it the host kernel answers.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "emul/systable.h"
#include "kernel-shim/brand_abi.h"
#include "tests/escape/probe.h"

typedef long (*gate_fn)(long, long, long, long, long, long, long);

/* -errno or the result, as the raw call returns it */
static long direct(long nr)
{
	long r = syscall(nr, -1L, -1L, -1L, -1L, -1L, -1L);
	return r < 0 ? -errno : r;
}

static long gated(long nr)
{
	return ((gate_fn)LX_GATE_ADDR)(nr, -1L, -1L, -1L, -1L, -1L, -1L);
}

/* The gate's bytes are where the brand maps them (write() from an unmapped address fails). */
static int gate_mapped(void)
{
	static const unsigned char stub[] = LX_GATE_STUB_BYTES;
	int p[2];
	long n;

	if (pipe(p) < 0)
		return 0;
	n = write(p[1], (const void *)LX_GATE_ADDR, sizeof(stub));
	close(p[0]);
	close(p[1]);
	return n == (long)sizeof(stub) &&
	       memcmp((const void *)LX_GATE_ADDR, stub, sizeof(stub)) == 0;
}

/* A user-namespaced zone of the default profile (the suite's `zone` context: its uid 0 is not
 * the host's), where the USERNS rows pass by design. */
static int userns_default_zone(void)
{
	const char *ctx = getenv("ESCAPE_CONTEXT");
	char buf[128] = "";
	int fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	unsigned long inside = 1, outside = 1;

	if (fd >= 0)
		close(fd);
	if (!ctx || strcmp(ctx, "zone") != 0 || n <= 0)
		return 0;
	buf[n] = '\0';
	return sscanf(buf, "%lu %lu", &inside, &outside) == 2 && inside == 0 && outside != 0;
}

int main(void)
{
	struct utsname emulated, host;
	char bad[1024] = "";
	size_t used = 0;
	int tried = 0, escaped = 0;

	if (!gate_mapped())
		probe_skip("no brand gate at %#lx (not running under the brand)", LX_GATE_ADDR);
	uname(&emulated);
	if (((gate_fn)LX_GATE_ADDR)(SYS_uname, (long)&host, 0, 0, 0, 0, 0) != 0)
		probe_skip("uname through the gate failed: the gate is not usable here");

	for (int nr = 0; nr < LX_NSYSCALLS; nr++) {
		const struct lx_sysent *e = &lx_systable[nr];
		long d, g;

		if (e->cls != LX_SYS_REFUSE && e->cls_hardened != LX_SYS_REFUSE)
			continue;
		if (e->trap == LX_TRAP_USERNS && userns_default_zone())
			continue;
		tried++;
		d = direct(nr);
		g = gated(nr);
		if (d >= 0 || g >= 0 || d != g) {
			escaped++;
			if (used >= sizeof(bad))
				continue;
			used += snprintf(bad + used, sizeof(bad) - used, " %s(direct %s, gate %s)",
					 e->name, probe_errname(d >= 0 ? 0 : (int)-d),
					 probe_errname(g >= 0 ? 0 : (int)-g));
		}
	}
	if (escaped)
		probe_escaped("%d of %d refused calls answer differently through the gate:%s",
			      escaped, tried, bad);
	probe_safe("%d refused calls give the same errno through the gate (gate live: uname %s "
		   "there, %s emulated)",
		   tried, host.release, emulated.release);
}
