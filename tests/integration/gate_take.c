/*
 * Preloaded into a launcher by gate_reserve.sh: takes the brand's gate page before the
 * launcher's own constructors run, as a library the kernel placed there would, once (while
 * the file $GATE_TAKE names exists; it is removed), writes "taken" to $GATE_TAKE.log, and
 * takes itself out of the environment, so neither the launcher's next start nor the program
 * it runs loads it again.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kernel-shim/brand_abi.h"

static void __attribute__((constructor)) take(void)
{
	const char *flag = getenv("GATE_TAKE");
	char log[4096];
	int fd;

	if (!flag || snprintf(log, sizeof(log), "%s.log", flag) >= (int)sizeof(log))
		return;
	unsetenv("LD_PRELOAD");
	if (unlink(flag) < 0)
		return;
	if (mmap((void *)(LX_GATE_ADDR & ~4095UL), 4096, PROT_READ,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED)
		_exit(3);
	if ((fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) >= 0) {
		if (write(fd, "taken\n", 6) != 6)
			_exit(2);
		close(fd);
	}
}
