/*
 * /proc/net in a net=shared zone (syscalls/lx_procnet.c says how): the open handlers
 * (lx_open.c, lx_proc.c) ask lx_procnet_candidate with the guest's path and flags, let the
 * kernel open it, and hand a candidate's descriptor to lx_procnet_opened.
 */
#ifndef LXZONE_LX_PROCNET_H
#define LXZONE_LX_PROCNET_H

/* Could this open (path as the guest gave it, its flags) be of one of the zone's /proc/net
 * files?  Only in a shared zone, read-only, by the last component's name. */
int lx_procnet_candidate(const char *path, long flags);
/* fd, a descriptor the kernel just opened for a candidate: the same number, now with the
 * zone's text when it is one of those files; or -errno (fd closed). */
long lx_procnet_opened(long fd, long flags);

#endif
