/*
 * An inittab's terminals (issue 11): which /dev/ttyN an inittab (sysvinit's or busybox's)
 * respawns a program on.  A zone has /dev/tty1..ttyN as its `ttys` key says (zone/ttys.h), as
 * LXC's lxc.tty.max; a getty on a tty the zone lacks exits (agetty after ten seconds) and init
 * starts it again for as long as the zone runs.  LXC leaves that to the image (its templates
 * write an inittab with lxc.tty.max gettys; systemd starts container-getty@ only on the ttys
 * container_ttys names); lxzone does not rewrite the zone's inittab either, but says at boot
 * which entries will respawn and why (zone/boot_notes.c).
 *
 * Read, never run: the text is the zone's, any length, any bytes.  An entry is
 * `id:runlevels:action:process`; only `respawn` and busybox's `askfirst` restart.  Its tty is
 * busybox's id when that names one (`tty3::respawn:/sbin/getty 38400 tty3`, `/dev/tty3::...`),
 * else a getty's argument `ttyN` or `/dev/ttyN` (Debian: `3:23:respawn:/sbin/getty 38400
 * tty3`); other programs (an `id` with no tty, a shell on the console) are not the zone's
 * business.
 */
#ifndef LXZONE_ZONE_INITTAB_H
#define LXZONE_ZONE_INITTAB_H

#include <stddef.h>

/* Most ttys one scan reports. */
#define ZONE_INITTAB_MAX_TTYS 64

/* The ttys N > ttys (N >= 1) the inittab text (len bytes, not NUL-terminated) respawns a
 * program on, each once, in the order first seen, at most max of them in out.  Returns how
 * many were stored. */
size_t zone_inittab_missing_ttys(const char *text, size_t len, unsigned long ttys, unsigned *out,
				 size_t max);

#endif
