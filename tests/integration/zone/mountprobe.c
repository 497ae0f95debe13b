/*
 * mountprobe: raw mount(2) / umount2(2) calls for the mount-service test
 * (test_mount_service.sh), each printing "<name> <errno name or ok>" so the script compares
 * exact results.  Static, so it runs in the busybox zone.
 *
 *   mountprobe efault            bad pointers in every argument
 *   mountprobe call NAME mount SRC TGT TYPE FLAGS [DATA]   ("-" for NULL)
 *   mountprobe call NAME umount TGT FLAGS
 *   mountprobe nocap call ...    the same, after dropping every capability (no CAP_SYS_ADMIN)
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *ename(long r)
{
	switch (r < 0 ? -r : 0) {
	case 0:
		return "ok";
	case EPERM:
		return "EPERM";
	case EFAULT:
		return "EFAULT";
	case EINVAL:
		return "EINVAL";
	case ENOENT:
		return "ENOENT";
	case ENOTBLK:
		return "ENOTBLK";
	case ENODEV:
		return "ENODEV";
	case EBUSY:
		return "EBUSY";
	case ENOSYS:
		return "ENOSYS";
	case ENAMETOOLONG:
		return "ENAMETOOLONG";
	case ENOTDIR:
		return "ENOTDIR";
	case EROFS:
		return "EROFS";
	default:
		return "other";
	}
}

static long sys(long nr, const void *a, const void *b, const void *c, unsigned long d,
		const void *e)
{
	long r = syscall(nr, a, b, c, d, e);
	return r < 0 ? -errno : r;
}

static const char *arg(const char *s)
{
	return strcmp(s, "-") == 0 ? NULL : s;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "nocap") == 0) {
		struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
		struct __user_cap_data_struct d[2];
		memset(d, 0, sizeof(d));
		if (syscall(SYS_capset, &h, d) < 0) {
			perror("capset");
			return 2;
		}
		argc--;
		argv++;
	}
	if (argc >= 2 && strcmp(argv[1], "efault") == 0) {
		/* an address that is never mapped, and the end of a mapping */
		char *page =
		    mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		const char *bad = (const char *)1;
		munmap(page + 4096, 4096);
		memcpy(page + 4096 - 5, "tmpfs", 5); /* no NUL before the hole */
		printf("type %s\n", ename(sys(SYS_mount, "none", "/tmp", bad, 0, NULL)));
		printf("source %s\n", ename(sys(SYS_mount, bad, "/tmp", "tmpfs", 0, NULL)));
		printf("target %s\n", ename(sys(SYS_mount, "none", bad, "tmpfs", 0, NULL)));
		printf("data %s\n", ename(sys(SYS_mount, "none", "/tmp", "tmpfs", 0, bad)));
		printf("unterminated %s\n",
		       ename(sys(SYS_mount, "none", "/tmp", page + 4096 - 5, 0, NULL)));
		printf("umount %s\n", ename(sys(SYS_umount2, bad, NULL, NULL, 0, NULL)));
		printf("null-target %s\n", ename(sys(SYS_mount, "none", NULL, "tmpfs", 0, NULL)));
		/* a mapped page the caller may not read (LTP's tst_get_bad_addr): the kernel's
		 * copy_from_user faults, where a FOLL_FORCE read would see zeros */
		char *none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		printf("prot-none-source %s\n",
		       ename(sys(SYS_mount, none, "/tmp", "tmpfs", 0, NULL)));
		printf("prot-none-type %s\n", ename(sys(SYS_mount, "none", "/tmp", none, 0, NULL)));
		return 0;
	}
	if (argc >= 7 && strcmp(argv[1], "call") == 0 && strcmp(argv[3], "mount") == 0) {
		printf("%s %s\n", argv[2],
		       ename(sys(SYS_mount, arg(argv[4]), arg(argv[5]), arg(argv[6]),
				 strtoul(argv[7], NULL, 0), argc > 8 ? arg(argv[8]) : NULL)));
		return 0;
	}
	if (argc >= 6 && strcmp(argv[1], "call") == 0 && strcmp(argv[3], "umount") == 0) {
		printf("%s %s\n", argv[2],
		       ename(sys(SYS_umount2, arg(argv[4]), (void *)strtoul(argv[5], NULL, 0), NULL,
				 0, NULL)));
		return 0;
	}
	fprintf(stderr, "usage: mountprobe efault | call NAME mount SRC TGT TYPE FLAGS [DATA] | "
			"call NAME umount TGT FLAGS\n");
	return 2;
}
