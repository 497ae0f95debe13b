/* Consistency checks between a zone's configuration, state and root. */
#ifndef LXZONE_ZONE_VERIFY_H
#define LXZONE_ZONE_VERIFY_H

#include <jansson.h>

#include "lib/error.h"
#include "zone/store.h"

/* Problems found, as an array of strings (empty when the zone is consistent). */
json_t *zone_verify(struct zone *z);

/*
 * Architecture of the image in `root`, from the ELF header of its /bin/sh (or /sbin/init),
 * resolved inside the root: "x86_64", "i386", "aarch64", ... Fails when there is none.
 */
int zone_root_arch(const char *root, char *arch, size_t archsz, struct zone_error *err);

/* This host's architecture as zone_root_arch names it. */
const char *zone_host_arch(void);

#endif
