/*
 * lxzone-oci's errors and log, as runc's logrus writes them (see oci_main.c).
 */
#include "cli/oci.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct oci_global oci_g = {.root = OCI_DEFAULT_ROOT};
static FILE *log_out;

int oci_log_open(const char *path, struct zone_error *e)
{
	log_out = fopen(path, "ae");
	if (!log_out)
		return oci_fail(e, "open %s: %s", path, strerror(errno));
	return 0;
}

int oci_fail(struct zone_error *e, const char *fmt, ...)
{
	va_list ap;

	e->code = 0;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static void now_rfc3339(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void oci_log(const char *level, const char *fmt, ...)
{
	char msg[1200], t[40];
	FILE *out = log_out ? log_out : stderr;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	now_rfc3339(t, sizeof(t));
	if (oci_g.log_json) {
		json_t *o = json_pack("{s:s, s:s, s:s}", "level", level, "msg", msg, "time", t);
		char *s = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

		if (s)
			fprintf(out, "%s\n", s);
		free(s);
		json_decref(o);
	} else {
		json_t *q = json_string(msg); /* quoted as logrus quotes: a JSON string */
		char *s = q ? json_dumps(q, JSON_ENCODE_ANY) : NULL;

		fprintf(out, "time=\"%s\" level=%s msg=%s\n", t, level, s ? s : "\"\"");
		free(s);
		json_decref(q);
	}
	fflush(out);
}

int oci_error(const struct zone_error *e)
{
	oci_log("error", "%s", e->msg);
	if (log_out)
		fprintf(stderr, "%s\n", e->msg);
	return 1;
}
