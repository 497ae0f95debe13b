/* What the files of the cgroup code (zone/cgroup*.c) share; nothing else includes it. */
#ifndef LXZONE_ZONE_CGROUP_INT_H
#define LXZONE_ZONE_CGROUP_INT_H

#include "zone/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

extern const char *const zone_cg_ctrl_names[ZONE_CG_NCTRL];

int zone_cg_exists(const char *dir, const char *file);
int zone_cg_write_file(const char *dir, const char *file, const char *val, struct zone_error *err);
int zone_cg_read_file(const char *dir, const char *file, char *buf, size_t sz);
unsigned zone_cg_ceil_cpus(uint64_t milli);

#endif
