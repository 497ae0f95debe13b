#include "lib/error.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int zone_error_set(struct zone_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (err == NULL)
		return -1;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	if (code != 0 && n < sizeof(err->msg))
		snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(code));
	return -1;
}

int zone_error_wrap(struct zone_error *err, const char *fmt, ...)
{
	char prefix[512], old[sizeof(err->msg)];
	va_list ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	size_t pl = strlen(prefix);
	if (pl + 2 >= sizeof(err->msg))
		pl = sizeof(err->msg) - 3;
	memcpy(err->msg, prefix, pl);
	memcpy(err->msg + pl, ": ", 2);
	size_t rest = sizeof(err->msg) - pl - 2;
	strncpy(err->msg + pl + 2, old, rest - 1);
	err->msg[sizeof(err->msg) - 1] = '\0';
	return -1;
}

void zone_error_clear(struct zone_error *err)
{
	err->code = 0;
	err->msg[0] = '\0';
}

void zone_cleanup_free(void *p)
{
	free(*(void **)p);
}

void zone_cleanup_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

void zone_cleanup_fclose(void *fp)
{
	FILE *f = *(FILE **)fp;
	if (f != NULL)
		fclose(f);
}

void zone_cleanup_closedir(void *dp)
{
	DIR *d = *(DIR **)dp;
	if (d != NULL)
		closedir(d);
}
