/*
 * probe_images_write: runc's CVE-2019-5736: overwrite the binary the runtime runs in the
 * container -- here the brand image (/proc/self/exe of every guest) and the zone's init
 * (/proc/1/exe, lxzone's own binary).
 * escape-contexts: zone hardened lxrun oci oci-userns
 * Safe outcome: no /proc/PID/exe of the zone opens for writing, and each sits on a read-only
 * mount (ETXTBSY alone is not protection: it ends with the process).
 *
 * Opened for writing and closed without a byte written.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "tests/escape/probe.h"

int main(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char path[300], why[512] = "";
	int checked = 0;

	if (!d)
		probe_skip("opendir /proc: %s", probe_errname(errno));
	/* self first, then every process of the zone (pid 1 among them) */
	for (const char *pid = "self"; pid; pid = (e = readdir(d)) ? e->d_name : NULL) {
		struct statvfs vfs;
		int fd, ro;

		if (strcmp(pid, "self") != 0 && strspn(pid, "0123456789") != strlen(pid))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/exe", pid);
		fd = open(path, O_WRONLY);
		if (fd >= 0) {
			close(fd);
			probe_escaped("%s opened for writing", path);
		}
		if (errno == ENOENT || errno == ESRCH)
			continue; /* gone, or a kernel thread */
		checked++;
		if (errno != ETXTBSY)
			continue; /* EROFS, EACCES, EPERM: refused for good */
		fd = open(path, O_RDONLY);
		ro = fd >= 0 && fstatvfs(fd, &vfs) == 0 && (vfs.f_flag & ST_RDONLY);
		if (fd >= 0)
			close(fd);
		if (!ro && !why[0])
			snprintf(why, sizeof(why), "%s: only ETXTBSY refuses writing (%s)", path,
				 fd < 0 ? "cannot be opened to check its mount"
					: "its mount is writable");
	}
	closedir(d);
	if (why[0])
		probe_escaped("%s", why);
	probe_safe("%d /proc/PID/exe images refuse writing on read-only mounts", checked);
}
