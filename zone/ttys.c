#include "zone/ttys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void zone_ttys_close(struct zone_ttys *t)
{
	for (size_t i = 0; i < t->n; i++) {
		close(t->slave[i]);
		close(t->master[i]);
	}
	t->n = 0;
}

int zone_ttys_open(struct zone_ttys *t, size_t n, uid_t uid, gid_t gid, struct zone_error *err)
{
	t->n = 0;
	if (n > ZONE_TTYS_MAX)
		return zone_error_set(err, EINVAL, "ttys: %zu, at most %d", n, ZONE_TTYS_MAX);
	for (size_t i = 0; i < n; i++) {
		int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), sl = -1;

		if (m < 0 || unlockpt(m) < 0 || ptsname_r(m, t->path[i], sizeof(t->path[i])) != 0 ||
		    (sl = open(t->path[i], O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0 ||
		    (uid != (uid_t)-1 && fchown(sl, uid, gid) < 0) || fchmod(sl, 0600) < 0) {
			int e = errno;

			if (sl >= 0)
				close(sl);
			if (m >= 0)
				close(m);
			zone_ttys_close(t);
			return zone_error_set(err, e, "terminal %s", zone_tty_name(i));
		}
		t->master[i] = m;
		t->slave[i] = sl;
		t->paths[i] = t->path[i];
		t->n = i + 1;
	}
	return 0;
}
