/*
 * The zone's kernel identity: /proc/version, /proc/sys/kernel/{osrelease,ostype}, the
 * version comparison every kernel-version-dependent format goes through, and
 * /proc/diskstats (the zone's devices only).
 */
#include "proc/lxproc.h"

/* The next numeric component of a version string; *s stops after it and its '.'. */
static bool kver_next(const char **s, uint64_t *v)
{
	const char *p = *s;
	uint64_t acc = 0;

	if (!p || *p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9') {
		if (acc < UINT64_MAX / 10)
			acc = acc * 10 + (uint64_t)(*p - '0');
		p++;
	}
	if (*p == '.' && p[1] >= '0' && p[1] <= '9')
		p++;
	else
		p = ""; /* "-91-generic" and the like end the numeric part */
	*s = p;
	*v = acc;
	return true;
}

int lx_kver_cmp(const char *a, const char *b)
{
	for (;;) {
		uint64_t x = 0, y = 0;
		bool hx = kver_next(&a, &x), hy = kver_next(&b, &y);

		if (!hx && !hy)
			return 0;
		/* A missing component counts as 0: "2.6" == "2.6.0". */
		if (x != y)
			return x < y ? -1 : 1;
	}
}

static const char *zone_release(const struct lxproc_view *v)
{
	if (v->kver && v->kver[0])
		return v->kver;
	return v->host_release;
}

int lxproc_osrelease(const struct lxproc_view *v, struct lx_buf *b)
{
	const char *rel = zone_release(v);

	if (!rel)
		return LXPROC_EINPUT;
	lx_buf_puts(b, rel);
	lx_buf_putc(b, '\n');
	return b->trunc ? LXPROC_ETRUNC : LXPROC_OK;
}

int lxproc_ostype(const struct lxproc_view *v, struct lx_buf *b)
{
	(void)v;
	lx_buf_puts(b, "Linux\n");
	return b->trunc ? LXPROC_ETRUNC : LXPROC_OK;
}

/*
 * "Linux version <release> (<builder>) (<compiler>) #<n> ..." with the zone's release in
 * place of the host's; the build details are the host kernel's (they describe the kernel
 * that really runs).  Without host text, a minimal line of the same shape.
 */
int lxproc_version(const struct lxproc_view *v, struct lx_buf *b)
{
	struct lx_text rest = v->host_version, w1, w2, rel;
	const char *zrel = zone_release(v);

	if (!rest.p) {
		if (!zrel)
			return LXPROC_EINPUT;
		lx_buf_puts(b, "Linux version ");
		lx_buf_puts(b, zrel);
		lx_buf_puts(b, " (lxzone@lxzone) #1 SMP\n");
		return b->trunc ? LXPROC_ETRUNC : LXPROC_OK;
	}
	if (!v->kver || !v->kver[0] || !lx_text_next_word(&rest, &w1) ||
	    !lx_text_next_word(&rest, &w2) || !lx_text_next_word(&rest, &rel)) {
		lx_buf_text(b, v->host_version);
		return b->trunc ? LXPROC_ETRUNC : LXPROC_OK;
	}
	lx_buf_putn(b, v->host_version.p, (size_t)(rel.p - v->host_version.p));
	lx_buf_puts(b, v->kver);
	lx_buf_text(b, rest);
	return b->trunc ? LXPROC_ETRUNC : LXPROC_OK;
}

static bool zone_has_disk(const struct lxproc_view *v, struct lx_text name)
{
	for (uint32_t i = 0; i < v->ndisks; i++)
		if (v->disks && v->disks[i] && lx_text_eq_cstr(name, v->disks[i]))
			return true;
	return false;
}

/* The zone's I/O on major:minor, or NULL when it has done none there. */
static const struct lx_diskio *zone_diskio(const struct lxproc_view *v, struct lx_text major,
					   struct lx_text minor)
{
	uint64_t ma, mi;

	if (v->diskio == NULL || !lx_text_to_u64(major, &ma) || !lx_text_to_u64(minor, &mi))
		return NULL;
	for (uint32_t i = 0; i < v->ndiskio; i++) {
		const struct lx_diskio *d = &v->diskio[i];
		bool any = d->rd_ios || d->wr_ios || d->dc_ios || d->rd_bytes || d->wr_bytes ||
			   d->dc_bytes;
		if (d->major == ma && d->minor == mi)
			return any ? d : NULL;
	}
	return NULL;
}

/*
 * The host's lines for the zone's given devices, in the host's order, and for every other disk
 * the zone's cgroup did I/O on, a line of the zone's own counts in the kernel's layout, with as
 * many fields as the host's line (requests as the cgroup counts them, bios submitted; sectors
 * of 512 bytes; merges, times and in-flight requests, which it does not count, as 0); empty if
 * it has neither.
 */
int lxproc_diskstats(const struct lxproc_view *v, struct lx_buf *b)
{
	struct lx_text rest = v->host_diskstats, line;

	while (lx_text_next_line(&rest, &line)) {
		struct lx_text words = line, major, minor, name;
		const struct lx_diskio *d;

		if (!lx_text_next_word(&words, &major) || !lx_text_next_word(&words, &minor) ||
		    !lx_text_next_word(&words, &name))
			continue;
		if (zone_has_disk(v, name)) {
			lx_buf_text(b, line);
			lx_buf_putc(b, '\n');
		} else if ((d = zone_diskio(v, major, minor)) != NULL) {
			const uint64_t f[] = {d->rd_ios, 0, d->rd_bytes / 512, 0, d->wr_ios, 0,
					      d->wr_bytes / 512, 0, 0, 0, 0, d->dc_ios, 0,
					      d->dc_bytes / 512, 0, 0, 0};
			struct lx_text w;
			size_t nf = 0;

			/* as many fields as the host's kernel prints (11 before 4.18, 15 before 5.5) */
			while (nf < sizeof(f) / sizeof(f[0]) && lx_text_next_word(&words, &w))
				nf++;

			lx_buf_u64(b, d->major, 4, ' ');
			lx_buf_putc(b, ' ');
			lx_buf_u64(b, d->minor, 7, ' ');
			lx_buf_putc(b, ' ');
			lx_buf_text(b, name);
			for (size_t i = 0; i < nf; i++) {
				lx_buf_putc(b, ' ');
				lx_buf_u64(b, f[i], 0, ' ');
			}
			lx_buf_putc(b, '\n');
		}
	}
	return b->trunc ? LXPROC_ETRUNC : LXPROC_OK;
}
