/*
 * probe_open_by_handle: "shocker" (Docker 2014): open_by_handle_at opens any inode of a file
 * system from a guessed handle, ignoring the zone's root.
 * escape-contexts: zone hardened lxrun oci oci-userns
 * escape-native: escaped
 * Safe outcome: open_by_handle_at is refused (EPERM) for a real handle and for a forged one
 * naming inode 2 (the root directory of an ext4 file system).
 *
 * Opens read-only; a directory it got would be checked with getcwd, which says
 * "(unreachable)" outside the zone's root.
 */
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tests/escape/probe.h"

struct handle {
	unsigned int bytes;
	int type;
	unsigned char f[128];
};

static void try_open(int mount_fd, struct handle *h, const char *what)
{
	char cwd[4096];
	long fd = syscall(SYS_open_by_handle_at, mount_fd, h, O_RDONLY | O_DIRECTORY);

	if (fd < 0 && (errno == EPERM || errno == ENOSYS))
		return;
	if (fd < 0)
		probe_escaped("open_by_handle_at of %s reached the kernel (%s)", what,
			      probe_errname(errno));
	if (fchdir((int)fd) == 0 && getcwd(cwd, sizeof(cwd)) == NULL)
		snprintf(cwd, sizeof(cwd), "(getcwd: %s)", probe_errname(errno));
	probe_escaped("open_by_handle_at opened %s: %s", what, cwd);
}

int main(void)
{
	struct handle h = {.bytes = sizeof(h.f)};
	int mount_id, mount_fd = open("/", O_RDONLY | O_DIRECTORY);
	const char *real = "a handle of /";

	if (mount_fd < 0)
		probe_skip("open /: %s", probe_errname(errno));
	if (syscall(SYS_name_to_handle_at, AT_FDCWD, "/", &h, &mount_id, 0) == 0)
		try_open(mount_fd, &h, real);
	else
		real = NULL; /* no handles here (EOPNOTSUPP on some file systems): forge one */
	/* FILEID_INO32_GEN: inode 2, generation 0 -- the root of an ext4 file system */
	memset(&h, 0, sizeof(h));
	h.bytes = 8;
	h.type = 1;
	h.f[0] = 2;
	try_open(mount_fd, &h, "a forged handle of inode 2");
	probe_safe("open_by_handle_at refused (%s a forged handle of inode 2)",
		   real ? "a real handle of / and" : "no real handle here;");
}
