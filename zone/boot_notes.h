/*
 * What a user should know about a boot that is not an error, said before or with its success
 * line (issue 17):
 *
 *   - init=auto boots lxzone's minimal init when the zone has no executable /sbin/init: the
 *     boot line says so ("..., minimal init: init=auto found no /sbin/init"), where before the
 *     zone came up with another init than the user may have meant, silently.
 *   - a zone's /tmp is a fresh tmpfs at every boot (cli/launch_plan.c): files put in the
 *     zone's root/tmp from the host are there on disk but hidden in the zone; a warning names
 *     how many there are.
 *   - a sysvinit or busybox init whose /etc/inittab respawns gettys on ttys the zone does not
 *     have (its `ttys` key, zone/inittab.h): a warning names them, as they will be started
 *     again for as long as the zone runs.
 *
 * Both look at the root as the boot will: a whole root's directory, or an overlay zone's upper
 * layer over its lower one (a whiteout in the upper layer is not looked for: the notes may
 * then say too much, never too little).
 */
#ifndef LXZONE_ZONE_BOOT_NOTES_H
#define LXZONE_ZONE_BOOT_NOTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "zone/store.h"

/* Is init=auto going to boot the minimal init (no executable /sbin/init in the root)? */
bool zone_boot_auto_minimal(struct zone *z);

/* Entries in the root's /tmp the zone's tmpfs will hide (0 when none or no /tmp). */
unsigned long zone_boot_hidden_tmp(struct zone *z);

/* The warnings of a boot about to start, one line each on out
 * ("lxzone: boot NAME: warning: ..."). */
void zone_boot_warn(struct zone *z, FILE *out);

#endif
