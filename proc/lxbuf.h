/*
 * lx_buf: a bounded text buffer for /proc generators, and lx_text: a read-only view of text.
 *
 * Freestanding: no libc.  A generator appends into a caller-owned array; every append is
 * bounded by the capacity, never writes past it, and on overflow keeps what fitted and sets
 * `trunc`, so the caller can retry with a larger buffer (as seq_file does).  The buffer is
 * not NUL-terminated: /proc text is a byte range, and its length is `len`.
 */
#ifndef LXZONE_LXBUF_H
#define LXZONE_LXBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lx_buf {
	char *p;
	size_t cap;
	size_t len;
	bool trunc; /* an append did not fit: the text is incomplete */
};

/* A byte range of text that is not ours (host files, cgroup files). Not NUL-terminated. */
struct lx_text {
	const char *p;
	size_t len;
};

void lx_buf_init(struct lx_buf *b, char *p, size_t cap);
void lx_buf_putc(struct lx_buf *b, char c);
void lx_buf_putn(struct lx_buf *b, const char *s, size_t n);
void lx_buf_puts(struct lx_buf *b, const char *s);
void lx_buf_text(struct lx_buf *b, struct lx_text t);
/* `n` copies of `c`. */
void lx_buf_fill(struct lx_buf *b, char c, size_t n);
/* Unsigned decimal, right-aligned in `width` columns padded with `pad` (' ' or '0'). */
void lx_buf_u64(struct lx_buf *b, uint64_t v, unsigned width, char pad);
void lx_buf_s64(struct lx_buf *b, int64_t v, unsigned width, char pad);
/*
 * Fixed point: `v` counts units of 10^-frac, printed with exactly `frac` decimals:
 * lx_buf_fix(b, 1234, 2) -> "12.34", lx_buf_fix(b, 5, 2) -> "0.05".  frac <= 19.
 */
void lx_buf_fix(struct lx_buf *b, uint64_t v, unsigned frac);
/* Pad with spaces until the current line is `col` bytes long (at least one space if `min1`). */
void lx_buf_pad_to(struct lx_buf *b, size_t line_start, size_t col, bool min1);

static inline bool lx_buf_truncated(const struct lx_buf *b)
{
	return b->trunc;
}

/* Small string helpers (the brand has no libc). */
size_t lx_strlen(const char *s);
bool lx_mem_eq(const void *a, const void *b, size_t n);
struct lx_text lx_text_cstr(const char *s);
bool lx_text_eq_cstr(struct lx_text t, const char *s);
bool lx_text_starts(struct lx_text t, const char *prefix);

/*
 * Line iteration: each call returns the next line (without its '\n') in *line and advances
 * *rest; false when nothing is left.  A last line without '\n' is still a line.
 */
bool lx_text_next_line(struct lx_text *rest, struct lx_text *line);
/* Skip spaces and tabs at the front. */
struct lx_text lx_text_skip_ws(struct lx_text t);
/* Remove spaces, tabs and newlines at both ends. */
struct lx_text lx_text_trim(struct lx_text t);
/* Next whitespace-separated word of *rest (false when none). */
bool lx_text_next_word(struct lx_text *rest, struct lx_text *word);
/*
 * Parse an unsigned decimal at the front of *t (after optional blanks), advancing *t.
 * False if there is no digit or the value overflows 64 bits.
 */
bool lx_text_u64(struct lx_text *t, uint64_t *v);
/* The whole of `t` (trimmed) is one unsigned decimal. */
bool lx_text_to_u64(struct lx_text t, uint64_t *v);

#endif
