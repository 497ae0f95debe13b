/* The lxproc tests' fixtures: the text of tests/fixtures/<rel>, each call in a buffer of its
 * own (LXPROC_NFIX live at a time).  A missing fixture fails the test. */
#ifndef LXZONE_TEST_LXPROC_FIXTURE_H
#define LXZONE_TEST_LXPROC_FIXTURE_H

#include <stdio.h>

#include "proc/lxbuf.h"

#define LXPROC_NFIX 48

static inline struct lx_text fixture(const char *rel)
{
	static char bufs[LXPROC_NFIX][65536];
	static unsigned next;
	char path[512], *buf = bufs[next++ % LXPROC_NFIX];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", LXZONE_FIXTURES, rel);
	f = fopen(path, "r");
	if (!f)
		fail_msg("fixture %s missing", path);
	n = fread(buf, 1, sizeof(bufs[0]), f);
	fclose(f);
	return (struct lx_text){buf, n};
}

#endif
