/*
 * LOP_BINFMT: the zone's binfmt_misc entry for privileged execs (docs/architecture.md,
 * "Set-user-ID, file capabilities, execute-only"; kernel-shim/brand_abi.h).
 *
 * The brand runs programs by loading them itself, so the kernel never sees a guest program's
 * set-user-ID bit or file capabilities, and the brand cannot load a program the caller may
 * execute but not read.  Linux >= 6.7 gives each user namespace a binfmt_misc instance of its
 * own, looked up from the exec'ing process's user namespace upwards.  The zone's gets one
 * entry: every x86_64 ELF with EI_OSABI below 0x80 is run by an execute-only copy of the
 * brand, flags
 *
 *   P  the guest's argv[0] stays (the brand drops the [brand, filename] the kernel adds);
 *   O  the kernel opens the program and hands the brand a descriptor (AT_EXECFD), so an
 *      execute-only program runs; the copy being unreadable by the caller makes the kernel
 *      mark the process non-dumpable at the exec (would_dump), as Linux does for such a
 *      program: no ptrace or /proc/<pid>/mem read of its text from the zone;
 *   C  credentials from the program: set-user-ID, set-group-ID and file capabilities, with
 *      the kernel's own rules (nosuid mounts, no_new_privs, ids not mapped in the zone);
 *   F  the copy is opened now, so the entry needs no path in the zone.
 *
 * The instance is keyed by the zone's user namespace U: a process in U makes the file system
 * context (fsopen in a mount namespace of its own), host root creates it, writes the entry
 * and mounts it read-only on /proc/sys/fs/binfmt_misc, where the copy into init's mount
 * namespace locks it.  The zone can read the entry but not change, disable or remove it
 * (EROFS; mount, fsopen and friends are refused by the filter and the mount service), and a
 * nested user namespace cannot get an instance of its own (that takes a mount).  The copy is
 * owned by the zone's root (so the kernel keeps the process's mm in U and the zone's root
 * can still trace it) on a tmpfs made read-only, mode 0111.
 *
 * A kernel without per-namespace binfmt_misc refuses the mount: the zone boots without the
 * entry and the brand keeps loading every program itself (no set-user-ID, as before).
 */
#include "zone/launch/launch.h"
#include "kernel-shim/brand_abi.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#define BRAND_MAX (16 << 20)

/* The registration line: x86_64 ELF (any class byte but ELF64 little-endian checked), EI_OSABI
 * < 0x80 (the brand and lxzone-init carry 0xff), e_machine EM_X86_64. */
int launch_binfmt_entry(const char *interp, char *buf, size_t len)
{
	static const unsigned char magic[20] = {0x7f, 'E', 'L', 'F', 2, 1, 0, 0, 0,    0,
						0,    0,   0,	0,   0, 0, 0, 0, 0x3e, 0};
	static const unsigned char mask[20] = {
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	size_t k = (size_t)snprintf(buf, len, ":%s:M:0:", LX_BINFMT_NAME);

	for (size_t i = 0; i < sizeof(magic) && k < len; i++)
		k += (size_t)snprintf(buf + k, len - k, "\\x%02x", magic[i]);
	if (k < len)
		k += (size_t)snprintf(buf + k, len - k, ":");
	for (size_t i = 0; i < sizeof(mask) && k < len; i++)
		k += (size_t)snprintf(buf + k, len - k, "\\x%02x", mask[i]);
	if (k < len)
		k += (size_t)snprintf(buf + k, len - k, ":%s:POCF", interp);
	return k < len ? (int)k : -1;
}

/* The execute-only copy of the brand on a read-only tmpfs, owned by the zone's root. */
static int brand_copy_xo(const char *brand, const struct launch_userns *u, int *out,
			 struct zone_error *err)
{
	const struct launch_tmpfs_copy how = {"lxzone-brand", "16m", 0111, u->base, u->gid_base};
	cleanup_close int src = open(brand, O_RDONLY | O_CLOEXEC);
	struct stat st;

	if (src < 0 || fstat(src, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > BRAND_MAX)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno ? errno : EINVAL,
				   "binfmt: brand image %s", brand);
	if (launch_tmpfs_copy(src, st.st_size, &how, out, err) < 0)
		return launch_wrap(err, LAUNCH_EXIT_CANNOT, "binfmt: the brand's copy");
	return 0;
}

/* The entry, written to the instance's register file: the brand's execute-only copy, kept open
 * by the kernel (flag F). */
static int entry_register(const char *brand, const struct launch_userns *u, int mnt,
			  struct zone_error *err)
{
	cleanup_close int reg = -1, xo = -1;
	char line[512], interp[64];
	int n;

	if (brand_copy_xo(brand, u, &xo, err) < 0)
		return -1;
	snprintf(interp, sizeof(interp), "/proc/self/fd/%d", xo);
	n = launch_binfmt_entry(interp, line, sizeof(line));
	reg = openat(mnt, "register", O_WRONLY | O_CLOEXEC);
	if (n < 0 || reg < 0 || write(reg, line, (size_t)n) != n)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno ? errno : EINVAL,
				   "binfmt_misc: register the brand");
	return 0;
}

int launch_binfmt_register(const char *brand, const struct launch_userns *u, int target,
			   struct zone_error *err)
{
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
					    MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC};
	int mnt = u->binfmt_fd; /* made with U (launch_userns.c), or binfmt_errno says why not */

	if (mnt < 0) {
		errno = u->binfmt_errno;
		if (errno == EPERM || errno == ENODEV)
			return 0; /* no per-namespace binfmt_misc: the brand loads everything */
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno,
				   "binfmt_misc of the zone's user namespace");
	}
	/* a U joined (an OCI pod's) has one instance for all its containers: the first
	 * container lxzone-oci made in it wrote the entry, which outlives it (the kernel holds
	 * its copy of the brand open) */
	if (!(u->joined && faccessat(mnt, LX_BINFMT_NAME, F_OK, 0) == 0) &&
	    entry_register(brand, u, mnt, err) < 0)
		return -1;
	if (mount_setattr(mnt, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0 ||
	    move_mount(mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno,
				   "binfmt_misc: mount on " LX_BINFMT_ENTRY);
	return 0;
}
