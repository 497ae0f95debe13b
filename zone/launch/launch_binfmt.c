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
#include <sys/statfs.h>
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

/* An execute-only copy of the brand as how says (a read-only tmpfs); what names the step in
 * errors.  Made for the zone's entry (owned by the zone's root) and for the exec links. */
static int brand_copy_xo(const char *brand, const struct launch_tmpfs_copy *how, const char *what,
			 int *out, struct zone_error *err)
{
	cleanup_close int src = open(brand, O_RDONLY | O_CLOEXEC);
	struct stat st;

	if (src < 0 || fstat(src, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > BRAND_MAX)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, errno ? errno : EINVAL,
				   "%s: brand image %s", what, brand);
	if (launch_tmpfs_copy(src, st.st_size, how, out, err) < 0)
		return launch_wrap(err, LAUNCH_EXIT_CANNOT, "%s: the brand's copy", what);
	return 0;
}

/* The entry, written to the instance's register file: the brand's execute-only copy, kept open
 * by the kernel (flag F). */
static int entry_register(const char *brand, const struct launch_userns *u, int mnt,
			  struct zone_error *err)
{
	const struct launch_tmpfs_copy how = {.name = "lxzone-brand",
					      .tmpfs_size = "16m",
					      .mode = 0111,
					      .owner = u->base,
					      .group = u->gid_base};
	cleanup_close int reg = -1, xo = -1;
	char line[512], interp[64];
	int n;

	if (brand_copy_xo(brand, &how, "binfmt", &xo, err) < 0)
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

/*
 * LOP_EXEC_LINKS: the same in a container without a user namespace (OCI's default) or a
 * privileged zone, which has no instance of its own.  The host's instance (init's user
 * namespace) gets one entry, LX_BINFMT_HOST_NAME, for every such container of the host: it
 * matches only a path that ends in "." LX_EXEC_EXT (type E), so no other exec of the host is
 * taken, and its interpreter is
 * LX_EXEC_BRAND, a path the kernel opens at each exec in the exec'ing process's root, flags
 * POC (no F: each container's own copy of its own brand, and nothing of the host's held open
 * by the kernel).  A process of the host that execs such a path gets ENOENT (no
 * LX_EXEC_BRAND there).  Each container gets a read-only tmpfs at LX_EXEC_LINKS: the
 * execute-only copy, owned by root, and the links "<N>." LX_EXEC_EXT -> /proc/thread-self/fd/<N>,
 * whose names the entry matches: the brand execs the link of the descriptor of the file it
 * checked, and the kernel opens that file, computes the credentials from it, and starts the
 * copy with it (AT_EXECFD), as through a zone's own entry.
 *
 * An instance's entries live as long as its superblock, so the entry is written through the
 * host's own mount on LX_BINFMT_DIR, which this mounts there (nosuid, nodev, noexec, as
 * systemd's automount does) when nothing is: in the caller's mount namespace, the host's for
 * lxzone-oci as podman, containerd and a kubelet run it, and for a zone's supervisor before it
 * makes its own.
 */
#define HOST_ENTRY_TEXT                                                                            \
	"enabled\ninterpreter " LX_EXEC_BRAND "\nflags: POC\nextension ." LX_EXEC_EXT "\n"
#define BINFMTFS_MAGIC 0x42494e4d

static int entry_is_ours(int dir)
{
	char buf[256];
	cleanup_close int fd = openat(dir, LX_BINFMT_HOST_NAME, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (n < 0)
		return 0;
	buf[n] = '\0';
	return strcmp(buf, HOST_ENTRY_TEXT) == 0;
}

static const char host_line[] =
    ":" LX_BINFMT_HOST_NAME ":E::" LX_EXEC_EXT "::" LX_EXEC_BRAND ":POC";

const char *launch_binfmt_host_line(void)
{
	return host_line;
}

int launch_binfmt_host(void)
{
	cleanup_close int dir = -1, st = -1, reg = -1;
	char status[16] = "";
	struct statfs sfs;

	if (statfs(LX_BINFMT_DIR, &sfs) < 0)
		return 0; /* no such directory: no binfmt_misc in this kernel */
	if (sfs.f_type != BINFMTFS_MAGIC &&
	    (mount("binfmt_misc", LX_BINFMT_DIR, "binfmt_misc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		   NULL) < 0 ||
	     statfs(LX_BINFMT_DIR, &sfs) < 0 || sfs.f_type != BINFMTFS_MAGIC))
		return 0;
	dir = open(LX_BINFMT_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC);
	st = dir < 0 ? -1 : openat(dir, "status", O_RDONLY | O_CLOEXEC);
	if (st < 0 || read(st, status, sizeof(status) - 1) < 0 || strncmp(status, "enabled", 7))
		return 0; /* the host turned binfmt_misc off */
	if (faccessat(dir, LX_BINFMT_HOST_NAME, F_OK, 0) == 0)
		return entry_is_ours(dir); /* another's of that name, or disabled: not used */
	reg = openat(dir, "register", O_WRONLY | O_CLOEXEC);
	if (reg >= 0 &&
	    write(reg, host_line, sizeof(host_line) - 1) == (ssize_t)(sizeof(host_line) - 1))
		return 1;
	return entry_is_ours(dir); /* EEXIST: another container's create made it meanwhile */
}

/* The tmpfs for LX_EXEC_LINKS: the execute-only copy of brand and the links, read-only; *mnt
 * its detached mount. */
int launch_exec_links_fs(const char *brand, int *mnt, struct zone_error *err)
{
	const struct launch_tmpfs_copy how = {.name = "brand",
					      .tmpfs_size = "16m",
					      .mode = 0111,
					      .owner = 0,
					      .group = 0,
					      .links = LX_EXEC_LINKS_MAX,
					      .mnt = mnt};
	cleanup_close int copy = -1;

	return brand_copy_xo(brand, &how, "exec links", &copy, err);
}
