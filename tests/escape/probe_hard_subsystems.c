/*
 * probe_hard_subsystems: a hardened zone's guest never reaches the host's eventpoll, futex PI
 * code or fsnotify.
 * escape-contexts: hardened
 * (Not oci: the spec's default config runs the default profile; the hardened one, by the
 * io.lxzone.profile annotation, is the same brand code this context already runs.)
 * Safe outcome: epoll_create1 and inotify_init1 made directly give the brand's emulated
 * descriptors (a memfd, a pipe), and through the gate (LX_GATE_ADDR) inotify_init1,
 * FUTEX_LOCK_PI, epoll_create and epoll_wait are refused (EPERM), and so are epoll_ctl and
 * epoll_pwait on a descriptor below the brand's reserved range (896-959).  epoll_create1 from
 * the gate is allowed by design: the brand's own host epoll instances (syscalls/lx_epoll_host.c,
 * docs/security.md "Hardened epoll" says what a gate-jumping guest reaches that way).
 *
 * Creating an epoll or inotify instance or locking a private PI word changes no host state,
 * so the probe is harmless even when it escapes (it closes what it got).
 */
#include <linux/futex.h>
#include <sys/epoll.h>
#include <stdint.h>
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

/* what /proc/self/fd says fd is */
static void link_of(long fd, char *buf, size_t n)
{
	char p[64];
	ssize_t k;

	snprintf(p, sizeof(p), "/proc/self/fd/%ld", fd);
	k = readlink(p, buf, n - 1);
	buf[k < 0 ? 0 : k] = '\0';
}

int main(void)
{
	gate_fn gate = (gate_fn)LX_GATE_ADDR;
	static uint32_t word;
	char l1[256], l2[256];
	long ep, in;

	if (!gate_mapped())
		probe_skip("no brand gate at %#lx (not running under the brand)", LX_GATE_ADDR);
	ep = syscall(SYS_epoll_create1, 0);
	in = syscall(SYS_inotify_init1, 0);
	if (ep < 0 || in < 0)
		probe_skip("epoll_create1 or inotify_init1 failed here (%s)", probe_errname(errno));
	link_of(ep, l1, sizeof(l1));
	link_of(in, l2, sizeof(l2));
	close((int)ep);
	close((int)in);
	if (!strstr(l1, "memfd:lxepoll"))
		probe_escaped("epoll_create1 gave the host's eventpoll (%s), not the brand's", l1);
	if (strstr(l2, "inotify"))
		probe_escaped("inotify_init1 gave the host's inotify (%s), not the brand's", l2);
	/* the brand's epoll calls from the gate: on its reserved descriptors only */
	long e1 = gate(SYS_epoll_create, 1, 0, 0, 0, 0, 0);
	long e2 = gate(SYS_epoll_wait, 0, 0, 1, 0, 0, 0);
	long e3 = gate(SYS_epoll_ctl, 0, EPOLL_CTL_DEL, 1, 0, 0, 0);
	long e4 = gate(SYS_epoll_pwait, 3, 0, 1, 0, 0, 8);
	if (e1 >= 0)
		close((int)e1);
	long r2 = gate(SYS_inotify_init1, 0, 0, 0, 0, 0, 0);
	if (r2 >= 0) {
		close((int)r2);
		probe_escaped("inotify_init1 through the gate reached the host (fd %ld)", r2);
	}
	long r3 = gate(SYS_futex, (long)&word, FUTEX_LOCK_PI_PRIVATE, 0, 0, 0, 0);
	if (r3 >= 0)
		probe_escaped("FUTEX_LOCK_PI through the gate reached the host");
	if (r2 != -EPERM || r3 != -EPERM || e1 != -EPERM || e2 != -EPERM || e3 != -EPERM ||
	    e4 != -EPERM)
		probe_escaped("through the gate: inotify_init1 %s, LOCK_PI %s, epoll_create %s, "
			      "epoll_wait %s, epoll_ctl(0) %s, epoll_pwait(3) %s (want EPERM)",
			      probe_errname((int)-r2), probe_errname((int)-r3),
			      probe_errname((int)-e1), probe_errname((int)-e2),
			      probe_errname((int)-e3), probe_errname((int)-e4));
	probe_safe("epoll and inotify are the brand's (%s, %s); through the gate inotify_init1, "
		   "FUTEX_LOCK_PI, epoll_create, epoll_wait and epoll_ctl/epoll_pwait outside the "
		   "brand's descriptors are refused (EPERM)",
		   l1, l2);
}
