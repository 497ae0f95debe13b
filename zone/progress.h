/*
 * Progress of a step that can take more than a second (install, clone, snapshot, rollback,
 * move, the removals of uninstall and destroy, debian image builds), on standard error, never
 * standard output (which --json keeps for the JSON alone).  Nothing in the first second: a
 * quick step stays silent (LXZONE_PROGRESS_AFTER_MS: another delay, for tests).  On a terminal a bar redrawn in place; else one line at each
 * quarter ("web: install 50% (120 MiB)"), or every 5 s when the total is not known ("web:
 * clone 1.2 GiB").  zone_progress_quiet (lxzone -q) turns it off.
 *
 * A step that does not know its total up front (a tree copy, a removal) gives a measure
 * function: it is called once, when the step has outlasted the quiet second, so a quick step
 * never pays for a walk of its tree and a long one gets its percentage.
 */
#ifndef LXZONE_ZONE_PROGRESS_H
#define LXZONE_ZONE_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct zone_progress {
	char what[96]; /* "NAME: PHASE" */
	bool tty, shown, measured;
	int last_step; /* the last quarter (or 5 s tick) printed */
	struct timespec start;
	const char *unit; /* NULL: bytes (MiB, GiB); else what is counted ("files") */
	uint64_t total;	  /* from the measure; 0: not known */
	uint64_t (*measure)(void *arg, uint64_t done);
	void *measure_arg;
};

extern bool zone_progress_quiet;

void zone_progress_start(struct zone_progress *p, const char *name, const char *phase);
/* The total of a step that does not know it, measured once if it lasts (see above): fn gets
 * what is done so far and returns the whole; 0 leaves it unknown. */
void zone_progress_measure(struct zone_progress *p, uint64_t (*fn)(void *arg, uint64_t done),
			   void *arg);
/* done of total bytes (or units; total 0: not known) */
void zone_progress_update(struct zone_progress *p, uint64_t done, uint64_t total);
/* Ends the bar's line on a terminal. */
void zone_progress_end(struct zone_progress *p);
/* The same for a step that succeeded: off a terminal, its last quarter line, "100%", when it
 * printed lines with a percentage and not that one yet. */
void zone_progress_finish(struct zone_progress *p);

/* A measure for a tree copy: the bytes of the regular files below arg (a path). */
uint64_t zone_progress_tree_bytes(void *path, uint64_t done);

/* Adapters for the copy and extract callbacks (arg: the struct zone_progress). */
void zone_progress_copy_cb(uint64_t bytes, void *arg);
void zone_progress_extract_cb(uint64_t done, uint64_t total, void *arg);

#endif
