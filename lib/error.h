/*
 * The one error type of the host side (cli/, zone/, zone/launch/, filter/), as crun's
 * libcrun_error_t: one small object, filled where the failure happens with the errno kept,
 * and prefixed with context as it travels up ("install zone web1: extract usr/bin/ls: No
 * space left on device"). Every fallible function returns int (0 ok, negative on failure)
 * and takes a struct zone_error * last.
 */
#ifndef LXZONE_ZONE_ERROR_H
#define LXZONE_ZONE_ERROR_H

#include <stdarg.h>

struct zone_error {
	int code;	/* errno of the root cause, or 0 when the cause is not a system error */
	int status;	/* the exit status a shell would give (125 usage, 126 cannot execute,
			 * 127 not found), set by the launcher (launch_fail); 0: not set */
	char msg[1024]; /* one line, no trailing newline, no program-name prefix */
};

/* Record a failure. If code != 0, ": strerror(code)" is appended. Returns -1. */
int zone_error_set(struct zone_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefix the recorded message with "context: ". Returns -1 so callers can `return` it. */
int zone_error_wrap(struct zone_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void zone_error_clear(struct zone_error *err);

/* Cleanup attributes, crun-style. */
void zone_cleanup_free(void *p);
void zone_cleanup_close(int *fd);
void zone_cleanup_fclose(void *fp);
void zone_cleanup_closedir(void *dp);
#define cleanup_free	 __attribute__((cleanup(zone_cleanup_free)))
#define cleanup_close	 __attribute__((cleanup(zone_cleanup_close)))
#define cleanup_fclose	 __attribute__((cleanup(zone_cleanup_fclose)))
#define cleanup_closedir __attribute__((cleanup(zone_cleanup_closedir)))

#endif
