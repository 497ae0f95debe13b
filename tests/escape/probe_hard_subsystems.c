/*
 * probe_hard_subsystems: a hardened zone's guest never reaches the host's eventpoll, futex PI
 * code or fsnotify.
 * escape-contexts: hardened
 * Safe outcome: epoll_create1 and inotify_init1 made directly give the brand's emulated
 * descriptors (a memfd, a pipe), and through the gate (LX_GATE_ADDR) they and FUTEX_LOCK_PI
 * are refused (EPERM): the brand never makes these calls itself, so the filter refuses them
 * from the gate too.
 *
 * Creating an epoll or inotify instance or locking a private PI word changes no host state,
 * so the probe is harmless even when it escapes (it closes what it got).
 */
#include <linux/futex.h>
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
	long ep, in, r;

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
	r = gate(SYS_epoll_create1, 0, 0, 0, 0, 0, 0);
	if (r >= 0) {
		close((int)r);
		probe_escaped("epoll_create1 through the gate reached the host (fd %ld)", r);
	}
	long r2 = gate(SYS_inotify_init1, 0, 0, 0, 0, 0, 0);
	if (r2 >= 0) {
		close((int)r2);
		probe_escaped("inotify_init1 through the gate reached the host (fd %ld)", r2);
	}
	long r3 = gate(SYS_futex, (long)&word, FUTEX_LOCK_PI_PRIVATE, 0, 0, 0, 0);
	if (r3 >= 0)
		probe_escaped("FUTEX_LOCK_PI through the gate reached the host");
	if (r != -EPERM || r2 != -EPERM || r3 != -EPERM)
		probe_escaped("through the gate: epoll_create1 %s, inotify_init1 %s, LOCK_PI %s "
			      "(want EPERM)",
			      probe_errname((int)-r), probe_errname((int)-r2),
			      probe_errname((int)-r3));
	probe_safe("epoll and inotify are the brand's (%s, %s); through the gate epoll_create1, "
		   "inotify_init1 and FUTEX_LOCK_PI are refused (EPERM)",
		   l1, l2);
}
