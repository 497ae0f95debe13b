/*
 * lxzone-idle: what the minimal init runs in a booted zone that has no init of its own.
 *
 * The launcher's minimal init reaps orphans and exits when its program exits; a booted zone
 * must stay up until it is halted or shut down, so its program is this: a static binary
 * (bound read-only into the zone's /dev, so it needs nothing from the image) that waits for
 * SIGTERM, SIGINT or SIGHUP (which the init forwards on `lxzone shutdown`) and exits 0.
 */
#include <signal.h>
#include <stdlib.h>

int main(void)
{
	sigset_t set;
	int sig = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (;;) {
		if (sigwait(&set, &sig) == 0)
			return 0;
	}
}
