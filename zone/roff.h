/*
 * Manual pages are generated from the tables behind --help (the verb table, the
 * configuration key table, lxrun's option text), so the pages cannot drift from the commands.
 * These write text into roff safely: a backslash, a leading '.' or '\'', and a '-' that
 * man(7) would turn into a hyphen.
 */
#ifndef LXZONE_ZONE_ROFF_H
#define LXZONE_ZONE_ROFF_H

#include <stdio.h>

/* The page header: .TH NAME SECTION, with the manual's title. */
void roff_header(FILE *out, const char *name, const char *section, const char *title);
/* Text as roff: escapes applied; a line that would start with '.' or '\'' gets \&. */
void roff_text(FILE *out, const char *text);
/* A line of roff text ending in a newline. */
void roff_line(FILE *out, const char *text);

#endif
