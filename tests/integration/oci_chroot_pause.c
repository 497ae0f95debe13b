/*
 * oci_chroot_pause DIR: chroot to DIR, then wait for a signal.  A container's PID 1 whose root
 * is a tree the container's root made, with what it chose at the paths the runtime opens
 * through /proc/PID/root (tests/integration/oci_mapping.sh: exec --tty's /dev/pts/ptmx).
 * Static, for the busybox image; a static binary needs nothing of the tree to run on.
 */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: oci_chroot_pause DIR\n");
		return 2;
	}
	if (chroot(argv[1]) < 0 || chdir("/") < 0) {
		perror("chroot");
		return 1;
	}
	for (;;)
		pause();
}
