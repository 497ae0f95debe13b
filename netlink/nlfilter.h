/*
 * The netlink view's descriptor filter: a second, small seccomp filter stacked on every
 * process of a net=shared zone (the launcher installs it before the brand's main filter, so
 * the zone's init, `lxzone exec` and everything they fork carry it; execve keeps it).
 *
 * Why a range of descriptor numbers.  A filter cannot follow a socket, only a number, and a
 * stacked filter cannot be changed once in.  So the brand's socket handler moves every
 * AF_NETLINK socket of a shared zone to a number in [LX_NL_FD_BASE, LX_NL_FD_BASE +
 * LX_NL_FD_COUNT) (fcntl F_DUPFD), and this filter traps the calls that carry netlink data or
 * membership on those numbers only: sendto, recvfrom, sendmsg, recvmsg, and bind and
 * setsockopt on the uevent sockets' part of the range.  It also traps socket(AF_NETLINK, ...)
 * itself, which is how a socket gets there.  Every other call, and these calls on other
 * descriptors, the filter allows, leaving the decision to the main filter (the kernel takes the
 * strictest action of all filters), so a process that never opens a netlink socket pays a few BPF
 * instructions on those calls and no trap.  A descriptor of the range that is no netlink socket (a
 * program that dup2'd there, or a server past 960 descriptors) is trapped and passed on as it is:
 * slower, never wrong. A netlink socket dup'ed out of the range by the guest escapes the view, not
 * the hooks: what a zone can *do* on the network is the kernel's cgroup-bpf hooks' business
 * (zone/netbpf.c), what it *sees* is this.
 *
 * /proc/net.  The same filter traps the read-only opens of the zone's processes (open and
 * openat without O_WRONLY, O_RDWR, O_DIRECTORY, O_PATH or O_NONBLOCK; openat2 always), so the brand can
 * serve the zone's /proc/net files whatever path names them (syscalls/lx_procnet.c): the price
 * of a trap on those opens lands on shared zones only.
 *
 * The cost on other calls.  Every call the filter allows by its number alone (read, write,
 * futex, epoll_wait, accept4, close, fstat, mmap, sendfile, writev, ...) stays in the kernel's
 * seccomp action cache: neither this filter nor the brand's runs for it.  A call it looks at an
 * argument of (recvfrom, sendto, recvmsg, sendmsg, bind, setsockopt, open, openat) leaves the
 * cache, and both filters run on every such call of the process, whatever its descriptor:
 * measured +11-19% on a read or write of /dev/zero (docs/performance.md).  That is why read and
 * write are not trapped (no netlink library reads or writes its socket: glibc, iproute2, libnl,
 * libmnl, systemd, Go and Python use the send and receive calls), and recvfrom comes first.
 *
 * The brand's own calls (the gate) pass.  Pure: builds the classic BPF program; the unit test
 * runs it in the BPF simulator.
 */
#ifndef LXZONE_NLFILTER_H
#define LXZONE_NLFILTER_H

#include "emul/fdfilter.h" /* struct lx_sock_filter */

/* Below a default RLIMIT_NOFILE of 1024, above what programs usually hold. */
#define LX_NL_FD_BASE  960
#define LX_NL_FD_COUNT 64
/* KOBJECT_UEVENT sockets take the range's last numbers: bind and setsockopt are trapped on
 * those only (a ROUTE socket's bind, glibc's every getifaddrs, stays untrapped) */
#define LX_NL_FD_UEVENT (LX_NL_FD_BASE + LX_NL_FD_COUNT - 8)

#define LX_NLFILTER_LEN 34

/* Writes the program (LX_NLFILTER_LEN instructions) to out. */
void lx_nlfilter_build(struct lx_sock_filter out[LX_NLFILTER_LEN]);

#endif
