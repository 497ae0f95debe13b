/* libarchive, loaded when first used: see archive_lazy.h. */
#include <archive.h>
#include <archive_entry.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

/* The table's types only; this file calls nothing through the macros. */
#define ZONE_ARCHIVE_NO_MACROS
#include "zone/archive_lazy.h"

const struct zone_archive_fns *zone_archive_loaded;

const struct zone_archive_fns *zone_archive_load(void)
{
	static struct zone_archive_fns fns;
	void *h = dlopen(ZONE_ARCHIVE_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (h == NULL) {
		fprintf(stderr, "lxzone: load libarchive: %s\n", dlerror());
		exit(1);
	}
#define ZONE_ARCHIVE_RESOLVE(f)                                                                    \
	if ((*(void **)&fns.f = dlsym(h, #f)) == NULL) {                                           \
		fprintf(stderr, "lxzone: libarchive: no %s\n", #f);                                \
		exit(1);                                                                           \
	}
	ZONE_ARCHIVE_FUNCTIONS(ZONE_ARCHIVE_RESOLVE)
#undef ZONE_ARCHIVE_RESOLVE
	zone_archive_loaded = &fns;
	return &fns;
}
