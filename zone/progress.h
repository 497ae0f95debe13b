/*
 * Progress of a step that can take more than a second (install, clone, snapshot, move), on
 * standard error, never standard output (which --json keeps for the JSON alone).  Nothing in
 * the first second: a quick step stays silent.  On a terminal a bar redrawn in place; else
 * one line at each quarter ("web: install 50% (120 MiB)"), or every 5 s when the total is not
 * known ("web: clone 1.2 GiB").  zone_progress_quiet (lxzone -q) turns it off.
 */
#ifndef LXZONE_ZONE_PROGRESS_H
#define LXZONE_ZONE_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct zone_progress {
	char what[96]; /* "NAME: PHASE" */
	bool tty, shown;
	int last_step; /* the last quarter (or 5 s tick) printed */
	struct timespec start;
};

extern bool zone_progress_quiet;

void zone_progress_start(struct zone_progress *p, const char *name, const char *phase);
/* done of total bytes (total 0: not known) */
void zone_progress_update(struct zone_progress *p, uint64_t done, uint64_t total);
/* Ends the bar's line on a terminal. */
void zone_progress_end(struct zone_progress *p);

/* Adapters for the copy and extract callbacks (arg: the struct zone_progress). */
void zone_progress_copy_cb(uint64_t bytes, void *arg);
void zone_progress_extract_cb(uint64_t done, uint64_t total, void *arg);

#endif
