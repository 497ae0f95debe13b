/* Progress lines and bars on standard error (progress.h). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "zone/fsutil.h"
#include "zone/progress.h"

#define QUIET_MS  1000 /* nothing before this (LXZONE_PROGRESS_AFTER_MS: the tests' 0) */
#define TICK_MS	  5000 /* a line this often when the total is not known (not a terminal) */
#define BAR_WIDTH 30

bool zone_progress_quiet;

static long quiet_ms(void)
{
	static long ms = -1;
	const char *e;

	if (ms < 0)
		ms = (e = getenv("LXZONE_PROGRESS_AFTER_MS")) && *e ? atol(e) : QUIET_MS;
	return ms;
}

static long elapsed_ms(const struct zone_progress *p)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - p->start.tv_sec) * 1000 + (now.tv_nsec - p->start.tv_nsec) / 1000000;
}

void zone_progress_start(struct zone_progress *p, const char *name, const char *phase)
{
	snprintf(p->what, sizeof(p->what), "%s: %s", name, phase);
	p->tty = isatty(2);
	p->shown = p->measured = false;
	p->last_step = -1;
	p->unit = NULL;
	p->total = 0;
	p->measure = NULL;
	p->measure_arg = NULL;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
}

void zone_progress_measure(struct zone_progress *p, uint64_t (*fn)(void *arg, uint64_t done),
			   void *arg)
{
	p->measure = fn;
	p->measure_arg = arg;
}

/* "120 MiB", "1.2 GiB"; "3000 files"; "" for unit "" */
static void size_value(const struct zone_progress *p, uint64_t b, char *buf, size_t len)
{
	if (p->unit && !*p->unit)
		*buf = '\0';
	else if (p->unit)
		snprintf(buf, len, "%llu %s", (unsigned long long)b, p->unit);
	else if (b >= (UINT64_C(10) << 30))
		snprintf(buf, len, "%llu GiB", (unsigned long long)(b >> 30));
	else if (b >= (UINT64_C(1) << 30))
		snprintf(buf, len, "%.1f GiB", (double)b / (double)(UINT64_C(1) << 30));
	else
		snprintf(buf, len, "%llu MiB", (unsigned long long)(b >> 20));
}

/* " (120 MiB)", " (1.2 GiB)"; " (3000 files)"; "" for unit "" */
static void size_text(const struct zone_progress *p, uint64_t b, char *buf, size_t len)
{
	char t[40];

	size_value(p, b, t, sizeof(t));
	snprintf(buf, len, "%s%s%s", *t ? " (" : "", t, *t ? ")" : "");
}

void zone_progress_update(struct zone_progress *p, uint64_t done, uint64_t total)
{
	long ms;
	int pct, step;
	char size[48], value[40];

	if (zone_progress_quiet || (ms = elapsed_ms(p)) < quiet_ms())
		return;
	if (total == 0 && p->measure && !p->measured) {
		p->measured = true;
		p->total = p->measure(p->measure_arg, done);
	}
	if (total == 0)
		total = p->total;
	p->total = total;
	pct = total ? (int)(done * 100 / total) : -1;
	if (pct > 100)
		pct = 100;
	size_text(p, done, size, sizeof(size));
	size_value(p, done, value, sizeof(value));
	if (p->tty) {
		char bar[BAR_WIDTH + 1];
		int fill = pct < 0 ? 0 : pct * BAR_WIDTH / 100;

		for (int i = 0; i < BAR_WIDTH; i++)
			bar[i] = i < fill ? '#' : (pct < 0 ? '?' : '.');
		bar[BAR_WIDTH] = '\0';
		if (pct >= 0)
			fprintf(stderr, "\r\033[K%s [%s] %3d%%%s", p->what, bar, pct, size);
		else
			fprintf(stderr, "\r\033[K%s %s", p->what, value);
		p->shown = true;
		return;
	}
	step = pct >= 0 ? pct / 25 : (int)(ms / TICK_MS);
	if (step == p->last_step || (pct >= 0 && pct < 25))
		return;
	p->last_step = step;
	if (pct >= 0)
		fprintf(stderr, "%s %d%%%s\n", p->what, step * 25, size);
	else
		fprintf(stderr, "%s %s\n", p->what, value);
}

void zone_progress_end(struct zone_progress *p)
{
	if (p->tty && p->shown)
		fprintf(stderr, "\r\033[K");
	p->shown = false;
}

uint64_t zone_progress_tree_bytes(void *path, uint64_t done)
{
	(void)done;
	return zone_tree_bytes(path);
}

void zone_progress_finish(struct zone_progress *p)
{
	char size[48];

	if (!p->tty && p->total && p->last_step >= 0 && p->last_step < 4) {
		size_text(p, p->total, size, sizeof(size));
		fprintf(stderr, "%s 100%%%s\n", p->what, size);
	}
	zone_progress_end(p);
}

void zone_progress_copy_cb(uint64_t bytes, void *arg)
{
	zone_progress_update(arg, bytes, 0);
}

void zone_progress_extract_cb(uint64_t done, uint64_t total, void *arg)
{
	zone_progress_update(arg, done, total);
}
