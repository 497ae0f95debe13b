/* A user-namespaced zone's overlay root (zone/boot_userns.c). */
#ifndef LXZONE_ZONE_BOOT_USERNS_H
#define LXZONE_ZONE_BOOT_USERNS_H

#include <stdint.h>

#include "lib/error.h"
#include "zone/store.h"

/*
 * An overlay zone's root mounted on <zonepath>/root over layers idmapped to the user
 * namespace userns_fd (zone ids 0..65535 = host base..), so it shows the zone's host ids; in
 * the caller's mount namespace.  0 for a zone that is not an overlay, or -1 with err.
 */
int zone_overlay_mount_idmapped(struct zone *z, int userns_fd, uint32_t base,
				struct zone_error *err);

#endif
