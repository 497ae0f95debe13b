/*
 * `--report-unsupported`: the brand appends one "<nr>\n" line to the report file per
 * unsupported system call; this turns that into one line per distinct call, with the reason
 * from the syscall table.  Pure (text in, text out) apart from the FILE it writes.
 */
#include "zone/launch/launch.h"
#include "emul/systable.h"

#include <stdlib.h>
#include <string.h>

struct count {
	long nr;
	unsigned long n;
};

static int by_count(const void *a, const void *b)
{
	const struct count *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return x->nr < y->nr ? -1 : x->nr > y->nr;
}

int launch_report_summarize(const char *text, size_t len, FILE *out)
{
	struct count *c = NULL;
	size_t nc = 0, cap = 0, i;
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		char num[24];
		size_t l;
		char *stop;
		long nr;

		if (!eol) /* a line the brand was still writing when the zone died */
			break;
		l = (size_t)(eol - p);
		if (l == 0 || l >= sizeof(num))
			goto next;
		memcpy(num, p, l);
		num[l] = '\0';
		nr = strtol(num, &stop, 10);
		if (*stop || nr < 0)
			goto next;
		for (i = 0; i < nc && c[i].nr != nr; i++)
			;
		if (i == nc) {
			if (nc == cap) {
				struct count *n = realloc(c, (cap ? cap * 2 : 32) * sizeof(*c));

				if (!n)
					break;
				c = n;
				cap = cap ? cap * 2 : 32;
			}
			c[nc].nr = nr;
			c[nc++].n = 0;
		}
		c[i].n++;
	next:
		p = eol + 1;
	}
	if (nc)
		qsort(c, nc, sizeof(*c), by_count);
	for (i = 0; i < nc; i++) {
		const struct lx_sysent *e = c[i].nr < LX_NSYSCALLS ? &lx_systable[c[i].nr] : NULL;

		if (e && e->name)
			fprintf(out, "%-24s %8lu  %s\n", e->name, c[i].n,
				lx_sys_reason_name(e->reason));
		else
			fprintf(out, "syscall_%-16ld %8lu  %s\n", c[i].nr, c[i].n,
				"no such system call");
	}
	free(c);
	return (int)nc;
}
