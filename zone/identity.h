/* The zone's identity files (/etc/hostname, /etc/hosts, /etc/resolv.conf), written at boot. */
#ifndef LXZONE_ZONE_IDENTITY_H
#define LXZONE_ZONE_IDENTITY_H

#include "lib/error.h"

#include <stddef.h>
#include <sys/types.h>

/* The text of /etc/hosts for hostname (pure; for the unit test).  Length, or -1 when it does
 * not fit. */
int zone_identity_hosts(const char *hostname, char *buf, size_t len);

/* Writes the files into the zone root directory root (host path) per mode
 * ("missing|always|never", the identity-files key): resolv.conf from dns (the dns key,
 * zone_dns_resolv) when it is not empty, in every mode but never, else a copy of resolv
 * (the host file) when that is non-NULL.  Files are made with fsuid/fsgid uid/gid (the zone root's
 * ids as the root's mount needs them) and mode 0644; every path is resolved inside root, never
 * through a link.  0, or -1 with err. */
int zone_identity_write(const char *root, const char *mode, const char *hostname,
			const char *resolv, const char *dns, uid_t uid, gid_t gid,
			struct zone_error *err);

#endif
