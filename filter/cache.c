/*
 * The filter cache.
 *
 * Building the filter costs ~4 ms (libseccomp), and `lxzone exec` used to pay it on every
 * call.  A zone's supervisor builds it once per boot and writes it to its zone directory;
 * exec reads it back.  A cached program is used only if it is exactly what lx_filter_build
 * would return now:
 *   - the key in its header is a hash of everything the build depends on: the effective class
 *     and errno of every table entry under these options, the options, the gate and trap
 *     constants, the libseccomp version and a hash of the builder's and the table's
 *     sources (filter/CMakeLists.txt): the same sources build the same filter, a changed
 *     one misses the cache;
 *   - the directory is ours and nobody else may write it; the file is a regular file owned
 *     by us, mode 0600 or stricter, opened without following a symlink, and its size,
 *     length and checksum agree with its header;
 *   - the program passes the kernel's load-time checks (lx_bpf_check), and, run in the BPF
 *     simulator, decides every syscall number from an ordinary address, from the gate and
 *     from the vsyscall page as the table says, and kills i386 and x32 calls.
 * Anything else is refused and the caller builds the filter as before: a stale or forged
 * cache can cost time, never change the policy.
 */
#include "filter/filter_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "emul/systable.h"
#include "filter/bpf_sim.h"
#include "kernel-shim/brand_abi.h"

#define CACHE_MAGIC   "LXZFLT01"
#define CACHE_VERSION 2 /* 2: the hardened epoll range rules (lx_filter_eph_nr) */

struct cache_header {
	char magic[8];
	uint64_t key;
	uint64_t sum;
	uint32_t len;
	uint32_t pad;
};

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

#define FNV_BASIS UINT64_C(0xcbf29ce484222325)

uint64_t lx_filter_key(const struct lx_filter_opts *o)
{
	const struct scmp_version *v = seccomp_version();
	uint64_t h = fnv1a(FNV_BASIS, CACHE_MAGIC, 8);
	uint32_t w[] = {CACHE_VERSION,
			o && o->hardened,
			o && o->lxproc,
			(uint32_t)LX_GATE_ADDR,
			(uint32_t)LX_GATE_LEN,
			LX_TRAP_DATA,
			LX_NSYSCALLS,
			LX_FILTER_GATE_BLOCK_LEN,
			o && o->mount_notify,
			o ? o->kernel : 0,
			o && o->lxproc_kernel_files,
			o && o->affinity_native,
			o && o->epoll_ppoll,
			o && o->mount_notify && o->userns,
			o && o->exe_kernel,
			o && o->lxproc && o->lxproc_version_only};

	h = fnv1a(h, w, sizeof(w));
	if (v) {
		uint32_t ver[3] = {v->major, v->minor, v->micro};
		h = fnv1a(h, ver, sizeof(ver));
	}
	/* the builder's and the table's sources (filter/CMakeLists.txt), not the build time:
	 * the same sources make the same filter */
	const uint64_t src = LXZONE_FILTER_SOURCES_HASH;
	h = fnv1a(h, &src, sizeof(src));
	for (int nr = 0; nr < LX_NSYSCALLS; nr++) {
		uint32_t e[4] = {(uint32_t)nr, lx_filter_effective_class(o, nr),
				 lx_systable[nr].err, lx_systable[nr].trap};
		h = fnv1a(h, e, sizeof(e));
	}
	return h;
}

int lx_filter_cache_write(int dirfd, const char *name, const struct lx_filter_opts *o,
			  const struct sock_fprog *prog, struct zone_error *err)
{
	struct cache_header h = {.key = lx_filter_key(o), .len = prog->len};
	size_t body = (size_t)prog->len * sizeof(struct sock_filter);
	char tmp[256];
	int fd;

	memcpy(h.magic, CACHE_MAGIC, sizeof(h.magic));
	h.sum = fnv1a(FNV_BASIS, prog->filter, body);
	snprintf(tmp, sizeof(tmp), ".%s.tmp.%d", name, (int)getpid());
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return zone_error_set(err, errno, "filter cache %s", tmp);
	/* no fsync: a cache lost in a crash is rebuilt, and one cut short is refused */
	if (write(fd, &h, sizeof(h)) != (ssize_t)sizeof(h) ||
	    write(fd, prog->filter, body) != (ssize_t)body || close(fd) < 0) {
		int e = errno;
		unlinkat(dirfd, tmp, 0);
		return zone_error_set(err, e, "filter cache %s", tmp);
	}
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		int e = errno;
		unlinkat(dirfd, tmp, 0);
		return zone_error_set(err, e, "filter cache %s", name);
	}
	return 0;
}

int lx_filter_cache_read(int dirfd, const char *name, const struct lx_filter_opts *o,
			 struct sock_fprog *out, struct zone_error *err)
{
	struct cache_header h;
	struct sock_filter *prog = NULL;
	struct stat st;
	size_t body;
	int fd;

	memset(out, 0, sizeof(*out));
	/* a directory others may write could hold a file swapped in under the name */
	if (fstat(dirfd, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022) != 0)
		return zone_error_set(
		    err, 0, "filter cache %s: directory not ours or writable by others", name);
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return zone_error_set(err, errno, "filter cache %s", name);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077) != 0) {
		close(fd);
		return zone_error_set(err, 0, "filter cache %s: not a private file of ours", name);
	}
	if (st.st_size < (off_t)sizeof(h) || pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
	    memcmp(h.magic, CACHE_MAGIC, sizeof(h.magic)) != 0 || h.len == 0 ||
	    h.len > BPF_MAXINSNS ||
	    st.st_size != (off_t)(sizeof(h) + (size_t)h.len * sizeof(struct sock_filter))) {
		close(fd);
		return zone_error_set(err, 0, "filter cache %s: bad header or size", name);
	}
	if (h.key != lx_filter_key(o)) {
		close(fd);
		return zone_error_set(err, 0,
				      "filter cache %s: stale (built from another table, "
				      "profile or build)",
				      name);
	}
	body = (size_t)h.len * sizeof(struct sock_filter);
	prog = malloc(body);
	if (prog == NULL || pread(fd, prog, body, sizeof(h)) != (ssize_t)body ||
	    fnv1a(FNV_BASIS, prog, body) != h.sum) {
		close(fd);
		free(prog);
		return zone_error_set(err, 0, "filter cache %s: checksum mismatch", name);
	}
	close(fd);
	out->len = (unsigned short)h.len;
	out->filter = prog;
	if (lx_filter_verify(o, out, err) < 0) { /* lx_bpf_check, then the simulator */
		free(prog);
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}
