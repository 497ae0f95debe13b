/*
 * One descriptor over a Unix socket (SCM_RIGHTS) with a few bytes beside it: the message
 * the host side exchanges in several places (a zone tty's master, the console socket's
 * master, the mount service's listener).  launch_userns.c's helper shares the supervisor's
 * memory and makes raw system calls only, and launch_exec.c sends through the brand's gate
 * after its filter is on, so those two keep their own.
 */
#ifndef LXZONE_FDPASS_H
#define LXZONE_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

/* Send fd with the len bytes at data (len >= 1: a message needs one byte), MSG_NOSIGNAL (a
 * peer gone is EPIPE, never a SIGPIPE).  0, or -1 with errno. */
int zone_fd_send(int sock, int fd, const void *data, size_t len);

/*
 * Receive one message of up to len bytes into data (retried on EINTR) and the one descriptor
 * it carries, close-on-exec.  Returns the descriptor; -1 when the message carries none or not
 * exactly one (any it carries are closed), with *got the bytes read (0 at end of file, -1 with
 * errno on an error) so that a caller can tell an answer without a descriptor from none.
 */
int zone_fd_recv(int sock, void *data, size_t len, ssize_t *got);

#endif
