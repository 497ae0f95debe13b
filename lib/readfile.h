/*
 * Reading a small text file whole — a /proc, /sys or cgroup file, /etc/subuid — into a
 * caller's buffer, NUL-terminated: the one open/read/terminate sequence the host side needs
 * in a dozen places; and an open descriptor's bytes, as many as fit.
 */
#ifndef LXZONE_READFILE_H
#define LXZONE_READFILE_H

#include <sys/types.h>

/*
 * The file named by the printf-style fmt, read until end of file or until sz - 1 bytes (a
 * longer file is cut there), and NUL-terminated.  Returns the length read, or -1 with errno
 * set; buf is "" on failure.  sz must be at least 1.
 */
ssize_t zone_read_text(char *buf, size_t sz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Up to len bytes of fd into buf, read again after a short read or EINTR until len or end of
 * file: the count, or -1 with errno set. */
ssize_t zone_read_all(int fd, void *buf, size_t len);

#endif
