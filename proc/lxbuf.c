/*
 * The bounded text buffer and text helpers used by every lxproc generator and parser.
 * Freestanding: only <stddef.h>, <stdint.h>, <stdbool.h>.
 */
#include "proc/lxbuf.h"

void lx_buf_init(struct lx_buf *b, char *p, size_t cap)
{
	b->p = p;
	b->cap = p ? cap : 0;
	b->len = 0;
	b->trunc = false;
}

void lx_buf_putn(struct lx_buf *b, const char *s, size_t n)
{
	size_t room = b->cap - b->len;

	if (n > room) {
		n = room;
		b->trunc = true;
	}
	for (size_t i = 0; i < n; i++)
		b->p[b->len + i] = s[i];
	b->len += n;
}

void lx_buf_putc(struct lx_buf *b, char c)
{
	lx_buf_putn(b, &c, 1);
}

void lx_buf_puts(struct lx_buf *b, const char *s)
{
	lx_buf_putn(b, s, lx_strlen(s));
}

void lx_buf_text(struct lx_buf *b, struct lx_text t)
{
	lx_buf_putn(b, t.p, t.len);
}

void lx_buf_fill(struct lx_buf *b, char c, size_t n)
{
	while (n-- > 0 && !b->trunc)
		lx_buf_putc(b, c);
}

/* Digits of v, least significant last, into d[]; returns how many. */
static unsigned u64_digits(uint64_t v, char d[20])
{
	char tmp[20];
	unsigned n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (unsigned i = 0; i < n; i++)
		d[i] = tmp[n - 1 - i];
	return n;
}

void lx_buf_u64(struct lx_buf *b, uint64_t v, unsigned width, char pad)
{
	char d[20];
	unsigned n = u64_digits(v, d);

	if (width > n)
		lx_buf_fill(b, pad, width - n);
	lx_buf_putn(b, d, n);
}

void lx_buf_s64(struct lx_buf *b, int64_t v, unsigned width, char pad)
{
	char d[21];
	uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	unsigned n;

	if (v >= 0) {
		lx_buf_u64(b, mag, width, pad);
		return;
	}
	n = u64_digits(mag, d + 1) + 1;
	if (pad == '0') {
		/* "-0042": the sign goes before the zeros, as printf does. */
		lx_buf_putc(b, '-');
		if (width > n)
			lx_buf_fill(b, '0', width - n);
		lx_buf_putn(b, d + 1, n - 1);
		return;
	}
	d[0] = '-';
	if (width > n)
		lx_buf_fill(b, pad, width - n);
	lx_buf_putn(b, d, n);
}

void lx_buf_fix(struct lx_buf *b, uint64_t v, unsigned frac)
{
	uint64_t scale = 1;

	if (frac > 19)
		frac = 19;
	for (unsigned i = 0; i < frac; i++)
		scale *= 10;
	lx_buf_u64(b, v / scale, 0, ' ');
	if (frac == 0)
		return;
	lx_buf_putc(b, '.');
	lx_buf_u64(b, v % scale, frac, '0');
}

void lx_buf_pad_to(struct lx_buf *b, size_t line_start, size_t col, bool min1)
{
	size_t used = b->len - line_start;

	if (used < col)
		lx_buf_fill(b, ' ', col - used);
	else if (min1)
		lx_buf_putc(b, ' ');
}

size_t lx_strlen(const char *s)
{
	size_t n = 0;

	if (!s)
		return 0;
	while (s[n])
		n++;
	return n;
}

bool lx_mem_eq(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return false;
	return true;
}

struct lx_text lx_text_cstr(const char *s)
{
	struct lx_text t = {s, lx_strlen(s)};

	return t;
}

bool lx_text_eq_cstr(struct lx_text t, const char *s)
{
	size_t n = lx_strlen(s);

	return t.len == n && lx_mem_eq(t.p, s, n);
}

bool lx_text_starts(struct lx_text t, const char *prefix)
{
	size_t n = lx_strlen(prefix);

	return t.len >= n && lx_mem_eq(t.p, prefix, n);
}

bool lx_text_next_line(struct lx_text *rest, struct lx_text *line)
{
	size_t i = 0;

	if (!rest->p || rest->len == 0)
		return false;
	while (i < rest->len && rest->p[i] != '\n')
		i++;
	line->p = rest->p;
	line->len = i;
	if (i < rest->len)
		i++; /* the newline */
	rest->p += i;
	rest->len -= i;
	return true;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_space(char c)
{
	return is_blank(c) || c == '\n' || c == '\r';
}

struct lx_text lx_text_skip_ws(struct lx_text t)
{
	while (t.len > 0 && is_blank(t.p[0])) {
		t.p++;
		t.len--;
	}
	return t;
}

struct lx_text lx_text_trim(struct lx_text t)
{
	while (t.len > 0 && is_space(t.p[0])) {
		t.p++;
		t.len--;
	}
	while (t.len > 0 && is_space(t.p[t.len - 1]))
		t.len--;
	return t;
}

bool lx_text_next_word(struct lx_text *rest, struct lx_text *word)
{
	struct lx_text t = *rest;
	size_t i = 0;

	while (t.len > 0 && is_space(t.p[0])) {
		t.p++;
		t.len--;
	}
	if (t.len == 0) {
		*rest = t;
		return false;
	}
	while (i < t.len && !is_space(t.p[i]))
		i++;
	word->p = t.p;
	word->len = i;
	rest->p = t.p + i;
	rest->len = t.len - i;
	return true;
}

bool lx_text_u64(struct lx_text *t, uint64_t *v)
{
	struct lx_text s = lx_text_skip_ws(*t);
	uint64_t acc = 0;
	size_t i = 0;

	while (i < s.len && s.p[i] >= '0' && s.p[i] <= '9') {
		unsigned d = (unsigned)(s.p[i] - '0');

		if (acc > (UINT64_MAX - d) / 10)
			return false;
		acc = acc * 10 + d;
		i++;
	}
	if (i == 0)
		return false;
	*v = acc;
	t->p = s.p + i;
	t->len = s.len - i;
	return true;
}

bool lx_text_to_u64(struct lx_text t, uint64_t *v)
{
	t = lx_text_trim(t);
	return lx_text_u64(&t, v) && t.len == 0;
}
