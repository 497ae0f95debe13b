/* Roff output for the generated manual pages (roff.h). */
#include "zone/roff.h"

void roff_header(FILE *out, const char *name, const char *section, const char *title)
{
	/* no date: the page is the same on every build of the same tables (reproducible) */
	fprintf(out,
		".\\\" Generated from lxzone's own tables; do not edit.\n"
		".TH %s %s \"\" lxzone \"%s\"\n",
		name, section, title);
}

void roff_text(FILE *out, const char *text)
{
	int bol = 1;

	for (const char *p = text; *p; p++) {
		if (bol && (*p == '.' || *p == '\''))
			fputs("\\&", out);
		bol = *p == '\n';
		if (*p == '\\')
			fputs("\\e", out);
		else if (*p == '-')
			fputs("\\-", out);
		else
			fputc(*p, out);
	}
}

void roff_line(FILE *out, const char *text)
{
	roff_text(out, text);
	fputc('\n', out);
}
