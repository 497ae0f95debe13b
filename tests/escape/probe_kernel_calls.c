/*
 * probe_kernel_calls: the calls that reach host-wide kernel state -- the keyring, BPF, perf
 * events, userfaultfd, kexec and kernel modules.
 * escape-contexts: zone hardened lxrun oci oci-userns
 * escape-native: escaped
 * Safe outcome: every one is refused by the filter (EPERM or ENOSYS), whatever the zone's
 * capabilities.
 *
 * The harmless form of each: a lookup of the thread keyring's id (never created), a lookup of a key
 * that does not exist with no upcall, a one-entry BPF array map, a perf counter on the probe
 * itself, a user-mode-only userfaultfd (descriptors closed at once); kexec and module calls with
 * arguments the kernel rejects before acting (an unknown architecture, fd -1, a module name
 * that does not exist).  So an escape shows as a descriptor or as an errno other than the
 * filter's, and changes nothing -- on the host too, where the self-test (run.sh --native)
 * runs it to see every call reach the kernel.
 */
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tests/escape/probe.h"

static long keyctl_get_id(void)
{
	/* the thread keyring, without creating it: ENOKEY from the kernel */
	return syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -1 /* thread */, 0);
}

static long request_missing_key(void)
{
	return syscall(SYS_request_key, "user", "lxzone-escape-probe-no-such-key", NULL, 0);
}

static long bpf_map(void)
{
	unsigned int attr[32] = {2 /* BPF_MAP_TYPE_ARRAY */, 4, 4, 1};

	return syscall(SYS_bpf, 0 /* BPF_MAP_CREATE */, attr, sizeof(attr));
}

static long perf_self(void)
{
	unsigned int attr[32] = {1 /* PERF_TYPE_SOFTWARE */, 128 /* size */};

	/* config 0 = PERF_COUNT_SW_CPU_CLOCK; disabled until enabled: bit 0 of the flags */
	attr[10] = 1;
	return syscall(SYS_perf_event_open, attr, 0, -1, -1, 0);
}

static long uffd(void)
{
	return syscall(SYS_userfaultfd, O_CLOEXEC | 1 /* UFFD_USER_MODE_ONLY */);
}

static long kexec(void)
{
	return syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0x7fff0000UL /* no such architecture */);
}

static long kexec_file(void)
{
	return syscall(SYS_kexec_file_load, -1, -1, 0UL, "", 0UL);
}

static long init_mod(void)
{
	return syscall(SYS_init_module, NULL, 0UL, "");
}

static long finit_mod(void)
{
	return syscall(SYS_finit_module, -1, "", 0);
}

static long delete_mod(void)
{
	return syscall(SYS_delete_module, "lxzone_escape_no_such_module", O_NONBLOCK);
}

static const struct {
	const char *name;
	long (*call)(void);
	int fd; /* a success is a descriptor to close */
} calls[] = {
    {"keyctl", keyctl_get_id, 0},
    {"request_key", request_missing_key, 0},
    {"bpf", bpf_map, 1},
    {"perf_event_open", perf_self, 1},
    {"userfaultfd", uffd, 1},
    {"kexec_load", kexec, 0},
    {"kexec_file_load", kexec_file, 0},
    {"init_module", init_mod, 0},
    {"finit_module", finit_mod, 0},
    {"delete_module", delete_mod, 0},
};

int main(void)
{
	char bad[1024] = "";
	size_t used = 0;
	int n = sizeof(calls) / sizeof(calls[0]), escaped = 0;

	for (int i = 0; i < n; i++) {
		long r = calls[i].call();
		int e = errno;

		if (r < 0 && (e == EPERM || e == ENOSYS))
			continue;
		if (r >= 0 && calls[i].fd)
			close((int)r);
		escaped++;
		if (used < sizeof(bad))
			used += snprintf(bad + used, sizeof(bad) - used, " %s(%s)", calls[i].name,
					 r >= 0 ? "succeeded" : probe_errname(e));
	}
	if (escaped)
		probe_escaped("%d of %d reached the kernel:%s", escaped, n, bad);
	probe_safe("keyctl, request_key, bpf, perf_event_open, userfaultfd, kexec_load, "
		   "kexec_file_load, init_module, finit_module, delete_module: all refused");
}
