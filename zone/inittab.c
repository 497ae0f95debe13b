/* An inittab's terminals (zone/inittab.h). */
#include "zone/inittab.h"

#include <stdbool.h>
#include <string.h>

/* "ttyN" or "/dev/ttyN" (word of wlen bytes): N, else 0 (tty0 is no terminal of a zone). */
static unsigned tty_number(const char *w, size_t wlen)
{
	unsigned long n = 0;

	if (wlen > 5 && memcmp(w, "/dev/", 5) == 0)
		w += 5, wlen -= 5;
	if (wlen < 4 || wlen > 7 || memcmp(w, "tty", 3) != 0)
		return 0;
	for (size_t i = 3; i < wlen; i++) {
		if (w[i] < '0' || w[i] > '9')
			return 0;
		n = n * 10 + (unsigned long)(w[i] - '0');
	}
	return (unsigned)n;
}

/* The program of a process field is a getty (getty, agetty, mingetty, /sbin/getty...), or
 * busybox running its getty applet. */
static bool runs_getty(const char *p, size_t len)
{
	size_t i = 0, wl;
	const char *w, *base;

	for (int word = 0; word < 2; word++) {
		while (i < len && (p[i] == ' ' || p[i] == '\t'))
			i++;
		w = p + i;
		while (i < len && p[i] != ' ' && p[i] != '\t')
			i++;
		wl = (size_t)(p + i - w);
		base = w;
		for (size_t k = 0; k < wl; k++)
			if (w[k] == '/')
				base = w + k + 1;
		wl -= (size_t)(base - w);
		if (wl >= 5 && memcmp(base + wl - 5, "getty", 5) == 0)
			return true;
		if (!(wl == 7 && memcmp(base, "busybox", 7) == 0))
			return false;
	}
	return false;
}

/* The tty a getty's arguments name (the last ttyN word), 0 when none. */
static unsigned getty_tty(const char *p, size_t len)
{
	unsigned tty = 0, t;
	size_t i = 0;

	while (i < len) {
		while (i < len && (p[i] == ' ' || p[i] == '\t'))
			i++;
		const char *w = p + i;
		while (i < len && p[i] != ' ' && p[i] != '\t')
			i++;
		if ((t = tty_number(w, (size_t)(p + i - w))) != 0)
			tty = t;
	}
	return tty;
}

/* One line (without its newline): the tty it respawns a program on, 0 when none. */
static unsigned line_tty(const char *l, size_t len)
{
	const char *f[4];
	size_t fl[4], nf = 0, start = 0;

	while (len && (l[0] == ' ' || l[0] == '\t'))
		l++, len--;
	if (len == 0 || l[0] == '#')
		return 0;
	for (size_t i = 0; i <= len && nf < 4; i++) {
		if (nf < 3 && i < len && l[i] != ':')
			continue;
		if (nf == 3)
			i = len; /* the process field keeps its colons */
		f[nf] = l + start, fl[nf] = i - start, nf++;
		start = i + 1;
	}
	if (nf < 4 || !((fl[2] == 7 && memcmp(f[2], "respawn", 7) == 0) ||
			(fl[2] == 8 && memcmp(f[2], "askfirst", 8) == 0)))
		return 0;
	unsigned id = tty_number(f[0], fl[0]);
	if (id)
		return id;
	return runs_getty(f[3], fl[3]) ? getty_tty(f[3], fl[3]) : 0;
}

size_t zone_inittab_missing_ttys(const char *text, size_t len, unsigned long ttys, unsigned *out,
				 size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - (text + i)) : len - i;
		unsigned t = line_tty(text + i, ll);
		bool seen = false;

		for (size_t k = 0; k < n; k++)
			seen |= out[k] == t;
		if (t > ttys && !seen && n < max)
			out[n++] = t;
		i += ll + 1;
	}
	return n;
}
