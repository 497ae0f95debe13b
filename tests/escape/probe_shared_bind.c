/*
 * probe_shared_bind: a net=shared zone binds an address that is not its own.
 * escape-contexts: shared
 * (Not oci: net=shared is a zone's own network mode, the host's stack confined by the zone's
 * cgroup socket hooks; an OCI container has a network namespace of its own or, without one,
 * the runtime's, as under runc.)
 * escape-native: escaped
 * Safe outcome: in a net=shared zone every bind to a host address fails with EADDRNOTAVAIL,
 * made directly, through the brand's gate (LX_GATE_ADDR) and with IP_FREEBIND (which skips
 * the kernel's own "is it local" check), and a raw socket is refused: the zone's cgroup
 * socket hooks decide, not the brand.
 *
 * The host's address comes from ESCAPE_HOSTADDR (run.sh) or, natively, from the first
 * non-loopback IPv4 address getifaddrs lists.  A bind changes nothing on the host (the
 * socket is closed at once, nothing listens).
 */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel-shim/brand_abi.h"
#include "tests/escape/probe.h"

typedef long (*gate_fn)(long, long, long, long, long, long, long);

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

/* -errno or the result of a call, through the gate or directly */
static long call(int gated, long nr, long a, long b, long c, long d, long e)
{
	long r;

	if (gated)
		return ((gate_fn)LX_GATE_ADDR)(nr, a, b, c, d, e, 0);
	r = syscall(nr, a, b, c, d, e);
	return r < 0 ? -errno : r;
}

static int host_addr(struct in_addr *out)
{
	const char *env = getenv("ESCAPE_HOSTADDR");
	struct ifaddrs *ifa, *i;
	int found = 0;

	if (env && *env)
		return inet_pton(AF_INET, env, out) == 1;
	if (getifaddrs(&ifa) < 0)
		return 0;
	for (i = ifa; i && !found; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET) {
			*out = ((struct sockaddr_in *)i->ifa_addr)->sin_addr;
			found = (ntohl(out->s_addr) >> 24) != 127;
		}
	freeifaddrs(ifa);
	return found;
}

int main(void)
{
	int gate = gate_mapped(), one = 1;
	const char *ctx = getenv("ESCAPE_CONTEXT");
	struct sockaddr_in sa = {.sin_family = AF_INET};
	char a[INET_ADDRSTRLEN], got[256] = "";
	size_t used = 0;
	int tries = 0;

	if (!gate && !(ctx && strcmp(ctx, "native") == 0))
		probe_skip("no brand gate at %#lx (not running under the brand)", LX_GATE_ADDR);
	if (!host_addr(&sa.sin_addr))
		probe_skip("no host IPv4 address to try");
	inet_ntop(AF_INET, &sa.sin_addr, a, sizeof(a));
	for (int gated = 0; gated <= gate; gated++)
		for (int freebind = 0; freebind <= 1; freebind++) {
			long fd =
			    call(gated, SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0, 0, 0);
			long r;

			if (fd < 0)
				probe_skip("socket: %s", probe_errname((int)-fd));
			if (freebind)
				call(gated, SYS_setsockopt, fd, IPPROTO_IP, IP_FREEBIND, (long)&one,
				     sizeof(one));
			r = call(gated, SYS_bind, fd, (long)&sa, sizeof(sa), 0, 0);
			close((int)fd);
			tries++;
			if (r == 0)
				probe_escaped("bound the host's %s (%s%s)", a,
					      gated ? "through the gate" : "directly",
					      freebind ? ", IP_FREEBIND" : "");
			if (r != -EADDRNOTAVAIL)
				used += (size_t)snprintf(got + used, sizeof(got) - used, " %s",
							 probe_errname((int)-r));
		}
	long raw = call(gate, SYS_socket, AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP, 0, 0);
	if (raw >= 0) {
		close((int)raw);
		probe_escaped("a raw socket%s", gate ? " through the gate" : "");
	}
	probe_safe("%d binds of the host's %s: EADDRNOTAVAIL%s%s; raw socket: %s", tries, a,
		   *got ? ", also" : "", got, probe_errname((int)-raw));
}
